/*
 * resolved.h — a citation's source as text members (resolved.c).
 */
#ifndef POSTURE_RESOLVED_H
#define POSTURE_RESOLVED_H

#include "layer.h"

/** The members a resolved citation may carry beside id, locator and quote (NULL-terminated). */
extern const char *const pst_resolved_members[];

/** Member @p member of source @p src as text (caller frees), or NULL when the source has none. */
char *pst_resolve(const pst_source *src, const char *member);

#endif
