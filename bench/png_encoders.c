/*
 * png_encoders.c — PNG encoders and their settings on a rendered map.
 *
 *   bench-png-encoders MAP.png [RUNS]
 *
 * Reads a render of posture (any 8-bit PNG Cairo reads) and writes it again,
 * RUNS times each (default 5), as 8-bit RGB with: libpng at several row
 * filters, zlib levels and strategies; libspng; and libdeflate behind a small
 * PNG writer of this file (one IDAT, the rows filtered here).  Prints the
 * median time and the file size of each.  This is how png.c's setting was
 * chosen: a map is mostly runs of flat colour, which deflate finds better in
 * raw rows than in filtered ones, so "no filter" is both faster and smaller.
 * Built only when libspng and libdeflate are installed (bench/CMakeLists.txt).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo.h>
#include <libdeflate.h>
#include <png.h>
#include <spng.h>
#include <zlib.h>

typedef struct {
	int width, height, stride;
	const unsigned char *data; /* Cairo RGB24/ARGB32, native-endian */
} image;

static const char *out_path = "bench-png-encoders.out.png";

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Cairo's pixel row to RGB bytes, as png.c does. */
static void rgb_row(unsigned char *out, const image *im, int y)
{
	const uint32_t *px = (const uint32_t *)(im->data + (size_t)y * (size_t)im->stride);
	for (int x = 0; x < im->width; x++) {
		out[3 * x] = (unsigned char)(px[x] >> 16);
		out[3 * x + 1] = (unsigned char)(px[x] >> 8);
		out[3 * x + 2] = (unsigned char)px[x];
	}
}

static long file_size(FILE *fp)
{
	long n = ftell(fp);
	fclose(fp);
	return n;
}

/* libpng with @p filters (PNG_FILTER_* bits), zlib @p level, @p strategy (-1: default). */
static long with_libpng(const image *im, int filters, int level, int strategy)
{
	FILE *fp = fopen(out_path, "wb");
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	unsigned char *row = malloc((size_t)im->width * 3);
	if (!fp || !png || !info || !row || setjmp(png_jmpbuf(png))) {
		fprintf(stderr, "bench-png-encoders: libpng failed\n");
		exit(3);
	}
	png_init_io(png, fp);
	png_set_IHDR(png, info, (png_uint_32)im->width, (png_uint_32)im->height, 8,
	             PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	             PNG_FILTER_TYPE_DEFAULT);
	png_set_filter(png, PNG_FILTER_TYPE_BASE, filters);
	png_set_compression_level(png, level);
	if (strategy >= 0)
		png_set_compression_strategy(png, strategy);
	png_write_info(png, info);
	for (int y = 0; y < im->height; y++) {
		rgb_row(row, im, y);
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
	return file_size(fp);
}

/* libspng, rows given one by one, with @p filters (SPNG_FILTER_CHOICE bits). */
static long with_libspng(const image *im, int filters, int level)
{
	FILE *fp = fopen(out_path, "wb");
	spng_ctx *c = spng_ctx_new(SPNG_CTX_ENCODER);
	unsigned char *row = malloc((size_t)im->width * 3);
	if (!fp || !c || !row) {
		fprintf(stderr, "bench-png-encoders: libspng failed\n");
		exit(3);
	}
	spng_set_png_file(c, fp);
	struct spng_ihdr ihdr = { (uint32_t)im->width, (uint32_t)im->height, 8,
		                  SPNG_COLOR_TYPE_TRUECOLOR, 0, 0, 0 };
	spng_set_ihdr(c, &ihdr);
	spng_set_option(c, SPNG_FILTER_CHOICE, filters);
	spng_set_option(c, SPNG_IMG_COMPRESSION_LEVEL, level);
	spng_encode_image(c, NULL, 0, SPNG_FMT_PNG, SPNG_ENCODE_PROGRESSIVE | SPNG_ENCODE_FINALIZE);
	for (int y = 0; y < im->height; y++) {
		rgb_row(row, im, y);
		spng_encode_row(c, row, (size_t)im->width * 3);
	}
	spng_ctx_free(c);
	free(row);
	return file_size(fp);
}

static void put_be32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
}

static void put_chunk(FILE *fp, const char *type, const unsigned char *data, size_t n)
{
	unsigned char b[8];
	put_be32(b, (uint32_t)n);
	memcpy(b + 4, type, 4);
	fwrite(b, 1, 8, fp);
	fwrite(data, 1, n, fp);
	uint32_t crc = libdeflate_crc32(libdeflate_crc32(0, type, 4), data, n);
	put_be32(b, crc);
	fwrite(b, 1, 4, fp);
}

/* libdeflate over the whole image in one buffer, rows unfiltered (0) or SUB (1). */
static long with_libdeflate(const image *im, int filter, int level)
{
	size_t row_len = (size_t)im->width * 3 + 1, n = row_len * (size_t)im->height;
	unsigned char *raw = malloc(n);
	struct libdeflate_compressor *z = libdeflate_alloc_compressor(level);
	size_t cap = z ? libdeflate_zlib_compress_bound(z, n) : 0;
	unsigned char *packed = malloc(cap + 1);
	FILE *fp = fopen(out_path, "wb");
	if (!raw || !z || !packed || !fp) {
		fprintf(stderr, "bench-png-encoders: libdeflate failed\n");
		exit(3);
	}
	for (int y = 0; y < im->height; y++) {
		unsigned char *r = raw + (size_t)y * row_len;
		r[0] = (unsigned char)filter;
		rgb_row(r + 1, im, y);
		for (size_t x = row_len - 1; filter == 1 && x > 3; x--)
			r[x] = (unsigned char)(r[x] - r[x - 3]);
	}
	size_t got = libdeflate_zlib_compress(z, raw, n, packed, cap);
	unsigned char ihdr[13];
	put_be32(ihdr, (uint32_t)im->width);
	put_be32(ihdr + 4, (uint32_t)im->height);
	memcpy(ihdr + 8, "\x08\x02\x00\x00\x00", 5); /* 8-bit RGB, no interlace */
	fwrite("\x89PNG\r\n\x1a\n", 1, 8, fp);
	put_chunk(fp, "IHDR", ihdr, sizeof(ihdr));
	put_chunk(fp, "IDAT", packed, got);
	put_chunk(fp, "IEND", NULL, 0);
	libdeflate_free_compressor(z);
	free(raw);
	free(packed);
	return file_size(fp);
}

typedef struct {
	const char *name;
	int kind; /* 0 libpng, 1 libspng, 2 libdeflate */
	int filters, level, strategy;
} setting;

static const setting settings[] = {
	{ "libpng, SUB, zlib 3 (posture until 2026-12)", 0, PNG_FILTER_SUB, 3, -1 },
	{ "libpng, SUB, zlib 1", 0, PNG_FILTER_SUB, 1, -1 },
	{ "libpng, SUB, zlib 6", 0, PNG_FILTER_SUB, 6, -1 },
	{ "libpng, SUB, zlib 3, Z_RLE", 0, PNG_FILTER_SUB, 3, Z_RLE },
	{ "libpng, PAETH, zlib 3", 0, PNG_FILTER_PAETH, 3, -1 },
	{ "libpng, adaptive (all filters), zlib 3", 0, PNG_ALL_FILTERS, 3, -1 },
	{ "libpng, none, zlib 1", 0, PNG_FILTER_NONE, 1, -1 },
	{ "libpng, none, zlib 2 (posture now)", 0, PNG_FILTER_NONE, 2, -1 },
	{ "libpng, none, zlib 3", 0, PNG_FILTER_NONE, 3, -1 },
	{ "libspng, SUB, zlib 3", 1, SPNG_FILTER_CHOICE_SUB, 3, -1 },
	{ "libspng, none, zlib 2", 1, SPNG_FILTER_CHOICE_NONE, 2, -1 },
	{ "libdeflate, SUB, level 3", 2, 1, 3, -1 },
	{ "libdeflate, none, level 2", 2, 0, 2, -1 },
	{ "libdeflate, none, level 1", 2, 0, 1, -1 },
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench-png-encoders MAP.png [RUNS]\n");
		return 2;
	}
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	if (runs < 1 || runs > 1000)
		runs = 5;
	cairo_surface_t *s = cairo_image_surface_create_from_png(argv[1]);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "bench-png-encoders: %s: cannot read the PNG\n", argv[1]);
		return 3;
	}
	image im = { cairo_image_surface_get_width(s), cairo_image_surface_get_height(s),
		     cairo_image_surface_get_stride(s), cairo_image_surface_get_data(s) };
	double *t = malloc((size_t)runs * sizeof(double));
	printf("%s: %dx%d, median of %d\n", argv[1], im.width, im.height, runs);
	for (size_t k = 0; k < sizeof(settings) / sizeof(settings[0]); k++) {
		const setting *e = &settings[k];
		long size = 0;
		for (int r = 0; r < runs; r++) {
			double start = now_ms();
			size = e->kind == 0 ? with_libpng(&im, e->filters, e->level, e->strategy)
			       : e->kind == 1 ? with_libspng(&im, e->filters, e->level)
			                      : with_libdeflate(&im, e->filters, e->level);
			t[r] = now_ms() - start;
		}
		qsort(t, (size_t)runs, sizeof(double), cmp_double);
		printf("%-46s %7.1f ms %9ld bytes\n", e->name, t[runs / 2], size);
	}
	remove(out_path);
	free(t);
	cairo_surface_destroy(s);
	return 0;
}
