/*
 * test_topojson.c — TopoJSON decoding (quantisation, delta encoding,
 * reversed arcs, collections), dissolving, shared-border extraction,
 * malformed input, and checks of the committed shapes/ built from it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <geodesic.h>
#include <shapefil.h>

#include "internal.h"
#include "shapes/topojson.h"

#define FIXTURE POSTURE_SOURCE_DIR "/tests/data/topo/two-squares.json"
#define SHAPES POSTURE_SOURCE_DIR "/shapes/"

static pst_topology *load_fixture(posture_ctx **ctx)
{
	assert_int_equal(posture_ctx_create(ctx), POSTURE_OK);
	pst_topology *t = NULL;
	assert_int_equal(pst_topo_load(&t, *ctx, FIXTURE, "countries", PST_TOPO_REQUIRE_TRANSFORM),
	                 POSTURE_OK);
	assert_non_null(t);
	return t;
}

static void assert_pt(pst_topo_pt p, double x, double y)
{
	assert_float_equal(p.x, x, 1e-12);
	assert_float_equal(p.y, y, 1e-12);
}

static void test_topojson_decodes_quantised_delta_arcs(void **state)
{
	(void)state;
	posture_ctx *ctx;
	pst_topology *t = load_fixture(&ctx);
	assert_true(t->quantized);
	assert_int_equal(t->narcs, 4);
	/* arc 1: deltas (2,2) (-2,0) (0,-2) (2,0) -> (2,2) (0,2) (0,0) (2,0) quantised */
	assert_int_equal(t->arcs[1].n, 4);
	assert_pt(t->arcs[1].pts[0], 11, 20.5);
	assert_pt(t->arcs[1].pts[1], 10, 20.5);
	assert_pt(t->arcs[1].pts[2], 10, 20);
	assert_pt(t->arcs[1].pts[3], 11, 20);
	/* arc 3 starts at a negative quantised position: (0,-40) -> (10,10) */
	assert_pt(t->arcs[3].pts[0], 10, 10);
	assert_pt(t->arcs[3].pts[2], 11, 11);
	assert_int_equal(posture_ctx_error_count(ctx), 0);
	pst_topo_free(t);
	posture_ctx_destroy(ctx);
}

static void test_topojson_reads_features_and_reversed_arcs(void **state)
{
	(void)state;
	posture_ctx *ctx;
	pst_topology *t = load_fixture(&ctx);
	assert_int_equal(t->nfeatures, 3);
	assert_string_equal(t->features[0].id, "004");
	assert_string_equal(t->features[1].id, "762"); /* numeric id formatted */
	assert_string_equal(t->features[1].name, "B\xc3\xaata");
	assert_null(t->features[2].id);
	assert_int_equal(t->features[2].npolys, 1); /* from the GeometryCollection */

	/* Bêta's ring [2, ~0]: arc 2 forwards, then arc 0 backwards. */
	const pst_topo_path *ring = &t->features[1].polys[0].rings[0];
	assert_int_equal(ring->refs[1], ~0);
	pst_topo_pt *pts = NULL;
	size_t n = 0;
	assert_int_equal(pst_topo_path_points(t, ring, &pts, &n), POSTURE_OK);
	assert_int_equal(n, 5); /* 4 + 2 points, the joint once */
	assert_pt(pts[0], 11, 20);
	assert_pt(pts[1], 12, 20);
	assert_pt(pts[3], 11, 20.5);
	assert_pt(pts[4], 11, 20); /* closed by the reversed arc */
	free(pts);

	/* Gamma's ring [~3] walks the square backwards. */
	assert_int_equal(pst_topo_path_points(t, &t->features[2].polys[0].rings[0], &pts, &n),
	                 POSTURE_OK);
	assert_int_equal(n, 5);
	assert_pt(pts[1], 10, 11);
	assert_pt(pts[3], 11, 10);
	free(pts);
	pst_topo_free(t);
	posture_ctx_destroy(ctx);
}

static void test_topojson_extracts_shared_border(void **state)
{
	(void)state;
	posture_ctx *ctx;
	pst_topology *t = load_fixture(&ctx);
	int owner[] = { 0, 1, 2 };
	pst_topo_border *b = NULL;
	size_t nb = 0;
	assert_int_equal(pst_topo_borders(t, ctx, owner, &b, &nb), POSTURE_OK);
	assert_int_equal(nb, 1); /* Gamma touches nobody */
	assert_int_equal(b[0].a, 0);
	assert_int_equal(b[0].b, 1);
	assert_int_equal(b[0].nlines, 1);
	pst_topo_pt *pts = NULL;
	size_t n = 0;
	assert_int_equal(pst_topo_path_points(t, &b[0].lines[0], &pts, &n), POSTURE_OK);
	assert_int_equal(n, 2);
	assert_float_equal(pts[0].x, 11, 1e-12);
	assert_float_equal(pts[1].x, 11, 1e-12);
	assert_float_equal(pts[0].y + pts[1].y, 40.5, 1e-12);
	free(pts);
	pst_topo_borders_free(b, nb);

	/* The same owner on both sides: the shared arc is interior, not a border. */
	int same[] = { 0, 0, -1 };
	assert_int_equal(pst_topo_borders(t, ctx, same, &b, &nb), POSTURE_OK);
	assert_int_equal(nb, 0);
	pst_topo_borders_free(b, nb);
	pst_topo_free(t);
	posture_ctx_destroy(ctx);
}

static void test_topojson_dissolve_drops_shared_arcs(void **state)
{
	(void)state;
	posture_ctx *ctx;
	pst_topology *t = load_fixture(&ctx);
	size_t idx[] = { 0, 1 };
	pst_topo_path *rings = NULL;
	size_t nr = 0;
	assert_int_equal(pst_topo_merge(t, ctx, idx, 2, &rings, &nr), POSTURE_OK);
	assert_int_equal(nr, 1);
	assert_int_equal(rings[0].n, 2); /* arcs 1 and 2; arc 0 has vanished */
	assert_int_equal(rings[0].refs[0], 1);
	assert_int_equal(rings[0].refs[1], 2);
	pst_topo_pt *pts = NULL;
	size_t n = 0;
	assert_int_equal(pst_topo_path_points(t, &rings[0], &pts, &n), POSTURE_OK);
	assert_int_equal(n, 7);
	assert_pt(pts[0], 11, 20.5);
	assert_pt(pts[6], 11, 20.5);
	free(pts);
	pst_topo_paths_free(rings, nr);
	pst_topo_free(t);
	posture_ctx_destroy(ctx);
}

/* Decode @p json; expect failure with an error naming "bad.json" containing @p text. */
static void expect_error(const char *json, int flags, const char *text, int line)
{
	posture_ctx *ctx = NULL;
	assert_int_equal(posture_ctx_create(&ctx), POSTURE_OK);
	pst_topology *t = (pst_topology *)1;
	int rc = pst_topo_load_buffer(&t, ctx, json, strlen(json), "bad.json", "countries", flags);
	assert_int_equal(rc, POSTURE_EDATA);
	assert_null(t);
	assert_true(posture_ctx_error_count(ctx) >= 1);
	const posture_diag *d = posture_ctx_diag(ctx, posture_ctx_diag_count(ctx) - 1);
	char msg[512];
	posture_diag_format(msg, sizeof(msg), d);
	print_message("  diagnostic: %s\n", msg);
	assert_string_equal(d->file, "bad.json");
	assert_non_null(strstr(d->message, text));
	assert_int_equal(d->line, line);
	posture_ctx_destroy(ctx);
}

#define HEAD "{\"type\":\"Topology\",\"transform\":{\"scale\":[1,1],\"translate\":[0,0]},"
#define SQUARE "\"arcs\":[[[0,0],[1,0],[0,1],[-1,0],[0,-1]]],"

static void test_topojson_malformed_input_is_diagnosed(void **state)
{
	(void)state;
	expect_error("{\"type\": \"Topology\",\n  \"arcs\": [1,}", 0, "invalid JSON", 2);
	expect_error("[1, 2]", 0, "not a TopoJSON topology", 0);
	expect_error("{\"type\":\"Topology\",\"arcs\":[],\"objects\":{}}", PST_TOPO_REQUIRE_TRANSFORM,
	             "no \"transform\"", 0);
	expect_error("{\"type\":\"Topology\",\"transform\":{\"scale\":[1]},\"arcs\":[]}", 0,
	             "transform.scale must be an array of two numbers", 0);
	expect_error(HEAD "\"arcs\":\"nope\"}", 0, "no \"arcs\" array", 0);
	expect_error(HEAD "\"arcs\":[[[0,0]]]}", 0, "at least two positions", 0);
	expect_error(HEAD "\"arcs\":[[[0,0],[1e300,0]]]}", 0, "is not an integer of at most", 0);
	expect_error(HEAD "\"arcs\":[[[0,0],[\"x\",0]]]}", 0, "expected a number, found a string", 0);
	expect_error(HEAD SQUARE "\"objects\":{\"countries\":{\"type\":\"Polygon\",\"arcs\":[[7]]}}}",
	             0, "arc index 7 is out of range", 0);
	expect_error(HEAD SQUARE
	             "\"objects\":{\"countries\":{\"type\":\"Polygon\",\"arcs\":[[-9999999999999]]}}}",
	             0, "out of range", 0);
	expect_error(HEAD SQUARE "\"objects\":{\"countries\":{\"type\":\"Polygon\",\"arcs\":[[0.5]]}}}",
	             0, "must be an integer", 0);
	expect_error(HEAD SQUARE "\"objects\":{\"countries\":{\"type\":\"Polygon\",\"arcs\":[]}}}",
	             0, "non-empty array of rings", 0);
	expect_error(HEAD SQUARE "\"objects\":{\"other\":{}}}", 0, "no object \"countries\"", 0);
	expect_error(HEAD SQUARE "\"objects\":{\"countries\":{\"type\":\"Blob\"}}}", 0,
	             "unknown geometry type", 0);
	expect_error(HEAD "\"arcs\":[[[0,0],[1,0]],[[5,5],[1,1]]],"
	             "\"objects\":{\"countries\":{\"type\":\"Polygon\",\"arcs\":[[0,1]]}}}",
	             0, "ring is not closed", 0);
}

static void test_topojson_missing_file_is_io_error(void **state)
{
	(void)state;
	posture_ctx *ctx = NULL;
	assert_int_equal(posture_ctx_create(&ctx), POSTURE_OK);
	pst_topology *t = NULL;
	assert_int_equal(pst_topo_load(&t, ctx, "/nonexistent/x.json", "countries", 0), POSTURE_EIO);
	assert_string_equal(posture_ctx_diag(ctx, 0)->file, "/nonexistent/x.json");
	posture_ctx_destroy(ctx);
}

/* ---- the committed shapes/ ------------------------------------------------------ */

static int find_record(DBFHandle dbf, int f1, const char *v1, int f2, const char *v2)
{
	for (int i = 0; i < DBFGetRecordCount(dbf); i++)
		if (strcmp(DBFReadStringAttribute(dbf, i, f1), v1) == 0 &&
		    (f2 < 0 || strcmp(DBFReadStringAttribute(dbf, i, f2), v2) == 0))
			return i;
	return -1;
}

static double geodesic_length_km(const SHPObject *o)
{
	struct geod_geodesic g;
	geod_init(&g, 6378137.0, 1 / 298.257223563);
	double total = 0;
	for (int p = 0; p < o->nParts; p++) {
		int end = p + 1 < o->nParts ? o->panPartStart[p + 1] : o->nVertices;
		for (int k = o->panPartStart[p] + 1; k < end; k++) {
			double s12 = 0;
			geod_inverse(&g, o->padfY[k - 1], o->padfX[k - 1], o->padfY[k], o->padfX[k], &s12,
			             NULL, NULL);
			total += s12;
		}
	}
	return total / 1000;
}

static void test_topojson_committed_afg_tjk_border_length(void **state)
{
	(void)state;
	SHPHandle shp = SHPOpen(SHAPES "borders", "rb");
	DBFHandle dbf = DBFOpen(SHAPES "borders", "rb");
	assert_non_null(shp);
	assert_non_null(dbf);
	int fa = DBFGetFieldIndex(dbf, "iso_a3_a"), fb = DBFGetFieldIndex(dbf, "iso_a3_b");
	assert_true(fa >= 0 && fb >= 0 && DBFGetFieldIndex(dbf, "disputed") >= 0);
	int rec = find_record(dbf, fa, "AFG", fb, "TJK");
	assert_true(rec >= 0);
	assert_int_equal(find_record(dbf, fa, "TJK", fb, "AFG"), -1); /* alphabetical order */
	SHPObject *o = SHPReadObject(shp, rec);
	assert_non_null(o);
	double km = geodesic_length_km(o);
	print_message("  AFG-TJK border in shapes/borders.shp: %.1f km (geodesic, WGS84)\n", km);
	assert_float_equal(km, 1172.0, 10.0);
	SHPDestroyObject(o);
	DBFClose(dbf);
	SHPClose(shp);
}

/* Twice the signed area in the shapefile's sense: negative = clockwise. */
static double ring_area2(const SHPObject *o, int part)
{
	int s = o->panPartStart[part];
	int e = part + 1 < o->nParts ? o->panPartStart[part + 1] : o->nVertices;
	double a = 0;
	for (int k = s; k + 1 < e; k++)
		a += o->padfX[k] * o->padfY[k + 1] - o->padfX[k + 1] * o->padfY[k];
	return a;
}

static void test_topojson_committed_kazakhstan_has_no_baikonur_hole(void **state)
{
	(void)state;
	SHPHandle shp = SHPOpen(SHAPES "countries", "rb");
	DBFHandle dbf = DBFOpen(SHAPES "countries", "rb");
	assert_non_null(shp);
	assert_non_null(dbf);
	int fiso = DBFGetFieldIndex(dbf, "iso_a3"), fname = DBFGetFieldIndex(dbf, "name");
	int fdisp = DBFGetFieldIndex(dbf, "disputed");
	assert_int_equal(find_record(dbf, fname, "Baikonur", -1, NULL), -1);
	int kaz = find_record(dbf, fiso, "KAZ", -1, NULL);
	assert_true(kaz >= 0);
	SHPObject *o = SHPReadObject(shp, kaz);
	for (int p = 0; p < o->nParts; p++)
		assert_true(ring_area2(o, p) < 0); /* every ring an exterior: no hole */
	SHPDestroyObject(o);
	int siachen = find_record(dbf, fname, "Siachen Glacier", -1, NULL);
	assert_true(siachen >= 0);
	assert_string_equal(DBFReadStringAttribute(dbf, siachen, fiso), "");
	assert_int_equal(DBFReadIntegerAttribute(dbf, siachen, fdisp), 1);
	DBFClose(dbf);
	SHPClose(shp);
}

static void test_topojson_committed_lakes_are_closed(void **state)
{
	(void)state;
	SHPHandle shp = SHPOpen(SHAPES "lakes", "rb");
	assert_non_null(shp);
	int n = 0, type = 0;
	SHPGetInfo(shp, &n, &type, NULL, NULL);
	assert_int_equal(type, SHPT_POLYGON);
	assert_true(n > 10);
	for (int i = 0; i < n; i++) {
		SHPObject *o = SHPReadObject(shp, i);
		for (int p = 0; p < o->nParts; p++) {
			int s = o->panPartStart[p];
			int e = (p + 1 < o->nParts ? o->panPartStart[p + 1] : o->nVertices) - 1;
			assert_true(e - s >= 3);
			assert_true(o->padfX[s] == o->padfX[e] && o->padfY[s] == o->padfY[e]);
			assert_true((ring_area2(o, p) < 0) == (p == 0)); /* exterior first, then holes */
		}
		SHPDestroyObject(o);
	}
	SHPClose(shp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topojson_decodes_quantised_delta_arcs),
		cmocka_unit_test(test_topojson_reads_features_and_reversed_arcs),
		cmocka_unit_test(test_topojson_extracts_shared_border),
		cmocka_unit_test(test_topojson_dissolve_drops_shared_arcs),
		cmocka_unit_test(test_topojson_malformed_input_is_diagnosed),
		cmocka_unit_test(test_topojson_missing_file_is_io_error),
		cmocka_unit_test(test_topojson_committed_afg_tjk_border_length),
		cmocka_unit_test(test_topojson_committed_kazakhstan_has_no_baikonur_hole),
		cmocka_unit_test(test_topojson_committed_lakes_are_closed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
