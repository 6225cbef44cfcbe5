/*
 * png.c — raster output: Cairo paints into an image surface, libpng writes it.
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
 * small render.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

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

static int encode(posture_ctx *ctx, const posture_scene *s, cairo_surface_t *img, FILE *fp,
                  const char *path)
{
	png_errctx e = { ctx, path };
	int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
	int stride = cairo_image_surface_get_stride(img);
	const unsigned char *data = cairo_image_surface_get_data(img);
	unsigned char *volatile row = malloc((size_t)w * 3);
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &e, on_png_error,
	                                          on_png_warning);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!row || !png || !info) {
		png_destroy_write_struct(&png, &info);
		free(row);
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory writing PNG");
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(row);
		return POSTURE_EIO;
	}
	errno = 0;
	png_init_io(png, fp);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
	             PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
	set_text(png, info, s);
	png_set_compression_level(png, 2);
	png_write_info(png, info);
	for (int y = 0; y < h; y++) {
		argb_to_rgb(row, data + (size_t)y * (size_t)stride, w);
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
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
	int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, (int)wd);
	unsigned char *pixels = stride > 0 ? pst_big_alloc((size_t)stride * (size_t)hd) : NULL;
	cairo_surface_t *img = pixels ? cairo_image_surface_create_for_data(
	                                        pixels, CAIRO_FORMAT_RGB24, (int)wd, (int)hd, stride)
	                              : NULL;
	if (!img || cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		free(pixels);
		return pst_error(ctx, POSTURE_ENOMEM, path, "cannot allocate a %.0fx%.0f image", wd, hd);
	}
	memset(pixels, 0, (size_t)stride * (size_t)hd); /* as cairo_image_surface_create does */
	cairo_t *cr = cairo_create(img);
	cairo_scale(cr, scale, scale);
	pst_cairo_paint(cr, s, 0.25 / scale);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_flush(img);
	int rc = st == CAIRO_STATUS_SUCCESS
	                 ? encode(ctx, s, img, fp, path)
	                 : pst_error(ctx, pst_cairo_code(st), path, "drawing failed: %s",
	                             cairo_status_to_string(st));
	cairo_surface_destroy(img);
	free(pixels);
	return rc;
}
