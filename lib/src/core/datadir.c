/*
 * datadir.c — where posture's own data lives: the base geography (shapes)
 * a map uses when it names none, and the built-in themes.
 *
 * An installed posture finds them relative to its own install prefix:
 * the object holding this code (libposture.so in LIBDIR, or the posture
 * executable in BINDIR when it is linked statically) is located with
 * dladdr() or /proc/self/exe, and PREFIX/share/posture/<kind> is reached
 * through the relative path CMake computed from that directory
 * (POSTURE_LIB_TO_DATA, POSTURE_BIN_TO_DATA), so a tree installed with
 * `cmake --install build --prefix P`, or moved after, still finds its data.
 * Only when that folder does not exist — posture run from its build tree —
 * are the source tree's folders used (shapes/ and maps/themes/).
 */
#define _GNU_SOURCE /* dladdr() */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The real path of the file this code was loaded from, or NULL. */
static char *own_object(bool *is_exe)
{
	Dl_info info;
	char *exe = realpath("/proc/self/exe", NULL);
	char *obj = NULL;
	if (dladdr((void *)&pst_data_path, &info) && info.dli_fname && info.dli_fname[0])
		obj = realpath(info.dli_fname, NULL);
	*is_exe = !obj || (exe && !strcmp(obj, exe));
	if (*is_exe) {
		free(obj);
		return exe;
	}
	free(exe);
	return obj;
}

/* PREFIX/share/posture/<kind> as seen from the installed object, or NULL. */
static char *installed_path(const char *kind)
{
	bool is_exe;
	char *obj = own_object(&is_exe);
	char *slash = obj ? strrchr(obj, '/') : NULL;
	char *path = NULL;
	if (slash) {
		*slash = '\0';
		path = pst_asprintf("%s/%s/%s", obj, is_exe ? POSTURE_BIN_TO_DATA : POSTURE_LIB_TO_DATA,
		                    kind);
	}
	free(obj);
	return path;
}

char *pst_data_path(const char *kind)
{
	char *path = installed_path(kind);
	if (path && is_dir(path)) {
		char *real = realpath(path, NULL); /* PREFIX/share/…, not PREFIX/lib/../share/… */
		if (real) {
			free(path);
			return real;
		}
		return path;
	}
	const char *source = !strcmp(kind, "themes") ? POSTURE_SOURCE_DIR "/maps/themes"
	                                             : POSTURE_SOURCE_DIR "/shapes";
	if (path && !is_dir(source))
		return path; /* neither exists: name the installed one in the error */
	free(path);
	return pst_strdup(source);
}
