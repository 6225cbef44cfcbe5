#!/bin/sh
# Dense point layers (not timed; speed is in bench/): past 2,000 symbols a
# layer is drawn without labels, said on stderr, one SVG path per kind with
# the number of items it draws, a PDF that opens, the furniture in a column
# beside the frame (on a handout too); past 20,000 point items the HTML page is refused, naming
# the limit, and leaves no file.
set -eu
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/layers"
ln -s "$SRC/shapes" "$TMP/shapes"
cp "$SRC/layers/sources.json" "$SRC/layers/bases.geojson" "$TMP/layers/"
python3 "$SRC/tests/tools/make-incidents.py" 3000 "$TMP/layers/incidents.geojson"
sed -e "s#^shapes .*#shapes = $SRC/shapes#; s#^sources .*#sources = layers/sources.json#" \
	-e "s#^layers .*#layers = layers#" "$SRC/maps/central-asia.ini" >"$TMP/map.ini"

run 0 "$POSTURE" render "$TMP/map.ini" -o "$TMP/d.png" -o "$TMP/d.svg" -o "$TMP/d.pdf" -o "$TMP/d.json"
expect_err "layer 'incidents' has more than 2000 point items: the 3000 in the frame are drawn without labels"
# A frame that shows only some of them: the warning counts those shown, the
# layer is dense all the same (its size, not what the frame shows, decides).
run 0 "$POSTURE" render "$TMP/map.ini" --extent 66,36,72,40 -o "$TMP/cut.json"
grep -q "has more than 2000 point items: the [0-9]* in the frame" "$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "the warning of a frame that cuts the dense layer"; }
grep -q "the 3000 in the frame" "$TMP/err" && fail "the warning counts incidents outside the frame"
xmllint --noout "$TMP/d.svg" || fail "the dense SVG is not well-formed"
pdfinfo "$TMP/d.pdf" >/dev/null || fail "the dense PDF does not open"
# Every incident symbol is in exactly one per-kind path of the Incidents layer
# (or, half-filled, in a group of its own).
python3 - "$TMP/d.svg" "$TMP/d.json" <<'PY' || fail "dense SVG paths do not draw every incident"
import json, re, sys
svg = open(sys.argv[1], encoding="utf-8").read()
layer = svg[svg.index('inkscape:label="Incidents"'):]
layer = layer[:layer.index('inkscape:label="', 30)]
counts = {}
for kind, n in re.findall(r'<path data-kind="([a-z-]+)" d="[^"]*" data-items="(\d+)"', layer):
    counts[kind] = counts.get(kind, 0) + int(n)
# Half-filled symbols stay groups of their own, one per item.
for kind in re.findall(r'<g id="[^"]*" data-layer="incidents" data-id="[^"]*" data-kind="([a-z-]+)"', layer):
    counts[kind] = counts.get(kind, 0) + 1
data = json.load(open(sys.argv[2], encoding="utf-8"))
groups = [g for g in data["layers"] if g["name"] == "incidents"]
items = [it for it in groups[0]["items"] if "anchor" in it]
want = {}
for it in items:
    want[it["kind"]] = want.get(it["kind"], 0) + 1
assert len(items) == 3000, len(items)
assert all(counts.get(k) == n for k, n in want.items()), (counts, want)
assert len(set(counts) - set(want) - {"uncertainty"}) == 0, counts
PY
# A crowded map keeps its frame clear: the furniture is in a column beside it
# (a panel over the frame would hide dozens of symbols), the key panel too.
python3 - "$TMP/d.json" <<'PY' || fail "the furniture of a crowded map covers its frame"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
mb, page = d["map_box"], d["page"]
assert mb[2] < 0.8 * page["width"], ("no column beside the frame", mb, page)
boxed = [g for g in d["furniture"] if g["name"] in ("title", "legend", "sources", "inset", "keys")]
assert {"title", "legend", "sources"} <= {g["name"] for g in boxed}, [g["name"] for g in boxed]
for g in boxed:
    assert g["box"][0] >= mb[2], ("over the frame", g["name"], g["box"], mb)
# The map itself says how many items it shows without a label.
keys = [i.get("label", "") for g in d["furniture"] if g["name"] == "keys" for i in g["items"]]
assert any("3,000 incidents shown without labels" in t for t in keys), keys
PY
# A PNG cut of the frame: symbols drawn, inside the frame only.
[ "$(wc -c <"$TMP/d.png")" -gt 100000 ] || fail "the dense PNG is suspiciously small"

# The crowded handout too: inset, legend and key panel in a column on the
# paper beside the map, title above and sources under it, and the key panel
# still says how many items have no label.
run 0 "$POSTURE" render "$TMP/map.ini" --layout handout -o "$TMP/h.json" -o "$TMP/h.pdf"
pdfinfo "$TMP/h.pdf" >/dev/null || fail "the crowded handout's PDF does not open"
python3 - "$TMP/h.json" <<'PY' || fail "the furniture of a crowded handout covers its map"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
mb, page = d["map_box"], d["page"]
assert mb[2] < 0.8 * page["width"], ("no column beside the map", mb, page)
groups = {g["name"]: g for g in d["furniture"]}
assert {"legend", "keys", "title", "sources"} <= set(groups), sorted(groups)
for g in groups.values():
    b = g.get("box", [0, 0, 0, 0])
    if b[2] <= b[0]:
        continue
    over = b[0] < mb[2] and b[2] > mb[0] and b[1] < mb[3] and b[3] > mb[1]
    assert not over, ("over the map", g["name"], b, mb)
    assert b[2] <= page["width"] - 30 and b[3] <= page["height"] - 30, ("off the page", g["name"], b)
texts = [i.get("label", "") for i in groups["keys"]["items"]]
assert any("3,000 incidents shown without labels" in t for t in texts), texts
PY

# The text alternative counts every incident layer, whatever its file's name.
mv "$TMP/layers/incidents.geojson" "$TMP/layers/incidents-log.geojson"
run 0 "$POSTURE" render "$TMP/map.ini" -o "$TMP/log.json"
python3 - "$TMP/log.json" <<'PY' || fail "the description leaves out the incidents-log layer"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert "3,000 incidents" in d["description"], d["description"]
PY
rm "$TMP/layers/incidents-log.geojson"

python3 "$SRC/tests/tools/make-incidents.py" 20001 "$TMP/layers/incidents.geojson"
run 1 "$POSTURE" render "$TMP/map.ini" -o "$TMP/d.html"
expect_err "d.html: error: the map shows"
expect_err "an HTML page stays interactive up to 20000"
[ ! -e "$TMP/d.html" ] || fail "a refused HTML page was written"
pass
