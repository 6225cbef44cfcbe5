/*
 * pg.h — layers read from PostgreSQL/PostGIS (pg.c) and written to it
 * (pg_write.c), and the [postgis] section of a map file that says where.
 *
 * A map's layer list names such a layer `pg:NAME`: NAME says which layer it
 * is (its first word, as for a file: incidents, incidents_2019) and is the
 * table read unless `table.NAME` or `query.NAME` says otherwise.  The
 * connection settings are libpq's (service, host, port, dbname, user); a
 * password never comes from the map file, only from libpq's own places
 * (PGPASSFILE, ~/.pgpass, PGPASSWORD), so a map can be shared as it is.
 */
#ifndef POSTURE_PG_H
#define POSTURE_PG_H

#include <libpq-fe.h>

#include "layer.h"

#define PST_PG_MAX_LAYERS 32         /* table.NAME / query.NAME lines of one map */
#define PST_PG_DEFAULT_TIMEOUT 60    /* statement_timeout, seconds */
#define PST_PG_MAX_TIMEOUT 86400

/* A table.NAME or query.NAME line. */
typedef struct {
	char *name;     /* NAME, as after pg: in the layer list */
	char *table;    /* "incidents" or "schema.incidents", or NULL */
	char *query;    /* a SELECT, or NULL */
	pst_where at;   /* where the line's value is (file borrowed) */
} pst_pg_layer;

/* The [postgis] section of a map file. */
typedef struct {
	char *service, *host, *port, *dbname, *user; /* NULL: libpq's default (PG* variables) */
	char *geometry;  /* the geometry column; NULL: geom */
	char *citations; /* the citations table; NULL: posture_citations */
	int timeout_s;   /* statement_timeout posture sets; 0: PST_PG_DEFAULT_TIMEOUT */
	pst_pg_layer layers[PST_PG_MAX_LAYERS];
	size_t n_layers;
} pst_pg_conf;

/* What one map reads from the database: the settings and the rows it can show. */
typedef struct pst_pg_scope_ {
	const pst_pg_conf *conf;
	double extent[4];    /* lon_min, lat_min, lon_max, lat_max: rows whose geometry touches it */
	int from_day, to_day; /* incidents dated in this range (INT_MIN, INT_MAX: open) */
} pst_pg_scope;

/**
 * Take one line of a [postgis] section.  @p key_at and @p value_at point at
 * the key and the value in the map file.  A `password` key is refused.
 */
int pst_pg_conf_set(pst_pg_conf *c, posture_ctx *ctx, const pst_where *key_at,
                    const pst_where *value_at, const char *key, const char *value);

/** Free what the section holds (not @p c itself). */
void pst_pg_conf_free(pst_pg_conf *c);

/** Is @p entry of a layer list a PostGIS layer (pg:NAME)? */
bool pst_pg_entry(const char *entry);

/**
 * Read layer @p name (the part after pg:) of @p scope into @p l, checking each
 * row as a GeoJSON feature is checked; problems are reported at
 * "pg:NAME:fid N" and counted in *n_errors.  Returns POSTURE_EIO when the
 * database cannot be reached or a statement fails or times out (reported),
 * POSTURE_ENOMEM, or POSTURE_OK (also when the data has errors).
 */
int pst_pg_read_layer(pst_layer *l, posture_ctx *ctx, const pst_pg_scope *scope,
                      const char *name, const pst_georef *geo, const posture_data *data,
                      int *n_errors);

/**
 * Connect as @p c says (NULL: libpq's defaults, the PG* variables), with the
 * statement timeout of @p c; @p read_only makes every transaction read-only.
 * A failure is reported at @p where (POSTURE_EIO); *out is then NULL.
 */
int pst_pg_connect(PGconn **out, posture_ctx *ctx, const char *where, const pst_pg_conf *c,
                   bool read_only);

/**
 * Report a failed statement (@p res, or the connection's last error when
 * NULL) at @p where: "WHAT failed: …", or that it timed out.  Returns
 * POSTURE_EDATA for an SQL error about the statement's names or a write in a
 * read-only transaction, else POSTURE_EIO.
 */
int pst_pg_error(posture_ctx *ctx, const char *where, PGconn *conn, const PGresult *res,
                 const char *what, int timeout_s);

/**
 * What posture sends for layer pg:@p name, for `render --explain`: a comment
 * naming the layer, the SELECT of its rows and that of its citations, each
 * ending in ";\n" (caller frees); NULL when @p name is no layer's name.
 */
char *pst_pg_explain(const pst_pg_scope *scope, const char *name);

/** The SELECT posture sends for layer @p name of type @p type (caller frees), or NULL. */
char *pst_pg_select_sql(const pst_pg_scope *scope, const char *name, pst_layer_type type);

#endif
