#!/bin/sh
# Names, quotes and citations holding markup, script, quotes, "]]>" and
# hostile URLs appear as plain text in the SVG and the HTML: the SVG stays
# well-formed and holds no element from the data; the page holds only its
# own two script elements, no element or event handler from the data, the
# data intact in its JSON block, and links only where a URL is http(s) (a
# DOI through doi.org).  A javascript: URL in sources.json is refused.
# tests/browser/html.test.js opens the same page and checks no script runs.
set -eu
. "$(dirname "$0")/lib.sh"

cd "$TMP"
mkdir layers
cp "$SRC"/layers/*.json "$SRC"/layers/*.geojson layers/
python3 "$SRC/tests/cli/svg_hostile.py" layers
sed -e "s|^shapes *=.*|shapes = $SRC/shapes|" -e "s|^layers *=.*|layers = $TMP/layers|" \
    -e "s|^sources *=.*|sources = $TMP/layers/sources.json|" "$SRC/maps/central-asia.ini" >hostile.ini

run 0 "$POSTURE" render hostile.ini -o hostile.svg -o hostile.html -o hostile.json
xmllint --noout hostile.svg || fail "hostile.svg is not well-formed"
python3 "$SRC/tests/cli/svg_hostile.py" --check hostile.svg hostile.html || fail "hostile data leaked into markup"

# A javascript: link never reaches a map: the data is refused.
mkdir js
cp layers/* js/
python3 "$SRC/tests/cli/svg_hostile.py" --javascript-url js
sed -e "s|$TMP/layers|$TMP/js|g" hostile.ini >js.ini
run 1 "$POSTURE" render js.ini -o js.html
expect_err "must be an absolute http:// or https:// address"
[ ! -e js.html ] || fail "a page was written from refused data"
pass
