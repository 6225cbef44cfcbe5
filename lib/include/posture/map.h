/**
 * @file map.h
 * @brief Map definitions, scenes and rendering — the pipeline's public face.
 *
 * A map definition (posture_map) is read from an INI file; command-line
 * options may override single keys.  A scene (posture_scene) is the
 * backend-neutral display list built from it: everything drawn, in page
 * units (points, origin top left), grouped by layer, each item carrying the
 * id of the data it came from.  Backends (PNG, PDF, SVG, map data) see only
 * the scene.
 *
 * Ownership: posture_map_load() and posture_scene_build() hand their result to
 * the caller, who frees it with the matching _destroy (which accepts NULL).
 * A scene does not refer to its map after it is built.
 */
#ifndef POSTURE_MAP_H
#define POSTURE_MAP_H

#include <stddef.h>

#include "posture/core.h"
#include "posture/data.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct posture_map posture_map;
typedef struct posture_scene posture_scene;

/** Output formats, chosen by file extension. */
typedef enum {
	POSTURE_FORMAT_PNG,  /**< raster, via Cairo and libpng */
	POSTURE_FORMAT_PDF,  /**< vector, via Cairo */
	POSTURE_FORMAT_SVG,  /**< vector: posture's structured SVG (named layers, real text);
	                          Cairo's when posture_render_opts.svg_engine says so */
	POSTURE_FORMAT_JSON, /**< the map data: the scene as JSON */
	POSTURE_FORMAT_HTML, /**< one self-contained interactive page: the SVG with tooltips,
	                          layer toggles, date filter and search */
	POSTURE_FORMAT_SVG_CAIRO /**< SVG through Cairo's surface (text as glyph outlines);
	                              extension .svg, never chosen by extension */
} posture_format;

/** Who writes POSTURE_FORMAT_SVG. */
typedef enum {
	POSTURE_SVG_ENGINE_POSTURE = 0, /**< the structured SVG (the default) */
	POSTURE_SVG_ENGINE_CAIRO        /**< Cairo's SVG surface, as POSTURE_FORMAT_SVG_CAIRO */
} posture_svg_engine;

/**
 * Options for posture_scene_write().  Version 1 had only @c scale, version
 * 2 added @c svg_engine; callers built against either keep working.
 */
typedef struct {
	int version;  /**< POSTURE_RENDER_OPTS_VERSION (1 and 2 are accepted too) */
	double scale; /**< PNG pixels per point, 0.1–16 (1 = one pixel per point) */
	posture_svg_engine svg_engine; /**< who writes .svg (since version 2) */
	/**
	 * NULL, or (since version 3) the URL, on the page's own server, of a
	 * live preview's Server-Sent Events: the .html page then shows an error
	 * banner above the map for the server's "errors" events and reloads
	 * itself on "reload", keeping the reader's layer toggles, dates, search
	 * and zoom.  Copied into the page; only the page's own origin may be
	 * reached.
	 */
	const char *live_events;
} posture_render_opts;

#define POSTURE_RENDER_OPTS_VERSION 3
#define POSTURE_RENDER_OPTS_INIT { POSTURE_RENDER_OPTS_VERSION, 1.0, POSTURE_SVG_ENGINE_POSTURE, NULL }

/**
 * Read and check a map definition.  Paths inside it are taken relative to
 * the map file.  Problems are reported as FILE:LINE:COLUMN diagnostics.
 * @param out receives the map, owned by the caller
 * @return POSTURE_OK, POSTURE_EDATA (invalid file), POSTURE_EIO, POSTURE_ENOMEM
 */
POSTURE_API int posture_map_load(posture_map **out, posture_ctx *ctx, const char *path);

/**
 * Override one key of the [map] section, as if the file said `key = value`
 * (for example "size", "2000x1400").  Errors found now or later in the
 * value are reported against @p origin (such as "--size"), which is copied.
 * @return POSTURE_OK, POSTURE_EUSAGE (unknown key or invalid value), POSTURE_ENOMEM
 */
POSTURE_API int posture_map_set(posture_map *map, posture_ctx *ctx, const char *origin,
                                const char *key, const char *value);

/**
 * Override one criterion of the map's [filter] section (see posture_filter in
 * data.h: "from", "to", "undated", "only", "hide", "kinds", "countries"), as
 * if the section said `key = value`.  Errors name @p origin ("--from").
 * @return POSTURE_OK, POSTURE_EUSAGE (unknown key or invalid value), POSTURE_ENOMEM
 */
POSTURE_API int posture_map_set_filter(posture_map *map, posture_ctx *ctx, const char *origin,
                                       const char *key, const char *value);

/**
 * Hold the labels where an earlier render of this map put them: @p path is
 * the map data that render wrote (`-o FILE.json`).  A label whose place is
 * still legal (same text, page and layout, nothing new in the way) prefers it
 * strongly, so an edit of the layers moves only the labels the change leaves
 * no room for; a new item takes free room first.  Items the file does not
 * list are placed as usual.  Replaces an earlier call's file.
 * @return POSTURE_OK, POSTURE_EDATA (not map data; reported against @p path),
 *         POSTURE_EIO, POSTURE_ENOMEM
 */
POSTURE_API int posture_map_keep_labels(posture_map *map, posture_ctx *ctx, const char *path);

/** The map's filter (its [filter] section and overrides).  Borrowed. */
POSTURE_API const posture_filter *posture_map_filter(const posture_map *map);

/**
 * The SQL posture will send for the map's PostGIS layers (pg:NAME in its
 * layer list), as its extent, [filter] dates and [postgis] section make it:
 * per layer a comment line, the SELECT of the rows and that of their
 * citations, each ending in ";\n".  *out (the caller's, free()) is "" when
 * the map reads no PostGIS layer.  Nothing is sent to a server.
 * @return POSTURE_OK, POSTURE_EDATA (a pg: name that is no layer's), POSTURE_ENOMEM
 */
POSTURE_API int posture_map_explain(char **out, posture_ctx *ctx, const posture_map *map);

/** Free a map definition.  NULL is allowed. */
POSTURE_API void posture_map_destroy(posture_map *map);

/** The map's name: its file name without directory and `.ini`.  Borrowed. */
POSTURE_API const char *posture_map_name(const posture_map *map);

/** Number of formats the map's `outputs` key asks for. */
POSTURE_API size_t posture_map_output_count(const posture_map *map);

/** Output format number @p i of the map's `outputs` key. */
POSTURE_API posture_format posture_map_output(const posture_map *map, size_t i);

/** The usual file extension of a format, without the dot ("png"). */
POSTURE_API const char *posture_format_extension(posture_format format);

/**
 * The format a file name asks for, from its extension (case-insensitive).
 * @return POSTURE_OK, or POSTURE_EUSAGE when the extension is not known
 */
POSTURE_API int posture_format_from_path(posture_format *out, const char *path);

/**
 * Build the scene of a map: read its shapes and layers, project, clip and
 * style everything.
 * @param out receives the scene, owned by the caller
 */
POSTURE_API int posture_scene_build(posture_scene **out, posture_ctx *ctx,
                                    const posture_map *map);

/**
 * A store of the inputs maps share — validated layers and sources, and the
 * base geography's shapefiles — read and checked once, then lent to every
 * scene built with it.  Entries are keyed by path (and, for layers, by the
 * whole set of files, the sources and the shapes folder); only inputs that
 * passed validation are kept, and the warnings found while reading one are
 * reported again to each map that uses it.  Not safe to share between
 * threads; processes forked after posture_inputs_preload() share it as is.
 */
typedef struct posture_inputs posture_inputs;

/** A new, empty store; the caller frees it with posture_inputs_destroy(). */
POSTURE_API int posture_inputs_create(posture_inputs **out);

/** Free a store and everything it holds.  NULL is allowed.  No scene keeps a reference. */
POSTURE_API void posture_inputs_destroy(posture_inputs *inputs);

/**
 * Drop from @p inputs every input that read @p path (a path as
 * posture_ctx_read_path() gives it: a file, or a folder ending in '/'), so
 * that the next build reads it again — what a live preview does when that
 * file changed.  Scenes built earlier are not affected.  NULL is allowed.
 */
POSTURE_API void posture_inputs_forget(posture_inputs *inputs, const char *path);

/**
 * With @p hold, each build through @p inputs holds its labels where the
 * last build of the same map (file, layout, theme, size and paper) put them,
 * as posture_map_keep_labels() does with an earlier render's map data: a live
 * preview whose labels do not jump at each save.  A map given its own file
 * with posture_map_keep_labels() keeps that one.  Off by default: then every
 * build places its labels as a fresh render would.
 */
POSTURE_API void posture_inputs_hold_labels(posture_inputs *inputs, bool hold);

/**
 * Read and validate what @p map needs (its layers and sources, and the base
 * geography) into @p inputs now, so that later builds find them there.
 * Problems are reported to @p ctx, as a build would report them.
 * @return POSTURE_OK, or the first error's code (nothing is kept for that input)
 */
POSTURE_API int posture_inputs_preload(posture_inputs *inputs, posture_ctx *ctx,
                                       const posture_map *map);

/**
 * posture_scene_build(), taking shared inputs from @p inputs (NULL: read
 * everything afresh) and adding to it what it had to read.
 */
POSTURE_API int posture_scene_build_with(posture_scene **out, posture_ctx *ctx,
                                         const posture_map *map, posture_inputs *inputs);

/**
 * The diff map: @p map drawn from @p data (the new version of the layers,
 * instead of the layers the map file names; its filter still applies) with
 * the changes of @p diff marked — added items ringed, removed ones as grey
 * ghosts where they were, moved ones with an arrow from their old position,
 * changed ones ringed dashed — and a legend of the marks naming the old
 * version as @p old_label ("HEAD~1").  Each mark's name says what changed,
 * old and new values, for the HTML tooltips.
 */
POSTURE_API int posture_scene_build_diff(posture_scene **out, posture_ctx *ctx,
                                         const posture_map *map, const posture_data *data,
                                         const posture_diff *diff, const char *old_label);

/** What label placement achieved in a scene. */
typedef struct {
	size_t labels;            /**< items to label (optional names such as countries excluded) */
	size_t placed;            /**< named: the name placed, overlapping nothing */
	size_t with_leader;       /**< named or keyed away from their symbol, with a leader line */
	size_t dropped;           /**< left out without the map saying so: always 0 */
	size_t overlaps;          /**< overlapping label pairs (always 0) */
	double mean_displacement; /**< pt from each symbol to its label box, over named and keyed */
	size_t keyed;             /**< shown with a numbered key, listed in the map's key panel */
	size_t unlabelled;        /**< shown without name or key; the map says how many */
	double cpu_seconds;       /**< CPU time label placement took */
} posture_label_stats;

/** Label placement figures of @p scene. */
POSTURE_API void posture_scene_label_stats(const posture_scene *scene, posture_label_stats *out);

/** Free a scene.  NULL is allowed. */
/**
 * The id of the @p index-th item (0, 1, …, in layer order) that @p scene
 * shows with neither its name nor a key, or NULL past the last.  Borrowed.
 * Items of layers too dense to label are not listed.
 */
POSTURE_API const char *posture_scene_unlabelled_id(const posture_scene *scene, size_t index);

POSTURE_API void posture_scene_destroy(posture_scene *scene);

/**
 * Write a scene to @p path in @p format, atomically: on failure an earlier
 * file at @p path is left untouched.
 * @param opts NULL for the defaults
 */
POSTURE_API int posture_scene_write(posture_ctx *ctx, const posture_scene *scene,
                                    const char *path, posture_format format,
                                    const posture_render_opts *opts);

/**
 * Write a scene to several files at once, all or nothing: every file is
 * written to a temporary beside it first, and only when all succeeded do
 * they replace their destinations.  On failure no destination is touched.
 * @param paths   @p n file names
 * @param formats their formats
 * @param opts    NULL for the defaults
 */
POSTURE_API int posture_scene_write_files(posture_ctx *ctx, const posture_scene *scene,
                                          size_t n, const char *const *paths,
                                          const posture_format *formats,
                                          const posture_render_opts *opts);

/**
 * Write a scene in @p format into memory: the bytes posture_scene_write()
 * would put in a file, for a program that sends them on at once (a live
 * preview's server) without a file and its flush to disk.
 * @param out  receives the bytes (malloc'd, the caller's to free(); NULL on failure)
 * @param len  receives their number
 * @param name what problems are reported against (such as "map.html")
 * @param opts NULL for the defaults
 * @return POSTURE_OK, POSTURE_ENOMEM, POSTURE_EUSAGE (invalid options or
 *         format), or what the format's writer reports (POSTURE_EDATA)
 */
POSTURE_API int posture_scene_write_buffer(char **out, size_t *len, posture_ctx *ctx,
                                           const posture_scene *scene, const char *name,
                                           posture_format format,
                                           const posture_render_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
