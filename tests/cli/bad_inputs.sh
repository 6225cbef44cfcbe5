#!/bin/sh
# Hostile and malformed input of every format (issue 7): each case must exit
# with the documented status, print its message with the position, leave no
# output and no temporary file, and keep an earlier output byte for byte.
# tests/check/ covers what GeoJSON means; these cases are about bytes, sizes,
# encodings, truncations and files that are not what they claim to be.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$TMP"
TOPO2SHP=$(dirname "$POSTURE")/posture-topo2shp
n_cases=0
n_failed=0

# The earlier good output every failing case must leave alone.
mkdir dest
printf 'EARLIER OUTPUT\n' > dest/map.svg
cp dest/map.svg earlier.svg

# after_case: nothing new in out/, and dest/map.svg unchanged.
after_case() {
	cmp -s dest/map.svg earlier.svg || fail "case $n_cases changed dest/map.svg"
	[ "$(ls -A dest)" = "map.svg" ] || { ls -A out >&2; fail "case $n_cases left files in dest/"; }
	n_cases=$((n_cases + 1))
}

# bad STATUS MESSAGE CMD...: one case (every case runs; failures are counted).
bad() {
	want=$1 msg=$2
	shift 2
	if ! (run "$want" timeout 20 "$@" && expect_err "$msg"); then
		echo "^^^ case $n_cases failed" >&2
		n_failed=$((n_failed + 1))
	fi
	after_case
}

# map NAME [DATA KEY=VALUE]...: a map file maps/NAME.ini over the shipped data,
# with [data] keys replaced.
map() {
	name=$1
	shift
	shapes=$SRC/shapes layers=$SRC/layers sources=$SRC/layers/sources.json
	for kv in "$@"; do
		case $kv in
		shapes=*) shapes=${kv#shapes=} ;;
		layers=*) layers=${kv#layers=} ;;
		sources=*) sources=${kv#sources=} ;;
		esac
	done
	mkdir -p maps
	sed -e "s|^shapes .*|shapes  = $shapes|" -e "s|^layers .*|layers  = $layers|" \
		-e "s|^sources .*|sources = $sources|" "$SRC/maps/tajik-afghan-border.ini" > "maps/$name.ini"
}
render() {
	bad "$1" "$2" "$POSTURE" render "maps/$3.ini" --size 400x300 -o dest/map.svg
}
map ok
run 0 "$POSTURE" render maps/ok.ini --size 400x300 -o ok.svg

# --- map files --------------------------------------------------------------------
printf '[map]\ntitle = a\000b\n' > maps/nul.ini
render 1 "maps/nul.ini:2:10: error: NUL byte" nul
printf '[map]\ntitle = caf\351\n' > maps/latin1.ini
render 1 "maps/latin1.ini:2:12: error: invalid UTF-8 byte 0xE9" latin1
printf '\377\376[\000m\000a\000p\000]\000\n\000' > maps/utf16.ini
render 1 "maps/utf16.ini:1:1: error: the file is UTF-16 (it starts with a byte-order mark)" utf16
{ printf '[map]\ntitle = '; head -c 240 /dev/zero | tr '\0' x; printf 'size = 10x10\n'; } > maps/long.ini
render 1 "maps/long.ini:2:200: error: line is 260 bytes long" long
printf '[map]\ntitle = a\n[map]\ntitle = b\n' > maps/twice.ini
render 1 "maps/twice.ini:3:1: error: section [map] appears twice (first on line 1)" twice
printf '[map]\ntitle: a\n' > maps/colon.ini
render 1 "maps/colon.ini:2:6: error: use 'key = value'" colon
printf '[map\ntitle = a\n' > maps/nobracket.ini
render 1 "maps/nobracket.ini:1:1: error: section header is missing its ']'" nobracket
printf '[map]\ntitle = a\n  b\n' > maps/indent.ini
render 1 "maps/indent.ini:3:1: error: indented line would be joined" indent
sed 's/^extent .*/extent = -200, 36, 75, 41/' maps/ok.ini > maps/wide.ini
render 1 "maps/wide.ini:5:10: error: extent '-200, 36, 75, 41' is outside -180..180 degrees" wide
sed 's/^extent .*/extent = 70, 40, 70, 40/' maps/ok.ini > maps/flat.ini
render 1 "maps/flat.ini:5:10: error: extent '70, 40, 70, 40' is empty or inverted" flat
sed 's/^extent .*/extent = 1e999, 36, 75, 41/' maps/ok.ini > maps/inf.ini
render 1 "maps/inf.ini:5:10: error: extent wants four numbers" inf
sed 's/^size .*/size = 99999999999999999999x10/' maps/ok.ini > maps/huge.ini
render 1 "maps/huge.ini:7:8: error: size wants WIDTHxHEIGHT in whole points" huge
sed 's/^projection .*/projection = +proj=longlat +init=epsg:4326/' maps/ok.ini > maps/init.ini
render 1 "maps/init.ini:6:14: error: projection '+proj=longlat +init=epsg:4326' uses init=" init
: > maps/empty.ini
render 1 "maps/empty.ini" empty
mkdir maps/dir.ini
render 3 "maps/dir.ini: error: is a directory" dir
ln -s loop.ini maps/loop.ini
render 3 "maps/loop.ini: error: cannot open file: Too many levels of symbolic links" loop
truncate -s 2M maps/big.ini
render 1 "maps/big.ini: error: file is too large" big

# --- paths in [data] ------------------------------------------------------------------
mkdir fifo && mkfifo fifo/bases.geojson
map fifo-layer layers="$TMP/fifo/bases.geojson"
render 3 "fifo/bases.geojson: error: is not a regular file" fifo-layer
mkdir dev && ln -s /dev/zero dev/bases.geojson
map dev-layer layers="$TMP/dev/bases.geojson"
render 1 "dev/bases.geojson: error: is a symbolic link to '/dev/zero', outside" dev-layer
bad 3 "dev/bases.geojson: error: is not a regular file" "$POSTURE" render maps/dev-layer.ini \
	--allow-path /dev --size 400x300 -o dest/map.svg
map dir-sources sources="$TMP/dest"
render 3 "dest: error: is a directory" dir-sources
map no-shapes shapes="$TMP/no-such-folder"
render 3 "no-such-folder/countries.shp: error: cannot open file" no-shapes

# --- GeoJSON layers ---------------------------------------------------------------------
mkdir -p gj
layer() { # layer NAME: maps/NAME.ini over gj/NAME/bases.geojson (written by the caller)
	map "$1" layers="$TMP/gj/$1/bases.geojson"
}
gj() { # gj NAME PRINTF-FORMAT: write the layer
	mkdir -p "gj/$1"
	printf "$2" > "gj/$1/bases.geojson"
	layer "$1"
}
gj nul '{"type": "FeatureCollection",\n "features": [\000]}\n'
render 1 "gj/nul/bases.geojson:2:15: error: NUL byte in the file" nul
gj unul '{"type": "FeatureCollection", "x": "a\\u0000b", "features": []}\n'
render 1 "gj/unul/bases.geojson:1:38: error: a string contains \\u0000" unul
gj badutf '{"type": "FeatureCollection",\n "name": "caf\351", "features": []}\n'
render 1 "gj/badutf/bases.geojson:2:14: error: invalid UTF-8 byte 0xE9" badutf
gj overlong '{"type": "FeatureCollection", "name": "\300\257", "features": []}\n'
render 1 "gj/overlong/bases.geojson:1:40: error: invalid UTF-8 byte 0xC0" overlong
gj surrogate '{"type": "FeatureCollection", "name": "\355\240\200", "features": []}\n'
render 1 "gj/surrogate/bases.geojson:1:40: error: invalid UTF-8 byte 0xED" surrogate
gj utf16 '\377\376{\000}\000'
render 1 "gj/utf16/bases.geojson:1:1: error: the file is UTF-16" utf16
gj bom '\357\273\277{"type": "FeatureCollection", "features": [}\n'
render 1 "gj/bom/bases.geojson:1:" bom
mkdir -p gj/deep
{ printf '{"type": "FeatureCollection", "features": [], "x": '; i=0; while [ $i -lt 100 ]; do printf '['; i=$((i+1)); done; } > gj/deep/bases.geojson
layer deep
render 1 "gj/deep/bases.geojson:1:115: error: arrays and objects are nested deeper than the limit of 64 levels" deep
mkdir -p gj/longstr
{ printf '{"type": "FeatureCollection", "features": [], "x": "'; head -c 1100000 /dev/zero | tr '\0' a; printf '"}'; } > gj/longstr/bases.geojson
layer longstr
render 1 "gj/longstr/bases.geojson:1:52: error: string is longer than the limit of 1048576 bytes" longstr
gj longnum '{"type": "FeatureCollection", "features": [], "x": 1111111111111111111111111111111111111111111111111111111111111111111111}\n'
render 1 "gj/longnum/bases.geojson:1:52: error: number is longer than the limit of 64 characters" longnum
gj realinf '{"type": "FeatureCollection", "features": [], "x": 1e999}\n'
render 1 "gj/realinf/bases.geojson:1:" realinf
gj bigint '{"type": "FeatureCollection", "features": [], "x": 99999999999999999999}\n'
render 1 "gj/bigint/bases.geojson:1:" bigint
gj nan '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [NaN, 1]}}]}\n'
render 1 "gj/nan/bases.geojson:1:" nan
gj trunc '{"type": "FeatureCollection", "features": [{"type": "Feature", "prop'
render 1 "gj/trunc/bases.geojson:1:" trunc
gj empty ''
render 1 "gj/empty/bases.geojson:1:1: error: the file is empty" empty
gj blank '   \n\n  '
render 1 "gj/blank/bases.geojson:" blank
gj trailing '{"type": "FeatureCollection", "features": []} {}\n'
render 1 "gj/trailing/bases.geojson:1:" trailing
gj dupkey '{"type": "FeatureCollection", "features": [], "features": []}\n'
render 1 "gj/dupkey/bases.geojson:1:" dupkey
mkdir -p gj/dirlayer/bases.geojson
layer dirlayer
render 1 "dirlayer/bases.geojson' holds no .geojson files" dirlayer
mkdir -p gj/looplayer && ln -s bases.geojson gj/looplayer/bases.geojson
layer looplayer
render 3 "Too many levels of symbolic links" looplayer
mkdir -p gj/big && truncate -s 513M gj/big/bases.geojson
layer big
render 1 "gj/big/bases.geojson: error: file is too large" big
gj binary '\211PNG\r\n\032\n\000\000\000\rIHDR'
render 1 "gj/binary/bases.geojson:1:1: error: this is not a JSON object or array" binary

# --- CSL-JSON sources --------------------------------------------------------------------
src() { # src NAME PRINTF-FORMAT
	printf "$2" > "src-$1.json"
	map "src-$1" sources="$TMP/src-$1.json"
}
src nul '[{"id": "a",\000 "type": "book", "title": "T"}]'
render 1 "src-nul.json:1:13: error: NUL byte" src-nul
src utf16 '\376\377\000[\000]'
render 1 "src-utf16.json:1:1: error: the file is UTF-16" src-utf16
src trunc '[{"id": "a", "type": "bo'
render 1 "src-trunc.json:1:" src-trunc
src badutf '[{"id": "a", "type": "book", "title": "\377"}]'
render 1 "src-badutf.json:1:40: error: invalid UTF-8 byte 0xFF" src-badutf
{ i=0; while [ $i -lt 70 ]; do printf '['; i=$((i+1)); done; } > src-deep.json
map src-deep sources="$TMP/src-deep.json"
render 1 "src-deep.json:1:65: error: arrays and objects are nested deeper" src-deep
src notarray '"sources"'
render 1 "src-notarray.json:1:1: error: this is not a JSON object or array" src-notarray

# --- shapefiles ---------------------------------------------------------------------
# shapes NAME: a copy of shapes/ in sh-NAME/ to break, and a map using it.
shapes() {
	mkdir "sh-$1"
	cp "$SRC"/shapes/*.shp "$SRC"/shapes/*.shx "$SRC"/shapes/*.dbf "$SRC"/shapes/*.cpg "$SRC"/shapes/*.prj "sh-$1/"
	map "sh-$1" shapes="$TMP/sh-$1"
}
# poke FILE OFFSET OCTAL-BYTES: overwrite bytes in place.
poke() {
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
size() { wc -c < "$1" | tr -d ' '; }
shapes trunc
truncate -s -1000 sh-trunc/countries.shp
render 1 "sh-trunc/countries.shp: error: the header says the file is" sh-trunc
shapes magic
poke sh-magic/countries.shp 0 '\000\000\047\017'
render 1 "sh-magic/countries.shp: error: not a shapefile: the file code is 9999" sh-magic
shapes version
poke sh-version/countries.shp 28 '\351\003\000\000'
render 1 "sh-version/countries.shp: error: unsupported shapefile version 1001" sh-version
shapes empty
: > sh-empty/countries.shp
render 1 "sh-empty/countries.shp: error: not a shapefile: 0 bytes" sh-empty
shapes noshx
rm sh-noshx/countries.shx
render 3 "sh-noshx/countries.shx: error: cannot open file" sh-noshx
shapes nodbf
rm sh-nodbf/countries.dbf
render 3 "sh-nodbf/countries.dbf: error: cannot open file" sh-nodbf
shapes type
poke sh-type/countries.shp 32 '\143\000\000\000'
render 1 "sh-type/countries.shp: error: unknown shape type 99" sh-type
shapes typediff
poke sh-typediff/countries.shx 32 '\003\000\000\000'
render 1 "sh-typediff/countries.shx: error: shape type 3 differs from the .shp's 5" sh-typediff
shapes offset
poke sh-offset/countries.shx 100 '\177\377\377\377'
render 1 "sh-offset/countries.shx: error: record 1: offset" sh-offset
shapes recno
poke sh-recno/countries.shp 100 '\000\000\000\007'
render 1 "sh-recno/countries.shp: error: record 1: its header (number 7" sh-recno
shapes parts
poke sh-parts/countries.shp 144 '\377\377\377\177'
render 1 "sh-parts/countries.shp: error: record 1:" sh-parts
# first_x FILE: offset of record 1's first x (after its parts).
first_x() { echo $((152 + 4 * $(od -An -tu4 -j144 -N4 "$1" | tr -d ' '))); }
shapes nan
poke sh-nan/countries.shp "$(first_x sh-nan/countries.shp)" '\000\000\000\000\000\000\370\177'
render 1 "sh-nan/countries.shp: error: record 1: vertex 1 is not a longitude/latitude" sh-nan
shapes far
poke sh-far/countries.shp "$(first_x sh-far/countries.shp)" '\000\000\000\000\000\000\360\177'
render 1 "sh-far/countries.shp: error: record 1: vertex 1 is not a longitude/latitude" sh-far
shapes dbfcount
poke sh-dbfcount/countries.dbf 4 '\377\377\000\000'
render 1 "sh-dbfcount/countries.dbf: error: the .dbf has 65535 records but the .shp has" sh-dbfcount
shapes dbftrunc
truncate -s -200 sh-dbftrunc/countries.dbf
render 1 "sh-dbftrunc/countries.dbf: error: truncated" sh-dbftrunc
shapes dbfhead
poke sh-dbfhead/countries.dbf 8 '\377\377'
render 1 "sh-dbfhead/countries.dbf: error: not a dBase file: bad header length 65535" sh-dbfhead
shapes shpdir
rm sh-shpdir/countries.shp && mkdir sh-shpdir/countries.shp
render 3 "sh-shpdir/countries.shp: error: is a directory" sh-shpdir
shapes shxfifo
rm sh-shxfifo/countries.shx && mkfifo sh-shxfifo/countries.shx
render 3 "sh-shxfifo/countries.shx: error: is not a regular file" sh-shxfifo
shapes notshp
cp "$SRC/layers/sources.json" sh-notshp/countries.shp
render 1 "sh-notshp/countries.shp: error: not a shapefile" sh-notshp

# --- TopoJSON (posture-topo2shp) ---------------------------------------------------------
printf '4\tAFG\n' > iso.tsv
: > noid.tsv
topo() { # topo STATUS MESSAGE PRINTF-FORMAT
	printf "$3" > topo.json
	bad "$1" "$2" "$TOPO2SHP" countries --iso iso.tsv --no-id noid.tsv topo.json dest/topo
}
topo 1 "topo.json:1:1: error: the file is UTF-16" '\377\376{\000'
topo 1 "topo.json:1:24: error: NUL byte" '{"type": "Topology", "x\000": 1}'
topo 1 "topo.json:1:" '{"type": "Topology", "arcs": [[[0, 0], [1'
topo 1 "topo.json:1:" '{"type": "Topology", "objects": {}, "arcs": [[[1e999, 0]]]}'
topo 1 "topo.json:1:31: error: invalid UTF-8 byte 0xFE" '{"type": "Topology", "name": "\376"}'

# --- command line -------------------------------------------------------------------------
bad 2 "--scale" "$POSTURE" render maps/ok.ini --scale nan -o dest/map.svg
bad 2 "--size" "$POSTURE" render maps/ok.ini --size 99999999999999999999x10 -o dest/map.svg
bad 2 "--size" "$POSTURE" render maps/ok.ini --size -400x300 -o dest/map.svg
bad 2 "unknown map key" "$POSTURE" render maps/ok.ini --set 'tit\le=x' -o dest/map.svg
# An output that is one of the inputs (here the sources, which is JSON) is refused.
cp "$SRC/layers/sources.json" own-sources.json
cp own-sources.json own-sources.orig
map own sources="$TMP/own-sources.json"
bad 2 "own-sources.json: error: refusing to write over an input of this run" \
	"$POSTURE" render maps/own.ini --size 400x300 -o dest/map.svg -o own-sources.json
cmp -s own-sources.json own-sources.orig || fail "an input was overwritten"
ln -s own-sources.json alias.json
bad 2 "alias.json: error: refusing to write over an input of this run" \
	"$POSTURE" render maps/own.ini --size 400x300 -o dest/map.svg -o alias.json
cmp -s own-sources.json own-sources.orig || fail "an input was overwritten through a symlink"

[ "$n_failed" -eq 0 ] || fail "$n_failed of $n_cases cases failed"
[ "$n_cases" -ge 60 ] || fail "only $n_cases cases"
echo "$n_cases bad-input cases"
ls -A . | grep -q '\.tmp-' && fail "a temporary file was left behind"
pass
