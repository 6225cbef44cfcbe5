/*
 * check.h — reporting helpers shared by the layer and source validators:
 * every finding points at a JSON member through the file's position index.
 */
#ifndef POSTURE_CHECK_H
#define POSTURE_CHECK_H

#include <jansson.h>

#include "jsonpos.h"
#include "layer.h"

typedef struct {
	posture_ctx *ctx;
	const char *path;      /* file being checked */
	pst_jsonpos *pos;      /* its position index */
	int n_errors;          /* errors found in this file */
} pst_checker;

/*
 * A JSON file opened for checking: parsed by jansson and indexed by position.
 * pst_check_open() sets *root to NULL (and counts the error in *n_errors)
 * when the file is not valid JSON, or is a symbolic link out of @p tree
 * (pst_check_link); that is not a failure of the run.
 */
typedef struct {
	pst_checker c;   /* reporting state for the file */
	json_t *root;    /* the parsed document, or NULL */
	char *text;      /* its bytes (the position index refers to them) */
} pst_check_file;

int pst_check_open(pst_check_file *f, posture_ctx *ctx, const char *path, const char *tree,
                   size_t max_size,
                   int *n_errors);
/*
 * pst_check_open() in two steps: the text read and pre-checked (f->text set,
 * *len its length, f->root NULL; f->text NULL when the file was refused),
 * then parsed by jansson and indexed.
 */
int pst_check_read(pst_check_file *f, size_t *len, posture_ctx *ctx, const char *path,
                   const char *tree, size_t max_size, int *n_errors);
int pst_check_parse(pst_check_file *f, size_t len, int *n_errors);
void pst_check_close(pst_check_file *f, int *n_errors);

/* Report at the member @p pointer (its key when @p at_key). */
void pst_check_report(pst_checker *c, posture_severity sev, const char *pointer, bool at_key,
                      const char *fmt, ...) PST_PRINTF(5, 6);

#define pst_check_error(c, ptr, at_key, ...) \
	pst_check_report((c), POSTURE_ERROR, (ptr), (at_key), __VA_ARGS__)

/* A string member, or NULL (reported when @p required and missing, or not a string). */
const char *pst_check_string(pst_checker *c, json_t *obj, const char *obj_ptr, const char *key,
                             bool required, const char *what);

/*
 * Check one feature @p jf (a GeoJSON Feature value) of layer @p l into @p ft,
 * reporting through @p c.  The GeoJSON reader and the GeoPackage reader
 * (which builds the same value from a row) share it, so both formats pass
 * exactly the same validation.  POSTURE_ENOMEM is the only failure.
 */
int pst_layer_check_feature(pst_checker *c, pst_layer *l, pst_feature *ft, json_t *jf,
                            const pst_georef *geo, const posture_data *data);
/* The same for feature @p index of a GeoJSON file (its pointer "/features/INDEX"). */
int pst_layer_check_feature_at(pst_checker *c, pst_layer *l, pst_feature *ft, json_t *jf,
                               size_t index, const pst_georef *geo, const posture_data *data);

/*
 * A GeoJSON layer's text (@p len bytes, pre-checked, without a byte-order
 * mark) read without a tree (geojson_fast.c): plain point features through
 * the row checks, the others through pst_layer_check_feature_at().  *done
 * is false when the text is left to the caller to read the old way (nothing
 * was reported, @p l is as it was); POSTURE_ENOMEM is the only failure.
 * pst_geojson_fast_off (tests) leaves every text to the caller.
 */
int pst_geojson_read_fast(pst_checker *c, pst_layer *l, const char *text, size_t len,
                          const pst_georef *geo, const posture_data *data, bool *done);
extern bool pst_geojson_fast_off;

/*
 * A point feature as a table row: each text NUL-terminated valid UTF-8, or
 * NULL when absent; citations' texts are pooled in the layer's pool.
 */
typedef struct {
	const char *source, *locator, *quote;
} pst_row_cite;

typedef struct {
	const char *id, *name, *kind, *precision, *country, *operator_, *status, *date,
		*date_basis, *note;
	bool geom_null;         /* geometry NULL or an empty point */
	double lon, lat;        /* the point, when not geom_null */
	const pst_row_cite *cites; /* their texts interned in the layer's pool */
	size_t n_cites;
	bool interned;          /* kind, precision, country, operator_, status, date,
	                           date_basis and note are interned in the layer's pool too */
} pst_row;

/* A date text parsed, and what it gave (pst_row_cache). */
typedef struct {
	char text[40];  /* "" when none */
	bool ok;
	int from, to, latest;
} pst_date_memo;

/* What rows of one table share: today, and each source's issued date (layer.c). */
typedef struct {
	int today;              /* last day of today, as the date check sees it */
	int *issued;            /* per source: its issued last day (INT_MIN: not looked up) */
	const char *last_id;    /* the last source id looked up (a pooled pointer) */
	const pst_source *last_src;
	int last_issued;
	/* Date texts parsed lately, and what they gave (rows repeat a few dates), found
	 * by a hash of the text; date_latest is the last one looked up's latest_day. */
	pst_date_memo dates[64];
	int date_latest;
	/* Citations (source, locator: pooled pointers) found to pass their checks. */
	struct { const char *source, *locator; } cite_ok[64];
} pst_row_cache;

int pst_row_cache_init(pst_row_cache *c, const posture_data *d);
void pst_row_cache_free(pst_row_cache *c);

/*
 * The fast way for rows of big layers: when row @p r passes every check
 * pst_layer_check_feature() would make, without an error or a warning,
 * fill @p ft from it (strings in l->pool) and set *passed; otherwise leave
 * the row to pst_layer_check_feature(), which reports what is wrong.
 * POSTURE_ENOMEM is the only failure.
 */
int pst_layer_row_feature(pst_layer *l, pst_feature *ft, const pst_row *r,
                          const pst_georef *geo, const posture_data *data, pst_row_cache *cache,
                          bool *passed);

/* Whether @p n bytes of text can be taken as a value without the full check:
 * not blank, valid UTF-8, no NUL (a database cell or a row's column). */
bool pst_cell_plain(const unsigned char *t, size_t n);

/*
 * Citation texts a reader met lately: features citing the same paragraph
 * repeat its long quote row after row, and a text that is byte for byte one
 * of these needs neither the UTF-8 check nor the hashing of the pool's set
 * again.  Each slot is the pool's interned copy of a clean text (NULL: none),
 * found by a hash of a few of its bytes.  Zeroed to start.
 */
#define PST_KNOWN_TEXTS 256 /* a power of two */
typedef struct {
	const char *pooled[PST_KNOWN_TEXTS];
	size_t n[PST_KNOWN_TEXTS];
} pst_known_texts;

/*
 * The @p n bytes at @p t interned in @p pool when they are plain (pst_cell_plain),
 * found first among @p k; NULL when not plain or out of memory (*plain says which).
 */
const char *pst_known_text(pst_known_texts *k, pst_pool *pool, const unsigned char *t, size_t n,
                           bool *plain);

/* The hash the id check sets ids by (never 0: 0 stands for no id in pst_layer.id_hashes). */
size_t pst_id_hash(const char *id);

/* Move a feature checked by pst_layer_check_feature() into l->pool. */
int pst_layer_pool_feature(pst_layer *l, pst_feature *ft);

/* GeoPackage (gpkg.c): the feature tables of @p path (caller frees each and
 * the array), and one table read and checked into @p l (errors counted). */
int pst_gpkg_tables(char ***out, size_t *n, posture_ctx *ctx, const char *path);
int pst_gpkg_read_layer(pst_layer *l, posture_ctx *ctx, const char *path, const char *table,
                        const pst_georef *geo, const posture_data *data, int *n_errors);

/*
 * ISO WKB (gpkg.c) as the geometry JSON a GeoJSON file would hold: a Point,
 * LineString or MultiLineString with coordinates, another type by name only,
 * null for an empty point (or when @p empty); NULL when the bytes are not WKB.
 */
json_t *pst_wkb_geometry(const unsigned char *p, size_t n, bool empty);

/* The nearest of @p names to @p word within two edits, or NULL. */
const char *pst_nearest_word(const char *word, const char *const *names);

/* True when @p s is one of the NULL-terminated @p words. */
bool pst_word_in(const char *s, const char *const *words);

/* "'a', 'b' or 'c'" for messages; caller frees. */
char *pst_word_list(const char *const *words);

#endif
