/*
 * ini.h — reading INI files (map files, themes) safely over Debian's inih.
 *
 * inih (r55) has quirks that would silently change what a user wrote:
 * lines longer than 199 bytes are cut and the rest read as a new line, an
 * indented line is joined to the previous value, `:` also separates keys,
 * ` ;` starts a comment anywhere, a NUL ends the file, and repeated
 * sections merge.  pst_ini_read() checks every line first — length, NUL,
 * UTF-8, indentation, separators, section headers — and reports problems as
 * FILE:LINE:COLUMN; then inih reads the text through a line reader that
 * counts lines, so each key arrives with its position.
 *
 * A file that is not INI text at all — UTF-16 or UTF-32, JSON (a GeoJSON
 * layer named as the map, say), binary bytes, or text whose first line is
 * not a section header — gets exactly one error, which quotes none of its
 * bytes; so does the first encoding error (NUL, invalid UTF-8) of a file.
 */
#ifndef POSTURE_INI_H
#define POSTURE_INI_H

#include "internal.h"

#define PST_INI_MAX_LINE 199 /* inih's buffer holds 200 bytes with the newline */

/** Where a key is: its section header, the key, and the value. */
typedef struct {
	pst_where section; /* the [section] header (line 0 before any) */
	pst_where key;
	pst_where value;
} pst_ini_pos;

/**
 * Called for every key, with its position in the file.  Return POSTURE_OK,
 * or the code of an error the handler has reported (reading goes on, so
 * every problem is reported in one run).
 */
typedef int (*pst_ini_handler)(void *user, const char *section, const char *key,
                               const char *value, const pst_ini_pos *at);

/**
 * Read the INI file @p path (at most @p max_size bytes), calling @p fn for
 * each key in file order.  @p kind names what the file should be in the
 * error for a file that is not one ("map file", "theme file").
 * @return POSTURE_OK, or the first error (syntax errors are POSTURE_EDATA)
 */
int pst_ini_read(posture_ctx *ctx, const char *path, const char *kind, size_t max_size,
                 pst_ini_handler fn, void *user);

/**
 * Report an error at @p at: POSTURE_EDATA in a file (@p at has a line),
 * POSTURE_EUSAGE in an option (--set theme.KEY=VALUE, --theme NAME).
 */
int pst_ini_error(posture_ctx *ctx, const pst_where *at, const char *fmt, ...) PST_PRINTF(3, 4);

#endif
