/*
 * resolved.c — a citation's source resolved to text, the same way for the
 * exports that write it (GeoJSON, CSV, shapefile) and for `check`, which
 * accepts those members in a layer and verifies they match sources.json.
 *
 * Members: title, author ("Family, Given; Family, Given", or the literal
 * name), date (the CSL `issued` date as YYYY[-MM[-DD]]), container (the
 * outlet), url, doi.  A member the source does not give is absent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "resolved.h"

const char *const pst_resolved_members[] = { "title", "author", "date", "container", "url",
	                                     "doi", NULL };

static char *authors(json_t *list)
{
	pst_buf b;
	pst_buf_init(&b);
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *a = json_array_get(list, i);
		const char *family = json_string_value(json_object_get(a, "family"));
		const char *given = json_string_value(json_object_get(a, "given"));
		const char *literal = json_string_value(json_object_get(a, "literal"));
		if (b.len)
			pst_buf_puts(&b, "; ");
		if (family)
			pst_buf_printf(&b, "%s%s%s", family, given ? ", " : "", given ? given : "");
		else if (literal)
			pst_buf_puts(&b, literal);
	}
	if (b.failed || !b.len) {
		pst_buf_free(&b);
		return NULL;
	}
	return b.data;
}

static char *issued(json_t *csl)
{
	json_t *parts = json_array_get(json_object_get(json_object_get(csl, "issued"), "date-parts"), 0);
	size_t n = json_array_size(parts);
	if (!n || !json_is_integer(json_array_get(parts, 0)))
		return NULL;
	long long y = json_integer_value(json_array_get(parts, 0));
	long long m = n > 1 ? json_integer_value(json_array_get(parts, 1)) : 0;
	long long d = n > 2 ? json_integer_value(json_array_get(parts, 2)) : 0;
	if (m && d)
		return pst_asprintf("%04lld-%02lld-%02lld", y, m, d);
	if (m)
		return pst_asprintf("%04lld-%02lld", y, m);
	return pst_asprintf("%04lld", y);
}

char *pst_resolve(const pst_source *src, const char *member)
{
	json_t *csl = src ? src->csl : NULL;
	if (!csl)
		return NULL;
	const char *s = NULL;
	if (!strcmp(member, "title"))
		s = json_string_value(json_object_get(csl, "title"));
	else if (!strcmp(member, "container"))
		s = json_string_value(json_object_get(csl, "container-title"));
	else if (!strcmp(member, "url"))
		s = json_string_value(json_object_get(csl, "URL"));
	else if (!strcmp(member, "doi"))
		s = json_string_value(json_object_get(csl, "DOI"));
	else if (!strcmp(member, "author"))
		return authors(json_object_get(csl, "author"));
	else if (!strcmp(member, "date"))
		return issued(csl);
	return s ? pst_strdup(s) : NULL;
}
