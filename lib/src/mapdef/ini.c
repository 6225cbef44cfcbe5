/*
 * ini.c — the safe INI reader (see ini.h for why it exists).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "ini.h"

#define MAX_INI_LINE PST_INI_MAX_LINE

/* State shared by the line reader and the inih handler. */
typedef struct {
	posture_ctx *ctx;
	const char *path;
	const char *text;       /* whole file */
	size_t pos;             /* offset of the next line to hand to inih */
	const char *line_start; /* the line inih is processing */
	int line;               /* its number */
	int section_line;       /* line of the last [section] header */
	pst_ini_handler fn;
	void *user;
	int rc;                 /* first error */
} ini_reader_state;

int pst_ini_error(posture_ctx *ctx, const pst_where *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int code = at->line ? POSTURE_EDATA : POSTURE_EUSAGE;
	pst_vdiag(ctx, POSTURE_ERROR, code, at->file, at->line, at->column, fmt, ap);
	va_end(ap);
	return code;
}

static char *read_line(char *str, int num, void *stream)
{
	ini_reader_state *st = stream;
	const char *p = st->text + st->pos;
	if (*p == '\0')
		return NULL;
	const char *nl = strchr(p, '\n');
	size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
	if (n > (size_t)num - 1)
		n = (size_t)num - 1; /* cannot happen: lines were checked */
	memcpy(str, p, n);
	str[n] = '\0';
	st->line_start = p;
	st->pos += n;
	st->line++;
	const char *q = p;
	while (*q == ' ' || *q == '\t')
		q++;
	if (*q == '[')
		st->section_line = st->line;
	return str;
}

/* Column of @p value within the current line (1-based, in characters). */
static int value_column(const ini_reader_state *st, const char *value)
{
	const char *eq = strpbrk(st->line_start, "=:");
	const char *p = eq ? eq + 1 : st->line_start;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*value)
		return (int)(p - st->line_start) + 1;
	const char *hit = strstr(p, value);
	if (hit)
		p = hit;
	int line, col;
	pst_offset_to_line_col(st->line_start, (size_t)(p - st->line_start), &line, &col);
	return col;
}

static int key_column(const ini_reader_state *st)
{
	const char *p = st->line_start;
	while (*p == ' ' || *p == '\t')
		p++;
	return (int)(p - st->line_start) + 1;
}

/* Check one line before inih sees it; @p line_no is 1-based. */
static int check_line(posture_ctx *ctx, const char *file, const char *line, size_t len,
                      int line_no, bool *in_value)
{
	size_t content = len;
	if (content && line[content - 1] == '\r')
		content--;
	if (content > MAX_INI_LINE)
		return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, file, line_no, MAX_INI_LINE + 1,
		                "line is %zu bytes long; map files allow at most %d per line",
		                content, MAX_INI_LINE);
	size_t indent = 0;
	while (indent < content && (line[indent] == ' ' || line[indent] == '\t'))
		indent++;
	bool blank = indent == content;
	bool comment = !blank && (line[indent] == ';' || line[indent] == '#');
	if (indent && !blank && !comment && *in_value)
		return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, file, line_no, 1,
		                "indented line would be joined to the value above; "
		                "remove the indentation or put the value on one line");
	if (!blank && !comment && line[indent] == '[' && !memchr(line + indent, ']', content - indent))
		return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, file, line_no, (int)indent + 1,
		                "section header is missing its ']'");
	const char *eq = memchr(line, '=', content), *colon = memchr(line, ':', content);
	if (!blank && !comment && line[indent] != '[' && colon && (!eq || colon < eq)) {
		int l, col;
		pst_offset_to_line_col(line, (size_t)(colon - line), &l, &col);
		return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, file, line_no, col,
		                "use 'key = value' (with '='), not ':'");
	}
	if (!blank && !comment)
		*in_value = line[indent] != '[';
	return POSTURE_OK;
}

/*
 * The first NUL byte or invalid UTF-8 sequence, reported alone: after one,
 * the rest of a binary or mis-encoded file would only repeat it.
 */
static int check_encoding(posture_ctx *ctx, const char *file, const char *text, size_t len,
                          size_t start)
{
	for (size_t i = start; i < len;) {
		size_t n = text[i] ? pst_utf8_seq_len((const unsigned char *)text + i, len - i) : 0;
		if (n) {
			i += n;
			continue;
		}
		int line, col;
		pst_offset_to_line_col(text, i, &line, &col);
		if (text[i] == '\0')
			return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, file, line, col,
			                "NUL byte in the file (is it a text file?)");
		return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, file, line, col,
		                "invalid UTF-8 byte 0x%02X (save the file as UTF-8)",
		                (unsigned char)text[i]);
	}
	return POSTURE_OK;
}

/* "UTF-16" or "UTF-32" when the text is in one of them (by byte-order mark, or
 * by NUL bytes between ASCII ones at the start), else NULL. */
static const char *wide_encoding(const unsigned char *t, size_t len, bool *bom)
{
	*bom = true;
	if (len >= 4 && (!memcmp(t, "\0\0\xFE\xFF", 4) || !memcmp(t, "\xFF\xFE\0\0", 4)))
		return "UTF-32";
	if (len >= 2 && ((t[0] == 0xFF && t[1] == 0xFE) || (t[0] == 0xFE && t[1] == 0xFF)))
		return "UTF-16";
	*bom = false;
	bool le = len >= 4, be = len >= 4; /* "[\0m\0" or "\0[\0m": ASCII in UTF-16 */
	for (size_t i = 0; i < 4 && i < len; i++) {
		bool ascii = t[i] >= 0x09 && t[i] < 0x7F;
		le = le && (i % 2 ? t[i] == 0 : ascii);
		be = be && (i % 2 ? ascii : t[i] == 0);
	}
	if (le || be)
		return "UTF-16";
	return NULL;
}

/* Whether the text at @p p (a '{' or '[') starts JSON rather than an INI section. */
static bool looks_like_json(const char *p, const char *end)
{
	if (*p == '{')
		return true;
	for (p++; p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'); p++)
		;
	return p == end || strchr("{[\"]-0123456789", *p);
}

/*
 * A file that is no INI text at all gets one error that quotes none of its
 * bytes (it may be anything: a layer named as the map, a binary, a link to a
 * system file): UTF-16/32, JSON, or a first line — not blank, not a comment
 * — that is not a section header.
 */
static int check_kind(posture_ctx *ctx, const char *file, const char *kind, const char *text,
                      size_t len, size_t start)
{
	bool bom;
	const char *wide = wide_encoding((const unsigned char *)text, len, &bom);
	if (wide)
		return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, file, 1, 1, "the file is %s%s; save "
		                "it as UTF-8", wide, bom ? " (it starts with a byte-order mark)" : "");
	const char *end = text + len;
	int line_no = 1;
	for (const char *p = text + start; p < end; line_no++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *q = p;
		while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < eol && *q != ';' && *q != '#') {
			if ((*q == '{' || *q == '[') && looks_like_json(q, end))
				return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, file, line_no, 1,
				                "this looks like JSON, not a %s (an INI file of [sections] "
				                "and 'key = value' lines)", kind);
			if (*q != '[')
				return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, file, line_no, 1,
				                "this is not a %s: its first line that is not blank or a "
				                "comment must be a [section] header", kind);
			return POSTURE_OK;
		}
		p = eol + 1;
	}
	return POSTURE_OK;
}

/* A section header may appear once: inih would merge repeats silently. */
static int check_section(posture_ctx *ctx, const char *file, const char *line, size_t n,
                         int line_no, char seen[][32], int *seen_line, size_t *n_seen)
{
	size_t i = 0;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	const char *close = i < n && line[i] == '[' ? memchr(line + i, ']', n - i) : NULL;
	if (!close)
		return POSTURE_OK;
	char name[32];
	snprintf(name, sizeof(name), "%.*s", (int)(close - line - i - 1), line + i + 1);
	for (size_t k = 0; k < *n_seen; k++)
		if (!strcmp(seen[k], name))
			return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, file, line_no, (int)i + 1,
			                "section [%s] appears twice (first on line %d)", name, seen_line[k]);
	if (*n_seen < 16) {
		memcpy(seen[*n_seen], name, sizeof(name));
		seen_line[(*n_seen)++] = line_no;
	}
	return POSTURE_OK;
}

static int check_lines(posture_ctx *ctx, const char *file, const char *text, size_t len)
{
	int rc = POSTURE_OK, line_no = 0;
	bool in_value = false;
	char seen[16][32];
	int seen_line[16];
	size_t n_seen = 0;
	size_t start = 0;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		start = 3; /* a UTF-8 byte-order mark is fine (inih skips it) */
	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t n = nl ? (size_t)(nl - (text + start)) : len - start;
		line_no++;
		int r = check_line(ctx, file, text + start, n, line_no, &in_value);
		if (r == POSTURE_OK)
			r = check_section(ctx, file, text + start, n, line_no, seen, seen_line, &n_seen);
		if (r != POSTURE_OK && rc == POSTURE_OK)
			rc = r;
		start += n + 1;
	}
	return rc;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	ini_reader_state *st = user;
	pst_ini_pos at = { { st->path, st->section_line, 1 },
		           { st->path, st->line, key_column(st) },
		           { st->path, st->line, value_column(st, value) } };
	int rc = st->fn(st->user, section, name, value, &at);
	if (rc != POSTURE_OK && st->rc == POSTURE_OK)
		st->rc = rc;
	return 1; /* keep going: report every problem in one run */
}

int pst_ini_read(posture_ctx *ctx, const char *path, const char *kind, size_t max_size,
                 pst_ini_handler fn, void *user)
{
	char *text;
	size_t len;
	int rc = pst_read_file(&text, &len, ctx, path, max_size);
	if (rc != POSTURE_OK)
		return rc;
	size_t start = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
	rc = check_kind(ctx, path, kind, text, len, start);
	if (rc == POSTURE_OK)
		rc = check_encoding(ctx, path, text, len, start);
	if (rc == POSTURE_OK)
		rc = check_lines(ctx, path, text, len);
	if (rc == POSTURE_OK) {
		ini_reader_state st = { .ctx = ctx, .path = path, .text = text, .fn = fn, .user = user };
		if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
			st.pos = 3;
		int bad_line = ini_parse_stream(read_line, &st, on_key, &st);
		if (bad_line > 0) /* neither a section, a key nor a comment */
			st.rc = pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, path, bad_line, 1,
			                 "expected 'key = value', '[section]' or a comment");
		else if (bad_line < 0)
			st.rc = pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
		rc = st.rc;
	}
	free(text);
	return rc;
}
