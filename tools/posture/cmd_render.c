/*
 * cmd_render.c — `posture render MAP.ini… [-o FILE]...`: draw maps.
 *
 * Without -o, every format the map's `outputs` key names is written to
 * output/<map>.<ext> under the current directory (or --output-dir).  With
 * -o, exactly the named files are written, each in the format of its
 * extension.  Command-line options override the map file's keys.
 *
 * Several maps are drawn by forked workers, -j at a time (jobs.c), after the
 * parent has read and validated the inputs they share (posture_inputs): the
 * layers, sources and shapefiles are read once per run, not once per map.
 * Each map is then exactly the single-map render, all or nothing; one that
 * fails does not stop the others, and the run's status says it failed.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "filter_opts.h"
#include "jobs.h"

static const char usage[] =
	"usage: posture render [options] MAP.ini...\n"
	"\n"
	"Draw the maps the MAP.ini files describe.  Without -o, writes\n"
	"output/<map>.<ext> for each format in a map's `outputs` key (relative to the\n"
	"current directory); options that change the picture add to the name\n"
	"(-handout-letter, -800x600, -h3f9a0c for other settings), so variants never\n"
	"overwrite each other.  A map's files are all written or none is: a map that\n"
	"fails changes nothing of its own outputs, and the other maps are still drawn.\n"
	"Layers, sources and shapes the maps share are read and checked once.\n"
	"\n"
	"options:\n"
	"  -o, --output FILE     write FILE; the format comes from its extension:\n"
	"                        .png .pdf .svg, .html (interactive page), or .json\n"
	"                        for the map data (repeatable; missing directories\n"
	"                        are created; one map only)\n"
	"  -d, --output-dir DIR  directory for the default outputs (default: output)\n"
	"  -j, --jobs N          draw N maps at once (default: the number of cores);\n"
	"                        on a terminal, one progress line per map\n"
	"  -s, --scale N         PNG pixels per point, 0.1 to 16 (default: 1; 2 for retina)\n"
	"      --svg-engine E    who writes .svg: posture (default: named layers, real\n"
	"                        text) or cairo (Cairo's SVG, text as glyph outlines)\n"
	"      --set KEY=VALUE   override a [map] key of the file, e.g. --set size=1200x800,\n"
	"                        or a theme property: --set theme.text.label-size=10\n"
	"      --size WxH        same as --set size=WxH\n"
	"      --extent W,S,E,N  same as --set extent=W,S,E,N\n"
	"      --projection P    same as --set projection=P\n"
	"      --theme NAME      same as --set theme=NAME (article, print, dark, or\n"
	"                        maps/themes/NAME.ini)\n"
	"      --layout L        same as --set layout=L (map, handout, bare)\n"
	"      --paper P         same as --set paper=P, for the handout layout: a4 or\n"
	"                        letter (the map chooses the orientation), or\n"
	"                        a4-portrait, a4-landscape, letter-portrait,\n"
	"                        letter-landscape\n"
	CLI_FILTER_HELP
	"      --keep-labels FILE  keep labels where FILE, the map data (.json) of an\n"
	"                        earlier render of this map, has them: after an edit\n"
	"                        of the layers only the labels it leaves no room for\n"
	"                        move (the output names stay the same)\n"
	"      --stats FILE      write label placement figures as JSON to FILE ('-': stderr),\n"
	"                        one object per map, in the order the maps were named\n"
	"      --allow-path DIR  let layer, theme and sources files that are symbolic\n"
	"                        links lead into DIR (repeatable; by default a link must\n"
	"                        stay in the map file's folder or its parent)\n"
	"      --strict          fail (status 1) when an item gets neither its name nor a key\n"
	"      --explain         print the SQL the map's PostGIS layers (pg:NAME) will run,\n"
	"                        with the overrides and filters applied, and draw nothing\n"
	"                        (no database is reached)\n"
	"  -h, --help            show this help\n"
	"\n"
	"exit status: 0 success, 1 invalid data, 2 usage, 3 I/O or system error; with\n"
	"several maps, the highest status of the maps that failed.\n";

#define MAX_OUTPUTS 16
#define MAX_JOBS 256
#define MAX_SETS 64
#define MAX_ALLOW 16

/* A [map] key overridden on the command line. */
typedef struct {
	const char *option; /* as typed: "--size", or "--set" */
	const char *key;    /* map key, or NULL for --set (then text is KEY=VALUE) */
	const char *text;   /* the value */
} override;

typedef struct {
	const char **maps;                /* the MAP.ini arguments, in order */
	size_t n_maps;
	const char *outputs[MAX_OUTPUTS]; /* -o files, in order */
	size_t n_outputs;
	const char *output_dir;           /* for default outputs */
	posture_render_opts opts;
	override sets[MAX_SETS];
	size_t n_sets;
	const char *stats_path;           /* --stats, or NULL */
	const char *keep_labels;          /* --keep-labels: an earlier render's map data */
	bool strict;                      /* --strict */
	bool explain;                     /* --explain: print the SQL, draw nothing */
	long jobs;                        /* -j: maps drawn at once */
	cli_filters filters;              /* --from, --hide, …: override [filter] */
	const char *allow[MAX_ALLOW];     /* --allow-path folders */
	size_t n_allow;
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

static int parse_jobs(render_args *a, const char *text)
{
	char *end;
	long n = strtol(text, &end, 10);
	if (!*text || *end || n < 1 || n > MAX_JOBS)
		return cli_usage_error("render", "-j wants a number of maps from 1 to %d, not '%s'",
		                       MAX_JOBS, text);
	a->jobs = n;
	return EXIT_OK;
}

static int parse_option(render_args *a, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *v;
	int filter = cli_filter_parse(&a->filters, "render", argc, argv, i);
	if (filter != 1)
		return filter;
	if (!strncmp(arg, "-j", 2) && arg[2] >= '0' && arg[2] <= '9')
		return parse_jobs(a, arg + 2);
	if ((v = cli_option_value(argc, argv, i, "-j")) ||
	    (v = cli_option_value(argc, argv, i, "--jobs")))
		return parse_jobs(a, v);
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
	if ((v = cli_option_value(argc, argv, i, "--keep-labels"))) {
		a->keep_labels = v;
		return *v ? EXIT_OK
		          : cli_usage_error("render", "--keep-labels needs the map data (.json) of an "
		                                      "earlier render");
	}
	if ((v = cli_option_value(argc, argv, i, "--allow-path"))) {
		if (a->n_allow >= MAX_ALLOW)
			return cli_usage_error("render", "at most %d --allow-path folders", MAX_ALLOW);
		a->allow[a->n_allow++] = v;
		return EXIT_OK;
	}
	if (!strcmp(arg, "--strict")) {
		a->strict = true;
		return EXIT_OK;
	}
	if (!strcmp(arg, "--explain")) {
		a->explain = true;
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
		} else {
			a->maps[a->n_maps++] = arg;
		}
		if (rc != EXIT_OK)
			return rc;
	}
	if (!a->n_maps)
		return cli_usage_error("render", "which map? (for example: posture render maps/central-asia.ini)");
	if (a->n_maps > 1 && a->n_outputs)
		return cli_usage_error("render", "-o names the files of one map; with %zu maps, each "
		                       "writes its own outputs (choose the folder with --output-dir)",
		                       a->n_maps);
	if (a->n_maps > 1 && a->keep_labels)
		return cli_usage_error("render", "--keep-labels gives the labels of one map; name one "
		                       "map with it, not %zu", a->n_maps);
	return EXIT_OK;
}

static int apply_overrides(posture_ctx *ctx, posture_map *map, const render_args *a)
{
	int rc = POSTURE_OK;
	for (size_t i = 0; i < a->filters.n && rc == POSTURE_OK; i++) {
		char option[32];
		snprintf(option, sizeof(option), "--%s", a->filters.opts[i].key);
		rc = posture_map_set_filter(map, ctx, option, a->filters.opts[i].key,
		                            a->filters.opts[i].value);
	}
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

/* The value the command line gives @p key last, or NULL. */
static const char *set_value(const render_args *a, const char *key)
{
	const char *value = NULL;
	size_t len = strlen(key);
	for (size_t i = 0; i < a->n_sets; i++) {
		const override *o = &a->sets[i];
		if (o->key && !strcmp(o->key, key))
			value = o->text;
		else if (!o->key && !strncmp(o->text, key, len) && o->text[len] == '=')
			value = o->text + len + 1;
	}
	return value;
}

/* The key an override sets ("size", "theme.text.label-size"), into @p out. */
static void set_key(char *out, size_t n, const override *o)
{
	const char *eq = o->key ? NULL : strchr(o->text, '=');
	if (o->key)
		snprintf(out, n, "%s", o->key);
	else
		snprintf(out, n, "%.*s", eq ? (int)(eq - o->text) : 0, o->text);
}

/* "-VALUE" with only letters, digits, '.', 'x' and '-' kept (others become '-'). */
static void put_word(char *out, size_t n, const char *value)
{
	size_t len = strlen(out);
	if (len + 2 >= n)
		return;
	out[len++] = '-';
	for (const char *p = value; *p && len + 1 < n; p++) {
		unsigned char c = (unsigned char)*p;
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		            c == '.';
		out[len++] = keep ? (char)c : '-';
	}
	out[len] = '\0';
}

/*
 * The suffix of default output names: every option that changes the picture
 * changes the name, so variants never overwrite each other.  Layout, theme,
 * paper, size and date are spelled out ("-handout-print-letter",
 * "-1200x800", "-2014-12"); any other change (extent, projection, focus,
 * title, theme properties…) adds a short hash of what was set ("-h3f9a0c"),
 * the same for the same settings in any order; the filters (--from 2015-03)
 * add their own words ("-from-2015-03").
 */
static void default_suffix(char *out, size_t n, const render_args *a)
{
	out[0] = '\0';
	static const char *const named[] = { "layout", "theme", "paper", "size", "date" };
	for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
		const char *value = set_value(a, named[k]);
		if (value)
			put_word(out, n, value);
	}
	cli_filter_suffix(out, n, &a->filters);
	unsigned long hash = 0; /* order-free: the sum of each setting's FNV-1a */
	bool other = false;
	for (size_t i = 0; i < a->n_sets; i++) {
		char key[96];
		set_key(key, sizeof(key), &a->sets[i]);
		bool is_named = !strcmp(key, "outputs"); /* what is written, not what is drawn */
		for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++)
			is_named = is_named || !strcmp(key, named[k]);
		bool last = true; /* only the value that wins counts */
		for (size_t j = i + 1; j < a->n_sets; j++) {
			char later[96];
			set_key(later, sizeof(later), &a->sets[j]);
			last = last && strcmp(later, key) != 0;
		}
		if (is_named || !last)
			continue;
		const char *value = set_value(a, key);
		unsigned long h = 2166136261u;
		for (const char *p = key; *p; p++)
			h = ((h ^ (unsigned char)*p) * 16777619u) & 0xFFFFFFFFu;
		h = ((h ^ '=') * 16777619u) & 0xFFFFFFFFu;
		for (const char *p = value ? value : ""; *p; p++)
			h = ((h ^ (unsigned char)*p) * 16777619u) & 0xFFFFFFFFu;
		hash = (hash + h) & 0xFFFFFFFFu;
		other = true;
	}
	if (other)
		snprintf(out + strlen(out), n - strlen(out), "-h%06lx", hash & 0xFFFFFFu);
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
	char suffix[512];
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

/* One JSON object on one line: the map and its label placement figures. */
static void print_stats(FILE *out, const char *map_path, const posture_scene *scene)
{
	posture_label_stats st;
	posture_scene_label_stats(scene, &st);
	fputs("{\"map\": \"", out);
	for (const unsigned char *p = (const unsigned char *)map_path; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fprintf(out, "\", \"labels\": %zu, \"placed\": %zu, \"keyed\": %zu, \"unlabelled\": %zu, "
	        "\"dropped\": %zu, \"with_leader\": %zu, \"overlaps\": %zu, "
	        "\"mean_displacement\": %.2f, \"placement_cpu_s\": %.3f}\n", st.labels, st.placed,
	        st.keyed, st.unlabelled, st.dropped, st.with_leader, st.overlaps,
	        st.mean_displacement, st.cpu_seconds);
}

/* Write one map's stats (when @p scene is given), then the workers' @p parts, to @p path ('-': stderr). */
static int write_stats(const char *path, const char *map_path, const posture_scene *scene,
                       FILE *const *parts, size_t n_parts)
{
	FILE *out = strcmp(path, "-") ? fopen(path, "w") : stderr;
	if (!out) {
		fprintf(stderr, "%s: error: cannot write the label statistics\n", path);
		return POSTURE_EIO;
	}
	if (scene)
		print_stats(out, map_path, scene);
	for (size_t i = 0; i < n_parts; i++) {
		char buf[4096];
		size_t n;
		rewind(parts[i]);
		while ((n = fread(buf, 1, sizeof(buf), parts[i])) > 0)
			fwrite(buf, 1, n, out);
	}
	bool ok = !ferror(out);
	if (out != stderr)
		ok = fclose(out) == 0 && ok;
	else
		fflush(out);
	if (!ok)
		fprintf(stderr, "%s: error: cannot write the label statistics\n", path);
	return ok ? POSTURE_OK : POSTURE_EIO;
}

/* --strict: an item shown with neither name nor key is an error, and nothing is written. */
static int check_strict(const posture_scene *scene)
{
	posture_label_stats st;
	posture_scene_label_stats(scene, &st);
	size_t n = st.unlabelled + st.dropped;
	if (n == 0)
		return POSTURE_OK;
	fprintf(stderr, "posture render: %zu item%s shown without a name or key (--strict)", n,
	        n == 1 ? "" : "s");
	size_t listed = 0;
	for (const char *id; listed < 10 && (id = posture_scene_unlabelled_id(scene, listed));
	     listed++)
		fprintf(stderr, "%s%s", listed ? ", " : ": ", id);
	if (listed && listed < n)
		fprintf(stderr, " and %zu more", n - listed);
	fputc('\n', stderr);
	return POSTURE_EDATA;
}

/*
 * Draw one map: load, override, build (with the run's shared inputs, or
 * NULL), write.  Its label figures go to @p stats_out when given (batch), or
 * to --stats's file.
 */
static int render_one(posture_ctx *ctx, const render_args *a, const char *path,
                      posture_inputs *inputs, FILE *stats_out)
{
	int status = EXIT_OK;
	for (size_t i = 0; status == EXIT_OK && i < a->n_allow; i++)
		status = cli_allow_path(ctx, "render", a->allow[i]);
	if (status != EXIT_OK)
		return status;
	posture_map *map = NULL;
	posture_scene *scene = NULL;
	int rc = posture_map_load(&map, ctx, path);
	if (rc == POSTURE_OK)
		rc = apply_overrides(ctx, map, a);
	if (rc == POSTURE_OK && a->keep_labels)
		rc = posture_map_keep_labels(map, ctx, a->keep_labels);
	if (rc == POSTURE_OK && a->explain) {
		char *sql = NULL;
		rc = posture_map_explain(&sql, ctx, map);
		if (rc == POSTURE_OK)
			printf("%s", *sql ? sql : "-- the map reads no PostGIS layer\n");
		free(sql);
		cli_print_diags(ctx);
		posture_map_destroy(map);
		return cli_exit_status(rc);
	}
	if (rc == POSTURE_OK)
		rc = posture_scene_build_with(&scene, ctx, map, inputs);
	if (rc == POSTURE_OK && a->strict)
		rc = check_strict(scene);
	if (rc == POSTURE_OK)
		rc = write_outputs(ctx, map, scene, a);
	cli_print_diags(ctx);
	if (scene && stats_out)
		print_stats(stats_out, path, scene);
	else if (scene && a->stats_path &&
	         write_stats(a->stats_path, path, scene, NULL, 0) != POSTURE_OK && rc == POSTURE_OK)
		rc = POSTURE_EIO;
	posture_scene_destroy(scene);
	posture_map_destroy(map);
	return cli_exit_status(rc);
}

/* --- several maps ------------------------------------------------------------ */

typedef struct {
	const render_args *args;
	posture_inputs *inputs;  /* read by the parent, inherited by every worker */
	FILE **stats;            /* per map, when --stats is given */
	size_t n_done;           /* maps finished so far */
	bool progress;           /* stderr is a terminal */
} batch;

static int batch_run(void *user, size_t i)
{
	batch *bt = user;
	posture_ctx *ctx = NULL;
	if (posture_ctx_create(&ctx) != POSTURE_OK) {
		fprintf(stderr, "posture: out of memory\n");
		return EXIT_IO;
	}
	int status = render_one(ctx, bt->args, bt->args->maps[i], bt->inputs,
	                        bt->stats ? bt->stats[i] : NULL);
	if (bt->stats)
		fflush(bt->stats[i]);
	posture_ctx_destroy(ctx);
	return status;
}

static const char *batch_name(void *user, size_t i)
{
	return ((batch *)user)->args->maps[i];
}

static void batch_done(void *user, size_t i, int status, double seconds)
{
	batch *bt = user;
	bt->n_done++;
	if (!bt->progress)
		return;
	fprintf(stderr, "[%zu/%zu] %s: %s in %.1f s\n", bt->n_done, bt->args->n_maps,
	        bt->args->maps[i], status == EXIT_OK ? "done" : "FAILED", seconds);
}

/* Two maps of the same name would write the same default outputs. */
static int check_names(const render_args *a)
{
	for (size_t i = 0; i < a->n_maps; i++) {
		const char *bi = strrchr(a->maps[i], '/') ? strrchr(a->maps[i], '/') + 1 : a->maps[i];
		for (size_t j = 0; j < i; j++) {
			const char *bj = strrchr(a->maps[j], '/') ? strrchr(a->maps[j], '/') + 1 : a->maps[j];
			if (!strcmp(bi, bj))
				return cli_usage_error("render", "'%s' and '%s' would write the same outputs "
				                       "(render them with different --output-dir)",
				                       a->maps[j], a->maps[i]);
		}
	}
	return EXIT_OK;
}

/* Read what the maps share, once, before the workers fork. */
static void preload(posture_inputs *inputs, const render_args *a)
{
	for (size_t i = 0; i < a->n_maps; i++) {
		posture_ctx *scratch = NULL;
		posture_map *map = NULL;
		bool ok = posture_ctx_create(&scratch) == POSTURE_OK;
		for (size_t k = 0; ok && k < a->n_allow; k++) /* as each worker allows them */
			ok = posture_ctx_allow_path(scratch, a->allow[k]) == POSTURE_OK;
		if (ok && posture_map_load(&map, scratch, a->maps[i]) == POSTURE_OK)
			posture_inputs_preload(inputs, scratch, map); /* a map that fails says why itself */
		posture_map_destroy(map);
		posture_ctx_destroy(scratch);
	}
}

static void summarize(const render_args *a, const int *statuses)
{
	size_t failed = 0;
	for (size_t i = 0; i < a->n_maps; i++)
		failed += statuses[i] != EXIT_OK;
	fprintf(stderr, "posture render: %zu map%s drawn", a->n_maps - failed,
	        a->n_maps - failed == 1 ? "" : "s");
	if (failed) {
		fprintf(stderr, ", %zu failed:", failed);
		for (size_t i = 0; i < a->n_maps; i++)
			if (statuses[i] != EXIT_OK)
				fprintf(stderr, " %s", a->maps[i]);
	}
	fputc('\n', stderr);
}

static int render_batch(const render_args *a)
{
	int status = check_names(a);
	if (status != EXIT_OK)
		return status;
	batch bt = { .args = a, .progress = isatty(STDERR_FILENO) };
	int *statuses = calloc(a->n_maps, sizeof(*statuses));
	if (a->stats_path)
		bt.stats = calloc(a->n_maps, sizeof(*bt.stats));
	bool ok = statuses && (!a->stats_path || bt.stats) &&
	          posture_inputs_create(&bt.inputs) == POSTURE_OK;
	for (size_t i = 0; ok && bt.stats && i < a->n_maps; i++)
		ok = (bt.stats[i] = tmpfile()) != NULL;
	if (!ok) {
		fprintf(stderr, "posture render: cannot set up the run: out of memory or no room "
		        "for temporary files\n");
		status = EXIT_IO;
		goto out;
	}
	for (size_t i = 0; i < a->n_maps; i++)
		statuses[i] = EXIT_IO; /* until its worker says otherwise */
	preload(bt.inputs, a);
	cli_jobs jobs = { &bt, batch_run, batch_name, batch_done };
	cli_jobs_run(&jobs, a->n_maps, (size_t)a->jobs, statuses);
	summarize(a, statuses);
	for (size_t i = 0; i < a->n_maps; i++)
		if (statuses[i] > status)
			status = statuses[i];
	if (a->stats_path && write_stats(a->stats_path, NULL, NULL, bt.stats, a->n_maps) != POSTURE_OK &&
	    status == EXIT_OK)
		status = EXIT_IO;
out:
	for (size_t i = 0; bt.stats && i < a->n_maps; i++)
		if (bt.stats[i])
			fclose(bt.stats[i]);
	free(bt.stats);
	free(statuses);
	posture_inputs_destroy(bt.inputs);
	return status;
}

static int run_render(posture_ctx *ctx, int argc, char **argv)
{
	render_args a = { .output_dir = "output", .opts = POSTURE_RENDER_OPTS_INIT };
	a.maps = calloc((size_t)argc, sizeof(*a.maps));
	if (!a.maps) {
		fprintf(stderr, "posture: out of memory\n");
		return EXIT_IO;
	}
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	a.jobs = cores > 0 ? (cores < MAX_JOBS ? cores : MAX_JOBS) : 1;
	int status = parse_args(&a, argc, argv);
	if (status == EXIT_OK)
		status = a.n_maps == 1 ? render_one(ctx, &a, a.maps[0], NULL, NULL) : render_batch(&a);
	else if (status < 0)
		status = EXIT_OK; /* --help */
	free(a.maps);
	return status;
}

const cli_command cli_render = {
	"render", "draw a map to PNG, PDF, SVG, HTML or map data", usage, run_render
};
