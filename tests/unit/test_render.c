/*
 * test_render.c — the shipped maps, end to end through the library: every
 * base lands within 0.5 pt of the position PROJ computes for it, the frame
 * fills the page at the page's aspect ratio and contains the extent, and
 * labels and symbols are on the page.
 */
#include <math.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <proj.h>

#include "posture/posture.h"

static char tmpdir[] = "/tmp/posture-render-XXXXXX";

/* Render @p map_file (in maps/) to map data and parse it. */
static json_t *render_mapdata(const char *map_file)
{
	char map_path[512], json_path[512];
	snprintf(map_path, sizeof(map_path), "%s/maps/%s", POSTURE_SOURCE_DIR, map_file);
	snprintf(json_path, sizeof(json_path), "%s/%s.json", tmpdir, map_file);
	posture_ctx *ctx;
	posture_ctx_create(&ctx);
	posture_map *map = NULL;
	posture_scene *scene = NULL;
	assert_int_equal(posture_map_load(&map, ctx, map_path), POSTURE_OK);
	assert_int_equal(posture_scene_build(&scene, ctx, map), POSTURE_OK);
	assert_int_equal(posture_scene_write(ctx, scene, json_path, POSTURE_FORMAT_JSON, NULL),
	                 POSTURE_OK);
	assert_int_equal(posture_ctx_error_count(ctx), 0);
	posture_scene_destroy(scene);
	posture_map_destroy(map);
	posture_ctx_destroy(ctx);
	json_error_t err;
	json_t *data = json_load_file(json_path, 0, &err);
	if (!data)
		fail_msg("%s:%d: %s", json_path, err.line, err.text);
	unlink(json_path);
	return data;
}

static double member(json_t *o, const char *path)
{
	json_t *v = json_object_get(o, path);
	assert_true(json_is_number(v));
	return json_number_value(v);
}

static double item_at(json_t *array, size_t i)
{
	return json_number_value(json_array_get(array, i));
}

/* Independent PROJ set-up from what the map data says. */
typedef struct {
	PJ *pj;
	double frame[4], width, height;
} page_proj;

static void page_proj_init(page_proj *pp, json_t *data)
{
	const char *crs = json_string_value(json_object_get(data, "crs"));
	assert_non_null(crs);
	PJ *raw = proj_create_crs_to_crs(NULL, "EPSG:4326", crs, NULL);
	assert_non_null(raw);
	pp->pj = proj_normalize_for_visualization(NULL, raw);
	proj_destroy(raw);
	json_t *frame = json_object_get(data, "frame");
	for (int i = 0; i < 4; i++)
		pp->frame[i] = item_at(frame, (size_t)i);
	json_t *page = json_object_get(data, "page");
	pp->width = member(page, "width");
	pp->height = member(page, "height");
}

static void to_page(const page_proj *pp, double lon, double lat, double *x, double *y)
{
	PJ_COORD c = proj_trans(pp->pj, PJ_FWD, proj_coord(lon, lat, 0, 0));
	*x = (c.xy.x - pp->frame[0]) * pp->width / (pp->frame[2] - pp->frame[0]);
	*y = (pp->frame[3] - c.xy.y) * pp->height / (pp->frame[3] - pp->frame[1]);
}

static json_t *find_layer(json_t *data, const char *name)
{
	size_t i;
	json_t *layer;
	json_array_foreach(json_object_get(data, "layers"), i, layer)
		if (!strcmp(json_string_value(json_object_get(layer, "name")), name))
			return layer;
	return NULL;
}

static void check_frame(const page_proj *pp, json_t *data)
{
	/* Same aspect as the page: the frame's corners are the page's corners. */
	double fw = pp->frame[2] - pp->frame[0], fh = pp->frame[3] - pp->frame[1];
	assert_true(fabs(fw / fh - pp->width / pp->height) < 1e-9);
	/* The extent's outline is inside the page. */
	json_t *e = json_object_get(data, "extent");
	for (int i = 0; i <= 100; i++) {
		double t = i / 100.0, x, y;
		double lon = item_at(e, 0) + t * (item_at(e, 2) - item_at(e, 0));
		double lat = item_at(e, 1) + t * (item_at(e, 3) - item_at(e, 1));
		const double pts[4][2] = { { lon, item_at(e, 1) }, { lon, item_at(e, 3) },
		                           { item_at(e, 0), lat }, { item_at(e, 2), lat } };
		for (int k = 0; k < 4; k++) {
			to_page(pp, pts[k][0], pts[k][1], &x, &y);
			assert_true(x > -1e-6 && y > -1e-6 && x < pp->width + 1e-6 &&
			            y < pp->height + 1e-6);
		}
	}
}

/* Every base on the page is drawn within 0.5 pt of where PROJ puts it. */
static void check_bases(const char *map_file, const char *const *must_show)
{
	json_t *data = render_mapdata(map_file);
	page_proj pp;
	page_proj_init(&pp, data);
	check_frame(&pp, data);

	char layer_path[512];
	snprintf(layer_path, sizeof(layer_path), "%s/layers/bases.geojson", POSTURE_SOURCE_DIR);
	json_t *layer_file = json_load_file(layer_path, 0, NULL);
	assert_non_null(layer_file);
	json_t *bases = find_layer(data, "bases");
	assert_non_null(bases);
	json_t *items = json_object_get(bases, "items");

	size_t i, on_page = 0, found = 0;
	json_t *f;
	json_array_foreach(json_object_get(layer_file, "features"), i, f) {
		const char *id = json_string_value(json_object_get(json_object_get(f, "properties"), "id"));
		json_t *coords = json_object_get(json_object_get(f, "geometry"), "coordinates");
		if (!coords)
			continue; /* unplaced */
		double x, y;
		to_page(&pp, item_at(coords, 0), item_at(coords, 1), &x, &y);
		if (x < 0 || y < 0 || x > pp.width || y > pp.height)
			continue;
		on_page++;
		size_t k;
		json_t *it;
		json_array_foreach(items, k, it) {
			if (strcmp(json_string_value(json_object_get(it, "id")), id) != 0)
				continue;
			found++;
			json_t *anchor = json_object_get(it, "anchor");
			double dx = item_at(anchor, 0) - x, dy = item_at(anchor, 1) - y;
			if (hypot(dx, dy) > 0.5)
				fail_msg("%s: %s drawn at (%.2f, %.2f), PROJ says (%.2f, %.2f)", map_file, id,
				         item_at(anchor, 0), item_at(anchor, 1), x, y);
			json_t *lb = json_object_get(it, "label_box");
			assert_non_null(lb);
			assert_true(item_at(lb, 0) >= 0 && item_at(lb, 1) >= 0 &&
			            item_at(lb, 2) <= pp.width && item_at(lb, 3) <= pp.height);
			assert_non_null(json_object_get(it, "symbol_box"));
		}
	}
	assert_int_equal(found, on_page);
	assert_int_equal(json_array_size(items), on_page);
	for (size_t m = 0; must_show[m]; m++) {
		bool shown = false;
		json_t *it;
		json_array_foreach(items, i, it)
			shown = shown || !strcmp(json_string_value(json_object_get(it, "id")), must_show[m]);
		if (!shown)
			fail_msg("%s: %s is not on the map", map_file, must_show[m]);
	}
	proj_destroy(pp.pj);
	json_decref(layer_file);
	json_decref(data);
}

static void test_render_central_asia_bases_at_projected_positions(void **state)
{
	(void)state;
	static const char *const shown[] = { "russia-201st-dushanbe", "russia-201st-kulob",
		                             "russia-201st-qurghonteppa", "russia-kant-air-base", NULL };
	check_bases("central-asia.ini", shown);
}

static void test_render_tajik_afghan_bases_at_projected_positions(void **state)
{
	(void)state;
	static const char *const shown[] = { "russia-201st-dushanbe", "russia-201st-kulob",
		                             "russia-201st-qurghonteppa", NULL };
	check_bases("tajik-afghan-border.ini", shown);
}

static void test_render_base_geography_present(void **state)
{
	(void)state;
	json_t *data = render_mapdata("central-asia.ini");
	static const char *const layers[] = { "countries", "lakes", "rivers", "land-borders" };
	for (size_t i = 0; i < 4; i++) {
		json_t *layer = find_layer(data, layers[i]);
		assert_non_null(layer);
		assert_true(json_array_size(json_object_get(layer, "items")) > 0);
	}
	/* Tajikistan and the Afghanistan–Tajikistan border are on the map. */
	size_t i;
	json_t *it;
	int hits = 0;
	json_array_foreach(json_object_get(find_layer(data, "countries"), "items"), i, it)
		hits += !strcmp(json_string_value(json_object_get(it, "id")), "TJK");
	json_array_foreach(json_object_get(find_layer(data, "land-borders"), "items"), i, it)
		hits += !strcmp(json_string_value(json_object_get(it, "id")), "border-AFG-TJK");
	assert_int_equal(hits, 2);
	json_decref(data);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	posture_shutdown();
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_central_asia_bases_at_projected_positions),
		cmocka_unit_test(test_render_tajik_afghan_bases_at_projected_positions),
		cmocka_unit_test(test_render_base_geography_present),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
