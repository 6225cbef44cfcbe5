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
#include <strings.h>

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

/* The CSL 1.0.2 variables (standard, number, date and name) and CSL-JSON's own keys. */
static const char *const csl_keys[] = {
	"id", "type", "categories", "citation-key", "custom", "language", "journalAbbreviation",
	"shortTitle",
	"abstract", "annote", "archive", "archive_collection", "archive_location", "archive-place",
	"authority", "call-number", "chapter-number", "citation-label", "citation-number",
	"collection-number", "collection-title", "container-title", "container-title-short",
	"dimensions", "division", "DOI", "edition", "event", "event-title", "event-place",
	"first-reference-note-number", "genre", "ISBN", "ISSN", "issue", "jurisdiction", "keyword",
	"license", "locator", "medium", "note", "number", "number-of-pages", "number-of-volumes",
	"original-publisher", "original-publisher-place", "original-title", "page", "page-first",
	"part-number", "part-title", "PMCID", "PMID", "printing-number", "publisher",
	"publisher-place", "references", "reviewed-genre", "reviewed-title", "scale", "section",
	"source", "status", "supplement-number", "title", "title-short", "URL", "version", "volume",
	"volume-title", "volume-title-short", "year-suffix",
	"accessed", "available-date", "event-date", "issued", "original-date", "submitted",
	"author", "chair", "collection-editor", "compiler", "composer", "container-author",
	"contributor", "curator", "director", "editor", "editorial-director", "editor-translator",
	"executive-producer", "guest", "host", "illustrator", "interviewer", "narrator", "organizer",
	"original-author", "performer", "producer", "recipient", "reviewed-author", "script-writer",
	"series-creator", "translator", NULL
};

/*
 * CSL processors ignore keys they do not know, so a misspelt one ("isued")
 * silently drops what it holds.  A key that is no CSL variable but within
 * two edits of one is an error naming it; other keys are left alone.
 */
static void check_misspelt_keys(pst_checker *c, json_t *entry, const char *ptr)
{
	const char *key;
	json_t *v;
	json_object_foreach(entry, key, v) {
		if (pst_word_in(key, csl_keys))
			continue;
		const char *near = pst_nearest_word(key, csl_keys);
		if (!near)
			continue;
		char kptr[512];
		snprintf(kptr, sizeof(kptr), "%s/%s", ptr, key);
		pst_check_error(c, kptr, true, "'%s' is not a CSL variable; did you mean '%s'?", key,
		                near);
	}
}

static void check_date_object(pst_checker *c, json_t *entry, const char *ptr, const char *key)
{
	json_t *date = json_object_get(entry, key);
	if (!date)
		return;
	char dptr[256];
	snprintf(dptr, sizeof(dptr), "%s/%s", ptr, key);
	json_t *parts = json_object_get(date, "date-parts");
	size_t n_parts = json_array_size(parts);
	bool ok = n_parts >= 1 && n_parts <= 2; /* a date, or a range of two */
	for (size_t p = 0; ok && p < n_parts; p++) {
		json_t *dp = json_array_get(parts, p);
		long long v[3] = { 0, 1, 1 };
		ok = json_is_array(dp) && json_array_size(dp) >= 1 && json_array_size(dp) <= 3;
		for (size_t i = 0; ok && i < json_array_size(dp); i++) {
			json_t *x = json_array_get(dp, i);
			v[i] = json_is_integer(x) ? json_integer_value(x) : -1;
		}
		ok = ok && v[0] >= 1 && v[0] <= 9999 && v[1] >= 1 && v[1] <= 12 && v[2] >= 1 &&
		     v[2] <= pst_days_in_month((int)v[0], (int)v[1]);
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
	check_misspelt_keys(c, entry, ptr);
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
	char *link = url ? pst_link_url(url, NULL) : NULL;
	if (url && !link) { /* the same rule every writer applies before making a link */
		snprintf(mptr, sizeof(mptr), "%s/URL", ptr);
		pst_check_error(c, mptr, false, "URL '%s' must be an absolute http:// or https:// "
		                "address without spaces or quotes", url);
	}
	free(link);
	if (!id)
		return;
	const pst_source *dup = pst_data_source(d, id);
	if (dup) {
		snprintf(mptr, sizeof(mptr), "%s/id", ptr);
		pst_check_error(c, mptr, false, "source id '%s' is already used at %s:%d:%d", id, c->path,
		                dup->line, dup->column);
		return;
	}
	pst_source *s = &d->sources[d->n_sources];
	snprintf(mptr, sizeof(mptr), "%s/id", ptr);
	pst_jsonpos_find(c->pos, mptr, false, &s->line, &s->column);
	s->id = pst_strdup(id);
	s->csl = json_incref(entry);
	d->n_sources++;
}

int pst_sources_read(posture_data *d, posture_ctx *ctx, const char *path, int *n_errors)
{
	d->sources_path = pst_strdup(path);
	if (!d->sources_path)
		return POSTURE_ENOMEM;
	d->sources_state = PST_SOURCES_FAILED;
	pst_check_file f;
	int rc = pst_check_open(&f, ctx, path, d->tree, PST_MAX_TEXT_FILE, n_errors);
	if (rc == POSTURE_OK && f.root && !json_is_array(f.root)) {
		pst_check_error(&f.c, "", false, "expected a CSL-JSON array of source entries");
	} else if (rc == POSTURE_OK && f.root) {
		d->sources = calloc(json_array_size(f.root) + 1, sizeof(*d->sources));
		if (!d->sources)
			rc = pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
		for (size_t i = 0; rc == POSTURE_OK && i < json_array_size(f.root); i++) {
			check_entry(&f.c, d, json_array_get(f.root, i), i);
			if (d->n_sources && !d->sources[d->n_sources - 1].id)
				rc = pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
		}
		if (rc == POSTURE_OK)
			d->sources_state = PST_SOURCES_OK;
	}
	pst_check_close(&f, n_errors);
	return rc;
}
