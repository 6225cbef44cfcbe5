/*
 * test_geom.c — clipping and simplification, the steps that keep Cairo's
 * fixed-point coordinates in range and vertex counts at output resolution.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "geom/geom.h"

static const pst_box unit_box = { 0, 0, 10, 10 };

static double ring_area(const double *xy, size_t n)
{
	double a = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j = (i + 1) % n;
		a += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
	}
	return fabs(a) / 2;
}

static void test_geom_clip_ring_to_box(void **state)
{
	(void)state;
	/* A 20×20 square centred on the box corner (10,10): a quarter is inside. */
	const double sq[] = { 0, 0, 20, 0, 20, 20, 0, 20 };
	pst_pts out = { 0 };
	assert_int_equal(pst_clip_ring(&out, sq, 4, &unit_box), POSTURE_OK);
	assert_true(fabs(ring_area(out.xy, out.n) - 100) < 1e-9);
	for (size_t i = 0; i < out.n; i++)
		assert_true(out.xy[2 * i] >= 0 && out.xy[2 * i] <= 10 && out.xy[2 * i + 1] <= 10);
	/* Far away (as Cairo would wrap it): nothing left. */
	const double far[] = { 1e9, 1e9, 1e9 + 5, 1e9, 1e9, 1e9 + 5 };
	assert_int_equal(pst_clip_ring(&out, far, 3, &unit_box), POSTURE_OK);
	assert_int_equal(out.n, 0);
	/* Entirely inside: unchanged. */
	const double in[] = { 1, 1, 2, 1, 2, 2 };
	assert_int_equal(pst_clip_ring(&out, in, 3, &unit_box), POSTURE_OK);
	assert_int_equal(out.n, 3);
	pst_pts_free(&out);
}

typedef struct {
	int pieces;
	size_t points[4];
	double last_x;
} pieces;

static int count_piece(void *user, const double *xy, size_t n)
{
	pieces *p = user;
	if (p->pieces < 4)
		p->points[p->pieces] = n;
	p->pieces++;
	p->last_x = xy[2 * n - 2];
	for (size_t i = 0; i < n; i++)
		assert_true(xy[2 * i] >= -1e-9 && xy[2 * i] <= 10 + 1e-9);
	return POSTURE_OK;
}

static void test_geom_clip_line_splits_pieces(void **state)
{
	(void)state;
	/* In, out through the right edge, back in, out again. */
	const double line[] = { 5, 5, 15, 5, 15, 8, 5, 8, 5, 20 };
	pieces p = { 0 };
	assert_int_equal(pst_clip_line(line, 5, &unit_box, count_piece, &p), POSTURE_OK);
	assert_int_equal(p.pieces, 2);
	assert_int_equal(p.points[0], 2); /* (5,5)→(10,5) */
	assert_int_equal(p.points[1], 3); /* (10,8)→(5,8)→(5,10) */
}

static void test_geom_simplify_keeps_shape(void **state)
{
	(void)state;
	/* A straight line with tiny zig-zags collapses to its ends. */
	double xy[2 * 101];
	for (int i = 0; i <= 100; i++) {
		xy[2 * i] = i;
		xy[2 * i + 1] = (i % 2) * 0.1;
	}
	assert_int_equal(pst_simplify(xy, 101, 0.25, false), 2);
	assert_true(xy[0] == 0 && xy[2] == 100);
	/* A corner bigger than the tolerance survives. */
	double corner[] = { 0, 0, 5, 0.01, 10, 0, 10, 10 };
	size_t n = pst_simplify(corner, 4, 0.25, false);
	assert_int_equal(n, 3);
	assert_true(corner[4] == 10 && corner[5] == 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geom_clip_ring_to_box),
		cmocka_unit_test(test_geom_clip_line_splits_pieces),
		cmocka_unit_test(test_geom_simplify_keeps_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
