/*
 * test_mapdef.c — map files: good files load, every kind of mistake is
 * reported at its FILE:LINE:COLUMN with a message a person understands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mapdef/mapdef.h"

static char tmpdir[] = "/tmp/posture-mapdef-XXXXXX";

static char *write_map(const char *name, const char *text, size_t len)
{
	char *path = pst_asprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	fwrite(text, 1, len, f);
	fclose(f);
	return path;
}

/* Load @p text; return the first diagnostic formatted, or "" when it loaded. */
static char *load_text(const char *text, size_t len, posture_map **out)
{
	static char line[1024];
	char *path = write_map("m.ini", text, len);
	posture_ctx *ctx;
	posture_ctx_create(&ctx);
	posture_map *m = NULL;
	int rc = posture_map_load(&m, ctx, path);
	line[0] = '\0';
	if (posture_ctx_diag_count(ctx))
		posture_diag_format(line, sizeof(line), posture_ctx_diag(ctx, 0));
	assert_true((rc == POSTURE_OK) == (m != NULL));
	if (out)
		*out = m;
	else
		posture_map_destroy(m);
	posture_ctx_destroy(ctx);
	unlink(path);
	free(path);
	/* Strip the temporary directory for stable comparisons. */
	size_t n = strlen(tmpdir);
	if (!strncmp(line, tmpdir, n))
		memmove(line, line + n + 1, strlen(line + n + 1) + 1);
	return line;
}

static char *load(const char *text, posture_map **out)
{
	return load_text(text, strlen(text), out);
}

static const char good[] =
	"# comment\n"
	"[map]\n"
	"title      = Russia's footprint\n"
	"extent     = 52, 34, 80, 46        ; lon_min, lat_min, lon_max, lat_max\n"
	"size       = 2000x1400\n"
	"outputs    = png, pdf, svg\n"
	"\n"
	"[data]\n"
	"shapes  = ../shapes                ; relative to this file\n"
	"layers  = ../layers/bases.geojson, /abs/places.geojson\n";

static void test_mapdef_loads_good_file(void **state)
{
	(void)state;
	posture_map *m;
	assert_string_equal(load(good, &m), "");
	assert_non_null(m);
	assert_string_equal(m->title, "Russia's footprint");
	assert_true(m->extent[0] == 52 && m->extent[1] == 34 && m->extent[2] == 80 &&
	            m->extent[3] == 46);
	assert_true(m->width == 2000 && m->height == 1400);
	assert_int_equal(m->n_outputs, 3);
	assert_int_equal(m->outputs[1], POSTURE_FORMAT_PDF);
	char *shapes = pst_asprintf("%s/../shapes", tmpdir);
	assert_string_equal(m->shapes_dir, shapes);
	free(shapes);
	assert_int_equal(m->n_layers, 2);
	assert_string_equal(m->layers[1], "/abs/places.geojson");
	assert_string_equal(m->projection, "auto");
	assert_string_equal(posture_map_name(m), "m");
	posture_map_destroy(m);
}

static void test_mapdef_unknown_key_suggests(void **state)
{
	(void)state;
	assert_string_equal(load("[map]\nextent = 1,2,3,4\nsubtitel = x\n[data]\nshapes=s\n", NULL),
	                    "m.ini:3:1: error: unknown key 'subtitel' in [map]; did you mean "
	                    "'subtitle'?");
	assert_string_equal(load("[mapp]\nextent = 1,2,3,4\n", NULL),
	                    "m.ini:1:1: error: unknown section [mapp]; did you mean [map]?");
}

static void test_mapdef_bad_values_point_at_value(void **state)
{
	(void)state;
	assert_string_equal(load("[map]\nextent = 52, 46, 80, 34\n", NULL),
	                    "m.ini:2:10: error: extent '52, 46, 80, 34' is empty or inverted: "
	                    "lon_min must be below lon_max and lat_min below lat_max");
	assert_string_equal(load("[map]\nextent = 170, -10, -170, 10\n", NULL),
	                    "m.ini:2:10: error: extent '170, -10, -170, 10' has lon_min above "
	                    "lon_max: maps across the 180th meridian are not supported");
	assert_string_equal(load("[map]\nsize = 2000x1400.5\n", NULL),
	                    "m.ini:2:8: error: size wants WIDTHxHEIGHT in whole points (like "
	                    "2000x1400), not '2000x1400.5'");
	assert_string_equal(load("[map]\nextent   = 52, 34, 80\n", NULL),
	                    "m.ini:2:12: error: extent wants four numbers 'lon_min, lat_min, "
	                    "lon_max, lat_max', not '52, 34, 80'");
	assert_string_equal(load("[map]\nextent = 0, 0, 200, 10\n", NULL),
	                    "m.ini:2:10: error: extent '0, 0, 200, 10' is outside -180..180 degrees "
	                    "of longitude or -90..90 of latitude");
	assert_string_equal(load("[map]\nsize = 20000x100\n", NULL),
	                    "m.ini:2:8: error: size '20000x100' is out of range: each side must be "
	                    "16 to 16384 points");
	assert_string_equal(load("[map]\ntheme = Article!\n", NULL),
	                    "m.ini:2:9: error: theme 'Article!' is not a theme name (like article, "
	                    "print, dark)");
	assert_string_equal(load("[map]\noutputs = png, gif\n", NULL),
	                    "m.ini:2:11: error: output 'gif' is not known (choose png, pdf, svg, html, json)");
}

static void test_mapdef_duplicate_and_missing(void **state)
{
	(void)state;
	assert_string_equal(load("[map]\nextent = 1,2,3,4\nextent = 1,2,3,5\n", NULL),
	                    "m.ini:3:1: error: 'extent' is set twice in [map] (first on line 2)");
	assert_string_equal(load("[map]\ntitle = x\n[data]\nshapes = s\n", NULL),
	                    "m.ini: error: the map has no 'extent' in [map]");
	assert_string_equal(load("[map\nextent = 1,2,3,4\n", NULL),
	                    "m.ini:1:1: error: section header is missing its ']'");
	assert_string_equal(load("[map]\njust some words\n", NULL),
	                    "m.ini:2:1: error: expected 'key = value', '[section]' or a comment");
	assert_string_equal(load("[map]\ntitle: x\n", NULL),
	                    "m.ini:2:6: error: use 'key = value' (with '='), not ':'");
	assert_string_equal(load("[map]\nextent = 1,2,3,4\n[map]\ntitle = x\n", NULL),
	                    "m.ini:3:1: error: section [map] appears twice (first on line 1)");
	assert_string_equal(load("[data]\ntitle = x\n", NULL),
	                    "m.ini:2:1: error: 'title' belongs in [map], not [data]");
	assert_string_equal(load("[map]\n= x\n", NULL),
	                    "m.ini:2:1: error: a key name is missing before '='");
}

static void test_mapdef_line_checks(void **state)
{
	(void)state;
	char longline[400] = "[map]\ntitle = ";
	memset(longline + strlen(longline), 'x', 250);
	assert_string_equal(load(longline, NULL),
	                    "m.ini:2:200: error: line is 258 bytes long; map files allow at most "
	                    "199 per line");
	assert_string_equal(load("[map]\ntitle = a\n  continued\n", NULL),
	                    "m.ini:3:1: error: indented line would be joined to the value above; "
	                    "remove the indentation or put the value on one line");
	assert_string_equal(load("[map]\ntitle = Qu\xe9 bec\n", NULL),
	                    "m.ini:2:11: error: invalid UTF-8 byte 0xE9 (save the file as UTF-8)");
	assert_string_equal(load_text("[map]\ntitle = a\0b\n", 18, NULL),
	                    "m.ini:2:10: error: NUL byte in the file (is it a text file?)");
	/* A byte-order mark and CRLF line ends are fine. */
	posture_map *m;
	assert_string_equal(load("\xEF\xBB\xBF[map]\r\nextent = 1,2,3,4\r\n[data]\r\nshapes = s\r\n",
	                         &m), "");
	assert_true(m->extent[3] == 4);
	posture_map_destroy(m);
}

static void test_mapdef_set_overrides(void **state)
{
	(void)state;
	posture_map *m;
	assert_string_equal(load(good, &m), "");
	posture_ctx *ctx;
	posture_ctx_create(&ctx);
	assert_int_equal(posture_map_set(m, ctx, "--size", "size", "800x600"), POSTURE_OK);
	assert_true(m->width == 800 && m->height == 600);
	assert_int_equal(posture_map_set(m, ctx, "--set", "sise", "800x600"), POSTURE_EUSAGE);
	assert_int_equal(posture_map_set(m, ctx, "--extent", "extent", "1,2"), POSTURE_EUSAGE);
	char line[256];
	posture_diag_format(line, sizeof(line), posture_ctx_diag(ctx, 0));
	assert_string_equal(line, "--set: error: unknown map key 'sise'; did you mean 'size'?");
	posture_diag_format(line, sizeof(line), posture_ctx_diag(ctx, 1));
	assert_string_equal(line, "--extent: error: extent wants four numbers 'lon_min, lat_min, "
	                          "lon_max, lat_max', not '1,2'");
	/* Later errors about an overridden key point at the option. */
	pst_where at = pst_map_where(m, "size");
	assert_string_equal(at.file, "--size");
	at = pst_map_where(m, "extent");
	assert_int_equal(at.line, 4);
	assert_int_equal(at.column, 14);
	posture_ctx_destroy(ctx);
	posture_map_destroy(m);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapdef_loads_good_file),
		cmocka_unit_test(test_mapdef_unknown_key_suggests),
		cmocka_unit_test(test_mapdef_bad_values_point_at_value),
		cmocka_unit_test(test_mapdef_duplicate_and_missing),
		cmocka_unit_test(test_mapdef_line_checks),
		cmocka_unit_test(test_mapdef_set_overrides),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
