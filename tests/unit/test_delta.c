/*
 * test_delta.c — the delta serve sends from one page to the next
 * (tools/posture/delta.c): applied to the old page the way html_live.c
 * does (pieces between '\n', copies and strings, joined with '\n'), it
 * spells the new page exactly, with the length it announces; and after an
 * edit of one incident it is small.  Pages: two renders of the default map
 * before and after such an edit, and hand-made texts for the edges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "posture/posture.h"

#include "../../tools/posture/delta.c"

/* The old page's pieces, as html_live.c splits it. */
static char **split_pieces(const char *text, size_t *n)
{
	size_t count = 1;
	for (const char *p = text; *p; p++)
		count += *p == '\n';
	char **out = calloc(count, sizeof(*out));
	assert_non_null(out);
	const char *at = text;
	for (size_t k = 0; k < count; k++) {
		const char *end = strchr(at, '\n');
		size_t len = end ? (size_t)(end - at) : strlen(at);
		out[k] = strndup(at, len);
		at += len + 1;
	}
	*n = count;
	return out;
}

/* @p delta applied to @p old: the new text (malloc'd), checked against the header. */
static char *apply(const char *old, const char *delta, unsigned long from, unsigned long to)
{
	json_error_t err;
	json_t *d = json_loads(delta, 0, &err);
	assert_non_null(d);
	assert_int_equal(json_integer_value(json_object_get(d, "from")), from);
	assert_int_equal(json_integer_value(json_object_get(d, "to")), to);
	size_t n_old;
	char **olds = split_pieces(old, &n_old);
	text out = { 0 };
	bool first = true;
	json_t *ops = json_object_get(d, "ops"), *op;
	size_t i;
	json_array_foreach(ops, i, op) {
		if (json_is_string(op)) {
			if (!first)
				put(&out, "\n", 1);
			put(&out, json_string_value(op), json_string_length(op));
			first = false;
			continue;
		}
		size_t start = (size_t)json_integer_value(json_array_get(op, 0));
		size_t count = (size_t)json_integer_value(json_array_get(op, 1));
		assert_true(count > 0 && start + count <= n_old);
		for (size_t k = 0; k < count; k++) {
			if (!first)
				put(&out, "\n", 1);
			puts_(&out, olds[start + k]);
			first = false;
		}
	}
	assert_false(out.failed);
	if (!out.data)
		out.data = strdup("");
	assert_int_equal(json_integer_value(json_object_get(d, "length")),
	                 utf16_length(out.data, out.len));
	for (size_t k = 0; k < n_old; k++)
		free(olds[k]);
	free(olds);
	json_decref(d);
	return out.data;
}

static void check(const char *old, const char *new)
{
	char *delta = cli_delta_json(old, strlen(old), new, strlen(new), 4, 5);
	assert_non_null(delta);
	assert_null(strchr(delta, '\n')); /* one line: an event's data */
	assert_null(strchr(delta, '\r'));
	char *got = apply(old, delta, 4, 5);
	assert_string_equal(got, new);
	free(got);
	free(delta);
}

static void test_delta_edges(void **state)
{
	(void)state;
	check("", "");
	check("", "a\nb\n");
	check("a\nb\n", "");
	check("a\nb\nc\n", "a\nb\nc\n");
	check("a\nb\nc", "a\nb\nc\n");
	check("\n\n\n", "\n\n");
	check("one\ntwo\nthree\n", "one\n2\nthree\n");
	check("</g>\n</g>\nx\n</g>\ny\n</g>\n", "</g>\nx\nq\n</g>\ny\n</g>\n</g>\n");
	check("\"quoted\" \\ back\ttab\x01\n", "\"quoted\" \\ back\ttab\x02\n\xc3\xa9\xf0\x9f\x97\xba\n");
	/* a long run of lines alike, one changed in the middle */
	char old[8000] = "", new[8000] = "";
	for (int i = 0; i < 500; i++) {
		strcat(old, i % 7 ? "</g>\n" : "<g id=\"x\">\n");
		strcat(new, i == 250 ? "<changed/>\n" : i % 7 ? "</g>\n" : "<g id=\"x\">\n");
	}
	check(old, new);
}

/* The page the default map in @p dir renders, with @p name as the test drill's name. */
static char *page(const char *dir, const char *name)
{
	char cmd[2400];
	snprintf(cmd, sizeof(cmd), "python3 '%s/tests/tools/edit-layer.py' rename 'name=%s' '%s/layers/incidents.geojson'",
	         POSTURE_SOURCE_DIR, name, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/maps/central-asia.ini", dir);
	posture_ctx *ctx;
	posture_map *map = NULL;
	posture_scene *scene = NULL;
	posture_render_opts opts = POSTURE_RENDER_OPTS_INIT;
	opts.live_events = "/events?since=1";
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(posture_ctx_create(&ctx), POSTURE_OK);
	assert_int_equal(posture_map_load(&map, ctx, cmd), POSTURE_OK);
	assert_int_equal(posture_scene_build(&scene, ctx, map), POSTURE_OK);
	assert_int_equal(posture_scene_write_buffer(&data, &len, ctx, scene, "map.html",
	                                            POSTURE_FORMAT_HTML, &opts), POSTURE_OK);
	posture_scene_destroy(scene);
	posture_map_destroy(map);
	posture_ctx_destroy(ctx);
	char *text = realloc(data, len + 1);
	assert_non_null(text);
	text[len] = '\0';
	return text;
}

static void test_delta_edit_of_one_incident(void **state)
{
	(void)state;
	char dir[] = "/tmp/posture-delta-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[1600];
	snprintf(cmd, sizeof(cmd), "cp -r '%s/maps' '%s/layers' '%s/' && sed -i 's|^shapes *=.*|shapes = %s/shapes|' "
	         "'%s/maps/central-asia.ini'", POSTURE_SOURCE_DIR, POSTURE_SOURCE_DIR, dir,
	         POSTURE_SOURCE_DIR, dir);
	assert_int_equal(system(cmd), 0);
	char *before = page(dir, "Edit one");
	char *after = page(dir, "Edit two, longer \xe2\x80\x94 and \"quoted\"");
	assert_string_not_equal(before, after);
	char *delta = cli_delta_json(before, strlen(before), after, strlen(after), 1, 2);
	assert_non_null(delta);
	char *got = apply(before, delta, 1, 2);
	assert_string_equal(got, after);
	/* the item, its label, the text version and the data line: a tenth of the page at most */
	assert_true(strlen(delta) * 10 < strlen(after));
	free(got);
	free(delta);
	free(before);
	free(after);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delta_edges),
		cmocka_unit_test(test_delta_edit_of_one_incident),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
