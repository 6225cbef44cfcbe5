/*
 * shapefile.h — reading base geography from ESRI shapefiles with shapelib.
 */
#ifndef POSTURE_SHAPEFILE_H
#define POSTURE_SHAPEFILE_H

#include <shapefil.h>

#include "internal.h"

typedef struct {
	char *path;      /* the .shp path, for messages */
	SHPHandle shp;   /* geometry (.shp + .shx) */
	DBFHandle dbf;   /* attributes (.dbf) */
	int n_records;   /* records in .shp, .shx and .dbf alike */
	int shape_type;  /* SHPT_POLYGON or SHPT_ARC */
} pst_shapefile;

/**
 * Open @p dir/@p name.shp with its .shx and .dbf, and check that it holds
 * shapes of @p type (SHPT_POLYGON or SHPT_ARC) and that the three files agree.
 */
int pst_shapefile_open(pst_shapefile **out, posture_ctx *ctx, const char *dir,
                       const char *name, int type);
void pst_shapefile_close(pst_shapefile *sf);

/**
 * Read record @p i; NULL-shapes come back as NULL with POSTURE_OK.  Every
 * vertex is checked to be a finite longitude/latitude.
 */
int pst_shapefile_read(SHPObject **out, posture_ctx *ctx, pst_shapefile *sf, int i);

/** String attribute @p field of record @p i ("" when absent).  Borrowed until the next call. */
const char *pst_shapefile_string(pst_shapefile *sf, int i, const char *field);

/** Integer attribute @p field of record @p i (0 when absent). */
int pst_shapefile_int(pst_shapefile *sf, int i, const char *field);

#endif
