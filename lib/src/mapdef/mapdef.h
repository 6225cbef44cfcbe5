/*
 * mapdef.h — the map definition as the rest of the pipeline sees it.
 *
 * struct posture_map is filled by mapdef.c from an INI file and command-line
 * overrides; every value has been checked when it lands here.  Paths are
 * already resolved against the map file's directory.
 */
#ifndef POSTURE_MAPDEF_H
#define POSTURE_MAPDEF_H

#include "internal.h"
#include "layers/pg.h"
#include "posture/map.h"

#define PST_MAX_MAP_OUTPUTS 8
#define PST_MAX_MAP_LAYERS 32
#define PST_MIN_PAGE_SIDE 16.0     /* pt */
#define PST_MAX_PAGE_SIDE 16384.0  /* pt; PNG pixels are checked at write time */

#define PST_MAP_N_KEYS 17 /* entries of the key table in mapdef.c */

/* Where a key's value came from: the map file (file NULL) or an option. */
typedef struct {
	char *file;  /* "--projection" for an override; NULL: the map file */
	int line;    /* 0 when not set in the file */
	int column;  /* column of the value */
} pst_key_origin;

#define PST_MAX_THEME_OVERRIDES 64

/* A line of the map's [theme] section. */
typedef struct {
	char *key;          /* "land.fill" */
	char *value;
	pst_where at;       /* file is the map's path (borrowed) */
} pst_map_theme_line;

#define PST_MAX_LABEL_LINES 256

/* A line of the map's [labels] section (a pin) or a labels.LAYER key. */
typedef struct {
	char *key;          /* item id (pin) or layer name (mode) */
	char *value;        /* N … NW, "dx, dy", or a mode */
	pst_where at;       /* where the value is written (file borrowed) */
	pst_where key_at;   /* where the key is written */
} pst_map_label_line;

struct posture_map {
	char *path;         /* the map file, as given */
	char *name;         /* file name without directory and ".ini" */
	char *title;        /* [map] title, may be empty */
	char *subtitle;     /* [map] subtitle, may be empty */
	double extent[4];   /* lon_min, lat_min, lon_max, lat_max (degrees) */
	char *projection;   /* "auto", "EPSG:nnnn" or a PROJ string */
	double width;       /* page width in points */
	double height;      /* page height in points */
	char *theme;        /* theme name */
	char *layout;       /* "map" or "bare" */
	char *citations;    /* "numbered", "inline" or "none" */
	char *date;         /* cut-off (YYYY, YYYY-MM or YYYY-MM-DD), or NULL: latest incident */
	char focus[16][4];  /* ISO alpha-3 codes of the countries the map is about */
	size_t n_focus;
	bool graticule;     /* draw a graticule with degree labels */
	char *paper;        /* handout paper: a4 or letter (orientation from the map), or
	                       a4-portrait, a4-landscape, letter-portrait, letter-landscape */
	posture_format outputs[PST_MAX_MAP_OUTPUTS]; /* [map] outputs, in order */
	size_t n_outputs;
	char *shapes_dir;   /* [data] shapes, resolved */
	char *layers[PST_MAX_MAP_LAYERS]; /* [data] layers, resolved */
	size_t n_layers;
	char *sources;      /* [data] sources, resolved, or NULL */
	bool has_extent;    /* extent was given (it is required) */
	pst_key_origin origin[PST_MAP_N_KEYS]; /* per key, in key-table order */
	pst_map_theme_line theme_lines[PST_MAX_THEME_OVERRIDES]; /* [theme] overrides */
	size_t n_theme_lines;
	posture_filter *filter; /* [filter] and its options: which items are drawn */
	char *labels;       /* [map] labels: auto | names | keys | none */
	pst_map_label_line layer_labels[PST_MAX_MAP_LAYERS]; /* [map] labels.LAYER = mode */
	size_t n_layer_labels;
	pst_map_label_line pins[PST_MAX_LABEL_LINES];        /* [labels] ITEM-ID = position */
	size_t n_pins;
	pst_pg_conf pg;     /* [postgis]: where the pg:NAME layers are */
	pst_label_ref *keep; /* posture_map_keep_labels(): an earlier render's labels, by key */
	size_t n_keep;
	char *keep_path;    /* the map data they were read from, for warnings */
};

/** Parse a [labels] pin value: compass point (0..7 from N) or offset (compass -1). */
bool pst_map_pin_parse(const char *v, int *compass, double *dx, double *dy);

/** Free what posture_map_keep_labels() read. */
void pst_label_refs_free(pst_label_ref *refs, size_t n);

/** Where @p key ("projection", "shapes", …) was set, for errors found later. */
pst_where pst_map_where(const posture_map *m, const char *key);

#endif
