#!/bin/sh
# The locator inset shows country outlines; on the shipped maps no piece of
# furniture (legend, sources) covers a border segment the sources discuss
# or a base's or incident's symbol, since a free corner exists.
set -e
. "$(dirname "$0")/lib.sh"
cd "$TMP"

for map in central-asia tajik-afghan-border; do
	for theme in article print; do
		run 0 "$POSTURE" render "$SRC/maps/$map.ini" --theme $theme -o "$map-$theme.svg" -o "$map-$theme.json"
	done
done
python3 - <<'PY' || fail "furniture placement"
import glob, json, re
import xml.etree.ElementTree as ET
S = "{http://www.w3.org/2000/svg}"

def polylines(d):
    """Points of SVG path data with M/m/L/l/z (what the writer emits)."""
    out, cur, x, y, cmd = [], None, 0.0, 0.0, "M"
    for tok in re.findall(r"[MmLlZz]|-?\d*\.?\d+", d):
        if tok in "MmLlZz":
            cmd = tok
            if tok in "Zz" and cur:
                cur.append(cur[0])
            continue
        num = float(tok)
        if "pending" not in locals() or pending is None:
            pending = num
            continue
        dx, dy, pending = pending, num, None
        if cmd in "Mm":
            x, y = (x + dx, y + dy) if cmd == "m" else (dx, dy)
            cur = [(x, y)]
            out.append(cur)
            cmd = "l" if cmd == "m" else "L"
        else:
            x, y = (x + dx, y + dy) if cmd == "l" else (dx, dy)
            cur.append((x, y))
    return out

def meets(p, q, b):
    for t in range(21):
        x = p[0] + (q[0] - p[0]) * t / 20
        y = p[1] + (q[1] - p[1]) * t / 20
        if b[0] <= x <= b[2] and b[1] <= y <= b[3]:
            return True
    return False

for svg in sorted(glob.glob("*.svg")):
    d = json.load(open(svg[:-4] + ".json"))
    root = ET.parse(svg).getroot()
    inset = [g for g in d["furniture"] if g["name"] == "inset"][0]
    outl = [i for i in inset["items"] if i["kind"] == "country-outlines"]
    assert outl and "bbox" in outl[0], svg + ": the inset has no country outlines"
    boxes = {g["name"]: g["box"] for g in d["furniture"] if g["name"] in ("legend", "sources")}
    layer = root.find(".//%sg[@id='borders']" % S)
    segs = 0
    for path in layer.iter(S + "path"):
        for line in polylines(path.get("d")):
            for p, q in zip(line, line[1:]):
                segs += 1
                for name, b in boxes.items():
                    assert not meets(p, q, b), "%s: the %s covers a discussed border near %s" % (svg, name, p)
    assert segs > 10, svg + ": no discussed border found"
    for g in d["layers"]:
        if g["name"] not in ("bases", "incidents"):
            continue
        for it in g["items"]:
            s = it.get("symbol_box")
            for name, b in boxes.items():
                if s and not (s[2] < b[0] or s[0] > b[2] or s[3] < b[1] or s[1] > b[3]):
                    raise AssertionError("%s: the %s covers %s" % (svg, name, it["id"]))
    print(svg, "furniture clear of", segs, "border segments")
PY
pass
