/*
 * svg.c — the structured SVG: the scene as a designer wants to receive it.
 *
 * Written from the same scene the Cairo backend paints, in the same order,
 * so it looks like the PNG; but organised for editing: one Inkscape layer
 * per scene group in drawing order (a Background layer first), every item
 * in its own group with an id from the data (svg_ids.c) and data-*
 * attributes, a <title> (name and citations) and, for cited items, a <desc>
 * (kind, date, precision, quotes).  Cairo paints every map label after all
 * map geometry, so labels live in a Labels layer above the map, one
 * sub-layer per map layer; a label's leader line is in its label group.
 * Furniture layers (title, credit, legend…) follow, each item whole; a text
 * that links somewhere (a source list entry) is inside an <a>.
 *
 * Text stays text: each label is one <text> (one <tspan> per line); its
 * halo is a <use> of that text just before it, stroked in the halo colour
 * (rather than paint-order, which Illustrator ignores), so editing the text
 * edits the halo too.  The text takes its colour from its group, so the
 * <use> can set fill="none" for its copy.  Line positions come from the same Pango layout the
 * Cairo backend draws.  Baselines are put on whole points, where Cairo's
 * image surface snaps glyphs, so the SVG rendered at 72 dpi (librsvg,
 * Chromium) matches the PNG; vector outputs differ by under half a point.
 * text-rendering="geometricPrecision" asks renderers for unhinted glyphs,
 * as Cairo draws them.
 *
 * Geometry is simplified to 0.05 pt and clipped to the map frame, so
 * nothing outside it is in the file (an outlined area to the frame grown by
 * half its outline, so no outline runs along the cut: the scene gives areas
 * cut at the frame separate outline items anyway), and written as relative
 * path data in hundredths of a point.  Symbols are whole, as Cairo draws
 * them; labels sticking out of the frame, which Cairo cuts there, get a clip
 * path on the Labels layer.  Numbers are
 * formatted from integers, never through the locale, so identical scenes
 * give byte-identical files.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "escape.h"
#include "scene/text.h"

#define SVG_TOLERANCE 0.05
#define FONT_FALLBACKS "'Helvetica Neue', Arial, sans-serif"

typedef struct {
	pst_buf *b;
	const posture_scene *s;
	const pst_svg_ids *ids;
	PangoContext *pc;   /* lays labels out exactly as the Cairo backend does */
	pst_pts clipped;    /* scratch: a clipped ring */
	bool clip;          /* the map layers need a clip path to the frame */
} svg_out;

/* --- numbers ------------------------------------------------------------- */

/*
 * @p v / 10^decimals with trailing zeros dropped ("12.3", "-0.05") into @p out
 * (at least 32 bytes), not NUL-terminated; returns its length.  @p compact
 * drops a leading zero as well (".05"), for path data.  Written by hand, not
 * through printf: path data is most of a page, millions of numbers.
 */
static size_t format_scaled(char *out, long long v, int decimals, bool compact)
{
	unsigned long long scale = decimals == 3 ? 1000 : 100;
	unsigned long long a = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	unsigned long long ip = a / scale, fp = a % scale;
	size_t len = 0;
	if (v < 0)
		out[len++] = '-';
	if (ip || !fp || !compact) {
		char digits[24];
		int n = 0;
		do
			digits[n++] = (char)('0' + ip % 10);
		while (ip /= 10);
		while (n)
			out[len++] = digits[--n];
	}
	if (fp) {
		out[len++] = '.';
		for (unsigned long long d = scale / 10; fp && d > 0; d /= 10) {
			out[len++] = (char)('0' + fp / d);
			fp %= d;
		}
	}
	return len;
}

/* Append @p v / 10^decimals as format_scaled() writes it. */
static void put_scaled(pst_buf *b, long long v, int decimals, bool compact)
{
	char text[32];
	pst_buf_add(b, text, format_scaled(text, v, decimals, compact));
}

static long long hundredths(double x)
{
	return llround(x * 100.0);
}

/* A length or position in points, to 0.01 pt. */
static void put_num(pst_buf *b, double x)
{
	put_scaled(b, hundredths(x), 2, false);
}

static void put_color(pst_buf *b, pst_rgba c)
{
	pst_buf_printf(b, "#%02x%02x%02x", (int)lround(fmin(fmax(c.r, 0), 1) * 255),
	               (int)lround(fmin(fmax(c.g, 0), 1) * 255),
	               (int)lround(fmin(fmax(c.b, 0), 1) * 255));
}

/* ` fill="#rrggbb"` (and its opacity), or ` fill="none"`. */
static void put_paint(pst_buf *b, const char *what, pst_rgba c)
{
	if (c.a <= 0) {
		pst_buf_printf(b, " %s=\"none\"", what);
		return;
	}
	pst_buf_printf(b, " %s=\"", what);
	put_color(b, c);
	pst_buf_puts(b, "\"");
	if (c.a < 1) {
		pst_buf_printf(b, " %s-opacity=\"", what);
		put_scaled(b, llround(c.a * 1000), 3, false);
		pst_buf_puts(b, "\"");
	}
}

static void put_attr_num(pst_buf *b, const char *name, double v)
{
	pst_buf_printf(b, " %s=\"", name);
	put_num(b, v);
	pst_buf_puts(b, "\"");
}

/* --- path data ------------------------------------------------------------ */

/* Append one coordinate, with a separator unless its sign separates it. */
static void put_coord(pst_buf *b, long long v, bool first)
{
	char text[33];
	size_t len = 0;
	if (!first && v >= 0)
		text[len++] = ' ';
	len += format_scaled(text + len, v, 2, true);
	pst_buf_add(b, text, len);
}

/*
 * Append a subpath: the points rounded to 0.01 pt, repeats dropped, then
 * "M x y" and relative "l" steps (exact: the steps are between rounded
 * points).  Degenerate pieces (a ring of fewer than 3 points, a line of one)
 * are left out.
 */
static void put_subpath(pst_buf *b, const double *xy, size_t n, bool closed)
{
	long long *p = malloc((n ? n : 1) * 2 * sizeof(*p));
	if (!p) {
		b->failed = true;
		return;
	}
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		long long x = hundredths(xy[2 * i]), y = hundredths(xy[2 * i + 1]);
		if (m && p[2 * m - 2] == x && p[2 * m - 1] == y)
			continue;
		p[2 * m] = x;
		p[2 * m + 1] = y;
		m++;
	}
	if (closed && m > 1 && p[0] == p[2 * m - 2] && p[1] == p[2 * m - 1])
		m--;
	if (m >= (closed ? 3u : 2u)) {
		pst_buf_puts(b, "M");
		put_coord(b, p[0], true);
		put_coord(b, p[1], false);
		pst_buf_puts(b, "l");
		for (size_t i = 1; i < m; i++) {
			put_coord(b, p[2 * i] - p[2 * i - 2], i == 1);
			put_coord(b, p[2 * i + 1] - p[2 * i - 1], false);
		}
		if (closed)
			pst_buf_puts(b, "z");
	}
	free(p);
}

static int line_piece(void *user, const double *xy, size_t n)
{
	put_subpath(user, xy, n, false);
	return POSTURE_OK;
}

/* The path data of @p it, simplified and clipped to @p frame. */
static void put_item_path(svg_out *o, const pst_item *it, const pst_box *frame)
{
	double grow = it->closed && it->style.stroke_width > 0 ? it->style.stroke_width / 2 + 0.05 : 0;
	pst_box box = { frame->x0 - grow, frame->y0 - grow, frame->x1 + grow, frame->y1 + grow };
	for (size_t k = 0; k < it->n_parts; k++) {
		double *xy;
		size_t n = pst_scene_part_simplified(&xy, it, k, SVG_TOLERANCE);
		if (n && it->closed) {
			if (pst_clip_ring(&o->clipped, xy, n, &box) != POSTURE_OK)
				o->b->failed = true;
			else
				put_subpath(o->b, o->clipped.xy, o->clipped.n, true);
		} else if (n && pst_clip_line(xy, n, &box, line_piece, o->b) != POSTURE_OK) {
			o->b->failed = true;
		}
		free(xy);
	}
}

/* --- shapes ------------------------------------------------------------- */

static void put_stroke(pst_buf *b, const pst_style *st)
{
	put_paint(b, "stroke", st->stroke);
	put_attr_num(b, "stroke-width", st->stroke_width);
	if (st->n_dash >= 1) {
		pst_buf_puts(b, " stroke-dasharray=\"");
		put_num(b, st->dash[0]);
		pst_buf_puts(b, ",");
		put_num(b, st->n_dash >= 2 ? st->dash[1] : st->dash[0]);
		pst_buf_puts(b, "\"");
	}
}

/*
 * An area (filled even-odd, outlined) or a line (stroked), as Cairo paints
 * it: map items within the map frame, furniture within the page.
 */
static void put_geometry(svg_out *o, const pst_item *it, bool furniture)
{
	pst_buf *b = o->b;
	size_t start = b->len;
	pst_box page = { 0, 0, o->s->width, o->s->height };
	pst_buf_puts(b, "<path d=\"");
	size_t data = b->len;
	put_item_path(o, it, furniture ? &page : &o->s->map_box);
	if (b->len == data) {
		b->len = start; /* nothing of it is on the page */
		if (b->data)
			b->data[start] = '\0';
		return;
	}
	pst_buf_puts(b, "\"");
	bool filled = it->closed && it->style.fill.a > 0;
	put_paint(b, "fill", filled ? it->style.fill : (pst_rgba){ 0, 0, 0, 0 });
	if (filled)
		pst_buf_puts(b, " fill-rule=\"evenodd\"");
	if (it->style.stroke_width > 0 && it->style.stroke.a > 0)
		put_stroke(b, &it->style);
	pst_buf_puts(b, "/>");
}

static void put_point(pst_buf *b, double x, double y, bool first)
{
	pst_buf_puts(b, first ? "M" : " ");
	put_num(b, x);
	pst_buf_puts(b, " ");
	put_num(b, y);
}

/*
 * The corners of a polygon symbol, as cairo_paint.c's symbol_path() draws
 * it, into @p xy (x, y pairs); returns how many (0: a circle).
 */
static size_t symbol_corners(const pst_item *it, double xy[24])
{
	double r = it->symbol_size / 2, a = r * 0.34; /* a: half a cross arm */
	static const double tri[3][2] = { { 0, -1 }, { 1, 0.8 }, { -1, 0.8 } };
	static const double down[3][2] = { { 0, 1 }, { 1, -0.8 }, { -1, -0.8 } };
	static const double dia[4][2] = { { 0, -1 }, { 1, 0 }, { 0, 1 }, { -1, 0 } };
	static const double sq[4][2] = { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, 1 } };
	const double (*unit)[2] = NULL;
	size_t n = 0;
	switch (it->symbol) {
	case PST_SYMBOL_SQUARE: unit = sq; n = 4; break;
	case PST_SYMBOL_TRIANGLE: unit = tri; n = 3; break;
	case PST_SYMBOL_TRIANGLE_DOWN: unit = down; n = 3; break;
	case PST_SYMBOL_DIAMOND: unit = dia; n = 4; break;
	case PST_SYMBOL_STAR:
		for (int i = 0; i < 10; i++) {
			double t = -PST_PI / 2 + i * PST_PI / 5, rr = i % 2 ? r * 0.45 : r;
			xy[2 * i] = it->ax + rr * cos(t);
			xy[2 * i + 1] = it->ay + rr * sin(t);
		}
		return 10;
	case PST_SYMBOL_CROSS: {
		const double c[12][2] = { { -a, -r }, { a, -r }, { a, -a }, { r, -a }, { r, a },
			                  { a, a },   { a, r },  { -a, r }, { -a, a }, { -r, a },
			                  { -r, -a }, { -a, -a } };
		for (int i = 0; i < 12; i++) {
			xy[2 * i] = it->ax + c[i][0];
			xy[2 * i + 1] = it->ay + c[i][1];
		}
		return 12;
	}
	default:
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		xy[2 * i] = it->ax + r * unit[i][0];
		xy[2 * i + 1] = it->ay + r * unit[i][1];
	}
	return n;
}

static void put_polygon(pst_buf *b, const double *xy, size_t n)
{
	pst_buf_puts(b, "<path d=\"");
	for (size_t i = 0; i < n; i++)
		put_point(b, xy[2 * i], xy[2 * i + 1], i == 0);
	pst_buf_puts(b, "z\"");
}

/* The symbol's outline, as cairo_paint.c's symbol_path() draws it. */
static void put_symbol_shape(pst_buf *b, const pst_item *it)
{
	double r = it->symbol_size / 2, x = it->ax, y = it->ay, xy[24];
	size_t n = symbol_corners(it, xy);
	if (it->symbol == PST_SYMBOL_SQUARE) {
		pst_buf_puts(b, "<rect");
		put_attr_num(b, "x", x - r);
		put_attr_num(b, "y", y - r);
		put_attr_num(b, "width", 2 * r);
		put_attr_num(b, "height", 2 * r);
	} else if (n) {
		put_polygon(b, xy, n);
	} else {
		pst_buf_puts(b, "<circle");
		put_attr_num(b, "cx", x);
		put_attr_num(b, "cy", y);
		put_attr_num(b, "r", r);
	}
}

/* A half-filled symbol's left half, in its outline colour, under the outline. */
static void put_symbol_half(svg_out *o, const pst_item *it)
{
	pst_buf *b = o->b;
	double r = it->symbol_size / 2, xy[24];
	size_t n = symbol_corners(it, xy);
	if (n) {
		pst_box left = { it->ax - 2 * r, it->ay - 2 * r, it->ax, it->ay + 2 * r };
		if (pst_clip_ring(&o->clipped, xy, n, &left) != POSTURE_OK || o->clipped.n < 3) {
			b->failed = b->failed || o->clipped.n >= 3;
			return;
		}
		put_polygon(b, o->clipped.xy, o->clipped.n);
	} else {
		pst_buf_puts(b, "<path d=\"");
		put_point(b, it->ax, it->ay - r, true);
		pst_buf_puts(b, "A");
		put_num(b, r);
		pst_buf_puts(b, " ");
		put_num(b, r);
		pst_buf_puts(b, " 0 0 0 ");
		put_num(b, it->ax);
		pst_buf_puts(b, " ");
		put_num(b, it->ay + r);
		pst_buf_puts(b, "z\"");
	}
	put_paint(b, "fill", it->style.stroke);
	pst_buf_puts(b, "/>");
}

static void put_symbol_stroke(pst_buf *b, const pst_item *it)
{
	if (it->style.stroke_width > 0 && it->style.stroke.a > 0) {
		put_stroke(b, &it->style);
		pst_buf_puts(b, " stroke-linejoin=\"miter\" stroke-miterlimit=\"10\"");
	}
	pst_buf_puts(b, "/>");
}

/* One element, filled and outlined; a half-filled symbol adds its half
 * between the fill and the outline. */
static void put_symbol(svg_out *o, const pst_item *it)
{
	pst_buf *b = o->b;
	put_symbol_shape(b, it);
	put_paint(b, "fill", it->style.fill);
	if (!it->symbol_half) {
		put_symbol_stroke(b, it);
		return;
	}
	pst_buf_puts(b, "/>");
	put_symbol_half(o, it);
	put_symbol_shape(b, it);
	pst_buf_puts(b, " fill=\"none\"");
	put_symbol_stroke(b, it);
}

static void put_text_n(pst_buf *b, const char *s, size_t n)
{
	char *part = pst_strndup(s, n);
	if (!part) {
		b->failed = true;
		return;
	}
	pst_esc_text(b, part);
	free(part);
}

/*
 * The position and content of @p l's text: for one line ` x=".." y="..">text`,
 * for several `>` then a <tspan> per line, each at the baseline and left
 * edge Pango gives it.
 */
static void put_text_lines(pst_buf *b, PangoContext *pc, const pst_label *l)
{
	PangoLayout *layout = pst_text_layout(pc, l);
	const char *text = pango_layout_get_text(layout);
	bool multi = pango_layout_get_line_count(layout) > 1;
	PangoLayoutIter *iter = pango_layout_get_iter(layout);
	if (multi)
		pst_buf_puts(b, ">");
	do {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(iter);
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(iter, NULL, &logical);
		double x = l->x + (double)logical.x / PANGO_SCALE;
		double y = round(l->y + (double)pango_layout_iter_get_baseline(iter) / PANGO_SCALE);
		if (multi && line->length == 0)
			continue;
		pst_buf_puts(b, multi ? "<tspan" : "");
		put_attr_num(b, "x", x);
		put_attr_num(b, "y", y);
		pst_buf_puts(b, ">");
		size_t len = (size_t)line->length; /* a wrapped line keeps its last space: drop it */
		while (len && text[line->start_index + len - 1] == ' ')
			len--;
		put_text_n(b, text + line->start_index, len);
		pst_buf_puts(b, multi ? "</tspan>" : "");
	} while (pango_layout_iter_next_line(iter));
	pango_layout_iter_free(iter);
	g_object_unref(layout);
}

/*
 * The family Pango actually draws @p l with (the theme may name an alias
 * such as "sans-serif", or nothing), so that every SVG renderer picks the
 * same face.  Caller frees.
 */
static char *resolved_family(PangoContext *pc, const pst_label *l)
{
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, l->family ? l->family : "");
	pango_font_description_set_weight(fd, l->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_style(fd, l->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
	pango_font_description_set_absolute_size(fd, l->size * PANGO_SCALE);
	PangoFont *font = pango_context_load_font(pc, fd);
	pango_font_description_free(fd);
	char *family = NULL;
	if (font) {
		PangoFontDescription *used = pango_font_describe(font);
		const char *name = pango_font_description_get_family(used);
		family = name ? pst_strdup(name) : NULL;
		pango_font_description_free(used);
		g_object_unref(font);
	}
	return family;
}

/* One family name in a font-family list, quoted (quotes inside dropped). */
static void put_family_name(pst_buf *b, const char *name)
{
	char *copy = pst_strdup(name);
	if (!copy) {
		b->failed = true;
		return;
	}
	size_t n = 0;
	for (const char *p = name; *p; p++)
		if (*p != '\'' && *p != '"' && *p != '\\')
			copy[n++] = *p;
	copy[n] = '\0';
	pst_buf_puts(b, "'");
	pst_esc_attr(b, copy);
	pst_buf_puts(b, "', ");
	free(copy);
}

/* Font attributes shared by a label and its halo. */
static void put_font(pst_buf *b, PangoContext *pc, const pst_label *l)
{
	char *used = resolved_family(pc, l);
	pst_buf_puts(b, " font-family=\"");
	if (used && used[0])
		put_family_name(b, used);
	if (l->family && l->family[0] && (!used || strcmp(used, l->family) != 0))
		put_family_name(b, l->family);
	pst_buf_puts(b, FONT_FALLBACKS "\"");
	free(used);
	put_attr_num(b, "font-size", l->size);
	if (l->bold)
		pst_buf_puts(b, " font-weight=\"bold\"");
	if (l->italic)
		pst_buf_puts(b, " font-style=\"italic\"");
	if (l->letter_spacing > 0)
		put_attr_num(b, "letter-spacing", l->letter_spacing);
	if (strstr(l->text, "  ") || l->text[0] == ' ')
		pst_buf_puts(b, " xml:space=\"preserve\"");
}

/*
 * The label @p l as <text id="@p id"> preceded by its halo: a <use> of the
 * same text stroked in the halo colour.  The text has no fill of its own; it
 * inherits its colour from the enclosing group (put_text_fill), which the
 * <use> overrides for its copy with fill="none".
 */
static void put_label_text(svg_out *o, const pst_label *l, const char *id)
{
	pst_buf lines, font;
	pst_buf_init(&lines);
	pst_buf_init(&font);
	put_text_lines(&lines, o->pc, l);
	put_font(&font, o->pc, l);
	if (lines.failed || !lines.data || font.failed || !font.data || !id) {
		o->b->failed = true;
	} else {
		if (l->halo.a > 0 && l->halo_width > 0) {
			pst_buf_printf(o->b, "<use xlink:href=\"#%s\" fill=\"none\"", id);
			put_paint(o->b, "stroke", l->halo);
			put_attr_num(o->b, "stroke-width", 2 * l->halo_width);
			pst_buf_puts(o->b, " stroke-linejoin=\"round\"/>");
		}
		pst_buf_printf(o->b, "<text id=\"%s\"%s%s</text>", id, font.data, lines.data);
	}
	pst_buf_free(&lines);
	pst_buf_free(&font);
}

/* The colour of the label text in a group, on the group (see put_label_text). */
static void put_text_fill(pst_buf *b, const pst_label *l)
{
	put_paint(b, "fill", l->color);
}

static void put_leader(svg_out *o, const pst_label *l)
{
	pst_buf *b = o->b;
	for (int pass = l->halo.a > 0 ? 0 : 1; pass < 2; pass++) {
		pst_buf_puts(b, "<path d=\"");
		put_point(b, l->leader[0], l->leader[1], true);
		put_point(b, l->leader[2], l->leader[3], false);
		pst_buf_puts(b, "\" fill=\"none\"");
		put_paint(b, "stroke", pass ? o->s->leader_color : l->halo);
		put_attr_num(b, "stroke-width", pass ? o->s->leader_width
		                                     : o->s->leader_width + 2 * l->halo_width * 0.6);
		pst_buf_puts(b, "/>");
	}
}

/* --- items ---------------------------------------------------------------- */

static const pst_scene_source *source_numbered(const posture_scene *s, int number)
{
	for (size_t i = 0; i < s->n_sources; i++)
		if (s->sources[i].number == number)
			return &s->sources[i];
	return NULL;
}

/* The scene's source of citation @p c of @p it, or NULL (not numbered). */
static const pst_scene_source *cited_source(const posture_scene *s, const pst_item *it, size_t c)
{
	return it->cite_number ? source_numbered(s, it->cite_number[c]) : NULL;
}

/* Whether citation @p c names the same source as an earlier one. */
static bool source_seen(const pst_item *it, size_t c)
{
	for (size_t k = 0; k < c; k++)
		if (!strcmp(it->cite_source[k], it->cite_source[c]))
			return true;
	return false;
}

/* Whether citation @p c repeats an earlier one's source and locator. */
static bool locator_seen(const pst_item *it, size_t c)
{
	for (size_t k = 0; k < c; k++)
		if (!strcmp(it->cite_source[k], it->cite_source[c]) &&
		    !strcmp(it->cite_locator[k], it->cite_locator[c]))
			return true;
	return false;
}

/* "[2] Full citation. Cited: p. 53; para. 4." for the source of citation @p c. */
static void put_source_line(pst_buf *b, const posture_scene *s, const pst_item *it, size_t c)
{
	const pst_scene_source *src = cited_source(s, it, c);
	if (src) {
		pst_buf_printf(b, "[%d] ", src->number);
		pst_esc_text(b, src->text);
	} else {
		pst_esc_text(b, it->cite_source[c]);
	}
	const char *sep = " Cited: ";
	for (size_t k = c; k < it->n_cites; k++) {
		if (strcmp(it->cite_source[k], it->cite_source[c]) != 0 || locator_seen(it, k) ||
		    !it->cite_locator[k][0])
			continue;
		pst_buf_puts(b, sep);
		pst_esc_text(b, it->cite_locator[k]);
		sep = "; ";
	}
	pst_buf_puts(b, sep[0] == ';' ? "." : "");
	char *url = src ? pst_link_url(src->url, NULL) : NULL;
	if (url) {
		pst_buf_puts(b, " ");
		pst_esc_text(b, url);
	}
	free(url);
}

/* "“quote” ([2], p. 53)" for citation @p c. */
static void put_quote(pst_buf *b, const posture_scene *s, const pst_item *it, size_t c)
{
	const pst_scene_source *src = cited_source(s, it, c);
	pst_buf_puts(b, "\n\xE2\x80\x9C");
	pst_esc_text(b, it->cite_quote[c]);
	pst_buf_puts(b, "\xE2\x80\x9D (");
	if (src)
		pst_buf_printf(b, "[%d]", src->number);
	else
		pst_esc_text(b, it->cite_source[c]);
	if (it->cite_locator[c][0]) {
		pst_buf_puts(b, ", ");
		pst_esc_text(b, it->cite_locator[c]);
	}
	pst_buf_puts(b, ")");
}

/*
 * <title>: the name, then each source cited with its full citation and
 * locators; <desc>: kind, date, precision, and every supporting quote.
 */
static void put_item_meta(svg_out *o, const pst_item *it)
{
	pst_buf *b = o->b;
	if ((!it->name || !it->name[0]) && !it->n_cites)
		return;
	pst_buf_puts(b, "<title>");
	pst_esc_text(b, it->name && it->name[0] ? it->name : it->id);
	for (size_t c = 0; c < it->n_cites; c++) {
		if (source_seen(it, c))
			continue;
		pst_buf_puts(b, c ? "\n" : "\nSources:\n");
		put_source_line(b, o->s, it, c);
	}
	pst_buf_puts(b, "</title>");
	if (!it->n_cites)
		return;
	pst_buf_puts(b, "<desc>");
	pst_esc_item_facts(b, it);
	for (size_t c = 0; it->cite_quote && c < it->n_cites; c++)
		if (it->cite_quote[c] && it->cite_quote[c][0])
			put_quote(b, o->s, it, c);
	pst_buf_puts(b, "</desc>");
}

bool pst_svg_item_drawn(const pst_group *g, const pst_item *it)
{
	return it->n_parts || (it->has_anchor && it->symbol != PST_SYMBOL_NONE) ||
	       (g->furniture && it->label);
}

static void put_data_attrs(pst_buf *b, const char *layer, const pst_item *it)
{
	pst_buf_puts(b, " data-layer=\"");
	pst_esc_attr(b, layer);
	pst_buf_puts(b, "\" data-id=\"");
	pst_esc_attr(b, it->id);
	pst_buf_puts(b, "\" data-kind=\"");
	pst_esc_attr(b, it->kind);
	pst_buf_puts(b, "\"");
	if (it->date) {
		pst_buf_puts(b, " data-date=\"");
		pst_esc_attr(b, it->date);
		pst_buf_puts(b, "\"");
	}
}

/* A furniture text, inside a link when it has one (a source list entry). */
static void put_linked_text(svg_out *o, const pst_item *it, const char *id)
{
	char *url = pst_link_url(it->link, NULL);
	if (url) {
		pst_buf_puts(o->b, "<a xlink:href=\"");
		pst_esc_attr(o->b, url);
		pst_buf_puts(o->b, "\">");
	}
	put_label_text(o, it->label, id);
	if (url)
		pst_buf_puts(o->b, "</a>");
	free(url);
}

/* The item's own group: geometry and symbol (and, in furniture, its text). */
static void put_item(svg_out *o, size_t g, size_t i)
{
	const pst_group *grp = &o->s->groups[g];
	const pst_item *it = &grp->items[i];
	if (!pst_svg_item_drawn(grp, it))
		return;
	pst_buf *b = o->b;
	size_t k = o->ids->first[g] + i;
	pst_buf_printf(b, "<g id=\"%s\"", o->ids->item[k]);
	put_data_attrs(b, o->ids->layer[g], it);
	if (grp->furniture && it->label)
		put_text_fill(b, it->label);
	pst_buf_puts(b, ">");
	put_item_meta(o, it);
	if (it->n_parts)
		put_geometry(o, it, grp->furniture);
	if (it->has_anchor && it->symbol != PST_SYMBOL_NONE)
		put_symbol(o, it);
	if (grp->furniture && it->label)
		put_linked_text(o, it, o->ids->text[k]);
	pst_buf_puts(b, "</g>\n");
}

static void put_label_group(svg_out *o, size_t g, size_t i)
{
	const pst_item *it = &o->s->groups[g].items[i];
	size_t k = o->ids->first[g] + i;
	pst_buf *b = o->b;
	pst_buf_printf(b, "<g id=\"%s\"", o->ids->label[k]);
	put_data_attrs(b, o->ids->layer[g], it);
	pst_buf_printf(b, " data-item=\"%s\"", o->ids->item[k]);
	put_text_fill(b, it->label);
	pst_buf_puts(b, ">");
	put_item_meta(o, it);
	if (it->label->has_leader)
		put_leader(o, it->label);
	put_label_text(o, it->label, o->ids->text[k]);
	pst_buf_puts(b, "</g>\n");
}

/* --- layers --------------------------------------------------------------- */

/*
 * Open a layer.  @p top layers set Cairo's round caps and joins for what they
 * hold; @p clip ones are cut to the frame (see needs_clip()).
 */
static void open_layer(pst_buf *b, const char *id, const char *label, bool top, bool clip)
{
	pst_buf_printf(b, "<g id=\"%s\" inkscape:groupmode=\"layer\" inkscape:label=\"", id);
	pst_esc_attr(b, label);
	pst_buf_puts(b, "\"");
	if (clip)
		pst_buf_puts(b, " clip-path=\"url(#map-clip)\"");
	pst_buf_puts(b, top ? " stroke-linecap=\"round\" stroke-linejoin=\"round\">\n" : ">\n");
}

static bool box_outside(const pst_box *b, const pst_box *frame)
{
	return b->x0 < frame->x0 - 0.01 || b->y0 < frame->y0 - 0.01 || b->x1 > frame->x1 + 0.01 ||
	       b->y1 > frame->y1 + 0.01;
}

/*
 * Geometry is clipped to the frame point by point, and symbols are drawn
 * whole (as Cairo draws them); but a label can stick out of the frame, and
 * Cairo cuts labels there: only then does the Labels layer get a clip path
 * (designers dislike clipping groups).
 */
static bool needs_clip(const posture_scene *s)
{
	for (size_t g = 0; g < s->n_groups; g++) {
		for (size_t i = 0; !s->groups[g].furniture && i < s->groups[g].n_items; i++) {
			const pst_item *it = &s->groups[g].items[i];
			if (it->label && box_outside(&it->label->box, &s->map_box))
				return true;
		}
	}
	return false;
}

/* Whether the group draws anything in its own layer (country names draw
 * only labels, which live in the Labels layer). */
static bool layer_drawn(const pst_group *grp)
{
	for (size_t i = 0; i < grp->n_items; i++)
		if (pst_svg_item_drawn(grp, &grp->items[i]))
			return true;
	return false;
}

/* --- dense layers ---------------------------------------------------------- */

static bool same_rgba(pst_rgba a, pst_rgba b)
{
	return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

static bool same_look(const pst_item *a, const pst_item *b)
{
	return a->symbol == b->symbol && a->symbol_size == b->symbol_size &&
	       a->symbol_half == b->symbol_half && same_rgba(a->style.fill, b->style.fill) &&
	       same_rgba(a->style.stroke, b->style.stroke) &&
	       a->style.stroke_width == b->style.stroke_width;
}

/* A symbol as one subpath: its corners, or a circle as two arcs. */
static void put_symbol_subpath(pst_buf *b, const pst_item *it)
{
	double xy[24];
	size_t n = symbol_corners(it, xy);
	if (n) {
		put_subpath(b, xy, n, true);
		return;
	}
	double r = it->symbol_size / 2;
	pst_buf_puts(b, "M");
	put_coord(b, hundredths(it->ax - r), true);
	put_coord(b, hundredths(it->ay), false);
	pst_buf_puts(b, "a");
	put_num(b, r);
	pst_buf_puts(b, " ");
	put_num(b, r);
	pst_buf_puts(b, " 0 1 0 ");
	put_num(b, 2 * r);
	pst_buf_puts(b, " 0a");
	put_num(b, r);
	pst_buf_puts(b, " ");
	put_num(b, r);
	pst_buf_puts(b, " 0 1 0 ");
	put_num(b, -2 * r);
	pst_buf_puts(b, " 0z");
}

/*
 * A layer of more than PST_SYMBOL_BATCH_MIN symbols, as Cairo draws it
 * (cairo_dense.c): its areas one path per colour, then one path per look
 * of symbol, each with a data-kind and the number of items it draws.  The
 * items are no longer elements of their own (the map data and `posture
 * list` keep each one with its citations).
 */
static void put_dense_layer(svg_out *o, const pst_group *grp)
{
	pst_buf *b = o->b;
	bool *done = calloc(grp->n_items + 1, sizeof(bool));
	if (!done) {
		b->failed = true;
		return;
	}
	for (size_t i = 0; i < grp->n_items; i++) {
		const pst_item *look = &grp->items[i];
		bool area = !look->has_anchor && look->n_parts && look->closed &&
		            !(look->style.stroke_width > 0);
		bool symbol = look->has_anchor && look->symbol != PST_SYMBOL_NONE && !look->symbol_half;
		if (done[i] || (!area && !symbol))
			continue;
		size_t n = 0;
		pst_buf_printf(b, "<path data-kind=\"%s\" d=\"", area ? "uncertainty" : look->kind);
		for (size_t j = i; j < grp->n_items; j++) {
			const pst_item *it = &grp->items[j];
			bool same = area ? !it->has_anchor && it->n_parts && it->closed &&
			                   !(it->style.stroke_width > 0) &&
			                   same_rgba(it->style.fill, look->style.fill)
			                 : it->has_anchor && same_look(look, it);
			if (done[j] || !same)
				continue;
			done[j] = true;
			n++;
			if (area)
				put_item_path(o, it, &o->s->map_box);
			else
				put_symbol_subpath(b, it);
		}
		pst_buf_printf(b, "\" data-items=\"%zu\"", n);
		put_paint(b, "fill", look->style.fill);
		if (area)
			pst_buf_puts(b, "/>\n");
		else
			put_symbol_stroke(b, look), pst_buf_puts(b, "\n");
	}
	for (size_t i = 0; i < grp->n_items; i++) /* what is left: item by item */
		if (!done[i] && pst_svg_item_drawn(grp, &grp->items[i]))
			put_item(o, (size_t)(grp - o->s->groups), i);
	free(done);
}

static bool dense(const pst_group *grp)
{
	size_t n = 0;
	for (size_t i = 0; i < grp->n_items && n <= PST_SYMBOL_BATCH_MIN; i++)
		n += grp->items[i].has_anchor && grp->items[i].symbol != PST_SYMBOL_NONE;
	return n > PST_SYMBOL_BATCH_MIN;
}

static void put_map_layers(svg_out *o)
{
	for (size_t g = 0; g < o->s->n_groups; g++) {
		const pst_group *grp = &o->s->groups[g];
		if (grp->furniture || !layer_drawn(grp))
			continue; /* no empty layers: a designer would look for what is not there */
		open_layer(o->b, o->ids->layer[g], grp->title, true, false);
		if (dense(grp)) {
			put_dense_layer(o, grp);
			pst_buf_puts(o->b, "</g>\n");
			continue;
		}
		for (size_t i = 0; i < grp->n_items; i++)
			put_item(o, g, i);
		pst_buf_puts(o->b, "</g>\n");
	}
}

static void put_labels_layer(svg_out *o)
{
	open_layer(o->b, o->ids->labels, "Labels", true, o->clip);
	for (size_t g = 0; g < o->s->n_groups; g++) {
		const pst_group *grp = &o->s->groups[g];
		if (!o->ids->label_layer[g])
			continue;
		char *title = pst_asprintf("%s labels", grp->title);
		open_layer(o->b, o->ids->label_layer[g], title ? title : grp->name, false, false);
		free(title);
		for (size_t i = 0; i < grp->n_items; i++)
			if (grp->items[i].label)
				put_label_group(o, g, i);
		pst_buf_puts(o->b, "</g>\n");
	}
	pst_buf_puts(o->b, "</g>\n");
}

static void put_furniture(svg_out *o)
{
	for (size_t g = 0; g < o->s->n_groups; g++) {
		const pst_group *grp = &o->s->groups[g];
		if (!grp->furniture)
			continue;
		open_layer(o->b, o->ids->layer[g], grp->title, true, false);
		for (size_t i = 0; i < grp->n_items; i++)
			put_item(o, g, i);
		pst_buf_puts(o->b, "</g>\n");
	}
}

/* --- document -------------------------------------------------------------- */

static void put_lon_lat(pst_buf *b, double v, const char *pos, const char *neg)
{
	pst_buf_printf(b, "%ld\xC2\xB0%s", lround(fabs(v)), v < 0 ? neg : pos);
}

void pst_svg_description(pst_buf *b, const posture_scene *s)
{
	if (s->description && s->description[0]) {
		pst_esc_text(b, s->description);
		return;
	}
	/* The scene has none: say the region, the layers and their item counts. */
	pst_buf_puts(b, "Map of the region from ");
	put_lon_lat(b, s->extent[0], "E", "W");
	pst_buf_puts(b, " to ");
	put_lon_lat(b, s->extent[2], "E", "W");
	pst_buf_puts(b, " and ");
	put_lon_lat(b, s->extent[1], "N", "S");
	pst_buf_puts(b, " to ");
	put_lon_lat(b, s->extent[3], "N", "S");
	pst_buf_puts(b, ". Layers:");
	bool first = true;
	for (size_t g = 0; g < s->n_groups; g++) {
		if (s->groups[g].furniture)
			continue;
		pst_buf_puts(b, first ? " " : ", ");
		pst_esc_text(b, s->groups[g].title);
		pst_buf_printf(b, " (%zu)", s->groups[g].n_items);
		first = false;
	}
	pst_buf_puts(b, ".");
}

static void put_header(pst_buf *b, const posture_scene *s, bool standalone)
{
	if (standalone)
		pst_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	pst_buf_puts(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	             "xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
	             "xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\" version=\"1.1\""
	             " text-rendering=\"geometricPrecision\"");
	pst_buf_puts(b, " width=\"");
	put_num(b, s->width);
	pst_buf_puts(b, "pt\" height=\"");
	put_num(b, s->height);
	pst_buf_puts(b, "pt\" viewBox=\"0 0 ");
	put_num(b, s->width);
	pst_buf_puts(b, " ");
	put_num(b, s->height);
	pst_buf_puts(b, "\"");
	if (!standalone)
		pst_buf_puts(b, " id=\"pst-map\" role=\"group\" aria-labelledby=\"map-title\""
		             " aria-describedby=\"map-desc\"");
	pst_buf_puts(b, ">\n<title id=\"map-title\">");
	pst_esc_text(b, s->title && s->title[0] ? s->title : "Map");
	pst_buf_puts(b, "</title>\n<desc id=\"map-desc\">");
	pst_svg_description(b, s);
	pst_buf_puts(b, "</desc>\n");
}

static void put_rect(pst_buf *b, const pst_box *r, pst_rgba fill)
{
	pst_buf_puts(b, "<rect");
	if (r->x0 != 0)
		put_attr_num(b, "x", r->x0);
	if (r->y0 != 0)
		put_attr_num(b, "y", r->y0);
	put_attr_num(b, "width", r->x1 - r->x0);
	put_attr_num(b, "height", r->y1 - r->y0);
	put_paint(b, "fill", fill);
	pst_buf_puts(b, "/>\n");
}

/* The paper, the map's ground in its frame, and the frame's clip path if needed. */
static void put_background(pst_buf *b, const posture_scene *s, bool clip)
{
	pst_box page = { 0, 0, s->width, s->height };
	if (clip) {
		pst_buf_puts(b, "<defs><clipPath id=\"map-clip\">");
		put_rect(b, &s->map_box, (pst_rgba){ 0, 0, 0, 1 });
		pst_buf_puts(b, "</clipPath></defs>\n");
	}
	open_layer(b, "background", "Background", false, false);
	if (s->page_color.a > 0)
		put_rect(b, &page, s->page_color);
	put_rect(b, &s->map_box, s->background);
	pst_buf_puts(b, "</g>\n");
}

void pst_svg_document(pst_buf *out, const posture_scene *s, const pst_svg_ids *ids,
                      bool standalone)
{
	svg_out o = { .b = out, .s = s, .ids = ids };
	o.pc = pst_text_context_new();
	if (!o.pc) {
		out->failed = true;
		return;
	}
	o.clip = needs_clip(s);
	put_header(out, s, standalone);
	put_background(out, s, o.clip);
	put_map_layers(&o);
	put_labels_layer(&o);
	put_furniture(&o);
	pst_buf_puts(out, "</svg>\n");
	pst_pts_free(&o.clipped);
	g_object_unref(o.pc);
}

int pst_write_svg(posture_ctx *ctx, const posture_scene *s, FILE *fp, const char *path)
{
	pst_svg_ids ids;
	if (pst_svg_ids_make(&ids, s) != POSTURE_OK)
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory writing SVG");
	pst_buf b;
	pst_buf_init(&b);
	pst_svg_document(&b, s, &ids, true);
	pst_svg_ids_free(&ids, s);
	int rc = POSTURE_OK;
	if (b.failed)
		rc = pst_error(ctx, POSTURE_ENOMEM, path, "out of memory writing SVG");
	else if (fwrite(b.data, 1, b.len, fp) != b.len)
		rc = pst_error(ctx, POSTURE_EIO, path, "cannot write SVG");
	pst_buf_free(&b);
	return rc;
}
