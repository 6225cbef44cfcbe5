#!/bin/sh
# Furniture scales with the page in a designer's steps, never under 7 pt,
# and folds (sources one line each, a shorter legend, no inset, smaller
# type) before it covers more than a quarter of the frame; text sizes are
# set from the command line with --set theme.SECTION.PROPERTY=VALUE.
set -e
. "$(dirname "$0")/lib.sh"
cd "$TMP"

for map in central-asia tajik-afghan-border; do
	for size in 480x360 640x480 800x600 1200x800 2000x1400 3000x2000; do
		run 0 "$POSTURE" render "$SRC/maps/$map.ini" --size "$size" -o "$map-$size.json"
	done
done
run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" --size 1200x800 \
	--set theme.text.credit-size=8 --set theme.text.title-size=20 -o set.json
run 2 "$POSTURE" render "$SRC/maps/central-asia.ini" --set theme.text.label-size=big -o bad.json
expect_err "--set: error: text.label-size wants a size in points"
python3 - <<'PY' || fail "furniture on small pages"
import glob, json, re, subprocess
steps = {7 * f for f in (1, 1.25, 1.5, 2, 2.5, 3, 4)}
def sizes(d, group):
    """(id, pt) of the furniture's texts, from the rendered SVG is too slow: use label boxes' heights."""
for path in sorted(glob.glob("*-*x*.json")):
    d = json.load(open(path))
    W, H = d["page"]["width"], d["page"]["height"]
    covered = sum((g["box"][2] - g["box"][0]) * (g["box"][3] - g["box"][1])
                  for g in d["furniture"] if g["name"] not in ("graticule-labels", "keys"))
    # (the key panel of label placement is placed after the furniture folds; not counted here)
    share = covered / (W * H)
    print("%-32s furniture covers %4.1f%%" % (path, 100 * share))
    if W * H >= 640 * 480:
        assert share <= 0.25, "%s: furniture covers %.0f%% of the frame" % (path, 100 * share)
    src = [g for g in d["furniture"] if g["name"] == "sources"][0]
    assert any(i["id"] == "heading" for i in src["items"]), path + ": the sources are gone"
PY
# Type: from the PDF of a small and a mid-sized page, every furniture font size >= 7 pt and
# the source list in a designer's step (7 pt times 1, 1.25, 1.5, 2 ...), not 9.7 pt.
for size in 640x480 1200x800; do
	run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" --size $size -o "t$size.svg" -o "t$size.json"
done
run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" --size 1200x800 \
	--set theme.text.credit-size=8 -o tset.svg
python3 - <<'PY' || fail "furniture type sizes"
import re
import xml.etree.ElementTree as ET
S = "{http://www.w3.org/2000/svg}"
def furniture_sizes(path, layer):
    root = ET.parse(path).getroot()
    g = root.find(".//%sg[@id='%s']" % (S, layer))
    return [float(t.get("font-size")) for t in g.iter(S + "text")]
for size in ("640x480", "1200x800"):
    for layer in ("title", "legend", "sources"):
        pts = furniture_sizes("t%s.svg" % size, layer)
        assert pts and min(pts) >= 7, "%s %s: type under 7 pt: %s" % (size, layer, sorted(set(pts)))
src = set(furniture_sizes("t1200x800.svg", "sources"))
assert src <= {8.75}, "1200x800 sources at %s pt, want 8.75 (7 pt x 1.25)" % sorted(src)
assert set(furniture_sizes("tset.svg", "sources")) == {10.0}, "--set theme.text.credit-size=8 ignored"
PY
pass
