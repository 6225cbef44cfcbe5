/*
 * fuzz_topojson.c — libFuzzer target: the TopoJSON importer behind
 * posture-topo2shp, from memory: decoding (pst_topo_load_buffer), then what
 * the importer does with a topology — every feature's rings dissolved,
 * shared borders between features, and the points of each border line.
 */
#include "shapes/topojson.h"

#include "fuzz_common.h"

static void use_topology(posture_ctx *ctx, const pst_topology *t)
{
	size_t n = t->nfeatures;
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx));
	int *owner = malloc((n ? n : 1) * sizeof(*owner));
	for (size_t i = 0; idx && owner && i < n; i++) {
		idx[i] = i;
		owner[i] = (int)(i % 7);
	}
	pst_topo_path *rings = NULL;
	size_t n_rings = 0;
	if (idx && owner && pst_topo_merge(t, ctx, idx, n, &rings, &n_rings) == POSTURE_OK)
		pst_topo_paths_free(rings, n_rings);
	pst_topo_border *borders = NULL;
	size_t n_borders = 0;
	if (idx && owner && pst_topo_borders(t, ctx, owner, &borders, &n_borders) == POSTURE_OK) {
		for (size_t i = 0; i < n_borders; i++) {
			for (size_t k = 0; k < borders[i].nlines; k++) {
				pst_topo_pt *pts = NULL;
				size_t np = 0;
				if (pst_topo_path_points(t, &borders[i].lines[k], &pts, &np) == POSTURE_OK)
					free(pts);
			}
		}
		pst_topo_borders_free(borders, n_borders);
	}
	free(idx);
	free(owner);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	posture_ctx *ctx;
	if (posture_ctx_create(&ctx) != POSTURE_OK)
		return 0;
	pst_topology *t = NULL;
	int flags = size && data[size - 1] == '\n' ? PST_TOPO_REQUIRE_TRANSFORM : 0;
	if (pst_topo_load_buffer(&t, ctx, (const char *)data, size, "fuzz.json", "countries",
	                         flags) == POSTURE_OK)
		use_topology(ctx, t);
	pst_topo_free(t);
	posture_ctx_destroy(ctx);
	return 0;
}
