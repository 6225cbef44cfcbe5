/*
 * topo2shp.h — shared declarations of the posture-topo2shp helper tool:
 * its commands, the shapefile writer and GMT multi-segment text reading.
 */
#ifndef POSTURE_TOPO2SHP_H
#define POSTURE_TOPO2SHP_H

#include <shapefil.h>
#include <stdbool.h>
#include <stddef.h>

#include "internal.h"

/* Exit statuses, as the posture CLI: data, usage, I/O. */
enum { T2S_EXIT_DATA = 1, T2S_EXIT_USAGE = 2, T2S_EXIT_IO = 3 };

/* Commands: argv[0] is the command name. */
int t2s_countries(posture_ctx *ctx, int argc, char **argv);
int t2s_lines(posture_ctx *ctx, int argc, char **argv);
int t2s_lakes(posture_ctx *ctx, int argc, char **argv);

/* ---- shapefile output ---------------------------------------------------- */

typedef struct {
	const char *name; /* at most 10 characters */
	DBFFieldType type;
	int width, decimals;
} t2s_field;

typedef struct {
	posture_ctx *ctx;
	char *base; /* output path without extension */
	SHPHandle shp;
	DBFHandle dbf;
	int nrec;
} t2s_shp;

/** Create BASE.shp/.shx/.dbf/.cpg (UTF-8) with @p fields; .prj is written on close. */
int t2s_shp_open(t2s_shp *o, posture_ctx *ctx, const char *base, int shp_type,
                 const t2s_field *fields, size_t nfields);

/** Append @p obj (rewound for polygons) as the next record; returns its index or < 0. */
int t2s_shp_add(t2s_shp *o, SHPObject *obj);

/** Attribute setters for record @p rec (field by position). */
int t2s_shp_str(t2s_shp *o, int rec, int field, const char *value);
int t2s_shp_int(t2s_shp *o, int rec, int field, int value);
int t2s_shp_dbl(t2s_shp *o, int rec, int field, double value);

/** Fix the .dbf date, close everything and write the WGS84 .prj. */
int t2s_shp_close(t2s_shp *o);

/** Build an SHPObject from @p nparts point lists (xs/ys concatenated). */
SHPObject *t2s_shp_object(int type, int nparts, const int *starts, const double *xs,
                          const double *ys, int nverts);

/* ---- GMT multi-segment text ---------------------------------------------- */

typedef struct {
	double *xy; /* x0, y0, x1, y1, ... */
	size_t n;   /* points */
	size_t cap; /* doubles allocated */
	int level;  /* from a "Level N" header, or -1 */
} t2s_seg;

/** Read every segment of a GMT multi-segment file ('>' headers, '#' comments). */
int t2s_read_gmt(posture_ctx *ctx, const char *path, t2s_seg **segs, size_t *nsegs);
void t2s_segs_free(t2s_seg *segs, size_t n);

/** Read a tab-separated file: each non-comment line split into at most @p maxcols fields. */
typedef int (*t2s_row_fn)(void *user, char **cols, int ncols, int line);
int t2s_read_tsv(posture_ctx *ctx, const char *path, int maxcols, t2s_row_fn fn, void *user);

#endif
