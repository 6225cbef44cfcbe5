/*
 * countries.c — the `countries` command: Natural Earth countries and their
 * land borders from a world-atlas TopoJSON file.
 *
 * world-atlas identifies countries by ISO 3166-1 numeric code; a table
 * (--iso, tools/iso3166.tsv) maps each to its alpha-3 code, and a second
 * table (--no-id, tools/no-id-features.tsv) says what to do with each
 * feature that has no code: keep it (with a code such as XKX or none, and a
 * disputed flag) or dissolve it into a country (Baikonur into Kazakhstan).
 * Dissolving is done on the topology, so the arcs between the two vanish
 * and the country's rings are rebuilt from the rest.  Every feature of the
 * file must be covered by a table: an unknown code is an error, not a blank.
 *
 * Borders come from the same topology: an arc used by exactly two output
 * countries is a stretch of their common border (arcs between a country and
 * a feature dissolved into it are interior).  --bbox keeps the countries
 * whose bounding box meets the box (whole polygons, never clipped) and the
 * borders of those countries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shapes/topojson.h"
#include "topo2shp.h"

typedef struct {
	char id[8];
	char a3[4];
} iso_row;

typedef struct {
	char *name;
	bool dissolve;
	char a3[4];
	int disputed;
} noid_rule;

typedef struct {
	const char *name; /* borrowed from the topology */
	char a3[4];
	int disputed;
	size_t *members; /* topology features making up this country */
	size_t nmembers, cap;
	bool keep;
} country;

typedef struct {
	posture_ctx *ctx;
	const char *iso_path, *noid_path, *object, *borders_out, *in, *out;
	double box[4];
	bool has_box;
	iso_row *iso;
	size_t niso, iso_cap;
	noid_rule *rules;
	size_t nrules, rules_cap;
	pst_topology *topo;
	country *cs;
	size_t ncs;
	int *owner; /* topology feature -> country index */
} job;

/* ---- options and tables ---------------------------------------------------- */

static int parse_box(job *j, const char *s)
{
	if (sscanf(s, "%lf,%lf,%lf,%lf", &j->box[0], &j->box[1], &j->box[2], &j->box[3]) != 4 ||
	    j->box[0] >= j->box[2] || j->box[1] >= j->box[3])
		return pst_error(j->ctx, POSTURE_EUSAGE, NULL, "--bbox wants W,S,E,N, got '%s'", s);
	j->has_box = true;
	return POSTURE_OK;
}

static int parse_args(job *j, int argc, char **argv)
{
	const char **pos[] = { &j->in, &j->out };
	int npos = 0;
	j->object = "countries";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **dst = strcmp(a, "--iso") == 0 ? &j->iso_path
		                  : strcmp(a, "--no-id") == 0 ? &j->noid_path
		                  : strcmp(a, "--object") == 0 ? &j->object
		                  : strcmp(a, "--borders") == 0 ? &j->borders_out : NULL;
		if ((dst || strcmp(a, "--bbox") == 0) && !v)
			return pst_error(j->ctx, POSTURE_EUSAGE, NULL, "%s needs a value", a);
		if (dst)
			*dst = argv[++i];
		else if (strcmp(a, "--bbox") == 0) {
			if (parse_box(j, argv[++i]) != POSTURE_OK)
				return POSTURE_EUSAGE;
		} else if (a[0] == '-' || npos == 2)
			return pst_error(j->ctx, POSTURE_EUSAGE, NULL, "unexpected argument '%s'", a);
		else
			*pos[npos++] = a;
	}
	if (npos != 2 || !j->iso_path || !j->noid_path)
		return pst_error(j->ctx, POSTURE_EUSAGE, NULL,
		                 "countries needs --iso, --no-id, TOPOJSON and OUTPUT (see --help)");
	return POSTURE_OK;
}

static bool is_alpha3(const char *s)
{
	return strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
	       s[2] >= 'A' && s[2] <= 'Z';
}

static int iso_row_fn(void *user, char **cols, int n, int line)
{
	job *j = user;
	if (n < 2 || strlen(cols[0]) == 0 || strlen(cols[0]) >= sizeof(j->iso->id) ||
	    strspn(cols[0], "0123456789") != strlen(cols[0]) || !is_alpha3(cols[1]))
		return pst_diag(j->ctx, POSTURE_ERROR, POSTURE_EDATA, j->iso_path, line, 1,
		                "expected NUMERIC<tab>ALPHA3[<tab>name]");
	if (pst_grow((void **)&j->iso, &j->iso_cap, j->niso + 1, sizeof(*j->iso)) != POSTURE_OK)
		return pst_error(j->ctx, POSTURE_ENOMEM, j->iso_path, "out of memory");
	iso_row *r = &j->iso[j->niso++];
	snprintf(r->id, sizeof(r->id), "%s", cols[0]);
	snprintf(r->a3, sizeof(r->a3), "%s", cols[1]);
	return POSTURE_OK;
}

static int noid_row_fn(void *user, char **cols, int n, int line)
{
	job *j = user;
	const char *a3 = n >= 3 && strcmp(cols[2], "-") != 0 ? cols[2] : "";
	bool dissolve = n >= 2 && strcmp(cols[1], "dissolve") == 0;
	if (n < 4 || (!dissolve && strcmp(cols[1], "keep") != 0) || (a3[0] && !is_alpha3(a3)) ||
	    (dissolve && !a3[0]) || (strcmp(cols[3], "0") != 0 && strcmp(cols[3], "1") != 0))
		return pst_diag(j->ctx, POSTURE_ERROR, POSTURE_EDATA, j->noid_path, line, 1,
		                "expected NAME<tab>keep|dissolve<tab>ALPHA3|-<tab>0|1");
	if (pst_grow((void **)&j->rules, &j->rules_cap, j->nrules + 1, sizeof(*j->rules)) !=
	    POSTURE_OK)
		return pst_error(j->ctx, POSTURE_ENOMEM, j->noid_path, "out of memory");
	noid_rule *r = &j->rules[j->nrules++];
	memset(r, 0, sizeof(*r));
	r->name = pst_strdup(cols[0]);
	r->dissolve = dissolve;
	snprintf(r->a3, sizeof(r->a3), "%s", a3);
	r->disputed = cols[3][0] - '0';
	return r->name ? POSTURE_OK : pst_error(j->ctx, POSTURE_ENOMEM, j->noid_path, "out of memory");
}

/* ---- building the country list ----------------------------------------------- */

static const char *lookup_iso(const job *j, const char *id)
{
	for (size_t i = 0; i < j->niso; i++)
		if (strcmp(j->iso[i].id, id) == 0)
			return j->iso[i].a3;
	return NULL;
}

static noid_rule *lookup_rule(job *j, const char *name)
{
	for (size_t i = 0; name && i < j->nrules; i++)
		if (strcmp(j->rules[i].name, name) == 0)
			return &j->rules[i];
	return NULL;
}

static int add_member(job *j, country *c, size_t f)
{
	if (pst_grow((void **)&c->members, &c->cap, c->nmembers + 1, sizeof(*c->members)) !=
	    POSTURE_OK)
		return pst_error(j->ctx, POSTURE_ENOMEM, j->in, "out of memory");
	c->members[c->nmembers++] = f;
	j->owner[f] = (int)(c - j->cs);
	return POSTURE_OK;
}

static int add_country(job *j, size_t f, const char *a3, int disputed)
{
	country *c = &j->cs[j->ncs++];
	c->name = j->topo->features[f].name ? j->topo->features[f].name : "";
	snprintf(c->a3, sizeof(c->a3), "%s", a3);
	c->disputed = disputed;
	return add_member(j, c, f);
}

/* First pass: every feature with a code, and the kept features without one. */
static int classify(job *j, size_t f)
{
	const pst_topo_feature *ft = &j->topo->features[f];
	if (ft->id) {
		const char *a3 = lookup_iso(j, ft->id);
		if (!a3)
			return pst_error(j->ctx, POSTURE_EDATA, j->iso_path,
			                 "no alpha-3 code for ISO numeric id '%s' (%s) of %s", ft->id,
			                 ft->name ? ft->name : "unnamed", j->in);
		return add_country(j, f, a3, 0);
	}
	noid_rule *r = lookup_rule(j, ft->name);
	if (!r)
		return pst_error(j->ctx, POSTURE_EDATA, j->noid_path,
		                 "feature '%s' of %s has no id and no rule here",
		                 ft->name ? ft->name : "(unnamed)", j->in);
	return r->dissolve ? POSTURE_OK : add_country(j, f, r->a3, r->disputed);
}

/* Second pass: dissolve the features whose rule names a target country. */
static int dissolve(job *j, size_t f)
{
	const pst_topo_feature *ft = &j->topo->features[f];
	noid_rule *r = ft->id ? NULL : lookup_rule(j, ft->name);
	if (!r || !r->dissolve)
		return POSTURE_OK;
	country *target = NULL;
	for (size_t i = 0; i < j->ncs; i++)
		if (strcmp(j->cs[i].a3, r->a3) == 0) {
			if (target)
				return pst_error(j->ctx, POSTURE_EDATA, j->noid_path,
				                 "cannot dissolve '%s': several features are %s", r->name, r->a3);
			target = &j->cs[i];
		}
	if (!target)
		return pst_error(j->ctx, POSTURE_EDATA, j->noid_path,
		                 "cannot dissolve '%s': no feature is %s", r->name, r->a3);
	return add_member(j, target, f);
}

static void country_bbox(const job *j, const country *c, double bb[4])
{
	bb[0] = bb[1] = 1e300;
	bb[2] = bb[3] = -1e300;
	for (size_t m = 0; m < c->nmembers; m++) {
		const pst_topo_feature *ft = &j->topo->features[c->members[m]];
		for (size_t p = 0; p < ft->npolys; p++)
			for (size_t r = 0; r < ft->polys[p].n; r++)
				for (size_t i = 0; i < ft->polys[p].rings[r].n; i++) {
					const pst_topo_arc *a =
						&j->topo->arcs[pst_topo_ref_arc(ft->polys[p].rings[r].refs[i], NULL)];
					for (size_t k = 0; k < a->n; k++) {
						bb[0] = a->pts[k].x < bb[0] ? a->pts[k].x : bb[0];
						bb[1] = a->pts[k].y < bb[1] ? a->pts[k].y : bb[1];
						bb[2] = a->pts[k].x > bb[2] ? a->pts[k].x : bb[2];
						bb[3] = a->pts[k].y > bb[3] ? a->pts[k].y : bb[3];
					}
				}
	}
}

static int build_countries(job *j)
{
	size_t n = j->topo->nfeatures;
	j->cs = calloc(n ? n : 1, sizeof(*j->cs));
	j->owner = calloc(n ? n : 1, sizeof(*j->owner));
	if (!j->cs || !j->owner)
		return pst_error(j->ctx, POSTURE_ENOMEM, j->in, "out of memory");
	for (size_t f = 0; f < n; f++)
		j->owner[f] = -1;
	int rc = POSTURE_OK;
	for (size_t f = 0; f < n && rc == POSTURE_OK; f++)
		rc = classify(j, f);
	for (size_t f = 0; f < n && rc == POSTURE_OK; f++)
		rc = dissolve(j, f);
	for (size_t i = 0; i < j->ncs && rc == POSTURE_OK; i++) {
		double bb[4];
		country_bbox(j, &j->cs[i], bb);
		j->cs[i].keep = !j->has_box || (bb[0] <= j->box[2] && bb[2] >= j->box[0] &&
		                                bb[1] <= j->box[3] && bb[3] >= j->box[1]);
	}
	return rc;
}

/* ---- writing ------------------------------------------------------------------ */

/* Points of @p paths as one shape of @p type (one part per path). */
static SHPObject *paths_object(const pst_topology *t, int type, const pst_topo_path *paths,
                               size_t n)
{
	pst_buf xs, ys;
	pst_buf_init(&xs);
	pst_buf_init(&ys);
	int *starts = calloc(n ? n : 1, sizeof(*starts));
	size_t total = 0;
	bool ok = starts != NULL;
	for (size_t i = 0; ok && i < n; i++) {
		pst_topo_pt *pts = NULL;
		size_t np = 0;
		ok = pst_topo_path_points(t, &paths[i], &pts, &np) == POSTURE_OK;
		starts[i] = (int)total;
		for (size_t k = 0; ok && k < np; k++) {
			pst_buf_add(&xs, &pts[k].x, sizeof(double));
			pst_buf_add(&ys, &pts[k].y, sizeof(double));
		}
		total += np;
		free(pts);
	}
	SHPObject *o = ok && !xs.failed && !ys.failed
	               ? t2s_shp_object(type, (int)n, starts, (const double *)(void *)xs.data,
	                                (const double *)(void *)ys.data, (int)total)
	               : NULL;
	free(starts);
	pst_buf_free(&xs);
	pst_buf_free(&ys);
	return o;
}

/* The rings of country @p c: its feature's own rings, or the dissolved union. */
static int country_rings(job *j, const country *c, pst_topo_path **rings, size_t *n)
{
	if (c->nmembers > 1)
		return pst_topo_merge(j->topo, j->ctx, c->members, c->nmembers, rings, n);
	const pst_topo_feature *ft = &j->topo->features[c->members[0]];
	size_t k = 0;
	for (size_t p = 0; p < ft->npolys; p++)
		k += ft->polys[p].n;
	pst_topo_path *out = calloc(k ? k : 1, sizeof(*out));
	if (!out)
		return pst_error(j->ctx, POSTURE_ENOMEM, j->in, "out of memory");
	k = 0;
	for (size_t p = 0; p < ft->npolys; p++)
		for (size_t r = 0; r < ft->polys[p].n; r++)
			out[k++] = ft->polys[p].rings[r]; /* borrowed: free only the array */
	*rings = out;
	*n = k;
	return POSTURE_OK;
}

static int write_country(job *j, t2s_shp *o, const country *c)
{
	pst_topo_path *rings = NULL;
	size_t n = 0;
	int rc = country_rings(j, c, &rings, &n);
	if (rc != POSTURE_OK)
		return rc;
	int rec = t2s_shp_add(o, paths_object(j->topo, SHPT_POLYGON, rings, n));
	if (c->nmembers > 1)
		pst_topo_paths_free(rings, n);
	else
		free(rings);
	if (rec < 0)
		return rec;
	rc = t2s_shp_str(o, rec, 0, c->name);
	if (rc == POSTURE_OK)
		rc = t2s_shp_str(o, rec, 1, c->a3);
	if (rc == POSTURE_OK)
		rc = t2s_shp_int(o, rec, 2, c->disputed);
	return rc;
}

static int name_width(const job *j)
{
	size_t w = 1;
	for (size_t i = 0; i < j->ncs; i++)
		if (strlen(j->cs[i].name) > w)
			w = strlen(j->cs[i].name);
	return w > 254 ? 254 : (int)w;
}

static int write_countries(job *j)
{
	t2s_field fields[] = { { "name", FTString, name_width(j), 0 },
		                   { "iso_a3", FTString, 3, 0 },
		                   { "disputed", FTInteger, 1, 0 } };
	t2s_shp o;
	int rc = t2s_shp_open(&o, j->ctx, j->out, SHPT_POLYGON, fields, PST_ARRAY_LEN(fields));
	for (size_t i = 0; i < j->ncs && rc == POSTURE_OK; i++)
		if (j->cs[i].keep)
			rc = write_country(j, &o, &j->cs[i]);
	int rc2 = t2s_shp_close(&o);
	return rc != POSTURE_OK ? rc : rc2;
}

/* ---- borders ------------------------------------------------------------------- */

typedef struct {
	const pst_topo_border *b;
	const country *first, *second; /* in alphabetical order of (iso_a3, name) */
} border_rec;

static int cmp_country(const country *x, const country *y)
{
	int c = strcmp(x->a3, y->a3);
	return c ? c : strcmp(x->name, y->name);
}

static int cmp_border_rec(const void *pa, const void *pb)
{
	const border_rec *x = pa, *y = pb;
	int c = cmp_country(x->first, y->first);
	return c ? c : cmp_country(x->second, y->second);
}

static int write_border(job *j, t2s_shp *o, const border_rec *br)
{
	int rec = t2s_shp_add(o, paths_object(j->topo, SHPT_ARC, br->b->lines, br->b->nlines));
	if (rec < 0)
		return rec;
	int rc = t2s_shp_str(o, rec, 0, br->first->a3);
	if (rc == POSTURE_OK)
		rc = t2s_shp_str(o, rec, 1, br->second->a3);
	if (rc == POSTURE_OK)
		rc = t2s_shp_str(o, rec, 2, br->first->name);
	if (rc == POSTURE_OK)
		rc = t2s_shp_str(o, rec, 3, br->second->name);
	if (rc == POSTURE_OK)
		rc = t2s_shp_int(o, rec, 4, br->first->disputed || br->second->disputed);
	return rc;
}

static int write_border_file(job *j, const border_rec *recs, size_t n)
{
	int w = name_width(j);
	t2s_field fields[] = { { "iso_a3_a", FTString, 3, 0 }, { "iso_a3_b", FTString, 3, 0 },
		                   { "name_a", FTString, w, 0 },   { "name_b", FTString, w, 0 },
		                   { "disputed", FTInteger, 1, 0 } };
	t2s_shp o;
	int rc = t2s_shp_open(&o, j->ctx, j->borders_out, SHPT_ARC, fields, PST_ARRAY_LEN(fields));
	for (size_t i = 0; i < n && rc == POSTURE_OK; i++)
		rc = write_border(j, &o, &recs[i]);
	int rc2 = t2s_shp_close(&o);
	return rc != POSTURE_OK ? rc : rc2;
}

static int write_borders(job *j)
{
	pst_topo_border *bs = NULL;
	size_t nb = 0, k = 0;
	int rc = pst_topo_borders(j->topo, j->ctx, j->owner, &bs, &nb);
	border_rec *recs = rc == POSTURE_OK ? calloc(nb ? nb : 1, sizeof(*recs)) : NULL;
	if (rc == POSTURE_OK && !recs)
		rc = pst_error(j->ctx, POSTURE_ENOMEM, j->in, "out of memory");
	for (size_t i = 0; recs && i < nb; i++) {
		const country *a = &j->cs[bs[i].a], *b = &j->cs[bs[i].b];
		if (!a->keep && !b->keep)
			continue;
		bool swap = cmp_country(a, b) > 0;
		recs[k++] = (border_rec){ &bs[i], swap ? b : a, swap ? a : b };
	}
	if (recs) {
		qsort(recs, k, sizeof(*recs), cmp_border_rec);
		rc = write_border_file(j, recs, k);
	}
	free(recs);
	pst_topo_borders_free(bs, nb);
	return rc;
}

/* ---- the command ----------------------------------------------------------------- */

static void job_free(job *j)
{
	for (size_t i = 0; i < j->ncs; i++)
		free(j->cs[i].members);
	free(j->cs);
	free(j->owner);
	for (size_t i = 0; i < j->nrules; i++)
		free(j->rules[i].name);
	free(j->rules);
	free(j->iso);
	pst_topo_free(j->topo);
}

int t2s_countries(posture_ctx *ctx, int argc, char **argv)
{
	job j;
	memset(&j, 0, sizeof(j));
	j.ctx = ctx;
	int rc = parse_args(&j, argc, argv);
	if (rc == POSTURE_OK)
		rc = t2s_read_tsv(ctx, j.iso_path, 3, iso_row_fn, &j);
	if (rc == POSTURE_OK)
		rc = t2s_read_tsv(ctx, j.noid_path, 5, noid_row_fn, &j);
	if (rc == POSTURE_OK)
		rc = pst_topo_load(&j.topo, ctx, j.in, j.object, PST_TOPO_REQUIRE_TRANSFORM);
	if (rc == POSTURE_OK)
		rc = build_countries(&j);
	if (rc == POSTURE_OK)
		rc = write_countries(&j);
	if (rc == POSTURE_OK && j.borders_out)
		rc = write_borders(&j);
	job_free(&j);
	return rc;
}
