/*
 * names.c — country names inside their shapes.
 *
 * A name goes at the country's pole of inaccessibility on the page: the
 * point inside the visible part of the country farthest from its outline
 * (not the centroid, which may fall outside a concave country or in a
 * neighbour).  It is found by a grid search refined three times around the
 * best cell, over the outline simplified to a point.  A country whose
 * visible part has no room for its name is not named.  Other roomy points,
 * spread over the country, go with the name: where labels or furniture
 * take the pole, placement tries them (label.c).  With a store of inputs
 * (serve, watch, batches), each outline's search is done once.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "inputs.h"

#define GRID 16      /* samples per side of the first search */
#define REFINE 3     /* finer searches around the best sample */
#define SPOT_GRID 20 /* samples per side when looking for other places */
#define MAX_SPOTS 8  /* other places kept */

typedef struct {
	double *xy;      /* all rings, simplified */
	size_t *end;     /* exclusive end of each ring */
	size_t n_rings;
} rings;

static bool inside(const rings *r, double x, double y)
{
	bool in = false;
	size_t start = 0;
	for (size_t k = 0; k < r->n_rings; k++) {
		for (size_t i = start, j = r->end[k] - 1; i < r->end[k]; j = i++) {
			double xi = r->xy[2 * i], yi = r->xy[2 * i + 1];
			double xj = r->xy[2 * j], yj = r->xy[2 * j + 1];
			if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
				in = !in;
		}
		start = r->end[k];
	}
	return in;
}

/* Distance from (x, y) to the nearest edge; negative outside. */
static double room(const rings *r, double x, double y)
{
	double best = HUGE_VAL;
	size_t start = 0;
	for (size_t k = 0; k < r->n_rings; k++) {
		for (size_t i = start, j = r->end[k] - 1; i < r->end[k]; j = i++) {
			double ax = r->xy[2 * j], ay = r->xy[2 * j + 1];
			double dx = r->xy[2 * i] - ax, dy = r->xy[2 * i + 1] - ay;
			double len2 = dx * dx + dy * dy;
			double t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
			t = t < 0 ? 0 : t > 1 ? 1 : t;
			double ex = ax + t * dx - x, ey = ay + t * dy - y, d2 = ex * ex + ey * ey;
			best = d2 < best ? d2 : best; /* squared: one root at the end */
		}
		start = r->end[k];
	}
	best = sqrt(best);
	return inside(r, x, y) ? best : -best;
}

/* Search a grid of @p cell-spaced samples centred on (*x, *y). */
static double search(const rings *r, double *x, double *y, double cell, int n)
{
	double bx = *x, by = *y, best = room(r, bx, by);
	for (int i = -n / 2; i <= n / 2; i++) {
		for (int j = -n / 2; j <= n / 2; j++) {
			double px = *x + i * cell, py = *y + j * cell, d = room(r, px, py);
			if (d > best) {
				best = d;
				bx = px;
				by = py;
			}
		}
	}
	*x = bx;
	*y = by;
	return best;
}

static int simplified_rings(rings *r, const pst_item *it)
{
	r->end = calloc(it->n_parts + 1, sizeof(size_t));
	r->xy = malloc((it->n_pts + 1) * 2 * sizeof(double));
	if (!r->end || !r->xy)
		return POSTURE_ENOMEM;
	size_t n = 0;
	for (size_t k = 0; k < it->n_parts; k++) {
		double *part;
		size_t m = pst_scene_part_simplified(&part, it, k, 2.0); /* 2 pt is ample for a name */
		if (m >= 3) {
			memcpy(r->xy + 2 * n, part, m * 2 * sizeof(double));
			n += m;
			r->end[r->n_rings++] = n;
		}
		free(part);
	}
	return POSTURE_OK;
}

typedef struct {
	double x, y, room;
} spot;

static int by_room(const void *pa, const void *pb)
{
	const spot *a = pa, *b = pb;
	return a->room < b->room ? 1 : a->room > b->room ? -1 : (a->y < b->y ? -1 : a->y > b->y);
}

/*
 * Places with at least @p need of room, best first, each farther than its
 * own room from the pole (@p px, @p py) and from those kept before it.
 */
static size_t other_spots(const rings *r, const pst_box *bb, double px, double py, double need,
                          double *out)
{
	spot cand[SPOT_GRID * SPOT_GRID];
	size_t n = 0;
	double cw = (bb->x1 - bb->x0) / SPOT_GRID, ch = (bb->y1 - bb->y0) / SPOT_GRID;
	for (int i = 0; i < SPOT_GRID; i++)
		for (int j = 0; j < SPOT_GRID; j++) {
			double x = bb->x0 + (i + 0.5) * cw, y = bb->y0 + (j + 0.5) * ch;
			double d = room(r, x, y);
			if (d >= need)
				cand[n++] = (spot){ x, y, d };
		}
	qsort(cand, n, sizeof(spot), by_room);
	double kept[2 * (MAX_SPOTS + 1)] = { px, py };
	size_t n_kept = 1;
	for (size_t c = 0; c < n && n_kept <= MAX_SPOTS; c++) {
		bool apart = true;
		for (size_t k = 0; k < n_kept && apart; k++)
			apart = hypot(cand[c].x - kept[2 * k], cand[c].y - kept[2 * k + 1]) > cand[c].room;
		if (!apart)
			continue;
		kept[2 * n_kept] = cand[c].x;
		kept[2 * n_kept + 1] = cand[c].y;
		n_kept++;
	}
	memcpy(out, kept + 2, (n_kept - 1) * 2 * sizeof(double));
	return n_kept - 1;
}

/* What pole() found, as the store remembers it. */
typedef struct {
	double x, y, best;
	size_t n_spots;
	double spots[2 * MAX_SPOTS];
} pole_found;

/* The bytes pole()'s result depends on: @p need and the simplified rings; NULL: no memory. */
static char *pole_key(const rings *r, double need, size_t *len)
{
	size_t n_pts = r->n_rings ? r->end[r->n_rings - 1] : 0;
	*len = sizeof(need) + sizeof(r->n_rings) + r->n_rings * sizeof(*r->end) +
	       n_pts * 2 * sizeof(double);
	char *key = malloc(*len), *at = key;
	if (!key)
		return NULL;
	memcpy(at, &need, sizeof(need));
	at += sizeof(need);
	memcpy(at, &r->n_rings, sizeof(r->n_rings));
	at += sizeof(r->n_rings);
	memcpy(at, r->end, r->n_rings * sizeof(*r->end));
	at += r->n_rings * sizeof(*r->end);
	memcpy(at, r->xy, n_pts * 2 * sizeof(double));
	return key;
}

/* The best place for a name in @p it and how much room it has there; other
 * places with at least @p need of room go to @p spots (*n_spots of them).
 * The search is done once per outline and need: the store (@p in, or NULL)
 * remembers it for the next build. */
static double pole(posture_inputs *in, const pst_item *it, double *x, double *y, double need,
                   double *spots, size_t *n_spots)
{
	rings r = { 0 };
	double best = -1;
	*n_spots = 0;
	*x = *y = 0; /* set even when there is no room, so no caller reads them unset */
	size_t key_len = 0, found_len = 0;
	char *key = NULL;
	const pole_found *memo = NULL;
	if (simplified_rings(&r, it) == POSTURE_OK && r.n_rings && in &&
	    (key = pole_key(&r, need, &key_len)))
		memo = pst_inputs_memo_get(in, "country-name-pole", key, key_len, &found_len);
	if (memo && found_len == sizeof(*memo)) {
		*x = memo->x;
		*y = memo->y;
		best = memo->best;
		*n_spots = memo->n_spots;
		memcpy(spots, memo->spots, memo->n_spots * 2 * sizeof(double));
	} else if (r.n_rings) {
		pst_box bb = { HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL };
		for (size_t i = 0; i < r.end[r.n_rings - 1]; i++) {
			bb.x0 = fmin(bb.x0, r.xy[2 * i]);
			bb.y0 = fmin(bb.y0, r.xy[2 * i + 1]);
			bb.x1 = fmax(bb.x1, r.xy[2 * i]);
			bb.y1 = fmax(bb.y1, r.xy[2 * i + 1]);
		}
		double cell = fmax(bb.x1 - bb.x0, bb.y1 - bb.y0) / GRID;
		*x = (bb.x0 + bb.x1) / 2;
		*y = (bb.y0 + bb.y1) / 2;
		best = search(&r, x, y, cell, GRID + 2);
		for (int k = 0; k < REFINE; k++) {
			cell /= GRID / 4.0;
			best = search(&r, x, y, cell, 8);
		}
		if (best >= need)
			*n_spots = other_spots(&r, &bb, *x, *y, need, spots);
		if (key) {
			pole_found f = { *x, *y, best, *n_spots, { 0 } };
			memcpy(f.spots, spots, *n_spots * 2 * sizeof(double));
			pst_inputs_memo_put(in, "country-name-pole", key, key_len, &f, sizeof(f));
		}
	}
	free(key);
	free(r.xy);
	free(r.end);
	return best;
}

static int add_name(builder *b, pst_group *g, const pst_item *country, double x, double y,
                    const double *spots, size_t n_spots)
{
	const pst_theme *t = b->theme;
	char *upper = g_utf8_strup(country->name, -1);
	double size = t->country_size * b->k;
	pst_label *l = upper ? pst_new_label(b, upper, false, size, t->region_text) : NULL;
	g_free(upper);
	if (!l)
		return POSTURE_ENOMEM;
	l->letter_spacing = 0.25 * size;
	l->halo = t->halo;
	l->halo_width = t->halo_width * b->k;
	pst_item *it = pst_group_add_item(g);
	if (!it) {
		free(l->text);
		free(l);
		return POSTURE_ENOMEM;
	}
	it->label = l;
	it->id = pst_asprintf("name-%s", country->id);
	it->kind = pst_strdup("country-name");
	it->name = pst_strdup(country->name);
	it->has_anchor = true;
	it->ax = x;
	it->ay = y;
	it->symbol_box = (pst_box){ x, y, x, y };
	it->priority = 20;
	it->label_optional = true; /* named where there is room, else not at all */
	if (n_spots && (it->spots = malloc(n_spots * 2 * sizeof(double)))) {
		memcpy(it->spots, spots, n_spots * 2 * sizeof(double));
		it->n_spots = n_spots;
	}
	return it->id && it->kind && it->name && (!n_spots || it->spots) ? POSTURE_OK
	                                                                  : POSTURE_ENOMEM;
}

int pst_add_country_names(builder *b)
{
	const pst_group *countries = pst_scene_group(b->scene, "countries");
	if (!countries || !strcmp(b->map->layout, "bare"))
		return POSTURE_OK;
	pst_group *g = pst_scene_add_group(b->scene, "country-names", "Country names");
	if (!g)
		return pst_error(b->ctx, POSTURE_ENOMEM, b->map->path, "out of memory");
	countries = pst_scene_group(b->scene, "countries"); /* the group array may have moved */
	int rc = POSTURE_OK;
	for (size_t i = 0; i < countries->n_items && rc == POSTURE_OK; i++) {
		const pst_item *c = &countries->items[i];
		double x, y, spots[2 * MAX_SPOTS];
		size_t n_spots;
		if (strcmp(c->kind, "country") != 0 || !c->n_parts || !c->name[0])
			continue;
		double need = b->theme->country_size * b->k * 1.5;
		double r = pole(b->inputs, c, &x, &y, need, spots, &n_spots);
		if (r >= need)
			rc = add_name(b, g, c, x, y, spots, n_spots);
	}
	return rc == POSTURE_OK ? rc : pst_error(b->ctx, rc, b->map->path, "out of memory");
}
