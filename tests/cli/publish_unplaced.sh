#!/bin/sh
# Items the sources place nowhere (precision "unplaced") are named in a
# "Not on the map" note with their citation markers: in the furniture of
# every layout but bare, in the map data (layer not-on-map, with country and
# citations, no position), in the SVG text and in the HTML page.
set -e
. "$(dirname "$0")/lib.sh"
cd "$TMP"

for layout in map handout; do
	run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" --layout "$layout" \
		-o "$layout.json" -o "$layout.svg" -o "$layout.html" -o "$layout.pdf"
	pdftotext "$layout.pdf" "$layout.txt"
done
python3 - <<'PY' || fail "unplaced items are not listed"
import json, re
want = {"russia-bases-north-kyrgyzstan": "Russian bases in northern Kyrgyzstan",
        "us-bases-tajikistan": "US bases in Tajikistan",
        "csto-peacekeeping-exercise-kazakhstan-2012": "CSTO peacekeeping exercise in Kazakhstan"}
for layout in ("map", "handout"):
    d = json.load(open(layout + ".json"))
    off = [g for g in d["layers"] if g["name"] == "not-on-map"]
    assert off, layout + ": no not-on-map layer in the map data"
    items = {i["id"]: i for i in off[0]["items"]}
    assert set(items) == set(want), "%s: not on the map: %s" % (layout, sorted(items))
    numbers = {s["number"] for s in d["sources"]}
    for i in items.values():
        assert "anchor" not in i and "bbox" not in i, i["id"] + " has a position"
        assert i["citations"] and all(c["number"] in numbers for c in i["citations"])
        assert i.get("country"), i["id"] + " lacks its country"
    text = re.sub(r"\s+", " ", open(layout + ".txt").read())
    assert "Not on the map" in text, layout + ": the PDF has no note"
    for iid, name in want.items():
        marker = "[%s]" % ", ".join(str(n) for n in sorted({c["number"] for c in items[iid]["citations"]}))
        assert name + " (" in text or name + " " + marker in text, "%s: PDF lacks %s" % (layout, name)
        assert marker in text
    notes = [g for g in d["furniture"] if g["name"] == "sources"][0]["items"]
    assert any(i["id"].startswith("not-on-map") for i in notes), layout + ": no note in the furniture"
    svg = open(layout + ".svg").read()
    html = open(layout + ".html").read()
    for name in want.values():
        assert name in svg, layout + ": SVG lacks " + name
        assert html.count(name) >= 2, layout + ": HTML lists %s %d times" % (name, html.count(name))
print("not on the map: listed")
PY
pass
