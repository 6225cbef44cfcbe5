/*
 * project.h — every coordinate operation of posture goes through PROJ here.
 */
#ifndef POSTURE_PROJECT_H
#define POSTURE_PROJECT_H

#include <proj.h>

#include "internal.h"

/* A lon/lat → map CRS transformation (axis order normalised for display). */
typedef struct pst_proj pst_proj;

/**
 * Set up the transformation from WGS84 lon/lat to @p projection ("auto",
 * "EPSG:nnnn", a PROJ string or WKT).  "auto" picks a conformal projection
 * fitted to @p extent (lon_min, lat_min, lon_max, lat_max).  The target must
 * be a 2D projected or geographic CRS.  Errors are reported at @p at.
 */
int pst_proj_create(pst_proj **out, posture_ctx *ctx, const char *projection,
                    const double extent[4], const pst_where *at);
void pst_proj_destroy(pst_proj *p);

/** The target CRS as a PROJ string (borrowed). */
const char *pst_proj_definition(const pst_proj *p);

/**
 * Transform @p n points in place, lon/lat → map units (or back when
 * @p inverse).  Points PROJ cannot transform become HUGE_VAL.
 * @return POSTURE_OK, or POSTURE_EPROJ when PROJ failed as a whole
 */
int pst_proj_trans(pst_proj *p, bool inverse, double *x, double *y, size_t n);

/**
 * A PROJ context that finds none of PROJ's resource files (proj.db, grids),
 * with its log silenced: for operations between PROJ strings, which need
 * none, without the cost of opening the database.  NULL when out of memory.
 */
PJ_CONTEXT *pst_proj_context_without_database(void);

/** The "auto" CRS for an extent, as a PROJ string (caller frees). */
char *pst_proj_auto_definition(const double extent[4]);

#endif
