/*
 * cmd_export.c — `posture export [DIR] -o FILE`: the validated layers of DIR
 * in another format, chosen by FILE's extension through the table below
 * (one row per format; the data is loaded, checked and filtered once for all
 * of them).
 */
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd.h"
#include "filter_opts.h"

static const char usage[] =
	"usage: posture export [options] [DIR] -o FILE...\n"
	"       posture export [options] [DIR] --to pg:[TABLE]\n"
	"\n"
	"Validate the layers and sources.json in DIR (default: layers), as 'posture\n"
	"check' does, and write the items the filters keep to each FILE in the format\n"
	"its extension names, every citation resolved to its source's title, author,\n"
	"date, outlet and URL or DOI:\n"
	"  .geojson  one RFC 7946 FeatureCollection (an export of one layer is itself\n"
	"            a layer file 'posture check' accepts)\n"
	"  .csv      one row per item: id, layer, name, kind, date, precision,\n"
	"            country, lon, lat, note, citations, source_ids\n"
	"  .shp      ESRI shapefiles NAME-points (and NAME-lines when an item has\n"
	"            its own lines): .shp .shx .dbf .prj .cpg\n"
	"  .gpkg     one GeoPackage: a table per layer, the citations in the table\n"
	"            posture_citations (layers/README.md, \"GeoPackage\"); posture reads\n"
	"            it back as layers\n"
	"--to pg:TABLE loads the layers into PostgreSQL/PostGIS, in one transaction:\n"
	"every layer of the type TABLE's name starts with (pg:incidents_2024 takes the\n"
	"incidents layers) goes into TABLE; --to pg: makes a table per layer, named as\n"
	"the layer.  The citations go to the table posture_citations.  The server is\n"
	"libpq's default: PGSERVICE or PGHOST, PGPORT, PGDATABASE, PGUSER, and the\n"
	"password from ~/.pgpass, PGPASSFILE or PGPASSWORD.\n"
	"Nothing is written when the data has errors; each file is written whole or\n"
	"not at all, and a load into PostGIS commits whole or not at all.\n"
	"\n"
	"options:\n"
	"  -o, --output FILE     write FILE (repeatable)\n"
	"      --to pg:[TABLE]   load the layers into PostGIS (see above); a --to\n"
	"                        value that does not start with pg: is --to DATE\n"
	"      --replace         with --to: drop and recreate a table that exists\n"
	"                        (in the same transaction)\n"
	"      --shapes DIR      base geography to check positions against\n"
	"                        (default: DIR/../shapes)\n"
	CLI_FILTER_HELP
	"      --allow-path DIR  let layer and sources files that are symbolic links lead\n"
	"                        into DIR (repeatable; as for 'posture check')\n"
	"  -h, --help            show this help\n"
	"\n"
	"exit status: 0 success, 1 invalid data, 2 usage, 3 I/O or system error.\n";

/* Export formats by file extension. */
static const struct {
	const char *ext;
	int (*write)(posture_ctx *ctx, const posture_data *data, const char *path);
} formats[] = {
	{ ".geojson", posture_data_export_geojson },
	{ ".csv", posture_data_export_csv },
	{ ".shp", posture_data_export_shapefile },
	{ ".gpkg", posture_data_export_gpkg },
};

/* `-o NAME.shp` writes NAME-points.* and, with lines, NAME-lines.*: name the
 * sets this export wrote (a lines set from before @p start is an earlier
 * one's; a second of slack, as file times are coarser than the clock). */
static void say_shapefiles(const char *path, const struct timespec *start)
{
	const char *kinds[] = { "points", "lines" };
	for (size_t i = 0; i < 2; i++) {
		char name[4200];
		snprintf(name, sizeof(name), "%.*s-%s.shp", (int)(strlen(path) - 4), path, kinds[i]);
		struct stat st;
		if (stat(name, &st) == 0 && st.st_mtim.tv_sec >= start->tv_sec - 1)
			fprintf(stderr, "wrote %s\n", name);
	}
}

#define MAX_OUTPUTS 16

static int format_of(const char *path)
{
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		size_t m = strlen(formats[i].ext);
		if (n > m && !strcmp(path + n - m, formats[i].ext))
			return (int)i;
	}
	return -1;
}

static int run_export(posture_ctx *ctx, int argc, char **argv)
{
	const char *dir = NULL, *outputs[MAX_OUTPUTS], *to = NULL;
	bool replace = false;
	int n_out = 0, fmt[MAX_OUTPUTS];
	cli_filters filters = { .n = 0 };
	posture_check_opts opts = POSTURE_CHECK_OPTS_INIT;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		int filter;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage, stdout);
			return EXIT_OK;
		} else if ((v = cli_option_value(argc, argv, &i, "-o")) ||
		           (v = cli_option_value(argc, argv, &i, "--output"))) {
			if (!*v)
				return cli_usage_error("export", "-o needs a file name");
			if (n_out == MAX_OUTPUTS)
				return cli_usage_error("export", "at most %d outputs", MAX_OUTPUTS);
			if ((fmt[n_out] = format_of(v)) < 0)
				return cli_usage_error("export", "cannot tell the format of '%s' from its "
				                       "extension (use .geojson, .csv, .shp or .gpkg)", v);
			outputs[n_out++] = v;
		} else if ((v = cli_option_value(argc, argv, &i, "--to"))) {
			/* Two options share the name: a value that starts with pg: is the
			 * PostGIS target, any other the date filter's end. */
			if (!strncmp(v, "pg:", 3)) {
				if (to)
					return cli_usage_error("export", "one PostGIS target at a time ('%s' "
					                       "and '%s')", to, v);
				to = v;
			} else if ((filter = cli_filter_add(&filters, "export", "to", v)) != EXIT_OK) {
				return filter;
			}
		} else if (!strcmp(arg, "--replace")) {
			replace = true;
		} else if ((v = cli_option_value(argc, argv, &i, "--allow-path"))) {
			int status = cli_allow_path(ctx, "export", v);
			if (status != EXIT_OK)
				return status;
		} else if ((v = cli_option_value(argc, argv, &i, "--shapes"))) {
			if (!*v)
				return cli_usage_error("export", "--shapes needs a directory");
			opts.shapes_dir = v;
		} else if ((filter = cli_filter_parse(&filters, "export", argc, argv, &i)) != 1) {
			if (filter != EXIT_OK)
				return filter;
		} else if (arg[0] == '-' && arg[1]) {
			return cli_unknown_option("export", arg, usage);
		} else if (dir) {
			return cli_usage_error("export", "one directory at a time ('%s' and '%s')", dir,
			                       arg);
		} else {
			dir = arg;
		}
	}
	if (!n_out && !to)
		return cli_usage_error("export", "name the output with -o FILE (like -o layers.geojson) "
		                       "or --to pg:TABLE");
	if (replace && !to)
		return cli_usage_error("export", "--replace goes with --to pg:TABLE");
	posture_data *data = NULL, *kept = NULL;
	posture_filter *filter = NULL;
	int rc = posture_filter_create(&filter);
	if (rc == POSTURE_OK)
		rc = cli_filter_apply(&filters, ctx, filter);
	if (rc == POSTURE_OK)
		rc = posture_data_load_dir(&data, ctx, dir ? dir : "layers", &opts);
	if (rc == POSTURE_OK)
		rc = posture_data_filter(&kept, ctx, data, filter);
	for (int k = 0; rc == POSTURE_OK && k < n_out; k++) {
		struct timespec start;
		clock_gettime(CLOCK_REALTIME, &start);
		rc = formats[fmt[k]].write(ctx, kept, outputs[k]);
		if (rc == POSTURE_OK && !strcmp(formats[fmt[k]].ext, ".shp"))
			say_shapefiles(outputs[k], &start);
		else if (rc == POSTURE_OK)
			fprintf(stderr, "wrote %s\n", outputs[k]);
	}
	if (rc == POSTURE_OK && to) {
		rc = posture_data_export_pg(ctx, kept, to, replace);
		if (rc == POSTURE_OK)
			fprintf(stderr, "loaded %s\n", to);
	}
	cli_print_diags(ctx);
	posture_data_destroy(kept);
	posture_data_destroy(data);
	posture_filter_destroy(filter);
	return cli_exit_status(rc);
}

const cli_command cli_export = {
	"export", "write the validated layers to GeoJSON, CSV, shapefiles, GeoPackage or PostGIS",
	usage, run_export
};
