/*
 * html.c — the interactive HTML page: one self-contained file.
 *
 * The page is the structured SVG (svg.c) inline, a style sheet and a small
 * script (html_assets.c) inline, and the item data as JSON in a
 * <script type="application/json"> block: for every item a reader can point
 * at (one with a citation or a label) its element ids, name, kind, date,
 * precision and citations (source number, locator, quote), and the list of
 * sources with their full citation and link.  Below the map, the same
 * content as text — every item with its citations and the numbered source
 * list — for screen readers, search engines and readers without script.
 *
 * Nothing is fetched: no fonts, no images, not even a favicon (a data:
 * icon), and the Content-Security-Policy allows no connection at all and
 * only the page's own script and style sheet, named by their SHA-256.  Every
 * data string is escaped for where it lands (escape.c): text and attribute
 * values as XML, the JSON with '<', '>' and '&' as \u escapes.  Key order
 * and number formats are fixed, so identical scenes give identical pages.
 *
 * A live preview's page (posture_render_opts.live_events) adds an error
 * banner above the map and the script of html_live.c; its policy then also
 * allows connections to the page's own origin, for the server's events.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <jansson.h>

#include "backend.h"
#include "escape.h"
#include "html_assets.h"

/* --- item data (JSON) ------------------------------------------------------ */

/* A JSON string, or JSON null for NULL.  Invalid UTF-8 becomes "\uFFFD". */
static json_t *jstr(const char *s)
{
	if (!s)
		return json_null();
	json_t *v = json_string(s);
	return v ? v : json_string("\xEF\xBF\xBD");
}

/* Whether a reader can point at the item: it is cited or labelled on the map. */
static bool item_interactive(const pst_group *g, const pst_item *it)
{
	return !g->furniture && (it->n_cites || it->label || it->label_dropped);
}

/* Whether the date filter applies to a layer: incidents, or any dated item. */
static bool layer_dated(const pst_group *g)
{
	if (!strncmp(g->name, "incidents", 9))
		return true;
	for (size_t i = 0; i < g->n_items; i++)
		if (g->items[i].date)
			return true;
	return false;
}

static json_t *cites_json(const pst_item *it)
{
	json_t *cites = json_array();
	for (size_t c = 0; cites && c < it->n_cites; c++) {
		json_t *o = json_object();
		json_object_set_new(o, "n", json_integer(it->cite_number ? it->cite_number[c] : 0));
		json_object_set_new(o, "source", jstr(it->cite_source[c]));
		json_object_set_new(o, "locator", jstr(it->cite_locator[c]));
		json_object_set_new(o, "quote", jstr(it->cite_quote ? it->cite_quote[c] : NULL));
		json_array_append_new(cites, o);
	}
	return cites;
}

/* The SVG id of the translucent disc of an imprecise item ("area-<id>"), or NULL. */
static const char *area_of(const pst_group *grp, const pst_svg_ids *ids, size_t g,
                           const pst_item *it)
{
	for (size_t j = 0; j < grp->n_items; j++) {
		const pst_item *a = &grp->items[j];
		if (!strcmp(a->kind, "uncertainty") && !strncmp(a->id, "area-", 5) &&
		    !strcmp(a->id + 5, it->id) && pst_svg_item_drawn(grp, a))
			return ids->item[ids->first[g] + j];
	}
	return NULL;
}

static json_t *item_json(const posture_scene *s, const pst_svg_ids *ids, size_t g, size_t i)
{
	const pst_group *grp = &s->groups[g];
	const pst_item *it = &grp->items[i];
	size_t k = ids->first[g] + i;
	json_t *o = json_object();
	json_object_set_new(o, "el", jstr(pst_svg_item_drawn(grp, it) ? ids->item[k] : NULL));
	/* the disc goes with its item when filters hide it */
	json_object_set_new(o, "area", jstr(it->precision ? area_of(grp, ids, g, it) : NULL));
	json_object_set_new(o, "label", jstr(ids->label[k]));
	json_object_set_new(o, "layer", jstr(ids->layer[g]));
	json_object_set_new(o, "id", jstr(it->id));
	json_object_set_new(o, "name", jstr(it->name && it->name[0] ? it->name : it->id));
	json_object_set_new(o, "kind", jstr(it->kind));
	json_object_set_new(o, "date", jstr(it->date));
	json_object_set_new(o, "precision", jstr(it->precision));
	if (it->key)
		json_object_set_new(o, "key", json_integer(it->key));
	json_object_set_new(o, "cites", cites_json(it));
	return o;
}

/* Whether anything of the group is drawn (its own layer or its labels). */
static bool group_drawn(const pst_group *grp)
{
	for (size_t i = 0; i < grp->n_items; i++)
		if (pst_svg_item_drawn(grp, &grp->items[i]) || grp->items[i].label)
			return true;
	return false;
}

/*
 * What a reader counts in a layer: its cited items (bases, incidents), else
 * the distinct names it shows (a river drawn in 40 pieces is one river, a
 * country's fill and outline one country); helpers (imprecision discs,
 * outlines) are not counted.  0 when nothing in it has a name (graticule).
 */
static size_t reader_count(const pst_group *grp)
{
	size_t cited = 0, named = 0;
	for (size_t i = 0; i < grp->n_items; i++) {
		const pst_item *it = &grp->items[i];
		if (!strcmp(it->kind, "uncertainty") || strstr(it->kind, "-outline"))
			continue;
		cited += it->n_cites > 0;
		if (!it->name || !it->name[0])
			continue;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = grp->items[j].name && !strcmp(grp->items[j].name, it->name) &&
			       strcmp(grp->items[j].kind, "uncertainty") != 0 &&
			       !strstr(grp->items[j].kind, "-outline");
		named += !seen;
	}
	return cited ? cited : named;
}

static json_t *layers_json(const posture_scene *s, const pst_svg_ids *ids)
{
	json_t *layers = json_array();
	for (size_t g = 0; layers && g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		if (grp->furniture || !group_drawn(grp))
			continue; /* nothing to toggle (items not on the map) */
		json_t *o = json_object();
		json_object_set_new(o, "id", jstr(ids->layer[g]));
		json_object_set_new(o, "labels", jstr(ids->label_layer[g]));
		json_object_set_new(o, "title", jstr(grp->title));
		json_object_set_new(o, "count", json_integer((json_int_t)reader_count(grp)));
		json_object_set_new(o, "dates", json_boolean(layer_dated(grp)));
		json_array_append_new(layers, o);
	}
	return layers;
}

static json_t *sources_json(const posture_scene *s)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < s->n_sources; i++) {
		const pst_scene_source *src = &s->sources[i];
		char *url = pst_link_url(src->url, NULL);
		json_t *o = json_object();
		json_object_set_new(o, "n", json_integer(src->number));
		json_object_set_new(o, "id", jstr(src->id));
		json_object_set_new(o, "text", jstr(src->text));
		json_object_set_new(o, "url", jstr(url));
		json_array_append_new(list, o);
		free(url);
	}
	return list;
}

/* --- dates ------------------------------------------------------------------ */

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[(month - 1) % 12];
}

/*
 * The first (or, with @p end, the last) day an ISO date or interval covers,
 * as YYYY-MM-DD in @p out; false when it does not parse.
 */
static bool date_bound(char out[11], const char *date, bool end)
{
	const char *slash = strchr(date, '/');
	const char *d = end && slash ? slash + 1 : date;
	int y = 0, m = 0, day = 0, n = 0;
	int got = sscanf(d, "%4d%n-%2d%n-%2d%n", &y, &n, &m, &n, &day, &n);
	if (got < 1 || y < 1 || (got >= 2 && (m < 1 || m > 12)))
		return false;
	if (got < 2)
		m = end ? 12 : 1;
	if (got < 3)
		day = end ? days_in_month(y, m) : 1;
	snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m, day);
	return true;
}

/* The earliest and latest day of the dated layers' items ("" when none). */
static json_t *dates_json(const posture_scene *s)
{
	char lo[11] = "", hi[11] = "", a[11], z[11];
	for (size_t g = 0; g < s->n_groups; g++) {
		for (size_t i = 0; layer_dated(&s->groups[g]) && i < s->groups[g].n_items; i++) {
			const char *date = s->groups[g].items[i].date;
			if (!date || !date_bound(a, date, false) || !date_bound(z, date, true))
				continue;
			if (!lo[0] || strcmp(a, lo) < 0)
				memcpy(lo, a, sizeof(lo));
			if (!hi[0] || strcmp(z, hi) > 0)
				memcpy(hi, z, sizeof(hi));
		}
	}
	return json_pack("{s:s, s:s}", "min", lo, "max", hi);
}

static json_t *page_json(const posture_scene *s, const pst_svg_ids *ids)
{
	json_t *items = json_array();
	for (size_t g = 0; items && g < s->n_groups; g++)
		for (size_t i = 0; i < s->groups[g].n_items; i++)
			if (item_interactive(&s->groups[g], &s->groups[g].items[i]))
				json_array_append_new(items, item_json(s, ids, g, i));
	return json_pack("{s:o, s:o, s:o, s:o}", "layers", layers_json(s, ids), "items", items,
	                 "sources", sources_json(s), "dates", dates_json(s));
}

static void put_json(pst_buf *b, const posture_scene *s, const pst_svg_ids *ids)
{
	json_t *root = page_json(s, ids);
	char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
	json_decref(root);
	if (!text) {
		b->failed = true;
		return;
	}
	pst_buf_puts(b, "<script type=\"application/json\" id=\"pst-data\">");
	pst_esc_json_script(b, text);
	pst_buf_puts(b, "</script>\n");
	free(text);
}

/* --- the page as text ----------------------------------------------------- */

static const pst_scene_source *source_numbered(const posture_scene *s, int number)
{
	for (size_t i = 0; i < s->n_sources; i++)
		if (s->sources[i].number == number)
			return &s->sources[i];
	return NULL;
}

/* One item of the text list: name, kind, date, position, citations. */
static void put_text_item(pst_buf *b, const posture_scene *s, const pst_item *it)
{
	pst_buf_puts(b, "<li><strong>");
	if (it->key)
		pst_buf_printf(b, "Key %d: ", it->key); /* the number on the map */
	pst_esc_text(b, it->name && it->name[0] ? it->name : it->id);
	pst_buf_puts(b, "</strong> \xE2\x80\x94 ");
	pst_esc_item_facts(b, it);
	pst_buf_puts(b, ".");
	for (size_t c = 0; c < it->n_cites; c++) {
		const pst_scene_source *src =
			it->cite_number ? source_numbered(s, it->cite_number[c]) : NULL;
		pst_buf_puts(b, c ? "; " : " Sources: ");
		if (src)
			pst_buf_printf(b, "[%d]", src->number);
		else
			pst_esc_text(b, it->cite_source[c]);
		pst_buf_puts(b, " ");
		pst_esc_text(b, it->cite_locator[c]);
		if (it->cite_quote && it->cite_quote[c]) {
			pst_buf_puts(b, ": \xE2\x80\x9C");
			pst_esc_text(b, it->cite_quote[c]);
			pst_buf_puts(b, "\xE2\x80\x9D");
		}
	}
	pst_buf_puts(b, "</li>\n");
}

static void put_source_list(pst_buf *b, const posture_scene *s)
{
	if (!s->n_sources)
		return;
	pst_buf_puts(b, "<h2>Sources</h2>\n<ol>\n");
	for (size_t i = 0; i < s->n_sources; i++) {
		const pst_scene_source *src = &s->sources[i];
		char *url = pst_link_url(src->url, NULL);
		pst_buf_printf(b, "<li value=\"%d\">", src->number);
		pst_esc_text(b, src->text);
		if (url) {
			pst_buf_puts(b, " <a href=\"");
			pst_esc_attr(b, url);
			pst_buf_puts(b, "\" rel=\"noopener noreferrer\">");
			pst_esc_text(b, url);
			pst_buf_puts(b, "</a>");
		}
		pst_buf_puts(b, "</li>\n");
		free(url);
	}
	pst_buf_puts(b, "</ol>\n");
}

static void put_text_version(pst_buf *b, const posture_scene *s)
{
	pst_buf_puts(b, "<details id=\"pst-text\">\n<summary>The map as text</summary>\n<p>");
	pst_svg_description(b, s);
	pst_buf_puts(b, "</p>\n");
	for (size_t g = 0; g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		size_t n = 0;
		for (size_t i = 0; i < grp->n_items; i++)
			n += item_interactive(grp, &grp->items[i]);
		if (!n)
			continue;
		pst_buf_puts(b, "<h2>");
		pst_esc_text(b, grp->title);
		pst_buf_puts(b, "</h2>\n<ul>\n");
		for (size_t i = 0; i < grp->n_items; i++)
			if (item_interactive(grp, &grp->items[i]))
				put_text_item(b, s, &grp->items[i]);
		pst_buf_puts(b, "</ul>\n");
	}
	put_source_list(b, s);
	pst_buf_puts(b, "</details>\n");
}

/* --- the page ----------------------------------------------------------------- */

/* "'sha256-…'" for a Content-Security-Policy source list. */
static void put_csp_hash(pst_buf *b, const char *text)
{
	guint8 digest[32];
	gsize len = sizeof(digest);
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(sum, (const guchar *)text, (gssize)strlen(text));
	g_checksum_get_digest(sum, digest, &len);
	g_checksum_free(sum);
	gchar *b64 = g_base64_encode(digest, len);
	pst_buf_printf(b, "'sha256-%s'", b64);
	g_free(b64);
}

static void put_head(pst_buf *b, const posture_scene *s, const char *live)
{
	pst_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	             "script-src ");
	put_csp_hash(b, pst_html_script);
	if (live) {
		pst_buf_puts(b, " ");
		put_csp_hash(b, pst_html_live_script);
	}
	pst_buf_puts(b, "; style-src ");
	put_csp_hash(b, pst_html_style);
	if (live) {
		pst_buf_puts(b, " ");
		put_csp_hash(b, pst_html_live_style);
		pst_buf_puts(b, "; connect-src 'self'");
	}
	pst_buf_puts(b, "; img-src data:; base-uri 'none'; form-action 'none'\">\n"
	             "<meta name=\"generator\" content=\"posture\">\n<title>");
	pst_esc_text(b, s->title && s->title[0] ? s->title : "Map");
	pst_buf_puts(b, "</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>");
	pst_buf_puts(b, pst_html_style);
	pst_buf_puts(b, "</style>\n");
	if (live) {
		pst_buf_puts(b, "<style>");
		pst_buf_puts(b, pst_html_live_style);
		pst_buf_puts(b, "</style>\n");
	}
	pst_buf_puts(b, "</head>\n");
}

static void put_body(pst_buf *b, const posture_scene *s, const pst_svg_ids *ids,
                     const char *live)
{
	pst_buf_puts(b, "<body>\n<header>\n<h1>");
	pst_esc_text(b, s->title && s->title[0] ? s->title : "Map");
	pst_buf_puts(b, "</h1>\n<p>Point at or Tab to any item on the map to see its sources; "
	             "click or press Enter to keep the note open, Escape to close it.</p>\n"
	             "</header>\n<main>\n"
	             "<div id=\"pst-controls\" hidden></div>\n"
	             "<p id=\"pst-status\" role=\"status\" aria-live=\"polite\"></p>\n");
	if (live) {
		pst_buf_puts(b, "<div id=\"pst-live\" role=\"alert\" hidden data-events=\"");
		pst_esc_attr(b, live);
		pst_buf_puts(b, "\"></div>\n");
	}
	pst_buf_puts(b, "<figure>\n");
	pst_svg_document(b, s, ids, false);
	pst_buf_puts(b, "</figure>\n"
	             "<div id=\"pst-tip\" role=\"tooltip\" hidden></div>\n");
	put_text_version(b, s);
	pst_buf_puts(b, "</main>\n<footer><p>Made with posture. Every item on the map carries its "
	             "source citation.</p></footer>\n");
	put_json(b, s, ids);
	pst_buf_puts(b, "<script>");
	pst_buf_puts(b, pst_html_script);
	pst_buf_puts(b, "</script>\n");
	if (live) {
		pst_buf_puts(b, "<script>");
		pst_buf_puts(b, pst_html_live_script);
		pst_buf_puts(b, "</script>\n");
	}
	pst_buf_puts(b, "</body>\n</html>\n");
}

/*
 * Every item of the page is an SVG group with its tooltip data, so a page of
 * a million points would be hundreds of megabytes no browser keeps
 * interactive: past PST_HTML_MAX_ITEMS items the page is refused, saying so,
 * rather than written unusable (PNG, PDF and SVG draw any number).
 */
static size_t map_items(const posture_scene *s)
{
	size_t n = 0;
	for (size_t g = 0; g < s->n_groups; g++)
		if (!s->groups[g].furniture)
			for (size_t i = 0; i < s->groups[g].n_items; i++)
				n += s->groups[g].items[i].has_anchor;
	return n;
}

int pst_write_html(posture_ctx *ctx, const posture_scene *s, FILE *fp, const char *path,
                   const char *live)
{
	size_t n = map_items(s);
	if (n > PST_HTML_MAX_ITEMS)
		return pst_error(ctx, POSTURE_EDATA, path, "the map shows %zu point items; an HTML page "
		                 "stays interactive up to %d (filter the layers, or write PNG, PDF or "
		                 "SVG, which draw any number)", n, PST_HTML_MAX_ITEMS);
	pst_svg_ids ids;
	if (pst_svg_ids_make(&ids, s) != POSTURE_OK)
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory writing HTML");
	pst_buf b;
	pst_buf_init(&b);
	put_head(&b, s, live);
	put_body(&b, s, &ids, live);
	pst_svg_ids_free(&ids, s);
	int rc = POSTURE_OK;
	if (b.failed)
		rc = pst_error(ctx, POSTURE_ENOMEM, path, "out of memory writing HTML");
	else if (fwrite(b.data, 1, b.len, fp) != b.len)
		rc = pst_error(ctx, POSTURE_EIO, path, "cannot write HTML");
	pst_buf_free(&b);
	return rc;
}
