/*
 * floor.c — the floor of the benchmark: only the unavoidable work of drawing
 * a map's base geography, against which posture's own render is measured.
 *
 *   bench-floor SHAPES_DIR 'PROJ STRING' X0 Y0 X1 Y1 WIDTH HEIGHT OUT.{png,pdf,svg}
 *
 * Reads countries, lakes, rivers and borders with shapelib, projects each
 * layer with one proj_trans_generic call, fills and strokes every shape with
 * Cairo on a WIDTH x HEIGHT page whose corners are the frame X0 Y0 X1 Y1 (map
 * units), and writes the PNG with libpng (RGB, unfiltered, zlib level 2: the
 * fastest of libpng's settings on a map, bench/README.md) or the PDF or SVG
 * through Cairo's surfaces.  No validation, clipping,
 * simplification, labels or furniture: nothing posture could skip is here.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <png.h>
#include <proj.h>
#include <shapefil.h>

typedef struct {
	double sx, x0, y1; /* page points per map unit; the frame's left and top */
} frame;

static void draw_layer(cairo_t *cr, PJ *pj, const char *dir, const char *name, bool fill,
                       double r, double g, double b, double width, const frame *f)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	SHPHandle shp = SHPOpen(path, "rb");
	if (!shp) {
		fprintf(stderr, "bench-floor: cannot open %s\n", path);
		exit(3);
	}
	int n = 0;
	SHPGetInfo(shp, &n, NULL, NULL, NULL);
	SHPObject **objs = calloc((size_t)n + 1, sizeof(*objs));
	size_t total = 0;
	for (int i = 0; i < n; i++) {
		objs[i] = SHPReadObject(shp, i);
		total += objs[i] ? (size_t)objs[i]->nVertices : 0;
	}
	double *xy = malloc(total * 2 * sizeof(double) + 16);
	size_t k = 0;
	for (int i = 0; i < n; i++)
		for (int v = 0; objs[i] && v < objs[i]->nVertices; v++) {
			xy[2 * k] = objs[i]->padfX[v];
			xy[2 * k + 1] = objs[i]->padfY[v];
			k++;
		}
	proj_trans_generic(pj, PJ_FWD, xy, 2 * sizeof(double), total, xy + 1, 2 * sizeof(double),
	                   total, NULL, 0, 0, NULL, 0, 0);
	k = 0;
	cairo_set_source_rgb(cr, r, g, b);
	cairo_set_line_width(cr, width);
	for (int i = 0; i < n; i++) {
		SHPObject *o = objs[i];
		for (int p = 0; o && p < o->nParts; p++) {
			int end = p + 1 < o->nParts ? o->panPartStart[p + 1] : o->nVertices;
			for (int v = o->panPartStart[p]; v < end; v++) {
				double x = (xy[2 * (k + (size_t)v)] - f->x0) * f->sx;
				double y = (f->y1 - xy[2 * (k + (size_t)v) + 1]) * f->sx;
				if (!isfinite(x) || !isfinite(y))
					continue;
				(v == o->panPartStart[p] ? cairo_move_to : cairo_line_to)(cr, x, y);
			}
			if (fill)
				cairo_close_path(cr);
		}
		if (o && fill) {
			cairo_fill_preserve(cr);
			cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
			cairo_stroke(cr);
			cairo_set_source_rgb(cr, r, g, b);
		} else if (o) {
			cairo_stroke(cr);
		}
		k += o ? (size_t)o->nVertices : 0;
		SHPDestroyObject(o);
	}
	free(objs);
	free(xy);
	SHPClose(shp);
}

static void write_png(cairo_surface_t *s, const char *path)
{
	FILE *fp = fopen(path, "wb");
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	if (!fp || !png || !info || setjmp(png_jmpbuf(png))) {
		fprintf(stderr, "bench-floor: cannot write %s\n", path);
		exit(3);
	}
	png_init_io(png, fp);
	int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
	             PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
	png_set_compression_level(png, 2);
	png_write_info(png, info);
	cairo_surface_flush(s);
	const unsigned char *data = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	unsigned char *row = malloc((size_t)w * 3);
	for (int y = 0; y < h; y++) {
		const uint32_t *px = (const uint32_t *)(data + (size_t)y * (size_t)stride);
		for (int x = 0; x < w; x++) {
			row[3 * x] = (unsigned char)(px[x] >> 16);
			row[3 * x + 1] = (unsigned char)(px[x] >> 8);
			row[3 * x + 2] = (unsigned char)px[x];
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(row);
	fclose(fp);
}

int main(int argc, char **argv)
{
	if (argc != 10) {
		fprintf(stderr, "usage: bench-floor SHAPES 'PROJ' X0 Y0 X1 Y1 WIDTH HEIGHT OUT\n");
		return 2;
	}
	double x0 = atof(argv[3]), x1 = atof(argv[5]), y1 = atof(argv[6]);
	double w = atof(argv[7]), h = atof(argv[8]);
	const char *out = argv[9], *ext = strrchr(out, '.');
	frame f = { w / (x1 - x0), x0, y1 };
	PJ_CONTEXT *ctx = proj_context_create();
	PJ *raw = proj_create_crs_to_crs(ctx, "+proj=longlat +datum=WGS84 +type=crs", argv[2], NULL);
	PJ *pj = raw ? proj_normalize_for_visualization(ctx, raw) : NULL;
	if (!pj) {
		fprintf(stderr, "bench-floor: bad projection\n");
		return 1;
	}
	cairo_surface_t *s = !ext ? NULL
	                     : !strcmp(ext, ".pdf") ? cairo_pdf_surface_create(out, w, h)
	                     : !strcmp(ext, ".svg") ? cairo_svg_surface_create(out, w, h)
	                     : cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 0.84, 0.91, 0.96);
	cairo_paint(cr);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	draw_layer(cr, pj, argv[1], "countries", true, 0.96, 0.95, 0.92, 0.5, &f);
	draw_layer(cr, pj, argv[1], "lakes", true, 0.84, 0.91, 0.96, 0.5, &f);
	draw_layer(cr, pj, argv[1], "rivers", false, 0.55, 0.72, 0.86, 0.8, &f);
	draw_layer(cr, pj, argv[1], "borders", false, 0.45, 0.45, 0.45, 0.9, &f);
	cairo_destroy(cr);
	if (!strcmp(ext ? ext : "", ".png"))
		write_png(s, out);
	cairo_surface_finish(s);
	cairo_surface_destroy(s);
	proj_destroy(pj);
	proj_destroy(raw);
	proj_context_destroy(ctx);
	return 0;
}
