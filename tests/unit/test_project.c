/*
 * test_project.c — projections: known points agree with PROJ's own cs2cs to
 * 1 mm, `auto` fits the extent, and unusable projections are clear errors.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "project/project.h"

/* Known places: Dushanbe, Kant, Kabul, Bishkek, Tashkent. */
static const double places[][2] = {
	{ 68.787, 38.56 }, { 74.846, 42.853 }, { 69.178, 34.528 }, { 74.59, 42.87 }, { 69.24, 41.3 },
};

/* Project with cs2cs (EPSG:4326 takes latitude first; PROJ strings follow +to). */
static void cs2cs(const char *crs, double lon, double lat, double *x, double *y)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "echo '%.9f %.9f' | cs2cs -f %%.6f EPSG:4326 %s '%s'", lat, lon,
	         crs[0] == '+' ? "+to" : "", crs);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%lf %lf", x, y), 2);
	pclose(p);
}

static void check_against_cs2cs(const char *projection, const double extent[4])
{
	posture_ctx *ctx;
	posture_ctx_create(&ctx);
	pst_proj *p;
	assert_int_equal(pst_proj_create(&p, ctx, projection, extent, &(pst_where){ "test", 0, 0 }), POSTURE_OK);
	/* cs2cs gets the CRS as the user wrote it, so axis order is its own. */
	const char *def = strcmp(projection, "auto") ? projection : pst_proj_definition(p);
	for (size_t i = 0; i < PST_ARRAY_LEN(places); i++) {
		double x = places[i][0], y = places[i][1], ex, ey;
		assert_int_equal(pst_proj_trans(p, false, &x, &y, 1), POSTURE_OK);
		cs2cs(def, places[i][0], places[i][1], &ex, &ey);
		if (!strcmp(def, "EPSG:4326")) { /* cs2cs keeps the CRS's lat/lon order */
			double t = ex;
			ex = ey;
			ey = t;
		}
		if (fabs(x - ex) > 0.001 || fabs(y - ey) > 0.001)
			fail_msg("%s: (%g, %g) → (%.4f, %.4f), cs2cs says (%.4f, %.4f)", def, places[i][0],
			         places[i][1], x, y, ex, ey);
		/* And back. */
		assert_int_equal(pst_proj_trans(p, true, &x, &y, 1), POSTURE_OK);
		assert_true(fabs(x - places[i][0]) < 1e-8 && fabs(y - places[i][1]) < 1e-8);
	}
	pst_proj_destroy(p);
	posture_ctx_destroy(ctx);
}

static const double central_asia[4] = { 52, 34, 80, 46 };

static void test_project_auto_matches_cs2cs(void **state)
{
	(void)state;
	check_against_cs2cs("auto", central_asia);
}

static void test_project_epsg_and_proj_string_match_cs2cs(void **state)
{
	(void)state;
	check_against_cs2cs("EPSG:32642", central_asia); /* UTM 42N: northing/easting order */
	check_against_cs2cs("+proj=aea +lat_1=36 +lat_2=44 +lon_0=66 +datum=WGS84", central_asia);
	check_against_cs2cs("EPSG:4326", central_asia);
}

static void test_project_auto_is_fitted_conic(void **state)
{
	(void)state;
	char *def = pst_proj_auto_definition(central_asia);
	assert_non_null(strstr(def, "+proj=lcc"));
	assert_non_null(strstr(def, "+lon_0=66"));
	assert_non_null(strstr(def, "+lat_1=36"));
	assert_non_null(strstr(def, "+lat_2=44"));
	free(def);
	const double equator[4] = { 90, -10, 120, 10 };
	def = pst_proj_auto_definition(equator);
	assert_non_null(strstr(def, "+proj=merc"));
	free(def);
}

static void expect_error(const char *projection, const char *message_part)
{
	posture_ctx *ctx;
	posture_ctx_create(&ctx);
	pst_proj *p = NULL;
	assert_int_equal(pst_proj_create(&p, ctx, projection, central_asia, &(pst_where){ "maps/x.ini", 7, 14 }),
	                 POSTURE_EPROJ);
	assert_null(p);
	const posture_diag *d = posture_ctx_diag(ctx, 0);
	assert_string_equal(d->file, "maps/x.ini");
	assert_int_equal(d->line, 7);
	assert_int_equal(d->column, 14);
	if (!strstr(d->message, message_part))
		fail_msg("'%s' does not contain '%s'", d->message, message_part);
	posture_ctx_destroy(ctx);
}

static void test_project_rejects_unusable(void **state)
{
	(void)state;
	expect_error("EPSG:4978", "is not a 2D projected or geographic"); /* geocentric */
	expect_error("EPSG:4979", "is not a 2D projected or geographic"); /* 3D geographic */
	expect_error("EPSG:5773", "is not a 2D projected or geographic"); /* vertical */
	expect_error("+proj=nonsense", "projection '+proj=nonsense' is not known to PROJ");
	expect_error("EPSG:999999", "projection 'EPSG:999999' is not known to PROJ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_project_auto_matches_cs2cs),
		cmocka_unit_test(test_project_epsg_and_proj_string_match_cs2cs),
		cmocka_unit_test(test_project_auto_is_fitted_conic),
		cmocka_unit_test(test_project_rejects_unusable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
