/*
 * index.c — uniform grids over boxes and segments (see index.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"

int pst_grid_init(pst_grid *g, double width, double height, double cell)
{
	memset(g, 0, sizeof(*g));
	g->cell = cell;
	g->cols = (size_t)(fmax(width, 1) / cell) + 1;
	g->rows = (size_t)(fmax(height, 1) / cell) + 1;
	size_t n = g->cols * g->rows;
	g->cells = calloc(n, sizeof(*g->cells));
	g->count = calloc(n, sizeof(size_t));
	g->cap = calloc(n, sizeof(size_t));
	return g->cells && g->count && g->cap ? POSTURE_OK : POSTURE_ENOMEM;
}

void pst_grid_free(pst_grid *g)
{
	for (size_t i = 0; g->cells && i < g->cols * g->rows; i++)
		free(g->cells[i]);
	free(g->cells);
	free(g->count);
	free(g->cap);
	free(g->stamp);
	memset(g, 0, sizeof(*g));
}

/* The cell of page coordinate @p v / cell, clamped to 0..n-1.  For v >= 0,
 * truncation is floor(), and v >= n exactly when floor(v) >= n, so no call
 * to floor() is needed (on the x86-64 baseline it is not inlined, and the
 * grids are queried millions of times per map). */
static inline size_t clamp_cell(double v, size_t n)
{
	return !(v >= 0) ? 0 : v >= (double)n ? n - 1 : (size_t)v;
}

static inline void cell_range(const pst_grid *g, const pst_box *b, size_t r[4])
{
	r[0] = clamp_cell(b->x0 / g->cell, g->cols);
	r[1] = clamp_cell(b->x1 / g->cell, g->cols);
	r[2] = clamp_cell(b->y0 / g->cell, g->rows);
	r[3] = clamp_cell(b->y1 / g->cell, g->rows);
}

int pst_grid_add(pst_grid *g, const pst_box *b, size_t id)
{
	if (id >= g->n_stamp) {
		size_t n = g->n_stamp ? g->n_stamp : 64;
		while (n <= id)
			n *= 2;
		unsigned *s = realloc(g->stamp, n * sizeof(unsigned));
		if (!s)
			return POSTURE_ENOMEM;
		memset(s + g->n_stamp, 0, (n - g->n_stamp) * sizeof(unsigned));
		g->stamp = s;
		g->n_stamp = n;
	}
	size_t r[4];
	cell_range(g, b, r);
	for (size_t y = r[2]; y <= r[3]; y++) {
		for (size_t x = r[0]; x <= r[1]; x++) {
			size_t c = y * g->cols + x;
			if (pst_grow((void **)&g->cells[c], &g->cap[c], g->count[c] + 1, sizeof(size_t)))
				return POSTURE_ENOMEM;
			g->cells[c][g->count[c]++] = id;
		}
	}
	return POSTURE_OK;
}

void pst_grid_remove(pst_grid *g, const pst_box *b, size_t id)
{
	size_t r[4];
	cell_range(g, b, r);
	for (size_t y = r[2]; y <= r[3]; y++) {
		for (size_t x = r[0]; x <= r[1]; x++) {
			size_t c = y * g->cols + x;
			for (size_t k = 0; k < g->count[c]; k++) {
				if (g->cells[c][k] == id) {
					/* Keep the order: queries must not depend on removal history. */
					memmove(&g->cells[c][k], &g->cells[c][k + 1],
					        (g->count[c] - k - 1) * sizeof(size_t));
					g->count[c]--;
					break;
				}
			}
		}
	}
}

bool pst_grid_query(pst_grid *g, const pst_box *b, bool (*fn)(void *user, size_t id), void *user)
{
	size_t r[4];
	cell_range(g, b, r);
	if (++g->query == 0) { /* wrapped: forget every stamp */
		memset(g->stamp, 0, g->n_stamp * sizeof(unsigned));
		g->query = 1;
	}
	/* Locals, not g's fields: fn may not change the grid, but the compiler
	 * cannot know, and would load them again after every call. */
	const unsigned q = g->query;
	unsigned *const stamp = g->stamp;
	size_t *const *const cells = g->cells;
	const size_t *const count = g->count;
	const size_t cols = g->cols;
	for (size_t y = r[2]; y <= r[3]; y++) {
		for (size_t x = r[0]; x <= r[1]; x++) {
			size_t c = y * cols + x, n = count[c];
			const size_t *ids = cells[c];
			for (size_t k = 0; k < n; k++) {
				size_t id = ids[k];
				if (stamp[id] == q)
					continue;
				stamp[id] = q;
				if (fn(user, id))
					return true;
			}
		}
	}
	return false;
}

static double orient(double ax, double ay, double bx, double by, double cx, double cy)
{
	return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

bool pst_segs_cross(const double *a, const double *b)
{
	double d1 = orient(b[0], b[1], b[2], b[3], a[0], a[1]);
	double d2 = orient(b[0], b[1], b[2], b[3], a[2], a[3]);
	double d3 = orient(a[0], a[1], a[2], a[3], b[0], b[1]);
	double d4 = orient(a[0], a[1], a[2], a[3], b[2], b[3]);
	return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0)) && d1 && d2 && d3 && d4;
}

double pst_box_distance(const pst_box *a, const pst_box *b)
{
	double dx = fmax(0, fmax(a->x0 - b->x1, b->x0 - a->x1));
	double dy = fmax(0, fmax(a->y0 - b->y1, b->y0 - a->y1));
	return hypot(dx, dy);
}
