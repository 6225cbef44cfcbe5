/**
 * @file core.h
 * @brief Context, error codes and diagnostics shared by every posture module.
 *
 * Every fallible posture function returns POSTURE_OK (0) or one of the
 * negative codes below, and records what went wrong as a diagnostic in the
 * context it was given.  A context therefore holds the complete list of
 * findings of a run (a validator reporting thirty problems and a renderer
 * failing on one use the same list), which the caller prints or inspects.
 *
 * Ownership: a context is created with posture_ctx_create() and freed with
 * posture_ctx_destroy(); everything else a module creates from a context must
 * be destroyed before the context.
 */
#ifndef POSTURE_CORE_H
#define POSTURE_CORE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(POSTURE_BUILDING)
#define POSTURE_API __attribute__((visibility("default")))
#else
#define POSTURE_API
#endif

/** Return codes: 0 is success, every failure is negative. */
enum {
	POSTURE_OK = 0,
	POSTURE_ENOMEM = -1, /**< out of memory */
	POSTURE_EIO = -2,    /**< a file could not be read or written */
	POSTURE_EDATA = -3,  /**< input data is invalid */
	POSTURE_EPROJ = -4,  /**< a projection could not be set up or applied */
	POSTURE_EUSAGE = -5  /**< the caller asked for something impossible */
};

/** How serious a diagnostic is. */
typedef enum {
	POSTURE_NOTE = 0,
	POSTURE_WARNING = 1,
	POSTURE_ERROR = 2
} posture_severity;

/** One finding: where it is and what is wrong.  Strings are owned by the context. */
typedef struct {
	posture_severity severity; /**< note, warning or error */
	int code;                  /**< the POSTURE_E* code it maps to */
	const char *file;          /**< file the finding is about, or NULL */
	int line;                  /**< 1-based line, or 0 when not a text position */
	int column;                /**< 1-based column (in characters), or 0 */
	const char *message;       /**< one line, lowercase, problem first */
} posture_diag;

/** A posture context: diagnostics and shared state of one run. */
typedef struct posture_ctx posture_ctx;

/**
 * Create a context.
 * @param out receives the new context, owned by the caller
 * @return POSTURE_OK or POSTURE_ENOMEM
 */
POSTURE_API int posture_ctx_create(posture_ctx **out);

/** Destroy a context and every diagnostic it holds.  NULL is allowed. */
POSTURE_API void posture_ctx_destroy(posture_ctx *ctx);

/**
 * Allow layer, theme and sources files that are symbolic links to lead into
 * @p dir (and the folders under it).  Without this, such a link is followed
 * only when its target lies in the folder holding the map file (or the
 * folder being checked) or its parent; any other is refused with an error
 * naming the link and its target, before a byte of the target is read.
 * @param dir an existing folder; its real path is kept, so later changes
 *        to a link on the way do not change what is allowed
 * @return POSTURE_OK, POSTURE_EUSAGE (no such folder) or POSTURE_ENOMEM
 */
POSTURE_API int posture_ctx_allow_path(posture_ctx *ctx, const char *dir);

/** Number of diagnostics recorded so far. */
POSTURE_API size_t posture_ctx_diag_count(const posture_ctx *ctx);

/** Number of diagnostics of severity POSTURE_ERROR recorded so far. */
POSTURE_API size_t posture_ctx_error_count(const posture_ctx *ctx);

/** Diagnostic number @p i (0-based), borrowed from the context. */
POSTURE_API const posture_diag *posture_ctx_diag(const posture_ctx *ctx, size_t i);

/**
 * Number of paths the run of @p ctx has read or looked for so far: every
 * input file (map, themes, layers, sources, shapefiles), whether or not it
 * could be read, and every folder whose listing chose files (a map's
 * layers folder).  A live preview watches these.
 */
POSTURE_API size_t posture_ctx_read_count(const posture_ctx *ctx);

/**
 * Path number @p i (0-based) of posture_ctx_read_count(), as it was opened
 * (relative to the current directory when the map's paths are); a folder's
 * ends in '/'.  Borrowed from the context; NULL past the end.
 */
POSTURE_API const char *posture_ctx_read_path(const posture_ctx *ctx, size_t i);

/** Forget every diagnostic recorded so far. */
POSTURE_API void posture_ctx_clear_diags(posture_ctx *ctx);

/**
 * Format diagnostic @p d GNU-style into @p buf:
 * `FILE:LINE:COLUMN: error: message` (parts that are unknown are left out).
 * @return the length the full text needs, as snprintf does
 */
POSTURE_API int posture_diag_format(char *buf, size_t size, const posture_diag *d);

/**
 * The word of @p words nearest to @p word (at most two edits apart, case
 * ignored), for "did you mean" hints; NULL when none is that close.
 * Borrowed from @p words.
 */
POSTURE_API const char *posture_nearest_word(const char *word, const char *const *words,
                                             size_t n);

/** The library version, "MAJOR.MINOR.PATCH". */
POSTURE_API const char *posture_version(void);

/**
 * Release the process-wide font map posture draws text with.  Call once, at
 * exit, after every posture object has been destroyed.
 */
POSTURE_API void posture_shutdown(void);

#ifdef __cplusplus
}
#endif
#endif
