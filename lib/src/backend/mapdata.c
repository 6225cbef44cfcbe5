/*
 * mapdata.c — the map data: the scene as JSON.
 *
 * What tests check geometry against and what designers build on: the page,
 * the CRS, the frame, and for every drawn item its id, layer, kind and name,
 * with its page-unit anchor, symbol box and label box (boxes are
 * [x0, y0, x1, y1] in points from the top-left corner; label boxes include
 * the halo).  Area and line items carry their bounding box, not their
 * vertices.  Numbers are rounded to 0.01 pt; key order is fixed, so the file
 * is byte-identical for identical input.
 */
#include <math.h>

#include <jansson.h>

#include "backend.h"

static json_t *num(double v)
{
	return json_real(round(v * 100.0) / 100.0);
}

static json_t *box_json(const pst_box *b)
{
	return json_pack("[oooo]", num(b->x0), num(b->y0), num(b->x1), num(b->y1));
}

static pst_box item_bbox(const pst_item *it)
{
	pst_box b = { INFINITY, INFINITY, -INFINITY, -INFINITY };
	double disc[2 * PST_DISC_CORNERS];
	const double *xy = pst_item_points(it, disc);
	for (size_t i = 0; i < it->n_pts; i++) {
		b.x0 = fmin(b.x0, xy[2 * i]);
		b.y0 = fmin(b.y0, xy[2 * i + 1]);
		b.x1 = fmax(b.x1, xy[2 * i]);
		b.y1 = fmax(b.y1, xy[2 * i + 1]);
	}
	return b;
}

static json_t *item_json(const pst_item *it, const char *layer)
{
	json_t *o = json_pack("{ssssssss}", "id", it->id, "layer", layer, "kind", it->kind, "name",
	                      it->name);
	if (!o)
		return NULL;
	if (it->n_parts) {
		pst_box b = item_bbox(it);
		json_object_set_new(o, "bbox", box_json(&b));
	}
	if (it->style.n_dash && it->style.stroke_width > 0) /* on, off lengths in pt */
		json_object_set_new(o, "dash", json_pack("[oo]", num(it->style.dash[0]),
		                                         num(it->style.dash[1])));
	if (it->has_anchor) {
		json_object_set_new(o, "anchor", json_pack("[oo]", num(it->ax), num(it->ay)));
		if (it->symbol != PST_SYMBOL_NONE)
			json_object_set_new(o, "symbol_box", box_json(&it->symbol_box));
		if (it->fanned) /* drawn beside its position: the position itself */
			json_object_set_new(o, "spot", json_pack("[oo]", num(it->spot_x),
			                                         num(it->spot_y)));
	}
	if (it->label) {
		const pst_label *l = it->label;
		json_object_set_new(o, "label", json_string(l->text));
		json_object_set_new(o, "label_box", box_json(&l->box));
		if (l->has_leader)
			json_object_set_new(o, "leader", json_pack("[oooo]", num(l->leader[0]),
			                                           num(l->leader[1]), num(l->leader[2]),
			                                           num(l->leader[3])));
	}
	if (it->key) {
		json_object_set_new(o, "key", json_integer(it->key));
		json_object_set_new(o, "key_text", json_string(it->key_text ? it->key_text : ""));
	}
	if (it->label_dropped)
		json_object_set_new(o, "unlabelled", json_true());
	if (it->named_by)
		json_object_set_new(o, "named_by", json_string(it->named_by));
	if (it->date)
		json_object_set_new(o, "date", json_string(it->date));
	if (it->precision)
		json_object_set_new(o, "precision", json_string(it->precision));
	if (it->country)
		json_object_set_new(o, "country", json_string(it->country));
	if (it->n_cites) {
		json_t *cites = json_array();
		for (size_t i = 0; i < it->n_cites; i++)
			json_array_append_new(cites, json_pack("{s:s, s:i, s:s, s:s}", "source", it->cite_source[i],
			                                       "number", it->cite_number[i], "locator",
			                                       it->cite_locator[i], "quote",
			                                       it->cite_quote[i]));
		json_object_set_new(o, "citations", cites);
	}
	return o;
}

static json_t *group_json(const pst_group *grp)
{
	json_t *items = json_array();
	for (size_t i = 0; items && i < grp->n_items; i++)
		json_array_append_new(items, item_json(&grp->items[i], grp->name));
	json_t *g = json_pack("{ssss}", "name", grp->name, "title", grp->title);
	if (grp->furniture)
		json_object_set_new(g, "box", box_json(&grp->box));
	json_object_set_new(g, "items", items);
	return g;
}

static json_t *scene_json(const posture_scene *s)
{
	json_t *layers = json_array(), *furniture = json_array();
	for (size_t g = 0; layers && furniture && g < s->n_groups; g++)
		json_array_append_new(s->groups[g].furniture ? furniture : layers,
		                      group_json(&s->groups[g]));
	const pst_label_stats *st = &s->label_stats;
	json_t *labels = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "labels",
	                           (json_int_t)st->n_labels, "placed", (json_int_t)st->n_placed,
	                           "keyed", (json_int_t)st->n_keyed, "unlabelled",
	                           (json_int_t)st->n_unlabelled, "with_leader",
	                           (json_int_t)st->n_leader, "dropped", (json_int_t)st->n_dropped,
	                           "overlaps", (json_int_t)st->n_overlaps, "mean_displacement",
	                           num(st->mean_displacement));
	json_t *sources = json_array();
	for (size_t i = 0; sources && i < s->n_sources; i++) {
		const pst_scene_source *src = &s->sources[i];
		json_t *o = json_pack("{s:i, s:s, s:s, s:s}", "number", src->number, "id", src->id,
		                      "citation", src->text, "locators", src->locators);
		if (o && src->url)
			json_object_set_new(o, "url", json_string(src->url));
		json_array_append_new(sources, o);
	}
	return json_pack("{s:s, s:s?, s:s?, s:{s:o, s:o, s:s}, s:o, s:s, s:[oooo], s:[oooo], s:o, s:o, s:o, s:o}",
	                 "generator", "posture", "description", s->description, "date", s->date,
	                 "page", "width", num(s->width), "height", num(s->height), "units", "pt",
	                 "map_box", box_json(&s->map_box),
	                 "crs", s->crs,
	                 "frame", json_real(s->frame[0]), json_real(s->frame[1]),
	                 json_real(s->frame[2]), json_real(s->frame[3]),
	                 "extent", json_real(s->extent[0]), json_real(s->extent[1]),
	                 json_real(s->extent[2]), json_real(s->extent[3]),
	                 "layers", layers, "furniture", furniture, "sources", sources,
	                 "label_placement", labels);
}

int pst_write_mapdata(posture_ctx *ctx, const posture_scene *s, FILE *fp, const char *path)
{
	json_t *root = scene_json(s);
	if (!root)
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory writing map data");
	int rc = json_dumpf(root, fp, JSON_INDENT(1) | JSON_REAL_PRECISION(12));
	json_decref(root);
	if (rc != 0 || fputc('\n', fp) == EOF)
		return pst_error(ctx, POSTURE_EIO, path, "cannot write map data");
	return POSTURE_OK;
}
