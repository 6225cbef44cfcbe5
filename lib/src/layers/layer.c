/*
 * layer.c — reading and validating curated GeoJSON layers.
 *
 * Each file is read once, parsed by jansson (syntax errors carry jansson's
 * line:column), indexed by jsonpos, and then every feature is checked
 * against the rules of its layer (layers/README.md).  All problems in all
 * files are reported in one run; a layer is handed on only when it has none.
 * Checks that need the base geography (a point inside its country, a border
 * pair that exists) go through pst_georef.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <time.h>

#include "check.h"
#include "pg.h"
#include "resolved.h"

/* --- vocabularies (layers/README.md) -------------------------------------- */

static const char *const layer_names[] = { "bases", "borders", "incidents", "places", NULL };
static const char *const base_kinds[] = { "military-base", "air-base", "border-post", NULL };
static const char *const border_kinds[] = { "international", NULL };
static const char *const incident_kinds[] = { "attack",    "clash",     "drill",
	                                      "deployment", "sighting",  "symbolic",
	                                      "agreement",  "statement", "meeting", NULL };
static const char *const place_kinds[] = { "capital", "city",  "town",    "province",
	                                   "region",  "river", "country", NULL };
static const char *const precisions[] = { "exact",  "site",           "city", "district",
	                                  "border-segment", "region", "unplaced", NULL };
static const char *const statuses[] = { "active", "former", "planned", "reported", NULL };
static const char *const date_bases[] = { "stated", "inferred", NULL };

/* Properties each layer allows (the first five are common to all). */
static const char *const props_bases[] = { "id", "name", "kind", "sources", "note",
	                                   "precision", "country", "operator", "status", NULL };
static const char *const props_borders[] = { "id", "name", "kind", "sources", "note",
	                                     "countries", "length_km_reported", NULL };
static const char *const props_incidents[] = { "id", "name", "kind", "sources", "note",
	                                       "precision", "country", "date", "date_basis", NULL };
static const char *const props_places[] = { "id", "name", "kind", "sources", "note",
	                                    "precision", "country", NULL };
static const char *const all_props[] = { "id", "name", "kind", "sources", "note", "precision",
	                                 "country", "operator", "status", "countries",
	                                 "length_km_reported", "date", "date_basis", NULL };

static const char *const *kinds_of(pst_layer_type t)
{
	static const char *const *const k[] = { base_kinds, border_kinds, incident_kinds,
		                                place_kinds };
	return k[t];
}

static const char *const *props_of(pst_layer_type t)
{
	static const char *const *const p[] = { props_bases, props_borders, props_incidents,
		                                props_places };
	return p[t];
}

const char *const *pst_layer_kinds(pst_layer_type t)
{
	return kinds_of(t);
}

const char *const *pst_layer_props(pst_layer_type t)
{
	return props_of(t);
}

const char *pst_layer_type_name(pst_layer_type t)
{
	return layer_names[t];
}

const char *pst_layer_columns(pst_layer_type t)
{
	static const char *const cols[] = {
		"id, name, kind, precision, country, operator, status, note",
		"id, name, kind, countries, length_km_reported, note",
		"id, name, kind, precision, country, date, date_basis, note",
		"id, name, kind, precision, country, note"
	};
	return cols[t];
}

const char *pst_feature_where(char *buf, size_t n, const pst_layer *l, int line, int column,
                              int *out_line, int *out_column)
{
	if (!l->gpkg) {
		*out_line = line;
		*out_column = column;
		return l->path;
	}
	snprintf(buf, n, "%s:fid %d", l->path, line);
	*out_line = *out_column = 0;
	return buf;
}

bool pst_layer_type_from_name(pst_layer_type *out, const char *name)
{
	size_t n = strcspn(name, "-.");
	for (int i = 0; layer_names[i]; i++) {
		if (strlen(layer_names[i]) == n && strncmp(name, layer_names[i], n) == 0) {
			*out = (pst_layer_type)i;
			return true;
		}
	}
	return false;
}

/* --- reading ------------------------------------------------------------------ */

int pst_json_read_text(char **out_text, size_t *out_len, posture_ctx *ctx, const char *path,
                       size_t max_size)
{
	*out_text = NULL;
	char *text;
	size_t len;
	int rc = pst_read_file(&text, &len, ctx, path, max_size);
	if (rc != POSTURE_OK)
		return rc;
	size_t skip;
	rc = pst_json_precheck(ctx, path, text, len, &skip);
	if (rc != POSTURE_OK) {
		free(text);
		return rc;
	}
	memmove(text, text + skip, len - skip + 1); /* the byte-order mark, invisible in editors */
	*out_text = text;
	*out_len = len - skip;
	return POSTURE_OK;
}

/*
 * jansson reports a missing comma where it noticed it: at the next member
 * ("'}' expected near '\"kind\"'", the line after the mistake).  When the
 * token it stopped at follows a complete value on an earlier line, the
 * comma belongs after that value: *line and *column are moved there (just
 * after it) and true is returned.
 */
static bool missing_comma(const char *text, size_t len, const json_error_t *err, int *line,
                          int *column)
{
	if (!strstr(err->text, "' expected near '") || err->position <= 0 ||
	    (size_t)err->position > len || (err->text[1] != '}' && err->text[1] != ']'))
		return false;
	size_t p = (size_t)err->position; /* just after the token it stopped at */
	if (p > 0 && text[p - 1] == '"') { /* a string: back to its opening quote */
		p--;
		while (p > 0 && !(text[p - 1] == '"' && (p < 2 || text[p - 2] != '\\')))
			p--;
		if (p == 0)
			return false;
		p--;
	} else {
		while (p > 0 && (isalnum((unsigned char)text[p - 1]) || strchr("+-.", text[p - 1])))
			p--;
	}
	size_t end = p;
	bool newline = false;
	while (end > 0 && strchr(" \t\r\n", text[end - 1]))
		newline |= text[--end] == '\n';
	char c = end > 0 ? text[end - 1] : '\0';
	if (!newline || !(c == '"' || c == ']' || c == '}' || isalnum((unsigned char)c)))
		return false;
	*line = 1;
	size_t start = 0;
	for (size_t i = 0; i < end; i++)
		if (text[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	*column = 1; /* characters, as jansson counts them, up to just after the value */
	for (size_t i = start; i < end; i++)
		*column += ((unsigned char)text[i] & 0xC0) != 0x80;
	return true;
}

int pst_json_parse_text(void **out_json, posture_ctx *ctx, const char *path, const char *text,
                        size_t len)
{
	json_error_t err;
	*out_json = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (*out_json)
		return POSTURE_OK;
	int line = err.line > 0 ? err.line : 1, column = err.column > 0 ? err.column : 1;
	if (missing_comma(text, len, &err, &line, &column))
		return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, path, line, column,
		                "invalid JSON: ',' missing after this value (the next line goes on "
		                "with %s)", strstr(err.text, "near '") + 5);
	return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, path, line, column, "invalid JSON: %s",
	                err.text);
}

int pst_json_load(void **out_json, char **out_text, size_t *out_len, posture_ctx *ctx,
                  const char *path, size_t max_size)
{
	*out_json = NULL;
	char *text;
	size_t len;
	int rc = pst_json_read_text(&text, &len, ctx, path, max_size);
	if (rc == POSTURE_OK)
		rc = pst_json_parse_text(out_json, ctx, path, text, len);
	if (rc != POSTURE_OK) {
		free(text);
		return rc;
	}
	if (out_text) {
		*out_text = text;
		*out_len = len;
	} else {
		free(text);
	}
	return POSTURE_OK;
}

static char *dup_or_null(const char *s)
{
	return s ? pst_strdup(s) : NULL;
}

static bool is_kebab(const char *s)
{
	if (!*s || *s == '-')
		return false;
	for (const char *p = s; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		          (*p == '-' && p[1] && p[1] != '-');
		if (!ok)
			return false;
	}
	return true;
}

static bool is_iso3(const char *s)
{
	return strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
	       s[2] >= 'A' && s[2] <= 'Z';
}

/* Feature-level context for the checks below. */
typedef struct {
	pst_checker *c;
	pst_layer_type type;
	const pst_georef *geo;        /* may be NULL: place checks skipped */
	const posture_data *data;     /* for source ids */
	char ptr[64];                 /* "/features/N" */
	char props[80];               /* "/features/N/properties" */
} feat_ctx;

static void check_unknown_props(feat_ctx *f, json_t *props)
{
	const char *key;
	json_t *v;
	json_object_foreach(props, key, v) {
		if (pst_word_in(key, props_of(f->type)))
			continue;
		char ptr[512];
		snprintf(ptr, sizeof(ptr), "%s/%s", f->props, key);
		const char *near = pst_nearest_word(key, props_of(f->type)); /* this layer's keys */
		if (pst_word_in(key, all_props))
			pst_check_error(f->c, ptr, true, "property '%s' does not belong in the %s layer",
			                key, layer_names[f->type]);
		else if (near)
			pst_check_error(f->c, ptr, true, "unknown property '%s'; did you mean '%s'?", key,
			                near);
		else
			pst_check_error(f->c, ptr, true, "unknown property '%s'", key);
	}
}

static const char *check_vocab(feat_ctx *f, json_t *props, const char *key, bool required,
                               const char *const *words)
{
	const char *v = pst_check_string(f->c, props, f->props, key, required, "the feature");
	if (!v || pst_word_in(v, words))
		return v;
	char ptr[512];
	snprintf(ptr, sizeof(ptr), "%s/%s", f->props, key);
	char *list = pst_word_list(words);
	const char *near = pst_nearest_word(v, words);
	if (near)
		pst_check_error(f->c, ptr, false, "%s '%s' is not known; did you mean '%s'?", key, v,
		                near);
	else
		pst_check_error(f->c, ptr, false, "%s '%s' is not known (use %s)", key, v,
		                list ? list : "");
	free(list);
	return NULL;
}

static bool check_position(feat_ctx *f, json_t *coords, const char *ptr, double *lon, double *lat)
{
	json_t *x = json_array_get(coords, 0), *y = json_array_get(coords, 1);
	if (!json_is_array(coords) || json_array_size(coords) < 2 || json_array_size(coords) > 3 ||
	    !json_is_number(x) || !json_is_number(y)) {
		pst_check_error(f->c, ptr, false, "a position must be [longitude, latitude] in degrees");
		return false;
	}
	*lon = json_number_value(x);
	*lat = json_number_value(y);
	if (!isfinite(*lon) || !isfinite(*lat) || fabs(*lon) > 180 || fabs(*lat) > 90) {
		pst_check_error(f->c, ptr, false,
		                "position [%g, %g] is outside longitude -180..180 or latitude -90..90",
		                *lon, *lat);
		return false;
	}
	return true;
}

static void check_point_geometry(feat_ctx *f, pst_feature *feat, json_t *geom,
                                 const char *precision)
{
	char gptr[128], cptr[160];
	snprintf(gptr, sizeof(gptr), "%s/geometry", f->ptr);
	snprintf(cptr, sizeof(cptr), "%s/coordinates", gptr);
	bool unplaced = precision && strcmp(precision, "unplaced") == 0;
	if (!geom) {
		pst_check_error(f->c, f->ptr, false, "the feature has no 'geometry' (use null for "
		                "unplaced items)");
		return;
	}
	if (json_is_null(geom)) {
		if (precision && !unplaced)
			pst_check_error(f->c, gptr, false, "geometry is null but precision is '%s' "
			                "(an item without a position has precision 'unplaced')", precision);
		return;
	}
	if (unplaced) {
		pst_check_error(f->c, gptr, false, "an 'unplaced' item must have geometry null");
		return;
	}
	json_t *type = json_object_get(geom, "type");
	if (!json_is_string(type) || strcmp(json_string_value(type), "Point") != 0) {
		pst_check_error(f->c, gptr, false, "geometry must be a Point in the %s layer",
		                layer_names[f->type]);
		return;
	}
	json_t *coords = json_object_get(geom, "coordinates");
	if (!coords) {
		pst_check_error(f->c, gptr, false, "the Point has no 'coordinates'");
		return;
	}
	feat->has_point = check_position(f, coords, cptr, &feat->lon, &feat->lat);
}

static int add_line(pst_feature *feat, feat_ctx *f, json_t *coords, const char *ptr)
{
	if (!json_is_array(coords) || json_array_size(coords) < 2) {
		pst_check_error(f->c, ptr, false, "a line needs at least two positions");
		return POSTURE_OK;
	}
	size_t n = json_array_size(coords), start = feat->n_lines ? feat->line_end[feat->n_lines - 1] : 0;
	double *xy = realloc(feat->line_xy, (start + n) * 2 * sizeof(double));
	size_t *ends = xy ? realloc(feat->line_end, (feat->n_lines + 1) * sizeof(size_t)) : NULL;
	if (xy)
		feat->line_xy = xy;
	if (!ends)
		return POSTURE_ENOMEM;
	feat->line_end = ends;
	for (size_t i = 0; i < n; i++) {
		char pptr[256];
		snprintf(pptr, sizeof(pptr), "%s/%zu", ptr, i);
		if (!check_position(f, json_array_get(coords, i), pptr, &xy[2 * (start + i)],
		                    &xy[2 * (start + i) + 1]))
			return POSTURE_OK;
	}
	feat->line_end[feat->n_lines++] = start + n;
	return POSTURE_OK;
}

static int check_line_geometry(feat_ctx *f, pst_feature *feat, json_t *geom)
{
	char gptr[128], cptr[160];
	snprintf(gptr, sizeof(gptr), "%s/geometry", f->ptr);
	snprintf(cptr, sizeof(cptr), "%s/coordinates", gptr);
	if (!geom) {
		pst_check_error(f->c, f->ptr, false, "the feature has no 'geometry' (use null to take "
		                "the line from shapes/borders.shp)");
		return POSTURE_OK;
	}
	if (json_is_null(geom))
		return POSTURE_OK;
	const char *type = json_string_value(json_object_get(geom, "type"));
	json_t *coords = json_object_get(geom, "coordinates");
	if (type && strcmp(type, "LineString") == 0)
		return add_line(feat, f, coords, cptr);
	if (type && strcmp(type, "MultiLineString") == 0) {
		if (!json_is_array(coords) || json_array_size(coords) == 0) {
			pst_check_error(f->c, cptr, false, "a MultiLineString needs an array of one or more "
			                "lines");
			return POSTURE_OK;
		}
		size_t i;
		json_t *line;
		json_array_foreach(coords, i, line) {
			char lptr[200];
			snprintf(lptr, sizeof(lptr), "%s/%zu", cptr, i);
			int rc = add_line(feat, f, line, lptr);
			if (rc != POSTURE_OK)
				return rc;
		}
		return POSTURE_OK;
	}
	pst_check_error(f->c, gptr, false, "geometry must be null, a LineString or a "
	                "MultiLineString in the borders layer");
	return POSTURE_OK;
}

/* A page or paragraph number: digits, no leading zero; -1 when not one. */
static long locator_number(const char **p)
{
	if (**p < '1' || **p > '9')
		return -1;
	char *end;
	long n = strtol(*p, &end, 10);
	*p = end;
	return n;
}

/* "p. N", "pp. N-M" (N < M) or "para. N". */
static bool valid_locator(const char *s)
{
	const char *p;
	if (!strncmp(s, "p. ", 3) || !strncmp(s, "para. ", 6)) {
		p = s + (s[1] == '.' ? 3 : 6);
		return locator_number(&p) > 0 && *p == '\0';
	}
	if (strncmp(s, "pp. ", 4) != 0)
		return false;
	p = s + 4;
	long a = locator_number(&p);
	if (a <= 0 || *p++ != '-')
		return false;
	long b = locator_number(&p);
	return b > a && *p == '\0';
}

/* The id in sources.json nearest to @p id, or NULL. */
static const char *nearest_source(const posture_data *d, const char *id)
{
	const char **ids = calloc(d->n_sources + 1, sizeof(char *));
	if (!ids)
		return NULL;
	for (size_t i = 0; i < d->n_sources; i++)
		ids[i] = d->sources[i].id;
	const char *best = posture_nearest_word(id, ids, d->n_sources);
	free(ids);
	return best;
}

/*
 * A page locator must lie within the pages the source's CSL `page` gives
 * ("44-57"): false when it does not (*pages then names them).
 */
static bool page_range_ok(const pst_source *src, const char *loc, const char **pages)
{
	*pages = json_string_value(json_object_get(src->csl, "page"));
	if (!*pages || strncmp(loc, "p", 1) != 0 || !strncmp(loc, "para. ", 6))
		return true;
	char *end;
	long first = strtol(*pages, &end, 10), last = first;
	if (*end == '-' || !strncmp(end, "\xE2\x80\x93", 3))
		last = strtol(end + (*end == '-' ? 1 : 3), &end, 10);
	if (*end != '\0' || first <= 0 || last < first)
		return true; /* not a plain range: nothing to compare */
	const char *p = loc + (loc[1] == '.' ? 3 : 4);
	long a = locator_number(&p), b = a;
	if (*p == '-') {
		p++;
		b = locator_number(&p);
	}
	return a >= first && b <= last;
}

static void check_page_range(feat_ctx *f, const pst_source *src, const char *loc, const char *ptr)
{
	const char *pages;
	if (!page_range_ok(src, loc, &pages))
		pst_check_error(f->c, ptr, false, "locator '%s' is outside the pages of source '%s' "
		                "(%s)", loc, src->id, pages);
}

/*
 * Resolved members (as `posture export` writes them: title, author, date,
 * container, url, doi) must say what sources.json says, so an exported layer
 * read back cannot carry a citation that disagrees with its source.
 */
static void check_resolved(feat_ctx *f, json_t *entry, const char *ptr, const pst_source *src)
{
	for (size_t i = 0; pst_resolved_members[i]; i++) {
		const char *m = pst_resolved_members[i];
		json_t *v = json_object_get(entry, m);
		if (!v)
			continue;
		char mptr[300];
		snprintf(mptr, sizeof(mptr), "%s/%s", ptr, m);
		char *want = pst_resolve(src, m);
		if (!json_is_string(v))
			pst_check_error(f->c, mptr, false, "citation member '%s' must be a string", m);
		else if (!want)
			pst_check_error(f->c, mptr, false, "citation member '%s' is '%s', but source '%s' "
			                "in %s has no %s", m, json_string_value(v), src->id,
			                f->data->sources_path, m);
		else if (strcmp(want, json_string_value(v)))
			pst_check_error(f->c, mptr, false, "citation member '%s' is '%s', but source '%s' "
			                "in %s says '%s'", m, json_string_value(v), src->id,
			                f->data->sources_path, want);
		free(want);
	}
}

static int check_citation(feat_ctx *f, pst_citation *cite, json_t *entry, const char *ptr)
{
	if (!json_is_object(entry)) {
		pst_check_error(f->c, ptr, false, "a citation must be an object "
		                "{ \"id\", \"locator\", \"quote\" }");
		return POSTURE_OK;
	}
	const char *id = pst_check_string(f->c, entry, ptr, "id", true, "the citation");
	const char *loc = pst_check_string(f->c, entry, ptr, "locator", true, "the citation");
	const char *quote = pst_check_string(f->c, entry, ptr, "quote", true, "the citation");
	const char *key;
	json_t *v;
	json_object_foreach(entry, key, v) {
		static const char *const allowed[] = { "id", "locator", "quote", "title", "author",
			                               "date", "container", "url", "doi", NULL };
		char kptr[300];
		snprintf(kptr, sizeof(kptr), "%s/%s", ptr, key);
		const char *near = pst_word_in(key, allowed) ? NULL : pst_nearest_word(key, allowed);
		if (near)
			pst_check_error(f->c, kptr, true, "unknown citation member '%s'; did you mean "
			                "'%s'?", key, near);
		else if (!pst_word_in(key, allowed))
			pst_check_error(f->c, kptr, true, "unknown citation member '%s' (use 'id', "
			                "'locator' and 'quote')", key);
	}
	char mptr[300];
	if (id && f->data && f->data->sources_state == PST_SOURCES_OK &&
	    !pst_data_source(f->data, id)) {
		snprintf(mptr, sizeof(mptr), "%s/id", ptr);
		const char *near = nearest_source(f->data, id);
		pst_check_error(f->c, mptr, false, "source '%s' is not in %s%s%s%s", id,
		                f->data->sources_path, near ? "; did you mean '" : "", near ? near : "",
		                near ? "'?" : "");
	}
	if (id && f->data && f->data->sources_state == PST_SOURCES_OK && pst_data_source(f->data, id))
		check_resolved(f, entry, ptr, pst_data_source(f->data, id));
	snprintf(mptr, sizeof(mptr), "%s/locator", ptr);
	if (loc && !valid_locator(loc))
		pst_check_error(f->c, mptr, false, "locator '%s' is not 'p. N', 'pp. N-M' or 'para. N'",
		                loc);
	else if (loc && id && f->data && f->data->sources_state == PST_SOURCES_OK &&
	         pst_data_source(f->data, id))
		check_page_range(f, pst_data_source(f->data, id), loc, mptr);
	snprintf(mptr, sizeof(mptr), "%s/locator", ptr);
	pst_jsonpos_find(f->c->pos, mptr, false, &cite->locator_line, &cite->locator_column);
	if (f->c->pos) { /* GeoJSON: where the quote is, for the document check */
		snprintf(mptr, sizeof(mptr), "%s/quote", ptr);
		pst_jsonpos_find(f->c->pos, mptr, false, &cite->line, &cite->column);
	}
	cite->source_id = dup_or_null(id);
	cite->locator = dup_or_null(loc);
	cite->quote = dup_or_null(quote);
	if ((id && !cite->source_id) || (loc && !cite->locator) || (quote && !cite->quote))
		return POSTURE_ENOMEM;
	return POSTURE_OK;
}

static int check_citations(feat_ctx *f, pst_feature *feat, json_t *props)
{
	char ptr[128];
	snprintf(ptr, sizeof(ptr), "%s/sources", f->props);
	json_t *list = json_object_get(props, "sources");
	if (!list) {
		if (f->type != PST_LAYER_PLACES)
			pst_check_error(f->c, f->props, true, "the feature has no 'sources': every item "
			                "must cite a source");
		return POSTURE_OK;
	}
	if (!json_is_array(list) || json_array_size(list) == 0) {
		pst_check_error(f->c, ptr, false, "'sources' must be a non-empty array of citations");
		return POSTURE_OK;
	}
	size_t n = json_array_size(list);
	feat->cites = calloc(n, sizeof(*feat->cites));
	if (!feat->cites)
		return POSTURE_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char eptr[160];
		snprintf(eptr, sizeof(eptr), "%s/%zu", ptr, i);
		feat->n_cites++;
		int rc = check_citation(f, &feat->cites[i], json_array_get(list, i), eptr);
		if (rc != POSTURE_OK)
			return rc;
	}
	return POSTURE_OK;
}

/* The issued date of a CSL entry as "YYYY[-MM[-DD]]" (the end of a range); false if none. */
static bool issued_text(json_t *csl, char *out, size_t n)
{
	json_t *parts = json_object_get(json_object_get(csl, "issued"), "date-parts");
	json_t *last = json_array_get(parts, json_array_size(parts) ? json_array_size(parts) - 1 : 0);
	long long v[3] = { 0, 0, 0 };
	size_t k = json_array_size(last);
	for (size_t i = 0; i < k && i < 3; i++)
		v[i] = json_is_integer(json_array_get(last, i)) ? json_integer_value(json_array_get(last, i)) : -1;
	if (k < 1 || k > 3 || v[0] < 1 || v[0] > 9999 || v[1] < 0 || v[1] > 12 || v[2] < 0 ||
	    v[2] > 31)
		return false;
	int y = (int)v[0], m = (int)v[1], d = (int)v[2];
	if (k == 1)
		snprintf(out, n, "%04d", y);
	else if (k == 2)
		snprintf(out, n, "%04d-%02d", y, m);
	else
		snprintf(out, n, "%04d-%02d-%02d", y, m, d);
	return true;
}

/* Today (UTC) as YYYY-MM-DD: SOURCE_DATE_EPOCH when set, for reproducible runs. */
static void today_text(char *out, size_t n)
{
	time_t now = time(NULL);
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	if (epoch && *epoch) {
		char *end;
		long long t = strtoll(epoch, &end, 10);
		if (!*end && t >= 0)
			now = (time_t)t;
	}
	struct tm tm;
	if (!gmtime_r(&now, &tm) || !strftime(out, n, "%Y-%m-%d", &tm))
		snprintf(out, n, "9999-12-31");
}

/* The last day of a CSL entry's issued date, or INT_MAX when it has none. */
static int issued_last_day(const pst_source *src)
{
	char ref[32], why[128];
	int lo, hi;
	if (!issued_text(src->csl, ref, sizeof(ref)) || !pst_date_parse(ref, &lo, &hi, why, sizeof(why)))
		return INT_MAX;
	return hi;
}

/* The latest part of a parsed date: the first day of its end (of itself when not an interval). */
static int latest_day(const pst_feature *feat, const char *date)
{
	const char *slash = strchr(date, '/');
	int lo, hi;
	char why[128];
	if (slash && pst_date_parse(slash + 1, &lo, &hi, why, sizeof(why)))
		return lo;
	return feat->date_from;
}

/* A source cited twice by one feature is compared once. */
static bool cited_before(const pst_feature *feat, size_t i)
{
	const char *id = feat->cites[i].source_id;
	for (size_t j = 0; j < i; j++)
		if (feat->cites[j].source_id && id && !strcmp(feat->cites[j].source_id, id))
			return true;
	return false;
}

/*
 * An item cannot be dated after what reports it: the latest part of its date
 * (the end of an interval, at its earliest) must not be later than the last
 * day of the issued date of a source it cites (undated sources are not
 * compared), nor later than today.
 */
static void check_date_order(feat_ctx *f, pst_feature *feat, const char *date, const char *ptr)
{
	int latest = latest_day(feat, date), lo, hi;
	char ref[32], why[128];
	today_text(ref, sizeof(ref));
	if (pst_date_parse(ref, &lo, &hi, why, sizeof(why)) && latest > hi)
		pst_check_error(f->c, ptr, false, "date '%s' is later than today, %s", date, ref);
	for (size_t i = 0; f->data && i < feat->n_cites; i++) {
		const char *id = feat->cites[i].source_id;
		const pst_source *src = id ? pst_data_source(f->data, id) : NULL;
		if (!src || cited_before(feat, i) || latest <= issued_last_day(src))
			continue;
		issued_text(src->csl, ref, sizeof(ref));
		pst_check_error(f->c, ptr, false, "date '%s' is later than %s, the issued date of "
		                "source '%s', which it cites", date, ref, id);
	}
}

static void check_date(feat_ctx *f, pst_feature *feat, json_t *props)
{
	const char *date = pst_check_string(f->c, props, f->props, "date", false, "the feature");
	const char *basis = check_vocab(f, props, "date_basis", false, date_bases);
	char ptr[128];
	if (date) {
		snprintf(ptr, sizeof(ptr), "%s/date", f->props);
		char why[128];
		if (!pst_date_parse(date, &feat->date_from, &feat->date_to, why, sizeof(why))) {
			pst_check_error(f->c, ptr, false, "date '%s' %s", date, why);
		} else {
			if (!json_object_get(props, "date_basis"))
				pst_check_error(f->c, ptr, true, "date '%s' needs a 'date_basis' ('stated' or "
				                "'inferred')", date);
			check_date_order(f, feat, date, ptr);
		}
	}
	if (basis && !date) {
		snprintf(ptr, sizeof(ptr), "%s/date_basis", f->props);
		pst_check_error(f->c, ptr, true, "'date_basis' without a 'date'");
	}
	if (basis && !strcmp(basis, "inferred") && !json_object_get(props, "note")) {
		snprintf(ptr, sizeof(ptr), "%s/date_basis", f->props);
		pst_check_error(f->c, ptr, false, "an inferred date needs a 'note' saying what it is "
		                "inferred from");
	}
	feat->date = dup_or_null(date);
	feat->date_basis = dup_or_null(basis);
}

static void check_country(feat_ctx *f, pst_feature *feat, json_t *props)
{
	const char *iso = pst_check_string(f->c, props, f->props, "country", false, "the feature");
	if (!iso)
		return;
	char ptr[128];
	snprintf(ptr, sizeof(ptr), "%s/country", f->props);
	if (!is_iso3(iso) || (f->geo && !pst_georef_has_country(f->geo, iso))) {
		pst_check_error(f->c, ptr, false, "country '%s' is not an ISO 3166-1 alpha-3 code of "
		                "a country in shapes/countries.shp", iso);
		return;
	}
	feat->country = pst_strdup(iso);
}

/*
 * Where a point lies: inside its country (25 km slack, for generalised
 * shapes), or, without a country, inside some country.  A point outside its
 * country that would be inside it with longitude and latitude swapped says
 * so.  Only a reference label of a region or river (a sea's name) may lie
 * off land, with a warning.
 */
static void check_placement(feat_ctx *f, pst_feature *feat)
{
	if (!f->geo || !feat->has_point)
		return;
	char ptr[160];
	snprintf(ptr, sizeof(ptr), "%s/geometry/coordinates", f->ptr);
	if (feat->country) {
		if (pst_georef_within_km(f->geo, feat->country, feat->lon, feat->lat, 25))
			return;
		double km = pst_georef_distance_km(f->geo, feat->country, feat->lon, feat->lat);
		bool swapped = km > 25 && fabs(feat->lat) <= 90 && feat->lon != feat->lat &&
		               pst_georef_within_km(f->geo, feat->country, feat->lat, feat->lon, 25);
		char hint[96] = "";
		if (swapped)
			snprintf(hint, sizeof(hint), "; did you swap longitude and latitude? [%g, %g] is "
			         "inside it", feat->lat, feat->lon);
		if (km > 25)
			pst_check_error(f->c, ptr, false, "position [%g, %g] lies %.0f km outside %s, "
			                "the feature's country%s", feat->lon, feat->lat, km, feat->country,
			                hint);
	} else if (!pst_georef_near_land(f->geo, feat->lon, feat->lat, 25)) {
		bool label = f->type == PST_LAYER_PLACES && feat->kind &&
		             (!strcmp(feat->kind, "region") || !strcmp(feat->kind, "river"));
		pst_check_report(f->c, label ? POSTURE_WARNING : POSTURE_ERROR, ptr, false,
		                 "position [%g, %g] lies outside every country of the base geography "
		                 "(in the sea, or off the map's shapes)%s", feat->lon, feat->lat,
		                 label ? "" : "; only a place of kind region or river (a sea's name) "
		                 "may lie off land");
	}
}

static void check_border_pair(feat_ctx *f, pst_feature *feat, json_t *props)
{
	char ptr[128];
	snprintf(ptr, sizeof(ptr), "%s/countries", f->props);
	json_t *pair = json_object_get(props, "countries");
	if (!pair) {
		pst_check_error(f->c, f->props, true, "a border has no 'countries' (its two ISO codes)");
		return;
	}
	const char *a = json_string_value(json_array_get(pair, 0));
	const char *b = json_string_value(json_array_get(pair, 1));
	if (!json_is_array(pair) || json_array_size(pair) != 2 || !a || !b || !is_iso3(a) ||
	    !is_iso3(b) || !strcmp(a, b)) {
		pst_check_error(f->c, ptr, false, "'countries' must be two different ISO 3166-1 "
		                "alpha-3 codes, like [\"AFG\", \"TJK\"]");
		return;
	}
	if (strcmp(a, b) > 0) {
		const char *t = a;
		a = b;
		b = t;
	}
	for (int k = 0; f->geo && k < 2; k++) {
		const char *code = k ? b : a;
		if (!pst_georef_has_country(f->geo, code)) {
			pst_check_error(f->c, ptr, false, "country '%s' is not an ISO 3166-1 alpha-3 code of "
			                "a country in shapes/countries.shp", code);
			return;
		}
	}
	/* A segment with its own line may run anywhere; one taken from shapes/ must exist there. */
	if (f->geo && !pst_georef_has_border(f->geo, a, b) && !feat->n_lines)
		pst_check_error(f->c, ptr, false, "%s and %s share no border in shapes/borders.shp",
		                a, b);
	memcpy(feat->countries[0], a, 4);
	memcpy(feat->countries[1], b, 4);
	feat->has_countries = true;
	json_t *len = json_object_get(props, "length_km_reported");
	if (len && (!json_is_number(len) || !(json_number_value(len) > 0) ||
	            !isfinite(json_number_value(len)))) {
		snprintf(ptr, sizeof(ptr), "%s/length_km_reported", f->props);
		pst_check_error(f->c, ptr, false, "'length_km_reported' must be a positive number of km");
	} else if (len) {
		feat->length_km_reported = json_number_value(len);
	}
}

/*
 * GeoJSON allows foreign members, so an unknown member of a Feature,
 * geometry or FeatureCollection is not an error, unless it is a misspelling
 * of one of @p known (within two edits): then the member it stands for is
 * missing too, and the error says which it meant.
 */
static void check_misspelt_members(pst_checker *c, json_t *obj, const char *ptr,
                                   const char *const *known, const char *what)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		if (pst_word_in(key, known))
			continue;
		const char *near = pst_nearest_word(key, known);
		if (!near || json_object_get(obj, near))
			continue;
		char kptr[512];
		snprintf(kptr, sizeof(kptr), "%s/%s", ptr, key);
		pst_check_error(c, kptr, true, "unknown member '%s' of the %s; did you mean '%s'?", key,
		                what, near);
	}
}

static int check_feature(feat_ctx *f, pst_feature *feat, json_t *jf)
{
	int line, col;
	pst_jsonpos_find(f->c->pos, f->ptr, false, &line, &col);
	feat->line = line;
	feat->column = col;
	json_t *type = json_object_get(jf, "type");
	if (!json_is_object(jf) || !json_is_string(type) ||
	    strcmp(json_string_value(type), "Feature") != 0) {
		pst_check_error(f->c, f->ptr, false, "expected a GeoJSON Feature "
		                "{ \"type\": \"Feature\", \"geometry\", \"properties\" }");
		return POSTURE_OK;
	}
	static const char *const feature_members[] = { "type", "geometry", "properties", "id",
		                                       "bbox", NULL };
	check_misspelt_members(f->c, jf, f->ptr, feature_members, "feature");
	json_t *geom = json_object_get(jf, "geometry");
	if (json_is_object(geom)) {
		static const char *const geometry_members[] = { "type", "coordinates", "bbox", NULL };
		char gptr[128];
		snprintf(gptr, sizeof(gptr), "%s/geometry", f->ptr);
		check_misspelt_members(f->c, geom, gptr, geometry_members, "geometry");
	}
	json_t *props = json_object_get(jf, "properties");
	if (props && !json_is_object(props)) {
		pst_check_error(f->c, f->props, false, "'properties' must be an object");
		return POSTURE_OK;
	}
	if (!props) {
		pst_check_error(f->c, f->ptr, false, "the feature has no 'properties' object");
		return POSTURE_OK;
	}
	check_unknown_props(f, props);
	const char *id = pst_check_string(f->c, props, f->props, "id", true, "the feature");
	char ptr[128];
	snprintf(ptr, sizeof(ptr), "%s/id", f->props);
	if (id && !is_kebab(id)) {
		pst_check_error(f->c, ptr, false, "id '%s' must be kebab-case (a-z, 0-9, single "
		                "hyphens), like 'kant-air-base'", id);
		id = NULL;
	}
	feat->id = dup_or_null(id);
	pst_jsonpos_find(f->c->pos, ptr, false, &feat->id_line, &feat->id_column);
	feat->name = dup_or_null(pst_check_string(f->c, props, f->props, "name", true, "the feature"));
	feat->kind = dup_or_null(check_vocab(f, props, "kind", true, kinds_of(f->type)));
	feat->note = dup_or_null(pst_check_string(f->c, props, f->props, "note", false, "the feature"));
	int rc = check_citations(f, feat, props);
	if (f->type == PST_LAYER_BORDERS) {
		if (rc == POSTURE_OK)
			rc = check_line_geometry(f, feat, json_object_get(jf, "geometry"));
		check_border_pair(f, feat, props);
		return rc;
	}
	feat->precision = dup_or_null(check_vocab(f, props, "precision", true, precisions));
	check_country(f, feat, props);
	if (f->type == PST_LAYER_BASES) {
		feat->operator_ = dup_or_null(
			pst_check_string(f->c, props, f->props, "operator", false, "the feature"));
		feat->status = dup_or_null(check_vocab(f, props, "status", false, statuses));
	}
	if (f->type == PST_LAYER_INCIDENTS)
		check_date(f, feat, props);
	check_point_geometry(f, feat, json_object_get(jf, "geometry"), feat->precision);
	check_placement(f, feat);
	return rc;
}

int pst_layer_check_feature_at(pst_checker *c, pst_layer *l, pst_feature *ft, json_t *jf,
                               size_t index, const pst_georef *geo, const posture_data *data)
{
	feat_ctx f = { .c = c, .type = l->type, .geo = geo, .data = data };
	snprintf(f.ptr, sizeof(f.ptr), "/features/%zu", index);
	snprintf(f.props, sizeof(f.props), "/features/%zu/properties", index);
	int before = c->n_errors;
	int rc = check_feature(&f, ft, jf);
	if (rc == POSTURE_OK && c->n_errors == before && (!ft->id || !ft->name || !ft->kind))
		rc = POSTURE_ENOMEM; /* a copy failed, not the data */
	return rc;
}

int pst_layer_check_feature(pst_checker *c, pst_layer *l, pst_feature *ft, json_t *jf,
                            const pst_georef *geo, const posture_data *data)
{
	return pst_layer_check_feature_at(c, l, ft, jf, l->n_features, geo, data);
}

/* --- rows that pass every check, without JSON (big GeoPackage layers) ------ */

/* Today's last day, as check_date_order() compares it (INT_MAX when unknown). */
static int today_last_day(void)
{
	char ref[32], why[128];
	int lo, hi;
	today_text(ref, sizeof(ref));
	return pst_date_parse(ref, &lo, &hi, why, sizeof(why)) ? hi : INT_MAX;
}

int pst_row_cache_init(pst_row_cache *c, const posture_data *d)
{
	memset(c, 0, sizeof(*c));
	c->today = today_last_day();
	c->issued = malloc(((d ? d->n_sources : 0) + 1) * sizeof(int));
	if (!c->issued)
		return POSTURE_ENOMEM;
	for (size_t i = 0; d && i < d->n_sources; i++)
		c->issued[i] = INT_MIN; /* not looked up yet */
	return POSTURE_OK;
}

void pst_row_cache_free(pst_row_cache *c)
{
	free(c->issued);
	c->issued = NULL;
}

/* The source @p id and its issued last day, through the cache (NULL: not a source). */
static const pst_source *cached_source(pst_row_cache *c, const posture_data *d, const char *id,
                                       int *issued)
{
	if (c->last_id == id && c->last_src) { /* pooled ids: the same text is the same pointer */
		*issued = c->last_issued;
		return c->last_src;
	}
	const pst_source *src = pst_data_source(d, id);
	if (!src)
		return NULL;
	size_t k = (size_t)(src - d->sources);
	if (c->issued[k] == INT_MIN)
		c->issued[k] = issued_last_day(src);
	c->last_id = id;
	c->last_src = src;
	c->last_issued = *issued = c->issued[k];
	return src;
}

/* pst_date_parse() of @p date and its latest_day() (in c->date_latest), through the
 * cache's dates. */
static bool row_date(pst_row_cache *c, const char *date, int *from, int *to)
{
	size_t n = strlen(date);
	size_t slots = PST_ARRAY_LEN(c->dates);
	size_t k = (size_t)pst_hash_bytes(date, n, PST_HASH_SEED) % slots;
	pst_date_memo *e = &c->dates[k], *e2 = &c->dates[(k + 1) % slots]; /* two ways */
	if (n < sizeof(e->text) && strcmp(e->text, date) != 0 && !strcmp(e2->text, date))
		e = e2;
	else if (n < sizeof(e->text) && strcmp(e->text, date) != 0 && e->text[0] && !e2->text[0])
		e = e2; /* a new date, its first slot taken: the second is free */
	if (n >= sizeof(e->text) || strcmp(e->text, date) != 0) {
		char why[128];
		pst_feature probe = { .date_from = 0 };
		e->ok = pst_date_parse(date, &e->from, &e->to, why, sizeof(why));
		probe.date_from = e->from;
		e->latest = e->ok ? latest_day(&probe, date) : 0;
		if (n < sizeof(e->text))
			memcpy(e->text, date, n + 1);
		else
			e->text[0] = '\0'; /* too long to keep */
	}
	*from = e->from;
	*to = e->to;
	c->date_latest = e->latest;
	return e->ok;
}

/*
 * The row's checks, in the order and with the outcome of check_feature(),
 * answering only "does it pass without a word": any problem (or doubt) sends
 * the row to the full check, which says what is wrong.
 */
static bool row_passes(const pst_layer *l, const pst_row *r, const pst_georef *geo,
                       const posture_data *d, pst_row_cache *c, int *from, int *to)
{
	pst_layer_type t = l->type;
	if (t == PST_LAYER_BORDERS || !r->id || !is_kebab(r->id) || !r->name || !r->kind ||
	    !pst_word_in(r->kind, kinds_of(t)) || !r->precision ||
	    !pst_word_in(r->precision, precisions))
		return false;
	if (r->n_cites == 0 && t != PST_LAYER_PLACES)
		return false;
	bool sources_ok = d && d->sources_state == PST_SOURCES_OK;
	for (size_t i = 0; i < r->n_cites; i++) {
		const pst_row_cite *ci = &r->cites[i];
		if (!ci->source || !ci->locator || !ci->quote)
			return false;
		/* Pooled texts: the same pair of pointers is the same pair of texts. */
		uintptr_t h = ((uintptr_t)ci->source >> 3) * 31u + ((uintptr_t)ci->locator >> 3);
		size_t k = (h ^ h >> 7) % PST_ARRAY_LEN(c->cite_ok);
		if (c->cite_ok[k].source == ci->source && c->cite_ok[k].locator == ci->locator)
			continue;
		if (!valid_locator(ci->locator))
			return false;
		int issued;
		const char *pages;
		const pst_source *src = sources_ok ? cached_source(c, d, ci->source, &issued) : NULL;
		if (sources_ok && (!src || !page_range_ok(src, ci->locator, &pages)))
			return false;
		c->cite_ok[k].source = ci->source;
		c->cite_ok[k].locator = ci->locator;
	}
	if (r->country && (!is_iso3(r->country) || (geo && !pst_georef_has_country(geo, r->country))))
		return false;
	if (t == PST_LAYER_BASES && r->status && !pst_word_in(r->status, statuses))
		return false;
	if (t == PST_LAYER_INCIDENTS) {
		if (r->date_basis && (!pst_word_in(r->date_basis, date_bases) || !r->date))
			return false;
		if (r->date_basis && !strcmp(r->date_basis, "inferred") && !r->note)
			return false;
		if (r->date) {
			if (!r->date_basis || !row_date(c, r->date, from, to))
				return false;
			int latest = c->date_latest;
			if (latest > c->today)
				return false;
			for (size_t i = 0; d && i < r->n_cites; i++) { /* as check_date_order() */
				int issued;
				if (cached_source(c, d, r->cites[i].source, &issued) && latest > issued)
					return false; /* a repeated source fails the same way */
			}
		}
	}
	bool unplaced = !strcmp(r->precision, "unplaced");
	if (r->geom_null != unplaced)
		return false;
	if (!r->geom_null) {
		if (!isfinite(r->lon) || !isfinite(r->lat) || fabs(r->lon) > 180 || fabs(r->lat) > 90)
			return false;
		if (geo && r->country ? !pst_georef_within_km(geo, r->country, r->lon, r->lat, 25)
		    : geo && !pst_georef_near_land(geo, r->lon, r->lat, 25))
			return false;
	}
	return true;
}

/* A pooled copy of @p s (interned when @p shared), or NULL for NULL; *fail on no memory. */
static char *pooled(pst_pool *p, const char *s, bool shared, bool *fail)
{
	if (!s)
		return NULL;
	char *out = shared ? (char *)pst_pool_intern(p, s, strlen(s)) : pst_pool_strn(p, s, strlen(s));
	if (!out)
		*fail = true;
	return out;
}

/* An interned copy of @p s, which is one already when @p interned (pst_row.interned). */
static char *shared(pst_pool *p, const char *s, bool interned, bool *fail)
{
	return interned ? (char *)s : pooled(p, s, true, fail);
}

int pst_layer_row_feature(pst_layer *l, pst_feature *ft, const pst_row *r,
                          const pst_georef *geo, const posture_data *data, pst_row_cache *cache,
                          bool *passed)
{
	int from = 0, to = 0;
	*passed = row_passes(l, r, geo, data, cache, &from, &to);
	if (!*passed)
		return POSTURE_OK;
	bool fail = false;
	pst_pool *p = l->pool;
	memset(ft, 0, sizeof(*ft));
	ft->id = pooled(p, r->id, false, &fail);
	ft->name = pooled(p, r->name, false, &fail);
	bool in = r->interned;
	ft->kind = shared(p, r->kind, in, &fail);
	ft->precision = shared(p, r->precision, in, &fail);
	ft->country = shared(p, r->country, in, &fail);
	if (l->type == PST_LAYER_BASES) {
		ft->operator_ = shared(p, r->operator_, in, &fail);
		ft->status = shared(p, r->status, in, &fail);
	}
	if (l->type == PST_LAYER_INCIDENTS) {
		ft->date = shared(p, r->date, in, &fail);
		ft->date_basis = shared(p, r->date_basis, in, &fail);
		ft->date_from = from;
		ft->date_to = to;
	}
	ft->note = shared(p, r->note, in, &fail);
	ft->has_point = !r->geom_null;
	ft->lon = r->geom_null ? 0 : r->lon;
	ft->lat = r->geom_null ? 0 : r->lat;
	if (r->n_cites) {
		ft->cites = pst_pool_alloc(p, r->n_cites * sizeof(*ft->cites));
		fail = fail || !ft->cites;
		for (size_t i = 0; ft->cites && i < r->n_cites; i++)
			ft->cites[i] = (pst_citation){ .source_id = (char *)r->cites[i].source,
				                       .locator = (char *)r->cites[i].locator,
				                       .quote = (char *)r->cites[i].quote };
		ft->n_cites = ft->cites ? r->n_cites : 0;
	}
	return fail ? POSTURE_ENOMEM : POSTURE_OK;
}

/* Move a checked feature's strings and citations into its layer's pool. */
int pst_layer_pool_feature(pst_layer *l, pst_feature *ft)
{
	bool fail = false;
	pst_pool *p = l->pool;
	char **fields[] = { &ft->id, &ft->name, &ft->kind, &ft->precision, &ft->country,
		            &ft->operator_, &ft->status, &ft->date, &ft->date_basis, &ft->note };
	for (size_t i = 0; i < PST_ARRAY_LEN(fields); i++) {
		char *old = *fields[i];
		*fields[i] = pooled(p, old, i >= 2, &fail);
		free(old);
	}
	pst_citation *cites = ft->n_cites ? pst_pool_alloc(p, ft->n_cites * sizeof(*cites)) : NULL;
	fail = fail || (ft->n_cites && !cites);
	for (size_t i = 0; i < ft->n_cites; i++) {
		pst_citation *c = &ft->cites[i];
		if (cites) {
			cites[i] = *c;
			cites[i].source_id = pooled(p, c->source_id, true, &fail);
			cites[i].locator = pooled(p, c->locator, true, &fail);
			cites[i].quote = pooled(p, c->quote, true, &fail);
		}
		free(c->source_id);
		free(c->locator);
		free(c->quote);
	}
	free(ft->cites);
	ft->cites = cites;
	if (!cites)
		ft->n_cites = 0;
	return fail ? POSTURE_ENOMEM : POSTURE_OK;
}

static char *layer_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strchr(base, '.');
	return pst_strndup(base, dot ? (size_t)(dot - base) : strlen(base));
}

static int check_collection(pst_checker *c, pst_layer *l, json_t *root, const pst_georef *geo,
                            const posture_data *data)
{
	json_t *feats = json_object_get(root, "features");
	json_t *type = json_object_get(root, "type");
	static const char *const collection_members[] = { "type", "features", "bbox", NULL };
	check_misspelt_members(c, root, "", collection_members, "collection");
	const char *type_name = json_string_value(type);
	if (type_name && !strcasecmp(type_name, "FeatureCollection") &&
	    strcmp(type_name, "FeatureCollection") != 0) {
		pst_check_error(c, "/type", false, "'type' is '%s'; GeoJSON names are case-sensitive: "
		                "write \"FeatureCollection\"", type_name);
		return POSTURE_OK;
	}
	if (!json_is_object(root) || !type_name || strcmp(type_name, "FeatureCollection") != 0 ||
	    !json_is_array(feats)) {
		const char *at = !json_is_object(root) ? "" : type && !type_name ? "/type"
		               : type_name && strcmp(type_name, "FeatureCollection") ? "/type"
		               : feats ? "/features" : "";
		pst_check_error(c, at, false, "expected a GeoJSON FeatureCollection "
		                "{ \"type\": \"FeatureCollection\", \"features\": [ … ] }");
		return POSTURE_OK;
	}
	size_t n = json_array_size(feats);
	if (n > PST_MAX_FEATURES) {
		pst_check_error(c, "/features", true, "%zu features; a layer file may hold at most %d",
		                n, PST_MAX_FEATURES);
		return POSTURE_OK;
	}
	l->features = calloc(n ? n : 1, sizeof(*l->features));
	if (!l->features)
		return POSTURE_ENOMEM;
	int rc = POSTURE_OK;
	for (size_t k = 0; k < n && rc == POSTURE_OK; k++) {
		feat_ctx f = { .c = c, .type = l->type, .geo = geo, .data = data };
		snprintf(f.ptr, sizeof(f.ptr), "/features/%zu", k);
		snprintf(f.props, sizeof(f.props), "/features/%zu/properties", k);
		int before = c->n_errors;
		rc = check_feature(&f, &l->features[k], json_array_get(feats, k));
		l->n_features++;
		pst_feature *ft = &l->features[k];
		if (rc == POSTURE_OK && c->n_errors == before && (!ft->id || !ft->name || !ft->kind))
			rc = POSTURE_ENOMEM; /* a copy failed, not the data */
	}
	return rc;
}

/* Read one layer file; *out is set even when it has errors (for id checks). */
static int read_layer(pst_layer *l, posture_ctx *ctx, const char *path, const pst_georef *geo,
                      const posture_data *data, int *n_errors)
{
	memset(l, 0, sizeof(*l));
	l->path = pst_strdup(path);
	l->name = layer_name(path);
	if (!l->path || !l->name)
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	if (!pst_layer_type_from_name(&l->type, l->name)) {
		char *list = pst_word_list(layer_names);
		pst_error(ctx, POSTURE_EDATA, path, "cannot tell which layer '%s' is: a layer file's "
		          "name starts with %s (like bases.geojson or incidents-2019.geojson)", l->name,
		          list ? list : "");
		free(list);
		(*n_errors)++;
		return POSTURE_OK;
	}
	/* Plain point features without a tree (geojson_fast.c); any other text as a tree. */
	pst_check_file f;
	size_t len;
	bool done = false;
	int rc = pst_check_read(&f, &len, ctx, path, data->tree, PST_MAX_LAYER_FILE, n_errors);
	if (rc == POSTURE_OK && f.text)
		rc = pst_geojson_read_fast(&f.c, l, f.text, len, geo, data, &done);
	if (rc == POSTURE_OK && f.text && !done)
		rc = pst_check_parse(&f, len, n_errors);
	if (rc == POSTURE_OK && f.root)
		rc = check_collection(&f.c, l, f.root, geo, data);
	pst_check_close(&f, n_errors);
	return rc;
}

/*
 * Name a table's layer: l->path is @p path, its type the first word of
 * @p table (incidents_2019 is incidents).  *known is false (the error
 * reported and counted) when the name is no layer's.
 */
static int name_table_layer(pst_layer *l, bool *known, posture_ctx *ctx, char *path,
                            const char *table, int *n_errors)
{
	memset(l, 0, sizeof(*l));
	l->gpkg = true;
	l->path = path;
	l->name = pst_strdup(table);
	char *word = pst_strdup(table);
	*known = false;
	if (!l->path || !l->name || !word) {
		free(word);
		return pst_error(ctx, POSTURE_ENOMEM, table, "out of memory");
	}
	for (char *p = word; *p; p++)
		if (*p == '_')
			*p = '-'; /* incidents_2019 is an incidents layer, as incidents-2019.geojson */
	*known = pst_layer_type_from_name(&l->type, word);
	free(word);
	if (!*known) {
		char *list = pst_word_list(layer_names);
		pst_error(ctx, POSTURE_EDATA, l->path, "cannot tell which layer table '%s' is: its "
		          "name starts with %s (like incidents or incidents_2019)", table,
		          list ? list : "");
		free(list);
		(*n_errors)++;
	}
	return POSTURE_OK;
}

/* Read one GeoPackage table as a layer (FILE.gpkg:TABLE). */
static int read_gpkg_layer(pst_layer *l, posture_ctx *ctx, const char *file, const char *table,
                           const pst_georef *geo, const posture_data *data, int *n_errors)
{
	bool known;
	int rc = name_table_layer(l, &known, ctx, pst_asprintf("%s:%s", file, table), table,
	                          n_errors);
	if (rc != POSTURE_OK || !known)
		return rc;
	return pst_gpkg_read_layer(l, ctx, file, table, geo, data, n_errors);
}

/* Read one PostGIS layer (pg:NAME) as the map's [postgis] section says. */
static int read_pg_layer(pst_layer *l, posture_ctx *ctx, const char *entry,
                         const pst_georef *geo, const posture_data *data, int *n_errors)
{
	bool known;
	int rc = name_table_layer(l, &known, ctx, pst_strdup(entry), entry + 3, n_errors);
	if (rc != POSTURE_OK || !known)
		return rc;
	if (!data->pg) {
		pst_error(ctx, POSTURE_EDATA, entry, "a PostGIS layer is read by a map (its [postgis] "
		          "section says where), not on its own");
		(*n_errors)++;
		return POSTURE_OK;
	}
	return pst_pg_read_layer(l, ctx, data->pg, entry + 3, geo, data, n_errors);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && strcmp(s + n - m, tail) == 0;
}

/*
 * Read one entry of the layer list: a GeoJSON file, FILE.gpkg:TABLE, or
 * FILE.gpkg (every feature table in it).  Layers are appended to d.
 */
static int read_entry(posture_data *d, size_t *cap, posture_ctx *ctx, const char *entry,
                      const pst_georef *geo, int *n_errors)
{
	if (pst_pg_entry(entry)) {
		if (pst_grow((void **)&d->layers, cap, d->n_layers + 1, sizeof(pst_layer)))
			return pst_error(ctx, POSTURE_ENOMEM, entry, "out of memory");
		return read_pg_layer(&d->layers[d->n_layers++], ctx, entry, geo, d, n_errors);
	}
	const char *colon = strstr(entry, ".gpkg:");
	char *file = colon ? pst_strndup(entry, (size_t)(colon - entry) + 5) : NULL;
	char **tables = NULL;
	size_t n = 0;
	int rc = POSTURE_OK;
	if (colon && !file)
		return pst_error(ctx, POSTURE_ENOMEM, entry, "out of memory");
	if (colon || ends_with(entry, ".gpkg")) {
		/* GeoJSON files are checked as they are opened; a GeoPackage here. */
		rc = pst_check_link(ctx, colon ? file : entry, d->tree);
		if (rc != POSTURE_OK) {
			free(file);
			if (rc != POSTURE_EDATA)
				return rc;
			(*n_errors)++;
			return POSTURE_OK;
		}
	}
	if (colon) {
		char *t = pst_strdup(colon + 6);
		tables = t ? malloc(sizeof(char *)) : NULL;
		if (tables)
			tables[n++] = t;
		else
			free(t);
		if (!file || !tables)
			rc = pst_error(ctx, POSTURE_ENOMEM, entry, "out of memory");
	} else if (ends_with(entry, ".gpkg")) {
		rc = pst_gpkg_tables(&tables, &n, ctx, entry);
		if (rc == POSTURE_EDATA) {
			(*n_errors)++;
			rc = POSTURE_OK;
		}
	} else {
		n = 1; /* a GeoJSON file */
	}
	for (size_t i = 0; rc == POSTURE_OK && i < n; i++) {
		if (pst_grow((void **)&d->layers, cap, d->n_layers + 1, sizeof(pst_layer))) {
			rc = pst_error(ctx, POSTURE_ENOMEM, entry, "out of memory");
			break;
		}
		pst_layer *l = &d->layers[d->n_layers++];
		rc = tables ? read_gpkg_layer(l, ctx, file ? file : entry, tables[i], geo, d, n_errors)
		            : read_layer(l, ctx, entry, geo, d, n_errors);
	}
	for (size_t i = 0; tables && i < n; i++)
		free(tables[i]);
	free(tables);
	free(file);
	return rc;
}

static void free_feature(pst_feature *f)
{
	free(f->id);
	free(f->name);
	free(f->kind);
	free(f->precision);
	free(f->country);
	free(f->operator_);
	free(f->status);
	free(f->date);
	free(f->date_basis);
	free(f->note);
	free(f->line_xy);
	free(f->line_end);
	for (size_t i = 0; i < f->n_cites; i++) {
		free(f->cites[i].source_id);
		free(f->cites[i].locator);
		free(f->cites[i].quote);
	}
	free(f->cites);
}

static void free_layer(pst_layer *l)
{
	/* A pooled layer's strings and citations go with its pool; only a border has lines
	 * of its own, so a million points need not be walked to free nothing. */
	bool walk = !l->pool || l->type == PST_LAYER_BORDERS;
	for (size_t i = 0; walk && i < l->n_features; i++) {
		if (!l->pool) {
			free_feature(&l->features[i]);
			continue;
		}
		free(l->features[i].line_xy); /* the rest is in the pool */
		free(l->features[i].line_end);
	}
	pst_pool_free(l->pool);
	free(l->features);
	free(l->id_hashes);
	free(l->name);
	free(l->path);
}

/* The id set's hash: eight bytes at a time (the pool's). */
size_t pst_id_hash(const char *s)
{
	size_t n = strlen(s);
	size_t h = (size_t)pst_hash_bytes(s, n, PST_HASH_SEED ^ n);
	return h ? h : 1;
}

/* Feature @p i's id hash (0: it has no id), from the layer's id_hashes when it has them
 * (then the feature itself is read only for an id whose hash is met twice). */
static size_t id_hash_at(const pst_layer *l, size_t i)
{
	if (l->id_hashes && l->id_hashes[i])
		return l->id_hashes[i];
	const char *id = l->features[i].id;
	return id ? pst_id_hash(id) : 0;
}

/* The id set's slots (check_unique_ids): 8 bytes each, the set being twice the number of
 * features (a million incidents: 16 MB instead of the 50 a slot of pointers took). */
typedef struct {
	uint32_t ref;  /* 1 + the feature's index across the layers in order; 0: empty */
	uint32_t hash; /* the top half of its id's hash, compared before the ids */
} id_slot;

/* The feature @p ref names (id_slot), and in *layer its layer; @p start holds each
 * layer's first index across the layers. */
static const pst_feature *id_feature(const posture_data *d, const size_t *start, uint32_t ref,
                                     const pst_layer **layer)
{
	size_t a = 0, i = (size_t)ref - 1;
	while (i >= start[a + 1])
		a++;
	*layer = &d->layers[a];
	return &d->layers[a].features[i - start[a]];
}

static void report_repeat(posture_ctx *ctx, const pst_layer *layer, const pst_feature *f,
                          const pst_layer *first_layer, const pst_feature *g)
{
	char here[600], there[600], at[700];
	int line, col, gline, gcol;
	const char *file = pst_feature_where(here, sizeof(here), layer, f->id_line, f->id_column,
	                                     &line, &col);
	const char *gfile = pst_feature_where(there, sizeof(there), first_layer, g->id_line,
	                                      g->id_column, &gline, &gcol);
	if (gline)
		snprintf(at, sizeof(at), "%s:%d:%d", gfile, gline, gcol);
	else
		snprintf(at, sizeof(at), "%s", gfile);
	pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, file, line, col, "id '%s' is already used at %s",
	         f->id, at);
}

/*
 * Ids are unique across every layer: report each repeat where it repeats,
 * naming where the id was first used.  One pass through an open-addressing
 * hash set of the features seen so far (the table is at least twice the
 * number of ids, so probes stay short): linear in the number of features.
 */
static int check_unique_ids(posture_ctx *ctx, const posture_data *d, int *n_errors)
{
	size_t total = 0, cap = 16;
	size_t *start = malloc((d->n_layers + 1) * sizeof(*start));
	if (!start)
		return POSTURE_ENOMEM;
	for (size_t a = 0; a < d->n_layers; a++) {
		start[a] = total;
		total += d->layers[a].n_features;
	}
	start[d->n_layers] = total;
	while (cap < 2 * total)
		cap *= 2;
	id_slot *slot = total < UINT32_MAX ? calloc(cap, sizeof(*slot)) : NULL;
	if (!slot) {
		free(start);
		return POSTURE_ENOMEM;
	}
	pst_prefault(slot, cap * sizeof(*slot)); /* written all over: 16 MB for a million ids */
	/* The slots are met at random, a cache miss each in a set of megabytes: the
	 * hashes of the next few ids are taken ahead and their slots fetched meanwhile. */
	enum { AHEAD = 16 };
	size_t ahead[AHEAD];
	for (size_t a = 0; a < d->n_layers; a++) {
		const pst_layer *ly = &d->layers[a];
		const pst_feature *fs = ly->features;
		size_t n = ly->n_features;
		for (size_t i = 0; i < n && i < AHEAD; i++)
			ahead[i] = id_hash_at(ly, i);
		for (size_t i = 0; i < n; i++) {
			const pst_feature *f = &fs[i];
			size_t h = ahead[i % AHEAD];
			if (i + AHEAD < n) {
				size_t hn = id_hash_at(ly, i + AHEAD);
				ahead[i % AHEAD] = hn;
				__builtin_prefetch(&slot[hn & (cap - 1)]);
			}
			if (!h)
				continue; /* no id */
			size_t k = h & (cap - 1);
			uint32_t top = (uint32_t)((uint64_t)h >> 32);
			const pst_layer *first_layer = NULL;
			const pst_feature *g = NULL;
			while (slot[k].ref &&
			       (slot[k].hash != top ||
			        strcmp((g = id_feature(d, start, slot[k].ref, &first_layer))->id, f->id)))
				k = (k + 1) & (cap - 1);
			if (!slot[k].ref) {
				slot[k] = (id_slot){ (uint32_t)(start[a] + i + 1), top };
				continue;
			}
			report_repeat(ctx, &d->layers[a], f, first_layer, g);
			(*n_errors)++;
		}
	}
	free(slot);
	free(start);
	return POSTURE_OK;
}

const pst_source *pst_data_source(const posture_data *d, const char *id)
{
	for (size_t i = 0; i < d->n_sources; i++)
		if (strcmp(d->sources[i].id, id) == 0)
			return &d->sources[i];
	return NULL;
}

void posture_data_destroy(posture_data *d)
{
	if (!d)
		return;
	if (d->view) {
		for (size_t i = 0; i < d->n_layers; i++)
			if (!d->layers[i].shared_features)
				free(d->layers[i].features);
		free(d->layers);
		free(d);
		return;
	}
	for (size_t i = 0; i < d->n_layers; i++)
		free_layer(&d->layers[i]);
	free(d->layers);
	for (size_t i = 0; i < d->n_sources; i++) {
		free(d->sources[i].id);
		json_decref(d->sources[i].csl);
	}
	free(d->sources);
	free(d->sources_path);
	free(d);
}

/* Citations without a source list: one error, at the first citation. */
static int report_missing_sources(posture_ctx *ctx, const posture_data *d)
{
	for (size_t l = 0; l < d->n_layers; l++) {
		for (size_t i = 0; i < d->layers[l].n_features; i++) {
			const pst_feature *f = &d->layers[l].features[i];
			if (f->n_cites) {
				char buf[600];
				int line, col;
				const char *file = pst_feature_where(buf, sizeof(buf), &d->layers[l],
				                                     f->cites[0].line, f->cites[0].column,
				                                     &line, &col);
				pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, file, line, col, "the layers cite sources, but there is no "
				         "sources.json to cite (put it beside the layers, or name it in the map)");
				return 1;
			}
		}
	}
	return 0;
}

static int load(posture_data *d, posture_ctx *ctx, const char *sources,
                const char *const *layers, size_t n_layers, const posture_check_opts *opts)
{
	int n_errors = 0, rc = POSTURE_OK;
	pst_georef *geo = NULL;
	if (opts->shapes_dir) {
		rc = pst_georef_load(&geo, ctx, opts->shapes_dir);
		if (rc != POSTURE_OK)
			return rc;
	}
	if (sources)
		rc = pst_sources_read(d, ctx, sources, &n_errors);
	size_t cap = 0;
	for (size_t i = 0; rc == POSTURE_OK && i < n_layers; i++)
		rc = read_entry(d, &cap, ctx, layers[i], geo, &n_errors);
	if (rc == POSTURE_OK && geo)
		rc = pst_georef_status(geo); /* a country record the checks needed is unreadable */
	if (rc == POSTURE_OK)
		rc = check_unique_ids(ctx, d, &n_errors);
	for (size_t i = 0; i < d->n_layers; i++) { /* needed no more */
		free(d->layers[i].id_hashes);
		d->layers[i].id_hashes = NULL;
	}
	if (rc == POSTURE_OK && d->sources_state == PST_SOURCES_NONE)
		n_errors += report_missing_sources(ctx, d);
	if (rc == POSTURE_OK && opts->documents_dir)
		rc = pst_documents_check(ctx, d, opts->documents_dir, &n_errors);
	pst_georef_destroy(geo);
	if (rc == POSTURE_ENOMEM)
		pst_error(ctx, rc, sources ? sources : "layers", "out of memory");
	return rc != POSTURE_OK ? rc : n_errors ? POSTURE_EDATA : POSTURE_OK;
}

int posture_data_load(posture_data **out, posture_ctx *ctx, const char *sources,
                      const char *const *layers, size_t n_layers, const posture_check_opts *opts)
{
	return pst_data_load(out, ctx, sources, layers, n_layers, opts, NULL, NULL);
}

int pst_data_load(posture_data **out, posture_ctx *ctx, const char *sources,
                  const char *const *layers, size_t n_layers, const posture_check_opts *opts,
                  const char *tree, const pst_pg_scope *pg)
{
	*out = NULL;
	posture_check_opts defaults = POSTURE_CHECK_OPTS_INIT;
	if (!opts)
		opts = &defaults;
	posture_data *d = calloc(1, sizeof(*d));
	if (!d)
		return pst_error(ctx, POSTURE_ENOMEM, "layers", "out of memory");
	d->tree = tree;
	d->pg = pg;
	int rc = load(d, ctx, sources, layers, n_layers, opts);
	d->tree = NULL;
	d->pg = NULL;
	if (rc != POSTURE_OK) {
		posture_data_destroy(d);
		return rc;
	}
	*out = d;
	return POSTURE_OK;
}

bool pst_cell_plain(const unsigned char *t, size_t n)
{
	bool blank = true;
	for (size_t k = 0; k < n && blank; k++)
		blank = isspace(t[k]) != 0;
	if (blank)
		return false;
	for (size_t k = 0; k < n;) {
		/* Eight ASCII bytes at a time, none of them NUL (most cells are ASCII). */
		uint64_t w;
		if (n - k >= 8 && (memcpy(&w, t + k, 8), !(w & 0x8080808080808080u)) &&
		    !((w - 0x0101010101010101u) & ~w & 0x8080808080808080u)) {
			k += 8;
			continue;
		}
		if (t[k] < 0x80 && t[k]) {
			k++;
			continue;
		}
		size_t m = t[k] ? pst_utf8_seq_len(t + k, n - k) : 0;
		if (!m)
			return false;
		k += m;
	}
	return true;
}

const char *pst_known_text(pst_known_texts *k, pst_pool *pool, const unsigned char *t, size_t n,
                           bool *plain)
{
	*plain = false;
	if (!t || !n)
		return NULL;
	size_t h = n * 31u + t[0] * 7u + t[n / 2] * 131u + t[n - 1] * 1031u;
	size_t slot = (h ^ h >> 8) & (PST_KNOWN_TEXTS - 1);
	if (k->pooled[slot] && k->n[slot] == n && !memcmp(k->pooled[slot], t, n)) {
		*plain = true;
		return k->pooled[slot];
	}
	if (!pst_cell_plain(t, n))
		return NULL;
	*plain = true;
	const char *pooled = pst_pool_intern(pool, (const char *)t, n);
	if (pooled) {
		k->pooled[slot] = pooled;
		k->n[slot] = n;
	}
	return pooled;
}
