/*
 * style.c — built-in themes.
 *
 * `article` is the colour theme for web articles: muted land, pale water,
 * grey borders, and saturated Okabe–Ito colours kept for the posture items.
 */
#include <math.h>
#include <string.h>

#include "style.h"

#define RGB(hex) { ((hex) >> 16 & 0xFF) / 255.0, ((hex) >> 8 & 0xFF) / 255.0, \
                   ((hex) & 0xFF) / 255.0, 1.0 }
#define NONE { 0, 0, 0, 0 }

static const pst_kind_style article_kinds[] = {
	{ "military-base", PST_SYMBOL_SQUARE, RGB(0xD55E00), 7.5, false },
	{ "air-base", PST_SYMBOL_STAR, RGB(0xD55E00), 10.0, false },
	{ "border-post", PST_SYMBOL_SQUARE, RGB(0xD55E00), 6.5, true },
	{ "attack", PST_SYMBOL_TRIANGLE, RGB(0x000000), 7.5, false },
	{ "clash", PST_SYMBOL_TRIANGLE, RGB(0xE69F00), 7.5, false },
	{ "drill", PST_SYMBOL_DIAMOND, RGB(0x009E73), 8.0, false },
	{ "deployment", PST_SYMBOL_CIRCLE, RGB(0x0072B2), 7.0, false },
	{ "sighting", PST_SYMBOL_CIRCLE, RGB(0x0072B2), 6.5, true },
	{ "symbolic", PST_SYMBOL_STAR, RGB(0x7A5C00), 8.5, true },
	{ "agreement", PST_SYMBOL_SQUARE, RGB(0x555555), 6.0, true },
	{ "statement", PST_SYMBOL_CIRCLE, RGB(0x555555), 6.0, true },
	{ "meeting", PST_SYMBOL_DIAMOND, RGB(0x555555), 7.0, true },
	{ "capital", PST_SYMBOL_SQUARE, RGB(0x4D4D4D), 4.5, false },
	{ "city", PST_SYMBOL_CIRCLE, RGB(0x6E6E6E), 3.8, false },
	{ "town", PST_SYMBOL_CIRCLE, RGB(0x6E6E6E), 3.4, true },
	{ "country", PST_SYMBOL_NONE, NONE, 0, false },
	{ "province", PST_SYMBOL_NONE, NONE, 0, false },
	{ "region", PST_SYMBOL_NONE, NONE, 0, false },
	{ "river", PST_SYMBOL_NONE, NONE, 0, false },
	{ NULL, PST_SYMBOL_NONE, NONE, 0, false },
};

static const pst_theme article = {
	.name = "article",
	.sea = RGB(0xD4E6F1),
	.land = { .fill = RGB(0xECE9E2), .stroke = RGB(0xA7A49E), .stroke_width = 0.3 },
	.land_focus = RGB(0xFAF8F3),
	.lake = { .fill = RGB(0xD4E6F1), .stroke = RGB(0x8DB7D6), .stroke_width = 0.3 },
	.border = { .fill = NONE, .stroke = RGB(0x8A8782), .stroke_width = 0.55 },
	.border_disputed = { .fill = NONE, .stroke = RGB(0x8A8782), .stroke_width = 0.55,
	                     .dash = { 2.0, 1.5 }, .n_dash = 2 },
	.segment = { .fill = NONE, .stroke = RGB(0xCC79A7), .stroke_width = 2.0 },
	.river = RGB(0x86B6DB),
	.river_width = { 0.8, 0.55, 0.4, 0.3 },
	.kinds = article_kinds,
	.other_kind = { "other", PST_SYMBOL_CIRCLE, RGB(0x555555), 6.0, false },
	.symbol_outline = RGB(0xFFFFFF),
	.symbol_outline_width = 0.9,
	.font = "Noto Sans",
	.label_size = 8.5,
	.label_color = RGB(0x1A1A1A),
	.halo = { 1, 1, 1, 0.9 },
	.halo_width = 1.2,
	.title_size = 15,
	.subtitle_size = 9.5,
	.credit_size = 6.5,
	.panel_fill = { 1, 1, 1, 0.88 },
	.place_text = RGB(0x3C3C3C),
	.place_size = 7.5,
	.water_text = RGB(0x3F7FB0),
	.region_text = RGB(0x8A8580),
	.country_size = 9,
	.uncertainty_alpha = 0.16,
	.leader = RGB(0x555555),
	.leader_width = 0.4,
	.muted_text = RGB(0x555555),
};

const pst_theme *pst_theme_find(const char *name)
{
	return strcmp(name, article.name) == 0 ? &article : NULL;
}

const pst_kind_style *pst_theme_kind(const pst_theme *theme, const char *kind)
{
	for (const pst_kind_style *k = theme->kinds; k->kind; k++)
		if (strcmp(k->kind, kind) == 0)
			return k;
	return &theme->other_kind;
}

double pst_theme_factor(double width, double height)
{
	double f = sqrt(width * height / (595.0 * 842.0));
	return f < 1 ? 1 : f > 4 ? 4 : f;
}
