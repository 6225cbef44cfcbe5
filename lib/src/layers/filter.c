/*
 * filter.c — which items a map, `list` or `export` keeps (posture_filter):
 * a date range, layers kept or left out, kinds and countries, from a map's
 * [filter] section or the matching command-line options.
 *
 * A filter never changes the data it is applied to: posture_data_filter()
 * makes a view, a posture_data whose layer and feature arrays are its own
 * but whose strings, citations and sources are borrowed from the validated
 * data (which may be shared by every map of a run).  So the rest of the
 * pipeline sees a filtered map exactly as it would see a smaller data set.
 *
 * Names are checked when the filter meets the data, since which layers exist
 * depends on the map: an unknown layer or kind is an error at the place it
 * was written (the map file's line, or the option), with the nearest name.
 * pst_filter_describe() says in words what was left out, for the title's
 * "as of" line and the text alternative.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

enum { KEY_FROM, KEY_TO, KEY_UNDATED, KEY_ONLY, KEY_HIDE, KEY_KINDS, KEY_COUNTRIES, N_KEYS };

static const char *const key_names[N_KEYS] = { "from", "to",    "undated",  "only",
	                                       "hide", "kinds", "countries" };

#define MAX_NAMES 64
#define PST_MAX_CANDIDATES 128 /* names offered when suggesting one */

/* A comma list of names, as given. */
typedef struct {
	char *names[MAX_NAMES];
	size_t n;
} name_list;

struct posture_filter {
	char *from, *to;        /* as written, or NULL */
	int from_day, to_day;   /* first day of from, last day of to */
	bool drop_undated;      /* undated = no */
	name_list lists[N_KEYS]; /* only, hide, kinds, countries (others unused) */
	bool set[N_KEYS];       /* which keys were given */
	char *origin[N_KEYS];   /* where each was given: a file or an option, owned */
	int line[N_KEYS], column[N_KEYS]; /* in that file; 0 for options */
};

int posture_filter_create(posture_filter **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? POSTURE_OK : POSTURE_ENOMEM;
}

static void list_clear(name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	l->n = 0;
}

void posture_filter_destroy(posture_filter *f)
{
	if (!f)
		return;
	free(f->from);
	free(f->to);
	for (int k = 0; k < N_KEYS; k++) {
		list_clear(&f->lists[k]);
		free(f->origin[k]);
	}
	free(f);
}

bool posture_filter_is_set(const posture_filter *f)
{
	for (int k = 0; f && k < N_KEYS; k++)
		if (f->set[k])
			return true;
	return false;
}

/* Errors in a map file are invalid data; in an option, usage. */
static int code_at(const pst_where *at)
{
	return at->line ? POSTURE_EDATA : POSTURE_EUSAGE;
}

static int parse_list(name_list *l, posture_ctx *ctx, const pst_where *at, const char *key,
                      const char *v)
{
	list_clear(l);
	const char *p = v;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		size_t n = strcspn(p, ",");
		size_t len = n;
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (!len)
			return pst_error_at(ctx, code_at(at), at, "%s: empty name in the list '%s'", key, v);
		if (l->n == MAX_NAMES)
			return pst_error_at(ctx, code_at(at), at, "%s: too many names (at most %d)", key,
			                    MAX_NAMES);
		if (!(l->names[l->n++] = pst_strndup(p, len)))
			return pst_error_at(ctx, POSTURE_ENOMEM, at, "out of memory");
		if (!p[n])
			return POSTURE_OK;
		p += n + 1;
	}
}

static int check_countries(const name_list *l, posture_ctx *ctx, const pst_where *at)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *c = l->names[i];
		bool iso = strlen(c) == 3;
		for (size_t j = 0; iso && j < 3; j++)
			iso = c[j] >= 'A' && c[j] <= 'Z';
		if (!iso)
			return pst_error_at(ctx, code_at(at), at, "countries wants ISO 3166-1 alpha-3 codes "
			                    "like TJK, not '%s'", c);
	}
	return POSTURE_OK;
}

static int parse_date(posture_filter *f, posture_ctx *ctx, const pst_where *at, int key,
                      const char *v)
{
	int from, to;
	char why[128];
	if (strchr(v, '/') || !pst_date_parse(v, &from, &to, why, sizeof(why)))
		return pst_error_at(ctx, code_at(at), at, "%s wants a date YYYY, YYYY-MM or YYYY-MM-DD, "
		                    "not '%s'", key_names[key], v);
	char **field = key == KEY_FROM ? &f->from : &f->to;
	char *copy = pst_strdup(v);
	if (!copy)
		return pst_error_at(ctx, POSTURE_ENOMEM, at, "out of memory");
	free(*field);
	*field = copy;
	if (key == KEY_FROM)
		f->from_day = from;
	else
		f->to_day = to;
	if (f->from && f->to && f->to_day < f->from_day)
		return pst_error_at(ctx, code_at(at), at, "the date range %s to %s ends before it starts",
		                    f->from, f->to);
	return POSTURE_OK;
}

static int find_key(const char *key)
{
	for (int k = 0; k < N_KEYS; k++)
		if (!strcmp(key, key_names[k]))
			return k;
	return -1;
}

bool pst_filter_known_key(const char *key)
{
	return find_key(key) >= 0;
}

int pst_filter_set_at(posture_filter *f, posture_ctx *ctx, const pst_where *at, const char *key,
                      const char *value)
{
	int k = find_key(key);
	if (k < 0) {
		const char *near = posture_nearest_word(key, key_names, N_KEYS);
		return near ? pst_error_at(ctx, code_at(at), at, "unknown filter '%s'; did you mean '%s'?",
		                           key, near)
		            : pst_error_at(ctx, code_at(at), at, "unknown filter '%s'", key);
	}
	char *origin = pst_strdup(at->file ? at->file : "");
	if (!origin)
		return pst_error_at(ctx, POSTURE_ENOMEM, at, "out of memory");
	free(f->origin[k]);
	f->origin[k] = origin;
	f->line[k] = at->line;
	f->column[k] = at->column;
	f->set[k] = true;
	switch (k) {
	case KEY_FROM:
	case KEY_TO:
		return parse_date(f, ctx, at, k, value);
	case KEY_UNDATED:
		if (strcmp(value, "yes") && strcmp(value, "no"))
			return pst_error_at(ctx, code_at(at), at, "undated wants yes or no, not '%s'", value);
		f->drop_undated = !strcmp(value, "no");
		return POSTURE_OK;
	default: {
		int rc = parse_list(&f->lists[k], ctx, at, key, value);
		if (rc == POSTURE_OK && k == KEY_COUNTRIES)
			rc = check_countries(&f->lists[k], ctx, at);
		return rc;
	}
	}
}

int posture_filter_set(posture_filter *f, posture_ctx *ctx, const char *origin, const char *key,
                       const char *value)
{
	pst_where at = { origin, 0, 0 };
	int rc = pst_filter_set_at(f, ctx, &at, key, value);
	return rc == POSTURE_EDATA ? POSTURE_EUSAGE : rc;
}

/* --- checking names against the data ------------------------------------------ */

static bool list_has(const name_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->names[i], name))
			return true;
	return false;
}

static bool layer_named(const pst_layer *l, const name_list *names)
{
	return list_has(names, l->name) || list_has(names, pst_layer_type_name(l->type));
}

static bool kind_known(const char *kind)
{
	for (int t = PST_LAYER_BASES; t <= PST_LAYER_PLACES; t++)
		for (const char *const *k = pst_layer_kinds((pst_layer_type)t); *k; k++)
			if (!strcmp(*k, kind))
				return true;
	return false;
}

static int unknown_name(const posture_filter *f, posture_ctx *ctx, int key, const char *what,
                        const char *name, const char *const *cands, size_t n_cands)
{
	pst_where at = { f->origin[key], f->line[key], f->column[key] };
	const char *near = posture_nearest_word(name, cands, n_cands);
	pst_buf known;
	pst_buf_init(&known);
	for (size_t i = 0; i < n_cands; i++)
		pst_buf_printf(&known, "%s%s", i ? ", " : "", cands[i]);
	/* In a map file, the key; an option names itself in the prefix. */
	char in[32] = "";
	if (at.line)
		snprintf(in, sizeof(in), " in %s", key_names[key]);
	if (near)
		pst_error_at(ctx, code_at(&at), &at, "unknown %s '%s'%s; did you mean '%s'?", what,
		             name, in, near);
	else
		pst_error_at(ctx, code_at(&at), &at, "unknown %s '%s'%s (known: %s)", what, name, in,
		             known.data ? known.data : "none");
	pst_buf_free(&known);
	return code_at(&at);
}

static int check_layers(const posture_filter *f, posture_ctx *ctx, const posture_data *d, int key)
{
	const char *cands[PST_MAX_CANDIDATES];
	size_t n = 0;
	for (int t = PST_LAYER_BASES; t <= PST_LAYER_PLACES; t++)
		cands[n++] = pst_layer_type_name((pst_layer_type)t);
	for (size_t i = 0; i < d->n_layers && n < PST_MAX_CANDIDATES; i++)
		if (strcmp(d->layers[i].name, pst_layer_type_name(d->layers[i].type)))
			cands[n++] = d->layers[i].name; /* incidents-2019 beside the four types */
	for (size_t i = 0; i < f->lists[key].n; i++) {
		const char *name = f->lists[key].names[i];
		bool found = false;
		for (size_t c = 0; c < n && !found; c++)
			found = !strcmp(cands[c], name);
		if (!found)
			return unknown_name(f, ctx, key, "layer", name, cands, n);
	}
	return POSTURE_OK;
}

static int check_kinds(const posture_filter *f, posture_ctx *ctx)
{
	const char *cands[PST_MAX_CANDIDATES];
	size_t n = 0;
	for (int t = PST_LAYER_BASES; t <= PST_LAYER_PLACES; t++)
		for (const char *const *k = pst_layer_kinds((pst_layer_type)t); *k; k++)
			if (n < PST_MAX_CANDIDATES)
				cands[n++] = *k;
	for (size_t i = 0; i < f->lists[KEY_KINDS].n; i++)
		if (!kind_known(f->lists[KEY_KINDS].names[i]))
			return unknown_name(f, ctx, KEY_KINDS, "kind", f->lists[KEY_KINDS].names[i], cands, n);
	return POSTURE_OK;
}

/* Does any feature of @p d lie in (or, for a border, along) country @p code? */
static bool country_used(const posture_data *d, const char *code)
{
	for (size_t i = 0; i < d->n_layers; i++)
		for (size_t j = 0; j < d->layers[i].n_features; j++) {
			const pst_feature *x = &d->layers[i].features[j];
			if (x->has_countries ? !strcmp(x->countries[0], code) || !strcmp(x->countries[1], code)
			                     : x->country && !strcmp(x->country, code))
				return true;
		}
	return false;
}

/*
 * A country no item lies in keeps nothing of the layers: a warning, not an
 * error (the code may be right, and a map still draws that country), with the
 * nearest code the items use when it is a likely slip.
 */
static void warn_unused_countries(const posture_filter *f, posture_ctx *ctx, const posture_data *d)
{
	const name_list *c = &f->lists[KEY_COUNTRIES];
	pst_where at = { f->origin[KEY_COUNTRIES], f->line[KEY_COUNTRIES], f->column[KEY_COUNTRIES] };
	for (size_t i = 0; i < c->n; i++) {
		if (country_used(d, c->names[i]))
			continue;
		const char *used[PST_MAX_CANDIDATES];
		size_t n = 0;
		for (size_t l = 0; l < d->n_layers; l++)
			for (size_t j = 0; j < d->layers[l].n_features && n < PST_MAX_CANDIDATES; j++) {
				const pst_feature *x = &d->layers[l].features[j];
				const char *codes[] = { x->has_countries ? x->countries[0] : x->country,
					                x->has_countries ? x->countries[1] : NULL };
				for (int k = 0; k < 2 && n < PST_MAX_CANDIDATES; k++) {
					bool seen = !codes[k];
					for (size_t u = 0; u < n && !seen; u++)
						seen = !strcmp(used[u], codes[k]);
					if (!seen)
						used[n++] = codes[k];
				}
			}
		const char *near = posture_nearest_word(c->names[i], used, n);
		pst_diag(ctx, POSTURE_WARNING, POSTURE_EDATA, at.file, at.line, at.column,
		         "no item lies in country '%s'%s%s%s", c->names[i],
		         near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
	}
}

/* --- keeping items ------------------------------------------------------------- */

/* Does the kinds list name a kind of layer type @p t? */
static bool kinds_touch(const posture_filter *f, pst_layer_type t)
{
	for (const char *const *k = pst_layer_kinds(t); *k; k++)
		if (list_has(&f->lists[KEY_KINDS], *k))
			return true;
	return false;
}

static bool keep_layer(const posture_filter *f, const pst_layer *l)
{
	if (f->set[KEY_ONLY] && !layer_named(l, &f->lists[KEY_ONLY]))
		return false;
	return !(f->set[KEY_HIDE] && layer_named(l, &f->lists[KEY_HIDE]));
}

/* @p to_day: the last day kept (INT_MAX: no end). */
static bool keep_feature(const posture_filter *f, const pst_layer *l, const pst_feature *x,
                         int to_day)
{
	if (x->date && x->date_from > to_day)
		return false;
	if (!f)
		return true;
	if (!x->date && f->drop_undated && l->type == PST_LAYER_INCIDENTS)
		return false; /* the only layer with dates: bases and borders have none to lack */
	if (x->date && f->set[KEY_FROM] && x->date_to < f->from_day)
		return false;
	if (f->set[KEY_KINDS] && (l->type != PST_LAYER_PLACES || kinds_touch(f, l->type)) &&
	    !list_has(&f->lists[KEY_KINDS], x->kind))
		return false;
	if (f->set[KEY_COUNTRIES]) {
		const name_list *c = &f->lists[KEY_COUNTRIES];
		bool in = x->has_countries ? list_has(c, x->countries[0]) || list_has(c, x->countries[1])
		                           : x->country && list_has(c, x->country);
		if (!in)
			return false;
	}
	return true;
}

/* True when keep_feature() keeps every feature whatever it holds (a million need not be read). */
static bool keeps_every_feature(const posture_filter *f, int to_day)
{
	return to_day == INT_MAX && (!f || (!f->drop_undated && !f->set[KEY_FROM] &&
	                                    !f->set[KEY_KINDS] && !f->set[KEY_COUNTRIES]));
}

int pst_filter_check(const posture_filter *f, posture_ctx *ctx, const posture_data *d)
{
	int rc = POSTURE_OK;
	if (f && f->set[KEY_ONLY])
		rc = check_layers(f, ctx, d, KEY_ONLY);
	if (rc == POSTURE_OK && f && f->set[KEY_HIDE])
		rc = check_layers(f, ctx, d, KEY_HIDE);
	if (rc == POSTURE_OK && f && f->set[KEY_KINDS])
		rc = check_kinds(f, ctx);
	if (rc == POSTURE_OK && f && f->set[KEY_COUNTRIES])
		warn_unused_countries(f, ctx, d);
	return rc;
}

int posture_data_filter(posture_data **out, posture_ctx *ctx, const posture_data *d,
                        const posture_filter *f)
{
	return pst_data_filter(out, ctx, d, f, NULL);
}

void pst_filter_day_range(const posture_filter *f, const char *default_to, int *from_day,
                          int *to_day)
{
	int from, to;
	char why[128];
	*from_day = f && f->set[KEY_FROM] ? f->from_day : INT_MIN;
	*to_day = INT_MAX;
	if (f && f->set[KEY_TO])
		*to_day = f->to_day;
	else if (default_to && pst_date_parse(default_to, &from, &to, why, sizeof(why)))
		*to_day = to;
}

int pst_data_filter(posture_data **out, posture_ctx *ctx, const posture_data *d,
                    const posture_filter *f, const char *default_to)
{
	*out = NULL;
	int from_day, to_day;
	pst_filter_day_range(f, default_to, &from_day, &to_day);
	int rc = pst_filter_check(f, ctx, d);
	if (rc != POSTURE_OK)
		return rc;
	posture_data *v = calloc(1, sizeof(*v));
	if (v)
		v->layers = calloc(d->n_layers ? d->n_layers : 1, sizeof(*v->layers));
	if (!v || !v->layers) {
		free(v);
		return pst_error(ctx, POSTURE_ENOMEM, "layers", "out of memory");
	}
	*v = (posture_data){ .view = true, .sources_path = d->sources_path,
		             .sources_state = d->sources_state, .sources = d->sources,
		             .n_sources = d->n_sources, .layers = v->layers };
	for (size_t i = 0; i < d->n_layers; i++) {
		const pst_layer *l = &d->layers[i];
		if (f && !keep_layer(f, l))
			continue;
		pst_layer *c = &v->layers[v->n_layers++];
		*c = *l;
		c->id_hashes = NULL;
		size_t kept = keeps_every_feature(f, to_day) ? l->n_features : 0;
		for (size_t k = 0; kept < l->n_features && k < l->n_features; k++)
			kept += keep_feature(f, l, &l->features[k], to_day);
		c->shared_features = kept == l->n_features; /* all of it: no copy (a big layer) */
		if (c->shared_features)
			continue;
		c->n_features = 0;
		c->features = malloc((l->n_features ? l->n_features : 1) * sizeof(*c->features));
		if (!c->features) {
			posture_data_destroy(v);
			return pst_error(ctx, POSTURE_ENOMEM, l->path, "out of memory");
		}
		for (size_t k = 0; k < l->n_features; k++)
			if (keep_feature(f, l, &l->features[k], to_day))
				c->features[c->n_features++] = l->features[k];
	}
	*out = v;
	return POSTURE_OK;
}

/* --- in words ------------------------------------------------------------------ */

static const char *const months[] = { "January", "February", "March",     "April",
	                             "May",     "June",     "July",      "August",
	                             "September", "October", "November", "December" };

/* "March 2015", "1 March 2015", "2015"; without the year when @p no_year. */
static void say_date(pst_buf *b, const char *iso, bool no_year)
{
	int y = 0, m = 0, d = 0;
	int got = sscanf(iso, "%d-%d-%d", &y, &m, &d);
	if (got >= 3)
		pst_buf_printf(b, "%d %s", d, months[m - 1]);
	else if (got == 2)
		pst_buf_puts(b, months[m - 1]);
	if (!no_year || got == 1)
		pst_buf_printf(b, "%s%d", got >= 2 ? " " : "", y);
}

static void say_list(pst_buf *b, const name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		pst_buf_printf(b, "%s%s", i == 0 ? "" : i + 1 == l->n ? " and " : ", ", l->names[i]);
}

void pst_filter_describe(pst_buf *b, const posture_filter *f)
{
	if (!posture_filter_is_set(f))
		return;
	size_t start = b->len;
	if (f->set[KEY_FROM] || f->set[KEY_TO]) {
		pst_buf_puts(b, "Incidents ");
		if (f->set[KEY_FROM]) {
			bool same_year = f->set[KEY_TO] && !strncmp(f->from, f->to, 4) &&
			                 strlen(f->from) > 4;
			pst_buf_puts(b, "from ");
			say_date(b, f->from, same_year);
		}
		if (f->set[KEY_TO]) {
			pst_buf_puts(b, f->set[KEY_FROM] ? " to " : "up to ");
			say_date(b, f->to, false);
		}
	}
	const char *sep = b->len > start ? "; " : "";
	if (f->drop_undated) {
		pst_buf_printf(b, "%sundated items left out", sep);
		sep = "; ";
	}
	static const struct {
		int key;
		const char *before, *after;
	} lists[] = { { KEY_ONLY, "only ", "" },
		      { KEY_HIDE, "", " left out" },
		      { KEY_KINDS, "kinds ", "" },
		      { KEY_COUNTRIES, "countries ", "" } };
	for (size_t i = 0; i < PST_ARRAY_LEN(lists); i++) {
		if (!f->set[lists[i].key])
			continue;
		pst_buf_printf(b, "%s%s", sep, lists[i].before);
		say_list(b, &f->lists[lists[i].key]);
		pst_buf_puts(b, lists[i].after);
		sep = "; ";
	}
	if (b->len > start && !b->failed && b->data[start] >= 'a' && b->data[start] <= 'z')
		b->data[start] = (char)(b->data[start] - 'a' + 'A');
}

bool pst_filter_has_dates(const posture_filter *f)
{
	return f && (f->set[KEY_FROM] || f->set[KEY_TO]);
}

size_t pst_filter_countries(const posture_filter *f, const char *const **names, pst_where *at)
{
	if (!f || !f->set[KEY_COUNTRIES])
		return 0;
	*names = (const char *const *)f->lists[KEY_COUNTRIES].names;
	*at = (pst_where){ f->origin[KEY_COUNTRIES], f->line[KEY_COUNTRIES],
		           f->column[KEY_COUNTRIES] };
	return f->lists[KEY_COUNTRIES].n;
}
