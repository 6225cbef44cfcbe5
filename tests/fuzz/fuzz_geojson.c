/*
 * fuzz_geojson.c — libFuzzer target: a curated GeoJSON layer.
 *
 * The first byte picks the layer (bases, borders, incidents, places: each has
 * its own rules); the rest is the file, loaded with a small valid
 * sources.json through posture_data_load, the path the validator and the
 * renderer take.
 *
 * Each input is loaded twice: the usual way (plain point features read
 * without a tree, geojson_fast.c) and with every layer read as a jansson
 * tree (pst_geojson_fast_off).  The two must agree exactly — the return
 * code, every diagnostic with its position, and every field of every
 * feature (positions included) — or the target aborts: the fast reader may
 * only ever be a faster way to the same result.
 */
#include <string.h>

#include "posture/data.h"

#include "fuzz_common.h"
#include "layers/check.h"

static const char sources[] =
	"[{\"id\": \"rferl-2014\", \"type\": \"post-weblog\", \"title\": \"T\", \"page\": \"3-9\",\n"
	"  \"issued\": {\"date-parts\": [[2014, 5, 1]]}},\n"
	" {\"id\": \"afp-2019\", \"type\": \"article-newspaper\", \"title\": \"U\"}]\n";

/* One load: its return code, its diagnostics as text (caller frees), and the data. */
static int load(char **diags, posture_data **d, const char *src, const char *layer)
{
	*diags = NULL;
	*d = NULL;
	posture_ctx *ctx;
	if (posture_ctx_create(&ctx) != POSTURE_OK)
		return -1000;
	int rc = posture_data_load(d, ctx, src, &layer, 1, NULL);
	pst_buf b;
	pst_buf_init(&b);
	for (size_t i = 0; i < posture_ctx_diag_count(ctx); i++) {
		char line[4096];
		posture_diag_format(line, sizeof(line), posture_ctx_diag(ctx, i));
		pst_buf_printf(&b, "%s\n", line);
	}
	*diags = b.failed ? NULL : b.data ? b.data : pst_strdup(""); /* NULL: out of memory */
	if (b.failed)
		pst_buf_free(&b);
	posture_ctx_destroy(ctx);
	return rc;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool same_feature(const pst_feature *a, const pst_feature *b)
{
	const char *const sa[] = { a->id, a->name, a->kind, a->precision, a->country, a->operator_,
		                   a->status, a->date, a->date_basis, a->note };
	const char *const sb[] = { b->id, b->name, b->kind, b->precision, b->country, b->operator_,
		                   b->status, b->date, b->date_basis, b->note };
	for (size_t i = 0; i < PST_ARRAY_LEN(sa); i++)
		if (!same_str(sa[i], sb[i]))
			return false;
	if (a->line != b->line || a->column != b->column || a->id_line != b->id_line ||
	    a->id_column != b->id_column || a->date_from != b->date_from ||
	    a->date_to != b->date_to || a->has_countries != b->has_countries ||
	    memcmp(a->countries, b->countries, sizeof(a->countries)) ||
	    memcmp(&a->length_km_reported, &b->length_km_reported, sizeof(double)) ||
	    a->has_point != b->has_point || memcmp(&a->lon, &b->lon, sizeof(double)) ||
	    memcmp(&a->lat, &b->lat, sizeof(double)) || a->n_lines != b->n_lines ||
	    a->n_cites != b->n_cites)
		return false;
	for (size_t i = 0; i < a->n_lines; i++)
		if (a->line_end[i] != b->line_end[i])
			return false;
	if (a->n_lines && memcmp(a->line_xy, b->line_xy, a->line_end[a->n_lines - 1] * 2 * sizeof(double)))
		return false;
	for (size_t i = 0; i < a->n_cites; i++) {
		const pst_citation *x = &a->cites[i], *y = &b->cites[i];
		if (!same_str(x->source_id, y->source_id) || !same_str(x->locator, y->locator) ||
		    !same_str(x->quote, y->quote) || x->line != y->line || x->column != y->column ||
		    x->locator_line != y->locator_line || x->locator_column != y->locator_column)
			return false;
	}
	return true;
}

static bool same_data(const posture_data *a, const posture_data *b)
{
	if (!a || !b)
		return !a && !b;
	if (a->n_layers != b->n_layers)
		return false;
	for (size_t l = 0; l < a->n_layers; l++) {
		if (a->layers[l].n_features != b->layers[l].n_features)
			return false;
		for (size_t i = 0; i < a->layers[l].n_features; i++)
			if (!same_feature(&a->layers[l].features[i], &b->layers[l].features[i]))
				return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "bases.geojson", "borders.geojson",
		                             "incidents.geojson", "places.geojson" };
	if (size < 1)
		return 0;
	const char *src = fuzz_write_text("sources.json", sources);
	const char *layer = fuzz_write(names[data[0] & 3], data + 1, size - 1);
	char *fast_diags, *tree_diags;
	posture_data *fast, *tree;
	pst_geojson_fast_off = false;
	int fast_rc = load(&fast_diags, &fast, src, layer);
	pst_geojson_fast_off = true;
	int tree_rc = load(&tree_diags, &tree, src, layer);
	pst_geojson_fast_off = false;
	bool same = fast_rc == tree_rc && fast_diags && tree_diags &&
	            !strcmp(fast_diags, tree_diags) && same_data(fast, tree);
	if (!same && fast_diags && tree_diags) { /* out of memory in one of them is no finding */
		fprintf(stderr, "fuzz_geojson: the fast reader and the tree disagree (rc %d, %d)\n"
		        "--- fast:\n%s--- tree:\n%s", fast_rc, tree_rc, fast_diags, tree_diags);
		abort();
	}
	free(fast_diags);
	free(tree_diags);
	posture_data_destroy(fast);
	posture_data_destroy(tree);
	return 0;
}
