/*
 * jsonpos.h — where each member of a JSON text starts, by JSON Pointer.
 *
 * jansson reports positions only for syntax errors.  Once jansson has
 * accepted a text, jsonpos walks the same bytes once and records, for every
 * value, its JSON Pointer ("/features/3/properties/id") with the offsets of
 * its key and of its value, so that errors of meaning can point at the
 * member they are about.  It is a position index, not a parser: it assumes
 * the text is valid JSON.
 */
#ifndef POSTURE_JSONPOS_H
#define POSTURE_JSONPOS_H

#include "internal.h"

typedef struct pst_jsonpos pst_jsonpos;

/** Index @p text (@p len bytes, already accepted by jansson). */
int pst_jsonpos_build(pst_jsonpos **out, const char *text, size_t len);
void pst_jsonpos_destroy(pst_jsonpos *idx);

/**
 * Line and column (1-based, characters) of the member at @p pointer: its key
 * when @p at_key and it has one, else its value.  Unknown pointers fall back
 * to the nearest known parent; the root is 1:1.
 */
void pst_jsonpos_find(const pst_jsonpos *idx, const char *pointer, bool at_key, int *line,
                      int *column);

#endif
