#!/bin/sh
# install/pkgconfig: `cmake --install` into a temporary prefix puts every
# piece where issue 16 says, the man pages render without a warning, and a
# ten-line C program built with `pkg-config --cflags --libs posture` renders
# the default map to PNG through the public API — also from a map that names
# no shapes folder and a theme that exists only under the prefix, so the
# installed library finds its data there.
set -eu
. "$POSTURE_SOURCE_DIR/tests/cli/lib.sh"
cd "$TMP"
P=$TMP/prefix
cmake --install "$POSTURE_BINARY_DIR" --prefix "$P" >install.log ||
	{ cat install.log >&2; fail "cmake --install failed"; }

for f in bin/posture include/posture/posture.h include/posture/core.h \
	include/posture/map.h include/posture/data.h lib/pkgconfig/posture.pc \
	share/posture/shapes/countries.shp share/posture/shapes/SOURCES.md \
	share/posture/themes/article.ini share/posture/themes/print.ini \
	share/posture/themes/dark.ini; do
	[ -f "$P/$f" ] || fail "not installed: $f"
done

# A versioned shared library whose SONAME carries the major version.
version=$("$P/bin/posture" --version | sed 's/^posture //')
major=${version%%.*}
[ -f "$P/lib/libposture.so.$version" ] || fail "no $P/lib/libposture.so.$version"
soname=$(readelf -d "$P/lib/libposture.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libposture.so.$major" ] || fail "SONAME is '$soname', want libposture.so.$major"
[ -L "$P/lib/libposture.so.$major" ] && [ -L "$P/lib/libposture.so" ] ||
	fail "libposture.so and libposture.so.$major are not links"

# pkg-config: the file names its dependencies, and resolves without help.
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
pkg-config --exists --print-errors posture || fail "pkg-config does not find posture"
[ "$(pkg-config --modversion posture)" = "$version" ] || fail "posture.pc has another version"
requires=$(pkg-config --print-requires-private posture)
for dep in shapelib proj cairo pangocairo fontconfig jansson inih libpng; do
	echo "$requires" | grep -qx "$dep" || fail "Requires.private lacks $dep"
done
pkg-config --static --libs posture >/dev/null || fail "pkg-config --static cannot resolve"

# The program: the public API as documented, with NULL options.
cat > render.c <<'PROG'
#include <posture/posture.h>
#include <stdio.h>
int main(int argc, char **argv) {
	posture_ctx *ctx; posture_map *map = NULL; posture_scene *scene = NULL; char line[2048];
	if (argc != 3 || posture_ctx_create(&ctx) != POSTURE_OK) return 3;
	int rc = posture_map_load(&map, ctx, argv[1]);
	if (rc == POSTURE_OK) rc = posture_scene_build(&scene, ctx, map);
	if (rc == POSTURE_OK) rc = posture_scene_write(ctx, scene, argv[2], POSTURE_FORMAT_PNG, NULL);
	for (size_t i = 0; i < posture_ctx_diag_count(ctx); i++) { posture_diag_format(line, sizeof line, posture_ctx_diag(ctx, i)); fprintf(stderr, "%s\n", line); }
	posture_scene_destroy(scene); posture_map_destroy(map); posture_ctx_destroy(ctx); posture_shutdown();
	return rc == POSTURE_OK ? 0 : 1;
}
PROG
# shellcheck disable=SC2046
${CC:-cc} -std=c99 -Wall -Wextra -Werror -o render render.c $(pkg-config --cflags --libs posture) \
	-Wl,-rpath,"$P/lib" || fail "the program does not build with pkg-config's flags"
ldd ./render | grep -q "$P/lib/libposture.so.$major" || { ldd ./render >&2; fail "not linked to the installed library"; }

# png_size FILE: "WIDTHxHEIGHT" of a PNG, from its IHDR chunk.
png_size() {
	python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); assert d[:8]==b"\x89PNG\r\n\x1a\n", "not a PNG"; print("%dx%d" % struct.unpack(">II", d[16:24]))' "$1"
}
run 0 ./render "$SRC/maps/central-asia.ini" default.png
[ "$(png_size default.png)" = "2000x1400" ] || fail "default.png is $(png_size default.png)"

# A map naming no shapes, and a theme only the prefix has: both found under it.
printf '[theme]\nname = probe\ninherit = article\n' > "$P/share/posture/themes/probe.ini"
sed -e '/^shapes /d' -e 's/^theme .*/theme = probe/' -e 's/^size .*/size = 600x400/' \
	-e "s|^layers .*|layers = $SRC/layers|" -e "s|^sources .*|sources = $SRC/layers/sources.json|" \
	"$SRC/maps/central-asia.ini" > noshapes.ini
run 0 ./render noshapes.ini noshapes.png
[ "$(png_size noshapes.png)" = "600x400" ] || fail "noshapes.png is $(png_size noshapes.png)"
run 0 "$P/bin/posture" render noshapes.ini -o cli.png
mv "$P/share/posture/shapes/lakes.shp" lakes.shp
run 1 ./render noshapes.ini gone.png
expect_err "$P/share/posture/shapes/lakes.shp: error: cannot open file"
mv lakes.shp "$P/share/posture/shapes/lakes.shp"

# Man pages: one per command and file format, each rendering without a warning.
for page in man1/posture.1 man1/posture-render.1 man1/posture-check.1 man1/posture-list.1 \
	man5/posture-map.5 man5/posture-layers.5; do
	[ -f "$P/share/man/$page" ] || fail "not installed: share/man/$page (is scdoc installed?)"
done
for page in "$P"/share/man/man*/*; do
	MANWIDTH=80 man --warnings -l "$page" >/dev/null 2>warnings.txt || fail "man -l $page failed"
	[ ! -s warnings.txt ] || { cat warnings.txt >&2; fail "man warns about $page"; }
done
MANPATH="$P/share/man" MANWIDTH=80 man posture-render 2>&1 | grep -q 'posture-render - draw a map' ||
	fail "man posture-render does not show the page"
pass
