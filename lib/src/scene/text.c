/*
 * text.c — Pango layouts for labels and furniture.
 *
 * Metrics are taken at 72 dpi (one Pango point is one page point), with
 * hinting off and glyph positions unrounded: a label measured while building
 * the scene has the same size when Cairo draws it at any scale.
 */
#include <strings.h>

#include "text.h"

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

void pst_text_measure(PangoContext *pc, const pst_label *label, double *w, double *h)
{
	PangoLayout *layout = pst_text_layout(pc, label);
	PangoRectangle logical;
	pango_layout_get_extents(layout, NULL, &logical);
	*w = (double)logical.width / PANGO_SCALE;
	*h = (double)logical.height / PANGO_SCALE;
	g_object_unref(layout);
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
