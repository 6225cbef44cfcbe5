/*
 * builder.h — state and helpers shared by the files that build a scene
 * (build.c: frame and orchestration; basemap.c: base geography; items.c:
 * curated items; citations.c: citation markers and the source list;
 * furniture.c: title, legend, scale, inset, sources, credit).
 */
#ifndef POSTURE_BUILDER_H
#define POSTURE_BUILDER_H

#include <shapefil.h>

#include "layers/layer.h"
#include "mapdef/mapdef.h"
#include "project/project.h"
#include "style.h"
#include "text.h"

/*
 * How a handout page is laid out, decided after a first pass has measured
 * the furniture (the sources under the map depend on what the map shows).
 */
typedef struct {
	bool planned;        /* set: lay the page out as below; else measure */
	bool landscape;      /* paper on its side */
	double title_h;      /* pt above the map for the title */
	double sources_h;    /* pt under the map for the sources */
} pst_handout_plan;

/* What a pass measured, for the plan: [0] portrait, [1] landscape. */
typedef struct {
	double title_h[2];
	double sources_h[2];
	double extent_w, extent_h; /* the extent's projected envelope (map units) */
} pst_handout_needs;

typedef struct pst_item_memo pst_item_memo;

/* Everything the builder needs while it works. */
typedef struct {
	posture_ctx *ctx;
	const posture_map *map;
	posture_scene *scene;
	pst_proj *proj;
	pst_theme *theme;    /* loaded from the map's theme file */
	double k;            /* theme size factor for this page */
	pst_box geo_box;     /* lon/lat box geometry is cut to before projection */
	pst_box page_box;    /* page plus margin, in page units */
	double geo_tol;      /* degrees: base geography is simplified to this before projection */
	PangoContext *text;  /* for measuring labels */
	pst_pts tmp_a, tmp_b;/* scratch buffers */
	struct pst_item_memo *memo; /* pst_add_layers(): what point items share (items.c) */
	const pst_item **legend_items; /* pst_add_furniture(): the legend's candidates… */
	size_t n_legend_items;         /* …and their count (furniture.c) */
	posture_inputs *inputs; /* the run's shared inputs, or NULL */
	const posture_data *data; /* the map's validated layers and sources, filtered (= view) */
	posture_data *view;       /* the items the map's filter keeps, borrowing from the data */
	bool as_of_known;         /* pst_as_of() has walked this pass's data: its answer */
	const char *as_of;
	posture_data *owned_data; /* data read for this build alone (no shared inputs), or NULL */
	const posture_data *given_data; /* the diff map: the new version, instead of the map's */
	const posture_diff *diff;  /* the diff map: the changes to mark, or NULL */
	const char *diff_label;    /* how the old version is named ("HEAD~1") */
	pst_handout_plan plan;   /* handout layout (kept across passes) */
	pst_handout_needs needs; /* measured by this pass (handout) */
	bool planning;       /* a measuring pass: no label placement */
	pst_label_ref *held; /* the labels of the last build of this map (posture_inputs_hold_labels) */
	size_t n_held;
	int fold;            /* how far the map layout's furniture is folded (0: not; see furniture.c) */
	bool beside;         /* a crowded map: the furniture sits in a column beside the
	                        frame, where it hides no symbol (furniture.c) */
	unsigned hid;        /* panels over the map found hiding a symbol (PST_HID_*) in
	                        an earlier pass: they fold (the legend shorter, the sources
	                        one line each, no inset); PST_HID_BESIDE: the furniture goes
	                        beside the frame */
	double symbol_scale; /* point symbols' size against the theme's: smaller on crowded maps */
	double key_scale;    /* keys' size against their usual one: smaller on crowded maps */
	double column_x;     /* with beside: the left edge of the column's panels… */
	double column_w;     /* …their widest… */
	double column_y;     /* …the top of the column's free room… */
	double column_bottom; /* …and its bottom */
} builder;

#define PST_HID_LEGEND 1u
#define PST_HID_INSET 2u
#define PST_HID_SOURCES 4u
#define PST_HID_OTHER 8u
#define PST_HID_BESIDE 16u

/* build.c */
void pst_to_page(const posture_scene *s, double *x, double *y, size_t n);
int pst_project_to_page(builder *b, double *xy, size_t n, bool *all_finite);
int pst_add_object(builder *b, pst_item *it, pst_item *outline, const SHPObject *o);

/* basemap.c */
int pst_add_base_geography(builder *b);
/* Every country code the map's focus and filter name is one of shapes/countries.shp's. */
int pst_check_country_codes(builder *b);
/* The parts of @p it appended to @p v as bytes (for the store's memo)… */
void pst_parts_put(pst_buf *v, const pst_item *it);
/* …and read back at *at into @p it (which has none); false when out of memory or short. */
bool pst_parts_take(pst_item *it, const char *v, size_t len, size_t *at);

/* items.c */
/* A point layer with more items than this is drawn without labels, its items
 * counted as unlabelled (README "Limits"). */
#define PST_LABEL_LAYER_MAX 2000

pst_label *pst_new_label(builder *b, const char *text, bool bold, double size, pst_rgba color);
void pst_place_label(pst_label *l, double x, double y, double w, double h);
void pst_set_symbol(builder *b, pst_item *it, const pst_kind_style *ks);
int pst_copy_citations(pst_item *it, const pst_feature *f); /* citations, date, precision */
int pst_load_data(builder *b);   /* read and validate the map's layers into b->data */
int pst_add_layers(builder *b);

/* graticule.c */
int pst_add_graticule(builder *b);

/* names.c */
int pst_add_country_names(builder *b);

/* citations.c */
int pst_number_citations(builder *b);
char *pst_citation_marker(builder *b, const pst_item *it); /* " [1, 3]", caller frees */

/* furniture.c: items of furniture groups */
pst_item *pst_new_item(pst_group *g, const char *id, const char *kind, const char *name);
int pst_add_rect(pst_group *g, const char *id, const char *kind, pst_box r, pst_style style);

/* diffmarks.c: the marks of a diff map, and their legend */
int pst_add_diff_marks(builder *b);
int pst_add_diff_legend(builder *b);
int pst_name_diff_items(builder *b); /* after labels: marked items say what changed */

/* inset.c */
int pst_add_inset(builder *b, pst_box box);   /* the locator map in @p box */

/* furniture.c */
int pst_layout_page(builder *b);
/* A lon/lat box (lon_min, lat_min, lon_max, lat_max) holding every point the frame of
 * map @p m can show, however its page is laid out; found before the data is read. */
int pst_map_geo_envelope(double out[4], posture_ctx *ctx, const posture_map *m);  /* page size and where the frame sits, by layout */
void pst_handout_choose(builder *b); /* the handout plan from what a pass measured */
int pst_add_furniture(builder *b);
const char *pst_as_of(builder *b);  /* the map's date, else the latest incident's (once a pass) */
int pst_describe(builder *b);             /* the text alternative and the as-of date */

#endif
