/*
 * cmd_diff.c — `posture diff OLD NEW`: what changed between two versions of
 * the layers, item by item, and optionally the map of those changes.
 *
 * Each side is a layers folder or git:REV, the folder at revision REV of the
 * git repository it is in (the other side's folder, else `layers`), taken
 * out with `git archive` into a temporary folder removed afterwards.  git is
 * run directly (no shell), and a revision starting with '-' is refused, so
 * nothing the user types reaches git as an option.  Both sides are validated
 * as `check` would (against the working copy's shapes/).
 *
 * Exit status follows diff(1): 0 equal, 1 different; errors are 2 (usage),
 * 3 (I/O, git) and 4 (invalid data), so a script can tell "different" from
 * "broken".
 */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include "cmd.h"

extern char **environ;

enum { DIFF_SAME = 0, DIFF_DIFFERENT = 1, DIFF_USAGE = 2, DIFF_IO = 3, DIFF_DATA = 4 };

static const char usage[] =
	"usage: posture diff [options] OLD NEW\n"
	"\n"
	"Print what changed from the layers OLD to the layers NEW, one line per item:\n"
	"added, removed, moved (with the distance in km) or changed (which properties,\n"
	"which citations).  OLD and NEW are layers folders, or git:REV for the layers\n"
	"folder at revision REV of its git repository (the other side's folder, or\n"
	"'layers'): posture diff git:HEAD~1 layers.\n"
	"\n"
	"options:\n"
	"  -f, --format FORMAT   text (the default) or json\n"
	"  -m, --map MAP.ini     also draw NEW on this map with the changes marked:\n"
	"                        added items ringed, removed ones as grey ghosts, moved\n"
	"                        ones with an arrow from where they were, changed ones\n"
	"                        ringed dashed, and a legend of the marks\n"
	"  -o, --output FILE     the diff map's file (.png .pdf .svg .html .json;\n"
	"                        repeatable; needs --map)\n"
	"  -h, --help            show this help\n"
	"\n"
	"exit status: 0 no differences, 1 differences, 2 usage, 3 I/O or system error\n"
	"(git included), 4 invalid data.\n";

#define MAX_OUTPUTS 8

typedef struct {
	const char *side[2];         /* OLD and NEW as given */
	posture_diff_format format;
	const char *map_path;        /* --map, or NULL */
	const char *outputs[MAX_OUTPUTS];
	size_t n_outputs;
} diff_args;

/* A side made readable: the folder to load, and the temporary folder to remove. */
typedef struct {
	char dir[8400];     /* the layers folder */
	char tmp[4096];     /* a git export's temporary folder, or "" */
	char label[512];    /* how the map's legend names it */
} side;

static int to_diff_status(int rc)
{
	switch (rc) {
	case POSTURE_OK: return DIFF_SAME;
	case POSTURE_EDATA: case POSTURE_EPROJ: return DIFF_DATA;
	case POSTURE_EUSAGE: return DIFF_USAGE;
	default: return DIFF_IO;
	}
}

static int parse_args(diff_args *a, int argc, char **argv)
{
	size_t n_sides = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage, stdout);
			return -1;
		} else if ((v = cli_option_value(argc, argv, &i, "-f")) ||
		           (v = cli_option_value(argc, argv, &i, "--format"))) {
			if (strcmp(v, "text") && strcmp(v, "json"))
				return cli_usage_error("diff", "--format wants text or json, not '%s'", v);
			a->format = !strcmp(v, "json") ? POSTURE_DIFF_JSON : POSTURE_DIFF_TEXT;
		} else if ((v = cli_option_value(argc, argv, &i, "-m")) ||
		           (v = cli_option_value(argc, argv, &i, "--map"))) {
			if (!*v)
				return cli_usage_error("diff", "--map needs a map file");
			a->map_path = v;
		} else if ((v = cli_option_value(argc, argv, &i, "-o")) ||
		           (v = cli_option_value(argc, argv, &i, "--output"))) {
			posture_format fmt;
			if (!*v || posture_format_from_path(&fmt, v) != POSTURE_OK)
				return cli_usage_error("diff", "cannot tell the format of '%s' "
				                       "(use .png, .pdf, .svg, .html or .json)", v);
			if (a->n_outputs == MAX_OUTPUTS)
				return cli_usage_error("diff", "at most %d -o files", MAX_OUTPUTS);
			a->outputs[a->n_outputs++] = v;
		} else if (arg[0] == '-' && arg[1]) {
			return cli_unknown_option("diff", arg, usage);
		} else if (n_sides == 2) {
			return cli_usage_error("diff", "two versions to compare, not more ('%s')", arg);
		} else {
			a->side[n_sides++] = arg;
		}
	}
	if (n_sides != 2)
		return cli_usage_error("diff", "which two versions? (for example: posture diff "
		                       "git:HEAD~1 layers)");
	if (a->n_outputs && !a->map_path)
		return cli_usage_error("diff", "-o writes the diff map: name its map with --map");
	if (a->map_path && !a->n_outputs)
		return cli_usage_error("diff", "--map draws the diff map: name its file with -o");
	return EXIT_OK;
}

/* Run argv (argv[0] looked up in PATH) with stdout to @p out_fd (or -1: /dev/null). */
static int run_program(char *const *argv, int out_fd, const char *err_path)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	else
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err_path, O_WRONLY | O_CREAT | O_TRUNC,
	                                 0600);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	int status;
	while (waitpid(pid, &status, 0) < 0)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The first line of a captured stderr, for messages. */
static void first_line(char *out, size_t n, const char *path)
{
	out[0] = '\0';
	FILE *f = fopen(path, "r");
	if (f) {
		if (fgets(out, (int)n, f))
			out[strcspn(out, "\n")] = '\0';
		fclose(f);
	}
}

/* Output of `git -C DIR ARGS…` (one line), or NULL with a message in @p why. */
static int git_line(char *out, size_t n, const char *dir, const char *a1, const char *a2,
                    const char *err_path)
{
	char tmp[] = "/tmp/posture-git-XXXXXX";
	int fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	unlink(tmp);
	char *argv[] = { "git", "-C", (char *)dir, (char *)a1, (char *)a2, NULL };
	int status = run_program(argv, fd, err_path);
	out[0] = '\0';
	if (status == 0) {
		lseek(fd, 0, SEEK_SET);
		ssize_t got = read(fd, out, n - 1);
		out[got > 0 ? got : 0] = '\0';
		out[strcspn(out, "\n")] = '\0';
	}
	close(fd);
	return status;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void side_cleanup(side *s)
{
	if (s->tmp[0])
		nftw(s->tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	s->tmp[0] = '\0';
}

/* git:REV: export the folder @p folder as it was at REV into a temporary folder. */
static int side_from_git(side *s, const char *rev, const char *folder)
{
	char err[] = "/tmp/posture-git-err-XXXXXX";
	int efd = mkstemp(err);
	if (efd < 0) {
		perror("posture diff: cannot make a temporary file");
		return DIFF_IO;
	}
	close(efd);
	int status = DIFF_IO;
	char top[4096], prefix[4096], msg[512];
	snprintf(s->label, sizeof(s->label), "%s", rev);
	if (!*rev || rev[0] == '-') {
		status = cli_usage_error("diff", "git:%s is not a revision", rev);
		goto out;
	}
	if (git_line(top, sizeof(top), folder, "rev-parse", "--show-toplevel", err) != 0 ||
	    git_line(prefix, sizeof(prefix), folder, "rev-parse", "--show-prefix", err) != 0) {
		first_line(msg, sizeof(msg), err);
		fprintf(stderr, "%s: error: cannot find the git repository it is in (%s)\n", folder,
		        msg[0] ? msg : "is git installed?");
		goto out;
	}
	char spec[256];
	snprintf(spec, sizeof(spec), "%s^{commit}", rev);
	char *verify[] = { "git", "-C", top, "rev-parse", "--verify", "--quiet", spec, NULL };
	if (run_program(verify, -1, err) != 0) {
		status = cli_usage_error("diff", "no revision '%s' in the repository of '%s'", rev, folder);
		goto out;
	}
	snprintf(s->tmp, sizeof(s->tmp), "/tmp/posture-diff-XXXXXX");
	if (!mkdtemp(s->tmp)) {
		s->tmp[0] = '\0';
		perror("posture diff: cannot make a temporary folder");
		goto out;
	}
	char tar[4096 + 16];
	snprintf(tar, sizeof(tar), "%s/layers.tar", s->tmp);
	char path[4200];
	snprintf(path, sizeof(path), "%s", prefix[0] ? prefix : ".");
	char *archive[] = { "git", "-C", top, "archive", "--format=tar", "-o", tar, spec, "--", path,
		            NULL };
	char *untar[] = { "tar", "-x", "-f", tar, "-C", s->tmp, NULL };
	if (run_program(archive, -1, err) != 0) {
		first_line(msg, sizeof(msg), err);
		fprintf(stderr, "%s: error: cannot take it out of revision %s (%s)\n", folder, rev, msg);
		goto out;
	}
	if (run_program(untar, -1, err) != 0) {
		first_line(msg, sizeof(msg), err);
		fprintf(stderr, "%s: error: cannot unpack revision %s (%s)\n", folder, rev, msg);
		goto out;
	}
	unlink(tar);
	snprintf(s->dir, sizeof(s->dir), "%s/%s", s->tmp, prefix);
	status = DIFF_SAME;
out:
	unlink(err);
	return status;
}

static int side_open(side *s, const char *arg, const char *other)
{
	memset(s, 0, sizeof(*s));
	if (strncmp(arg, "git:", 4) != 0) {
		snprintf(s->dir, sizeof(s->dir), "%s", arg);
		snprintf(s->label, sizeof(s->label), "%s", arg);
		return DIFF_SAME;
	}
	const char *folder = other && strncmp(other, "git:", 4) ? other : "layers";
	return side_from_git(s, arg + 4, folder);
}

/* Load one side, validated against the working copy's shapes. */
static int side_load(posture_data **out, posture_ctx *ctx, const side *s, const char *shapes)
{
	posture_check_opts opts = POSTURE_CHECK_OPTS_INIT;
	opts.shapes_dir = shapes;
	return posture_data_load_dir(out, ctx, s->dir, &opts);
}

static int draw_map(posture_ctx *ctx, const diff_args *a, const posture_data *cur,
                    const posture_diff *diff, const char *old_label)
{
	posture_map *map = NULL;
	posture_scene *scene = NULL;
	posture_format formats[MAX_OUTPUTS];
	for (size_t i = 0; i < a->n_outputs; i++)
		posture_format_from_path(&formats[i], a->outputs[i]);
	int rc = posture_map_load(&map, ctx, a->map_path);
	if (rc == POSTURE_OK)
		rc = posture_scene_build_diff(&scene, ctx, map, cur, diff, old_label);
	if (rc == POSTURE_OK)
		rc = posture_scene_write_files(ctx, scene, a->n_outputs, a->outputs, formats, NULL);
	for (size_t i = 0; rc == POSTURE_OK && i < a->n_outputs; i++)
		fprintf(stderr, "wrote %s\n", a->outputs[i]);
	posture_scene_destroy(scene);
	posture_map_destroy(map);
	return rc;
}

static int run_diff(posture_ctx *ctx, int argc, char **argv)
{
	diff_args a = { .format = POSTURE_DIFF_TEXT };
	int status = parse_args(&a, argc, argv);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : DIFF_USAGE;
	side old, cur;
	memset(&cur, 0, sizeof(cur));
	status = side_open(&old, a.side[0], a.side[1]);
	if (status == DIFF_SAME)
		status = side_open(&cur, a.side[1], a.side[0]);
	if (status != DIFF_SAME) {
		side_cleanup(&old);
		side_cleanup(&cur);
		return status;
	}
	/* Both sides are checked against the working copy's base geography. */
	const char *real = strncmp(a.side[1], "git:", 4) ? a.side[1]
	                 : strncmp(a.side[0], "git:", 4) ? a.side[0] : "layers";
	char shapes[4200];
	snprintf(shapes, sizeof(shapes), "%s/../shapes", real);
	posture_data *d_old = NULL, *d_new = NULL;
	posture_diff *diff = NULL;
	int rc = side_load(&d_old, ctx, &old, shapes);
	if (rc == POSTURE_OK)
		rc = side_load(&d_new, ctx, &cur, shapes);
	if (rc == POSTURE_OK)
		rc = posture_diff_compute(&diff, ctx, d_old, d_new);
	if (rc == POSTURE_OK)
		rc = posture_diff_print(ctx, diff, stdout, a.format);
	if (rc == POSTURE_OK && a.map_path)
		rc = draw_map(ctx, &a, d_new, diff, old.label);
	cli_print_diags(ctx);
	status = rc != POSTURE_OK ? to_diff_status(rc)
	       : posture_diff_count(diff) ? DIFF_DIFFERENT : DIFF_SAME;
	posture_diff_destroy(diff);
	posture_data_destroy(d_old);
	posture_data_destroy(d_new);
	side_cleanup(&old);
	side_cleanup(&cur);
	return status;
}

const cli_command cli_diff = {
	"diff", "what changed between two versions of the layers (and its map)", usage, run_diff
};
