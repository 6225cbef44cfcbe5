/*
 * diff.h — the changes between two versions of the layers, inside the
 * library (diff.c computes them; the scene draws them on a map).
 */
#ifndef POSTURE_DIFF_H
#define POSTURE_DIFF_H

#include <jansson.h>
#include <stddef.h>

#include "layer.h"

typedef enum { PST_CHANGE_ADDED, PST_CHANGE_REMOVED, PST_CHANGE_MOVED, PST_CHANGE_CHANGED } pst_change_kind;
typedef enum { PST_CITE_ADDED, PST_CITE_REMOVED, PST_CITE_CHANGED } pst_cite_change_kind;

typedef struct {
	pst_cite_change_kind kind;
	const pst_citation *old;  /* NULL when added */
	const pst_citation *new_; /* NULL when removed */
} pst_cite_change;

#define PST_DIFF_MAX_PROPS 16

typedef struct {
	pst_change_kind kind;     /* moved items may have changed properties too */
	const char *layer;        /* the layer's name in the version shown (new, else old) */
	const pst_feature *old;   /* NULL when added; borrowed */
	const pst_feature *new_;  /* NULL when removed; borrowed */
	double distance_km;       /* moved: geodesic distance from the old point */
	const char *props[PST_DIFF_MAX_PROPS]; /* names of the properties that differ */
	size_t n_props;
	pst_cite_change *cites;   /* citations added, removed, or with another quote */
	size_t n_cites, cap_cites;
} pst_change;

struct posture_diff {
	const posture_data *old, *cur; /* the versions compared, borrowed */
	pst_change *changes;           /* new version's order, then removed items */
	size_t n, cap;
};

/** "added", "removed", "moved" or "changed". */
const char *pst_change_word(pst_change_kind k);

#endif
