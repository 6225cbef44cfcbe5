/*
 * shapefile.c — opening and reading shapefiles with shapelib.
 *
 * shapelib believes whatever the headers say, so before a record is read
 * this module checks what it can cheaply: the three files exist and are
 * regular files, the shape type is the one expected, and .shp/.shx/.dbf agree
 * on the number of records.  Each record's vertices are checked to be finite
 * degrees when read.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "shapefile.h"

static int check_part(posture_ctx *ctx, const char *dir, const char *name, const char *ext)
{
	char *p = pst_asprintf("%s/%s.%s", dir, name, ext);
	if (!p)
		return pst_error(ctx, POSTURE_ENOMEM, name, "out of memory");
	int rc = pst_check_regular_file(ctx, p, PST_MAX_SHAPE_FILE);
	free(p);
	return rc;
}

static int open_parts(pst_shapefile *sf, posture_ctx *ctx, const char *dir, const char *name)
{
	static const char *const exts[] = { "shp", "shx", "dbf" };
	for (size_t i = 0; i < PST_ARRAY_LEN(exts); i++) {
		int rc = check_part(ctx, dir, name, exts[i]);
		if (rc != POSTURE_OK)
			return rc;
	}
	char *base = pst_asprintf("%s/%s", dir, name);
	if (!base)
		return pst_error(ctx, POSTURE_ENOMEM, sf->path, "out of memory");
	sf->shp = SHPOpen(base, "rb");
	sf->dbf = DBFOpen(base, "rb");
	free(base);
	if (!sf->shp)
		return pst_error(ctx, POSTURE_EDATA, sf->path, "not a readable shapefile");
	if (!sf->dbf)
		return pst_error(ctx, POSTURE_EDATA, sf->path, "its .dbf attribute table is not readable");
	return POSTURE_OK;
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
	pst_shapefile *sf = calloc(1, sizeof(*sf));
	if (!sf || !(sf->path = pst_asprintf("%s/%s.shp", dir, name))) {
		free(sf);
		return pst_error(ctx, POSTURE_ENOMEM, name, "out of memory");
	}
	int rc = open_parts(sf, ctx, dir, name);
	if (rc == POSTURE_OK) {
		int n, shp_type;
		double lo[4], hi[4];
		SHPGetInfo(sf->shp, &n, &shp_type, lo, hi);
		sf->n_records = n;
		sf->shape_type = shp_type;
		if (shp_type != type)
			rc = pst_error(ctx, POSTURE_EDATA, sf->path, "holds %s; expected %s",
			               type_name(shp_type), type_name(type));
		else if (DBFGetRecordCount(sf->dbf) != n)
			rc = pst_error(ctx, POSTURE_EDATA, sf->path,
			               "the .shp has %d records but the .dbf has %d", n,
			               DBFGetRecordCount(sf->dbf));
	}
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
	free(sf->path);
	free(sf);
}

int pst_shapefile_read(SHPObject **out, posture_ctx *ctx, pst_shapefile *sf, int i)
{
	*out = NULL;
	SHPObject *o = SHPReadObject(sf->shp, i);
	if (!o)
		return pst_error(ctx, POSTURE_EDATA, sf->path, "record %d cannot be read", i + 1);
	if (o->nSHPType == SHPT_NULL) {
		SHPDestroyObject(o);
		return POSTURE_OK;
	}
	for (int k = 0; k < o->nVertices; k++) {
		double x = o->padfX[k], y = o->padfY[k];
		if (!isfinite(x) || !isfinite(y) || fabs(x) > 180.0 + 1e-9 || fabs(y) > 90.0 + 1e-9) {
			SHPDestroyObject(o);
			return pst_error(ctx, POSTURE_EDATA, sf->path,
			                 "record %d: vertex %d is not a longitude/latitude in degrees",
			                 i + 1, k + 1);
		}
	}
	*out = o;
	return POSTURE_OK;
}

const char *pst_shapefile_string(pst_shapefile *sf, int i, const char *field)
{
	int f = DBFGetFieldIndex(sf->dbf, field);
	if (f < 0)
		return "";
	const char *s = DBFReadStringAttribute(sf->dbf, i, f);
	return s ? s : "";
}

int pst_shapefile_int(pst_shapefile *sf, int i, const char *field)
{
	int f = DBFGetFieldIndex(sf->dbf, field);
	return f < 0 ? 0 : DBFReadIntegerAttribute(sf->dbf, i, f);
}
