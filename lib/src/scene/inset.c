/*
 * inset.c — the locator inset: the region around the map, from the world
 * layer (shapes/world.shp), in its own Lambert azimuthal equal-area
 * projection centred on the map, with country outlines and the map's
 * extent outlined.  Land is
 * cut to a wide lon/lat box before projection and the inset's frame is
 * fitted to a smaller one, so no cut edge shows; everything is clipped to
 * the inset's box.  With a store (serve, watch), the land and outlines
 * made for one reading of the world layer and one inset frame are
 * remembered in its memo, as the base geography is (basemap.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "inputs.h"
#include "shapes/shapefile.h"

typedef struct {
	builder *b;
	pst_proj *proj;       /* the inset's own projection */
	pst_box geo;          /* lon/lat box land is cut to: wider than what shows */
	pst_box view;         /* lon/lat box the inset frame is fitted to */
	double frame[4];      /* its projected envelope */
	pst_box box;          /* where it sits on the page */
	double scale;         /* pt per map unit */
	pst_pts tmp, dense;
} inset;

static void inset_to_page(const inset *in, double *xy, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		xy[2 * i] = in->box.x0 + (xy[2 * i] - in->frame[0]) * in->scale;
		xy[2 * i + 1] = in->box.y0 + (in->frame[3] - xy[2 * i + 1]) * in->scale;
	}
}

/* Project lon/lat pairs in place; false when PROJ cannot place one of them. */
static bool inset_project(inset *in, double *xy, size_t n)
{
	double *x = malloc((n + 1) * sizeof(double)), *y = malloc((n + 1) * sizeof(double));
	bool ok = x && y;
	for (size_t i = 0; ok && i < n; i++) {
		x[i] = xy[2 * i];
		y[i] = xy[2 * i + 1];
	}
	ok = ok && pst_proj_trans(in->proj, false, x, y, n) == POSTURE_OK;
	for (size_t i = 0; ok && i < n; i++) {
		ok = x[i] != HUGE_VAL;
		xy[2 * i] = x[i];
		xy[2 * i + 1] = y[i];
	}
	free(x);
	free(y);
	return ok;
}

/* Fit the inset's lon/lat box into its page box (keeping the aspect ratio). */
static bool inset_frame(inset *in)
{
	pst_pts ring = { 0 };
	const double r[] = { in->view.x0, in->view.y0, in->view.x1, in->view.y0,
		             in->view.x1, in->view.y1, in->view.x0, in->view.y1 };
	bool ok = pst_densify(&ring, r, 4, true, 1.0) == POSTURE_OK && inset_project(in, ring.xy, ring.n);
	double f[4] = { HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL };
	for (size_t i = 0; ok && i < ring.n; i++) {
		f[0] = fmin(f[0], ring.xy[2 * i]);
		f[1] = fmin(f[1], ring.xy[2 * i + 1]);
		f[2] = fmax(f[2], ring.xy[2 * i]);
		f[3] = fmax(f[3], ring.xy[2 * i + 1]);
	}
	pst_pts_free(&ring);
	if (!ok)
		return false;
	double bw = in->box.x1 - in->box.x0, bh = in->box.y1 - in->box.y0;
	in->scale = fmax(bw / (f[2] - f[0]), bh / (f[3] - f[1])); /* fill the box */
	double cx = (f[0] + f[2]) / 2, cy = (f[1] + f[3]) / 2;
	in->frame[0] = cx - bw / in->scale / 2;
	in->frame[2] = cx + bw / in->scale / 2;
	in->frame[1] = cy - bh / in->scale / 2;
	in->frame[3] = cy + bh / in->scale / 2;
	return true;
}

static int add_piece(void *user, const double *xy, size_t n)
{
	return pst_item_add_part(user, xy, n);
}

/* Add a lon/lat ring or line, clipped, projected and fitted, to @p it. */
static int inset_add(inset *in, pst_item *it, const double *lonlat, size_t n, bool closed)
{
	int rc = closed ? pst_clip_ring(&in->tmp, lonlat, n, &in->geo) : POSTURE_OK;
	const double *src = closed ? in->tmp.xy : lonlat;
	size_t src_n = closed ? in->tmp.n : n;
	if (rc != POSTURE_OK || src_n < (closed ? 3u : 2u))
		return rc;
	rc = pst_densify(&in->dense, src, src_n, closed, 1.0);
	if (rc != POSTURE_OK || !inset_project(in, in->dense.xy, in->dense.n))
		return rc;
	inset_to_page(in, in->dense.xy, in->dense.n);
	if (!closed) /* lines too stay inside the inset's box */
		return pst_clip_line(in->dense.xy, in->dense.n, &in->box, add_piece, it);
	rc = pst_clip_ring(&in->tmp, in->dense.xy, in->dense.n, &in->box);
	if (rc == POSTURE_OK && in->tmp.n >= 3)
		rc = pst_item_add_part(it, in->tmp.xy, in->tmp.n);
	return rc;
}

typedef struct {
	inset *in;
	pst_item *it;
} outline_job;

/* A piece of a country's boundary inside the wide lon/lat box, as a line. */
static int add_outline_piece(void *user, const double *lonlat, size_t n)
{
	outline_job *job = user;
	return inset_add(job->in, job->it, lonlat, n, false);
}

/* Land of @p sf fills @p land; each country's boundary goes to @p outlines as lines. */
static int inset_read(inset *in, pst_shapefile *sf, pst_item *land, pst_item *outlines)
{
	builder *b = in->b;
	int rc = POSTURE_OK;
	for (int i = 0; rc == POSTURE_OK && i < sf->n_records; i++) {
		SHPObject *o;
		rc = pst_shapefile_read(&o, b->ctx, sf, i);
		pst_box ob = o ? (pst_box){ o->dfXMin, o->dfYMin, o->dfXMax, o->dfYMax } : in->geo;
		for (int p = 0; o && rc == POSTURE_OK && pst_box_overlaps(&ob, &in->geo) && p < o->nParts;
		     p++) {
			int start = o->panPartStart[p];
			int end = p + 1 < o->nParts ? o->panPartStart[p + 1] : o->nVertices;
			pst_pts ring = { 0 };
			for (int v = start; v < end && rc == POSTURE_OK; v++)
				rc = pst_pts_push(&ring, o->padfX[v], o->padfY[v]);
			if (rc == POSTURE_OK)
				rc = inset_add(in, land, ring.xy, ring.n, true);
			if (rc == POSTURE_OK && ring.n >= 2) {
				outline_job job = { in, outlines };
				rc = pst_clip_line(ring.xy, ring.n, &in->geo, add_outline_piece, &job);
			}
			pst_pts_free(&ring);
		}
		SHPDestroyObject(o);
	}
	return rc;
}

/* Everything the inset's land depends on but the world layer's records. */
static void inset_key(pst_buf *k, const inset *in, unsigned long serial)
{
	const double d[17] = { in->geo.x0,   in->geo.y0,   in->geo.x1,   in->geo.y1,  in->view.x0,
		               in->view.y0,  in->view.x1,  in->view.y1,  in->box.x0,  in->box.y0,
		               in->box.x1,   in->box.y1,   in->frame[0], in->frame[1], in->frame[2],
		               in->frame[3], in->scale };
	const char *def = pst_proj_definition(in->proj);
	pst_buf_add(k, &serial, sizeof(serial));
	pst_buf_add(k, d, sizeof(d));
	pst_buf_add(k, def, strlen(def) + 1);
}

/* Land fills @p land; each country's boundary goes to @p outlines as lines. */
static int inset_land(inset *in, pst_item *land, pst_item *outlines)
{
	builder *b = in->b;
	pst_shapefile *sf;
	int rc = pst_inputs_shapefile(&sf, b->ctx, b->inputs, b->map->shapes_dir, "world",
	                              SHPT_POLYGON);
	if (rc != POSTURE_OK)
		return rc;
	unsigned long serial = pst_inputs_shapefile_serial(b->inputs, sf);
	pst_buf key, value;
	pst_buf_init(&key);
	pst_buf_init(&value);
	size_t n_diags = posture_ctx_diag_count(b->ctx), len = 0, at = 0;
	if (serial)
		inset_key(&key, in, serial);
	const char *found = serial && !key.failed
	                    ? pst_inputs_memo_get(b->inputs, "inset-land", key.data, key.len, &len)
	                    : NULL;
	if (found && !(pst_parts_take(land, found, len, &at) &&
	               pst_parts_take(outlines, found, len, &at)))
		rc = pst_error(b->ctx, POSTURE_ENOMEM, sf->path, "out of memory");
	if (!found)
		rc = inset_read(in, sf, land, outlines);
	if (!found && rc == POSTURE_OK && serial && !key.failed &&
	    posture_ctx_diag_count(b->ctx) == n_diags) {
		pst_parts_put(&value, land);
		pst_parts_put(&value, outlines);
		if (!value.failed)
			pst_inputs_memo_put(b->inputs, "inset-land", key.data, key.len, value.data,
			                    value.len);
	}
	pst_buf_free(&key);
	pst_buf_free(&value);
	pst_inputs_release_shapefile(b->inputs, sf);
	return rc;
}

static int inset_items(inset *in, pst_group *g)
{
	builder *b = in->b;
	const pst_theme *t = b->theme;
	pst_style sea = { .fill = t->sea, .stroke = t->muted_text, .stroke_width = 0.5 * b->k };
	int rc = pst_add_rect(g, "inset-sea", "box", in->box, sea);
	pst_item *land = rc == POSTURE_OK ? pst_new_item(g, "inset-land", "land", "") : NULL;
	if (!land)
		return POSTURE_ENOMEM;
	land->closed = true;
	land->style.fill = t->land.fill;
	size_t land_at = g->n_items - 1;
	pst_item *outlines = pst_new_item(g, "inset-countries", "country-outlines", "");
	if (!outlines)
		return POSTURE_ENOMEM;
	outlines->style.stroke = t->land.stroke;
	outlines->style.stroke_width = fmax(0.25, 0.6 * t->land.stroke_width * b->k);
	rc = inset_land(in, &g->items[land_at], outlines);
	if (rc != POSTURE_OK)
		return rc;
	/* The map's extent, outlined in the figure colour. */
	pst_item *outline = pst_new_item(g, "inset-extent", "extent", "map extent");
	if (!outline)
		return POSTURE_ENOMEM;
	outline->style.stroke = t->segment.stroke;
	outline->style.stroke_width = 1.2 * b->k;
	const double *e = b->map->extent;
	const double ring[] = { e[0], e[1], e[2], e[1], e[2], e[3], e[0], e[3], e[0], e[1] };
	pst_pts dense = { 0 };
	rc = pst_densify(&dense, ring, 5, false, 0.5);
	if (rc == POSTURE_OK)
		rc = inset_add(in, outline, dense.xy, dense.n, false);
	pst_pts_free(&dense);
	return rc;
}

/* A locator map: the region around the map in its own equal-area projection. */
int pst_add_inset(builder *b, pst_box box)
{
	const double *e = b->map->extent;
	double clon = (e[0] + e[2]) / 2, clat = (e[1] + e[3]) / 2;
	inset in = { .b = b, .box = box };
	in.view = (pst_box){ fmax(clon - 35, -180), fmax(clat - 22, -89), fmin(clon + 35, 180),
		             fmin(clat + 22, 89) };
	in.geo = (pst_box){ fmax(clon - 80, -180), fmax(clat - 50, -89.9), fmin(clon + 80, 180),
		            fmin(clat + 50, 89.9) };
	char def[160];
	snprintf(def, sizeof(def), "+proj=laea +lat_0=%.4f +lon_0=%.4f +datum=WGS84 +units=m", clat,
	         clon);
	pst_where at = { b->map->path, 0, 0 };
	int rc = pst_proj_create(&in.proj, b->ctx, def, e, &at);
	if (rc != POSTURE_OK)
		return rc;
	if (inset_frame(&in)) {
		pst_group *g = pst_scene_add_group(b->scene, "inset", "Locator");
		if (g) {
			g->furniture = true;
			g->box = box;
			rc = inset_items(&in, g);
		} else {
			rc = POSTURE_ENOMEM;
		}
	}
	pst_proj_destroy(in.proj);
	pst_pts_free(&in.tmp);
	pst_pts_free(&in.dense);
	return rc;
}

