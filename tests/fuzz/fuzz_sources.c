/*
 * fuzz_sources.c — libFuzzer target: the CSL-JSON source list, loaded alone
 * through posture_data_load as `posture check` does.
 */
#include "posture/data.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = fuzz_write("sources.json", data, size);
	posture_ctx *ctx;
	if (posture_ctx_create(&ctx) != POSTURE_OK)
		return 0;
	posture_data *d = NULL;
	posture_data_load(&d, ctx, src, NULL, 0, NULL);
	posture_data_destroy(d);
	posture_ctx_destroy(ctx);
	return 0;
}
