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

void pst_free_citations(char **source, char **locator, char **quote, int *number, size_t n)
{
	for (size_t i = 0; i < n && source && locator && quote; i++) {
		free(source[i]);
		free(locator[i]);
		free(quote[i]);
	}
	free(source);
	free(locator);
	free(quote);
	free(number);
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
	pst_free_citations(it->cite_source, it->cite_locator, it->cite_quote, it->cite_number,
	                   it->n_cites);
	free(it->date);
	free(it->precision);
}

void pst_group_drop_last(pst_group *g)
{
	free_item(&g->items[--g->n_items]);
}

static void free_dense(pst_dense *d);

void posture_scene_destroy(posture_scene *s)
{
	if (!s)
		return;
	for (size_t g = 0; g < s->n_groups; g++) {
		for (size_t i = 0; i < s->groups[g].n_items; i++)
			free_item(&s->groups[g].items[i]);
		free(s->groups[g].items);
		free_dense(s->groups[g].dense);
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

const char *posture_scene_unlabelled_id(const posture_scene *s, size_t index)
{
	for (size_t g = 0; g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		for (size_t i = 0; !grp->furniture && i < grp->n_items; i++)
			if (grp->items[i].label_dropped && index-- == 0)
				return grp->items[i].id;
	}
	return NULL;
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

/* --- the compact form of a dense layer ------------------------------------------ */

size_t pst_group_count(const pst_group *g)
{
	return g->n_items + (g->dense ? g->dense->n + g->dense->n_discs : 0);
}

pst_box pst_dense_symbol_box(const pst_dense *d, size_t k)
{
	const pst_dense_point *p = &d->pts[k];
	const pst_item *look = &d->looks[p->look];
	double r = look->symbol_size / 2 + look->style.stroke_width / 2; /* as pst_set_symbol() */
	return (pst_box){ p->ax - r, p->ay - r, p->ax + r, p->ay + r };
}

void pst_dense_point_item(const pst_dense *d, size_t k, pst_item *out)
{
	const pst_dense_point *p = &d->pts[k];
	*out = d->looks[p->look];
	out->ax = p->ax;
	out->ay = p->ay;
	out->symbol_box = pst_dense_symbol_box(d, k);
	const pst_cites *c = d->cites[p->cites];
	out->id = p->id;
	out->name = pst_dense_name(p);
	out->date = d->attrs[p->attrs].date;
	out->precision = d->attrs[p->attrs].precision;
	out->cite_source = c->source;
	out->cite_locator = c->locator;
	out->cite_quote = c->quote;
	out->cite_number = c->number;
	out->n_cites = c->n;
}

void pst_dense_scratch_free(pst_dense_scratch *sc)
{
	pst_pts_free(&sc->ring);
	free(sc->id);
	memset(sc, 0, sizeof(*sc));
}

/* The disc's geometry as items.c's add_uncertainty() made it: no ring stored when it is
 * inside the frame, else its ring clipped to the frame (no part when nothing is left). */
int pst_dense_disc_item(const pst_dense *d, size_t k, pst_item *out, pst_dense_scratch *sc)
{
	const pst_dense_point *p = &d->pts[k];
	*out = d->looks[p->disc - 1];
	out->ax = p->ax;
	out->ay = p->ay;
	out->name = pst_dense_name(p);
	out->date = d->attrs[p->attrs].date;
	out->precision = d->attrs[p->attrs].precision;
	size_t n = strlen(p->id) + sizeof("area-");
	if (n > sc->id_cap) {
		char *id = realloc(sc->id, n);
		if (!id)
			return POSTURE_ENOMEM;
		sc->id = id;
		sc->id_cap = n;
	}
	memcpy(sc->id, "area-", 5);
	memcpy(sc->id + 5, p->id, n - 5);
	out->id = sc->id;
	double x = p->ax, y = p->ay, r = out->symbol_size / 2, xy[2 * PST_DISC_CORNERS];
	double span[4] = { x - r, y - r, x + r, y + r };
	bool inside = pst_ring_inside(span, 2, &d->frame);
	if (!inside)
		pst_disc_corners(xy, x, y, r);
	if (inside || pst_ring_inside(xy, PST_DISC_CORNERS, &d->frame)) {
		pst_item_set_disc(out);
		return POSTURE_OK;
	}
	if (pst_clip_ring(&sc->ring, xy, PST_DISC_CORNERS, &d->frame) != POSTURE_OK)
		return POSTURE_ENOMEM;
	if (sc->ring.n >= 3) {
		out->xy = sc->ring.xy;
		out->n_pts = sc->ring.n;
		sc->part_end[0] = sc->ring.n;
		out->part_end = sc->part_end;
		out->n_parts = 1;
	}
	return POSTURE_OK;
}

const pst_item *pst_group_next(const pst_group *g, pst_group_iter *it, int *rc)
{
	*rc = POSTURE_OK;
	if (!g->dense)
		return it->i < g->n_items ? &g->items[it->i++] : NULL;
	const pst_dense *d = g->dense;
	if (it->i >= d->n)
		return NULL;
	if (!it->at_point && d->pts[it->i].disc) {
		it->at_point = true;
		*rc = pst_dense_disc_item(d, it->i, &it->item, &it->sc);
		return *rc == POSTURE_OK ? &it->item : NULL;
	}
	pst_dense_point_item(d, it->i++, &it->item);
	it->at_point = false;
	return &it->item;
}

void pst_group_iter_free(pst_group_iter *it)
{
	pst_dense_scratch_free(&it->sc);
}

/* Free a group's compact form (its strings are in the scene's pool). */
static void free_dense(pst_dense *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_looks; i++)
		free(d->looks[i].variant);
	free(d->looks);
	free(d->pts);
	free(d->cites);
	free(d->attrs);
	free(d);
}

int pst_group_expand(pst_group *out, const pst_group *g, pst_pool *pool)
{
	size_t n = pst_group_count(g);
	out->items = calloc(n + 1, sizeof(pst_item));
	out->cap_items = n + 1;
	if (!out->items)
		return POSTURE_ENOMEM;
	pst_group_iter it = { 0 };
	int rc = POSTURE_OK;
	for (const pst_item *src; (src = pst_group_next(g, &it, &rc));) {
		pst_item *dst = &out->items[out->n_items++];
		*dst = *src;
		if (!it.at_point) /* a point: nothing of its own */
			continue;
		/* A disc: its id, and the ring of one the frame cuts, are its own. */
		if (!(dst->id = pst_pool_strn(pool, src->id, strlen(src->id)))) {
			rc = POSTURE_ENOMEM;
			break;
		}
		if (src->disc || !src->n_parts)
			continue;
		dst->xy = NULL;
		dst->part_end = NULL;
		dst->n_pts = dst->n_parts = 0;
		if (pst_item_add_part(dst, src->xy, src->n_pts) != POSTURE_OK) {
			rc = POSTURE_ENOMEM;
			break;
		}
	}
	pst_group_iter_free(&it);
	return rc;
}

void pst_group_expanded_free(pst_group *g)
{
	for (size_t i = 0; i < g->n_items; i++)
		if (!g->items[i].disc) {
			free(g->items[i].xy);
			free(g->items[i].part_end);
		}
	free(g->items);
}

void pst_scene_expanded_free(const posture_scene *s, const posture_scene *expanded)
{
	if (!expanded || expanded == s)
		return;
	posture_scene *e = (posture_scene *)expanded;
	for (size_t g = 0; g < e->n_groups; g++)
		if (s->groups[g].dense)
			pst_group_expanded_free(&e->groups[g]);
	free(e->groups);
	pst_pool_free(e->pool);
	free(e);
}

int pst_scene_expanded(const posture_scene *s, const posture_scene **out)
{
	*out = s;
	bool any = false;
	for (size_t g = 0; g < s->n_groups; g++)
		any = any || s->groups[g].dense;
	if (!any)
		return POSTURE_OK;
	posture_scene *e = malloc(sizeof(*e));
	if (!e)
		return POSTURE_ENOMEM;
	*e = *s;
	e->groups = calloc(s->n_groups + 1, sizeof(pst_group));
	e->pool = pst_pool_new(); /* the discs' ids (the rest is borrowed from s) */
	int rc = e->groups && e->pool ? POSTURE_OK : POSTURE_ENOMEM;
	for (size_t g = 0; rc == POSTURE_OK && g < s->n_groups; g++) {
		e->groups[g] = s->groups[g];
		if (!s->groups[g].dense)
			continue;
		e->groups[g].items = NULL;
		e->groups[g].n_items = e->groups[g].cap_items = 0;
		e->groups[g].dense = NULL;
		rc = pst_group_expand(&e->groups[g], &s->groups[g], e->pool);
	}
	if (rc != POSTURE_OK) {
		pst_scene_expanded_free(s, e);
		return rc;
	}
	*out = e;
	return POSTURE_OK;
}
