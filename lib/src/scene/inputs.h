/*
 * inputs.h — how a build gets its data and shapefiles: from the run's shared
 * store (posture_inputs, see inputs.c) when there is one, else read afresh.
 */
#ifndef POSTURE_INPUTS_H
#define POSTURE_INPUTS_H

#include "layers/layer.h"
#include "mapdef/mapdef.h"
#include "shapes/shapefile.h"

/**
 * The validated layers and sources of map @p m.  *out is borrowed from
 * @p in, or, when @p in is NULL, read for this build and also handed back in
 * *owned (the caller's, to destroy).
 */
int pst_inputs_data(const posture_data **out, posture_data **owned, posture_ctx *ctx,
                    posture_inputs *in, const posture_map *m);

/**
 * What the PostGIS layers of map @p m read: its [postgis] settings, the
 * [filter] dates (with the map's date as the end), and a lon/lat envelope
 * sure to hold every point inside the map's frame (pst_map_geo_envelope).
 */
int pst_map_pg_scope(pst_pg_scope *out, posture_ctx *ctx, const posture_map *m);

/** The checked shapefile @p dir/@p name; give it back with pst_inputs_release_shapefile(). */
int pst_inputs_shapefile(pst_shapefile **out, posture_ctx *ctx, posture_inputs *in,
                         const char *dir, const char *name, int type);

/**
 * A number that names this reading of shapefile @p sf in @p in (a file read
 * again after a change gets another); 0 when @p sf is not in the store.
 */
unsigned long pst_inputs_shapefile_serial(const posture_inputs *in, const pst_shapefile *sf);

/** Done with a shapefile from pst_inputs_shapefile() (closes it when it was not shared). */
void pst_inputs_release_shapefile(posture_inputs *in, pst_shapefile *sf);

/**
 * The value remembered under @p kind and @p key (@p key_len bytes: all the
 * bytes the value was computed from), its size in *value_len; NULL when none
 * or when @p in is NULL.  Borrowed until the next pst_inputs_memo_put().
 */
const void *pst_inputs_memo_get(const posture_inputs *in, const char *kind, const void *key,
                                size_t key_len, size_t *value_len);

/**
 * A number no earlier call on @p in gave (1, 2, …): a short name for a large
 * key, remembered as its value (reuse.c names the obstacles of label
 * placement so).
 */
unsigned long pst_inputs_serial(posture_inputs *in);

/** Remember @p value under @p kind and @p key (copies both; nothing when @p in is NULL). */
void pst_inputs_memo_put(posture_inputs *in, const char *kind, const void *key, size_t key_len,
                         const void *value, size_t value_len);

/** Whether builds through @p in hold their labels (posture_inputs_hold_labels). */
bool pst_inputs_holds_labels(const posture_inputs *in);

#endif
