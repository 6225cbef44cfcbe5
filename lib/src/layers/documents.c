/*
 * documents.c — `posture check --documents DIR`: every quote in the layers
 * must appear in the document of the source it cites, at its locator.
 *
 * The document of a source is the plain-text file DIR/<id>.txt, named after
 * the source's CSL `id` (layers/README.md).  A quote is looked up in that one
 * file only: a quote that is in another source's document is attributed to
 * the wrong source, and the error says where it was found.
 *
 * Both sides are folded first, so that a quote copied from a PDF extraction
 * or a web page still matches: runs of whitespace (line breaks included)
 * become one space, typographic quotes become straight ones, and en and em
 * dashes become hyphens.  Nothing else is forgiven: a quote is the
 * document's words.
 *
 * Locators are checked where the document lets them be computed:
 * `para. N` counts blocks separated by blank lines from the top of the
 * document (the headline is para. 1); `p. N` and `pp. N-M` count pages
 * where the document has form feeds (as pdftotext writes them between
 * pages), the first page being the first number of the source's CSL `page`
 * (else 1).  A document without form feeds has no computable pages.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layer.h"

/* Map the typographic character at s (UTF-8) to ASCII; returns bytes consumed or 0. */
static size_t fold_char(const unsigned char *s, char *out)
{
	static const struct {
		const char *utf8;
		char ascii;
	} map[] = {
		{ "\xE2\x80\x98", '\'' }, { "\xE2\x80\x99", '\'' }, { "\xE2\x80\x9C", '"' },
		{ "\xE2\x80\x9D", '"' },  { "\xE2\x80\x93", '-' },  { "\xE2\x80\x94", '-' },
		{ "\xC2\xA0", ' ' },      { "\xE2\x80\xB2", '\'' },
	};
	for (size_t i = 0; i < PST_ARRAY_LEN(map); i++) {
		size_t n = strlen(map[i].utf8);
		if (!strncmp((const char *)s, map[i].utf8, n)) {
			*out = map[i].ascii;
			return n;
		}
	}
	return 0;
}

/* A folded document, with where its paragraphs and pages start in the folded text. */
typedef struct {
	char *text;
	size_t *para;  /* folded offset of the start of paragraph k + 1 */
	size_t n_para, cap_para;
	size_t *page;  /* folded offset of the start of page k + 2 (after each form feed) */
	size_t n_page, cap_page;
} folded;

static void folded_free(folded *f)
{
	free(f->text);
	free(f->para);
	free(f->page);
	memset(f, 0, sizeof(*f));
}

static int push(size_t **v, size_t *n, size_t *cap, size_t x)
{
	if (pst_grow((void **)v, cap, *n + 1, sizeof(size_t)))
		return POSTURE_ENOMEM;
	(*v)[(*n)++] = x;
	return POSTURE_OK;
}

/* Fold @p text; with @p marks, also record paragraph and page starts. */
static int fold(folded *out, const char *text, bool marks)
{
	memset(out, 0, sizeof(*out));
	char *o = out->text = malloc(strlen(text) + 1);
	if (!o)
		return POSTURE_ENOMEM;
	const unsigned char *s = (const unsigned char *)text;
	bool space = true; /* in a run of whitespace (the start counts as one) */
	int newlines = 2;  /* line breaks in that run: two make a paragraph break */
	size_t feeds = 0;  /* form feeds in that run */
	int rc = POSTURE_OK;
	while (*s && rc == POSTURE_OK) {
		char c;
		size_t used = fold_char(s, &c);
		if (!used) {
			c = (char)*s;
			used = 1;
		}
		s += used;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			if (!space && o > out->text)
				*o++ = ' ';
			space = true;
			newlines += c == '\n';
			feeds += c == '\f';
			continue;
		}
		size_t at = (size_t)(o - out->text);
		if (marks && newlines >= 2)
			rc = push(&out->para, &out->n_para, &out->cap_para, at);
		for (; marks && feeds && rc == POSTURE_OK; feeds--)
			rc = push(&out->page, &out->n_page, &out->cap_page, at);
		*o++ = c;
		space = false;
		newlines = 0;
		feeds = 0;
	}
	if (o > out->text && o[-1] == ' ')
		o--;
	*o = '\0';
	if (rc != POSTURE_OK)
		folded_free(out);
	return rc;
}

char *pst_fold_text(const char *text)
{
	folded f;
	return fold(&f, text, false) == POSTURE_OK ? f.text : NULL;
}

/* 1-based index of the last start in @p v (n of them) at or before @p at; 0 if none. */
static size_t index_of(const size_t *v, size_t n, size_t at)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

typedef struct {
	const pst_source *source;
	char *path;   /* DIR/<id>.txt */
	bool present; /* the file exists */
	bool read;    /* and was read into doc */
	bool bad;     /* it could not be read (reported) */
	folded doc;
	long first_page; /* number of the document's first page */
} document;

typedef struct {
	posture_ctx *ctx;
	const posture_data *data;
	const char *dir;
	document *docs; /* one per source, in sources.json order */
	int *n_errors;
} checker;

static long first_page(const pst_source *s)
{
	const char *page = json_string_value(json_object_get(s->csl, "page"));
	long n = page ? strtol(page, NULL, 10) : 0;
	return n > 0 ? n : 1;
}

/* The documents directory: every .txt is some source's document. */
static int scan_dir(checker *k)
{
	DIR *d = opendir(k->dir);
	if (!d)
		return pst_error(k->ctx, POSTURE_EIO, k->dir, "cannot open the documents directory: %s%s",
		                 strerror(errno),
		                 errno == ENOENT ? " (--documents names a folder of the sources' "
		                                   "plain texts, SOURCE-ID.txt)" : "");
	size_t n_txt = 0;
	struct dirent *e;
	const char **ids = calloc(k->data->n_sources + 1, sizeof(char *));
	if (!ids) {
		closedir(d);
		return POSTURE_ENOMEM;
	}
	for (size_t i = 0; i < k->data->n_sources; i++)
		ids[i] = k->data->sources[i].id;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
			continue;
		n_txt++;
		char *id = pst_strndup(e->d_name, len - 4);
		if (!id)
			continue;
		if (!pst_data_source(k->data, id)) {
			const char *near = posture_nearest_word(id, ids, k->data->n_sources);
			char *path = pst_asprintf("%s/%s", k->dir, e->d_name);
			pst_diag(k->ctx, POSTURE_WARNING, POSTURE_EDATA, path ? path : k->dir, 0, 0,
			         "no source in %s has the id '%s', so this document is not used%s%s%s",
			         k->data->sources_path, id, near ? "; did you mean '" : "",
			         near ? near : "", near ? ".txt'?" : "");
			free(path);
		}
		free(id);
	}
	free(ids);
	closedir(d);
	if (n_txt == 0)
		return pst_error(k->ctx, POSTURE_EIO, k->dir, "holds no .txt documents to check "
		                 "quotes against (each source's document is DIR/<source id>.txt)");
	return POSTURE_OK;
}

/* The document of @p s, read on first use; NULL when it has none. */
static document *doc_of(checker *k, const pst_source *s, int *rc)
{
	document *doc = &k->docs[s - k->data->sources];
	if (doc->read || !doc->present)
		return doc->read ? doc : NULL;
	char *text = NULL;
	size_t n;
	*rc = pst_read_file(&text, &n, k->ctx, doc->path, PST_MAX_TEXT_FILE);
	if (*rc == POSTURE_OK && strlen(text) != n)
		*rc = pst_error(k->ctx, POSTURE_EDATA, doc->path, "is not a plain-text document "
		                "(it contains NUL bytes)");
	if (*rc == POSTURE_OK)
		*rc = fold(&doc->doc, text, true);
	free(text);
	if (*rc != POSTURE_OK) {
		doc->present = false;
		doc->bad = true;
		return NULL;
	}
	doc->read = true;
	return doc;
}

/* "p. N", "pp. N-M", "para. N" (already validated by the layer check). */
static bool parse_locator(const char *loc, bool *is_page, long *a, long *b)
{
	char *end;
	if (!strncmp(loc, "para. ", 6)) {
		*is_page = false;
		*a = *b = strtol(loc + 6, &end, 10);
		return *end == '\0';
	}
	*is_page = true;
	if (!strncmp(loc, "p. ", 3)) {
		*a = *b = strtol(loc + 3, &end, 10);
		return *end == '\0';
	}
	if (!strncmp(loc, "pp. ", 4)) {
		*a = strtol(loc + 4, &end, 10);
		if (*end != '-')
			return false;
		*b = strtol(end + 1, &end, 10);
		return *end == '\0';
	}
	return false;
}

/* "para. 6" or "paras. 6-7"; "p. 3" or "pp. 3-4". */
static void where_text(char *out, size_t n, bool is_page, long a, long b)
{
	if (a == b)
		snprintf(out, n, "%s %ld", is_page ? "p." : "para.", a);
	else
		snprintf(out, n, "%s %ld-%ld", is_page ? "pp." : "paras.", a, b);
}

/*
 * Check the locator against every place the quote occurs; true when one of
 * them fits (or the locator cannot be computed).  @p seen gets where the first
 * occurrence is.
 */
static bool locator_fits(const document *doc, const char *q, const char *loc, char *seen,
                         size_t n_seen)
{
	bool is_page;
	long a, b;
	if (!loc || !parse_locator(loc, &is_page, &a, &b))
		return true;
	if (is_page && doc->doc.n_page == 0)
		return true; /* no form feeds: pages cannot be counted */
	const size_t *v = is_page ? doc->doc.page : doc->doc.para;
	size_t n = is_page ? doc->doc.n_page : doc->doc.n_para, qlen = strlen(q);
	long base = is_page ? doc->first_page : 0;
	seen[0] = '\0';
	for (const char *at = strstr(doc->doc.text, q); at; at = strstr(at + 1, q)) {
		size_t off = (size_t)(at - doc->doc.text);
		long from = base + (long)index_of(v, n, off);
		long to = base + (long)index_of(v, n, off + qlen - 1);
		if (from <= b && to >= a)
			return true;
		if (!seen[0])
			where_text(seen, n_seen, is_page, from, to);
	}
	return false;
}

/* The first other source whose document holds @p q, or NULL. */
static const document *found_elsewhere(checker *k, const pst_source *s, const char *q, int *rc)
{
	for (size_t i = 0; i < k->data->n_sources && *rc == POSTURE_OK; i++) {
		const pst_source *o = &k->data->sources[i];
		if (o == s)
			continue;
		document *doc = doc_of(k, o, rc);
		if (doc && strstr(doc->doc.text, q))
			return doc;
	}
	return NULL;
}

static void report(checker *k, const pst_layer *layer, int line, int column,
                   const char *fmt, ...) PST_PRINTF(5, 6);

static void report(checker *k, const pst_layer *layer, int line, int column, const char *fmt,
                   ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	char buf[600];
	const char *file = pst_feature_where(buf, sizeof(buf), layer, line, column, &line, &column);
	pst_diag(k->ctx, POSTURE_ERROR, POSTURE_EDATA, file, line, column, "%s", msg);
	(*k->n_errors)++;
}

static int check_cite(checker *k, const pst_layer *layer, const pst_citation *c, bool *missing)
{
	const pst_source *s = c->source_id ? pst_data_source(k->data, c->source_id) : NULL;
	if (!c->quote || !s)
		return POSTURE_OK;
	int rc = POSTURE_OK;
	document *doc = doc_of(k, s, &rc);
	if (rc != POSTURE_OK || !doc) {
		missing[s - k->data->sources] = rc == POSTURE_OK && !k->docs[s - k->data->sources].bad;
		return rc == POSTURE_EDATA ? ((*k->n_errors)++, POSTURE_OK) : rc;
	}
	char *q = pst_fold_text(c->quote);
	if (!q)
		return POSTURE_ENOMEM;
	size_t shown = strlen(c->quote) > 60 ? 60 : strlen(c->quote);
	while (shown && ((unsigned char)c->quote[shown] & 0xC0) == 0x80)
		shown--; /* cut between characters */
	const char *more = c->quote[shown] ? "\xE2\x80\xA6" : "";
	char seen[64];
	if (!*q || !strstr(doc->doc.text, q)) {
		const document *other = *q ? found_elsewhere(k, s, q, &rc) : NULL;
		if (other)
			report(k, layer, c->line, c->column, "quote \"%.*s%s\" is not in %s, the document "
			       "of source '%s'; it is in %s (source '%s'): is it cited to the wrong "
			       "source?", (int)shown, c->quote, more, doc->path, s->id, other->path,
			       other->source->id);
		else if (rc == POSTURE_OK)
			report(k, layer, c->line, c->column, "quote \"%.*s%s\" is not in %s, the document "
			       "of source '%s'", (int)shown, c->quote, more, doc->path, s->id);
	} else if (!locator_fits(doc, q, c->locator, seen, sizeof(seen))) {
		report(k, layer, c->locator_line, c->locator_column, "locator '%s' does not match "
		       "%s: the quote \"%.*s%s\" is at %s", c->locator, doc->path, (int)shown, c->quote,
		       more, seen);
	}
	free(q);
	return rc == POSTURE_EDATA ? ((*k->n_errors)++, POSTURE_OK) : rc;
}

int pst_documents_check(posture_ctx *ctx, const posture_data *d, const char *dir, int *n_errors)
{
	checker k = { .ctx = ctx, .data = d, .dir = dir, .n_errors = n_errors };
	if (d->sources_state != PST_SOURCES_OK)
		return POSTURE_OK; /* no sources to map documents to: reported already */
	int rc = scan_dir(&k);
	if (rc != POSTURE_OK)
		return rc;
	k.docs = calloc(d->n_sources + 1, sizeof(*k.docs));
	bool *missing = calloc(d->n_sources + 1, sizeof(bool));
	if (!k.docs || !missing)
		rc = POSTURE_ENOMEM;
	for (size_t i = 0; rc == POSTURE_OK && i < d->n_sources; i++) {
		document *doc = &k.docs[i];
		doc->source = &d->sources[i];
		doc->first_page = first_page(doc->source);
		doc->path = pst_asprintf("%s/%s.txt", dir, doc->source->id);
		if (!doc->path) {
			rc = POSTURE_ENOMEM;
		} else {
			struct stat st;
			doc->present = stat(doc->path, &st) == 0;
		}
	}
	for (size_t l = 0; rc == POSTURE_OK && l < d->n_layers; l++) {
		const pst_layer *layer = &d->layers[l];
		for (size_t i = 0; rc == POSTURE_OK && i < layer->n_features; i++) {
			const pst_feature *f = &layer->features[i];
			for (size_t c = 0; rc == POSTURE_OK && c < f->n_cites; c++)
				rc = check_cite(&k, layer, &f->cites[c], missing);
		}
	}
	for (size_t i = 0; rc == POSTURE_OK && i < d->n_sources; i++) {
		if (!missing[i])
			continue;
		pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, d->sources_path, d->sources[i].line,
		         d->sources[i].column, "source '%s' has no document %s: its quotes cannot be "
		         "checked", d->sources[i].id, k.docs[i].path);
		(*n_errors)++;
	}
	for (size_t i = 0; k.docs && i < d->n_sources; i++) {
		free(k.docs[i].path);
		folded_free(&k.docs[i].doc);
	}
	free(k.docs);
	free(missing);
	return rc;
}
