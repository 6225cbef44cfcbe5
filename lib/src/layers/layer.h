/*
 * layer.h — curated GeoJSON layers and their CSL-JSON sources.
 *
 * This is the part of the layers module the renderer needs: features with an
 * id, a name, a kind, a point position and the ids of the sources they cite.
 * Every cited id must exist in sources.json.
 */
#ifndef POSTURE_LAYER_H
#define POSTURE_LAYER_H

#include "internal.h"

typedef struct {
	char *id;       /* stable kebab-case id, unique in the layer */
	char *name;     /* the label */
	char *kind;     /* vocabulary word: "air-base", "military-base", … */
	bool has_point; /* geometry is a Point (false: null or not a point) */
	double lon;     /* degrees east */
	double lat;     /* degrees north */
	size_t n_sources; /* citations the feature carries */
} pst_feature;

typedef struct {
	char *path;     /* the .geojson file */
	char *name;     /* layer name: file name without directory and extension */
	pst_feature *features;
	size_t n_features;
} pst_layer;

typedef struct {
	char *path;     /* sources.json */
	char **ids;     /* ids of the CSL-JSON entries, in file order */
	size_t n_ids;
} pst_sources;

/** Read a CSL-JSON array of entries; each needs a unique string `id`. */
int pst_sources_load(pst_sources **out, posture_ctx *ctx, const char *path);
void pst_sources_destroy(pst_sources *s);

/**
 * Read a GeoJSON FeatureCollection.  Each feature needs `id`, `name`, `kind`
 * and, when @p sources is given, a non-empty `sources` array whose ids are in
 * it.  Every problem found is reported; the layer is returned only if none.
 */
int pst_layer_load(pst_layer **out, posture_ctx *ctx, const char *path,
                   const pst_sources *sources);
void pst_layer_destroy(pst_layer *l);

/**
 * Parse a JSON file with jansson, reporting syntax errors as FILE:LINE:COLUMN.
 * Duplicate keys are an error.
 */
int pst_json_load(void **out_json, posture_ctx *ctx, const char *path);

#endif
