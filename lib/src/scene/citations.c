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
		const pst_dense *d = s->groups[g].dense;
		for (size_t i = 0; i < s->groups[g].n_items + (d ? d->n : 0); i++) {
			const pst_item *it = i < s->groups[g].n_items ? &s->groups[g].items[i] : NULL;
			const pst_cites *dc = it ? NULL : d->cites[d->pts[i - s->groups[g].n_items].cites];
			size_t n_cites = it ? it->n_cites : dc->n;
			for (size_t c = 0; c < n_cites; c++) {
				int k = (it ? it->cite_number : dc->number)[c] - 1;
				const char *loc = (it ? it->cite_locator : dc->locator)[c];
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

/* An item's place in the numbering: pst_sort_by_priority()'s key, most important first. */
static size_t prio_key(int priority)
{
	return priority < 0 ? 0 : (size_t)priority % 256;
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

/* Number citations @p n of one item (source ids @p source) into @p number. */
static int number_cites(builder *b, char **source, int *number, size_t n, size_t *last,
                        seen_sources *seen)
{
	for (size_t c = 0; c < n; c++) {
		pst_scene_source *src = source_for(b, source[c], last, seen);
		if (!src)
			return POSTURE_ENOMEM;
		number[c] = src->number;
	}
	return POSTURE_OK;
}

/*
 * Sources are numbered in order of first citation, going through the cited
 * items most important first, in map order within a priority (the order
 * pst_sort_by_priority() gives).  That order is walked priority by priority,
 * so the points of a compact layer (scene.h), which are not items, take
 * their place in it without a list of every cited item.
 */
int pst_number_citations(builder *b)
{
	posture_scene *s = b->scene;
	s->citations = pst_strdup(b->map->citations);
	if (!s->citations)
		return pst_error(b->ctx, POSTURE_ENOMEM, b->map->path, "out of memory");
	bool present[256] = { false };
	for (size_t g = 0; g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		for (size_t i = 0; i < grp->n_items; i++)
			if (grp->items[i].n_cites)
				present[prio_key(grp->items[i].priority)] = true;
		for (size_t i = 0; grp->dense && i < grp->dense->n; i++)
			if (grp->dense->cites[grp->dense->pts[i].cites]->n)
				present[prio_key(grp->dense->looks[grp->dense->pts[i].look].priority)] = true;
	}
	size_t last = 0;
	seen_sources seen = { 0 };
	int rc = POSTURE_OK;
	for (size_t k = 256; k-- > 0 && rc == POSTURE_OK;) {
		for (size_t g = 0; present[k] && g < s->n_groups && rc == POSTURE_OK; g++) {
			pst_group *grp = &s->groups[g];
			for (size_t i = 0; i < grp->n_items && rc == POSTURE_OK; i++) {
				pst_item *it = &grp->items[i];
				if (!it->n_cites || prio_key(it->priority) != k)
					continue;
				rc = number_cites(b, it->cite_source, it->cite_number, it->n_cites, &last,
				                  &seen);
				if (rc == POSTURE_OK)
					rc = append_marker(b, it);
			}
			const pst_dense *d = grp->dense; /* no labels: no markers */
			for (size_t i = 0; d && i < d->n && rc == POSTURE_OK; i++) {
				const pst_cites *c = d->cites[d->pts[i].cites];
				if (c->n && prio_key(d->looks[d->pts[i].look].priority) == k)
					rc = number_cites(b, c->source, c->number, c->n, &last, &seen);
			}
		}
	}
	if (rc == POSTURE_OK)
		rc = set_locators(s);
	return rc == POSTURE_OK ? rc : pst_error(b->ctx, rc, b->map->path, "out of memory");
}
