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
	"All files of a run are written or none is: a failed run changes nothing.\n"
	"\n"
	"options:\n"
	"  -o, --output FILE     write FILE; the format comes from its extension:\n"
	"                        .png .pdf .svg, .html (interactive page), or .json\n"
	"                        for the map data (repeatable; missing directories\n"
	"                        are created)\n"
	"  -d, --output-dir DIR  directory for the default outputs (default: output)\n"
	"  -s, --scale N         PNG pixels per point, 0.1 to 16 (default: 1; 2 for retina)\n"
	"      --svg-engine E    who writes .svg: posture (default: named layers, real\n"
	"                        text) or cairo (Cairo's SVG, text as glyph outlines)\n"
	"      --set KEY=VALUE   override a [map] key of the file, e.g. --set size=1200x800\n"
	"      --size WxH        same as --set size=WxH\n"
	"      --extent W,S,E,N  same as --set extent=W,S,E,N\n"
	"      --projection P    same as --set projection=P\n"
	"      --theme NAME      same as --set theme=NAME (article, print, dark, or\n"
	"                        maps/themes/NAME.ini)\n"
	"      --layout L        same as --set layout=L (map, handout, bare)\n"
	"      --paper P         same as --set paper=P (a4, letter, a4-landscape,\n"
	"                        letter-landscape), for the handout layout\n"
	"      --stats FILE      write label placement figures as JSON to FILE ('-': stderr)\n"
	"      --strict          fail (status 1) when a label finds no room and is left out\n"
	"  -h, --help            show this help\n"
	"\n"
	"exit status: 0 success, 1 invalid data, 2 usage, 3 I/O or system error.\n";

#define MAX_OUTPUTS 16
#define MAX_SETS 64

/* A [map] key overridden on the command line. */
typedef struct {
	const char *option; /* as typed: "--size", or "--set" */
	const char *key;    /* map key, or NULL for --set (then text is KEY=VALUE) */
	const char *text;   /* the value */
} override;

typedef struct {
	const char *map_path;             /* the MAP.ini argument */
	const char *outputs[MAX_OUTPUTS]; /* -o files, in order */
	size_t n_outputs;
	const char *output_dir;           /* for default outputs */
	posture_render_opts opts;
	override sets[MAX_SETS];
	size_t n_sets;
	const char *stats_path;           /* --stats, or NULL */
	bool strict;                      /* --strict */
} render_args;

static int add_set(render_args *a, const char *option, const char *key, const char *text)
{
	if (!*text)
		return cli_usage_error("render", "%s needs a value", option);
	if (a->n_sets >= MAX_SETS)
		return cli_usage_error("render", "too many overrides (at most %d)", MAX_SETS);
	a->sets[a->n_sets++] = (override){ option, key, text };
	return EXIT_OK;
}

static int parse_scale(render_args *a, const char *text)
{
	char *end;
	double s = strtod(text, &end);
	if (!*text)
		return cli_usage_error("render", "--scale needs a number from 0.1 to 16");
	if (end == text || *end || !(s >= 0.1 && s <= 16))
		return cli_usage_error("render", "--scale wants a number from 0.1 to 16, not '%s'", text);
	a->opts.scale = s;
	return EXIT_OK;
}

static int parse_svg_engine(render_args *a, const char *text)
{
	if (!strcmp(text, "posture"))
		a->opts.svg_engine = POSTURE_SVG_ENGINE_POSTURE;
	else if (!strcmp(text, "cairo"))
		a->opts.svg_engine = POSTURE_SVG_ENGINE_CAIRO;
	else
		return cli_usage_error("render", "--svg-engine wants posture or cairo, not '%s'", text);
	return EXIT_OK;
}

static int add_output(render_args *a, const char *file)
{
	if (!*file)
		return cli_usage_error("render", "-o needs a file name");
	if (a->n_outputs >= MAX_OUTPUTS)
		return cli_usage_error("render", "at most %d -o files", MAX_OUTPUTS);
	for (size_t i = 0; i < a->n_outputs; i++)
		if (!strcmp(a->outputs[i], file))
			return cli_usage_error("render", "'%s' is named twice with -o", file);
	posture_format fmt;
	if (posture_format_from_path(&fmt, file) != POSTURE_OK)
		return cli_usage_error("render", "cannot tell the format of '%s' "
		                       "(use .png, .pdf, .svg, .html or .json)", file);
	a->outputs[a->n_outputs++] = file;
	return EXIT_OK;
}

static int parse_option(render_args *a, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *v;
	if ((v = cli_option_value(argc, argv, i, "-o")) ||
	    (v = cli_option_value(argc, argv, i, "--output")))
		return add_output(a, v);
	if ((v = cli_option_value(argc, argv, i, "-d")) ||
	    (v = cli_option_value(argc, argv, i, "--output-dir"))) {
		a->output_dir = v;
		return *v ? EXIT_OK : cli_usage_error("render", "--output-dir needs a directory");
	}
	if ((v = cli_option_value(argc, argv, i, "-s")) ||
	    (v = cli_option_value(argc, argv, i, "--scale")))
		return parse_scale(a, v);
	if ((v = cli_option_value(argc, argv, i, "--set")))
		return add_set(a, "--set", NULL, v);
	if ((v = cli_option_value(argc, argv, i, "--svg-engine")))
		return parse_svg_engine(a, v);
	if ((v = cli_option_value(argc, argv, i, "--stats"))) {
		a->stats_path = v;
		return *v ? EXIT_OK : cli_usage_error("render", "--stats needs a file name (or -)");
	}
	if (!strcmp(arg, "--strict")) {
		a->strict = true;
		return EXIT_OK;
	}
	static const char *const shortcuts[] = { "size",  "extent", "projection",
		                                  "theme", "layout", "paper" };
	for (size_t k = 0; k < sizeof(shortcuts) / sizeof(shortcuts[0]); k++) {
		char name[16];
		snprintf(name, sizeof(name), "--%s", shortcuts[k]);
		if ((v = cli_option_value(argc, argv, i, name)))
			return add_set(a, arg, shortcuts[k], v);
	}
	return cli_unknown_option("render", arg, usage);
}

static int parse_args(render_args *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int rc = EXIT_OK;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage, stdout);
			return -1;
		} else if (arg[0] == '-' && arg[1]) {
			rc = parse_option(a, argc, argv, &i);
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

static int apply_overrides(posture_ctx *ctx, posture_map *map, const render_args *a)
{
	int rc = POSTURE_OK;
	for (size_t i = 0; i < a->n_sets && rc == POSTURE_OK; i++) {
		const override *o = &a->sets[i];
		if (o->key) {
			char origin[64];
			snprintf(origin, sizeof(origin), "%.40s", o->option);
			rc = posture_map_set(map, ctx, origin, o->key, o->text);
			continue;
		}
		const char *eq = strchr(o->text, '=');
		char key[64];
		if (!eq || eq == o->text || (size_t)(eq - o->text) >= sizeof(key)) {
			fprintf(stderr, "posture render: --set wants KEY=VALUE, not '%s'\n", o->text);
			return POSTURE_EUSAGE;
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - o->text), o->text);
		rc = posture_map_set(map, ctx, "--set", key, eq + 1);
	}
	return rc;
}

/* "-handout-print" for --layout handout --theme print: default output names
 * say what the command line changed, so variants do not overwrite each other. */
static void default_suffix(char *out, size_t n, const render_args *a)
{
	out[0] = '\0';
	static const char *const keys[] = { "layout", "theme" };
	for (size_t k = 0; k < 2; k++) {
		const char *value = NULL;
		for (size_t i = 0; i < a->n_sets; i++) {
			const override *o = &a->sets[i];
			size_t len = strlen(keys[k]);
			if (o->key && !strcmp(o->key, keys[k]))
				value = o->text;
			else if (!o->key && !strncmp(o->text, keys[k], len) && o->text[len] == '=')
				value = o->text + len + 1;
		}
		if (value)
			snprintf(out + strlen(out), n - strlen(out), "-%s", value);
	}
}

/* Every file this run writes, with its format. */
static int plan_outputs(const posture_map *map, const render_args *a, char paths[][4096],
                        posture_format *formats, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < a->n_outputs; i++) {
		snprintf(paths[*n], 4096, "%s", a->outputs[i]);
		posture_format_from_path(&formats[(*n)++], a->outputs[i]);
	}
	char suffix[128];
	default_suffix(suffix, sizeof(suffix), a);
	for (size_t i = 0; !a->n_outputs && i < posture_map_output_count(map); i++) {
		formats[*n] = posture_map_output(map, i);
		bool png = formats[*n] == POSTURE_FORMAT_PNG;
		char scale[32] = "";
		if (png && a->opts.scale != 1)
			snprintf(scale, sizeof(scale), "@%gx", a->opts.scale);
		snprintf(paths[*n], 4096, "%s/%s%s%s.%s", a->output_dir, posture_map_name(map), suffix,
		         scale, posture_format_extension(formats[*n]));
		(*n)++;
	}
	return POSTURE_OK;
}

static int write_outputs(posture_ctx *ctx, const posture_map *map, const posture_scene *scene,
                         const render_args *a)
{
	static char paths[MAX_OUTPUTS][4096];
	posture_format formats[MAX_OUTPUTS];
	const char *names[MAX_OUTPUTS];
	size_t n;
	plan_outputs(map, a, paths, formats, &n);
	for (size_t i = 0; i < n; i++)
		names[i] = paths[i];
	int rc = posture_scene_write_files(ctx, scene, n, names, formats, &a->opts);
	for (size_t i = 0; rc == POSTURE_OK && i < n; i++)
		printf("wrote %s\n", paths[i]);
	return rc;
}

static int write_stats(const posture_scene *scene, const char *path)
{
	posture_label_stats st;
	posture_scene_label_stats(scene, &st);
	FILE *out = strcmp(path, "-") ? fopen(path, "w") : stderr;
	if (!out) {
		fprintf(stderr, "%s: error: cannot write the label statistics\n", path);
		return POSTURE_EIO;
	}
	fprintf(out, "{\"labels\": %zu, \"placed\": %zu, \"with_leader\": %zu, \"dropped\": %zu, "
	        "\"overlaps\": %zu, \"mean_displacement\": %.2f}\n", st.labels, st.placed,
	        st.with_leader, st.dropped, st.overlaps, st.mean_displacement);
	bool ok = !ferror(out);
	if (out != stderr)
		ok = fclose(out) == 0 && ok;
	if (!ok)
		fprintf(stderr, "%s: error: cannot write the label statistics\n", path);
	return ok ? POSTURE_OK : POSTURE_EIO;
}

/* --strict: a label left out is an error, and nothing is written. */
static int check_strict(const posture_scene *scene)
{
	posture_label_stats st;
	posture_scene_label_stats(scene, &st);
	if (st.dropped == 0)
		return POSTURE_OK;
	fprintf(stderr, "posture render: %zu label%s left out (--strict)\n", st.dropped,
	        st.dropped == 1 ? "" : "s");
	return POSTURE_EDATA;
}

static int run_render(posture_ctx *ctx, int argc, char **argv)
{
	render_args a = { .output_dir = "output", .opts = POSTURE_RENDER_OPTS_INIT };
	int status = parse_args(&a, argc, argv);
	if (status < 0)
		return EXIT_OK; /* --help */
	if (status != EXIT_OK)
		return status;

	posture_map *map = NULL;
	posture_scene *scene = NULL;
	int rc = posture_map_load(&map, ctx, a.map_path);
	if (rc == POSTURE_OK)
		rc = apply_overrides(ctx, map, &a);
	if (rc == POSTURE_OK)
		rc = posture_scene_build(&scene, ctx, map);
	if (rc == POSTURE_OK && a.strict)
		rc = check_strict(scene);
	if (rc == POSTURE_OK)
		rc = write_outputs(ctx, map, scene, &a);
	cli_print_diags(ctx);
	if (scene && a.stats_path && write_stats(scene, a.stats_path) != POSTURE_OK && rc == POSTURE_OK)
		rc = POSTURE_EIO;
	posture_scene_destroy(scene);
	posture_map_destroy(map);
	return cli_exit_status(rc);
}

const cli_command cli_render = {
	"render", "draw a map to PNG, PDF, SVG, HTML or map data", usage, run_render
};
