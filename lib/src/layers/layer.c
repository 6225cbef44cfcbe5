/*
 * layer.c — reading curated GeoJSON layers and the CSL-JSON source list.
 *
 * JSON syntax is jansson's job (it reports line and column, which go into
 * the diagnostic); this file checks the structure the renderer relies on and
 * reports each problem with the feature's number and id.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layer.h"

int pst_json_load(void **out_json, posture_ctx *ctx, const char *path)
{
	*out_json = NULL;
	char *text;
	size_t len;
	int rc = pst_read_file(&text, &len, ctx, path, PST_MAX_TEXT_FILE);
	if (rc != POSTURE_OK)
		return rc;
	json_error_t err;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	free(text);
	if (!root)
		return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, path, err.line > 0 ? err.line : 0,
		                err.column > 0 ? err.column : 0, "invalid JSON: %s", err.text);
	*out_json = root;
	return POSTURE_OK;
}

static const char *string_member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

void pst_sources_destroy(pst_sources *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_ids; i++)
		free(s->ids[i]);
	free(s->ids);
	free(s->path);
	free(s);
}

static bool has_source(const pst_sources *s, const char *id)
{
	for (size_t i = 0; i < s->n_ids; i++)
		if (strcmp(s->ids[i], id) == 0)
			return true;
	return false;
}

static int read_sources(pst_sources *s, posture_ctx *ctx, json_t *root)
{
	if (!json_is_array(root))
		return pst_error(ctx, POSTURE_EDATA, s->path,
		                 "expected a CSL-JSON array of source entries");
	size_t n = json_array_size(root);
	s->ids = calloc(n ? n : 1, sizeof(*s->ids));
	if (!s->ids)
		return pst_error(ctx, POSTURE_ENOMEM, s->path, "out of memory");
	int rc = POSTURE_OK;
	for (size_t i = 0; i < n; i++) {
		const char *id = string_member(json_array_get(root, i), "id");
		if (!id) {
			rc = pst_error(ctx, POSTURE_EDATA, s->path, "entry %zu has no string 'id'", i + 1);
			continue;
		}
		if (has_source(s, id)) {
			rc = pst_error(ctx, POSTURE_EDATA, s->path, "id '%s' is used by two entries", id);
			continue;
		}
		if (!(s->ids[s->n_ids] = pst_strdup(id)))
			return pst_error(ctx, POSTURE_ENOMEM, s->path, "out of memory");
		s->n_ids++;
	}
	return rc;
}

int pst_sources_load(pst_sources **out, posture_ctx *ctx, const char *path)
{
	*out = NULL;
	json_t *root;
	int rc = pst_json_load((void **)&root, ctx, path);
	if (rc != POSTURE_OK)
		return rc;
	pst_sources *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = pst_strdup(path))) {
		free(s);
		json_decref(root);
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	}
	rc = read_sources(s, ctx, root);
	json_decref(root);
	if (rc != POSTURE_OK) {
		pst_sources_destroy(s);
		return rc;
	}
	*out = s;
	return POSTURE_OK;
}

static int read_point(pst_feature *f, posture_ctx *ctx, const char *path, size_t k, json_t *geom)
{
	if (json_is_null(geom))
		return POSTURE_OK; /* listed, not drawn */
	const char *type = string_member(geom, "type");
	json_t *c = json_object_get(geom, "coordinates");
	if (!type || strcmp(type, "Point") != 0)
		return pst_error(ctx, POSTURE_EDATA, path, "feature %zu ('%s'): geometry must be a Point",
		                 k + 1, f->id);
	json_t *x = json_array_get(c, 0), *y = json_array_get(c, 1);
	if (!json_is_number(x) || !json_is_number(y) || json_array_size(c) > 3)
		return pst_error(ctx, POSTURE_EDATA, path,
		                 "feature %zu ('%s'): Point coordinates must be [longitude, latitude]",
		                 k + 1, f->id);
	f->lon = json_number_value(x);
	f->lat = json_number_value(y);
	if (!isfinite(f->lon) || !isfinite(f->lat) || fabs(f->lon) > 180 || fabs(f->lat) > 90)
		return pst_error(ctx, POSTURE_EDATA, path,
		                 "feature %zu ('%s'): position %g, %g is not a longitude/latitude",
		                 k + 1, f->id, f->lon, f->lat);
	f->has_point = true;
	return POSTURE_OK;
}

static int read_citations(pst_feature *f, posture_ctx *ctx, const char *path, size_t k,
                          json_t *props, const pst_sources *sources)
{
	json_t *list = json_object_get(props, "sources");
	if (!json_is_array(list) || json_array_size(list) == 0)
		return pst_error(ctx, POSTURE_EDATA, path,
		                 "feature %zu ('%s') has no 'sources': every item must cite a source",
		                 k + 1, f->id);
	int rc = POSTURE_OK;
	size_t i;
	json_t *cite;
	json_array_foreach(list, i, cite) {
		const char *id = string_member(cite, "id");
		const char *quote = string_member(cite, "quote");
		if (!id || !quote)
			rc = pst_error(ctx, POSTURE_EDATA, path,
			               "feature %zu ('%s'): source %zu needs an 'id' and a 'quote'", k + 1,
			               f->id, i + 1);
		else if (!has_source(sources, id))
			rc = pst_error(ctx, POSTURE_EDATA, path,
			               "feature %zu ('%s'): source '%s' is not in %s", k + 1, f->id, id,
			               sources->path);
	}
	f->n_sources = json_array_size(list);
	return rc;
}

static int read_feature(pst_feature *f, posture_ctx *ctx, const char *path, size_t k,
                        json_t *feat, const pst_sources *sources)
{
	json_t *props = json_object_get(feat, "properties");
	const char *id = string_member(props, "id"), *name = string_member(props, "name");
	const char *kind = string_member(props, "kind");
	if (!json_is_object(feat) || !json_is_object(props) || !id || !name || !kind)
		return pst_error(ctx, POSTURE_EDATA, path,
		                 "feature %zu needs properties 'id', 'name' and 'kind' (non-empty strings)",
		                 k + 1);
	f->id = pst_strdup(id);
	f->name = pst_strdup(name);
	f->kind = pst_strdup(kind);
	if (!f->id || !f->name || !f->kind)
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	int rc = read_point(f, ctx, path, k, json_object_get(feat, "geometry"));
	if (sources) {
		int r = read_citations(f, ctx, path, k, props, sources);
		rc = rc != POSTURE_OK ? rc : r;
	}
	return rc;
}

static int read_layer(pst_layer *l, posture_ctx *ctx, json_t *root, const pst_sources *sources)
{
	json_t *feats = json_object_get(root, "features");
	const char *type = string_member(root, "type");
	if (!type || strcmp(type, "FeatureCollection") != 0 || !json_is_array(feats))
		return pst_error(ctx, POSTURE_EDATA, l->path,
		                 "expected a GeoJSON FeatureCollection with a 'features' array");
	size_t n = json_array_size(feats);
	l->features = calloc(n ? n : 1, sizeof(*l->features));
	if (!l->features)
		return pst_error(ctx, POSTURE_ENOMEM, l->path, "out of memory");
	int rc = POSTURE_OK;
	for (size_t k = 0; k < n; k++) {
		int r = read_feature(&l->features[k], ctx, l->path, k, json_array_get(feats, k), sources);
		l->n_features++;
		for (size_t j = 0; r == POSTURE_OK && j < k; j++)
			if (!strcmp(l->features[j].id, l->features[k].id))
				r = pst_error(ctx, POSTURE_EDATA, l->path, "features %zu and %zu share the id '%s'",
				              j + 1, k + 1, l->features[k].id);
		rc = rc != POSTURE_OK ? rc : r;
	}
	return rc;
}

static char *layer_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strchr(base, '.');
	return pst_strndup(base, dot ? (size_t)(dot - base) : strlen(base));
}

int pst_layer_load(pst_layer **out, posture_ctx *ctx, const char *path,
                   const pst_sources *sources)
{
	*out = NULL;
	json_t *root;
	int rc = pst_json_load((void **)&root, ctx, path);
	if (rc != POSTURE_OK)
		return rc;
	pst_layer *l = calloc(1, sizeof(*l));
	if (!l || !(l->path = pst_strdup(path)) || !(l->name = layer_name(path))) {
		pst_layer_destroy(l);
		json_decref(root);
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	}
	rc = read_layer(l, ctx, root, sources);
	json_decref(root);
	if (rc != POSTURE_OK) {
		pst_layer_destroy(l);
		return rc;
	}
	*out = l;
	return POSTURE_OK;
}

void pst_layer_destroy(pst_layer *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n_features; i++) {
		free(l->features[i].id);
		free(l->features[i].name);
		free(l->features[i].kind);
	}
	free(l->features);
	free(l->name);
	free(l->path);
	free(l);
}
