/*
 * main.c — entry point of the posture CLI: global options, the command table
 * and dispatch, and the helpers every command shares (diagnostics, exit
 * statuses, option values, "did you mean").  Commands never call exit();
 * they return a status, so every run ends here and releases the font map.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const cli_command *const commands[] = { &cli_render, &cli_check, &cli_list,
                                                   &cli_diff, &cli_export, &cli_watch,
                                                   &cli_serve };
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char global_help[] =
	"usage: posture [--version] [--help] <command> [<args>]\n"
	"\n"
	"Turn source-cited layers into maps (PNG, PDF, SVG, map data).\n"
	"\n"
	"commands:\n";

static const char exit_help[] =
	"\n"
	"exit status: 0 success, 1 invalid data, 2 usage, 3 I/O or system error\n"
	"(diff: 0 equal, 1 different, 2 usage, 3 I/O, 4 invalid data).\n"
	"'posture help <command>' shows a command's options.\n";

static void print_help(FILE *out)
{
	fputs(global_help, out);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fputs(exit_help, out);
}

static const cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static const char *nearest_command(const char *name)
{
	const char *names[N_COMMANDS];
	for (size_t i = 0; i < N_COMMANDS; i++)
		names[i] = commands[i]->name;
	return posture_nearest_word(name, names, N_COMMANDS);
}

void cli_print_diags(const posture_ctx *ctx)
{
	char line[2048];
	for (size_t i = 0; i < posture_ctx_diag_count(ctx); i++) {
		posture_diag_format(line, sizeof(line), posture_ctx_diag(ctx, i));
		fprintf(stderr, "%s\n", line);
	}
}

int cli_exit_status(int rc)
{
	switch (rc) {
	case POSTURE_OK: return EXIT_OK;
	case POSTURE_EDATA: return EXIT_DATA;
	case POSTURE_EPROJ: return EXIT_DATA;
	case POSTURE_EUSAGE: return EXIT_USAGE;
	default: return EXIT_IO;
	}
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "posture %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'posture help %s'.\n", cmd);
	return EXIT_USAGE;
}

const char *cli_option_value(int argc, char **argv, int *i, const char *name)
{
	const char *arg = argv[*i];
	size_t n = strlen(name);
	if (strncmp(arg, name, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	if (strcmp(arg, name) != 0)
		return NULL;
	if (*i + 1 >= argc)
		return "";
	return argv[++*i];
}

int cli_allow_path(posture_ctx *ctx, const char *cmd, const char *dir)
{
	if (!*dir)
		return cli_usage_error(cmd, "--allow-path needs a folder");
	int rc = posture_ctx_allow_path(ctx, dir);
	if (rc == POSTURE_OK)
		return EXIT_OK;
	posture_ctx_clear_diags(ctx);
	if (rc == POSTURE_ENOMEM) {
		fprintf(stderr, "posture %s: out of memory\n", cmd);
		return EXIT_IO;
	}
	return cli_usage_error(cmd, "--allow-path '%s' is not an existing folder", dir);
}

int cli_unknown_option(const char *cmd, const char *arg, const char *usage)
{
	/* The options a command knows are the words starting with '-' in its help. */
	const char *words[64];
	char store[64][32];
	size_t n = 0;
	for (const char *p = usage; (p = strstr(p, " -")) && n < 64; p++) {
		size_t len = strcspn(p + 1, " ,=\n");
		if (len >= sizeof(store[0]))
			continue;
		memcpy(store[n], p + 1, len);
		store[n][len] = '\0';
		words[n] = store[n];
		n++;
	}
	char name[64];
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg, "="), arg);
	const char *near = posture_nearest_word(name, words, n);
	if (near)
		return cli_usage_error(cmd, "unknown option '%s'; did you mean '%s'?", arg, near);
	return cli_usage_error(cmd, "unknown option '%s'", arg);
}

static int run_help(int argc, char **argv)
{
	if (argc < 1) {
		print_help(stdout);
		return EXIT_OK;
	}
	const cli_command *cmd = find_command(argv[0]);
	if (!cmd) {
		const char *near = nearest_command(argv[0]);
		fprintf(stderr, "posture: no command '%s'%s%s%s\nTry 'posture --help'.\n", argv[0],
		        near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
		return EXIT_USAGE;
	}
	fputs(cmd->usage, stdout);
	return EXIT_OK;
}

static int dispatch(int argc, char **argv)
{
	if (argc < 2) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	const char *arg = argv[1];
	if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
		print_help(stdout);
		return EXIT_OK;
	}
	if (!strcmp(arg, "--version")) {
		printf("posture %s\n", posture_version());
		return EXIT_OK;
	}
	if (!strcmp(arg, "help"))
		return run_help(argc - 2, argv + 2);
	if (arg[0] == '-') {
		fprintf(stderr, "posture: unknown option '%s'\nTry 'posture --help'.\n", arg);
		return EXIT_USAGE;
	}
	const cli_command *cmd = find_command(arg);
	if (!cmd) {
		const char *near = nearest_command(arg);
		fprintf(stderr, "posture: '%s' is not a posture command%s%s%s\nTry 'posture --help'.\n",
		        arg, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
		return EXIT_USAGE;
	}
	posture_ctx *ctx = NULL;
	if (posture_ctx_create(&ctx) != POSTURE_OK) {
		fprintf(stderr, "posture: out of memory\n");
		return EXIT_IO;
	}
	int status = cmd->run(ctx, argc - 1, argv + 1);
	posture_ctx_destroy(ctx);
	return status;
}

int main(int argc, char **argv)
{
	int status = dispatch(argc, argv);
	posture_shutdown();
	return status;
}
