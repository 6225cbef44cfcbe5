/*
 * export_shp.c — the validated layers as ESRI shapefiles, through shapelib.
 *
 * `-o NAME.shp` writes one file set per geometry type: NAME-points (.shp .shx
 * .dbf .prj .cpg; items with a point, and items without geometry as null
 * shapes) and, when some item has its own line geometry, NAME-lines.  The
 * .prj is WGS84, the .cpg says UTF-8.  DBF field names have at most 10
 * characters (README "Exports"): id, layer, name, kind, date, precision,
 * country, operator, status, note, lon, lat, citations, source_ids, quotes.
 * A text longer than the DBF's 254 bytes is cut at a character boundary and
 * ends with "…", so no field ever holds half a UTF-8 character.
 *
 * shapelib writes files by name, so the sets are written into a temporary
 * folder beside the target and only renamed into place once all of them
 * were written: a failed export leaves the earlier files as they were.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <shapefil.h>

#include "export.h"

#define DBF_TEXT 254

static const char wgs84_prj[] =
	"GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,"
	"298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

enum { F_ID, F_LAYER, F_NAME, F_KIND, F_DATE, F_PRECISION, F_COUNTRY, F_OPERATOR, F_STATUS,
       F_NOTE, F_LON, F_LAT, F_CITATIONS, F_SOURCE_IDS, F_QUOTES, N_FIELDS };

static const struct {
	const char *name; /* at most 10 characters */
	DBFFieldType type;
	int width, decimals;
} fields[N_FIELDS] = {
	{ "id", FTString, 80, 0 },        { "layer", FTString, 32, 0 },
	{ "name", FTString, DBF_TEXT, 0 }, { "kind", FTString, 24, 0 },
	{ "date", FTString, 24, 0 },      { "precision", FTString, 16, 0 },
	{ "country", FTString, 8, 0 },    { "operator", FTString, 64, 0 },
	{ "status", FTString, 16, 0 },    { "note", FTString, DBF_TEXT, 0 },
	{ "lon", FTDouble, 12, 6 },       { "lat", FTDouble, 12, 6 },
	{ "citations", FTString, DBF_TEXT, 0 }, { "source_ids", FTString, DBF_TEXT, 0 },
	{ "quotes", FTString, DBF_TEXT, 0 },
};

/* @p s cut to @p width bytes at a character boundary, ending "…" when cut (caller frees). */
char *pst_dbf_fit(const char *s, size_t width)
{
	size_t n = strlen(s);
	if (n <= width)
		return pst_strdup(s);
	size_t keep = width - 3; /* room for U+2026, three bytes */
	while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
		keep--; /* s[keep] must start a character: cut before it */
	return pst_asprintf("%.*s\xE2\x80\xA6", (int)keep, s);
}

static char *quotes_text(const pst_feature *f)
{
	pst_buf b;
	pst_buf_init(&b);
	for (size_t i = 0; i < f->n_cites; i++)
		pst_buf_printf(&b, "%s\"%s\"", i ? " " : "", f->cites[i].quote);
	pst_buf_puts(&b, "");
	if (b.failed) {
		pst_buf_free(&b);
		return NULL;
	}
	return b.data;
}

static int write_text(DBFHandle dbf, int rec, int field, const char *v)
{
	if (!v || !*v)
		return DBFWriteNULLAttribute(dbf, rec, field) ? POSTURE_OK : POSTURE_EIO;
	char *fit = pst_dbf_fit(v, (size_t)fields[field].width);
	if (!fit)
		return POSTURE_ENOMEM;
	int ok = DBFWriteStringAttribute(dbf, rec, field, fit);
	free(fit);
	return ok ? POSTURE_OK : POSTURE_EIO;
}

static int write_record(DBFHandle dbf, int rec, const posture_data *d, const pst_layer *l,
                        const pst_feature *f)
{
	char *cites = pst_citations_text(d, f), *ids = pst_export_source_ids(f);
	char *quotes = quotes_text(f), *country = pst_export_country(f);
	int rc = cites && ids && quotes && country ? POSTURE_OK : POSTURE_ENOMEM;
	const char *text[N_FIELDS] = { f->id,      l->name,   f->name,    f->kind,  f->date,
		                       f->precision, country, f->operator_, f->status, f->note,
		                       NULL,        NULL,      cites,      ids,      quotes };
	for (int k = 0; rc == POSTURE_OK && k < N_FIELDS; k++) {
		if (k == F_LON || k == F_LAT) {
			int ok = f->has_point ? DBFWriteDoubleAttribute(dbf, rec, k, k == F_LON ? f->lon : f->lat)
			                      : DBFWriteNULLAttribute(dbf, rec, k);
			rc = ok ? POSTURE_OK : POSTURE_EIO;
		} else {
			rc = write_text(dbf, rec, k, text[k]);
		}
	}
	free(cites);
	free(ids);
	free(quotes);
	free(country);
	return rc;
}

static SHPObject *shape_of(const pst_feature *f, bool lines)
{
	if (!lines) {
		if (!f->has_point)
			return SHPCreateSimpleObject(SHPT_NULL, 0, NULL, NULL, NULL);
		return SHPCreateSimpleObject(SHPT_POINT, 1, &f->lon, &f->lat, NULL);
	}
	size_t n = f->line_end[f->n_lines - 1];
	double *x = malloc((n ? n : 1) * sizeof(double)), *y = malloc((n ? n : 1) * sizeof(double));
	int *starts = malloc(f->n_lines * sizeof(int));
	SHPObject *o = NULL;
	if (x && y && starts) {
		for (size_t i = 0; i < n; i++) {
			x[i] = f->line_xy[2 * i];
			y[i] = f->line_xy[2 * i + 1];
		}
		for (size_t l = 0; l < f->n_lines; l++)
			starts[l] = l ? (int)f->line_end[l - 1] : 0;
		o = SHPCreateObject(SHPT_ARC, -1, (int)f->n_lines, starts, NULL, (int)n, x, y, NULL, NULL);
	}
	free(x);
	free(y);
	free(starts);
	return o;
}

static int write_file(posture_ctx *ctx, const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");
	if (!fp || fputs(text, fp) == EOF || fclose(fp) != 0)
		return pst_error(ctx, POSTURE_EIO, path, "cannot write file: %s", strerror(errno));
	return POSTURE_OK;
}

/* One file set: the items with lines (@p lines) or all the others. */
static int write_set(posture_ctx *ctx, const posture_data *d, const char *base, bool lines)
{
	SHPHandle shp = SHPCreate(base, lines ? SHPT_ARC : SHPT_POINT);
	DBFHandle dbf = DBFCreateEx(base, "UTF-8");
	int rc = shp && dbf ? POSTURE_OK : pst_error(ctx, POSTURE_EIO, base, "cannot create the "
	                                             "shapefile: %s", strerror(errno));
	for (int k = 0; rc == POSTURE_OK && k < N_FIELDS; k++)
		if (DBFAddField(dbf, fields[k].name, fields[k].type, fields[k].width,
		                fields[k].decimals) < 0)
			rc = pst_error(ctx, POSTURE_EIO, base, "cannot add the field '%s'", fields[k].name);
	int rec = 0;
	for (size_t l = 0; rc == POSTURE_OK && l < d->n_layers; l++) {
		const pst_layer *ly = &d->layers[l];
		for (size_t i = 0; rc == POSTURE_OK && i < ly->n_features; i++) {
			const pst_feature *f = &ly->features[i];
			if ((f->n_lines > 0 && !f->has_point) != lines)
				continue;
			SHPObject *o = shape_of(f, lines);
			if (!o || SHPWriteObject(shp, -1, o) < 0)
				rc = pst_error(ctx, o ? POSTURE_EIO : POSTURE_ENOMEM, base, "cannot write '%s'",
				               f->id);
			SHPDestroyObject(o);
			if (rc == POSTURE_OK && (rc = write_record(dbf, rec++, d, ly, f)) != POSTURE_OK)
				rc = pst_error(ctx, rc, base, "cannot write the attributes of '%s'", f->id);
		}
	}
	if (shp)
		SHPClose(shp);
	if (dbf)
		DBFClose(dbf);
	char path[4200];
	snprintf(path, sizeof(path), "%s.prj", base);
	if (rc == POSTURE_OK)
		rc = write_file(ctx, path, wgs84_prj);
	snprintf(path, sizeof(path), "%s.cpg", base);
	if (rc == POSTURE_OK)
		rc = write_file(ctx, path, "UTF-8");
	return rc;
}

static bool any_lines(const posture_data *d)
{
	for (size_t l = 0; l < d->n_layers; l++)
		for (size_t i = 0; i < d->layers[l].n_features; i++)
			if (d->layers[l].features[i].n_lines && !d->layers[l].features[i].has_point)
				return true;
	return false;
}

/* Move the set @p name from @p tmp into @p dir (every extension), or remove it. */
static int move_set(posture_ctx *ctx, const char *tmp, const char *dir, const char *name, bool keep)
{
	static const char *const exts[] = { "shp", "shx", "dbf", "prj", "cpg" };
	int rc = POSTURE_OK;
	for (size_t e = 0; e < PST_ARRAY_LEN(exts); e++) {
		char from[4300], to[4300];
		snprintf(from, sizeof(from), "%s/%s.%s", tmp, name, exts[e]);
		snprintf(to, sizeof(to), "%s/%s.%s", dir, name, exts[e]);
		if (keep && rc == POSTURE_OK && rename(from, to) != 0)
			rc = pst_error(ctx, POSTURE_EIO, to, "cannot write file: %s", strerror(errno));
		unlink(from);
	}
	return rc;
}

int posture_data_export_shapefile(posture_ctx *ctx, const posture_data *d, const char *path)
{
	size_t n = strlen(path);
	if (n < 5 || strcmp(path + n - 4, ".shp"))
		return pst_error(ctx, POSTURE_EUSAGE, path, "a shapefile export is named NAME.shp");
	const char *slash = strrchr(path, '/');
	char dir[4096], name[1024], tmp[5200];
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	snprintf(name, sizeof(name), "%.*s", (int)(n - 4 - (slash ? (size_t)(slash + 1 - path) : 0)),
	         slash ? slash + 1 : path);
	snprintf(tmp, sizeof(tmp), "%s/.%s.shp.tmp-XXXXXX", dir, name);
	int made = pst_export_dir(ctx, path);
	if (made != POSTURE_OK)
		return made;
	if (!mkdtemp(tmp))
		return pst_error(ctx, POSTURE_EIO, path, "cannot write file: %s", strerror(errno));
	bool lines = any_lines(d);
	char points_name[1100], lines_name[1100], base[8192];
	snprintf(points_name, sizeof(points_name), "%s-points", name);
	snprintf(lines_name, sizeof(lines_name), "%s-lines", name);
	snprintf(base, sizeof(base), "%s/%s", tmp, points_name);
	int rc = write_set(ctx, d, base, false);
	if (rc == POSTURE_OK && lines) {
		snprintf(base, sizeof(base), "%s/%s", tmp, lines_name);
		rc = write_set(ctx, d, base, true);
	}
	int moved = move_set(ctx, tmp, dir, points_name, rc == POSTURE_OK);
	if (lines)
		moved = moved == POSTURE_OK ? move_set(ctx, tmp, dir, lines_name, rc == POSTURE_OK)
		                            : (move_set(ctx, tmp, dir, lines_name, false), moved);
	rmdir(tmp);
	return rc != POSTURE_OK ? rc : moved;
}
