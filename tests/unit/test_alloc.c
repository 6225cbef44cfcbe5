/*
 * test_alloc.c — out of memory at every step of a small render.
 *
 * This executable is linked with -Wl,--wrap=malloc,calloc,realloc,strdup,
 * strndup,posix_memalign (tests/CMakeLists.txt), so every allocation made by posture's own
 * code (not by jansson, PROJ, Cairo or Pango, which are not in the link as
 * objects) goes through the wrappers below.  The wrappers fail allocation
 * number N; the test renders the Tajik–Afghan map (load, scene build, SVG
 * + PNG into a temporary folder) for N = 1, 2, … and checks each time that
 * the run neither crashes nor leaks (under ASan/LSan in the asan suite),
 * that it fails with an out-of-memory error, and that it leaves no output
 * and no temporary file behind.  Every allocation of the first few hundred is
 * failed in turn, then a spread across the whole render.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "posture/map.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_posix_memalign(void **p, size_t align, size_t n);

static long alloc_count; /* allocations so far in this run */
static long fail_at;     /* the one to fail (0: none) */
static bool failed;      /* it was reached */
static void *fail_caller; /* the code that made it (for the report: addr2line) */

static bool fail_now(void)
{
	if (++alloc_count != fail_at)
		return false;
	failed = true;
	return true;
}

void *__wrap_malloc(size_t n)
{
	if (fail_now()) {
		fail_caller = __builtin_return_address(0);
		return NULL;
	}
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	if (fail_now()) {
		fail_caller = __builtin_return_address(0);
		return NULL;
	}
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	if (fail_now()) {
		fail_caller = __builtin_return_address(0);
		return NULL;
	}
	return __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	if (fail_now()) {
		fail_caller = __builtin_return_address(0);
		return NULL;
	}
	return __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	if (fail_now()) {
		fail_caller = __builtin_return_address(0);
		return NULL;
	}
	return __real_strndup(s, n);
}

/* pst_big_alloc's way to memory (files and images of 2 MiB and more). */
int __wrap_posix_memalign(void **p, size_t align, size_t n)
{
	if (fail_now()) {
		fail_caller = __builtin_return_address(0);
		*p = NULL;
		return ENOMEM;
	}
	return __real_posix_memalign(p, align, n);
}

static char tmpdir[] = "/tmp/posture-alloc-XXXXXX";

/* Files left in tmpdir (outputs or temporaries). */
static int count_files(void)
{
	DIR *d = opendir(tmpdir);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void remove_files(void)
{
	DIR *d = opendir(tmpdir);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char path[320];
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
}

static bool has_enomem(const posture_ctx *ctx)
{
	for (size_t i = 0; i < posture_ctx_diag_count(ctx); i++) {
		const posture_diag *d = posture_ctx_diag(ctx, i);
		if (d->severity == POSTURE_ERROR && d->code == POSTURE_ENOMEM)
			return true;
	}
	return false;
}

/* One render with allocation @p n failing; returns the allocations made. */
static long render(long n, int *rc_out, bool *enomem, int *files)
{
	alloc_count = 0;
	fail_at = n;
	failed = false;
	posture_ctx *ctx = NULL;
	posture_map *map = NULL;
	posture_scene *scene = NULL;
	int rc = posture_ctx_create(&ctx);
	if (rc == POSTURE_OK)
		rc = posture_map_load(&map, ctx, POSTURE_SOURCE_DIR "/maps/tajik-afghan-border.ini");
	if (rc == POSTURE_OK)
		rc = posture_map_set(map, ctx, "test", "size", "480x330");
	if (rc == POSTURE_OK)
		rc = posture_scene_build(&scene, ctx, map);
	char svg[128], png[128];
	snprintf(svg, sizeof(svg), "%s/map.svg", tmpdir);
	snprintf(png, sizeof(png), "%s/map.png", tmpdir);
	const char *paths[] = { svg, png };
	const posture_format formats[] = { POSTURE_FORMAT_SVG, POSTURE_FORMAT_PNG };
	if (rc == POSTURE_OK)
		rc = posture_scene_write_files(ctx, scene, 2, paths, formats, NULL);
	*enomem = ctx ? has_enomem(ctx) : true;
	posture_scene_destroy(scene);
	posture_map_destroy(map);
	posture_ctx_destroy(ctx);
	fail_at = 0;
	*rc_out = rc;
	*files = count_files();
	remove_files();
	return alloc_count;
}

int main(void);
static int n_bad; /* runs that went wrong */

static void bad(const char *fmt, ...) PST_PRINTF(1, 2);
static void bad(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	printf("  failed allocation made at main%+ld (addr2line -e test_alloc)\n", (long)((char *)fail_caller - (char *)(void *)main));
	n_bad++;
}

static void check_run(long n)
{
	int rc, files;
	bool enomem;
	render(n, &rc, &enomem, &files);
	if (!failed)
		return;
	if (rc == POSTURE_OK) {
		/* Some allocations are best effort (a directory flush); the render must then be whole. */
		if (files != 2)
			bad("allocation %ld failed: success reported but %d files written", n, files);
		return;
	}
	if (!enomem || rc != POSTURE_ENOMEM)
		bad("allocation %ld failed: rc %d, out-of-memory error %s", n, rc,
		         enomem ? "reported" : "missing");
	if (files != 0)
		bad("allocation %ld failed: %d files left behind", n, files);
}

static void test_alloc_every_failure_is_clean(void **state)
{
	(void)state;
	int rc, files;
	bool enomem;
	long total = render(0, &rc, &enomem, &files);
	assert_int_equal(rc, POSTURE_OK);
	assert_int_equal(files, 2);
	long dense = total < 400 ? total : 400;
	long step = total > dense ? (total - dense) / 300 + 1 : 1;
	const char *all = getenv("POSTURE_ALLOC_ALL"); /* set to try every allocation */
	if (all && *all)
		dense = total, step = 1;
	printf("# %ld allocations in a render; failing 1..%ld, then every %ld\n", total, dense, step);
	for (long n = 1; n <= dense; n++)
		check_run(n);
	for (long n = dense + 1; n <= total; n += step)
		check_run(n);
	check_run(total);
	assert_int_equal(n_bad, 0);
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
		cmocka_unit_test(test_alloc_every_failure_is_clean),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
