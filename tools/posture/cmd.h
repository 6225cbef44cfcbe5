/*
 * cmd.h — the posture CLI's command table and what commands share.
 *
 * Each command lives in its own cmd_<name>.c and exposes one entry point and
 * one help text; cmd.c holds the table, global options and dispatch.
 */
#ifndef POSTURE_CLI_CMD_H
#define POSTURE_CLI_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "posture/posture.h"

/* Exit statuses (README "Exit status"). */
enum {
	EXIT_OK = 0,    /* success */
	EXIT_DATA = 1,  /* invalid input data */
	EXIT_USAGE = 2, /* bad command line */
	EXIT_IO = 3     /* I/O or system error */
};

typedef struct {
	const char *name;    /* as typed after `posture` */
	const char *summary; /* one line for `posture --help` */
	const char *usage;   /* full help for `posture help NAME` */
	int (*run)(posture_ctx *ctx, int argc, char **argv);
} cli_command;

extern const cli_command cli_render;
extern const cli_command cli_check;
extern const cli_command cli_list;
extern const cli_command cli_diff;
extern const cli_command cli_export;
extern const cli_command cli_watch;
extern const cli_command cli_serve;

/** Print every diagnostic of @p ctx to stderr, GNU-style. */
void cli_print_diags(const posture_ctx *ctx);

/** Exit status for a library return code. */
int cli_exit_status(int rc);

/** Report a usage error for @p cmd and return EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...);

/**
 * The value of option @p name at argv[*i] ("--name VALUE" or "--name=VALUE"),
 * advancing *i past it; NULL when argv[*i] is not that option.  A missing
 * value comes back as "".
 */
const char *cli_option_value(int argc, char **argv, int *i, const char *name);

/**
 * --allow-path DIR of @p cmd: let layer, theme and sources links lead into
 * DIR.  Returns EXIT_OK, or reports a usage error and returns EXIT_USAGE.
 */
int cli_allow_path(posture_ctx *ctx, const char *cmd, const char *dir);

/** Report an unknown option, suggesting the nearest one in @p usage. */
int cli_unknown_option(const char *cmd, const char *arg, const char *usage);

#endif
