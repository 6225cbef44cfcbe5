/*
 * internal.h — helpers shared between libposture's source files (never installed).
 *
 * Names here are pst_*; public API is posture_*.  Everything that reports a
 * problem does so through pst_diag() on the run's context, so callers only
 * have to look at the return code and the context's diagnostic list.
 */
#ifndef POSTURE_INTERNAL_H
#define POSTURE_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "posture/core.h"

#define PST_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PST_PI 3.14159265358979323846

#if defined(__GNUC__)
#define PST_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PST_PRINTF(f, a)
#endif

/* Documented input limits (README "Limits"). */
#define PST_MAX_TEXT_FILE (64u * 1024 * 1024)   /* sources JSON, TopoJSON, documents */
#define PST_MAX_LAYER_FILE (512u * 1024 * 1024) /* one GeoJSON layer (parsed: ~10x in memory) */
#define PST_MAX_SHAPE_FILE (512u * 1024 * 1024) /* one .shp */
#define PST_MAX_JSON_DEPTH 64                   /* arrays and objects inside each other */
#define PST_MAX_JSON_STRING (1024u * 1024)      /* one JSON string, in bytes */
#define PST_MAX_JSON_NUMBER 64                  /* characters of one JSON number */
#define PST_MAX_FEATURES 2000000                /* features in one GeoJSON layer file */
#define PST_MAX_GPKG_FEATURES 10000000          /* rows in one GeoPackage layer table */

/* --- diagnostics --------------------------------------------------------- */

/** Record a diagnostic; returns @p code so callers can `return pst_diag(...)`. */
int pst_diag(posture_ctx *ctx, posture_severity sev, int code, const char *file,
             int line, int column, const char *fmt, ...) PST_PRINTF(7, 8);

int pst_vdiag(posture_ctx *ctx, posture_severity sev, int code, const char *file,
              int line, int column, const char *fmt, va_list ap);

/** A position in an input: file, and line/column when it is a text file (else 0). */
typedef struct {
	const char *file;
	int line;
	int column;
} pst_where;

/** An error at @p at. */
#define pst_error_at(ctx, code, at, ...) \
	pst_diag((ctx), POSTURE_ERROR, (code), (at)->file, (at)->line, (at)->column, __VA_ARGS__)

/** Shorthand for an error without a text position. */
#define pst_error(ctx, code, file, ...) \
	pst_diag((ctx), POSTURE_ERROR, (code), (file), 0, 0, __VA_ARGS__)

/* --- inputs of a run ------------------------------------------------------ */

/** A file's identity: the same device and inode is the same file. */
typedef struct {
	unsigned long long dev;
	unsigned long long ino;
} pst_file_id;

/** Remember that this run read file @p id (pst_read_file does it for every input). */
void pst_ctx_note_input(posture_ctx *ctx, pst_file_id id);

/**
 * Remember that this run read, or looked for, file @p path (a folder's
 * listing when @p folder), as posture_ctx_read_path() reports it.  The
 * path is copied; a path already recorded is not recorded twice.
 */
void pst_ctx_note_read(posture_ctx *ctx, const char *path, bool folder);

/* Drop the diagnostics recorded after the first @p n (a pass whose work is redone). */
void pst_ctx_truncate_diags(posture_ctx *ctx, size_t n);

/** Did this run read file @p id? */
bool pst_ctx_is_input(const posture_ctx *ctx, pst_file_id id);

/** The file is no longer an input of this run (outputs may replace it). */
void pst_ctx_forget_input(posture_ctx *ctx, pst_file_id id);

/** How many files this run has read, and the @p i-th (for replaying a cached read). */
size_t pst_ctx_input_count(const posture_ctx *ctx);
pst_file_id pst_ctx_input(const posture_ctx *ctx, size_t i);

/** Folders posture_ctx_allow_path() allowed, as real paths: how many, and number @p i. */
size_t pst_ctx_allowed_count(const posture_ctx *ctx);
const char *pst_ctx_allowed(const posture_ctx *ctx, size_t i);

/**
 * Refuse @p path when it is a symbolic link whose target lies outside the
 * folder tree of the data it belongs to: @p tree (the folder holding the map
 * file, or the folder `posture check` was given) and its parent, the folder
 * the link itself sits in, and every folder the context allows
 * (posture_ctx_allow_path).  @p tree NULL means the link's own folder and
 * its parent.  A file that is not a link passes (the caller named it, or a
 * folder it named holds it).  The error names the link and its target.
 * @return POSTURE_OK, POSTURE_EDATA (refused) or POSTURE_ENOMEM
 */
int pst_check_link(posture_ctx *ctx, const char *path, const char *tree);

/** The folder part of @p path ("." when it has none); the caller's, freed with free(). */
char *pst_path_dir(const char *path);

/* --- memory --------------------------------------------------------------- */

/** Grow *items (of *cap elements of size @p elem) to hold at least @p need. */
int pst_grow_to(void **items, size_t *cap, size_t need, size_t elem);

/* pst_grow_to() with its common case, room already, inline (called per row of big layers). */
static inline int pst_grow(void **items, size_t *cap, size_t need, size_t elem)
{
	return need <= *cap ? POSTURE_OK : pst_grow_to(items, cap, need, elem);
}

/**
 * @p n bytes for a big buffer (an image, a whole file), freed with free().
 * From 2 MiB up it is aligned to 2 MiB and the kernel is asked to back it
 * with huge pages: on Linux that turns thousands of first-touch page faults
 * into a few (about 60 ms for a 2000x1400 image on a virtual machine).
 */
void *pst_big_alloc(size_t n);

/**
 * Ask the kernel to back the whole pages of [@p p, @p p + @p n) with memory
 * now, in one call, before they are first written (MADV_POPULATE_WRITE,
 * Linux 5.14; elsewhere, or when refused, nothing happens and the pages
 * fault in one by one as before).  For memory about to be filled anyway:
 * on a virtual machine each first-touch fault costs some 10 us, a batch
 * populated in one call a tenth of that.  Ranges under 64 KiB are left alone.
 */
void pst_prefault(void *p, size_t n);

/**
 * pst_prefault() for an array being filled one element at a time: when
 * element @p n (of @p cap, @p elem bytes each) starts a new run of 256 KiB,
 * the run's memory is populated (no more than the array's capacity).
 */
void pst_prefault_next(void *items, size_t n, size_t cap, size_t elem);

/* Stop a worker thread that waits on @p cv under @p mu until *@p stop: set
 * it, wake the worker, join it, and destroy @p mu and @p cv. */
void pst_thread_stop(pthread_t thread, pthread_mutex_t *mu, pthread_cond_t *cv, bool *stop);

char *pst_strdup(const char *s);
char *pst_strndup(const char *s, size_t n);
char *pst_asprintf(const char *fmt, ...) PST_PRINTF(1, 2);
/** @p n with its thousands grouped for a reader ("10,000"); returns @p buf. */
const char *pst_count_text(char buf[32], size_t n);

/* --- text buffer --------------------------------------------------------- */

typedef struct {
	char *data;  /* NUL-terminated contents */
	size_t len;  /* bytes used, excluding the NUL */
	size_t cap;  /* bytes allocated */
	bool failed; /* an allocation failed; contents are incomplete */
} pst_buf;

void pst_buf_init(pst_buf *b);
void pst_buf_free(pst_buf *b);
void pst_buf_add(pst_buf *b, const void *data, size_t n);
void pst_buf_puts(pst_buf *b, const char *s);
void pst_buf_printf(pst_buf *b, const char *fmt, ...) PST_PRINTF(2, 3);

/* --- labels kept from an earlier render (mapdef/keep.c) ------------------- */

/* Where an earlier render put one item's label (name or key), from its map data. */
typedef struct {
	char *key;      /* "LAYER\x1fID": the layer's name, a unit separator, the item's id */
	double box[4];  /* x0, y0, x1, y1 in pt, halo included, as the map data gives it */
} pst_label_ref;

/* The entry for item @p id of layer @p layer in @p refs (sorted by key), or NULL. */
const pst_label_ref *pst_label_ref_find(const pst_label_ref *refs, size_t n, const char *layer,
                                        const char *id);

/* --- files ---------------------------------------------------------------- */

/**
 * Read a whole regular file (stat first: never block on a FIFO or device)
 * of at most @p max_size bytes.  The result is NUL-terminated; *len excludes
 * the NUL.  Errors are reported against @p path.
 */
int pst_read_file(char **out, size_t *len, posture_ctx *ctx, const char *path,
                  size_t max_size);

/**
 * Check JSON text before jansson reads it: a UTF-16/32 byte-order mark, NUL
 * bytes, invalid UTF-8, nesting deeper than PST_MAX_JSON_DEPTH, strings over
 * PST_MAX_JSON_STRING bytes and numbers over PST_MAX_JSON_NUMBER characters
 * are reported at their line:column.  A UTF-8 byte-order mark is allowed;
 * *skip is set to its length (0 or 3), the bytes to skip before parsing.
 */
int pst_json_precheck(posture_ctx *ctx, const char *path, const char *text, size_t len,
                      size_t *skip);

/** Check that @p path names a regular file of at most @p max_size bytes. */
int pst_check_regular_file(posture_ctx *ctx, const char *path, size_t max_size);

/**
 * Atomic output: bytes go to a temporary file beside @p path, which replaces
 * @p path only on pst_atomic_commit().  pst_atomic_abort() removes it, so a
 * failed run leaves the earlier file untouched.
 */
typedef struct {
	char *path;     /* final path */
	char *tmp_path; /* temporary file in the same directory */
	void *fp;       /* FILE * of the temporary file */
} pst_atomic;

int pst_atomic_open(pst_atomic *out, posture_ctx *ctx, const char *path);
int pst_atomic_commit(pst_atomic *a, posture_ctx *ctx);
void pst_atomic_abort(pst_atomic *a);

/** Create @p dir and its parents when missing. */
int pst_mkdirs(posture_ctx *ctx, const char *dir);

/**
 * posture's own data folder @p kind, "shapes" (the base geography a map uses
 * when it names none) or "themes" (the built-in themes):
 * PREFIX/share/posture/KIND of the installed posture, found from where the
 * library or executable was loaded, or the source tree's folder when run
 * from the build tree.  The caller's, freed with free(); NULL when out of
 * memory.
 */
char *pst_data_path(const char *kind);

/** Join @p rel onto the directory of @p base_file (rel stays as is when absolute). */
char *pst_path_relative_to(const char *base_file, const char *rel);

/* --- links ---------------------------------------------------------------- */

/* ASCII classes, independent of the locale. */
static inline bool pst_ascii_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool pst_ascii_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/**
 * A link a reader may follow: @p url when it is an absolute http or https
 * URL (scheme case-insensitive, a host present, no spaces or control
 * characters), else — when @p doi is set — "https://doi.org/" followed by
 * the DOI percent-encoded (a "doi:" or "https://doi.org/" prefix is
 * dropped first); else NULL.  A doi.org @p url is encoded the same way.
 * javascript:, data:, relative and malformed URLs never pass.  The result
 * is the caller's, freed with free().
 */
char *pst_link_url(const char *url, const char *doi);

/* --- string pool (core/pool.c) -------------------------------------------- */

/* A hash of @p n bytes, eight at a time, from @p h (PST_HASH_SEED to start):
 * for tables that compare the bytes too. */
#define PST_HASH_SEED 1469598103934665603u
uint64_t pst_hash_bytes(const void *data, size_t n, uint64_t h);

/*
 * Many small allocations of one owner (a big layer's strings), freed
 * together by pst_pool_free().  pst_pool_intern() returns the pool's one
 * copy of the @p n bytes at @p s (NUL-terminated), so repeated values are
 * stored once.  pst_pool_alloc() aligns as malloc does; pst_pool_chars()
 * does not align (text).  NULL when out of memory.
 */
typedef struct pst_pool pst_pool;
pst_pool *pst_pool_new(void);
void pst_pool_free(pst_pool *p);
void *pst_pool_alloc(pst_pool *p, size_t n);
char *pst_pool_chars(pst_pool *p, size_t n); /* @p n bytes for text, unaligned */
char *pst_pool_strn(pst_pool *p, const char *s, size_t n);
const char *pst_pool_intern(pst_pool *p, const char *s, size_t n);

/* --- text ----------------------------------------------------------------- */

/** Length of the valid UTF-8 sequence at @p s (1–4), or 0 when invalid. */
size_t pst_utf8_seq_len(const unsigned char *s, size_t avail);

/**
 * Make data text safe to draw, in place: control characters (but newlines),
 * C1 controls and bidirectional overrides and marks are removed, so a name
 * cannot reorder or hide the text around it, and so are Unicode's
 * noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF…), which Cairo refuses.
 */
void pst_text_clean(char *text);

/** Convert a byte offset in @p text to a 1-based line and column (in characters). */
void pst_offset_to_line_col(const char *text, size_t offset, int *line, int *column);

#endif
