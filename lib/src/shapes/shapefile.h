/*
 * shapefile.h — reading base geography from ESRI shapefiles with shapelib.
 */
#ifndef POSTURE_SHAPEFILE_H
#define POSTURE_SHAPEFILE_H

#include <shapefil.h>

#include "internal.h"

/** Records one shapefile may hold (README "Limits"). */
#define PST_MAX_SHAPE_RECORDS 1000000

/** The bytes of one shapefile's parts, borrowed. */
typedef struct {
	const unsigned char *shp; /* geometry */
	size_t shp_len;
	const unsigned char *shx; /* record index */
	size_t shx_len;
	const unsigned char *dbf; /* attributes */
	size_t dbf_len;
	const char *cpg;          /* code page text, or NULL when there is no .cpg */
} pst_shape_bytes;

typedef struct {
	char *path;      /* the .shp path, for messages */
	char *dbf_path;  /* the .dbf path, for messages about attributes */
	SHPHandle shp;   /* geometry (.shp + .shx), read from memory */
	DBFHandle dbf;   /* attributes (.dbf), read from memory */
	int n_records;   /* records in .shp, .shx and .dbf alike */
	int shape_type;  /* SHPT_POLYGON or SHPT_ARC */
	bool latin1;     /* attributes are ISO-8859-1, not UTF-8 */
	char *owned[4];  /* file contents read by pst_shapefile_open (.shp .shx .dbf .cpg) */
	const unsigned char *shp_bytes; /* the .shp's bytes (checked), for record headers */
	char *text;      /* the last attribute, as valid UTF-8 */
	size_t text_cap; /* bytes allocated for text */
} pst_shapefile;

/**
 * Open @p dir/@p name.shp with its .shx, .dbf and (optional) .cpg, and check
 * that it holds shapes of @p type (SHPT_POLYGON or SHPT_ARC) and that the
 * files are sound and agree (see shpcheck.c).  Each file is read once.
 */
int pst_shapefile_open(pst_shapefile **out, posture_ctx *ctx, const char *dir,
                       const char *name, int type);

/**
 * The same from bytes in memory, which must outlive the handle; @p base
 * ("dir/name", without extension) names the files in messages.
 */
int pst_shapefile_open_bytes(pst_shapefile **out, posture_ctx *ctx, const char *base,
                             const pst_shape_bytes *bytes, int type);
void pst_shapefile_close(pst_shapefile *sf);

/**
 * Read record @p i; NULL-shapes come back as NULL with POSTURE_OK.  Every
 * vertex is checked to be a finite longitude/latitude.
 */
int pst_shapefile_read(SHPObject **out, posture_ctx *ctx, pst_shapefile *sf, int i);

/**
 * The bounding box record @p i's header gives (the one SHPReadObject
 * returns), without reading its vertices; false for a null shape.
 */
bool pst_shapefile_bbox(const pst_shapefile *sf, int i, double box[4]);

/**
 * The check pst_shapefile_read() makes of record @p i (every vertex a finite
 * longitude/latitude, the same error), from the bytes, without reading it.
 */
int pst_shapefile_check(posture_ctx *ctx, const pst_shapefile *sf, int i);

/**
 * String attribute @p field of record @p i as valid UTF-8 ("" when absent);
 * borrowed until the next call.
 */
const char *pst_shapefile_string(pst_shapefile *sf, int i, const char *field);

/** Integer attribute @p field of record @p i (0 when absent). */
int pst_shapefile_int(pst_shapefile *sf, int i, const char *field);

/* shpcheck.c: checks of the raw bytes, and shapelib handles over them. */
int pst_shape_bytes_check(posture_ctx *ctx, const pst_shape_bytes *b, const char *base,
                          int *n_records, int *shape_type);
void pst_shape_bytes_open(const pst_shape_bytes *b, SHPHandle *shp, DBFHandle *dbf);

#endif
