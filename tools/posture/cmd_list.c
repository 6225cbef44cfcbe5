/*
 * cmd_list.c — `posture list [DIR]`: every item with its citations.
 */
#include <string.h>

#include "cmd.h"
#include "filter_opts.h"

static const char usage[] =
	"usage: posture list [options] [DIR]\n"
	"\n"
	"Print every item of the layers in DIR (default: layers) with its name, kind,\n"
	"date, position, precision, country and citations resolved to text (CSV and\n"
	"JSON add its note).  The data is validated\n"
	"first, as by 'posture check'.\n"
	"\n"
	"options:\n"
	"  -f, --format FORMAT   text (an aligned table, the default), csv or json\n"
	CLI_FILTER_HELP
	"  -l, --layer LAYER     same as --only LAYER\n"
	"      --allow-path DIR  let layer and sources files that are symbolic links lead\n"
	"                        into DIR (repeatable; as for 'posture check')\n"
	"  -h, --help            show this help\n"
	"\n"
	"exit status: 0 success, 1 invalid data, 2 usage, 3 I/O or system error.\n";

static int parse_format(posture_list_format *out, const char *v)
{
	static const char *const names[] = { "text", "csv", "json" };
	for (int i = 0; i < 3; i++) {
		if (!strcmp(v, names[i])) {
			*out = (posture_list_format)i;
			return EXIT_OK;
		}
	}
	return cli_usage_error("list", "--format wants text, csv or json, not '%s'", v);
}

static int run_list(posture_ctx *ctx, int argc, char **argv)
{
	const char *dir = NULL;
	cli_filters filters = { .n = 0 };
	posture_list_format format = POSTURE_LIST_TEXT;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		int rc = EXIT_OK, filter = 1;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage, stdout);
			return EXIT_OK;
		} else if ((v = cli_option_value(argc, argv, &i, "-l")) ||
		           (v = cli_option_value(argc, argv, &i, "--layer"))) {
			if (!*v)
				return cli_usage_error("list", "--layer needs a layer name");
			if (filters.n == CLI_MAX_FILTERS)
				return cli_usage_error("list", "too many filter options");
			filters.opts[filters.n++] = (cli_filter_opt){ "only", v, "--layer" };
		} else if ((filter = cli_filter_parse(&filters, "list", argc, argv, &i)) != 1) {
			rc = filter;
		} else if ((v = cli_option_value(argc, argv, &i, "-f")) ||
		           (v = cli_option_value(argc, argv, &i, "--format"))) {
			rc = parse_format(&format, v);
		} else if ((v = cli_option_value(argc, argv, &i, "--allow-path"))) {
			rc = cli_allow_path(ctx, "list", v);
		} else if (arg[0] == '-' && arg[1]) {
			return cli_unknown_option("list", arg, usage);
		} else if (dir) {
			return cli_usage_error("list", "one directory at a time ('%s' and '%s')", dir, arg);
		} else {
			dir = arg;
		}
		if (rc != EXIT_OK)
			return rc;
	}
	posture_data *data = NULL, *kept = NULL;
	posture_filter *filter = NULL;
	int rc = posture_filter_create(&filter);
	if (rc == POSTURE_OK)
		rc = cli_filter_apply(&filters, ctx, filter);
	if (rc == POSTURE_OK)
		rc = posture_data_load_dir(&data, ctx, dir ? dir : "layers", NULL);
	if (rc == POSTURE_OK)
		rc = posture_data_filter(&kept, ctx, data, filter);
	if (rc == POSTURE_OK)
		rc = posture_data_list(ctx, kept, stdout, NULL, format);
	cli_print_diags(ctx);
	posture_data_destroy(kept);
	posture_data_destroy(data);
	posture_filter_destroy(filter);
	return cli_exit_status(rc);
}

const cli_command cli_list = {
	"list", "print every item with its citations (table, CSV or JSON)", usage, run_list
};
