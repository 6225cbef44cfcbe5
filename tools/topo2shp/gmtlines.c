/*
 * gmtlines.c — the `lines` command: GSHHG/WDBII rivers as polylines.
 *
 * `gmt coast -I... -M` prints rivers bin by bin, so one river arrives as
 * many pieces that meet end to end at GSHHG bin edges.  Pieces of the same
 * level whose ends coincide exactly, at a point where no third piece of that
 * level ends, are joined into one line (a tributary of another level does
 * not stop a river from continuing through the confluence).  Joining walks
 * the pieces in file order, so the output is the same on every run.
 */
#include <stdlib.h>
#include <string.h>

#include "topo2shp.h"

typedef struct {
	double x, y;
	int level;
	size_t seg;
	int end; /* 0 = first point, 1 = last point */
} seg_end;

static int cmp_end(const void *pa, const void *pb)
{
	const seg_end *a = pa, *b = pb;
	if (a->level != b->level)
		return a->level < b->level ? -1 : 1;
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->y != b->y)
		return a->y < b->y ? -1 : 1;
	if (a->seg != b->seg)
		return a->seg < b->seg ? -1 : 1;
	return a->end - b->end;
}

static bool same_place(const seg_end *a, const seg_end *b)
{
	return a->level == b->level && a->x == b->x && a->y == b->y;
}

/* link[2s+e] = 2t+f when end e of piece s joins end f of piece t, else -1. */
static long *link_ends(const t2s_seg *segs, size_t n)
{
	seg_end *ends = calloc(2 * n + 1, sizeof(*ends));
	long *link = malloc((2 * n + 1) * sizeof(*link));
	if (!ends || !link) {
		free(ends);
		free(link);
		return NULL;
	}
	for (size_t s = 0; s < n; s++)
		for (int e = 0; e < 2; e++) {
			const double *p = &segs[s].xy[e ? 2 * (segs[s].n - 1) : 0];
			ends[2 * s + e] = (seg_end){ p[0], p[1], segs[s].level, s, e };
			link[2 * s + e] = -1;
		}
	qsort(ends, 2 * n, sizeof(*ends), cmp_end);
	for (size_t i = 0; i < 2 * n;) {
		size_t k = i + 1;
		while (k < 2 * n && same_place(&ends[i], &ends[k]))
			k++;
		if (k - i == 2 && ends[i].seg != ends[i + 1].seg) {
			link[2 * ends[i].seg + ends[i].end] = (long)(2 * ends[i + 1].seg + ends[i + 1].end);
			link[2 * ends[i + 1].seg + ends[i + 1].end] = (long)(2 * ends[i].seg + ends[i].end);
		}
		i = k;
	}
	free(ends);
	return link;
}

typedef struct {
	pst_buf xs, ys;
	size_t n;
} line_buf;

static void append_piece(line_buf *lb, const t2s_seg *s, bool reversed)
{
	for (size_t i = lb->n ? 1 : 0; i < s->n; i++) {
		size_t k = reversed ? s->n - 1 - i : i;
		pst_buf_add(&lb->xs, &s->xy[2 * k], sizeof(double));
		pst_buf_add(&lb->ys, &s->xy[2 * k + 1], sizeof(double));
	}
	lb->n += lb->n ? s->n - 1 : s->n;
}

static int write_line(t2s_shp *o, line_buf *lb, int level)
{
	int start = 0;
	int rec = t2s_shp_add(o, lb->xs.failed || lb->ys.failed ? NULL
	                         : t2s_shp_object(SHPT_ARC, 1, &start,
	                                          (const double *)(void *)lb->xs.data,
	                                          (const double *)(void *)lb->ys.data, (int)lb->n));
	return rec < 0 ? rec : t2s_shp_int(o, rec, 0, level);
}

/* Follow the chain that enters piece @p s at end @p e, writing it as one line. */
static int walk_chain(t2s_shp *o, const t2s_seg *segs, const long *link, bool *used,
                      size_t s, int e)
{
	line_buf lb = { .n = 0 };
	pst_buf_init(&lb.xs);
	pst_buf_init(&lb.ys);
	for (;;) {
		used[s] = true;
		append_piece(&lb, &segs[s], e == 1);
		long next = link[2 * s + (1 - e)];
		if (next < 0 || used[next / 2])
			break;
		s = (size_t)next / 2;
		e = (int)(next % 2);
	}
	int rc = write_line(o, &lb, segs[s].level);
	pst_buf_free(&lb.xs);
	pst_buf_free(&lb.ys);
	return rc;
}

static int write_lines(t2s_shp *o, const t2s_seg *segs, size_t n, const long *link)
{
	bool *used = calloc(n ? n : 1, sizeof(*used));
	if (!used)
		return pst_error(o->ctx, POSTURE_ENOMEM, o->base, "out of memory");
	int rc = POSTURE_OK;
	for (int pass = 0; pass < 2; pass++) /* chains with a free end first, then loops */
		for (size_t s = 0; s < n && rc == POSTURE_OK; s++) {
			if (used[s])
				continue;
			int free_end = link[2 * s] < 0 ? 0 : link[2 * s + 1] < 0 ? 1 : -1;
			if (pass == 1 || free_end >= 0)
				rc = walk_chain(o, segs, link, used, s, free_end < 0 ? 0 : free_end);
		}
	free(used);
	return rc;
}

/* Drop pieces with fewer than two points; every piece needs a level. */
static int check_segments(posture_ctx *ctx, const char *path, t2s_seg *segs, size_t *n)
{
	size_t k = 0;
	for (size_t i = 0; i < *n; i++) {
		if (segs[i].level < 0)
			return pst_error(ctx, POSTURE_EDATA, path,
			                 "segment %zu has no 'Level N' in its header", i + 1);
		if (segs[i].n >= 2)
			segs[k++] = segs[i];
		else
			free(segs[i].xy);
	}
	*n = k;
	return POSTURE_OK;
}

int t2s_lines(posture_ctx *ctx, int argc, char **argv)
{
	if (argc != 3)
		return pst_error(ctx, POSTURE_EUSAGE, NULL, "lines needs GMT and OUTPUT (see --help)");
	t2s_seg *segs = NULL;
	size_t n = 0;
	int rc = t2s_read_gmt(ctx, argv[1], &segs, &n);
	if (rc == POSTURE_OK)
		rc = check_segments(ctx, argv[1], segs, &n);
	long *link = rc == POSTURE_OK ? link_ends(segs, n) : NULL;
	if (rc == POSTURE_OK && !link)
		rc = pst_error(ctx, POSTURE_ENOMEM, argv[1], "out of memory");
	t2s_field fields[] = { { "level", FTInteger, 2, 0 } };
	t2s_shp o;
	if (rc == POSTURE_OK && (rc = t2s_shp_open(&o, ctx, argv[2], SHPT_ARC, fields, 1)) ==
	    POSTURE_OK) {
		rc = write_lines(&o, segs, n, link);
		int rc2 = t2s_shp_close(&o);
		rc = rc != POSTURE_OK ? rc : rc2;
	}
	free(link);
	t2s_segs_free(segs, n);
	return rc;
}
