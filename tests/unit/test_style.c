/*
 * test_style.c — themes as data: the shipped themes load, every kind has a
 * shape, every shipped theme tells kinds apart in grey (shape, fill or
 * lightness), and mistakes in a theme or
 * a map's [theme] section are reported at their FILE:LINE:COLUMN.
 */
#include <dirent.h>
#include <math.h>
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

/* --- telling kinds apart in grey ------------------------------------------ */

/* CIE L* (D65) of an sRGB colour: how light it prints in grey. */
static double lightness(pst_rgba c)
{
	double ch[3] = { c.r, c.g, c.b }, y = 0;
	static const double w[3] = { 0.2126, 0.7152, 0.0722 };
	for (int i = 0; i < 3; i++) {
		double v = ch[i] <= 0.04045 ? ch[i] / 12.92 : pow((ch[i] + 0.055) / 1.055, 2.4);
		y += w[i] * v;
	}
	double f = y > 216.0 / 24389 ? cbrt(y) : (24389.0 / 27 * y + 16) / 116;
	return 116 * f - 16;
}

/* A look a reader sees: shape, fill (0 solid, 1 hollow, 2 half), colour. */
typedef struct {
	char name[64];
	pst_symbol shape;
	int fill;
	pst_rgba color;
} look;

static bool colour_theme(const look *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		double hi = fmax(l[i].color.r, fmax(l[i].color.g, l[i].color.b));
		double lo = fmin(l[i].color.r, fmin(l[i].color.g, l[i].color.b));
		if (hi - lo > 0.05)
			return true;
	}
	return false;
}

/*
 * Every look that can appear on one map: each kind the data allows and each
 * operator variant the theme styles, and a former base (drawn hollow).
 */
static size_t theme_looks(const pst_theme *t, look *out, size_t max)
{
	static const char *const kinds[] = { "military-base", "air-base", "border-post",
		                             "attack", "clash", "drill", "deployment",
		                             "sighting", "symbolic", "agreement", "statement",
		                             "meeting", "capital", "city", "town" };
	size_t n = 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && n < max; k++) {
		const pst_kind_style *ks = pst_theme_kind(t, kinds[k]);
		out[n++] = (look){ "", ks->symbol, ks->hollow ? 1 : ks->half ? 2 : 0, ks->fill };
		snprintf(out[n - 1].name, sizeof(out[0].name), "%s", kinds[k]);
		if (k < 3 && n < max) { /* a base kind: its former sites are hollow */
			out[n++] = (look){ "", ks->symbol, 1, ks->fill };
			snprintf(out[n - 1].name, sizeof(out[0].name), "%s (former)", kinds[k]);
		}
	}
	for (size_t i = 0; i < t->n_kinds && n < max; i++) { /* operator variants */
		const pst_kind_style *ks = &t->kinds[i];
		if (!strchr(ks->kind, '.') || ks->symbol == PST_SYMBOL_NONE)
			continue;
		out[n++] = (look){ "", ks->symbol, ks->hollow ? 1 : ks->half ? 2 : 0, ks->fill };
		snprintf(out[n - 1].name, sizeof(out[0].name), "%s", ks->kind);
	}
	return n;
}

/*
 * Over every shipped theme (maps/themes/NAME.ini): any two kinds that can
 * share a map differ in shape or fill (solid, hollow, half); where a colour
 * theme gives two the same shape and fill, their lightness differs by at
 * least 20 (CIE L*), so a grey print still tells them apart.
 */
static void test_style_kinds_told_apart_in_grey(void **state)
{
	(void)state;
	char dir[600];
	snprintf(dir, sizeof(dir), "%s/maps/themes", POSTURE_SOURCE_DIR);
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	int themes = 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".ini") != 0)
			continue;
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)(len - 4), e->d_name);
		pst_theme *t;
		assert_string_equal(load(name, NULL, 0, &t), "");
		look looks[64];
		size_t n = theme_looks(t, looks, 64);
		bool colour = colour_theme(looks, n);
		for (size_t a = 0; a < n; a++) {
			for (size_t b = a + 1; b < n; b++) {
				const look *x = &looks[a], *y = &looks[b];
				if (x->shape != y->shape || x->fill != y->fill)
					continue;
				double dl = fabs(lightness(x->color) - lightness(y->color));
				if (!colour || dl < 20)
					fail_msg("theme %s: %s and %s have the same shape and fill%s (L* %.0f and %.0f)",
					         name, x->name, y->name, colour ? ", and lightness within 20" : "",
					         lightness(x->color), lightness(y->color));
			}
		}
		pst_theme_destroy(t);
		themes++;
	}
	closedir(d);
	assert_true(themes >= 3);
}

/*
 * Over every shipped theme, every symbol stands out from the land it is
 * drawn on, focus countries included: its fill's lightness differs from
 * theirs by at least 25 (CIE L*).  The dark theme's US-operated bases in
 * the article's blue were 19 from its focus land.
 */
static void test_style_symbols_stand_out_from_land(void **state)
{
	(void)state;
	static const char *const themes[] = { "article", "print", "dark" };
	for (size_t i = 0; i < sizeof(themes) / sizeof(themes[0]); i++) {
		pst_theme *t;
		assert_string_equal(load(themes[i], NULL, 0, &t), "");
		look looks[64];
		size_t n = theme_looks(t, looks, 63);
		const pst_kind_style *other = pst_theme_kind(t, "other");
		looks[n++] = (look){ "other", other->symbol, 0, other->fill };
		const double ground[2] = { lightness(t->land.fill), lightness(t->land_focus) };
		for (size_t k = 0; k < n; k++)
			for (int g = 0; g < 2; g++)
				if (fabs(lightness(looks[k].color) - ground[g]) < 25)
					fail_msg("theme %s: %s (L* %.0f) is within 25 of the %s (L* %.0f)",
					         themes[i], looks[k].name, lightness(looks[k].color),
					         g ? "focus land" : "land", ground[g]);
		pst_theme_destroy(t);
	}
}

/* The lightness formula itself: black 0, white 100, #777777 about 50. */
static void test_style_lightness(void **state)
{
	(void)state;
	assert_true(fabs(lightness((pst_rgba){ 0, 0, 0, 1 })) < 0.01);
	assert_true(fabs(lightness((pst_rgba){ 1, 1, 1, 1 }) - 100) < 0.01);
	assert_true(fabs(lightness((pst_rgba){ 0x77 / 255.0, 0x77 / 255.0, 0x77 / 255.0, 1 }) - 50.0) < 0.5);
	/* the pair: #555555 and #0072B2 print the same grey */
	double a = lightness((pst_rgba){ 0x55 / 255.0, 0x55 / 255.0, 0x55 / 255.0, 1 });
	double b = lightness((pst_rgba){ 0, 0x72 / 255.0, 0xB2 / 255.0, 1 });
	assert_true(fabs(a - b) < 20);
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
	assert_string_equal(load("prnt", NULL, 0, NULL),
	                    "m.ini:3:9: error: theme 'prnt' not found; did you mean 'print'? (looked "
	                    "for themes/prnt.ini beside the map and in " POSTURE_SOURCE_DIR
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
		cmocka_unit_test(test_style_kinds_told_apart_in_grey),
		cmocka_unit_test(test_style_symbols_stand_out_from_land),
		cmocka_unit_test(test_style_lightness),
		cmocka_unit_test(test_style_errors_have_positions),
		cmocka_unit_test(test_style_map_overrides),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
