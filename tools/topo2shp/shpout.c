/*
 * shpout.c — writing shapefiles for posture-topo2shp.
 *
 * Every output is a complete, reproducible shapefile set: .shp/.shx with the
 * geometry, a .dbf whose text is UTF-8 (declared by a .cpg holding "UTF-8"),
 * and an ESRI-style WGS84 .prj.  Reproducible means byte-identical on every
 * run: shapelib stamps the .dbf header with today's date unless told
 * otherwise, so the date is fixed (T2S_DBF_DATE) before closing.  Polygons
 * are rewound (SHPRewindObject) so exterior rings run clockwise and holes
 * counter-clockwise, as the shapefile specification demands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo2shp.h"

/* Fixed .dbf "last update" date (years since 1900, month, day): 2000-01-01. */
#define T2S_DBF_YEAR 100
#define T2S_DBF_MONTH 1
#define T2S_DBF_DAY 1

static const char wgs84_prj[] =
	"GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,"
	"298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

static int add_fields(t2s_shp *o, const t2s_field *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (DBFAddField(o->dbf, fields[i].name, fields[i].type, fields[i].width,
		                fields[i].decimals) < 0)
			return pst_error(o->ctx, POSTURE_EIO, o->base, "cannot add .dbf field '%s'",
			                 fields[i].name);
	return POSTURE_OK;
}

int t2s_shp_open(t2s_shp *o, posture_ctx *ctx, const char *base, int shp_type,
                 const t2s_field *fields, size_t nfields)
{
	memset(o, 0, sizeof(*o));
	o->ctx = ctx;
	o->base = pst_strdup(base);
	if (!o->base)
		return pst_error(ctx, POSTURE_ENOMEM, base, "out of memory");
	o->shp = SHPCreate(base, shp_type);
	o->dbf = o->shp ? DBFCreateEx(base, "UTF-8") : NULL;
	if (!o->shp || !o->dbf) {
		int rc = pst_error(ctx, POSTURE_EIO, base, "cannot create shapefile");
		t2s_shp_close(o);
		return rc;
	}
	return add_fields(o, fields, nfields);
}

int t2s_shp_add(t2s_shp *o, SHPObject *obj)
{
	if (!obj)
		return pst_error(o->ctx, POSTURE_ENOMEM, o->base, "out of memory building a shape");
	if (obj->nSHPType == SHPT_POLYGON)
		SHPRewindObject(o->shp, obj);
	int rec = SHPWriteObject(o->shp, -1, obj);
	SHPDestroyObject(obj);
	if (rec < 0)
		return pst_error(o->ctx, POSTURE_EIO, o->base, "cannot write shape %d", o->nrec);
	o->nrec++;
	return rec;
}

static int attr_result(t2s_shp *o, int ok, int rec, int field)
{
	if (ok)
		return POSTURE_OK;
	return pst_error(o->ctx, POSTURE_EDATA, o->base,
	                 "record %d: value of field %d does not fit", rec, field);
}

int t2s_shp_str(t2s_shp *o, int rec, int field, const char *value)
{
	return attr_result(o, DBFWriteStringAttribute(o->dbf, rec, field, value ? value : ""),
	                   rec, field);
}

int t2s_shp_int(t2s_shp *o, int rec, int field, int value)
{
	return attr_result(o, DBFWriteIntegerAttribute(o->dbf, rec, field, value), rec, field);
}

int t2s_shp_dbl(t2s_shp *o, int rec, int field, double value)
{
	return attr_result(o, DBFWriteDoubleAttribute(o->dbf, rec, field, value), rec, field);
}

static int write_prj(t2s_shp *o)
{
	char *path = pst_asprintf("%s.prj", o->base);
	FILE *f = path ? fopen(path, "wb") : NULL;
	int rc = POSTURE_OK;
	if (!f || fputs(wgs84_prj, f) == EOF)
		rc = pst_error(o->ctx, POSTURE_EIO, path ? path : o->base, "cannot write: %s",
		               strerror(errno));
	if (f && fclose(f) != 0 && rc == POSTURE_OK)
		rc = pst_error(o->ctx, POSTURE_EIO, path, "cannot write: %s", strerror(errno));
	free(path);
	return rc;
}

int t2s_shp_close(t2s_shp *o)
{
	bool had = o->shp && o->dbf;
	if (o->dbf) {
		DBFSetLastModifiedDate(o->dbf, T2S_DBF_YEAR, T2S_DBF_MONTH, T2S_DBF_DAY);
		DBFClose(o->dbf);
	}
	if (o->shp)
		SHPClose(o->shp);
	int rc = had ? write_prj(o) : POSTURE_OK;
	free(o->base);
	memset(o, 0, sizeof(*o));
	return rc;
}

SHPObject *t2s_shp_object(int type, int nparts, const int *starts, const double *xs,
                          const double *ys, int nverts)
{
	if (type == SHPT_POINT)
		return SHPCreateSimpleObject(type, nverts, xs, ys, NULL);
	return SHPCreateObject(type, -1, nparts, starts, NULL, nverts, xs, ys, NULL, NULL);
}
