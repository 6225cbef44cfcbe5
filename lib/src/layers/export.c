/*
 * export.c — the validated layers as GeoJSON and CSV, citations resolved to
 * text (`posture export`; the shapefile writer is export_shp.c).
 *
 * GeoJSON (RFC 7946): one FeatureCollection of every item, WGS84 lon/lat, the
 * properties as in the layer files, each citation with its source resolved
 * beside id, locator and quote (title, author, date, container, url, doi; see
 * resolved.c).  When the export holds more than one layer each feature's
 * properties also name its `layer`; an export of one layer is a valid layer
 * file itself (`check` accepts and verifies the resolved members).  Items
 * without their own geometry (unplaced, or border segments drawn from
 * shapes/) have a null geometry.
 *
 * CSV (RFC 4180, UTF-8, CRLF): one row per item — id, layer, name, kind,
 * date, precision, country (a border: both codes, "AFG-TJK"), lon, lat, note,
 * citations (short citations with locators, "; " between them) and
 * source_ids.
 *
 * Both are written atomically (pst_atomic): a failed export leaves an earlier
 * file untouched.  Missing folders in an output path are created, as for
 * render.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "export.h"
#include "resolved.h"

int pst_export_dir(posture_ctx *ctx, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return POSTURE_OK;
	char *dir = pst_strndup(path, (size_t)(slash - path));
	int rc = dir ? pst_mkdirs(ctx, dir) : pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	free(dir);
	return rc;
}

size_t pst_export_layer_count(const posture_data *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n_layers; i++)
		n += d->layers[i].n_features > 0;
	return n;
}

/* --- GeoJSON ------------------------------------------------------------------- */

static json_t *citation_json(const posture_data *d, const pst_citation *c)
{
	json_t *o = json_pack("{s:s, s:s?, s:s}", "id", c->source_id, "locator", c->locator,
	                      "quote", c->quote);
	const pst_source *src = pst_data_source(d, c->source_id);
	for (size_t i = 0; o && pst_resolved_members[i]; i++) {
		char *v = pst_resolve(src, pst_resolved_members[i]);
		if (v)
			json_object_set_new(o, pst_resolved_members[i], json_string(v));
		free(v);
	}
	return o;
}

static json_t *geometry_json(const pst_feature *f)
{
	if (f->has_point)
		return json_pack("{s:s, s:[f, f]}", "type", "Point", "coordinates", f->lon, f->lat);
	if (!f->n_lines)
		return json_null();
	json_t *lines = json_array();
	size_t start = 0;
	for (size_t l = 0; l < f->n_lines; l++) {
		json_t *line = json_array();
		for (size_t p = start; p < f->line_end[l]; p++)
			json_array_append_new(line, json_pack("[f, f]", f->line_xy[2 * p],
			                                      f->line_xy[2 * p + 1]));
		json_array_append_new(lines, line);
		start = f->line_end[l];
	}
	if (f->n_lines == 1) {
		json_t *one = json_incref(json_array_get(lines, 0));
		json_decref(lines);
		return json_pack("{s:s, s:o}", "type", "LineString", "coordinates", one);
	}
	return json_pack("{s:s, s:o}", "type", "MultiLineString", "coordinates", lines);
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

static json_t *feature_json(const posture_data *d, const pst_layer *l, const pst_feature *f,
                            bool with_layer)
{
	json_t *p = json_object();
	set_str(p, "id", f->id);
	if (with_layer)
		set_str(p, "layer", l->name);
	set_str(p, "name", f->name);
	set_str(p, "kind", f->kind);
	set_str(p, "precision", f->precision);
	set_str(p, "country", f->country);
	if (f->has_countries)
		json_object_set_new(p, "countries", json_pack("[s, s]", f->countries[0], f->countries[1]));
	if (f->length_km_reported > 0)
		json_object_set_new(p, "length_km_reported", json_real(f->length_km_reported));
	set_str(p, "operator", f->operator_);
	set_str(p, "status", f->status);
	set_str(p, "date", f->date);
	set_str(p, "date_basis", f->date_basis);
	set_str(p, "note", f->note);
	if (f->n_cites) {
		json_t *cites = json_array();
		for (size_t i = 0; i < f->n_cites; i++)
			json_array_append_new(cites, citation_json(d, &f->cites[i]));
		json_object_set_new(p, "sources", cites);
	}
	return json_pack("{s:s, s:o, s:o}", "type", "Feature", "properties", p, "geometry",
	                 geometry_json(f));
}

int posture_data_export_geojson(posture_ctx *ctx, const posture_data *d, const char *path)
{
	bool with_layer = pst_export_layer_count(d) > 1;
	json_t *features = json_array();
	for (size_t l = 0; features && l < d->n_layers; l++)
		for (size_t i = 0; i < d->layers[l].n_features; i++)
			json_array_append_new(features, feature_json(d, &d->layers[l],
			                                             &d->layers[l].features[i], with_layer));
	json_t *root = features ? json_pack("{s:s, s:o}", "type", "FeatureCollection", "features",
	                                    features) : NULL;
	if (!root)
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	pst_atomic out;
	int rc = pst_export_dir(ctx, path);
	if (rc == POSTURE_OK)
		rc = pst_atomic_open(&out, ctx, path);
	if (rc == POSTURE_OK) {
		if (json_dumpf(root, out.fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		                             JSON_REAL_PRECISION(15)) != 0 || fputc('\n', out.fp) == EOF) {
			pst_atomic_abort(&out);
			rc = pst_error(ctx, POSTURE_EIO, path, "cannot write file");
		} else {
			rc = pst_atomic_commit(&out, ctx);
		}
	}
	json_decref(root);
	return rc;
}

/* --- CSV ------------------------------------------------------------------------ */

static void csv_field(pst_buf *b, const char *s, bool last)
{
	s = s ? s : "";
	if (strpbrk(s, ",\"\r\n")) {
		pst_buf_puts(b, "\"");
		for (; *s; s++)
			pst_buf_add(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
		pst_buf_puts(b, "\"");
	} else {
		pst_buf_puts(b, s);
	}
	pst_buf_puts(b, last ? "\r\n" : ",");
}

char *pst_export_source_ids(const pst_feature *f)
{
	pst_buf b;
	pst_buf_init(&b);
	for (size_t i = 0; i < f->n_cites; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(f->cites[j].source_id, f->cites[i].source_id);
		if (!seen)
			pst_buf_printf(&b, "%s%s", b.len ? "; " : "", f->cites[i].source_id);
	}
	pst_buf_puts(&b, "");
	if (b.failed) {
		pst_buf_free(&b);
		return NULL;
	}
	return b.data;
}

char *pst_export_country(const pst_feature *f)
{
	if (f->has_countries)
		return pst_asprintf("%s-%s", f->countries[0], f->countries[1]);
	return pst_strdup(f->country ? f->country : "");
}

int posture_data_export_csv(posture_ctx *ctx, const posture_data *d, const char *path)
{
	static const char *const header[] = { "id", "layer", "name", "kind", "date", "precision",
		                              "country", "lon", "lat", "note", "citations",
		                              "source_ids" };
	pst_buf b;
	pst_buf_init(&b);
	for (size_t c = 0; c < PST_ARRAY_LEN(header); c++)
		csv_field(&b, header[c], c + 1 == PST_ARRAY_LEN(header));
	for (size_t l = 0; l < d->n_layers; l++) {
		const pst_layer *ly = &d->layers[l];
		for (size_t i = 0; i < ly->n_features; i++) {
			const pst_feature *f = &ly->features[i];
			char lon[32] = "", lat[32] = "";
			if (f->has_point) {
				snprintf(lon, sizeof(lon), "%.6f", f->lon);
				snprintf(lat, sizeof(lat), "%.6f", f->lat);
			}
			char *cites = pst_citations_text(d, f), *ids = pst_export_source_ids(f);
			char *country = pst_export_country(f);
			const char *row[] = { f->id,     ly->name, f->name, f->kind, f->date, f->precision,
				              country,   lon,      lat,     f->note, cites,   ids };
			for (size_t c = 0; c < PST_ARRAY_LEN(row); c++)
				csv_field(&b, row[c], c + 1 == PST_ARRAY_LEN(row));
			if (!cites || !ids || !country)
				b.failed = true;
			free(cites);
			free(ids);
			free(country);
		}
	}
	if (b.failed) {
		pst_buf_free(&b);
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	}
	pst_atomic out;
	int rc = pst_export_dir(ctx, path);
	if (rc == POSTURE_OK)
		rc = pst_atomic_open(&out, ctx, path);
	if (rc == POSTURE_OK && fwrite(b.data, 1, b.len, out.fp) != b.len) {
		pst_atomic_abort(&out);
		rc = pst_error(ctx, POSTURE_EIO, path, "cannot write file");
	} else if (rc == POSTURE_OK) {
		rc = pst_atomic_commit(&out, ctx);
	}
	pst_buf_free(&b);
	return rc;
}

const char *pst_export_cell(const pst_feature *f, const char *col, char *buf, size_t n)
{
	if (!strcmp(col, "length_km_reported")) {
		snprintf(buf, n, "%.17g", f->length_km_reported);
		return f->length_km_reported > 0 ? buf : NULL;
	}
	if (!strcmp(col, "countries")) {
		snprintf(buf, n, "[\"%s\", \"%s\"]", f->countries[0], f->countries[1]);
		return f->has_countries ? buf : NULL;
	}
	return !strcmp(col, "id")           ? f->id
	       : !strcmp(col, "name")       ? f->name
	       : !strcmp(col, "kind")       ? f->kind
	       : !strcmp(col, "precision")  ? f->precision
	       : !strcmp(col, "country")    ? f->country
	       : !strcmp(col, "operator")   ? f->operator_
	       : !strcmp(col, "status")     ? f->status
	       : !strcmp(col, "date")       ? f->date
	       : !strcmp(col, "date_basis") ? f->date_basis
	                                    : f->note;
}
