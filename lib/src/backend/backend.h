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

/*
 * The posture code for a Cairo failure: a write error is I/O, running out of
 * memory is ENOMEM, and anything else (text or geometry Cairo refused) comes
 * from the data, never an I/O error.
 */
int pst_cairo_code(cairo_status_t st);

/** Paint @p s on @p cr (user units = points), simplifying to @p tol points. */
void pst_cairo_paint(cairo_t *cr, const posture_scene *s, double tol);

/* PDF: pages after the map for the keys its key panel could not hold. */
void pst_cairo_paint_key_pages(cairo_t *cr, const posture_scene *s);

/* The keys of @p s's labels (the key panel lists the first s->keys_listed). */
size_t pst_scene_keys(const posture_scene *s);

/* Pieces of the painter shared with cairo_dense.c: an item's geometry path
 * (simplified to @p tol) and its painting, a symbol's path, a symbol painted
 * whole, and the fill and outline of a symbol path in the look of @p look. */
void pst_cairo_item_path(cairo_t *cr, const pst_item *it, double tol);
void pst_cairo_paint_geometry(cairo_t *cr, const pst_item *it, double tol);
void pst_cairo_symbol_path(cairo_t *cr, const pst_item *it);
void pst_cairo_paint_symbol(cairo_t *cr, const pst_item *it);
void pst_cairo_fill_stroke_symbol(cairo_t *cr, const pst_item *look);

/* A group of more than PST_SYMBOL_BATCH_MIN symbols, and its painting per look. */
bool pst_cairo_dense(const pst_group *g);
int pst_cairo_paint_dense(cairo_t *cr, const pst_group *g, const posture_scene *s, double tol);
/* Whether compact group @p g (scene.h) can be painted from its records on @p cr's surface
 * (an image, and as pst_cairo_dense() would paint its items)… */
bool pst_cairo_compact(cairo_t *cr, const pst_group *g);
/* …and so painted. */
int pst_cairo_paint_compact(cairo_t *cr, const pst_group *g, const posture_scene *s);

int pst_write_png(posture_ctx *ctx, const posture_scene *s, FILE *fp, const char *path,
                  double scale);
int pst_write_cairo_vector(posture_ctx *ctx, const posture_scene *s, FILE *fp,
                           const char *path, posture_format format);
int pst_write_mapdata(posture_ctx *ctx, const posture_scene *s, FILE *fp, const char *path);

/*
 * The element ids of the structured SVG, shared by the SVG and HTML writers
 * so that the page's script finds every item by the id the SVG gives it.
 * Each is derived from the data (layer name, item id), made a valid XML id
 * and unique in the document; identical scenes get identical ids.
 */
typedef struct {
	char **layer;    /* per scene group: its layer's id ("bases", "borders-2") */
	char **label_layer; /* per non-furniture group with labels: its sub-layer of Labels, else NULL */
	size_t *first;   /* per scene group: index of its first item in item[] and label[] */
	char **item;     /* per item: the item's group ("bases--kant-air-base") */
	char **label;    /* per item with a label outside furniture: its label group, else NULL */
	char **text;     /* per item with a label: its <text> element (the halo <use>s it), else NULL */
	char *labels;    /* the Labels layer */
} pst_svg_ids;

int pst_svg_ids_make(pst_svg_ids *ids, const posture_scene *s);
void pst_svg_ids_free(pst_svg_ids *ids, const posture_scene *s);

/* Whether the SVG writes an item's own group: it draws something there. */
bool pst_svg_item_drawn(const pst_group *g, const pst_item *it);

/*
 * The structured SVG of @p s appended to @p out: for an .svg file
 * (@p standalone: with the XML declaration) or to be inlined in HTML.
 */
void pst_svg_document(pst_buf *out, const posture_scene *s, const pst_svg_ids *ids,
                      bool standalone);

/** The map's text alternative (region, layers, counts), escaped as XML text. */
void pst_svg_description(pst_buf *b, const posture_scene *s);

/** The structured SVG (the default for .svg). */
int pst_write_svg(posture_ctx *ctx, const posture_scene *s, FILE *fp, const char *path);

/** The interactive HTML page: the SVG inline, tooltips, toggles, filters. */
/** The interactive page; a live preview's when @p live (its events' URL) is given. */
int pst_write_html(posture_ctx *ctx, const posture_scene *s, FILE *fp, const char *path,
                   const char *live);

/** Largest PNG side in pixels. */
#define PST_MAX_PNG_SIDE 16384

#endif
