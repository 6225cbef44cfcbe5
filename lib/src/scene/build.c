/*
 * build.c — from a map definition to a scene: the frame, the projection
 * helpers every part uses, and the order of the work (base geography,
 * curated layers, citations, furniture, labels; see builder.h for who does
 * what).
 *
 * The frame is the projected envelope of the map's lon/lat extent (edges
 * densified, since parallels and meridians curve in most projections),
 * widened symmetrically to the page's aspect ratio.  Its corners are the
 * page's outer corners, so page point (0,0) is the frame's top-left corner
 * and (width,height) its bottom-right one.
 *
 * Geometry passes through two clips.  In degrees, rings and lines are cut to
 * a generous lon/lat box around the frame before projection (far-away parts
 * of a country such as Chukotka would otherwise project across the map), and
 * edges the cut introduces are densified so they stay curved after
 * projection.  In page units, everything is clipped to the page plus a small
 * margin, so backends never receive coordinates far outside the surface.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "builder.h"
#include "inputs.h"
#include "keys.h"
#include "label/label.h"
#include "layers/diff.h"

#define EDGE_SAMPLES 64     /* points per frame edge when finding envelopes */
#define GEO_MARGIN 2.0      /* degrees added around the frame's lon/lat box */
#define GEO_STEP 0.25       /* degrees: longest edge allowed before projecting */
#define GEO_TOLERANCE 0.02  /* page points: base geography simplified to this in lon/lat */
#define SCALE_SAMPLES 9     /* per side of the grid where the projection's scale is sampled */

/* --- frame ------------------------------------------------------------------ */

static void edge_point(const double e[4], int i, double *x, double *y)
{
	int side = i / EDGE_SAMPLES;
	double t = (double)(i % EDGE_SAMPLES) / EDGE_SAMPLES;
	switch (side) {
	case 0: *x = e[0] + t * (e[2] - e[0]); *y = e[1]; break;
	case 1: *x = e[2]; *y = e[1] + t * (e[3] - e[1]); break;
	case 2: *x = e[2] - t * (e[2] - e[0]); *y = e[3]; break;
	default: *x = e[0]; *y = e[3] - t * (e[3] - e[1]); break;
	}
}

/* Bounding box of the finite points; false when there is none. */
static bool finite_bbox(const double *x, const double *y, size_t n, pst_box *b)
{
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (x[i] == HUGE_VAL)
			continue;
		if (!any)
			*b = (pst_box){ x[i], y[i], x[i], y[i] };
		any = true;
		b->x0 = fmin(b->x0, x[i]);
		b->x1 = fmax(b->x1, x[i]);
		b->y0 = fmin(b->y0, y[i]);
		b->y1 = fmax(b->y1, y[i]);
	}
	return any;
}

static int compute_frame(builder *b)
{
	const posture_map *m = b->map;
	posture_scene *s = b->scene;
	enum { N = 4 * EDGE_SAMPLES };
	double x[N], y[N];
	for (int i = 0; i < N; i++)
		edge_point(m->extent, i, &x[i], &y[i]);
	pst_box f;
	if (pst_proj_trans(b->proj, false, x, y, N) != POSTURE_OK || !finite_bbox(x, y, N, &f) ||
	    f.x1 - f.x0 <= 0 || f.y1 - f.y0 <= 0)
		return pst_error(b->ctx, POSTURE_EPROJ, m->path,
		                 "the extent cannot be shown in projection '%s'", m->projection);
	const pst_box *mb = &s->map_box;
	double page_aspect = (mb->x1 - mb->x0) / (mb->y1 - mb->y0);
	double fw = f.x1 - f.x0, fh = f.y1 - f.y0;
	b->needs.extent_w = fw; /* the handout's orientation follows it */
	b->needs.extent_h = fh;
	if (fw / fh < page_aspect) {
		double grow = (fh * page_aspect - fw) / 2;
		f.x0 -= grow;
		f.x1 += grow;
	} else {
		double grow = (fw / page_aspect - fh) / 2;
		f.y0 -= grow;
		f.y1 += grow;
	}
	s->frame[0] = f.x0;
	s->frame[1] = f.y0;
	s->frame[2] = f.x1;
	s->frame[3] = f.y1;
	s->pt_per_unit = (mb->x1 - mb->x0) / (f.x1 - f.x0);
	b->page_box = *mb; /* nothing outside the frame survives: clipped, not masked */
	return POSTURE_OK;
}

void pst_to_page(const posture_scene *s, double *x, double *y, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		x[i] = s->map_box.x0 + (x[i] - s->frame[0]) * s->pt_per_unit;
		y[i] = s->map_box.y0 + (s->frame[3] - y[i]) * s->pt_per_unit;
	}
}

/* The lon/lat box that covers projected box @p fr: inverse-project its outline,
 * the whole globe's longitudes when a pole is inside; GEO_MARGIN added. */
static pst_box frame_geo_box(pst_proj *proj, const double fr[4])
{
	enum { N = 4 * EDGE_SAMPLES };
	double x[N], y[N];
	for (int i = 0; i < N; i++)
		edge_point(fr, i, &x[i], &y[i]);
	pst_box g = { -180, -90, 180, 90 };
	bool ok = pst_proj_trans(proj, true, x, y, N) == POSTURE_OK && finite_bbox(x, y, N, &g);
	for (int i = 0; ok && i < N; i++)
		ok = x[i] != HUGE_VAL;
	if (!ok)
		g = (pst_box){ -180, -90, 180, 90 };
	for (int pole = -1; ok && pole <= 1; pole += 2) {
		double px = 0, py = 90.0 * pole;
		if (pst_proj_trans(proj, false, &px, &py, 1) == POSTURE_OK && px != HUGE_VAL &&
		    px >= fr[0] && px <= fr[2] && py >= fr[1] && py <= fr[3]) {
			g.x0 = -180;
			g.x1 = 180;
			if (pole < 0)
				g.y0 = -90;
			else
				g.y1 = 90;
		}
	}
	return (pst_box){ fmax(g.x0 - GEO_MARGIN, -180), fmax(g.y0 - GEO_MARGIN, -90),
	                  fmin(g.x1 + GEO_MARGIN, 180), fmin(g.y1 + GEO_MARGIN, 90) };
}

/* The lon/lat box that covers the page. */
static void compute_geo_box(builder *b)
{
	const posture_scene *s = b->scene;
	const double fr[4] = { s->frame[0], s->frame[1], s->frame[2], s->frame[3] };
	b->geo_box = frame_geo_box(b->proj, fr);
}

int pst_map_geo_envelope(double out[4], posture_ctx *ctx, const posture_map *m)
{
	memcpy(out, m->extent, 4 * sizeof(double));
	pst_proj *proj = NULL;
	pst_where at = pst_map_where(m, "projection");
	int rc = pst_proj_create(&proj, ctx, m->projection, m->extent, &at);
	if (rc != POSTURE_OK)
		return rc;
	enum { N = 4 * EDGE_SAMPLES };
	double x[N], y[N];
	for (int i = 0; i < N; i++)
		edge_point(m->extent, i, &x[i], &y[i]);
	pst_box f;
	if (pst_proj_trans(proj, false, x, y, N) != POSTURE_OK || !finite_bbox(x, y, N, &f) ||
	    f.x1 - f.x0 <= 0 || f.y1 - f.y0 <= 0) {
		pst_proj_destroy(proj);
		return pst_error(ctx, POSTURE_EPROJ, m->path,
		                 "the extent cannot be shown in projection '%s'", m->projection);
	}
	/* compute_frame pads the box to the shape of the map's room on the page: the page
	 * itself, or for a handout what its furniture leaves, somewhere in a third to three
	 * times the paper's shape either way up. */
	double lo = m->width / m->height, hi = lo;
	if (!strcmp(m->layout, "handout"))
		lo = 1.0 / (3 * 1.4142135623730951), hi = 3 * 1.4142135623730951 * 1.1;
	double fw = f.x1 - f.x0, fh = f.y1 - f.y0;
	if (fw < fh * hi)
		f.x0 -= (fh * hi - fw) / 2, f.x1 += (fh * hi - fw) / 2;
	if (fh < fw / lo)
		f.y0 -= (fw / lo - fh) / 2, f.y1 += (fw / lo - fh) / 2;
	const double fr[4] = { f.x0, f.y0, f.x1, f.y1 };
	pst_box g = frame_geo_box(proj, fr);
	pst_proj_destroy(proj);
	/* Rounded outwards to a thousandth of a degree: readable in --explain. */
	out[0] = floor(g.x0 * 1000) / 1000, out[1] = floor(g.y0 * 1000) / 1000;
	out[2] = ceil(g.x1 * 1000) / 1000, out[3] = ceil(g.y1 * 1000) / 1000;
	return POSTURE_OK;
}

/*
 * Base geography is simplified in lon/lat before it is projected (PROJ's cost
 * is per vertex), to GEO_TOLERANCE on the page: a fifth of the finest
 * tolerance a backend simplifies to later (0.05 pt for SVG and PDF, 0.25 px
 * for PNG), so no output shows the difference.  A degree's length on the page
 * varies over the map; the largest found on a grid over the geo box (the norm
 * of the projection's local derivatives, doubled for what lies between the
 * samples) turns the tolerance into degrees.  0 (no simplification) when the
 * projection cannot be sampled.
 */
static void compute_geo_tolerance(builder *b)
{
	enum { N = SCALE_SAMPLES * SCALE_SAMPLES * 3 };
	double x[N], y[N], h = 1e-3;
	const pst_box *g = &b->geo_box;
	for (int i = 0; i < SCALE_SAMPLES * SCALE_SAMPLES; i++) {
		double lon = g->x0 + (g->x1 - g->x0 - h) * (i % SCALE_SAMPLES) / (SCALE_SAMPLES - 1);
		double lat = g->y0 + (g->y1 - g->y0 - h) * (i / SCALE_SAMPLES) / (SCALE_SAMPLES - 1);
		x[3 * i] = lon, y[3 * i] = lat;
		x[3 * i + 1] = lon + h, y[3 * i + 1] = lat;
		x[3 * i + 2] = lon, y[3 * i + 2] = lat + h;
	}
	b->geo_tol = 0;
	if (pst_proj_trans(b->proj, false, x, y, N) != POSTURE_OK)
		return;
	double most = 0; /* page points per degree */
	for (int i = 0; i < SCALE_SAMPLES * SCALE_SAMPLES; i++) {
		const double *px = &x[3 * i], *py = &y[3 * i];
		if (px[0] == HUGE_VAL || px[1] == HUGE_VAL || px[2] == HUGE_VAL)
			continue;
		double d = hypot(hypot(px[1] - px[0], py[1] - py[0]), hypot(px[2] - px[0], py[2] - py[0]));
		most = fmax(most, d / h * b->scene->pt_per_unit);
	}
	if (most > 0 && isfinite(most))
		b->geo_tol = GEO_TOLERANCE / (2 * most);
}

/* --- geometry ----------------------------------------------------------------- */

/* Project an interleaved lon/lat array to page units in place. */
int pst_project_to_page(builder *b, double *xy, size_t n, bool *all_finite)
{
	int rc = POSTURE_OK;
	double *x = malloc(n * sizeof(double)), *y = malloc(n * sizeof(double));
	if (!x || !y) {
		rc = POSTURE_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		x[i] = xy[2 * i];
		y[i] = xy[2 * i + 1];
	}
	rc = pst_proj_trans(b->proj, false, x, y, n);
	*all_finite = true;
	for (size_t i = 0; i < n; i++)
		*all_finite = *all_finite && x[i] != HUGE_VAL;
	pst_to_page(b->scene, x, y, n);
	for (size_t i = 0; i < n; i++) {
		xy[2 * i] = x[i];
		xy[2 * i + 1] = y[i];
	}
out:
	free(x);
	free(y);
	return rc;
}

typedef struct {
	builder *b;
	pst_item *it;
} line_job;

/* Frame-clipped pieces of a line become parts of the item. */
static int add_line_piece(void *user, const double *xy, size_t n)
{
	return pst_item_add_part(user, xy, n);
}

/*
 * A polygon ring: its area clipped to the frame goes to @p fill; its
 * boundary, clipped as a line, to @p outline (when given), so that strokes
 * never run along the frame where the clip cut the ring.
 */
static int add_ring(builder *b, pst_item *fill, pst_item *outline, const double *lonlat,
                    size_t n)
{
	if (n > 1 && lonlat[0] == lonlat[2 * n - 2] && lonlat[1] == lonlat[2 * n - 1])
		n--; /* rings repeat their first point; clipping wants it once */
	int rc = pst_clip_ring(&b->tmp_a, lonlat, n, &b->geo_box);
	if (rc == POSTURE_OK) /* what is left of it, to the page's resolution */
		b->tmp_a.n = pst_simplify(b->tmp_a.xy, b->tmp_a.n, b->geo_tol, true);
	if (rc == POSTURE_OK && b->tmp_a.n >= 3)
		rc = pst_densify(&b->tmp_b, b->tmp_a.xy, b->tmp_a.n, true, GEO_STEP);
	else
		return rc;
	bool finite;
	if (rc == POSTURE_OK)
		rc = pst_project_to_page(b, b->tmp_b.xy, b->tmp_b.n, &finite);
	if (rc != POSTURE_OK || !finite)
		return rc; /* a ring PROJ cannot place is left out */
	if (outline) {
		rc = pst_pts_push(&b->tmp_b, b->tmp_b.xy[0], b->tmp_b.xy[1]); /* close it */
		if (rc == POSTURE_OK)
			rc = pst_clip_line(b->tmp_b.xy, b->tmp_b.n, &b->page_box, add_line_piece, outline);
		b->tmp_b.n--;
	}
	if (rc == POSTURE_OK)
		rc = pst_clip_ring(&b->tmp_a, b->tmp_b.xy, b->tmp_b.n, &b->page_box);
	if (rc == POSTURE_OK && b->tmp_a.n >= 3)
		rc = pst_item_add_part(fill, b->tmp_a.xy, b->tmp_a.n);
	return rc;
}

/* A piece of a line inside the geo box: densify, project, clip to the page. */
static int add_geo_piece(void *user, const double *lonlat, size_t n)
{
	line_job *job = user;
	builder *b = job->b;
	pst_pts dense = { 0 };
	b->tmp_a.n = 0; /* the piece, to the page's resolution */
	int rc = pst_grow((void **)&b->tmp_a.xy, &b->tmp_a.cap, n, 2 * sizeof(double));
	if (rc == POSTURE_OK) {
		memcpy(b->tmp_a.xy, lonlat, n * 2 * sizeof(double));
		b->tmp_a.n = pst_simplify(b->tmp_a.xy, n, b->geo_tol, false);
		rc = pst_densify(&dense, b->tmp_a.xy, b->tmp_a.n, false, GEO_STEP);
	}
	bool finite = false;
	if (rc == POSTURE_OK)
		rc = pst_project_to_page(b, dense.xy, dense.n, &finite);
	if (rc == POSTURE_OK && finite)
		rc = pst_clip_line(dense.xy, dense.n, &b->page_box, add_line_piece, job->it);
	pst_pts_free(&dense);
	return rc;
}

/* Add every part of a shapefile object to @p it (rings, whose boundaries go
 * to @p outline when given, or lines). */
int pst_add_object(builder *b, pst_item *it, pst_item *outline, const SHPObject *o)
{
	pst_pts part = { 0 };
	int rc = POSTURE_OK;
	for (int p = 0; p < o->nParts && rc == POSTURE_OK; p++) {
		int start = o->panPartStart[p];
		int end = p + 1 < o->nParts ? o->panPartStart[p + 1] : o->nVertices;
		part.n = 0;
		rc = pst_grow((void **)&part.xy, &part.cap, (size_t)(end - start), 2 * sizeof(double));
		if (rc != POSTURE_OK)
			break;
		for (int v = start; v < end; v++) {
			part.xy[2 * part.n] = o->padfX[v];
			part.xy[2 * part.n++ + 1] = o->padfY[v];
		}
		if (it->closed) {
			rc = add_ring(b, it, outline, part.xy, part.n);
		} else {
			line_job job = { b, it };
			rc = pst_clip_line(part.xy, part.n, &b->geo_box, add_geo_piece, &job);
		}
	}
	pst_pts_free(&part);
	return rc;
}

/* --- labels and furniture ------------------------------------------------------- */

/* The id of the labelled item of the map nearest @p id in spelling, or NULL. */
static const char *nearest_item_id(const posture_scene *s, const char *id)
{
	size_t n = 0;
	for (size_t g = 0; g < s->n_groups; g++)
		for (size_t i = 0; !s->groups[g].furniture && i < s->groups[g].n_items; i++)
			n += s->groups[g].items[i].label && s->groups[g].items[i].has_anchor;
	const char **ids = n ? malloc(n * sizeof(*ids)) : NULL;
	if (!ids)
		return NULL;
	n = 0;
	for (size_t g = 0; g < s->n_groups; g++)
		for (size_t i = 0; !s->groups[g].furniture && i < s->groups[g].n_items; i++)
			if (s->groups[g].items[i].label && s->groups[g].items[i].has_anchor)
				ids[n++] = s->groups[g].items[i].id;
	const char *near = posture_nearest_word(id, ids, n);
	free(ids);
	return near;
}

/* The designer's lines that did not take: warnings for a pin on an item the
 * map does not show, a pin that collides, a mode for a layer not drawn; an
 * error for a pin off the map's frame (its label would not be seen). */
static int warn_label_lines(builder *b, const pst_label_opts *o)
{
	const posture_map *m = b->map;
	int rc = POSTURE_OK;
	for (size_t i = 0; i < o->n_pins; i++) {
		const pst_label_pin_def *p = &o->pins[i];
		const char *near = p->used ? NULL : nearest_item_id(b->scene, p->item_id);
		if (!p->used)
			pst_diag(b->ctx, POSTURE_WARNING, POSTURE_EDATA, m->path, m->pins[i].key_at.line,
			         m->pins[i].key_at.column,
			         "no labelled item '%s' on this map: the pin is not used%s%s%s",
			         p->item_id, near ? "; did you mean '" : "", near ? near : "",
			         near ? "'?" : "");
		else if (p->outside)
			rc = pst_error_at(b->ctx, POSTURE_EDATA, &p->at,
			                  "the pinned label of '%s' lies outside the map's frame, "
			                  "%g x %g pt (a pin's offsets are points from the symbol, y down)",
			                  p->item_id, b->scene->map_box.x1 - b->scene->map_box.x0,
			                  b->scene->map_box.y1 - b->scene->map_box.y0);
		else if (p->collides)
			pst_diag(b->ctx, POSTURE_WARNING, POSTURE_EDATA, m->path, p->at.line, p->at.column,
			         "the pinned label of '%s' covers a symbol, a border or the frame's edge "
			         "(kept where it is pinned)", p->item_id);
	}
	for (size_t i = 0; i < m->n_layer_labels; i++)
		if (!pst_scene_group(b->scene, m->layer_labels[i].key))
			pst_diag(b->ctx, POSTURE_WARNING, POSTURE_EDATA, m->path,
			         m->layer_labels[i].key_at.line, m->layer_labels[i].key_at.column,
			         "no layer '%s' on this map: 'labels.%s' is not used",
			         m->layer_labels[i].key, m->layer_labels[i].key);
	return rc;
}

/* Place every label as the map asks ([map] labels, labels.LAYER, [labels] pins),
 * then write the key panel for the keys placement gave. */
static int place_labels(builder *b)
{
	posture_scene *s = b->scene;
	const posture_map *m = b->map;
	const char *names[PST_MAX_MAP_LAYERS], *modes[PST_MAX_MAP_LAYERS];
	pst_label_pin_def *pins = m->n_pins ? calloc(m->n_pins, sizeof(*pins)) : NULL;
	if (m->n_pins && !pins)
		return pst_error(b->ctx, POSTURE_ENOMEM, m->path, "out of memory");
	for (size_t i = 0; i < m->n_layer_labels; i++) {
		names[i] = m->layer_labels[i].key;
		modes[i] = m->layer_labels[i].value;
	}
	for (size_t i = 0; i < m->n_pins; i++) {
		pst_label_pin_def *p = &pins[i];
		p->item_id = m->pins[i].key;
		p->at = m->pins[i].at;
		pst_map_pin_parse(m->pins[i].value, &p->compass, &p->dx, &p->dy);
	}
	pst_label_opts opts = { .mode = m->labels, .layer_names = names, .layer_modes = modes,
		                .n_layers = m->n_layer_labels, .pins = pins, .n_pins = m->n_pins,
		                .reserve_keys = pst_keys_reserve, .user = b,
		                .inputs = b->inputs, .keep = m->n_keep ? m->keep : b->held,
		                .n_keep = m->n_keep ? m->n_keep : b->n_held };
	size_t n_dense = 0;
	for (size_t g = 0; g < s->n_groups; g++) { /* layers too dense to label (items.c) */
		size_t dense = s->groups[g].dense ? s->groups[g].dense->n : 0; /* every one a point */
		for (size_t i = 0; i < s->groups[g].n_items; i++)
			dense += s->groups[g].items[i].too_dense && s->groups[g].items[i].has_anchor;
		n_dense += dense;
		if (dense)
			pst_diag(b->ctx, POSTURE_WARNING, POSTURE_EDATA, m->path, 0, 0,
			         "layer '%s' has more than %d point items: the %zu in the frame are "
			         "drawn without labels",
			         s->groups[g].name, PST_LABEL_LAYER_MAX, dense);
	}
	opts.n_dense = n_dense; /* the key panel says so, as of any item without a label */
	clock_t start = clock();
	int rc = pst_label_place(s, b->text, &opts, &s->label_stats);
	s->label_stats.cpu_seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
	/* counted like any item shown without a label (--stats, --strict) */
	s->label_stats.n_labels += n_dense;
	s->label_stats.n_unlabelled += n_dense;
	if (rc == POSTURE_OK)
		rc = pst_keys_fill(b, &opts.keys_box);
	int lines = rc == POSTURE_OK ? warn_label_lines(b, &opts) : POSTURE_OK;
	if (rc == POSTURE_OK && m->n_keep && !opts.n_kept)
		pst_diag(b->ctx, POSTURE_WARNING, POSTURE_EDATA, m->keep_path, 0, 0,
		         "no label of this map has a place this file gives (was it drawn at another "
		         "size, layout or theme?): every label is placed afresh");
	free(pins);
	if (rc != POSTURE_OK)
		return pst_error(b->ctx, rc, m->path, "out of memory");
	return lines; /* a pin off the frame: already said */
}

static int load_theme(builder *b)
{
	const posture_map *m = b->map;
	pst_theme_override o[PST_MAX_THEME_OVERRIDES];
	for (size_t i = 0; i < m->n_theme_lines; i++)
		o[i] = (pst_theme_override){ m->theme_lines[i].key, m->theme_lines[i].value,
			                     m->theme_lines[i].at };
	pst_where at = pst_map_where(m, "theme");
	return pst_theme_load(&b->theme, b->ctx, m->theme, m->path, &at, o, m->n_theme_lines);
}

static int build(builder *b)
{
	const posture_map *m = b->map;
	posture_scene *s = b->scene;
	memcpy(s->extent, m->extent, sizeof(s->extent));
	s->title = pst_strdup(m->title);
	b->text = pst_text_context_new();
	if (b->text && b->inputs)
		pst_text_remember_in(b->text, b->inputs); /* sizes kept between builds */
	if (!s->title)
		return pst_error(b->ctx, POSTURE_ENOMEM, m->path, "out of memory");
	if (!b->text)
		return pst_error(b->ctx, POSTURE_EIO, m->path, "cannot set up text layout (fontconfig)");
	int rc = load_theme(b);
	if (rc == POSTURE_OK && !(s->font = pst_strdup(b->theme->font)))
		rc = pst_error(b->ctx, POSTURE_ENOMEM, m->path, "out of memory");
	if (rc == POSTURE_OK)
		rc = pst_text_check_font(b->ctx, b->text, s->font, m->path);
	if (rc == POSTURE_OK) /* before the filter warns that no item lies in an unknown country */
		rc = pst_check_country_codes(b);
	if (rc == POSTURE_OK)
		rc = pst_load_data(b); /* a map is never drawn from invalid data */
	if (rc != POSTURE_OK)
		return rc;
	if (rc == POSTURE_OK) {
		b->k = pst_theme_factor(m->width, m->height);
		rc = pst_layout_page(b);
	}
	s->background = b->theme->sea;
	s->page_color = (pst_rgba){ 1, 1, 1, 1 };
	s->leader_color = b->theme->leader;
	s->leader_width = b->theme->leader_width * b->k;
	pst_where at = pst_map_where(m, "projection");
	if (rc == POSTURE_OK)
		rc = pst_proj_create(&b->proj, b->ctx, m->projection, m->extent, &at);
	if (rc == POSTURE_OK && !(s->crs = pst_strdup(pst_proj_definition(b->proj))))
		rc = pst_error(b->ctx, POSTURE_ENOMEM, m->path, "out of memory");
	if (rc == POSTURE_OK)
		rc = compute_frame(b);
	if (rc == POSTURE_OK) {
		compute_geo_box(b);
		compute_geo_tolerance(b);
	}
	if (rc == POSTURE_OK)
		rc = pst_add_base_geography(b);
	if (rc == POSTURE_OK)
		rc = pst_add_graticule(b);
	if (rc == POSTURE_OK)
		rc = pst_add_layers(b);
	if (rc == POSTURE_OK)
		rc = pst_add_diff_marks(b);
	if (rc == POSTURE_OK)
		rc = pst_add_country_names(b);
	if (rc == POSTURE_OK)
		rc = pst_number_citations(b);
	if (rc == POSTURE_OK && pst_describe(b) != POSTURE_OK)
		rc = pst_error(b->ctx, POSTURE_ENOMEM, m->path, "out of memory");
	if (rc == POSTURE_OK)
		rc = pst_add_furniture(b);
	if (rc == POSTURE_OK)
		rc = pst_add_diff_legend(b);
	if (rc == POSTURE_OK && !b->planning)
		rc = place_labels(b);
	if (rc == POSTURE_OK)
		rc = pst_name_diff_items(b);
	return rc;
}

static int run_build(posture_scene **out, builder *bp);

/* Free what one pass built, keeping the context, the map and the plan. */
static void end_pass(builder *b)
{
	pst_proj_destroy(b->proj);
	pst_theme_destroy(b->theme);
	posture_data_destroy(b->view);
	posture_data_destroy(b->owned_data);
	if (b->text)
		g_object_unref(b->text);
	pst_pts_free(&b->tmp_a);
	pst_pts_free(&b->tmp_b);
	b->proj = NULL;
	b->theme = NULL;
	b->data = NULL;
	b->view = NULL;
	b->owned_data = NULL;
	b->text = NULL;
	b->as_of_known = false;
	b->as_of = NULL;
}

/* One pass: a new scene in b->scene (destroyed on failure). */
static int build_pass(builder *b)
{
	b->scene = calloc(1, sizeof(*b->scene));
	if (!b->scene)
		return pst_error(b->ctx, POSTURE_ENOMEM, b->map->path, "out of memory");
	int rc = build(b);
	end_pass(b);
	if (rc != POSTURE_OK) {
		posture_scene_destroy(b->scene);
		b->scene = NULL;
	}
	return rc;
}

/*
 * A handout is laid out in passes: the first measures the title and the
 * sources (what the map cites depends on what it shows) for both
 * orientations, without placing labels; the plan then picks the orientation
 * (the one that shows the extent largest, unless the paper names one) and
 * the room under the map; a last pass draws it.  Should the sources need
 * other room than planned (the final frame shows a little more or less),
 * one more pass takes it, and a last one if they then grew again.
 * Diagnostics of the measuring passes are dropped: the final pass reports
 * the same ones.
 */
static int plan_handout(builder *b)
{
	size_t n_diags = posture_ctx_diag_count(b->ctx);
	b->planning = true;
	int rc = build_pass(b);
	b->planning = false;
	if (rc != POSTURE_OK)
		return rc;
	posture_scene_destroy(b->scene);
	b->scene = NULL;
	pst_ctx_truncate_diags(b->ctx, n_diags);
	pst_handout_choose(b);
	for (int pass = 0; pass < 3; pass++) {
		rc = build_pass(b);
		int o = b->plan.landscape;
		double need = b->needs.sources_h[o], planned = b->plan.sources_h;
		bool fits = need <= planned + 0.5 && (pass > 0 || need > planned - 4);
		if (rc != POSTURE_OK || fits || pass == 2)
			return rc;
		posture_scene_destroy(b->scene); /* the sources grew: give them their room */
		b->scene = NULL;
		pst_ctx_truncate_diags(b->ctx, n_diags);
		b->plan.sources_h = b->needs.sources_h[o];
	}
	return rc;
}

int posture_scene_build(posture_scene **out, posture_ctx *ctx, const posture_map *map)
{
	return posture_scene_build_with(out, ctx, map, NULL);
}

/* --- labels held between builds (posture_inputs_hold_labels) ------------------------ */

#define HELD_KIND "held-labels"

/* The memo key of map @p m's held labels: what makes its label boxes comparable. */
static char *held_key(const posture_map *m)
{
	return pst_asprintf("%s\x1f%s\x1f%s\x1f%s\x1f%.17gx%.17g", m->path, m->layout, m->theme,
	                    m->paper ? m->paper : "", m->width, m->height);
}

/* The labels the last build of @p b's map held, into b->held (none when not remembered). */
static void held_load(builder *b)
{
	char *key = held_key(b->map);
	size_t len = 0;
	const unsigned char *v = key ? pst_inputs_memo_get(b->inputs, HELD_KIND, key, strlen(key),
	                                                   &len)
	                             : NULL;
	free(key);
	uint64_t n = 0;
	if (!v || len < sizeof(n))
		return;
	memcpy(&n, v, sizeof(n));
	size_t at = sizeof(n);
	pst_label_ref *refs = n && n < len ? calloc(n, sizeof(*refs)) : NULL;
	size_t got = 0;
	while (refs && got < n) {
		uint32_t kl;
		if (len - at < sizeof(kl))
			break;
		memcpy(&kl, v + at, sizeof(kl));
		at += sizeof(kl);
		if (len - at < kl + sizeof(refs[got].box) || !(refs[got].key = malloc(kl + 1)))
			break;
		memcpy(refs[got].key, v + at, kl);
		refs[got].key[kl] = '\0';
		memcpy(refs[got].box, v + at + kl, sizeof(refs[got].box));
		at += kl + sizeof(refs[got].box);
		got++;
	}
	if (got < n) { /* cannot happen (it was written so): hold nothing */
		pst_label_refs_free(refs, got);
		return;
	}
	b->held = refs;
	b->n_held = got;
}

static int by_ref_key(const void *pa, const void *pb)
{
	return strcmp(((const pst_label_ref *)pa)->key, ((const pst_label_ref *)pb)->key);
}

/* Scene @p s's labels as its map data gives them, sorted by key, into *out
 * (false when out of memory: then nothing). */
static bool scene_label_refs(const posture_scene *s, pst_label_ref **out, size_t *n_out)
{
	size_t n = 0, cap = 0;
	pst_label_ref *refs = NULL;
	bool ok = true;
	for (size_t g = 0; ok && g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		for (size_t i = 0; ok && !grp->furniture && i < grp->n_items; i++) {
			const pst_item *it = &grp->items[i];
			if (!it->label)
				continue;
			char *key = pst_asprintf("%s\x1f%s", grp->name, it->id);
			ok = key && !pst_grow((void **)&refs, &cap, n + 1, sizeof(*refs));
			if (!ok) {
				free(key);
				break;
			}
			const pst_box *bx = &it->label->box;
			refs[n++] = (pst_label_ref){ key, { bx->x0, bx->y0, bx->x1, bx->y1 } };
		}
	}
	if (!ok) {
		pst_label_refs_free(refs, n);
		return false;
	}
	if (n)
		qsort(refs, n, sizeof(*refs), by_ref_key);
	*out = refs;
	*n_out = n;
	return true;
}

/* Remember scene @p s's labels (as its map data gives them) for the next build of its map. */
static void held_store(builder *b, const posture_scene *s)
{
	size_t n = 0;
	pst_label_ref *refs = NULL;
	bool ok = scene_label_refs(s, &refs, &n);
	pst_buf v;
	pst_buf_init(&v);
	uint64_t count = n;
	pst_buf_add(&v, &count, sizeof(count));
	for (size_t i = 0; ok && i < n; i++) {
		uint32_t kl = (uint32_t)strlen(refs[i].key);
		pst_buf_add(&v, &kl, sizeof(kl));
		pst_buf_add(&v, refs[i].key, kl);
		pst_buf_add(&v, refs[i].box, sizeof(refs[i].box));
	}
	char *key = held_key(b->map);
	if (ok && key && !v.failed)
		pst_inputs_memo_put(b->inputs, HELD_KIND, key, strlen(key), v.data, v.len);
	free(key);
	pst_buf_free(&v);
	pst_label_refs_free(refs, n);
}

int posture_scene_build_with(posture_scene **out, posture_ctx *ctx, const posture_map *map,
                             posture_inputs *inputs)
{
	builder b = { .ctx = ctx, .map = map, .inputs = inputs, .symbol_scale = 1, .key_scale = 1 };
	bool hold = pst_inputs_holds_labels(inputs);
	if (hold)
		held_load(&b);
	int rc = run_build(out, &b);
	if (hold && rc == POSTURE_OK)
		held_store(&b, *out);
	pst_label_refs_free(b.held, b.n_held);
	return rc;
}

int posture_scene_build_diff(posture_scene **out, posture_ctx *ctx, const posture_map *map,
                             const posture_data *data, const posture_diff *diff,
                             const char *old_label)
{
	builder b = { .ctx = ctx, .map = map, .given_data = data, .diff = diff,
		      .diff_label = old_label, .symbol_scale = 1, .key_scale = 1 };
	return run_build(out, &b);
}

/* Which panels over the frame (PST_HID_*) cover the symbol of an item of the
 * map's layers? */
static unsigned hiding_panels(const posture_scene *s)
{
	unsigned hid = 0;
	for (size_t f = 0; f < s->n_groups; f++) {
		const pst_group *panel = &s->groups[f];
		if (!panel->furniture || panel->box.x1 <= panel->box.x0)
			continue;
		bool hides = false;
		for (size_t g = 0; g < s->n_groups && !hides; g++) {
			const pst_group *grp = &s->groups[g];
			for (size_t i = 0; !grp->furniture && i < grp->n_items && !hides; i++) {
				const pst_item *it = &grp->items[i];
				hides = it->has_anchor && it->symbol != PST_SYMBOL_NONE && !it->too_dense &&
				        pst_box_overlaps(&it->symbol_box, &panel->box);
			}
		}
		if (hides)
			hid |= !strcmp(panel->name, "legend")    ? PST_HID_LEGEND
			       : !strcmp(panel->name, "inset")   ? PST_HID_INSET
			       : !strcmp(panel->name, "sources") ? PST_HID_SOURCES
			                                         : PST_HID_OTHER;
	}
	return hid;
}

static int run_build(posture_scene **out, builder *bp)
{
	*out = NULL;
	builder b = *bp;
	size_t n_diags = posture_ctx_diag_count(b.ctx);
	bool handout = !strcmp(b.map->layout, "handout");
	int rc = handout ? plan_handout(&b) : build_pass(&b);
	/* A panel over the map that hides an item's symbol hides the item.  The
	 * legend, the sources and the inset, if they were the ones, fold (the
	 * legend shorter, the sources one line each, the inset goes); if a
	 * symbol is still hidden, or the title or key panel hid it, the
	 * furniture goes beside the frame, as on a crowded map. */
	bool beside_layout = handout || !strcmp(b.map->layout, "map");
	unsigned hid = 0;
	/* The labels of the build before a panel moved: held in the next build
	 * (as --keep-labels holds them), so that a panel folding to clear one
	 * symbol moves the labels it now covers or uncovers and not, through
	 * the space it frees, the rest of the map.  Not when the caller holds
	 * labels already (--keep-labels, watch and serve). */
	pst_label_ref *was_refs = NULL;
	size_t n_was_refs = 0;
	bool hold = !bp->n_held && !b.map->n_keep;
	while (rc == POSTURE_OK && beside_layout && !b.beside && (hid = hiding_panels(b.scene))) {
		bool first = !b.hid;
		if (hold && first && !scene_label_refs(b.scene, &was_refs, &n_was_refs))
			rc = pst_error(b.ctx, POSTURE_ENOMEM, b.map->path, "out of memory");
		posture_scene_destroy(b.scene);
		b.scene = NULL;
		if (rc != POSTURE_OK)
			break;
		pst_ctx_truncate_diags(b.ctx, n_diags);
		unsigned was = b.hid;
		b = *bp;
		if (hold) {
			b.held = was_refs;
			b.n_held = n_was_refs;
		}
		if (first && !(hid & PST_HID_OTHER))
			b.hid = hid;
		else
			b.hid = was | hid | PST_HID_BESIDE;
		rc = handout ? plan_handout(&b) : build_pass(&b);
	}
	pst_label_refs_free(was_refs, n_was_refs);
	if (rc != POSTURE_OK)
		return rc;
	*out = b.scene;
	return POSTURE_OK;
}
