#!/bin/sh
# Files that are not what they claim to be (issue 16): symbolic links out of
# the project, text Cairo refuses, a layer or binary named as the map file,
# UTF-16 map files, shapefiles with negative counts.  Each case checks the
# exit status, the one message and its position, and that nothing of a file
# outside the project (or of a file that is not the expected format) is
# quoted.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$TMP"

# A small project: maps/, layers/ (copied), shapes/ (a symlinked folder,
# which is allowed), and a secret file outside it.
mkdir -p proj/maps/themes proj/layers outside
cp "$SRC"/layers/*.geojson "$SRC"/layers/sources.json proj/layers/
ln -s "$SRC/shapes" proj/shapes
sed -e 's/^size .*/size = 400x300/' "$SRC/maps/tajik-afghan-border.ini" > proj/maps/t.ini
printf 'secret-user:x:0:0:SECRET-MARKER:/root:/bin/sh\n' > outside/passwd
render() { "$POSTURE" render proj/maps/t.ini -o out.svg "$@"; }

# no_secret: stderr of the last run quotes nothing of the secret file.
no_secret() {
	! grep -q 'secret-user\|SECRET-MARKER' "$TMP/err" || { cat "$TMP/err" >&2; fail "$1: quoted the file"; }
}

run 0 render
rm out.svg

# --- 1. symbolic links out of the project --------------------------------------
ln -s "$TMP/outside/passwd" proj/layers/bases-evil.geojson
run 1 render
expect_err "proj/layers/bases-evil.geojson: error: is a symbolic link to '$TMP/outside/passwd', outside '$TMP/proj'"
expect_err "--allow-path"
no_secret "render, layer link"
[ ! -e out.svg ] || fail "a refused run wrote its output"
run 1 "$POSTURE" check proj/layers
expect_err "proj/layers/bases-evil.geojson: error: is a symbolic link to '$TMP/outside/passwd'"
no_secret "check, layer link"
run 1 "$POSTURE" list proj/layers
expect_err "is a symbolic link to '$TMP/outside/passwd'"
run 1 "$POSTURE" export proj/layers -o export.geojson
expect_err "proj/layers/bases-evil.geojson: error: is a symbolic link to '$TMP/outside/passwd'"
no_secret "export, layer link"
[ ! -e export.geojson ] || fail "a refused export wrote its output"
run 1 "$POSTURE" export --allow-path outside proj/layers -o export.geojson
expect_err "proj/layers/bases-evil.geojson:1:1: error: this is not a JSON object or array"
# Allowed with --allow-path: then read, and refused as not JSON, quoting nothing.
run 1 render --allow-path outside
expect_err "proj/layers/bases-evil.geojson:1:1: error: this is not a JSON object or array"
no_secret "render --allow-path"
run 1 "$POSTURE" check --allow-path "$TMP/outside" proj/layers
expect_err "proj/layers/bases-evil.geojson:1:1: error: this is not a JSON object or array"
no_secret "check --allow-path"
run 2 render --allow-path no-such-folder
expect_err "--allow-path 'no-such-folder' is not an existing folder"
run 2 "$POSTURE" check --allow-path no-such-folder proj/layers
rm proj/layers/bases-evil.geojson

# A GeoPackage layer is a layer file too: refused when it links out.
ln -s "$TMP/outside/passwd" proj/layers/incidents-evil.gpkg
run 1 render
expect_err "proj/layers/incidents-evil.gpkg: error: is a symbolic link to '$TMP/outside/passwd', outside '$TMP/proj'"
no_secret "render, GeoPackage link"
rm proj/layers/incidents-evil.gpkg

# A link that stays in the project's tree is followed.
mkdir proj/store
mv proj/layers/bases.geojson proj/store/bases.geojson
ln -s ../store/bases.geojson proj/layers/bases.geojson
run 0 render
run 0 "$POSTURE" check proj/layers
rm out.svg

# The sources file and a theme file, linked out of the project.
mv proj/layers/sources.json proj/store/sources.json
ln -s "$TMP/outside/passwd" proj/layers/sources.json
run 1 render
expect_err "proj/layers/sources.json: error: is a symbolic link to '$TMP/outside/passwd'"
no_secret "sources link"
run 1 "$POSTURE" check proj/layers
expect_err "proj/layers/sources.json: error: is a symbolic link to '$TMP/outside/passwd'"
rm proj/layers/sources.json
mv proj/store/sources.json proj/layers/sources.json
ln -s "$TMP/outside/passwd" proj/maps/themes/evil.ini
run 1 render --theme evil
expect_err "proj/maps/themes/evil.ini: error: is a symbolic link to '$TMP/outside/passwd'"
no_secret "theme link"
run 1 render --theme evil --allow-path outside
expect_err "proj/maps/themes/evil.ini:1:1: error: this is not a theme file"
no_secret "theme --allow-path"

# A file that is not JSON, named as a layer: one error, nothing quoted.
cp outside/passwd proj/layers/places-text.geojson
run 1 "$POSTURE" check proj/layers
expect_err "proj/layers/places-text.geojson:1:1: error: this is not a JSON object or array: the file should start with '{' or '['"
no_secret "not JSON"
[ "$(wc -l < "$TMP/err")" -eq 1 ] || { cat "$TMP/err" >&2; fail "not JSON: more than one line"; }
rm proj/layers/places-text.geojson

# --- 2. text Cairo refuses: U+FFFE, U+FFFF, U+FDD0 in names, titles, URLs -------
cp -r proj/layers proj/layers-good
sed -i 's/"name": "201st base (Kulob)"/"name": "Kulob\\uFFFE gar\\uFFFFrison\\uFDD0"/' proj/layers/bases.geojson
grep -q 'Kulob\\uFFFE' proj/layers/bases.geojson || fail "the test did not plant U+FFFE"
python3 - proj/layers/sources.json <<'EOF'
import json, sys
path = sys.argv[1]
src = json.load(open(path, encoding="utf-8"))
src[0]["URL"] = "https://example.org/a\ufffeb\uffff"
json.dump(src, open(path, "w", encoding="utf-8"), ensure_ascii=False, indent=2)
EOF
printf 'title = T\357\277\276itle\357\277\277\n' > title.txt
sed -e "s/^title .*/$(cat title.txt)/" proj/maps/t.ini > proj/maps/fffe.ini
run 0 "$POSTURE" render proj/maps/fffe.ini --size 1600x1100 -o fffe.pdf -o fffe.png -o fffe.svg
pdfinfo fffe.pdf > info.txt
grep -q '^Title: *Title$' info.txt || { cat info.txt >&2; fail "PDF title not cleaned"; }
pdftotext fffe.pdf - | grep -q 'Kulob garrison' || fail "the cleaned name is not in the PDF"
rm -r proj/layers
mv proj/layers-good proj/layers

# --- 3. error positions ------------------------------------------------------------
# A GeoJSON layer named as the map file: one error, at line 1.
cp proj/layers/bases.geojson proj/maps/layer.ini
run 1 "$POSTURE" render proj/maps/layer.ini -o out.svg
expect_err "proj/maps/layer.ini:1:1: error: this looks like JSON, not a map file"
[ "$(wc -l < "$TMP/err")" -eq 1 ] || { cat "$TMP/err" >&2; fail "JSON map: more than one line"; }
# UTF-16, with and without a byte-order mark: one line.
iconv -f UTF-8 -t UTF-16 proj/maps/t.ini > proj/maps/u16.ini
run 1 "$POSTURE" render proj/maps/u16.ini -o out.svg
expect_err "proj/maps/u16.ini:1:1: error: the file is UTF-16 (it starts with a byte-order mark)"
[ "$(wc -l < "$TMP/err")" -eq 1 ] || { cat "$TMP/err" >&2; fail "UTF-16 map: more than one line"; }
iconv -f UTF-8 -t UTF-16LE proj/maps/t.ini > proj/maps/u16le.ini
run 1 "$POSTURE" render proj/maps/u16le.ini -o out.svg
expect_err "proj/maps/u16le.ini:1:1: error: the file is UTF-16; save it as UTF-8"
[ "$(wc -l < "$TMP/err")" -eq 1 ] || { cat "$TMP/err" >&2; fail "UTF-16LE map: more than one line"; }
# Binary garbage (the posture executable itself) and a text file: one line, nothing quoted.
head -c 100000 "$POSTURE" > proj/maps/binary.ini
run 1 "$POSTURE" render proj/maps/binary.ini -o out.svg
expect_err "proj/maps/binary.ini:1:1: error: this is not a map file"
[ "$(wc -l < "$TMP/err")" -eq 1 ] || { cat "$TMP/err" >&2; fail "binary map: more than one line"; }
cp outside/passwd proj/maps/passwd.ini
run 1 "$POSTURE" render proj/maps/passwd.ini -o out.svg
expect_err "proj/maps/passwd.ini:1:1: error: this is not a map file"
no_secret "text map file"
# A map file with bad bytes on two lines: the first one only.
printf '[map]\ntitle = caf\351\nsubtitle = caf\351\n' > proj/maps/latin1.ini
run 1 "$POSTURE" render proj/maps/latin1.ini -o out.svg
expect_err "proj/maps/latin1.ini:2:12: error: invalid UTF-8 byte 0xE9"
[ "$(wc -l < "$TMP/err")" -eq 1 ] || { cat "$TMP/err" >&2; fail "latin1 map: more than one line"; }
[ ! -e out.svg ] || fail "a failed run wrote out.svg"

# --- 4. shapefile counts are signed: a negative one is printed as stored -----------
# shapes_copy NAME: a copy of the shipped shapes, and a map using it.
shapes_copy() {
	mkdir "sh-$1"
	cp "$SRC"/shapes/*.shp "$SRC"/shapes/*.shx "$SRC"/shapes/*.dbf "$SRC"/shapes/*.cpg "sh-$1/"
	sed -e "s|^shapes .*|shapes = $TMP/sh-$1|" proj/maps/t.ini > "proj/maps/sh-$1.ini"
}
poke() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
# Record 1 of countries.shp: content at byte 108, its part count at 144, point count at 148.
shapes_copy points
poke sh-points/countries.shp 148 '\377\377\377\377'
run 1 "$POSTURE" render proj/maps/sh-points.ini -o out.svg
expect_err "sh-points/countries.shp: error: record 1: its point count is negative (-1)"
shapes_copy parts
poke sh-parts/countries.shp 144 '\376\377\377\377'
run 1 "$POSTURE" render proj/maps/sh-parts.ini -o out.svg
expect_err "sh-parts/countries.shp: error: record 1: its part count is negative (-2)"
# The .shx entry of record 1 (bytes 100-107): offset, then content length, in 16-bit words.
shapes_copy length
poke sh-length/countries.shx 104 '\377\377\377\377'
run 1 "$POSTURE" render proj/maps/sh-length.ini -o out.svg
expect_err "sh-length/countries.shx: error: record 1: its length is negative (-2 bytes)"
shapes_copy offset
poke sh-offset/countries.shx 100 '\200\000\000\000'
run 1 "$POSTURE" render proj/maps/sh-offset.ini -o out.svg
expect_err "sh-offset/countries.shx: error: record 1: its offset is negative (-4294967296 bytes)"
shapes_copy filelen
poke sh-filelen/countries.shp 24 '\377\377\377\377'
run 1 "$POSTURE" render proj/maps/sh-filelen.ini -o out.svg
expect_err "sh-filelen/countries.shp: error: the header gives a negative file length (-1 16-bit words)"
! grep -q '4294967295\|8589934590' "$TMP/err" || fail "a negative count printed unsigned"
[ ! -e out.svg ] || fail "a failed run wrote out.svg"

pass
