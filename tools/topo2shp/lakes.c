/*
 * lakes.c — the `lakes` command: lake polygons from contours of a lake mask.
 *
 * `gmt coast -C` would give lake shores cut open at GSHHG bin edges, so
 * tools/make-shapes rasterises the lakes instead (gmt grdlandmask) and
 * contours the mask (gmt grdcontour -D), which yields closed rings.  The
 * contours carry no hierarchy, so it is rebuilt here: a ring inside an odd
 * number of other rings is an island (a hole of the smallest ring around
 * it), one inside an even number is a lake (possibly a pond on an island).
 * Areas are geodesic (PROJ's geod_polygonarea on WGS84); lakes and islands
 * smaller than --min-area are left out.  --names gives a TSV of
 * name<tab>lon<tab>lat; each name goes to the lake that contains its point.
 */
#include <geodesic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo2shp.h"

typedef struct {
	const t2s_seg *seg;
	double bb[4];
	double area; /* km², of the ring alone */
	double net;  /* km², minus its kept holes (lakes only) */
	int depth;   /* number of rings around it */
	long parent; /* smallest ring around it, or -1 */
	bool keep;
	const char *name;
} ring;

typedef struct {
	posture_ctx *ctx;
	const char *in, *out, *names_path;
	double min_area;
	t2s_seg *segs;
	size_t nsegs;
	ring *rings;
	size_t nrings;
	char **names; /* owned copies, for ring.name */
	size_t nnames, names_cap;
} lakes_job;

static bool ring_closed(const t2s_seg *s)
{
	return s->n >= 4 && s->xy[0] == s->xy[2 * (s->n - 1)] && s->xy[1] == s->xy[2 * s->n - 1];
}

static double geodesic_area_km2(const t2s_seg *s)
{
	struct geod_geodesic g;
	struct geod_polygon p;
	geod_init(&g, 6378137.0, 1 / 298.257223563);
	geod_polygon_init(&p, 0);
	for (size_t i = 0; i + 1 < s->n; i++) /* the last point repeats the first */
		geod_polygon_addpoint(&g, &p, s->xy[2 * i + 1], s->xy[2 * i]);
	double area = 0, perimeter = 0;
	geod_polygon_compute(&g, &p, 0, 1, &area, &perimeter);
	return fabs(area) / 1e6;
}

static void init_ring(ring *r, const t2s_seg *s)
{
	memset(r, 0, sizeof(*r));
	r->seg = s;
	r->bb[0] = r->bb[1] = 1e300;
	r->bb[2] = r->bb[3] = -1e300;
	for (size_t i = 0; i < s->n; i++) {
		r->bb[0] = fmin(r->bb[0], s->xy[2 * i]);
		r->bb[1] = fmin(r->bb[1], s->xy[2 * i + 1]);
		r->bb[2] = fmax(r->bb[2], s->xy[2 * i]);
		r->bb[3] = fmax(r->bb[3], s->xy[2 * i + 1]);
	}
	r->area = geodesic_area_km2(s);
	r->parent = -1;
}

/* Crossing-number test of (x, y) against the ring. */
static bool ring_contains(const ring *r, double x, double y)
{
	if (x < r->bb[0] || x > r->bb[2] || y < r->bb[1] || y > r->bb[3])
		return false;
	bool in = false;
	const double *p = r->seg->xy;
	for (size_t i = 0, j = r->seg->n - 1; i < r->seg->n; j = i++) {
		double xi = p[2 * i], yi = p[2 * i + 1], xj = p[2 * j], yj = p[2 * j + 1];
		if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
			in = !in;
	}
	return in;
}

static int collect_rings(lakes_job *j)
{
	j->rings = calloc(j->nsegs ? j->nsegs : 1, sizeof(*j->rings));
	if (!j->rings)
		return pst_error(j->ctx, POSTURE_ENOMEM, j->in, "out of memory");
	size_t open = 0;
	for (size_t i = 0; i < j->nsegs; i++) {
		if (ring_closed(&j->segs[i]))
			init_ring(&j->rings[j->nrings++], &j->segs[i]);
		else
			open++;
	}
	if (open)
		pst_diag(j->ctx, POSTURE_WARNING, POSTURE_EDATA, j->in, 0, 0,
		         "%zu contour(s) are not closed rings and were left out", open);
	return POSTURE_OK;
}

/* Depth and parent of every ring: rings never cross, so one vertex decides. */
static void nest_rings(lakes_job *j)
{
	for (size_t i = 0; i < j->nrings; i++) {
		ring *r = &j->rings[i];
		for (size_t k = 0; k < j->nrings; k++) {
			const ring *o = &j->rings[k];
			if (k == i || o->area < r->area || !ring_contains(o, r->seg->xy[0], r->seg->xy[1]))
				continue;
			r->depth++;
			if (r->parent < 0 || o->area < j->rings[r->parent].area)
				r->parent = (long)k;
		}
	}
	for (size_t i = 0; i < j->nrings; i++) {
		ring *r = &j->rings[i];
		r->keep = r->area >= j->min_area &&
		          (r->depth % 2 == 0 || j->rings[r->parent].area >= j->min_area);
		r->net = r->area;
	}
	for (size_t i = 0; i < j->nrings; i++)
		if (j->rings[i].keep && j->rings[i].depth % 2)
			j->rings[j->rings[i].parent].net -= j->rings[i].area;
}

/* ---- names ------------------------------------------------------------------ */

static int name_row_fn(void *user, char **cols, int n, int line)
{
	lakes_job *j = user;
	char *e1 = NULL, *e2 = NULL;
	double x = n == 3 ? strtod(cols[1], &e1) : 0, y = n == 3 ? strtod(cols[2], &e2) : 0;
	if (n != 3 || *e1 || *e2 || !cols[0][0])
		return pst_diag(j->ctx, POSTURE_ERROR, POSTURE_EDATA, j->names_path, line, 1,
		                "expected NAME<tab>LON<tab>LAT");
	long best = -1;
	for (size_t i = 0; i < j->nrings; i++)
		if (j->rings[i].keep && ring_contains(&j->rings[i], x, y) &&
		    (best < 0 || j->rings[i].depth > j->rings[best].depth))
			best = (long)i;
	if (best < 0 || j->rings[best].depth % 2 || j->rings[best].name)
		return pst_diag(j->ctx, POSTURE_ERROR, POSTURE_EDATA, j->names_path, line, 1,
		                "%s: the point %g %g is in no lake of %s, or in one already named",
		                cols[0], x, y, j->in);
	if (pst_grow((void **)&j->names, &j->names_cap, j->nnames + 1, sizeof(char *)) != POSTURE_OK ||
	    !(j->names[j->nnames] = pst_strdup(cols[0])))
		return pst_error(j->ctx, POSTURE_ENOMEM, j->names_path, "out of memory");
	j->rings[best].name = j->names[j->nnames++];
	return POSTURE_OK;
}

/* ---- output ------------------------------------------------------------------ */

static int cmp_lake(const void *pa, const void *pb)
{
	const ring *a = *(const ring *const *)pa, *b = *(const ring *const *)pb;
	if (a->net != b->net)
		return a->net > b->net ? -1 : 1;
	return a < b ? -1 : a > b;
}

static int write_lake(lakes_job *j, t2s_shp *o, const ring *lake)
{
	pst_buf xs, ys, starts;
	pst_buf_init(&xs);
	pst_buf_init(&ys);
	pst_buf_init(&starts);
	int nparts = 0, nverts = 0;
	for (size_t i = 0; i < j->nrings; i++) {
		const ring *r = &j->rings[i];
		if (r != lake && !(r->keep && r->depth % 2 && r->parent == lake - j->rings))
			continue;
		pst_buf_add(&starts, &nverts, sizeof(int));
		for (size_t k = 0; k < r->seg->n; k++) {
			pst_buf_add(&xs, &r->seg->xy[2 * k], sizeof(double));
			pst_buf_add(&ys, &r->seg->xy[2 * k + 1], sizeof(double));
		}
		nparts++;
		nverts += (int)r->seg->n;
	}
	bool ok = !xs.failed && !ys.failed && !starts.failed;
	int rec = t2s_shp_add(o, ok ? t2s_shp_object(SHPT_POLYGON, nparts,
	                                             (const int *)(void *)starts.data,
	                                             (const double *)(void *)xs.data,
	                                             (const double *)(void *)ys.data, nverts)
	                            : NULL);
	pst_buf_free(&xs);
	pst_buf_free(&ys);
	pst_buf_free(&starts);
	int rc = rec < 0 ? rec : t2s_shp_str(o, rec, 0, lake->name ? lake->name : "");
	return rc != POSTURE_OK ? rc : t2s_shp_dbl(o, rec, 1, lake->net);
}

static int write_lakes(lakes_job *j)
{
	const ring **lakes = calloc(j->nrings ? j->nrings : 1, sizeof(*lakes));
	if (!lakes)
		return pst_error(j->ctx, POSTURE_ENOMEM, j->in, "out of memory");
	size_t n = 0;
	int width = 1;
	for (size_t i = 0; i < j->nrings; i++)
		if (j->rings[i].keep && j->rings[i].depth % 2 == 0) {
			lakes[n++] = &j->rings[i];
			if (j->rings[i].name && (int)strlen(j->rings[i].name) > width)
				width = (int)strlen(j->rings[i].name);
		}
	qsort(lakes, n, sizeof(*lakes), cmp_lake);
	t2s_field fields[] = { { "name", FTString, width, 0 }, { "area_km2", FTDouble, 12, 1 } };
	t2s_shp o;
	int rc = t2s_shp_open(&o, j->ctx, j->out, SHPT_POLYGON, fields, 2);
	for (size_t i = 0; i < n && rc == POSTURE_OK; i++)
		rc = write_lake(j, &o, lakes[i]);
	int rc2 = rc == POSTURE_OK || o.shp ? t2s_shp_close(&o) : POSTURE_OK;
	free(lakes);
	return rc != POSTURE_OK ? rc : rc2;
}

/* ---- the command ----------------------------------------------------------------- */

static int parse_args(lakes_job *j, int argc, char **argv)
{
	const char **pos[] = { &j->in, &j->out };
	int npos = 0;
	for (int i = 1; i < argc; i++) {
		char *end = NULL;
		if (strcmp(argv[i], "--min-area") == 0 && i + 1 < argc) {
			j->min_area = strtod(argv[++i], &end);
			if (*end || !(j->min_area >= 0))
				return pst_error(j->ctx, POSTURE_EUSAGE, NULL, "--min-area wants km², got '%s'",
				                 argv[i]);
		} else if (strcmp(argv[i], "--names") == 0 && i + 1 < argc)
			j->names_path = argv[++i];
		else if (argv[i][0] == '-' || npos == 2)
			return pst_error(j->ctx, POSTURE_EUSAGE, NULL, "unexpected argument '%s'", argv[i]);
		else
			*pos[npos++] = argv[i];
	}
	if (npos != 2)
		return pst_error(j->ctx, POSTURE_EUSAGE, NULL, "lakes needs GMT and OUTPUT (see --help)");
	return POSTURE_OK;
}

int t2s_lakes(posture_ctx *ctx, int argc, char **argv)
{
	lakes_job j;
	memset(&j, 0, sizeof(j));
	j.ctx = ctx;
	int rc = parse_args(&j, argc, argv);
	if (rc == POSTURE_OK)
		rc = t2s_read_gmt(ctx, j.in, &j.segs, &j.nsegs);
	if (rc == POSTURE_OK)
		rc = collect_rings(&j);
	if (rc == POSTURE_OK)
		nest_rings(&j);
	if (rc == POSTURE_OK && j.names_path)
		rc = t2s_read_tsv(ctx, j.names_path, 3, name_row_fn, &j);
	if (rc == POSTURE_OK)
		rc = write_lakes(&j);
	for (size_t i = 0; i < j.nnames; i++)
		free(j.names[i]);
	free(j.names);
	free(j.rings);
	t2s_segs_free(j.segs, j.nsegs);
	return rc;
}
