/*
 * pg.c — layers in a PostgreSQL/PostGIS database, read through libpq.
 *
 * A layer `pg:NAME` of a map is a table (NAME, or the map's `table.NAME`) or
 * a read-only query (`query.NAME`) whose columns are those of a GeoPackage
 * layer table (layers/README.md, "PostGIS"): fid, the geometry column, and
 * the layer's properties; its citations are rows of the table
 * posture_citations, as in a GeoPackage, so no JSON is parsed per row.
 *
 * Reading runs in a read-only transaction with the statement_timeout of
 * [postgis] timeout.  Before any row is read, the source is checked once: the
 * table exists, its geometry column is of the layer's type in SRID 4326, it
 * has exactly the layer's columns; each failure is one message.  Then the
 * rows come through a cursor, a few thousand at a time, in binary (the
 * geometry as WKB), so a million rows cost no more memory than their
 * features; the citations come through a second cursor, ordered the same way
 * and merge-joined, on a second connection whose transaction imports the
 * first one's snapshot (both see the same data).  Each cursor's next batch is
 * asked for before the current one is checked, so the server works while
 * posture does.
 *
 * The SELECT keeps only rows the map can show: their geometry's envelope
 * meets the map's extent (`&&`, which a GiST index on the column serves;
 * unplaced rows, whose geometry is NULL, are kept) and, for incidents, their
 * date meets the map's date range.  Every row read goes through exactly the
 * checks a GeoJSON feature does (pst_layer_check_feature); problems are
 * reported at pg:NAME:fid N.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "pg.h"

#define FETCH_ROWS 5000 /* rows per FETCH: memory stays small, round trips few */

/* Type OIDs of pg_type that read as JSON numbers. */
static bool numeric_oid(Oid t)
{
	return t == 20 || t == 21 || t == 23 || t == 700 || t == 701 || t == 1700;
}

/* --- the [postgis] section -------------------------------------------------- */

static int set_text(char **field, posture_ctx *ctx, const pst_where *at, const char *key,
                    const char *value)
{
	if (!*value)
		return pst_error_at(ctx, POSTURE_EDATA, at, "'%s' is empty", key);
	char *v = pst_strdup(value);
	if (!v)
		return pst_error_at(ctx, POSTURE_ENOMEM, at, "out of memory");
	free(*field);
	*field = v;
	return POSTURE_OK;
}

/* An SQL name posture quotes itself: letters, digits and '_', one optional "schema.". */
static bool plain_name(const char *s, bool dotted)
{
	int dots = 0;
	if (!*s)
		return false;
	for (const char *p = s; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
		          (*p >= '0' && *p <= '9' && p > s && p[-1] != '.');
		if (*p == '.' && dotted && p > s && p[1] && ++dots == 1)
			continue;
		if (!ok)
			return false;
	}
	return true;
}

static pst_pg_layer *layer_line(pst_pg_conf *c, const char *name)
{
	for (size_t i = 0; i < c->n_layers; i++)
		if (!strcmp(c->layers[i].name, name))
			return &c->layers[i];
	if (c->n_layers == PST_PG_MAX_LAYERS)
		return NULL;
	pst_pg_layer *l = &c->layers[c->n_layers];
	memset(l, 0, sizeof(*l));
	l->name = pst_strdup(name);
	if (!l->name)
		return NULL;
	c->n_layers++;
	return l;
}

/* table.NAME or query.NAME: one of them per layer. */
static int set_layer_line(pst_pg_conf *c, posture_ctx *ctx, const pst_where *key_at,
                          const pst_where *value_at, const char *key, const char *value)
{
	bool query = !strncmp(key, "query.", 6);
	const char *name = key + 6;
	if (!plain_name(name, false))
		return pst_error_at(ctx, POSTURE_EDATA, key_at, "'%s' needs a layer name of letters, "
		                    "digits and '_' (%s.incidents = …)", key, query ? "query" : "table");
	if (!query && !plain_name(value, true))
		return pst_error_at(ctx, POSTURE_EDATA, value_at, "table '%s' must be a name of "
		                    "letters, digits and '_', or schema.name", value);
	if (query && strncasecmp(value, "select", 6) != 0 && strncasecmp(value, "with", 4) != 0)
		return pst_error_at(ctx, POSTURE_EDATA, value_at, "a query must be one SELECT (or "
		                    "WITH … SELECT); posture runs it read-only");
	if (query && strchr(value, ';'))
		return pst_error_at(ctx, POSTURE_EDATA, value_at, "a query is one statement, without "
		                    "';'");
	pst_pg_layer *l = layer_line(c, name);
	if (!l)
		return pst_error_at(ctx, POSTURE_EDATA, key_at, "too many PostGIS layers (at most %d)",
		                    PST_PG_MAX_LAYERS);
	if (l->table || l->query)
		return pst_error_at(ctx, POSTURE_EDATA, key_at, "layer '%s' already has a %s (line "
		                    "%d); give a table or a query, not both", name,
		                    l->table ? "table" : "query", l->at.line);
	l->at = *value_at;
	return set_text(query ? &l->query : &l->table, ctx, value_at, key, value);
}

int pst_pg_conf_set(pst_pg_conf *c, posture_ctx *ctx, const pst_where *key_at,
                    const pst_where *value_at, const char *key, const char *value)
{
	static const char *const known[] = { "service", "host", "port", "dbname", "user",
		                             "geometry", "citations", "timeout", NULL };
	char **text[] = { &c->service, &c->host, &c->port, &c->dbname, &c->user, &c->geometry,
		          &c->citations };
	if (!strcmp(key, "password") || !strcmp(key, "passfile"))
		return pst_error_at(ctx, POSTURE_EDATA, key_at, "a password does not belong in a map "
		                    "file, which is shared with the map: put it in ~/.pgpass (or the "
		                    "file PGPASSFILE names), or set PGPASSWORD");
	if (!strncmp(key, "table.", 6) || !strncmp(key, "query.", 6))
		return set_layer_line(c, ctx, key_at, value_at, key, value);
	for (int k = 0; k < 7; k++) {
		if (strcmp(key, known[k]) != 0)
			continue;
		if ((k == 5 || k == 6) && !plain_name(value, k == 6))
			return pst_error_at(ctx, POSTURE_EDATA, value_at, "%s '%s' must be a name of "
			                    "letters, digits and '_'", key, value);
		return set_text(text[k], ctx, value_at, key, value);
	}
	if (!strcmp(key, "timeout")) {
		char *end;
		long s = strtol(value, &end, 10);
		if (!*value || *end || s < 1 || s > PST_PG_MAX_TIMEOUT)
			return pst_error_at(ctx, POSTURE_EDATA, value_at, "timeout wants whole seconds "
			                    "from 1 to %d, not '%s'", PST_PG_MAX_TIMEOUT, value);
		c->timeout_s = (int)s;
		return POSTURE_OK;
	}
	const char *near = pst_nearest_word(key, known);
	if (near)
		return pst_error_at(ctx, POSTURE_EDATA, key_at, "unknown key '%s' in [postgis]; did "
		                    "you mean '%s'?", key, near);
	return pst_error_at(ctx, POSTURE_EDATA, key_at, "unknown key '%s' in [postgis] (known: "
	                    "service, host, port, dbname, user, geometry, citations, timeout, "
	                    "table.NAME, query.NAME)", key);
}

void pst_pg_conf_free(pst_pg_conf *c)
{
	free(c->service);
	free(c->host);
	free(c->port);
	free(c->dbname);
	free(c->user);
	free(c->geometry);
	free(c->citations);
	for (size_t i = 0; i < c->n_layers; i++) {
		free(c->layers[i].name);
		free(c->layers[i].table);
		free(c->layers[i].query);
	}
	memset(c, 0, sizeof(*c));
}

bool pst_pg_entry(const char *entry)
{
	return !strncmp(entry, "pg:", 3);
}

/* --- the SQL ---------------------------------------------------------------- */

/* "name" or "schema"."name", quoted. */
static void put_ident(pst_buf *b, const char *name)
{
	pst_buf_puts(b, "\"");
	for (const char *p = name; *p; p++) {
		if (*p == '.')
			pst_buf_puts(b, "\".\"");
		else if (*p == '"')
			pst_buf_puts(b, "\"\"");
		else
			pst_buf_add(b, p, 1);
	}
	pst_buf_puts(b, "\"");
}

static const pst_pg_layer *find_layer(const pst_pg_conf *c, const char *name)
{
	for (size_t i = 0; c && i < c->n_layers; i++)
		if (!strcmp(c->layers[i].name, name))
			return &c->layers[i];
	return NULL;
}

static const char *geom_column(const pst_pg_scope *s)
{
	return s->conf && s->conf->geometry ? s->conf->geometry : "geom";
}

/* The FROM item: the table, or the query as a subquery. */
static void put_source(pst_buf *b, const pst_pg_scope *s, const char *name)
{
	const pst_pg_layer *pl = find_layer(s->conf, name);
	if (pl && pl->query) {
		pst_buf_printf(b, "(%s) AS src", pl->query);
		return;
	}
	put_ident(b, pl && pl->table ? pl->table : name);
}

/* The columns of a layer of @p type after fid and the geometry. */
static size_t layer_columns(const char **out, char *buf, size_t n, pst_layer_type type)
{
	snprintf(buf, n, "%s", pst_layer_columns(type));
	size_t k = 0;
	char *save = NULL;
	for (char *c = strtok_r(buf, ", ", &save); c && k < 16; c = strtok_r(NULL, ", ", &save))
		out[k++] = c;
	return k;
}

char *pst_pg_select_sql(const pst_pg_scope *s, const char *name, pst_layer_type type)
{
	pst_buf b;
	pst_buf_init(&b);
	const char *geom = geom_column(s);
	pst_buf_puts(&b, "SELECT \"fid\"::int8, ST_AsBinary(");
	put_ident(&b, geom);
	pst_buf_puts(&b, "), ST_SRID(");
	put_ident(&b, geom);
	pst_buf_puts(&b, ")");
	const char *cols[16];
	char buf[256];
	size_t n = layer_columns(cols, buf, sizeof(buf), type);
	for (size_t k = 0; k < n; k++) {
		pst_buf_puts(&b, ", ");
		put_ident(&b, cols[k]);
		pst_buf_puts(&b, "::text");
	}
	pst_buf_puts(&b, " FROM ");
	put_source(&b, s, name);
	pst_buf_puts(&b, " WHERE (");
	put_ident(&b, geom);
	pst_buf_puts(&b, " IS NULL OR ");
	put_ident(&b, geom);
	pst_buf_printf(&b, " && ST_MakeEnvelope(%.10g, %.10g, %.10g, %.10g, 4326))", s->extent[0],
	               s->extent[1], s->extent[2], s->extent[3]);
	if (type == PST_LAYER_INCIDENTS && (s->from_day != INT_MIN || s->to_day != INT_MAX)) {
		/* A date is YYYY[-MM[-DD]] or START/END.  Its start is on or before the last day
		 * when it sorts so as text; its end is on or after the first day when it sorts
		 * after that day cut to its own length ('2019' for 2019-03-01). */
		pst_buf_puts(&b, " AND (\"date\" IS NULL OR (");
		char day[32];
		if (s->to_day != INT_MAX) {
			pst_date_format(day, s->to_day);
			pst_buf_printf(&b, "split_part(\"date\", '/', 1) <= '%s'", day);
		}
		if (s->from_day != INT_MIN) {
			pst_date_format(day, s->from_day);
			pst_buf_printf(&b, "%ssubstring(\"date\" from '[^/]*$') >= left('%s', "
			               "length(substring(\"date\" from '[^/]*$')))",
			               s->to_day != INT_MAX ? " AND " : "", day);
		}
		pst_buf_puts(&b, "))");
	}
	pst_buf_puts(&b, " ORDER BY \"fid\"");
	if (b.failed) {
		pst_buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* The citations of the layer's rows, in the order of the rows. */
static char *citations_sql(const pst_pg_scope *s)
{
	pst_buf b;
	pst_buf_init(&b);
	pst_buf_puts(&b, "SELECT \"feature_fid\"::int8, \"source\"::text, \"locator\"::text, "
	             "\"quote\"::text FROM ");
	put_ident(&b, s->conf && s->conf->citations ? s->conf->citations : "posture_citations");
	pst_buf_puts(&b, " WHERE \"table_name\" = $1 ORDER BY \"feature_fid\", \"seq\"");
	if (b.failed) {
		pst_buf_free(&b);
		return NULL;
	}
	return b.data;
}

char *pst_pg_explain(const pst_pg_scope *s, const char *name)
{
	char word[128];
	snprintf(word, sizeof(word), "%s", name);
	for (char *p = word; *p; p++)
		if (*p == '_')
			*p = '-';
	pst_layer_type type;
	if (!pst_layer_type_from_name(&type, word))
		return NULL;
	const pst_pg_layer *pl = find_layer(s->conf, name);
	char *rows = pst_pg_select_sql(s, name, type), *cites = citations_sql(s);
	const char *key = pl && pl->table ? pl->table : name;
	pst_buf b;
	pst_buf_init(&b);
	pst_buf_printf(&b, "-- pg:%s: the rows (binary results, through a cursor)\n%s;\n"
	               "-- pg:%s: their citations ($1 = '%s')\n%s;\n", name, rows ? rows : "",
	               name, key, cites ? cites : "");
	free(rows);
	free(cites);
	if (b.failed || !rows || !cites) {
		pst_buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* --- the connection ----------------------------------------------------------- */

typedef struct {
	posture_ctx *ctx;
	const pst_pg_scope *scope;
	const char *where;  /* "pg:NAME" */
	PGconn *conn;
} session;

/* The first line of libpq's message (it ends with a newline, sometimes more lines). */
static void first_line(char *out, size_t n, const char *msg)
{
	snprintf(out, n, "%s", msg && *msg ? msg : "no reason given");
	out[strcspn(out, "\n")] = '\0';
	if (!strncmp(out, "ERROR:  ", 8))
		memmove(out, out + 8, strlen(out + 8) + 1);
}

static int timeout_of(const pst_pg_conf *c)
{
	return c && c->timeout_s ? c->timeout_s : PST_PG_DEFAULT_TIMEOUT;
}

int pst_pg_error(posture_ctx *ctx, const char *where, PGconn *conn, const PGresult *res,
                 const char *what, int timeout_s)
{
	char msg[600];
	first_line(msg, sizeof(msg), res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (state && !strcmp(state, "57014"))
		return pst_error(ctx, POSTURE_EIO, where, "%s took longer than the %d s statement "
		                 "timeout ([postgis] timeout)", what, timeout_s);
	if (state && (!strncmp(state, "42", 2) || !strcmp(state, "25006")))
		return pst_error(ctx, POSTURE_EDATA, where, "%s failed: %s", what, msg);
	return pst_error(ctx, POSTURE_EIO, where, "%s failed: %s", what, msg);
}

static int statement_error(session *s, const PGresult *res, const char *what)
{
	return pst_pg_error(s->ctx, s->where, s->conn, res, what, timeout_of(s->scope->conf));
}

/* The server's notices ("table … does not exist, skipping") are not posture's to print. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int pst_pg_connect(PGconn **out, posture_ctx *ctx, const char *where, const pst_pg_conf *c,
                   bool read_only)
{
	char options[128], timeout[16];
	int t = timeout_of(c);
	snprintf(options, sizeof(options), "-c statement_timeout=%d -c jit=off%s", t * 1000,
	         read_only ? " -c default_transaction_read_only=on" : "");
	snprintf(timeout, sizeof(timeout), "%d", t < 10 ? t : 10);
	const char *keys[12], *values[12];
	int n = 0;
	const char *given[] = { "service", c ? c->service : NULL, "host", c ? c->host : NULL,
		                "port",    c ? c->port : NULL,    "dbname", c ? c->dbname : NULL,
		                "user",    c ? c->user : NULL };
	for (int k = 0; k < 10; k += 2)
		if (given[k + 1])
			keys[n] = given[k], values[n++] = given[k + 1];
	keys[n] = "options", values[n++] = options;
	keys[n] = "connect_timeout", values[n++] = timeout;
	keys[n] = "application_name", values[n++] = "posture";
	keys[n] = "client_encoding", values[n++] = "UTF8";
	keys[n] = NULL, values[n] = NULL;
	*out = PQconnectdbParams(keys, values, 0);
	if (!*out)
		return pst_error(ctx, POSTURE_ENOMEM, where, "out of memory");
	if (PQstatus(*out) != CONNECTION_OK) {
		char msg[600];
		first_line(msg, sizeof(msg), PQerrorMessage(*out));
		PQfinish(*out);
		*out = NULL;
		return pst_error(ctx, POSTURE_EIO, where, "cannot connect to PostgreSQL: %s", msg);
	}
	PQsetNoticeProcessor(*out, quiet, NULL);
	return POSTURE_OK;
}

/* Run @p sql (parameters text) and expect @p want. *out is the caller's to PQclear. */
static int run(PGresult **out, session *s, const char *sql, int n_params,
               const char *const *params, int binary, ExecStatusType want, const char *what)
{
	*out = PQexecParams(s->conn, sql, n_params, NULL, params, NULL, NULL, binary);
	if (*out && PQresultStatus(*out) == want)
		return POSTURE_OK;
	int rc = statement_error(s, *out, what);
	PQclear(*out);
	*out = NULL;
	return rc;
}

static int exec_ok(session *s, const char *sql, const char *what)
{
	PGresult *r;
	int rc = run(&r, s, sql, 0, NULL, 0, PGRES_COMMAND_OK, what);
	PQclear(r);
	return rc;
}

/* --- checks before the rows ------------------------------------------------------ */

static int data_error(session *s, int *n_errors, const char *fmt, ...) PST_PRINTF(3, 4);

static int data_error(session *s, int *n_errors, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pst_vdiag(s->ctx, POSTURE_ERROR, POSTURE_EDATA, s->where, 0, 0, fmt, ap);
	va_end(ap);
	(*n_errors)++;
	return POSTURE_EDATA;
}

static const char *article(pst_layer_type t)
{
	return t == PST_LAYER_INCIDENTS ? "an" : "a";
}

/* Is geometry type @p gt (upper case, as PostGIS names it) one a layer of @p t holds? */
static bool type_fits(const char *gt, pst_layer_type t)
{
	if (!strcmp(gt, "GEOMETRY"))
		return true;
	if (t == PST_LAYER_BORDERS)
		return !strcmp(gt, "LINESTRING") || !strcmp(gt, "MULTILINESTRING");
	return !strcmp(gt, "POINT");
}

static int check_type_srid(session *s, pst_layer_type type, const char *gt, int srid,
                           const char *what, int *n_errors)
{
	if (!type_fits(gt, type))
		return data_error(s, n_errors, "%s geometry type is %s; the table of %s %s layer "
		                  "holds %s", what, gt, article(type), pst_layer_type_name(type),
		                  type == PST_LAYER_BORDERS ? "LINESTRING or MULTILINESTRING" : "POINT");
	if (srid != 4326 && srid != 0)
		return data_error(s, n_errors, "%s geometry is in SRID %d; posture reads WGS 84 "
		                  "longitude/latitude (SRID 4326)", what, srid);
	return POSTURE_OK;
}

/* The table exists and its geometry column is of the layer's type in SRID 4326. */
static int check_table(session *s, const char *table, pst_layer_type type, int *n_errors)
{
	const char *geom = geom_column(s->scope);
	const char *params[2] = { table, geom };
	PGresult *r;
	int rc = run(&r, s, "SELECT to_regclass($1) IS NOT NULL", 1, params, 0, PGRES_TUPLES_OK,
	             "looking up the table");
	if (rc != POSTURE_OK)
		return rc;
	bool exists = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (!exists)
		return data_error(s, n_errors, "table '%s' does not exist in database '%s' (name "
		                  "another with [postgis] table.NAME, or load it with 'posture export "
		                  "--to pg:TABLE')", table, PQdb(s->conn));
	rc = run(&r, s, "SELECT upper(type), srid FROM geometry_columns WHERE "
	         "format('%I.%I', f_table_schema, f_table_name)::regclass = $1::regclass AND "
	         "f_geometry_column = $2", 2, params, 0, PGRES_TUPLES_OK, "reading geometry_columns");
	if (rc != POSTURE_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return data_error(s, n_errors, "table '%s' has no geometry column '%s' (name it "
		                  "with [postgis] geometry)", table, geom);
	}
	char what[300];
	snprintf(what, sizeof(what), "column '%s':", geom);
	rc = check_type_srid(s, type, PQgetvalue(r, 0, 0), atoi(PQgetvalue(r, 0, 1)), what,
	                     n_errors);
	PQclear(r);
	return rc;
}

/* The query's first placed row: its geometry type and SRID. */
static int check_query(session *s, const char *name, pst_layer_type type, int *n_errors)
{
	pst_buf b;
	pst_buf_init(&b);
	const char *geom = geom_column(s->scope);
	pst_buf_puts(&b, "SELECT upper(GeometryType(");
	put_ident(&b, geom);
	pst_buf_puts(&b, ")), ST_SRID(");
	put_ident(&b, geom);
	pst_buf_puts(&b, ") FROM ");
	put_source(&b, s->scope, name);
	pst_buf_puts(&b, " WHERE ");
	put_ident(&b, geom);
	pst_buf_puts(&b, " IS NOT NULL LIMIT 1");
	if (b.failed) {
		pst_buf_free(&b);
		return pst_error(s->ctx, POSTURE_ENOMEM, s->where, "out of memory");
	}
	PGresult *r;
	int rc = run(&r, s, b.data, 0, NULL, 0, PGRES_TUPLES_OK, "the query");
	pst_buf_free(&b);
	if (rc == POSTURE_OK && PQntuples(r) == 1)
		rc = check_type_srid(s, type, PQgetvalue(r, 0, 0), atoi(PQgetvalue(r, 0, 1)),
		                     "the query's", n_errors);
	PQclear(r);
	return rc;
}

/*
 * The source's columns are fid, the geometry and the layer's properties, as
 * in a GeoPackage; *types gets each property column's type (by position in
 * pst_layer_columns()).
 */
static int check_columns(session *s, const char *name, pst_layer_type type, Oid *types,
                         int *n_errors)
{
	pst_buf b;
	pst_buf_init(&b);
	pst_buf_puts(&b, "SELECT * FROM ");
	put_source(&b, s->scope, name);
	pst_buf_puts(&b, " LIMIT 0");
	PGresult *r = NULL;
	int rc = b.failed ? pst_error(s->ctx, POSTURE_ENOMEM, s->where, "out of memory")
	                  : run(&r, s, b.data, 0, NULL, 0, PGRES_TUPLES_OK, "reading the columns");
	pst_buf_free(&b);
	if (rc != POSTURE_OK)
		return rc;
	const char *cols[16], *geom = geom_column(s->scope);
	char buf[256];
	size_t n = layer_columns(cols, buf, sizeof(buf), type);
	bool seen[16] = { false }, has_fid = false;
	char list[400];
	snprintf(list, sizeof(list), "fid, %s, %s", geom, pst_layer_columns(type));
	for (int i = 0; i < PQnfields(r); i++) {
		const char *f = PQfname(r, i);
		size_t k = 0;
		while (k < n && strcmp(cols[k], f) != 0)
			k++;
		if (k < n) {
			seen[k] = true;
			types[k] = PQftype(r, i);
		} else if (!strcmp(f, "fid")) {
			has_fid = true;
			Oid t = PQftype(r, i);
			if (t != 20 && t != 21 && t != 23) { /* rows and citations meet in fid order */
				data_error(s, n_errors, "column 'fid' must be an integer (smallint, integer "
				           "or bigint), the key that posture_citations refers to");
				rc = POSTURE_EDATA;
			}
		} else if (strcmp(f, geom) != 0) {
			data_error(s, n_errors, "unknown column '%s' (the table of %s %s layer has the "
			           "columns %s)", f, article(type), pst_layer_type_name(type), list);
			rc = POSTURE_EDATA;
		}
	}
	PQclear(r);
	if (!has_fid) {
		data_error(s, n_errors, "there is no column 'fid' (the table of %s %s layer has the "
		           "columns %s)", article(type), pst_layer_type_name(type), list);
		rc = POSTURE_EDATA;
	}
	for (size_t k = 0; k < n; k++) {
		if (!seen[k]) {
			data_error(s, n_errors, "there is no column '%s' (the table of %s %s layer has "
			           "the columns %s)", cols[k], article(type), pst_layer_type_name(type),
			           list);
			rc = POSTURE_EDATA;
		}
	}
	return rc;
}

/* --- rows ------------------------------------------------------------------------- */

static int64_t be64(const char *p)
{
	const unsigned char *b = (const unsigned char *)p;
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return (int64_t)v;
}

static int32_t be32(const char *p)
{
	const unsigned char *b = (const unsigned char *)p;
	return (int32_t)((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]);
}

/* A text cell as JSON (NULL: absent), typed as the GeoPackage reader types it. */
static json_t *cell_json(const PGresult *r, int row, int col, const char *name, bool number)
{
	if (PQgetisnull(r, row, col))
		return NULL;
	const char *text = PQgetvalue(r, row, col);
	size_t n = (size_t)PQgetlength(r, row, col);
	json_t *v = NULL;
	if (number || !strcmp(name, "countries")) /* a number; a JSON array of two codes */
		v = json_loadb(text, n, JSON_DECODE_ANY, NULL);
	if (!v)
		v = json_stringn(text, n);
	return v ? v : json_false(); /* not UTF-8: "must be a string" */
}

/*
 * Cell @p col of row @p row when it is text a string check passes (valid
 * UTF-8, not blank; text from the server holds no NUL), else NULL: absent, or
 * for the full check.
 */
static const char *clean_cell(const PGresult *r, int row, int col, size_t *len)
{
	if (PQgetisnull(r, row, col))
		return NULL;
	const unsigned char *t = (const unsigned char *)PQgetvalue(r, row, col);
	size_t n = (size_t)PQgetlength(r, row, col);
	if (!pst_cell_plain(t, n))
		return NULL;
	*len = n;
	return (const char *)t;
}

/* A citation's value: pooled clean text, or its JSON (cell_json) for the full check. */
typedef struct {
	const char *text;  /* pooled, when the value is clean text (then json is NULL) */
	json_t *json;      /* otherwise its JSON, or NULL when NULL */
} cite_value;

typedef struct {
	cite_value v[3];   /* id, locator, quote */
} cite_row;

/*
 * A cursor read batch by batch with the next batch always asked for ahead:
 * the server prepares it while posture checks the current one (on two cores
 * the two overlap).  One stream per connection, since a connection carries
 * one statement at a time.
 */
typedef struct {
	session *s;
	PGconn *conn;
	const char *fetch;  /* "FETCH FORWARD n FROM cursor" */
	const char *what;   /* for messages */
	bool pending;       /* a FETCH is on its way */
} stream;

static int stream_send(stream *st)
{
	if (!PQsendQueryParams(st->conn, st->fetch, 0, NULL, NULL, NULL, NULL, 1))
		return pst_pg_error(st->s->ctx, st->s->where, st->conn, NULL, st->what,
		                    timeout_of(st->s->scope->conf));
	st->pending = true;
	return POSTURE_OK;
}

/* The next batch into *out (NULL when the cursor is exhausted); asks for the one after. */
static int stream_next(PGresult **out, stream *st)
{
	PQclear(*out);
	*out = NULL;
	int rc = st->pending ? POSTURE_OK : stream_send(st);
	PGresult *res, *first = NULL;
	while (rc == POSTURE_OK && (res = PQgetResult(st->conn))) {
		if (first)
			PQclear(res);
		else
			first = res;
	}
	st->pending = false;
	if (rc != POSTURE_OK)
		return rc;
	if (!first || PQresultStatus(first) != PGRES_TUPLES_OK) {
		rc = pst_pg_error(st->s->ctx, st->s->where, st->conn, first, st->what,
		                  timeout_of(st->s->scope->conf));
		PQclear(first);
		return rc;
	}
	if (PQntuples(first) == 0) {
		PQclear(first);
		return POSTURE_OK;
	}
	*out = first;
	return stream_send(st);
}

typedef struct {
	session *s;
	pst_layer_type type;
	const char *cols[16];   /* property columns, after fid, WKB and SRID */
	size_t n_cols;
	const Oid *types;       /* their types */
	PGresult *rows;         /* the current batch of rows */
	PGresult *cites;        /* the current batch of citations, or NULL when done */
	int cite_row;           /* next unused row of cites */
	bool has_cites;         /* the citations table exists */
	stream row_stream;      /* posture_rows, on the session's connection */
	stream cite_stream;     /* posture_cites, on a second connection (same snapshot) */
	PGconn *cite_conn;
	pst_layer *layer;       /* the layer read: its pool holds the clean citation texts */
	cite_row *row_cites;    /* the current row's citations (a batch may end among them) */
	size_t n_row_cites, cap_row_cites;
	pst_row_cite *fast_cites; /* the same for the fast check, when all are clean text */
	size_t cap_fast_cites;
	pst_row_cache cache;    /* what the fast check's rows share */
	pst_known_texts known;  /* citation texts met lately */
} reader;

static const char *const cite_keys[] = { "id", "locator", "quote" };

/* The citations of row @p fid from the citations cursor into r->row_cites (rows before
 * it are skipped: they belong to rows the map does not show). */
static int read_citations(reader *r, int64_t fid)
{
	r->n_row_cites = 0;
	while (r->cites) {
		if (r->cite_row == PQntuples(r->cites)) {
			int rc = stream_next(&r->cites, &r->cite_stream);
			r->cite_row = 0;
			if (rc != POSTURE_OK)
				return rc;
			continue;
		}
		if (PQgetisnull(r->cites, r->cite_row, 0)) { /* sorts last: no row can be its */
			r->cite_row = PQntuples(r->cites);
			continue;
		}
		int64_t at = be64(PQgetvalue(r->cites, r->cite_row, 0));
		if (at > fid)
			break;
		if (at == fid) {
			if (pst_grow((void **)&r->row_cites, &r->cap_row_cites, r->n_row_cites + 1,
			             sizeof(cite_row)))
				return POSTURE_ENOMEM;
			cite_row *c = &r->row_cites[r->n_row_cites++];
			for (int k = 0; k < 3; k++) {
				bool text = false;
				c->v[k].text = PQgetisnull(r->cites, r->cite_row, k + 1) ? NULL
				               : pst_known_text(&r->known, r->layer->pool,
				                                (const unsigned char *)PQgetvalue(r->cites,
				                                                                  r->cite_row, k + 1),
				                                (size_t)PQgetlength(r->cites, r->cite_row, k + 1),
				                                &text);
				c->v[k].json = text ? NULL
				                    : cell_json(r->cites, r->cite_row, k + 1, cite_keys[k], false);
				if (text && !c->v[k].text)
					return POSTURE_ENOMEM;
			}
		}
		r->cite_row++;
	}
	return POSTURE_OK;
}

static void drop_citations(reader *r)
{
	for (size_t i = 0; i < r->n_row_cites; i++)
		for (int k = 0; k < 3; k++)
			json_decref(r->row_cites[i].v[k].json);
	r->n_row_cites = 0;
}

/* The current row's citations as the GeoJSON "sources" member. */
static int row_citations(reader *r, json_t *props)
{
	if (!r->n_row_cites)
		return POSTURE_OK;
	json_t *list = json_array();
	for (size_t i = 0; list && i < r->n_row_cites; i++) {
		json_t *c = json_object();
		for (int k = 0; c && k < 3; k++) {
			const cite_value *v = &r->row_cites[i].v[k];
			json_t *j = v->text ? json_string(v->text) : json_incref(v->json);
			if (j)
				json_object_set_new_nocheck(c, cite_keys[k], j);
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

/* Where the value of column @p name goes in a row, or NULL (a column the fast check
 * does not take: the border layers' countries). */
static const char **row_field(pst_row *row, const char *name)
{
	static const char *const names[] = { "id", "name", "kind", "precision", "country",
		                             "operator", "status", "date", "date_basis", "note" };
	const char **fields[] = { &row->id, &row->name, &row->kind, &row->precision,
		                  &row->country, &row->operator_, &row->status, &row->date,
		                  &row->date_basis, &row->note };
	for (size_t k = 0; k < PST_ARRAY_LEN(names); k++)
		if (!strcmp(name, names[k]))
			return fields[k];
	return NULL;
}

/*
 * Row @p i of the batch as a pst_row, for the fast check: false when some
 * value is not clean text (or is in a number column), the geometry is not a
 * little-endian WKB point with coordinates in SRID 4326 (or 0), or a
 * citation is not clean text; the full check then says what is wrong.
 */
static bool row_values(reader *r, int i, pst_row *row)
{
	const PGresult *res = r->rows;
	memset(row, 0, sizeof(*row));
	for (size_t k = 0; k < r->n_cols; k++) {
		if (PQgetisnull(res, i, (int)k + 3))
			continue;
		const char **field = row_field(row, r->cols[k]);
		size_t n;
		if (!field || numeric_oid(r->types[k]) ||
		    !(*field = clean_cell(res, i, (int)k + 3, &n)))
			return false;
	}
	if (PQgetisnull(res, i, 1)) {
		row->geom_null = true;
	} else {
		const unsigned char *wkb = (const unsigned char *)PQgetvalue(res, i, 1);
		if (PQgetlength(res, i, 1) != 21 || wkb[0] != 1 || memcmp(wkb + 1, "\1\0\0\0", 4) != 0)
			return false;
		memcpy(&row->lon, wkb + 5, 8); /* little-endian doubles, as on this machine */
		memcpy(&row->lat, wkb + 13, 8);
		int srid = PQgetisnull(res, i, 2) ? 4326 : be32(PQgetvalue(res, i, 2));
		if (isnan(row->lon) || isnan(row->lat) || (srid != 4326 && srid != 0))
			return false;
	}
	if (r->n_row_cites > r->cap_fast_cites &&
	    pst_grow((void **)&r->fast_cites, &r->cap_fast_cites, r->n_row_cites,
	             sizeof(pst_row_cite)))
		return false;
	for (size_t k = 0; k < r->n_row_cites; k++) {
		const cite_value *v = r->row_cites[k].v;
		if (!v[0].text || !v[1].text || !v[2].text)
			return false;
		r->fast_cites[k] = (pst_row_cite){ v[0].text, v[1].text, v[2].text };
	}
	row->cites = r->fast_cites;
	row->n_cites = r->n_row_cites;
	return true;
}

/* Row @p i of the batch as a GeoJSON Feature; *bad_geom when its WKB cannot be read,
 * *srid its geometry's SRID. */
static json_t *row_feature(reader *r, int i, bool *bad_geom, int *srid)
{
	json_t *props = json_object();
	for (size_t k = 0; props && k < r->n_cols; k++) {
		json_t *v = cell_json(r->rows, i, (int)k + 3, r->cols[k], numeric_oid(r->types[k]));
		if (v)
			json_object_set_new_nocheck(props, r->cols[k], v);
	}
	json_t *geom = json_null();
	*srid = 4326;
	if (!PQgetisnull(r->rows, i, 1)) {
		geom = pst_wkb_geometry((const unsigned char *)PQgetvalue(r->rows, i, 1),
		                        (size_t)PQgetlength(r->rows, i, 1), false);
		if (!PQgetisnull(r->rows, i, 2))
			*srid = be32(PQgetvalue(r->rows, i, 2));
	}
	*bad_geom = !geom;
	return json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry",
	                 geom ? geom : json_null(), "properties", props);
}

static int check_row_json(reader *r, int i, pst_layer *l, pst_feature *ft,
                          const pst_georef *geo, const posture_data *data, pst_checker *c);

/* Check row @p i of the batch into the next feature of @p l: the fast way when it passes
 * as plain values (pst_layer_row_feature), else as JSON, so the messages are the same. */
static int read_row(reader *r, int i, pst_layer *l, size_t *cap, const pst_georef *geo,
                    const posture_data *data, pst_checker *c, char *where, size_t n_where)
{
	if (PQgetisnull(r->rows, i, 0)) {
		snprintf(where, n_where, "%s", r->s->where);
		pst_check_error(c, "", false, "a row has no fid (row %d of a batch of the query)",
		                i + 1);
		return POSTURE_OK;
	}
	int64_t fid = be64(PQgetvalue(r->rows, i, 0));
	snprintf(where, n_where, "%s:fid %lld", r->s->where, (long long)fid);
	if (l->n_features >= PST_MAX_GPKG_FEATURES) {
		pst_check_error(c, "", false, "more than %d rows in one layer",
		                PST_MAX_GPKG_FEATURES);
		return POSTURE_EDATA;
	}
	if (pst_grow((void **)&l->features, cap, l->n_features + 1, sizeof(pst_feature)))
		return POSTURE_ENOMEM;
	pst_feature *ft = &l->features[l->n_features];
	memset(ft, 0, sizeof(*ft));
	int rc = read_citations(r, fid);
	pst_row row;
	bool passed = false;
	if (rc == POSTURE_OK && row_values(r, i, &row))
		rc = pst_layer_row_feature(l, ft, &row, geo, data, &r->cache, &passed);
	if (rc == POSTURE_OK && !passed) {
		memset(ft, 0, sizeof(*ft));
		rc = check_row_json(r, i, l, ft, geo, data, c);
	}
	drop_citations(r);
	l->n_features++;
	ft->line = (int)(fid > INT32_MAX ? INT32_MAX : fid < 0 ? 0 : fid); /* where: fid */
	ft->column = 0;
	ft->id_line = ft->line;
	ft->id_column = 0;
	for (size_t k = 0; k < ft->n_cites; k++)
		ft->cites[k].line = ft->line, ft->cites[k].column = 0;
	return rc;
}

/* Row @p i checked the long way: as the GeoJSON feature it stands for. */
static int check_row_json(reader *r, int i, pst_layer *l, pst_feature *ft,
                          const pst_georef *geo, const posture_data *data, pst_checker *c)
{
	bool bad_geom;
	int srid;
	json_t *jf = row_feature(r, i, &bad_geom, &srid);
	json_t *props = jf ? json_object_get(jf, "properties") : NULL;
	int rc = props ? row_citations(r, props) : POSTURE_ENOMEM;
	if (rc == POSTURE_OK && (bad_geom || (srid != 4326 && srid != 0))) {
		if (bad_geom)
			pst_check_error(c, "", false, "the geometry cannot be read as WKB");
		else
			pst_check_error(c, "", false, "the geometry is in SRID %d; posture reads WGS 84 "
			                "longitude/latitude (SRID 4326)", srid);
		/* Checked on as unplaced, so the one problem is reported once. */
		json_object_set_new(jf, "geometry", json_null());
		json_object_set_new(props, "precision", json_string("unplaced"));
	}
	if (rc == POSTURE_OK)
		rc = pst_layer_check_feature(c, l, ft, jf, geo, data);
	json_decref(jf);
	int prc = pst_layer_pool_feature(l, ft); /* the layer's features all live in its pool */
	return rc == POSTURE_OK ? prc : rc;
}

/* Open the cursors (rows, and citations when their table exists). */
static int open_cursors(reader *r, const char *name, const char *cite_key)
{
	session *s = r->s;
	char *select = pst_pg_select_sql(s->scope, name, r->type);
	char *sql = select ? pst_asprintf("DECLARE posture_rows NO SCROLL CURSOR FOR %s", select)
	                   : NULL;
	free(select);
	if (!sql)
		return pst_error(s->ctx, POSTURE_ENOMEM, s->where, "out of memory");
	int rc = exec_ok(s, sql, "the query");
	free(sql);
	const char *table = s->scope->conf && s->scope->conf->citations ? s->scope->conf->citations
	                                                                : "posture_citations";
	PGresult *res = NULL;
	if (rc == POSTURE_OK)
		rc = run(&res, s, "SELECT to_regclass($1) IS NOT NULL", 1, &table, 0,
		         PGRES_TUPLES_OK, "looking up the citations table");
	r->has_cites = rc == POSTURE_OK && PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (rc != POSTURE_OK || !r->has_cites)
		return rc;
	/* The citations come through a second connection that sees the same snapshot. */
	rc = run(&res, s, "SELECT pg_export_snapshot()", 0, NULL, 0, PGRES_TUPLES_OK,
	         "sharing the snapshot");
	char snap[128] = "";
	if (rc == POSTURE_OK)
		snprintf(snap, sizeof(snap), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if (rc == POSTURE_OK && (!snap[0] || strspn(snap, "0123456789ABCDEFabcdef-") != strlen(snap)))
		rc = pst_error(s->ctx, POSTURE_EIO, s->where, "the server exported an unusable "
		               "snapshot");
	if (rc == POSTURE_OK)
		rc = pst_pg_connect(&r->cite_conn, s->ctx, s->where, s->scope->conf, true);
	session cs = *s;
	cs.conn = r->cite_conn;
	char *set = pst_asprintf("SET TRANSACTION SNAPSHOT '%s'", snap);
	if (!set)
		rc = pst_error(s->ctx, POSTURE_ENOMEM, s->where, "out of memory");
	if (rc == POSTURE_OK)
		rc = exec_ok(&cs, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
		             "starting a read-only transaction");
	if (rc == POSTURE_OK)
		rc = exec_ok(&cs, set, "sharing the snapshot");
	free(set);
	char *cites = rc == POSTURE_OK ? citations_sql(s->scope) : NULL;
	sql = cites ? pst_asprintf("DECLARE posture_cites NO SCROLL CURSOR FOR %s", cites) : NULL;
	free(cites);
	if (rc == POSTURE_OK && !sql)
		rc = pst_error(s->ctx, POSTURE_ENOMEM, s->where, "out of memory");
	if (rc == POSTURE_OK)
		rc = run(&res, &cs, sql, 1, &cite_key, 0, PGRES_COMMAND_OK, "reading the citations");
	if (rc == POSTURE_OK)
		PQclear(res);
	free(sql);
	r->cite_stream.conn = r->cite_conn;
	if (rc == POSTURE_OK)
		rc = stream_next(&r->cites, &r->cite_stream);
	return rc;
}

static int read_rows(reader *r, pst_layer *l, const char *name, const char *cite_key,
                     const pst_georef *geo, const posture_data *data, int *n_errors)
{
	char where[600];
	pst_checker c = { .ctx = r->s->ctx, .path = where };
	size_t cap = 0;
	char fetch_rows[64], fetch_cites[64];
	snprintf(fetch_rows, sizeof(fetch_rows), "FETCH FORWARD %d FROM posture_rows", FETCH_ROWS);
	snprintf(fetch_cites, sizeof(fetch_cites), "FETCH FORWARD %d FROM posture_cites",
	         FETCH_ROWS);
	r->row_stream = (stream){ r->s, r->s->conn, fetch_rows, "the query", false };
	r->cite_stream = (stream){ r->s, NULL, fetch_cites, "reading the citations", false };
	r->layer = l;
	if ((!l->pool && !(l->pool = pst_pool_new())) || pst_row_cache_init(&r->cache, data))
		return pst_error(r->s->ctx, POSTURE_ENOMEM, r->s->where, "out of memory");
	int rc = open_cursors(r, name, cite_key);
	while (rc == POSTURE_OK) {
		rc = stream_next(&r->rows, &r->row_stream);
		if (rc != POSTURE_OK || !r->rows)
			break;
		for (int i = 0; rc == POSTURE_OK && i < PQntuples(r->rows); i++)
			rc = read_row(r, i, l, &cap, geo, data, &c, where, sizeof(where));
	}
	PQclear(r->rows);
	PQclear(r->cites);
	PQfinish(r->cite_conn); /* a FETCH still on its way is dropped with it */
	drop_citations(r);
	free(r->row_cites);
	free(r->fast_cites);
	pst_row_cache_free(&r->cache);
	*n_errors += c.n_errors;
	if (rc == POSTURE_ENOMEM)
		return pst_error(r->s->ctx, POSTURE_ENOMEM, r->s->where, "out of memory");
	return rc;
}

int pst_pg_read_layer(pst_layer *l, posture_ctx *ctx, const pst_pg_scope *scope,
                      const char *name, const pst_georef *geo, const posture_data *data,
                      int *n_errors)
{
	session s = { ctx, scope, l->path, NULL };
	const pst_pg_layer *pl = find_layer(scope->conf, name);
	const char *table = pl && pl->table ? pl->table : name;
	Oid types[16] = { 0 };
	reader r = { .s = &s, .type = l->type, .types = types };
	char colbuf[256];
	r.n_cols = layer_columns(r.cols, colbuf, sizeof(colbuf), l->type);
	int before = *n_errors;
	int rc = pst_pg_connect(&s.conn, ctx, s.where, scope->conf, true);
	if (rc == POSTURE_OK)
		rc = exec_ok(&s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
		             "starting a read-only transaction");
	if (rc == POSTURE_OK)
		rc = pl && pl->query ? check_query(&s, name, l->type, n_errors)
		                     : check_table(&s, table, l->type, n_errors);
	if (rc == POSTURE_OK)
		rc = check_columns(&s, name, l->type, types, n_errors);
	if (rc == POSTURE_OK)
		rc = read_rows(&r, l, name, pl && pl->query ? name : table, geo, data, n_errors);
	PQfinish(s.conn);
	if (rc == POSTURE_EDATA) {
		if (*n_errors == before)
			(*n_errors)++;
		rc = POSTURE_OK;
	}
	return rc;
}
