#!/usr/bin/env python3
"""label_rules.py MAP.json MAP.svg — count the ways a map's labels could mislead.

Reads the label boxes, leaders and symbol boxes from the map data and the
border lines (layers "land-borders" and "borders") from the structured SVG of
the same render, and prints one JSON object:

  labels            labels on the map (names and keys)
  crossed           label boxes (halo included) crossed by a border line
  nearer_other      labels without a leader nearer another symbol than their own
                    (symbols overlapping the label's own mark the same spot and
                    are not counted, here and for a name at a leader's end)
  long_leaders      leaders longer than 7.5% of the page width
  leader_over_symbol leaders passing over another item's symbol, unless the
                    two symbols mark one spot (the centre of one under the other,
                    or both drawn apart from one position: map data's "spot")
  incident_hides    incident symbols over a place's marker or under a base's
  lone_marker       labels with a line that is only a one-source marker ("[1]"),
                    or a marker broken over two lines
  leader_touching   names at the end of a leader within 1 pt of another item's
                    symbol (the label reads as that symbol's)
  crossing_leaders  pairs of leaders that cross
  degree_on_symbol  degree labels of the frame lying on an item's symbol
  under_furniture   labels under a furniture panel (title, legend, key, …)
  offenders         the ids behind each count, for the test's message

Exit status 0; the test decides what to accept.
"""
import json
import math
import re
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def path_segments(d):
    """Line segments of an SVG path made of M/L/H/V/Z commands (absolute or relative)."""
    tokens = re.findall(r"[MmLlHhVvZz]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?", d)
    segs, x, y, sx, sy, cmd, i = [], 0.0, 0.0, 0.0, 0.0, None, 0
    while i < len(tokens):
        t = tokens[i]
        if t.isalpha():
            cmd = t
            i += 1
            if cmd in "Zz":
                segs.append((x, y, sx, sy))
                x, y = sx, sy
            continue
        if cmd in "Hh":
            nx = float(t) + (x if cmd == "h" else 0)
            segs.append((x, y, nx, y))
            x = nx
            i += 1
            continue
        if cmd in "Vv":
            ny = float(t) + (y if cmd == "v" else 0)
            segs.append((x, y, x, ny))
            y = ny
            i += 1
            continue
        a, b = float(tokens[i]), float(tokens[i + 1])
        i += 2
        if cmd in "ml":
            a, b = a + x, b + y
        if cmd in "Mm":
            x, y, sx, sy = a, b, a, b
            cmd = "l" if cmd == "m" else "L"  # further pairs are lines
            continue
        segs.append((x, y, a, b))
        x, y = a, b
    return segs


def border_segments(svg_path):
    root = ET.parse(svg_path).getroot()
    segs = []
    for g in root.iter(SVG + "g"):
        if g.get("id") in ("land-borders", "borders"):
            for p in g.iter(SVG + "path"):
                segs.extend(path_segments(p.get("d", "")))
    return segs


def seg_meets_box(s, b):
    """Liang-Barsky: does segment s touch box b (x0, y0, x1, y1)?"""
    x0, y0, x1, y1 = s
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - b[0]), (dx, b[2] - x0), (-dy, y0 - b[1]), (dy, b[3] - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 > t1:
            return False
    return True


def box_distance(a, b):
    dx = max(0.0, a[0] - b[2], b[0] - a[2])
    dy = max(0.0, a[1] - b[3], b[1] - a[3])
    return math.hypot(dx, dy)


def boxes_overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def same_spot(other, it):
    """Symbols that overlap mark one spot: a label beside the pair, or a leader
    leaving it, cannot point at the wrong one of them."""
    return "symbol_box" in it and boxes_overlap(other["symbol_box"], it["symbol_box"])


def one_spot(other, it):
    """Symbols one of whose centres lies under the other mark one spot: a leader
    leaves them all.  Symbols that only touch are two spots."""
    def holds_centre(a, b):
        x, y = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        return a[0] < x < a[2] and a[1] < y < a[3]
    if "symbol_box" not in it:
        return False
    a, b = other["symbol_box"], it["symbol_box"]
    return holds_centre(a, b) or holds_centre(b, a)


def spot(it):
    return it.get("spot", it.get("anchor"))


def inside(p, b):
    return b[0] <= p[0] <= b[2] and b[1] <= p[1] <= b[3]


def shares_spot(a, b):
    """Symbols fanned out from one position (several events in one city round
    its marker) share that spot."""
    if "spot" not in a and "spot" not in b:
        return False
    pa, pb = spot(a), spot(b)
    return (math.hypot(pa[0] - pb[0], pa[1] - pb[1]) < 1.0
            or ("spot" not in b and inside(pb, a["symbol_box"]))
            or ("spot" not in a and inside(pa, b["symbol_box"])))


def orient(ax, ay, bx, by, cx, cy):
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)


def segs_cross(a, b):
    d1 = orient(b[0], b[1], b[2], b[3], a[0], a[1])
    d2 = orient(b[0], b[1], b[2], b[3], a[2], a[3])
    d3 = orient(a[0], a[1], a[2], a[3], b[0], b[1])
    d4 = orient(a[0], a[1], a[2], a[3], b[2], b[3])
    return (d1 > 0) != (d2 > 0) and (d3 > 0) != (d4 > 0) and d1 and d2 and d3 and d4


def main():
    data = json.load(open(sys.argv[1]))
    borders = border_segments(sys.argv[2])
    page_w = data["page"][0] if isinstance(data["page"], list) else data["page"]["width"]
    items = [it for layer in data["layers"] for it in layer["items"]]
    symbols = [it for it in items if "symbol_box" in it]
    labels = [it for it in items if "label_box" in it and "anchor" in it]
    out = {k: [] for k in ("crossed", "nearer_other", "long_leaders", "leader_over_symbol",
                           "leader_touching", "crossing_leaders", "under_furniture",
                           "degree_on_symbol", "incident_hides", "lone_marker")}
    panels = [g["box"] for g in data["furniture"] if g["box"][2] > g["box"][0]]
    for it in labels:
        box = it["label_box"]
        if any(re.fullmatch(r"\[[0-9]+\]", line) or line.count("[") != line.count("]")
               for line in it["label"].split("\n")):
            out["lone_marker"].append(it["id"])
        if any(seg_meets_box(s, box) for s in borders):
            out["crossed"].append(it["id"])
        if any(boxes_overlap(box, p) for p in panels):
            out["under_furniture"].append(it["id"])
        own = it.get("symbol_box")
        if own and "leader" not in it:
            d_own = box_distance(box, own)
            rivals = [o["id"] for o in symbols
                      if o is not it and not same_spot(o, it)
                      and box_distance(box, o["symbol_box"]) < d_own]
            if rivals:
                out["nearer_other"].append("%s (nearer %s)" % (it["id"], rivals[0]))
        if "leader" in it:
            ld = it["leader"]
            if math.hypot(ld[2] - ld[0], ld[3] - ld[1]) > 0.075 * page_w:
                out["long_leaders"].append(it["id"])
            over = [o["id"] for o in symbols
                    if o is not it and not one_spot(o, it) and not shares_spot(o, it)
                    and seg_meets_box(ld, o["symbol_box"])]
            if over:
                out["leader_over_symbol"].append("%s (over %s)" % (it["id"], over[0]))
            touching = [o["id"] for o in symbols
                        if "key" not in it and o is not it and not same_spot(o, it)
                        and box_distance(box, o["symbol_box"]) < 1.0]
            if touching:
                out["leader_touching"].append("%s (at %s)" % (it["id"], touching[0]))
    for g in data["furniture"]:
        for deg in g["items"] if g["name"] == "graticule-labels" else []:
            on = [o["id"] for o in symbols if boxes_overlap(deg["label_box"], o["symbol_box"])]
            if on:
                out["degree_on_symbol"].append("%s (on %s)" % (deg["id"], on[0]))
    for it in symbols:
        if it.get("layer") != "incidents":
            continue
        under = [o["id"] for o in symbols if o.get("layer") in ("places", "bases")
                 and boxes_overlap(it["symbol_box"], o["symbol_box"])]
        if under:
            out["incident_hides"].append("%s (with %s)" % (it["id"], under[0]))
    leadered = [it for it in labels if "leader" in it]
    for i, a in enumerate(leadered):
        for b in leadered[i + 1:]:
            if segs_cross(a["leader"], b["leader"]):
                out["crossing_leaders"].append("%s x %s" % (a["id"], b["id"]))
    result = {"labels": len(labels)}
    result.update({k: len(v) for k, v in out.items()})
    result["offenders"] = out
    print(json.dumps(result))


if __name__ == "__main__":
    main()
