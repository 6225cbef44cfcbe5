/*
 * shapefile.c — opening and reading shapefiles with shapelib.
 *
 * shapelib believes whatever the headers say, so a shapefile is read whole,
 * once (.shp, .shx, .dbf and the optional .cpg), its bytes are checked by
 * shpcheck.c, and shapelib then reads those same bytes from memory.  On top
 * of that this module checks the shape type is the one expected, each
 * record's vertices are finite degrees when read, and attribute text always
 * comes out as valid UTF-8: decoded as the .cpg says, else as ISO-8859-1
 * with a warning (invalid UTF-8 bytes become U+FFFD).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "shapefile.h"

enum { PART_SHP, PART_SHX, PART_DBF, PART_CPG };

/* Read part @p ext of @p base into sf->owned[@p k]; a missing .cpg is no error. */
static int read_part(pst_shapefile *sf, posture_ctx *ctx, const char *base, int k,
                     size_t *len)
{
	static const char *const exts[] = { "shp", "shx", "dbf", "cpg" };
	char *p = pst_asprintf("%s.%s", base, exts[k]);
	if (!p)
		return pst_error(ctx, POSTURE_ENOMEM, base, "out of memory");
	struct stat st;
	int rc = POSTURE_OK;
	if (k != PART_CPG || stat(p, &st) == 0 || errno != ENOENT)
		rc = pst_read_file(&sf->owned[k], len, ctx, p,
		                   k == PART_CPG ? 256 : PST_MAX_SHAPE_FILE);
	free(p);
	return rc;
}

static const char *type_name(int type)
{
	switch (type) {
	case SHPT_POLYGON: case SHPT_POLYGONZ: case SHPT_POLYGONM: return "polygons";
	case SHPT_ARC: case SHPT_ARCZ: case SHPT_ARCM: return "lines";
	case SHPT_POINT: case SHPT_POINTZ: case SHPT_POINTM: return "points";
	case SHPT_MULTIPOINT: case SHPT_MULTIPOINTZ: case SHPT_MULTIPOINTM: return "multipoints";
	case SHPT_MULTIPATCH: return "multipatches";
	default: return "an unknown shape type";
	}
}

int pst_shapefile_open(pst_shapefile **out, posture_ctx *ctx, const char *dir,
                       const char *name, int type)
{
	*out = NULL;
	pst_shapefile tmp = { 0 };
	char *base = pst_asprintf("%s/%s", dir, name);
	if (!base)
		return pst_error(ctx, POSTURE_ENOMEM, name, "out of memory");
	size_t len[4] = { 0 };
	int rc = POSTURE_OK;
	for (int k = PART_SHP; k <= PART_CPG && rc == POSTURE_OK; k++)
		rc = read_part(&tmp, ctx, base, k, &len[k]);
	pst_shape_bytes b = { (unsigned char *)tmp.owned[PART_SHP], len[PART_SHP],
		              (unsigned char *)tmp.owned[PART_SHX], len[PART_SHX],
		              (unsigned char *)tmp.owned[PART_DBF], len[PART_DBF],
		              tmp.owned[PART_CPG] };
	if (rc == POSTURE_OK)
		rc = pst_shapefile_open_bytes(out, ctx, base, &b, type);
	free(base);
	if (rc != POSTURE_OK) {
		for (int k = 0; k < 4; k++)
			free(tmp.owned[k]);
		return rc;
	}
	memcpy((*out)->owned, tmp.owned, sizeof(tmp.owned));
	return POSTURE_OK;
}

static bool cpg_is(const char *cpg, const char *const *names)
{
	size_t start = strspn(cpg, " \t\r\n"), n = strcspn(cpg + start, " \t\r\n");
	for (size_t i = 0; names[i]; i++)
		if (strlen(names[i]) == n && !strncasecmp(cpg + start, names[i], n))
			return true;
	return false;
}

static bool all_ascii(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] >= 0x80)
			return false;
	return true;
}

/*
 * Decide how .dbf text is decoded, warning when it is a guess that matters
 * (a .dbf of plain ASCII reads the same in every code page).
 */
static void choose_code_page(pst_shapefile *sf, posture_ctx *ctx, const char *base,
                             const pst_shape_bytes *b)
{
	const char *cpg = b->cpg;
	static const char *const utf8[] = { "UTF-8", "UTF8", "65001", NULL };
	static const char *const latin1[] = { "ISO-8859-1", "ISO8859-1", "8859-1", "88591",
		                              "LATIN1", "28591", NULL };
	sf->latin1 = true;
	if (cpg && cpg_is(cpg, utf8))
		sf->latin1 = false;
	else if (all_ascii(b->dbf, b->dbf_len))
		return;
	else if (!cpg)
		pst_diag(ctx, POSTURE_WARNING, POSTURE_EDATA, sf->dbf_path, 0, 0,
		         "no %s.cpg names the text encoding; attributes are read as ISO-8859-1",
		         strrchr(base, '/') ? strrchr(base, '/') + 1 : base);
	else if (!cpg_is(cpg, latin1))
		pst_diag(ctx, POSTURE_WARNING, POSTURE_EDATA, sf->dbf_path, 0, 0,
		         "code page '%.40s' in the .cpg is not supported; attributes are read as "
		         "ISO-8859-1", cpg);
}

static int check_type(posture_ctx *ctx, const pst_shapefile *sf, int type)
{
	if (sf->shape_type == type)
		return POSTURE_OK;
	return pst_error(ctx, POSTURE_EDATA, sf->path, "holds %s; expected %s",
	                 type_name(sf->shape_type), type_name(type));
}

/*
 * Room for the longest attribute in UTF-8 (3 bytes per byte at worst), made
 * now so that pst_shapefile_string, which cannot report errors, never
 * allocates.
 */
static int reserve_text(pst_shapefile *sf, posture_ctx *ctx)
{
	size_t widest = 0;
	for (int f = 0; f < DBFGetFieldCount(sf->dbf); f++) {
		int width = 0;
		DBFGetFieldInfo(sf->dbf, f, NULL, &width, NULL);
		if (width > 0 && (size_t)width > widest)
			widest = (size_t)width;
	}
	sf->text_cap = 3 * widest + 1;
	sf->text = malloc(sf->text_cap);
	if (!sf->text)
		return pst_error(ctx, POSTURE_ENOMEM, sf->dbf_path, "out of memory");
	return POSTURE_OK;
}

int pst_shapefile_open_bytes(pst_shapefile **out, posture_ctx *ctx, const char *base,
                             const pst_shape_bytes *bytes, int type)
{
	*out = NULL;
	pst_shapefile *sf = calloc(1, sizeof(*sf));
	if (!sf || !(sf->path = pst_asprintf("%s.shp", base)) ||
	    !(sf->dbf_path = pst_asprintf("%s.dbf", base))) {
		pst_shapefile_close(sf);
		return pst_error(ctx, POSTURE_ENOMEM, base, "out of memory");
	}
	int rc = pst_shape_bytes_check(ctx, bytes, base, &sf->n_records, &sf->shape_type);
	if (rc == POSTURE_OK)
		rc = check_type(ctx, sf, type);
	if (rc == POSTURE_OK) {
		pst_shape_bytes_open(bytes, &sf->shp, &sf->dbf);
		sf->shp_bytes = bytes->shp;
		if (!sf->shp || !sf->dbf)
			rc = pst_error(ctx, POSTURE_ENOMEM, sf->path, "out of memory opening shapefile");
	}
	if (rc == POSTURE_OK)
		rc = reserve_text(sf, ctx);
	if (rc == POSTURE_OK)
		choose_code_page(sf, ctx, base, bytes);
	if (rc != POSTURE_OK) {
		pst_shapefile_close(sf);
		return rc;
	}
	*out = sf;
	return POSTURE_OK;
}

void pst_shapefile_close(pst_shapefile *sf)
{
	if (!sf)
		return;
	if (sf->shp)
		SHPClose(sf->shp);
	if (sf->dbf)
		DBFClose(sf->dbf);
	for (int k = 0; k < 4; k++)
		free(sf->owned[k]);
	free(sf->text);
	free(sf->dbf_path);
	free(sf->path);
	free(sf);
}

static bool lonlat_ok(double x, double y)
{
	return isfinite(x) && isfinite(y) && fabs(x) <= 180.0 + 1e-9 && fabs(y) <= 90.0 + 1e-9;
}

static int bad_vertex(posture_ctx *ctx, const pst_shapefile *sf, int i, int k)
{
	return pst_error(ctx, POSTURE_EDATA, sf->path,
	                 "record %d: vertex %d is not a longitude/latitude in degrees", i + 1, k + 1);
}

int pst_shapefile_read(SHPObject **out, posture_ctx *ctx, pst_shapefile *sf, int i)
{
	*out = NULL;
	if (i < 0 || i >= sf->n_records)
		return pst_error(ctx, POSTURE_EDATA, sf->path, "record %d does not exist", i + 1);
	SHPObject *o = SHPReadObject(sf->shp, i);
	if (!o)
		return pst_error(ctx, POSTURE_EDATA, sf->path, "record %d cannot be read", i + 1);
	if (o->nSHPType == SHPT_NULL) {
		SHPDestroyObject(o);
		return POSTURE_OK;
	}
	for (int k = 0; k < o->nVertices; k++) {
		if (!lonlat_ok(o->padfX[k], o->padfY[k])) {
			SHPDestroyObject(o);
			return bad_vertex(ctx, sf, i, k);
		}
	}
	*out = o;
	return POSTURE_OK;
}

/* The content of record @p i, whose type and counts shpcheck.c checked. */
static const unsigned char *record_content(const pst_shapefile *sf, int i)
{
	return sf->shp_bytes + sf->shp->panRecOffset[i] + 8;
}

static uint32_t le_u32(const unsigned char *c)
{
	return c[0] | c[1] << 8 | c[2] << 16 | (uint32_t)c[3] << 24;
}

/* A little-endian double of a record header. */
static double le_double(const unsigned char *p)
{
	uint64_t u = 0;
	for (int k = 7; k >= 0; k--)
		u = u << 8 | p[k];
	double d;
	memcpy(&d, &u, sizeof(d));
	return d;
}

bool pst_shapefile_bbox(const pst_shapefile *sf, int i, double box[4])
{
	if (i < 0 || i >= sf->n_records || (sf->shape_type != SHPT_POLYGON && sf->shape_type != SHPT_ARC))
		return false;
	/* The .shx offset was checked to lie in the .shp, its record to hold
	 * at least its type and, for a non-null shape, the box (shpcheck.c). */
	const unsigned char *c = record_content(sf, i);
	if (le_u32(c) == SHPT_NULL)
		return false;
	for (int k = 0; k < 4; k++)
		box[k] = le_double(c + 4 + 8 * k);
	return true;
}

int pst_shapefile_check(posture_ctx *ctx, const pst_shapefile *sf, int i)
{
	if (i < 0 || i >= sf->n_records)
		return pst_error(ctx, POSTURE_EDATA, sf->path, "record %d does not exist", i + 1);
	const unsigned char *c = record_content(sf, i);
	if (le_u32(c) == SHPT_NULL || (sf->shape_type != SHPT_POLYGON && sf->shape_type != SHPT_ARC))
		return POSTURE_OK;
	uint32_t n_parts = le_u32(c + 36), n_points = le_u32(c + 40);
	const unsigned char *pt = c + 44 + 4 * (size_t)n_parts;
	for (uint32_t k = 0; k < n_points; k++)
		if (!lonlat_ok(le_double(pt + 16 * (size_t)k), le_double(pt + 16 * (size_t)k + 8)))
			return bad_vertex(ctx, sf, i, (int)k);
	return POSTURE_OK;
}

/* Copy @p s into sf->text as UTF-8 (from Latin-1, or repairing bad UTF-8). */
static const char *to_utf8(pst_shapefile *sf, const char *s)
{
	size_t n = strlen(s);
	if (3 * n + 1 > sf->text_cap)
		n = (sf->text_cap - 1) / 3; /* cannot happen: no field is wider than reserved */
	const unsigned char *p = (const unsigned char *)s;
	char *o = sf->text;
	for (size_t i = 0; i < n;) {
		size_t len = sf->latin1 ? (p[i] < 0x80) : pst_utf8_seq_len(p + i, n - i);
		if (len) {
			memcpy(o, p + i, len);
			o += len;
			i += len;
		} else if (sf->latin1) {
			*o++ = (char)(0xC0 | p[i] >> 6);
			*o++ = (char)(0x80 | (p[i++] & 0x3F));
		} else {
			memcpy(o, "\xEF\xBF\xBD", 3); /* U+FFFD */
			o += 3;
			i++;
		}
	}
	*o = '\0';
	return sf->text;
}

const char *pst_shapefile_string(pst_shapefile *sf, int i, const char *field)
{
	int f = DBFGetFieldIndex(sf->dbf, field);
	if (f < 0 || i < 0 || i >= sf->n_records)
		return "";
	const char *s = DBFReadStringAttribute(sf->dbf, i, f);
	return s ? to_utf8(sf, s) : "";
}

int pst_shapefile_int(pst_shapefile *sf, int i, const char *field)
{
	int f = DBFGetFieldIndex(sf->dbf, field);
	return f < 0 || i < 0 || i >= sf->n_records ? 0 : DBFReadIntegerAttribute(sf->dbf, i, f);
}
