/*
 * build.c — from a map definition to a scene: frame, base geography, layers
 * and furniture.
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
#include <stdlib.h>
#include <string.h>

#include "label/label.h"
#include "layers/layer.h"
#include "mapdef/mapdef.h"
#include "project/project.h"
#include "shapes/shapefile.h"
#include "style.h"
#include "text.h"

#define EDGE_SAMPLES 64     /* points per frame edge when finding envelopes */
#define GEO_MARGIN 2.0      /* degrees added around the frame's lon/lat box */
#define GEO_STEP 0.25       /* degrees: longest edge allowed before projecting */
#define PAGE_MARGIN 4.0     /* pt: geometry is clipped this far outside the page */

/* Everything the builder needs while it works. */
typedef struct {
	posture_ctx *ctx;
	const posture_map *map;
	posture_scene *scene;
	pst_proj *proj;
	const pst_theme *theme;
	double k;            /* theme size factor for this page */
	pst_box geo_box;     /* lon/lat box geometry is cut to before projection */
	pst_box page_box;    /* page plus margin, in page units */
	PangoContext *text;  /* for measuring labels */
	pst_pts tmp_a, tmp_b;/* scratch buffers */
} builder;

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
	double page_aspect = m->width / m->height;
	double fw = f.x1 - f.x0, fh = f.y1 - f.y0;
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
	s->pt_per_unit = m->width / (f.x1 - f.x0);
	b->page_box = (pst_box){ -PAGE_MARGIN, -PAGE_MARGIN, m->width + PAGE_MARGIN,
	                         m->height + PAGE_MARGIN };
	return POSTURE_OK;
}

static void to_page(const posture_scene *s, double *x, double *y, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		x[i] = (x[i] - s->frame[0]) * s->pt_per_unit;
		y[i] = (s->frame[3] - y[i]) * s->pt_per_unit;
	}
}

/* The lon/lat box that covers the page: inverse-project its outline. */
static void compute_geo_box(builder *b)
{
	const posture_scene *s = b->scene;
	enum { N = 4 * EDGE_SAMPLES };
	double x[N], y[N];
	const double fr[4] = { s->frame[0], s->frame[1], s->frame[2], s->frame[3] };
	for (int i = 0; i < N; i++)
		edge_point(fr, i, &x[i], &y[i]);
	pst_box g = { -180, -90, 180, 90 };
	bool ok = pst_proj_trans(b->proj, true, x, y, N) == POSTURE_OK && finite_bbox(x, y, N, &g);
	for (int i = 0; ok && i < N; i++)
		ok = x[i] != HUGE_VAL;
	if (!ok)
		g = (pst_box){ -180, -90, 180, 90 };
	for (int pole = -1; ok && pole <= 1; pole += 2) {
		double px = 0, py = 90.0 * pole;
		if (pst_proj_trans(b->proj, false, &px, &py, 1) == POSTURE_OK && px != HUGE_VAL &&
		    px >= fr[0] && px <= fr[2] && py >= fr[1] && py <= fr[3]) {
			g.x0 = -180;
			g.x1 = 180;
			if (pole < 0)
				g.y0 = -90;
			else
				g.y1 = 90;
		}
	}
	b->geo_box = (pst_box){ fmax(g.x0 - GEO_MARGIN, -180), fmax(g.y0 - GEO_MARGIN, -90),
	                        fmin(g.x1 + GEO_MARGIN, 180), fmin(g.y1 + GEO_MARGIN, 90) };
}

/* --- geometry ----------------------------------------------------------------- */

/* Project an interleaved lon/lat array to page units in place. */
static int project_to_page(builder *b, double *xy, size_t n, bool *all_finite)
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
	to_page(b->scene, x, y, n);
	for (size_t i = 0; i < n; i++) {
		xy[2 * i] = x[i];
		xy[2 * i + 1] = y[i];
	}
out:
	free(x);
	free(y);
	return rc;
}

static int add_ring(builder *b, pst_item *it, const double *lonlat, size_t n)
{
	if (n > 1 && lonlat[0] == lonlat[2 * n - 2] && lonlat[1] == lonlat[2 * n - 1])
		n--; /* rings repeat their first point; clipping wants it once */
	int rc = pst_clip_ring(&b->tmp_a, lonlat, n, &b->geo_box);
	if (rc == POSTURE_OK && b->tmp_a.n >= 3)
		rc = pst_densify(&b->tmp_b, b->tmp_a.xy, b->tmp_a.n, true, GEO_STEP);
	else
		return rc;
	bool finite;
	if (rc == POSTURE_OK)
		rc = project_to_page(b, b->tmp_b.xy, b->tmp_b.n, &finite);
	if (rc != POSTURE_OK || !finite)
		return rc; /* a ring PROJ cannot place is left out */
	rc = pst_clip_ring(&b->tmp_a, b->tmp_b.xy, b->tmp_b.n, &b->page_box);
	if (rc == POSTURE_OK && b->tmp_a.n >= 3)
		rc = pst_item_add_part(it, b->tmp_a.xy, b->tmp_a.n);
	return rc;
}

/* Page-clipped pieces of a line become parts of the item. */
static int add_line_piece(void *user, const double *xy, size_t n)
{
	return pst_item_add_part(user, xy, n);
}

typedef struct {
	builder *b;
	pst_item *it;
} line_job;

/* A piece of a line inside the geo box: densify, project, clip to the page. */
static int add_geo_piece(void *user, const double *lonlat, size_t n)
{
	line_job *job = user;
	builder *b = job->b;
	pst_pts dense = { 0 };
	int rc = pst_densify(&dense, lonlat, n, false, GEO_STEP);
	bool finite = false;
	if (rc == POSTURE_OK)
		rc = project_to_page(b, dense.xy, dense.n, &finite);
	if (rc == POSTURE_OK && finite)
		rc = pst_clip_line(dense.xy, dense.n, &b->page_box, add_line_piece, job->it);
	pst_pts_free(&dense);
	return rc;
}

/* Add every part of a shapefile object to @p it (rings or lines). */
static int add_object(builder *b, pst_item *it, const SHPObject *o)
{
	pst_pts part = { 0 };
	int rc = POSTURE_OK;
	for (int p = 0; p < o->nParts && rc == POSTURE_OK; p++) {
		int start = o->panPartStart[p];
		int end = p + 1 < o->nParts ? o->panPartStart[p + 1] : o->nVertices;
		part.n = 0;
		for (int v = start; v < end && rc == POSTURE_OK; v++)
			rc = pst_pts_push(&part, o->padfX[v], o->padfY[v]);
		if (rc != POSTURE_OK)
			break;
		if (it->closed) {
			rc = add_ring(b, it, part.xy, part.n);
		} else {
			line_job job = { b, it };
			rc = pst_clip_line(part.xy, part.n, &b->geo_box, add_geo_piece, &job);
		}
	}
	pst_pts_free(&part);
	return rc;
}

static bool object_in_box(const SHPObject *o, const pst_box *box)
{
	pst_box ob = { o->dfXMin, o->dfYMin, o->dfXMax, o->dfYMax };
	return pst_box_overlaps(&ob, box);
}

static char *id_or_number(const char *id, const char *prefix, int i)
{
	return id[0] ? pst_strdup(id) : pst_asprintf("%s-%d", prefix, i + 1);
}

/* Fill in id, kind, name and style of a base-geography item. */
typedef void (*style_fn)(builder *b, pst_shapefile *sf, int i, pst_item *it);

static int add_shapes(builder *b, const char *file, int type, const char *group,
                      const char *title, style_fn style)
{
	pst_shapefile *sf;
	int rc = pst_shapefile_open(&sf, b->ctx, b->map->shapes_dir, file, type);
	if (rc != POSTURE_OK)
		return rc;
	pst_group *g = pst_scene_add_group(b->scene, group, title);
	if (!g)
		rc = pst_error(b->ctx, POSTURE_ENOMEM, sf->path, "out of memory");
	for (int i = 0; rc == POSTURE_OK && i < sf->n_records; i++) {
		SHPObject *o;
		rc = pst_shapefile_read(&o, b->ctx, sf, i);
		if (rc != POSTURE_OK || !o || !object_in_box(o, &b->geo_box)) {
			SHPDestroyObject(o);
			continue;
		}
		pst_item *it = pst_group_add_item(g);
		if (!it) {
			SHPDestroyObject(o);
			rc = pst_error(b->ctx, POSTURE_ENOMEM, sf->path, "out of memory");
			break;
		}
		it->closed = type == SHPT_POLYGON;
		style(b, sf, i, it);
		rc = add_object(b, it, o);
		SHPDestroyObject(o);
		if (rc == POSTURE_ENOMEM)
			pst_error(b->ctx, rc, sf->path, "out of memory");
		if (!it->id || !it->kind || !it->name) {
			rc = pst_error(b->ctx, POSTURE_ENOMEM, sf->path, "out of memory");
		} else if (it->n_parts == 0) {
			pst_group_drop_last(g); /* nothing of it is on the page */
		}
	}
	pst_shapefile_close(sf);
	return rc;
}

static void style_country(builder *b, pst_shapefile *sf, int i, pst_item *it)
{
	/* Each attribute read reuses shapelib's buffer: copy before the next. */
	it->id = id_or_number(pst_shapefile_string(sf, i, "iso_a3"), "country", i);
	it->name = pst_strdup(pst_shapefile_string(sf, i, "name"));
	it->kind = pst_strdup(pst_shapefile_int(sf, i, "disputed") ? "disputed-area" : "country");
	it->style = b->theme->land;
	it->style.stroke_width *= b->k;
}

static void style_lake(builder *b, pst_shapefile *sf, int i, pst_item *it)
{
	it->name = pst_strdup(pst_shapefile_string(sf, i, "name"));
	it->id = pst_asprintf("lake-%d", i + 1);
	it->kind = pst_strdup("lake");
	it->style = b->theme->lake;
	it->style.stroke_width *= b->k;
}

static void style_river(builder *b, pst_shapefile *sf, int i, pst_item *it)
{
	int level = pst_shapefile_int(sf, i, "level");
	int w = level < 1 ? 3 : level > 4 ? 3 : level - 1;
	it->name = pst_strdup(pst_shapefile_string(sf, i, "name"));
	it->id = pst_asprintf("river-%d", i + 1);
	it->kind = pst_asprintf("river-level-%d", level);
	it->style.stroke = b->theme->river;
	it->style.stroke_width = b->theme->river_width[w] * b->k;
}

static void style_border(builder *b, pst_shapefile *sf, int i, pst_item *it)
{
	const char *a = pst_shapefile_string(sf, i, "iso_a3_a");
	char first[16];
	snprintf(first, sizeof(first), "%s", a[0] ? a : "disputed");
	const char *bb = pst_shapefile_string(sf, i, "iso_a3_b");
	it->id = pst_asprintf("border-%s-%s", first, bb[0] ? bb : "disputed");
	bool disputed = pst_shapefile_int(sf, i, "disputed") != 0;
	it->kind = pst_strdup(disputed ? "disputed-border" : "international-border");
	it->name = pst_strdup("");
	it->style = disputed ? b->theme->border_disputed : b->theme->border;
	it->style.stroke_width *= b->k;
	it->style.dash[0] *= b->k;
	it->style.dash[1] *= b->k;
}

static int add_base_geography(builder *b)
{
	int rc = add_shapes(b, "countries", SHPT_POLYGON, "countries", "Countries", style_country);
	if (rc == POSTURE_OK)
		rc = add_shapes(b, "lakes", SHPT_POLYGON, "lakes", "Lakes", style_lake);
	if (rc == POSTURE_OK)
		rc = add_shapes(b, "rivers", SHPT_ARC, "rivers", "Rivers", style_river);
	if (rc == POSTURE_OK)
		rc = add_shapes(b, "borders", SHPT_ARC, "borders", "Borders", style_border);
	return rc;
}

/* --- labels and furniture ------------------------------------------------------- */

static pst_label *new_label(builder *b, const char *text, bool bold, double size,
                            pst_rgba color)
{
	pst_label *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->text = pst_strdup(text);
	if (!l->text) {
		free(l);
		return NULL;
	}
	l->family = b->theme->font;
	l->bold = bold;
	l->size = size;
	l->color = color;
	return l;
}

/* Set a label's position and its collision box (text box grown by the halo). */
static void place_label(pst_label *l, double x, double y, double w, double h)
{
	l->x = x;
	l->y = y;
	l->box = (pst_box){ x - l->halo_width, y - l->halo_width, x + w + l->halo_width,
	                    y + h + l->halo_width };
}

static void set_symbol(builder *b, pst_item *it, const pst_kind_style *ks)
{
	it->symbol = ks->symbol;
	it->symbol_size = ks->size * b->k;
	it->style.fill = ks->fill;
	it->style.stroke = b->theme->symbol_outline;
	it->style.stroke_width = b->theme->symbol_outline_width * b->k;
	double r = it->symbol_size / 2 + it->style.stroke_width / 2;
	it->symbol_box = (pst_box){ it->ax - r, it->ay - r, it->ax + r, it->ay + r };
}

/* Copy a feature's citations to its scene item, each source and locator once. */
static int copy_citations(pst_item *it, const pst_feature *f)
{
	it->cite_source = calloc(f->n_cites + 1, sizeof(char *));
	it->cite_locator = calloc(f->n_cites + 1, sizeof(char *));
	if (!it->cite_source || !it->cite_locator)
		return POSTURE_ENOMEM;
	for (size_t i = 0; i < f->n_cites; i++) {
		const pst_citation *c = &f->cites[i];
		bool repeat = false;
		for (size_t j = 0; j < it->n_cites && !repeat; j++)
			repeat = !strcmp(it->cite_source[j], c->source_id) &&
			         !strcmp(it->cite_locator[j], c->locator);
		if (repeat)
			continue;
		it->cite_source[it->n_cites] = pst_strdup(c->source_id);
		it->cite_locator[it->n_cites] = pst_strdup(c->locator);
		it->n_cites++;
		if (!it->cite_source[it->n_cites - 1] || !it->cite_locator[it->n_cites - 1])
			return POSTURE_ENOMEM;
	}
	return POSTURE_OK;
}

/* Label text and look by layer: posture items bold and dark, reference places muted. */
static int style_label(builder *b, pst_item *it, const pst_feature *f, pst_layer_type type)
{
	const pst_theme *t = b->theme;
	bool country = type == PST_LAYER_PLACES && !strcmp(f->kind, "country");
	bool area = type == PST_LAYER_PLACES && it->symbol == PST_SYMBOL_NONE;
	char *text = country ? g_utf8_strup(f->name, -1) : NULL;
	if (type == PST_LAYER_PLACES) {
		pst_rgba color = !strcmp(f->kind, "river") ? t->water_text
		                 : area                     ? t->region_text
		                                            : t->place_text;
		double size = (country ? t->country_size : t->place_size) * b->k;
		it->label = new_label(b, text ? text : f->name, !strcmp(f->kind, "capital"), size, color);
		if (it->label) {
			it->label->italic = area && !country;
			it->label->letter_spacing = country ? 0.25 * size : 0;
		}
	} else {
		it->label = new_label(b, f->name, true, t->label_size * b->k, t->label_color);
	}
	g_free(text);
	if (!it->label)
		return POSTURE_ENOMEM;
	it->label->halo = t->halo;
	it->label->halo_width = t->halo_width * b->k;
	return POSTURE_OK;
}

/* Who wins a crowded spot: bases, then incidents, then capitals, towns, areas. */
static int priority_of(pst_layer_type type, const char *kind)
{
	switch (type) {
	case PST_LAYER_BASES: return 100;
	case PST_LAYER_INCIDENTS: return 80;
	case PST_LAYER_BORDERS: return 60;
	default: break;
	}
	if (!strcmp(kind, "capital"))
		return 40;
	if (!strcmp(kind, "city") || !strcmp(kind, "town"))
		return 30;
	if (!strcmp(kind, "country"))
		return 20;
	return 10;
}

static int add_point_item(builder *b, pst_group *g, const pst_feature *f, pst_layer_type type)
{
	double x = f->lon, y = f->lat;
	if (pst_proj_trans(b->proj, false, &x, &y, 1) != POSTURE_OK || x == HUGE_VAL)
		return POSTURE_OK; /* not representable in this projection: not drawn */
	to_page(b->scene, &x, &y, 1);
	if (x < 0 || y < 0 || x > b->scene->width || y > b->scene->height)
		return POSTURE_OK; /* outside the frame */
	pst_item *it = pst_group_add_item(g);
	if (!it)
		return POSTURE_ENOMEM;
	it->id = pst_strdup(f->id);
	it->kind = pst_strdup(f->kind);
	it->name = pst_strdup(f->name);
	it->has_anchor = true;
	it->ax = x;
	it->ay = y;
	it->priority = priority_of(type, f->kind);
	set_symbol(b, it, pst_theme_kind(b->theme, f->kind));
	if (!it->id || !it->kind || !it->name || style_label(b, it, f, type) != POSTURE_OK ||
	    copy_citations(it, f) != POSTURE_OK)
		return POSTURE_ENOMEM;
	return POSTURE_OK;
}

/* A curated border segment: the shared line of its two countries, emphasised. */
static int add_border_item(builder *b, pst_group *g, const pst_feature *f)
{
	const pst_group *base = pst_scene_group(b->scene, "borders");
	char id[32];
	snprintf(id, sizeof(id), "border-%s-%s", f->countries[0], f->countries[1]);
	const pst_item *line = NULL;
	for (size_t i = 0; base && i < base->n_items && !line; i++)
		if (strcmp(base->items[i].id, id) == 0)
			line = &base->items[i];
	if (!line)
		return POSTURE_OK; /* not on this page */
	pst_item *it = pst_group_add_item(g);
	if (!it)
		return POSTURE_ENOMEM;
	it->id = pst_strdup(f->id);
	it->kind = pst_strdup(f->kind);
	it->name = pst_strdup(f->name);
	if (!it->id || !it->kind || !it->name)
		return POSTURE_ENOMEM;
	it->style = b->theme->segment;
	it->style.stroke_width *= b->k;
	if (copy_citations(it, f) != POSTURE_OK)
		return POSTURE_ENOMEM;
	for (size_t k = 0; k < line->n_parts; k++) {
		size_t start = k ? line->part_end[k - 1] : 0;
		int rc = pst_item_add_part(it, line->xy + 2 * start, line->part_end[k] - start);
		if (rc != POSTURE_OK)
			return rc;
	}
	return POSTURE_OK;
}

static char *title_case(const char *name)
{
	char *t = pst_strdup(name);
	if (t && t[0] >= 'a' && t[0] <= 'z')
		t[0] = (char)(t[0] - 'a' + 'A');
	return t;
}

static int add_layer_group(builder *b, const pst_layer *layer)
{
	char *title = title_case(layer->name);
	pst_group *g = title ? pst_scene_add_group(b->scene, layer->name, title) : NULL;
	free(title);
	int rc = g ? POSTURE_OK : POSTURE_ENOMEM;
	for (size_t k = 0; rc == POSTURE_OK && k < layer->n_features; k++) {
		const pst_feature *f = &layer->features[k];
		if (layer->type == PST_LAYER_BORDERS)
			rc = add_border_item(b, g, f);
		else if (f->has_point)
			rc = add_point_item(b, g, f, layer->type);
	}
	return rc == POSTURE_OK ? rc : pst_error(b->ctx, rc, layer->path, "out of memory");
}

/* Read and validate the map's layers (a map is never drawn from invalid data),
 * then add them ground first, figure last: places, borders, incidents, bases. */
static int add_layers(builder *b)
{
	static const pst_layer_type drawing_order[] = { PST_LAYER_PLACES, PST_LAYER_BORDERS,
		                                        PST_LAYER_INCIDENTS, PST_LAYER_BASES };
	const posture_map *m = b->map;
	posture_check_opts opts = POSTURE_CHECK_OPTS_INIT;
	opts.shapes_dir = m->shapes_dir;
	posture_data *data = NULL;
	int rc = posture_data_load(&data, b->ctx, m->sources, (const char *const *)m->layers,
	                           m->n_layers, &opts);
	for (size_t o = 0; rc == POSTURE_OK && o < PST_ARRAY_LEN(drawing_order); o++)
		for (size_t i = 0; rc == POSTURE_OK && i < data->n_layers; i++)
			if (data->layers[i].type == drawing_order[o])
				rc = add_layer_group(b, &data->layers[i]);
	posture_data_destroy(data);
	return rc;
}

/* An item showing @p label at a fixed place (furniture text). */
static int add_text_item(pst_group *g, const char *id, pst_label *label)
{
	pst_item *it = pst_group_add_item(g);
	if (!it) {
		free(label->text);
		free(label);
		return POSTURE_ENOMEM;
	}
	it->id = pst_strdup(id);
	it->kind = pst_strdup("text");
	it->name = pst_strdup(label->text);
	it->label = label;
	return it->id && it->kind && it->name ? POSTURE_OK : POSTURE_ENOMEM;
}

/* A filled rectangle item (the quiet box behind furniture). */
static int add_box_item(pst_group *g, const char *id, pst_box box, pst_rgba fill)
{
	pst_item *it = pst_group_add_item(g);
	if (!it)
		return POSTURE_ENOMEM;
	it->id = pst_strdup(id);
	it->kind = pst_strdup("box");
	it->name = pst_strdup("");
	it->closed = true;
	it->style.fill = fill;
	const double xy[] = { box.x0, box.y0, box.x1, box.y0, box.x1, box.y1, box.x0, box.y1 };
	if (!it->id || !it->kind || !it->name)
		return POSTURE_ENOMEM;
	return pst_item_add_part(it, xy, 4);
}

/*
 * A furniture group of text lines in a quiet box, at the top left or the
 * bottom right of the page.
 */
static int add_panel(builder *b, const char *name, const char *title, const char *const *texts,
                     const bool *bold, const double *sizes, const pst_rgba *colors, size_t n,
                     bool at_bottom_right)
{
	posture_scene *s = b->scene;
	double pad = 6 * b->k, margin = 10 * b->k, w_max = 0, total_h = 0, w[8], h[8];
	pst_label *lines[8] = { 0 };
	int rc = POSTURE_OK;
	for (size_t i = 0; i < n && i < 8 && rc == POSTURE_OK; i++) {
		lines[i] = new_label(b, texts[i], bold[i], sizes[i], colors[i]);
		if (!lines[i]) {
			rc = POSTURE_ENOMEM;
			break;
		}
		pst_text_measure(b->text, lines[i], &w[i], &h[i]);
		w_max = fmax(w_max, w[i]);
		total_h += h[i];
	}
	double x0 = at_bottom_right ? s->width - margin - 2 * pad - w_max : margin;
	double y0 = at_bottom_right ? s->height - margin - 2 * pad - total_h : margin;
	pst_box box = { x0, y0, x0 + 2 * pad + w_max, y0 + 2 * pad + total_h };
	pst_group *g = rc == POSTURE_OK ? pst_scene_add_group(s, name, title) : NULL;
	if (g) {
		g->furniture = true;
		g->box = box;
		rc = add_box_item(g, name, box, b->theme->panel_fill);
	} else {
		rc = POSTURE_ENOMEM;
	}
	double y = y0 + pad;
	for (size_t i = 0; i < n && i < 8; i++) {
		if (rc != POSTURE_OK) {
			if (lines[i])
				free(lines[i]->text);
			free(lines[i]);
			continue;
		}
		double x = at_bottom_right ? x0 + pad + w_max - w[i] : x0 + pad;
		place_label(lines[i], x, y, w[i], h[i]);
		y += h[i];
		char id[64];
		snprintf(id, sizeof(id), "%s-%zu", name, i + 1);
		rc = add_text_item(g, id, lines[i]);
	}
	return rc;
}

static const char credit_text[] =
	"Base geography: Natural Earth 4.1.0 (public domain); rivers and lakes: GSHHG/WDBII 2.3.7"
	" \xC2\xB7 Map: posture";

static int add_furniture(builder *b)
{
	const posture_map *m = b->map;
	const pst_theme *t = b->theme;
	if (strcmp(m->layout, "bare") == 0)
		return POSTURE_OK;
	int rc = POSTURE_OK;
	if (m->title[0] || m->subtitle[0]) {
		const char *texts[2];
		bool bold[2];
		double sizes[2];
		pst_rgba colors[2];
		size_t n = 0;
		if (m->title[0]) {
			texts[n] = m->title;
			bold[n] = true;
			sizes[n] = t->title_size * b->k;
			colors[n++] = t->label_color;
		}
		if (m->subtitle[0]) {
			texts[n] = m->subtitle;
			bold[n] = false;
			sizes[n] = t->subtitle_size * b->k;
			colors[n++] = t->muted_text;
		}
		rc = add_panel(b, "title", "Title", texts, bold, sizes, colors, n, false);
	}
	if (rc == POSTURE_OK) {
		const char *texts[] = { credit_text };
		const bool bold[] = { false };
		double sizes[] = { t->credit_size * b->k };
		pst_rgba colors[] = { t->muted_text };
		rc = add_panel(b, "credit", "Credit", texts, bold, sizes, colors, 1, true);
	}
	return rc == POSTURE_OK ? rc : pst_error(b->ctx, rc, m->path, "out of memory");
}

/* Place every label; a label dropped for lack of room is reported, never silent. */
static int place_labels(builder *b)
{
	posture_scene *s = b->scene;
	int rc = pst_label_place(s, b->text, &s->label_stats);
	if (rc != POSTURE_OK)
		return pst_error(b->ctx, rc, b->map->path, "out of memory");
	for (size_t g = 0; g < s->n_groups; g++)
		for (size_t i = 0; i < s->groups[g].n_items; i++)
			if (s->groups[g].items[i].label_dropped)
				pst_diag(b->ctx, POSTURE_WARNING, POSTURE_EDATA, b->map->path, 0, 0,
				         "no room for the label of '%s' at this size: it was left out",
				         s->groups[g].items[i].id);
	return POSTURE_OK;
}

static int build(builder *b)
{
	const posture_map *m = b->map;
	posture_scene *s = b->scene;
	s->width = m->width;
	s->height = m->height;
	memcpy(s->extent, m->extent, sizeof(s->extent));
	s->title = pst_strdup(m->title);
	b->theme = pst_theme_find(m->theme);
	b->k = pst_theme_factor(m->width, m->height);
	if (!s->title)
		return pst_error(b->ctx, POSTURE_ENOMEM, m->path, "out of memory");
	s->background = b->theme->sea;
	s->leader_color = b->theme->leader;
	s->leader_width = b->theme->leader_width * b->k;
	pst_where at = pst_map_where(m, "projection");
	int rc = pst_proj_create(&b->proj, b->ctx, m->projection, m->extent, &at);
	if (rc == POSTURE_OK && !(s->crs = pst_strdup(pst_proj_definition(b->proj))))
		rc = pst_error(b->ctx, POSTURE_ENOMEM, m->path, "out of memory");
	if (rc == POSTURE_OK)
		rc = compute_frame(b);
	if (rc == POSTURE_OK) {
		compute_geo_box(b);
		b->text = pst_text_context_new();
		if (!b->text)
			rc = pst_error(b->ctx, POSTURE_EIO, m->path, "cannot set up text layout (fontconfig)");
	}
	if (rc == POSTURE_OK)
		rc = add_base_geography(b);
	if (rc == POSTURE_OK)
		rc = add_layers(b);
	if (rc == POSTURE_OK)
		rc = add_furniture(b);
	if (rc == POSTURE_OK)
		rc = place_labels(b);
	return rc;
}

int posture_scene_build(posture_scene **out, posture_ctx *ctx, const posture_map *map)
{
	*out = NULL;
	builder b = { .ctx = ctx, .map = map };
	b.scene = calloc(1, sizeof(*b.scene));
	if (!b.scene)
		return pst_error(ctx, POSTURE_ENOMEM, map->path, "out of memory");
	int rc = build(&b);
	pst_proj_destroy(b.proj);
	if (b.text)
		g_object_unref(b.text);
	pst_pts_free(&b.tmp_a);
	pst_pts_free(&b.tmp_b);
	if (rc != POSTURE_OK) {
		posture_scene_destroy(b.scene);
		return rc;
	}
	*out = b.scene;
	return POSTURE_OK;
}
