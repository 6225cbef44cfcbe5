/*
 * topojson.c — TopoJSON decoding, dissolving and shared-border extraction.
 *
 * A TopoJSON topology stores every boundary once, as an "arc"; polygons are
 * rings of references to arcs (a negative reference ~i walks arc i
 * backwards).  A quantised topology stores arc positions as integers, each
 * position after the first as a delta to the previous one, and a transform
 * (scale, translate) maps the accumulated integers back to coordinates.
 *
 * Decoding undoes both and checks everything a malformed file could get
 * wrong (types, arc indices, counts, rings that do not close) so that bad
 * input ends in a diagnostic naming the file, never in a crash.  The decoded
 * topology keeps the arc references, which makes two operations exact:
 * dissolving features (arcs two merged polygons share are interior and
 * vanish; the remaining arcs are chained into new rings) and extracting land
 * borders (an arc used by exactly two different features is where they meet).
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "shapes/topojson.h"

/* Quantised coordinates beyond this are not a real topology (and would lose precision). */
#define TOPO_MAX_QUANT 2147483647.0

typedef struct {
	posture_ctx *ctx;
	const char *name; /* file name for diagnostics */
	pst_topology *topo;
	int flags;
} loader;

/* ---- small helpers ------------------------------------------------------ */

static void *alloc_array(size_t n, size_t elem)
{
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX / elem)
		return NULL;
	return calloc(n, elem);
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

static pst_topo_pt ref_start(const pst_topology *t, int32_t ref)
{
	bool rev;
	const pst_topo_arc *a = &t->arcs[pst_topo_ref_arc(ref, &rev)];
	return rev ? a->pts[a->n - 1] : a->pts[0];
}

static pst_topo_pt ref_end(const pst_topology *t, int32_t ref)
{
	bool rev;
	const pst_topo_arc *a = &t->arcs[pst_topo_ref_arc(ref, &rev)];
	return rev ? a->pts[0] : a->pts[a->n - 1];
}

static bool pt_eq(pst_topo_pt a, pst_topo_pt b)
{
	return a.x == b.x && a.y == b.y;
}

/* ---- transform and arcs ------------------------------------------------- */

static int read_pair(loader *ld, const json_t *tr, const char *key, double out[2], bool nonzero)
{
	const json_t *v = json_object_get(tr, key);
	if (!v)
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name, "transform has no \"%s\"", key);
	if (!json_is_array(v) || json_array_size(v) != 2)
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "transform.%s must be an array of two numbers", key);
	for (size_t i = 0; i < 2; i++) {
		const json_t *c = json_array_get(v, i);
		double d = json_is_number(c) ? json_number_value(c) : NAN;
		if (!isfinite(d) || (nonzero && d == 0.0))
			return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
			                 "transform.%s[%zu] must be a finite%s number", key, i,
			                 nonzero ? ", non-zero" : "");
		out[i] = d;
	}
	return POSTURE_OK;
}

static int read_transform(loader *ld, const json_t *root)
{
	pst_topology *t = ld->topo;
	const json_t *tr = json_object_get(root, "transform");
	t->scale[0] = t->scale[1] = 1.0;
	t->translate[0] = t->translate[1] = 0.0;
	if (!tr) {
		if (ld->flags & PST_TOPO_REQUIRE_TRANSFORM)
			return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
			                 "topology has no \"transform\" (expected a quantised topology)");
		return POSTURE_OK;
	}
	if (!json_is_object(tr))
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "\"transform\" must be an object, not %s", json_kind(tr));
	int rc = read_pair(ld, tr, "scale", t->scale, true);
	if (rc == POSTURE_OK)
		rc = read_pair(ld, tr, "translate", t->translate, false);
	t->quantized = rc == POSTURE_OK;
	return rc;
}

/* Position @p i of arc @p ai into *q (raw, before delta and transform). */
static int read_position(loader *ld, const json_t *pos, size_t ai, size_t i, double q[2])
{
	if (!json_is_array(pos) || json_array_size(pos) < 2)
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "arcs[%zu][%zu]: a position must be an array of two numbers", ai, i);
	for (size_t k = 0; k < 2; k++) {
		const json_t *c = json_array_get(pos, k);
		double d = json_is_number(c) ? json_number_value(c) : NAN;
		if (!isfinite(d))
			return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
			                 "arcs[%zu][%zu][%zu]: expected a number, found %s",
			                 ai, i, k, json_kind(c));
		if (ld->topo->quantized && (d != floor(d) || fabs(d) > TOPO_MAX_QUANT))
			return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
			                 "arcs[%zu][%zu][%zu]: quantised position %g is not an integer "
			                 "of at most 2^31", ai, i, k, d);
		q[k] = d;
	}
	return POSTURE_OK;
}

static int decode_arc(loader *ld, const json_t *ja, size_t ai, pst_topo_arc *arc)
{
	pst_topology *t = ld->topo;
	if (!json_is_array(ja) || json_array_size(ja) < 2)
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "arcs[%zu]: an arc must be an array of at least two positions", ai);
	size_t n = json_array_size(ja);
	arc->pts = alloc_array(n, sizeof(*arc->pts));
	if (!arc->pts)
		return pst_error(ld->ctx, POSTURE_ENOMEM, ld->name, "out of memory decoding arcs");
	arc->n = n;
	double acc[2] = { 0, 0 };
	for (size_t i = 0; i < n; i++) {
		double q[2];
		int rc = read_position(ld, json_array_get(ja, i), ai, i, q);
		if (rc != POSTURE_OK)
			return rc;
		for (int k = 0; k < 2; k++) {
			acc[k] = t->quantized ? acc[k] + q[k] : q[k];
			if (fabs(acc[k]) > TOPO_MAX_QUANT * 2)
				return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
				                 "arcs[%zu][%zu]: delta-decoded position is out of range", ai, i);
		}
		arc->pts[i].x = acc[0] * t->scale[0] + t->translate[0];
		arc->pts[i].y = acc[1] * t->scale[1] + t->translate[1];
	}
	return POSTURE_OK;
}

static int read_arcs(loader *ld, const json_t *root)
{
	pst_topology *t = ld->topo;
	const json_t *arcs = json_object_get(root, "arcs");
	if (!arcs || !json_is_array(arcs))
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "topology has no \"arcs\" array");
	size_t n = json_array_size(arcs);
	if (n > INT32_MAX)
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name, "too many arcs (%zu)", n);
	t->arcs = alloc_array(n, sizeof(*t->arcs));
	if (!t->arcs)
		return pst_error(ld->ctx, POSTURE_ENOMEM, ld->name, "out of memory decoding arcs");
	t->narcs = n;
	for (size_t i = 0; i < n; i++) {
		int rc = decode_arc(ld, json_array_get(arcs, i), i, &t->arcs[i]);
		if (rc != POSTURE_OK)
			return rc;
	}
	return POSTURE_OK;
}

/* ---- geometries ---------------------------------------------------------- */

/* Check that the arcs of a ring join end to start and that the ring closes. */
static int check_ring(loader *ld, const pst_topo_path *ring, const char *where)
{
	const pst_topology *t = ld->topo;
	for (size_t i = 0; i < ring->n; i++) {
		int32_t next = ring->refs[(i + 1) % ring->n];
		if (!pt_eq(ref_end(t, ring->refs[i]), ref_start(t, next)))
			return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
			                 "%s: ring is not closed (arc reference %" PRId32
			                 " does not end where %" PRId32 " starts)",
			                 where, ring->refs[i], next);
	}
	return POSTURE_OK;
}

static int read_ring(loader *ld, const json_t *jr, pst_topo_path *ring, const char *where)
{
	if (!json_is_array(jr) || json_array_size(jr) == 0)
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "%s: a ring must be a non-empty array of arc indices", where);
	size_t n = json_array_size(jr);
	ring->refs = alloc_array(n, sizeof(*ring->refs));
	if (!ring->refs)
		return pst_error(ld->ctx, POSTURE_ENOMEM, ld->name, "out of memory reading rings");
	ring->n = n;
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_array_get(jr, i);
		if (!json_is_integer(v))
			return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
			                 "%s: arc index must be an integer, found %s", where, json_kind(v));
		json_int_t r = json_integer_value(v);
		bool in_int32 = r >= INT32_MIN && r <= INT32_MAX;
		json_int_t idx = !in_int32 ? 0 : r < 0 ? -r - 1 : r;
		if (!in_int32 || idx >= (json_int_t)ld->topo->narcs)
			return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
			                 "%s: arc index %" JSON_INTEGER_FORMAT " is out of range "
			                 "(the topology has %zu arcs)", where, r, ld->topo->narcs);
		ring->refs[i] = (int32_t)r;
	}
	return check_ring(ld, ring, where);
}

static int add_polygon(loader *ld, pst_topo_feature *f, const json_t *jp, const char *where)
{
	if (!json_is_array(jp) || json_array_size(jp) == 0)
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "%s: a polygon must be a non-empty array of rings", where);
	size_t cap = f->npolys;
	if (pst_grow((void **)&f->polys, &cap, f->npolys + 1, sizeof(*f->polys)) != POSTURE_OK)
		return pst_error(ld->ctx, POSTURE_ENOMEM, ld->name, "out of memory reading polygons");
	pst_topo_polygon *p = &f->polys[f->npolys++];
	memset(p, 0, sizeof(*p));
	size_t n = json_array_size(jp);
	p->rings = alloc_array(n, sizeof(*p->rings));
	if (!p->rings)
		return pst_error(ld->ctx, POSTURE_ENOMEM, ld->name, "out of memory reading rings");
	p->n = n;
	for (size_t i = 0; i < n; i++) {
		int rc = read_ring(ld, json_array_get(jp, i), &p->rings[i], where);
		if (rc != POSTURE_OK)
			return rc;
	}
	return POSTURE_OK;
}

static int add_geometry(loader *ld, pst_topo_feature *f, const json_t *g, const char *where,
                        int depth);

static int add_collection(loader *ld, pst_topo_feature *f, const json_t *g, const char *where,
                          int depth)
{
	const json_t *list = json_object_get(g, "geometries");
	if (!json_is_array(list))
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "%s: GeometryCollection has no \"geometries\" array", where);
	if (depth > 16)
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "%s: geometry collections are nested too deeply", where);
	for (size_t i = 0; i < json_array_size(list); i++) {
		int rc = add_geometry(ld, f, json_array_get(list, i), where, depth + 1);
		if (rc != POSTURE_OK)
			return rc;
	}
	return POSTURE_OK;
}

static int add_arcs_of(loader *ld, pst_topo_feature *f, const json_t *g, bool multi,
                       const char *where)
{
	const json_t *arcs = json_object_get(g, "arcs");
	if (!json_is_array(arcs))
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "%s: %s has no \"arcs\" array", where, multi ? "MultiPolygon" : "Polygon");
	if (!multi)
		return add_polygon(ld, f, arcs, where);
	for (size_t i = 0; i < json_array_size(arcs); i++) {
		int rc = add_polygon(ld, f, json_array_get(arcs, i), where);
		if (rc != POSTURE_OK)
			return rc;
	}
	return POSTURE_OK;
}

static int add_geometry(loader *ld, pst_topo_feature *f, const json_t *g, const char *where,
                        int depth)
{
	if (!json_is_object(g))
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "%s: a geometry must be an object, not %s", where, json_kind(g));
	const json_t *jt = json_object_get(g, "type");
	if (!jt || json_is_null(jt))
		return POSTURE_OK; /* a null geometry: a feature without shape */
	const char *type = json_string_value(jt);
	if (!type)
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "%s: \"type\" must be a string, not %s", where, json_kind(jt));
	if (strcmp(type, "Polygon") == 0 || strcmp(type, "MultiPolygon") == 0)
		return add_arcs_of(ld, f, g, type[0] == 'M', where);
	if (strcmp(type, "GeometryCollection") == 0)
		return add_collection(ld, f, g, where, depth);
	if (strstr(type, "Point") || strstr(type, "LineString")) {
		pst_diag(ld->ctx, POSTURE_WARNING, POSTURE_EDATA, ld->name, 0, 0,
		         "%s: %s geometry ignored (only polygons are read)", where, type);
		return POSTURE_OK;
	}
	return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
	                 "%s: unknown geometry type \"%s\"", where, type);
}

static int read_feature_meta(loader *ld, pst_topo_feature *f, const json_t *g)
{
	const json_t *id = json_object_get(g, "id");
	if (json_is_string(id))
		f->id = pst_strdup(json_string_value(id));
	else if (json_is_integer(id))
		f->id = pst_asprintf("%" JSON_INTEGER_FORMAT, json_integer_value(id));
	const json_t *props = json_object_get(g, "properties");
	const json_t *name = json_is_object(props) ? json_object_get(props, "name") : NULL;
	if (json_is_string(name))
		f->name = pst_strdup(json_string_value(name));
	if ((id && (json_is_string(id) || json_is_integer(id)) && !f->id) ||
	    (json_is_string(name) && !f->name))
		return pst_error(ld->ctx, POSTURE_ENOMEM, ld->name, "out of memory reading features");
	return POSTURE_OK;
}

static int read_features(loader *ld, const json_t *obj, const char *object)
{
	pst_topology *t = ld->topo;
	const json_t *jt = json_object_get(obj, "type");
	bool coll = json_is_string(jt) && strcmp(json_string_value(jt), "GeometryCollection") == 0;
	const json_t *list = coll ? json_object_get(obj, "geometries") : NULL;
	if (coll && !json_is_array(list))
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "objects.%s: GeometryCollection has no \"geometries\" array", object);
	size_t n = coll ? json_array_size(list) : 1;
	t->features = alloc_array(n, sizeof(*t->features));
	if (!t->features)
		return pst_error(ld->ctx, POSTURE_ENOMEM, ld->name, "out of memory reading features");
	t->nfeatures = n;
	for (size_t i = 0; i < n; i++) {
		const json_t *g = coll ? json_array_get(list, i) : obj;
		char where[160];
		snprintf(where, sizeof(where), coll ? "objects.%s.geometries[%zu]" : "objects.%s",
		         object, i);
		int rc = json_is_object(g) ? read_feature_meta(ld, &t->features[i], g) : POSTURE_OK;
		if (rc == POSTURE_OK)
			rc = add_geometry(ld, &t->features[i], g, where, 0);
		if (rc != POSTURE_OK)
			return rc;
	}
	return POSTURE_OK;
}

static int decode_root(loader *ld, const json_t *root, const char *object)
{
	const json_t *type = json_object_get(root, "type");
	if (!json_is_object(root) || !json_is_string(type) ||
	    strcmp(json_string_value(type), "Topology") != 0)
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "not a TopoJSON topology (expected an object with \"type\": \"Topology\")");
	int rc = read_transform(ld, root);
	if (rc == POSTURE_OK)
		rc = read_arcs(ld, root);
	if (rc != POSTURE_OK)
		return rc;
	const json_t *objects = json_object_get(root, "objects");
	const json_t *obj = json_is_object(objects) ? json_object_get(objects, object) : NULL;
	if (!obj)
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "topology has no object \"%s\" in \"objects\"", object);
	if (!json_is_object(obj))
		return pst_error(ld->ctx, POSTURE_EDATA, ld->name,
		                 "objects.%s must be an object, not %s", object, json_kind(obj));
	return read_features(ld, obj, object);
}

int pst_topo_load_buffer(pst_topology **out, posture_ctx *ctx, const char *data,
                         size_t len, const char *name, const char *object, int flags)
{
	*out = NULL;
	size_t skip;
	int pre = pst_json_precheck(ctx, name, data, len, &skip);
	if (pre != POSTURE_OK)
		return pre;
	json_error_t err;
	json_t *root = json_loadb(data + skip, len - skip, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, name, err.line, err.column,
		                "invalid JSON: %s", err.text);
	pst_topology *t = calloc(1, sizeof(*t));
	if (t)
		t->path = pst_strdup(name);
	if (!t || !t->path) {
		json_decref(root);
		pst_topo_free(t);
		return pst_error(ctx, POSTURE_ENOMEM, name, "out of memory reading topology");
	}
	loader ld = { ctx, name, t, flags };
	int rc = decode_root(&ld, root, object);
	json_decref(root);
	if (rc != POSTURE_OK) {
		pst_topo_free(t);
		return rc;
	}
	*out = t;
	return POSTURE_OK;
}

int pst_topo_load(pst_topology **out, posture_ctx *ctx, const char *path,
                  const char *object, int flags)
{
	*out = NULL;
	char *data = NULL;
	size_t len = 0;
	int rc = pst_read_file(&data, &len, ctx, path, PST_MAX_TEXT_FILE);
	if (rc != POSTURE_OK)
		return rc;
	rc = pst_topo_load_buffer(out, ctx, data, len, path, object, flags);
	free(data);
	return rc;
}

void pst_topo_paths_free(pst_topo_path *paths, size_t n)
{
	for (size_t i = 0; paths && i < n; i++)
		free(paths[i].refs);
	free(paths);
}

void pst_topo_free(pst_topology *topo)
{
	if (!topo)
		return;
	for (size_t i = 0; i < topo->narcs; i++)
		free(topo->arcs[i].pts);
	free(topo->arcs);
	for (size_t i = 0; i < topo->nfeatures; i++) {
		pst_topo_feature *f = &topo->features[i];
		for (size_t p = 0; p < f->npolys; p++)
			pst_topo_paths_free(f->polys[p].rings, f->polys[p].n);
		free(f->polys);
		free(f->id);
		free(f->name);
	}
	free(topo->features);
	free(topo->path);
	free(topo);
}

/* ---- coordinates --------------------------------------------------------- */

int pst_topo_path_points(const pst_topology *topo, const pst_topo_path *path,
                         pst_topo_pt **pts, size_t *n)
{
	size_t total = 1;
	for (size_t i = 0; i < path->n; i++)
		total += topo->arcs[pst_topo_ref_arc(path->refs[i], NULL)].n - 1;
	pst_topo_pt *out = alloc_array(total, sizeof(*out));
	if (!out)
		return POSTURE_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < path->n; i++) {
		bool rev;
		const pst_topo_arc *a = &topo->arcs[pst_topo_ref_arc(path->refs[i], &rev)];
		for (size_t j = (i == 0 ? 0 : 1); j < a->n; j++)
			out[k++] = a->pts[rev ? a->n - 1 - j : j];
	}
	*pts = out;
	*n = k;
	return POSTURE_OK;
}

/* ---- chaining arcs into paths -------------------------------------------- */

typedef struct {
	pst_topo_path *items;
	size_t n, cap;
} path_list;

static int path_push(pst_topo_path *p, size_t *cap, int32_t ref)
{
	if (pst_grow((void **)&p->refs, cap, p->n + 1, sizeof(*p->refs)) != POSTURE_OK)
		return POSTURE_ENOMEM;
	p->refs[p->n++] = ref;
	return POSTURE_OK;
}

static pst_topo_path *list_add(path_list *l)
{
	if (pst_grow((void **)&l->items, &l->cap, l->n + 1, sizeof(*l->items)) != POSTURE_OK)
		return NULL;
	pst_topo_path *p = &l->items[l->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* Directed ring building: follow each unused reference to one starting where it ends. */
static int chain_rings(const pst_topology *t, const int32_t *refs, size_t n, path_list *out)
{
	bool *used = alloc_array(n, sizeof(*used));
	if (!used)
		return POSTURE_ENOMEM;
	int rc = POSTURE_OK;
	for (size_t s = 0; s < n && rc == POSTURE_OK; s++) {
		if (used[s])
			continue;
		pst_topo_path *ring = list_add(out);
		size_t cap = 0;
		if (!ring || path_push(ring, &cap, refs[s]) != POSTURE_OK) {
			rc = POSTURE_ENOMEM;
			break;
		}
		used[s] = true;
		pst_topo_pt first = ref_start(t, refs[s]), end = ref_end(t, refs[s]);
		while (rc == POSTURE_OK && !pt_eq(end, first)) {
			size_t j = 0;
			while (j < n && (used[j] || !pt_eq(ref_start(t, refs[j]), end)))
				j++;
			if (j == n) {
				rc = POSTURE_EDATA;
				break;
			}
			used[j] = true;
			rc = path_push(ring, &cap, refs[j]);
			end = ref_end(t, refs[j]);
		}
	}
	free(used);
	return rc;
}

/* All arc references of the rings of features idx[0..n-1], in order. */
static int gather_refs(const pst_topology *t, const size_t *idx, size_t n, int32_t **out,
                       size_t *nout)
{
	size_t k = 0, cap = 0;
	int32_t *refs = NULL;
	for (size_t f = 0; f < n; f++) {
		const pst_topo_feature *ft = &t->features[idx[f]];
		for (size_t p = 0; p < ft->npolys; p++)
			for (size_t r = 0; r < ft->polys[p].n; r++) {
				const pst_topo_path *ring = &ft->polys[p].rings[r];
				if (pst_grow((void **)&refs, &cap, k + ring->n, sizeof(*refs)) != POSTURE_OK) {
					free(refs);
					return POSTURE_ENOMEM;
				}
				memcpy(refs + k, ring->refs, ring->n * sizeof(*refs));
				k += ring->n;
			}
	}
	*out = refs;
	*nout = k;
	return POSTURE_OK;
}

/* Keep the references to arcs used once: arcs used twice lie between two merged polygons. */
static int drop_interior(const pst_topology *t, int32_t *refs, size_t *n)
{
	unsigned *uses = alloc_array(t->narcs, sizeof(*uses));
	if (!uses)
		return POSTURE_ENOMEM;
	for (size_t i = 0; i < *n; i++)
		uses[pst_topo_ref_arc(refs[i], NULL)]++;
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (uses[pst_topo_ref_arc(refs[i], NULL)] == 1)
			refs[k++] = refs[i];
	*n = k;
	free(uses);
	return POSTURE_OK;
}

int pst_topo_merge(const pst_topology *topo, posture_ctx *ctx, const size_t *idx,
                   size_t n, pst_topo_path **rings, size_t *nrings)
{
	*rings = NULL;
	*nrings = 0;
	int32_t *refs = NULL;
	size_t nrefs = 0;
	path_list out = { 0 };
	int rc = gather_refs(topo, idx, n, &refs, &nrefs);
	if (rc == POSTURE_OK)
		rc = drop_interior(topo, refs, &nrefs);
	if (rc == POSTURE_OK)
		rc = chain_rings(topo, refs, nrefs, &out);
	free(refs);
	if (rc != POSTURE_OK) {
		pst_topo_paths_free(out.items, out.n);
		return rc == POSTURE_ENOMEM
		       ? pst_error(ctx, rc, topo->path, "out of memory dissolving features")
		       : pst_error(ctx, rc, topo->path, "dissolved boundary does not close into rings");
	}
	*rings = out.items;
	*nrings = out.n;
	return POSTURE_OK;
}

/* ---- borders -------------------------------------------------------------- */

typedef struct {
	int a, b;
	int32_t arc;
} border_arc;

static int cmp_border_arc(const void *pa, const void *pb)
{
	const border_arc *x = pa, *y = pb;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return (x->arc > y->arc) - (x->arc < y->arc);
}

/* Note owner @p o as a user of arc @p a: own[2a], own[2a+1] hold two owners, -2 = more. */
static void note_owner(int *own, size_t a, int o)
{
	int *s = &own[2 * a];
	if (s[0] == -2 || s[0] == o || s[1] == o)
		return;
	if (s[0] < 0)
		s[0] = o;
	else if (s[1] < 0)
		s[1] = o;
	else
		s[0] = s[1] = -2;
}

static int collect_border_arcs(const pst_topology *t, const int *owner, border_arc **out,
                               size_t *n)
{
	int *own = alloc_array(t->narcs * 2, sizeof(*own));
	if (!own)
		return POSTURE_ENOMEM;
	for (size_t i = 0; i < t->narcs * 2; i++)
		own[i] = -1;
	for (size_t f = 0; f < t->nfeatures; f++) {
		if (owner[f] < 0)
			continue;
		const pst_topo_feature *ft = &t->features[f];
		for (size_t p = 0; p < ft->npolys; p++)
			for (size_t r = 0; r < ft->polys[p].n; r++)
				for (size_t i = 0; i < ft->polys[p].rings[r].n; i++)
					note_owner(own, pst_topo_ref_arc(ft->polys[p].rings[r].refs[i], NULL),
					           owner[f]);
	}
	border_arc *list = alloc_array(t->narcs, sizeof(*list));
	size_t k = 0;
	for (size_t a = 0; list && a < t->narcs; a++) {
		int x = own[2 * a], y = own[2 * a + 1];
		if (x >= 0 && y >= 0)
			list[k++] = (border_arc){ x < y ? x : y, x < y ? y : x, (int32_t)a };
	}
	free(own);
	if (!list)
		return POSTURE_ENOMEM;
	qsort(list, k, sizeof(*list), cmp_border_arc);
	*out = list;
	*n = k;
	return POSTURE_OK;
}

/* How many ends of the group's arcs lie on @p p. */
static int end_degree(const pst_topology *t, const border_arc *g, size_t n, pst_topo_pt p)
{
	int d = 0;
	for (size_t i = 0; i < n; i++)
		d += pt_eq(ref_start(t, g[i].arc), p) + pt_eq(ref_end(t, g[i].arc), p);
	return d;
}

/* Extend @p line from its end through points where exactly two group arcs meet. */
static int extend_line(const pst_topology *t, const border_arc *g, size_t n, bool *used,
                       pst_topo_path *line, size_t *cap)
{
	for (;;) {
		pst_topo_pt end = ref_end(t, line->refs[line->n - 1]);
		if (end_degree(t, g, n, end) != 2)
			return POSTURE_OK;
		size_t j = 0;
		int32_t ref = 0;
		for (; j < n; j++) {
			if (used[j])
				continue;
			if (pt_eq(ref_start(t, g[j].arc), end)) {
				ref = g[j].arc;
				break;
			}
			if (pt_eq(ref_end(t, g[j].arc), end)) {
				ref = ~g[j].arc;
				break;
			}
		}
		if (j == n)
			return POSTURE_OK;
		used[j] = true;
		if (path_push(line, cap, ref) != POSTURE_OK)
			return POSTURE_ENOMEM;
	}
}

/* Start a line at arc @p i, oriented so that it begins at a line end when it has one. */
static int start_line(const pst_topology *t, const border_arc *g, size_t n, bool *used,
                      size_t i, bool ends_only, path_list *out)
{
	int32_t ref = g[i].arc;
	bool s_end = end_degree(t, g, n, ref_start(t, ref)) != 2;
	bool e_end = end_degree(t, g, n, ref_end(t, ref)) != 2;
	if (ends_only && !s_end && !e_end)
		return POSTURE_OK;
	if (ends_only && !s_end)
		ref = ~ref;
	pst_topo_path *line = list_add(out);
	size_t cap = 0;
	if (!line || path_push(line, &cap, ref) != POSTURE_OK)
		return POSTURE_ENOMEM;
	used[i] = true;
	return extend_line(t, g, n, used, line, &cap);
}

static int chain_lines(const pst_topology *t, const border_arc *g, size_t n, path_list *out)
{
	bool *used = alloc_array(n, sizeof(*used));
	if (!used)
		return POSTURE_ENOMEM;
	int rc = POSTURE_OK;
	for (int pass = 0; pass < 2; pass++) /* open lines first, then closed loops */
		for (size_t i = 0; i < n && rc == POSTURE_OK; i++)
			if (!used[i])
				rc = start_line(t, g, n, used, i, pass == 0, out);
	free(used);
	return rc;
}

static int add_border(const pst_topology *t, const border_arc *g, size_t n,
                      pst_topo_border *b)
{
	path_list lines = { 0 };
	int rc = chain_lines(t, g, n, &lines);
	b->a = g[0].a;
	b->b = g[0].b;
	b->lines = lines.items;
	b->nlines = lines.n;
	return rc;
}

int pst_topo_borders(const pst_topology *topo, posture_ctx *ctx, const int *owner,
                     pst_topo_border **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	border_arc *arcs = NULL;
	size_t narcs = 0, cap = 0, count = 0;
	pst_topo_border *list = NULL;
	int rc = collect_border_arcs(topo, owner, &arcs, &narcs);
	for (size_t s = 0; rc == POSTURE_OK && s < narcs;) {
		size_t e = s;
		while (e < narcs && arcs[e].a == arcs[s].a && arcs[e].b == arcs[s].b)
			e++;
		rc = pst_grow((void **)&list, &cap, count + 1, sizeof(*list));
		if (rc == POSTURE_OK)
			rc = add_border(topo, arcs + s, e - s, &list[count++]);
		s = e;
	}
	free(arcs);
	if (rc != POSTURE_OK) {
		pst_topo_borders_free(list, count);
		return pst_error(ctx, POSTURE_ENOMEM, topo->path, "out of memory extracting borders");
	}
	*out = list;
	*n = count;
	return POSTURE_OK;
}

void pst_topo_borders_free(pst_topo_border *borders, size_t n)
{
	for (size_t i = 0; borders && i < n; i++)
		pst_topo_paths_free(borders[i].lines, borders[i].nlines);
	free(borders);
}
