/*
 * scene.h — the display list every backend paints.
 *
 * A scene is what the map shows, in page units (points, origin at the top
 * left, y down), already projected, clipped to the page and styled.  It is
 * grouped by layer in drawing order; each item remembers the data it came
 * from (id, kind, name).  Backends (Cairo PNG/PDF/SVG, map data) read it and
 * nothing else: they never see GeoJSON, shapefiles or PROJ.
 *
 * Geometry is kept at full resolution; backends simplify it to their own
 * output resolution with pst_scene_path_simplified().
 */
#ifndef POSTURE_SCENE_H
#define POSTURE_SCENE_H

#include <stdint.h>
#include <string.h>

#include "geom/geom.h"
#include "internal.h"
#include "posture/map.h"

typedef struct {
	double r, g, b, a; /* 0..1; a = 0 means "not drawn" */
} pst_rgba;

typedef enum {
	PST_SYMBOL_NONE = 0,
	PST_SYMBOL_SQUARE,
	PST_SYMBOL_CIRCLE,
	PST_SYMBOL_TRIANGLE,
	PST_SYMBOL_DIAMOND,
	PST_SYMBOL_STAR,
	PST_SYMBOL_CROSS,        /* a plus sign */
	PST_SYMBOL_TRIANGLE_DOWN
} pst_symbol;

typedef struct {
	pst_rgba fill;       /* area or symbol fill */
	pst_rgba stroke;     /* outline */
	double stroke_width; /* pt; 0 = no outline */
	double dash[2];      /* on, off lengths in pt (n_dash 0 = solid) */
	int n_dash;
} pst_style;

typedef struct {
	char *text;         /* UTF-8; may hold newlines */
	const char *family; /* font family, borrowed from the scene's `font` */
	bool bold;          /* bold weight */
	bool italic;        /* italic style (water and regions) */
	double letter_spacing; /* pt between letters (spaced capitals for countries) */
	double wrap;        /* pt: wrap lines at this width (0: no wrapping) */
	double size;        /* pt */
	pst_rgba color;     /* text colour */
	pst_rgba halo;      /* halo colour (a = 0: none) */
	double halo_width;  /* pt, each side of the glyph outline */
	double key_scale;   /* a key's text against its usual size (0: 1; smaller on crowded maps) */
	double x, y;        /* top left of the text's logical box */
	pst_box box;        /* logical box grown by the halo: what must not overlap */
	bool has_leader;    /* placed away from its symbol, joined by a leader line */
	double leader[4];   /* x0, y0 (at the symbol), x1, y1 (at the label) */
} pst_label;

typedef struct {
	char *id;           /* stable id from the data ("kant-air-base", "AFG") */
	char *kind;         /* the data's kind ("air-base", "country", "river") */
	char *name;         /* human-readable name, may be empty */
	pst_style style;
	/* Geometry (areas and lines): parts of xy, each ending at part_end[k]. */
	double *xy;         /* 2 * n_pts values, page units */
	size_t n_pts;
	size_t *part_end;   /* exclusive end index of each part */
	size_t n_parts;
	/* Point symbol. */
	double ax, ay;      /* anchor: the projected position, page units */
	double spot_x, spot_y; /* when fanned: the projected position, the anchor being where
	                          the symbol is drawn */
	double symbol_size; /* pt, the symbol's width */
	pst_box symbol_box; /* box covered by the symbol and its outline */
	/* Label (optional). */
	pst_label *label;
	char *key_text;     /* keyed: the name text the key stands for */
	char *named_by;     /* a reference place named by this base's label (same site), or NULL */
	double *spots;      /* other places its name may go, x, y pairs, best first (country names) */
	size_t n_spots;
	char *link;         /* http(s) URL the item's text links to (source list), or NULL */
	char *variant;      /* what else sets its look: "operated by the United States", "former" */
	/* Citations of curated items, as in the data: source id, locator, quote. */
	char **cite_source;
	char **cite_locator;
	char **cite_quote;
	size_t n_cites;
	int *cite_number;   /* per citation: its source's number in the scene's list */
	char *date;         /* ISO 8601 date or interval, or NULL */
	char *precision;    /* exact … region, or NULL */
	char *country;      /* items not on the map: the country the data names (its name), or NULL */
	/* The small fields together, after the others (no padding between them: a dense layer
	 * has a million items). */
	pst_symbol symbol;  /* shape drawn at the anchor */
	int priority;       /* who wins a crowded spot: bases > incidents > places */
	int key;            /* its label is this numbered key (0: none), listed in the key panel */
	bool closed;        /* parts are rings (filled) rather than lines */
	bool disc;          /* an uncertainty disc inside the frame: xy is NULL, its one part the
	                       PST_DISC_CORNERS corners round (ax, ay) at radius symbol_size / 2,
	                       read through pst_item_points() (scene.c) */
	bool has_anchor;    /* the item is a point symbol */
	bool symbol_half;   /* its left half filled in the outline colour (a third fill, for grey) */
	bool label_dropped; /* shown without a label: no room for its name or key (counted on the map) */
	bool too_dense;     /* its layer has more than PST_LABEL_LAYER_MAX items: no label,
	                       counted with label_dropped as unlabelled (scene/items.c) */
	bool label_optional;/* a name placed only where room is left (country names) */
	bool fanned;        /* drawn off its spot: one it shared with other symbols, or a
	                       city's marker or a base's symbol under it (see items.c) */
	bool pooled;        /* id, kind, name, the citation arrays and texts, date and precision
	                       live in the scene's pool (point items of the data): not freed alone */
} pst_item;

/*
 * The compact form of a layer too dense to label (PST_LABEL_LAYER_MAX, items.c):
 * a million point items of 352 bytes would be the render's largest cost, so
 * such a layer keeps a look table of prototype items and a small record per
 * point instead.  An item of it is its look's prototype with the record's
 * fields written in (pst_dense_point_item(), pst_dense_disc_item()); in item
 * order each record stands for its uncertainty disc (when it has one), then
 * its point.  The records are not in the group's `items` (which stays empty),
 * so a reader not taught about them sees no items and shows as a difference
 * in its output rather than as a wrong read.  Their strings and citation
 * arrays live in the scene's pool; the prototypes' variants are their own.
 */
typedef struct {
	char **source, **locator, **quote; /* as pst_item's cite_* (n + 1 entries, NULL last) */
	int *number;
	size_t n;
	const void *owner;      /* while a compact layer is made: the one that listed it… */
	uint32_t index;         /* …at this index of its `cites` */
} pst_cites;

/* A record: 40 bytes (a million of them are the render's largest cost but the data's). */
typedef struct {
	double ax, ay;          /* the anchor, page units (a disc's centre too) */
	char *id;               /* in the scene's pool, the name after its NUL (pst_dense_name());
	                           the disc's id is "area-" and this */
	uint32_t cites;         /* its citations: cites[cites] (shared by points citing the same) */
	uint32_t attrs;         /* its date and precision: attrs[attrs] */
	uint32_t look;          /* its point's look: looks[look] */
	uint32_t disc;          /* 0: no disc; else 1 + its disc's look */
} pst_dense_point;

typedef struct {
	char *date, *precision; /* in the scene's pool, or NULL */
} pst_dense_attrs;

typedef struct {
	pst_item *looks;        /* prototypes: every field an item of the look shares */
	size_t n_looks, cap_looks;
	pst_dense_point *pts;
	size_t n, cap;
	size_t n_discs;         /* records with a disc */
	pst_cites **cites;      /* the distinct citation arrays (in the scene's pool) */
	size_t n_cites, cap_cites;
	pst_dense_attrs *attrs; /* the distinct dates and precisions */
	size_t n_attrs, cap_attrs;
	pst_box frame;          /* the scene's map_box: a disc is clipped to it */
} pst_dense;

/* The name of record @p p (after its id). */
static inline char *pst_dense_name(const pst_dense_point *p)
{
	return p->id + strlen(p->id) + 1;
}

/*
 * A group is a layer of the map ("countries", "bases") or, when `furniture`
 * is set, a piece of furniture ("title", "legend", "credit") drawn on top of
 * the map, after every map label.  Furniture items are ordinary items: a
 * filled rectangle for the quiet box, symbols for legend swatches, and labels
 * without an anchor (text at a fixed place).
 */
typedef struct {
	char *name;         /* stable id: "countries", "rivers", "bases", "title", … */
	char *title;        /* readable: "Countries" */
	pst_item *items;
	size_t n_items;
	size_t cap_items;
	pst_dense *dense;   /* a layer too dense to label: its items, compact (items is empty) */
	bool furniture;     /* drawn last; labels of the map keep clear of its box */
	pst_box box;        /* furniture: the area it covers */
} pst_group;

/* What label placement achieved (see label/label.h). */
typedef struct {
	size_t n_labels;          /* labels to place */
	size_t n_placed;          /* placed without overlap */
	size_t n_leader;          /* of those, placed away from the symbol with a leader */
	size_t n_keyed;           /* shown with a numbered key instead of the name */
	size_t n_unlabelled;      /* shown without name or key (the map says how many) */
	size_t n_dropped;         /* left out without the map saying so: always 0 */
	size_t n_overlaps;        /* overlapping pairs left */
	double mean_displacement; /* pt, symbol to label box, over placed labels */
	double cpu_seconds;       /* CPU time placement took (not in any output file) */
} pst_label_stats;


/* A source cited on the map: the list the citation markers point into. */
typedef struct {
	char *id;           /* sources.json id */
	int number;         /* marker number, from 1, in order of first appearance */
	char *text;         /* full citation, Chicago author-date */
	char *url;          /* http(s) link (DOIs as https://doi.org/…), or NULL */
	char *locators;     /* where the map's items cite it: "pp. 48, 53; para. 4" */
} pst_scene_source;

struct posture_scene {
	double width, height;  /* page size, pt */
	char *crs;             /* the map CRS as a PROJ string */
	double frame[4];       /* map-unit envelope of the page: x0, y0, x1, y1 */
	double extent[4];      /* the requested lon/lat extent */
	double pt_per_unit;    /* page points per map unit */
	pst_box map_box;       /* where the frame sits on the page (all of it in layout map) */
	char *title;           /* for document metadata */
	char *font;            /* the theme's font family; every label's family points here */
	pst_rgba background;   /* map ground inside the frame (the sea) */
	pst_rgba page_color;   /* paper around the frame (handout layouts) */
	pst_rgba leader_color; /* leader lines from symbols to moved labels */
	double leader_width;   /* pt */
	pst_group *groups;     /* layers in drawing order, then furniture */
	size_t n_groups;
	pst_label_stats label_stats; /* what label placement achieved */
	pst_scene_source *sources;   /* the sources cited, by number */
	size_t n_sources;
	char *citations;             /* "numbered", "inline" or "none" */
	char *description;           /* text alternative: region, layers, counts, dates */
	char *date;                  /* the "as of" date (ISO 8601), or NULL */
	size_t keys_listed;          /* keys the key panel lists (the rest: HTML and map data) */
	pst_pool *pool;              /* strings of pooled items (NULL until one is made) */
};

/*
 * Density thresholds (README "Limits").  A group of more than
 * PST_SYMBOL_BATCH_MIN point symbols is drawn per look (one path per kind in
 * PDF and SVG, pre-rendered stamps in PNG) instead of item by item; an HTML
 * page holds at most PST_HTML_MAX_ITEMS point items.
 */
#define PST_SYMBOL_BATCH_MIN 2000
#define PST_HTML_MAX_ITEMS 20000

/* Append a group (names are copied); returns NULL when out of memory. */
pst_group *pst_scene_add_group(posture_scene *s, const char *name, const char *title);

/* Append a zeroed item to @p g; returns NULL when out of memory. */
pst_item *pst_group_add_item(pst_group *g);

/* Append a part (ring or line) to an item's geometry. */
int pst_item_add_part(pst_item *it, const double *xy, size_t n);

/* Corners of an uncertainty disc (items.c): its ring when wholly inside the frame. */
#define PST_DISC_CORNERS 48

/* The PST_DISC_CORNERS corners (x, y pairs) of the disc of radius @p r round (x, y) into @p xy. */
void pst_disc_corners(double *xy, double x, double y, double r);

/* Make @p it (no parts yet; ax, ay and symbol_size set) a disc whose ring is not stored. */
void pst_item_set_disc(pst_item *it);

/*
 * The points of @p it (2 * n_pts values): its own xy, or for a disc its
 * corners written into @p buf (2 * PST_DISC_CORNERS values), borrowed.
 */
const double *pst_item_points(const pst_item *it, double *buf);

/* Remove the last item of @p g (one that turned out to show nothing). */
void pst_group_drop_last(pst_group *g);

/* Sort @p items by priority, highest first, stable (O(n)); POSTURE_ENOMEM or OK. */
int pst_sort_by_priority(const pst_item **items, size_t n);

/* Free an item's citation arrays of @p n entries (any of them NULL: a set half made). */
void pst_free_citations(char **source, char **locator, char **quote, int *number, size_t n);

/* How many items @p g holds, its compact form's included. */
size_t pst_group_count(const pst_group *g);

/* The symbol box of record @p k of @p d, as pst_set_symbol() sets it. */
pst_box pst_dense_symbol_box(const pst_dense *d, size_t k);

/* Point @p k of @p d as an item in @p out (its strings borrowed from the scene). */
void pst_dense_point_item(const pst_dense *d, size_t k, pst_item *out);

/*
 * Scratch for the disc of a record as an item: its id and, for a disc the
 * frame cuts, its clipped ring (the disc's part borrows these).
 */
typedef struct {
	pst_pts ring;
	size_t part_end[1];
	char *id;
	size_t id_cap;
} pst_dense_scratch;

void pst_dense_scratch_free(pst_dense_scratch *sc);

/* The disc of record @p k of @p d (which has one) as an item in @p out, borrowing from
 * @p sc (until its next use); POSTURE_ENOMEM or OK. */
int pst_dense_disc_item(const pst_dense *d, size_t k, pst_item *out, pst_dense_scratch *sc);

/* The items of a group in order, its compact form's as items borrowed from @p it (valid
 * until the next call): zero @p it, call until NULL (also when out of memory, with *rc
 * set), then pst_group_iter_free(). */
typedef struct {
	size_t i;
	bool at_point;       /* the record's disc is done */
	pst_item item;
	pst_dense_scratch sc;
} pst_group_iter;

const pst_item *pst_group_next(const pst_group *g, pst_group_iter *it, int *rc);
void pst_group_iter_free(pst_group_iter *it);

/* The items of compact group @p g into @p out (empty; its other fields are not set), the
 * discs' ids in @p pool; free with pst_group_expanded_free(). */
int pst_group_expand(pst_group *out, const pst_group *g, pst_pool *pool);
void pst_group_expanded_free(pst_group *g);

/*
 * @p s with its compact layers as ordinary items, for the writers not yet
 * taught the compact form (SVG, PDF, map data, HTML): @p s itself when it has
 * none, else a copy sharing everything else; free with pst_scene_expanded_free().
 */
int pst_scene_expanded(const posture_scene *s, const posture_scene **out);
void pst_scene_expanded_free(const posture_scene *s, const posture_scene *expanded);

/* Find a group by name, or NULL. */
const pst_group *pst_scene_group(const posture_scene *s, const char *name);

/*
 * A copy of part @p k of @p it, simplified to @p tol page units.  Returns the
 * number of points written to *out (caller frees), or 0 when the part
 * vanishes at that tolerance.
 */
size_t pst_scene_part_simplified(double **out, const pst_item *it, size_t k, double tol);

#endif
