/*
 * topojson.h — decoding TopoJSON topologies (internal; never installed).
 *
 * A topology is decoded into absolute arcs (quantisation and delta encoding
 * undone) and the features of one named object, each a list of polygons whose
 * rings are lists of signed arc references (i, or ~i for arc i reversed).
 * Keeping the references, not just coordinates, is what makes dissolving
 * features and extracting shared borders exact: two features touch exactly
 * where they use the same arc.
 */
#ifndef POSTURE_SHAPES_TOPOJSON_H
#define POSTURE_SHAPES_TOPOJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/** Flags for pst_topo_load(). */
enum {
	PST_TOPO_REQUIRE_TRANSFORM = 1 /**< refuse a topology without "transform" */
};

typedef struct {
	double x, y; /* longitude, latitude (or whatever the topology holds) */
} pst_topo_pt;

/** One decoded arc: at least two absolute positions. */
typedef struct {
	pst_topo_pt *pts;
	size_t n;
} pst_topo_arc;

/** A ring or a line: signed arc references (i, or ~i = arc i reversed). */
typedef struct {
	int32_t *refs;
	size_t n;
} pst_topo_path;

/** A polygon: rings[0] is the exterior, the rest are holes. */
typedef struct {
	pst_topo_path *rings;
	size_t n;
} pst_topo_polygon;

/** One member of the object: a (multi)polygon with its id and name. */
typedef struct {
	char *id;   /* "id" as text (numbers are formatted), or NULL */
	char *name; /* properties.name, or NULL */
	pst_topo_polygon *polys;
	size_t npolys;
} pst_topo_feature;

typedef struct {
	char *path;       /* the file it came from, for diagnostics */
	bool quantized;   /* a transform was present */
	double scale[2];  /* transform.scale (1, 1 when not quantized) */
	double translate[2];
	pst_topo_arc *arcs;
	size_t narcs;
	pst_topo_feature *features;
	size_t nfeatures;
} pst_topology;

/** The lines two features share (a < b, as feature or owner indices). */
typedef struct {
	int a, b;
	pst_topo_path *lines; /* each a chain of connected arcs */
	size_t nlines;
} pst_topo_border;

/**
 * Read TopoJSON file @p path and decode its object @p object (a
 * GeometryCollection, Polygon or MultiPolygon).  Every problem is reported
 * as a diagnostic naming @p path; syntax errors carry line and column.
 */
int pst_topo_load(pst_topology **out, posture_ctx *ctx, const char *path,
                  const char *object, int flags);

/** As pst_topo_load(), from @p len bytes at @p data; @p name is used in diagnostics. */
int pst_topo_load_buffer(pst_topology **out, posture_ctx *ctx, const char *data,
                         size_t len, const char *name, const char *object, int flags);

void pst_topo_free(pst_topology *topo);

/** The arc a signed reference points to, and whether it is walked backwards. */
static inline size_t pst_topo_ref_arc(int32_t ref, bool *reversed)
{
	if (reversed)
		*reversed = ref < 0;
	return ref < 0 ? (size_t)~ref : (size_t)ref;
}

/**
 * Coordinates of a path: its arcs in order (reversed where the reference
 * says so), each joint written once.  *pts is malloc()ed.
 */
int pst_topo_path_points(const pst_topology *topo, const pst_topo_path *path,
                         pst_topo_pt **pts, size_t *n);

/**
 * Dissolve features: the rings of the union of features @p idx[0..n-1].
 * Arcs used by two of their polygons are interior and dropped; the rest are
 * chained into closed rings (*rings, *nrings; free with pst_topo_paths_free).
 */
int pst_topo_merge(const pst_topology *topo, posture_ctx *ctx, const size_t *idx,
                   size_t n, pst_topo_path **rings, size_t *nrings);

/**
 * Shared borders.  owner[i] is the owner of feature i (features with the
 * same owner are one area, so arcs between them are interior), or -1 to
 * ignore the feature.  An arc used by exactly two owners is a border
 * between them; each pair's arcs are chained into continuous lines.
 * Results are sorted by (a, b); free with pst_topo_borders_free().
 */
int pst_topo_borders(const pst_topology *topo, posture_ctx *ctx, const int *owner,
                     pst_topo_border **out, size_t *n);

void pst_topo_paths_free(pst_topo_path *paths, size_t n);
void pst_topo_borders_free(pst_topo_border *borders, size_t n);

#endif
