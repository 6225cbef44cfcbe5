/*
 * georef.c — checking curated positions against the base geography.
 *
 * Holds every country polygon of shapes/countries.shp (lon/lat rings with
 * their bounding boxes) and the neighbour pairs of shapes/borders.shp.  A
 * point is inside a country by the even-odd rule over its rings.  When it is
 * not, its distance to the country is measured in an azimuthal equidistant
 * projection centred on the point (each vertex by the geodesic from the point,
 * PROJ's geodesic.h, so distances are true on the ellipsoid to well under the
 * 25 km the check allows).  A ring that crosses the antimeridian is kept
 * continuous, its longitudes carried past 180 (load_country).
 *
 * A country's rings are read from the shapefile the first time a question
 * needs them (a map's layers name a handful of the world's 250 countries):
 * loading holds only the codes; the handle stays open until the georef is
 * destroyed, and the const functions below fill that cache (one thread).
 * A record that cannot be read is reported when it is first needed, and
 * pst_georef_status() says so; render reads every record for the map anyway.
 *
 * Big layers ask these questions for every point, so both are indexed: each
 * country's edges are sorted into horizontal bands once at load, and the
 * even-odd test looks only at the edges of the point's band (the same edges
 * the full loop would count, so the same answer).  "Within K km" is first
 * decided on a local flat approximation over the edges near the point
 * (accurate to well under 1% at these distances); only a point that seems to
 * be outside by more than 95% of K is measured exactly.  The exact measure
 * too looks only at the edges that can be the nearest (nearest_by_flat):
 * 5,000 points hundreds of km outside their country took 25 s, 0.9 s now.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <geodesic.h>

#include "geom/geom.h"
#include "layer.h"
#include "shapes/shapefile.h"

typedef struct {
	char iso[4];      /* ISO alpha-3, "" for disputed areas */
	int record;       /* its record in countries.shp */
	signed char state; /* 0: rings not read yet, 1: read, -1: unreadable (reported) */
	pst_box bbox;     /* lon/lat */
	double x0, x1;    /* the rings' longitudes as kept: past ±180 where a ring crosses the antimeridian */
	double *xy;       /* all rings, lon/lat pairs */
	size_t *ring_end; /* exclusive end (points) of each ring */
	size_t n_rings;
	size_t n_bands;      /* horizontal bands over bbox.y0..y1 */
	size_t *band_start;  /* n_bands + 1 offsets into band_edge */
	uint32_t *band_edge; /* per band: edges (index of their second vertex) crossing it */
	uint32_t *edge_prev; /* per vertex: the index of the vertex before it in its ring */
	struct geo_cell *cells; /* the cells points were asked about (cell_of), a hash set */
	size_t n_cells, cap_cells;
	double last_lon, last_lat, last_km; /* the last outline_km (a point's check asks twice) */
	bool has_last;
} geo_country;

/*
 * Cells of 1/GEO_CELLS degree a side, met by the points asked about (big layers
 * put thousands of points in the same few cells): a cell that no edge comes near
 * is wholly inside or wholly outside, so the even-odd test of its points is
 * answered once; and the distance from its centre to the outline bounds that of
 * every point in it (near_by_cell).
 */
#define GEO_CELLS 64
enum { CELL_UNKNOWN, CELL_IN, CELL_OUT, CELL_EDGE };

typedef struct geo_cell {
	uint32_t x, y;        /* 1 + the cell's column and row from (-180, -90); x 0: empty */
	unsigned char state;  /* CELL_* */
	bool has_near;
	double near_km;       /* approx_outline_km of its centre (an upper bound: HUGE_VAL) */
} geo_cell;

struct pst_georef {
	geo_country *countries;
	size_t n_countries;
	pst_shapefile *sf;   /* countries.shp, open while rings are read on demand */
	posture_ctx *ctx;    /* where a record read on demand reports its error */
	int status;          /* POSTURE_OK, or the error of a record read on demand */
	int by_code[26 * 26 * 26]; /* first country (index + 1) with each code, 0: none */
	int *next_same;      /* per country: the next one with its code (index + 1), 0: none */
	char (*pairs)[8]; /* "AFGTJK": the two codes, alphabetical */
	size_t n_pairs;
};

static size_t band_of(const geo_country *c, double y)
{
	double h = c->bbox.y1 - c->bbox.y0;
	double t = h > 0 ? (y - c->bbox.y0) / h * (double)c->n_bands : 0;
	if (!(t > 0))
		return 0;
	return t >= (double)c->n_bands ? c->n_bands - 1 : (size_t)t;
}

/* Sort every edge into the bands its y range covers (two passes: count, fill). */
static int index_bands(geo_country *c)
{
	size_t n = c->n_rings ? c->ring_end[c->n_rings - 1] : 0;
	c->n_bands = n / 16 + 1 > 1024 ? 1024 : n / 16 + 1;
	c->band_start = calloc(c->n_bands + 2, sizeof(size_t));
	c->edge_prev = malloc(n * sizeof(uint32_t) + 1);
	if (!c->band_start || !c->edge_prev || n > UINT32_MAX)
		return POSTURE_ENOMEM;
	for (int pass = 0; pass < 2; pass++) {
		size_t start = 0;
		for (size_t r = 0; r < c->n_rings; r++) {
			size_t end = c->ring_end[r];
			for (size_t i = start, j = end - 1; i < end; j = i++) {
				double yi = c->xy[2 * i + 1], yj = c->xy[2 * j + 1];
				size_t b0 = band_of(c, fmin(yi, yj)), b1 = band_of(c, fmax(yi, yj));
				for (size_t b = b0; b <= b1; b++) {
					if (pass == 0)
						c->band_start[b + 2]++;
					else
						c->band_edge[c->band_start[b + 1]++] = (uint32_t)i;
				}
				c->edge_prev[i] = (uint32_t)j;
			}
			start = end;
		}
		if (pass == 0) {
			for (size_t b = 2; b <= c->n_bands + 1; b++)
				c->band_start[b] += c->band_start[b - 1];
			c->band_edge = malloc(c->band_start[c->n_bands + 1] * sizeof(uint32_t) + 1);
			if (!c->band_edge)
				return POSTURE_ENOMEM;
		}
	}
	return POSTURE_OK; /* band_start[b] .. band_start[b + 1] now hold band b */
}

static int load_country(geo_country *gc, posture_ctx *ctx, pst_shapefile *sf, int i)
{
	SHPObject *o;
	int rc = pst_shapefile_read(&o, ctx, sf, i);
	if (rc != POSTURE_OK || !o)
		return rc;
	gc->bbox = (pst_box){ o->dfXMin, o->dfYMin, o->dfXMax, o->dfYMax };
	gc->xy = malloc((size_t)o->nVertices * 2 * sizeof(double) + 1);
	gc->ring_end = malloc((size_t)o->nParts * sizeof(size_t) + 1);
	if (!gc->xy || !gc->ring_end) {
		SHPDestroyObject(o);
		return pst_error(ctx, POSTURE_ENOMEM, sf->path, "out of memory");
	}
	for (int p = 0; p < o->nParts; p++)
		gc->ring_end[p] = p + 1 < o->nParts ? (size_t)o->panPartStart[p + 1] : (size_t)o->nVertices;
	gc->n_rings = (size_t)o->nParts;
	/* A ring that crosses the antimeridian (an edge from 179.9 to -180) is
	 * kept continuous, its longitudes carried past 180 (or -180), so that the
	 * even-odd test and the distances see the edges where they run. */
	gc->x0 = HUGE_VAL;
	gc->x1 = -HUGE_VAL;
	for (size_t r = 0; r < gc->n_rings; r++) {
		size_t start = r ? gc->ring_end[r - 1] : 0;
		double shift = 0, lo = HUGE_VAL, hi = -HUGE_VAL;
		for (size_t v = start; v < gc->ring_end[r]; v++) {
			double x = o->padfX[v];
			if (v > start && fabs(x - o->padfX[v - 1]) > 180)
				shift += x < o->padfX[v - 1] ? 360 : -360;
			gc->xy[2 * v] = x + shift;
			gc->xy[2 * v + 1] = o->padfY[v];
			lo = fmin(lo, x + shift);
			hi = fmax(hi, x + shift);
		}
		/* The ring where most of it lies: its middle within ±180. */
		double mid = (lo + hi) / 2, back = mid > 180 ? -360 : mid < -180 ? 360 : 0;
		for (size_t v = start; back != 0 && v < gc->ring_end[r]; v++)
			gc->xy[2 * v] += back;
		gc->x0 = fmin(gc->x0, lo + back);
		gc->x1 = fmax(gc->x1, hi + back);
	}
	SHPDestroyObject(o);
	if (index_bands(gc) != POSTURE_OK)
		return pst_error(ctx, POSTURE_ENOMEM, sf->path, "out of memory");
	return POSTURE_OK;
}

/* The country with its rings read (an unreadable one has none). */
static const geo_country *ready(const pst_georef *cg, size_t i)
{
	pst_georef *g = (pst_georef *)cg; /* the lazily filled cache: see the top */
	geo_country *c = &g->countries[i];
	if (c->state == 0) {
		int rc = load_country(c, g->ctx, g->sf, c->record);
		c->state = rc == POSTURE_OK ? 1 : -1;
		if (rc != POSTURE_OK && g->status == POSTURE_OK)
			g->status = rc;
	}
	return c;
}

int pst_georef_status(const pst_georef *g)
{
	return g->status;
}

/* Slot of an ISO alpha-3 code in by_code, or -1 when it is not three capitals. */
static int code_slot(const char *iso)
{
	if (strlen(iso) != 3)
		return -1;
	int k = 0;
	for (int i = 0; i < 3; i++) {
		if (iso[i] < 'A' || iso[i] > 'Z')
			return -1;
		k = k * 26 + (iso[i] - 'A');
	}
	return k;
}

/* Chain the countries by code, so a lookup by code does not walk them all. */
static int index_codes(pst_georef *g, posture_ctx *ctx, const char *dir)
{
	g->next_same = calloc(g->n_countries + 1, sizeof(int));
	if (!g->next_same)
		return pst_error(ctx, POSTURE_ENOMEM, dir, "out of memory");
	for (size_t i = g->n_countries; i-- > 0;) {
		int k = code_slot(g->countries[i].iso);
		if (k < 0)
			continue;
		g->next_same[i] = g->by_code[k];
		g->by_code[k] = (int)i + 1;
	}
	return POSTURE_OK;
}

/* First country with code @p iso (index + 1), 0 when none; then next_same. */
static int first_of(const pst_georef *g, const char *iso)
{
	int k = code_slot(iso);
	return k < 0 ? 0 : g->by_code[k];
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
		geo_country *c = &g->countries[g->n_countries++];
		snprintf(c->iso, sizeof(c->iso), "%s", pst_shapefile_string(sf, i, "iso_a3"));
		c->record = i;
		double box[4];
		if (pst_shapefile_bbox(sf, i, box)) /* the box SHPReadObject gives, read now */
			c->bbox = (pst_box){ box[0], box[1], box[2], box[3] };
		else
			c->state = -1; /* a null shape: no rings, nothing inside */
	}
	if (g) { /* (without g, sf was never opened) */
		g->sf = sf;
		g->ctx = ctx;
	}
	if (rc == POSTURE_OK)
		rc = load_pairs(g, ctx, dir);
	if (rc == POSTURE_OK)
		rc = index_codes(g, ctx, dir);
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
		free(g->countries[i].band_start);
		free(g->countries[i].band_edge);
		free(g->countries[i].edge_prev);
		free(g->countries[i].cells);
	}
	pst_shapefile_close(g->sf);
	free(g->countries);
	free(g->next_same);
	free(g->pairs);
	free(g);
}

bool pst_georef_has_country(const pst_georef *g, const char *iso)
{
	return first_of(g, iso) != 0;
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

static bool in_bbox(const geo_country *c, double x, double y)
{
	return x >= c->bbox.x0 && x <= c->bbox.x1 && y >= c->bbox.y0 && y <= c->bbox.y1;
}

/* Even-odd over the edges of (x, y)'s band: the same edges the full loop would count. */
static bool inside_rings(const geo_country *c, double x, double y)
{
	bool in = false;
	size_t b = band_of(c, y);
	for (size_t e = c->band_start[b]; e < c->band_start[b + 1]; e++) {
		size_t i = c->band_edge[e], j = c->edge_prev[i];
		double xi = c->xy[2 * i], yi = c->xy[2 * i + 1];
		double xj = c->xy[2 * j], yj = c->xy[2 * j + 1];
		if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
			in = !in;
	}
	return in;
}

/* The slot of cell (cx, cy) in a set of @p cap slots (a power of two): its
 * own, or the free one where it would go. */
static size_t cell_slot(const geo_cell *set, size_t cap, uint32_t cx, uint32_t cy)
{
	size_t k = ((size_t)cx * 73856093u ^ (size_t)cy * 19349663u) & (cap - 1);
	while (set[k].x && (set[k].x != cx || set[k].y != cy))
		k = (k + 1) & (cap - 1);
	return k;
}

/* The cell holding (x, y), added when new; NULL when out of memory. */
static geo_cell *cell_of(geo_country *c, double x, double y)
{
	double tx = floor((x + 180) * GEO_CELLS), ty = floor((y + 90) * GEO_CELLS);
	uint32_t cx = (uint32_t)(tx < 0 ? 0 : tx > 360 * GEO_CELLS ? 360 * GEO_CELLS : tx) + 1;
	uint32_t cy = (uint32_t)(ty < 0 ? 0 : ty > 180 * GEO_CELLS ? 180 * GEO_CELLS : ty) + 1;
	if (2 * (c->n_cells + 1) > c->cap_cells) {
		size_t cap = c->cap_cells ? 2 * c->cap_cells : 256;
		geo_cell *set = calloc(cap, sizeof(*set));
		if (!set)
			return NULL;
		for (size_t i = 0; i < c->cap_cells; i++)
			if (c->cells[i].x)
				set[cell_slot(set, cap, c->cells[i].x, c->cells[i].y)] = c->cells[i];
		free(c->cells);
		c->cells = set;
		c->cap_cells = cap;
	}
	geo_cell *e = &c->cells[cell_slot(c->cells, c->cap_cells, cx, cy)];
	if (!e->x) {
		*e = (geo_cell){ .x = cx, .y = cy, .state = CELL_UNKNOWN };
		c->n_cells++;
	}
	return e;
}

/* The box of cell @p e (lon/lat). */
static void cell_box(const geo_cell *e, double *x0, double *y0, double *x1, double *y1)
{
	*x0 = (double)(e->x - 1) / GEO_CELLS - 180;
	*y0 = (double)(e->y - 1) / GEO_CELLS - 90;
	*x1 = (double)e->x / GEO_CELLS - 180;
	*y1 = (double)e->y / GEO_CELLS - 90;
}

/*
 * The state of cell @p e of @p c: CELL_EDGE when the box of some edge meets the
 * cell's box widened by a margin, else CELL_IN or CELL_OUT as its centre is.
 * Any point of such a cell joins the centre by a segment that crosses no edge, so
 * it is on the same side; and each edge the even-odd test counts for it is wholly
 * left or right of it by the margin (1e-6 degree, far above the rounding of the
 * crossing), so the computed test gives that same answer for every point.
 */
static unsigned char cell_state(const geo_country *c, const geo_cell *e)
{
	const double m = 1e-6;
	double x0, y0, x1, y1;
	cell_box(e, &x0, &y0, &x1, &y1);
	if (y1 + m >= c->bbox.y0 && y0 - m <= c->bbox.y1) {
		size_t b0 = band_of(c, y0 - m), b1 = band_of(c, y1 + m);
		for (size_t k = c->band_start[b0]; k < c->band_start[b1 + 1]; k++) {
			size_t i = c->band_edge[k], j = c->edge_prev[i];
			const double *a = &c->xy[2 * j], *b = &c->xy[2 * i];
			if (!(fmin(a[0], b[0]) > x1 + m || fmax(a[0], b[0]) < x0 - m ||
			      fmin(a[1], b[1]) > y1 + m || fmax(a[1], b[1]) < y0 - m))
				return CELL_EDGE;
		}
	}
	return inside_rings(c, (x0 + x1) / 2, (y0 + y1) / 2) ? CELL_IN : CELL_OUT;
}

/* Is (x, y) inside country @p i (even-odd over its rings)?  Reads them only
 * when the point is inside the box; a point far from every edge is answered by
 * its cell (cell_state), the others by their band's edges. */
static bool inside(const pst_georef *g, size_t ci, double x, double y)
{
	if (g->countries[ci].state < 0 || !in_bbox(&g->countries[ci], x, y))
		return false;
	geo_country *c = (geo_country *)ready(g, ci); /* the cells are the cache's too */
	if (c->state != 1)
		return false;
	geo_cell *e = cell_of(c, x, y);
	bool in;
	if (!e) {
		in = inside_rings(c, x, y); /* no memory for the cells: the long way */
	} else {
		if (e->state == CELL_UNKNOWN)
			e->state = cell_state(c, e);
		in = e->state == CELL_EDGE ? inside_rings(c, x, y) : e->state == CELL_IN;
	}
	/* Rings carried past the antimeridian hold the point 360 degrees on. */
	if (!in && c->x1 > 180 && x + 360 <= c->x1)
		in = inside_rings(c, x + 360, y);
	if (!in && c->x0 < -180 && x - 360 >= c->x0)
		in = inside_rings(c, x - 360, y);
	return in;
}

/* fmin and fmax, NaN and all, inline: the edge tests below make millions of calls. */
static inline double min_of(double a, double b)
{
	return isnan(a) ? b : isnan(b) ? a : a < b ? a : b;
}

static inline double max_of(double a, double b)
{
	return isnan(a) ? b : isnan(b) ? a : a > b ? a : b;
}

#define EARTH_KM 6371.0 /* mean radius, for the flat approximation only */

/*
 * An edge longer than 2 degrees either way: the flat measure of the
 * distance to it can be far off (an edge that closes a ring across the
 * antimeridian runs the whole way round in longitude), so it is measured
 * exactly, never by the flat approximation.
 */
#define LONG_EDGE_DEG 2.0
static bool long_edge(const double *a, const double *b)
{
	return !(fabs(a[0] - b[0]) <= LONG_EDGE_DEG && fabs(a[1] - b[1]) <= LONG_EDGE_DEG);
}

/*
 * Distance in km from (lon, lat) to the nearest edge of @p c whose box
 * comes within @p km of the point, on a flat local approximation; HUGE_VAL
 * when no edge comes that near.
 */
static double approx_outline_km(const geo_country *c, double lon, double lat, double km)
{
	double kx = EARTH_KM * PST_PI / 180 * cos(lat * PST_PI / 180), ky = EARTH_KM * PST_PI / 180;
	double dlat = km / ky, dlon = kx > 1e-6 ? km / kx : 360;
	double best = HUGE_VAL;
	if (c->state != 1 || lat + dlat < c->bbox.y0 || lat - dlat > c->bbox.y1)
		return best;
	/* Only the bands the latitude range covers hold edges that can come that near
	 * (an edge can be listed in several: measuring it twice is harmless). */
	size_t b0 = band_of(c, lat - dlat), b1 = band_of(c, lat + dlat);
	for (size_t e = c->band_start[b0]; e < c->band_start[b1 + 1]; e++) {
		size_t i = c->band_edge[e], j = c->edge_prev[i];
		const double *a = &c->xy[2 * j], *b2 = &c->xy[2 * i];
		if (min_of(a[0], b2[0]) > lon + dlon || max_of(a[0], b2[0]) < lon - dlon ||
		    min_of(a[1], b2[1]) > lat + dlat || max_of(a[1], b2[1]) < lat - dlat ||
		    long_edge(a, b2))
			continue;
		double ax = (a[0] - lon) * kx, ay = (a[1] - lat) * ky;
		double dx = (b2[0] - a[0]) * kx, dy = (b2[1] - a[1]) * ky, len2 = dx * dx + dy * dy;
		double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
		t = t < 0 ? 0 : t > 1 ? 1 : t;
		best = fmin(best, hypot(ax + t * dx, ay + t * dy));
	}
	return best;
}

/*
 * True when approx_outline_km(c, lon, lat, km) is sure to be under 0.95 km, from
 * the point's cell: an edge point q lies within near_km of the cell's centre, so
 * within near_km + the cell's diagonal of the point (q is then inside the point's
 * box of half-side km too, so measured).  The factor and the 10 m cover the
 * point's own cos(latitude), within 1e-3 of the centre's below 80 degrees, and
 * rounding; a point near that limit is measured as before.
 */
static bool near_by_cell(const pst_georef *g, size_t ci, double lon, double lat, double km)
{
	geo_country *c = (geo_country *)ready(g, ci);
	if (c->state != 1 || !(fabs(lat) < 80) || !(fabs(lon) <= 180))
		return false;
	geo_cell *e = cell_of(c, lon, lat);
	if (!e)
		return false;
	if (!e->has_near) {
		double x0, y0, x1, y1;
		cell_box(e, &x0, &y0, &x1, &y1);
		e->near_km = approx_outline_km(c, (x0 + x1) / 2, (y0 + y1) / 2, km);
		e->has_near = true;
	}
	const double diag_km = EARTH_KM * PST_PI / 180 * sqrt(2.0) / GEO_CELLS;
	return (e->near_km + diag_km) * 1.01 + 0.01 < 0.95 * km;
}

/* The distance from the origin to the segment (ax, ay)-(bx, by), HUGE_VAL when
 * it cannot be measured (a vertex that did not project). */
static double segment_distance(double ax, double ay, double bx, double by)
{
	double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
	double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	double d = hypot(ax + t * dx, ay + t * dy);
	return isfinite(d) ? d : HUGE_VAL;
}

#define FLAT_MAX_KM 3000.0 /* farther from the outline, every edge is measured */

/*
 * How far the flat distance from (lon, lat) can be from the true one, either
 * way, for edges within @p km of the point: the flat measure takes the
 * point's cos(latitude) for every edge, the edges' own lie between those of
 * the latitudes @p km north and south; the ellipsoid adds under 1%, the
 * azimuthal projection's stretch across the line of sight (d / sin d) the
 * rest.  NAN where the bound is no use (near a pole or the antimeridian).
 */
static double flat_ratio(double lon, double lat, double km)
{
	double dlat = km / (EARTH_KM * PST_PI / 180);
	double hi = fabs(lat) + dlat, lo = fabs(lat) - dlat;
	if (!(hi < 80))
		return NAN;
	double c = cos(lat * PST_PI / 180), c_hi = cos(hi * PST_PI / 180);
	double c_lo = lo > 0 ? cos(lo * PST_PI / 180) : 1;
	if (!(fabs(lon) + dlat / c_hi < 180))
		return NAN;
	double r = km / EARTH_KM;
	return fmax(c / c_hi, c_lo / c) * 1.01 * (r > 1e-6 ? r / sin(r) : 1);
}

/* The square of the flat distance from (lon, lat) to the edge from vertex j to i. */
static double flat_distance2(const geo_country *c, size_t i, size_t j, double lon, double lat,
                             double kx, double ky)
{
	const double *a = &c->xy[2 * j], *b = &c->xy[2 * i];
	double ax = (a[0] - lon) * kx, ay = (a[1] - lat) * ky;
	double dx = (b[0] - a[0]) * kx, dy = (b[1] - a[1]) * ky, len2 = dx * dx + dy * dy;
	double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	double x = ax + t * dx, y = ay + t * dy;
	return x * x + y * y;
}

/* The centre of an azimuthal equidistant projection on the WGS84 ellipsoid. */
typedef struct {
	struct geod_geodesic g;
	double lon, lat;
} aeqd_origin;

/* Vertex @p v of @p c in that projection, in m: the geodesic's length along
 * its azimuth at the centre. */
static void aeqd_point(const geo_country *c, const aeqd_origin *o, size_t v, double *x, double *y)
{
	double s12 = 0, azi1 = 0;
	geod_inverse(&o->g, o->lat, o->lon, c->xy[2 * v + 1], c->xy[2 * v], &s12, &azi1, NULL);
	*x = s12 * sin(azi1 * PST_PI / 180);
	*y = s12 * cos(azi1 * PST_PI / 180);
}

/* The distance in m in that projection to the edge from vertex j to i. */
static double aeqd_distance(const geo_country *c, const aeqd_origin *o, size_t i, size_t j)
{
	double ax, ay, bx, by;
	aeqd_point(c, o, j, &ax, &ay);
	aeqd_point(c, o, i, &bx, &by);
	return segment_distance(ax, ay, bx, by);
}

/* The centre of a spherical azimuthal equidistant projection. */
typedef struct {
	double lon, sin_lat, cos_lat;
} sphere_origin;

typedef struct {
	double m;   /* distance on the sphere's projection */
	size_t i;   /* the edge: vertex i - 1 to vertex i */
} sphere_edge;

/* The ellipsoid's projection measures within this factor and slack of the
 * sphere's (radii within 0.5%, azimuths within a fraction of a degree over
 * FLAT_MAX_KM). */
#define SPHERE_RATIO 1.02
#define SPHERE_SLACK_M 2000.0
#define SPHERE_M 6371008.8

/* Vertex @p v of @p c in the spherical azimuthal projection centred on @p o. */
static void sphere_point(const geo_country *c, const sphere_origin *o, size_t v, double *x,
                         double *y)
{
	double dl = (c->xy[2 * v] - o->lon) * PST_PI / 180, phi = c->xy[2 * v + 1] * PST_PI / 180;
	double sp = sin(phi), cp = cos(phi), cdl = cos(dl);
	double cc = o->sin_lat * sp + o->cos_lat * cp * cdl;
	cc = cc > 1 ? 1 : cc < -1 ? -1 : cc;
	double ang = acos(cc), k = ang > 1e-9 ? ang / sin(ang) : 1;
	*x = SPHERE_M * k * cp * sin(dl);
	*y = SPHERE_M * k * (o->cos_lat * sp - o->sin_lat * cp * cdl);
}

static double sphere_distance(const geo_country *c, const sphere_origin *o, size_t i, size_t j)
{
	double ax, ay, bx, by;
	sphere_point(c, o, j, &ax, &ay);
	sphere_point(c, o, i, &bx, &by);
	return segment_distance(ax, ay, bx, by);
}

/*
 * The nearest edge measured in @p o's projection (azimuthal, centred on the
 * point), measuring only the edges of @p c that can be the nearest: in m,
 * or NAN when the flat approximation cannot be trusted here (flat_ratio) or
 * the point lies more than FLAT_MAX_KM from the outline.  The nearest flat distance d bounds the true nearest
 * one by ratio d, whose flat distance is at most ratio squared d: the edges
 * searched lie within that (plus 5 km), the ratio taken for that reach.
 */
static double nearest_by_flat(const geo_country *c, const aeqd_origin *o, double lon,
                              double lat)
{
	if (c->state != 1)
		return NAN;
	/* The search starts at the flat distance to the country's box (no edge is nearer). */
	double kx = EARTH_KM * PST_PI / 180 * cos(lat * PST_PI / 180), ky = EARTH_KM * PST_PI / 180;
	double bx = lon < c->bbox.x0 ? c->bbox.x0 - lon : lon > c->bbox.x1 ? lon - c->bbox.x1 : 0;
	double by = lat < c->bbox.y0 ? c->bbox.y0 - lat : lat > c->bbox.y1 ? lat - c->bbox.y1 : 0;
	double d = HUGE_VAL;
	for (double km = fmax(32, 1.1 * hypot(bx * kx, by * ky)); km <= 2 * FLAT_MAX_KM && !(d <= km);
	     km *= 2)
		d = approx_outline_km(c, lon, lat, km);
	if (!(d <= FLAT_MAX_KM))
		return NAN;
	double bound = 2 * d + 5, ratio = NAN;
	for (int k = 0; k < 8; k++, bound *= 1.25) {
		ratio = flat_ratio(lon, lat, bound);
		if (!(ratio < 2))
			return NAN;
		if (ratio * ratio * d + 5 <= bound)
			break;
	}
	if (!(ratio * ratio * d + 5 <= bound))
		return NAN;
	/* Rings carried past the antimeridian: the flat measure sees an edge kept
	 * at 185 degrees 360 degrees away from a point at -175.  Unless the search
	 * stays clear of the longitudes kept twice over, every edge is measured. */
	double reach_lon = bound / (ky * cos(fmin(fabs(lat) + bound / ky, 89) * PST_PI / 180));
	if ((c->x1 > 180 && lon - reach_lon <= c->x1 - 360) ||
	    (c->x0 < -180 && lon + reach_lon >= c->x0 + 360))
		return NAN;
	double dlat = bound / ky;
	size_t b0 = band_of(c, lat - dlat), b1 = band_of(c, lat + dlat);
	/* The edge nearest on the flat measure, and its true distance; the edges
	 * that can be nearer than that (flat distance within ratio times the true
	 * one) measured on the sphere; and in @p o's projection the ones the sphere cannot
	 * tell from the nearest. */
	size_t first = SIZE_MAX;
	double least = HUGE_VAL;
	for (size_t e = c->band_start[b0]; e < c->band_start[b1 + 1]; e++) {
		size_t i = c->band_edge[e], j = c->edge_prev[i];
		bool flat = j + 1 == i && !long_edge(&c->xy[2 * j], &c->xy[2 * i]);
		double f2 = flat ? flat_distance2(c, i, j, lon, lat, kx, ky) : HUGE_VAL;
		if (f2 < least) { /* (a ring's closing edge: the full measure skips it too) */
			least = f2;
			first = i;
		}
	}
	if (first == SIZE_MAX)
		return NAN;
	double best = aeqd_distance(c, o, first, first - 1);
	double r = ratio * best / 1000, reach2 = isfinite(r) ? r * r : HUGE_VAL;
	sphere_origin so = { lon, sin(lat * PST_PI / 180), cos(lat * PST_PI / 180) };
	sphere_edge *se = NULL;
	size_t n = 0, cap = 0, nearest = 0;
	for (size_t e = c->band_start[b0]; e < c->band_start[b1 + 1]; e++) {
		size_t i = c->band_edge[e], j = c->edge_prev[i];
		if (j + 1 != i)
			continue;
		if (long_edge(&c->xy[2 * j], &c->xy[2 * i])) {
			best = fmin(best, aeqd_distance(c, o, i, j)); /* rare: measured as it is */
			continue;
		}
		if (!(flat_distance2(c, i, j, lon, lat, kx, ky) <= reach2))
			continue;
		if (pst_grow((void **)&se, &cap, n + 1, sizeof(sphere_edge))) {
			free(se);
			return NAN;
		}
		se[n] = (sphere_edge){ sphere_distance(c, &so, i, j), i };
		nearest = se[n].m < se[nearest].m ? n : nearest;
		n++;
	}
	if (n)
		best = fmin(best, aeqd_distance(c, o, se[nearest].i, se[nearest].i - 1));
	for (size_t k = 0; k < n; k++)
		if (k != nearest && se[k].m <= SPHERE_RATIO * best + SPHERE_SLACK_M)
			best = fmin(best, aeqd_distance(c, o, se[k].i, se[k].i - 1));
	free(se);
	return best;
}

/*
 * Shortest distance in km from (lon, lat) to the outline of @p c, measured
 * in an azimuthal equidistant projection centred on the point: over the
 * edges that can be the nearest (nearest_by_flat), else over every ring.
 */
static double outline_km(geo_country *c, double lon, double lat)
{
	size_t n = c->n_rings ? c->ring_end[c->n_rings - 1] : 0;
	if (n == 0) /* a country whose rings could not be read */
		return HUGE_VAL;
	if (c->has_last && c->last_lon == lon && c->last_lat == lat)
		return c->last_km;
	aeqd_origin o = { .lon = lon, .lat = lat };
	geod_init(&o.g, 6378137.0, 1 / 298.257223563); /* WGS84 */
	double best = nearest_by_flat(c, &o, lon, lat);
	if (isnan(best)) {
		best = HUGE_VAL;
		size_t start = 0;
		for (size_t r = 0; r < c->n_rings; r++) {
			for (size_t i = start + 1; i < c->ring_end[r]; i++)
				best = fmin(best, aeqd_distance(c, &o, i, i - 1));
			start = c->ring_end[r];
		}
	}
	c->last_lon = lon;
	c->last_lat = lat;
	c->last_km = isnan(best) ? HUGE_VAL : best / 1000.0;
	c->has_last = true;
	return c->last_km;
}

/* Is the point within @p km of @p c's bounding box (a cheap pre-test)? */
static bool bbox_near(const geo_country *c, double lon, double lat, double km)
{
	double dlat = km / 111.0 + 0.01, dlon = dlat / fmax(cos(lat * PST_PI / 180), 0.01);
	return c->state >= 0 && lon >= c->bbox.x0 - dlon && lon <= c->bbox.x1 + dlon && lat >= c->bbox.y0 - dlat &&
	       lat <= c->bbox.y1 + dlat;
}

double pst_georef_distance_km(const pst_georef *g, const char *iso, double lon, double lat)
{
	double best = -1;
	for (int i = first_of(g, iso); i; i = g->next_same[i - 1]) {
		if (inside(g, (size_t)i - 1, lon, lat))
			return 0;
		geo_country *c = (geo_country *)ready(g, (size_t)i - 1);
		double d = outline_km(c, lon, lat);
		if (best < 0 || d < best)
			best = d;
	}
	return best;
}

bool pst_georef_within_km(const pst_georef *g, const char *iso, double lon, double lat,
                          double km)
{
	bool near = false;
	for (int i = first_of(g, iso); i; i = g->next_same[i - 1]) {
		if (inside(g, (size_t)i - 1, lon, lat) || near_by_cell(g, (size_t)i - 1, lon, lat, km) ||
		    approx_outline_km(ready(g, (size_t)i - 1), lon, lat, km) < 0.95 * km)
			return true;
		near = near || bbox_near(&g->countries[i - 1], lon, lat, km);
	}
	if (!near) /* unknown, or farther than km from every part's box */
		return false;
	double d = pst_georef_distance_km(g, iso, lon, lat);
	return d >= 0 && d <= km;
}

bool pst_georef_near_land(const pst_georef *g, double lon, double lat, double km)
{
	for (size_t i = 0; i < g->n_countries; i++) /* the box first: most are far away */
		if (in_bbox(&g->countries[i], lon, lat) && inside(g, i, lon, lat))
			return true;
	/* Only countries whose box comes near have their rings read. */
	for (size_t i = 0; i < g->n_countries; i++)
		if (bbox_near(&g->countries[i], lon, lat, km) &&
		    (near_by_cell(g, i, lon, lat, km) || approx_outline_km(ready(g, i), lon, lat, km) < 0.95 * km))
			return true;
	for (size_t i = 0; i < g->n_countries; i++)
		if (bbox_near(&g->countries[i], lon, lat, km) &&
		    outline_km((geo_country *)ready(g, i), lon, lat) <= km)
			return true;
	return false;
}
