/*
 * jsonpos.c — the JSON position index (see jsonpos.h).
 *
 * One pass over the text: a recursive walk that keeps the current JSON
 * Pointer in a buffer and appends an entry per value.  Entries are sorted by
 * pointer afterwards for binary search; line starts are recorded so that an
 * offset becomes line:column in O(log n) plus the length of one line.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonpos.h"

typedef struct {
	char *pointer;  /* JSON Pointer of the value */
	size_t key_off; /* offset of its key's opening quote (= val_off in arrays) */
	size_t val_off; /* offset of the value's first byte */
} pos_entry;

struct pst_jsonpos {
	const char *text;   /* the indexed text (borrowed; must outlive lookups) */
	size_t len;
	pos_entry *entries; /* sorted by pointer after the walk */
	size_t n, cap;
	size_t *line_start; /* offset of each line's first byte */
	size_t n_lines, cap_lines;
};

typedef struct {
	pst_jsonpos *idx;
	size_t pos;  /* read offset */
	pst_buf ptr; /* current pointer */
	bool failed; /* out of memory */
} walker;

static void skip_ws(walker *w)
{
	while (w->pos < w->idx->len && strchr(" \t\r\n", w->idx->text[w->pos]))
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

static void add_entry(walker *w, size_t key_off, size_t val_off)
{
	pst_jsonpos *idx = w->idx;
	char *p = pst_strndup(w->ptr.data ? w->ptr.data : "", w->ptr.len);
	if (!p || pst_grow((void **)&idx->entries, &idx->cap, idx->n + 1, sizeof(pos_entry))) {
		free(p);
		w->failed = true;
		return;
	}
	idx->entries[idx->n++] = (pos_entry){ p, key_off, val_off };
}

/* Append "/key" (escaped per RFC 6901) to the pointer; key is the raw JSON string. */
static void push_key(walker *w, size_t start, size_t end)
{
	const char *t = w->idx->text;
	pst_buf_puts(&w->ptr, "/");
	for (size_t i = start + 1; i + 1 < end; i++) {
		char c = t[i];
		if (c == '~')
			pst_buf_puts(&w->ptr, "~0");
		else if (c == '/')
			pst_buf_puts(&w->ptr, "~1");
		else
			pst_buf_add(&w->ptr, &c, 1); /* escapes stay as written: keys here are plain */
	}
}

static void walk_value(walker *w, size_t key_off, int depth);

static void walk_object(walker *w, int depth)
{
	w->pos++;
	for (;;) {
		skip_ws(w);
		if (w->pos >= w->idx->len || w->idx->text[w->pos] == '}')
			break;
		size_t key = w->pos, saved = w->ptr.len;
		skip_string(w);
		push_key(w, key, w->pos);
		skip_ws(w);
		w->pos++; /* ':' */
		walk_value(w, key, depth + 1);
		w->ptr.len = saved;
		if (w->ptr.data)
			w->ptr.data[saved] = '\0';
		skip_ws(w);
		if (w->pos < w->idx->len && w->idx->text[w->pos] == ',')
			w->pos++;
	}
	w->pos++;
}

static void walk_array(walker *w, int depth)
{
	w->pos++;
	for (size_t i = 0;; i++) {
		skip_ws(w);
		if (w->pos >= w->idx->len || w->idx->text[w->pos] == ']')
			break;
		size_t saved = w->ptr.len;
		pst_buf_printf(&w->ptr, "/%zu", i);
		walk_value(w, w->pos, depth + 1);
		w->ptr.len = saved;
		if (w->ptr.data)
			w->ptr.data[saved] = '\0';
		skip_ws(w);
		if (w->pos < w->idx->len && w->idx->text[w->pos] == ',')
			w->pos++;
	}
	w->pos++;
}

static void walk_value(walker *w, size_t key_off, int depth)
{
	skip_ws(w);
	if (w->pos >= w->idx->len || depth > 4096)
		return;
	add_entry(w, key_off, w->pos);
	const char *t = w->idx->text;
	switch (t[w->pos]) {
	case '{': walk_object(w, depth); break;
	case '[': walk_array(w, depth); break;
	case '"': skip_string(w); break;
	default:
		while (w->pos < w->idx->len && !strchr(",]} \t\r\n", t[w->pos]))
			w->pos++;
	}
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const pos_entry *)a)->pointer, ((const pos_entry *)b)->pointer);
}

static int index_lines(pst_jsonpos *idx)
{
	for (size_t i = 0; i <= idx->len; i++) {
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
	pst_buf_init(&w.ptr);
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		w.pos = 3;
	walk_value(&w, w.pos, 0);
	bool failed = w.failed || w.ptr.failed || index_lines(idx) != POSTURE_OK;
	pst_buf_free(&w.ptr);
	if (failed) {
		pst_jsonpos_destroy(idx);
		return POSTURE_ENOMEM;
	}
	qsort(idx->entries, idx->n, sizeof(pos_entry), cmp_entry);
	*out = idx;
	return POSTURE_OK;
}

void pst_jsonpos_destroy(pst_jsonpos *idx)
{
	if (!idx)
		return;
	for (size_t i = 0; i < idx->n; i++)
		free(idx->entries[i].pointer);
	free(idx->entries);
	free(idx->line_start);
	free(idx);
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
	int col = 1;
	for (size_t i = idx->line_start[lo]; i < off; i++)
		if (((unsigned char)idx->text[i] & 0xC0) != 0x80)
			col++;
	*line = (int)lo + 1;
	*column = col;
}

void pst_jsonpos_find(const pst_jsonpos *idx, const char *pointer, bool at_key, int *line,
                      int *column)
{
	*line = 1;
	*column = 1;
	if (!idx)
		return;
	char *p = pst_strdup(pointer);
	while (p) {
		pos_entry key = { p, 0, 0 };
		const pos_entry *e = bsearch(&key, idx->entries, idx->n, sizeof(pos_entry), cmp_entry);
		if (e) {
			offset_to_line_col(idx, at_key ? e->key_off : e->val_off, line, column);
			break;
		}
		char *slash = strrchr(p, '/');
		if (!slash)
			break;
		*slash = '\0'; /* try the parent */
		at_key = false;
	}
	free(p);
}
