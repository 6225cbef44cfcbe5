/*
 * jsoncheck.c — limits and encoding checks on JSON text, before jansson.
 *
 * jansson has no limits of its own (its depth limit is 2048 and strings may
 * be as long as the file), accepts \u0000 only when asked, and reports
 * encoding problems in terms of its own decoder.  One pass here over the
 * bytes, aware of strings and escapes, reports in plain words and at the
 * exact line:column: a UTF-16/32 byte-order mark, a NUL byte, invalid UTF-8,
 * nesting deeper than PST_MAX_JSON_DEPTH, a string longer than
 * PST_MAX_JSON_STRING bytes, a number longer than PST_MAX_JSON_NUMBER
 * characters.  Syntax is left to jansson.
 *
 * A file that does not begin as JSON does (`{` or `[` after whitespace and
 * a byte-order mark) gets one error that quotes nothing: it may be any file
 * at all (a wrong path, a link to /etc/passwd), and its bytes do not belong
 * in a message.  jansson's "near '…'" is shown only for files that did.
 */
#include <string.h>

#include "internal.h"

/* Scanner state: where we are and what we are inside. */
typedef struct {
	posture_ctx *ctx;
	const char *path;
	const char *text;   /* whole text (positions are counted from here) */
	size_t len;
	size_t i;           /* next byte */
	int depth;          /* open arrays and objects */
} scan;

static int fail_at(scan *s, size_t offset, const char *what, unsigned long long n)
{
	int line, column;
	pst_offset_to_line_col(s->text, offset, &line, &column);
	return pst_diag(s->ctx, POSTURE_ERROR, POSTURE_EDATA, s->path, line, column, what, n);
}

/* A string starting at s->i (the quote); leaves s->i after its closing quote. */
static int scan_string(scan *s)
{
	size_t start = s->i++;
	while (s->i < s->len && s->text[s->i] != '"') {
		unsigned char c = (unsigned char)s->text[s->i];
		if (c == '\\' && s->i + 5 < s->len && !memcmp(s->text + s->i + 1, "u0000", 5))
			return fail_at(s, s->i, "a string contains \\u0000 (a NUL character)%.0llu", 0);
		if (c == '\\') {
			s->i += 2;
			continue;
		}
		if (c == 0)
			return fail_at(s, s->i, "NUL byte in the file (is it a text file?)%.0llu", 0);
		if (c < 0x80) { /* the common case, without the decoder */
			if (++s->i - start > PST_MAX_JSON_STRING)
				return fail_at(s, start, "string is longer than the limit of %llu bytes",
				               PST_MAX_JSON_STRING);
			continue;
		}
		size_t n = pst_utf8_seq_len((const unsigned char *)s->text + s->i, s->len - s->i);
		if (n == 0)
			return fail_at(s, s->i, "invalid UTF-8 byte 0x%02llX (save the file as UTF-8)", c);
		s->i += n;
		if (s->i - start > PST_MAX_JSON_STRING)
			return fail_at(s, start, "string is longer than the limit of %llu bytes",
			               PST_MAX_JSON_STRING);
	}
	s->i++;
	return POSTURE_OK;
}

static int scan_other(scan *s)
{
	unsigned char c = (unsigned char)s->text[s->i];
	if (c == 0)
		return fail_at(s, s->i, "NUL byte in the file (is it a text file?)%.0llu", 0);
	if (c == '[' || c == '{') {
		if (++s->depth > PST_MAX_JSON_DEPTH)
			return fail_at(s, s->i, "arrays and objects are nested deeper than the limit "
			               "of %llu levels", PST_MAX_JSON_DEPTH);
	} else if (c == ']' || c == '}') {
		s->depth--;
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		size_t start = s->i;
		while (s->i < s->len && strchr("0123456789+-.eE", s->text[s->i]) && s->text[s->i])
			s->i++;
		if (s->i - start > PST_MAX_JSON_NUMBER)
			return fail_at(s, start, "number is longer than the limit of %llu characters",
			               PST_MAX_JSON_NUMBER);
		return POSTURE_OK;
	} else if (c >= 0x80) {
		size_t n = pst_utf8_seq_len((const unsigned char *)s->text + s->i, s->len - s->i);
		if (n == 0)
			return fail_at(s, s->i, "invalid UTF-8 byte 0x%02llX (save the file as UTF-8)", c);
		s->i += n;
		return POSTURE_OK;
	}
	s->i++;
	return POSTURE_OK;
}

static int check_bom(posture_ctx *ctx, const char *path, const unsigned char *t, size_t len)
{
	bool utf16 = len >= 2 && ((t[0] == 0xFF && t[1] == 0xFE) || (t[0] == 0xFE && t[1] == 0xFF));
	bool utf32 = len >= 4 && !memcmp(t, "\0\0\xFE\xFF", 4);
	if (!utf16 && !utf32)
		return POSTURE_OK;
	return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, path, 1, 1, "the file is %s "
	                "(it starts with a byte-order mark); save it as UTF-8",
	                utf32 ? "UTF-32" : "UTF-16");
}

int pst_json_precheck(posture_ctx *ctx, const char *path, const char *text, size_t len,
                      size_t *skip)
{
	*skip = 0;
	int rc = check_bom(ctx, path, (const unsigned char *)text, len);
	if (rc != POSTURE_OK)
		return rc;
	scan s = { ctx, path, text, len, 0, 0 };
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		s.i = *skip = 3; /* a UTF-8 byte-order mark: harmless, skipped */
	size_t first = s.i;
	while (first < len && strchr(" \t\r\n", text[first]) && text[first])
		first++;
	if (first == len)
		return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, path, 1, 1,
		                "the file is empty (it should hold a JSON object or array)");
	if (text[first] != '{' && text[first] != '[') {
		int line, column;
		pst_offset_to_line_col(text, first, &line, &column);
		return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, path, line, column,
		                "this is not a JSON object or array: the file should start "
		                "with '{' or '['");
	}
	while (rc == POSTURE_OK && s.i < len) {
		char c = text[s.i];
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ',' || c == ':') {
			s.i++; /* nothing to check: the pretty-printed file's most frequent bytes */
			continue;
		}
		rc = c == '"' ? scan_string(&s) : scan_other(&s);
	}
	return rc;
}
