/*
 * test_svg.c — the structured SVG and the HTML page, from a small scene
 * built by hand: layers in drawing order with Inkscape labels, item ids
 * from the data (valid, unique, stable), text as <text> at Pango's
 * baselines, geometry clipped to the frame, hostile names, quotes, titles
 * and links written as plain text, a self-contained page whose script the
 * Content-Security-Policy names, and byte-identical output.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <jansson.h>

#include "backend/backend.h"
#include "backend/html_assets.h"
#include "scene/text.h"

#define HOSTILE "<script>alert(\"x\")</script> & ]]> 'q'"

static char *dup(const char *s)
{
	char *d = pst_strdup(s);
	assert_non_null(d);
	return d;
}

static pst_label *label_at(const char *text, double x, double y)
{
	pst_label *l = calloc(1, sizeof(*l));
	assert_non_null(l);
	l->text = dup(text);
	l->family = "Noto Sans";
	l->size = 12;
	l->color = (pst_rgba){ 0.1, 0.1, 0.1, 1 };
	l->halo = (pst_rgba){ 1, 1, 1, 0.9 };
	l->halo_width = 2;
	l->x = x;
	l->y = y;
	l->box = (pst_box){ x - 2, y - 2, x + 60, y + 20 };
	return l;
}

static pst_item *add_item(pst_group *g, const char *id, const char *kind, const char *name)
{
	pst_item *it = pst_group_add_item(g);
	assert_non_null(it);
	it->id = dup(id);
	it->kind = dup(kind);
	it->name = dup(name);
	it->style = (pst_style){ { 0.9, 0.9, 0.8, 1 }, { 0.5, 0.5, 0.5, 1 }, 1, { 0, 0 }, 0 };
	return it;
}

static void add_cite(pst_item *it, const char *source, int number, const char *locator,
                     const char *quote)
{
	size_t n = it->n_cites + 1;
	it->cite_source = realloc(it->cite_source, n * sizeof(char *));
	it->cite_locator = realloc(it->cite_locator, n * sizeof(char *));
	it->cite_quote = realloc(it->cite_quote, n * sizeof(char *));
	it->cite_number = realloc(it->cite_number, n * sizeof(int));
	it->cite_source[n - 1] = dup(source);
	it->cite_locator[n - 1] = dup(locator);
	it->cite_quote[n - 1] = dup(quote);
	it->cite_number[n - 1] = number;
	it->n_cites = n;
}

static void add_source(posture_scene *s, const char *id, const char *text, const char *url)
{
	s->sources = realloc(s->sources, (s->n_sources + 1) * sizeof(*s->sources));
	pst_scene_source *src = &s->sources[s->n_sources++];
	memset(src, 0, sizeof(*src));
	src->id = dup(id);
	src->number = (int)s->n_sources;
	src->text = dup(text);
	src->url = url ? dup(url) : NULL;
	src->locators = dup("p. 1");
}

/* Base layers, two layers of the same name, hostile data, a leader, furniture. */
static posture_scene *test_scene(void)
{
	posture_scene *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	s->width = 400;
	s->height = 300;
	s->map_box = (pst_box){ 20, 20, 380, 280 };
	s->title = dup("Test map " HOSTILE);
	s->background = (pst_rgba){ 0.8, 0.9, 1, 1 };
	s->page_color = (pst_rgba){ 1, 1, 1, 1 };
	s->leader_color = (pst_rgba){ 0.3, 0.3, 0.3, 1 };
	s->leader_width = 0.8;
	add_source(s, "src-a", "Author. 2015. \u201cA title " HOSTILE ".\u201d Journal.",
	           "javascript:alert(1)");
	add_source(s, "src-b", "Other. n.d. \u201cB.\u201d", "https://example.org/b?x=1&y=2");

	pst_group *g = pst_scene_add_group(s, "countries", "Countries");
	pst_item *it = add_item(g, "AFG", "country", "Afghanistan");
	it->closed = true;
	double ring[] = { 0, 0, 200, 10, 210, 200, 5, 190 }; /* sticks out of the frame */
	assert_int_equal(pst_item_add_part(it, ring, 4), POSTURE_OK);
	it = add_item(g, "XXX", "country", "Outside");
	it->closed = true;
	double away[] = { 1, 1, 15, 1, 15, 15, 1, 15 }; /* wholly outside the frame */
	assert_int_equal(pst_item_add_part(it, away, 4), POSTURE_OK);

	g = pst_scene_add_group(s, "rivers", "Rivers");
	it = add_item(g, "river 1", "river", "");
	double line[] = { 0, 150, 100.004, 150.004, 200, 160, 399, 170 };
	assert_int_equal(pst_item_add_part(it, line, 4), POSTURE_OK);

	g = pst_scene_add_group(s, "bases", "Bases");
	it = add_item(g, "kant-air-base", "air-base", "Kant " HOSTILE);
	it->has_anchor = true;
	it->ax = 100.123;
	it->ay = 100.456;
	it->symbol = PST_SYMBOL_STAR;
	it->symbol_size = 10;
	it->symbol_box = (pst_box){ 95, 95, 106, 106 };
	it->date = dup("2014-09/2015");
	it->precision = dup("site");
	it->label = label_at("Kant " HOSTILE, 130.37, 120.61);
	it->label->has_leader = true;
	memcpy(it->label->leader, (double[]){ 100, 100, 130, 120 }, sizeof(double[4]));
	add_cite(it, "src-a", 1, "p. 53", "quote " HOSTILE);
	add_cite(it, "src-b", 2, "para. 4", "second quote");
	it = add_item(g, "two-lines", "military-base", "Two lines");
	it->has_anchor = true;
	it->ax = 200;
	it->ay = 200;
	it->symbol = PST_SYMBOL_SQUARE;
	it->symbol_size = 8;
	it->symbol_box = (pst_box){ 195, 195, 205, 205 };
	it->label = label_at("first line\nsecond", 210.2, 190.7);
	add_cite(it, "src-b", 2, "para. 5", "q");

	g = pst_scene_add_group(s, "bases", "Bases");
	it = add_item(g, "kant-air-base", "air-base", "Same id, second layer");
	it->has_anchor = true;
	it->ax = 300;
	it->ay = 100;
	it->symbol = PST_SYMBOL_CIRCLE;
	it->symbol_size = 6;
	it->symbol_box = (pst_box){ 296, 96, 304, 104 };

	g = pst_scene_add_group(s, "title", "Title");
	g->furniture = true;
	it = add_item(g, "title-1", "text", "Test map");
	it->label = label_at("Test map " HOSTILE, 30, 30);
	it = add_item(g, "swatch", "line", "");
	double swatch[] = { 5, 290, 15, 290 }; /* furniture outside the frame, on the page */
	assert_int_equal(pst_item_add_part(it, swatch, 2), POSTURE_OK);
	return s;
}

static char *svg_of(const posture_scene *s, bool standalone)
{
	pst_svg_ids ids;
	assert_int_equal(pst_svg_ids_make(&ids, s), POSTURE_OK);
	pst_buf b;
	pst_buf_init(&b);
	pst_svg_document(&b, s, &ids, standalone);
	pst_svg_ids_free(&ids, s);
	assert_false(b.failed);
	return b.data;
}

static char *html_of(const posture_scene *s)
{
	char *data = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&data, &len);
	assert_non_null(fp);
	posture_ctx *ctx;
	assert_int_equal(posture_ctx_create(&ctx), POSTURE_OK);
	assert_int_equal(pst_write_html(ctx, s, fp, "test.html", NULL), POSTURE_OK);
	posture_ctx_destroy(ctx);
	fclose(fp);
	return data;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Position of @p needle in @p hay, failing when absent. */
static size_t at(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);
	if (!p)
		fail_msg("missing: %s", needle);
	return (size_t)(p - hay);
}

static void test_svg_layers_in_drawing_order(void **state)
{
	(void)state;
	posture_scene *s = test_scene();
	char *svg = svg_of(s, true);
	assert_int_equal(at(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "), 0);
	const char *order[] = {
		"<g id=\"background\" inkscape:groupmode=\"layer\" inkscape:label=\"Background\"",
		"<g id=\"countries\" inkscape:groupmode=\"layer\" inkscape:label=\"Countries\"",
		"<g id=\"rivers\" inkscape:groupmode=\"layer\" inkscape:label=\"Rivers\"",
		"<g id=\"bases\" inkscape:groupmode=\"layer\" inkscape:label=\"Bases\"",
		"<g id=\"bases-2\" inkscape:groupmode=\"layer\" inkscape:label=\"Bases\"",
		"<g id=\"labels\" inkscape:groupmode=\"layer\" inkscape:label=\"Labels\"",
		"<g id=\"labels--bases\" inkscape:groupmode=\"layer\" inkscape:label=\"Bases labels\"",
		"<g id=\"title\" inkscape:groupmode=\"layer\" inkscape:label=\"Title\"",
	};
	for (size_t i = 1; i < PST_ARRAY_LEN(order); i++)
		assert_true(at(svg, order[i - 1]) < at(svg, order[i]));
	assert_int_equal(count(svg, "inkscape:groupmode=\"layer\""), PST_ARRAY_LEN(order));
	/* the document title and text alternative */
	at(svg, "<title id=\"map-title\">Test map &lt;script&gt;");
	at(svg, "<desc id=\"map-desc\">Map of the region");
	free(svg);
	posture_scene_destroy(s);
}

static void test_svg_item_ids_valid_unique(void **state)
{
	(void)state;
	posture_scene *s = test_scene();
	char *svg = svg_of(s, true);
	at(svg, "<g id=\"countries--AFG\" data-layer=\"countries\" data-id=\"AFG\" data-kind=\"country\">");
	at(svg, "<g id=\"bases--kant-air-base\" data-layer=\"bases\"");
	at(svg, "<g id=\"bases-2--kant-air-base\" data-layer=\"bases-2\"");
	at(svg, "<g id=\"rivers--river_1\"");
	at(svg, "<g id=\"label--bases--kant-air-base\"");
	at(svg, "data-item=\"bases--kant-air-base\"");
	at(svg, "data-date=\"2014-09/2015\"");
	/* every id once, from the safe alphabet */
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (const char *p = strstr(svg, " id=\""); p; p = strstr(p + 1, " id=\"")) {
		const char *v = p + 5, *end = strchr(v, '"');
		char *id = g_strndup(v, (gsize)(end - v));
		for (const char *c = id; *c; c++)
			assert_true(g_ascii_isalnum(*c) || *c == '-' || *c == '_');
		assert_true(g_ascii_isalpha(id[0]) || id[0] == '_');
		if (g_hash_table_contains(seen, id))
			fail_msg("id '%s' appears twice", id);
		g_hash_table_add(seen, id);
	}
	g_hash_table_destroy(seen);
	free(svg);
	posture_scene_destroy(s);
}

static void test_svg_hostile_text_escaped(void **state)
{
	(void)state;
	posture_scene *s = test_scene();
	char *svg = svg_of(s, true);
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "]]>"));
	assert_null(strstr(svg, "javascript:"));
	at(svg, ">Kant &lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; ]]&gt; 'q'</text>");
	at(svg, "\xE2\x80\x9Cquote &lt;script&gt;");
	at(svg, "https://example.org/b?x=1&amp;y=2");
	free(svg);
	posture_scene_destroy(s);
}

/* Every point of a path's data "M x y l dx dy … z", checked against @p box. */
static void check_path_inside(const char *d, const pst_box *box)
{
	double x = 0, y = 0, v[2];
	int k = 0;
	bool relative = false;
	for (const char *p = d; *p;) {
		if (*p == 'M' || *p == 'l' || *p == 'z' || *p == ' ') {
			relative = *p == 'l' ? true : *p == 'M' ? false : relative;
			p++;
			continue;
		}
		char *end;
		v[k++] = strtod(p, &end);
		assert_true(end > p);
		p = end;
		if (k < 2)
			continue;
		x = relative ? x + v[0] : v[0];
		y = relative ? y + v[1] : v[1];
		k = 0;
		if (x < box->x0 - 1e-6 || x > box->x1 + 1e-6 || y < box->y0 - 1e-6 || y > box->y1 + 1e-6)
			fail_msg("point %g,%g is outside the frame", x, y);
	}
}

static void test_svg_geometry_clipped_and_rounded(void **state)
{
	(void)state;
	posture_scene *s = test_scene();
	char *svg = svg_of(s, true);
	/* the area outside the frame is not there at all; its group stays, empty */
	at(svg, "<g id=\"countries--XXX\" data-layer=\"countries\" data-id=\"XXX\" data-kind=\"country\">"
	        "<title>Outside</title></g>");
	pst_box frame = s->map_box, grown = { 19.45, 19.45, 380.55, 280.55 };
	size_t n_paths = 0;
	const char *furniture = svg + at(svg, "<g id=\"title\"");
	for (const char *p = strstr(svg, "<path d=\""); p && p < furniture; p = strstr(p + 1, "<path d=\"")) {
		char *d = g_strndup(p + 9, (gsize)(strchr(p + 9, '"') - (p + 9)));
		/* areas may reach half their outline beyond the frame, lines not at all */
		check_path_inside(d, strchr(d, 'z') ? &grown : &frame);
		for (const char *c = d; *c; c++) /* at most two decimals */
			if (*c == '.')
				assert_true(!g_ascii_isdigit(c[1]) || !g_ascii_isdigit(c[2]) ||
				            !g_ascii_isdigit(c[3]));
		g_free(d);
		n_paths++;
	}
	assert_true(n_paths >= 5); /* area, river, star, leader and its halo */
	at(svg, "<path d=\"M20 150l80 0 100 10 180 9.05\""); /* the river, cut at the frame */
	at(svg, "<g id=\"title--swatch\" data-layer=\"title\" data-id=\"swatch\" data-kind=\"line\">"
	        "<path d=\"M5 290l10 0\""); /* furniture is cut at the page only */
	free(svg);
	posture_scene_destroy(s);
}

/* The baseline Pango gives line @p line of @p l, rounded to whole points. */
static double pango_baseline(const pst_label *l, int line)
{
	PangoContext *pc = pst_text_context_new();
	PangoLayout *layout = pst_text_layout(pc, l);
	PangoLayoutIter *iter = pango_layout_get_iter(layout);
	for (int i = 0; i < line; i++)
		pango_layout_iter_next_line(iter);
	double y = round(l->y + (double)pango_layout_iter_get_baseline(iter) / PANGO_SCALE);
	pango_layout_iter_free(iter);
	g_object_unref(layout);
	g_object_unref(pc);
	return y;
}

static void test_svg_text_is_text(void **state)
{
	(void)state;
	posture_scene *s = test_scene();
	char *svg = svg_of(s, true);
	const pst_item *two = &s->groups[2].items[1];
	char want[256];
	snprintf(want, sizeof(want), "><tspan x=\"210.2\" y=\"%g\">first line</tspan>"
	         "<tspan x=\"210.2\" y=\"%g\">second</tspan></text>",
	         pango_baseline(two->label, 0), pango_baseline(two->label, 1));
	at(svg, want);
	assert_int_equal(count(svg, want), 1); /* one text: the halo follows it */
	/* the halo is a <use> of the text, stroked, just before it; the text takes
	 * its colour from its group; no paint-order, no outlines */
	size_t group = at(svg, "<g id=\"label--bases--two-lines\"");
	size_t colour = at(svg, "fill=\"#1a1a1a\">");
	size_t halo = at(svg, "<use xlink:href=\"#label--bases--two-lines--text\" fill=\"none\" "
	                 "stroke=\"#ffffff\" stroke-opacity=\"0.9\" stroke-width=\"4\"");
	size_t text = at(svg, "<text id=\"label--bases--two-lines--text\"");
	assert_true(colour < halo && halo < text && group < halo);
	assert_null(strstr(svg, "paint-order"));
	at(svg, "font-family=\"'Noto Sans', ");
	at(svg, "font-size=\"12\"");
	/* each label once as text and once as the halo's use; the leader in the label group */
	assert_int_equal(count(svg, "<text"), 3);
	assert_int_equal(count(svg, "<use "), 3);
	size_t kant = at(svg, "<g id=\"label--bases--kant-air-base\"");
	size_t leader = at(svg, "<path d=\"M100 100 130 120\" fill=\"none\" stroke=\"#ffffff\"");
	assert_true(kant < leader && leader < group);
	free(svg);
	posture_scene_destroy(s);
}

static void test_svg_titles_cite(void **state)
{
	(void)state;
	posture_scene *s = test_scene();
	char *svg = svg_of(s, true);
	at(svg, "<title>Kant &lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; ]]&gt; 'q'\nSources:\n"
	        "[1] Author. 2015. \xE2\x80\x9C" "A title &lt;script&gt;");
	at(svg, "Cited: p. 53.\n[2] Other. n.d. \xE2\x80\x9C" "B.\xE2\x80\x9D Cited: para. 4. "
	        "https://example.org/b?x=1&amp;y=2</title>");
	at(svg, "<desc>air-base, 2014-09/2015; position: site\n");
	free(svg);
	posture_scene_destroy(s);
}

static void test_svg_deterministic(void **state)
{
	(void)state;
	posture_scene *a = test_scene(), *b = test_scene();
	char *x = svg_of(a, true), *y = svg_of(b, true);
	assert_string_equal(x, y);
	free(x);
	free(y);
	x = html_of(a);
	y = html_of(b);
	assert_string_equal(x, y);
	free(x);
	free(y);
	posture_scene_destroy(a);
	posture_scene_destroy(b);
}

/* The text between @p open and the next </script>. */
static char *script_body(const char *html, const char *open)
{
	const char *p = html + at(html, open) + strlen(open);
	const char *end = strstr(p, "</script>");
	assert_non_null(end);
	return g_strndup(p, (gsize)(end - p));
}

static void test_html_data_safe(void **state)
{
	(void)state;
	posture_scene *s = test_scene();
	char *html = html_of(s);
	/* two script elements: ours; no markup from the data */
	assert_int_equal(count(html, "<script"), 2);
	assert_int_equal(count(html, "</script>"), 2);
	assert_null(strstr(html, "javascript:"));
	char *json = script_body(html, "<script type=\"application/json\" id=\"pst-data\">");
	assert_null(strchr(json, '<'));
	json_error_t err;
	json_t *data = json_loads(json, 0, &err);
	if (!data)
		fail_msg("page data: %s", err.text);
	json_t *items = json_object_get(data, "items");
	assert_int_equal(json_array_size(items), 2); /* the cited or labelled items */
	json_t *kant = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(kant, "name")), "Kant " HOSTILE);
	assert_string_equal(json_string_value(json_object_get(kant, "el")), "bases--kant-air-base");
	assert_string_equal(json_string_value(json_object_get(kant, "label")),
	                    "label--bases--kant-air-base");
	json_t *quote = json_object_get(json_array_get(json_object_get(kant, "cites"), 0), "quote");
	assert_string_equal(json_string_value(quote), "quote " HOSTILE);
	json_t *src = json_object_get(data, "sources");
	assert_true(json_is_null(json_object_get(json_array_get(src, 0), "url")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(src, 1), "url")),
	                    "https://example.org/b?x=1&y=2");
	json_t *dates = json_object_get(data, "dates");
	assert_string_equal(json_string_value(json_object_get(dates, "min")), "2014-09-01");
	assert_string_equal(json_string_value(json_object_get(dates, "max")), "2015-12-31");
	json_decref(data);
	g_free(json);
	free(html);
	posture_scene_destroy(s);
}

static void test_html_self_contained(void **state)
{
	(void)state;
	posture_scene *s = test_scene();
	char *html = html_of(s);
	assert_int_equal(at(html, "<!DOCTYPE html>\n<html lang=\"en\">"), 0);
	/* nothing to fetch: no external script, style, image or font */
	assert_null(strstr(html, " src="));
	assert_null(strstr(html, "<link rel=\"stylesheet\""));
	assert_null(strstr(html, "url(http"));
	assert_null(strstr(html, "@import"));
	at(html, "<link rel=\"icon\" href=\"data:,\">");
	/* the policy names exactly the page's script and style sheet */
	char *script = script_body(html, "<script>");
	assert_string_equal(script, pst_html_script);
	gchar *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, script, -1);
	guchar digest[32];
	for (int i = 0; i < 32; i++)
		digest[i] = (guchar)g_ascii_xdigit_value(sum[2 * i]) << 4 |
		            (guchar)g_ascii_xdigit_value(sum[2 * i + 1]);
	gchar *b64 = g_base64_encode(digest, 32);
	char want[128];
	snprintf(want, sizeof(want), "default-src 'none'; script-src 'sha256-%s';", b64);
	at(html, want);
	/* the inline SVG (no XML declaration) and the text version with the sources */
	assert_null(strstr(html, "<?xml"));
	at(html, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
	at(html, " id=\"pst-map\" role=\"group\" aria-labelledby=\"map-title\"");
	at(html, "<details id=\"pst-text\">");
	at(html, "<a href=\"https://example.org/b?x=1&amp;y=2\" rel=\"noopener noreferrer\">");
	at(html, "<div id=\"pst-tip\" role=\"tooltip\" hidden></div>");
	g_free(b64);
	g_free(sum);
	g_free(script);
	free(html);
	posture_scene_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svg_layers_in_drawing_order),
		cmocka_unit_test(test_svg_item_ids_valid_unique),
		cmocka_unit_test(test_svg_hostile_text_escaped),
		cmocka_unit_test(test_svg_geometry_clipped_and_rounded),
		cmocka_unit_test(test_svg_text_is_text),
		cmocka_unit_test(test_svg_titles_cite),
		cmocka_unit_test(test_svg_deterministic),
		cmocka_unit_test(test_html_data_safe),
		cmocka_unit_test(test_html_self_contained),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
