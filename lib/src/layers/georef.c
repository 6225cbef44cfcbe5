/*
 * georef.c — checking curated positions against the base geography.
 *
 * Holds every country polygon of shapes/countries.shp (lon/lat rings with
 * their bounding boxes) and the neighbour pairs of shapes/borders.shp.  A
 * point is inside a country by the even-odd rule over its rings.  When it is
 * not, its distance to the country is measured in an azimuthal equidistant
 * projection centred on the point (through PROJ, so distances are true on
 * the ellipsoid to well under the 25 km the check allows).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <proj.h>

#include "geom/geom.h"
#include "layer.h"
#include "shapes/shapefile.h"

typedef struct {
	char iso[4];      /* ISO alpha-3, "" for disputed areas */
	pst_box bbox;     /* lon/lat */
	double *xy;       /* all rings, lon/lat pairs */
	size_t *ring_end; /* exclusive end (points) of each ring */
	size_t n_rings;
} geo_country;

struct pst_georef {
	geo_country *countries;
	size_t n_countries;
	char (*pairs)[8]; /* "AFGTJK": the two codes, alphabetical */
	size_t n_pairs;
};

static int load_country(geo_country *gc, posture_ctx *ctx, pst_shapefile *sf, int i)
{
	SHPObject *o;
	int rc = pst_shapefile_read(&o, ctx, sf, i);
	if (rc != POSTURE_OK || !o)
		return rc;
	snprintf(gc->iso, sizeof(gc->iso), "%s", pst_shapefile_string(sf, i, "iso_a3"));
	gc->bbox = (pst_box){ o->dfXMin, o->dfYMin, o->dfXMax, o->dfYMax };
	gc->xy = malloc((size_t)o->nVertices * 2 * sizeof(double) + 1);
	gc->ring_end = malloc((size_t)o->nParts * sizeof(size_t) + 1);
	if (!gc->xy || !gc->ring_end) {
		SHPDestroyObject(o);
		return pst_error(ctx, POSTURE_ENOMEM, sf->path, "out of memory");
	}
	for (int v = 0; v < o->nVertices; v++) {
		gc->xy[2 * v] = o->padfX[v];
		gc->xy[2 * v + 1] = o->padfY[v];
	}
	for (int p = 0; p < o->nParts; p++)
		gc->ring_end[p] = p + 1 < o->nParts ? (size_t)o->panPartStart[p + 1] : (size_t)o->nVertices;
	gc->n_rings = (size_t)o->nParts;
	SHPDestroyObject(o);
	return POSTURE_OK;
}

static int load_pairs(pst_georef *g, posture_ctx *ctx, const char *dir)
{
	pst_shapefile *sf;
	int rc = pst_shapefile_open(&sf, ctx, dir, "borders", SHPT_ARC);
	if (rc != POSTURE_OK)
		return rc;
	g->pairs = calloc((size_t)sf->n_records + 1, sizeof(*g->pairs));
	if (!g->pairs)
		rc = pst_error(ctx, POSTURE_ENOMEM, sf->path, "out of memory");
	for (int i = 0; rc == POSTURE_OK && i < sf->n_records; i++) {
		char a[4];
		snprintf(a, sizeof(a), "%s", pst_shapefile_string(sf, i, "iso_a3_a"));
		snprintf(g->pairs[g->n_pairs++], 8, "%s%s", a, pst_shapefile_string(sf, i, "iso_a3_b"));
	}
	pst_shapefile_close(sf);
	return rc;
}

int pst_georef_load(pst_georef **out, posture_ctx *ctx, const char *dir)
{
	*out = NULL;
	pst_georef *g = calloc(1, sizeof(*g));
	pst_shapefile *sf = NULL;
	int rc = g ? pst_shapefile_open(&sf, ctx, dir, "countries", SHPT_POLYGON)
	           : pst_error(ctx, POSTURE_ENOMEM, dir, "out of memory");
	if (rc == POSTURE_OK) {
		g->countries = calloc((size_t)sf->n_records + 1, sizeof(*g->countries));
		if (!g->countries)
			rc = pst_error(ctx, POSTURE_ENOMEM, sf->path, "out of memory");
	}
	for (int i = 0; rc == POSTURE_OK && i < sf->n_records; i++) {
		rc = load_country(&g->countries[g->n_countries], ctx, sf, i);
		g->n_countries++;
	}
	pst_shapefile_close(sf);
	if (rc == POSTURE_OK)
		rc = load_pairs(g, ctx, dir);
	if (rc != POSTURE_OK) {
		pst_georef_destroy(g);
		return rc;
	}
	*out = g;
	return POSTURE_OK;
}

void pst_georef_destroy(pst_georef *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_countries; i++) {
		free(g->countries[i].xy);
		free(g->countries[i].ring_end);
	}
	free(g->countries);
	free(g->pairs);
	free(g);
}

bool pst_georef_has_country(const pst_georef *g, const char *iso)
{
	for (size_t i = 0; i < g->n_countries; i++)
		if (strcmp(g->countries[i].iso, iso) == 0)
			return true;
	return false;
}

bool pst_georef_has_border(const pst_georef *g, const char *a, const char *b)
{
	char key[8];
	snprintf(key, sizeof(key), "%s%s", a, b);
	for (size_t i = 0; i < g->n_pairs; i++)
		if (strcmp(g->pairs[i], key) == 0)
			return true;
	return false;
}

static bool inside(const geo_country *c, double x, double y)
{
	if (x < c->bbox.x0 || x > c->bbox.x1 || y < c->bbox.y0 || y > c->bbox.y1)
		return false;
	bool in = false;
	size_t start = 0;
	for (size_t r = 0; r < c->n_rings; r++) {
		size_t end = c->ring_end[r];
		for (size_t i = start, j = end - 1; i < end; j = i++) {
			double xi = c->xy[2 * i], yi = c->xy[2 * i + 1];
			double xj = c->xy[2 * j], yj = c->xy[2 * j + 1];
			if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
				in = !in;
		}
		start = end;
	}
	return in;
}

/* Shortest distance in km from (lon, lat) to the outline of @p c. */
static double outline_km(const geo_country *c, double lon, double lat)
{
	char def[160];
	snprintf(def, sizeof(def), "+proj=aeqd +lat_0=%.9f +lon_0=%.9f +datum=WGS84 +units=m "
	         "+type=crs", lat, lon);
	PJ_CONTEXT *pc = proj_context_create();
	proj_log_level(pc, PJ_LOG_NONE);
	/* A PROJ string, not EPSG:4326: no need of proj.db for a distance. */
	PJ *raw = proj_create_crs_to_crs(pc, "+proj=longlat +datum=WGS84 +type=crs", def, NULL);
	PJ *pj = raw ? proj_normalize_for_visualization(pc, raw) : NULL;
	proj_destroy(raw);
	double best = HUGE_VAL;
	size_t n = c->n_rings ? c->ring_end[c->n_rings - 1] : 0;
	double *xy = pj ? malloc(n * 2 * sizeof(double) + 1) : NULL;
	if (xy) {
		memcpy(xy, c->xy, n * 2 * sizeof(double));
		proj_trans_generic(pj, PJ_FWD, xy, 2 * sizeof(double), n, xy + 1, 2 * sizeof(double),
		                   n, NULL, 0, 0, NULL, 0, 0);
		size_t start = 0;
		for (size_t r = 0; r < c->n_rings; r++) {
			for (size_t i = start; i + 1 < c->ring_end[r]; i++) {
				double ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * i + 2], by = xy[2 * i + 3];
				double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
				double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
				t = t < 0 ? 0 : t > 1 ? 1 : t;
				double d = hypot(ax + t * dx, ay + t * dy);
				if (isfinite(d) && d < best)
					best = d;
			}
			start = c->ring_end[r];
		}
	}
	free(xy);
	proj_destroy(pj);
	proj_context_destroy(pc);
	return best / 1000.0;
}

/* Is the point within @p km of @p c's bounding box (a cheap pre-test)? */
static bool bbox_near(const geo_country *c, double lon, double lat, double km)
{
	double dlat = km / 111.0 + 0.01, dlon = dlat / fmax(cos(lat * PST_PI / 180), 0.01);
	return lon >= c->bbox.x0 - dlon && lon <= c->bbox.x1 + dlon && lat >= c->bbox.y0 - dlat &&
	       lat <= c->bbox.y1 + dlat;
}

double pst_georef_distance_km(const pst_georef *g, const char *iso, double lon, double lat)
{
	double best = -1;
	for (size_t i = 0; i < g->n_countries; i++) {
		const geo_country *c = &g->countries[i];
		if (strcmp(c->iso, iso) != 0)
			continue;
		if (inside(c, lon, lat))
			return 0;
		double d = outline_km(c, lon, lat);
		if (best < 0 || d < best)
			best = d;
	}
	return best;
}

bool pst_georef_near_land(const pst_georef *g, double lon, double lat, double km)
{
	for (size_t i = 0; i < g->n_countries; i++)
		if (inside(&g->countries[i], lon, lat))
			return true;
	for (size_t i = 0; i < g->n_countries; i++)
		if (bbox_near(&g->countries[i], lon, lat, km) &&
		    outline_km(&g->countries[i], lon, lat) <= km)
			return true;
	return false;
}
