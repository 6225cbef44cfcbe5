/*
 * cmd_watch.c — `posture watch MAP.ini…`: render the maps, then render each
 * again whenever a file its render read changes (live.c does the
 * watching).  Outputs are those of `posture render` without -o:
 * <dir>/<map>.<ext> for each format of the map's `outputs` key, written all
 * or nothing, so a broken edit leaves the last good files in place and
 * prints its errors; the next good save replaces them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "live.h"

static const char usage[] =
	"usage: posture watch [options] MAP.ini...\n"
	"\n"
	"Draw the maps as 'posture render' does, then keep watching every file the\n"
	"renders read (map file, themes, layer files and folders, sources, shapes) and\n"
	"draw a map again when one of its files changes; a burst of saves gives one\n"
	"render.  Saving by rename (vim, VS Code) is seen too: the folders are watched.\n"
	"Errors are printed as FILE:LINE:COLUMN: error: ... and the last good outputs\n"
	"stay in place.  Shapes, layers and fonts that did not change are not read\n"
	"again.  Ctrl-C stops it (exit status 0).\n"
	"\n"
	"options:\n"
	"  -d, --output-dir DIR  directory for the outputs (default: output)\n"
	"      --hold-labels     hold each label where the draw before put it: after an\n"
	"                        edit, only the labels it leaves no room for move\n"
	"      --allow-path DIR  let layer, theme and sources files that are symbolic\n"
	"                        links lead into DIR (repeatable)\n"
	"  -h, --help            show this help\n"
	"\n"
	"exit status: 0 stopped by Ctrl-C (or SIGTERM), 2 usage, 3 I/O or system error.\n";

#define MAX_ALLOW 16

typedef struct {
	const char **maps;
	size_t n_maps;
	const char *output_dir;
	const char *allow[MAX_ALLOW];
	size_t n_allow;
	bool hold_labels; /* --hold-labels */
} watch_args;

static int parse_args(watch_args *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage, stdout);
			return -1;
		} else if ((v = cli_option_value(argc, argv, &i, "-d")) ||
		           (v = cli_option_value(argc, argv, &i, "--output-dir"))) {
			if (!*v)
				return cli_usage_error("watch", "--output-dir needs a directory");
			a->output_dir = v;
		} else if (!strcmp(arg, "--hold-labels")) {
			a->hold_labels = true;
		} else if ((v = cli_option_value(argc, argv, &i, "--allow-path"))) {
			if (!*v)
				return cli_usage_error("watch", "--allow-path needs a folder");
			if (a->n_allow >= MAX_ALLOW)
				return cli_usage_error("watch", "at most %d --allow-path folders", MAX_ALLOW);
			a->allow[a->n_allow++] = v;
		} else if (arg[0] == '-' && arg[1]) {
			return cli_unknown_option("watch", arg, usage);
		} else {
			a->maps[a->n_maps++] = arg;
		}
	}
	if (!a->n_maps)
		return cli_usage_error("watch", "which map? (for example: posture watch maps/central-asia.ini)");
	return EXIT_OK;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Write every output of the map's `outputs` key, all or nothing. */
static int write_outputs(posture_ctx *ctx, const posture_map *map, const posture_scene *scene,
                         const char *dir, char *names, size_t names_size)
{
	enum { MAX = 16 };
	static char paths[MAX][4096];
	const char *list[MAX];
	posture_format formats[MAX];
	size_t n = posture_map_output_count(map) < MAX ? posture_map_output_count(map) : MAX;
	names[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		formats[i] = posture_map_output(map, i);
		snprintf(paths[i], sizeof(paths[i]), "%s/%s.%s", dir, posture_map_name(map),
		         posture_format_extension(formats[i]));
		list[i] = paths[i];
		size_t len = strlen(names);
		snprintf(names + len, names_size - len, "%s%s", i ? ", " : "", paths[i]);
	}
	posture_render_opts opts = POSTURE_RENDER_OPTS_INIT;
	return posture_scene_write_files(ctx, scene, n, list, formats, &opts);
}

/* Draw map @p i; say what was written, or why nothing was. */
static void draw(cli_live *lw, const watch_args *a, size_t i)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	posture_scene *scene;
	posture_map *map;
	posture_ctx *ctx;
	char names[8192] = "";
	int rc = cli_live_build(&scene, &map, &ctx, lw, i, a->maps[i]);
	if (rc == POSTURE_OK)
		rc = write_outputs(ctx, map, scene, a->output_dir, names, sizeof(names));
	if (ctx)
		cli_print_diags(ctx);
	if (rc == POSTURE_OK)
		printf("%s: wrote %s (%.2f s)\n", a->maps[i], names, seconds_since(&t0));
	else
		printf("%s: not drawn; its last good outputs are unchanged\n", a->maps[i]);
	fflush(stdout);
	fflush(stderr);
	posture_scene_destroy(scene);
	posture_map_destroy(map);
	posture_ctx_destroy(ctx);
}

static int watch_loop(cli_live *lw, const watch_args *a)
{
	bool *changed = calloc(a->n_maps, sizeof(*changed));
	if (!changed) {
		fprintf(stderr, "posture watch: out of memory\n");
		return EXIT_IO;
	}
	for (size_t i = 0; i < a->n_maps; i++)
		draw(lw, a, i);
	int status = EXIT_OK;
	for (;;) {
		printf("watching %zu files and folders; Ctrl-C stops\n", cli_live_watched(lw));
		fflush(stdout);
		cli_live_event ev = cli_live_wait(lw, -1, changed);
		if (ev == CLI_LIVE_STOP)
			break;
		if (ev == CLI_LIVE_FAILED) {
			status = EXIT_IO;
			break;
		}
		for (size_t i = 0; i < a->n_maps; i++)
			if (changed[i])
				draw(lw, a, i);
	}
	free(changed);
	return status;
}

static int run_watch(posture_ctx *ctx, int argc, char **argv)
{
	(void)ctx; /* each render gets a context of its own */
	watch_args a = { .output_dir = "output" };
	a.maps = calloc((size_t)argc, sizeof(*a.maps));
	if (!a.maps) {
		fprintf(stderr, "posture: out of memory\n");
		return EXIT_IO;
	}
	int status = parse_args(&a, argc, argv);
	cli_live *lw = NULL;
	if (status == EXIT_OK)
		status = cli_live_create(&lw, "watch", a.n_maps, a.allow, a.n_allow);
	if (status == EXIT_OK && a.hold_labels)
		cli_live_hold_labels(lw);
	if (status == EXIT_OK)
		status = watch_loop(lw, &a);
	else if (status < 0)
		status = EXIT_OK; /* --help */
	if (lw && status == EXIT_OK)
		printf("posture watch: stopped\n");
	cli_live_destroy(lw);
	free(a.maps);
	return status;
}

const cli_command cli_watch = {
	"watch", "draw maps again whenever a file they read changes", usage, run_watch
};
