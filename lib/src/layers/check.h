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

/* GeoPackage (gpkg.c): the feature tables of @p path (caller frees each and
 * the array), and one table read and checked into @p l (errors counted). */
int pst_gpkg_tables(char ***out, size_t *n, posture_ctx *ctx, const char *path);
int pst_gpkg_read_layer(pst_layer *l, posture_ctx *ctx, const char *path, const char *table,
                        const pst_georef *geo, const posture_data *data, int *n_errors);

/* The nearest of @p names to @p word within two edits, or NULL. */
const char *pst_nearest_word(const char *word, const char *const *names);

/* True when @p s is one of the NULL-terminated @p words. */
bool pst_word_in(const char *s, const char *const *words);

/* "'a', 'b' or 'c'" for messages; caller frees. */
char *pst_word_list(const char *const *words);

#endif
