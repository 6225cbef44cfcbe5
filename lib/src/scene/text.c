/*
 * text.c — Pango layouts for labels and furniture.
 *
 * Metrics are taken at 72 dpi (one Pango point is one page point), with
 * hinting off and glyph positions unrounded: a label measured while building
 * the scene has the same size when Cairo draws it at any scale.
 *
 * A measuring context may carry the run's store (pst_text_remember_in):
 * then each size measured is remembered in its memo, keyed by everything
 * pst_text_layout() reads of the label, and the next build of a live
 * preview takes it from there (the fonts stay loaded in the process, so the
 * size is the one Pango would give again).
 */
#include <string.h>
#include <strings.h>

#include "inputs.h"
#include "text.h"

#define INPUTS_KEY "posture-inputs" /* the store, as data of a measuring context */

void pst_text_setup_context(PangoContext *pc)
{
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	pango_cairo_context_set_font_options(pc, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(pc, 72.0);
	pango_context_set_round_glyph_positions(pc, FALSE);
}

PangoContext *pst_text_context_new(void)
{
	PangoFontMap *fm = pango_cairo_font_map_get_default();
	PangoContext *pc = pango_font_map_create_context(fm);
	if (pc)
		pst_text_setup_context(pc);
	return pc;
}

PangoLayout *pst_text_layout(PangoContext *pc, const pst_label *label)
{
	PangoLayout *layout = pango_layout_new(pc);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, label->family);
	pango_font_description_set_weight(fd, label->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_style(fd, label->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
	pango_font_description_set_absolute_size(fd, label->size * PANGO_SCALE);
	pango_layout_set_font_description(layout, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(layout, label->text, -1);
	if (label->wrap > 0) {
		pango_layout_set_width(layout, (int)(label->wrap * PANGO_SCALE));
		pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	}
	if (label->letter_spacing > 0) {
		PangoAttrList *attrs = pango_attr_list_new();
		pango_attr_list_insert(attrs, pango_attr_letter_spacing_new(
			(int)(label->letter_spacing * PANGO_SCALE)));
		pango_layout_set_attributes(layout, attrs);
		pango_attr_list_unref(attrs);
	}
	return layout;
}

void pst_text_remember_in(PangoContext *pc, posture_inputs *in)
{
	g_object_set_data(G_OBJECT(pc), INPUTS_KEY, in);
}

/* Everything pst_text_layout() reads of @p label, as memo key bytes. */
static void measure_key(pst_buf *k, const pst_label *label)
{
	const double d[3] = { label->size, label->wrap, label->letter_spacing };
	const bool style[2] = { label->bold, label->italic };
	pst_buf_add(k, d, sizeof(d));
	pst_buf_add(k, style, sizeof(style));
	const char *family = label->family ? label->family : "", *text = label->text ? label->text : "";
	pst_buf_add(k, family, strlen(family) + 1);
	pst_buf_add(k, text, strlen(text) + 1);
}

void pst_text_measure(PangoContext *pc, const pst_label *label, double *w, double *h)
{
	posture_inputs *in = g_object_get_data(G_OBJECT(pc), INPUTS_KEY);
	pst_buf key;
	pst_buf_init(&key);
	if (in)
		measure_key(&key, label);
	size_t len = 0;
	const double *found = in && !key.failed
	                      ? pst_inputs_memo_get(in, "text-size", key.data, key.len, &len)
	                      : NULL;
	if (found && len == 2 * sizeof(double)) {
		*w = found[0];
		*h = found[1];
		pst_buf_free(&key);
		return;
	}
	PangoLayout *layout = pst_text_layout(pc, label);
	PangoRectangle logical;
	pango_layout_get_extents(layout, NULL, &logical);
	*w = (double)logical.width / PANGO_SCALE;
	*h = (double)logical.height / PANGO_SCALE;
	g_object_unref(layout);
	const double size[2] = { *w, *h };
	if (in && !key.failed)
		pst_inputs_memo_put(in, "text-size", key.data, key.len, size, sizeof(size));
	pst_buf_free(&key);
}

void pst_text_ink(PangoContext *pc, const pst_label *label, double *top, double *h)
{
	PangoLayout *layout = pst_text_layout(pc, label);
	PangoRectangle ink;
	pango_layout_get_extents(layout, &ink, NULL);
	*top = (double)ink.y / PANGO_SCALE;
	*h = (double)ink.height / PANGO_SCALE;
	g_object_unref(layout);
}

int pst_text_check_font(posture_ctx *ctx, PangoContext *pc, const char *family, const char *origin)
{
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_absolute_size(fd, 10 * PANGO_SCALE);
	PangoFont *font = pango_font_map_load_font(pango_context_get_font_map(pc), pc, fd);
	pango_font_description_free(fd);
	if (!font)
		return pst_error(ctx, POSTURE_EIO, origin, "no font can be loaded for '%s' (install "
		                 "Debian's fonts-noto-core)", family);
	PangoFontDescription *got = pango_font_describe(font);
	const char *name = pango_font_description_get_family(got);
	if (!name || strcasecmp(name, family) != 0)
		pst_diag(ctx, POSTURE_WARNING, POSTURE_EIO, origin, 0, 0,
		         "font '%s' is not installed; text is drawn in '%s' instead (install Debian's "
		         "fonts-noto-core)", family, name ? name : "another font");
	pango_font_description_free(got);
	g_object_unref(font);
	return POSTURE_OK;
}
