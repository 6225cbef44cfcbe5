/*
 * index.h — uniform grids over page boxes and line segments, the spatial
 * indexes of label placement.
 *
 * A grid divides the page into square cells; each cell lists the ids of the
 * entries whose bounding box touches it.  A query visits the cells a box
 * covers and reports each entry once (a per-query stamp dedupes entries
 * that span several cells).  With cells about the size of a label, a query
 * touches a handful of cells and the entries near them, whatever the total:
 * the cost of a test grows with local crowding, not with the map's size.
 */
#ifndef POSTURE_LABEL_INDEX_H
#define POSTURE_LABEL_INDEX_H

#include "geom/geom.h"

typedef struct {
	double cell;       /* cell size, pt */
	size_t cols, rows;
	size_t **cells;    /* per cell: ids */
	size_t *count, *cap;
	unsigned *stamp;   /* per id: last query that reported it */
	size_t n_stamp;
	unsigned query;
} pst_grid;

int pst_grid_init(pst_grid *g, double width, double height, double cell);
void pst_grid_free(pst_grid *g);

/* Index entry @p id under box @p b. */
int pst_grid_add(pst_grid *g, const pst_box *b, size_t id);

/* Remove entry @p id indexed under box @p b. */
void pst_grid_remove(pst_grid *g, const pst_box *b, size_t id);

/*
 * Call @p fn for every entry whose cells meet @p b, each once; stops early
 * when @p fn returns true, and returns true then.  @p fn must not change @p g.
 */
bool pst_grid_query(pst_grid *g, const pst_box *b, bool (*fn)(void *user, size_t id),
                    void *user);

/* A line segment with the half width of its stroke. */
typedef struct {
	double x0, y0, x1, y1;
	double half;       /* half the stroke width plus clearance, pt */
} pst_seg;

static inline double pst_min2(double a, double b)
{
	return b < a ? b : a;
}

static inline double pst_max2(double a, double b)
{
	return b > a ? b : a;
}

/* Does segment @p s, widened by its half width, meet box @p b?  Inline: the
 * label search asks it of every leader near every label. */
static inline bool pst_seg_meets_box(const pst_seg *s, const pst_box *b)
{
	pst_box grown = { b->x0 - s->half, b->y0 - s->half, b->x1 + s->half, b->y1 + s->half };
	/* Most segments a query reports are nowhere near: their extents tell. */
	if (pst_max2(s->x0, s->x1) < grown.x0 || pst_min2(s->x0, s->x1) > grown.x1 ||
	    pst_max2(s->y0, s->y1) < grown.y0 || pst_min2(s->y0, s->y1) > grown.y1)
		return false;
	double t0, t1;
	return pst_clip_segment(&t0, &t1, s->x0, s->y0, s->x1 - s->x0, s->y1 - s->y0, &grown);
}

/* Do the segments a and b (x0, y0, x1, y1) cross properly? */
bool pst_segs_cross(const double *a, const double *b);

/* Shortest distance between two boxes (0 when they touch or overlap). */
double pst_box_distance(const pst_box *a, const pst_box *b);

#endif
