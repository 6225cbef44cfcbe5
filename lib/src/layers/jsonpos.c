/*
 * jsonpos.c — the JSON position index (see jsonpos.h).
 *
 * One pass over the text records a node per value: where its key and its
 * value start and which node holds it.  The children of every node are then
 * laid out in document order in one array (counted, then filled), so a JSON
 * Pointer is resolved by descending from the root: an array member by its
 * index in O(1), an object member by comparing the few keys of its object.
 * No string is copied and nothing is sorted, so the index costs a few
 * machine words per value and time linear in the text; big layers (a
 * hundred thousand features) index in a fraction of a second.
 *
 * Line starts are recorded, and the number of characters before every
 * COL_STEP-th byte, so that an offset becomes line:column in O(log lines)
 * plus at most COL_STEP bytes counted, however long its line: a minified
 * file is one line, and counting columns from the start of it made every
 * lookup O(file).
 */
#include <stdlib.h>
#include <string.h>

#include "jsonpos.h"

typedef struct {
	size_t key_off; /* offset of its key's opening quote (= val_off in arrays) */
	size_t val_off; /* offset of the value's first byte */
	size_t parent;  /* index of the node holding it (the root holds itself) */
} pos_node;

struct pst_jsonpos {
	const char *text;   /* the indexed text (borrowed; must outlive lookups) */
	size_t len;
	pos_node *nodes;    /* in document order; node 0 is the root */
	size_t n, cap;
	size_t *child_start; /* n + 1 offsets into child: the children of node i */
	size_t *child;       /* node indices, grouped by parent, in document order */
	size_t *line_start;  /* offset of each line's first byte */
	size_t n_lines, cap_lines;
	size_t *chars_before; /* [k]: UTF-8 characters in text[0 .. k * COL_STEP) */
};

#define COL_STEP 256 /* bytes between character-count checkpoints */

typedef struct {
	pst_jsonpos *idx;
	size_t pos;  /* read offset */
	bool failed; /* out of memory */
} walker;

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_ws(walker *w)
{
	while (w->pos < w->idx->len && is_ws(w->idx->text[w->pos]))
		w->pos++;
}

static void skip_string(walker *w)
{
	const char *t = w->idx->text;
	w->pos++; /* opening quote */
	while (w->pos < w->idx->len && t[w->pos] != '"')
		w->pos += t[w->pos] == '\\' ? 2 : 1;
	w->pos++;
}

static size_t add_node(walker *w, size_t key_off, size_t val_off, size_t parent)
{
	pst_jsonpos *idx = w->idx;
	if (pst_grow((void **)&idx->nodes, &idx->cap, idx->n + 1, sizeof(pos_node))) {
		w->failed = true;
		return 0;
	}
	idx->nodes[idx->n] = (pos_node){ key_off, val_off, parent };
	return idx->n++;
}

static void walk_value(walker *w, size_t key_off, size_t parent, int depth);

static void walk_object(walker *w, size_t self, int depth)
{
	w->pos++;
	for (;;) {
		skip_ws(w);
		if (w->pos >= w->idx->len || w->idx->text[w->pos] == '}')
			break;
		size_t key = w->pos;
		skip_string(w);
		skip_ws(w);
		w->pos++; /* ':' */
		walk_value(w, key, self, depth + 1);
		if (w->failed)
			return; /* out of memory: the value was not read, so nothing moves on */
		skip_ws(w);
		if (w->pos < w->idx->len && w->idx->text[w->pos] == ',')
			w->pos++;
	}
	w->pos++;
}

static void walk_array(walker *w, size_t self, int depth)
{
	w->pos++;
	for (;;) {
		skip_ws(w);
		if (w->pos >= w->idx->len || w->idx->text[w->pos] == ']')
			break;
		walk_value(w, w->pos, self, depth + 1);
		if (w->failed)
			return;
		skip_ws(w);
		if (w->pos < w->idx->len && w->idx->text[w->pos] == ',')
			w->pos++;
	}
	w->pos++;
}

static void walk_value(walker *w, size_t key_off, size_t parent, int depth)
{
	skip_ws(w);
	if (w->pos >= w->idx->len || depth > 4096 || w->failed)
		return;
	size_t self = add_node(w, key_off, w->pos, parent);
	if (w->failed)
		return;
	const char *t = w->idx->text;
	switch (t[w->pos]) {
	case '{': walk_object(w, self, depth); break;
	case '[': walk_array(w, self, depth); break;
	case '"': skip_string(w); break;
	default:
		while (w->pos < w->idx->len && !strchr(",]} \t\r\n", t[w->pos]))
			w->pos++;
	}
}

/* Group every node under its parent (counting sort: the walk's order stays). */
static int index_children(pst_jsonpos *idx)
{
	idx->child_start = calloc(idx->n + 2, sizeof(size_t));
	idx->child = malloc((idx->n + 1) * sizeof(size_t));
	if (!idx->child_start || !idx->child)
		return POSTURE_ENOMEM;
	for (size_t i = 1; i < idx->n; i++)
		idx->child_start[idx->nodes[i].parent + 2]++;
	for (size_t i = 2; i <= idx->n + 1; i++)
		idx->child_start[i] += idx->child_start[i - 1];
	for (size_t i = 1; i < idx->n; i++)
		idx->child[idx->child_start[idx->nodes[i].parent + 1]++] = i;
	return POSTURE_OK; /* child_start[i] .. child_start[i + 1] now hold node i's children */
}

static int index_lines(pst_jsonpos *idx)
{
	idx->chars_before = malloc((idx->len / COL_STEP + 1) * sizeof(size_t));
	if (!idx->chars_before)
		return POSTURE_ENOMEM;
	size_t chars = 0;
	for (size_t i = 0; i <= idx->len; i++) {
		if (i % COL_STEP == 0)
			idx->chars_before[i / COL_STEP] = chars;
		if (i < idx->len && ((unsigned char)idx->text[i] & 0xC0) != 0x80)
			chars++;
		if (i != 0 && idx->text[i - 1] != '\n')
			continue;
		if (pst_grow((void **)&idx->line_start, &idx->cap_lines, idx->n_lines + 1,
		             sizeof(size_t)))
			return POSTURE_ENOMEM;
		idx->line_start[idx->n_lines++] = i;
	}
	return POSTURE_OK;
}

int pst_jsonpos_build(pst_jsonpos **out, const char *text, size_t len)
{
	*out = NULL;
	pst_jsonpos *idx = calloc(1, sizeof(*idx));
	if (!idx)
		return POSTURE_ENOMEM;
	idx->text = text;
	idx->len = len;
	walker w = { .idx = idx };
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		w.pos = 3;
	walk_value(&w, w.pos, 0, 0);
	if (idx->n == 0) /* empty text: a root at the start, so lookups give 1:1 */
		add_node(&w, 0, 0, 0);
	if (w.failed || index_children(idx) != POSTURE_OK || index_lines(idx) != POSTURE_OK) {
		pst_jsonpos_destroy(idx);
		return POSTURE_ENOMEM;
	}
	*out = idx;
	return POSTURE_OK;
}

void pst_jsonpos_destroy(pst_jsonpos *idx)
{
	if (!idx)
		return;
	free(idx->nodes);
	free(idx->child_start);
	free(idx->child);
	free(idx->line_start);
	free(idx->chars_before);
	free(idx);
}

/* UTF-8 characters before byte @p off: a checkpoint plus under COL_STEP bytes. */
static size_t chars_at(const pst_jsonpos *idx, size_t off)
{
	size_t k = off / COL_STEP, chars = idx->chars_before[k];
	for (size_t i = k * COL_STEP; i < off; i++)
		if (((unsigned char)idx->text[i] & 0xC0) != 0x80)
			chars++;
	return chars;
}

static void offset_to_line_col(const pst_jsonpos *idx, size_t off, int *line, int *column)
{
	size_t lo = 0, hi = idx->n_lines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (idx->line_start[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = (int)lo + 1;
	*column = (int)(chars_at(idx, off) - chars_at(idx, idx->line_start[lo]) + 1);
}

/* Does the raw key at @p key_off ("...") spell the pointer segment seg[0..n) (RFC 6901)? */
static bool key_is(const pst_jsonpos *idx, size_t key_off, const char *seg, size_t n)
{
	const char *k = idx->text + key_off + 1, *end = idx->text + idx->len;
	for (size_t i = 0; i < n; i++, k++) {
		char c = seg[i];
		if (c == '~' && i + 1 < n && (seg[i + 1] == '0' || seg[i + 1] == '1'))
			c = seg[++i] == '0' ? '~' : '/';
		if (k >= end || *k != c || *k == '"')
			return false;
	}
	return k < end && *k == '"'; /* escapes stay as written: keys here are plain */
}

/* The child of @p node named by the segment seg[0..n), or (size_t)-1. */
static size_t child_of(const pst_jsonpos *idx, size_t node, const char *seg, size_t n)
{
	size_t first = idx->child_start[node], count = idx->child_start[node + 1] - first;
	if (idx->text[idx->nodes[node].val_off] == '[') {
		size_t k = 0;
		if (n == 0 || n > 18 || (n > 1 && seg[0] == '0'))
			return (size_t)-1;
		for (size_t i = 0; i < n; i++) {
			if (seg[i] < '0' || seg[i] > '9')
				return (size_t)-1;
			k = k * 10 + (size_t)(seg[i] - '0');
		}
		return k < count ? idx->child[first + k] : (size_t)-1;
	}
	for (size_t i = 0; i < count; i++)
		if (key_is(idx, idx->nodes[idx->child[first + i]].key_off, seg, n))
			return idx->child[first + i];
	return (size_t)-1;
}

void pst_jsonpos_find(const pst_jsonpos *idx, const char *pointer, bool at_key, int *line,
                      int *column)
{
	*line = 1;
	*column = 1;
	if (!idx)
		return;
	size_t node = 0;
	const char *p = pointer;
	while (*p == '/') {
		const char *seg = p + 1;
		size_t n = strcspn(seg, "/");
		size_t c = child_of(idx, node, seg, n);
		if (c == (size_t)-1) {
			at_key = false; /* unknown: the nearest known parent's value */
			break;
		}
		node = c;
		p = seg + n;
	}
	const pos_node *e = &idx->nodes[node];
	offset_to_line_col(idx, at_key && node ? e->key_off : e->val_off, line, column);
}
