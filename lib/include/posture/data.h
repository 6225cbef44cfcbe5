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

#ifdef __cplusplus
}
#endif
#endif
