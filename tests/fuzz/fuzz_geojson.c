/*
 * fuzz_geojson.c — libFuzzer target: a curated GeoJSON layer.
 *
 * The first byte picks the layer (bases, borders, incidents, places: each has
 * its own rules); the rest is the file, loaded with a small valid
 * sources.json through posture_data_load, the path the validator and the
 * renderer take.
 */
#include "posture/data.h"

#include "fuzz_common.h"

static const char sources[] =
	"[{\"id\": \"rferl-2014\", \"type\": \"post-weblog\", \"title\": \"T\"},\n"
	" {\"id\": \"afp-2019\", \"type\": \"article-newspaper\", \"title\": \"U\"}]\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "bases.geojson", "borders.geojson",
		                             "incidents.geojson", "places.geojson" };
	if (size < 1)
		return 0;
	const char *src = fuzz_write_text("sources.json", sources);
	const char *layer = fuzz_write(names[data[0] & 3], data + 1, size - 1);
	posture_ctx *ctx;
	if (posture_ctx_create(&ctx) != POSTURE_OK)
		return 0;
	posture_data *d = NULL;
	posture_data_load(&d, ctx, src, &layer, 1, NULL);
	posture_data_destroy(d);
	posture_ctx_destroy(ctx);
	return 0;
}
