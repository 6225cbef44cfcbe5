/*
 * style.h — the look of a map: colours, widths, symbols and type.
 *
 * Sizes are given for a reference page of A4 size; the scene builder
 * multiplies them by the page's size factor (pst_theme_factor), so a
 * 2000×1400 pt screen map and an A4 handout carry the same visual weight.
 * Colours for kinds come from the Okabe–Ito colour-blind-safe set; every
 * kind also has its own symbol shape, so maps survive greyscale.
 */
#ifndef POSTURE_STYLE_H
#define POSTURE_STYLE_H

#include "scene.h"

#define PST_THEME_MAX_KINDS 48

typedef struct {
	char kind[32];       /* the data's kind */
	pst_symbol symbol;   /* shape */
	pst_rgba fill;       /* symbol fill */
	double size;         /* symbol width, reference pt */
	bool hollow;         /* drawn as an outline in the fill colour, nothing inside */
	bool half;           /* an outline in the fill colour with its left half filled */
} pst_kind_style;

typedef struct {
	char name[32];            /* the theme's name */
	pst_rgba sea;             /* page ground: ocean and inland seas */
	pst_style land;           /* country fill and coastline */
	pst_rgba land_focus;      /* fill of the countries the map is about */
	pst_style lake;           /* lake fill and shore */
	pst_style border;         /* international land border */
	pst_style border_disputed;/* disputed line */
	pst_style segment;        /* a curated border segment the sources discuss */
	pst_rgba river;           /* river colour */
	double river_width[4];    /* by GSHHG level 1, 2, 3, 4+ (reference pt) */
	pst_kind_style kinds[PST_THEME_MAX_KINDS]; /* point symbols by kind */
	size_t n_kinds;
	pst_kind_style other_kind;   /* kinds not in the table */
	pst_rgba symbol_outline;  /* outline around point symbols */
	double symbol_outline_width;
	char font[64];            /* family for everything */
	double label_size;        /* point labels */
	double handout_label_size;/* …on the handout page (0: label_size) */
	pst_rgba label_color;
	pst_rgba halo;            /* label halo */
	double halo_width;
	double title_size, subtitle_size, credit_size;
	pst_rgba place_text;      /* labels of reference places */
	double place_size;        /* their size */
	pst_rgba water_text;      /* river names */
	pst_rgba region_text;     /* country and region names */
	double country_size;      /* country names (spaced capitals) */
	double uncertainty_alpha; /* opacity of the area drawn round an imprecise position */
	pst_rgba graticule;       /* meridians and parallels */
	double graticule_width;
	pst_rgba leader;          /* leader lines */
	double leader_width;
	pst_rgba panel_fill;      /* quiet box behind furniture */
	pst_rgba muted_text;      /* subtitle, credit */
} pst_theme;

/** A [theme] override from a map file: "section.key = value" at a position. */
typedef struct {
	const char *key;     /* "land.fill", "kind.air-base.shape" */
	const char *value;
	pst_where at;        /* where the map file says it */
} pst_theme_override;

/**
 * Load theme @p name: maps/themes/<name>.ini beside the map file (@p map_path),
 * else posture's own themes folder.  A theme may start from another with
 * `inherit = NAME` in its [theme] section.  @p overrides (from the map's
 * [theme] section) are applied last.  Errors name the file, line and column.
 */
int pst_theme_load(pst_theme **out, posture_ctx *ctx, const char *name, const char *map_path,
                   const pst_where *name_at, const pst_theme_override *overrides,
                   size_t n_overrides);
void pst_theme_destroy(pst_theme *theme);

/** Style of a point kind in @p theme (the "other" style when unknown). */
const pst_kind_style *pst_theme_kind(const pst_theme *theme, const char *kind);

/** Size factor of a page: 1 for A4, larger for bigger pages (1 to 4). */
double pst_theme_factor(double width, double height);

#endif
