/*
 * gpkg_write.c — exporting validated layers to one GeoPackage.
 *
 * The file is what gpkg.c reads back and what QGIS and GDAL open: the
 * GeoPackage core tables (gpkg_spatial_ref_sys with the three required
 * systems, gpkg_contents, gpkg_geometry_columns), one feature table per
 * layer (its name with '-' written '_', so incidents-2019 becomes
 * incidents_2019; columns fid, geom and the layer's properties), and the
 * attributes table posture_citations holding every citation (table_name,
 * feature_fid, seq, source, locator, quote).  Geometry is GeoPackage binary
 * over little-endian ISO WKB in WGS 84 (srs_id 4326).
 *
 * It is written into a temporary file beside the destination and renamed
 * over it only when complete (pst_atomic), so a failed export leaves the
 * earlier file as it was.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "export.h"
#include "layer.h"
#include "posture/data.h"

static const char wgs84_wkt[] =
	"GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,"
	"AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,"
	"AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\","
	"\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]";

static const char core_sql[] =
	"PRAGMA application_id = 1196444487;" /* 'GPKG' */
	"PRAGMA user_version = 10300;"        /* GeoPackage 1.3 */
	"PRAGMA journal_mode = OFF;"          /* a fresh temporary file: no journal needed */
	"PRAGMA synchronous = OFF;"           /* flushed once, by pst_atomic_commit */
	"BEGIN;"
	"CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,"
	" organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,"
	" definition TEXT NOT NULL, description TEXT);"
	"CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY,"
	" data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',"
	" last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
	" min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,"
	" CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));"
	"CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,"
	" geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,"
	" m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),"
	" CONSTRAINT uk_gc_table_name UNIQUE (table_name),"
	" CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),"
	" CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));"
	"INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1,"
	" 'undefined', 'undefined cartesian coordinate reference system');"
	"INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0,"
	" 'undefined', 'undefined geographic coordinate reference system');"
	"CREATE TABLE posture_citations (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
	" table_name TEXT NOT NULL, feature_fid INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" source TEXT NOT NULL, locator TEXT NOT NULL, quote TEXT NOT NULL);"
	"INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES"
	" ('posture_citations', 'attributes', 'posture_citations',"
	" 'Citations of every item: the source (a sources.json id), where in it, and its exact"
	" words');";

typedef struct {
	posture_ctx *ctx;
	const char *path;  /* the destination, for messages */
	sqlite3 *db;
	sqlite3_stmt *cite; /* INSERT INTO posture_citations */
	pst_buf blob;       /* geometry being encoded */
} writer;

static int sql_error(writer *w, const char *what)
{
	return pst_error(w->ctx, POSTURE_EIO, w->path, "cannot write the GeoPackage (%s): %s", what,
	                 sqlite3_errmsg(w->db));
}

static void put_u32(pst_buf *b, uint32_t v)
{
	unsigned char c[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
		               (unsigned char)(v >> 24) };
	pst_buf_add(b, c, 4);
}

static void put_f64(pst_buf *b, double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	unsigned char c[8];
	for (int i = 0; i < 8; i++)
		c[i] = (unsigned char)(u >> (8 * i));
	pst_buf_add(b, c, 8);
}

/* GeoPackage binary header: "GP", version 0, flags, srs 4326, optional xy envelope. */
static void put_header(pst_buf *b, const double *env)
{
	unsigned char head[4] = { 'G', 'P', 0, (unsigned char)(0x01 | (env ? 0x02 : 0)) };
	pst_buf_add(b, head, 4);
	put_u32(b, 4326);
	if (env)
		for (int i = 0; i < 4; i++)
			put_f64(b, env[i]); /* min_x, max_x, min_y, max_y */
}

static void encode_point(pst_buf *b, double lon, double lat)
{
	b->len = 0;
	put_header(b, NULL);
	pst_buf_add(b, "\x01", 1);
	put_u32(b, 1);
	put_f64(b, lon);
	put_f64(b, lat);
}

static void encode_lines(pst_buf *b, const pst_feature *f)
{
	size_t n = f->line_end[f->n_lines - 1];
	double env[4] = { HUGE_VAL, -HUGE_VAL, HUGE_VAL, -HUGE_VAL };
	for (size_t i = 0; i < n; i++) {
		env[0] = fmin(env[0], f->line_xy[2 * i]), env[1] = fmax(env[1], f->line_xy[2 * i]);
		env[2] = fmin(env[2], f->line_xy[2 * i + 1]);
		env[3] = fmax(env[3], f->line_xy[2 * i + 1]);
	}
	b->len = 0;
	put_header(b, env);
	pst_buf_add(b, "\x01", 1);
	put_u32(b, 5);
	put_u32(b, (uint32_t)f->n_lines);
	for (size_t k = 0; k < f->n_lines; k++) {
		size_t start = k ? f->line_end[k - 1] : 0;
		pst_buf_add(b, "\x01", 1);
		put_u32(b, 2);
		put_u32(b, (uint32_t)(f->line_end[k] - start));
		for (size_t i = start; i < f->line_end[k]; i++) {
			put_f64(b, f->line_xy[2 * i]);
			put_f64(b, f->line_xy[2 * i + 1]);
		}
	}
}

/* The table name of a layer: its name with '-' written '_'. */
static char *table_name(const pst_layer *l)
{
	char *t = pst_strdup(l->name);
	for (char *p = t; p && *p; p++)
		if (*p == '-' || *p == '.')
			*p = '_';
	return t;
}

static int create_table(writer *w, const pst_layer *l, const char *table)
{
	bool borders = l->type == PST_LAYER_BORDERS;
	pst_buf sql;
	pst_buf_init(&sql);
	char *head = sqlite3_mprintf("CREATE TABLE \"%w\" (fid INTEGER PRIMARY KEY AUTOINCREMENT "
	                             "NOT NULL, geom %s", table, borders ? "MULTILINESTRING" : "POINT");
	pst_buf_puts(&sql, head ? head : "");
	sqlite3_free(head);
	char cols[256];
	snprintf(cols, sizeof(cols), "%s", pst_layer_columns(l->type));
	for (char *c = strtok(cols, ", "); c; c = strtok(NULL, ", "))
		pst_buf_printf(&sql, ", %s %s", c, !strcmp(c, "length_km_reported") ? "REAL" :
		               !strcmp(c, "id") ? "TEXT NOT NULL UNIQUE" : "TEXT");
	pst_buf_puts(&sql, ")");
	int rc = sql.failed ? POSTURE_ENOMEM
	         : sqlite3_exec(w->db, sql.data, NULL, NULL, NULL) != SQLITE_OK
	             ? sql_error(w, table)
	             : POSTURE_OK;
	pst_buf_free(&sql);
	if (rc != POSTURE_OK)
		return rc;
	double env[4] = { HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL };
	for (size_t i = 0; i < l->n_features; i++) {
		const pst_feature *f = &l->features[i];
		size_t n = f->has_point ? 1 : f->n_lines ? f->line_end[f->n_lines - 1] : 0;
		for (size_t k = 0; k < n; k++) {
			double x = f->has_point ? f->lon : f->line_xy[2 * k];
			double y = f->has_point ? f->lat : f->line_xy[2 * k + 1];
			env[0] = fmin(env[0], x), env[1] = fmin(env[1], y);
			env[2] = fmax(env[2], x), env[3] = fmax(env[3], y);
		}
	}
	char *reg = sqlite3_mprintf(
		"INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, "
		"min_y, max_x, max_y, srs_id) VALUES ('%q', 'features', '%q', 'posture %s layer', "
		"%s, %s, %s, %s, 4326);"
		"INSERT INTO gpkg_geometry_columns VALUES ('%q', 'geom', '%s', 4326, 0, 0);",
		table, table, pst_layer_type_name(l->type), env[0] <= env[2] ? "?1" : "NULL",
		env[0] <= env[2] ? "?2" : "NULL", env[0] <= env[2] ? "?3" : "NULL",
		env[0] <= env[2] ? "?4" : "NULL", table, borders ? "MULTILINESTRING" : "POINT");
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	rc = reg && sqlite3_prepare_v2(w->db, reg, -1, &st, &tail) == SQLITE_OK ? POSTURE_OK
	                                                                          : sql_error(w, table);
	for (int k = 0; rc == POSTURE_OK && k < 4 && env[0] <= env[2]; k++)
		sqlite3_bind_double(st, k + 1, env[k]);
	if (rc == POSTURE_OK && sqlite3_step(st) != SQLITE_DONE)
		rc = sql_error(w, table);
	sqlite3_finalize(st);
	if (rc == POSTURE_OK && sqlite3_exec(w->db, tail, NULL, NULL, NULL) != SQLITE_OK)
		rc = sql_error(w, table);
	sqlite3_free(reg);
	return rc;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Bind property @p col of @p f at @p i. */
static void bind_property(sqlite3_stmt *st, int i, const char *col, const pst_feature *f)
{
	if (!strcmp(col, "length_km_reported")) {
		if (f->length_km_reported > 0)
			sqlite3_bind_double(st, i, f->length_km_reported);
		else
			sqlite3_bind_null(st, i);
		return;
	}
	char buf[64];
	const char *v = pst_export_cell(f, col, buf, sizeof(buf));
	if (v == buf) /* written here: SQLite keeps a copy */
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		bind_text(st, i, v);
}

static int write_rows(writer *w, const pst_layer *l, const char *table)
{
	char cols[256], names[256];
	snprintf(cols, sizeof(cols), "%s", pst_layer_columns(l->type));
	snprintf(names, sizeof(names), "%s", cols);
	const char *col[16];
	int n_cols = 0;
	for (char *c = strtok(cols, ", "); c && n_cols < 16; c = strtok(NULL, ", "))
		col[n_cols++] = c;
	pst_buf sql;
	pst_buf_init(&sql);
	char *head = sqlite3_mprintf("INSERT INTO \"%w\" (fid, geom, %s) VALUES (?1, ?2", table,
	                             names);
	pst_buf_puts(&sql, head ? head : "");
	sqlite3_free(head);
	for (int k = 0; k < n_cols; k++)
		pst_buf_printf(&sql, ", ?%d", k + 3);
	pst_buf_puts(&sql, ")");
	sqlite3_stmt *st = NULL;
	int rc = !sql.failed && sqlite3_prepare_v2(w->db, sql.data, -1, &st, NULL) == SQLITE_OK
	                 ? POSTURE_OK
	                 : sql_error(w, table);
	pst_buf_free(&sql);
	for (size_t i = 0; rc == POSTURE_OK && i < l->n_features; i++) {
		const pst_feature *f = &l->features[i];
		sqlite3_int64 fid = (sqlite3_int64)i + 1;
		sqlite3_bind_int64(st, 1, fid);
		if (f->has_point || f->n_lines) {
			if (f->has_point)
				encode_point(&w->blob, f->lon, f->lat);
			else
				encode_lines(&w->blob, f);
			if (w->blob.failed)
				return pst_error(w->ctx, POSTURE_ENOMEM, w->path, "out of memory");
			sqlite3_bind_blob(st, 2, w->blob.data, (int)w->blob.len, SQLITE_STATIC);
		} else {
			sqlite3_bind_null(st, 2);
		}
		for (int k = 0; k < n_cols; k++)
			bind_property(st, k + 3, col[k], f);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = sql_error(w, table);
		sqlite3_reset(st);
		for (size_t c = 0; rc == POSTURE_OK && c < f->n_cites; c++) {
			sqlite3_bind_text(w->cite, 1, table, -1, SQLITE_STATIC);
			sqlite3_bind_int64(w->cite, 2, fid);
			sqlite3_bind_int64(w->cite, 3, (sqlite3_int64)c + 1);
			bind_text(w->cite, 4, f->cites[c].source_id);
			bind_text(w->cite, 5, f->cites[c].locator);
			bind_text(w->cite, 6, f->cites[c].quote);
			if (sqlite3_step(w->cite) != SQLITE_DONE)
				rc = sql_error(w, "posture_citations");
			sqlite3_reset(w->cite);
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static int write_all(writer *w, const posture_data *d)
{
	sqlite3_stmt *srs = NULL;
	if (sqlite3_exec(w->db, core_sql, NULL, NULL, NULL) != SQLITE_OK)
		return sql_error(w, "core tables");
	if (sqlite3_prepare_v2(w->db, "INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', "
	                       "4326, 'EPSG', 4326, ?1, 'longitude/latitude coordinates in decimal "
	                       "degrees on the WGS 84 spheroid')", -1, &srs, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(srs, 1, wgs84_wkt, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(srs) != SQLITE_DONE) {
		sqlite3_finalize(srs);
		return sql_error(w, "gpkg_spatial_ref_sys");
	}
	sqlite3_finalize(srs);
	if (sqlite3_prepare_v2(w->db, "INSERT INTO posture_citations (table_name, feature_fid, seq, "
	                       "source, locator, quote) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1,
	                       &w->cite, NULL) != SQLITE_OK)
		return sql_error(w, "posture_citations");
	int rc = POSTURE_OK;
	for (size_t i = 0; rc == POSTURE_OK && i < d->n_layers; i++) {
		const pst_layer *l = &d->layers[i];
		char *table = table_name(l);
		if (!table)
			return pst_error(w->ctx, POSTURE_ENOMEM, w->path, "out of memory");
		for (size_t j = 0; j < i; j++) {
			char *other = table_name(&d->layers[j]);
			bool same = other && !strcmp(other, table);
			free(other);
			if (same) {
				free(table);
				return pst_error(w->ctx, POSTURE_EDATA, l->path, "two layers would be the "
				                 "GeoPackage table '%s' (names differ only in '-' and '_')",
				                 d->layers[j].name);
			}
		}
		rc = create_table(w, l, table);
		if (rc == POSTURE_OK)
			rc = write_rows(w, l, table);
		free(table);
	}
	if (rc == POSTURE_OK &&
	    sqlite3_exec(w->db, "CREATE INDEX posture_citations_feature ON posture_citations "
	                 "(table_name, feature_fid, seq); COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
		rc = sql_error(w, "commit");
	return rc;
}

int posture_data_export_gpkg(posture_ctx *ctx, const posture_data *data, const char *path)
{
	pst_atomic out;
	int rc = pst_atomic_open(&out, ctx, path);
	if (rc != POSTURE_OK)
		return rc;
	writer w = { .ctx = ctx, .path = path };
	pst_buf_init(&w.blob);
	if (sqlite3_open_v2(out.tmp_path, &w.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		rc = sql_error(&w, "open");
	if (rc == POSTURE_OK)
		rc = write_all(&w, data);
	sqlite3_finalize(w.cite);
	if (sqlite3_close(w.db) != SQLITE_OK && rc == POSTURE_OK)
		rc = pst_error(ctx, POSTURE_EIO, path, "cannot write the GeoPackage (close)");
	pst_buf_free(&w.blob);
	if (rc != POSTURE_OK) {
		pst_atomic_abort(&out);
		return rc;
	}
	return pst_atomic_commit(&out, ctx);
}
