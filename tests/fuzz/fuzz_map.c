/*
 * fuzz_map.c — libFuzzer target: a map definition (INI), loaded with
 * posture_map_load — the safe line checks in mapdef/ini.c, inih, and every
 * key's parser (extent, size, projection, outputs, paths).
 */
#include "posture/map.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("maps/fuzz.ini", data, size);
	posture_ctx *ctx;
	if (posture_ctx_create(&ctx) != POSTURE_OK)
		return 0;
	posture_map *map = NULL;
	posture_map_load(&map, ctx, path);
	posture_map_destroy(map);
	posture_ctx_destroy(ctx);
	return 0;
}
