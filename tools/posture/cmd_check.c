/*
 * cmd_check.c — `posture check [DIR]`: validate every layer and the sources.
 */
#include <string.h>

#include "cmd.h"

static const char usage[] =
	"usage: posture check [options] [DIR]\n"
	"\n"
	"Validate every layer (*.geojson, *.gpkg) and sources.json in DIR (default: layers),\n"
	"with the base geography in DIR/../shapes.  Problems are printed as\n"
	"FILE:LINE:COLUMN: error: MESSAGE.\n"
	"\n"
	"options:\n"
	"      --documents DIR  also check every quote against its source's document\n"
	"                       DIR/<source id>.txt, and its locator where it can be\n"
	"                       counted (para. N; p. N where the text has form feeds)\n"
	"      --shapes DIR     base geography to check positions against\n"
	"      --werror         treat warnings as errors\n"
	"      --allow-path DIR\n"
	"                       let layer and sources files that are symbolic links\n"
	"                       lead into DIR (repeatable; by default a link must stay\n"
	"                       in DIR or its parent)\n"
	"  -h, --help           show this help\n"
	"\n"
	"exit status: 0 no errors, 1 invalid data, 2 usage, 3 I/O or system error.\n";

static int run_check(posture_ctx *ctx, int argc, char **argv)
{
	const char *dir = NULL;
	bool werror = false;
	posture_check_opts opts = POSTURE_CHECK_OPTS_INIT;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage, stdout);
			return EXIT_OK;
		} else if (!strcmp(arg, "--werror")) {
			werror = true;
		} else if ((v = cli_option_value(argc, argv, &i, "--documents"))) {
			if (!*v)
				return cli_usage_error("check", "--documents needs a directory");
			opts.documents_dir = v;
		} else if ((v = cli_option_value(argc, argv, &i, "--allow-path"))) {
			int status = cli_allow_path(ctx, "check", v);
			if (status != EXIT_OK)
				return status;
		} else if ((v = cli_option_value(argc, argv, &i, "--shapes"))) {
			if (!*v)
				return cli_usage_error("check", "--shapes needs a directory");
			opts.shapes_dir = v;
		} else if (arg[0] == '-' && arg[1]) {
			return cli_unknown_option("check", arg, usage);
		} else if (dir) {
			return cli_usage_error("check", "one directory at a time ('%s' and '%s')", dir, arg);
		} else {
			dir = arg;
		}
	}
	if (!dir)
		dir = "layers";
	posture_data *data = NULL;
	int rc = posture_data_load_dir(&data, ctx, dir, &opts);
	cli_print_diags(ctx);
	size_t warnings = posture_ctx_diag_count(ctx) - posture_ctx_error_count(ctx);
	if (rc == POSTURE_OK)
		fprintf(stderr, "%s: no errors%s\n", dir,
		        warnings ? werror ? " but warnings (--werror)" : ", some warnings" : "");
	posture_data_destroy(data);
	if (rc == POSTURE_OK && werror && warnings)
		return EXIT_DATA;
	return cli_exit_status(rc);
}

const cli_command cli_check = {
	"check", "validate the layers and sources (FILE:LINE:COLUMN errors)", usage, run_check
};
