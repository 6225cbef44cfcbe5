/*
 * cairo_dense.c — painting a layer of many point symbols (more than
 * PST_SYMBOL_BATCH_MIN) at a cost linear in their number.
 *
 * Item by item, Cairo sets up a fill and a stroke per symbol.  A dense layer
 * is drawn per look instead (a look: shape, size, fill and outline; in
 * practice one per kind): its areas (the translucent discs of imprecise
 * positions) first, then its symbols, look by look in order of first
 * appearance.  On an image surface (PNG) each look is rendered once into a
 * small stamp, which is then blended at every symbol's pixel (position
 * rounded to the pixel); on vector surfaces (PDF, Cairo's SVG) each look is
 * one compound path, filled and outlined once.  Within a look the drawing
 * order is the items' order; between looks it is not, which at this density
 * no reader can tell.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

static bool same_rgba(pst_rgba a, pst_rgba b)
{
	return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

static bool same_look(const pst_item *a, const pst_item *b)
{
	return a->symbol == b->symbol && a->symbol_size == b->symbol_size &&
	       a->symbol_half == b->symbol_half && same_rgba(a->style.fill, b->style.fill) &&
	       same_rgba(a->style.stroke, b->style.stroke) &&
	       a->style.stroke_width == b->style.stroke_width;
}

static bool is_symbol(const pst_item *it)
{
	return it->has_anchor && it->symbol != PST_SYMBOL_NONE;
}

bool pst_cairo_dense(const pst_group *g)
{
	size_t n = 0;
	for (size_t i = 0; i < g->n_items && n <= PST_SYMBOL_BATCH_MIN; i++)
		n += is_symbol(&g->items[i]);
	return n > PST_SYMBOL_BATCH_MIN;
}

/* Blend premultiplied ARGB @p stamp into the RGB24/ARGB32 @p dst at (x0, y0), within @p clip. */
static void blend(cairo_surface_t *dst, cairo_surface_t *stamp, int x0, int y0, const int clip[4])
{
	unsigned char *d = cairo_image_surface_get_data(dst);
	const unsigned char *s = cairo_image_surface_get_data(stamp);
	int ds = cairo_image_surface_get_stride(dst), ss = cairo_image_surface_get_stride(stamp);
	int w = cairo_image_surface_get_width(stamp), h = cairo_image_surface_get_height(stamp);
	int ya = y0 < clip[1] ? clip[1] - y0 : 0, yb = y0 + h > clip[3] ? clip[3] - y0 : h;
	int xa = x0 < clip[0] ? clip[0] - x0 : 0, xb = x0 + w > clip[2] ? clip[2] - x0 : w;
	for (int y = ya; y < yb; y++) {
		const uint32_t *sp = (const uint32_t *)(s + (size_t)y * (size_t)ss);
		uint32_t *dp = (uint32_t *)(d + (size_t)(y0 + y) * (size_t)ds) + x0;
		for (int x = xa; x < xb; x++) {
			uint32_t src = sp[x], a = src >> 24;
			if (!a)
				continue;
			if (a == 255) {
				dp[x] = src;
				continue;
			}
			/* Premultiplied "over": src + dst * (255 - a) / 255, two channels at a time
			 * (x / 255 as (x + 128 + (x + 128) / 256) / 256, exact for these products). */
			uint32_t d32 = dp[x], ia = 255 - a;
			uint32_t rb = (d32 & 0x00FF00FFu) * ia + 0x00800080u;
			rb = ((rb + ((rb >> 8) & 0x00FF00FFu)) >> 8) & 0x00FF00FFu;
			uint32_t ag = ((d32 >> 8) & 0x00FF00FFu) * ia + 0x00800080u;
			ag = (ag + ((ag >> 8) & 0x00FF00FFu)) & 0xFF00FF00u;
			dp[x] = src + (rb | ag);
		}
	}
}

/* The map frame in device pixels (clipped to the surface) and pixels per point. */
static double device_frame(cairo_t *cr, const posture_scene *s, cairo_surface_t *target,
                           int clip[4])
{
	double bx0 = s->map_box.x0, by0 = s->map_box.y0, bx1 = s->map_box.x1, by1 = s->map_box.y1;
	cairo_user_to_device(cr, &bx0, &by0);
	cairo_user_to_device(cr, &bx1, &by1);
	clip[0] = (int)fmax(0, ceil(bx0));
	clip[1] = (int)fmax(0, ceil(by0));
	clip[2] = (int)fmin(cairo_image_surface_get_width(target), floor(bx1));
	clip[3] = (int)fmin(cairo_image_surface_get_height(target), floor(by1));
	double ux = 1, uy = 0;
	cairo_user_to_device_distance(cr, &ux, &uy);
	return hypot(ux, uy);
}

/* One look's stamp: the symbol of @p it drawn at the centre of a small image, device scale @p k. */
static cairo_surface_t *make_stamp(const pst_item *it, double k, double *half)
{
	double r = (it->symbol_size / 2 + it->style.stroke_width) * k + 2;
	int side = (int)ceil(2 * r);
	cairo_surface_t *st = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, side, side);
	cairo_t *cr = cairo_create(st);
	cairo_scale(cr, k, k);
	pst_item copy = *it;
	copy.ax = copy.ay = side / 2.0 / k;
	pst_cairo_paint_symbol(cr, &copy);
	cairo_destroy(cr);
	cairo_surface_flush(st);
	*half = side / 2.0;
	return st;
}

/* Symbols of the looks from item @p first on, on an image surface: stamps. */
static void stamp_symbols(cairo_t *cr, const pst_group *g, const posture_scene *s, bool *done)
{
	cairo_surface_t *target = cairo_get_target(cr);
	cairo_surface_flush(target);
	int clip[4];
	double k = device_frame(cr, s, target, clip);
	for (size_t i = 0; i < g->n_items; i++) {
		const pst_item *look = &g->items[i];
		if (done[i] || !is_symbol(look))
			continue;
		double half;
		cairo_surface_t *stamp = make_stamp(look, k, &half);
		if (cairo_surface_status(stamp) == CAIRO_STATUS_SUCCESS) {
			for (size_t j = i; j < g->n_items; j++) {
				const pst_item *it = &g->items[j];
				if (done[j] || !is_symbol(it) || !same_look(look, it))
					continue;
				done[j] = true;
				double x = it->ax, y = it->ay;
				cairo_user_to_device(cr, &x, &y);
				blend(target, stamp, (int)lround(x - half), (int)lround(y - half), clip);
			}
		}
		cairo_surface_destroy(stamp);
	}
	cairo_surface_mark_dirty(target);
}

/* Symbols on a vector surface: one compound path per look, filled and outlined once. */
static void path_symbols(cairo_t *cr, const pst_group *g, bool *done)
{
	for (size_t i = 0; i < g->n_items; i++) {
		const pst_item *look = &g->items[i];
		if (done[i] || !is_symbol(look) || look->symbol_half)
			continue;
		cairo_new_path(cr);
		for (size_t j = i; j < g->n_items; j++) {
			const pst_item *it = &g->items[j];
			if (done[j] || !is_symbol(it) || !same_look(look, it))
				continue;
			done[j] = true;
			pst_cairo_symbol_path(cr, it);
		}
		pst_cairo_fill_stroke_symbol(cr, look);
	}
	for (size_t i = 0; i < g->n_items; i++) /* half-filled looks: item by item */
		if (!done[i] && is_symbol(&g->items[i]))
			pst_cairo_paint_symbol(cr, &g->items[i]);
}

static bool is_disc(const pst_item *it)
{
	return !it->has_anchor && it->n_parts && it->closed && !(it->style.stroke_width > 0) &&
	       it->symbol_size > 0 && !strcmp(it->kind, "uncertainty");
}

/* The discs of imprecise positions on an image surface: a stamp per colour and size. */
static void stamp_discs(cairo_t *cr, const pst_group *g, const posture_scene *s, bool *done)
{
	cairo_surface_t *target = cairo_get_target(cr);
	cairo_surface_flush(target);
	int clip[4];
	double k = device_frame(cr, s, target, clip);
	for (size_t i = 0; i < g->n_items; i++) {
		const pst_item *look = &g->items[i];
		if (done[i] || !is_disc(look))
			continue;
		double r = look->symbol_size / 2 * k;
		int side = (int)ceil(2 * r) + 2;
		cairo_surface_t *stamp = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, side, side);
		cairo_t *sc = cairo_create(stamp);
		cairo_set_source_rgba(sc, look->style.fill.r, look->style.fill.g, look->style.fill.b,
		                      look->style.fill.a);
		cairo_arc(sc, side / 2.0, side / 2.0, r, 0, 2 * PST_PI);
		cairo_fill(sc);
		cairo_destroy(sc);
		cairo_surface_flush(stamp);
		for (size_t j = i; cairo_surface_status(stamp) == CAIRO_STATUS_SUCCESS && j < g->n_items;
		     j++) {
			const pst_item *it = &g->items[j];
			if (done[j] || !is_disc(it) || it->symbol_size != look->symbol_size ||
			    !same_rgba(it->style.fill, look->style.fill))
				continue;
			done[j] = true;
			double x = it->ax, y = it->ay;
			cairo_user_to_device(cr, &x, &y);
			blend(target, stamp, (int)lround(x - side / 2.0), (int)lround(y - side / 2.0), clip);
		}
		cairo_surface_destroy(stamp);
	}
	cairo_surface_mark_dirty(target);
}

/* Areas of the layer, one compound path per fill colour (the discs of imprecise positions). */
static void batch_areas(cairo_t *cr, const pst_group *g, double tol, bool *done)
{
	for (size_t i = 0; i < g->n_items; i++) {
		const pst_item *look = &g->items[i];
		if (done[i] || look->has_anchor || !look->n_parts)
			continue;
		if (!look->closed || look->style.stroke_width > 0) { /* not a plain area: as usual */
			done[i] = true;
			pst_cairo_paint_geometry(cr, look, tol);
			continue;
		}
		cairo_new_path(cr);
		for (size_t j = i; j < g->n_items; j++) {
			const pst_item *it = &g->items[j];
			if (done[j] || it->has_anchor || !it->n_parts || !it->closed ||
			    it->style.stroke_width > 0 || !same_rgba(it->style.fill, look->style.fill))
				continue;
			done[j] = true;
			pst_cairo_item_path(cr, it, tol);
		}
		cairo_set_source_rgba(cr, look->style.fill.r, look->style.fill.g, look->style.fill.b,
		                      look->style.fill.a);
		/* Nonzero: overlapping discs of one colour are one area, not holes in each other. */
		cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
		cairo_fill(cr);
		cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	}
}

int pst_cairo_paint_dense(cairo_t *cr, const pst_group *g, const posture_scene *s, double tol)
{
	bool *done = calloc(g->n_items + 1, sizeof(bool));
	if (!done)
		return POSTURE_ENOMEM;
	cairo_surface_t *target = cairo_get_target(cr);
	bool image = cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_IMAGE &&
	             (cairo_image_surface_get_format(target) == CAIRO_FORMAT_RGB24 ||
	              cairo_image_surface_get_format(target) == CAIRO_FORMAT_ARGB32);
	if (image)
		stamp_discs(cr, g, s, done);
	batch_areas(cr, g, tol, done);
	if (image)
		stamp_symbols(cr, g, s, done);
	else
		path_symbols(cr, g, done);
	free(done);
	return POSTURE_OK;
}
