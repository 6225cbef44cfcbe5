/*
 * test_label.c — label placement: on synthetic crowds and on every shipped
 * map and layout, every label (a name or a numbered key) is inside the page,
 * overlapping no other label, no symbol and no furniture, and every item is
 * accounted for: named, keyed (listed in the key panel) or counted on the
 * map as shown without a label.  Checked from the map data, as a designer
 * building on it would see it.  (The rules against misleading labels —
 * borders through labels, leaders — are tests/cli/label_rules.sh.)
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <shapefil.h>

#include "posture/posture.h"

static char tmpdir[] = "/tmp/posture-label-XXXXXX";

typedef struct {
	double b[4];
} box;

static bool overlaps(const box *p, const box *q)
{
	return p->b[0] < q->b[2] && q->b[0] < p->b[2] && p->b[1] < q->b[3] && q->b[1] < p->b[3];
}

static box box_of(json_t *a)
{
	box r;
	for (int i = 0; i < 4; i++)
		r.b[i] = json_number_value(json_array_get(a, (size_t)i));
	return r;
}

/* Render @p map_path with optional overrides and return its map data. */
static json_t *mapdata(const char *map_path, const char *layout)
{
	posture_ctx *ctx;
	posture_ctx_create(&ctx);
	posture_map *map = NULL;
	posture_scene *scene = NULL;
	char out[512];
	snprintf(out, sizeof(out), "%s/out.json", tmpdir);
	assert_int_equal(posture_map_load(&map, ctx, map_path), POSTURE_OK);
	if (layout)
		assert_int_equal(posture_map_set(map, ctx, "--set", "layout", layout), POSTURE_OK);
	int rc = posture_scene_build(&scene, ctx, map);
	if (rc != POSTURE_OK) {
		char line[1024];
		posture_diag_format(line, sizeof(line), posture_ctx_diag(ctx, 0));
		fail_msg("%s", line);
	}
	assert_int_equal(posture_scene_write(ctx, scene, out, POSTURE_FORMAT_JSON, NULL), POSTURE_OK);
	posture_scene_destroy(scene);
	posture_map_destroy(map);
	posture_ctx_destroy(ctx);
	json_t *data = json_load_file(out, 0, NULL);
	assert_non_null(data);
	unlink(out);
	return data;
}

/* The key panel lists the keys (or says where they continue) and counts the
 * unlabelled items. */
static bool key_panel_says(json_t *data, json_int_t keyed, json_int_t unlabelled)
{
	size_t i, k;
	json_t *panel, *it;
	bool first_key = keyed == 0, note = unlabelled == 0;
	json_array_foreach(json_object_get(data, "furniture"), i, panel) {
		if (strcmp(json_string_value(json_object_get(panel, "name")), "keys") != 0)
			continue;
		json_array_foreach(json_object_get(panel, "items"), k, it) {
			const char *id = json_string_value(json_object_get(it, "id"));
			const char *text = json_string_value(json_object_get(it, "label"));
			first_key = first_key || !strcmp(id, "keys--1") || !strcmp(id, "keys-more");
			if (!strcmp(id, "keys-unlabelled") && text) {
				char count[32];
				snprintf(count, sizeof(count), "%lld", (long long)unlabelled);
				note = strstr(text, "without labels") != NULL &&
				       (unlabelled == 1 || strstr(text, count) != NULL || strchr(text, ','));
			}
		}
	}
	return first_key && note;
}

/* Every label placed (a name or a key), inside the page, clear of labels,
 * symbols and furniture. */
static size_t check_placement(json_t *data, const char *what, bool allow_unlabelled)
{
	json_t *page = json_object_get(data, "page");
	double w = json_number_value(json_object_get(page, "width"));
	double h = json_number_value(json_object_get(page, "height"));
	box labels[4096], fixed[4096];
	const char *ids[4096];
	size_t n_labels = 0, n_fixed = 0, i, k;
	json_t *layer, *it, *panel;
	json_array_foreach(json_object_get(data, "layers"), i, layer) {
		json_array_foreach(json_object_get(layer, "items"), k, it) {
			if (json_is_true(json_object_get(it, "unlabelled")) && !allow_unlabelled)
				fail_msg("%s: %s has neither name nor key", what,
				         json_string_value(json_object_get(it, "id")));
			json_t *sb = json_object_get(it, "symbol_box");
			if (sb && n_fixed < 4096) {
				box s = box_of(sb);
				if (s.b[2] > s.b[0])
					fixed[n_fixed++] = s;
			}
			json_t *lb = json_object_get(it, "label_box");
			if (lb && n_labels < 4096) {
				ids[n_labels] = json_string_value(json_object_get(it, "id"));
				labels[n_labels++] = box_of(lb);
			}
		}
	}
	size_t n_symbols = n_fixed;
	json_array_foreach(json_object_get(data, "furniture"), i, panel) {
		box p = box_of(json_object_get(panel, "box"));
		/* A panel over a symbol hides its item. */
		for (k = 0; k < n_symbols && p.b[2] > p.b[0]; k++)
			if (overlaps(&p, &fixed[k]))
				fail_msg("%s: the %s panel hides a symbol", what,
				         json_string_value(json_object_get(panel, "name")));
		fixed[n_fixed++] = p;
	}
	for (i = 0; i < n_labels; i++) {
		const box *l = &labels[i];
		if (l->b[0] < -0.01 || l->b[1] < -0.01 || l->b[2] > w + 0.01 || l->b[3] > h + 0.01)
			fail_msg("%s: label of %s leaves the page", what, ids[i]);
		for (k = i + 1; k < n_labels; k++)
			if (overlaps(l, &labels[k]))
				fail_msg("%s: labels of %s and %s overlap", what, ids[i], ids[k]);
		for (k = 0; k < n_fixed; k++)
			if (overlaps(l, &fixed[k]))
				fail_msg("%s: label of %s covers a symbol or the furniture", what, ids[i]);
	}
	json_t *stats = json_object_get(data, "label_placement");
	assert_int_equal(json_integer_value(json_object_get(stats, "overlaps")), 0);
	assert_int_equal(json_integer_value(json_object_get(stats, "dropped")), 0);
	/* Every item is accounted for: named, keyed, or counted on the map. */
	json_int_t named = json_integer_value(json_object_get(stats, "placed"));
	json_int_t keyed = json_integer_value(json_object_get(stats, "keyed"));
	json_int_t unlabelled = json_integer_value(json_object_get(stats, "unlabelled"));
	assert_int_equal(named + keyed + unlabelled, json_integer_value(json_object_get(stats, "labels")));
	if (keyed || unlabelled)
		assert_true(key_panel_says(data, keyed, unlabelled));
	return n_labels;
}

/* Layout bare: the whole frame is room for labels (the shipped maps test furniture). */
static const char *const BARE_MAP = "extent = 66.5, 36.2, 75.2, 41.1\nsize = 1600x1100\nlayout = bare\n";
/* The default map's frame, furniture and all. */
static const char *const DEFAULT_MAP = "extent = 52, 34, 80, 46\nsize = 2000x1400\nlayout = map\n";

/* Write a layer of @p n points of @p kind from @p pos and a map (@p frame) around it. */
static char *synthetic_map(size_t n, void (*pos)(size_t i, size_t n, double *lon, double *lat),
                           const char *kind, const char *frame)
{
	char path[512];
	bool base = strcmp(kind, "military-base") == 0;
	snprintf(path, sizeof(path), "%s/%s.geojson", tmpdir, base ? "bases" : "incidents");
	FILE *f = fopen(path, "w");
	fputs("{\"type\": \"FeatureCollection\", \"features\": [\n", f);
	for (size_t i = 0; i < n; i++) {
		double lon, lat;
		pos(i, n, &lon, &lat);
		fprintf(f, "%s{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", "
		        "\"coordinates\": [%.5f, %.5f]}, \"properties\": {\"id\": \"base-%zu\", "
		        "\"name\": \"Base %zu\", \"kind\": \"%s\",%s \"precision\": \"site\", "
		        "\"sources\": [{\"id\": \"s\", \"locator\": \"p. 1\", \"quote\": \"a base\"}]}}\n",
		        i ? "," : "", lon, lat, i + 1, i + 1, kind,
		        base ? "" : " \"date\": \"2015-05\", \"date_basis\": \"stated\",");
	}
	fputs("]}\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/sources.json", tmpdir);
	f = fopen(path, "w");
	fputs("[{\"id\": \"s\", \"type\": \"report\", \"title\": \"Test\"}]\n", f);
	fclose(f);
	char *map = malloc(512);
	snprintf(map, 512, "%s/test.ini", tmpdir);
	f = fopen(map, "w");
	fprintf(f, "[map]\ntitle = Test\n%s"
	        "[data]\nshapes = %s/shapes\nlayers = %s.geojson\nsources = sources.json\n",
	        frame, POSTURE_SOURCE_DIR, base ? "bases" : "incidents");
	fclose(f);
	return map;
}

/* A deterministic scatter within @p km of Dushanbe. */
static void scatter(size_t i, size_t n, double km, double *lon, double *lat)
{
	(void)n;
	double r = km * sqrt((double)((i * 7919) % 1000) / 1000.0) / 111.0;
	double a = (double)i * 2.399963; /* the golden angle */
	*lon = 68.787 + r * cos(a) / cos(38.56 * 3.14159265 / 180);
	*lat = 38.56 + r * sin(a);
}

static void scatter40(size_t i, size_t n, double *lon, double *lat)
{
	scatter(i, n, 40, lon, lat);
}

static void scatter60(size_t i, size_t n, double *lon, double *lat)
{
	scatter(i, n, 60, lon, lat);
}

static void on_a_line(size_t i, size_t n, double *lon, double *lat)
{
	*lon = 68.0 + 2.0 * (double)i / (double)n;
	*lat = 38.0;
}

static void at_the_edge(size_t i, size_t n, double *lon, double *lat)
{
	/* Round the extent (lon 66.5-75.2, lat 36.2-41.1), 0.05 degrees inside it:
	 * at the top and bottom that is the page's edge. */
	double t = (double)i / (double)n, x0 = 66.55, x1 = 75.15, y0 = 36.25, y1 = 41.05;
	if (t < 0.25) {
		*lon = x0 + 4 * t * (x1 - x0);
		*lat = y1;
	} else if (t < 0.5) {
		*lon = x1;
		*lat = y1 - 4 * (t - 0.25) * (y1 - y0);
	} else if (t < 0.75) {
		*lon = x1 - 4 * (t - 0.5) * (x1 - x0);
		*lat = y0;
	} else {
		*lon = x0;
		*lat = y0 + 4 * (t - 0.75) * (y1 - y0);
	}
}

/* Scattered over the default map's extent east of the Caspian, the same
 * every run (a linear congruential sequence). */
static void scattered(size_t i, size_t n, double *lon, double *lat)
{
	(void)n;
	uint64_t x = 0x9E3779B97F4A7C15u * (i + 1);
	x ^= x >> 29;
	x *= 0xBF58476D1CE4E5B9u;
	x ^= x >> 32;
	*lon = 54.8 + 24.7 * (double)(x & 0xFFFF) / 65535.0;
	*lat = 34.3 + 11.4 * (double)((x >> 16) & 0xFFFF) / 65535.0;
}

/* Spaced evenly along the Afghan-Tajik land border of shapes/borders.shp. */
static void along_border(size_t i, size_t n, double *lon, double *lat)
{
	static double xy[2 * 4096];
	static size_t n_xy;
	if (!n_xy) {
		char path[512];
		snprintf(path, sizeof(path), "%s/shapes/borders", POSTURE_SOURCE_DIR);
		SHPHandle shp = SHPOpen(path, "rb");
		DBFHandle dbf = DBFOpen(path, "rb");
		assert_non_null(shp);
		assert_non_null(dbf);
		for (int r = 0; r < DBFGetRecordCount(dbf) && !n_xy; r++) {
			char a[8]; /* shapelib's strings share one buffer */
			snprintf(a, sizeof(a), "%s", DBFReadStringAttribute(dbf, r, 0));
			const char *b = DBFReadStringAttribute(dbf, r, 1);
			if (!(strcmp(a, "AFG") == 0 && strcmp(b, "TJK") == 0) &&
			    !(strcmp(a, "TJK") == 0 && strcmp(b, "AFG") == 0))
				continue;
			SHPObject *o = SHPReadObject(shp, r);
			for (int v = 0; o && v < o->nVertices && n_xy < 4096; v++, n_xy++) {
				xy[2 * n_xy] = o->padfX[v];
				xy[2 * n_xy + 1] = o->padfY[v];
			}
			SHPDestroyObject(o);
		}
		SHPClose(shp);
		DBFClose(dbf);
		assert_true(n_xy > 10);
	}
	double total = 0;
	for (size_t v = 1; v < n_xy; v++)
		total += hypot(xy[2 * v] - xy[2 * v - 2], xy[2 * v + 1] - xy[2 * v - 1]);
	double want = total * ((double)i + 0.5) / (double)n;
	for (size_t v = 1; v < n_xy; v++) {
		double d = hypot(xy[2 * v] - xy[2 * v - 2], xy[2 * v + 1] - xy[2 * v - 1]);
		if (want <= d || v + 1 == n_xy) {
			double t = d > 0 ? fmin(want / d, 1) : 0;
			*lon = xy[2 * v - 2] + t * (xy[2 * v] - xy[2 * v - 2]);
			*lat = xy[2 * v - 1] + t * (xy[2 * v + 1] - xy[2 * v - 1]);
			return;
		}
		want -= d;
	}
}

static void run_crowd(size_t n, void (*pos)(size_t, size_t, double *, double *),
                      const char *kind, const char *frame, const char *what, bool complete);

/* Every point on the page gets its label: a name or a key, none shown
 * without one (unless not @p complete: then the map counts them). */
static void run_synthetic(size_t n, void (*pos)(size_t, size_t, double *, double *),
                          const char *what, bool complete)
{
	run_crowd(n, pos, "military-base", BARE_MAP, what, complete);
}

static void run_crowd(size_t n, void (*pos)(size_t, size_t, double *, double *),
                      const char *kind, const char *frame, const char *what, bool complete)
{
	char *map = synthetic_map(n, pos, kind, frame);
	json_t *data = mapdata(map, NULL);
	size_t i, k, drawn = 0, labelled = 0;
	json_t *layer, *it;
	json_array_foreach(json_object_get(data, "layers"), i, layer) {
		const char *name = json_string_value(json_object_get(layer, "name"));
		if (strcmp(name, "bases") != 0 && strcmp(name, "incidents") != 0)
			continue;
		json_array_foreach(json_object_get(layer, "items"), k, it) {
			drawn++;
			labelled += json_object_get(it, "label_box") != NULL;
		}
	}
	assert_true(drawn >= n * 3 / 4);
	check_placement(data, what, !complete);
	assert_true(labelled > 0);
	json_decref(data);
	free(map);
}

static void test_label_cluster_of_20(void **state)
{
	(void)state;
	run_synthetic(20, scatter40, "20 bases within 40 km", true);
}

static void test_label_cluster_of_50_round_dushanbe(void **state)
{
	(void)state;
	run_synthetic(50, scatter40, "50 bases within 40 km of Dushanbe", true);
}

static void test_label_cluster_of_200(void **state)
{
	(void)state;
	/* Apart but packed: the inner squares have room for no key, and a
	 * leader may not cross another square; the map counts them. */
	run_synthetic(200, scatter60, "200 bases within 60 km", false);
}

static void test_label_points_on_a_line(void **state)
{
	(void)state;
	run_synthetic(40, on_a_line, "40 bases on a line", true);
}

static void test_label_points_at_the_frame_edge(void **state)
{
	(void)state;
	run_synthetic(40, at_the_edge, "40 bases at the frame edge", true);
}

static void test_label_along_a_border(void **state)
{
	(void)state;
	run_synthetic(50, along_border, "50 bases along the Afghan-Tajik border", true);
}

static void test_label_100_scattered_over_the_default_map(void **state)
{
	(void)state;
	run_crowd(100, scattered, "attack", DEFAULT_MAP, "100 incidents over the default map", true);
}

static void test_label_1000_scattered_over_the_default_map(void **state)
{
	(void)state;
	/* Keys at 0.85 of their size past 600 points, their halo in proportion,
	 * and chains of moves for the last few: each of 1,000 named or keyed. */
	run_crowd(1000, scattered, "attack", DEFAULT_MAP, "1,000 incidents over the default map",
	          true);
}

static void test_label_every_shipped_map_and_layout(void **state)
{
	(void)state;
	static const char *const maps[] = { "central-asia", "tajik-afghan-border" };
	static const char *const layouts[] = { "map", "bare" };
	for (size_t m = 0; m < 2; m++) {
		for (size_t l = 0; l < 2; l++) {
			char path[512], what[128];
			snprintf(path, sizeof(path), "%s/maps/%s.ini", POSTURE_SOURCE_DIR, maps[m]);
			snprintf(what, sizeof(what), "%s, layout %s", maps[m], layouts[l]);
			json_t *data = mapdata(path, layouts[l]);
			assert_true(check_placement(data, what, true) > 5);
			json_decref(data);
		}
	}
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	posture_shutdown();
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_cluster_of_20),
		cmocka_unit_test(test_label_cluster_of_50_round_dushanbe),
		cmocka_unit_test(test_label_cluster_of_200),
		cmocka_unit_test(test_label_along_a_border),
		cmocka_unit_test(test_label_100_scattered_over_the_default_map),
		cmocka_unit_test(test_label_1000_scattered_over_the_default_map),
		cmocka_unit_test(test_label_points_on_a_line),
		cmocka_unit_test(test_label_points_at_the_frame_edge),
		cmocka_unit_test(test_label_every_shipped_map_and_layout),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
