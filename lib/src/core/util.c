/*
 * util.c — memory, text buffers and UTF-8 helpers used across libposture.
 *
 * pst_grow() is the one place arrays grow (geometric, overflow-checked);
 * pst_buf is an append-only text buffer that remembers an allocation failure
 * instead of reporting each one, so writers check once at the end.
 */
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE) */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

int pst_grow_to(void **items, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return POSTURE_OK;
	size_t n = *cap ? *cap : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return POSTURE_ENOMEM;
		n *= 2;
	}
	if (n > SIZE_MAX / elem)
		return POSTURE_ENOMEM;
	void *p = realloc(*items, n * elem);
	if (!p)
		return POSTURE_ENOMEM;
	*items = p;
	*cap = n;
	return POSTURE_OK;
}

#define HUGE_PAGE ((size_t)2 << 20)
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older kernels say EINVAL */
#endif
#define PREFAULT_RUN ((size_t)256 << 10) /* bytes */

void pst_prefault(void *p, size_t n)
{
#ifdef __linux__
	if (n < ((size_t)64 << 10))
		return;
	uintptr_t page = 4096, a = ((uintptr_t)p + page - 1) & ~(page - 1),
	          b = ((uintptr_t)p + n) & ~(page - 1);
	if (b > a)
		(void)madvise((void *)a, b - a, MADV_POPULATE_WRITE); /* only advice */
#else
	(void)p;
	(void)n;
#endif
}

void pst_prefault_next(void *items, size_t n, size_t cap, size_t elem)
{
	size_t per = PREFAULT_RUN / elem + 1; /* elements in a run of at least PREFAULT_RUN bytes */
	if (n % per || n >= cap)
		return;
	size_t run = cap - n < per ? cap - n : per;
	pst_prefault((char *)items + n * elem, run * elem);
}

void *pst_big_alloc(size_t n)
{
	if (n < HUGE_PAGE)
		return malloc(n ? n : 1);
	if (n > SIZE_MAX - HUGE_PAGE)
		return NULL;
	size_t whole = (n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	void *p = NULL;
	if (posix_memalign(&p, HUGE_PAGE, whole) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, whole, MADV_HUGEPAGE); /* only advice: without it, normal pages */
#endif
	return p;
}

char *pst_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *pst_strdup(const char *s)
{
	return pst_strndup(s, strlen(s));
}

const char *pst_count_text(char buf[32], size_t n)
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%zu", n);
	char *o = buf;
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			*o++ = ',';
		*o++ = digits[i];
	}
	*o = '\0';
	return buf;
}

char *pst_asprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = malloc((size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void pst_buf_init(pst_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void pst_buf_free(pst_buf *b)
{
	free(b->data);
	pst_buf_init(b);
}

void pst_buf_add(pst_buf *b, const void *data, size_t n)
{
	if (b->failed)
		return;
	if (pst_grow((void **)&b->data, &b->cap, b->len + n + 1, 1) != POSTURE_OK) {
		b->failed = true;
		return;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void pst_buf_puts(pst_buf *b, const char *s)
{
	pst_buf_add(b, s, strlen(s));
}

void pst_buf_printf(pst_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		pst_buf_add(b, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	pst_buf_add(b, big, (size_t)n);
	free(big);
}

size_t pst_utf8_seq_len(const unsigned char *s, size_t avail)
{
	if (avail == 0)
		return 0;
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t n;
	unsigned min;
	if ((c & 0xE0) == 0xC0) {
		n = 2;
		min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3;
		min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	unsigned cp = c & (0x7F >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0; /* overlong, out of range, or a surrogate */
	return n;
}

void pst_offset_to_line_col(const char *text, size_t offset, int *line, int *column)
{
	int l = 1, col = 1;
	for (size_t i = 0; i < offset && text[i]; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n') {
			l++;
			col = 1;
		} else if ((c & 0xC0) != 0x80) {
			col++; /* count characters, not continuation bytes */
		}
	}
	*line = l;
	*column = col;
}

/*
 * Edit distance, case-insensitive (names here are short): insertions,
 * deletions, substitutions and swaps of two neighbouring letters each count
 * one (optimal string alignment), so "kidn" is one edit from "kind" and two
 * from "id".
 */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return SIZE_MAX;
	size_t rows[3][64]; /* rows i - 2, i - 1 and i, in turn */
	for (size_t j = 0; j <= lb; j++)
		rows[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *row = rows[i % 3], *prev = rows[(i + 2) % 3], *prev2 = rows[(i + 1) % 3];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
			size_t best = prev[j - 1] + (ca != cb);
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			row[j] = best;
		}
	}
	return rows[la % 3][lb];
}

const char *posture_nearest_word(const char *word, const char *const *words, size_t n)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, words[i]);
		if (d < best_d) {
			best_d = d;
			best = words[i];
		}
	}
	return best;
}

/*
 * Is the code point at @p s (n bytes) one a label must not carry?  Besides
 * controls and bidirectional marks, the noncharacters (U+FDD0–U+FDEF and the
 * last two of every plane, U+FFFE and U+FFFF among them): Cairo refuses
 * them as invalid text and the PDF would fail to write.
 */
static bool unwanted(const unsigned char *s, size_t n)
{
	unsigned cp = n == 1 ? s[0]
	            : n == 2 ? ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu)
	            : n == 3 ? ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu)
	                     : ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) |
	                       ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
	return (cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F) || cp == 0x200E ||
	       cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFEu) == 0xFFFEu;
}

void pst_text_clean(char *text)
{
	unsigned char *r = (unsigned char *)text, *w = r;
	size_t left = strlen(text);
	while (left) {
		size_t n = pst_utf8_seq_len(r, left);
		if (n == 0) { /* not UTF-8: drop the byte (inputs are checked; this is a last guard) */
			r++;
			left--;
			continue;
		}
		if (!unwanted(r, n)) {
			memmove(w, r, n);
			w += n;
		}
		r += n;
		left -= n;
	}
	*w = '\0';
}

void pst_thread_stop(pthread_t thread, pthread_mutex_t *mu, pthread_cond_t *cv, bool *stop)
{
	pthread_mutex_lock(mu);
	*stop = true;
	pthread_cond_broadcast(cv);
	pthread_mutex_unlock(mu);
	pthread_join(thread, NULL);
	pthread_cond_destroy(cv);
	pthread_mutex_destroy(mu);
}
