/*
 * escape.c — escaping for the markup writers (SVG, HTML).
 *
 * The data a map carries is written by people and copied from documents:
 * names hold quotes and dashes, a quote may hold "<" or "&", and a hostile
 * or careless file may hold markup, "]]>", "</script>" or a javascript: URL.
 * Each context has its own rule, kept here in one place: character data and
 * attribute values (entity references; characters XML cannot carry become
 * U+FFFD so the file stays well-formed), element ids (a fixed safe
 * alphabet), JSON in a script element (no '<' at all), and links (http and
 * https only, DOIs resolved through doi.org).  None of them depends on the
 * locale.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "escape.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD in UTF-8 */

/*
 * Length of the character at @p s (a byte that starts no valid UTF-8
 * sequence counts as one); *ok tells whether XML may carry it.
 */
static size_t xml_char_len(const unsigned char *s, bool *ok)
{
	size_t n = pst_utf8_seq_len(s, strnlen((const char *)s, 4));
	*ok = n > 0;
	if (n == 1 && s[0] < 0x20 && s[0] != '\t' && s[0] != '\n' && s[0] != '\r')
		*ok = false;
	if (n == 3 && s[0] == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF))
		*ok = false; /* U+FFFE, U+FFFF */
	return n ? n : 1;
}

/* The entity for @p c in the given context, or NULL to copy it. */
static const char *xml_entity(unsigned char c, bool attr)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return attr ? "&quot;" : NULL;
	case '\t': return attr ? "&#9;" : NULL;
	case '\n': return attr ? "&#10;" : NULL;
	case '\r': return "&#13;"; /* a raw CR would be read back as LF */
	default: return NULL;
	}
}

static void escape_xml(pst_buf *b, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)s;
	while (p && *p) {
		bool ok;
		size_t n = xml_char_len(p, &ok);
		const char *entity = n == 1 ? xml_entity(*p, attr) : NULL;
		if (!ok)
			pst_buf_puts(b, REPLACEMENT);
		else if (entity)
			pst_buf_puts(b, entity);
		else
			pst_buf_add(b, p, n);
		p += n;
	}
}

void pst_esc_text(pst_buf *b, const char *s)
{
	escape_xml(b, s, false);
}

void pst_esc_item_facts(pst_buf *b, const pst_item *it)
{
	pst_esc_text(b, it->kind);
	if (it->date) {
		pst_buf_puts(b, ", ");
		pst_esc_text(b, it->date);
	}
	if (it->precision) {
		pst_buf_puts(b, "; position: ");
		pst_esc_text(b, it->precision);
	}
}

void pst_esc_attr(pst_buf *b, const char *s)
{
	escape_xml(b, s, true);
}

void pst_esc_id(pst_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	if (!pst_ascii_alpha(*p) && *p != '_')
		pst_buf_puts(b, "_");
	for (; *p; p++) {
		char c = pst_ascii_alpha(*p) || pst_ascii_digit(*p) || *p == '-' || *p == '_' ? (char)*p : '_';
		pst_buf_add(b, &c, 1);
	}
}

void pst_esc_json_script(pst_buf *b, const char *json)
{
	for (const char *p = json; *p; p++) {
		if (*p == '<')
			pst_buf_puts(b, "\\u003c");
		else if (*p == '>')
			pst_buf_puts(b, "\\u003e");
		else if (*p == '&')
			pst_buf_puts(b, "\\u0026");
		else if (!strncmp(p, "\xE2\x80\xA8", 3) || !strncmp(p, "\xE2\x80\xA9", 3)) {
			pst_buf_puts(b, p[2] == '\xA8' ? "\\u2028" : "\\u2029");
			p += 2;
		} else
			pst_buf_add(b, p, 1);
	}
}

