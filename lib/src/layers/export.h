/*
 * export.h — what the export writers (export.c, export_shp.c) share.
 */
#ifndef POSTURE_EXPORT_H
#define POSTURE_EXPORT_H

#include "layer.h"

/** Create the folders of output @p path that are missing. */
int pst_export_dir(posture_ctx *ctx, const char *path);

/** Layers of @p d that hold at least one item. */
size_t pst_export_layer_count(const posture_data *d);

/** "comillas-2015; rferl-2014": each source an item cites, once (caller frees). */
char *pst_export_source_ids(const pst_feature *f);

/** The item's country, or a border's two ("AFG-TJK"), or "" (caller frees). */
char *pst_export_country(const pst_feature *f);

/**
 * Property @p col (a column of pst_layer_columns()) of @p f as the text of a
 * table cell, or NULL when it is absent: a border's countries as a JSON pair,
 * ["AFG", "TJK"], and its length with 17 digits, written into @p buf; the
 * others borrowed from @p f.
 */
const char *pst_export_cell(const pst_feature *f, const char *col, char *buf, size_t n);

#endif
