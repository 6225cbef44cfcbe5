/*
 * fuzz_common.h — helpers shared by the libFuzzer targets (header-only, so
 * each target stays one file).
 *
 * Most readers take a path, as the CLI does: the input is written to a file
 * in a private temporary folder (made once per process) and read back by the
 * project's own code, so the fuzzer exercises pst_read_file and every check
 * after it.  Diagnostics are discarded; only crashes, leaks and undefined
 * behaviour count.
 */
#ifndef POSTURE_FUZZ_COMMON_H
#define POSTURE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A private folder for this process's inputs, removed at exit. */
static char fuzz_dir[64];

static inline void fuzz_cleanup(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: could not remove %s\n", fuzz_dir);
}

static inline const char *fuzz_tmpdir(void)
{
	if (!fuzz_dir[0]) {
		snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/posture-fuzz-XXXXXX");
		if (!mkdtemp(fuzz_dir))
			abort();
		atexit(fuzz_cleanup);
	}
	return fuzz_dir;
}

/* Write @p size bytes to @p name in the private folder; returns the path (static). */
static inline const char *fuzz_write(const char *name, const uint8_t *data, size_t size)
{
	static char path[4][256];
	static int slot;
	char *p = path[slot++ & 3];
	snprintf(p, sizeof(path[0]), "%s/%s", fuzz_tmpdir(), name);
	char *slash = strrchr(p, '/');
	if (slash > p + strlen(fuzz_dir)) {
		*slash = '\0';
		pst_mkdirs(NULL, p);
		*slash = '/';
	}
	FILE *f = fopen(p, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		abort();
	return p;
}

static inline const char *fuzz_write_text(const char *name, const char *text)
{
	return fuzz_write(name, (const uint8_t *)text, strlen(text));
}

#endif
