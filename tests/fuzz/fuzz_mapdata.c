/*
 * fuzz_mapdata.c — libFuzzer target: the map data of an earlier render, read
 * back for `posture render --keep-labels` (posture_map_keep_labels), twice
 * (the second read replaces the first) into one map.
 */
#include "posture/map.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char ini[] = "[map]\nextent = 60, 30, 70, 40\n[data]\nshapes = .\n";
	const char *map_path = fuzz_write("map.ini", (const uint8_t *)ini, sizeof(ini) - 1);
	posture_ctx *ctx;
	if (posture_ctx_create(&ctx) != POSTURE_OK)
		return 0;
	posture_map *map = NULL;
	if (posture_map_load(&map, ctx, map_path) == POSTURE_OK) {
		const char *path = fuzz_write("map.json", data, size);
		posture_map_keep_labels(map, ctx, path);
		posture_map_keep_labels(map, ctx, path);
	}
	posture_map_destroy(map);
	posture_ctx_destroy(ctx);
	return 0;
}
