/*
 * filter.h — posture_filter inside the library (filter.c): set from a map
 * file's position, applied with a default end date, said in words.
 */
#ifndef POSTURE_FILTER_H
#define POSTURE_FILTER_H

#include "layer.h"

/** Set criterion @p key at @p at (a map file's line, or an option with line 0). */
int pst_filter_set_at(posture_filter *f, posture_ctx *ctx, const pst_where *at, const char *key,
                      const char *value);

/** Is @p key a filter criterion ("from", "hide", …)? */
bool pst_filter_known_key(const char *key);

/** Check the layer and kind names @p f gives against @p d (errors suggest a name). */
int pst_filter_check(const posture_filter *f, posture_ctx *ctx, const posture_data *d);

/**
 * posture_data_filter(), with @p default_to (a map's `date`, or NULL) as
 * the end of the date range when the filter sets no `to`.  @p f may be NULL.
 */
int pst_data_filter(posture_data **out, posture_ctx *ctx, const posture_data *d,
                    const posture_filter *f, const char *default_to);

/** Append what @p f leaves out, in words ("Incidents from March to June 2015; places left out"). */
void pst_filter_describe(pst_buf *b, const posture_filter *f);

/**
 * The days pst_data_filter() keeps dated items in: *from_day (INT_MIN: no
 * start) to *to_day (INT_MAX: no end), @p default_to standing for the end
 * when @p f (which may be NULL) sets none.
 */
void pst_filter_day_range(const posture_filter *f, const char *default_to, int *from_day,
                          int *to_day);

/** Does @p f set a date range (from or to)? */
bool pst_filter_has_dates(const posture_filter *f);

/** The countries the filter keeps (none: 0) and where they were given, into *at. */
size_t pst_filter_countries(const posture_filter *f, const char *const **names, pst_where *at);

#endif
