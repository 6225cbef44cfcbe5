/*
 * layer.h — the curated data as the pipeline sees it: layers of features,
 * each with its citations, and the CSL-JSON sources they cite.
 *
 * The layer a file holds is named by the first word of its file name (bases,
 * borders, incidents, places); each has its own vocabulary of kinds and its own
 * required properties (layers/README.md).  Everything here has passed
 * validation: posture_data is only built when no error was found.
 */
#ifndef POSTURE_LAYER_H
#define POSTURE_LAYER_H

#include "internal.h"
#include "posture/data.h"

typedef enum {
	PST_LAYER_BASES,
	PST_LAYER_BORDERS,
	PST_LAYER_INCIDENTS,
	PST_LAYER_PLACES
} pst_layer_type;

typedef struct {
	char *source_id; /* id of a sources.json entry */
	char *locator;   /* "p. 53" or "para. 4" */
	char *quote;     /* the document's exact words */
	int line, column; /* where the quote is in the layer file */
	int locator_line, locator_column; /* where the locator is */
} pst_citation;

typedef struct {
	char *id;         /* stable kebab-case id, unique across layers */
	int id_line, id_column; /* where the id's value is */
	char *name;       /* the label */
	char *kind;       /* from the layer's vocabulary */
	char *precision;  /* exact … unplaced; NULL for borders */
	char *country;    /* ISO alpha-3 or NULL */
	char *operator_;  /* who runs a base, or NULL */
	char *status;     /* active, former, planned, reported, or NULL */
	char *date;       /* ISO 8601 date or interval as written, or NULL */
	char *date_basis; /* stated or inferred, or NULL */
	char *note;       /* or NULL */
	int date_from;    /* first day of the date (days since 1970-01-01) */
	int date_to;      /* last day of the date */
	char countries[2][4]; /* borders: the two ISO codes, alphabetical */
	bool has_countries;
	double length_km_reported; /* borders: the source's length, or 0 */
	bool has_point;   /* geometry is a Point */
	double lon, lat;  /* the point */
	double *line_xy;  /* borders with their own geometry: lon/lat pairs */
	size_t *line_end; /* exclusive end (in points) of each line */
	size_t n_lines;
	pst_citation *cites; /* in file order */
	size_t n_cites;
	int line, column; /* where the feature starts in its file */
} pst_feature;

typedef struct {
	char *path;       /* the .geojson file, FILE.gpkg:TABLE or pg:NAME */
	bool gpkg;        /* a GeoPackage or PostGIS table: features' `line` is their fid,
	                     column 0 */
	char *name;       /* file name without directory and extension */
	pst_layer_type type;
	pst_feature *features;
	size_t n_features;
	pst_pool *pool;   /* when set, its features' strings and citations live here (big
	                     GeoPackage layers): freed with the pool, not one by one */
	size_t *id_hashes; /* while it is loaded, or NULL: pst_id_hash() of each feature's id
	                     (0: none, or look), taken as it was read, for the id check */
	bool shared_features; /* in a view (posture_data.view): `features` is the viewed
	                         layer's own array, every feature kept (not freed here) */
} pst_layer;

typedef struct {
	char *id;        /* CSL id */
	void *csl;       /* the entry (json_t *), owned */
	int line, column;
} pst_source;

typedef enum {
	PST_SOURCES_NONE,   /* no source list was given */
	PST_SOURCES_FAILED, /* it could not be read: citations are not checked against it */
	PST_SOURCES_OK
} pst_sources_state;

struct posture_data {
	bool view;            /* a filtered view: features and sources belong to another
	                         posture_data, only the layer and feature arrays to this one */
	char *sources_path;
	pst_sources_state sources_state;
	pst_source *sources;
	size_t n_sources;
	pst_layer *layers;
	size_t n_layers;
	const struct pst_pg_scope_ *pg; /* while loading: what pg:NAME layers read (pg.h), or
	                      NULL when none may be read, borrowed */
	const char *tree;  /* while loading: the folder whose tree links may lead into
	                      (pst_check_link; NULL: each file's own folder), borrowed */
};

/**
 * posture_data_load() for the files of a map or a checked folder: a layer or
 * the sources file that is a symbolic link must lead into the folder tree of
 * @p tree (see pst_check_link).  @p pg says what pg:NAME layers read (NULL:
 * a pg: entry is an error).
 */
int pst_data_load(posture_data **out, posture_ctx *ctx, const char *sources,
                  const char *const *layers, size_t n_layers, const posture_check_opts *opts,
                  const char *tree, const struct pst_pg_scope_ *pg);

/**
 * The layer type a file name stands for: its first word (up to '-' or '.')
 * is bases, borders, incidents or places ("incidents-2019" is incidents).
 * False when it is none of them.
 */
bool pst_layer_type_from_name(pst_layer_type *out, const char *name);

/** The kinds layer type @p t allows (NULL-terminated), and its name ("incidents"). */
const char *const *pst_layer_kinds(pst_layer_type t);
const char *pst_layer_type_name(pst_layer_type t);
/* The properties a layer type allows (NULL-terminated), its name, and its
 * GeoPackage columns as a list for messages ("id, name, kind, ..."). */
const char *const *pst_layer_props(pst_layer_type t);
const char *pst_layer_columns(pst_layer_type t);

/*
 * Where a feature's problem is reported: for GeoJSON the layer file and
 * @p line:@p column as given; for a GeoPackage "FILE:TABLE:fid N" (written
 * into @p buf) and no line.
 */
const char *pst_feature_where(char *buf, size_t n, const pst_layer *l, int line, int column,
                              int *out_line, int *out_column);

/** An item's citations as short readable text, "; " between them (list.c; caller frees). */
char *pst_citations_text(const posture_data *d, const pst_feature *f);

/** Find a source by id, or NULL. */
const pst_source *pst_data_source(const posture_data *d, const char *id);

/** Parse a JSON file with jansson (duplicate keys are errors); syntax errors as FILE:LINE:COLUMN. */
int pst_json_load(void **out_json, char **out_text, size_t *out_len, posture_ctx *ctx,
                  const char *path, size_t max_size);
/* pst_json_load() in two steps: the text read and pre-checked (a byte-order
 * mark dropped; caller frees), then parsed (syntax errors reported). */
int pst_json_read_text(char **out_text, size_t *out_len, posture_ctx *ctx, const char *path,
                       size_t max_size);
int pst_json_parse_text(void **out_json, posture_ctx *ctx, const char *path, const char *text,
                        size_t len);

/* Dates: parse YYYY, YYYY-MM, YYYY-MM-DD or A/B into a day range; on failure
 * @p why ends "date 'x' …" with the reason ("ends before it starts"). */
bool pst_date_parse(const char *text, int *from, int *to, char *why, size_t n_why);

/* Day @p day (days since 1970-01-01) as YYYY-MM-DD. */
void pst_date_format(char out[32], int day);

/* Days in month @p m (1-12) of year @p y. */
int pst_days_in_month(int y, int m);

/*
 * Place checks against base geography.  A pst_georef holds the country
 * polygons (each read when first needed) and the list of neighbouring
 * pairs from shapes/.
 */
typedef struct pst_georef pst_georef;
int pst_georef_load(pst_georef **out, posture_ctx *ctx, const char *shapes_dir);
void pst_georef_destroy(pst_georef *g);
/* POSTURE_OK, or the error of a country record read on demand (already reported). */
int pst_georef_status(const pst_georef *g);
bool pst_georef_has_country(const pst_georef *g, const char *iso);
bool pst_georef_has_border(const pst_georef *g, const char *a, const char *b);
/* Distance in km from the point to country @p iso (0 inside); negative when unknown. */
double pst_georef_distance_km(const pst_georef *g, const char *iso, double lon, double lat);
/* True when the point is inside country @p iso or within @p km of it (fast for most points). */
bool pst_georef_within_km(const pst_georef *g, const char *iso, double lon, double lat,
                          double km);
/* True when the point is inside or within @p km of any country. */
bool pst_georef_near_land(const pst_georef *g, double lon, double lat, double km);

/* Read and check the CSL-JSON list into d->sources; errors are counted in *n_errors. */
int pst_sources_read(posture_data *d, posture_ctx *ctx, const char *path, int *n_errors);

/* Check every quote against its source's document @p dir/<source id>.txt, and its locator. */
int pst_documents_check(posture_ctx *ctx, const posture_data *d, const char *dir,
                        int *n_errors);

/* Fold text for quote matching: whitespace runs, typographic quotes and dashes. */
char *pst_fold_text(const char *text);

#endif
