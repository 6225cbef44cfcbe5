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

static int check_target(posture_ctx *ctx, PJ_CONTEXT *pc, PJ *crs, const char *projection,
                        const pst_where *at)
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
	if (axes == 2)
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

int pst_proj_create(pst_proj **out, posture_ctx *ctx, const char *projection,
                    const double extent[4], const pst_where *at)
{
	*out = NULL;
	pst_proj *p = calloc(1, sizeof(*p));
	if (!p)
		return pst_error_at(ctx, POSTURE_ENOMEM, at, "out of memory");
	p->pj_ctx = proj_context_create();
	if (!p->pj_ctx) {
		free(p);
		return pst_error_at(ctx, POSTURE_ENOMEM, at, "cannot create a PROJ context");
	}
	/* PROJ's messages go to p->log, never to stderr; errors are reported through ctx. */
	proj_log_func(p->pj_ctx, &p->log, keep_log);
	proj_log_level(p->pj_ctx, PJ_LOG_ERROR);
	int rc = check_database(p, ctx, at);
	if (rc == POSTURE_OK && strcmp(projection, "auto") == 0) {
		char *def = pst_proj_auto_definition(extent);
		rc = def ? make_transform(p, ctx, def, at)
		         : pst_error_at(ctx, POSTURE_ENOMEM, at, "out of memory");
		free(def);
	} else if (rc == POSTURE_OK) {
		rc = make_transform(p, ctx, projection, at);
	}
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
	proj_context_destroy(p->pj_ctx);
	free(p);
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
