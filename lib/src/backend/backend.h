/*
 * backend.h — the writers that turn a scene into files.  Each writes to an
 * open FILE (the temporary side of an atomic output) and reports problems
 * against @p path.
 */
#ifndef POSTURE_BACKEND_H
#define POSTURE_BACKEND_H

#include <stdio.h>

#include <cairo.h>

#include "scene/scene.h"

/** Paint @p s on @p cr (user units = points), simplifying to @p tol points. */
void pst_cairo_paint(cairo_t *cr, const posture_scene *s, double tol);

int pst_write_png(posture_ctx *ctx, const posture_scene *s, FILE *fp, const char *path,
                  double scale);
int pst_write_cairo_vector(posture_ctx *ctx, const posture_scene *s, FILE *fp,
                           const char *path, posture_format format);
int pst_write_mapdata(posture_ctx *ctx, const posture_scene *s, FILE *fp, const char *path);

/** Largest PNG side in pixels. */
#define PST_MAX_PNG_SIDE 16384

#endif
