/*
 * test_shapefile.c — reading base geography: the committed shapefiles open
 * and hold what the maps need, and broken or mismatched files are refused
 * with a message naming the file.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "shapes/shapefile.h"

static char tmpdir[] = "/tmp/posture-shp-XXXXXX";
static const char shapes_dir[] = POSTURE_SOURCE_DIR "/shapes";

static const char *first_message(posture_ctx *ctx)
{
	static char line[1024];
	posture_diag_format(line, sizeof(line), posture_ctx_diag(ctx, 0));
	return line;
}

static void test_shapefile_countries_hold_region(void **state)
{
	(void)state;
	posture_ctx *ctx;
	posture_ctx_create(&ctx);
	pst_shapefile *sf;
	assert_int_equal(pst_shapefile_open(&sf, ctx, shapes_dir, "countries", SHPT_POLYGON),
	                 POSTURE_OK);
	int found = 0;
	for (int i = 0; i < sf->n_records; i++) {
		if (strcmp(pst_shapefile_string(sf, i, "iso_a3"), "TJK") != 0)
			continue;
		found++;
		assert_string_equal(pst_shapefile_string(sf, i, "name"), "Tajikistan");
		SHPObject *o;
		assert_int_equal(pst_shapefile_read(&o, ctx, sf, i), POSTURE_OK);
		/* Tajikistan spans about 67.3-75.2 E, 36.7-41.0 N. */
		assert_true(fabs(o->dfXMin - 67.3) < 0.3 && fabs(o->dfXMax - 75.2) < 0.3);
		assert_true(fabs(o->dfYMin - 36.7) < 0.3 && fabs(o->dfYMax - 41.0) < 0.3);
		assert_true(o->nVertices > 500);
		SHPDestroyObject(o);
	}
	assert_int_equal(found, 1);
	pst_shapefile_close(sf);
	posture_ctx_destroy(ctx);
}

static void test_shapefile_wrong_type_is_refused(void **state)
{
	(void)state;
	posture_ctx *ctx;
	posture_ctx_create(&ctx);
	pst_shapefile *sf = NULL;
	assert_int_equal(pst_shapefile_open(&sf, ctx, shapes_dir, "rivers", SHPT_POLYGON),
	                 POSTURE_EDATA);
	assert_null(sf);
	assert_non_null(strstr(first_message(ctx), "rivers.shp: error: holds lines; expected polygons"));
	posture_ctx_destroy(ctx);
}

static void copy(const char *from, const char *to)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

static void test_shapefile_missing_dbf_is_refused(void **state)
{
	(void)state;
	char *shp = pst_asprintf("%s/lakes.shp", tmpdir), *shx = pst_asprintf("%s/lakes.shx", tmpdir);
	copy(POSTURE_SOURCE_DIR "/shapes/lakes.shp", shp);
	copy(POSTURE_SOURCE_DIR "/shapes/lakes.shx", shx);
	posture_ctx *ctx;
	posture_ctx_create(&ctx);
	pst_shapefile *sf = NULL;
	assert_int_equal(pst_shapefile_open(&sf, ctx, tmpdir, "lakes", SHPT_POLYGON), POSTURE_EIO);
	assert_non_null(strstr(first_message(ctx), "lakes.dbf: error: cannot open file"));
	posture_ctx_destroy(ctx);
	unlink(shp);
	unlink(shx);
	free(shp);
	free(shx);
}

static void test_shapefile_vertex_outside_degrees_is_refused(void **state)
{
	(void)state;
	char *base = pst_asprintf("%s/bad", tmpdir);
	SHPHandle h = SHPCreate(base, SHPT_ARC);
	DBFHandle d = DBFCreate(base);
	DBFAddField(d, "level", FTInteger, 2, 0);
	double x[] = { 60, 500 }, y[] = { 40, 40 };
	SHPObject *o = SHPCreateSimpleObject(SHPT_ARC, 2, x, y, NULL);
	SHPWriteObject(h, -1, o);
	SHPDestroyObject(o);
	DBFWriteIntegerAttribute(d, 0, 0, 1);
	SHPClose(h);
	DBFClose(d);

	posture_ctx *ctx;
	posture_ctx_create(&ctx);
	pst_shapefile *sf;
	assert_int_equal(pst_shapefile_open(&sf, ctx, tmpdir, "bad", SHPT_ARC), POSTURE_OK);
	assert_int_equal(pst_shapefile_read(&o, ctx, sf, 0), POSTURE_EDATA);
	assert_null(o);
	assert_non_null(strstr(first_message(ctx),
	                       "bad.shp: error: record 1: vertex 2 is not a longitude/latitude"));
	pst_shapefile_close(sf);
	posture_ctx_destroy(ctx);
	static const char *const exts[] = { "shp", "shx", "dbf" };
	for (size_t i = 0; i < PST_ARRAY_LEN(exts); i++) {
		char *p = pst_asprintf("%s.%s", base, exts[i]);
		unlink(p);
		free(p);
	}
	free(base);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapefile_countries_hold_region),
		cmocka_unit_test(test_shapefile_wrong_type_is_refused),
		cmocka_unit_test(test_shapefile_missing_dbf_is_refused),
		cmocka_unit_test(test_shapefile_vertex_outside_degrees_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
