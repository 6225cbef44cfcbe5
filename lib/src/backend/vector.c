/*
 * vector.c — PDF and SVG through Cairo's vector surfaces.
 *
 * The page is `size` points.  Geometry is simplified to 0.05 pt, below what
 * a 600 dpi printer resolves at 1:1.  For byte-identical output from
 * identical input, the PDF's creation date is fixed: SOURCE_DATE_EPOCH when
 * set, else the map's "as of" date.  The text alternative is the PDF's subject.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "backend.h"

#define VECTOR_TOLERANCE 0.05

static cairo_status_t write_to_file(void *closure, const unsigned char *data, unsigned int n)
{
	return fwrite(data, 1, n, closure) == n ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Metadata text from the data, cleaned as labels are (Cairo refuses
 * noncharacters such as U+FFFE); false when out of memory. */
static bool set_clean(cairo_surface_t *surface, cairo_pdf_metadata_t key, const char *text)
{
	char *clean = pst_strdup(text);
	if (!clean)
		return false;
	pst_text_clean(clean);
	cairo_pdf_surface_set_metadata(surface, key, clean);
	free(clean);
	return true;
}

static bool pdf_metadata(cairo_surface_t *surface, const posture_scene *s)
{
	char date[32] = "1970-01-01T00:00:00Z";
	if (s->date) { /* the map's "as of" date: 2019, 2019-11 or 2019-11-07 */
		int y = 0, m = 1, d = 1;
		sscanf(s->date, "%d-%d-%d", &y, &m, &d);
		snprintf(date, sizeof(date), "%04d-%02d-%02dT00:00:00Z", y, m, d);
	}
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	if (epoch && *epoch) {
		char *end;
		long long t = strtoll(epoch, &end, 10);
		time_t tt = (time_t)t;
		struct tm tm;
		if (!*end && t >= 0 && gmtime_r(&tt, &tm))
			strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "posture");
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, "posture");
	bool ok = true;
	if (s->title && s->title[0])
		ok = set_clean(surface, CAIRO_PDF_METADATA_TITLE, s->title);
	if (s->description)
		ok = set_clean(surface, CAIRO_PDF_METADATA_SUBJECT, s->description) && ok;
	return ok;
}

int pst_write_cairo_vector(posture_ctx *ctx, const posture_scene *s, FILE *fp,
                           const char *path, posture_format format)
{
	cairo_surface_t *surface;
	if (format == POSTURE_FORMAT_PDF) {
		surface = cairo_pdf_surface_create_for_stream(write_to_file, fp, s->width, s->height);
		if (!pdf_metadata(surface, s)) {
			cairo_surface_destroy(surface);
			return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
		}
	} else {
		surface = cairo_svg_surface_create_for_stream(write_to_file, fp, s->width, s->height);
		cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT);
	}
	cairo_t *cr = cairo_create(surface);
	pst_cairo_paint(cr, s, VECTOR_TOLERANCE);
	if (format == POSTURE_FORMAT_PDF)
		pst_cairo_paint_key_pages(cr, s);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(surface);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	if (st != CAIRO_STATUS_SUCCESS)
		return pst_error(ctx, pst_cairo_code(st), path, "cannot write %s: %s",
		                 format == POSTURE_FORMAT_PDF ? "PDF" : "SVG",
		                 cairo_status_to_string(st));
	return POSTURE_OK;
}
