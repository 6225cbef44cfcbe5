/*
 * png.c — raster output: Cairo paints into an image surface in two bands of
 * rows, on two threads; zlib deflates each band; libpng writes the file's
 * chunks around the joined stream (see "two bands" below).
 *
 * Cairo's own PNG writer compresses at zlib's default level with adaptive
 * filtering, which costs several times the painting itself on a 2000×1400
 * map.  The page is opaque (the ground is painted first), so pixels go out
 * as 8-bit RGB, unfiltered, at zlib level 2: a map is mostly runs of flat
 * colour, which deflate finds better in the raw rows than in filtered ones,
 * so this is both the fastest and the smallest of libpng's filters and low
 * levels, and faster than libspng (measured in bench/README.md).
 *
 * The image's pixels come from pst_big_alloc (huge pages where the kernel
 * allows them): first-touch page faults of an 11 MB image were a tenth of a
 * small render.  The README's dependency list names libpng-dev, which
 * brings zlib's headers (zlib1g-dev).
 */
#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <zlib.h>

#include "backend.h"

typedef struct {
	posture_ctx *ctx;
	const char *path;
} png_errctx;

static void on_png_error(png_structp png, png_const_charp msg)
{
	png_errctx *e = png_get_error_ptr(png);
	/* libpng says "Write Error" when fwrite fails; errno says why (a full disk). */
	pst_error(e->ctx, POSTURE_EIO, e->path, "cannot write file: %s", errno ? strerror(errno) : msg);
	png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* Cairo's ARGB32 (native-endian, premultiplied; opaque here) to RGB bytes. */
static void argb_to_rgb(unsigned char *out, const unsigned char *row, int width)
{
	const uint32_t *px = (const uint32_t *)row;
	for (int x = 0; x < width; x++) {
		uint32_t p = px[x];
		out[3 * x] = (unsigned char)(p >> 16);
		out[3 * x + 1] = (unsigned char)(p >> 8);
		out[3 * x + 2] = (unsigned char)p;
	}
}

/* Title and text alternative as PNG text chunks (UTF-8, so iTXt). */
static void set_text(png_structp png, png_infop info, const posture_scene *s)
{
	png_text text[2];
	int n = 0;
	memset(text, 0, sizeof(text));
	if (s->title && s->title[0]) {
		text[n].compression = PNG_ITXT_COMPRESSION_NONE;
		text[n].key = "Title";
		text[n++].text = s->title;
	}
	if (s->description) {
		text[n].compression = PNG_ITXT_COMPRESSION_NONE;
		text[n].key = "Description";
		text[n++].text = s->description;
	}
	if (n)
		png_set_text(png, info, text, n);
}


/*
 * The image is painted and deflated in two bands of rows, the lower one on a
 * second thread: each band is a Cairo surface over its rows of the one pixel
 * buffer, translated by a whole number of pixels (so every coordinate reaching
 * Cairo is the same one less an integer, and every pixel the same as painted
 * whole), then its rows go out as a raw deflate stream of their own, the upper
 * one ending on a byte boundary (Z_SYNC_FLUSH), as pigz joins its blocks.  The
 * split is fixed (half the rows), so a file is the same whether the second
 * thread ran or the bands were painted in turn (when it could not be started),
 * on any machine.
 */
#define N_BANDS 2
#define IDAT_MAX (256 * 1024) /* bytes of one IDAT chunk */

typedef struct {
	const posture_scene *scene; /**< what is painted (read only) */
	unsigned char *pixels;      /**< the whole image's first row */
	int width, stride;          /**< of the whole image */
	int y0, y1;                 /**< the band's rows, [y0, y1) */
	double scale;               /**< pixels per point */
	bool last;                  /**< the lowest band: its stream ends the data */
	cairo_status_t status;      /**< Cairo's first error painting the band */
	int zstatus;                /**< Z_OK, or zlib's error (Z_MEM_ERROR) */
	unsigned char *z;           /**< the band's deflate stream (malloc) */
	size_t n_z;                 /**< its length */
	uLong adler;                /**< Adler-32 of the band's filtered rows */
	uLong n_raw;                /**< their length in bytes */
} band;

static void paint_band(band *b)
{
	size_t offset = (size_t)b->y0 * (size_t)b->stride;
	memset(b->pixels + offset, 0, (size_t)(b->y1 - b->y0) * (size_t)b->stride);
	cairo_surface_t *img = cairo_image_surface_create_for_data(
		b->pixels + offset, CAIRO_FORMAT_RGB24, b->width, b->y1 - b->y0, b->stride);
	cairo_t *cr = cairo_create(img);
	cairo_translate(cr, 0, -b->y0);
	cairo_scale(cr, b->scale, b->scale);
	pst_cairo_paint(cr, b->scene, 0.25 / b->scale);
	b->status = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_flush(img);
	cairo_surface_destroy(img);
}

/* The band's rows, each a filter byte (none) and RGB, into b->z. */
static void deflate_band(band *b)
{
	size_t row_len = 1 + 3 * (size_t)b->width;
	b->n_raw = (uLong)(row_len * (size_t)(b->y1 - b->y0));
	b->adler = adler32(0L, Z_NULL, 0);
	z_stream z;
	memset(&z, 0, sizeof(z));
	unsigned char *row = malloc(row_len);
	b->zstatus = row ? deflateInit2(&z, 2, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) : Z_MEM_ERROR;
	if (b->zstatus != Z_OK) {
		free(row);
		return;
	}
	size_t cap = deflateBound(&z, b->n_raw) + 16;
	if (!(b->z = malloc(cap))) {
		deflateEnd(&z);
		free(row);
		b->zstatus = Z_MEM_ERROR;
		return;
	}
	z.next_out = b->z;
	if (b->y0 == 0) { /* zlib's header: deflate, 32 KiB window, FLEVEL 1 (levels 2 to 5) */
		*z.next_out++ = 0x78;
		*z.next_out++ = 0x5e;
	}
	z.avail_out = (uInt)(cap - 2 - 4); /* room for the header and, last, the Adler-32 */
	row[0] = 0;
	for (int y = b->y0; y < b->y1 && b->zstatus == Z_OK; y++) {
		argb_to_rgb(row + 1, b->pixels + (size_t)y * (size_t)b->stride, b->width);
		b->adler = adler32(b->adler, row, (uInt)row_len);
		z.next_in = row;
		z.avail_in = (uInt)row_len;
		if (deflate(&z, Z_NO_FLUSH) != Z_OK)
			b->zstatus = Z_BUF_ERROR;
	}
	z.avail_in = 0; /* the end: the last band's stream finished, the others byte-aligned */
	int rc = b->zstatus == Z_OK ? deflate(&z, b->last ? Z_FINISH : Z_SYNC_FLUSH) : Z_OK;
	if (rc != Z_OK && rc != Z_STREAM_END)
		b->zstatus = rc;
	b->n_z = (size_t)(z.next_out - b->z);
	deflateEnd(&z);
	free(row);
}

static void *band_thread(void *arg)
{
	band *b = arg;
	paint_band(b);
	if (b->status == CAIRO_STATUS_SUCCESS)
		deflate_band(b);
	return NULL;
}

/* @p data as IDAT chunks of at most IDAT_MAX bytes. */
static void write_idat(png_structp png, const unsigned char *data, size_t n)
{
	for (size_t at = 0; at < n; at += IDAT_MAX)
		png_write_chunk(png, (png_const_bytep) "IDAT", data + at,
		                n - at < IDAT_MAX ? n - at : IDAT_MAX);
}

/*
 * The file: libpng writes the signature, header and text chunks; the image
 * data is the bands' streams in order (the first begins with zlib's header)
 * and the Adler-32 of all the rows, appended to the last.
 */
static int write_file(posture_ctx *ctx, const posture_scene *s, band *bands, FILE *fp,
                      const char *path)
{
	png_errctx e = { ctx, path };
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &e, on_png_error,
	                                          on_png_warning);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!png || !info) {
		png_destroy_write_struct(&png, &info);
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory writing PNG");
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return POSTURE_EIO;
	}
	errno = 0;
	png_init_io(png, fp);
	png_set_IHDR(png, info, (png_uint_32)bands[0].width, (png_uint_32)bands[N_BANDS - 1].y1, 8,
	             PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	             PNG_FILTER_TYPE_DEFAULT);
	set_text(png, info, s);
	png_write_info(png, info);
	uLong adler = bands[0].adler;
	for (int i = 1; i < N_BANDS; i++)
		adler = adler32_combine(adler, bands[i].adler, (z_off_t)bands[i].n_raw);
	band *last = &bands[N_BANDS - 1];
	for (int shift = 24; shift >= 0; shift -= 8)
		last->z[last->n_z++] = (unsigned char)(adler >> shift);
	for (int i = 0; i < N_BANDS; i++)
		write_idat(png, bands[i].z, bands[i].n_z);
	png_write_chunk(png, (png_const_bytep) "IEND", NULL, 0);
	png_destroy_write_struct(&png, &info);
	return POSTURE_OK;
}

int pst_write_png(posture_ctx *ctx, const posture_scene *s, FILE *fp, const char *path,
                  double scale)
{
	double wd = ceil(s->width * scale - 1e-9), hd = ceil(s->height * scale - 1e-9);
	if (wd > PST_MAX_PNG_SIDE || hd > PST_MAX_PNG_SIDE)
		return pst_error(ctx, POSTURE_EUSAGE, path,
		                 "PNG would be %.0fx%.0f pixels; at most %d a side (lower --scale or size)",
		                 wd, hd, PST_MAX_PNG_SIDE);
	int w = (int)wd, h = (int)hd;
	int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, w);
	unsigned char *pixels = stride > 0 ? pst_big_alloc((size_t)stride * (size_t)h) : NULL;
	if (!pixels)
		return pst_error(ctx, POSTURE_ENOMEM, path, "cannot allocate a %.0fx%.0f image", wd, hd);
	int split = h / 2; /* halving by vertices and labels instead measured no faster */
	band bands[N_BANDS];
	for (int i = 0; i < N_BANDS; i++)
		bands[i] = (band){ .scene = s, .pixels = pixels, .width = w, .stride = stride,
			           .y0 = i ? split : 0, .y1 = i ? h : split, .scale = scale,
			           .last = i == N_BANDS - 1, .zstatus = Z_OK };
	/* The lower band on a second thread; in turn, with the same bytes, if none starts. */
	pthread_t thread;
	bool threaded = pthread_create(&thread, NULL, band_thread, &bands[1]) == 0;
	band_thread(&bands[0]);
	if (threaded)
		pthread_join(thread, NULL);
	else
		band_thread(&bands[1]);
	int rc = POSTURE_OK;
	for (int i = 0; i < N_BANDS && rc == POSTURE_OK; i++) {
		if (bands[i].status != CAIRO_STATUS_SUCCESS)
			rc = pst_error(ctx, pst_cairo_code(bands[i].status), path, "drawing failed: %s",
			               cairo_status_to_string(bands[i].status));
		else if (bands[i].zstatus != Z_OK)
			rc = pst_error(ctx, POSTURE_ENOMEM, path, "out of memory writing PNG");
	}
	if (rc == POSTURE_OK)
		rc = write_file(ctx, s, bands, fp, path);
	for (int i = 0; i < N_BANDS; i++)
		free(bands[i].z);
	free(pixels);
	return rc;
}
