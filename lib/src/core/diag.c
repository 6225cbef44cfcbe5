/*
 * diag.c — the posture context and its list of diagnostics.
 *
 * A context owns an append-only array of diagnostics.  Messages and file
 * names are copied in, so callers may pass temporaries.  Nothing here ever
 * fails loudly: when memory runs out while recording a diagnostic the
 * context keeps a flag and reports a generic out-of-memory error instead.
 *
 * The context also remembers which files the run has read (device and
 * inode), so that no output can replace one of its own inputs; the paths of
 * the files and folders it read or looked for, so that a live preview knows
 * what to watch; and the folders the caller allowed symbolic links to lead
 * to (--allow-path).
 */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <pango/pangocairo.h>

#include "internal.h"

struct posture_ctx {
	pst_file_id *inputs; /* every file read in this run (outputs may not replace one) */
	size_t n_inputs;     /* number used */
	size_t cap_inputs;   /* number allocated */
	char **reads;        /* paths read or looked for, as opened; folders end in '/' */
	size_t n_reads;      /* number used */
	size_t cap_reads;    /* number allocated */
	posture_diag *diags; /* recorded findings, in order */
	size_t n_diags;      /* number used */
	size_t cap_diags;    /* number allocated */
	size_t n_errors;     /* how many have severity POSTURE_ERROR */
	bool lost_diag;      /* a diagnostic could not be stored (out of memory) */
	char **allowed;      /* real paths of folders links may lead into (--allow-path) */
	size_t n_allowed;    /* number used */
	size_t cap_allowed;  /* number allocated */
};

static const posture_diag lost_diag = {
	POSTURE_ERROR, POSTURE_ENOMEM, NULL, 0, 0, "out of memory while reporting an error"
};

int posture_ctx_create(posture_ctx **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? POSTURE_OK : POSTURE_ENOMEM;
}

void posture_ctx_clear_diags(posture_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_diags; i++) {
		free((char *)ctx->diags[i].file);
		free((char *)ctx->diags[i].message);
	}
	ctx->n_diags = 0;
	ctx->n_errors = 0;
	ctx->lost_diag = false;
}

void pst_ctx_truncate_diags(posture_ctx *ctx, size_t n)
{
	for (size_t i = n; i < ctx->n_diags; i++) {
		if (ctx->diags[i].severity == POSTURE_ERROR)
			ctx->n_errors--;
		free((char *)ctx->diags[i].file);
		free((char *)ctx->diags[i].message);
	}
	if (n < ctx->n_diags)
		ctx->n_diags = n;
}

void posture_ctx_destroy(posture_ctx *ctx)
{
	if (!ctx)
		return;
	posture_ctx_clear_diags(ctx);
	free(ctx->inputs);
	for (size_t i = 0; i < ctx->n_reads; i++)
		free(ctx->reads[i]);
	free(ctx->reads);
	free(ctx->diags);
	for (size_t i = 0; i < ctx->n_allowed; i++)
		free(ctx->allowed[i]);
	free(ctx->allowed);
	free(ctx);
}

size_t posture_ctx_diag_count(const posture_ctx *ctx)
{
	return ctx->n_diags + (ctx->lost_diag ? 1 : 0);
}

size_t posture_ctx_error_count(const posture_ctx *ctx)
{
	return ctx->n_errors + (ctx->lost_diag ? 1 : 0);
}

const posture_diag *posture_ctx_diag(const posture_ctx *ctx, size_t i)
{
	if (i < ctx->n_diags)
		return &ctx->diags[i];
	if (i == ctx->n_diags && ctx->lost_diag)
		return &lost_diag;
	return NULL;
}

void pst_ctx_note_input(posture_ctx *ctx, pst_file_id id)
{
	if (!ctx || pst_ctx_is_input(ctx, id))
		return;
	if (pst_grow((void **)&ctx->inputs, &ctx->cap_inputs, ctx->n_inputs + 1,
	             sizeof(*ctx->inputs)) == POSTURE_OK)
		ctx->inputs[ctx->n_inputs++] = id;
}

bool pst_ctx_is_input(const posture_ctx *ctx, pst_file_id id)
{
	for (size_t i = 0; ctx && i < ctx->n_inputs; i++)
		if (ctx->inputs[i].dev == id.dev && ctx->inputs[i].ino == id.ino)
			return true;
	return false;
}

void pst_ctx_forget_input(posture_ctx *ctx, pst_file_id id)
{
	for (size_t i = 0; ctx && i < ctx->n_inputs; i++)
		if (ctx->inputs[i].dev == id.dev && ctx->inputs[i].ino == id.ino) {
			ctx->inputs[i] = ctx->inputs[--ctx->n_inputs];
			return;
		}
}

size_t pst_ctx_input_count(const posture_ctx *ctx)
{
	return ctx->n_inputs;
}

pst_file_id pst_ctx_input(const posture_ctx *ctx, size_t i)
{
	return ctx->inputs[i];
}

void pst_ctx_note_read(posture_ctx *ctx, const char *path, bool folder)
{
	if (!ctx || !path)
		return;
	size_t len = strlen(path);
	for (size_t i = 0; i < ctx->n_reads; i++) {
		const char *r = ctx->reads[i];
		if (!strncmp(r, path, len) && (folder ? !strcmp(r + len, "/") : !r[len]))
			return;
	}
	char *copy = pst_asprintf("%s%s", path, folder ? "/" : "");
	if (copy && pst_grow((void **)&ctx->reads, &ctx->cap_reads, ctx->n_reads + 1,
	                     sizeof(*ctx->reads)) == POSTURE_OK)
		ctx->reads[ctx->n_reads++] = copy;
	else
		free(copy); /* what is not recorded is only not watched */
}

size_t posture_ctx_read_count(const posture_ctx *ctx)
{
	return ctx->n_reads;
}

const char *posture_ctx_read_path(const posture_ctx *ctx, size_t i)
{
	return i < ctx->n_reads ? ctx->reads[i] : NULL;
}

int posture_ctx_allow_path(posture_ctx *ctx, const char *dir)
{
	struct stat st;
	char *real = realpath(dir, NULL);
	if (!real || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(real);
		return pst_error(ctx, POSTURE_EUSAGE, dir, "--allow-path wants an existing folder");
	}
	if (pst_grow((void **)&ctx->allowed, &ctx->cap_allowed, ctx->n_allowed + 1,
	             sizeof(*ctx->allowed)) != POSTURE_OK) {
		free(real);
		return pst_error(ctx, POSTURE_ENOMEM, dir, "out of memory");
	}
	ctx->allowed[ctx->n_allowed++] = real;
	return POSTURE_OK;
}

size_t pst_ctx_allowed_count(const posture_ctx *ctx)
{
	return ctx ? ctx->n_allowed : 0;
}

const char *pst_ctx_allowed(const posture_ctx *ctx, size_t i)
{
	return ctx->allowed[i];
}

int pst_vdiag(posture_ctx *ctx, posture_severity sev, int code, const char *file,
              int line, int column, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!ctx)
		return code;
	if (pst_grow((void **)&ctx->diags, &ctx->cap_diags, ctx->n_diags + 1,
	             sizeof(*ctx->diags)) != POSTURE_OK) {
		ctx->lost_diag = true;
		return code;
	}
	posture_diag *d = &ctx->diags[ctx->n_diags];
	d->severity = sev;
	d->code = code;
	d->file = file ? pst_strdup(file) : NULL;
	d->line = line;
	d->column = column;
	d->message = pst_strdup(msg);
	if ((file && !d->file) || !d->message) {
		free((char *)d->file);
		free((char *)d->message);
		ctx->lost_diag = true;
		return code;
	}
	ctx->n_diags++;
	if (sev == POSTURE_ERROR)
		ctx->n_errors++;
	return code;
}

int pst_diag(posture_ctx *ctx, posture_severity sev, int code, const char *file,
             int line, int column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pst_vdiag(ctx, sev, code, file, line, column, fmt, ap);
	va_end(ap);
	return code;
}

int posture_diag_format(char *buf, size_t size, const posture_diag *d)
{
	static const char *const names[] = { "note", "warning", "error" };
	char where[512] = "";
	if (d->file && d->line > 0 && d->column > 0)
		snprintf(where, sizeof(where), "%s:%d:%d: ", d->file, d->line, d->column);
	else if (d->file && d->line > 0)
		snprintf(where, sizeof(where), "%s:%d: ", d->file, d->line);
	else if (d->file)
		snprintf(where, sizeof(where), "%s: ", d->file);
	return snprintf(buf, size, "%s%s: %s", where, names[d->severity], d->message);
}

const char *posture_version(void)
{
	return POSTURE_VERSION_STRING;
}

void posture_shutdown(void)
{
	/*
	 * Only the font map is released.  cairo_debug_reset_static_data() and
	 * FcFini() would free the rest, but Pango 1.50 initialises fontconfig on a
	 * worker thread, and calling them while that thread still holds fonts
	 * aborts at random (seen: an assertion in cairo-hash.c in one run of
	 * three).  What the libraries keep is suppressed for LeakSanitizer in
	 * tests/lsan.supp, by library only.
	 */
	pango_cairo_font_map_set_default(NULL);
}
