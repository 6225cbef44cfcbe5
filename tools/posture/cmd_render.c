/*
 * cmd_render.c — `posture render MAP.ini [-o FILE]...`: draw a map.
 *
 * Without -o, every format the map's `outputs` key names is written to
 * output/<map>.<ext> under the current directory (or --output-dir).  With
 * -o, exactly the named files are written, each in the format of its
 * extension.  Command-line options override the map file's keys.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char usage[] =
	"usage: posture render [options] MAP.ini\n"
	"\n"
	"Draw the map MAP.ini describes.  Without -o, writes output/<map>.<ext> for\n"
	"each format in the map's `outputs` key (relative to the current directory).\n"
	"\n"
	"options:\n"
	"  -o, --output FILE     write FILE; the format comes from its extension:\n"
	"                        .png .pdf .svg, or .json for the map data (repeatable)\n"
	"  -d, --output-dir DIR  directory for the default outputs (default: output)\n"
	"  -s, --scale N         PNG pixels per point, 0.1 to 16 (default: 1; 2 for retina)\n"
	"      --set KEY=VALUE   override a [map] key of the file, e.g. --set size=1200x800\n"
	"      --size WxH        same as --set size=WxH\n"
	"      --extent W,S,E,N  same as --set extent=W,S,E,N\n"
	"      --projection P    same as --set projection=P\n"
	"  -h, --help            show this help\n"
	"\n"
	"exit status: 0 success, 1 invalid data, 2 usage, 3 I/O or system error.\n";

#define MAX_OUTPUTS 16

typedef struct {
	const char *map_path;            /* the MAP.ini argument */
	const char *outputs[MAX_OUTPUTS]; /* -o files, in order */
	size_t n_outputs;
	const char *output_dir;          /* for default outputs */
	posture_render_opts opts;
	const char *sets[64][2];         /* overrides: key, value */
	size_t n_sets;
} render_args;

static int add_set(render_args *a, const char *key, const char *value)
{
	if (a->n_sets >= 64)
		return cli_usage_error("render", "too many overrides");
	a->sets[a->n_sets][0] = key;
	a->sets[a->n_sets][1] = value;
	a->n_sets++;
	return EXIT_OK;
}

static int parse_scale(render_args *a, const char *text)
{
	char *end;
	double s = strtod(text, &end);
	if (end == text || *end || !(s >= 0.1 && s <= 16))
		return cli_usage_error("render", "--scale wants a number from 0.1 to 16, not '%s'", text);
	a->opts.scale = s;
	return EXIT_OK;
}

/* Options that take a value: the value is the next argument or after '='. */
static const char *option_value(int argc, char **argv, int *i, const char *arg, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(arg, name, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	if (strcmp(arg, name) != 0)
		return NULL;
	if (*i + 1 >= argc)
		return "";
	return argv[++*i];
}

static int parse_args(render_args *a, int argc, char **argv)
{
	static char set_key[64][64];
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		int rc = EXIT_OK;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage, stdout);
			return -1;
		} else if ((v = option_value(argc, argv, &i, arg, "-o")) ||
		           (v = option_value(argc, argv, &i, arg, "--output"))) {
			if (!*v)
				return cli_usage_error("render", "-o needs a file name");
			if (a->n_outputs >= MAX_OUTPUTS)
				return cli_usage_error("render", "at most %d -o files", MAX_OUTPUTS);
			a->outputs[a->n_outputs++] = v;
		} else if ((v = option_value(argc, argv, &i, arg, "-d")) ||
		           (v = option_value(argc, argv, &i, arg, "--output-dir"))) {
			if (!*v)
				return cli_usage_error("render", "--output-dir needs a directory");
			a->output_dir = v;
		} else if ((v = option_value(argc, argv, &i, arg, "-s")) ||
		           (v = option_value(argc, argv, &i, arg, "--scale"))) {
			rc = parse_scale(a, v);
		} else if ((v = option_value(argc, argv, &i, arg, "--set"))) {
			const char *eq = strchr(v, '=');
			if (!eq || eq == v || (size_t)(eq - v) >= sizeof(set_key[0]))
				return cli_usage_error("render", "--set wants KEY=VALUE, not '%s'", v);
			memcpy(set_key[a->n_sets % 64], v, (size_t)(eq - v));
			set_key[a->n_sets % 64][eq - v] = '\0';
			rc = add_set(a, set_key[a->n_sets % 64], eq + 1);
		} else if ((v = option_value(argc, argv, &i, arg, "--size"))) {
			rc = add_set(a, "size", v);
		} else if ((v = option_value(argc, argv, &i, arg, "--extent"))) {
			rc = add_set(a, "extent", v);
		} else if ((v = option_value(argc, argv, &i, arg, "--projection"))) {
			rc = add_set(a, "projection", v);
		} else if (arg[0] == '-' && arg[1]) {
			return cli_usage_error("render", "unknown option '%s'", arg);
		} else if (a->map_path) {
			return cli_usage_error("render", "one map at a time ('%s' and '%s')", a->map_path, arg);
		} else {
			a->map_path = arg;
		}
		if (rc != EXIT_OK)
			return rc;
	}
	if (!a->map_path)
		return cli_usage_error("render", "which map? (for example: posture render maps/central-asia.ini)");
	return EXIT_OK;
}

static int write_one(posture_ctx *ctx, const posture_scene *scene, const char *path,
                     const posture_render_opts *opts)
{
	posture_format fmt;
	if (posture_format_from_path(&fmt, path) != POSTURE_OK)
		return POSTURE_EUSAGE;
	return posture_scene_write(ctx, scene, path, fmt, opts);
}

static int write_outputs(posture_ctx *ctx, const posture_map *map, const posture_scene *scene,
                         const render_args *a)
{
	int rc = POSTURE_OK;
	for (size_t i = 0; i < a->n_outputs && rc == POSTURE_OK; i++) {
		rc = write_one(ctx, scene, a->outputs[i], &a->opts);
		if (rc == POSTURE_OK)
			printf("wrote %s\n", a->outputs[i]);
	}
	if (a->n_outputs)
		return rc;
	for (size_t i = 0; i < posture_map_output_count(map) && rc == POSTURE_OK; i++) {
		posture_format fmt = posture_map_output(map, i);
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s.%s", a->output_dir, posture_map_name(map),
		         posture_format_extension(fmt));
		rc = posture_scene_write(ctx, scene, path, fmt, &a->opts);
		if (rc == POSTURE_OK)
			printf("wrote %s\n", path);
	}
	return rc;
}

static int check_output_names(const render_args *a)
{
	for (size_t i = 0; i < a->n_outputs; i++) {
		posture_format fmt;
		if (posture_format_from_path(&fmt, a->outputs[i]) != POSTURE_OK)
			return cli_usage_error("render", "cannot tell the format of '%s' "
			                       "(use .png, .pdf, .svg or .json)", a->outputs[i]);
	}
	return EXIT_OK;
}

static int run_render(posture_ctx *ctx, int argc, char **argv)
{
	render_args a = { .output_dir = "output", .opts = POSTURE_RENDER_OPTS_INIT };
	int status = parse_args(&a, argc, argv);
	if (status < 0)
		return EXIT_OK; /* --help */
	if (status == EXIT_OK)
		status = check_output_names(&a);
	if (status != EXIT_OK)
		return status;

	posture_map *map = NULL;
	posture_scene *scene = NULL;
	int rc = posture_map_load(&map, ctx, a.map_path);
	for (size_t i = 0; i < a.n_sets && rc == POSTURE_OK; i++)
		rc = posture_map_set(map, ctx, a.sets[i][0], a.sets[i][1]);
	if (rc == POSTURE_OK)
		rc = posture_scene_build(&scene, ctx, map);
	if (rc == POSTURE_OK)
		rc = write_outputs(ctx, map, scene, &a);
	cli_print_diags(ctx);
	posture_scene_destroy(scene);
	posture_map_destroy(map);
	return cli_exit_status(rc);
}

const cli_command cli_render = {
	"render", "draw a map to PNG, PDF, SVG or map data", usage, run_render
};
