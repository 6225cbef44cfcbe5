/**
 * @file data.h
 * @brief Curated layers and their sources: loading, validation, listing.
 *
 * A posture_data holds every layer (bases, borders, incidents, places) and
 * the CSL-JSON source list, all validated: it is only handed out when no
 * error was found, so nothing downstream ever sees invalid data.  Every
 * problem is a diagnostic in the context, FILE:LINE:COLUMN pointing at the
 * member it is about.
 */
#ifndef POSTURE_DATA_H
#define POSTURE_DATA_H

#include <stdbool.h>
#include <stdio.h>

#include "posture/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct posture_data posture_data;

/** Options for loading and checking data. */
typedef struct {
	int version;               /**< POSTURE_CHECK_OPTS_VERSION */
	const char *documents_dir; /**< when set, every quote must appear in a .txt file here */
	const char *shapes_dir;    /**< base geography for place checks; NULL: DIR/../shapes */
} posture_check_opts;

#define POSTURE_CHECK_OPTS_VERSION 1
#define POSTURE_CHECK_OPTS_INIT { POSTURE_CHECK_OPTS_VERSION, NULL, NULL }

/**
 * Load and check every `*.geojson` layer and `sources.json` in @p dir.
 * @param out receives the data when there is no error (warnings allowed)
 * @return POSTURE_OK, POSTURE_EDATA (errors reported), POSTURE_EIO, POSTURE_ENOMEM
 */
POSTURE_API int posture_data_load_dir(posture_data **out, posture_ctx *ctx, const char *dir,
                                      const posture_check_opts *opts);

/**
 * Load and check the given layer files and source list (NULL: no sources;
 * then every citation is an error), with base geography from @p opts->shapes_dir.
 */
POSTURE_API int posture_data_load(posture_data **out, posture_ctx *ctx, const char *sources,
                                  const char *const *layers, size_t n_layers,
                                  const posture_check_opts *opts);

/** Free loaded data.  NULL is allowed. */
POSTURE_API void posture_data_destroy(posture_data *data);

/**
 * Which items a map, a listing or an export keeps.  Every criterion left
 * unset keeps everything; set ones all apply:
 *  - "from", "to": dates YYYY[-MM[-DD]]; a dated item is kept when its date or
 *    interval overlaps [from, to]; undated incidents are kept unless "undated" is
 *    "no" (the other layers have no dates, and dates do not filter them);
 *  - "only", "hide": comma lists of layers (a layer file's name, or its type:
 *    bases, borders, incidents, places) to keep, or to leave out;
 *  - "kinds": comma list of kinds to keep (the reference layer places is kept
 *    whole unless a place kind is listed);
 *  - "countries": comma list of ISO alpha-3 codes; an item is kept when its
 *    country (for a border segment, either of its two) is listed.
 */
typedef struct posture_filter posture_filter;

/** A filter that keeps everything; the caller frees it with posture_filter_destroy(). */
POSTURE_API int posture_filter_create(posture_filter **out);

/** Free a filter.  NULL is allowed. */
POSTURE_API void posture_filter_destroy(posture_filter *filter);

/**
 * Set criterion @p key ("from", "to", "undated", "only", "hide", "kinds",
 * "countries") to @p value, replacing an earlier value.  Errors name
 * @p origin (such as "--from"), which is copied.
 * @return POSTURE_OK, POSTURE_EUSAGE (unknown key or invalid value), POSTURE_ENOMEM
 */
POSTURE_API int posture_filter_set(posture_filter *filter, posture_ctx *ctx, const char *origin,
                                   const char *key, const char *value);

/** True when the filter leaves something out (some criterion is set). */
POSTURE_API bool posture_filter_is_set(const posture_filter *filter);

/**
 * The items of @p data that @p filter keeps, as a new posture_data that
 * borrows from @p data (destroy it before @p data).  A layer or kind the
 * filter names that does not exist is an error suggesting the nearest name.
 * @param filter NULL keeps everything
 * @return POSTURE_OK, POSTURE_EUSAGE (unknown layer or kind), POSTURE_ENOMEM
 */
POSTURE_API int posture_data_filter(posture_data **out, posture_ctx *ctx, const posture_data *data,
                                    const posture_filter *filter);

/**
 * What changed between two versions of the layers: items added, removed,
 * moved (with the distance) and changed (which properties, which citations),
 * matched by id.  Borrows from both versions, which must outlive it.
 */
typedef struct posture_diff posture_diff;

/** Output formats of posture_diff_print(). */
typedef enum {
	POSTURE_DIFF_TEXT, /**< one line per item: added|removed|moved|changed LAYER/ID "NAME" … */
	POSTURE_DIFF_JSON  /**< {"equal": bool, "changes": [{change, layer, id, name, old, new, …}]} */
} posture_diff_format;

/**
 * Compare @p old with @p cur.
 * @param out receives the changes, owned by the caller (posture_diff_destroy)
 * @return POSTURE_OK, POSTURE_ENOMEM
 */
POSTURE_API int posture_diff_compute(posture_diff **out, posture_ctx *ctx, const posture_data *old,
                                     const posture_data *cur);

/** Number of items that differ (0: the versions are equal). */
POSTURE_API size_t posture_diff_count(const posture_diff *diff);

/** Print the changes to @p out.  @return POSTURE_OK, POSTURE_EIO, POSTURE_ENOMEM */
POSTURE_API int posture_diff_print(posture_ctx *ctx, const posture_diff *diff, FILE *out,
                                   posture_diff_format format);

/** Free a diff.  NULL is allowed. */
POSTURE_API void posture_diff_destroy(posture_diff *diff);

/**
 * Exports of the layers with their citations resolved to text (README
 * "Exports").  Each is written atomically: a failed export leaves earlier
 * files untouched.
 * @return POSTURE_OK, POSTURE_EIO, POSTURE_ENOMEM (and POSTURE_EUSAGE for a
 *         shapefile name not ending in .shp)
 */
/** GeoJSON (RFC 7946): one FeatureCollection, citations with title, author, date, container, url, doi. */
POSTURE_API int posture_data_export_geojson(posture_ctx *ctx, const posture_data *data,
                                            const char *path);
/** CSV (RFC 4180): one row per item, citations as one readable column plus source ids. */
POSTURE_API int posture_data_export_csv(posture_ctx *ctx, const posture_data *data,
                                        const char *path);
/** ESRI shapefiles through shapelib: NAME-points and, when lines exist, NAME-lines for NAME.shp. */
POSTURE_API int posture_data_export_shapefile(posture_ctx *ctx, const posture_data *data,
                                              const char *path);

/** Output formats of posture_data_list(). */
typedef enum {
	POSTURE_LIST_TEXT, /**< an aligned table for people */
	POSTURE_LIST_CSV,  /**< RFC 4180 CSV with a header row */
	POSTURE_LIST_JSON  /**< a JSON array of items */
} posture_list_format;

/**
 * Print every item (of layer @p layer, or all when NULL) with kind, date,
 * position, precision and its citations resolved to text.
 * @return POSTURE_OK, POSTURE_EUSAGE (no such layer), POSTURE_EIO
 */
POSTURE_API int posture_data_list(posture_ctx *ctx, const posture_data *data, FILE *out,
                                  const char *layer, posture_list_format format);

/**
 * Export every layer of @p data to one GeoPackage at @p path: a feature
 * table per layer (named as the layer, '-' written '_'), the citations in
 * the table posture_citations (layers/README.md, "GeoPackage").  Written
 * atomically: a failed export leaves an earlier file untouched.
 * @return POSTURE_OK, POSTURE_EIO, POSTURE_EDATA (two layers map to one table),
 *         POSTURE_ENOMEM
 */
POSTURE_API int posture_data_export_gpkg(posture_ctx *ctx, const posture_data *data,
                                         const char *path);

/**
 * Load the layers of @p data into PostgreSQL/PostGIS, in one transaction
 * (all or nothing).  @p target is "pg:" (a table per layer, named as the
 * layer with '-' written '_') or "pg:TABLE" (every layer of the type TABLE's
 * name starts with, into TABLE).  The connection is libpq's default: the
 * PGSERVICE, PGHOST, PGPORT, PGDATABASE, PGUSER variables and ~/.pgpass.
 * Citations go to the table posture_citations (layers/README.md, "PostGIS").
 * An existing table is an error unless @p replace.
 * @return POSTURE_OK, POSTURE_EIO (connection, SQL or existing table),
 *         POSTURE_EUSAGE (bad target), POSTURE_ENOMEM
 */
POSTURE_API int posture_data_export_pg(posture_ctx *ctx, const posture_data *data,
                                       const char *target, bool replace);

#ifdef __cplusplus
}
#endif
#endif
