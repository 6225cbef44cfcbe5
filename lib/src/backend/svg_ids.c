/*
 * svg_ids.c — element ids of the structured SVG.
 *
 * Designers select layers and items by id, scripts find them by id, and a
 * re-render after a data edit must keep them: so ids come from the data, not
 * from positions in the file.  A layer is named after its scene group
 * ("countries", "bases"); an item after its layer and its data id
 * ("bases--kant-air-base"); its label group adds "label--".  Every id is
 * made a valid XML id (pst_esc_id) and unique in the document: a clash (two
 * groups both called "borders", or ids that differ only in characters the
 * id alphabet lacks) gets "-2", "-3"… in drawing order, so identical scenes
 * always get identical ids.  A few ids are reserved for the document
 * itself (its title, description, frame clip, background, Labels layer).
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "escape.h"

/* Open-addressing set of the ids taken so far. */
typedef struct {
	char **slot;  /* NULL or a taken id (owned by the caller's pst_svg_ids) */
	size_t cap;   /* power of two, at least twice the ids it will hold */
} id_set;

static size_t hash_str(const char *s)
{
	size_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The slot holding @p id, or the empty slot where it would go. */
static char **set_find(id_set *set, const char *id)
{
	size_t i = hash_str(id) & (set->cap - 1);
	while (set->slot[i] && strcmp(set->slot[i], id) != 0)
		i = (i + 1) & (set->cap - 1);
	return &set->slot[i];
}

/*
 * A unique id made of @p prefix (already an id, or "") and @p raw (made
 * safe here), recorded in @p set.  NULL when out of memory.
 */
static char *take_id(id_set *set, const char *prefix, const char *raw)
{
	if (!prefix)
		return NULL; /* the prefix itself failed (out of memory): fail along */
	pst_buf b;
	pst_buf_init(&b);
	pst_buf_puts(&b, prefix);
	if (*prefix && raw && *raw)
		pst_buf_puts(&b, "--");
	if (!*prefix || (raw && *raw))
		pst_esc_id(&b, raw);
	size_t base_len = b.len;
	for (int n = 2; !b.failed && *set_find(set, b.data); n++) {
		b.len = base_len;
		pst_buf_printf(&b, "-%d", n);
	}
	if (b.failed) {
		pst_buf_free(&b);
		return NULL;
	}
	*set_find(set, b.data) = b.data;
	return b.data;
}

static size_t count_items(const posture_scene *s)
{
	size_t n = 0;
	for (size_t g = 0; g < s->n_groups; g++)
		n += s->groups[g].n_items;
	return n;
}

static bool group_has_labels(const pst_group *g)
{
	for (size_t i = 0; !g->furniture && i < g->n_items; i++)
		if (g->items[i].label)
			return true;
	return false;
}

static int alloc_ids(pst_svg_ids *ids, const posture_scene *s, size_t n_items)
{
	size_t ng = s->n_groups ? s->n_groups : 1, ni = n_items ? n_items : 1;
	ids->layer = calloc(ng, sizeof(char *));
	ids->label_layer = calloc(ng, sizeof(char *));
	ids->first = calloc(ng, sizeof(size_t));
	ids->item = calloc(ni, sizeof(char *));
	ids->label = calloc(ni, sizeof(char *));
	ids->text = calloc(ni, sizeof(char *));
	return ids->layer && ids->label_layer && ids->first && ids->item && ids->label && ids->text
	       ? POSTURE_OK : POSTURE_ENOMEM;
}

/* Reserved ids, then layers, label sub-layers, items and labels, in drawing order. */
static bool fill_ids(pst_svg_ids *ids, const posture_scene *s, id_set *set, char **reserved)
{
	static const char *const names[] = { "map-title", "map-desc", "map-clip", "background" };
	bool ok = true;
	for (size_t k = 0; k < PST_ARRAY_LEN(names); k++)
		ok = (reserved[k] = take_id(set, "", names[k])) && ok;
	for (size_t g = 0; g < s->n_groups; g++)
		ok = (ids->layer[g] = take_id(set, "", s->groups[g].name)) && ok;
	ok = (ids->labels = take_id(set, "", "labels")) && ok;
	for (size_t g = 0; g < s->n_groups; g++)
		if (group_has_labels(&s->groups[g]))
			ok = (ids->label_layer[g] = take_id(set, ids->labels, ids->layer[g])) && ok;
	size_t k = 0;
	for (size_t g = 0; g < s->n_groups; g++) {
		ids->first[g] = k;
		for (size_t i = 0; i < s->groups[g].n_items; i++, k++)
			ok = (ids->item[k] = take_id(set, ids->layer[g], s->groups[g].items[i].id)) && ok;
	}
	k = 0;
	for (size_t g = 0; g < s->n_groups; g++)
		for (size_t i = 0; i < s->groups[g].n_items; i++, k++)
			if (!s->groups[g].furniture && s->groups[g].items[i].label)
				ok = (ids->label[k] = take_id(set, "label", ids->item[k])) && ok;
	k = 0;
	for (size_t g = 0; g < s->n_groups; g++)
		for (size_t i = 0; i < s->groups[g].n_items; i++, k++)
			if (s->groups[g].items[i].label)
				ok = (ids->text[k] = take_id(set, ids->label[k] ? ids->label[k] : ids->item[k],
				                             "text")) && ok;
	return ok;
}

int pst_svg_ids_make(pst_svg_ids *ids, const posture_scene *s)
{
	memset(ids, 0, sizeof(*ids));
	size_t n_items = count_items(s);
	id_set set = { NULL, 16 };
	while (set.cap < 2 * (3 * n_items + 2 * s->n_groups + 8))
		set.cap *= 2;
	set.slot = calloc(set.cap, sizeof(char *));
	char *reserved[4] = { NULL, NULL, NULL, NULL };
	int rc = set.slot ? alloc_ids(ids, s, n_items) : POSTURE_ENOMEM;
	if (rc == POSTURE_OK && !fill_ids(ids, s, &set, reserved))
		rc = POSTURE_ENOMEM;
	for (size_t k = 0; k < PST_ARRAY_LEN(reserved); k++)
		free(reserved[k]);
	free(set.slot);
	if (rc != POSTURE_OK)
		pst_svg_ids_free(ids, s);
	return rc;
}

void pst_svg_ids_free(pst_svg_ids *ids, const posture_scene *s)
{
	size_t n_items = count_items(s);
	for (size_t k = 0; ids->item && ids->label && ids->text && k < n_items; k++) {
		free(ids->item[k]);
		free(ids->label[k]);
		free(ids->text[k]);
	}
	for (size_t g = 0; ids->layer && ids->label_layer && g < s->n_groups; g++) {
		free(ids->layer[g]);
		free(ids->label_layer[g]);
	}
	free(ids->layer);
	free(ids->label_layer);
	free(ids->first);
	free(ids->item);
	free(ids->label);
	free(ids->text);
	free(ids->labels);
	memset(ids, 0, sizeof(*ids));
}
