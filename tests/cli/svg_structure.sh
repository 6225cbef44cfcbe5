#!/bin/sh
# The structured SVG of both shipped maps, as a designer receives it: well-
# formed XML in the SVG 1.1 vocabulary (plus data-* and Inkscape layers), one
# named layer per scene group in drawing order, item groups with ids from the
# data, every label as <text>, geometry inside the frame, numbers to 0.01 pt
# (svg_check.py); ids that stay put across renders and byte-identical files;
# --svg-engine cairo still giving Cairo's SVG.
set -eu
. "$(dirname "$0")/lib.sh"

cd "$TMP"
for name in central-asia tajik-afghan-border; do
	run 0 "$POSTURE" render "$SRC/maps/$name.ini" -o "$name.svg" -o "$name.json"
	xmllint --noout "$name.svg" || fail "$name.svg is not well-formed XML"
	python3 "$SRC/tests/cli/svg_check.py" "$name.svg" "$name.json" || fail "$name.svg: structure"

	run 0 "$POSTURE" render "$SRC/maps/$name.ini" -o "again/$name.svg"
	cmp -s "$name.svg" "again/$name.svg" || fail "$name: two renders of the same input differ"

	# Layers a designer looks for, with readable names.
	for label in Background Countries Rivers Borders Bases Incidents Labels; do
		grep -q "inkscape:groupmode=\"layer\" inkscape:label=\"$label\"" "$name.svg" ||
			fail "$name.svg has no layer labelled $label"
	done
	# Real text, never glyph outlines; no paint-order (Illustrator ignores it).
	grep -q '<tspan\|<text ' "$name.svg" || fail "$name.svg has no <text>"
	! grep -q '<symbol\|paint-order\|<image' "$name.svg" || fail "$name.svg draws text as outlines or images"
	# the only <use> elements are label halos, each of a <text> (svg_check.py checks the target)
	! grep -o '<use [^>]*>' "$name.svg" | grep -v 'xlink:href="#[^"]*--text"' | grep -q . ||
		fail "$name.svg uses something other than its own texts"
done

# Stable ids: the same data id gives the same element id on every map.
for id in bases--russia-kant-air-base bases--russia-201st-dushanbe places--dushanbe \
          label--bases--russia-kant-air-base; do
	grep -q "<g id=\"$id\"" central-asia.svg || fail "central-asia.svg lacks id $id"
done
grep -q '<g id="bases--russia-201st-dushanbe"' tajik-afghan-border.svg || fail "ids differ between maps"

# A data edit elsewhere leaves the ids of untouched items alone.
mkdir -p edited
cp "$SRC"/layers/*.json "$SRC"/layers/*.geojson edited/
python3 - edited/incidents.geojson <<'PY'
import json, sys
path = sys.argv[1]
data = json.load(open(path, encoding="utf-8"))
data["features"] = data["features"][1:]
json.dump(data, open(path, "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY
sed -e "s|^shapes *=.*|shapes = $SRC/shapes|" -e "s|^layers *=.*|layers = $TMP/edited|" \
    -e "s|^sources *=.*|sources = $TMP/edited/sources.json|" "$SRC/maps/central-asia.ini" >edited.ini
run 0 "$POSTURE" render edited.ini -o edited.svg
ids() { grep -o '<g id="bases--[^"]*"' "$1" | sort; }
[ "$(ids central-asia.svg)" = "$(ids edited.svg)" ] || fail "removing an incident changed the bases' ids"

# Cairo's SVG is still there on request (and is what the default is not).
run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" -o cairo.svg --svg-engine cairo
grep -q '<symbol\|glyph' cairo.svg || fail "--svg-engine cairo did not give Cairo's SVG"
run 2 "$POSTURE" render "$SRC/maps/central-asia.ini" -o x.svg --svg-engine inkscape
expect_err "--svg-engine wants posture or cairo"
echo "sizes: posture $(wc -c <central-asia.svg) bytes, cairo $(wc -c <cairo.svg) bytes"
pass
