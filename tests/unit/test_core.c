/*
 * test_core.c — diagnostics, UTF-8 checks, positions and atomic writes.
 */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

static void test_core_diag_format_gnu_style(void **state)
{
	(void)state;
	posture_ctx *ctx = NULL;
	assert_int_equal(posture_ctx_create(&ctx), POSTURE_OK);
	int rc = pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, "layers/bases.geojson", 14, 9,
	                  "source '%s' is not in layers/sources.json", "rferl-2014");
	assert_int_equal(rc, POSTURE_EDATA);
	pst_diag(ctx, POSTURE_WARNING, POSTURE_EDATA, "a.dbf", 0, 0, "no .cpg");
	assert_int_equal(posture_ctx_diag_count(ctx), 2);
	assert_int_equal(posture_ctx_error_count(ctx), 1);
	char line[256];
	posture_diag_format(line, sizeof(line), posture_ctx_diag(ctx, 0));
	assert_string_equal(line, "layers/bases.geojson:14:9: error: source 'rferl-2014' "
	                          "is not in layers/sources.json");
	posture_diag_format(line, sizeof(line), posture_ctx_diag(ctx, 1));
	assert_string_equal(line, "a.dbf: warning: no .cpg");
	posture_ctx_destroy(ctx);
}

static void test_core_utf8_rejects_invalid(void **state)
{
	(void)state;
	assert_int_equal(pst_utf8_seq_len((const unsigned char *)"a", 1), 1);
	assert_int_equal(pst_utf8_seq_len((const unsigned char *)"\xc3\xa9", 2), 2);
	assert_int_equal(pst_utf8_seq_len((const unsigned char *)"\xe2\x80\x99", 3), 3);
	assert_int_equal(pst_utf8_seq_len((const unsigned char *)"\xc3", 1), 0);     /* cut */
	assert_int_equal(pst_utf8_seq_len((const unsigned char *)"\xc0\xaf", 2), 0); /* overlong */
	assert_int_equal(pst_utf8_seq_len((const unsigned char *)"\xed\xa0\x80", 3), 0); /* surrogate */
	assert_int_equal(pst_utf8_seq_len((const unsigned char *)"\xff", 1), 0);
}

static void test_core_offset_counts_characters(void **state)
{
	(void)state;
	const char *text = "ab\nQ\xc3\xbcrghonteppa = x\n";
	int line, col;
	pst_offset_to_line_col(text, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	pst_offset_to_line_col(text, 3 + 4, &line, &col); /* the 'r' after ü */
	assert_int_equal(line, 2);
	assert_int_equal(col, 4);
}

static void test_core_atomic_write_keeps_old_file_on_abort(void **state)
{
	(void)state;
	char dir[] = "/tmp/posture-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = pst_asprintf("%s/map.png", dir);
	FILE *f = fopen(path, "w");
	fputs("good", f);
	fclose(f);

	posture_ctx *ctx = NULL;
	posture_ctx_create(&ctx);
	pst_atomic a;
	assert_int_equal(pst_atomic_open(&a, ctx, path), POSTURE_OK);
	fputs("half", a.fp);
	pst_atomic_abort(&a);

	char buf[16] = "";
	f = fopen(path, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "good");

	assert_int_equal(pst_atomic_open(&a, ctx, path), POSTURE_OK);
	fputs("new", a.fp);
	assert_int_equal(pst_atomic_commit(&a, ctx), POSTURE_OK);
	f = fopen(path, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "new");

	unlink(path);
	rmdir(dir);
	free(path);
	posture_ctx_destroy(ctx);
}

static void test_core_read_file_refuses_fifo_and_dir(void **state)
{
	(void)state;
	char dir[] = "/tmp/posture-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *fifo = pst_asprintf("%s/pipe", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	posture_ctx *ctx = NULL;
	posture_ctx_create(&ctx);
	char *data;
	size_t len;
	assert_int_equal(pst_read_file(&data, &len, ctx, fifo, 1000), POSTURE_EIO);
	assert_int_equal(pst_read_file(&data, &len, ctx, dir, 1000), POSTURE_EIO);
	assert_int_equal(posture_ctx_error_count(ctx), 2);
	assert_string_equal(posture_ctx_diag(ctx, 0)->message, "is not a regular file");
	unlink(fifo);
	rmdir(dir);
	free(fifo);
	posture_ctx_destroy(ctx);
}

static void test_core_text_clean_removes_controls_and_bidi(void **state)
{
	(void)state;
	char s[] = "Kant\x07 air\tbase \xE2\x80\xAE" "esab\xE2\x80\xAC" "\nSep 2013 \xC2\x85"
	           "\xE2\x81\xA6" "x";
	pst_text_clean(s);
	assert_string_equal(s, "Kant airbase esab\nSep 2013 x");
	char ok[] = "Qurghonteppa \xE2\x80\x93 Bokhtar";
	pst_text_clean(ok);
	assert_string_equal(ok, "Qurghonteppa \xE2\x80\x93 Bokhtar"); /* en dash stays */
}

static void test_core_nearest_word_counts_a_swap_as_one_edit(void **state)
{
	(void)state;
	static const char *const props[] = { "id", "name", "kind", "sources", "note" };
	assert_string_equal(posture_nearest_word("kidn", props, 5), "kind"); /* not "id" */
	assert_string_equal(posture_nearest_word("naem", props, 5), "name");
	assert_string_equal(posture_nearest_word("Sourcse", props, 5), "sources");
	assert_string_equal(posture_nearest_word("ide", props, 5), "id");
	assert_null(posture_nearest_word("population", props, 5));
	assert_null(posture_nearest_word("", props, 0));
}

/*
 * A map's relative path names its file by the shortest name that is the same
 * file ("maps/../layers/x" is "layers/x"); ".." that cannot cancel stays.
 */
static void test_core_relative_path_drops_dir_dot_dot(void **state)
{
	(void)state;
	char dir[] = "/tmp/posture-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[64], file[64], base[64];
	snprintf(sub, sizeof(sub), "%s/maps", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/layers", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(file, sizeof(file), "%s/layers/x.geojson", dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(base, sizeof(base), "%s/maps/m.ini", dir);

	char *p = pst_path_relative_to(base, "../layers/x.geojson");
	assert_string_equal(p, file);
	free(p);
	p = pst_path_relative_to(base, "./.././layers//x.geojson");
	assert_string_equal(p, file);
	free(p);
	/* Up out of the folder: the same directory, by its plain name. */
	static const char *const up[] = {"..", "../..", "../../..", "../layers/..",
	                                 "../layers/../..", "../maps/../layers"};
	for (size_t i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		char longer[128];
		snprintf(longer, sizeof(longer), "%s/maps/%s", dir, up[i]);
		char *want = realpath(longer, NULL);
		assert_non_null(want);
		p = pst_path_relative_to(base, up[i]);
		assert_string_equal(p, want);
		free(p);
		free(want);
	}
	/*
	 * Names with nothing to drop come back as they were, to the last byte
	 * (the walk once ran past the string's end on these).
	 */
	static const char *const kept[][3] = {
		{"maps/m.ini", "a..b", "maps/a..b"},
		{"../maps/m.ini", "x", "../maps/x"},
		{"../../m.ini", "..", "../../.."},
	};
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		p = pst_path_relative_to(kept[i][0], kept[i][1]);
		assert_string_equal(p, kept[i][2]);
		free(p);
	}

	remove(file);
	snprintf(sub, sizeof(sub), "%s/layers", dir);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/maps", dir);
	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_diag_format_gnu_style),
		cmocka_unit_test(test_core_utf8_rejects_invalid),
		cmocka_unit_test(test_core_offset_counts_characters),
		cmocka_unit_test(test_core_atomic_write_keeps_old_file_on_abort),
		cmocka_unit_test(test_core_read_file_refuses_fifo_and_dir),
		cmocka_unit_test(test_core_text_clean_removes_controls_and_bidi),
		cmocka_unit_test(test_core_nearest_word_counts_a_swap_as_one_edit),
		cmocka_unit_test(test_core_relative_path_drops_dir_dot_dot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
