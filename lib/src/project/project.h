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

/**
 * The same transformation again, in a PROJ context of its own (for another
 * thread: a PJ and its context are one thread's at a time), built the same
 * way from the same string, so it gives the same numbers.  NULL when out of
 * memory or when @p p needed PROJ's database (EPSG codes, WKT): then there is
 * no twin.  Freed with pst_proj_destroy().
 */
pst_proj *pst_proj_twin(const pst_proj *p);

/*
 * Points projected on a second thread ahead of their reader (proj_ahead.c):
 * for a layer of a million points, whose projection one at a time is a
 * tenth of the render.
 */
typedef struct pst_proj_ahead pst_proj_ahead;

/**
 * Start projecting @p n points (lon/lat → map units, as pst_proj_trans() of
 * one point with @p p) on a second thread, through pst_proj_twin(p).  Point i's
 * longitude is the double at @p lon + i * @p stride bytes, its latitude at
 * @p lat + i * @p stride; they must not change until pst_proj_ahead_stop().
 * NULL when there is no twin or no thread: project them as before.
 */
pst_proj_ahead *pst_proj_ahead_start(const pst_proj *p, const double *lon, const double *lat,
                                     size_t stride, size_t n);

/**
 * Point @p i (asked for in ascending order) into *x, *y: true when its
 * projection succeeded and is finite; false otherwise (project it again with
 * the original transformation, which then fails the same way and keeps PROJ's
 * message).
 */
bool pst_proj_ahead_point(pst_proj_ahead *a, size_t i, double *x, double *y);

/** Stop the thread and free @p a (NULL-safe). */
void pst_proj_ahead_stop(pst_proj_ahead *a);

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
