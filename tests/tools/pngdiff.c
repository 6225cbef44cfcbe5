/*
 * pngdiff.c — loose comparison of two renders of the same map.
 *
 *   pngdiff [--level N] [--max-percent P] [--diff OUT.png] A.png B.png
 *
 * Both images are read with libpng (any PNG it reads: 8-bit RGB and RGBA
 * are what posture, rsvg-convert and Chromium write), composited over
 * white, and compared pixel by pixel: a pixel differs when any channel
 * differs by more than N levels (default 32).  Prints the share of pixels
 * that differ and exits 0 when it is at most P percent (default 2), 1 when
 * more, 2 when an image cannot be read or the sizes differ.  --diff writes
 * the differing pixels in red over a faded copy of A, to see where.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

typedef struct {
	png_image info;
	unsigned char *rgba; /* width * height * 4, composited over white (alpha 255) */
} image;

static int load(image *img, const char *path)
{
	memset(img, 0, sizeof(*img));
	img->info.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img->info, path)) {
		fprintf(stderr, "pngdiff: %s: %s\n", path, img->info.message);
		return -1;
	}
	img->info.format = PNG_FORMAT_RGBA;
	size_t n = (size_t)img->info.width * img->info.height * 4;
	img->rgba = malloc(n ? n : 1);
	if (!img->rgba || !png_image_finish_read(&img->info, NULL, img->rgba, 0, NULL)) {
		fprintf(stderr, "pngdiff: %s: %s\n", path, img->rgba ? img->info.message : "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i += 4) {
		unsigned a = img->rgba[i + 3];
		for (int c = 0; c < 3; c++)
			img->rgba[i + c] = (unsigned char)((img->rgba[i + c] * a + 255 * (255 - a) + 127) / 255);
		img->rgba[i + 3] = 255;
	}
	return 0;
}

static int write_diff(const char *path, const image *a, const unsigned char *differs)
{
	png_image out = a->info;
	out.format = PNG_FORMAT_RGB;
	size_t n = (size_t)a->info.width * a->info.height;
	unsigned char *rgb = malloc(n * 3 + 1);
	if (!rgb)
		return -1;
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < 3; c++)
			rgb[3 * i + c] = (unsigned char)(192 + a->rgba[4 * i + c] / 4);
		if (differs[i]) {
			rgb[3 * i] = 230;
			rgb[3 * i + 1] = 0;
			rgb[3 * i + 2] = 0;
		}
	}
	int ok = png_image_write_to_file(&out, path, 0, rgb, 0, NULL);
	free(rgb);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	int level = 32;
	double max_percent = 2.0;
	const char *diff_path = NULL, *paths[2];
	int n_paths = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--level") && i + 1 < argc)
			level = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--max-percent") && i + 1 < argc)
			max_percent = atof(argv[++i]);
		else if (!strcmp(argv[i], "--diff") && i + 1 < argc)
			diff_path = argv[++i];
		else if (n_paths < 2 && argv[i][0] != '-')
			paths[n_paths++] = argv[i];
		else {
			fprintf(stderr, "usage: pngdiff [--level N] [--max-percent P] [--diff OUT.png] A.png B.png\n");
			return 2;
		}
	}
	if (n_paths != 2) {
		fprintf(stderr, "usage: pngdiff [--level N] [--max-percent P] [--diff OUT.png] A.png B.png\n");
		return 2;
	}
	image a, b;
	if (load(&a, paths[0]) || load(&b, paths[1]))
		return 2;
	if (a.info.width != b.info.width || a.info.height != b.info.height) {
		fprintf(stderr, "pngdiff: sizes differ: %ux%u and %ux%u\n", a.info.width, a.info.height,
		        b.info.width, b.info.height);
		return 2;
	}
	size_t n = (size_t)a.info.width * a.info.height, count = 0;
	unsigned char *differs = calloc(n ? n : 1, 1);
	if (!differs)
		return 2;
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < 3; c++)
			if (abs(a.rgba[4 * i + c] - b.rgba[4 * i + c]) > level)
				differs[i] = 1;
		count += differs[i];
	}
	double percent = n ? 100.0 * (double)count / (double)n : 0;
	printf("%zu of %zu pixels differ by more than %d levels (%.3f%%, limit %.3g%%)\n", count, n,
	       level, percent, max_percent);
	if (diff_path && write_diff(diff_path, &a, differs) != 0)
		fprintf(stderr, "pngdiff: cannot write %s\n", diff_path);
	free(differs);
	free(a.rgba);
	free(b.rgba);
	return percent <= max_percent ? 0 : 1;
}
