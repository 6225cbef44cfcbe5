/*
 * gpkg.c — layers in a GeoPackage (OGC 12-128r18), read through SQLite.
 *
 * A GeoPackage is an SQLite file whose application_id is 'GPKG'.  Every
 * table listed in gpkg_contents with data_type 'features' is a layer, named
 * like a GeoJSON file (its first word says which layer: incidents,
 * incidents_2019, ...).  Its columns are the properties of layers/README.md
 * (fid and geom, then id, name, kind, ...); its citations live in the
 * attributes table posture_citations (one row per citation: table_name,
 * feature_fid, seq, source, locator, quote), so no JSON is parsed per row.
 *
 * Every row goes through exactly the checks a GeoJSON feature does.  A row
 * of plain values (clean text, a plain point) is first put to those checks
 * as values (pst_layer_row_feature, layer.c): when it passes them all it
 * becomes a feature directly, its strings in the layer's pool, kinds, dates
 * and citations stored once.  Any other row is turned into the JSON value a
 * GeoJSON reader would produce and handed to pst_layer_check_feature(), so
 * its problems are reported in the same words, at FILE:TABLE:fid N (through
 * the checker's `path`; there is no line).  Citations are read beside the
 * rows through one cursor ordered by fid (a merge join).  Both cursors are
 * stepped on a second thread, a few hundred rows ahead, their values copied
 * out of SQLite (sql_ahead.c): the rows are checked while the next ones are
 * read, and the reader sees the same rows, in the same order, with the same
 * errors as stepping them itself.  The file is opened through sql_window.c's
 * VFS, which reads a cursor's next pages in one system call, not one a page.
 *
 * Geometry is GeoPackage binary: "GP", version, flags (byte order, envelope
 * size, empty), srs_id, envelope, then ISO WKB.  posture decodes Points,
 * LineStrings and MultiLineStrings itself (a few dozen lines; GDAL would
 * cost 40 ms of driver registration at start-up for the same result).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "check.h"
#include "sql_ahead.h"
#include "sql_window.h"

#define GPKG_APPLICATION_ID 0x47504B47 /* "GPKG" */

/* Column order of a layer table, as read; which ones a layer uses is props_of(). */
static const char *const columns[] = { "id", "name", "kind", "precision", "country", "operator",
	                               "status", "date", "date_basis", "countries",
	                               "length_km_reported", "note", NULL };

typedef struct {
	posture_ctx *ctx;
	const char *path;  /* the .gpkg file */
	sqlite3 *db;
} gpkg;

/* An SQLite error of code @p code, message @p msg, about @p table (NULL: the file):
 * a damaged file is a data error, anything else an I/O one. */
static int read_error(gpkg *g, const char *table, const char *what, int code, const char *msg)
{
	bool damaged = code == SQLITE_CORRUPT || code == SQLITE_NOTADB || code == SQLITE_IOERR;
	return pst_diag(g->ctx, POSTURE_ERROR, damaged ? POSTURE_EDATA : POSTURE_EIO, g->path, 0,
	                0, "%s%s%s%s: %s%s", table ? "table '" : "", table ? table : "",
	                table ? "': " : "", what, msg,
	                damaged ? " (the file is truncated or damaged)" : "");
}

/* The connection's last error (read_error()). */
static int db_error(gpkg *g, const char *table, const char *what)
{
	return read_error(g, table, what, sqlite3_errcode(g->db), sqlite3_errmsg(g->db));
}

/* Open read-only and make sure it is an SQLite file that says it is a GeoPackage. */
static int gpkg_open(gpkg *g, posture_ctx *ctx, const char *path)
{
	memset(g, 0, sizeof(*g));
	g->ctx = ctx;
	g->path = path;
	int rc = pst_check_regular_file(ctx, path, (size_t)-1);
	if (rc != POSTURE_OK)
		return rc;
	FILE *fp = fopen(path, "rb");
	unsigned char head[100] = { 0 };
	size_t got = fp ? fread(head, 1, sizeof(head), fp) : 0;
	long size = fp && fseek(fp, 0, SEEK_END) == 0 ? ftell(fp) : -1;
	if (fp)
		fclose(fp);
	if (!fp)
		return pst_error(ctx, POSTURE_EIO, path, "cannot open file");
	if (got < 100 || memcmp(head, "SQLite format 3", 16) != 0)
		return pst_error(ctx, POSTURE_EDATA, path, "is not a GeoPackage (not an SQLite "
		                 "database file)");
	/* The header's page count (valid when its change counter matches, offsets 24 and 92):
	 * a file shorter than that was cut short, and SQLite would read the lost pages as
	 * missing rows rather than fail. */
	unsigned page = (unsigned)head[16] << 8 | head[17];
	unsigned long long bytes = (page == 1 ? 65536ULL : page) *
	                           ((unsigned long long)head[28] << 24 | head[29] << 16 |
	                            head[30] << 8 | head[31]);
	if (!memcmp(head + 24, head + 92, 4) && size >= 0 && (unsigned long long)size < bytes)
		return pst_error(ctx, POSTURE_EDATA, path, "the file is truncated: %ld bytes, its "
		                 "header says %llu", size, bytes);
	if (sqlite3_open_v2(path, &g->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
	                    pst_sql_window_vfs()) != SQLITE_OK) {
		rc = db_error(g, NULL, "cannot open the GeoPackage");
		sqlite3_close(g->db);
		g->db = NULL;
		return rc;
	}
	sqlite3_stmt *st = NULL;
	int app = 0;
	if (sqlite3_prepare_v2(g->db, "PRAGMA application_id", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_error(g, NULL, "cannot read the GeoPackage header");
	}
	app = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (app != GPKG_APPLICATION_ID)
		return pst_error(ctx, POSTURE_EDATA, path, "is not a GeoPackage (an SQLite database "
		                 "whose application_id is not 'GPKG')");
	return POSTURE_OK;
}

static void gpkg_close(gpkg *g)
{
	sqlite3_close(g->db);
	g->db = NULL;
}

int pst_gpkg_tables(char ***out, size_t *n, posture_ctx *ctx, const char *path)
{
	*out = NULL;
	*n = 0;
	gpkg g;
	int rc = gpkg_open(&g, ctx, path);
	sqlite3_stmt *st = NULL;
	if (rc == POSTURE_OK &&
	    sqlite3_prepare_v2(g.db, "SELECT table_name FROM gpkg_contents WHERE data_type = "
	                       "'features' ORDER BY table_name", -1, &st, NULL) != SQLITE_OK)
		rc = db_error(&g, NULL, "cannot list its layers (gpkg_contents)");
	size_t cap = 0;
	int step;
	while (rc == POSTURE_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		char *name = pst_strdup(t ? t : "");
		if (!name || pst_grow((void **)out, &cap, *n + 1, sizeof(char *))) {
			free(name);
			rc = pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
			break;
		}
		(*out)[(*n)++] = name;
	}
	if (rc == POSTURE_OK && step != SQLITE_DONE)
		rc = db_error(&g, NULL, "cannot list its layers (gpkg_contents)");
	if (rc == POSTURE_OK && *n == 0)
		rc = pst_error(ctx, POSTURE_EDATA, path, "holds no feature tables (gpkg_contents)");
	sqlite3_finalize(st);
	if (g.db)
		gpkg_close(&g);
	if (rc != POSTURE_OK) {
		for (size_t i = 0; i < *n; i++)
			free((*out)[i]);
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* --- geometry ---------------------------------------------------------------- */

typedef struct {
	const unsigned char *p, *end;
	bool le; /* little-endian WKB */
	bool ok;
} wkb;

static uint32_t wkb_u32(wkb *w)
{
	if (w->end - w->p < 4) {
		w->ok = false;
		return 0;
	}
	const unsigned char *b = w->p;
	w->p += 4;
	return w->le ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	                   (uint32_t)b[3] << 24
	             : (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 |
	                   (uint32_t)b[0] << 24;
}

static double wkb_f64(wkb *w)
{
	if (w->end - w->p < 8) {
		w->ok = false;
		return 0;
	}
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = w->le ? w->p[i] : w->p[7 - i];
	w->p += 8;
	uint64_t u = 0;
	for (int i = 7; i >= 0; i--)
		u = u << 8 | b[i];
	double d;
	memcpy(&d, &u, sizeof(d));
	return d;
}

/* Byte order and type of the next WKB geometry (ISO codes: 1 point, 2 line, 5 multiline). */
static uint32_t wkb_header(wkb *w)
{
	if (w->p >= w->end) {
		w->ok = false;
		return 0;
	}
	w->le = *w->p++ == 1;
	return wkb_u32(w);
}

static json_t *wkb_positions(wkb *w, uint32_t n)
{
	json_t *line = json_array();
	if ((size_t)(w->end - w->p) / 16 < n)
		w->ok = false;
	for (uint32_t i = 0; line && w->ok && i < n; i++) {
		double x = wkb_f64(w), y = wkb_f64(w);
		json_array_append_new(line, json_pack("[ff]", x, y));
	}
	return line;
}

json_t *pst_wkb_geometry(const unsigned char *p, size_t n, bool empty)
{
	wkb w = { p, p + n, true, true };
	uint32_t type = wkb_header(&w);
	json_t *geom = NULL;
	if (type == 1) {
		double x = wkb_f64(&w), y = wkb_f64(&w);
		if (empty || (isnan(x) && isnan(y))) /* an empty point */
			return w.ok ? json_null() : NULL;
		geom = json_pack("{s:s, s:[ff]}", "type", "Point", "coordinates", x, y);
	} else if (type == 2) {
		geom = json_pack("{s:s, s:o}", "type", "LineString", "coordinates",
		                 wkb_positions(&w, wkb_u32(&w)));
	} else if (type == 5) {
		uint32_t parts = wkb_u32(&w);
		json_t *lines = json_array();
		for (uint32_t i = 0; lines && w.ok && i < parts; i++) {
			if (wkb_header(&w) != 2)
				w.ok = false;
			else
				json_array_append_new(lines, wkb_positions(&w, wkb_u32(&w)));
		}
		geom = json_pack("{s:s, s:o}", "type", "MultiLineString", "coordinates", lines);
	} else {
		static const char *const names[] = { "Geometry", "Point", "LineString", "Polygon",
			                             "MultiPoint", "MultiLineString", "MultiPolygon",
			                             "GeometryCollection" };
		const char *name = type % 1000 < 8 ? names[type % 1000] : "Geometry";
		geom = json_pack("{s:s}", "type", name);
	}
	if (!w.ok) {
		json_decref(geom);
		return NULL;
	}
	return geom;
}

/*
 * The geometry as the JSON a GeoJSON file would hold: null for NULL, an
 * object with "type" (and "coordinates" for the types posture reads), or
 * NULL when the blob is not valid GeoPackage binary.
 */
static json_t *decode_geometry(const unsigned char *blob, size_t n, bool is_null)
{
	if (is_null)
		return json_null();
	if (n < 8 || blob[0] != 'G' || blob[1] != 'P' || blob[2] != 0)
		return NULL;
	unsigned flags = blob[3], envelope = (flags >> 1) & 7;
	static const size_t env_size[] = { 0, 32, 48, 48, 64 };
	if (envelope > 4 || (flags & 0x20) || n < 8 + env_size[envelope])
		return NULL;
	size_t head = 8 + env_size[envelope];
	return pst_wkb_geometry(blob + head, n - head, flags & 0x10);
}

/* --- rows ---------------------------------------------------------------------- */

/* An SQLite value as JSON (NULL: absent; numbers stay numbers). */
static json_t *column_json(const pst_sql_value *v, const char *name)
{
	switch (v->type) {
	case SQLITE_NULL: return NULL;
	case SQLITE_INTEGER: return json_integer(v->i);
	case SQLITE_FLOAT: return json_real(v->d);
	default: break;
	}
	const char *text = (const char *)v->p;
	size_t n = v->n;
	json_t *j = NULL;
	if (!strcmp(name, "countries")) /* a JSON array of two codes, as in GeoJSON */
		j = json_loadb(text, n, 0, NULL);
	if (!j)
		j = json_stringn(text, n);
	return j ? j : json_false(); /* not UTF-8 (or NUL inside): "must be a string" */
}

typedef struct {
	const char *text;  /* pooled, when the value is clean text (then json is NULL) */
	json_t *json;      /* otherwise its JSON (column_json), or NULL when NULL */
} cite_value;

typedef struct {
	cite_value v[3];   /* source, locator, quote */
} cite_row;

/* The statements of a table_reader as pst_sql_ahead knows them. */
enum { ROWS, CITES };

typedef struct {
	gpkg *g;
	const char *table;
	sqlite3_stmt *rows;   /* fid, geom, then the columns present */
	int col_of[16];       /* per entry of columns[]: its index in rows, or -1 */
	sqlite3_stmt *cites;  /* feature_fid, source, locator, quote; by fid, seq */
	pst_sql_ahead *ahead; /* while the rows are read: rows and cites, stepped ahead */
	const pst_sql_value *row, *cite; /* their current rows */
	bool cite_row;        /* cites is on a row not yet used */
	bool has_cites_table;
	cite_row *row_cites;  /* the current row's citations */
	size_t n_row_cites, cap_row_cites;
	pst_row_cite *fast_cites;
	size_t cap_fast_cites;
	pst_known_texts known; /* citation texts met lately */
	pst_known_texts known_cols; /* and the values of the columns that repeat (kind, ...) */
	bool out_of_memory;    /* set by row_values */
} table_reader;

/*
 * Citation column @p i of r->cites interned in @p l's pool when it is clean
 * text (*is_text set), else NULL (*is_text false: absent or for the full check;
 * true: out of memory).
 */
static const char *cite_text(table_reader *r, pst_layer *l, int i, bool *is_text)
{
	*is_text = false;
	if (r->cite[i].type != SQLITE_TEXT)
		return NULL;
	return pst_known_text(&r->known, l->pool, r->cite[i].p, r->cite[i].n, is_text);
}

/* Step the citations: r->cite_row says whether there is a row, r->cite is it. */
static int next_citation(table_reader *r)
{
	int step = pst_sql_ahead_step(r->ahead, CITES);
	r->cite_row = step == SQLITE_ROW;
	r->cite = r->cite_row ? pst_sql_ahead_row(r->ahead, CITES) : NULL;
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return read_error(r->g, "posture_citations", "cannot read the citations",
		                  pst_sql_ahead_errcode(r->ahead, CITES),
		                  pst_sql_ahead_errmsg(r->ahead, CITES));
	return POSTURE_OK;
}

/* The citations of feature @p fid, from the merge-joined citations cursor, into r->row_cites. */
static int read_citations(table_reader *r, pst_layer *l, sqlite3_int64 fid)
{
	r->n_row_cites = 0;
	while (r->cite_row && r->cite[0].i <= fid) {
		if (r->cite[0].i == fid) {
			if (pst_grow((void **)&r->row_cites, &r->cap_row_cites, r->n_row_cites + 1,
			             sizeof(cite_row)))
				return POSTURE_ENOMEM;
			cite_row *c = &r->row_cites[r->n_row_cites++];
			static const char *const keys[] = { "id", "locator", "quote" };
			for (int k = 0; k < 3; k++) {
				bool text;
				c->v[k].text = cite_text(r, l, k + 1, &text);
				c->v[k].json = text ? NULL : column_json(&r->cite[k + 1], keys[k]);
				if (text && !c->v[k].text)
					return POSTURE_ENOMEM;
			}
		}
		int rc = next_citation(r);
		if (rc != POSTURE_OK)
			return rc;
	}
	return POSTURE_OK;
}

static void drop_citations(table_reader *r)
{
	for (size_t i = 0; i < r->n_row_cites; i++)
		for (int k = 0; k < 3; k++)
			json_decref(r->row_cites[i].v[k].json);
	r->n_row_cites = 0;
}

/* The current row's citations as the GeoJSON "sources" member. */
static int row_citations(table_reader *r, json_t *props)
{
	if (!r->n_row_cites)
		return POSTURE_OK;
	json_t *list = json_array();
	for (size_t i = 0; list && i < r->n_row_cites; i++) {
		json_t *c = json_object();
		static const char *const keys[] = { "id", "locator", "quote" };
		for (int k = 0; c && k < 3; k++) {
			const cite_value *v = &r->row_cites[i].v[k];
			json_t *j = v->text ? json_string(v->text) : json_incref(v->json);
			if (j)
				json_object_set_new_nocheck(c, keys[k], j);
		}
		if (!c || json_array_append_new(list, c)) {
			json_decref(list);
			return POSTURE_ENOMEM;
		}
	}
	if (!list)
		return POSTURE_ENOMEM;
	json_object_set_new_nocheck(props, "sources", list);
	return POSTURE_OK;
}

/* Row as a GeoJSON Feature; *bad_geom when its blob is not GeoPackage binary. */
static json_t *row_feature(table_reader *r, bool *bad_geom)
{
	const pst_sql_value *row = r->row;
	json_t *props = json_object();
	for (int k = 0; props && columns[k]; k++) {
		json_t *v = r->col_of[k] >= 0 ? column_json(&row[r->col_of[k]], columns[k]) : NULL;
		if (v)
			json_object_set_new_nocheck(props, columns[k], v);
	}
	bool is_null = row[1].type == SQLITE_NULL;
	json_t *geom = decode_geometry(row[1].p, row[1].n, is_null);
	*bad_geom = !geom;
	json_t *f = json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry",
	                      geom ? geom : json_null(), "properties", props);
	return f;
}

/*
 * The current row as a pst_row, for the fast check: false when some value
 * is not clean text or the geometry is not a plain point or empty (the full
 * check then says what is wrong).  The columns whose values repeat from row
 * to row are interned in @p l's pool on the way (through r->known_cols, so a
 * value met lately is neither checked nor hashed again); the id and the
 * name are checked in place (in the copy of the row read ahead).
 */
static bool row_values(table_reader *r, pst_layer *l, pst_row *row)
{
	const pst_sql_value *vals = r->row;
	memset(row, 0, sizeof(*row));
	const char **field[] = { &row->id, &row->name, &row->kind, &row->precision, &row->country,
		                 &row->operator_, &row->status, &row->date, &row->date_basis, NULL,
		                 NULL, &row->note };
	static const bool repeats[] = { false, false, true, true, true, true, true, true, true,
		                        false, false, true };
	for (int k = 0; columns[k]; k++) {
		int i = r->col_of[k];
		if (i < 0)
			continue;
		const pst_sql_value *v = &vals[i];
		if (v->type == SQLITE_NULL)
			continue;
		if (!field[k] || v->type != SQLITE_TEXT)
			return false; /* a border column, or not text */
		const unsigned char *t = v->p;
		size_t n = v->n;
		if (repeats[k]) {
			bool plain;
			*field[k] = pst_known_text(&r->known_cols, l->pool, t, n, &plain);
			if (!*field[k]) {
				r->out_of_memory = plain;
				return false;
			}
		} else {
			if (!pst_cell_plain(t, n))
				return false;
			*field[k] = (const char *)t;
		}
	}
	row->interned = true;
	const unsigned char *blob = vals[1].p;
	size_t n = vals[1].n;
	if (vals[1].type == SQLITE_NULL) {
		row->geom_null = true;
	} else {
		/* GP, version 0, little-endian, no envelope or a 2D one, then a WKB Point. */
		if (n < 8 || blob[0] != 'G' || blob[1] != 'P' || blob[2] != 0 || (blob[3] & 0x20))
			return false;
		unsigned envelope = (blob[3] >> 1) & 7;
		size_t at = 8 + (envelope == 1 ? 32 : envelope == 0 ? 0 : n);
		if (at + 21 != n || blob[at] != 1 || memcmp(blob + at + 1, "\1\0\0\0", 4) != 0)
			return false;
		memcpy(&row->lon, blob + at + 5, 8); /* little-endian doubles, as on this machine */
		memcpy(&row->lat, blob + at + 13, 8);
		if (blob[3] & 0x10 || (isnan(row->lon) && isnan(row->lat)))
			row->geom_null = true;
	}
	if (r->n_row_cites > r->cap_fast_cites &&
	    pst_grow((void **)&r->fast_cites, &r->cap_fast_cites, r->n_row_cites,
	             sizeof(pst_row_cite)))
		return false;
	for (size_t i = 0; i < r->n_row_cites; i++) {
		const cite_value *v = r->row_cites[i].v;
		if (!v[0].text || !v[1].text || !v[2].text)
			return false;
		r->fast_cites[i] = (pst_row_cite){ v[0].text, v[1].text, v[2].text };
	}
	row->cites = r->fast_cites;
	row->n_cites = r->n_row_cites;
	return true;
}

/* Which columns the table has; unknown and missing ones are errors at the table. */
static int table_columns(table_reader *r, pst_layer_type type, const char *geom_col, int *n_err)
{
	char *sql = sqlite3_mprintf("PRAGMA table_info(\"%w\")", r->table);
	sqlite3_stmt *st = NULL;
	int rc = sql && sqlite3_prepare_v2(r->g->db, sql, -1, &st, NULL) == SQLITE_OK
	                 ? POSTURE_OK
	                 : db_error(r->g, r->table, "cannot read its columns");
	sqlite3_free(sql);
	for (int k = 0; columns[k]; k++)
		r->col_of[k] = -2; /* -2: not in the table */
	const char *const *allowed = pst_layer_props(type);
	char where[512];
	snprintf(where, sizeof(where), "%s:%s", r->g->path, r->table);
	while (rc == POSTURE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		if (!name || !strcmp(name, "fid") || !strcmp(name, geom_col))
			continue;
		int k = 0;
		while (columns[k] && strcmp(columns[k], name) != 0)
			k++;
		if (!columns[k] || !pst_word_in(name, allowed) || !strcmp(name, "sources")) {
			pst_diag(r->g->ctx, POSTURE_ERROR, POSTURE_EDATA, where, 0, 0,
			         "unknown column '%s' (the table of a%s %s layer has the columns fid, "
			         "%s, %s)", name, type == PST_LAYER_INCIDENTS ? "n" : "",
			         pst_layer_type_name(type), geom_col, pst_layer_columns(type));
			(*n_err)++;
			continue;
		}
		r->col_of[k] = -1; /* present; its index in the SELECT comes below */
	}
	sqlite3_finalize(st);
	for (int k = 0; rc == POSTURE_OK && columns[k]; k++) {
		if (r->col_of[k] == -2 && pst_word_in(columns[k], allowed) &&
		    strcmp(columns[k], "sources") != 0) {
			pst_diag(r->g->ctx, POSTURE_ERROR, POSTURE_EDATA, where, 0, 0,
			         "the table has no column '%s' (the table of a%s %s layer has the "
			         "columns fid, %s, %s)", columns[k], type == PST_LAYER_INCIDENTS ? "n" : "",
			         pst_layer_type_name(type), geom_col, pst_layer_columns(type));
			(*n_err)++;
		}
	}
	return rc;
}

/* The table's geometry column, checked against gpkg_geometry_columns. */
static int table_geometry(table_reader *r, pst_layer_type type, char *geom_col, size_t n,
                          int *n_err)
{
	sqlite3_stmt *st = NULL;
	char where[512];
	snprintf(where, sizeof(where), "%s:%s", r->g->path, r->table);
	if (sqlite3_prepare_v2(r->g->db, "SELECT column_name, geometry_type_name, srs_id FROM "
	                       "gpkg_geometry_columns WHERE table_name = ?", -1, &st,
	                       NULL) != SQLITE_OK)
		return db_error(r->g, r->table, "cannot read gpkg_geometry_columns");
	sqlite3_bind_text(st, 1, r->table, -1, SQLITE_STATIC);
	int rc = POSTURE_OK;
	if (sqlite3_step(st) != SQLITE_ROW) {
		pst_diag(r->g->ctx, POSTURE_ERROR, POSTURE_EDATA, where, 0, 0,
		         "the table has no entry in gpkg_geometry_columns");
		(*n_err)++;
		rc = POSTURE_EDATA;
	} else {
		const char *col = (const char *)sqlite3_column_text(st, 0);
		const char *gt = (const char *)sqlite3_column_text(st, 1);
		int srs = sqlite3_column_int(st, 2);
		snprintf(geom_col, n, "%s", col ? col : "geom");
		const char *want = type == PST_LAYER_BORDERS ? "MULTILINESTRING" : "POINT";
		bool ok = gt && (!sqlite3_stricmp(gt, want) || !sqlite3_stricmp(gt, "GEOMETRY") ||
		                 (type == PST_LAYER_BORDERS && !sqlite3_stricmp(gt, "LINESTRING")));
		if (!ok) {
			pst_diag(r->g->ctx, POSTURE_ERROR, POSTURE_EDATA, where, 0, 0,
			         "geometry type is %s; the table of a%s %s layer holds %s",
			         gt ? gt : "(none)", type == PST_LAYER_INCIDENTS ? "n" : "",
			         pst_layer_type_name(type), type == PST_LAYER_BORDERS ?
			         "LINESTRING or MULTILINESTRING" : "POINT");
			(*n_err)++;
			rc = POSTURE_EDATA;
		} else if (srs != 4326) {
			pst_diag(r->g->ctx, POSTURE_ERROR, POSTURE_EDATA, where, 0, 0,
			         "geometry is in srs_id %d; posture reads WGS 84 longitude/latitude "
			         "(srs_id 4326)", srs);
			(*n_err)++;
			rc = POSTURE_EDATA;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static bool has_table(gpkg *g, const char *name)
{
	sqlite3_stmt *st = NULL;
	bool yes = sqlite3_prepare_v2(g->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' "
	                              "AND name = ?", -1, &st, NULL) == SQLITE_OK &&
	           sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
	           sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

static int prepare_reads(table_reader *r, const char *geom_col)
{
	pst_buf sql;
	pst_buf_init(&sql);
	char *head = sqlite3_mprintf("SELECT fid, \"%w\"", geom_col);
	pst_buf_puts(&sql, head ? head : "");
	sqlite3_free(head);
	int next = 2;
	for (int k = 0; columns[k]; k++) {
		if (r->col_of[k] != -1) {
			r->col_of[k] = -1;
			continue;
		}
		pst_buf_printf(&sql, ", \"%s\"", columns[k]);
		r->col_of[k] = next++;
	}
	char *from = sqlite3_mprintf(" FROM \"%w\" ORDER BY fid", r->table);
	pst_buf_puts(&sql, from ? from : "");
	sqlite3_free(from);
	int rc = sql.failed || !from ? pst_error(r->g->ctx, POSTURE_ENOMEM, r->g->path, "out of memory")
	         : sqlite3_prepare_v2(r->g->db, sql.data, -1, &r->rows, NULL) != SQLITE_OK
	             ? db_error(r->g, r->table, "cannot read its rows")
	             : POSTURE_OK;
	pst_buf_free(&sql);
	r->has_cites_table = has_table(r->g, "posture_citations");
	if (rc == POSTURE_OK && r->has_cites_table) {
		if (sqlite3_prepare_v2(r->g->db, "SELECT feature_fid, source, locator, quote FROM "
		                       "posture_citations WHERE table_name = ? ORDER BY feature_fid, "
		                       "seq", -1, &r->cites, NULL) != SQLITE_OK)
			return db_error(r->g, "posture_citations", "cannot read the citations");
		sqlite3_bind_text(r->cites, 1, r->table, -1, SQLITE_STATIC);
	}
	return rc;
}

/* The current row checked the long way: as the GeoJSON feature it stands for. */
static int check_row_json(table_reader *r, pst_layer *l, pst_feature *ft, pst_checker *c,
                          const pst_georef *geo, const posture_data *data)
{
	bool bad_geom;
	json_t *jf = row_feature(r, &bad_geom);
	json_t *props = jf ? json_object_get(jf, "properties") : NULL;
	int rc = props ? row_citations(r, props) : POSTURE_ENOMEM;
	if (rc == POSTURE_OK && bad_geom) {
		pst_check_error(c, "", false, "the geometry is not GeoPackage binary (or is "
		                "cut short)");
		/* Checked on as unplaced, so the one problem is reported once. */
		json_object_set_new(jf, "geometry", json_null());
		json_object_set_new(props, "precision", json_string("unplaced"));
	}
	if (rc == POSTURE_OK)
		rc = pst_layer_check_feature(c, l, ft, jf, geo, data);
	json_decref(jf);
	int prc = pst_layer_pool_feature(l, ft);
	return rc == POSTURE_OK ? prc : rc;
}

/*
 * Check every row of the table into l->features.  A row that passes every
 * check as plain values (pst_layer_row_feature) becomes a feature directly;
 * any other goes through the JSON checks GeoJSON features go through, so
 * the messages are the same.
 */
static int read_rows(table_reader *r, pst_layer *l, const pst_georef *geo,
                     const posture_data *data, int *n_errors)
{
	size_t cap = 0, cap_hashes = 0;
	int rc = POSTURE_OK, step;
	char where[600];
	pst_checker c = { .ctx = r->g->ctx, .path = where };
	sqlite3_int64 last_fid = 0;
	pst_row_cache cache;
	if (pst_row_cache_init(&cache, data) != POSTURE_OK)
		return pst_error(r->g->ctx, POSTURE_ENOMEM, r->g->path, "out of memory");
	sqlite3_stmt *const stmts[] = { r->rows, r->cites };
	if (!(r->ahead = pst_sql_ahead_start(r->g->db, stmts, r->cites ? 2 : 1))) {
		pst_row_cache_free(&cache);
		return pst_error(r->g->ctx, POSTURE_ENOMEM, r->g->path, "out of memory");
	}
	if (r->cites && (rc = next_citation(r)) != POSTURE_OK) { /* its first row, before any */
		pst_sql_ahead_stop(r->ahead);
		r->ahead = NULL;
		pst_row_cache_free(&cache);
		return rc;
	}
	step = SQLITE_DONE;
	while (rc == POSTURE_OK && (step = pst_sql_ahead_step(r->ahead, ROWS)) == SQLITE_ROW) {
		r->row = pst_sql_ahead_row(r->ahead, ROWS);
		sqlite3_int64 fid = r->row[0].i;
		last_fid = fid;
		if (l->n_features >= PST_MAX_GPKG_FEATURES) {
			snprintf(where, sizeof(where), "%s:%s:fid %lld", r->g->path, r->table,
			         (long long)fid);
			rc = pst_diag(r->g->ctx, POSTURE_ERROR, POSTURE_EDATA, where, 0, 0, "more than %d "
			              "rows in one table", PST_MAX_GPKG_FEATURES);
			(*n_errors)++;
			break;
		}
		if (pst_grow((void **)&l->features, &cap, l->n_features + 1, sizeof(pst_feature)) ||
		    pst_grow((void **)&l->id_hashes, &cap_hashes, l->n_features + 1, sizeof(size_t))) {
			rc = POSTURE_ENOMEM;
			break;
		}
		pst_prefault_next(l->features, l->n_features, cap, sizeof(pst_feature));
		pst_prefault_next(l->id_hashes, l->n_features, cap_hashes, sizeof(size_t));
		pst_feature *ft = &l->features[l->n_features];
		memset(ft, 0, sizeof(*ft));
		rc = read_citations(r, l, fid);
		pst_row row;
		bool passed = false;
		if (rc == POSTURE_OK && row_values(r, l, &row))
			rc = pst_layer_row_feature(l, ft, &row, geo, data, &cache, &passed);
		if (r->out_of_memory)
			rc = POSTURE_ENOMEM;
		if (rc == POSTURE_OK && !passed) {
			snprintf(where, sizeof(where), "%s:%s:fid %lld", r->g->path, r->table,
			         (long long)fid);
			memset(ft, 0, sizeof(*ft));
			rc = check_row_json(r, l, ft, &c, geo, data);
		}
		drop_citations(r);
		l->id_hashes[l->n_features] = ft->id ? pst_id_hash(ft->id) : 0; /* while it is hot */
		l->n_features++;
		ft->line = (int)(fid > INT32_MAX ? INT32_MAX : fid); /* where: table:fid */
		ft->column = 0;
		ft->id_line = ft->line;
		ft->id_column = 0;
		for (size_t k = 0; k < ft->n_cites; k++)
			ft->cites[k].line = ft->line, ft->cites[k].column = 0;
	}
	pst_row_cache_free(&cache);
	if (rc == POSTURE_OK && step == SQLITE_NOMEM)
		rc = POSTURE_ENOMEM; /* a copy failed (or SQLite's memory) */
	if (rc == POSTURE_OK && step != SQLITE_DONE) {
		char at[600];
		snprintf(at, sizeof(at), "%s:%s:fid %lld", r->g->path, r->table, (long long)last_fid);
		rc = pst_diag(r->g->ctx, POSTURE_ERROR, POSTURE_EDATA, at, 0, 0,
		              "cannot read the row after this one: %s (the file is truncated or "
		              "damaged)", pst_sql_ahead_errmsg(r->ahead, ROWS));
	}
	if (rc == POSTURE_OK && r->cite_row) {
		snprintf(where, sizeof(where), "%s:posture_citations", r->g->path);
		pst_diag(r->g->ctx, POSTURE_ERROR, POSTURE_EDATA, where, 0, 0, "a citation of table "
		         "'%s' names feature fid %lld, which is not in it", r->table,
		         (long long)r->cite[0].i);
		(*n_errors)++;
	}
	pst_sql_ahead_stop(r->ahead);
	r->ahead = NULL;
	if (rc == POSTURE_ENOMEM)
		return pst_error(r->g->ctx, POSTURE_ENOMEM, r->g->path, "out of memory");
	*n_errors += c.n_errors + (rc == POSTURE_EDATA); /* a damaged row or citation is one */
	return rc == POSTURE_EDATA ? POSTURE_OK : rc;
}

int pst_gpkg_read_layer(pst_layer *l, posture_ctx *ctx, const char *path, const char *table,
                        const pst_georef *geo, const posture_data *data, int *n_errors)
{
	gpkg g;
	int rc = gpkg_open(&g, ctx, path);
	if (rc != POSTURE_OK) {
		if (rc == POSTURE_EDATA)
			(*n_errors)++;
		return rc == POSTURE_EDATA ? POSTURE_OK : rc;
	}
	table_reader r = { .g = &g, .table = table };
	if (!l->pool && !(l->pool = pst_pool_new())) {
		gpkg_close(&g);
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	}
	char geom_col[128] = "geom";
	int before = *n_errors;
	rc = table_geometry(&r, l->type, geom_col, sizeof(geom_col), n_errors);
	if (rc == POSTURE_OK)
		rc = table_columns(&r, l->type, geom_col, n_errors);
	if (rc == POSTURE_OK && *n_errors == before)
		rc = prepare_reads(&r, geom_col);
	if (rc == POSTURE_OK && *n_errors == before)
		rc = read_rows(&r, l, geo, data, n_errors);
	sqlite3_finalize(r.rows);
	sqlite3_finalize(r.cites);
	drop_citations(&r);
	free(r.row_cites);
	free(r.fast_cites);
	gpkg_close(&g);
	if (rc == POSTURE_EDATA) {
		if (*n_errors == before)
			(*n_errors)++;
		rc = POSTURE_OK;
	}
	return rc;
}
