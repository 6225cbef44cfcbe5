/*
 * cite.c — Chicago author-date citations from CSL-JSON (see cite.h).
 *
 * Chosen because it is what pandoc's default citeproc style produces, so a
 * user who formats layers/sources.json with pandoc sees the same entries.
 * Typographic quotes are used around titles of articles, chapters and posts;
 * other titles stand plain (the output is plain text: no italics).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cite.h"

static const char *member(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s && *s ? s : NULL;
}

/* "Family, Given" for the first author, "Given Family" for the rest. */
static void add_author(pst_buf *b, json_t *a, bool first)
{
	const char *lit = member(a, "literal"), *fam = member(a, "family"), *giv = member(a, "given");
	if (lit)
		pst_buf_puts(b, lit);
	else if (fam && giv && first)
		pst_buf_printf(b, "%s, %s", fam, giv);
	else if (fam && giv)
		pst_buf_printf(b, "%s %s", giv, fam);
	else if (fam || giv)
		pst_buf_puts(b, fam ? fam : giv);
}

static size_t count_authors(json_t *authors)
{
	size_t n = 0, i;
	json_t *a;
	json_array_foreach(authors, i, a)
		n += member(a, "literal") || member(a, "family") || member(a, "given");
	return n;
}

static void add_authors(pst_buf *b, json_t *authors)
{
	size_t n = count_authors(authors), k = 0, i;
	json_t *a;
	json_array_foreach(authors, i, a) {
		if (!member(a, "literal") && !member(a, "family") && !member(a, "given"))
			continue;
		if (k > 0)
			pst_buf_puts(b, k + 1 == n ? (n == 2 ? " and " : ", and ") : ", ");
		add_author(b, a, k == 0);
		k++;
	}
}

static void add_year(pst_buf *b, json_t *csl)
{
	json_t *year = json_array_get(json_array_get(json_object_get(json_object_get(csl, "issued"),
	                                                             "date-parts"), 0), 0);
	if (json_is_integer(year))
		pst_buf_printf(b, "%lld", (long long)json_integer_value(year));
	else
		pst_buf_puts(b, "n.d.");
}

static void add_sentence(pst_buf *b, const char *s);

/* "2015. " or "n.d. " */
static void add_year_sentence(pst_buf *b, json_t *csl)
{
	pst_buf year;
	pst_buf_init(&year);
	add_year(&year, csl);
	add_sentence(b, year.data ? year.data : "n.d.");
	pst_buf_free(&year);
}

static bool quoted_title(json_t *csl)
{
	const char *type = member(csl, "type");
	return type && (!strncmp(type, "article", 7) || !strncmp(type, "post", 4) ||
	                !strcmp(type, "chapter") || !strcmp(type, "paper-conference") ||
	                !strncmp(type, "entry", 5) || !strcmp(type, "webpage"));
}

/* Append @p s, then ". " unless it already ends with a full stop. */
static void add_sentence(pst_buf *b, const char *s)
{
	pst_buf_puts(b, s);
	size_t n = strlen(s);
	pst_buf_puts(b, n && (s[n - 1] == '.' || s[n - 1] == '?' || s[n - 1] == '!') ? " " : ". ");
}

static void add_title(pst_buf *b, json_t *csl)
{
	const char *title = member(csl, "title");
	if (!title)
		return;
	if (!quoted_title(csl)) {
		add_sentence(b, title);
		return;
	}
	size_t n = strlen(title);
	bool ends = n && (title[n - 1] == '.' || title[n - 1] == '?' || title[n - 1] == '!');
	pst_buf_printf(b, "\xE2\x80\x9C%s%s\xE2\x80\x9D ", title, ends ? "" : ".");
}

/* "Container 12 (3): 44–57." with whatever of it exists. */
static void add_container(pst_buf *b, json_t *csl)
{
	const char *cont = member(csl, "container-title"), *vol = member(csl, "volume");
	const char *issue = member(csl, "issue"), *page = member(csl, "page");
	const char *publisher = member(csl, "publisher");
	pst_buf part;
	pst_buf_init(&part);
	if (cont)
		pst_buf_puts(&part, cont);
	if (vol)
		pst_buf_printf(&part, "%s%s", part.len ? " " : "", vol);
	if (issue && vol)
		pst_buf_printf(&part, " (%s)", issue);
	else if (issue)
		pst_buf_printf(&part, "%sno. %s", part.len ? ", " : "", issue);
	if (page) {
		pst_buf_puts(&part, part.len ? ": " : "");
		for (const char *p = page; *p; p++) { /* page ranges take an en dash */
			if (*p == '-')
				pst_buf_puts(&part, "\xE2\x80\x93");
			else
				pst_buf_add(&part, p, 1);
		}
	}
	if (publisher && !cont)
		pst_buf_printf(&part, "%s%s", part.len ? ", " : "", publisher);
	if (part.len)
		add_sentence(b, part.data);
	pst_buf_free(&part);
}

static char *finish(pst_buf *b)
{
	while (b->len && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
	if (b->failed) {
		pst_buf_free(b);
		return NULL;
	}
	return b->data ? b->data : pst_strdup("");
}

char *pst_cite_full(json_t *csl)
{
	pst_buf b;
	pst_buf_init(&b);
	json_t *authors = json_object_get(csl, "author");
	if (count_authors(authors)) {
		pst_buf part;
		pst_buf_init(&part);
		add_authors(&part, authors);
		add_sentence(&b, part.data ? part.data : "");
		pst_buf_free(&part);
		add_year_sentence(&b, csl);
		add_title(&b, csl);
	} else {
		add_title(&b, csl);
		add_year_sentence(&b, csl);
	}
	add_container(&b, csl);
	return finish(&b);
}

char *pst_cite_short(json_t *csl, const char *locator)
{
	pst_buf b;
	pst_buf_init(&b);
	json_t *authors = json_object_get(csl, "author");
	size_t n = count_authors(authors), i;
	json_t *a;
	size_t k = 0;
	json_array_foreach(authors, i, a) {
		const char *name = member(a, "family") ? member(a, "family") : member(a, "literal");
		if (!name || k >= 2)
			continue;
		pst_buf_printf(&b, "%s%s", k ? " and " : "", name);
		k++;
	}
	if (n > 2)
		pst_buf_puts(&b, " et al.");
	if (!n && (member(csl, "container-title") || member(csl, "title")))
		pst_buf_puts(&b, member(csl, "container-title") ? member(csl, "container-title")
		                                                : member(csl, "title"));
	pst_buf_puts(&b, " ");
	add_year(&b, csl);
	if (locator && *locator)
		pst_buf_printf(&b, ", %s", locator);
	return finish(&b);
}

char *pst_cite_url(json_t *csl)
{
	const char *url = member(csl, "URL"), *doi = member(csl, "DOI");
	char *trimmed = NULL;
	if (url) { /* surrounding blanks are the editor's, not the link's */
		while (isspace((unsigned char)*url))
			url++;
		size_t n = strlen(url);
		while (n && isspace((unsigned char)url[n - 1]))
			n--;
		trimmed = pst_strndup(url, n);
	}
	char *link = pst_link_url(trimmed, doi);
	free(trimmed);
	return link;
}
