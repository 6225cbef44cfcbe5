/*
 * basemap.c — base geography: countries, lakes, rivers and land borders read
 * from shapes/, clipped and projected onto the page, styled by the theme.
 * Only records whose bounding box (from the record's header) meets the map's
 * lon/lat box are read; the others are only checked, from their bytes.
 *
 * With a store (serve, watch), the page geometry of a shapefile's records is
 * remembered in its memo, keyed by the reading of the file (its serial in the
 * store), the boxes, tolerance, projection and page transform it was made
 * with: the next build of the same frame takes it from there instead of
 * clipping, densifying and projecting again.  Only the geometry is: ids,
 * names and styles are read and set anew, so a change of theme or focus is
 * never missed.  A pass that gave a diagnostic is not remembered (a build
 * that borrowed it would not give it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "inputs.h"
#include "layers/filter.h"
#include "shapes/shapefile.h"

static bool object_in_box(const SHPObject *o, const pst_box *box)
{
	pst_box ob = { o->dfXMin, o->dfYMin, o->dfXMax, o->dfYMax };
	return pst_box_overlaps(&ob, box);
}

/* Does record @p i's header box meet @p box (true for a null shape: read it)? */
static bool header_in_box(const pst_shapefile *sf, int i, const pst_box *box)
{
	double hb[4];
	if (!pst_shapefile_bbox(sf, i, hb))
		return true;
	pst_box head = { hb[0], hb[1], hb[2], hb[3] };
	return pst_box_overlaps(&head, box);
}

static char *id_or_number(const char *id, const char *prefix, int i)
{
	return id[0] ? pst_strdup(id) : pst_asprintf("%s-%d", prefix, i + 1);
}

/* Fill in id, kind, name and style of a base-geography item. */
typedef void (*style_fn)(builder *b, pst_shapefile *sf, int i, pst_item *it);

/*
 * The boundary of the area just added to @p g, as its own stroked item
 * ("outline-<id>") right after it: the area keeps the fill, the outline the
 * stroke.  Takes the parts of @p outline.
 */
static int add_outline(pst_group *g, pst_item *outline)
{
	if (!outline->n_parts)
		return POSTURE_OK;
	size_t fill_at = g->n_items - 1;
	pst_item *it = pst_group_add_item(g);
	if (!it)
		return POSTURE_ENOMEM;
	pst_item *fill = &g->items[fill_at];
	it->id = pst_asprintf("outline-%s", fill->id);
	it->kind = pst_asprintf("%s-outline", fill->kind);
	it->name = pst_strdup(fill->name);
	it->style.stroke = fill->style.stroke;
	it->style.stroke_width = fill->style.stroke_width;
	fill->style.stroke_width = 0;
	it->xy = outline->xy;
	it->n_pts = outline->n_pts;
	it->part_end = outline->part_end;
	it->n_parts = outline->n_parts;
	*outline = (pst_item){ 0 };
	return it->id && it->kind && it->name ? POSTURE_OK : POSTURE_ENOMEM;
}

/* --- the geometry remembered between builds ------------------------------------ */

static void put_bytes(pst_buf *k, const void *p, size_t n)
{
	if (n)
		pst_buf_add(k, p, n);
}

/* Everything a record's page geometry depends on but the record itself. */
static void geometry_key(pst_buf *k, builder *b, unsigned long serial, int type)
{
	const posture_scene *s = b->scene;
	put_bytes(k, &serial, sizeof(serial));
	put_bytes(k, &type, sizeof(type));
	const double d[17] = { b->geo_box.x0,  b->geo_box.y0,  b->geo_box.x1,  b->geo_box.y1,
		               b->page_box.x0, b->page_box.y0, b->page_box.x1, b->page_box.y1,
		               s->map_box.x0,  s->map_box.y0,  s->frame[0],    s->frame[1],
		               s->frame[2],    s->frame[3],    s->pt_per_unit, b->geo_tol,
		               (double)strlen(b->map->projection) };
	put_bytes(k, d, sizeof(d));
	put_bytes(k, b->map->projection, strlen(b->map->projection) + 1);
	put_bytes(k, b->map->extent, 4 * sizeof(double));
	const char *def = pst_proj_definition(b->proj);
	put_bytes(k, def, strlen(def) + 1);
}

void pst_parts_put(pst_buf *v, const pst_item *it)
{
	put_bytes(v, &it->n_parts, sizeof(it->n_parts));
	put_bytes(v, it->part_end, it->n_parts * sizeof(*it->part_end));
	put_bytes(v, it->xy, it->n_pts * 2 * sizeof(double));
}

bool pst_parts_take(pst_item *it, const char *v, size_t len, size_t *at)
{
	size_t n_parts;
	if (*at + sizeof(n_parts) > len)
		return false;
	memcpy(&n_parts, v + *at, sizeof(n_parts));
	*at += sizeof(n_parts);
	if (n_parts > (len - *at) / sizeof(size_t))
		return false;
	size_t ends = n_parts * sizeof(size_t), n_pts = 0;
	if (n_parts)
		memcpy(&n_pts, v + *at + ends - sizeof(size_t), sizeof(n_pts));
	if (n_pts > (len - *at - ends) / (2 * sizeof(double)))
		return false;
	it->part_end = n_parts ? malloc(ends) : NULL;
	it->xy = n_pts ? malloc(n_pts * 2 * sizeof(double)) : NULL;
	if ((n_parts && !it->part_end) || (n_pts && !it->xy))
		return false;
	if (ends)
		memcpy(it->part_end, v + *at, ends);
	if (n_pts)
		memcpy(it->xy, v + *at + ends, n_pts * 2 * sizeof(double));
	it->n_parts = n_parts;
	it->n_pts = n_pts;
	*at += ends + n_pts * 2 * sizeof(double);
	return true;
}

/* The items of @p g from remembered geometry @p v (record number, parts, outline's parts). */
static int add_remembered(builder *b, pst_shapefile *sf, pst_group *g, int type,
                          style_fn style, const char *v, size_t len)
{
	size_t at = 0;
	int rc = POSTURE_OK;
	while (rc == POSTURE_OK && at + sizeof(int) <= len) {
		int i;
		memcpy(&i, v + at, sizeof(i));
		at += sizeof(i);
		pst_item *it = pst_group_add_item(g);
		if (!it)
			return pst_error(b->ctx, POSTURE_ENOMEM, sf->path, "out of memory");
		it->closed = type == SHPT_POLYGON;
		style(b, sf, i, it);
		pst_item outline = { 0 };
		if (!pst_parts_take(it, v, len, &at) || !pst_parts_take(&outline, v, len, &at) || !it->id ||
		    !it->kind || !it->name)
			rc = POSTURE_ENOMEM;
		if (rc == POSTURE_OK && it->closed)
			rc = add_outline(g, &outline);
		free(outline.xy);
		free(outline.part_end);
		if (rc != POSTURE_OK)
			rc = pst_error(b->ctx, rc, sf->path, "out of memory");
	}
	return rc;
}

static int add_shapes(builder *b, const char *file, int type, const char *group,
                      const char *title, style_fn style)
{
	pst_shapefile *sf;
	int rc = pst_inputs_shapefile(&sf, b->ctx, b->inputs, b->map->shapes_dir, file, type);
	if (rc != POSTURE_OK)
		return rc;
	pst_group *g = pst_scene_add_group(b->scene, group, title);
	if (!g)
		rc = pst_error(b->ctx, POSTURE_ENOMEM, sf->path, "out of memory");
	unsigned long serial = pst_inputs_shapefile_serial(b->inputs, sf);
	pst_buf key, value;
	pst_buf_init(&key);
	pst_buf_init(&value);
	size_t n_diags = posture_ctx_diag_count(b->ctx), found_len = 0;
	const char *found = NULL;
	if (serial) {
		geometry_key(&key, b, serial, type);
		found = key.failed ? NULL : pst_inputs_memo_get(b->inputs, "base-geometry", key.data,
		                                                key.len, &found_len);
	}
	if (rc == POSTURE_OK && found) {
		rc = add_remembered(b, sf, g, type, style, found, found_len);
		serial = 0; /* nothing more to remember */
	}
	for (int i = 0; rc == POSTURE_OK && !found && i < sf->n_records; i++) {
		if (!header_in_box(sf, i, &b->geo_box)) {
			rc = pst_shapefile_check(b->ctx, sf, i); /* off the map: checked, not read */
			continue;
		}
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
		pst_item outline = { 0 };
		rc = pst_add_object(b, it, it->closed ? &outline : NULL, o);
		SHPDestroyObject(o);
		if (rc == POSTURE_OK && (!it->id || !it->kind || !it->name))
			rc = POSTURE_ENOMEM;
		if (rc == POSTURE_OK && it->n_parts && serial) {
			put_bytes(&value, &i, sizeof(i));
			pst_parts_put(&value, it);
			pst_parts_put(&value, &outline);
		}
		if (rc == POSTURE_OK && it->n_parts == 0)
			pst_group_drop_last(g); /* nothing of it is on the page */
		else if (rc == POSTURE_OK && it->closed)
			rc = add_outline(g, &outline);
		free(outline.xy);
		free(outline.part_end);
		if (rc != POSTURE_OK)
			rc = pst_error(b->ctx, rc, sf->path, "out of memory");
	}
	if (rc == POSTURE_OK && serial && !key.failed && !value.failed &&
	    posture_ctx_diag_count(b->ctx) == n_diags)
		pst_inputs_memo_put(b->inputs, "base-geometry", key.data, key.len, value.data,
		                    value.len);
	pst_buf_free(&key);
	pst_buf_free(&value);
	pst_inputs_release_shapefile(b->inputs, sf);
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
	for (size_t f = 0; f < b->map->n_focus; f++)
		if (it->id && !strcmp(it->id, b->map->focus[f]))
			it->style.fill = b->theme->land_focus; /* the countries the map is about */
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

/* One code of @p what ("focus", "countries") that no country of @p sf has: an error. */
static int unknown_country(builder *b, const pst_shapefile *sf, const char *what, const char *code,
                           const pst_where *at, const char *const *known, size_t n_known)
{
	const char *near = posture_nearest_word(code, known, n_known);
	/* The option --countries names itself in the diagnostic's prefix. */
	bool named = at->file && !strncmp(at->file, "--", 2) && !strcmp(at->file + 2, what);
	return pst_error_at(b->ctx, at->line ? POSTURE_EDATA : POSTURE_EUSAGE, at,
	                    "%s%sno country '%s' in %s%s%s%s", named ? "" : what, named ? "" : ": ",
	                    code, sf->path,
	                    near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
}

int pst_check_country_codes(builder *b)
{
	const posture_map *m = b->map;
	const char *const *kept = NULL;
	pst_where kept_at = { 0 };
	size_t n_kept = pst_filter_countries(m->filter, &kept, &kept_at);
	if (!m->n_focus && !n_kept)
		return POSTURE_OK;
	pst_shapefile *sf;
	int rc = pst_inputs_shapefile(&sf, b->ctx, b->inputs, m->shapes_dir, "countries", SHPT_POLYGON);
	if (rc != POSTURE_OK)
		return rc;
	const char **known = calloc((size_t)sf->n_records + 1, sizeof(*known));
	char (*codes)[4] = calloc((size_t)sf->n_records + 1, sizeof(*codes));
	size_t n = 0;
	if (!known || !codes)
		rc = pst_error(b->ctx, POSTURE_ENOMEM, sf->path, "out of memory");
	for (int i = 0; rc == POSTURE_OK && i < sf->n_records; i++) {
		snprintf(codes[n], sizeof(codes[n]), "%s", pst_shapefile_string(sf, i, "iso_a3"));
		known[n] = codes[n];
		n++;
	}
	pst_where focus_at = pst_map_where(m, "focus");
	for (size_t f = 0; rc == POSTURE_OK && f < m->n_focus + n_kept; f++) {
		const char *code = f < m->n_focus ? m->focus[f] : kept[f - m->n_focus];
		bool found = false;
		for (size_t k = 0; k < n && !found; k++)
			found = !strcmp(known[k], code);
		if (!found)
			rc = f < m->n_focus ? unknown_country(b, sf, "focus", code, &focus_at, known, n)
			                    : unknown_country(b, sf, "countries", code, &kept_at, known, n);
	}
	free(known);
	free(codes);
	pst_inputs_release_shapefile(b->inputs, sf);
	return rc;
}

int pst_add_base_geography(builder *b)
{
	int rc = add_shapes(b, "countries", SHPT_POLYGON, "countries", "Countries", style_country);
	if (rc == POSTURE_OK)
		rc = add_shapes(b, "lakes", SHPT_POLYGON, "lakes", "Lakes", style_lake);
	if (rc == POSTURE_OK)
		rc = add_shapes(b, "rivers", SHPT_ARC, "rivers", "Rivers", style_river);
	if (rc == POSTURE_OK)
		rc = add_shapes(b, "borders", SHPT_ARC, "land-borders", "Land borders", style_border);
	return rc;
}

