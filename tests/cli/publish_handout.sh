#!/bin/sh
# Handouts that need no hand fixing: the paper's orientation follows the
# map (a4 and letter choose; a4-portrait, a4-landscape... do not), the map
# takes at least 60% of the printable area, the scale bar's distances have
# room between them (here and on map pages large and small), and a symbol
# whose anchor is in the frame is drawn whole, past the frame's edge.
set -e
. "$(dirname "$0")/lib.sh"
cd "$TMP"

for map in central-asia tajik-afghan-border; do
	for theme in article print; do
		for paper in a4 letter a4-portrait a4-landscape letter-portrait letter-landscape; do
			run 0 "$POSTURE" render "$SRC/maps/$map.ini" --layout handout --theme "$theme" \
				--paper "$paper" -o "$map-$theme-$paper.json"
		done
	done
	for size in 640x480 1200x800 2000x1400; do
		run 0 "$POSTURE" render "$SRC/maps/$map.ini" --size "$size" -o "$map-$size.json"
	done
done
python3 - <<'PY' || fail "handout layout"
import glob, json, re
M = 36  # the handout margin
for path in sorted(glob.glob("*.json")):
    d = json.load(open(path))
    W, H = d["page"]["width"], d["page"]["height"]
    name = path[:-5]
    if "x" not in name.split("-")[-1]:  # a handout
        landscape = W > H
        if "portrait" in name:
            assert not landscape, name + ": asked for portrait"
        elif "landscape" in name or name.endswith(("-a4", "-letter")):
            # both shipped maps are wider than tall: a4 and letter turn the page
            assert landscape, name + ": a wide map on a portrait page"
        b = d["map_box"]
        share = (b[2] - b[0]) * (b[3] - b[1]) / ((W - 2 * M) * (H - 2 * M))
        assert share >= 0.60, "%s: the map takes %.0f%% of the printable area" % (name, 100 * share)
    legend = [g for g in d["furniture"] if g["name"] == "legend"]
    marks = [i for g in legend for i in g["items"] if re.fullmatch(r"scale-\d+", i["id"])]
    assert len(marks) >= 2, name + ": no scale distances"
    boxes = sorted(i["label_box"] for i in marks)
    for a, c in zip(boxes, boxes[1:]):
        room = c[0] - a[2]
        assert room >= 2, "%s: scale distances %s crowd (%.1f pt apart)" % (name, [i["label"] for i in marks], room)
print("layouts ok")
PY

# Kant air base sits on the top edge of this frame: its star is drawn whole.
run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" --layout handout --paper letter --theme print \
	--extent 60,35,80,41.8125 -o edge.json -o edge.pdf
pdftoppm -r 72 -W 792 -H 612 edge.pdf edge
python3 - <<'PY' || fail "a symbol at the frame's edge is cut"
import glob, json
d = json.load(open("edge.json"))
b = d["map_box"]
kant = [i for g in d["layers"] for i in g["items"] if i["id"] == "russia-kant-air-base"][0]
s = kant["symbol_box"]
assert b[1] <= kant["anchor"][1] <= b[3] and s[1] < b[1] - 2, "the test's symbol is not on the edge"
data = open(glob.glob("edge*.ppm")[0], "rb").read()
head = data.split(b"\n", 3)
w = int(head[1].split()[0])
px = head[3]
dark = sum(1 for y in range(int(s[1]), int(b[1])) for x in range(int(s[0]), int(s[2]) + 1)
           if sum(px[(y * w + x) * 3:(y * w + x) * 3 + 3]) < 300)
assert dark > 0, "no part of the star above the frame is drawn"
print("star above the frame:", dark, "dark pixels")
PY
pass
