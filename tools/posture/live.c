/*
 * live.c — rebuilding maps when their inputs change, for `posture watch`
 * and `posture serve`.
 *
 * Every build reports the paths it read or looked for
 * (posture_ctx_read_path: the map file, themes, layers, sources,
 * shapefiles, and the layers folder it listed).  Each is watched through
 * inotify on its folder, not on the file itself: editors that save by
 * writing a new file and renaming it over the old one (vim, VS Code) replace
 * the file's inode, which a watch on the file would lose, while the folder
 * sees the new name arrive.  A file that is missing is watched the same way,
 * so creating it triggers a build.  A folder that was listed triggers on
 * names a layers folder takes (.geojson, .gpkg) appearing or going.  A
 * file that is a symbolic link is watched where it leads too, so an edit of
 * the target (in a folder of its own) is seen.  A watched folder that is
 * deleted or moved away is watched for again from its parent: when a folder
 * of that name comes back, it is watched anew and the maps that read from it
 * are built again.
 *
 * The builds share one posture_inputs store: the shapefiles, read and
 * checked once, and the validated layers.  When a file changes, every entry
 * of the store that read it is forgotten, so the next build reads it again
 * and borrows the rest.  Fonts stay loaded in the process between builds.
 *
 * Debouncing: a change is acted on once no further change arrived for
 * QUIET_MS (a save that truncates then writes, or a burst of saves, gives
 * one build), or after BURST_MS of changes without a pause.  When the last
 * change was a file complete (closed after writing, or renamed into place,
 * as a save ends), SETTLED_MS of quiet is enough.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP are blocked and read from a signalfd,
 * so Ctrl-C ends the wait, never a write half done.
 */
#define _GNU_SOURCE /* pipe2(), realpath(), signalfd() */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include "live.h"

#define QUIET_MS 30
#define SETTLED_MS 5
#define BURST_MS 1000
#define WATCH_MASK (IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | \
                    IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

/* A folder watched: its inotify descriptor (-1: gone, waiting to come back) and real path. */
typedef struct {
	int wd;
	char *real;
} watched_dir;

/* One path a build of one map read: which folder holds it, under which name. */
typedef struct {
	size_t map;   /* the map whose build read it */
	size_t dir;   /* index into dirs */
	char *name;   /* file name in that folder; NULL: the folder's listing itself */
	char *path;   /* as the build recorded it (for posture_inputs_forget) */
	bool stale;   /* not read by the build under way (dropped if that build succeeds) */
} watched_path;

struct cli_live {
	const char *cmd;           /* "watch" or "serve", for messages */
	size_t n_maps;
	const char *const *allow;  /* --allow-path folders, set in each build's context */
	size_t n_allow;
	int inotify_fd;
	int signal_fd;
	sigset_t old_mask;         /* restored by cli_live_destroy() */
	watched_dir *dirs;
	size_t n_dirs, cap_dirs;
	watched_path *paths;
	size_t n_paths, cap_paths;
	posture_inputs *inputs;    /* shared by every build */
};

int cli_live_create(cli_live **out, const char *cmd, size_t n_maps,
                    const char *const *allow, size_t n_allow)
{
	cli_live *lw = calloc(1, sizeof(*lw));
	*out = lw;
	if (!lw) {
		fprintf(stderr, "posture %s: out of memory\n", cmd);
		return EXIT_IO;
	}
	*lw = (cli_live){ .cmd = cmd, .n_maps = n_maps, .allow = allow, .n_allow = n_allow,
		          .inotify_fd = -1, .signal_fd = -1 };
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, &lw->old_mask);
	lw->signal_fd = signalfd(-1, &stop, SFD_CLOEXEC);
	lw->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (lw->signal_fd < 0 || lw->inotify_fd < 0 || posture_inputs_create(&lw->inputs)) {
		fprintf(stderr, "posture %s: cannot watch files: %s\n", cmd, strerror(errno));
		return EXIT_IO;
	}
	return EXIT_OK;
}

void cli_live_hold_labels(cli_live *lw)
{
	posture_inputs_hold_labels(lw->inputs, true);
}

void cli_live_destroy(cli_live *lw)
{
	if (!lw)
		return;
	for (size_t i = 0; i < lw->n_dirs; i++)
		free(lw->dirs[i].real);
	for (size_t i = 0; i < lw->n_paths; i++) {
		free(lw->paths[i].name);
		free(lw->paths[i].path);
	}
	free(lw->dirs);
	free(lw->paths);
	posture_inputs_destroy(lw->inputs);
	if (lw->inotify_fd >= 0)
		close(lw->inotify_fd);
	if (lw->signal_fd >= 0)
		close(lw->signal_fd);
	pthread_sigmask(SIG_SETMASK, &lw->old_mask, NULL);
	free(lw);
}

size_t cli_live_watched(const cli_live *lw)
{
	return lw->n_paths;
}

static bool grow(void **items, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap * 2 : 16;
	void *p = realloc(*items, n * size);
	if (!p)
		return false;
	*items = p;
	*cap = n;
	return true;
}

/* The index of the watched folder @p dir (added when new), or -1. */
static long watch_dir(cli_live *lw, const char *dir)
{
	char *real = realpath(dir, NULL);
	if (!real)
		return -1; /* a folder that is not there: nothing in it can be saved either */
	for (size_t i = 0; i < lw->n_dirs; i++) {
		if (!strcmp(lw->dirs[i].real, real)) {
			free(real);
			return (long)i;
		}
	}
	int wd = inotify_add_watch(lw->inotify_fd, real, WATCH_MASK);
	if (wd < 0 || !grow((void **)&lw->dirs, &lw->cap_dirs, lw->n_dirs + 1, sizeof(*lw->dirs))) {
		fprintf(stderr, "posture %s: cannot watch '%s': %s\n", lw->cmd, dir,
		        wd < 0 ? strerror(errno) : "out of memory");
		free(real);
		return -1;
	}
	lw->dirs[lw->n_dirs] = (watched_dir){ wd, real };
	return (long)lw->n_dirs++;
}

/* Watch @p name (NULL: the listing) in folder @p dir for map @p map, forgetting @p path. */
static void watch_name(cli_live *lw, size_t map, const char *dir, const char *name,
                       const char *path)
{
	long d = watch_dir(lw, dir);
	if (d < 0)
		return;
	for (size_t i = 0; i < lw->n_paths; i++) {
		const watched_path *w = &lw->paths[i];
		if (w->map == map && w->dir == (size_t)d && !strcmp(w->path, path) &&
		    (w->name && name ? !strcmp(w->name, name) : w->name == name)) {
			lw->paths[i].stale = false;
			return;
		}
	}
	if (!grow((void **)&lw->paths, &lw->cap_paths, lw->n_paths + 1, sizeof(*lw->paths)))
		return;
	watched_path *w = &lw->paths[lw->n_paths];
	*w = (watched_path){ map, (size_t)d, name ? strdup(name) : NULL, strdup(path), false };
	if ((name && !w->name) || !w->path) {
		free(w->name);
		free(w->path);
		return;
	}
	lw->n_paths++;
}

/* Watch @p path (as recorded; a folder's ends in '/') for map @p map. */
static void watch_path(cli_live *lw, size_t map, const char *path)
{
	size_t len = strlen(path);
	bool folder = len > 1 && path[len - 1] == '/';
	char dir[PATH_MAX];
	const char *name = NULL;
	if (folder) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(len - 1), path);
	} else {
		const char *slash = strrchr(path, '/');
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
		if (slash == path)
			snprintf(dir, sizeof(dir), "/");
		name = slash ? slash + 1 : path;
	}
	watch_name(lw, map, dir, name, path);
	struct stat st;
	char *target = name && lstat(path, &st) == 0 && S_ISLNK(st.st_mode) ? realpath(path, NULL)
	                                                                    : NULL;
	char *slash = target ? strrchr(target, '/') : NULL;
	if (slash) { /* a link: where it leads is watched too */
		*slash = '\0';
		watch_name(lw, map, slash == target ? "/" : target, slash + 1, path);
	}
	free(target);
}

int cli_live_build(posture_scene **scene, posture_map **map, posture_ctx **ctx, cli_live *lw,
                   size_t index, const char *path)
{
	*scene = NULL;
	*map = NULL;
	if (posture_ctx_create(ctx) != POSTURE_OK)
		return POSTURE_ENOMEM;
	int rc = POSTURE_OK;
	for (size_t i = 0; rc == POSTURE_OK && i < lw->n_allow; i++)
		rc = posture_ctx_allow_path(*ctx, lw->allow[i]);
	if (rc == POSTURE_OK)
		rc = posture_map_load(map, *ctx, path);
	if (rc == POSTURE_OK)
		rc = posture_scene_build_with(scene, *ctx, *map, lw->inputs);
	for (size_t i = 0; i < lw->n_paths; i++)
		lw->paths[i].stale = lw->paths[i].map == index;
	for (size_t i = 0; i < posture_ctx_read_count(*ctx); i++)
		watch_path(lw, index, posture_ctx_read_path(*ctx, i));
	/* A good build read all it needs: what it no longer reads is not watched for it.
	 * A failed one may have stopped early: everything stays watched. */
	size_t kept = 0;
	for (size_t i = 0; i < lw->n_paths; i++) {
		watched_path *w = &lw->paths[i];
		if (w->stale && rc == POSTURE_OK) {
			free(w->name);
			free(w->path);
			continue;
		}
		w->stale = false;
		lw->paths[kept++] = *w;
	}
	lw->n_paths = kept;
	return rc;
}

/* The names a layers folder takes (mapdef.c lists *.geojson and *.gpkg). */
static bool layer_name(const char *name)
{
	size_t len = strlen(name);
	return (len > 8 && !strcmp(name + len - 8, ".geojson")) ||
	       (len > 5 && !strcmp(name + len - 5, ".gpkg"));
}

/* Mark the maps that read from folder @p dir as changed, forgetting what they read there. */
static void folder_changed(cli_live *lw, size_t dir, bool *changed)
{
	for (size_t i = 0; i < lw->n_paths; i++) {
		if (lw->paths[i].dir != dir)
			continue;
		changed[lw->paths[i].map] = true;
		posture_inputs_forget(lw->inputs, lw->paths[i].path);
	}
}

/* Folder @p dir went (deleted or moved away): wait for it to come back, from its parent. */
static void folder_gone(cli_live *lw, size_t dir)
{
	if (lw->dirs[dir].wd >= 0)
		inotify_rm_watch(lw->inotify_fd, lw->dirs[dir].wd); /* moved away: not that one */
	lw->dirs[dir].wd = -1;
	char parent[PATH_MAX];
	const char *slash = strrchr(lw->dirs[dir].real, '/');
	if (!slash || slash == lw->dirs[dir].real)
		snprintf(parent, sizeof(parent), "/");
	else
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - lw->dirs[dir].real),
		         lw->dirs[dir].real);
	if (strcmp(parent, lw->dirs[dir].real) != 0)
		watch_dir(lw, parent); /* may itself be gone: then its own parent is asked */
}

/* Watch again the folders that went and are back; true when one came back. */
static bool folders_back(cli_live *lw, bool *changed)
{
	bool any = false, again = true;
	while (again) { /* a folder back may hold another (mkdir -p, cp -r) */
		again = false;
		for (size_t i = 0; i < lw->n_dirs; i++) {
			if (lw->dirs[i].wd >= 0)
				continue;
			int wd = inotify_add_watch(lw->inotify_fd, lw->dirs[i].real, WATCH_MASK);
			if (wd < 0)
				continue;
			lw->dirs[i].wd = wd;
			folder_changed(lw, i, changed);
			any = again = true;
		}
	}
	return any;
}

/* Mark the maps event @p e concerns; true when it concerns one (*settled: it ends a save). */
static bool take_event(cli_live *lw, const struct inotify_event *e, bool *changed, bool *settled)
{
	size_t dir = lw->n_dirs;
	for (size_t i = 0; i < lw->n_dirs; i++)
		if (lw->dirs[i].wd >= 0 && lw->dirs[i].wd == e->wd)
			dir = i;
	if (dir < lw->n_dirs && (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))) {
		folder_changed(lw, dir, changed); /* its files are not there any more */
		folder_gone(lw, dir);
		*settled = false;
		return true;
	}
	if ((e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO)) && folders_back(lw, changed)) {
		*settled = false;
		return true;
	}
	if (!e->len)
		return false;
	bool hit = false;
	bool listing = !(e->mask & (IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB)); /* a name came or went */
	for (size_t i = 0; dir < lw->n_dirs && i < lw->n_paths; i++) {
		watched_path *w = &lw->paths[i];
		if (w->dir != dir)
			continue;
		if (w->name ? strcmp(w->name, e->name) != 0 : !(listing && layer_name(e->name)))
			continue;
		changed[w->map] = true;
		posture_inputs_forget(lw->inputs, w->path);
		hit = true;
	}
	if (hit)
		*settled = (e->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) != 0;
	return hit;
}

/* Read what inotify has; true when some of it concerns a map (*settled: as take_event). */
static bool drain(cli_live *lw, bool *changed, bool *settled)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool hit = false;
	for (;;) {
		ssize_t n = read(lw->inotify_fd, buf, sizeof(buf));
		if (n <= 0)
			return hit;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;
			hit = take_event(lw, e, changed, settled) || hit;
			p += sizeof(*e) + e->len;
		}
	}
}

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

cli_live_event cli_live_wait(cli_live *lw, int wake_fd, bool *changed)
{
	memset(changed, 0, lw->n_maps * sizeof(*changed));
	long first = -1; /* when the first relevant change of this burst arrived */
	bool settled = false; /* the latest relevant change ended a save */
	for (;;) {
		struct pollfd fds[3] = { { lw->signal_fd, POLLIN, 0 }, { lw->inotify_fd, POLLIN, 0 },
			                 { wake_fd, POLLIN, 0 } };
		int timeout = first < 0 ? -1 : settled ? SETTLED_MS : QUIET_MS;
		if (first >= 0 && now_ms() - first >= BURST_MS)
			return CLI_LIVE_CHANGED;
		int n = poll(fds, wake_fd >= 0 ? 3 : 2, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "posture %s: cannot wait for changes: %s\n", lw->cmd,
			        strerror(errno));
			return CLI_LIVE_FAILED;
		}
		if (fds[0].revents & POLLIN) {
			struct signalfd_siginfo info; /* taken, so that it is not pending when unblocked */
			if (read(lw->signal_fd, &info, sizeof(info)) < 0)
				info.ssi_signo = 0;
			return CLI_LIVE_STOP;
		}
		if (n == 0)
			return CLI_LIVE_CHANGED; /* quiet for a while after a change */
		if ((fds[1].revents & POLLIN) && drain(lw, changed, &settled) && first < 0)
			first = now_ms();
		if (wake_fd >= 0 && (fds[2].revents & POLLIN) && first < 0)
			return CLI_LIVE_WAKE;
	}
}

/* @p s as a JSON string into @p b (at most @p n bytes with the NUL); false when it does not fit. */
static bool put_json_string(char *b, size_t n, size_t *at, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	if (*at + 1 >= n)
		return false;
	b[(*at)++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*at + 8 >= n)
			return false;
		if (*p == '"' || *p == '\\') {
			b[(*at)++] = '\\';
			b[(*at)++] = (char)*p;
		} else if (*p < 0x20 || *p == 0x7f) {
			memcpy(b + *at, "\\u00", 4);
			b[*at + 4] = hex[*p >> 4];
			b[*at + 5] = hex[*p & 15];
			*at += 6;
		} else {
			b[(*at)++] = (char)*p;
		}
	}
	b[(*at)++] = '"';
	return true;
}

char *cli_live_diags_json(const posture_ctx *ctx)
{
	size_t n = posture_ctx_diag_count(ctx) < 100 ? posture_ctx_diag_count(ctx) : 100;
	size_t size = 16 + n * (6 * 2048 + 2);
	char *out = malloc(size);
	if (!out)
		return NULL;
	size_t at = 0;
	out[at++] = '[';
	for (size_t i = 0; i < n; i++) {
		char line[2048];
		posture_diag_format(line, sizeof(line), posture_ctx_diag(ctx, i));
		if (i)
			out[at++] = ',';
		put_json_string(out, size, &at, line);
	}
	out[at++] = ']';
	out[at] = '\0';
	return out;
}
