/*
 * diff.c — what changed between two versions of the layers (posture_diff).
 *
 * Items are matched by id (ids are unique across layers).  An item only in
 * the new version is added, only in the old one removed; one in both has
 * moved when its point changed (by the geodesic distance on WGS84, through
 * PROJ's geodesic routines) and has changed when any property, its line
 * geometry or any citation differs.  Citations are matched by source id and
 * locator: one that is new, gone, or whose quote differs is named.
 *
 * A change borrows the features it compares from the two posture_data, which
 * must outlive it.  Changes come in the order of the new version's layers
 * and features, removed items after them in the old version's order, so two
 * runs over the same data print the same lines.
 */
#include <geodesic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

static const char *const kind_words[] = { "added", "removed", "moved", "changed" };

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static double distance_km(const pst_feature *a, const pst_feature *b)
{
	struct geod_geodesic g;
	geod_init(&g, 6378137.0, 1 / 298.257223563);
	double metres = 0;
	geod_inverse(&g, a->lat, a->lon, b->lat, b->lon, &metres, NULL, NULL);
	return metres / 1000;
}

static bool same_lines(const pst_feature *a, const pst_feature *b)
{
	if (a->n_lines != b->n_lines)
		return false;
	size_t n = a->n_lines ? a->line_end[a->n_lines - 1] : 0;
	for (size_t i = 0; i < a->n_lines; i++)
		if (a->line_end[i] != b->line_end[i])
			return false;
	return !n || !memcmp(a->line_xy, b->line_xy, 2 * n * sizeof(double));
}

static int add_prop(pst_change *c, const char *name)
{
	if (c->n_props == PST_DIFF_MAX_PROPS)
		return POSTURE_OK;
	c->props[c->n_props++] = name;
	return POSTURE_OK;
}

/* The property names that differ, in the layer format's order. */
static void compare_props(pst_change *c, const pst_feature *a, const pst_feature *b)
{
	static const struct {
		const char *name;
		size_t offset;
	} strs[] = { { "name", offsetof(pst_feature, name) },
		     { "kind", offsetof(pst_feature, kind) },
		     { "precision", offsetof(pst_feature, precision) },
		     { "country", offsetof(pst_feature, country) },
		     { "operator", offsetof(pst_feature, operator_) },
		     { "status", offsetof(pst_feature, status) },
		     { "date", offsetof(pst_feature, date) },
		     { "date_basis", offsetof(pst_feature, date_basis) },
		     { "note", offsetof(pst_feature, note) } };
	for (size_t i = 0; i < PST_ARRAY_LEN(strs); i++) {
		const char *va = *(char *const *)((const char *)a + strs[i].offset);
		const char *vb = *(char *const *)((const char *)b + strs[i].offset);
		if (!same_str(va, vb))
			add_prop(c, strs[i].name);
	}
	if (a->has_countries != b->has_countries ||
	    (a->has_countries && memcmp(a->countries, b->countries, sizeof(a->countries))))
		add_prop(c, "countries");
	if (a->length_km_reported != b->length_km_reported)
		add_prop(c, "length_km_reported");
	if (a->has_point != b->has_point || !same_lines(a, b))
		add_prop(c, "geometry");
}

static int push_cite(pst_change *c, pst_cite_change_kind kind, const pst_citation *old,
                     const pst_citation *new_)
{
	if (pst_grow((void **)&c->cites, &c->cap_cites, c->n_cites + 1, sizeof(*c->cites)))
		return POSTURE_ENOMEM;
	c->cites[c->n_cites++] = (pst_cite_change){ kind, old, new_ };
	return POSTURE_OK;
}

/*
 * Citations equal in source, locator and quote match first; what is left is
 * paired by source and locator, in file order ("quote changed"), and the rest
 * is added or removed.  An item citing one page four times keeps its pairs.
 */
static int compare_cites(pst_change *c, const pst_feature *a, const pst_feature *b)
{
	bool *used_a = calloc(a->n_cites + 1, 1), *done_b = calloc(b->n_cites + 1, 1);
	int rc = used_a && done_b ? POSTURE_OK : POSTURE_ENOMEM;
	for (size_t i = 0; rc == POSTURE_OK && i < b->n_cites; i++)
		for (size_t j = 0; !done_b[i] && j < a->n_cites; j++)
			if (!used_a[j] && !strcmp(a->cites[j].source_id, b->cites[i].source_id) &&
			    same_str(a->cites[j].locator, b->cites[i].locator) &&
			    !strcmp(a->cites[j].quote, b->cites[i].quote))
				used_a[j] = done_b[i] = true;
	for (size_t i = 0; rc == POSTURE_OK && i < b->n_cites; i++) {
		if (done_b[i])
			continue;
		size_t j = 0;
		while (j < a->n_cites && (used_a[j] || strcmp(a->cites[j].source_id, b->cites[i].source_id) ||
		                          !same_str(a->cites[j].locator, b->cites[i].locator)))
			j++;
		if (j < a->n_cites) {
			used_a[j] = true;
			rc = push_cite(c, PST_CITE_CHANGED, &a->cites[j], &b->cites[i]);
		} else {
			rc = push_cite(c, PST_CITE_ADDED, NULL, &b->cites[i]);
		}
	}
	for (size_t j = 0; rc == POSTURE_OK && j < a->n_cites; j++)
		if (!used_a[j])
			rc = push_cite(c, PST_CITE_REMOVED, &a->cites[j], NULL);
	free(used_a);
	free(done_b);
	return rc;
}

typedef struct {
	const pst_layer *layer;
	const pst_feature *feature;
} located;

static bool find_item(located *out, const posture_data *d, const char *id)
{
	for (size_t l = 0; l < d->n_layers; l++)
		for (size_t i = 0; i < d->layers[l].n_features; i++)
			if (!strcmp(d->layers[l].features[i].id, id)) {
				*out = (located){ &d->layers[l], &d->layers[l].features[i] };
				return true;
			}
	return false;
}

static pst_change *new_change(posture_diff *d)
{
	if (pst_grow((void **)&d->changes, &d->cap, d->n + 1, sizeof(*d->changes)))
		return NULL;
	pst_change *c = &d->changes[d->n++];
	memset(c, 0, sizeof(*c));
	return c;
}

/* Compare one item present in both versions; adds a change only when something differs. */
static int compare_item(posture_diff *d, const located *old, const located *cur)
{
	pst_change probe = { .kind = PST_CHANGE_CHANGED, .layer = cur->layer->name,
		             .old = old->feature, .new_ = cur->feature };
	const pst_feature *a = old->feature, *b = cur->feature;
	if (a->has_point && b->has_point && (a->lon != b->lon || a->lat != b->lat)) {
		probe.kind = PST_CHANGE_MOVED;
		probe.distance_km = distance_km(a, b);
	}
	compare_props(&probe, a, b);
	if (compare_cites(&probe, a, b) != POSTURE_OK) {
		free(probe.cites);
		return POSTURE_ENOMEM;
	}
	if (strcmp(old->layer->name, cur->layer->name))
		add_prop(&probe, "layer");
	if (probe.kind != PST_CHANGE_MOVED && !probe.n_props && !probe.n_cites)
		return POSTURE_OK;
	pst_change *c = new_change(d);
	if (!c) {
		free(probe.cites);
		return POSTURE_ENOMEM;
	}
	*c = probe;
	return POSTURE_OK;
}

int posture_diff_compute(posture_diff **out, posture_ctx *ctx, const posture_data *old,
                         const posture_data *cur)
{
	*out = NULL;
	posture_diff *d = calloc(1, sizeof(*d));
	if (!d)
		return pst_error(ctx, POSTURE_ENOMEM, "diff", "out of memory");
	d->old = old;
	d->cur = cur;
	int rc = POSTURE_OK;
	for (size_t l = 0; rc == POSTURE_OK && l < cur->n_layers; l++) {
		const pst_layer *layer = &cur->layers[l];
		for (size_t i = 0; rc == POSTURE_OK && i < layer->n_features; i++) {
			located now = { layer, &layer->features[i] }, was;
			if (find_item(&was, old, now.feature->id)) {
				rc = compare_item(d, &was, &now);
				continue;
			}
			pst_change *c = new_change(d);
			if (!c)
				rc = POSTURE_ENOMEM;
			else
				*c = (pst_change){ .kind = PST_CHANGE_ADDED, .layer = layer->name,
					           .new_ = now.feature };
		}
	}
	for (size_t l = 0; rc == POSTURE_OK && l < old->n_layers; l++) {
		const pst_layer *layer = &old->layers[l];
		for (size_t i = 0; rc == POSTURE_OK && i < layer->n_features; i++) {
			located now;
			if (find_item(&now, cur, layer->features[i].id))
				continue;
			pst_change *c = new_change(d);
			if (!c)
				rc = POSTURE_ENOMEM;
			else
				*c = (pst_change){ .kind = PST_CHANGE_REMOVED, .layer = layer->name,
					           .old = &layer->features[i] };
		}
	}
	if (rc != POSTURE_OK) {
		posture_diff_destroy(d);
		return pst_error(ctx, rc, "diff", "out of memory");
	}
	*out = d;
	return POSTURE_OK;
}

void posture_diff_destroy(posture_diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->changes[i].cites);
	free(d->changes);
	free(d);
}

size_t posture_diff_count(const posture_diff *d)
{
	return d->n;
}

const char *pst_change_word(pst_change_kind k)
{
	return kind_words[k];
}

/* --- printing ------------------------------------------------------------------- */

static const pst_feature *shown(const pst_change *c)
{
	return c->new_ ? c->new_ : c->old;
}

static void text_cites(pst_buf *b, const pst_change *c)
{
	static const char *const words[] = { "citation added", "citation removed", "quote changed" };
	for (size_t i = 0; i < c->n_cites; i++) {
		const pst_cite_change *cc = &c->cites[i];
		const pst_citation *ci = cc->new_ ? cc->new_ : cc->old;
		pst_buf_printf(b, "%s%s %s", i || c->n_props ? "; " : "", words[cc->kind], ci->source_id);
		if (ci->locator)
			pst_buf_printf(b, " %s", ci->locator);
		if (cc->kind == PST_CITE_CHANGED)
			pst_buf_printf(b, " (\"%s\" -> \"%s\")", cc->old->quote, cc->new_->quote);
	}
}

static void text_line(pst_buf *b, const pst_change *c)
{
	const pst_feature *f = shown(c);
	pst_buf_printf(b, "%-8s %s/%s \"%s\"", kind_words[c->kind], c->layer, f->id, f->name);
	if (c->kind == PST_CHANGE_MOVED)
		pst_buf_printf(b, " %.1f km from %.4f, %.4f to %.4f, %.4f", c->distance_km, c->old->lon,
		               c->old->lat, c->new_->lon, c->new_->lat);
	else if ((c->kind == PST_CHANGE_ADDED || c->kind == PST_CHANGE_REMOVED) && f->has_point)
		pst_buf_printf(b, " at %.4f, %.4f", f->lon, f->lat);
	if (c->n_props || c->n_cites)
		pst_buf_puts(b, c->kind == PST_CHANGE_MOVED ? "; changed: " : ": ");
	for (size_t i = 0; i < c->n_props; i++)
		pst_buf_printf(b, "%s%s", i ? ", " : "", c->props[i]);
	text_cites(b, c);
	pst_buf_puts(b, "\n");
}

static json_t *point_json(const pst_feature *f)
{
	if (!f->has_point)
		return json_null();
	return json_pack("[f, f]", f->lon, f->lat);
}

static json_t *cite_json(const pst_citation *c)
{
	if (!c)
		return json_null();
	return json_pack("{s:s, s:s?, s:s}", "source", c->source_id, "locator", c->locator, "quote",
	                 c->quote);
}

/* A property's value in one version, as JSON. */
static json_t *prop_value(const pst_feature *f, const char *name)
{
	if (!strcmp(name, "geometry"))
		return f->has_point ? point_json(f) : json_string(f->n_lines ? "line" : "none");
	if (!strcmp(name, "countries"))
		return f->has_countries ? json_pack("[s, s]", f->countries[0], f->countries[1])
		                        : json_null();
	if (!strcmp(name, "length_km_reported"))
		return json_real(f->length_km_reported);
	if (!strcmp(name, "layer"))
		return json_null();
	const char *v = !strcmp(name, "name") ? f->name : !strcmp(name, "kind") ? f->kind
	              : !strcmp(name, "precision") ? f->precision : !strcmp(name, "country") ? f->country
	              : !strcmp(name, "operator") ? f->operator_ : !strcmp(name, "status") ? f->status
	              : !strcmp(name, "date") ? f->date : !strcmp(name, "date_basis") ? f->date_basis
	              : f->note;
	return v ? json_string(v) : json_null();
}

static json_t *change_json(const pst_change *c)
{
	static const char *const cite_words[] = { "added", "removed", "changed" };
	const pst_feature *f = shown(c);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "change", kind_words[c->kind], "layer",
	                      c->layer, "id", f->id, "name", f->name);
	json_object_set_new(o, "old", c->old ? point_json(c->old) : json_null());
	json_object_set_new(o, "new", c->new_ ? point_json(c->new_) : json_null());
	if (c->kind == PST_CHANGE_MOVED)
		json_object_set_new(o, "distance_km", json_real(round(c->distance_km * 1000) / 1000));
	json_t *props = json_array();
	for (size_t i = 0; i < c->n_props; i++)
		json_array_append_new(props, json_pack("{s:s, s:o, s:o}", "name", c->props[i], "old",
		                                       prop_value(c->old, c->props[i]), "new",
		                                       prop_value(c->new_, c->props[i])));
	json_object_set_new(o, "properties", props);
	json_t *cites = json_array();
	for (size_t i = 0; i < c->n_cites; i++)
		json_array_append_new(cites, json_pack("{s:s, s:o, s:o}", "change",
		                                       cite_words[c->cites[i].kind], "old",
		                                       cite_json(c->cites[i].old), "new",
		                                       cite_json(c->cites[i].new_)));
	json_object_set_new(o, "citations", cites);
	return o;
}

int posture_diff_print(posture_ctx *ctx, const posture_diff *d, FILE *out,
                       posture_diff_format format)
{
	int rc = POSTURE_OK;
	if (format == POSTURE_DIFF_JSON) {
		json_t *list = json_array();
		for (size_t i = 0; i < d->n; i++)
			json_array_append_new(list, change_json(&d->changes[i]));
		json_t *root = json_pack("{s:b, s:o}", "equal", d->n == 0, "changes", list);
		if (!root || json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12)) != 0)
			rc = POSTURE_EIO;
		fputc('\n', out);
		json_decref(root);
	} else {
		pst_buf b;
		pst_buf_init(&b);
		for (size_t i = 0; i < d->n; i++)
			text_line(&b, &d->changes[i]);
		if (b.failed)
			rc = POSTURE_ENOMEM;
		else if (b.len && fwrite(b.data, 1, b.len, out) != b.len)
			rc = POSTURE_EIO;
		pst_buf_free(&b);
	}
	if (fflush(out) != 0 || ferror(out))
		rc = POSTURE_EIO;
	return rc == POSTURE_OK ? rc : pst_error(ctx, rc, "diff", "cannot write the differences");
}
