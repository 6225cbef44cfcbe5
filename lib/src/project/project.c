/*
 * project.c — PROJ set-up and batch transforms.
 *
 * The source CRS is always WGS84 (EPSG:4326) in lon/lat order: the
 * transformation is made with proj_create_crs_to_crs() and then
 * proj_normalize_for_visualization(), so neither side's official axis order
 * (lat/lon for EPSG:4326, northing/easting for some projected CRSs) leaks
 * into the map.  Transforms go through proj_trans_generic() on whole arrays.
 *
 * `projection = auto` is a Lambert conformal conic with standard parallels
 * at one sixth and five sixths of the extent's latitude span (the classic
 * choice that keeps scale error small and even across the map), centred on
 * the extent; near the equator a Mercator, near the poles a polar
 * stereographic, where a conic degenerates.
 *
 * PROJ's traps: it follows `+init=FILE:ID` references (reading files the map
 * names), so any `init=` is refused; it logs to stderr unless given a log
 * function, so its messages are kept and appended to our one error; and
 * without proj.db every EPSG code fails in a way that looks like a bad map,
 * so a missing database is reported as such, naming PROJ_DATA.
 *
 * Opening proj.db (SQLite reading its schema) and searching it for
 * operations cost about 30 ms, a tenth of a small render, and a PROJ string
 * needs neither: its datum and projection are all in the string, and the
 * operation from WGS84 is the same pipeline with the database or without.
 * So a PROJ string naming no grid file (`auto` is one) is first set up in a
 * context whose resource path leads nowhere, where PROJ builds the pipeline
 * from the string alone (3 ms); anything else, or a string that fails there,
 * goes through the database as before, and its errors are the database's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proj.h>

#include "project.h"

/* PROJ's last message, captured by its log function. */
typedef struct {
	char text[256];
} proj_log;

struct pst_proj {
	proj_log log;       /* PROJ's last message (its log function writes here) */
	PJ_CONTEXT *pj_ctx; /* PROJ context owned by this transformation */
	PJ *pj;             /* lon/lat → map CRS, normalised for display */
	char *definition;   /* the target CRS as a PROJ string */
	char *standalone;   /* when made without the database (without_database): the
	                       string it was made from, for pst_proj_twin(); else NULL */
};

char *pst_proj_auto_definition(const double e[4])
{
	double lon0 = (e[0] + e[2]) / 2, lat0 = (e[1] + e[3]) / 2;
	double span = e[3] - e[1];
	double lat1 = e[1] + span / 6, lat2 = e[3] - span / 6;
	if (e[1] >= 60 || e[3] <= -60)
		return pst_asprintf("+proj=stere +lat_0=%d +lat_ts=%.6g +lon_0=%.6g +datum=WGS84 "
		                    "+units=m +no_defs +type=crs",
		                    lat0 > 0 ? 90 : -90, lat0, lon0);
	if (lat1 * lat2 <= 0 || fabs(lat1 + lat2) < 10)
		return pst_asprintf("+proj=merc +lon_0=%.6g +datum=WGS84 +units=m +no_defs +type=crs",
		                    lon0);
	return pst_asprintf("+proj=lcc +lat_0=%.6g +lon_0=%.6g +lat_1=%.6g +lat_2=%.6g "
	                    "+datum=WGS84 +units=m +no_defs +type=crs",
	                    lat0, lon0, lat1, lat2);
}

/* A "+proj=…" string names an operation unless it says it is a CRS. */
static char *as_crs_text(const char *projection)
{
	const char *p = projection;
	while (*p == ' ')
		p++;
	bool proj_string = p[0] == '+' || strncmp(p, "proj=", 5) == 0;
	if (proj_string && !strstr(p, "type=crs"))
		return pst_asprintf("%s +type=crs", p);
	return pst_strdup(p);
}

/* Is @p crs a 2D projected or geographic CRS (or one bound to WGS84)? */
static bool is_2d_target(PJ_CONTEXT *pc, PJ *crs)
{
	PJ_TYPE type = proj_get_type(crs);
	PJ *base = NULL;
	if (type == PJ_TYPE_BOUND_CRS) {
		base = proj_get_source_crs(pc, crs);
		type = base ? proj_get_type(base) : PJ_TYPE_UNKNOWN;
	}
	int axes = 0;
	if (type == PJ_TYPE_PROJECTED_CRS || type == PJ_TYPE_GEOGRAPHIC_2D_CRS) {
		PJ *cs = proj_crs_get_coordinate_system(pc, base ? base : crs);
		axes = cs ? proj_cs_get_axis_count(pc, cs) : 0;
		proj_destroy(cs);
	}
	proj_destroy(base);
	return axes == 2;
}

static int check_target(posture_ctx *ctx, PJ_CONTEXT *pc, PJ *crs, const char *projection,
                        const pst_where *at)
{
	if (is_2d_target(pc, crs))
		return POSTURE_OK;
	return pst_error_at(ctx, POSTURE_EPROJ, at,
	                 "projection '%s' is not a 2D projected or geographic coordinate system",
	                 projection);
}

static void keep_log(void *user, int level, const char *message)
{
	(void)level;
	proj_log *log = user;
	snprintf(log->text, sizeof(log->text), "%s", message);
}

/* "; PROJ says: …" when PROJ said something, for the end of an error. */
static const char *proj_said(const pst_proj *p, char *buf, size_t n)
{
	const char *m = p->log.text;
	const char *colon = strstr(m, ": ");
	if (colon && !strncmp(m, "proj_", 5))
		m = colon + 2; /* drop the function name */
	snprintf(buf, n, "%s%s", *m ? "; PROJ says: " : "", m);
	return buf;
}

/* An init= token makes PROJ read the file it names: never from a map file. */
static bool has_init(const char *projection)
{
	for (const char *s = strstr(projection, "init="); s; s = strstr(s + 1, "init=")) {
		if (s == projection || s[-1] == '+' || s[-1] == ' ')
			return true;
	}
	return false;
}

static int check_database(pst_proj *p, posture_ctx *ctx, const pst_where *at)
{
	if (proj_context_get_database_path(p->pj_ctx))
		return POSTURE_OK;
	const char *dir = getenv("PROJ_DATA") ? getenv("PROJ_DATA") : getenv("PROJ_LIB");
	return pst_error_at(ctx, POSTURE_EPROJ, at, "PROJ's database proj.db is not found%s%s%s "
	                    "(install Debian's proj-data, or point PROJ_DATA at the folder "
	                    "holding proj.db)", dir ? " in '" : "", dir ? dir : "",
	                    dir ? "'" : "");
}

static int make_transform(pst_proj *p, posture_ctx *ctx, const char *projection,
                          const pst_where *at)
{
	if (has_init(projection))
		return pst_error_at(ctx, POSTURE_EPROJ, at, "projection '%s' uses init=, which "
		                    "makes PROJ read other files; write the CRS out (EPSG:nnnn, a "
		                    "full PROJ string or WKT)", projection);
	char *text = as_crs_text(projection);
	if (!text)
		return pst_error_at(ctx, POSTURE_ENOMEM, at, "out of memory");
	PJ *crs = proj_create(p->pj_ctx, text);
	free(text);
	if (!crs) {
		char said[300];
		return pst_error_at(ctx, POSTURE_EPROJ, at, "projection '%s' is not known to PROJ "
		                    "(use auto, EPSG:nnnn, a PROJ string or WKT)%s", projection,
		                    proj_said(p, said, sizeof(said)));
	}
	int rc = check_target(ctx, p->pj_ctx, crs, projection, at);
	if (rc == POSTURE_OK) {
		const char *def = proj_as_proj_string(p->pj_ctx, crs, PJ_PROJ_5, NULL);
		p->definition = pst_strdup(def ? def : projection);
		PJ *src = proj_create(p->pj_ctx, "EPSG:4326");
		PJ *raw = src ? proj_create_crs_to_crs_from_pj(p->pj_ctx, src, crs, NULL, NULL) : NULL;
		p->pj = raw ? proj_normalize_for_visualization(p->pj_ctx, raw) : NULL;
		proj_destroy(raw);
		proj_destroy(src);
		if (!p->pj || !p->definition)
			rc = pst_error_at(ctx, POSTURE_EPROJ, at,
			               "PROJ cannot transform WGS84 longitude/latitude to '%s'", projection);
	}
	proj_destroy(crs);
	return rc;
}

static void drop_log(void *user, int level, const char *message)
{
	(void)user;
	(void)level;
	(void)message;
}

PJ_CONTEXT *pst_proj_context_without_database(void)
{
	PJ_CONTEXT *pc = proj_context_create();
	if (!pc)
		return NULL;
	/* No proj.ini, proj.db or grid is found there: PROJ works from the string alone. */
	const char *nowhere[] = { "/nonexistent/posture: no PROJ resources" };
	proj_context_set_search_paths(pc, 1, nowhere);
	/* "Cannot find proj.db" is expected here, not an error; PROJ's C API writes
	 * such messages to the log function whatever the level, so drop them there. */
	proj_log_func(pc, NULL, drop_log);
	proj_log_level(pc, PJ_LOG_NONE);
	return pc;
}

/* A PROJ string that names no grid file: it can be set up without proj.db. */
static bool self_contained(const char *projection)
{
	const char *p = projection;
	while (*p == ' ')
		p++;
	return (p[0] == '+' || strncmp(p, "proj=", 5) == 0) && !strstr(p, "grids=") &&
	       !has_init(p);
}

/* The transformation to @p def (a PROJ string) without the database, or NULL. */
static pst_proj *without_database(const char *def)
{
	pst_proj *p = calloc(1, sizeof(*p));
	if (!p || !(p->pj_ctx = pst_proj_context_without_database())) {
		free(p);
		return NULL;
	}
	char *text = as_crs_text(def);
	PJ *crs = text ? proj_create(p->pj_ctx, text) : NULL;
	free(text);
	if (crs && is_2d_target(p->pj_ctx, crs)) {
		const char *d = proj_as_proj_string(p->pj_ctx, crs, PJ_PROJ_5, NULL);
		PJ *src = d ? proj_create(p->pj_ctx, "+proj=longlat +datum=WGS84 +type=crs") : NULL;
		PJ *raw = src ? proj_create_crs_to_crs_from_pj(p->pj_ctx, src, crs, NULL, NULL) : NULL;
		p->pj = raw ? proj_normalize_for_visualization(p->pj_ctx, raw) : NULL;
		p->definition = p->pj ? pst_strdup(d) : NULL;
		proj_destroy(raw);
		proj_destroy(src);
	}
	proj_destroy(crs);
	if (!p->pj || !p->definition) {
		pst_proj_destroy(p);
		return NULL;
	}
	/* From here on PROJ's messages are kept, as in the database's context. */
	proj_log_func(p->pj_ctx, &p->log, keep_log);
	proj_log_level(p->pj_ctx, PJ_LOG_ERROR);
	return p;
}

int pst_proj_create(pst_proj **out, posture_ctx *ctx, const char *projection,
                    const double extent[4], const pst_where *at)
{
	*out = NULL;
	char *def = strcmp(projection, "auto") == 0 ? pst_proj_auto_definition(extent)
	                                            : pst_strdup(projection);
	if (!def)
		return pst_error_at(ctx, POSTURE_ENOMEM, at, "out of memory");
	if (self_contained(def) && (*out = without_database(def))) {
		(*out)->standalone = def;
		return POSTURE_OK;
	}
	pst_proj *p = calloc(1, sizeof(*p));
	if (!p) {
		free(def);
		return pst_error_at(ctx, POSTURE_ENOMEM, at, "out of memory");
	}
	p->pj_ctx = proj_context_create();
	if (!p->pj_ctx) {
		free(p);
		free(def);
		return pst_error_at(ctx, POSTURE_ENOMEM, at, "cannot create a PROJ context");
	}
	/* PROJ's messages go to p->log, never to stderr; errors are reported through ctx. */
	proj_log_func(p->pj_ctx, &p->log, keep_log);
	proj_log_level(p->pj_ctx, PJ_LOG_ERROR);
	int rc = check_database(p, ctx, at);
	if (rc == POSTURE_OK)
		rc = make_transform(p, ctx, def, at);
	free(def);
	if (rc != POSTURE_OK) {
		pst_proj_destroy(p);
		return rc;
	}
	*out = p;
	return POSTURE_OK;
}

void pst_proj_destroy(pst_proj *p)
{
	if (!p)
		return;
	proj_destroy(p->pj);
	free(p->definition);
	free(p->standalone);
	proj_context_destroy(p->pj_ctx);
	free(p);
}

pst_proj *pst_proj_twin(const pst_proj *p)
{
	return p->standalone ? without_database(p->standalone) : NULL;
}

const char *pst_proj_definition(const pst_proj *p)
{
	return p->definition;
}

int pst_proj_trans(pst_proj *p, bool inverse, double *x, double *y, size_t n)
{
	if (n == 0)
		return POSTURE_OK;
	proj_errno_reset(p->pj);
	size_t done = proj_trans_generic(p->pj, inverse ? PJ_INV : PJ_FWD, x, sizeof(double), n, y,
	                                 sizeof(double), n, NULL, 0, 0, NULL, 0, 0);
	if (done != n)
		return POSTURE_EPROJ;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !isfinite(y[i])) {
			x[i] = HUGE_VAL;
			y[i] = HUGE_VAL;
		}
	}
	return POSTURE_OK;
}
