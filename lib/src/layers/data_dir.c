/*
 * data_dir.c — loading the data of a whole directory (what `posture check`
 * and `posture list` read): every *.geojson in it, in name order, with its
 * sources.json, and the base geography in the shapes/ folder beside it.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "layer.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_layers(char ***out, size_t *n, posture_ctx *ctx, const char *dir)
{
	*out = NULL;
	*n = 0;
	pst_ctx_note_read(ctx, dir, true);
	DIR *d = opendir(dir);
	if (!d)
		return pst_error(ctx, POSTURE_EIO, dir, "cannot open the layers directory");
	size_t cap = 0;
	int rc = POSTURE_OK;
	struct dirent *e;
	while (rc == POSTURE_OK && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		bool geojson = len > 8 && strcmp(e->d_name + len - 8, ".geojson") == 0;
		bool gpkg = len > 5 && strcmp(e->d_name + len - 5, ".gpkg") == 0;
		if (!geojson && !gpkg)
			continue;
		char *path = pst_asprintf("%s/%s", dir, e->d_name);
		if (!path || pst_grow((void **)out, &cap, *n + 1, sizeof(char *))) {
			free(path);
			rc = pst_error(ctx, POSTURE_ENOMEM, dir, "out of memory");
			break;
		}
		(*out)[(*n)++] = path;
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(char *), cmp_str);
	return rc;
}

int posture_data_load_dir(posture_data **out, posture_ctx *ctx, const char *dir,
                          const posture_check_opts *opts)
{
	*out = NULL;
	posture_check_opts o = POSTURE_CHECK_OPTS_INIT;
	if (opts)
		o = *opts;
	char **layers = NULL;
	size_t n = 0;
	int rc = list_layers(&layers, &n, ctx, dir);
	char *sources = pst_asprintf("%s/sources.json", dir);
	char *shapes = o.shapes_dir ? NULL : pst_asprintf("%s/../shapes", dir);
	if (!o.shapes_dir)
		o.shapes_dir = shapes;
	struct stat st;
	if (rc == POSTURE_OK && (!sources || !o.shapes_dir))
		rc = pst_error(ctx, POSTURE_ENOMEM, dir, "out of memory");
	if (rc == POSTURE_OK && n == 0)
		rc = pst_error(ctx, POSTURE_EDATA, dir, "holds no .geojson layers");
	if (rc == POSTURE_OK)
		rc = pst_data_load(out, ctx, lstat(sources, &st) == 0 ? sources : NULL,
		                   (const char *const *)layers, n, &o, dir, NULL);
	for (size_t i = 0; i < n; i++)
		free(layers[i]);
	free(layers);
	free(sources);
	free(shapes);
	return rc;
}
