/*
 * geojson_fast.c — a GeoJSON layer read feature by feature, without a tree.
 *
 * jansson builds a value for every member of a file (600 MB of small
 * allocations for a 50 MB layer of 100,000 points) and the position index
 * walks the text again; most of a big layer's check went there.  This reader
 * walks the text once, validating it as JSON as strictly as jansson does, and
 * reads each plain point feature straight into a pst_row, which goes to the
 * same value checks as a GeoPackage row (pst_layer_row_feature): a feature
 * that passes them all becomes a feature of the layer, its strings in the
 * layer's pool and its positions (the feature, its id, each citation's
 * locator and quote) counted from the bytes as the position index counts
 * them.
 *
 * Everything else keeps the words it always had:
 * - a feature this reader does not take as plain (a border, a foreign or
 *   misspelt member, a value of the wrong type, an escape in a key, a
 *   citation with resolved members) or that fails a check is parsed alone by
 *   jansson and goes through pst_layer_check_feature(), with the position
 *   index of the whole file (built only then), once the whole text is known
 *   to be valid, so its messages and their order are those of the tree;
 * - a text this reader does not understand at the top (not a
 *   FeatureCollection, a misspelt or repeated member, any syntax it would
 *   have to report, a number jansson refuses) is left whole to the caller,
 *   which reads it the old way and reports what jansson reports.
 * Nothing is reported before the text is known to be valid JSON, so bailing
 * out is always possible and changes no output.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

bool pst_geojson_fast_off; /* tests: read every layer the old way */

/* A member key that is kept: its bytes in the text (keys with escapes are never kept). */
#define MAX_KEYS 64
#define MAX_CITES 64 /* citations of a feature read as a row */

typedef struct {
	const char *key[MAX_KEYS];
	size_t len[MAX_KEYS];
	int n;
} keyset;

/* Where a feature's position is wanted: a byte offset and the fields it goes to. */
typedef struct {
	size_t off;
	int *line, *column;
} want_pos;

/* A citation being read: offsets of its decoded texts in the scratch buffer. */
typedef struct {
	size_t text[3]; /* source, locator, quote (SIZE_MAX: absent) */
	size_t loc_off, quote_off; /* where the locator's and the quote's values start */
} cite_in;

/* Row fields, in the order of props_fields[]. */
enum { F_ID, F_NAME, F_KIND, F_PRECISION, F_COUNTRY, F_OPERATOR, F_STATUS, F_DATE,
       F_DATE_BASIS, F_NOTE, N_FIELDS };
static const char *const props_fields[] = { "id", "name", "kind", "precision", "country",
	                                    "operator", "status", "date", "date_basis", "note",
	                                    NULL };

/* A feature being read. */
typedef struct {
	bool plain;          /* still a plain point feature this reader can take */
	bool seen_type, seen_geom, seen_props, is_point, coords_ok;
	bool geom_null;
	double lon, lat;
	size_t field[N_FIELDS]; /* offsets in the scratch buffer (SIZE_MAX: absent) */
	size_t id_off;          /* where the id's value starts */
	cite_in *cites;
	size_t n_cites, cap_cites;
} feat_in;

typedef struct {
	const char *t;
	size_t len, i;        /* the text, its length, the read offset */
	bool bail;            /* not understood: the text goes the old way */
	bool nomem;
	pst_layer_type type;
	const char *const *props; /* the layer's properties */
	char *buf;            /* decoded strings of the current feature */
	size_t buf_len, buf_cap;
	feat_in f;
} reader;

/* A feature left to the tree: its index and its bytes. */
typedef struct {
	size_t index, start, end;
} slow_feature;

static bool bail(reader *p)
{
	p->bail = true;
	return false;
}

static char at(const reader *p)
{
	return p->i < p->len ? p->t[p->i] : '\0';
}

static void ws(reader *p)
{
	while (p->i < p->len) {
		char c = p->t[p->i];
		if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
			return;
		p->i++;
	}
}

static int hex4(const char *s)
{
	int v = 0;
	for (int k = 0; k < 4; k++) {
		char c = s[k];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/*
 * The string at p->i (its quote), validated as jansson would accept it;
 * p->i ends after the closing quote.  *escaped says whether it has escapes.
 */
static bool str_scan(reader *p, bool *escaped)
{
	*escaped = false;
	p->i++;
	for (;;) {
		if (p->i >= p->len)
			return bail(p);
		unsigned char c = (unsigned char)p->t[p->i];
		if (c == '"') {
			p->i++;
			return true;
		}
		if (c < 0x20)
			return bail(p); /* jansson: control character in string */
		if (c != '\\') {
			p->i++;
			continue;
		}
		*escaped = true;
		if (p->i + 1 >= p->len)
			return bail(p);
		char e = p->t[p->i + 1];
		if (e != 'u') {
			if (!e || !strchr("\"\\/bfnrt", e))
				return bail(p);
			p->i += 2;
			continue;
		}
		if (p->i + 6 > p->len)
			return bail(p);
		int u = hex4(p->t + p->i + 2);
		if (u <= 0 || (u >= 0xDC00 && u <= 0xDFFF))
			return bail(p); /* \u0000 or a lone low surrogate */
		p->i += 6;
		if (u >= 0xD800 && u <= 0xDBFF) {
			if (p->i + 6 > p->len || p->t[p->i] != '\\' || p->t[p->i + 1] != 'u')
				return bail(p);
			int lo = hex4(p->t + p->i + 2);
			if (lo < 0xDC00 || lo > 0xDFFF)
				return bail(p);
			p->i += 6;
		}
	}
}

static void put_utf8(char *o, size_t *n, unsigned long u)
{
	if (u < 0x80) {
		o[(*n)++] = (char)u;
	} else if (u < 0x800) {
		o[(*n)++] = (char)(0xC0 | u >> 6);
		o[(*n)++] = (char)(0x80 | (u & 0x3F));
	} else if (u < 0x10000) {
		o[(*n)++] = (char)(0xE0 | u >> 12);
		o[(*n)++] = (char)(0x80 | (u >> 6 & 0x3F));
		o[(*n)++] = (char)(0x80 | (u & 0x3F));
	} else {
		o[(*n)++] = (char)(0xF0 | u >> 18);
		o[(*n)++] = (char)(0x80 | (u >> 12 & 0x3F));
		o[(*n)++] = (char)(0x80 | (u >> 6 & 0x3F));
		o[(*n)++] = (char)(0x80 | (u & 0x3F));
	}
}

/*
 * Decode the (already scanned) string text[start .. end) — its quotes
 * included — into the scratch buffer, NUL-terminated; *off is where.
 * A decoded string is never longer than its escaped form.
 */
static bool str_decode(reader *p, size_t start, size_t end, bool escaped, size_t *off)
{
	size_t raw = end - start - 2;
	if (pst_grow((void **)&p->buf, &p->buf_cap, p->buf_len + raw + 1, 1)) {
		p->nomem = true;
		return false;
	}
	char *o = p->buf + p->buf_len;
	const char *s = p->t + start + 1;
	size_t n = 0;
	if (!escaped) {
		memcpy(o, s, raw);
		n = raw;
	}
	for (size_t k = 0; escaped && k < raw;) {
		if (s[k] != '\\') {
			o[n++] = s[k++];
			continue;
		}
		char e = s[k + 1];
		if (e != 'u') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			o[n++] = to[strchr(from, e) - from];
			k += 2;
			continue;
		}
		unsigned long u = (unsigned long)hex4(s + k + 2);
		k += 6;
		if (u >= 0xD800 && u <= 0xDBFF) {
			u = 0x10000 + ((u - 0xD800) << 10) + ((unsigned long)hex4(s + k + 2) - 0xDC00);
			k += 6;
		}
		put_utf8(o, &n, u);
	}
	o[n] = '\0';
	*off = p->buf_len;
	p->buf_len += n + 1;
	return true;
}

/* A number as jansson lexes it (integers within long long, reals finite); its value. */
static bool num_scan(reader *p, double *value)
{
	size_t start = p->i;
	const char *t = p->t;
	if (at(p) == '-')
		p->i++;
	if (at(p) == '0') {
		p->i++;
		if (isdigit((unsigned char)at(p)))
			return bail(p);
	} else if (isdigit((unsigned char)at(p))) {
		while (isdigit((unsigned char)at(p)))
			p->i++;
	} else {
		return bail(p);
	}
	bool real = false;
	if (at(p) == '.') {
		real = true;
		p->i++;
		if (!isdigit((unsigned char)at(p)))
			return bail(p);
		while (isdigit((unsigned char)at(p)))
			p->i++;
	}
	if (at(p) == 'e' || at(p) == 'E') {
		real = true;
		p->i++;
		if (at(p) == '+' || at(p) == '-')
			p->i++;
		if (!isdigit((unsigned char)at(p)))
			return bail(p);
		while (isdigit((unsigned char)at(p)))
			p->i++;
	}
	char tmp[80];
	size_t n = p->i - start;
	if (n >= sizeof(tmp))
		return bail(p); /* longer than the pre-check allows: not expected here */
	memcpy(tmp, t + start, n);
	tmp[n] = '\0';
	errno = 0;
	if (real) {
		*value = strtod(tmp, NULL);
		if ((*value == HUGE_VAL || *value == -HUGE_VAL) && errno == ERANGE)
			return bail(p); /* jansson: real number overflow */
	} else {
		long long v = strtoll(tmp, NULL, 10);
		if (errno == ERANGE)
			return bail(p); /* jansson: too big integer */
		*value = (double)v; /* as json_number_value() of an integer ("-0" is 0) */
	}
	return true;
}

/* A key of the object being read: a repeat, or an escape in it, sends the text the old way. */
static bool keyset_add(reader *p, keyset *ks, const char *key, size_t n)
{
	for (int k = 0; k < ks->n; k++)
		if (ks->len[k] == n && !memcmp(ks->key[k], key, n))
			return bail(p); /* jansson: duplicate object key */
	if (ks->n == MAX_KEYS)
		return bail(p);
	ks->key[ks->n] = key;
	ks->len[ks->n++] = n;
	return true;
}

typedef bool (*member_fn)(reader *p, void *arg, const char *key, size_t n, int depth);
typedef bool (*element_fn)(reader *p, void *arg, size_t index, int depth);

static bool skip_value(reader *p, int depth);

/* The object at p->i: each member's value handed to @p fn (NULL: skipped). */
static bool object(reader *p, int depth, member_fn fn, void *arg)
{
	keyset ks;
	ks.n = 0;
	if (depth > PST_MAX_JSON_DEPTH)
		return bail(p);
	p->i++;
	ws(p);
	if (at(p) == '}') {
		p->i++;
		return true;
	}
	for (;;) {
		size_t k0 = p->i;
		bool escaped;
		if (at(p) != '"' || !str_scan(p, &escaped) || escaped)
			return bail(p);
		const char *key = p->t + k0 + 1;
		size_t kn = p->i - k0 - 2;
		if (!keyset_add(p, &ks, key, kn))
			return false;
		ws(p);
		if (at(p) != ':')
			return bail(p);
		p->i++;
		ws(p);
		if (!(fn ? fn(p, arg, key, kn, depth + 1) : skip_value(p, depth + 1)))
			return false;
		ws(p);
		if (at(p) == ',') {
			p->i++;
			ws(p);
			continue;
		}
		if (at(p) != '}')
			return bail(p);
		p->i++;
		return true;
	}
}

/* The array at p->i: each element handed to @p fn (NULL: skipped). */
static bool array(reader *p, int depth, element_fn fn, void *arg)
{
	if (depth > PST_MAX_JSON_DEPTH)
		return bail(p);
	p->i++;
	ws(p);
	if (at(p) == ']') {
		p->i++;
		return true;
	}
	for (size_t k = 0;; k++) {
		if (!(fn ? fn(p, arg, k, depth + 1) : skip_value(p, depth + 1)))
			return false;
		ws(p);
		if (at(p) == ',') {
			p->i++;
			ws(p);
			continue;
		}
		if (at(p) != ']')
			return bail(p);
		p->i++;
		return true;
	}
}

static bool literal(reader *p, const char *word)
{
	size_t n = strlen(word);
	if (p->len - p->i < n || memcmp(p->t + p->i, word, n))
		return bail(p);
	p->i += n;
	return true;
}

/* Any value, validated and passed over. */
static bool skip_value(reader *p, int depth)
{
	double v;
	bool escaped;
	switch (at(p)) {
	case '{': return object(p, depth, NULL, NULL);
	case '[': return array(p, depth, NULL, NULL);
	case '"': return str_scan(p, &escaped);
	case 't': return literal(p, "true");
	case 'f': return literal(p, "false");
	case 'n': return literal(p, "null");
	default: return num_scan(p, &v);
	}
}

/* A value this reader does not take as plain: validated, passed over, and the feature left to the tree. */
static bool not_plain(reader *p, int depth)
{
	p->f.plain = false;
	return skip_value(p, depth);
}

static bool key_is(const char *key, size_t n, const char *word)
{
	return strlen(word) == n && !memcmp(key, word, n);
}

/* An unknown member is a foreign one unless it is a misspelling of one of @p known. */
static bool misspelt(const char *key, size_t n, const char *const *known)
{
	char word[40];
	if (n >= sizeof(word))
		return false; /* too long to be within two edits of a member's name */
	memcpy(word, key, n);
	word[n] = '\0';
	return pst_nearest_word(word, known) != NULL;
}

/* A string value taken as plain: decoded into the scratch buffer, or the feature left to the tree. */
static bool plain_string(reader *p, int depth, size_t *off)
{
	if (at(p) != '"')
		return not_plain(p, depth);
	size_t start = p->i;
	bool escaped;
	if (!str_scan(p, &escaped))
		return false;
	if (!p->f.plain)
		return true;
	if (!str_decode(p, start, p->i, escaped, off))
		return false;
	bool blank = true;
	for (const char *s = p->buf + *off; *s && blank; s++)
		blank = isspace((unsigned char)*s) != 0;
	if (blank)
		p->f.plain = false; /* "'x' is empty" */
	return true;
}

static bool coord(reader *p, void *arg, size_t index, int depth)
{
	(void)arg;
	double v;
	if (at(p) == '"' || at(p) == '{' || at(p) == '[' || at(p) == 't' || at(p) == 'f' ||
	    at(p) == 'n' || index > 2)
		return not_plain(p, depth);
	if (!num_scan(p, &v))
		return false;
	if (index == 0)
		p->f.lon = v;
	else if (index == 1) {
		p->f.lat = v;
		p->f.coords_ok = true;
	}
	return true;
}

static bool geometry_member(reader *p, void *arg, const char *key, size_t n, int depth)
{
	static const char *const members[] = { "type", "coordinates", "bbox", NULL };
	(void)arg;
	if (key_is(key, n, "type")) {
		size_t start = p->i;
		bool escaped;
		if (at(p) != '"')
			return not_plain(p, depth);
		if (!str_scan(p, &escaped))
			return false;
		p->f.is_point = !escaped && p->i - start == 7 && !memcmp(p->t + start, "\"Point\"", 7);
		return true;
	}
	if (key_is(key, n, "coordinates"))
		return at(p) == '[' ? array(p, depth, coord, NULL) : not_plain(p, depth);
	if (!key_is(key, n, "bbox") && misspelt(key, n, members))
		return not_plain(p, depth);
	return skip_value(p, depth);
}

static bool cite_member(reader *p, void *arg, const char *key, size_t n, int depth)
{
	cite_in *c = arg;
	static const char *const names[] = { "id", "locator", "quote" };
	for (int k = 0; k < 3; k++) {
		if (!key_is(key, n, names[k]))
			continue;
		if (k == 1)
			c->loc_off = p->i;
		if (k == 2)
			c->quote_off = p->i;
		return plain_string(p, depth, &c->text[k]);
	}
	return not_plain(p, depth); /* resolved or unknown members: the tree checks them */
}

static bool citation(reader *p, void *arg, size_t index, int depth)
{
	(void)arg;
	(void)index;
	feat_in *f = &p->f;
	if (at(p) != '{')
		return not_plain(p, depth);
	if (pst_grow((void **)&f->cites, &f->cap_cites, f->n_cites + 1, sizeof(cite_in))) {
		p->nomem = true;
		return false;
	}
	cite_in *c = &f->cites[f->n_cites++];
	*c = (cite_in){ { SIZE_MAX, SIZE_MAX, SIZE_MAX }, 0, 0 };
	if (!object(p, depth, cite_member, c))
		return false;
	if (c->text[0] == SIZE_MAX || c->text[1] == SIZE_MAX || c->text[2] == SIZE_MAX)
		f->plain = false;
	return true;
}

static bool props_member(reader *p, void *arg, const char *key, size_t n, int depth)
{
	(void)arg;
	feat_in *f = &p->f;
	if (key_is(key, n, "sources")) {
		if (at(p) != '[')
			return not_plain(p, depth);
		if (!array(p, depth, citation, NULL))
			return false;
		if (f->n_cites == 0)
			f->plain = false; /* "'sources' must be a non-empty array" */
		return true;
	}
	bool allowed = false;
	for (size_t k = 0; p->props[k] && !allowed; k++)
		allowed = key_is(key, n, p->props[k]);
	for (int k = 0; allowed && k < N_FIELDS; k++) {
		if (!key_is(key, n, props_fields[k]))
			continue;
		if (k == F_ID)
			f->id_off = p->i;
		return plain_string(p, depth, &f->field[k]);
	}
	return not_plain(p, depth); /* unknown here, or not a row field (borders) */
}

static bool feature_member(reader *p, void *arg, const char *key, size_t n, int depth)
{
	static const char *const members[] = { "type", "geometry", "properties", "id", "bbox",
		                               NULL };
	(void)arg;
	feat_in *f = &p->f;
	if (key_is(key, n, "type")) {
		size_t start = p->i;
		bool escaped;
		f->seen_type = true;
		if (at(p) != '"')
			return not_plain(p, depth);
		if (!str_scan(p, &escaped))
			return false;
		if (escaped || p->i - start != 9 || memcmp(p->t + start, "\"Feature\"", 9))
			f->plain = false;
		return true;
	}
	if (key_is(key, n, "geometry")) {
		f->seen_geom = true;
		if (at(p) == 'n') {
			f->geom_null = true;
			return literal(p, "null");
		}
		if (at(p) != '{')
			return not_plain(p, depth);
		if (!object(p, depth, geometry_member, NULL))
			return false;
		if (!f->is_point || !f->coords_ok)
			f->plain = false;
		return true;
	}
	if (key_is(key, n, "properties")) {
		f->seen_props = true;
		return at(p) == '{' ? object(p, depth, props_member, NULL) : not_plain(p, depth);
	}
	if (!key_is(key, n, "id") && !key_is(key, n, "bbox") && misspelt(key, n, members))
		return not_plain(p, depth);
	return skip_value(p, depth);
}

/* The text's line:column of offset @p off, counting on from *cur (which moves there). */
typedef struct {
	size_t off;
	int line, column;
} cursor;

static void advance(cursor *cur, const char *t, size_t off)
{
	const char *from = t + cur->off, *end = t + off, *nl;
	while ((nl = memchr(from, '\n', (size_t)(end - from))) != NULL) {
		cur->line++;
		cur->column = 1;
		from = nl + 1;
	}
	int chars = 0; /* characters: bytes that do not continue a UTF-8 sequence */
	for (const char *p = from; p < end; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	cur->column += chars;
	cur->off = off;
}

/* Fill the wanted positions of one feature, in text order, from the feature's start. */
static void fill_positions(const char *t, cursor start, want_pos *w, size_t n)
{
	for (size_t i = 1; i < n; i++) /* insertion sort: a handful of offsets */
		for (size_t j = i; j > 0 && w[j].off < w[j - 1].off; j--) {
			want_pos x = w[j];
			w[j] = w[j - 1];
			w[j - 1] = x;
		}
	for (size_t i = 0; i < n; i++) {
		advance(&start, t, w[i].off);
		*w[i].line = start.line;
		*w[i].column = start.column;
	}
}

/* What the layer reading shares: the layer, its checks' inputs, and the features left over. */
typedef struct {
	reader *p;
	pst_layer *l;
	size_t cap;
	const pst_georef *geo;
	const posture_data *data;
	pst_row_cache cache;
	cursor cur;          /* at the last feature's start */
	slow_feature *slow;
	size_t n_slow, cap_slow;
	pst_row_cite *row_cites;
	size_t cap_row_cites;
	int rc;              /* POSTURE_ENOMEM once out of memory */
} layer_in;

/* A plain feature read: put it to the row checks; true when it became a feature. */
static bool take_plain(layer_in *L, pst_feature *ft, size_t start)
{
	reader *p = L->p;
	feat_in *f = &p->f;
	if (f->n_cites > MAX_CITES)
		return false; /* rare: the tree's way */
	if (pst_grow((void **)&L->row_cites, &L->cap_row_cites, f->n_cites + 1,
	             sizeof(pst_row_cite))) {
		L->rc = POSTURE_ENOMEM;
		return false;
	}
	pst_row row;
	memset(&row, 0, sizeof(row));
	const char **fields[N_FIELDS] = { &row.id, &row.name, &row.kind, &row.precision,
		                          &row.country, &row.operator_, &row.status, &row.date,
		                          &row.date_basis, &row.note };
	for (int k = 0; k < N_FIELDS; k++)
		*fields[k] = f->field[k] == SIZE_MAX ? NULL : p->buf + f->field[k];
	for (size_t i = 0; i < f->n_cites; i++) {
		const char *s[3];
		for (int k = 0; k < 3; k++) {
			const char *text = p->buf + f->cites[i].text[k];
			s[k] = pst_pool_intern(L->l->pool, text, strlen(text));
			if (!s[k]) {
				L->rc = POSTURE_ENOMEM;
				return false;
			}
		}
		L->row_cites[i] = (pst_row_cite){ s[0], s[1], s[2] };
	}
	row.cites = L->row_cites;
	row.n_cites = f->n_cites;
	row.geom_null = f->geom_null;
	row.lon = f->lon;
	row.lat = f->lat;
	bool passed = false;
	int rc = pst_layer_row_feature(L->l, ft, &row, L->geo, L->data, &L->cache, &passed);
	if (rc != POSTURE_OK) {
		L->rc = rc;
		return false;
	}
	if (!passed) {
		memset(ft, 0, sizeof(*ft));
		return false;
	}
	advance(&L->cur, p->t, start);
	want_pos w[2 + 2 * MAX_CITES];
	size_t n = 0;
	w[n++] = (want_pos){ start, &ft->line, &ft->column };
	w[n++] = (want_pos){ f->id_off, &ft->id_line, &ft->id_column };
	for (size_t i = 0; i < ft->n_cites; i++) {
		w[n++] = (want_pos){ f->cites[i].loc_off, &ft->cites[i].locator_line,
			             &ft->cites[i].locator_column };
		w[n++] = (want_pos){ f->cites[i].quote_off, &ft->cites[i].line, &ft->cites[i].column };
	}
	fill_positions(p->t, L->cur, w, n);
	return true;
}

/* One element of "features". */
static bool feature(reader *p, void *arg, size_t index, int depth)
{
	layer_in *L = arg;
	pst_layer *l = L->l;
	if (index >= PST_MAX_FEATURES)
		return bail(p); /* the tree says how many there are */
	if (pst_grow((void **)&l->features, &L->cap, l->n_features + 1, sizeof(pst_feature))) {
		L->rc = POSTURE_ENOMEM;
		return false;
	}
	pst_feature *ft = &l->features[l->n_features++];
	memset(ft, 0, sizeof(*ft));
	feat_in *f = &p->f;
	size_t cites_cap = f->cap_cites;
	cite_in *cites = f->cites;
	memset(f, 0, sizeof(*f));
	f->cites = cites;
	f->cap_cites = cites_cap;
	for (int k = 0; k < N_FIELDS; k++)
		f->field[k] = SIZE_MAX;
	f->plain = p->type != PST_LAYER_BORDERS; /* borders: lines, checked by the tree */
	p->buf_len = 0;
	size_t start = p->i;
	if (at(p) == '{') {
		if (!object(p, depth, feature_member, NULL))
			return false;
	} else if (!not_plain(p, depth)) {
		return false;
	}
	if (!f->seen_type || !f->seen_geom || !f->seen_props)
		f->plain = false;
	if (f->plain && take_plain(L, ft, start))
		return true;
	if (L->rc != POSTURE_OK)
		return false;
	if (pst_grow((void **)&L->slow, &L->cap_slow, L->n_slow + 1, sizeof(slow_feature))) {
		L->rc = POSTURE_ENOMEM;
		return false;
	}
	L->slow[L->n_slow++] = (slow_feature){ index, start, p->i };
	return true;
}

/* The root: a FeatureCollection with nothing this reader would have to report. */
typedef struct {
	layer_in *L;
	bool type_ok, features_ok;
} root_in;

static bool root_member(reader *p, void *arg, const char *key, size_t n, int depth)
{
	static const char *const members[] = { "type", "features", "bbox", NULL };
	root_in *r = arg;
	if (key_is(key, n, "type")) {
		size_t start = p->i;
		bool escaped;
		if (at(p) != '"' || !str_scan(p, &escaped))
			return bail(p);
		r->type_ok = !escaped && p->i - start == 19 &&
		             !memcmp(p->t + start, "\"FeatureCollection\"", 19);
		return r->type_ok || bail(p);
	}
	if (key_is(key, n, "features")) {
		r->features_ok = true;
		return at(p) == '[' ? array(p, depth, feature, r->L) : bail(p);
	}
	if (!key_is(key, n, "bbox") && misspelt(key, n, members))
		return bail(p);
	return skip_value(p, depth);
}

/* The features left to the tree, checked in file order with the whole file's positions. */
static int check_slow(layer_in *L, pst_checker *c, bool *inconsistent)
{
	pst_layer *l = L->l;
	*inconsistent = false;
	if (!L->n_slow)
		return POSTURE_OK;
	for (size_t k = 0; k < L->n_slow; k++) { /* all of them parse, before a word is said */
		json_t *jf = json_loadb(L->p->t + L->slow[k].start, L->slow[k].end - L->slow[k].start,
		                        JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
		if (!jf) {
			*inconsistent = true;
			return POSTURE_OK;
		}
		json_decref(jf);
	}
	if (!c->pos && pst_jsonpos_build(&c->pos, L->p->t, L->p->len) != POSTURE_OK)
		return POSTURE_ENOMEM;
	int rc = POSTURE_OK;
	for (size_t k = 0; k < L->n_slow && rc == POSTURE_OK; k++) {
		json_t *jf = json_loadb(L->p->t + L->slow[k].start, L->slow[k].end - L->slow[k].start,
		                        JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
		if (!jf)
			return POSTURE_ENOMEM;
		pst_feature *ft = &l->features[L->slow[k].index];
		rc = pst_layer_check_feature_at(c, l, ft, jf, L->slow[k].index, L->geo, L->data);
		json_decref(jf);
		int prc = pst_layer_pool_feature(l, ft);
		if (rc == POSTURE_OK)
			rc = prc;
	}
	return rc;
}

static void reset_layer(pst_layer *l)
{
	for (size_t i = 0; i < l->n_features; i++) { /* only row features: nothing of their own */
		free(l->features[i].line_xy);
		free(l->features[i].line_end);
	}
	free(l->features);
	l->features = NULL;
	l->n_features = 0;
	pst_pool_free(l->pool);
	l->pool = NULL;
}

int pst_geojson_read_fast(pst_checker *c, pst_layer *l, const char *text, size_t len,
                          const pst_georef *geo, const posture_data *data, bool *done)
{
	*done = false;
	if (pst_geojson_fast_off)
		return POSTURE_OK;
	reader p = { .t = text, .len = len, .type = l->type, .props = pst_layer_props(l->type) };
	layer_in L = { .p = &p, .l = l, .geo = geo, .data = data, .cur = { 0, 1, 1 } };
	root_in r = { .L = &L };
	if (!(l->pool = pst_pool_new()) || pst_row_cache_init(&L.cache, data) != POSTURE_OK) {
		pst_pool_free(l->pool);
		l->pool = NULL;
		return POSTURE_ENOMEM;
	}
	ws(&p);
	bool ok = at(&p) == '{' && object(&p, 1, root_member, &r);
	ws(&p);
	ok = ok && p.i == p.len && r.type_ok && r.features_ok && L.rc == POSTURE_OK && !p.nomem;
	int rc = p.nomem ? POSTURE_ENOMEM : L.rc;
	bool inconsistent = false;
	if (ok && !l->features && !(l->features = calloc(1, sizeof(*l->features))))
		rc = POSTURE_ENOMEM;
	if (ok && rc == POSTURE_OK)
		rc = check_slow(&L, c, &inconsistent);
	pst_row_cache_free(&L.cache);
	free(p.buf);
	free(p.f.cites);
	free(L.slow);
	free(L.row_cites);
	if (rc == POSTURE_OK && ok && !inconsistent) {
		*done = true;
		return POSTURE_OK;
	}
	if (rc == POSTURE_OK || rc == POSTURE_ENOMEM)
		reset_layer(l); /* the text goes the old way (or the run stops) */
	return rc;
}
