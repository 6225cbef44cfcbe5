/*
 * keep.c — an earlier render's label places (posture_map_keep_labels,
 * `posture render --keep-labels FILE.json`).
 *
 * Placement is a function of the map alone, and in a crowd one added item
 * can move a dozen labels: each is the displaced neighbour's best answer,
 * and no rule of the placement itself holds them (label/DESIGN.md, "Stable
 * under edits").  What holds them is a reference: the map data of the
 * render before the edit, which gives every item's label box.  This file
 * reads those boxes; label.c then makes the candidate with the same box the
 * label's cheapest and every other one dearer by a fixed charge, so that a
 * label leaves its place only when the edit takes it (a new symbol on it, a
 * new line through it) or when staying would cost a neighbour its name.
 */
#include <jansson.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "layers/layer.h"
#include "mapdef/mapdef.h"

static int by_key(const void *pa, const void *pb)
{
	const pst_label_ref *a = pa, *b = pb;
	return strcmp(a->key, b->key);
}

void pst_label_refs_free(pst_label_ref *refs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(refs[i].key);
	free(refs);
}

const pst_label_ref *pst_label_ref_find(const pst_label_ref *refs, size_t n, const char *layer,
                                        const char *id)
{
	if (!n)
		return NULL;
	char *key = pst_asprintf("%s\x1f%s", layer, id);
	if (!key)
		return NULL; /* out of memory: the label is placed as if new */
	pst_label_ref probe = { key, { 0, 0, 0, 0 } };
	const pst_label_ref *r = bsearch(&probe, refs, n, sizeof(*refs), by_key);
	free(key);
	return r;
}

static int not_map_data(posture_ctx *ctx, const char *path, const char *what)
{
	return pst_error(ctx, POSTURE_EDATA, path,
	                 "not posture map data: %s (write it with `posture render MAP -o FILE.json`)",
	                 what);
}

/* Item @p item's label box, if it has one; false when the item is malformed. */
static bool item_ref(const json_t *item, bool *has, double box[4])
{
	*has = false;
	if (!json_is_object(item) || !json_is_string(json_object_get(item, "id")))
		return false;
	const json_t *b = json_object_get(item, "label_box");
	if (!b)
		return true;
	if (!json_is_array(b) || json_array_size(b) != 4)
		return false;
	for (size_t k = 0; k < 4; k++) {
		const json_t *v = json_array_get(b, k);
		if (!json_is_number(v))
			return false;
		box[k] = json_number_value(v);
	}
	*has = box[2] >= box[0] && box[3] >= box[1];
	return *has;
}

static int read_refs(posture_ctx *ctx, const char *path, const json_t *root, pst_label_ref **out,
                     size_t *n_out)
{
	const json_t *layers = json_is_object(root) ? json_object_get(root, "layers") : NULL;
	if (!json_is_array(layers))
		return not_map_data(ctx, path, "no \"layers\" array");
	size_t n = 0, cap = 0;
	pst_label_ref *refs = NULL;
	int rc = POSTURE_OK;
	for (size_t g = 0; g < json_array_size(layers) && rc == POSTURE_OK; g++) {
		const json_t *layer = json_array_get(layers, g);
		const json_t *name = json_is_object(layer) ? json_object_get(layer, "name") : NULL;
		const json_t *items = json_is_object(layer) ? json_object_get(layer, "items") : NULL;
		if (!json_is_string(name) || !json_is_array(items)) {
			char what[96];
			snprintf(what, sizeof what, "layers[%zu] has no \"name\" and \"items\"", g);
			rc = not_map_data(ctx, path, what);
			break;
		}
		for (size_t i = 0; i < json_array_size(items) && rc == POSTURE_OK; i++) {
			const json_t *item = json_array_get(items, i);
			bool has;
			double box[4];
			if (!item_ref(item, &has, box)) {
				char what[96];
				snprintf(what, sizeof what, "layers[%zu].items[%zu] has no \"id\" or a bad \"label_box\"",
				         g, i);
				rc = not_map_data(ctx, path, what);
				break;
			}
			if (!has)
				continue;
			char *key = pst_asprintf("%s\x1f%s", json_string_value(name),
			                         json_string_value(json_object_get(item, "id")));
			if (!key || pst_grow((void **)&refs, &cap, n + 1, sizeof(*refs))) {
				free(key);
				rc = pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
				break;
			}
			refs[n].key = key;
			memcpy(refs[n].box, box, sizeof(box));
			n++;
		}
	}
	if (rc != POSTURE_OK) {
		pst_label_refs_free(refs, n);
		return rc;
	}
	if (n)
		qsort(refs, n, sizeof(*refs), by_key);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(refs[i - 1].key, refs[i].key)) {
			const char *id = strchr(refs[i].key, '\x1f') + 1;
			char what[160];
			snprintf(what, sizeof what, "item '%.60s' is listed twice in its layer", id);
			pst_label_refs_free(refs, n);
			return not_map_data(ctx, path, what);
		}
	*out = refs;
	*n_out = n;
	return POSTURE_OK;
}

int posture_map_keep_labels(posture_map *map, posture_ctx *ctx, const char *path)
{
	char *text = NULL;
	size_t len = 0, skip = 0;
	/* Read, it is not an input the outputs must spare: the map data of this
	 * render may replace it (`--keep-labels map.json -o map.json`, the
	 * analyst's loop), and it is read whole before anything is written. */
	struct stat st;
	bool was_input = stat(path, &st) == 0 &&
	                 pst_ctx_is_input(ctx, (pst_file_id){ (unsigned long long)st.st_dev,
	                                                      (unsigned long long)st.st_ino });
	int rc = pst_read_file(&text, &len, ctx, path, PST_MAX_LAYER_FILE);
	if (!was_input && stat(path, &st) == 0)
		pst_ctx_forget_input(ctx, (pst_file_id){ (unsigned long long)st.st_dev,
		                                         (unsigned long long)st.st_ino });
	if (rc == POSTURE_OK)
		rc = pst_json_precheck(ctx, path, text, len, &skip);
	void *root = NULL;
	if (rc == POSTURE_OK)
		rc = pst_json_parse_text(&root, ctx, path, text + skip, len - skip);
	free(text);
	pst_label_ref *refs = NULL;
	size_t n = 0;
	if (rc == POSTURE_OK)
		rc = read_refs(ctx, path, root, &refs, &n);
	json_decref(root);
	char *copy = rc == POSTURE_OK ? pst_strdup(path) : NULL;
	if (rc == POSTURE_OK && !copy) {
		pst_label_refs_free(refs, n);
		rc = pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	}
	if (rc != POSTURE_OK)
		return rc;
	pst_label_refs_free(map->keep, map->n_keep);
	free(map->keep_path);
	map->keep = refs;
	map->n_keep = n;
	map->keep_path = copy;
	return POSTURE_OK;
}
