/*
 * file.c — reading inputs safely and writing outputs atomically.
 *
 * Inputs: every file is stat()ed before it is opened, so a FIFO or a device
 * named as input is refused instead of blocking the run, and a size cap keeps
 * a wrong path (a disk image, say) from exhausting memory.
 *
 * Links: a layer, theme or sources file may be a symbolic link only into
 * the folder tree of its map (pst_check_link), so a project cannot make
 * posture read, and quote in an error, a file elsewhere on the machine.
 *
 * Outputs: bytes go to a uniquely named temporary file in the destination's
 * directory and are renamed over the destination only when complete and
 * flushed, and the directory is flushed after the rename.  A failed or
 * interrupted run therefore never leaves a half-written map, and never
 * damages an earlier good one.  Every file read is noted in the context, and
 * an output that is one of those inputs (same device and inode, whatever the
 * path says) is refused.
 */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int pst_check_regular_file(posture_ctx *ctx, const char *path, size_t max_size)
{
	struct stat st;
	pst_ctx_note_read(ctx, path, false);
	if (stat(path, &st) != 0)
		return pst_error(ctx, POSTURE_EIO, path, "cannot open file: %s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return pst_error(ctx, POSTURE_EIO, path, "is a directory, not a file");
	if (!S_ISREG(st.st_mode))
		return pst_error(ctx, POSTURE_EIO, path, "is not a regular file");
	if ((unsigned long long)st.st_size > max_size)
		return pst_error(ctx, POSTURE_EDATA, path,
		                 "file is too large (%lld bytes; the limit is %zu)",
		                 (long long)st.st_size, max_size);
	return POSTURE_OK;
}

int pst_read_file(char **out, size_t *len, posture_ctx *ctx, const char *path,
                  size_t max_size)
{
	*out = NULL;
	*len = 0;
	int rc = pst_check_regular_file(ctx, path, max_size);
	if (rc != POSTURE_OK)
		return rc;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return pst_error(ctx, POSTURE_EIO, path, "cannot open file: %s", strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return pst_error(ctx, POSTURE_EIO, path, "is not a regular file");
	}
	pst_ctx_note_input(ctx, (pst_file_id){ (unsigned long long)st.st_dev,
	                                       (unsigned long long)st.st_ino });
	size_t size = (size_t)st.st_size;
	char *data = pst_big_alloc(size + 1); /* huge pages for a big shapefile */
	if (!data) {
		close(fd);
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory reading file");
	}
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, data + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(data);
			close(fd);
			return pst_error(ctx, POSTURE_EIO, path, "cannot read file: %s", strerror(e));
		}
		if (n == 0)
			break; /* file shrank while reading: use what is there */
		got += (size_t)n;
	}
	close(fd);
	data[got] = '\0';
	*out = data;
	*len = got;
	return POSTURE_OK;
}

int pst_mkdirs(posture_ctx *ctx, const char *dir)
{
	if (!dir[0])
		return POSTURE_OK;
	char *p = pst_strdup(dir);
	if (!p)
		return pst_error(ctx, POSTURE_ENOMEM, dir, "out of memory");
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char saved = *s;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			int e = errno;
			pst_error(ctx, POSTURE_EIO, p, "cannot create directory: %s", strerror(e));
			free(p);
			return POSTURE_EIO;
		}
		*s = saved;
		if (!saved)
			break;
	}
	free(p);
	return POSTURE_OK;
}

char *pst_path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return pst_strdup(".");
	return pst_strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* Whether the real path @p target is @p root or lies under it. */
static bool path_under(const char *target, const char *root)
{
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return true;
	return strncmp(target, root, n) == 0 && (target[n] == '/' || target[n] == '\0');
}

/* Whether @p target lies under the real path of @p dir (joined with @p tail). */
static bool under_real_dir(const char *target, const char *dir, const char *tail, bool *nomem)
{
	char *joined = pst_asprintf("%s%s", dir, tail);
	if (!joined) {
		*nomem = true;
		return false;
	}
	char *real = realpath(joined, NULL);
	free(joined);
	bool under = real && path_under(target, real);
	free(real);
	return under;
}

int pst_check_link(posture_ctx *ctx, const char *path, const char *tree)
{
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
		return POSTURE_OK; /* not a link (a missing file is reported when it is read) */
	char *target = realpath(path, NULL);
	if (!target)
		return POSTURE_OK; /* a dangling link: reading it reports the missing file */
	char *own = pst_path_dir(path);
	bool nomem = !own, ok = false;
	const char *base = tree ? tree : own;
	if (own)
		ok = under_real_dir(target, base, "", &nomem) ||
		     under_real_dir(target, base, "/..", &nomem) ||
		     under_real_dir(target, own, "", &nomem);
	for (size_t i = 0; !ok && i < pst_ctx_allowed_count(ctx); i++)
		ok = path_under(target, pst_ctx_allowed(ctx, i));
	char *parent = own && !ok && !nomem ? pst_asprintf("%s/..", base) : NULL;
	char *shown = parent ? realpath(parent, NULL) : NULL;
	free(parent);
	int rc = POSTURE_OK;
	if (nomem)
		rc = pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	else if (!ok)
		rc = pst_error(ctx, POSTURE_EDATA, path, "is a symbolic link to '%s', outside '%s' "
		               "(the folder tree of the data); refused (allow it with --allow-path "
		               "DIR)", target, shown ? shown : base);
	free(shown);
	free(own);
	free(target);
	return rc;
}

/*
 * @p path with each "DIR/.." dropped and "./" left out ("maps/../layers" is
 * "layers"), in place.  Lexical only: the caller checks that both name the
 * same file, which they do not when DIR is a symbolic link.
 */
static void drop_dot_dots(char *path)
{
	/*
	 * The output never runs ahead of the input by more than the terminator:
	 * a last component gets its '/' (and a "../" its third byte) where the
	 * '\0' was.  So the walk is bounded by @c stop, never by a '\0' it may
	 * have overwritten.
	 */
	char *out = path, *in = path, *stop = path + strlen(path);
	if (*in == '/')
		*out++ = *in++;
	char *start = out; /* the first component */
	while (in < stop) {
		char *end = memchr(in, '/', (size_t)(stop - in));
		size_t n = end ? (size_t)(end - in) : (size_t)(stop - in);
		if (n == 0 || (n == 1 && in[0] == '.')) {
			/* an empty component or ".": left out */
		} else if (n == 2 && in[0] == '.' && in[1] == '.' && out > start) {
			char *prev = out - 1; /* out ends with '/' */
			while (prev > start && prev[-1] != '/')
				prev--;
			if (!(out - prev == 3 && prev[0] == '.' && prev[1] == '.'))
				out = prev; /* "DIR/.." cancels out */
			else {
				memcpy(out, "../", 3);
				out += 3;
			}
		} else {
			memmove(out, in, n);
			out += n;
			*out++ = '/';
		}
		in += n + (end ? 1 : 0);
	}
	if (out > start && out[-1] == '/')
		out--;
	if (out == path)
		*out++ = '.';
	*out = '\0';
}

/* Do @p a and @p b name the same existing file? */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

char *pst_path_relative_to(const char *base_file, const char *rel)
{
	if (rel[0] == '/')
		return pst_strdup(rel);
	const char *slash = strrchr(base_file, '/');
	if (!slash)
		return pst_strdup(rel);
	char *joined = pst_asprintf("%.*s/%s", (int)(slash - base_file), base_file, rel);
	char *short_ = joined && strstr(joined, "..") ? pst_strdup(joined) : NULL;
	if (short_) {
		drop_dot_dots(short_);
		/* The short name where it is the same file (error messages read better). */
		if (same_file(joined, short_)) {
			free(joined);
			return short_;
		}
		free(short_);
	}
	return joined;
}

int pst_atomic_open(pst_atomic *out, posture_ctx *ctx, const char *path)
{
	memset(out, 0, sizeof(*out));
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return pst_error(ctx, POSTURE_EIO, path, "output exists and is not a regular file");
	if (stat(path, &st) == 0 &&
	    pst_ctx_is_input(ctx, (pst_file_id){ (unsigned long long)st.st_dev,
	                                         (unsigned long long)st.st_ino }))
		return pst_error(ctx, POSTURE_EUSAGE, path, "refusing to write over an input of "
		                 "this run; choose another output name");
	out->path = pst_strdup(path);
	out->tmp_path = pst_asprintf("%s.tmp-XXXXXX", path);
	if (!out->path || !out->tmp_path) {
		pst_atomic_abort(out);
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	}
	int fd = mkstemp(out->tmp_path);
	if (fd < 0) {
		int e = errno;
		free(out->tmp_path);
		out->tmp_path = NULL;
		pst_atomic_abort(out);
		return pst_error(ctx, POSTURE_EIO, path, "cannot write file: %s", strerror(e));
	}
	/* mkstemp creates 0600; give the output the mode a plain fopen would. */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	out->fp = fdopen(fd, "wb");
	if (!out->fp) {
		close(fd);
		pst_atomic_abort(out);
		return pst_error(ctx, POSTURE_EIO, path, "cannot write file: %s", strerror(errno));
	}
	return POSTURE_OK;
}

/* Flush the directory holding @p path, so the rename itself survives a crash. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? pst_strndup(path, slash == path ? 1 : (size_t)(slash - path))
	                  : pst_strdup(".");
	int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		fsync(fd); /* best effort: some file systems refuse, the data is already safe */
		close(fd);
	}
	free(dir);
}

int pst_atomic_commit(pst_atomic *a, posture_ctx *ctx)
{
	FILE *fp = a->fp;
	a->fp = NULL;
	bool ok = !ferror(fp);
	ok = (fflush(fp) == 0) && ok;
	ok = (fsync(fileno(fp)) == 0 || errno == EINVAL) && ok;
	int e = errno;
	ok = (fclose(fp) == 0) && ok;
	if (ok && rename(a->tmp_path, a->path) != 0) {
		e = errno;
		ok = false;
	}
	if (!ok) {
		pst_error(ctx, POSTURE_EIO, a->path, "cannot write file: %s", strerror(e));
		pst_atomic_abort(a);
		return POSTURE_EIO;
	}
	sync_dir(a->path);
	free(a->tmp_path);
	free(a->path);
	memset(a, 0, sizeof(*a));
	return POSTURE_OK;
}

void pst_atomic_abort(pst_atomic *a)
{
	if (a->fp)
		fclose(a->fp);
	if (a->tmp_path)
		unlink(a->tmp_path);
	free(a->tmp_path);
	free(a->path);
	memset(a, 0, sizeof(*a));
}
