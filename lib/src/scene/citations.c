/*
 * citations.c — every item points at its sources: numbering, markers, and
 * the list the markers resolve to.
 *
 * Sources are numbered in order of first appearance, reading the items from
 * the most important (bases, then incidents, border segments, places) and in
 * data order within each, so the numbering is the same in every output and
 * in the map data.  With `citations = numbered` a label ends with its
 * markers ("Kant air base [1, 3]"); `inline` appends short citations
 * ("(Mataconis n.d., para. 6)"); `none` adds nothing (the map data and the
 * HTML tooltips still carry every citation).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "layers/cite.h"

/*
 * Sources already found, by the address of the id asked for: the ids of
 * pooled items are interned, so a million citations ask with a handful of
 * addresses (one address, one text; a miss only costs the search below).
 */
#define SEEN_SLOTS 64

typedef struct {
	const char *id[SEEN_SLOTS]; /* the id's address, or NULL */
	size_t index[SEEN_SLOTS];   /* its entry in the scene's list */
} seen_sources;

static size_t seen_slot(const char *id)
{
	return (size_t)(((uintptr_t)id >> 3) * 0x9E3779B97F4A7C15u >> 58) % SEEN_SLOTS;
}

/* A new entry for @p id, numbered next (*last set to it); NULL when out of memory. */
static pst_scene_source *new_source(builder *b, const char *id, size_t *last)
{
	posture_scene *s = b->scene;
	*last = s->n_sources;
	const pst_source *src = pst_data_source(b->data, id);
	pst_scene_source *list = realloc(s->sources, (s->n_sources + 1) * sizeof(*list));
	if (!src || !list)
		return NULL;
	s->sources = list;
	pst_scene_source *e = &list[s->n_sources];
	memset(e, 0, sizeof(*e));
	e->id = pst_strdup(id);
	e->text = pst_cite_full(src->csl);
	e->url = pst_cite_url(src->csl);
	e->number = (int)++s->n_sources;
	return e->id && e->text ? e : NULL;
}

/* The scene's entry for @p id, created (numbered next) on first sight. */
static pst_scene_source *source_for(builder *b, const char *id, size_t *last, seen_sources *seen)
{
	posture_scene *s = b->scene;
	size_t slot = seen_slot(id);
	if (seen->id[slot] == id)
		return &s->sources[*last = seen->index[slot]];
	pst_scene_source *e = NULL;
	if (*last < s->n_sources && !strcmp(s->sources[*last].id, id))
		e = &s->sources[*last]; /* runs of one source are the common case */
	for (size_t i = 0; !e && i < s->n_sources; i++)
		if (!strcmp(s->sources[i].id, id))
			e = &s->sources[*last = i];
	if (!e && (e = new_source(b, id, last)) == NULL)
		return NULL;
	seen->id[slot] = id;
	seen->index[slot] = *last;
	return e;
}

/*
 * Compress the locators a map cites in one source: "p. 48", "p. 49",
 * "pp. 50-52", "para. 4" become "pp. 48–52; para. 4".
 */
#define MAX_LOCATOR 2000

static void mark_locator(const char *loc, unsigned char pages[], unsigned char paras[])
{
	bool para = !strncmp(loc, "para.", 5);
	const char *p = loc;
	while (*p && (*p < '0' || *p > '9'))
		p++;
	long a = strtol(p, (char **)&p, 10), z = a;
	if (*p == '-')
		z = strtol(p + 1, NULL, 10);
	for (long n = a; n >= 1 && n <= z && n < MAX_LOCATOR; n++)
		(para ? paras : pages)[n] = 1;
}

static void add_ranges(pst_buf *b, const unsigned char set[], const char *one, const char *many)
{
	size_t count = 0;
	for (int n = 1; n < MAX_LOCATOR; n++)
		count += set[n];
	if (!count)
		return;
	pst_buf_printf(b, "%s%s ", b->len ? "; " : "", count == 1 ? one : many);
	bool first = true;
	for (int n = 1; n < MAX_LOCATOR; n++) {
		if (!set[n])
			continue;
		int end = n;
		while (end + 1 < MAX_LOCATOR && set[end + 1])
			end++;
		pst_buf_printf(b, "%s%d", first ? "" : ", ", n);
		if (end > n)
			pst_buf_printf(b, "\xE2\x80\x93%d", end);
		first = false;
		n = end;
	}
}

/*
 * Every locator the map cites in each source, compressed, into the scene's
 * list: one pass over the items, through the numbers already given.
 */
static int set_locators(posture_scene *s)
{
	unsigned char *marks = calloc(s->n_sources + 1, 2 * MAX_LOCATOR);
	if (!marks)
		return POSTURE_ENOMEM;
	/* Marking is idempotent: a locator (interned for pooled items) already marked in a
	 * source is passed over. */
	enum { MARKED_SLOTS = 256 };
	const char *marked_loc[MARKED_SLOTS] = { 0 };
	int marked_k[MARKED_SLOTS];
	for (size_t g = 0; g < s->n_groups; g++) {
		for (size_t i = 0; i < s->groups[g].n_items; i++) {
			const pst_item *it = &s->groups[g].items[i];
			for (size_t c = 0; c < it->n_cites; c++) {
				int k = it->cite_number[c] - 1;
				const char *loc = it->cite_locator[c];
				size_t slot = (seen_slot(loc) * 31 + (size_t)k) % MARKED_SLOTS;
				if (k < 0 || (size_t)k >= s->n_sources ||
				    (marked_loc[slot] == loc && marked_k[slot] == k))
					continue;
				mark_locator(loc, marks + 2 * MAX_LOCATOR * (size_t)k,
				             marks + 2 * MAX_LOCATOR * (size_t)k + MAX_LOCATOR);
				marked_loc[slot] = loc;
				marked_k[slot] = k;
			}
		}
	}
	int rc = POSTURE_OK;
	for (size_t k = 0; k < s->n_sources && rc == POSTURE_OK; k++) {
		unsigned char *pages = marks + 2 * MAX_LOCATOR * k, *paras = pages + MAX_LOCATOR;
		pst_buf b;
		pst_buf_init(&b);
		add_ranges(&b, pages, "p.", "pp.");
		add_ranges(&b, paras, "para.", "paras.");
		pst_buf_puts(&b, "");
		if (b.failed) {
			pst_buf_free(&b);
			rc = POSTURE_ENOMEM;
		} else {
			s->sources[k].locators = b.data;
		}
	}
	free(marks);
	return rc;
}

/* Items with citations, most important first (stable within a priority); (size_t)-1
 * when out of memory. */
static size_t ordered_items(const posture_scene *s, pst_item **out, size_t max)
{
	size_t n = 0;
	for (size_t g = 0; g < s->n_groups; g++)
		for (size_t i = 0; i < s->groups[g].n_items && n < max; i++)
			if (s->groups[g].items[i].n_cites)
				out[n++] = &s->groups[g].items[i];
	return pst_sort_by_priority((const pst_item **)out, n) == POSTURE_OK ? n : (size_t)-1;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* " [1, 3]" or " (Mataconis n.d., para. 6; …)" for an item. */
char *pst_citation_marker(builder *b, const pst_item *it)
{
	pst_buf m;
	pst_buf_init(&m);
	if (!strcmp(b->map->citations, "numbered")) {
		int nums[64];
		size_t n = 0;
		for (size_t c = 0; c < it->n_cites && n < 64; c++) {
			bool dup = false;
			for (size_t k = 0; k < n && !dup; k++)
				dup = nums[k] == it->cite_number[c];
			if (!dup)
				nums[n++] = it->cite_number[c];
		}
		qsort(nums, n, sizeof(int), cmp_int);
		for (size_t k = 0; k < n; k++)
			pst_buf_printf(&m, "%s%d", k ? ", " : " [", nums[k]);
		pst_buf_puts(&m, n ? "]" : "");
	} else if (!strcmp(b->map->citations, "inline")) {
		for (size_t c = 0; c < it->n_cites; c++) {
			const pst_source *src = pst_data_source(b->data, it->cite_source[c]);
			char *text = src ? pst_cite_short(src->csl, it->cite_locator[c]) : NULL;
			bool dup = false;
			for (size_t k = 0; k < c && !dup; k++)
				dup = !strcmp(it->cite_source[k], it->cite_source[c]) &&
				      !strcmp(it->cite_locator[k], it->cite_locator[c]);
			if (text && !dup)
				pst_buf_printf(&m, "%s%s", m.len ? "; " : " (", text);
			free(text);
		}
		pst_buf_puts(&m, m.len ? ")" : "");
	}
	pst_buf_puts(&m, "");
	return m.failed ? NULL : m.data;
}

static int append_marker(builder *b, pst_item *it)
{
	if (!it->label)
		return POSTURE_OK;
	char *mk = pst_citation_marker(b, it);
	char *text = mk ? pst_asprintf("%s%s", it->label->text, mk) : NULL;
	free(mk);
	if (!text)
		return POSTURE_ENOMEM;
	free(it->label->text);
	it->label->text = text;
	return POSTURE_OK;
}

int pst_number_citations(builder *b)
{
	posture_scene *s = b->scene;
	size_t cap = 0;
	for (size_t g = 0; g < s->n_groups; g++)
		cap += s->groups[g].n_items;
	pst_item **items = malloc((cap + 1) * sizeof(*items));
	s->citations = pst_strdup(b->map->citations);
	if (!items || !s->citations) {
		free(items);
		return pst_error(b->ctx, POSTURE_ENOMEM, b->map->path, "out of memory");
	}
	size_t n = ordered_items(s, items, cap), last = 0;
	seen_sources seen = { 0 };
	int rc = n == (size_t)-1 ? POSTURE_ENOMEM : POSTURE_OK;
	for (size_t i = 0; i < n && rc == POSTURE_OK; i++) {
		for (size_t c = 0; c < items[i]->n_cites && rc == POSTURE_OK; c++) {
			pst_scene_source *src = source_for(b, items[i]->cite_source[c], &last, &seen);
			if (!src)
				rc = POSTURE_ENOMEM;
			else
				items[i]->cite_number[c] = src->number;
		}
		if (rc == POSTURE_OK)
			rc = append_marker(b, items[i]);
	}
	if (rc == POSTURE_OK)
		rc = set_locators(s);
	free(items);
	return rc == POSTURE_OK ? rc : pst_error(b->ctx, rc, b->map->path, "out of memory");
}
