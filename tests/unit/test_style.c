/*
 * test_style.c — themes as data: the shipped themes load, every kind has a
 * shape, print tells kinds apart without colour, and mistakes in a theme or
 * a map's [theme] section are reported at their FILE:LINE:COLUMN.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "scene/style.h"

static char tmpdir[] = "/tmp/posture-style-XXXXXX";

static char *map_path(void)
{
	static char path[600];
	snprintf(path, sizeof(path), "%s/m.ini", tmpdir);
	return path;
}

static void write_theme(const char *name, const char *text)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/themes", tmpdir);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/themes/%s.ini", tmpdir, name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

/* Load @p name; return the first diagnostic (temp dir stripped), or "". */
static const char *load(const char *name, const pst_theme_override *o, size_t n, pst_theme **out)
{
	static char line[1024];
	posture_ctx *ctx;
	posture_ctx_create(&ctx);
	pst_theme *t = NULL;
	pst_where at = { "m.ini", 3, 9 };
	int rc = pst_theme_load(&t, ctx, name, map_path(), &at, o, n);
	line[0] = '\0';
	if (posture_ctx_diag_count(ctx))
		posture_diag_format(line, sizeof(line), posture_ctx_diag(ctx, 0));
	assert_true((rc == POSTURE_OK) == (t != NULL));
	if (out)
		*out = t;
	else
		pst_theme_destroy(t);
	posture_ctx_destroy(ctx);
	char *p = strstr(line, tmpdir);
	if (p)
		memmove(p, p + strlen(tmpdir) + 1, strlen(p + strlen(tmpdir) + 1) + 1);
	return line;
}

static void test_style_shipped_themes_load(void **state)
{
	(void)state;
	static const char *const names[] = { "article", "print", "dark" };
	static const char *const kinds[] = { "military-base", "air-base", "attack", "drill",
		                             "deployment", "sighting", "symbolic", "statement",
		                             "meeting", "agreement", "capital", "city" };
	for (size_t i = 0; i < 3; i++) {
		pst_theme *t;
		assert_string_equal(load(names[i], NULL, 0, &t), "");
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			assert_string_equal(pst_theme_kind(t, kinds[k])->kind, kinds[k]);
		assert_true(t->credit_size >= 7); /* legible at print size */
		pst_theme_destroy(t);
	}
}

/* In print every posture kind differs from every other by shape or fill, not by grey. */
static void test_style_print_kinds_differ_without_colour(void **state)
{
	(void)state;
	static const char *const kinds[] = { "military-base", "air-base", "border-post", "attack",
		                             "clash", "drill", "deployment", "sighting",
		                             "symbolic", "agreement", "statement", "meeting" };
	pst_theme *t;
	assert_string_equal(load("print", NULL, 0, &t), "");
	for (size_t a = 0; a < 12; a++) {
		for (size_t b = a + 1; b < 12; b++) {
			const pst_kind_style *x = pst_theme_kind(t, kinds[a]), *y = pst_theme_kind(t, kinds[b]);
			if (x->symbol == y->symbol && x->hollow == y->hollow)
				fail_msg("print: %s and %s differ only by colour", kinds[a], kinds[b]);
		}
	}
	pst_theme_destroy(t);
}

static void test_style_errors_have_positions(void **state)
{
	(void)state;
	write_theme("broken", "[theme]\ninherit = article\n[land]\nfil = #FFFFFF\n");
	assert_string_equal(load("broken", NULL, 0, NULL),
	                    "themes/broken.ini:4:1: error: unknown theme property 'land.fil'; did "
	                    "you mean 'land.fill'?");
	write_theme("colour", "[sea]\nfill = blue\n");
	assert_string_equal(load("colour", NULL, 0, NULL),
	                    "themes/colour.ini:2:8: error: sea.fill wants a colour like #D55E00 (or "
	                    "#D55E0080 with opacity, or none), not 'blue'");
	write_theme("shape", "[kind.attack]\nshape = triangel\n");
	assert_string_equal(load("shape", NULL, 0, NULL),
	                    "themes/shape.ini:2:9: error: shape 'triangel' is not known; did you "
	                    "mean 'triangle'?");
	write_theme("loop", "[theme]\ninherit = loop\n");
	assert_non_null(strstr(load("loop", NULL, 0, NULL), "inherit too deeply"));
	assert_string_equal(load("nowhere", NULL, 0, NULL),
	                    "m.ini:3:9: error: theme 'nowhere' not found (looked for "
	                    "themes/nowhere.ini beside the map and in " POSTURE_SOURCE_DIR
	                    "/maps/themes)");
}

static void test_style_map_overrides(void **state)
{
	(void)state;
	pst_theme_override o[] = {
		{ "land.fill", "#102030", { "m.ini", 20, 13 } },
		{ "kind.air-base.shape", "triangle", { "m.ini", 21, 23 } },
	};
	pst_theme *t;
	assert_string_equal(load("article", o, 2, &t), "");
	assert_true(t->land.fill.r > 0.062 && t->land.fill.r < 0.064);
	assert_int_equal(pst_theme_kind(t, "air-base")->symbol, PST_SYMBOL_TRIANGLE);
	pst_theme_destroy(t);
	pst_theme_override bad[] = { { "land.fill", "#12", { "m.ini", 20, 13 } } };
	assert_non_null(strstr(load("article", bad, 1, NULL),
	                       "m.ini:20:13: error: land.fill wants a colour"));
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_style_shipped_themes_load),
		cmocka_unit_test(test_style_print_kinds_differ_without_colour),
		cmocka_unit_test(test_style_errors_have_positions),
		cmocka_unit_test(test_style_map_overrides),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
