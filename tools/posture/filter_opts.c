/*
 * filter_opts.c — parsing the shared filter options (filter_opts.h).  The
 * values are checked by the library (posture_filter_set), so an option and
 * the same key in a map's [filter] section are held to the same rules.
 */
#include <stdio.h>
#include <string.h>

#include "filter_opts.h"

static const char *const keys[] = { "from", "to", "undated", "only", "hide", "kinds",
	                            "countries" };

int cli_filter_parse(cli_filters *f, const char *cmd, int argc, char **argv, int *i)
{
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		char name[16];
		snprintf(name, sizeof(name), "--%s", keys[k]);
		const char *v = cli_option_value(argc, argv, i, name);
		if (v)
			return cli_filter_add(f, cmd, keys[k], v);
	}
	return 1;
}

int cli_filter_add(cli_filters *f, const char *cmd, const char *key, const char *value)
{
	if (!*value)
		return cli_usage_error(cmd, "--%s needs a value", key);
	if (f->n == CLI_MAX_FILTERS)
		return cli_usage_error(cmd, "too many filter options (at most %d)", CLI_MAX_FILTERS);
	f->opts[f->n++] = (cli_filter_opt){ key, value, NULL };
	return EXIT_OK;
}

int cli_filter_apply(const cli_filters *f, posture_ctx *ctx, posture_filter *filter)
{
	int rc = POSTURE_OK;
	for (size_t i = 0; i < f->n && rc == POSTURE_OK; i++) {
		char option[32];
		snprintf(option, sizeof(option), "%s", f->opts[i].option ? f->opts[i].option : "");
		if (!f->opts[i].option)
			snprintf(option, sizeof(option), "--%s", f->opts[i].key);
		rc = posture_filter_set(filter, ctx, option, f->opts[i].key, f->opts[i].value);
	}
	return rc;
}

void cli_filter_suffix(char *out, size_t n, const cli_filters *f)
{
	size_t len = strlen(out);
	for (size_t i = 0; i < f->n && len + 1 < n; i++) {
		snprintf(out + len, n - len, "-%s-%s", f->opts[i].key, f->opts[i].value);
		for (char *p = out + len + 1; *p; p++)
			if (*p == ',' || *p == '/' || *p == ' ')
				*p = '+';
		len = strlen(out);
	}
}
