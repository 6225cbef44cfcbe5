/*
 * textin.c — the two text inputs of posture-topo2shp: tab-separated tables
 * (tools/iso3166.tsv and friends) and GMT multi-segment files.
 *
 * A GMT multi-segment file is what `gmt coast -M` and `gmt grdcontour -D`
 * print: each segment starts with a '>' header line (for rivers it names the
 * GSHHG bin and "Level N"), followed by one "x y [z]" line per point.
 * Lines starting with '#' are GMT comments (they may hold the command line
 * and a timestamp, which is why they are skipped, never copied).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo2shp.h"

/* Split @p line at tabs into at most @p max columns (the last keeps the rest). */
static int split_tabs(char *line, char **cols, int max)
{
	int n = 0;
	cols[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == '\t') {
			*p = '\0';
			cols[n++] = p + 1;
		}
	return n;
}

int t2s_read_tsv(posture_ctx *ctx, const char *path, int maxcols, t2s_row_fn fn, void *user)
{
	char *data = NULL;
	size_t len = 0;
	int rc = pst_read_file(&data, &len, ctx, path, PST_MAX_TEXT_FILE);
	char *cols[16];
	if (maxcols > 16)
		maxcols = 16;
	int lineno = 0;
	for (char *line = data; rc == POSTURE_OK && line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		size_t l = strlen(line);
		if (l && line[l - 1] == '\r')
			line[l - 1] = '\0';
		if (line[0] != '#' && line[0] != '\0')
			rc = fn(user, cols, split_tabs(line, cols, maxcols), lineno);
		line = nl ? nl + 1 : NULL;
	}
	free(data);
	return rc;
}

void t2s_segs_free(t2s_seg *segs, size_t n)
{
	for (size_t i = 0; segs && i < n; i++)
		free(segs[i].xy);
	free(segs);
}

static int header_level(const char *line)
{
	const char *p = strstr(line, "Level ");
	return p ? atoi(p + 6) : -1;
}

static int add_point(posture_ctx *ctx, const char *path, int lineno, t2s_seg *s,
                     const char *line)
{
	char *end;
	double x = strtod(line, &end);
	char *end2;
	double y = strtod(end, &end2);
	if (end == line || end2 == end)
		return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, path, lineno, 1,
		                "expected two numbers (x y)");
	if (pst_grow((void **)&s->xy, &s->cap, s->n * 2 + 2, sizeof(double)) != POSTURE_OK)
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	s->xy[s->n * 2] = x;
	s->xy[s->n * 2 + 1] = y;
	s->n++;
	return POSTURE_OK;
}

typedef struct {
	t2s_seg *segs;
	size_t n, cap;
} seg_list;

static t2s_seg *new_seg(seg_list *l, int level)
{
	if (pst_grow((void **)&l->segs, &l->cap, l->n + 1, sizeof(*l->segs)) != POSTURE_OK)
		return NULL;
	t2s_seg *s = &l->segs[l->n++];
	memset(s, 0, sizeof(*s));
	s->level = level;
	return s;
}

static int parse_gmt(posture_ctx *ctx, const char *path, char *data, seg_list *l)
{
	t2s_seg *cur = NULL;
	int lineno = 0;
	for (char *line = data; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		int rc = POSTURE_OK;
		if (line[0] == '>') {
			cur = new_seg(l, header_level(line));
			if (!cur)
				return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
		} else if (line[0] != '#' && line[strspn(line, " \t\r")] != '\0') {
			cur = cur ? cur : new_seg(l, -1);
			rc = cur ? add_point(ctx, path, lineno, cur, line)
			         : pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
		}
		if (rc != POSTURE_OK)
			return rc;
		line = nl ? nl + 1 : NULL;
	}
	return POSTURE_OK;
}

int t2s_read_gmt(posture_ctx *ctx, const char *path, t2s_seg **segs, size_t *nsegs)
{
	*segs = NULL;
	*nsegs = 0;
	char *data = NULL;
	size_t len = 0;
	int rc = pst_read_file(&data, &len, ctx, path, PST_MAX_TEXT_FILE);
	if (rc != POSTURE_OK)
		return rc;
	seg_list l = { 0 };
	rc = parse_gmt(ctx, path, data, &l);
	free(data);
	if (rc != POSTURE_OK) {
		t2s_segs_free(l.segs, l.n);
		return rc;
	}
	*segs = l.segs;
	*nsegs = l.n;
	return POSTURE_OK;
}
