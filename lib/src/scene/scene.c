/*
 * scene.c — the scene container: groups, items, parts, and freeing it all.
 */
#include <stdlib.h>
#include <string.h>

#include "scene.h"

pst_group *pst_scene_add_group(posture_scene *s, const char *name, const char *title)
{
	char *n = pst_strdup(name), *t = pst_strdup(title);
	pst_group *g = n && t ? realloc(s->groups, (s->n_groups + 1) * sizeof(*g)) : NULL;
	if (!g) {
		free(n);
		free(t);
		return NULL;
	}
	s->groups = g;
	g = &s->groups[s->n_groups++];
	memset(g, 0, sizeof(*g));
	g->name = n;
	g->title = t;
	return g;
}

pst_item *pst_group_add_item(pst_group *g)
{
	if (pst_grow((void **)&g->items, &g->cap_items, g->n_items + 1, sizeof(*g->items)) !=
	    POSTURE_OK)
		return NULL;
	pst_item *it = &g->items[g->n_items++];
	memset(it, 0, sizeof(*it));
	return it;
}

int pst_item_add_part(pst_item *it, const double *xy, size_t n)
{
	double *pts = realloc(it->xy, (it->n_pts + n) * 2 * sizeof(double));
	if (!pts)
		return POSTURE_ENOMEM;
	it->xy = pts;
	size_t *ends = realloc(it->part_end, (it->n_parts + 1) * sizeof(size_t));
	if (!ends)
		return POSTURE_ENOMEM;
	it->part_end = ends;
	memcpy(it->xy + 2 * it->n_pts, xy, n * 2 * sizeof(double));
	it->n_pts += n;
	it->part_end[it->n_parts++] = it->n_pts;
	return POSTURE_OK;
}

const pst_group *pst_scene_group(const posture_scene *s, const char *name)
{
	for (size_t i = 0; i < s->n_groups; i++)
		if (strcmp(s->groups[i].name, name) == 0)
			return &s->groups[i];
	return NULL;
}

size_t pst_scene_part_simplified(double **out, const pst_item *it, size_t k, double tol)
{
	size_t start = k ? it->part_end[k - 1] : 0;
	size_t n = it->part_end[k] - start;
	*out = malloc(n * 2 * sizeof(double));
	if (!*out)
		return 0;
	memcpy(*out, it->xy + 2 * start, n * 2 * sizeof(double));
	size_t m = pst_simplify(*out, n, tol, it->closed);
	if (m < (it->closed ? 3u : 2u)) {
		free(*out);
		*out = NULL;
		return 0;
	}
	return m;
}

static void free_label(pst_label *l)
{
	if (l)
		free(l->text);
	free(l);
}

static void free_item(pst_item *it)
{
	free(it->xy);
	free(it->part_end);
	free_label(it->label);
	free(it->country);
	free(it->link);
	free(it->variant);
	free(it->named_by);
	free(it->key_text);
	free(it->spots);
	if (it->pooled)
		return; /* the rest is in the scene's pool */
	free(it->id);
	free(it->kind);
	free(it->name);
	for (size_t i = 0; i < it->n_cites; i++) {
		free(it->cite_source[i]);
		free(it->cite_locator[i]);
		free(it->cite_quote[i]);
	}
	free(it->cite_source);
	free(it->cite_locator);
	free(it->cite_quote);
	free(it->cite_number);
	free(it->date);
	free(it->precision);
}

void pst_group_drop_last(pst_group *g)
{
	free_item(&g->items[--g->n_items]);
}

void posture_scene_destroy(posture_scene *s)
{
	if (!s)
		return;
	for (size_t g = 0; g < s->n_groups; g++) {
		for (size_t i = 0; i < s->groups[g].n_items; i++)
			free_item(&s->groups[g].items[i]);
		free(s->groups[g].items);
		free(s->groups[g].name);
		free(s->groups[g].title);
	}
	free(s->groups);
	for (size_t i = 0; i < s->n_sources; i++) {
		free(s->sources[i].id);
		free(s->sources[i].text);
		free(s->sources[i].url);
		free(s->sources[i].locators);
	}
	free(s->sources);
	free(s->citations);
	free(s->description);
	free(s->date);
	free(s->crs);
	free(s->title);
	free(s->font);
	pst_pool_free(s->pool);
	free(s);
}

void posture_scene_label_stats(const posture_scene *s, posture_label_stats *out)
{
	const pst_label_stats *st = &s->label_stats;
	*out = (posture_label_stats){ st->n_labels,   st->n_placed,   st->n_leader,
		                      st->n_dropped,  st->n_overlaps, st->mean_displacement,
		                      st->n_keyed,    st->n_unlabelled, st->cpu_seconds };
}

int pst_sort_by_priority(const pst_item **items, size_t n)
{
	/* Stable by priority, in O(n) whatever n is: priorities are small numbers, so
	 * count them, then place each item after the earlier ones of its priority (an
	 * insertion sort was quadratic on a layer of a hundred thousand incidents). */
	enum { N_PRIO = 256 };
	size_t start[N_PRIO + 1] = { 0 };
	for (size_t i = 0; i < n; i++)
		start[N_PRIO - 1 - (items[i]->priority < 0 ? 0 : items[i]->priority % N_PRIO) + 1]++;
	for (size_t p = 1; p <= N_PRIO; p++)
		start[p] += start[p - 1];
	const pst_item **sorted = malloc((n + 1) * sizeof(*sorted));
	if (!sorted)
		return POSTURE_ENOMEM;
	for (size_t i = 0; i < n; i++)
		sorted[start[N_PRIO - 1 - (items[i]->priority < 0 ? 0 : items[i]->priority % N_PRIO)]++] =
			items[i];
	memcpy(items, sorted, n * sizeof(*items));
	free(sorted);
	return POSTURE_OK;
}
