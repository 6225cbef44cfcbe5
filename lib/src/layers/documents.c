/*
 * documents.c — `posture check --documents DIR`: every quote in the layers
 * must appear in one of the plain-text source documents kept in DIR.
 *
 * Both sides are folded first, so that a quote copied from a PDF extraction
 * or a web page still matches: runs of whitespace (line breaks included)
 * become one space, typographic quotes become straight ones, and en and em
 * dashes become hyphens.  Nothing else is forgiven: a quote is the
 * document's words.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

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

char *pst_fold_text(const char *text)
{
	size_t n = strlen(text);
	char *out = malloc(n + 1), *o = out;
	if (!out)
		return NULL;
	const unsigned char *s = (const unsigned char *)text;
	bool space = true; /* drop leading whitespace */
	while (*s) {
		char c;
		size_t used = fold_char(s, &c);
		if (!used) {
			c = (char)*s;
			used = 1;
		}
		s += used;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (!space)
				*o++ = ' ';
			space = true;
			continue;
		}
		*o++ = c;
		space = false;
	}
	if (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

typedef struct {
	char **texts; /* folded documents */
	size_t n;
} documents;

static void free_documents(documents *docs)
{
	for (size_t i = 0; i < docs->n; i++)
		free(docs->texts[i]);
	free(docs->texts);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_documents(documents *docs, posture_ctx *ctx, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return pst_error(ctx, POSTURE_EIO, dir, "cannot open the documents directory");
	int rc = POSTURE_OK;
	size_t cap = 0;
	struct dirent *e;
	while (rc == POSTURE_OK && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
			continue;
		char *path = pst_asprintf("%s/%s", dir, e->d_name), *text = NULL;
		size_t n;
		rc = path ? pst_read_file(&text, &n, ctx, path, PST_MAX_TEXT_FILE) : POSTURE_ENOMEM;
		char *folded = rc == POSTURE_OK ? pst_fold_text(text) : NULL;
		if (rc == POSTURE_OK && (!folded || pst_grow((void **)&docs->texts, &cap, docs->n + 1,
		                                             sizeof(char *))))
			rc = POSTURE_ENOMEM;
		if (rc == POSTURE_OK)
			docs->texts[docs->n++] = folded;
		else
			free(folded);
		free(text);
		free(path);
	}
	closedir(d);
	if (rc == POSTURE_OK && docs->n == 0)
		rc = pst_error(ctx, POSTURE_EIO, dir, "holds no .txt documents to check quotes against");
	if (docs->n)
		qsort(docs->texts, docs->n, sizeof(char *), cmp_str);
	return rc;
}

static bool quote_found(const documents *docs, const char *quote)
{
	char *q = pst_fold_text(quote);
	bool found = false;
	for (size_t i = 0; q && i < docs->n && !found; i++)
		found = strstr(docs->texts[i], q) != NULL;
	free(q);
	return found;
}

int pst_documents_check(posture_ctx *ctx, const posture_data *d, const char *dir, int *n_errors)
{
	documents docs = { 0 };
	int rc = read_documents(&docs, ctx, dir);
	for (size_t l = 0; rc == POSTURE_OK && l < d->n_layers; l++) {
		const pst_layer *layer = &d->layers[l];
		for (size_t i = 0; i < layer->n_features; i++) {
			const pst_feature *f = &layer->features[i];
			for (size_t k = 0; k < f->n_cites; k++) {
				const char *q = f->cites[k].quote;
				if (!q || quote_found(&docs, q))
					continue;
				size_t shown = strlen(q) > 60 ? 60 : strlen(q);
				while (shown && ((unsigned char)q[shown] & 0xC0) == 0x80)
					shown--; /* cut between characters */
				pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, layer->path, f->cites[k].line,
				         f->cites[k].column, "quote not found in any document in %s: \"%.*s%s\"",
				         dir, (int)shown, q, q[shown] ? "\xE2\x80\xA6" : "");
				(*n_errors)++;
			}
		}
	}
	free_documents(&docs);
	return rc;
}
