/*
 * pg_write.c — loading validated layers into PostgreSQL/PostGIS
 * (`posture export --to pg:TABLE`).
 *
 * The tables are what pg.c reads back: per table the columns fid (bigint
 * primary key), geom (geometry(Point, 4326), or MultiLineString for
 * borders, with a GiST index) and the layer's properties as text
 * (length_km_reported double precision, countries a JSON array as text);
 * every citation is a row of posture_citations (table_name, feature_fid,
 * seq, source, locator, quote), as in a GeoPackage.
 *
 * Everything happens in one transaction: the tables are created, the rows
 * copied in with COPY (text format; coordinates written with 17 digits, so
 * they come back as the same doubles), the index built; an error anywhere
 * rolls it all back, so the database is as it was.  An existing table is
 * an error unless the caller asks to replace it, which then happens in the
 * same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "pg.h"
#include "posture/data.h"

typedef struct {
	posture_ctx *ctx;
	const char *where;  /* "pg:TABLE" (the table being loaded), for messages */
	char table_at[160]; /* where, for a table of a "pg:" load */
	PGconn *conn;
	pst_buf line;       /* the COPY line being built */
} loader;

static int fail(loader *w, PGresult *res, const char *what)
{
	int rc = pst_pg_error(w->ctx, w->where, w->conn, res, what, PST_PG_DEFAULT_TIMEOUT);
	PQclear(res);
	return rc == POSTURE_EDATA ? POSTURE_EIO : rc;
}

static int exec_sql(loader *w, const char *sql, int n, const char *const *params,
                    const char *what)
{
	PGresult *res = PQexecParams(w->conn, sql, n, NULL, params, NULL, NULL, 0);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
		return fail(w, res, what);
	PQclear(res);
	return POSTURE_OK;
}

/* A COPY text field: backslash, tab, newline and return escaped; NULL as \N. */
static void put_field(pst_buf *b, const char *s, bool first)
{
	if (!first)
		pst_buf_puts(b, "\t");
	if (!s) {
		pst_buf_puts(b, "\\N");
		return;
	}
	for (const char *p = s; *p; p++) {
		const char *esc = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" : *p == '\n' ? "\\n"
		                  : *p == '\r' ? "\\r" : NULL;
		if (esc)
			pst_buf_puts(b, esc);
		else
			pst_buf_add(b, p, 1);
	}
}

/* The feature's geometry as EWKT (NULL when it has none): exact to the double. */
static void put_geometry(pst_buf *b, const pst_feature *f)
{
	pst_buf_puts(b, "\t");
	if (f->has_point) {
		pst_buf_printf(b, "SRID=4326;POINT(%.17g %.17g)", f->lon, f->lat);
		return;
	}
	if (!f->n_lines) {
		pst_buf_puts(b, "\\N");
		return;
	}
	pst_buf_puts(b, "SRID=4326;MULTILINESTRING(");
	size_t k = 0;
	for (size_t i = 0; i < f->n_lines; i++) {
		pst_buf_puts(b, i ? ",(" : "(");
		for (size_t first = k; k < f->line_end[i]; k++)
			pst_buf_printf(b, "%s%.17g %.17g", k > first ? "," : "", f->line_xy[2 * k],
			               f->line_xy[2 * k + 1]);
		pst_buf_puts(b, ")");
	}
	pst_buf_puts(b, ")");
}

/* Send what w->line holds to the COPY in progress. */
static int send_line(loader *w)
{
	pst_buf_puts(&w->line, "\n");
	if (w->line.failed)
		return pst_error(w->ctx, POSTURE_ENOMEM, w->where, "out of memory");
	if (PQputCopyData(w->conn, w->line.data, (int)w->line.len) != 1)
		return fail(w, NULL, "copying the rows");
	w->line.len = 0;
	return POSTURE_OK;
}

static int begin_copy(loader *w, const char *sql)
{
	PGresult *res = PQexec(w->conn, sql);
	if (!res || PQresultStatus(res) != PGRES_COPY_IN)
		return fail(w, res, "copying the rows");
	PQclear(res);
	return POSTURE_OK;
}

static int end_copy(loader *w, int rc)
{
	if (PQputCopyEnd(w->conn, rc == POSTURE_OK ? NULL : "posture stopped") != 1 &&
	    rc == POSTURE_OK)
		rc = fail(w, NULL, "copying the rows");
	PGresult *res;
	while ((res = PQgetResult(w->conn))) {
		if (rc == POSTURE_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
			rc = fail(w, res, "copying the rows");
			continue;
		}
		PQclear(res);
	}
	return rc;
}

/* "incidents-2019" as a table name: incidents_2019. */
static char *table_of(const pst_layer *l)
{
	char *t = pst_strdup(l->name);
	for (char *p = t; p && *p; p++)
		if (*p == '-' || *p == '.')
			*p = '_';
	return t;
}

static int create_table(loader *w, const char *table, pst_layer_type type, bool replace)
{
	snprintf(w->table_at, sizeof(w->table_at), "pg:%s", table);
	w->where = w->table_at;
	char *q = PQescapeIdentifier(w->conn, table, strlen(table));
	if (!q)
		return pst_error(w->ctx, POSTURE_ENOMEM, w->where, "out of memory");
	pst_buf sql;
	pst_buf_init(&sql);
	if (replace)
		pst_buf_printf(&sql, "DROP TABLE IF EXISTS %s; ", q);
	pst_buf_printf(&sql, "CREATE TABLE %s (fid bigint PRIMARY KEY, geom geometry(%s, 4326)", q,
	               type == PST_LAYER_BORDERS ? "MultiLineString" : "Point");
	char cols[256];
	snprintf(cols, sizeof(cols), "%s", pst_layer_columns(type));
	char *save = NULL;
	for (char *c = strtok_r(cols, ", ", &save); c; c = strtok_r(NULL, ", ", &save))
		pst_buf_printf(&sql, ", %s %s", c, !strcmp(c, "length_km_reported") ? "double precision"
		               : !strcmp(c, "id") ? "text NOT NULL UNIQUE" : "text");
	pst_buf_puts(&sql, ")");
	PQfreemem(q);
	if (sql.failed) {
		pst_buf_free(&sql);
		return pst_error(w->ctx, POSTURE_ENOMEM, w->where, "out of memory");
	}
	PGresult *res = PQexec(w->conn, sql.data);
	int rc = POSTURE_OK;
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		if (state && !strcmp(state, "42P07")) {
			PQclear(res);
			rc = pst_error(w->ctx, POSTURE_EIO, w->where, "table '%s' already exists in "
			               "database '%s' (--replace replaces it)", table, PQdb(w->conn));
		} else {
			rc = fail(w, res, "creating the table");
		}
	} else {
		PQclear(res);
		const char *p[1] = { table };
		rc = exec_sql(w, "DELETE FROM posture_citations WHERE table_name = $1", 1, p,
		              "clearing its citations");
	}
	pst_buf_free(&sql);
	return rc;
}

/* COPY the features of @p l into @p table, fids from *fid on. */
static int copy_rows(loader *w, const pst_layer *l, const char *table, long long *fid)
{
	char *q = PQescapeIdentifier(w->conn, table, strlen(table));
	char *sql = q ? pst_asprintf("COPY %s (fid, geom, %s) FROM STDIN", q,
	                             pst_layer_columns(l->type)) : NULL;
	PQfreemem(q);
	if (!sql)
		return pst_error(w->ctx, POSTURE_ENOMEM, w->where, "out of memory");
	int rc = begin_copy(w, sql);
	free(sql);
	char cols[256], buf[64];
	snprintf(cols, sizeof(cols), "%s", pst_layer_columns(l->type));
	const char *col[16];
	size_t n_cols = 0;
	char *save = NULL;
	for (char *c = strtok_r(cols, ", ", &save); c && n_cols < 16; c = strtok_r(NULL, ", ", &save))
		col[n_cols++] = c;
	long long first = *fid;
	for (size_t i = 0; rc == POSTURE_OK && i < l->n_features; i++) {
		const pst_feature *f = &l->features[i];
		pst_buf_printf(&w->line, "%lld", first + (long long)i);
		put_geometry(&w->line, f);
		for (size_t k = 0; k < n_cols; k++)
			put_field(&w->line, pst_export_cell(f, col[k], buf, sizeof(buf)), false);
		rc = send_line(w);
	}
	rc = end_copy(w, rc);
	if (rc == POSTURE_OK)
		rc = begin_copy(w, "COPY posture_citations (table_name, feature_fid, seq, source, "
		                "locator, quote) FROM STDIN");
	for (size_t i = 0; rc == POSTURE_OK && i < l->n_features; i++) {
		const pst_feature *f = &l->features[i];
		for (size_t c = 0; rc == POSTURE_OK && c < f->n_cites; c++) {
			put_field(&w->line, table, true);
			pst_buf_printf(&w->line, "\t%lld\t%zu", first + (long long)i, c + 1);
			put_field(&w->line, f->cites[c].source_id, false);
			put_field(&w->line, f->cites[c].locator, false);
			put_field(&w->line, f->cites[c].quote, false);
			rc = send_line(w);
		}
	}
	rc = end_copy(w, rc);
	*fid = first + (long long)l->n_features;
	return rc;
}

static int finish_table(loader *w, const char *table)
{
	char *q = PQescapeIdentifier(w->conn, table, strlen(table));
	char *sql = q ? pst_asprintf("CREATE INDEX ON %s USING gist (geom); ANALYZE %s", q, q) : NULL;
	PQfreemem(q);
	if (!sql)
		return pst_error(w->ctx, POSTURE_ENOMEM, w->where, "out of memory");
	PGresult *res = PQexec(w->conn, sql);
	free(sql);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
		return fail(w, res, "indexing the table");
	PQclear(res);
	return POSTURE_OK;
}

/* Load layer @p i (and, into one named table, every later layer of its type). */
static int load_layers(loader *w, const posture_data *d, const char *table, bool replace,
                       size_t *n_tables)
{
	int rc = POSTURE_OK;
	pst_layer_type want;
	if (table) {
		char *word = pst_strdup(table);
		for (char *p = word; p && *p; p++)
			if (*p == '_')
				*p = '-';
		bool known = word && pst_layer_type_from_name(&want, word);
		free(word);
		if (!known)
			return pst_error(w->ctx, POSTURE_EUSAGE, w->where, "cannot tell which layer table "
			                 "'%s' is: its name starts with bases, borders, incidents or places "
			                 "(like incidents or incidents_2024)", table);
		long long fid = 1;
		bool created = false;
		for (size_t i = 0; rc == POSTURE_OK && i < d->n_layers; i++) {
			if (d->layers[i].type != want)
				continue;
			if (!created)
				rc = create_table(w, table, want, replace);
			created = true;
			if (rc == POSTURE_OK)
				rc = copy_rows(w, &d->layers[i], table, &fid);
		}
		if (!created)
			return pst_error(w->ctx, POSTURE_EUSAGE, w->where, "the data holds no %s layer to "
			                 "load into table '%s'", pst_layer_type_name(want), table);
		*n_tables = 1;
		return rc == POSTURE_OK ? finish_table(w, table) : rc;
	}
	for (size_t i = 0; rc == POSTURE_OK && i < d->n_layers; i++) {
		char *t = table_of(&d->layers[i]);
		long long fid = 1;
		if (!t)
			return pst_error(w->ctx, POSTURE_ENOMEM, w->where, "out of memory");
		rc = create_table(w, t, d->layers[i].type, replace);
		if (rc == POSTURE_OK)
			rc = copy_rows(w, &d->layers[i], t, &fid);
		if (rc == POSTURE_OK)
			rc = finish_table(w, t);
		free(t);
		(*n_tables)++;
	}
	return rc;
}

int posture_data_export_pg(posture_ctx *ctx, const posture_data *data, const char *target,
                           bool replace)
{
	const char *table = !strncmp(target, "pg:", 3) && target[3] ? target + 3 : NULL;
	loader w = { .ctx = ctx, .where = target };
	pst_buf_init(&w.line);
	if (strncmp(target, "pg:", 3) != 0)
		return pst_error(ctx, POSTURE_EUSAGE, target, "a PostGIS target is pg: or pg:TABLE");
	for (const char *p = table; p && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return pst_error(ctx, POSTURE_EUSAGE, target, "a table name is lower-case letters, "
			                 "digits and '_' (pg:incidents)");
	int rc = pst_pg_connect(&w.conn, ctx, target, NULL, false);
	size_t n_tables = 0;
	if (rc == POSTURE_OK)
		rc = exec_sql(&w, "SET statement_timeout = 0", 0, NULL, "starting a transaction");
	if (rc == POSTURE_OK)
		rc = exec_sql(&w, "BEGIN", 0, NULL, "starting a transaction");
	if (rc == POSTURE_OK)
		rc = exec_sql(&w, "CREATE TABLE IF NOT EXISTS posture_citations (table_name text NOT "
		              "NULL, feature_fid bigint NOT NULL, seq integer NOT NULL, source text "
		              "NOT NULL, locator text NOT NULL, quote text NOT NULL, PRIMARY KEY "
		              "(table_name, feature_fid, seq))", 0, NULL, "creating posture_citations");
	if (rc == POSTURE_OK)
		rc = load_layers(&w, data, table, replace, &n_tables);
	if (rc == POSTURE_OK)
		rc = exec_sql(&w, "COMMIT", 0, NULL, "committing");
	PQfinish(w.conn); /* without COMMIT the server rolls everything back */
	pst_buf_free(&w.line);
	return rc;
}
