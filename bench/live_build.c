/*
 * live_build.c — the server side of edit to preview (bench/live), alone:
 * what `posture serve` does after a save, in one process, without a browser.
 *
 * The map is built once with a store of inputs (posture_inputs, as serve's
 * live.c keeps one); then, N times, LAYER is written again (the same bytes,
 * so its time of change moves on, as an editor's save), the store forgets
 * it, and the map is loaded, built and written as the live HTML page.  For
 * each rebuild: wall time, CPU time of the process, and the CPU time label
 * placement took.  Usage: bench-live-build MAP.ini LAYER [N]
 * With BENCH_LIVE_MOVE=1, each write is an edit of LAYER as bench/live makes
 * one with it (tests/tools/edit-layer.py, from the current directory or
 * POSTURE_SOURCE_DIR): its item renamed and moved round Dushanbe, 0.2° a step
 * (LAYER is changed: give it a copy of the map).
 */
#define _GNU_SOURCE /* realpath() */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "posture/posture.h"

static double now_ms(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Write @p path again with the bytes it has. */
static int rewrite(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return -1;
	char *data = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[65536];
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (len + n > cap) {
			cap = (len + n) * 2;
			char *p = realloc(data, cap);
			if (!p) {
				fclose(fp);
				free(data);
				return -1;
			}
			data = p;
		}
		memcpy(data + len, chunk, n);
		len += n;
	}
	fclose(fp);
	fp = fopen(path, "wb");
	int rc = fp && fwrite(data, 1, len, fp) == len ? 0 : -1;
	if (fp && fclose(fp) != 0)
		rc = -1;
	free(data);
	return rc;
}

/* Edit @p path as bench/live.js does with BENCH_LIVE_MOVE=1 (edit @p k). */
static int move(const char *path, int k)
{
	const char *src = getenv("POSTURE_SOURCE_DIR");
	double a = (k % 12) * 3.14159265358979 / 6;
	char cmd[8192];
	snprintf(cmd, sizeof(cmd),
	         "python3 '%s/tests/tools/edit-layer.py' stage 'name=Edit %d@%.3f,%.3f' '%s' && "
	         "mv '%s.new' '%s'",
	         src && *src ? src : ".", k, 69.0 + 0.2 * cos(a), 38.6 + 0.2 * sin(a), path, path,
	         path);
	return system(cmd) == 0 ? 0 : -1;
}

/* The paths the build recorded for LAYER (as live.c forgets them when it changes). */
static char *layer_paths[16];
static size_t n_layer_paths;

static void note_layer_paths(const posture_ctx *ctx, const char *layer)
{
	char want[PATH_MAX], got[PATH_MAX];
	if (!realpath(layer, want))
		return;
	for (size_t i = 0; i < posture_ctx_read_count(ctx) && n_layer_paths < 16; i++)
		if (realpath(posture_ctx_read_path(ctx, i), got) && !strcmp(got, want))
			layer_paths[n_layer_paths++] = strdup(posture_ctx_read_path(ctx, i));
}

/* Load, build and write the live page; the label placement CPU time in *label_ms. */
static int build_once(posture_inputs *in, const char *map_path, const char *out,
                      double *label_ms, const char *layer)
{
	posture_ctx *ctx;
	posture_map *map = NULL;
	posture_scene *scene = NULL;
	if (posture_ctx_create(&ctx) != POSTURE_OK)
		return -1;
	posture_render_opts opts = POSTURE_RENDER_OPTS_INIT;
	opts.live_events = "/events?since=1";
	int rc = posture_map_load(&map, ctx, map_path);
	if (rc == POSTURE_OK)
		rc = posture_scene_build_with(&scene, ctx, map, in);
	if (rc == POSTURE_OK)
		rc = posture_scene_write(ctx, scene, out, POSTURE_FORMAT_HTML, &opts);
	if (rc == POSTURE_OK) {
		posture_label_stats st;
		posture_scene_label_stats(scene, &st);
		*label_ms = st.cpu_seconds * 1e3;
	}
	if (layer)
		note_layer_paths(ctx, layer);
	for (size_t i = 0; rc != POSTURE_OK && i < posture_ctx_diag_count(ctx); i++) {
		char line[2048];
		posture_diag_format(line, sizeof(line), posture_ctx_diag(ctx, i));
		fprintf(stderr, "%s\n", line);
	}
	posture_scene_destroy(scene);
	posture_map_destroy(map);
	posture_ctx_destroy(ctx);
	return rc == POSTURE_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s MAP.ini LAYER [N]\n", argv[0]);
		return 2;
	}
	int n = argc > 3 ? atoi(argv[3]) : 20;
	if (n < 1 || n > 1000)
		n = 20;
	const char *tmp = getenv("TMPDIR");
	char out[4096];
	snprintf(out, sizeof(out), "%s/posture-bench-live.html", tmp && *tmp ? tmp : "/tmp");
	posture_inputs *in;
	if (posture_inputs_create(&in) != POSTURE_OK)
		return 1;
	double label = 0, t0 = now_ms(CLOCK_MONOTONIC), c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
	if (build_once(in, argv[1], out, &label, argv[2]) != 0 || !n_layer_paths) {
		fprintf(stderr, "%s: cannot build the map, or it does not read %s\n", argv[1], argv[2]);
		return 1;
	}
	for (size_t k = 0; k < n_layer_paths; k++)
		printf("forgets %s\n", layer_paths[k]);
	printf("first build              %8.1f ms (%.1f ms CPU)\n", now_ms(CLOCK_MONOTONIC) - t0,
	       now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0);
	double *wall = calloc((size_t)n, sizeof(double)), *cpu = calloc((size_t)n, sizeof(double));
	double *labels = calloc((size_t)n, sizeof(double));
	if (!wall || !cpu || !labels)
		return 1;
	for (int i = 0; i < n; i++) {
		const char *mv = getenv("BENCH_LIVE_MOVE");
		if ((mv && !strcmp(mv, "1") ? move(argv[2], i + 1) : rewrite(argv[2])) != 0) {
			fprintf(stderr, "%s: cannot write it again\n", argv[2]);
			return 1;
		}
		t0 = now_ms(CLOCK_MONOTONIC);
		c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
		for (size_t k = 0; k < n_layer_paths; k++)
			posture_inputs_forget(in, layer_paths[k]);
		if (build_once(in, argv[1], out, &labels[i], NULL) != 0)
			return 1;
		wall[i] = now_ms(CLOCK_MONOTONIC) - t0;
		cpu[i] = now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
	}
	printf("rebuild after an edit    %8.1f ms wall, %.1f ms CPU (medians of %d)\n",
	       median(wall, n), median(cpu, n), n);
	printf("  of which labels        %8.1f ms CPU\n", median(labels, n));
	printf("  slowest                %8.1f ms wall, %.1f ms CPU\n", wall[n - 1], cpu[n - 1]);
	remove(out);
	free(wall);
	free(cpu);
	free(labels);
	posture_inputs_destroy(in);
	posture_shutdown();
	return 0;
}
