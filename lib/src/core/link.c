/*
 * link.c — which URLs posture turns into links: absolute http and https
 * URLs only (scheme case-insensitive, a host, no spaces, controls, quotes
 * or angle brackets), and DOIs through https://doi.org/, percent-encoded.
 * The validator, the citation formatter and every writer ask this one
 * function, so a javascript: or data: URL never becomes a link anywhere.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "internal.h"

/* Whether @p s starts with @p prefix, ignoring ASCII case. */
static bool starts_with_nocase(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++) {
		char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
		if (c != *prefix)
			return false;
	}
	return true;
}

/* An absolute http(s) URL with a host and nothing a browser would reinterpret. */
static bool url_is_web(const char *url)
{
	size_t skip;
	if (starts_with_nocase(url, "http://"))
		skip = 7;
	else if (starts_with_nocase(url, "https://"))
		skip = 8;
	else
		return false;
	const unsigned char *host = (const unsigned char *)url + skip;
	if (!pst_ascii_alpha(*host) && !pst_ascii_digit(*host) && *host != '[')
		return false;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p == 0x7F || *p == '\\' || *p == '"' || *p == '<' || *p == '>')
			return false;
	return true;
}

/* "https://doi.org/" + @p doi, bytes outside RFC 3986's safe set percent-encoded. */
static char *doi_url(const char *doi)
{
	static const char safe[] = "-._~/:@!$&'()*+,;="; /* RFC 3986 pchar */
	while (*doi == ' ')
		doi++;
	if (starts_with_nocase(doi, "doi:"))
		doi += 4;
	else if (starts_with_nocase(doi, "https://doi.org/"))
		doi += 16;
	else if (starts_with_nocase(doi, "http://dx.doi.org/"))
		doi += 18;
	if (strncmp(doi, "10.", 3) != 0)
		return NULL;
	pst_buf b;
	pst_buf_init(&b);
	pst_buf_puts(&b, "https://doi.org/");
	for (const unsigned char *p = (const unsigned char *)doi; *p; p++) {
		bool escaped = *p == '%' && g_ascii_isxdigit(p[1]) && g_ascii_isxdigit(p[2]);
		if (pst_ascii_alpha(*p) || pst_ascii_digit(*p) || strchr(safe, *p) || escaped)
			pst_buf_add(&b, p, 1);
		else
			pst_buf_printf(&b, "%%%02X", *p);
	}
	if (b.failed) {
		pst_buf_free(&b);
		return NULL;
	}
	return b.data;
}

char *pst_link_url(const char *url, const char *doi)
{
	if (url && starts_with_nocase(url, "https://doi.org/"))
		return doi_url(url); /* a DOI link: encoded again, so nothing unsafe passes */
	if (url && url_is_web(url))
		return pst_strdup(url);
	if (doi && *doi)
		return doi_url(doi);
	return NULL;
}
