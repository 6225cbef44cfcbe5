/*
 * main.c — posture-topo2shp, the helper that builds shapes/ (see
 * tools/make-shapes and shapes/SOURCES.md).
 *
 * Three commands turn third-party data into the committed shapefiles:
 * `countries` decodes Natural Earth TopoJSON (world-atlas) with libposture's
 * TopoJSON reader, maps ISO numeric ids to alpha-3 codes, dissolves or keeps
 * the features without an id, and can extract the land borders from the
 * arcs neighbouring countries share; `lines` turns GMT river segments into
 * polylines with their GSHHG level; `lakes` turns closed GMT contours of a
 * lake mask into polygons with holes.  Diagnostics are printed GNU-style.
 */
#include <stdio.h>
#include <string.h>

#include "topo2shp.h"

static const char usage[] =
	"usage: posture-topo2shp <command> [options] INPUT OUTPUT\n"
	"\n"
	"OUTPUT is a path without extension; .shp .shx .dbf .prj .cpg are written.\n"
	"\n"
	"commands:\n"
	"  countries --iso TSV --no-id TSV [--object NAME] [--bbox W,S,E,N]\n"
	"            [--borders OUTPUT2] TOPOJSON OUTPUT\n"
	"      countries (name, iso_a3, disputed) of a TopoJSON object; with\n"
	"      --borders also the land borders (iso_a3_a, iso_a3_b, disputed)\n"
	"  lines GMT OUTPUT\n"
	"      GMT multi-segment lines with 'Level N' headers (gmt coast -I -M);\n"
	"      pieces cut at bin edges are joined; field level\n"
	"  lakes [--min-area KM2] [--names TSV] GMT OUTPUT\n"
	"      closed GMT contours (gmt grdcontour -D) as polygons with holes;\n"
	"      fields name, area_km2\n"
	"\n"
	"exit status: 0 success, 1 invalid data, 2 usage, 3 I/O or system error.\n";

static void print_diags(const posture_ctx *ctx)
{
	for (size_t i = 0; i < posture_ctx_diag_count(ctx); i++) {
		char line[1024];
		posture_diag_format(line, sizeof(line), posture_ctx_diag(ctx, i));
		fprintf(stderr, "posture-topo2shp: %s\n", line);
	}
}

static int exit_status(int rc)
{
	switch (rc) {
	case POSTURE_OK: return 0;
	case POSTURE_EUSAGE: return T2S_EXIT_USAGE;
	case POSTURE_EDATA: return T2S_EXIT_DATA;
	default: return T2S_EXIT_IO;
	}
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? T2S_EXIT_USAGE : 0;
	}
	posture_ctx *ctx = NULL;
	if (posture_ctx_create(&ctx) != POSTURE_OK) {
		fputs("posture-topo2shp: out of memory\n", stderr);
		return T2S_EXIT_IO;
	}
	int rc;
	if (strcmp(argv[1], "countries") == 0)
		rc = t2s_countries(ctx, argc - 1, argv + 1);
	else if (strcmp(argv[1], "lines") == 0)
		rc = t2s_lines(ctx, argc - 1, argv + 1);
	else if (strcmp(argv[1], "lakes") == 0)
		rc = t2s_lakes(ctx, argc - 1, argv + 1);
	else
		rc = pst_error(ctx, POSTURE_EUSAGE, NULL, "unknown command '%s' (try --help)",
		               argv[1]);
	print_diags(ctx);
	posture_ctx_destroy(ctx);
	return exit_status(rc);
}
