#!/bin/sh
# What a user sees when something is wrong: a clear message naming the file
# (with line:column for text files), the documented exit status, and no
# damage to earlier outputs.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$TMP"

run 0 "$POSTURE" --version
grep -q '^posture [0-9]' out || fail "--version prints no version"
run 0 "$POSTURE" --help
grep -q 'render' out || fail "--help does not list render"
grep -q 'exit status' out || fail "--help does not document exit status"
run 0 "$POSTURE" help render
grep -q -- '--scale' out || fail "help render does not document --scale"

# Usage errors: exit 2.
run 2 "$POSTURE"
run 2 "$POSTURE" frobnicate
expect_err "'frobnicate' is not a posture command"
run 2 "$POSTURE" render
expect_err "which map?"
run 2 "$POSTURE" render "$SRC/maps/central-asia.ini" -o map.gif
expect_err "cannot tell the format of 'map.gif'"
run 2 "$POSTURE" render "$SRC/maps/central-asia.ini" --scale 0
run 2 "$POSTURE" render "$SRC/maps/central-asia.ini" --bogus
expect_err "unknown option '--bogus'"
run 2 "$POSTURE" render "$SRC/maps/central-asia.ini" --set sise=10x10 -o x.png
expect_err "unknown map key 'sise'; did you mean 'size'?"
# A mistake in a --set theme key or --theme is a usage error too, as a map key is.
run 2 "$POSTURE" render "$SRC/maps/central-asia.ini" --set theme.text.lable-size=10 -o x.png
expect_err "--set: error: unknown theme property 'text.lable-size'; did you mean 'text.label-size'?"
run 2 "$POSTURE" render "$SRC/maps/central-asia.ini" --theme nosuch -o x.png
expect_err "--theme: error: theme 'nosuch' not found"
run 2 "$POSTURE" render "$SRC/maps/central-asia.ini" --layout handot -o x.png
expect_err "--layout: error: layout 'handot' is not known; did you mean 'handout'?"

# I/O errors: exit 3.
run 3 "$POSTURE" check --documents no-such-folder "$SRC/layers"
expect_err "no-such-folder: error: cannot open the documents directory: No such file or directory"
run 3 "$POSTURE" render no-such-map.ini
expect_err "no-such-map.ini: error: cannot open file"
mkfifo fifo.ini
run 3 "$POSTURE" render fifo.ini
expect_err "fifo.ini: error: is not a regular file"

# Invalid data: exit 1, with the position.
mkdir -p maps
cp "$SRC/maps/central-asia.ini" maps/ok.ini
sed -i "s|= \.\./|= $SRC/|" maps/ok.ini
sed 's/^extent .*/extent     = 52, 46, 80, 34/' maps/ok.ini > maps/inverted.ini
run 1 "$POSTURE" render maps/inverted.ini
expect_err "maps/inverted.ini:5:14: error: extent '52, 46, 80, 34' is empty or inverted"
sed 's/^projection .*/projection = EPSG:4978/' maps/ok.ini > maps/geocentric.ini
run 1 "$POSTURE" render maps/geocentric.ini
expect_err "maps/geocentric.ini:6:14: error: projection 'EPSG:4978' is not a 2D projected or geographic"
run 1 "$POSTURE" render maps/ok.ini --projection EPSG:99999 -o x.png
expect_err "--projection: error: projection 'EPSG:99999' is not known to PROJ"
run 2 "$POSTURE" render maps/ok.ini --size 15x16 -o x.png
expect_err "--size: error: size '15x16' is out of range"
run 2 "$POSTURE" rendr maps/ok.ini
expect_err "'rendr' is not a posture command; did you mean 'render'?"
run 2 "$POSTURE" render maps/ok.ini --scael 2
expect_err "unknown option '--scael'; did you mean '--scale'?"
run 2 "$POSTURE" render maps/ok.ini -o a.png -o a.png
expect_err "'a.png' is named twice with -o"
mkdir broken
printf '{"type": "FeatureCollection", "features": [\n  {"type": "Feature",,}\n]}\n' > broken/bases.geojson
sed "s|^layers .*|layers = $TMP/broken/bases.geojson|" maps/ok.ini > maps/broken-layer.ini
run 1 "$POSTURE" render maps/broken-layer.ini
expect_err "broken/bases.geojson:2:22: error: invalid JSON"

# A failed run leaves the earlier good outputs byte for byte, even when
# only one of several outputs fails.
run 0 "$POSTURE" render maps/ok.ini -o keep.png -o keep.json
cp keep.png keep.png.orig
cp keep.json keep.json.orig
run 1 "$POSTURE" render maps/broken-layer.ini -o keep.png -o keep.json
run 2 "$POSTURE" render maps/ok.ini -o keep.png --scale 16
expect_err "keep.png: error: PNG would be 32000x22400 pixels; at most 16384 a side"
run 3 "$POSTURE" render maps/ok.ini --size 1000x700 -o keep.png -o maps/ok.ini/x.pdf
cmp -s keep.png keep.png.orig || fail "a failed run changed keep.png"
cmp -s keep.json keep.json.orig || fail "a failed run changed keep.json"
ls | grep -q '\.tmp-' && fail "a failed run left a temporary file"
# An output that cannot be written: exit 3, nothing else touched.
mkdir ro && chmod 555 ro
if [ "$(id -u)" -ne 0 ]; then
	run 3 "$POSTURE" render maps/ok.ini -o ro/x.png
	expect_err "ro/x.png: error: cannot write file"
fi
run 3 "$POSTURE" render maps/ok.ini -o keep.png/x.png

# A layer's path in a message is the short one ("layers/…", not
# "maps/../layers/…") when both name the file, and the long one when the
# maps folder is a symbolic link (then "maps/.." is not ".").
mkdir -p short/maps short/layers real/maps real/layers
cp "$SRC/layers/sources.json" short/layers/
printf '{"type": "FeatureCollection", "features": [}\n' >short/layers/bases.geojson
sed "s|^shapes .*|shapes = $SRC/shapes|" "$SRC/maps/central-asia.ini" >short/maps/m.ini
( cd short && run 1 "$POSTURE" render maps/m.ini -o x.png )
grep -q '^layers/bases\.geojson:1:' "$TMP/err" || fail "long path in: $(cat "$TMP/err")"
cp short/maps/m.ini real/maps/m.ini
ln -s ../real/maps short/maps-link
( cd short && run 1 "$POSTURE" render maps-link/m.ini -o x.png )
grep -q "the layers directory 'maps-link/\.\./layers' holds no" "$TMP/err" ||
	fail "a symbolic link's parent shortened away: $(cat "$TMP/err")"
pass
