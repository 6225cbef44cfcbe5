/*
 * render_stages.c — where the time of one render goes.
 *
 * For a map file, times (median of N runs): reading the map and building the
 * scene (shapefiles read, projected, clipped), painting it with Cairo into an
 * image, and encoding that image as PNG with Cairo's own writer and with
 * posture's libpng writer.  Usage: bench-render-stages MAP.ini [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo.h>

#include "backend/backend.h"
#include "posture/posture.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static cairo_status_t discard(void *closure, const unsigned char *data, unsigned int len)
{
	(void)data;
	*(size_t *)closure += len;
	return CAIRO_STATUS_SUCCESS;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s MAP.ini [N]\n", argv[0]);
		return 2;
	}
	int n = argc > 2 ? atoi(argv[2]) : 10;
	if (n < 1 || n > 1000)
		n = 10;
	double *t_build = calloc((size_t)n, sizeof(double)), *t_paint = calloc((size_t)n, sizeof(double));
	double *t_cairo_png = calloc((size_t)n, sizeof(double)), *t_libpng = calloc((size_t)n, sizeof(double));
	size_t cairo_bytes = 0, libpng_bytes = 0;
	for (int i = 0; i < n; i++) {
		posture_ctx *ctx;
		posture_ctx_create(&ctx);
		posture_map *map;
		posture_scene *scene;
		double t0 = now_ms();
		if (posture_map_load(&map, ctx, argv[1]) != POSTURE_OK ||
		    posture_scene_build(&scene, ctx, map) != POSTURE_OK) {
			fprintf(stderr, "%s: cannot build the map\n", argv[1]);
			return 1;
		}
		double t1 = now_ms();
		cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)scene->width,
		                                                  (int)scene->height);
		cairo_t *cr = cairo_create(img);
		pst_cairo_paint(cr, scene, 0.25);
		cairo_destroy(cr);
		cairo_surface_flush(img);
		double t2 = now_ms();
		cairo_bytes = 0;
		cairo_surface_write_to_png_stream(img, discard, &cairo_bytes);
		double t3 = now_ms();
		FILE *devnull = fopen("/tmp/posture-bench.png", "wb");
		pst_write_png(ctx, scene, devnull, "/tmp/posture-bench.png", 1.0);
		libpng_bytes = (size_t)ftell(devnull);
		fclose(devnull);
		double t4 = now_ms();
		t_build[i] = t1 - t0;
		t_paint[i] = t2 - t1;
		t_cairo_png[i] = t3 - t2;
		t_libpng[i] = (t4 - t3) - (t2 - t1); /* pst_write_png paints again */
		cairo_surface_destroy(img);
		posture_scene_destroy(scene);
		posture_map_destroy(map);
		posture_ctx_destroy(ctx);
	}
	printf("map                     %s (median of %d)\n", argv[1], n);
	printf("read+project+scene      %8.1f ms\n", median(t_build, n));
	printf("cairo paint             %8.1f ms\n", median(t_paint, n));
	printf("cairo PNG writer        %8.1f ms  %zu bytes\n", median(t_cairo_png, n), cairo_bytes);
	printf("posture libpng writer   %8.1f ms  %zu bytes\n", median(t_libpng, n), libpng_bytes);
	free(t_build);
	free(t_paint);
	free(t_cairo_png);
	free(t_libpng);
	posture_shutdown();
	return 0;
}
