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
#include <stdint.h>
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
	const pst_dense *d = g->dense;
	for (size_t i = 0; d && i < d->n && n <= PST_SYMBOL_BATCH_MIN; i++)
		n += is_symbol(&d->looks[d->pts[i].look]);
	return n > PST_SYMBOL_BATCH_MIN;
}

/*
 * Premultiplied "over" of @p src (alpha a, 0 < a < 255) on @p dst: src + dst * (255 - a) / 255,
 * two channels at a time (x / 255 as (x + 128 + (x + 128) / 256) / 256, exact for these products).
 */
static inline uint32_t over(uint32_t src, uint32_t dst)
{
	uint32_t ia = 255 - (src >> 24);
	uint32_t rb = (dst & 0x00FF00FFu) * ia + 0x00800080u;
	rb = ((rb + ((rb >> 8) & 0x00FF00FFu)) >> 8) & 0x00FF00FFu;
	uint32_t ag = ((dst >> 8) & 0x00FF00FFu) * ia + 0x00800080u;
	ag = (ag + ((ag >> 8) & 0x00FF00FFu)) & 0xFF00FF00u;
	return src + (rb | ag);
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
			dp[x] = over(src, dp[x]);
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

/*
 * The items of one kind of mark (symbols, or discs) grouped by look in one
 * pass: looks in order of first appearance, each with its items in order.
 */
typedef struct {
	size_t n_looks;
	const pst_item **look; /* per look: its first item (or a compact layer's look) */
	size_t *start;  /* n_looks + 1 offsets into item */
	size_t *item;   /* item indices (records of a compact layer), look by look */
	double *xy;     /* their anchors, look by look */
} looks;

static void looks_free(looks *l)
{
	free(l->look);
	free(l->start);
	free(l->item);
	free(l->xy);
}

/* Sort the members (@p look_of[i] their look, SIZE_MAX for others) of @p n by look, with
 * their anchors from @p at. */
static int looks_fill(looks *l, const size_t *look_of, size_t n, size_t members,
                      void (*at)(const void *, size_t, double *), const void *user)
{
	l->start = calloc(l->n_looks + 2, sizeof(size_t));
	l->item = malloc((members + 1) * sizeof(size_t));
	l->xy = malloc((members + 1) * 2 * sizeof(double));
	if (!l->start || !l->item || !l->xy)
		return POSTURE_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (look_of[i] != SIZE_MAX)
			l->start[look_of[i] + 2]++;
	for (size_t k = 2; k <= l->n_looks + 1; k++)
		l->start[k] += l->start[k - 1];
	for (size_t i = 0; i < n; i++)
		if (look_of[i] != SIZE_MAX) {
			size_t m = l->start[look_of[i] + 1]++;
			l->item[m] = i;
			at(user, i, &l->xy[2 * m]);
		}
	return POSTURE_OK;
}

static void item_at(const void *user, size_t i, double *xy)
{
	const pst_group *g = user;
	xy[0] = g->items[i].ax;
	xy[1] = g->items[i].ay;
}

static void record_at(const void *user, size_t i, double *xy)
{
	const pst_dense *d = user;
	xy[0] = d->pts[i].ax;
	xy[1] = d->pts[i].ay;
}

/* The look of @p it among @p l's (added when new), by @p same; SIZE_MAX when out of memory. */
static size_t look_index(looks *l, size_t *cap, size_t prev, const pst_item *it,
                         bool (*same)(const pst_item *, const pst_item *))
{
	size_t k = prev < l->n_looks && same(l->look[prev], it) ? prev : 0;
	while (k < l->n_looks && !same(l->look[k], it))
		k++;
	if (k == l->n_looks) {
		if (pst_grow((void **)&l->look, cap, k + 1, sizeof(*l->look)))
			return SIZE_MAX;
		l->look[l->n_looks++] = it;
	}
	return k;
}

/* Group the items @p member takes (and not done) by @p same; POSTURE_ENOMEM or OK. */
static int looks_group(looks *l, const pst_group *g, const bool *done,
                       bool (*member)(const pst_item *),
                       bool (*same)(const pst_item *, const pst_item *))
{
	memset(l, 0, sizeof(*l));
	size_t *look_of = malloc((g->n_items + 1) * sizeof(size_t)), cap = 0, n = 0, prev = 0;
	if (!look_of)
		return POSTURE_ENOMEM;
	for (size_t i = 0; i < g->n_items; i++) {
		const pst_item *it = &g->items[i];
		look_of[i] = SIZE_MAX;
		if (done[i] || !member(it))
			continue;
		size_t k = look_index(l, &cap, prev, it, same);
		if (k == SIZE_MAX) {
			free(look_of);
			return POSTURE_ENOMEM;
		}
		look_of[i] = prev = k;
		n++;
	}
	int rc = looks_fill(l, look_of, g->n_items, n, item_at, g);
	free(look_of);
	return rc;
}

/*
 * looks_group() for the records of compact group @p d (scene.h): its discs
 * when @p discs (those with a part: a disc the frame cuts to nothing is not
 * drawn), else its symbols; each record's look decides its group, found
 * once per look.
 */
static int looks_group_compact(looks *l, const pst_dense *d, bool discs,
                               bool (*member)(const pst_item *),
                               bool (*same)(const pst_item *, const pst_item *))
{
	memset(l, 0, sizeof(*l));
	size_t *look_of = malloc((d->n + 1) * sizeof(size_t)), cap = 0, n = 0, prev = 0;
	size_t *group_of = malloc((d->n_looks + 1) * sizeof(size_t)); /* per look of d */
	pst_dense_scratch sc = { 0 };
	int rc = look_of && group_of ? POSTURE_OK : POSTURE_ENOMEM;
	for (size_t k = 0; rc == POSTURE_OK && k < d->n_looks; k++)
		group_of[k] = SIZE_MAX - 1; /* not met yet */
	for (size_t i = 0; rc == POSTURE_OK && i < d->n; i++) {
		const pst_dense_point *p = &d->pts[i];
		look_of[i] = SIZE_MAX;
		if (discs && !p->disc)
			continue;
		size_t look = discs ? p->disc - 1 : p->look;
		const pst_item *it = &d->looks[look];
		pst_item disc; /* a disc as an item: the frame may cut it (to nothing) */
		if (discs && (rc = pst_dense_disc_item(d, i, &disc, &sc)) != POSTURE_OK)
			break;
		if (!member(discs ? &disc : it))
			continue;
		if (group_of[look] == SIZE_MAX - 1)
			group_of[look] = look_index(l, &cap, prev, it, same);
		if (group_of[look] == SIZE_MAX) {
			rc = POSTURE_ENOMEM;
			break;
		}
		look_of[i] = prev = group_of[look];
		n++;
	}
	if (rc == POSTURE_OK)
		rc = looks_fill(l, look_of, d->n, n, record_at, d);
	pst_dense_scratch_free(&sc);
	free(look_of);
	free(group_of);
	return rc;
}

/*
 * Device pixels marked by the current look: two stamps of one look at one
 * pixel draw the same (the second only darkens the anti-aliased edge a
 * shade), so only one is drawn.  One bit per pixel of the frame.
 */
typedef struct {
	uint8_t *bits;
	int x0, y0, w, h;
} spot_set;

static int spots_init(spot_set *sp, const int clip[4])
{
	sp->x0 = clip[0], sp->y0 = clip[1];
	sp->w = clip[2] > clip[0] ? clip[2] - clip[0] : 0;
	sp->h = clip[3] > clip[1] ? clip[3] - clip[1] : 0;
	sp->bits = calloc((size_t)sp->w * (size_t)sp->h / 8 + 1, 1);
	return sp->bits ? POSTURE_OK : POSTURE_ENOMEM;
}

static void spots_clear(spot_set *sp)
{
	memset(sp->bits, 0, (size_t)sp->w * (size_t)sp->h / 8 + 1);
}

/* True when (x, y) was not stamped yet (now it is); spots off the frame count as new. */
static bool spots_new(spot_set *sp, long x, long y)
{
	if (x < sp->x0 || y < sp->y0 || x >= sp->x0 + sp->w || y >= sp->y0 + sp->h)
		return true;
	size_t k = (size_t)(y - sp->y0) * (size_t)sp->w + (size_t)(x - sp->x0);
	bool seen = sp->bits[k / 8] & (1u << (k % 8));
	sp->bits[k / 8] |= (uint8_t)(1u << (k % 8));
	return !seen;
}

/* Symbols on an image surface: a stamp per look, blended once at each pixel it marks. */
static int stamp_symbols(cairo_t *cr, const pst_group *g, const posture_scene *s, bool *done)
{
	looks l;
	spot_set sp = { 0 };
	cairo_surface_t *target = cairo_get_target(cr);
	int clip[4];
	double k = device_frame(cr, s, target, clip);
	int rc = done ? looks_group(&l, g, done, is_symbol, same_look)
	              : looks_group_compact(&l, g->dense, false, is_symbol, same_look);
	if (rc == POSTURE_OK)
		rc = spots_init(&sp, clip);
	cairo_surface_flush(target);
	size_t members = rc == POSTURE_OK ? l.start[l.n_looks] : 0;
	bool *last = rc == POSTURE_OK ? calloc(members + 1, sizeof(bool)) : NULL;
	if (rc == POSTURE_OK && !last)
		rc = POSTURE_ENOMEM;
	for (size_t lk = 0; rc == POSTURE_OK && lk < l.n_looks; lk++) {
		double half;
		cairo_surface_t *stamp = make_stamp(l.look[lk], k, &half);
		spots_clear(&sp);
		/* The last stamp at each pixel is the one on top: keep those, in drawing order,
		 * so what covers what is as if every symbol were drawn. */
		for (size_t m = l.start[lk + 1]; m-- > l.start[lk];) {
			double x = l.xy[2 * m], y = l.xy[2 * m + 1];
			cairo_user_to_device(cr, &x, &y);
			last[m] = spots_new(&sp, lround(x), lround(y));
		}
		for (size_t m = l.start[lk];
		     cairo_surface_status(stamp) == CAIRO_STATUS_SUCCESS && m < l.start[lk + 1]; m++) {
			if (done)
				done[l.item[m]] = true;
			if (!last[m])
				continue;
			double x = l.xy[2 * m], y = l.xy[2 * m + 1];
			cairo_user_to_device(cr, &x, &y);
			blend(target, stamp, (int)lround(x - half), (int)lround(y - half), clip);
		}
		cairo_surface_destroy(stamp);
	}
	free(last);
	cairo_surface_mark_dirty(target);
	free(sp.bits);
	looks_free(&l);
	return rc;
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

static bool same_disc(const pst_item *a, const pst_item *b)
{
	return a->symbol_size == b->symbol_size && same_rgba(a->style.fill, b->style.fill);
}

/*
 * The discs of imprecise positions on an image surface, per colour and
 * size: their coverage is gathered into one mask (the most any disc covers
 * each pixel: their union, as the vector outputs fill one nonzero path per
 * colour), which is then painted once in the colour.  A disc at a pixel
 * already covered by one of its look adds nothing and is skipped.
 */
static int stamp_discs(cairo_t *cr, const pst_group *g, const posture_scene *s, bool *done)
{
	looks l;
	spot_set sp = { 0 };
	cairo_surface_t *target = cairo_get_target(cr);
	int clip[4];
	double k = device_frame(cr, s, target, clip);
	int rc = done ? looks_group(&l, g, done, is_disc, same_disc)
	              : looks_group_compact(&l, g->dense, true, is_disc, same_disc);
	if (rc == POSTURE_OK)
		rc = spots_init(&sp, clip);
	uint8_t *mask = rc == POSTURE_OK ? malloc((size_t)sp.w * (size_t)sp.h + 1) : NULL;
	if (rc == POSTURE_OK && !mask)
		rc = POSTURE_ENOMEM;
	cairo_surface_flush(target);
	unsigned char *dst = cairo_image_surface_get_data(target);
	int ds = cairo_image_surface_get_stride(target);
	for (size_t lk = 0; rc == POSTURE_OK && lk < l.n_looks; lk++) {
		const pst_item *look = l.look[lk];
		double r = look->symbol_size / 2 * k;
		int side = (int)ceil(2 * r) + 2;
		cairo_surface_t *stamp = cairo_image_surface_create(CAIRO_FORMAT_A8, side, side);
		cairo_t *sc = cairo_create(stamp);
		cairo_arc(sc, side / 2.0, side / 2.0, r, 0, 2 * PST_PI);
		cairo_fill(sc);
		cairo_destroy(sc);
		cairo_surface_flush(stamp);
		if (cairo_surface_status(stamp) != CAIRO_STATUS_SUCCESS) {
			cairo_surface_destroy(stamp);
			continue;
		}
		const uint8_t *cov = cairo_image_surface_get_data(stamp);
		int cs = cairo_image_surface_get_stride(stamp);
		spots_clear(&sp);
		memset(mask, 0, (size_t)sp.w * (size_t)sp.h);
		int bx0 = sp.w, by0 = sp.h, bx1 = 0, by1 = 0; /* what the mask covers, frame pixels */
		for (size_t m = l.start[lk]; m < l.start[lk + 1]; m++) {
			if (done)
				done[l.item[m]] = true;
			double x = l.xy[2 * m], y = l.xy[2 * m + 1];
			cairo_user_to_device(cr, &x, &y);
			long x0 = lround(x - side / 2.0) - sp.x0, y0 = lround(y - side / 2.0) - sp.y0;
			if (!spots_new(&sp, lround(x), lround(y)))
				continue;
			int ya = y0 < 0 ? (int)-y0 : 0, yb = y0 + side > sp.h ? (int)(sp.h - y0) : side;
			int xa = x0 < 0 ? (int)-x0 : 0, xb = x0 + side > sp.w ? (int)(sp.w - x0) : side;
			if (ya >= yb || xa >= xb)
				continue;
			bx0 = bx0 < (int)x0 + xa ? bx0 : (int)x0 + xa;
			by0 = by0 < (int)y0 + ya ? by0 : (int)y0 + ya;
			bx1 = bx1 > (int)x0 + xb ? bx1 : (int)x0 + xb;
			by1 = by1 > (int)y0 + yb ? by1 : (int)y0 + yb;
			for (int yy = ya; yy < yb; yy++) {
				const uint8_t *c = cov + (size_t)yy * (size_t)cs;
				uint8_t *mp = mask + (size_t)(y0 + yy) * (size_t)sp.w + x0;
				for (int xx = xa; xx < xb; xx++)
					if (c[xx] > mp[xx])
						mp[xx] = c[xx];
			}
		}
		cairo_surface_destroy(stamp);
		/* The colour at each coverage, premultiplied, as Cairo would composite it. */
		uint32_t src[256];
		pst_rgba f = look->style.fill;
		for (int c = 0; c < 256; c++) {
			double a = f.a * c / 255.0;
			src[c] = (uint32_t)lround(a * 255) << 24 | (uint32_t)lround(f.r * a * 255) << 16 |
			         (uint32_t)lround(f.g * a * 255) << 8 | (uint32_t)lround(f.b * a * 255);
		}
		for (int yy = by0; yy < by1; yy++) {
			const uint8_t *mp = mask + (size_t)yy * (size_t)sp.w;
			uint32_t *dp = (uint32_t *)(dst + (size_t)(yy + sp.y0) * (size_t)ds) + sp.x0;
			for (int xx = bx0; xx < bx1; xx++) {
				uint32_t c = src[mp[xx]], a = c >> 24;
				if (a == 255)
					dp[xx] = c;
				else if (a)
					dp[xx] = over(c, dp[xx]);
			}
		}
	}
	cairo_surface_mark_dirty(target);
	free(mask);
	free(sp.bits);
	looks_free(&l);
	return rc;
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
	int rc = image ? stamp_discs(cr, g, s, done) : POSTURE_OK;
	batch_areas(cr, g, tol, done);
	if (rc == POSTURE_OK && image)
		rc = stamp_symbols(cr, g, s, done);
	else if (rc == POSTURE_OK)
		path_symbols(cr, g, done);
	free(done);
	return rc;
}

/*
 * A compact layer (scene.h) on an image surface, straight from its records:
 * what pst_cairo_paint_dense() draws of its items.  Its discs are all plain
 * areas (no outline, a size), so stamp_discs() draws every one that has a
 * part and batch_areas() would find none left; its points are symbols or
 * nothing.
 */
bool pst_cairo_compact(cairo_t *cr, const pst_group *g)
{
	cairo_surface_t *target = cairo_get_target(cr);
	bool image = cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_IMAGE &&
	             (cairo_image_surface_get_format(target) == CAIRO_FORMAT_RGB24 ||
	              cairo_image_surface_get_format(target) == CAIRO_FORMAT_ARGB32);
	for (size_t k = 0; image && k < g->dense->n_looks; k++) {
		const pst_item *look = &g->dense->looks[k];
		if (!look->has_anchor && !(look->symbol_size > 0 && !(look->style.stroke_width > 0) &&
		                           look->closed && !strcmp(look->kind, "uncertainty")))
			return false;
	}
	return image && pst_cairo_dense(g);
}

int pst_cairo_paint_compact(cairo_t *cr, const pst_group *g, const posture_scene *s)
{
	int rc = stamp_discs(cr, g, s, NULL);
	return rc == POSTURE_OK ? stamp_symbols(cr, g, s, NULL) : rc;
}
