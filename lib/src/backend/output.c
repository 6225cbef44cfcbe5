/*
 * output.c — posture_scene_write(): pick the writer for a format and make the
 * file appear atomically (complete, or not at all); and
 * posture_scene_write_buffer(), the same bytes into memory, for a server that
 * sends them on at once (no temporary file, no flush to disk).
 */
#define _GNU_SOURCE /* open_memstream() */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

/* Create the directory part of @p path when missing. */
static int make_parent(posture_ctx *ctx, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return POSTURE_OK;
	char *dir = pst_strndup(path, (size_t)(slash - path));
	if (!dir)
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	int rc = pst_mkdirs(ctx, dir);
	free(dir);
	return rc;
}

/* Write @p scene in @p format to @p fp, reporting problems against @p path. */
static int write_format(posture_ctx *ctx, const posture_scene *scene, FILE *fp, const char *path,
                        posture_format format, const posture_render_opts *opts);

/*
 * Only the PNG writer reads the compact form of a dense layer (scene.h); the
 * others are given the scene with its items expanded (once the pass's data
 * are freed: at a million points some 550 MB more for as long as they write).
 */
static int write_expanded(posture_ctx *ctx, const posture_scene *scene, FILE *fp,
                          const char *path, posture_format format,
                          const posture_render_opts *opts)
{
	if (format == POSTURE_FORMAT_PNG)
		return write_format(ctx, scene, fp, path, format, opts);
	const posture_scene *e;
	if (pst_scene_expanded(scene, &e) != POSTURE_OK)
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	int rc = write_format(ctx, e, fp, path, format, opts);
	pst_scene_expanded_free(scene, e);
	return rc;
}

/*
 * An image has no page for the keys its panel cannot hold (a PDF has them on
 * pages of their own; the HTML map and the map data list every key): the
 * render says so, with what makes room.
 */
static void warn_keys_unlisted(posture_ctx *ctx, const posture_scene *scene, const char *path,
                               posture_format format)
{
	size_t n = pst_scene_keys(scene);
	if (n <= scene->keys_listed || format == POSTURE_FORMAT_PDF ||
	    format == POSTURE_FORMAT_JSON || format == POSTURE_FORMAT_HTML)
		return;
	pst_diag(ctx, POSTURE_WARNING, POSTURE_EDATA, path, 0, 0,
	         "the key panel holds %zu of the map's %zu keys: the names of keys %zu\xE2\x80\x93%zu "
	         "are not on this image (the PDF lists them on a page of their own; the HTML map "
	         "and the map data list every key); a larger --size, or shorter labels "
	         "(citations = numbered), makes room", scene->keys_listed, n, scene->keys_listed + 1, n);
}

static int write_format(posture_ctx *ctx, const posture_scene *scene, FILE *fp, const char *path,
                        posture_format format, const posture_render_opts *opts)
{
	warn_keys_unlisted(ctx, scene, path, format);
	switch (format) {
	case POSTURE_FORMAT_PNG:
		return pst_write_png(ctx, scene, fp, path, opts->scale);
	case POSTURE_FORMAT_PDF:
		return pst_write_cairo_vector(ctx, scene, fp, path, format);
	case POSTURE_FORMAT_SVG:
		if (opts->svg_engine == POSTURE_SVG_ENGINE_CAIRO)
			return pst_write_cairo_vector(ctx, scene, fp, path, POSTURE_FORMAT_SVG);
		return pst_write_svg(ctx, scene, fp, path);
	case POSTURE_FORMAT_SVG_CAIRO:
		return pst_write_cairo_vector(ctx, scene, fp, path, POSTURE_FORMAT_SVG);
	case POSTURE_FORMAT_JSON:
		return pst_write_mapdata(ctx, scene, fp, path);
	case POSTURE_FORMAT_HTML:
		return pst_write_html(ctx, scene, fp, path, opts->live_events);
	default:
		return pst_error(ctx, POSTURE_EUSAGE, path, "unknown output format");
	}
}

/* Render into the temporary side of @p out (opened here). */
static int write_temp(pst_atomic *out, posture_ctx *ctx, const posture_scene *scene,
                      const char *path, posture_format format, const posture_render_opts *opts)
{
	int rc = make_parent(ctx, path);
	if (rc == POSTURE_OK)
		rc = pst_atomic_open(out, ctx, path);
	if (rc != POSTURE_OK)
		return rc;
	rc = write_expanded(ctx, scene, out->fp, path, format, opts);
	if (rc != POSTURE_OK)
		pst_atomic_abort(out);
	return rc;
}

/* @p opts (NULL: the defaults) read as its version says into @p o; false: invalid. */
static bool read_opts(posture_render_opts *o, const posture_render_opts *opts)
{
	*o = (posture_render_opts)POSTURE_RENDER_OPTS_INIT;
	if (opts && opts->version == 1) {
		o->scale = opts->scale; /* a version 1 struct ends after scale */
	} else if (opts && opts->version == 2) {
		o->scale = opts->scale; /* version 2 ends after svg_engine */
		o->svg_engine = opts->svg_engine;
	} else if (opts) {
		*o = *opts;
	}
	return o->version >= 1 && o->version <= POSTURE_RENDER_OPTS_VERSION &&
	       o->scale >= 0.1 && o->scale <= 16 &&
	       (o->svg_engine == POSTURE_SVG_ENGINE_POSTURE ||
	        o->svg_engine == POSTURE_SVG_ENGINE_CAIRO);
}

int posture_scene_write_files(posture_ctx *ctx, const posture_scene *scene, size_t n,
                              const char *const *paths, const posture_format *formats,
                              const posture_render_opts *opts)
{
	posture_render_opts o;
	if (!read_opts(&o, opts))
		return pst_error(ctx, POSTURE_EUSAGE, n ? paths[0] : "output", "invalid render options");
	opts = &o;
	pst_atomic *outs = calloc(n ? n : 1, sizeof(*outs));
	if (!outs)
		return pst_error(ctx, POSTURE_ENOMEM, n ? paths[0] : "output", "out of memory");
	int rc = POSTURE_OK;
	size_t done = 0;
	for (; done < n && rc == POSTURE_OK; done++)
		rc = write_temp(&outs[done], ctx, scene, paths[done], formats[done], opts);
	if (rc != POSTURE_OK)
		done--; /* the failed one cleaned up after itself */
	for (size_t i = 0; i < done; i++) {
		if (rc == POSTURE_OK)
			rc = pst_atomic_commit(&outs[i], ctx);
		else
			pst_atomic_abort(&outs[i]);
	}
	free(outs);
	return rc;
}

int posture_scene_write(posture_ctx *ctx, const posture_scene *scene, const char *path,
                        posture_format format, const posture_render_opts *opts)
{
	return posture_scene_write_files(ctx, scene, 1, &path, &format, opts);
}

int posture_scene_write_buffer(char **out, size_t *len, posture_ctx *ctx,
                               const posture_scene *scene, const char *name,
                               posture_format format, const posture_render_opts *opts)
{
	*out = NULL;
	*len = 0;
	posture_render_opts o;
	if (!read_opts(&o, opts))
		return pst_error(ctx, POSTURE_EUSAGE, name, "invalid render options");
	char *data = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&data, &size);
	if (!fp)
		return pst_error(ctx, POSTURE_ENOMEM, name, "out of memory");
	int rc = write_expanded(ctx, scene, fp, name, format, &o);
	if (fclose(fp) != 0 && rc == POSTURE_OK)
		rc = pst_error(ctx, POSTURE_ENOMEM, name, "out of memory");
	if (rc != POSTURE_OK) {
		free(data);
		return rc;
	}
	*out = data;
	*len = size;
	return POSTURE_OK;
}
