#!/bin/sh
# Disputed borders are dashed in every output: the SVG path and its legend
# swatch carry a dash array, the map data gives the dash, and the PDF (Cairo,
# as the PNG) sets a dash pattern when it strokes them.
set -e
. "$(dirname "$0")/lib.sh"

run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" -o "$TMP/m.svg" -o "$TMP/m.json" -o "$TMP/m.pdf"
python3 - "$TMP" <<'PY' || fail "disputed borders are not dashed everywhere"
import json, re, sys, zlib
tmp = sys.argv[1]
svg = open(tmp + "/m.svg").read()
groups = re.findall(r'<g id="([^"]+)"[^>]*data-kind="disputed-border"[^>]*>(.*?)</g>', svg)
assert groups, "no disputed border on the map"
for gid, body in groups:
    assert "stroke-dasharray" in body, gid + " is drawn solid"
legend = re.search(r'<g id="legend--disputed-border-swatch"[^>]*>(.*?)</g>', svg)
assert legend, "no legend swatch for the disputed border"
assert "stroke-dasharray" in legend.group(1), "the legend swatch is solid"
solid = re.search(r'<g id="legend--international-border-swatch"[^>]*>(.*?)</g>', svg)
assert solid and "stroke-dasharray" not in solid.group(1), "international borders must stay solid"
data = json.load(open(tmp + "/m.json"))
items = [i for g in data["layers"] for i in g["items"] if i["kind"] == "disputed-border"]
assert items and all(len(i.get("dash", [])) == 2 and i["dash"][0] > 0 for i in items), "map data: no dash"
pdf = open(tmp + "/m.pdf", "rb").read()
dashes = 0
for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
    try:
        body = zlib.decompress(m.group(1))
    except zlib.error:
        continue
    dashes += len(re.findall(rb"\[\s*[0-9.]+\s+[0-9.]+\s*\]\s+[0-9.]+\s+d", body))
assert dashes > 0, "the PDF never sets a dash pattern"
print("dashed:", len(groups), "SVG borders,", dashes, "PDF dash settings")
PY
pass
