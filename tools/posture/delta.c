/*
 * delta.c — the change from one page of a live preview to the next, as
 * the few lines that differ (serve's "patch" event; html_live.c applies it).
 *
 * After an edit most of the page is the same text: of the default map's
 * 800 KB, an edit of one incident changes about 30 KB (the item, its label,
 * the text version's line and the data line), and sending the whole page
 * again costs the browser more than parsing it.  A page is taken as its
 * pieces between '\n' (the piece after the last '\n' is the empty string,
 * so joining the pieces with '\n' gives the text back exactly).  The delta
 * lists, in order, what makes the new pieces: [START, COUNT] copies COUNT
 * pieces of the old page from piece START, and a string gives new pieces
 * (itself split at '\n').  Which copies are found is a matter of size only:
 * any list of copies and strings is correct as long as it spells the new
 * page, which the new page's length in UTF-16 code units (what the
 * browser's string length counts) lets the page check.
 *
 * Copies are found through a hash table of the old pieces: a new piece that
 * continues the copy under way extends it; otherwise the candidates with the
 * same hash (the first few) are tried and the one whose run of equal pieces
 * is longest wins.  A copy shorter than two pieces and 32 bytes is sent as
 * text instead.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta.h"

#define CANDIDATES 16 /* old pieces tried for a new piece that breaks the copy */
#define RUN_PROBE 64  /* pieces compared to rank a candidate */

/* The pieces of a text between '\n': start and length of each. */
typedef struct {
	const char *text;
	size_t n;
	size_t *start;
	size_t *len;
	uint64_t *hash;
} pieces;

/* A hash of a piece, eight bytes at a time (two pages are a megabyte or more). */
static uint64_t piece_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 1099511628211ull;
		h ^= h >> 32;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

static int split(pieces *out, const char *text, size_t len)
{
	size_t n = 1;
	for (const char *p = text, *end = text + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	*out = (pieces){ text, n, malloc(n * sizeof(size_t)), malloc(n * sizeof(size_t)),
		         malloc(n * sizeof(uint64_t)) };
	if (!out->start || !out->len || !out->hash)
		return -1;
	size_t at = 0;
	for (size_t k = 0; k < n; k++) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		out->start[k] = at;
		out->len[k] = end - at;
		out->hash[k] = piece_hash(text + at, end - at);
		at = end + 1;
	}
	return 0;
}

static void pieces_free(pieces *p)
{
	free(p->start);
	free(p->len);
	free(p->hash);
}

static bool same(const pieces *a, size_t i, const pieces *b, size_t j)
{
	return a->hash[i] == b->hash[j] && a->len[i] == b->len[j] &&
	       !memcmp(a->text + a->start[i], b->text + b->start[j], a->len[i]);
}

/* A growing text: the JSON line being made. */
typedef struct {
	char *data;
	size_t len, cap;
	bool failed;
} text;

static void put(text *t, const char *p, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *d = realloc(t->data, cap);
		if (!d) {
			t->failed = true;
			return;
		}
		t->data = d;
		t->cap = cap;
	}
	memcpy(t->data + t->len, p, n);
	t->len += n;
	t->data[t->len] = '\0';
}

static void puts_(text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* @p n bytes of @p p as the inside of a JSON string (UTF-8 kept as it is). */
static void put_json_chars(text *t, const char *p, size_t n)
{
	size_t from = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(t, p + from, i - from);
		char esc[8];
		if (c == '"' || c == '\\')
			snprintf(esc, sizeof(esc), "\\%c", c);
		else if (c == '\n')
			snprintf(esc, sizeof(esc), "\\n");
		else
			snprintf(esc, sizeof(esc), "\\u%04x", c);
		puts_(t, esc);
		from = i + 1;
	}
	put(t, p + from, n - from);
}

/* Length of @p n bytes of UTF-8 in UTF-16 code units. */
static size_t utf16_length(const char *p, size_t n)
{
	size_t units = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c & 0xC0) != 0x80)
			units += c >= 0xF0 ? 2 : 1; /* a four-byte sequence is a surrogate pair */
	}
	return units;
}

/* The hash table of the old pieces: per bucket the first piece, then next[]. */
typedef struct {
	size_t mask;
	size_t *head; /* SIZE_MAX: empty */
	size_t *next; /* per old piece: the next one in its bucket, SIZE_MAX: none */
} table;

static int table_make(table *t, const pieces *old)
{
	size_t size = 16;
	while (size < old->n * 2)
		size *= 2;
	t->mask = size - 1;
	t->head = malloc(size * sizeof(size_t));
	t->next = malloc(old->n * sizeof(size_t));
	if (!t->head || !t->next)
		return -1;
	memset(t->head, 0xff, size * sizeof(size_t));
	for (size_t i = old->n; i-- > 0;) { /* from the end, so that each bucket is in order */
		size_t b = (size_t)old->hash[i] & t->mask;
		t->next[i] = t->head[b];
		t->head[b] = i;
	}
	return 0;
}

/* Pieces equal from old @p i and new @p j on, counted up to @p most. */
static size_t run(const pieces *old, size_t i, const pieces *new, size_t j, size_t most)
{
	size_t k = 0;
	while (k < most && i + k < old->n && j + k < new->n && same(old, i + k, new, j + k))
		k++;
	return k;
}

/* Rank old piece @p i as the start of a copy for new piece @p j. */
static void try_copy(const pieces *old, size_t i, const pieces *new, size_t j, size_t *best,
                     size_t *from)
{
	if (i >= old->n)
		return;
	size_t r = run(old, i, new, j, RUN_PROBE);
	if (r > *best) {
		*best = r;
		*from = i;
	}
}

/*
 * The old piece to copy new piece @p j from; false: none.  Where the old
 * page would be if the pieces since the last copy (ending at @p hint) had
 * replaced as many old ones, or had been inserted, is tried first: an edit
 * changes a line or two, and the piece after it ("</g>") is often one of
 * hundreds alike.
 */
static bool best_copy(const table *t, const pieces *old, const pieces *new, size_t j,
                      size_t hint, size_t fresh, size_t *from)
{
	size_t best = 0, tries = 0;
	try_copy(old, hint + fresh, new, j, &best, from);
	try_copy(old, hint, new, j, &best, from);
	for (size_t i = t->head[(size_t)new->hash[j] & t->mask];
	     i != SIZE_MAX && tries < CANDIDATES && best < RUN_PROBE; i = t->next[i]) {
		if (old->hash[i] != new->hash[j])
			continue;
		tries++;
		try_copy(old, i, new, j, &best, from);
	}
	return best > 0;
}

/* Append the copy of old pieces [start, start + count) to @p t (or its text when small). */
static void put_copy(text *t, bool *first, const pieces *old, size_t start, size_t count)
{
	size_t bytes = 0;
	for (size_t k = 0; k < count; k++)
		bytes += old->len[start + k] + 1;
	puts_(t, *first ? "" : ",");
	*first = false;
	if (count >= 2 || bytes >= 32) {
		char op[64];
		snprintf(op, sizeof(op), "[%zu,%zu]", start, count);
		puts_(t, op);
		return;
	}
	puts_(t, "\"");
	put_json_chars(t, old->text + old->start[start], old->len[start]);
	puts_(t, "\"");
}

static void put_new(text *t, bool *first, const pieces *new, size_t start, size_t count)
{
	puts_(t, *first ? "\"" : ",\"");
	*first = false;
	const char *p = new->text + new->start[start];
	size_t end = new->start[start + count - 1] + new->len[start + count - 1];
	put_json_chars(t, p, (size_t)(new->text + end - p));
	puts_(t, "\"");
}

/* The ops that spell @p new from @p old, appended to @p t. */
static void put_ops(text *t, const pieces *old, const pieces *new, const table *tab)
{
	bool first = true;
	size_t copy_from = 0, copy_n = 0, fresh_from = 0, fresh_n = 0, copy_end = 0;
	for (size_t j = 0; j < new->n; j++) {
		if (copy_n && copy_from + copy_n < old->n && same(old, copy_from + copy_n, new, j)) {
			copy_n++;
			continue;
		}
		if (copy_n) {
			put_copy(t, &first, old, copy_from, copy_n);
			copy_end = copy_from + copy_n;
			copy_n = 0;
		}
		size_t from;
		if (best_copy(tab, old, new, j, copy_end, fresh_n, &from)) {
			if (fresh_n)
				put_new(t, &first, new, fresh_from, fresh_n);
			fresh_n = 0;
			copy_from = from, copy_n = 1;
		} else if (fresh_n++ == 0) {
			fresh_from = j;
		}
	}
	if (copy_n)
		put_copy(t, &first, old, copy_from, copy_n);
	if (fresh_n)
		put_new(t, &first, new, fresh_from, fresh_n);
}

char *cli_delta_json(const char *old, size_t old_len, const char *new, size_t new_len,
                     unsigned long from, unsigned long to)
{
	pieces po = { 0 }, pn = { 0 };
	table tab = { 0 };
	text t = { 0 };
	if (split(&po, old, old_len) == 0 && split(&pn, new, new_len) == 0 &&
	    table_make(&tab, &po) == 0) {
		char head[128];
		snprintf(head, sizeof(head), "{\"from\":%lu,\"to\":%lu,\"length\":%zu,\"ops\":[", from,
		         to, utf16_length(new, new_len));
		puts_(&t, head);
		put_ops(&t, &po, &pn, &tab);
		puts_(&t, "]}");
	} else {
		t.failed = true;
	}
	free(tab.head);
	free(tab.next);
	pieces_free(&po);
	pieces_free(&pn);
	if (t.failed) {
		free(t.data);
		return NULL;
	}
	return t.data;
}
