/*
 * shpcheck.c — checking the bytes of a shapefile before shapelib sees them,
 * and handing shapelib those same bytes from memory.
 *
 * shapelib 1.5.0 believes the headers and the .shx: it opens files that are
 * not shapefiles, accepts unknown shape types and record offsets past the end
 * of the .shp, and reports whatever record count a .dbf header claims.  So
 * the three files are read once, whole, and checked here: the .shp and .shx
 * headers (file code 9994, version 1000, stated length equal to the real
 * one, a known shape type), every .shx entry (offset and length inside the
 * .shp, matching the record header there, record numbers 1, 2, …), every
 * record's content (shape type, part and point counts that fit the record,
 * part starts in order) and the .dbf header (field descriptors, record size,
 * record count equal to the .shx one, enough bytes for all records).  Only
 * then is shapelib opened, through SAHooks that read the checked buffers, so
 * what is validated is exactly what is read.
 *
 * Errors name the file and, for records, the 1-based record number.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shapefile.h"

/* --- byte access ------------------------------------------------------------ */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The shapefile's integers are signed (ESRI's white paper): read them so, and
 * print them as stored, so a count of -1 reads "-1", not 4294967295. */
static int32_t be32s(const unsigned char *p)
{
	uint32_t u = be32(p);
	return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

static int32_t le32s(const unsigned char *p)
{
	uint32_t u = le32(p);
	return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[1] << 8 | p[0];
}

/* --- .shp / .shx ------------------------------------------------------------- */

static bool known_type(int32_t t)
{
	static const int32_t types[] = { 0, 1, 3, 5, 8, 11, 13, 15, 18, 21, 23, 25, 28, 31 };
	for (size_t i = 0; i < PST_ARRAY_LEN(types); i++)
		if (types[i] == t)
			return true;
	return false;
}

/* The 100-byte header shared by .shp and .shx. */
static int check_header(posture_ctx *ctx, const char *file, const unsigned char *p, size_t len,
                        int32_t *type)
{
	if (len < 100)
		return pst_error(ctx, POSTURE_EDATA, file, "not a shapefile: %zu bytes is shorter "
		                 "than the 100-byte header", len);
	if (be32s(p) != 9994)
		return pst_error(ctx, POSTURE_EDATA, file, "not a shapefile: the file code is %" PRId32
		                 ", not 9994", be32s(p));
	if (le32s(p + 28) != 1000)
		return pst_error(ctx, POSTURE_EDATA, file, "unsupported shapefile version %" PRId32
		                 " (expected 1000)", le32s(p + 28));
	int32_t words = be32s(p + 24);
	if (words < 0)
		return pst_error(ctx, POSTURE_EDATA, file, "the header gives a negative file length "
		                 "(%" PRId32 " 16-bit words)", words);
	if ((uint64_t)words * 2 != len)
		return pst_error(ctx, POSTURE_EDATA, file, "the header says the file is %llu bytes "
		                 "long, but it is %zu (truncated or padded?)",
		                 (unsigned long long)words * 2, len);
	*type = le32s(p + 32);
	if (!known_type(*type))
		return pst_error(ctx, POSTURE_EDATA, file, "unknown shape type %" PRId32, *type);
	return POSTURE_OK;
}

/* Parts and points of a polyline/polygon record fit its content length. */
static int check_poly(posture_ctx *ctx, const char *file, int rec, const unsigned char *c,
                      size_t len)
{
	if (len < 44)
		return pst_error(ctx, POSTURE_EDATA, file, "record %d: %zu bytes is too short for "
		                 "its shape type", rec, len);
	int32_t n_parts = le32s(c + 36), n_points = le32s(c + 40);
	if (n_parts < 0 || n_points < 0)
		return pst_error(ctx, POSTURE_EDATA, file, "record %d: its %s count is negative "
		                 "(%" PRId32 ")", rec, n_parts < 0 ? "part" : "point",
		                 n_parts < 0 ? n_parts : n_points);
	if (n_parts > (int32_t)(PST_MAX_SHAPE_FILE / 4) ||
	    n_points > (int32_t)(PST_MAX_SHAPE_FILE / 16) ||
	    44 + 4 * (uint64_t)n_parts + 16 * (uint64_t)n_points > len)
		return pst_error(ctx, POSTURE_EDATA, file, "record %d: %" PRId32 " parts and %" PRId32
		                 " points do not fit in its %zu bytes", rec, n_parts, n_points, len);
	if ((n_parts == 0) != (n_points == 0) || n_parts > n_points)
		return pst_error(ctx, POSTURE_EDATA, file, "record %d: %" PRId32 " parts for %" PRId32
		                 " points", rec, n_parts, n_points);
	int32_t prev = 0;
	for (int32_t i = 0; i < n_parts; i++) {
		int32_t start = le32s(c + 44 + 4 * (size_t)i);
		if ((i == 0 && start != 0) || (i > 0 && start <= prev) || start >= n_points)
			return pst_error(ctx, POSTURE_EDATA, file, "record %d: part %" PRId32 " starts at "
			                 "point %" PRId32 ", out of order, negative or past the %" PRId32
			                 " points", rec, i + 1, start, n_points);
		prev = start;
	}
	return POSTURE_OK;
}

static int check_content(posture_ctx *ctx, const char *file, int rec, const unsigned char *c,
                         size_t len, int32_t file_type)
{
	if (len < 4)
		return pst_error(ctx, POSTURE_EDATA, file, "record %d is empty", rec);
	int32_t t = le32s(c);
	if (t == 0)
		return POSTURE_OK;
	if (t != file_type)
		return pst_error(ctx, POSTURE_EDATA, file, "record %d has shape type %" PRId32 " in a "
		                 "file of type %" PRId32, rec, t, file_type);
	switch (t) {
	case SHPT_POINT: case SHPT_POINTZ: case SHPT_POINTM:
		return len >= 20 ? POSTURE_OK : pst_error(ctx, POSTURE_EDATA, file,
		                                          "record %d: too short for a point", rec);
	case SHPT_MULTIPOINT: case SHPT_MULTIPOINTZ: case SHPT_MULTIPOINTM:
		if (len >= 40 && le32s(c + 36) < 0)
			return pst_error(ctx, POSTURE_EDATA, file, "record %d: its point count is negative "
			                 "(%" PRId32 ")", rec, le32s(c + 36));
		if (len >= 40 && (size_t)le32s(c + 36) <= (len - 40) / 16)
			return POSTURE_OK;
		return pst_error(ctx, POSTURE_EDATA, file, "record %d: its points do not fit in "
		                 "its %zu bytes", rec, len);
	default:
		return check_poly(ctx, file, rec, c, len);
	}
}

/* Every .shx entry points at a record of the .shp that is where it says. */
static int check_index(posture_ctx *ctx, const pst_shape_bytes *b, const char *shp_name,
                       const char *shx_name, int32_t type, int *n_records)
{
	const unsigned char *shx = b->shx, *shp = b->shp;
	if ((b->shx_len - 100) % 8 != 0)
		return pst_error(ctx, POSTURE_EDATA, shx_name, "index length %zu is not 100 bytes "
		                 "plus 8 per record", b->shx_len);
	size_t n = (b->shx_len - 100) / 8;
	if (n > PST_MAX_SHAPE_RECORDS)
		return pst_error(ctx, POSTURE_EDATA, shx_name, "%zu records; the limit is %d", n,
		                 PST_MAX_SHAPE_RECORDS);
	for (size_t i = 0; i < n; i++) {
		int rec = (int)i + 1;
		int64_t off = (int64_t)be32s(shx + 100 + 8 * i) * 2;
		int64_t len = (int64_t)be32s(shx + 104 + 8 * i) * 2;
		if (off < 0 || len < 0)
			return pst_error(ctx, POSTURE_EDATA, shx_name, "record %d: its %s is negative "
			                 "(%" PRId64 " bytes)", rec, off < 0 ? "offset" : "length",
			                 off < 0 ? off : len);
		if (off < 100 || (uint64_t)(off + 8 + len) > b->shp_len)
			return pst_error(ctx, POSTURE_EDATA, shx_name, "record %d: offset %" PRId64 " and "
			                 "length %" PRId64 " lie outside the %zu-byte .shp", rec, off, len,
			                 b->shp_len);
		int32_t number = be32s(shp + off), words = be32s(shp + off + 4);
		if (number != rec || (int64_t)words * 2 != len)
			return pst_error(ctx, POSTURE_EDATA, shp_name, "record %d: its header (number "
			                 "%" PRId32 ", %" PRId64 " bytes) does not match the .shx", rec,
			                 number, (int64_t)words * 2);
		int rc = check_content(ctx, shp_name, rec, shp + off + 8, (size_t)len, type);
		if (rc != POSTURE_OK)
			return rc;
	}
	*n_records = (int)n;
	return POSTURE_OK;
}

/* --- .dbf ---------------------------------------------------------------------- */

static int check_dbf(posture_ctx *ctx, const pst_shape_bytes *b, const char *name,
                     int n_records)
{
	const unsigned char *d = b->dbf;
	if (b->dbf_len < 33)
		return pst_error(ctx, POSTURE_EDATA, name, "not a dBase file: %zu bytes is shorter "
		                 "than its header", b->dbf_len);
	uint32_t n = le32(d + 4);
	unsigned head = le16(d + 8), rec_len = le16(d + 10);
	if (head < 33 || head > b->dbf_len || (head - 1) % 32 != 0 || d[head - 1] != 0x0D)
		return pst_error(ctx, POSTURE_EDATA, name, "not a dBase file: bad header length %u",
		                 head);
	unsigned sum = 1; /* the deletion flag */
	for (unsigned f = 32; f + 32 <= head - 1; f += 32) {
		if (!memchr(d + f, '\0', 11))
			return pst_error(ctx, POSTURE_EDATA, name, "field %u: its name is not "
			                 "terminated", (f - 32) / 32 + 1);
		sum += d[f + 16];
	}
	if (sum != rec_len)
		return pst_error(ctx, POSTURE_EDATA, name, "records are %u bytes but the fields add "
		                 "up to %u", rec_len, sum);
	if (n != (uint32_t)n_records)
		return pst_error(ctx, POSTURE_EDATA, name, "the .dbf has %u records but the .shp "
		                 "has %d", n, n_records);
	if (head + (uint64_t)n * rec_len > b->dbf_len)
		return pst_error(ctx, POSTURE_EDATA, name, "truncated: %u records of %u bytes need "
		                 "%llu bytes, the file has %zu", n, rec_len,
		                 (unsigned long long)(head + (uint64_t)n * rec_len), b->dbf_len);
	return POSTURE_OK;
}

int pst_shape_bytes_check(posture_ctx *ctx, const pst_shape_bytes *b, const char *base,
                          int *n_records, int *shape_type)
{
	char *shp = pst_asprintf("%s.shp", base), *shx = pst_asprintf("%s.shx", base);
	char *dbf = pst_asprintf("%s.dbf", base);
	int rc = POSTURE_OK;
	int32_t shp_type = 0, shx_type = 0;
	if (!shp || !shx || !dbf)
		rc = pst_error(ctx, POSTURE_ENOMEM, base, "out of memory");
	if (rc == POSTURE_OK)
		rc = check_header(ctx, shp, b->shp, b->shp_len, &shp_type);
	if (rc == POSTURE_OK)
		rc = check_header(ctx, shx, b->shx, b->shx_len, &shx_type);
	if (rc == POSTURE_OK && shp_type != shx_type)
		rc = pst_error(ctx, POSTURE_EDATA, shx, "shape type %" PRId32 " differs from the "
		               ".shp's %" PRId32,
		               shx_type, shp_type);
	if (rc == POSTURE_OK)
		rc = check_index(ctx, b, shp, shx, shp_type, n_records);
	if (rc == POSTURE_OK)
		rc = check_dbf(ctx, b, dbf, *n_records);
	*shape_type = (int)shp_type;
	free(shp);
	free(shx);
	free(dbf);
	return rc;
}

/* --- shapelib reading from memory -------------------------------------------- */

/* An open "file": one of the checked buffers and a read position. */
typedef struct {
	const unsigned char *data;
	size_t len;
	size_t pos;
} mem_file;

/* The buffers being opened; shapelib's FOpen hook has no user pointer. */
static _Thread_local const pst_shape_bytes *opening;

static SAFile mem_open(const char *filename, const char *access)
{
	const char *dot = strrchr(filename, '.');
	if (!opening || !dot || strchr(access, 'w') || strchr(access, '+'))
		return NULL;
	const unsigned char *data = NULL;
	size_t len = 0;
	if (!strcasecmp(dot, ".shp"))
		data = opening->shp, len = opening->shp_len;
	else if (!strcasecmp(dot, ".shx"))
		data = opening->shx, len = opening->shx_len;
	else if (!strcasecmp(dot, ".dbf"))
		data = opening->dbf, len = opening->dbf_len;
	mem_file *m = data ? calloc(1, sizeof(*m)) : NULL;
	if (!m)
		return NULL;
	m->data = data;
	m->len = len;
	return (SAFile)(void *)m;
}

static SAOffset mem_read(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
	mem_file *m = (mem_file *)(void *)file;
	if (size == 0 || m->pos >= m->len)
		return 0;
	SAOffset n = (m->len - m->pos) / size;
	if (n > nmemb)
		n = nmemb;
	memcpy(p, m->data + m->pos, n * size);
	m->pos += n * size;
	return n;
}

static SAOffset mem_write(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
	(void)p, (void)size, (void)nmemb, (void)file;
	return 0;
}

static SAOffset mem_seek(SAFile file, SAOffset offset, int whence)
{
	mem_file *m = (mem_file *)(void *)file;
	size_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->len : 0;
	m->pos = base + offset;
	return 0;
}

static SAOffset mem_tell(SAFile file)
{
	return ((mem_file *)(void *)file)->pos;
}

static int mem_flush(SAFile file)
{
	(void)file;
	return 0;
}

static int mem_close(SAFile file)
{
	free(file);
	return 0;
}

static int mem_remove(const char *filename)
{
	(void)filename;
	return -1;
}

static void mem_error(const char *message)
{
	(void)message; /* our own checks have already said what is wrong */
}

static double mem_atof(const char *s)
{
	return strtod(s, NULL);
}

static const SAHooks mem_hooks = { mem_open, mem_read, mem_write, mem_seek, mem_tell,
	                           mem_flush, mem_close, mem_remove, mem_error, mem_atof };

void pst_shape_bytes_open(const pst_shape_bytes *b, SHPHandle *shp, DBFHandle *dbf)
{
	SAHooks hooks = mem_hooks;
	opening = b;
	/* The name only carries the extension to mem_open: no file is touched. */
	*shp = SHPOpenLL("memory.shp", "rb", &hooks);
	*dbf = DBFOpenLL("memory.dbf", "rb", &hooks);
	opening = NULL;
}
