/*
 * scene.c — the scene container: groups, items, parts, and freeing it all.
 *
 * An uncertainty disc wholly inside the frame (pst_item.disc) keeps no ring of
 * its own: a million-incident map has half a million of them, 768 bytes each.
 * Its corners are those add_uncertainty() would have stored, computed again
 * from the centre, the radius and one table (pst_item_points()).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "scene.h"

/* cos, sin of i * pi / 24 for the 48 corners of a disc, as glibc's cos() and sin() give them. */
static const double disc_corner[2 * PST_DISC_CORNERS] = {
	0x1p+0, 0x0p+0,
	0x1.fb9ea92ec689bp-1, 0x1.0b5150f6da2dp-3,
	0x1.ee8dd4748bf15p-1, 0x1.0907dc193069p-2,
	0x1.d906bcf328d46p-1, 0x1.87de2a6aea963p-2,
	0x1.bb67ae8584cabp-1, 0x1.fffffffffffffp-2,
	0x1.963268b572492p-1, 0x1.37af93f9513eap-1,
	0x1.6a09e667f3bcdp-1, 0x1.6a09e667f3bccp-1,
	0x1.37af93f9513eap-1, 0x1.963268b572492p-1,
	0x1.0000000000001p-1, 0x1.bb67ae8584caap-1,
	0x1.87de2a6aea964p-2, 0x1.d906bcf328d46p-1,
	0x1.0907dc193069p-2, 0x1.ee8dd4748bf15p-1,
	0x1.0b5150f6da2d5p-3, 0x1.fb9ea92ec689bp-1,
	0x1.1a62633145c07p-54, 0x1p+0,
	-0x1.0b5150f6da2d1p-3, 0x1.fb9ea92ec689bp-1,
	-0x1.0907dc193068ep-2, 0x1.ee8dd4748bf15p-1,
	-0x1.87de2a6aea95ep-2, 0x1.d906bcf328d47p-1,
	-0x1.ffffffffffffcp-2, 0x1.bb67ae8584cabp-1,
	-0x1.37af93f9513eap-1, 0x1.963268b572492p-1,
	-0x1.6a09e667f3bccp-1, 0x1.6a09e667f3bcdp-1,
	-0x1.963268b572491p-1, 0x1.37af93f9513ecp-1,
	-0x1.bb67ae8584cabp-1, 0x1.fffffffffffffp-2,
	-0x1.d906bcf328d46p-1, 0x1.87de2a6aea965p-2,
	-0x1.ee8dd4748bf14p-1, 0x1.0907dc1930695p-2,
	-0x1.fb9ea92ec689bp-1, 0x1.0b5150f6da2dfp-3,
	-0x1p+0, 0x1.1a62633145c07p-53,
	-0x1.fb9ea92ec689bp-1, -0x1.0b5150f6da2d7p-3,
	-0x1.ee8dd4748bf15p-1, -0x1.0907dc1930691p-2,
	-0x1.d906bcf328d47p-1, -0x1.87de2a6aea961p-2,
	-0x1.bb67ae8584cacp-1, -0x1.ffffffffffffbp-2,
	-0x1.963268b572492p-1, -0x1.37af93f9513eap-1,
	-0x1.6a09e667f3bdp-1, -0x1.6a09e667f3bc9p-1,
	-0x1.37af93f9513ecp-1, -0x1.963268b57249p-1,
	-0x1.0000000000004p-1, -0x1.bb67ae8584ca8p-1,
	-0x1.87de2a6aea95ep-2, -0x1.d906bcf328d47p-1,
	-0x1.0907dc193068ep-2, -0x1.ee8dd4748bf15p-1,
	-0x1.0b5150f6da2d2p-3, -0x1.fb9ea92ec689bp-1,
	-0x1.a79394c9e8a0ap-53, -0x1p+0,
	0x1.0b5150f6da2c5p-3, -0x1.fb9ea92ec689cp-1,
	0x1.0907dc1930688p-2, -0x1.ee8dd4748bf16p-1,
	0x1.87de2a6aea958p-2, -0x1.d906bcf328d48p-1,
	0x1.0000000000001p-1, -0x1.bb67ae8584caap-1,
	0x1.37af93f9513e3p-1, -0x1.963268b572497p-1,
	0x1.6a09e667f3bcbp-1, -0x1.6a09e667f3bcep-1,
	0x1.963268b57249p-1, -0x1.37af93f9513ecp-1,
	0x1.bb67ae8584ca8p-1, -0x1.0000000000004p-1,
	0x1.d906bcf328d47p-1, -0x1.87de2a6aea95fp-2,
	0x1.ee8dd4748bf13p-1, -0x1.0907dc193069fp-2,
	0x1.fb9ea92ec689bp-1, -0x1.0b5150f6da2d4p-3,
};

/* A disc's one part ends after its last corner. */
static size_t disc_part_end[1] = { PST_DISC_CORNERS };

void pst_disc_corners(double *xy, double x, double y, double r)
{
	for (int i = 0; i < PST_DISC_CORNERS; i++) {
		xy[2 * i] = x + r * disc_corner[2 * i];
		xy[2 * i + 1] = y + r * disc_corner[2 * i + 1];
	}
}

void pst_item_set_disc(pst_item *it)
{
	assert(!it->xy && !it->n_parts);
	it->disc = true;
	it->n_pts = PST_DISC_CORNERS;
	it->n_parts = 1;
	it->part_end = disc_part_end;
}

const double *pst_item_points(const pst_item *it, double *buf)
{
	if (!it->disc)
		return it->xy;
	pst_disc_corners(buf, it->ax, it->ay, it->symbol_size / 2);
	return buf;
}

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
	double disc[2 * PST_DISC_CORNERS];
	memcpy(*out, pst_item_points(it, disc) + 2 * start, n * 2 * sizeof(double));
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
	if (!it->disc)
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
