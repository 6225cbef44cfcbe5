/*
 * fuzz_theme.c — libFuzzer target: a theme (maps/themes/NAME.ini), loaded
 * with pst_theme_load as a map naming `theme = fuzz` would.
 */
#include "scene/style.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_write("maps/themes/fuzz.ini", data, size);
	const char *map = fuzz_write_text("maps/map.ini", "");
	posture_ctx *ctx;
	if (posture_ctx_create(&ctx) != POSTURE_OK)
		return 0;
	pst_where at = { map, 1, 1 };
	pst_theme *theme = NULL;
	pst_theme_load(&theme, ctx, "fuzz", map, &at, NULL, 0);
	pst_theme_destroy(theme);
	posture_ctx_destroy(ctx);
	return 0;
}
