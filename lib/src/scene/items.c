/*
 * items.c — the curated layers on the page: validated data (a map is never
 * drawn from invalid data) becomes point items with symbols and labels, and
 * border segments emphasised along the shared line of their two countries.
 * Layers are added ground first, figure last: places, borders, incidents,
 * bases; each item carries its citations.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "inputs.h"
#include "layers/filter.h"

/* A label of @p text in the theme's font (placed later); NULL when out of memory. */
pst_label *pst_new_label(builder *b, const char *text, bool bold, double size, pst_rgba color)
{
	pst_label *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->text = pst_strdup(text);
	if (l->text)
		pst_text_clean(l->text); /* no controls or bidi overrides from the data */
	if (!l->text) {
		free(l);
		return NULL;
	}
	l->family = b->scene->font; /* the scene's copy: the theme is gone when the scene is drawn */
	l->bold = bold;
	l->size = size;
	l->color = color;
	return l;
}

/* Set a label's position and its collision box (text box grown by the halo). */
void pst_place_label(pst_label *l, double x, double y, double w, double h)
{
	l->x = x;
	l->y = y;
	l->box = (pst_box){ x - l->halo_width, y - l->halo_width, x + w + l->halo_width,
	                    y + h + l->halo_width };
}

/* The symbol of a kind style at the item's anchor, with its box (outline included). */
void pst_set_symbol(builder *b, pst_item *it, const pst_kind_style *ks)
{
	it->symbol = ks->symbol;
	it->symbol_size = ks->size * b->k * b->symbol_scale;
	it->style.fill = ks->fill;
	it->style.stroke = b->theme->symbol_outline;
	it->style.stroke_width = b->theme->symbol_outline_width * b->k;
	it->symbol_half = ks->half && !ks->hollow;
	if (ks->hollow || it->symbol_half) { /* an outline in the kind's colour, on a light ground */
		it->style.stroke = ks->fill;
		it->style.fill = b->theme->halo;
		it->style.stroke_width = fmax(1.3 * b->k * b->symbol_scale, it->symbol_size * 0.16);
	}
	double r = it->symbol_size / 2 + it->style.stroke_width / 2;
	it->symbol_box = (pst_box){ it->ax - r, it->ay - r, it->ax + r, it->ay + r };
}

/*
 * What the point items of one pst_add_layers() share, found by the address
 * of the data's own copy: the data interns its big layers' strings (kinds,
 * dates, citations) and the items intern theirs again in the scene's pool,
 * so a string met before at the same address needs no hashing of its text;
 * and the citation arrays of items that cite the same strings (every copy of
 * an event, or events of one report) are one set of arrays.  Sharing the
 * arrays is sound because nothing changes them after they are made but
 * pst_number_citations(), which writes each citation's source number, the
 * same for every item citing that source.
 */
typedef struct {
	const void *key;   /* a data string, or a feature's citations (NULL: empty slot) */
	size_t n_cites;    /* for citations: how many */
	void *value;       /* the scene's copy, or the citation arrays' entry */
} memo_slot;

typedef pst_cites cite_arrays; /* the items' arrays (n + 1 entries, NULL last) */

/* A dense record's look and disc as add_dense_point() found them for the feature strings
 * they depend on (by address: the data's interned copies), in one layer. */
typedef struct {
	const pst_dense *of;  /* the layer (NULL: empty entry) */
	const char *kind, *operator_, *status, *precision;
	uint32_t look, disc;  /* pst_dense_point's */
} look_memo;

#define LOOK_MEMO 32

struct pst_item_memo {
	memo_slot *strings, *cites; /* open addressing, at most half full */
	size_t cap_strings, n_strings, cap_cites, n_cites;
	uint32_t *attrs;            /* a compact layer's attrs by date and precision: index + 1 */
	size_t cap_attrs;           /* (0: empty slot); at most half full */
	const pst_dense *attrs_of;  /* the layer they index */
	look_memo looks[LOOK_MEMO]; /* direct-mapped by the strings' addresses */
};

static uint64_t mix(uint64_t h, uintptr_t v)
{
	h ^= (uint64_t)v + 0x9E3779B97F4A7C15u + (h << 6) + (h >> 2);
	return h * 0xFF51AFD7ED558CCDu;
}

static uint64_t cites_hash(const pst_citation *c, size_t n)
{
	uint64_t h = n;
	for (size_t i = 0; i < n; i++) {
		h = mix(h, (uintptr_t)c[i].source_id);
		h = mix(h, (uintptr_t)c[i].locator);
		h = mix(h, (uintptr_t)c[i].quote);
	}
	return h;
}

static bool same_cites(const pst_citation *a, const pst_citation *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].source_id != b[i].source_id || a[i].locator != b[i].locator ||
		    a[i].quote != b[i].quote)
			return false;
	return true;
}

/* The slot of @p key (citations when @p n_cites is not (size_t)-1) in @p set. */
static memo_slot *memo_find(memo_slot *set, size_t cap, const void *key, size_t n_cites)
{
	bool cites = n_cites != (size_t)-1;
	uint64_t h = cites ? cites_hash(key, n_cites) : mix(0, (uintptr_t)key);
	for (size_t i = (size_t)h & (cap - 1);; i = (i + 1) & (cap - 1)) {
		memo_slot *sl = &set[i];
		if (!sl->key || (cites ? sl->n_cites == n_cites && same_cites(sl->key, key, n_cites)
		                       : sl->key == key))
			return sl;
	}
}

/*
 * A memo holds at most this many entries: data whose citations all differ (a
 * quote per event) would otherwise fill it with entries that are never met
 * again; past it, what is not found is copied as without a memo.
 */
#define MEMO_MAX 65536

/* Room for one more entry in @p *set (doubled when half full): 1; 0 when the memo is full
 * (it can still be searched), -1 when out of memory. */
static int memo_room(memo_slot **set, size_t *cap, size_t n, bool cites)
{
	if (2 * (n + 1) <= *cap)
		return 1;
	if (n >= MEMO_MAX)
		return 0;
	size_t new_cap = *cap ? 2 * *cap : 256;
	memo_slot *grown = calloc(new_cap, sizeof(*grown));
	if (!grown)
		return -1;
	for (size_t i = 0; i < *cap; i++)
		if ((*set)[i].key)
			*memo_find(grown, new_cap, (*set)[i].key,
			           cites ? (*set)[i].n_cites : (size_t)-1) = (*set)[i];
	free(*set);
	*set = grown;
	*cap = new_cap;
	return 1;
}

static void memo_free(pst_item_memo *m)
{
	if (!m)
		return;
	free(m->attrs);
	free(m->strings);
	free(m->cites);
	free(m);
}

/* A copy of @p s in @p pool (the pool's one copy when @p shared), or with malloc. */
static char *copy_in(pst_pool *pool, const char *s, bool shared)
{
	if (!pool)
		return pst_strdup(s);
	return shared ? (char *)pst_pool_intern(pool, s, strlen(s)) : pst_pool_strn(pool, s, strlen(s));
}

/* The scene's interned copy of data string @p s, found first by its address in @p m. */
static char *shared_in(pst_item_memo *m, pst_pool *pool, const char *s)
{
	if (!m)
		return copy_in(pool, s, true);
	int room = memo_room(&m->strings, &m->cap_strings, m->n_strings, false);
	if (room < 0)
		return NULL;
	memo_slot *sl = memo_find(m->strings, m->cap_strings, s, (size_t)-1);
	if (!sl->key && !room)
		return copy_in(pool, s, true);
	if (!sl->key) {
		if (!(sl->value = copy_in(pool, s, true)))
			return NULL;
		sl->key = s;
		m->n_strings++;
	}
	return sl->value;
}

static void *zeroed_in(pst_pool *pool, size_t n, size_t size)
{
	void *p = pool ? pst_pool_alloc(pool, n * size) : calloc(n, size);
	if (p && pool)
		memset(p, 0, n * size);
	return p;
}

/* Free malloc'd citation arrays of @p n entries, filled or not (zeroed when made). */
static void free_cite_arrays(cite_arrays *a, size_t n)
{
	pst_free_citations(a->source, a->locator, a->quote, a->number, n);
}

/* Citation arrays for @p f's citations: a new set, copied into @p pool or not. */
static int new_cite_arrays(cite_arrays *a, const pst_feature *f, pst_pool *pool,
                           pst_item_memo *m)
{
	size_t n = f->n_cites;
	a->source = zeroed_in(pool, n + 1, sizeof(char *));
	a->locator = zeroed_in(pool, n + 1, sizeof(char *));
	a->quote = zeroed_in(pool, n + 1, sizeof(char *));
	a->number = zeroed_in(pool, n + 1, sizeof(int));
	a->n = n;
	a->owner = NULL;
	if (!a->source || !a->locator || !a->quote || !a->number)
		return POSTURE_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		a->source[i] = pool ? shared_in(m, pool, f->cites[i].source_id)
		                    : pst_strdup(f->cites[i].source_id);
		a->locator[i] = pool ? shared_in(m, pool, f->cites[i].locator)
		                     : pst_strdup(f->cites[i].locator);
		a->quote[i] = pool ? shared_in(m, pool, f->cites[i].quote)
		                   : pst_strdup(f->cites[i].quote);
		if (!a->source[i] || !a->locator[i] || !a->quote[i])
			return POSTURE_ENOMEM;
	}
	return POSTURE_OK;
}

/* The arrays of @p f's citations in @p pool, shared with earlier items through @p m;
 * NULL when out of memory. */
static cite_arrays *pooled_cites(const pst_feature *f, pst_pool *pool, pst_item_memo *m)
{
	memo_slot *sl = NULL;
	if (m) {
		int room = memo_room(&m->cites, &m->cap_cites, m->n_cites, true);
		if (room < 0)
			return NULL;
		sl = memo_find(m->cites, m->cap_cites, f->cites, f->n_cites);
		if (sl->key)
			return sl->value;
		if (!room)
			sl = NULL;
	}
	cite_arrays *a = pst_pool_alloc(pool, sizeof(*a));
	if (!a || new_cite_arrays(a, f, pool, m) != POSTURE_OK)
		return NULL;
	if (sl) {
		*sl = (memo_slot){ .key = f->cites ? (const void *)f->cites : (const void *)"",
			           .n_cites = f->n_cites, .value = a };
		m->n_cites++;
	}
	return a;
}

static int shared_cite_arrays(cite_arrays *out, const pst_feature *f, pst_pool *pool,
                              pst_item_memo *m)
{
	cite_arrays *a = pooled_cites(f, pool, m);
	if (!a)
		return POSTURE_ENOMEM;
	*out = *a;
	return POSTURE_OK;
}

/* A feature's citations (unless @p dated_only), date and precision on its item,
 * copied into @p pool (shared through @p m) or not. */
static int copy_citations(pst_item *it, const pst_feature *f, pst_pool *pool, pst_item_memo *m,
                          bool dated_only)
{
	if (!dated_only) {
		cite_arrays a = { 0 };
		int rc = pool ? shared_cite_arrays(&a, f, pool, m) : new_cite_arrays(&a, f, NULL, NULL);
		if (rc != POSTURE_OK) {
			if (!pool) /* the pool's copies go with the pool */
				free_cite_arrays(&a, f->n_cites);
			return rc;
		}
		it->cite_source = a.source;
		it->cite_locator = a.locator;
		it->cite_quote = a.quote;
		it->cite_number = a.number;
		it->n_cites = f->n_cites;
	}
	if ((f->date && !(it->date = pool ? shared_in(m, pool, f->date) : pst_strdup(f->date))) ||
	    (f->precision &&
	     !(it->precision = pool ? shared_in(m, pool, f->precision) : pst_strdup(f->precision))))
		return POSTURE_ENOMEM;
	return POSTURE_OK;
}

int pst_copy_citations(pst_item *it, const pst_feature *f)
{
	return copy_citations(it, f, NULL, NULL, false);
}

/*
 * A new point item of the data, its strings in the scene's pool (a million
 * items would otherwise cost a dozen allocations each): the feature's id
 * (after @p prefix), @p kind and the feature's name (@p name when it is
 * already in the pool: the item of its uncertainty area made one), citations,
 * date and precision; with a prefix (an uncertainty area) no citations.
 */
static pst_item *pooled_item(builder *b, pst_group *g, const pst_feature *f, const char *prefix,
                             const char *kind, char *name)
{
	posture_scene *s = b->scene;
	if (!s->pool && !(s->pool = pst_pool_new()))
		return NULL;
	pst_item *it = pst_group_add_item(g);
	if (!it)
		return NULL;
	it->pooled = true;
	size_t np = prefix ? strlen(prefix) : 0, ni = strlen(f->id);
	it->id = pst_pool_chars(s->pool, np + ni + 1);
	if (it->id) {
		memcpy(it->id, prefix ? prefix : "", np);
		memcpy(it->id + np, f->id, ni + 1);
	}
	it->kind = shared_in(b->memo, s->pool, kind);
	it->name = name ? name : copy_in(s->pool, f->name, false);
	if (!it->id || !it->kind || !it->name ||
	    copy_citations(it, f, s->pool, b->memo, prefix != NULL) != POSTURE_OK)
		return NULL;
	return it;
}

/* Parse "YYYY[-MM[-DD]]" (0 for missing parts). */
static void date_parts(const char *s, int *y, int *m, int *d)
{
	*y = *m = *d = 0;
	sscanf(s, "%d-%d-%d", y, m, d);
}

/*
 * An incident's date as a label line: "2014", "Feb 2015", "6 Nov 2019",
 * "Jan–Jun 2014", "19–31 Mar 2015".
 */
/* The size of bases' and incidents' labels: the handout page has its own. */
static double item_label_size(const builder *b)
{
	const pst_theme *t = b->theme;
	bool handout = !strcmp(b->map->layout, "handout") && t->handout_label_size > 0;
	return (handout ? t->handout_label_size : t->label_size) * b->k;
}

static void short_date(char *out, size_t n, const char *iso)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	const char *slash = strchr(iso, '/');
	int y1, m1, d1, y2, m2, d2;
	date_parts(iso, &y1, &m1, &d1);
	date_parts(slash ? slash + 1 : iso, &y2, &m2, &d2);
	bool ok1 = m1 >= 1 && m1 <= 12, ok2 = m2 >= 1 && m2 <= 12;
	if (!slash && d1 && ok1)
		snprintf(out, n, "%d %s %d", d1, mon[m1 - 1], y1);
	else if (!slash && ok1)
		snprintf(out, n, "%s %d", mon[m1 - 1], y1);
	else if (!slash || !ok1 || !ok2)
		snprintf(out, n, y1 == y2 ? "%d" : "%d\xE2\x80\x93%d", y1, y2);
	else if (y1 == y2 && m1 == m2 && d1 && d2)
		snprintf(out, n, "%d\xE2\x80\x93%d %s %d", d1, d2, mon[m1 - 1], y1);
	else if (y1 == y2)
		snprintf(out, n, "%s\xE2\x80\x93%s %d", mon[m1 - 1], mon[m2 - 1], y1);
	else
		snprintf(out, n, "%s %d \xE2\x80\x93 %s %d", mon[m1 - 1], y1, mon[m2 - 1], y2);
}

#define LABEL_MAX_CHARS 40 /* longer names are shortened on the map, whole in tooltips */

/*
 * @p name as a label: names longer than LABEL_MAX_CHARS characters end at
 * the last word that fits, followed by an ellipsis.  Caller frees.
 */
static char *label_name(const char *name)
{
	size_t chars = 0, cut = 0, last_space = 0;
	for (size_t i = 0; name[i]; i++) {
		if (((unsigned char)name[i] & 0xC0) == 0x80)
			continue;
		if (chars == LABEL_MAX_CHARS) {
			cut = i;
			break;
		}
		if (name[i] == ' ' && chars >= LABEL_MAX_CHARS / 2)
			last_space = i;
		chars++;
	}
	if (!cut)
		return pst_strdup(name);
	return pst_asprintf("%.*s\xE2\x80\xA6", (int)(last_space ? last_space : cut), name);
}

/* Label text and look by layer: posture items bold and dark, reference places muted. */
static int style_label(builder *b, pst_item *it, const pst_feature *f, pst_layer_type type)
{
	const pst_theme *t = b->theme;
	bool country = type == PST_LAYER_PLACES && !strcmp(f->kind, "country");
	bool area = type == PST_LAYER_PLACES && it->symbol == PST_SYMBOL_NONE;
	char *name = label_name(f->name);
	if (!name)
		return POSTURE_ENOMEM;
	char *text = country ? g_utf8_strup(name, -1) : NULL;
	if (type == PST_LAYER_PLACES) {
		pst_rgba color = !strcmp(f->kind, "river") ? t->water_text
		                 : area                     ? t->region_text
		                                            : t->place_text;
		double size = (country ? t->country_size : t->place_size) * b->k;
		it->label = pst_new_label(b, text ? text : name, !strcmp(f->kind, "capital"), size, color);
		if (it->label) {
			it->label->italic = area && !country;
			it->label->letter_spacing = country ? 0.25 * size : 0;
		}
		it->label_optional = area; /* region and river names go where room is left */
	} else if (f->date) {
		char date[64], *two;
		short_date(date, sizeof(date), f->date);
		two = pst_asprintf("%s\n%s", name, date); /* the name, then the date below it */
		it->label = two ? pst_new_label(b, two, true, item_label_size(b), t->label_color)
		                : NULL;
		free(two);
	} else {
		it->label = pst_new_label(b, name, true, item_label_size(b), t->label_color);
	}
	g_free(text);
	free(name);
	if (!it->label)
		return POSTURE_ENOMEM;
	it->label->halo = t->halo;
	it->label->halo_width = t->halo_width * b->k;
	it->label->key_scale = b->key_scale;
	return POSTURE_OK;
}

/* Who wins a crowded spot: bases, then incidents, then capitals, towns, areas. */
static int priority_of(pst_layer_type type, const char *kind)
{
	switch (type) {
	case PST_LAYER_BASES: return 100;
	case PST_LAYER_INCIDENTS: return 80;
	case PST_LAYER_BORDERS: return 60;
	default: break;
	}
	if (!strcmp(kind, "capital"))
		return 40;
	if (!strcmp(kind, "city") || !strcmp(kind, "town"))
		return 30;
	if (!strcmp(kind, "country"))
		return 20;
	return 10;
}

/* Positions known only to a district, a border stretch or a region. */
static bool imprecise(const pst_feature *f)
{
	return f->precision && (!strcmp(f->precision, "district") ||
	                        !strcmp(f->precision, "border-segment") ||
	                        !strcmp(f->precision, "region"));
}

/*
 * An imprecise position is shown as imprecise: a translucent disc in the
 * kind's colour under the symbol, so the symbol does not claim an exact spot.
 */
static int add_uncertainty(builder *b, pst_group *g, const pst_feature *f, double x, double y,
                           char **name)
{
	const pst_kind_style *ks = pst_theme_kind(b->theme, f->kind);
	pst_item *it = pooled_item(b, g, f, "area-", "uncertainty", NULL);
	if (!it)
		return POSTURE_ENOMEM;
	*name = it->name; /* the feature's item shows the same name (a pool copy: it stays put) */
	/* The area goes with its item when outputs filter by date (its date and precision). */
	it->closed = true;
	it->style.fill = ks->fill;
	it->style.fill.a = b->theme->uncertainty_alpha;
	double r = 2.0 * ks->size * b->k * b->symbol_scale, xy[2 * PST_DISC_CORNERS];
	it->ax = x; /* the disc's centre and width, for painting it as a stamp (no anchor) */
	it->ay = y;
	it->symbol_size = 2 * r;
	/* Every corner is x + r * c, y + r * s with |c|, |s| <= 1, so within these two
	 * points' box as rounded: a disc whose box is inside needs no corners. */
	double span[4] = { x - r, y - r, x + r, y + r };
	bool inside = pst_ring_inside(span, 2, &b->scene->map_box);
	if (!inside)
		pst_disc_corners(xy, x, y, r);
	if (inside || pst_ring_inside(xy, PST_DISC_CORNERS, &b->scene->map_box)) {
		pst_item_set_disc(it); /* the ring is not stored: pst_item_points() gives it again */
		return POSTURE_OK;
	}
	pst_pts clipped = { 0 };
	int rc = pst_clip_ring(&clipped, xy, PST_DISC_CORNERS, &b->scene->map_box);
	if (rc == POSTURE_OK && clipped.n >= 3)
		rc = pst_item_add_part(it, clipped.xy, clipped.n);
	pst_pts_free(&clipped);
	return rc;
}

/*
 * A base's symbol says its kind, its operator and its status: a theme may
 * style "kind.air-base.united-states" apart from "kind.air-base" (the
 * operator in lower case, spaces as hyphens), and a former base is drawn
 * hollow.  The item's `variant` names what differs, for the legend.
 */
static int set_base_symbol(builder *b, pst_item *it, const pst_feature *f)
{
	const pst_kind_style *ks = pst_theme_kind(b->theme, f->kind);
	if (f->operator_) {
		char key[64];
		size_t n = (size_t)snprintf(key, sizeof(key), "%s.", f->kind);
		for (const char *p = f->operator_; *p && n + 1 < sizeof(key); p++)
			key[n++] = *p == ' ' ? '-' : (char)g_ascii_tolower(*p);
		key[n] = '\0';
		const pst_kind_style *op = pst_theme_kind(b->theme, key);
		if (!strcmp(op->kind, key)) {
			ks = op;
			it->variant = pst_asprintf("operated by %s", f->operator_);
		}
	}
	pst_kind_style look = *ks;
	if (f->status && !strcmp(f->status, "former")) {
		look.hollow = true;
		look.half = false;
		char *v = pst_asprintf("%s%sformer", it->variant ? it->variant : "",
		                       it->variant ? ", " : "");
		free(it->variant);
		it->variant = v;
		if (!v)
			return POSTURE_ENOMEM;
	}
	if (f->operator_ && !it->variant && !(it->variant = pst_strdup("")))
		return POSTURE_ENOMEM;
	pst_set_symbol(b, it, &look);
	return POSTURE_OK;
}

/* Whether two prototypes of a dense layer are one look: every field an item keeps. */
static bool same_proto(const pst_item *a, const pst_item *b)
{
	const pst_style *s = &a->style, *t = &b->style;
	return a->kind == b->kind && /* interned in the scene's pool */
	       (a->variant == b->variant ||
	        (a->variant && b->variant && !strcmp(a->variant, b->variant))) &&
	       !memcmp(&s->fill, &t->fill, sizeof(s->fill)) &&
	       !memcmp(&s->stroke, &t->stroke, sizeof(s->stroke)) &&
	       s->stroke_width == t->stroke_width && s->dash[0] == t->dash[0] &&
	       s->dash[1] == t->dash[1] && s->n_dash == t->n_dash && a->symbol == b->symbol &&
	       a->symbol_size == b->symbol_size && a->symbol_half == b->symbol_half &&
	       a->priority == b->priority && a->closed == b->closed &&
	       a->has_anchor == b->has_anchor && a->too_dense == b->too_dense &&
	       a->label_dropped == b->label_dropped;
}

/* The index of @p proto's look in @p d, added when new (its variant then belongs to the
 * look, else it is freed); -1 when out of memory. */
static long dense_look(pst_dense *d, pst_item *proto)
{
	for (size_t k = d->n_looks; k-- > 0;)
		if (same_proto(&d->looks[k], proto)) {
			free(proto->variant);
			return (long)k;
		}
	if (d->n_looks >= UINT32_MAX - 1 ||
	    pst_grow((void **)&d->looks, &d->cap_looks, d->n_looks + 1, sizeof(*d->looks))) {
		free(proto->variant);
		return -1;
	}
	d->looks[d->n_looks] = *proto;
	return (long)d->n_looks++;
}

static size_t attrs_hash(const char *date, const char *precision, size_t cap)
{
	return (size_t)mix(mix(0, (uintptr_t)date), (uintptr_t)precision) & (cap - 1);
}

/* The index of the pair (@p date, @p precision) (the scene's interned copies) in @p d's
 * attrs, added when new; -1 when out of memory. */
static long dense_attrs(pst_dense *d, pst_item_memo *m, char *date, char *precision)
{
	if (m && m->attrs_of != d) { /* a new layer */
		free(m->attrs);
		m->attrs = NULL;
		m->cap_attrs = 0;
		m->attrs_of = d;
	}
	if (m && 2 * (d->n_attrs + 1) > m->cap_attrs) {
		size_t cap = m->cap_attrs ? 2 * m->cap_attrs : 64;
		uint32_t *grown = calloc(cap, sizeof(*grown));
		if (!grown)
			return -1;
		for (size_t k = 0; k < d->n_attrs; k++) {
			size_t h = attrs_hash(d->attrs[k].date, d->attrs[k].precision, cap);
			while (grown[h])
				h = (h + 1) & (cap - 1);
			grown[h] = (uint32_t)k + 1;
		}
		free(m->attrs);
		m->attrs = grown;
		m->cap_attrs = cap;
	}
	size_t h = m ? attrs_hash(date, precision, m->cap_attrs) : 0;
	for (size_t k = 0; !m && k < d->n_attrs; k++) /* no memo: searched */
		if (d->attrs[k].date == date && d->attrs[k].precision == precision)
			return (long)k;
	for (; m && m->attrs[h]; h = (h + 1) & (m->cap_attrs - 1)) {
		const pst_dense_attrs *a = &d->attrs[m->attrs[h] - 1];
		if (a->date == date && a->precision == precision)
			return (long)m->attrs[h] - 1;
	}
	if (d->n_attrs >= UINT32_MAX - 1 ||
	    pst_grow((void **)&d->attrs, &d->cap_attrs, d->n_attrs + 1, sizeof(*d->attrs)))
		return -1;
	d->attrs[d->n_attrs] = (pst_dense_attrs){ date, precision };
	if (m)
		m->attrs[h] = (uint32_t)d->n_attrs + 1;
	return (long)d->n_attrs++;
}

/* The index of citation arrays @p c in @p d's, added when new; -1 when out of memory. */
static long dense_cites(pst_dense *d, pst_cites *c)
{
	if (c->owner == d)
		return c->index;
	if (d->n_cites >= UINT32_MAX - 1 ||
	    pst_grow((void **)&d->cites, &d->cap_cites, d->n_cites + 1, sizeof(*d->cites)))
		return -1;
	d->cites[d->n_cites] = c;
	c->owner = d;
	c->index = (uint32_t)d->n_cites;
	return (long)d->n_cites++;
}

/*
 * A point of a layer too dense to label, in its compact form (scene.h): what
 * add_uncertainty() and add_point_item() would make of it, a record and looks.
 */
static int add_dense_point(builder *b, pst_group *g, const pst_feature *f, pst_layer_type type,
                           double x, double y)
{
	posture_scene *s = b->scene;
	pst_dense *d = g->dense;
	if (!s->pool && !(s->pool = pst_pool_new()))
		return POSTURE_ENOMEM;
	if (pst_grow((void **)&d->pts, &d->cap, d->n + 1, sizeof(*d->pts)) != POSTURE_OK)
		return POSTURE_ENOMEM;
	pst_prefault_next(d->pts, d->n, d->cap, sizeof(*d->pts));
	pst_dense_point *p = &d->pts[d->n];
	memset(p, 0, sizeof(*p));
	p->ax = x;
	p->ay = y;
	size_t ni = strlen(f->id), nn = strlen(f->name);
	if ((p->id = pst_pool_chars(s->pool, ni + nn + 2))) { /* the id, then the name */
		memcpy(p->id, f->id, ni + 1);
		memcpy(p->id + ni + 1, f->name, nn + 1);
	}
	pst_cites *c = pooled_cites(f, s->pool, b->memo);
	char *date = f->date ? shared_in(b->memo, s->pool, f->date) : NULL;
	look_memo *lm = NULL;
	char *precision = f->precision ? shared_in(b->memo, s->pool, f->precision) : NULL;
	long ci = c ? dense_cites(d, c) : -1;
	long ai = (!f->date || date) && (!f->precision || precision)
	          ? dense_attrs(d, b->memo, date, precision)
	          : -1;
	if (!p->id || ci < 0 || ai < 0)
		return POSTURE_ENOMEM;
	p->cites = (uint32_t)ci;
	p->attrs = (uint32_t)ai;
	if (b->memo) { /* the look and disc depend on these strings only (and the layer) */
		uint64_t h = mix(mix(mix(mix(0, (uintptr_t)f->kind), (uintptr_t)f->operator_),
		                     (uintptr_t)f->status), (uintptr_t)f->precision);
		lm = &b->memo->looks[(h >> 32) % LOOK_MEMO];
		if (lm->of == d && lm->kind == f->kind && lm->operator_ == f->operator_ &&
		    lm->status == f->status && lm->precision == f->precision) {
			p->look = lm->look;
			p->disc = lm->disc;
			d->n_discs += p->disc != 0;
			d->n++;
			return POSTURE_OK;
		}
	}
	if (type != PST_LAYER_PLACES && imprecise(f)) { /* as add_uncertainty() */
		const pst_kind_style *ks = pst_theme_kind(b->theme, f->kind);
		pst_item disc = { .pooled = true, .closed = true, .style.fill = ks->fill };
		disc.style.fill.a = b->theme->uncertainty_alpha;
		disc.symbol_size = 2 * (2.0 * ks->size * b->k * b->symbol_scale);
		long k = (disc.kind = shared_in(b->memo, s->pool, "uncertainty")) ? dense_look(d, &disc)
		                                                                   : -1;
		if (k < 0)
			return POSTURE_ENOMEM;
		p->disc = (uint32_t)k + 1;
		d->n_discs++;
	}
	pst_item pt = { .pooled = true, .has_anchor = true, .ax = x, .ay = y,
		        .priority = priority_of(type, f->kind) };
	if (!(pt.kind = shared_in(b->memo, s->pool, f->kind)) ||
	    set_base_symbol(b, &pt, f) != POSTURE_OK) {
		free(pt.variant);
		return POSTURE_ENOMEM;
	}
	pt.label_dropped = pt.too_dense = true; /* see layer_labelled() */
	pt.ax = pt.ay = 0; /* the record's */
	pt.symbol_box = (pst_box){ 0, 0, 0, 0 };
	long k = dense_look(d, &pt);
	if (k < 0)
		return POSTURE_ENOMEM;
	p->look = (uint32_t)k;
	if (lm)
		*lm = (look_memo){ d, f->kind, f->operator_, f->status, f->precision, p->look,
			           p->disc };
	d->n++;
	return POSTURE_OK;
}

/* @p ahead: the layer's points being projected ahead (feature @p k's), or NULL. */
static int add_point_item(builder *b, pst_group *g, const pst_feature *f, pst_layer_type type,
                          bool labelled, pst_proj_ahead *ahead, size_t k)
{
	double x = f->lon, y = f->lat;
	if (!ahead || !pst_proj_ahead_point(ahead, k, &x, &y)) {
		x = f->lon, y = f->lat; /* (a point the twin failed fails here the same way) */
		if (pst_proj_trans(b->proj, false, &x, &y, 1) != POSTURE_OK || x == HUGE_VAL)
			return POSTURE_OK; /* not representable in this projection: not drawn */
	}
	pst_to_page(b->scene, &x, &y, 1);
	const pst_box *mb = &b->scene->map_box;
	if (x < mb->x0 || y < mb->y0 || x > mb->x1 || y > mb->y1)
		return POSTURE_OK; /* outside the frame */
	if (type == PST_LAYER_PLACES && !strcmp(f->kind, "country"))
		return POSTURE_OK; /* country names come from the country shapes (furniture of the map) */
	if (g->dense)
		return add_dense_point(b, g, f, type, x, y);
	char *name = NULL;
	if (type != PST_LAYER_PLACES && imprecise(f) &&
	    add_uncertainty(b, g, f, x, y, &name) != POSTURE_OK)
		return POSTURE_ENOMEM;
	pst_item *it = pooled_item(b, g, f, NULL, f->kind, name);
	if (!it)
		return POSTURE_ENOMEM;
	it->has_anchor = true;
	it->ax = x;
	it->ay = y;
	it->priority = priority_of(type, f->kind);
	if (set_base_symbol(b, it, f) != POSTURE_OK)
		return POSTURE_ENOMEM;
	it->label_dropped = it->too_dense = !labelled; /* see layer_labelled() */
	if (labelled && style_label(b, it, f, type) != POSTURE_OK)
		return POSTURE_ENOMEM;
	return POSTURE_OK;
}

/* A curated border segment: the shared line of its two countries, emphasised. */
static int add_border_item(builder *b, pst_group *g, const pst_feature *f)
{
	const pst_group *base = pst_scene_group(b->scene, "land-borders");
	char id[32];
	snprintf(id, sizeof(id), "border-%s-%s", f->countries[0], f->countries[1]);
	const pst_item *line = NULL;
	for (size_t i = 0; base && i < base->n_items && !line; i++)
		if (strcmp(base->items[i].id, id) == 0)
			line = &base->items[i];
	if (!line)
		return POSTURE_OK; /* not on this page */
	pst_item *it = pst_group_add_item(g);
	if (!it)
		return POSTURE_ENOMEM;
	it->id = pst_strdup(f->id);
	it->kind = pst_strdup(f->kind);
	it->name = pst_strdup(f->name);
	if (!it->id || !it->kind || !it->name)
		return POSTURE_ENOMEM;
	it->style = b->theme->segment;
	it->style.stroke_width *= b->k;
	if (pst_copy_citations(it, f) != POSTURE_OK)
		return POSTURE_ENOMEM;
	for (size_t k = 0; k < line->n_parts; k++) {
		size_t start = k ? line->part_end[k - 1] : 0;
		int rc = pst_item_add_part(it, line->xy + 2 * start, line->part_end[k] - start);
		if (rc != POSTURE_OK)
			return rc;
	}
	return POSTURE_OK;
}

static char *title_case(const char *name)
{
	char *t = pst_strdup(name);
	if (t && t[0] >= 'a' && t[0] <= 'z')
		t[0] = (char)(t[0] - 'a' + 'A');
	return t;
}

/*
 * The hook that keeps label placement within reach at any density: a point
 * layer of more than PST_LABEL_LAYER_MAX placed items gets no labels, and
 * every item of it is marked unlabelled (label_dropped, too_dense), so the
 * map's count of items shown without a label includes them; nor is it
 * fanned out (fan circles of dozens of symbols would move them far).  Placement costs grow
 * faster than linearly with the number of labels, and a name per item is
 * unreadable long before this density anyway.
 */
static bool layer_labelled(const pst_layer *layer)
{
	size_t n = 0;
	for (size_t k = 0; k < layer->n_features && n <= PST_LABEL_LAYER_MAX; k++)
		n += layer->features[k].has_point;
	return n <= PST_LABEL_LAYER_MAX;
}

static int add_layer_group(builder *b, const pst_layer *layer)
{
	bool labelled = layer_labelled(layer);
	char *title = title_case(layer->name);
	pst_group *g = title ? pst_scene_add_group(b->scene, layer->name, title) : NULL;
	free(title);
	int rc = g ? POSTURE_OK : POSTURE_ENOMEM;
	/* A layer too dense to label is kept compact (scene.h); not on a map of changes, whose
	 * marks read the items. */
	if (rc == POSTURE_OK && !labelled && !b->diff && layer->type != PST_LAYER_BORDERS) {
		/* Room for every feature (the pages of those without a point, or outside the
		 * frame, are never touched): no copies as it grows, and no walk to count them. */
		size_t n = layer->n_features;
		g->dense = calloc(1, sizeof(*g->dense));
		if (g->dense)
			g->dense->pts = malloc((n + 1) * sizeof(pst_dense_point));
		if (!g->dense || !g->dense->pts) {
			free(g->dense);
			g->dense = NULL;
			rc = POSTURE_ENOMEM;
		} else {
			g->dense->cap = n + 1;
			g->dense->frame = b->scene->map_box;
		}
	}
	/* A dense layer's points are projected on a second thread, ahead of the records. */
	pst_proj_ahead *ahead = rc == POSTURE_OK && g->dense && layer->n_features
	                        ? pst_proj_ahead_start(b->proj, &layer->features[0].lon,
	                                               &layer->features[0].lat,
	                                               sizeof(pst_feature), layer->n_features)
	                        : NULL;
	for (size_t k = 0; rc == POSTURE_OK && k < layer->n_features; k++) {
		const pst_feature *f = &layer->features[k];
		if (f->precision && !strcmp(f->precision, "unplaced"))
			continue; /* listed as not on the map (add_unplaced) */
		if (layer->type == PST_LAYER_BORDERS)
			rc = add_border_item(b, g, f);
		else if (f->has_point)
			rc = add_point_item(b, g, f, layer->type, labelled, ahead, k);
	}
	pst_proj_ahead_stop(ahead);
	if (g && g->dense && !g->dense->n) { /* nothing of it on the map */
		free(g->dense->pts);
		free(g->dense->looks);
		free(g->dense->cites);
		free(g->dense->attrs);
		free(g->dense);
		g->dense = NULL;
	}
	return rc == POSTURE_OK ? rc : pst_error(b->ctx, rc, layer->path, "out of memory");
}

/* Read and validate the map's layers (a map is never drawn from invalid data),
 * then add them ground first, figure last: places, borders, incidents, bases. */
int pst_load_data(builder *b)
{
	const posture_data *all = b->given_data;
	int rc = all ? POSTURE_OK : pst_inputs_data(&all, &b->owned_data, b->ctx, b->inputs, b->map);
	if (rc == POSTURE_OK)
		rc = pst_data_filter(&b->view, b->ctx, all, b->map->filter, b->map->date);
	b->data = b->view;
	return rc;
}

/* The name of the country with ISO code @p iso among the map's countries, or NULL. */
static const char *country_name(const builder *b, const char *iso)
{
	const pst_group *g = pst_scene_group(b->scene, "countries");
	for (size_t i = 0; g && iso && i < g->n_items; i++)
		if (!strcmp(g->items[i].id, iso) && g->items[i].name[0])
			return g->items[i].name;
	return NULL;
}

/*
 * Items the data cannot place (precision "unplaced": the sources name no
 * site) go to a group of their own, "not-on-map", with their citations but
 * no geometry: they are numbered with the rest, listed in the furniture's
 * "Not on the map" note, in the map data and in the HTML page, and drawn
 * nowhere.  The country they name is kept for the note (an item whose
 * country is not on the page is not listed); the map does not pretend to a
 * country-level position the sources do not give.
 */
static int add_unplaced(builder *b)
{
	const posture_data *data = b->data;
	pst_group *g = NULL;
	for (size_t l = 0; l < data->n_layers; l++) {
		const pst_layer *layer = &data->layers[l];
		for (size_t k = 0; k < layer->n_features; k++) {
			const pst_feature *f = &layer->features[k];
			if (!f->precision || strcmp(f->precision, "unplaced") != 0)
				continue; /* (items after the map's date are already filtered out) */
			const char *country = country_name(b, f->country);
			if (f->country && !country)
				continue; /* its country is not on this map either */
			if (!g && !(g = pst_scene_add_group(b->scene, "not-on-map", "Not on the map")))
				return POSTURE_ENOMEM;
			pst_item *it = pst_group_add_item(g);
			if (!it)
				return POSTURE_ENOMEM;
			it->id = pst_strdup(f->id);
			it->kind = pst_strdup(f->kind);
			it->name = pst_strdup(f->name);
			it->priority = priority_of(layer->type, f->kind);
			if (!it->id || !it->kind || !it->name || pst_copy_citations(it, f) != POSTURE_OK ||
			    (country && !(it->country = pst_strdup(country))))
				return POSTURE_ENOMEM;
		}
	}
	return POSTURE_OK;
}

static bool fannable(const pst_item *it)
{
	return it->has_anchor && it->symbol != PST_SYMBOL_NONE;
}

/*
 * An incident held at a base ("drills at the Kant air base") falls on the
 * base's symbol, which is drawn over it; one in a city ("an attack in
 * Kabul") falls on the city's marker and hides it.  Either is moved out,
 * from the other symbol's centre through its own (straight up when they
 * coincide), until the two boxes are apart, as a fan moves symbols sharing
 * one spot.  A fan round a city's point is pushed out the same way, member
 * by member, so the ring clears the marker at its centre.
 */
#define CLEAR_GAP 0.5 /* pt between the boxes along the direction of the move */

typedef struct {
	double x, y, half; /* a marker's box: centre and half width */
} marker;

typedef struct {
	marker *m;
	size_t n, cap;
	double x0, y0, cell;
	size_t nx, ny;
	size_t *start; /* nx * ny + 1 offsets into order */
	size_t *order; /* marker indices by cell */
} marker_grid;

static void marker_grid_free(marker_grid *g)
{
	free(g->m);
	free(g->start);
	free(g->order);
}

static size_t marker_cell(const marker_grid *g, double x, double y)
{
	double fx = fmax(0, (x - g->x0) / g->cell), fy = fmax(0, (y - g->y0) / g->cell);
	size_t cx = fx < (double)g->nx ? (size_t)fx : g->nx - 1;
	size_t cy = fy < (double)g->ny ? (size_t)fy : g->ny - 1;
	return cy * g->nx + cx;
}

/* Add the symbols of @p under to @p g's markers (index them after the last). */
static int marker_grid_add(marker_grid *g, const pst_group *under)
{
	pst_group_iter gi = { 0 };
	int rc = POSTURE_OK;
	for (const pst_item *u; (u = pst_group_next(under, &gi, &rc));) {
		if (!fannable(u))
			continue;
		if (g->n == g->cap) {
			size_t cap = g->cap ? 2 * g->cap : 16;
			marker *m = realloc(g->m, cap * sizeof(*m));
			if (!m) {
				rc = POSTURE_ENOMEM;
				break;
			}
			g->m = m;
			g->cap = cap;
		}
		const pst_box *b = &u->symbol_box;
		g->m[g->n++] = (marker){ (b->x0 + b->x1) / 2, (b->y0 + b->y1) / 2, (b->x1 - b->x0) / 2 };
	}
	pst_group_iter_free(&gi);
	return rc;
}

/* Index the markers in cells no narrower than @p reach or any marker. */
static int marker_grid_index(marker_grid *g, double reach)
{
	if (!g->n)
		return POSTURE_OK;
	double x1 = -HUGE_VAL, y1 = -HUGE_VAL;
	g->x0 = g->y0 = HUGE_VAL;
	for (size_t i = 0; i < g->n; i++) {
		const marker *m = &g->m[i];
		reach = fmax(reach, 2 * m->half);
		g->x0 = fmin(g->x0, m->x), g->y0 = fmin(g->y0, m->y);
		x1 = fmax(x1, m->x), y1 = fmax(y1, m->y);
	}
	/* No narrower than the reach (a 3 x 3 search finds every box that can meet
	 * the probe's), nor so narrow that the cells outnumber the markers. */
	g->cell = fmax(reach, sqrt((x1 - g->x0 + 1) * (y1 - g->y0 + 1) / (double)g->n));
	g->nx = (size_t)((x1 - g->x0) / g->cell) + 1;
	g->ny = (size_t)((y1 - g->y0) / g->cell) + 1;
	size_t cells = g->nx * g->ny;
	g->start = calloc(cells + 2, sizeof(size_t));
	g->order = malloc(g->n * sizeof(size_t));
	if (!g->start || !g->order)
		return POSTURE_ENOMEM;
	for (size_t i = 0; i < g->n; i++)
		g->start[marker_cell(g, g->m[i].x, g->m[i].y) + 2]++;
	for (size_t c = 2; c <= cells + 1; c++)
		g->start[c] += g->start[c - 1];
	for (size_t i = 0; i < g->n; i++)
		g->order[g->start[marker_cell(g, g->m[i].x, g->m[i].y) + 1]++] = i;
	return POSTURE_OK;
}

/* Move @p it's symbol by (dx, dy), remembering the spot it leaves. */
static void move_symbol(pst_item *it, double dx, double dy)
{
	if (!it->fanned) {
		it->spot_x = it->ax;
		it->spot_y = it->ay;
		it->fanned = true;
	}
	it->ax += dx;
	it->ay += dy;
	it->symbol_box = (pst_box){ it->symbol_box.x0 + dx, it->symbol_box.y0 + dy,
		                    it->symbol_box.x1 + dx, it->symbol_box.y1 + dy };
}

/* Move @p it off marker @p m if their boxes meet; whether it moved. */
static bool clear_of(pst_item *it, const marker *m)
{
	double hi = (it->symbol_box.x1 - it->symbol_box.x0) / 2, reach = m->half + hi + CLEAR_GAP;
	double ix = (it->symbol_box.x0 + it->symbol_box.x1) / 2;
	double iy = (it->symbol_box.y0 + it->symbol_box.y1) / 2;
	double dx = ix - m->x, dy = iy - m->y, len = hypot(dx, dy);
	if (fmax(fabs(dx), fabs(dy)) >= reach - 1e-9)
		return false;
	if (len < 0.5) {
		dx = 0;
		dy = -1;
	} else {
		dx /= len;
		dy /= len;
	}
	/* Far enough that the two boxes are CLEAR_GAP apart along that direction. */
	double t = fmin(fabs(dx) > 1e-9 ? reach / fabs(dx) : HUGE_VAL,
	                fabs(dy) > 1e-9 ? reach / fabs(dy) : HUGE_VAL);
	move_symbol(it, m->x + t * dx - ix, m->y + t * dy - iy);
	return true;
}

/*
 * Symbols that fall on the same spot (several events "in Tashkent") are
 * fanned out on a small circle round it, so each stays visible and
 * clickable.  The circle is just wide enough for the symbols not to touch;
 * the items' positions were only known to the city anyway.
 *
 * A spot is the first item not yet fanned and every later one within 1 pt
 * of it (at most FAN_MAX, in item order).  Those are found through a grid of
 * cells at least 1 pt wide: each cell lists its items in order, and a k-way
 * merge of the 3 x 3 cells round the spot stops at the FAN_MAX-th member, so
 * the pass is linear in the number of items however crowded the map.
 */
#define FAN_MAX 64

typedef struct {
	double x0, y0, cell; /* origin and cell width, pt */
	size_t nx, ny;
	size_t *start;       /* nx * ny + 1 offsets into idx */
	size_t *front;       /* per cell: entries before it are done (fanned or passed) */
	size_t *idx;         /* item indices, grouped by cell, ascending */
} fan_grid;

static size_t fan_cell(const fan_grid *fg, double x, double y)
{
	size_t cx = (size_t)fmax(0, (x - fg->x0) / fg->cell);
	size_t cy = (size_t)fmax(0, (y - fg->y0) / fg->cell);
	return (cy < fg->ny ? cy : fg->ny - 1) * fg->nx + (cx < fg->nx ? cx : fg->nx - 1);
}

static int fan_grid_build(fan_grid *fg, const pst_group *g)
{
	size_t n = 0;
	double x1 = -HUGE_VAL, y1 = -HUGE_VAL;
	fg->x0 = fg->y0 = HUGE_VAL;
	for (size_t i = 0; i < g->n_items; i++) {
		const pst_item *it = &g->items[i];
		if (!fannable(it))
			continue;
		n++;
		fg->x0 = fmin(fg->x0, it->ax), fg->y0 = fmin(fg->y0, it->ay);
		x1 = fmax(x1, it->ax), y1 = fmax(y1, it->ay);
	}
	if (n < 2)
		return POSTURE_OK;
	/* About one item a cell on average, never under 1 pt (the 3 x 3 search needs it). */
	fg->cell = fmax(1.0, sqrt((x1 - fg->x0 + 1) * (y1 - fg->y0 + 1) / (double)n));
	fg->nx = (size_t)((x1 - fg->x0) / fg->cell) + 1;
	fg->ny = (size_t)((y1 - fg->y0) / fg->cell) + 1;
	size_t cells = fg->nx * fg->ny;
	fg->start = calloc(cells + 2, sizeof(size_t));
	fg->front = malloc((cells + 1) * sizeof(size_t));
	fg->idx = malloc(n * sizeof(size_t));
	if (!fg->start || !fg->front || !fg->idx)
		return POSTURE_ENOMEM;
	for (size_t i = 0; i < g->n_items; i++)
		if (fannable(&g->items[i]))
			fg->start[fan_cell(fg, g->items[i].ax, g->items[i].ay) + 2]++;
	for (size_t c = 2; c <= cells + 1; c++)
		fg->start[c] += fg->start[c - 1];
	for (size_t i = 0; i < g->n_items; i++)
		if (fannable(&g->items[i]))
			fg->idx[fg->start[fan_cell(fg, g->items[i].ax, g->items[i].ay) + 1]++] = i;
	memcpy(fg->front, fg->start, cells * sizeof(size_t)); /* start[c] is now cell c's start */
	return POSTURE_OK;
}

/* Items from @p i on within 1 pt of item @p i, in order, at most FAN_MAX; their count. */
static size_t fan_members(fan_grid *fg, const pst_group *g, size_t i, size_t *members)
{
	const pst_item *a = &g->items[i];
	size_t cur[9], end[9], k = 0, n = 0;
	size_t c0 = fan_cell(fg, a->ax, a->ay), cx = c0 % fg->nx, cy = c0 / fg->nx;
	for (size_t y = cy ? cy - 1 : 0; y <= cy + 1 && y < fg->ny; y++) {
		for (size_t x = cx ? cx - 1 : 0; x <= cx + 1 && x < fg->nx; x++) {
			size_t c = y * fg->nx + x;
			/* Entries before i, or fanned at the front, are done for good. */
			while (fg->front[c] < fg->start[c + 1] &&
			       (fg->idx[fg->front[c]] < i || g->items[fg->idx[fg->front[c]]].fanned))
				fg->front[c]++;
			cur[k] = fg->front[c], end[k] = fg->start[c + 1], k++;
		}
	}
	while (n < FAN_MAX) {
		size_t best = k;
		for (size_t m = 0; m < k; m++)
			if (cur[m] < end[m] && (best == k || fg->idx[cur[m]] < fg->idx[cur[best]]))
				best = m;
		if (best == k)
			break;
		size_t j = fg->idx[cur[best]++];
		const pst_item *c = &g->items[j];
		if (j >= i && !c->fanned && hypot(c->ax - a->ax, c->ay - a->ay) < 1.0)
			members[n++] = j;
	}
	return n;
}

/* Is (x, y) under a marker of @p places? */
static bool on_marker(const marker_grid *places, double x, double y)
{
	if (!places->n)
		return false;
	size_t c0 = marker_cell(places, x, y), cx = c0 % places->nx, cy = c0 / places->nx;
	for (size_t gy = cy ? cy - 1 : 0; gy <= cy + 1 && gy < places->ny; gy++)
		for (size_t gx = cx ? cx - 1 : 0; gx <= cx + 1 && gx < places->nx; gx++)
			for (size_t k = places->start[gy * places->nx + gx];
			     k < places->start[gy * places->nx + gx + 1]; k++) {
				const marker *m = &places->m[places->order[k]];
				if (fabs(m->x - x) <= m->half && fabs(m->y - y) <= m->half)
					return true;
			}
	return false;
}

static int fan_out(pst_group *g, const marker_grid *places)
{
	fan_grid fg = { 0 };
	int rc = fan_grid_build(&fg, g);
	for (size_t i = 0; rc == POSTURE_OK && fg.idx && i < g->n_items; i++) {
		pst_item *a = &g->items[i];
		if (!fannable(a) || a->fanned)
			continue;
		size_t members[FAN_MAX], n = fan_members(&fg, g, i, members);
		if (n < 2)
			continue;
		double size = 0;
		for (size_t k = 0; k < n; k++) {
			const pst_item *c = &g->items[members[k]];
			size = fmax(size, c->symbol_box.x1 - c->symbol_box.x0);
		}
		double r = 0.6 * size / sin(PST_PI / (double)n), cx = a->ax, cy = a->ay;
		/* Round a city's marker, wide enough for the city's leader (1 pt on
		 * each side) to pass diagonally between two symbols: the corners of
		 * neighbouring boxes are then (r - size) / sqrt 2 from the diagonal.
		 * clear_of_markers then pushes out any member still on the marker. */
		if (on_marker(places, cx, cy))
			r = fmax(r, size + 1.5);
		for (size_t k = 0; k < n; k++) {
			pst_item *c = &g->items[members[k]];
			double t = -PST_PI / 2 + 2 * PST_PI * (double)k / (double)n;
			move_symbol(c, cx + r * cos(t) - c->ax, cy + r * sin(t) - c->ay);
		}
	}
	free(fg.start);
	free(fg.front);
	free(fg.idx);
	return rc;
}

/* Move each labelled symbol of @p g off every marker of @p mg it meets. */
static void clear_of_markers(pst_group *g, const marker_grid *mg)
{
	for (size_t i = 0; mg->n && i < g->n_items; i++) {
		pst_item *it = &g->items[i];
		if (!fannable(it) || it->too_dense)
			continue;
		/* A move can bring it onto another marker: look again, a few times at most. */
		for (int round = 0, moved = 1; moved && round < 4; round++) {
			moved = 0;
			size_t c0 = marker_cell(mg, it->ax, it->ay), cx = c0 % mg->nx, cy = c0 / mg->nx;
			for (size_t y = cy ? cy - 1 : 0; y <= cy + 1 && y < mg->ny; y++)
				for (size_t x = cx ? cx - 1 : 0; x <= cx + 1 && x < mg->nx; x++)
					for (size_t k = mg->start[y * mg->nx + x];
					     k < mg->start[y * mg->nx + x + 1]; k++)
						moved |= clear_of(it, &mg->m[mg->order[k]]);
		}
	}
}

/* The widest symbol of the labelled incidents of @p data (0: none). */
static double incident_reach(builder *b)
{
	double reach = 0;
	for (size_t i = 0; i < b->data->n_layers; i++) {
		const pst_group *g = b->data->layers[i].type == PST_LAYER_INCIDENTS
		                     ? pst_scene_group(b->scene, b->data->layers[i].name)
		                     : NULL;
		for (size_t k = 0; g && k < g->n_items; k++)
			if (fannable(&g->items[k]) && !g->items[k].too_dense)
				reach = fmax(reach, g->items[k].symbol_box.x1 - g->items[k].symbol_box.x0);
	}
	return reach;
}

/* The markers of every layer of type @p t, in one grid. */
static int markers_of(marker_grid *mg, builder *b, pst_layer_type t, double reach)
{
	int rc = POSTURE_OK;
	for (size_t j = 0; rc == POSTURE_OK && j < b->data->n_layers; j++) {
		const pst_group *g = b->data->layers[j].type == t
		                     ? pst_scene_group(b->scene, b->data->layers[j].name)
		                     : NULL;
		if (g)
			rc = marker_grid_add(mg, g);
	}
	return rc == POSTURE_OK ? marker_grid_index(mg, reach + CLEAR_GAP) : rc;
}

/*
 * Incidents sharing a spot fanned out (a layer too dense to label is too
 * dense to fan out: every symbol stays at its spot), then moved off the city
 * markers under them and the bases drawn over them.
 */
static int place_incidents(builder *b)
{
	double reach = incident_reach(b);
	if (reach <= 0)
		return POSTURE_OK;
	marker_grid places = { 0 }, bases = { 0 };
	int rc = markers_of(&places, b, PST_LAYER_PLACES, reach);
	if (rc == POSTURE_OK)
		rc = markers_of(&bases, b, PST_LAYER_BASES, reach);
	for (size_t i = 0; rc == POSTURE_OK && i < b->data->n_layers; i++) {
		pst_group *g = b->data->layers[i].type == PST_LAYER_INCIDENTS
		               ? (pst_group *)pst_scene_group(b->scene, b->data->layers[i].name)
		               : NULL;
		if (!g || !layer_labelled(&b->data->layers[i]))
			continue;
		rc = fan_out(g, &places);
		clear_of_markers(g, &places);
		clear_of_markers(g, &bases);
	}
	marker_grid_free(&places);
	marker_grid_free(&bases);
	return rc;
}

int pst_add_layers(builder *b)
{
	static const pst_layer_type drawing_order[] = { PST_LAYER_PLACES, PST_LAYER_BORDERS,
		                                        PST_LAYER_INCIDENTS, PST_LAYER_BASES };
	const posture_data *data = b->data;
	int rc = POSTURE_OK;
	b->memo = calloc(1, sizeof(*b->memo)); /* without it the items copy as before */
	for (size_t o = 0; rc == POSTURE_OK && o < PST_ARRAY_LEN(drawing_order); o++)
		for (size_t i = 0; rc == POSTURE_OK && i < data->n_layers; i++)
			if (data->layers[i].type == drawing_order[o])
				rc = add_layer_group(b, &data->layers[i]);
	memo_free(b->memo);
	b->memo = NULL;
	if (rc == POSTURE_OK && place_incidents(b) != POSTURE_OK)
		rc = pst_error(b->ctx, POSTURE_ENOMEM, b->map->path, "out of memory");
	if (rc == POSTURE_OK && add_unplaced(b) != POSTURE_OK)
		rc = pst_error(b->ctx, POSTURE_ENOMEM, b->map->path, "out of memory");
	return rc;
}

