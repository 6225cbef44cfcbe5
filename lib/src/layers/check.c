/*
 * check.c — shared reporting for the validators (see check.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

void pst_check_report(pst_checker *c, posture_severity sev, const char *pointer, bool at_key,
                      const char *fmt, ...)
{
	int line = 0, column = 0; /* no position index: a GeoPackage row, named by c->path */
	if (c->pos)
		pst_jsonpos_find(c->pos, pointer, at_key, &line, &column);
	va_list ap;
	va_start(ap, fmt);
	pst_vdiag(c->ctx, sev, POSTURE_EDATA, c->path, line, column, fmt, ap);
	va_end(ap);
	if (sev == POSTURE_ERROR)
		c->n_errors++;
}

const char *pst_check_string(pst_checker *c, json_t *obj, const char *obj_ptr, const char *key,
                             bool required, const char *what)
{
	char ptr[512]; /* the member's pointer, written only for a report */
	json_t *v = json_object_get(obj, key);
	if (!v) {
		if (required)
			pst_check_error(c, obj_ptr, true, "%s has no '%s'", what, key);
		return NULL;
	}
	if (!json_is_string(v)) {
		snprintf(ptr, sizeof(ptr), "%s/%s", obj_ptr, key);
		pst_check_error(c, ptr, false, "'%s' must be a string", key);
		return NULL;
	}
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	bool blank = true;
	for (size_t i = 0; i < n && blank; i++)
		blank = isspace((unsigned char)s[i]) != 0;
	if (blank) {
		snprintf(ptr, sizeof(ptr), "%s/%s", obj_ptr, key);
		pst_check_error(c, ptr, false, "'%s' is empty", key);
		return NULL;
	}
	if (strlen(s) != n) {
		snprintf(ptr, sizeof(ptr), "%s/%s", obj_ptr, key);
		pst_check_error(c, ptr, false, "'%s' contains a NUL character", key);
		return NULL;
	}
	return s;
}

const char *pst_nearest_word(const char *word, const char *const *names)
{
	size_t n = 0;
	while (names[n])
		n++;
	return posture_nearest_word(word, names, n);
}

bool pst_word_in(const char *s, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

char *pst_word_list(const char *const *words)
{
	pst_buf b;
	pst_buf_init(&b);
	size_t n = 0;
	while (words[n])
		n++;
	for (size_t i = 0; i < n; i++)
		pst_buf_printf(&b, "%s'%s'", i == 0 ? "" : i + 1 == n ? " or " : ", ", words[i]);
	if (b.failed) {
		pst_buf_free(&b);
		return NULL;
	}
	return b.data;
}

int pst_check_read(pst_check_file *f, size_t *len, posture_ctx *ctx, const char *path,
                   const char *tree, size_t max_size, int *n_errors)
{
	memset(f, 0, sizeof(*f));
	f->c.ctx = ctx;
	f->c.path = path;
	*len = 0;
	int rc = pst_check_link(ctx, path, tree);
	if (rc == POSTURE_OK)
		rc = pst_json_read_text(&f->text, len, ctx, path, max_size);
	if (rc == POSTURE_EDATA) {
		(*n_errors)++;
		return POSTURE_OK; /* reported; the caller goes on to the next file */
	}
	return rc;
}

int pst_check_parse(pst_check_file *f, size_t len, int *n_errors)
{
	int rc = pst_json_parse_text((void **)&f->root, f->c.ctx, f->c.path, f->text, len);
	if (rc == POSTURE_EDATA) {
		(*n_errors)++;
		return POSTURE_OK;
	}
	if (rc != POSTURE_OK)
		return rc;
	rc = pst_jsonpos_build(&f->c.pos, f->text, len);
	if (rc != POSTURE_OK) {
		pst_check_close(f, n_errors);
		return pst_error(f->c.ctx, rc, f->c.path, "out of memory");
	}
	return POSTURE_OK;
}

int pst_check_open(pst_check_file *f, posture_ctx *ctx, const char *path, const char *tree,
                   size_t max_size,
                   int *n_errors)
{
	size_t len;
	int rc = pst_check_read(f, &len, ctx, path, tree, max_size, n_errors);
	if (rc != POSTURE_OK || !f->text)
		return rc;
	return pst_check_parse(f, len, n_errors);
}

void pst_check_close(pst_check_file *f, int *n_errors)
{
	*n_errors += f->c.n_errors;
	pst_jsonpos_destroy(f->c.pos);
	json_decref(f->root);
	free(f->text);
	memset(f, 0, sizeof(*f));
}
