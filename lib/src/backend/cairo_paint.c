/*
 * cairo_paint.c — painting a scene with Cairo, for every Cairo surface
 * (image for PNG, PDF, SVG).
 *
 * Order: ground, then each layer's items (areas filled then outlined, lines
 * stroked, clipped to the frame; then its point symbols, whole), then leader
 * lines, then every label with its halo
 * (a stroked copy of the glyph outlines under the filled text), then the
 * furniture groups, each drawn whole.
 * Geometry is simplified to the caller's tolerance here, after clipping, so
 * no coordinate reaching Cairo lies far outside the surface.
 */
#include <math.h>
#include <stdlib.h>

#include "backend.h"
#include "scene/text.h"

int pst_cairo_code(cairo_status_t st)
{
	return st == CAIRO_STATUS_WRITE_ERROR ? POSTURE_EIO
	     : st == CAIRO_STATUS_NO_MEMORY ? POSTURE_ENOMEM : POSTURE_EDATA;
}

static void set_color(cairo_t *cr, pst_rgba c)
{
	cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

void pst_cairo_item_path(cairo_t *cr, const pst_item *it, double tol)
{
	for (size_t k = 0; k < it->n_parts; k++) {
		double *xy;
		size_t n = pst_scene_part_simplified(&xy, it, k, tol);
		for (size_t i = 0; i < n; i++) {
			if (i == 0)
				cairo_move_to(cr, xy[0], xy[1]);
			else
				cairo_line_to(cr, xy[2 * i], xy[2 * i + 1]);
		}
		if (n && it->closed)
			cairo_close_path(cr);
		free(xy);
	}
}

static void stroke_style(cairo_t *cr, const pst_style *st)
{
	set_color(cr, st->stroke);
	cairo_set_line_width(cr, st->stroke_width);
	cairo_set_dash(cr, st->dash, st->n_dash, 0);
}

void pst_cairo_paint_geometry(cairo_t *cr, const pst_item *it, double tol)
{
	pst_cairo_item_path(cr, it, tol);
	if (it->closed && it->style.fill.a > 0) {
		set_color(cr, it->style.fill);
		cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
		if (it->style.stroke_width > 0)
			cairo_fill_preserve(cr);
		else
			cairo_fill(cr);
	}
	if (it->style.stroke_width > 0) {
		stroke_style(cr, &it->style);
		cairo_stroke(cr);
	}
	cairo_new_path(cr);
}

void pst_cairo_symbol_path(cairo_t *cr, const pst_item *it)
{
	double r = it->symbol_size / 2, x = it->ax, y = it->ay;
	switch (it->symbol) {
	case PST_SYMBOL_SQUARE:
		cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r);
		break;
	case PST_SYMBOL_TRIANGLE:
		cairo_move_to(cr, x, y - r);
		cairo_line_to(cr, x + r, y + r * 0.8);
		cairo_line_to(cr, x - r, y + r * 0.8);
		cairo_close_path(cr);
		break;
	case PST_SYMBOL_DIAMOND:
		cairo_move_to(cr, x, y - r);
		cairo_line_to(cr, x + r, y);
		cairo_line_to(cr, x, y + r);
		cairo_line_to(cr, x - r, y);
		cairo_close_path(cr);
		break;
	case PST_SYMBOL_STAR:
		for (int i = 0; i < 10; i++) {
			double a = -PST_PI / 2 + i * PST_PI / 5, rr = i % 2 ? r * 0.45 : r;
			if (i == 0)
				cairo_move_to(cr, x + rr * cos(a), y + rr * sin(a));
			else
				cairo_line_to(cr, x + rr * cos(a), y + rr * sin(a));
		}
		cairo_close_path(cr);
		break;
	case PST_SYMBOL_TRIANGLE_DOWN:
		cairo_move_to(cr, x, y + r);
		cairo_line_to(cr, x + r, y - r * 0.8);
		cairo_line_to(cr, x - r, y - r * 0.8);
		cairo_close_path(cr);
		break;
	case PST_SYMBOL_CROSS: {
		double a = r * 0.34; /* half the arm's thickness */
		const double pts[12][2] = { { -a, -r }, { a, -r }, { a, -a }, { r, -a }, { r, a },
			                    { a, a },   { a, r },  { -a, r }, { -a, a }, { -r, a },
			                    { -r, -a }, { -a, -a } };
		for (int i = 0; i < 12; i++)
			(i ? cairo_line_to : cairo_move_to)(cr, x + pts[i][0], y + pts[i][1]);
		cairo_close_path(cr);
		break;
	}
	case PST_SYMBOL_CIRCLE:
	default:
		cairo_new_sub_path(cr);
		cairo_arc(cr, x, y, r, 0, 2 * PST_PI);
		break;
	}
}

void pst_cairo_fill_stroke_symbol(cairo_t *cr, const pst_item *look)
{
	set_color(cr, look->style.fill);
	cairo_fill_preserve(cr);
	stroke_style(cr, &look->style);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
	cairo_stroke(cr);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
}

void pst_cairo_paint_symbol(cairo_t *cr, const pst_item *it)
{
	pst_cairo_symbol_path(cr, it);
	set_color(cr, it->style.fill);
	cairo_fill_preserve(cr);
	if (it->symbol_half) { /* the left half in the outline colour */
		double r = it->symbol_size / 2 + it->style.stroke_width;
		cairo_save(cr);
		cairo_new_path(cr);
		cairo_rectangle(cr, it->ax - r, it->ay - r, r, 2 * r);
		cairo_clip(cr);
		pst_cairo_symbol_path(cr, it);
		set_color(cr, it->style.stroke);
		cairo_fill(cr);
		cairo_restore(cr);
		pst_cairo_symbol_path(cr, it);
	}
	stroke_style(cr, &it->style);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
	cairo_stroke(cr);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
}

static void paint_leader(cairo_t *cr, const pst_label *l, pst_rgba color, double width)
{
	cairo_move_to(cr, l->leader[0], l->leader[1]);
	cairo_line_to(cr, l->leader[2], l->leader[3]);
	set_color(cr, l->halo);
	cairo_set_line_width(cr, width + 2 * l->halo_width * 0.6);
	cairo_set_dash(cr, NULL, 0, 0);
	cairo_stroke_preserve(cr);
	set_color(cr, color);
	cairo_set_line_width(cr, width);
	cairo_stroke(cr);
}

static void paint_label(cairo_t *cr, PangoContext *pc, const pst_label *l)
{
	PangoLayout *layout = pst_text_layout(pc, l);
	cairo_move_to(cr, l->x, l->y);
	if (l->halo.a > 0 && l->halo_width > 0) {
		pango_cairo_layout_path(cr, layout);
		set_color(cr, l->halo);
		cairo_set_line_width(cr, 2 * l->halo_width);
		cairo_set_dash(cr, NULL, 0, 0);
		cairo_stroke(cr);
		cairo_move_to(cr, l->x, l->y);
	}
	set_color(cr, l->color);
	pango_cairo_show_layout(cr, layout);
	g_object_unref(layout);
}

/*
 * A label that links to @p url: a link tag round it (PDF surfaces make it
 * clickable; others ignore tags).  The attribute string quotes the URL, so
 * quotes and backslashes in it are escaped.
 */
static void paint_linked_label(cairo_t *cr, PangoContext *pc, const pst_label *l,
                               const char *url)
{
	pst_buf attr;
	pst_buf_init(&attr);
	pst_buf_puts(&attr, "uri='");
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p >= 0x80) { /* percent-encoded: Cairo refuses some text, a URI is ASCII */
			pst_buf_printf(&attr, "%%%02X", *p);
			continue;
		}
		if (*p == '\'' || *p == '\\')
			pst_buf_add(&attr, "\\", 1);
		pst_buf_add(&attr, p, 1);
	}
	pst_buf_puts(&attr, "'");
	if (!attr.failed)
		cairo_tag_begin(cr, CAIRO_TAG_LINK, attr.data);
	paint_label(cr, pc, l);
	if (!attr.failed)
		cairo_tag_end(cr, CAIRO_TAG_LINK);
	pst_buf_free(&attr);
}

/* An item complete: geometry, symbol, leader and label (furniture draws this way). */
static void paint_item(cairo_t *cr, PangoContext *pc, const pst_item *it, double tol,
                       bool with_label)
{
	if (it->n_parts)
		pst_cairo_paint_geometry(cr, it, tol);
	if (it->has_anchor && it->symbol != PST_SYMBOL_NONE)
		pst_cairo_paint_symbol(cr, it);
	if (with_label && it->label && it->link)
		paint_linked_label(cr, pc, it->label, it->link);
	else if (with_label && it->label)
		paint_label(cr, pc, it->label);
}

void pst_cairo_paint(cairo_t *cr, const posture_scene *s, double tol)
{
	cairo_save(cr);
	cairo_rectangle(cr, 0, 0, s->width, s->height);
	cairo_clip(cr);
	set_color(cr, s->page_color);
	cairo_paint(cr);
	cairo_rectangle(cr, s->map_box.x0, s->map_box.y0, s->map_box.x1 - s->map_box.x0,
	                s->map_box.y1 - s->map_box.y0);
	set_color(cr, s->background);
	cairo_fill(cr);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	PangoContext *pc = pango_cairo_create_context(cr);
	pst_text_setup_context(pc);
	/* The map, layer by layer: shapes inside the frame, then the layer's
	 * symbols whole (the frame clips geometry, not a symbol whose anchor is
	 * in it); then leaders and labels on top, inside the frame. */
	for (size_t g = 0; g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		if (grp->furniture)
			continue;
		cairo_save(cr);
		cairo_rectangle(cr, s->map_box.x0, s->map_box.y0, s->map_box.x1 - s->map_box.x0,
		                s->map_box.y1 - s->map_box.y0);
		cairo_clip(cr);
		/* A compact layer (scene.h) is drawn from its records, or else from its items made
		 * for the while (a vector surface, or too few symbols to draw per look). */
		pst_group items = { 0 };
		pst_pool *pool = NULL;
		bool dense = grp->dense && pst_cairo_compact(cr, grp) &&
		             pst_cairo_paint_compact(cr, grp, s) == POSTURE_OK;
		if (grp->dense && !dense && (pool = pst_pool_new()) &&
		    pst_group_expand(&items, grp, pool) == POSTURE_OK)
			grp = &items;
		dense = dense ||
		        (pst_cairo_dense(grp) && pst_cairo_paint_dense(cr, grp, s, tol) == POSTURE_OK);
		for (size_t i = 0; !dense && i < grp->n_items; i++)
			if (grp->items[i].n_parts)
				pst_cairo_paint_geometry(cr, &grp->items[i], tol);
		cairo_restore(cr);
		for (size_t i = 0; !dense && i < grp->n_items; i++) /* dense: drawn per look, above */
			if (grp->items[i].has_anchor && grp->items[i].symbol != PST_SYMBOL_NONE)
				pst_cairo_paint_symbol(cr, &grp->items[i]);
		if (pool)
			pst_group_expanded_free(&items);
		pst_pool_free(pool);
	}
	cairo_save(cr);
	cairo_rectangle(cr, s->map_box.x0, s->map_box.y0, s->map_box.x1 - s->map_box.x0,
	                s->map_box.y1 - s->map_box.y0);
	cairo_clip(cr);
	for (size_t g = 0; g < s->n_groups; g++) {
		for (size_t i = 0; !s->groups[g].furniture && i < s->groups[g].n_items; i++) {
			const pst_label *l = s->groups[g].items[i].label;
			if (l && l->has_leader)
				paint_leader(cr, l, s->leader_color, s->leader_width);
		}
	}
	/* A label wholly outside the surface (a band of a PNG: png.c) is not laid out;
	 * its ink may pass its logical box, so the box is grown by the text size first. */
	pst_box clip;
	cairo_clip_extents(cr, &clip.x0, &clip.y0, &clip.x1, &clip.y1);
	for (size_t g = 0; g < s->n_groups; g++) {
		for (size_t i = 0; !s->groups[g].furniture && i < s->groups[g].n_items; i++) {
			const pst_label *l = s->groups[g].items[i].label;
			pst_box ink = l ? (pst_box){ l->box.x0 - l->size, l->box.y0 - l->size,
			                             l->box.x1 + l->size, l->box.y1 + l->size }
			                : clip;
			if (l && pst_box_overlaps(&ink, &clip))
				paint_label(cr, pc, l);
		}
	}
	cairo_restore(cr);
	/* Furniture over the map, each piece whole. */
	for (size_t g = 0; g < s->n_groups; g++)
		for (size_t i = 0; s->groups[g].furniture && i < s->groups[g].n_items; i++)
			paint_item(cr, pc, &s->groups[g].items[i], tol, true);
	g_object_unref(pc);
	cairo_restore(cr);
}

/* --- key continuation pages (PDF) ------------------------------------------- */

/* How many keys the map has (an item sharing another's key has no label). */
size_t pst_scene_keys(const posture_scene *s)
{
	size_t n = 0;
	for (size_t g = 0; g < s->n_groups; g++)
		for (size_t i = 0; !s->groups[g].furniture && i < s->groups[g].n_items; i++)
			n += s->groups[g].items[i].key > 0 && s->groups[g].items[i].label;
	return n;
}

/*
 * The keys the map's key panel could not hold, on pages of their own after
 * the map: "Key (continued)", then one row per key in columns.  The panel's
 * last line says where they are.
 */
void pst_cairo_paint_key_pages(cairo_t *cr, const posture_scene *s)
{
	size_t n = pst_scene_keys(s);
	if (n <= s->keys_listed)
		return;
	PangoContext *pc = pango_cairo_create_context(cr);
	pst_text_setup_context(pc);
	double margin = 36, size = s->width > 1000 ? s->width / 160 : 9, gap = 0.3 * size;
	int columns = s->width > s->height ? 3 : 2;
	double col_w = (s->width - 2 * margin - (columns - 1) * 2 * size) / columns;
	pst_label row = { .family = s->font, .size = size, .color = { 0, 0, 0, 1 },
		          .wrap = col_w };
	double x = margin, y = s->height; /* start a page at once */
	int column = columns;
	for (size_t g = 0; g < s->n_groups; g++) {
		for (size_t i = 0; !s->groups[g].furniture && i < s->groups[g].n_items; i++) {
			const pst_item *it = &s->groups[g].items[i];
			if (it->key <= 0 || !it->label || (size_t)it->key <= s->keys_listed)
				continue; /* listed, or in the row of the key it shares */
			/* as in the panel: "12  Name, date [1]" */
			GString *line = g_string_new(NULL);
			g_string_printf(line, "%d\xE2\x80\x82", it->key);
			for (const char *p = it->key_text ? it->key_text : ""; *p; p++) {
				if (*p == '\n')
					g_string_append(line, ", ");
				else
					g_string_append_c(line, *p);
			}
			char *text = g_string_free(line, FALSE);
			row.text = text;
			double w, h;
			pst_text_measure(pc, &row, &w, &h);
			if (y + h > s->height - margin) {
				if (++column >= columns) {
					cairo_show_page(cr);
					column = 0;
					pst_label head = row;
					head.text = (char *)"Key (continued)";
					head.bold = true;
					head.wrap = 0;
					double hw, hh;
					pst_text_measure(pc, &head, &hw, &hh);
					head.x = margin;
					head.y = margin;
					paint_label(cr, pc, &head);
					y = margin + hh + 2 * gap;
				} else {
					y = margin + size * 1.6 + 2 * gap;
				}
				x = margin + column * (col_w + 2 * size);
			}
			row.x = x;
			row.y = y;
			paint_label(cr, pc, &row);
			y += h + gap;
			g_free(text);
		}
	}
	g_object_unref(pc);
}
