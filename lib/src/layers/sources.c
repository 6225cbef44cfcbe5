/*
 * sources.c — the CSL-JSON source list (layers/sources.json).
 *
 * CSL-JSON is what Zotero exports and pandoc's citeproc reads.  Each entry
 * needs a unique `id`, a CSL `type` and a `title`; dates are CSL date
 * objects; a URL must be http or https (it becomes a link in PDF and HTML).
 * Entries are kept as jansson objects for the citation formatter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* The CSL 1.0.2 item types. */
static const char *const csl_types[] = {
	"article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
	"broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
	"entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
	"interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
	"musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
	"personal_communication", "post", "post-weblog", "regulation", "report", "review",
	"review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage", NULL
};

static void check_date_object(pst_checker *c, json_t *entry, const char *ptr, const char *key)
{
	json_t *date = json_object_get(entry, key);
	if (!date)
		return;
	char dptr[256];
	snprintf(dptr, sizeof(dptr), "%s/%s", ptr, key);
	json_t *parts = json_object_get(date, "date-parts");
	json_t *first = json_array_get(parts, 0);
	bool ok = json_is_array(first) && json_array_size(first) >= 1 && json_array_size(first) <= 3;
	for (size_t i = 0; ok && i < json_array_size(first); i++) {
		json_t *v = json_array_get(first, i);
		long long n = json_is_integer(v) ? json_integer_value(v) : -1;
		ok = (i == 0 && n >= 1 && n <= 9999) || (i == 1 && n >= 1 && n <= 12) ||
		     (i == 2 && n >= 1 && n <= 31);
	}
	if (!ok && !json_object_get(date, "literal"))
		pst_check_error(c, dptr, false, "'%s' must be a CSL date like "
		                "{ \"date-parts\": [[2015, 3, 28]] }", key);
}

static void check_entry(pst_checker *c, posture_data *d, json_t *entry, size_t i)
{
	char ptr[64];
	snprintf(ptr, sizeof(ptr), "/%zu", i);
	if (!json_is_object(entry)) {
		pst_check_error(c, ptr, false, "a source must be a CSL-JSON object");
		return;
	}
	const char *id = pst_check_string(c, entry, ptr, "id", true, "the source");
	const char *type = pst_check_string(c, entry, ptr, "type", true, "the source");
	pst_check_string(c, entry, ptr, "title", true, "the source");
	char mptr[128];
	if (type && !pst_word_in(type, csl_types)) {
		snprintf(mptr, sizeof(mptr), "%s/type", ptr);
		const char *near = pst_nearest_word(type, csl_types);
		pst_check_error(c, mptr, false, "'%s' is not a CSL item type%s%s%s", type,
		                near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
	}
	check_date_object(c, entry, ptr, "issued");
	check_date_object(c, entry, ptr, "accessed");
	const char *url = pst_check_string(c, entry, ptr, "URL", false, "the source");
	if (url && strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) {
		snprintf(mptr, sizeof(mptr), "%s/URL", ptr);
		pst_check_error(c, mptr, false, "URL '%s' must start with http:// or https://", url);
	}
	if (!id)
		return;
	const pst_source *dup = pst_data_source(d, id);
	if (dup) {
		snprintf(mptr, sizeof(mptr), "%s/id", ptr);
		pst_check_error(c, mptr, false, "source id '%s' is already used at line %d", id,
		                dup->line);
		return;
	}
	pst_source *s = &d->sources[d->n_sources];
	pst_jsonpos_find(c->pos, ptr, false, &s->line, &s->column);
	s->id = pst_strdup(id);
	s->csl = json_incref(entry);
	d->n_sources++;
}

int pst_sources_read(posture_data *d, posture_ctx *ctx, const char *path, int *n_errors)
{
	json_t *root;
	char *text;
	size_t len;
	d->sources_path = pst_strdup(path);
	if (!d->sources_path)
		return POSTURE_ENOMEM;
	int rc = pst_json_load((void **)&root, &text, &len, ctx, path);
	if (rc == POSTURE_EDATA) {
		(*n_errors)++;
		return POSTURE_OK;
	}
	if (rc != POSTURE_OK)
		return rc;
	pst_checker c = { .ctx = ctx, .path = path };
	rc = pst_jsonpos_build(&c.pos, text, len);
	if (rc == POSTURE_OK && !json_is_array(root)) {
		pst_check_error(&c, "", false, "expected a CSL-JSON array of source entries");
	} else if (rc == POSTURE_OK) {
		d->sources = calloc(json_array_size(root) + 1, sizeof(*d->sources));
		if (!d->sources)
			rc = POSTURE_ENOMEM;
		for (size_t i = 0; rc == POSTURE_OK && i < json_array_size(root); i++) {
			check_entry(&c, d, json_array_get(root, i), i);
			if (d->n_sources && !d->sources[d->n_sources - 1].id)
				rc = POSTURE_ENOMEM;
		}
	}
	*n_errors += c.n_errors;
	pst_jsonpos_destroy(c.pos);
	json_decref(root);
	free(text);
	return rc;
}
