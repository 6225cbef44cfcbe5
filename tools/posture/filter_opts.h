/*
 * filter_opts.h — the filter options render, list, export and diff share
 * (--from, --to, --undated, --only, --hide, --kinds, --countries), each the
 * command-line twin of a key of a map's [filter] section.
 */
#ifndef POSTURE_CLI_FILTER_OPTS_H
#define POSTURE_CLI_FILTER_OPTS_H

#include <stddef.h>

#include "cmd.h"

#define CLI_FILTER_HELP \
	"      --from DATE       keep dated items whose date or interval reaches DATE\n" \
	"                        (YYYY, YYYY-MM or YYYY-MM-DD) or later\n" \
	"      --to DATE         ... that start by DATE (default: the map's date)\n" \
	"      --undated yes|no  keep items without a date (default: yes)\n" \
	"      --only LAYER,...  keep only these layers (bases, borders, incidents,\n" \
	"                        places, or a layer file's name)\n" \
	"      --hide LAYER,...  leave these layers out\n" \
	"      --kinds KIND,...  keep only items of these kinds (places stay, unless\n" \
	"                        a place kind is named)\n" \
	"      --countries ISO,... keep only items in these countries (ISO alpha-3)\n"

#define CLI_MAX_FILTERS 16

typedef struct {
	const char *key;    /* filter key: "from" */
	const char *value;
	const char *option; /* as typed, for messages; NULL: "--" and the key */
} cli_filter_opt;

typedef struct {
	cli_filter_opt opts[CLI_MAX_FILTERS];
	size_t n;
} cli_filters;

/**
 * Take the filter option at argv[*i] into @p f (advancing *i past its value).
 * @return 1 when argv[*i] is not a filter option, else EXIT_OK or EXIT_USAGE
 */
int cli_filter_parse(cli_filters *f, const char *cmd, int argc, char **argv, int *i);

/**
 * Add the filter option --KEY VALUE, for a command that has read the option
 * itself (export tells its --to DATE from --to pg:TABLE).  @p key must be a
 * string that outlives @p f.  EXIT_OK or EXIT_USAGE.
 */
int cli_filter_add(cli_filters *f, const char *cmd, const char *key, const char *value);

/** Set every option of @p f in @p filter, in order; a POSTURE_* code. */
int cli_filter_apply(const cli_filters *f, posture_ctx *ctx, posture_filter *filter);

/** "-from-2015-03-hide-places" for the default output names ("" without filters). */
void cli_filter_suffix(char *out, size_t n, const cli_filters *f);

#endif
