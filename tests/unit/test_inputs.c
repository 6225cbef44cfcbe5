/*
 * test_inputs.c — what a live preview relies on (issue 14): a build reports
 * every path it read or looked for (posture_ctx_read_path), also when it
 * borrows its inputs from a store; a store keeps serving what it read until
 * posture_inputs_forget() names a file the input read, and then reads it
 * again; what it remembers between builds changes nothing drawn.  On a copy of the default map's layers, edited by
 * tests/tools/edit-layer.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "posture/posture.h"

static char tmpdir[] = "/tmp/posture-inputs-XXXXXX";
static char map_path[600];

static int set_up(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "cp -r '%s/maps' '%s/layers' '%s/' && sed -i 's|^shapes *=.*|shapes = %s/shapes|' "
	         "'%s/maps/central-asia.ini'", POSTURE_SOURCE_DIR, POSTURE_SOURCE_DIR, tmpdir,
	         POSTURE_SOURCE_DIR, tmpdir);
	snprintf(map_path, sizeof(map_path), "%s/maps/central-asia.ini", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int tear_down(void **state)
{
	(void)state;
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static bool read_path(const posture_ctx *ctx, const char *tail)
{
	size_t n = strlen(tail);
	for (size_t i = 0; i < posture_ctx_read_count(ctx); i++) {
		const char *p = posture_ctx_read_path(ctx, i);
		if (strlen(p) >= n && !strcmp(p + strlen(p) - n, tail))
			return true;
	}
	return false;
}

/* The page of a build of the map with @p inputs, as text; its paths into @p ctx. */
static char *build_html(posture_ctx *ctx, posture_inputs *inputs, const char *live)
{
	posture_render_opts opts = POSTURE_RENDER_OPTS_INIT;
	opts.live_events = live;
	posture_map *map = NULL;
	posture_scene *scene = NULL;
	char out[700];
	snprintf(out, sizeof(out), "%s/map.html", tmpdir);
	assert_int_equal(posture_map_load(&map, ctx, map_path), POSTURE_OK);
	assert_int_equal(posture_scene_build_with(&scene, ctx, map, inputs), POSTURE_OK);
	assert_int_equal(posture_scene_write(ctx, scene, out, POSTURE_FORMAT_HTML, &opts), POSTURE_OK);
	posture_scene_destroy(scene);
	posture_map_destroy(map);
	FILE *fp = fopen(out, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long len = ftell(fp);
	rewind(fp);
	char *text = calloc((size_t)len + 1, 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	return text;
}

static void edit(const char *what)
{
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "python3 '%s/tests/tools/edit-layer.py' rename '%s' '%s/layers/incidents.geojson'",
	         POSTURE_SOURCE_DIR, what, tmpdir);
	assert_int_equal(system(cmd), 0);
}

static void test_inputs_reads_listed_also_when_borrowed(void **state)
{
	(void)state;
	posture_inputs *inputs;
	assert_int_equal(posture_inputs_create(&inputs), POSTURE_OK);
	for (int round = 0; round < 2; round++) { /* read, then borrowed from the store */
		posture_ctx *ctx;
		assert_int_equal(posture_ctx_create(&ctx), POSTURE_OK);
		free(build_html(ctx, inputs, NULL));
		assert_true(read_path(ctx, "maps/central-asia.ini"));
		assert_true(read_path(ctx, "/layers/"));            /* the folder it listed */
		assert_true(read_path(ctx, "layers/incidents.geojson"));
		assert_true(read_path(ctx, "layers/sources.json"));
		assert_true(read_path(ctx, "shapes/countries.shp"));
		assert_true(read_path(ctx, "shapes/rivers.dbf"));
		assert_null(posture_ctx_read_path(ctx, posture_ctx_read_count(ctx)));
		posture_ctx_destroy(ctx);
	}
	posture_inputs_destroy(inputs);
}

static void test_inputs_forget_reads_again(void **state)
{
	(void)state;
	posture_inputs *inputs;
	posture_ctx *ctx;
	assert_int_equal(posture_inputs_create(&inputs), POSTURE_OK);
	assert_int_equal(posture_ctx_create(&ctx), POSTURE_OK);
	char *html = build_html(ctx, inputs, NULL);
	assert_null(strstr(html, "Unit test drill"));
	free(html);
	const char *incidents = NULL;
	for (size_t i = 0; i < posture_ctx_read_count(ctx); i++)
		if (strstr(posture_ctx_read_path(ctx, i), "incidents.geojson"))
			incidents = posture_ctx_read_path(ctx, i);
	assert_non_null(incidents);

	edit("name=Unit test drill");
	posture_ctx *again;
	assert_int_equal(posture_ctx_create(&again), POSTURE_OK);
	html = build_html(again, inputs, NULL);
	assert_null(strstr(html, "Unit test drill")); /* the store still lends what it read */
	free(html);
	posture_ctx_destroy(again);

	posture_inputs_forget(inputs, incidents);
	posture_inputs_forget(inputs, "no/such/file.geojson"); /* forgets nothing */
	assert_int_equal(posture_ctx_create(&again), POSTURE_OK);
	html = build_html(again, inputs, NULL);
	assert_non_null(strstr(html, "Unit test drill"));
	free(html);
	posture_ctx_destroy(again);
	posture_ctx_destroy(ctx);
	posture_inputs_forget(NULL, "x"); /* NULL store allowed */
	posture_inputs_destroy(inputs);
}

static void test_inputs_live_page_only_when_asked(void **state)
{
	(void)state;
	posture_ctx *ctx;
	assert_int_equal(posture_ctx_create(&ctx), POSTURE_OK);
	char *plain = build_html(ctx, NULL, NULL);
	assert_null(strstr(plain, "pst-live"));
	assert_null(strstr(plain, "connect-src"));
	assert_non_null(strstr(plain, "default-src 'none'"));
	free(plain);
	char *live = build_html(ctx, NULL, "/events?since=3&x=\"<");
	assert_non_null(strstr(live, "<div id=\"pst-live\" role=\"alert\" hidden "
	                             "data-events=\"/events?since=3&amp;x=&quot;&lt;\"></div>"));
	assert_non_null(strstr(live, "; connect-src 'self'"));
	assert_non_null(strstr(live, "new EventSource("));
	free(live);
	posture_ctx_destroy(ctx);
}

/* What the store remembers between builds (the country names' places) changes nothing drawn. */
static void test_inputs_remembered_results_draw_the_same(void **state)
{
	(void)state;
	posture_ctx *ctx;
	posture_inputs *inputs;
	assert_int_equal(posture_ctx_create(&ctx), POSTURE_OK);
	assert_int_equal(posture_inputs_create(&inputs), POSTURE_OK);
	char *fresh = build_html(ctx, NULL, NULL);
	char *first = build_html(ctx, inputs, NULL);
	char *again = build_html(ctx, inputs, NULL);
	assert_non_null(strstr(fresh, "id=\"name-"));
	assert_string_equal(first, fresh);
	assert_string_equal(again, fresh);
	free(fresh);
	free(first);
	free(again);
	posture_inputs_destroy(inputs);
	posture_ctx_destroy(ctx);
}

/* The whole of file @p path, its length in *len. */
static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	rewind(fp);
	char *text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return text;
}

/* What serve sends (a scene written in memory) is byte for byte the file render writes. */
static void test_inputs_page_in_memory_is_the_file(void **state)
{
	(void)state;
	static const posture_format formats[] = { POSTURE_FORMAT_HTML, POSTURE_FORMAT_SVG,
		                                  POSTURE_FORMAT_PNG, POSTURE_FORMAT_JSON };
	posture_ctx *ctx;
	posture_map *map = NULL;
	posture_scene *scene = NULL;
	assert_int_equal(posture_ctx_create(&ctx), POSTURE_OK);
	assert_int_equal(posture_map_load(&map, ctx, map_path), POSTURE_OK);
	assert_int_equal(posture_scene_build(&scene, ctx, map), POSTURE_OK);
	posture_render_opts opts = POSTURE_RENDER_OPTS_INIT;
	opts.live_events = "/events?since=1";
	for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
		char out[700], *data = NULL, *file;
		size_t len = 0, file_len;
		snprintf(out, sizeof(out), "%s/map.%s", tmpdir, posture_format_extension(formats[f]));
		assert_int_equal(posture_scene_write(ctx, scene, out, formats[f], &opts), POSTURE_OK);
		assert_int_equal(posture_scene_write_buffer(&data, &len, ctx, scene, "map", formats[f], &opts),
		                 POSTURE_OK);
		file = slurp(out, &file_len);
		assert_true(len > 1000);
		assert_int_equal(len, file_len);
		assert_memory_equal(data, file, len);
		free(data);
		free(file);
	}
	/* invalid options: an error, nothing given back */
	char *data = (char *)"x";
	size_t len = 1;
	opts.scale = 100;
	assert_int_equal(posture_scene_write_buffer(&data, &len, ctx, scene, "map", POSTURE_FORMAT_PNG, &opts),
	                 POSTURE_EUSAGE);
	assert_null(data);
	assert_int_equal(len, 0);
	posture_scene_destroy(scene);
	posture_map_destroy(map);
	posture_ctx_destroy(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inputs_reads_listed_also_when_borrowed),
		cmocka_unit_test(test_inputs_forget_reads_again),
		cmocka_unit_test(test_inputs_live_page_only_when_asked),
		cmocka_unit_test(test_inputs_remembered_results_draw_the_same),
		cmocka_unit_test(test_inputs_page_in_memory_is_the_file),
	};
	return cmocka_run_group_tests(tests, set_up, tear_down);
}
