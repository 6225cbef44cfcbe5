/*
 * list.c — `posture list`: every item with its kind, date, position,
 * precision and citations resolved to readable text, as an aligned table,
 * CSV or JSON.
 *
 * A short citation names the author (family names) or, without one, the
 * outlet; then the title, the year and the locator:
 *   Mataconis, "Putin Using Fear Of ISIS …" (2015), para. 3
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layer.h"

static const char *const layer_titles[] = { "bases", "borders", "incidents", "places" };

/* "Family" or "Family and Family" or "Family et al." from a CSL author list. */
static void add_authors(pst_buf *b, json_t *authors)
{
	size_t n = json_array_size(authors);
	for (size_t i = 0; i < n && i < 2; i++) {
		json_t *a = json_array_get(authors, i);
		const char *name = json_string_value(json_object_get(a, "family"));
		if (!name)
			name = json_string_value(json_object_get(a, "literal"));
		if (!name)
			continue;
		if (i == 1)
			pst_buf_puts(b, n == 2 ? " and " : "");
		if (i == 1 && n > 2) {
			pst_buf_puts(b, " et al.");
			break;
		}
		pst_buf_puts(b, name);
	}
}

/* One citation as text; caller frees. */
static char *short_citation(const posture_data *d, const pst_citation *c)
{
	const pst_source *s = pst_data_source(d, c->source_id);
	pst_buf b;
	pst_buf_init(&b);
	json_t *csl = s ? s->csl : NULL;
	json_t *authors = json_object_get(csl, "author");
	const char *outlet = json_string_value(json_object_get(csl, "container-title"));
	const char *title = json_string_value(json_object_get(csl, "title"));
	json_t *year = json_array_get(json_array_get(json_object_get(json_object_get(csl, "issued"),
	                                                             "date-parts"), 0), 0);
	if (json_array_size(authors))
		add_authors(&b, authors);
	else if (outlet)
		pst_buf_puts(&b, outlet);
	if (title)
		pst_buf_printf(&b, "%s\"%s\"", b.len ? ", " : "", title);
	if (json_is_integer(year))
		pst_buf_printf(&b, " (%lld)", (long long)json_integer_value(year));
	if (!csl)
		pst_buf_puts(&b, c->source_id);
	if (c->locator)
		pst_buf_printf(&b, ", %s", c->locator);
	if (b.failed) {
		pst_buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* The item's citations, each source and locator once (several quotes may share them). */
char *pst_citations_text(const posture_data *d, const pst_feature *f)
{
	pst_buf b;
	pst_buf_init(&b);
	for (size_t i = 0; i < f->n_cites; i++) {
		bool repeat = false;
		for (size_t j = 0; j < i && !repeat; j++)
			repeat = !strcmp(f->cites[j].source_id, f->cites[i].source_id) &&
			         !strcmp(f->cites[j].locator, f->cites[i].locator);
		if (repeat)
			continue;
		char *c = short_citation(d, &f->cites[i]);
		pst_buf_printf(&b, "%s%s", b.len ? "; " : "", c ? c : "");
		free(c);
	}
	pst_buf_puts(&b, "");
	if (b.failed) {
		pst_buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* Display width of UTF-8 text in characters. */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

enum { COL_LAYER, COL_ID, COL_NAME, COL_KIND, COL_DATE, COL_LON, COL_LAT, COL_PRECISION,
       COL_COUNTRY, COL_SOURCES, COL_NOTE, N_COLS };
static const char *const headers[N_COLS] = { "layer", "id", "name", "kind", "date", "lon", "lat",
	                                     "precision", "country", "sources", "note" };
#define N_TEXT_COLS COL_NOTE /* the table leaves the note out: CSV and JSON have it */

/* The row of a feature, as strings (caller frees each). */
static bool feature_row(char *row[N_COLS], const posture_data *d, const pst_layer *l,
                        const pst_feature *f)
{
	row[COL_LAYER] = pst_strdup(layer_titles[l->type]);
	row[COL_ID] = pst_strdup(f->id);
	row[COL_NAME] = pst_strdup(f->name);
	row[COL_KIND] = pst_strdup(f->kind);
	row[COL_COUNTRY] = f->has_countries ? pst_asprintf("%s-%s", f->countries[0], f->countries[1])
	                                    : pst_strdup(f->country ? f->country : "");
	row[COL_NOTE] = pst_strdup(f->note ? f->note : "");
	row[COL_DATE] = pst_strdup(f->date ? f->date : "");
	row[COL_LON] = f->has_point ? pst_asprintf("%.4f", f->lon) : pst_strdup("");
	row[COL_LAT] = f->has_point ? pst_asprintf("%.4f", f->lat) : pst_strdup("");
	row[COL_PRECISION] = pst_strdup(f->precision ? f->precision : "");
	row[COL_SOURCES] = pst_citations_text(d, f);
	for (int c = 0; c < N_COLS; c++)
		if (!row[c])
			return false;
	return true;
}

static void free_row(char *row[N_COLS])
{
	for (int c = 0; c < N_COLS; c++)
		free(row[c]);
}

static void put_csv_field(FILE *out, const char *s, bool last)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputs(last ? "\r\n" : ",", out);
}

static void put_text_row(FILE *out, char *const row[N_COLS], const size_t w[N_COLS])
{
	for (int c = 0; c < N_TEXT_COLS; c++) {
		fputs(row[c], out);
		if (c + 1 < N_TEXT_COLS)
			fprintf(out, "%*s", (int)(w[c] - width(row[c]) + 2), "");
	}
	fputc('\n', out);
}

static json_t *row_json(const posture_data *d, const pst_layer *l, const pst_feature *f)
{
	json_t *cites = json_array();
	for (size_t i = 0; i < f->n_cites; i++) {
		char *text = short_citation(d, &f->cites[i]);
		json_array_append_new(cites, json_pack("{s:s, s:s?, s:s, s:s?}", "source",
		                                       f->cites[i].source_id, "locator",
		                                       f->cites[i].locator, "quote", f->cites[i].quote,
		                                       "citation", text));
		free(text);
	}
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "layer", layer_titles[l->type], "id", f->id,
	                      "name", f->name, "kind", f->kind);
	if (f->date)
		json_object_set_new(o, "date", json_string(f->date));
	if (f->has_point)
		json_object_set_new(o, "position", json_pack("[ff]", f->lon, f->lat));
	if (f->precision)
		json_object_set_new(o, "precision", json_string(f->precision));
	if (f->country)
		json_object_set_new(o, "country", json_string(f->country));
	if (f->has_countries)
		json_object_set_new(o, "countries", json_pack("[ss]", f->countries[0], f->countries[1]));
	if (f->note)
		json_object_set_new(o, "note", json_string(f->note));
	json_object_set_new(o, "citations", cites);
	return o;
}

int posture_data_list(posture_ctx *ctx, const posture_data *d, FILE *out, const char *layer,
                      posture_list_format format)
{
	bool found = !layer;
	for (size_t l = 0; l < d->n_layers; l++)
		found = found || !strcmp(d->layers[l].name, layer);
	if (!found)
		return pst_error(ctx, POSTURE_EUSAGE, layer, "no such layer (have: bases, borders, "
		                 "incidents, places, as present in the directory)");
	size_t w[N_COLS];
	for (int c = 0; c < N_COLS; c++)
		w[c] = strlen(headers[c]);
	json_t *all = format == POSTURE_LIST_JSON ? json_array() : NULL;
	/* Two passes for text (widths, then rows); one for CSV and JSON. */
	for (int pass = format == POSTURE_LIST_TEXT ? 0 : 1; pass < 2; pass++) {
		if (pass == 1 && format == POSTURE_LIST_TEXT)
			put_text_row(out, (char *const *)headers, w);
		if (pass == 1 && format == POSTURE_LIST_CSV)
			for (int c = 0; c < N_COLS; c++)
				put_csv_field(out, headers[c], c + 1 == N_COLS);
		for (size_t l = 0; l < d->n_layers; l++) {
			const pst_layer *ly = &d->layers[l];
			if (layer && strcmp(ly->name, layer) != 0)
				continue;
			for (size_t i = 0; i < ly->n_features; i++) {
				if (format == POSTURE_LIST_JSON) {
					json_array_append_new(all, row_json(d, ly, &ly->features[i]));
					continue;
				}
				char *row[N_COLS] = { 0 };
				if (!feature_row(row, d, ly, &ly->features[i])) {
					free_row(row);
					json_decref(all);
					return pst_error(ctx, POSTURE_ENOMEM, ly->path, "out of memory");
				}
				for (int c = 0; pass == 0 && c < N_COLS; c++)
					w[c] = width(row[c]) > w[c] ? width(row[c]) : w[c];
				if (pass == 1 && format == POSTURE_LIST_TEXT)
					put_text_row(out, row, w);
				for (int c = 0; pass == 1 && format == POSTURE_LIST_CSV && c < N_COLS; c++)
					put_csv_field(out, row[c], c + 1 == N_COLS);
				free_row(row);
			}
		}
	}
	if (all) {
		json_dumpf(all, out, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
		fputc('\n', out);
		json_decref(all);
	}
	if (fflush(out) != 0 || ferror(out))
		return pst_error(ctx, POSTURE_EIO, "stdout", "cannot write the list");
	return POSTURE_OK;
}
