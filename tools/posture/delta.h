/*
 * delta.h — the change between two pages of a live preview, as a line of
 * JSON the page applies (delta.c; html_live.c's "patch" event).
 */
#ifndef POSTURE_CLI_DELTA_H
#define POSTURE_CLI_DELTA_H

#include <stdbool.h>
#include <stddef.h>

/**
 * The delta from page @p old (generation @p from) to page @p new
 * (generation @p to), both UTF-8: one line of JSON,
 * {"from":F,"to":T,"length":L,"ops":[...]}, where L is the new page's length
 * in UTF-16 code units and each op is [START,COUNT] (copy COUNT of the old
 * page's pieces between '\n' from piece START) or a string (new pieces, split
 * at '\n'); the new page is the pieces joined with '\n'.  Malloc'd, the
 * caller's to free(); NULL when out of memory.
 */
char *cli_delta_json(const char *old, size_t old_len, const char *new, size_t new_len,
                     unsigned long from, unsigned long to);

#endif
