/*
 * basemap.c — base geography: countries, lakes, rivers and land borders read
 * from shapes/, clipped and projected onto the page, styled by the theme.
 * Only records whose bounding box (from the record's header) meets the map's
 * lon/lat box are read; the others are only checked, from their bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "inputs.h"
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
	for (int i = 0; rc == POSTURE_OK && i < sf->n_records; i++) {
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
		if (rc == POSTURE_OK && it->n_parts == 0)
			pst_group_drop_last(g); /* nothing of it is on the page */
		else if (rc == POSTURE_OK && it->closed)
			rc = add_outline(g, &outline);
		free(outline.xy);
		free(outline.part_end);
		if (rc != POSTURE_OK)
			rc = pst_error(b->ctx, rc, sf->path, "out of memory");
	}
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

