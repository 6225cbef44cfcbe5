/*
 * geom.c — clipping, densifying and simplification.
 *
 * Clipping happens before anything reaches Cairo, whose 24.8 fixed-point
 * coordinates wrap around silently far outside the surface; simplification
 * removes vertices finer than the output can show.  Everything works on
 * doubles and interleaved x,y arrays.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geom.h"

int pst_pts_push(pst_pts *p, double x, double y)
{
	if (pst_grow((void **)&p->xy, &p->cap, p->n + 1, 2 * sizeof(double)) != POSTURE_OK)
		return POSTURE_ENOMEM;
	p->xy[2 * p->n] = x;
	p->xy[2 * p->n + 1] = y;
	p->n++;
	return POSTURE_OK;
}

void pst_pts_free(pst_pts *p)
{
	free(p->xy);
	memset(p, 0, sizeof(*p));
}

/* Edge e of the box: 0 left, 1 right, 2 bottom (y0), 3 top (y1). */
static bool inside_edge(double x, double y, const pst_box *b, int e)
{
	switch (e) {
	case 0: return x >= b->x0;
	case 1: return x <= b->x1;
	case 2: return y >= b->y0;
	default: return y <= b->y1;
	}
}

static void cross_edge(double ax, double ay, double bx, double by, const pst_box *b, int e,
                       double *x, double *y)
{
	double t;
	if (e < 2) {
		double ex = e == 0 ? b->x0 : b->x1;
		t = (ex - ax) / (bx - ax);
		*x = ex;
		*y = ay + t * (by - ay);
	} else {
		double ey = e == 2 ? b->y0 : b->y1;
		t = (ey - ay) / (by - ay);
		*x = ax + t * (bx - ax);
		*y = ey;
	}
}

/* Bounding box of n points (n >= 1). */
static pst_box points_bbox(const double *xy, size_t n)
{
	pst_box bb = { xy[0], xy[1], xy[0], xy[1] };
	for (size_t i = 1; i < n; i++) {
		bb.x0 = fmin(bb.x0, xy[2 * i]);
		bb.x1 = fmax(bb.x1, xy[2 * i]);
		bb.y0 = fmin(bb.y0, xy[2 * i + 1]);
		bb.y1 = fmax(bb.y1, xy[2 * i + 1]);
	}
	return bb;
}

static bool box_inside(const pst_box *inner, const pst_box *outer)
{
	return inner->x0 >= outer->x0 && inner->x1 <= outer->x1 && inner->y0 >= outer->y0 &&
	       inner->y1 <= outer->y1;
}

bool pst_ring_inside(const double *xy, size_t n, const pst_box *box)
{
	pst_box bb = points_bbox(xy, n);
	return pst_box_overlaps(&bb, box) && box_inside(&bb, box);
}

int pst_clip_ring(pst_pts *out, const double *in, size_t n, const pst_box *box)
{
	pst_pts a = { 0 }, b = { 0 };
	out->n = 0;
	if (n < 3)
		return POSTURE_OK;
	/* Fast paths: entirely inside, or bbox entirely outside. */
	pst_box bb = points_bbox(in, n);
	if (!pst_box_overlaps(&bb, box))
		return POSTURE_OK;
	bool all_inside = box_inside(&bb, box);
	int rc = POSTURE_OK;
	const double *src = in;
	size_t src_n = n;
	for (int e = 0; e < 4 && !all_inside && rc == POSTURE_OK; e++) {
		pst_pts *dst = (e % 2 == 0) ? &a : &b;
		dst->n = 0;
		for (size_t i = 0; i < src_n && rc == POSTURE_OK; i++) {
			const double *cur = src + 2 * i;
			const double *prev = src + 2 * ((i + src_n - 1) % src_n);
			bool cin = inside_edge(cur[0], cur[1], box, e);
			bool pin = inside_edge(prev[0], prev[1], box, e);
			double x, y;
			if (cin != pin) {
				cross_edge(prev[0], prev[1], cur[0], cur[1], box, e, &x, &y);
				rc = pst_pts_push(dst, x, y);
			}
			if (cin && rc == POSTURE_OK)
				rc = pst_pts_push(dst, cur[0], cur[1]);
		}
		src = dst->xy;
		src_n = dst->n;
		if (src_n == 0)
			break;
	}
	if (rc == POSTURE_OK) {
		for (size_t i = 0; i < src_n && rc == POSTURE_OK; i++)
			rc = pst_pts_push(out, src[2 * i], src[2 * i + 1]);
		if (src_n < 3)
			out->n = 0;
	}
	pst_pts_free(&a);
	pst_pts_free(&b);
	return rc;
}

/* Liang–Barsky: clip segment p→q to box; returns false when invisible. */
int pst_clip_line(const double *in, size_t n, const pst_box *box,
                  int (*piece)(void *user, const double *xy, size_t n), void *user)
{
	if (n < 2)
		return POSTURE_OK;
	pst_box bb = points_bbox(in, n);
	if (!pst_box_overlaps(&bb, box))
		return POSTURE_OK;
	if (box_inside(&bb, box))
		return piece(user, in, n); /* the common case: nothing to cut */
	pst_pts cur = { 0 };
	int rc = POSTURE_OK;
	for (size_t i = 0; i + 1 < n && rc == POSTURE_OK; i++) {
		double px = in[2 * i], py = in[2 * i + 1];
		double dx = in[2 * i + 2] - px, dy = in[2 * i + 3] - py;
		double t0, t1;
		if (!pst_clip_segment(&t0, &t1, px, py, dx, dy, box)) {
			if (cur.n >= 2)
				rc = piece(user, cur.xy, cur.n);
			cur.n = 0;
			continue;
		}
		if (cur.n == 0 || t0 > 0)  {
			if (cur.n >= 2)
				rc = piece(user, cur.xy, cur.n);
			cur.n = 0;
			if (rc == POSTURE_OK)
				rc = pst_pts_push(&cur, px + t0 * dx, py + t0 * dy);
		}
		if (rc == POSTURE_OK)
			rc = pst_pts_push(&cur, px + t1 * dx, py + t1 * dy);
		if (t1 < 1 && rc == POSTURE_OK) {
			rc = piece(user, cur.xy, cur.n);
			cur.n = 0;
		}
	}
	if (rc == POSTURE_OK && cur.n >= 2)
		rc = piece(user, cur.xy, cur.n);
	pst_pts_free(&cur);
	return rc;
}

int pst_densify(pst_pts *out, const double *in, size_t n, bool closed, double max_step)
{
	out->n = 0;
	int rc = POSTURE_OK;
	size_t segs = closed ? n : (n ? n - 1 : 0);
	for (size_t i = 0; i < n && rc == POSTURE_OK; i++) {
		rc = pst_pts_push(out, in[2 * i], in[2 * i + 1]);
		if (i >= segs)
			break;
		const double *a = in + 2 * i, *b = in + 2 * ((i + 1) % n);
		double len = hypot(b[0] - a[0], b[1] - a[1]);
		int steps = (int)fmin(ceil(len / max_step), 10000);
		for (int k = 1; k < steps && rc == POSTURE_OK; k++) {
			double t = (double)k / steps;
			rc = pst_pts_push(out, a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]));
		}
	}
	return rc;
}

/* Squared distance from p to segment a–b. */
static double seg_dist2(const double *p, const double *a, const double *b)
{
	double dx = b[0] - a[0], dy = b[1] - a[1];
	double len2 = dx * dx + dy * dy;
	double t = len2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2 : 0;
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	double x = a[0] + t * dx - p[0], y = a[1] + t * dy - p[1];
	return x * x + y * y;
}

/* Douglas–Peucker with an explicit stack; marks kept points in @p keep. */
static void douglas_peucker(const double *xy, size_t n, double tol2, unsigned char *keep,
                            size_t *stack)
{
	size_t top = 0;
	keep[0] = keep[n - 1] = 1;
	stack[top++] = 0;
	stack[top++] = n - 1;
	while (top) {
		size_t last = stack[--top], first = stack[--top];
		double worst = 0;
		size_t at = 0;
		for (size_t i = first + 1; i < last; i++) {
			double d = seg_dist2(xy + 2 * i, xy + 2 * first, xy + 2 * last);
			if (d > worst) {
				worst = d;
				at = i;
			}
		}
		if (worst > tol2) {
			keep[at] = 1;
			stack[top++] = first;
			stack[top++] = at;
			stack[top++] = at;
			stack[top++] = last;
		}
	}
}

size_t pst_simplify(double *xy, size_t n, double tol, bool closed)
{
	size_t min = closed ? 3 : 2;
	if (n <= min || tol <= 0)
		return n;
	/* Radial pass: drop points within tol of the last kept one. */
	double tol2 = tol * tol;
	size_t m = 1;
	for (size_t i = 1; i < n; i++) {
		double dx = xy[2 * i] - xy[2 * (m - 1)], dy = xy[2 * i + 1] - xy[2 * (m - 1) + 1];
		if (dx * dx + dy * dy > tol2 || i == n - 1) {
			xy[2 * m] = xy[2 * i];
			xy[2 * m + 1] = xy[2 * i + 1];
			m++;
		}
	}
	if (m <= min)
		return m; /* a ring this small is below the tolerance: callers drop it */
	unsigned char *keep = calloc(m, 1);
	size_t *stack = malloc(4 * m * sizeof(*stack));
	if (!keep || !stack) {
		free(keep);
		free(stack);
		return m; /* out of memory: the radial pass alone is still correct */
	}
	douglas_peucker(xy, m, tol2, keep, stack);
	size_t k = 0;
	for (size_t i = 0; i < m; i++) {
		if (keep[i]) {
			xy[2 * k] = xy[2 * i];
			xy[2 * k + 1] = xy[2 * i + 1];
			k++;
		}
	}
	free(keep);
	free(stack);
	if (k < min)
		return m; /* degenerate: keep the radial result */
	return k;
}
