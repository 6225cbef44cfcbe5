/*
 * geom.h — planar geometry on interleaved x,y arrays: boxes, clipping,
 * densifying and simplifying.  Used twice per map: in degrees before
 * projection and in page units after it.
 */
#ifndef POSTURE_GEOM_H
#define POSTURE_GEOM_H

#include "internal.h"

typedef struct {
	double x0, y0, x1, y1; /* x0 <= x1, y0 <= y1 */
} pst_box;

/* A growable array of points (x,y interleaved). */
typedef struct {
	double *xy;  /* 2 * n values */
	size_t n;    /* points used */
	size_t cap;  /* points allocated */
} pst_pts;

int pst_pts_push(pst_pts *p, double x, double y);
void pst_pts_free(pst_pts *p);

/* Do the closed boxes meet?  Inline: the label search asks it millions of times. */
static inline bool pst_box_overlaps(const pst_box *a, const pst_box *b)
{
	return a->x0 <= b->x1 && b->x0 <= a->x1 && a->y0 <= b->y1 && b->y0 <= a->y1;
}

/**
 * Clip the closed ring @p in (n points, last point need not repeat the first)
 * to @p box (Sutherland–Hodgman).  The result goes to @p out (cleared first)
 * and may be empty.  Edges along the box boundary appear where the ring
 * leaves the box: fill with them, never stroke them.
 */
int pst_clip_ring(pst_pts *out, const double *in, size_t n, const pst_box *box);

/** Whether the ring @p xy (n >= 3 points) lies wholly in @p box: pst_clip_ring() keeps it as it is. */
bool pst_ring_inside(const double *xy, size_t n, const pst_box *box);

/**
 * Clip the open line @p in to @p box; each visible piece is passed to
 * @p piece (Liang–Barsky per segment, consecutive visible segments joined).
 */
int pst_clip_line(const double *in, size_t n, const pst_box *box,
                  int (*piece)(void *user, const double *xy, size_t n), void *user);

/**
 * Clip the segment from (px, py) along (dx, dy) to @p box (Liang–Barsky):
 * the visible part runs from parameter *t0 to *t1; false when none is.
 */
static inline bool pst_clip_segment(double *t0, double *t1, double px, double py, double dx,
                                    double dy, const pst_box *b)
{
	double p[4] = { -dx, dx, -dy, dy };
	double q[4] = { px - b->x0, b->x1 - px, py - b->y0, b->y1 - py };
	*t0 = 0;
	*t1 = 1;
	for (int i = 0; i < 4; i++) {
		if (p[i] == 0) {
			if (q[i] < 0)
				return false;
			continue;
		}
		double r = q[i] / p[i];
		if (p[i] < 0 && r > *t0)
			*t0 = r;
		else if (p[i] > 0 && r < *t1)
			*t1 = r;
		if (*t0 > *t1)
			return false;
	}
	return true;
}

/** Insert points so that no segment is longer than @p max_step. */
int pst_densify(pst_pts *out, const double *in, size_t n, bool closed, double max_step);

/**
 * Simplify in place so that no dropped vertex lies farther than @p tol from
 * the result (radial-distance pass, then Douglas–Peucker).  Closed rings keep
 * at least 2 points; a ring left with fewer than 3 is smaller than @p tol.
 * @return the new number of points
 */
size_t pst_simplify(double *xy, size_t n, double tol, bool closed);

#endif
