/*
 * fuzz_shapefile.c — libFuzzer target: a shapefile read from memory.
 *
 * Input layout: two little-endian 32-bit lengths (of the .shp and the .shx),
 * then the .shp bytes, the .shx bytes, and the .dbf as the rest; lengths
 * past the end are clipped.  A bit of the first length's high byte picks
 * polygons or lines.  The bytes go through pst_shapefile_open_bytes (the
 * same checks and SAHooks reading as files on disk) and then every record
 * and every attribute is read, as the base-map builder does.
 */
#include "shapes/shapefile.h"

#include "fuzz_common.h"

static void read_all(posture_ctx *ctx, pst_shapefile *sf)
{
	int n_fields = DBFGetFieldCount(sf->dbf);
	for (int i = 0; i < sf->n_records; i++) {
		SHPObject *o = NULL;
		if (pst_shapefile_read(&o, ctx, sf, i) == POSTURE_OK && o)
			SHPDestroyObject(o);
		for (int f = 0; f < n_fields; f++) {
			char name[12];
			DBFGetFieldInfo(sf->dbf, f, name, NULL, NULL);
			const char *s = pst_shapefile_string(sf, i, name);
			for (size_t k = 0, n = strlen(s); k < n;) {
				size_t len = pst_utf8_seq_len((const unsigned char *)s + k, n - k);
				if (!len)
					abort(); /* attributes must always come out as UTF-8 */
				k += len;
			}
			pst_shapefile_int(sf, i, name);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	uint32_t a = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16;
	uint32_t b = (uint32_t)data[4] | (uint32_t)data[5] << 8 | (uint32_t)data[6] << 16;
	int type = data[3] & 1 ? SHPT_ARC : SHPT_POLYGON;
	const uint8_t *p = data + 8;
	size_t left = size - 8;
	size_t shp_len = a < left ? a : left;
	size_t shx_len = b < left - shp_len ? b : left - shp_len;
	pst_shape_bytes bytes = { p, shp_len, p + shp_len, shx_len, p + shp_len + shx_len,
		                  left - shp_len - shx_len, data[3] & 2 ? "UTF-8" : NULL };
	posture_ctx *ctx;
	if (posture_ctx_create(&ctx) != POSTURE_OK)
		return 0;
	pst_shapefile *sf = NULL;
	if (pst_shapefile_open_bytes(&sf, ctx, "fuzz", &bytes, type) == POSTURE_OK)
		read_all(ctx, sf);
	pst_shapefile_close(sf);
	posture_ctx_destroy(ctx);
	return 0;
}
