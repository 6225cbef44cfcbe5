#!/usr/bin/env python3
"""svg_check.py SVG MAPDATA — check a structured SVG against the map data of
the same render (posture render -o x.svg -o x.json).  Used by svg_structure.sh.

Checks: SVG 1.1 elements and attributes only (plus data-* and inkscape:*);
the page size; one layer per scene group in drawing order (Background, the
map layers, Labels, the furniture) with readable labels; every item's group
with an id derived from its layer and data id and its data-* attributes;
every label as <text> (lines as <tspan>), never as outlines; geometry inside
the frame; numbers rounded to 0.01.  Prints each problem and exits 1 if any.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
INK = "{http://www.inkscape.org/namespaces/inkscape}"
XML = "{http://www.w3.org/XML/1998/namespace}"
XLINK = "{http://www.w3.org/1999/xlink}"

PRESENTATION = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-dasharray", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
    "font-family", "font-size", "font-weight", "font-style", "letter-spacing",
    "text-rendering", "clip-path",
}
ALLOWED = {
    "svg": {"version", "width", "height", "viewBox"},
    "title": set(), "desc": set(), "defs": set(), "clipPath": set(),
    "g": set(), "a": {XLINK + "href"},
    "rect": {"x", "y", "width", "height"},
    "circle": {"cx", "cy", "r"},
    "path": {"d"},
    "text": {"x", "y", XML + "space"},
    "use": {XLINK + "href"},
    "tspan": {"x", "y"},
}
NUMBER = re.compile(r"-?\d*\.\d+|-?\d+")

problems = []


def problem(msg):
    problems.append(msg)


def local(tag):
    return tag[len(SVG):] if tag.startswith(SVG) else tag


def check_vocabulary(root):
    for el in root.iter():
        name = local(el.tag)
        if name not in ALLOWED:
            problem(f"element <{el.tag}> is not one the SVG 1.1 writer uses")
            continue
        for attr in el.attrib:
            ok = (attr in ALLOWED[name] or attr in PRESENTATION or attr == "id"
                  or attr.startswith("data-") or attr.startswith(INK))
            if not ok:
                problem(f"<{name}> has attribute {attr}: not in the SVG 1.1 vocabulary the writer uses")


def check_links(root):
    for a in root.iter(SVG + "a"):
        if not re.match(r"https?://", a.get(XLINK + "href", "")):
            problem(f"a link to {a.get(XLINK + 'href')!r}: only http(s)")


def check_numbers(root):
    for el in root.iter():
        for attr in ("d", "x", "y", "width", "height", "cx", "cy", "r", "stroke-width", "font-size"):
            for n in NUMBER.findall(el.get(attr, "")):
                if "." in n and len(n.split(".")[1]) > 2:
                    problem(f"<{local(el.tag)} {attr}> has {n}: more than two decimals")
                    return


def text_of(text_el):
    """A <text>'s lines: one per <tspan>, or its own text."""
    spans = text_el.findall(SVG + "tspan")
    if spans:
        return "\n".join(s.text or "" for s in spans)
    return text_el.text or ""


def path_points(d):
    """Absolute points of "M x y l dx dy … z" path data (relative after l)."""
    pts, x, y, rel, nums = [], 0.0, 0.0, False, []
    for tok in re.findall(r"[MlLz]|-?\d*\.?\d+", d):
        if tok in "MlLz":
            rel = tok == "l"
            continue
        nums.append(float(tok))
        if len(nums) == 2:
            x, y = (x + nums[0], y + nums[1]) if rel else (nums[0], nums[1])
            pts.append((x, y))
            nums = []
    return pts


def layer_children(root):
    return [g for g in root.findall(SVG + "g") if g.get(INK + "groupmode") == "layer"]


def check_layers(root, data):
    layers = layer_children(root)
    # a layer that only names (country names) has its text in Labels, no empty layer
    drawn = [l for l in data["layers"]
             if any("bbox" in i or "symbol_box" in i for i in l["items"])]
    want = (["Background"] + [l["title"] for l in drawn] + ["Labels"]
            + [f["title"] for f in data["furniture"]])
    got = [g.get(INK + "label") for g in layers]
    if got != want:
        problem(f"layers are {got}, want {want}")
    for g in root.iter(SVG + "g"):
        if g.get(INK + "groupmode") == "layer" and len(g) == 0:
            problem(f"layer {g.get(INK + 'label')!r} is empty")
    return layers


def check_items(layers, data):
    """Each map-data item: its group, id from layer and data id, data-* attributes."""
    groups = data["layers"] + data["furniture"]
    scene_layers = [g for g in layers[1:] if g.get(INK + "label") != "Labels"]
    pairs, k = [], 0
    for grp in groups:  # layers in order; a map layer that draws nothing has none
        if k < len(scene_layers) and scene_layers[k].get(INK + "label") == grp["title"]:
            pairs.append((grp, scene_layers[k]))
            k += 1
    for grp, g in pairs:
        lid = g.get("id")
        drawn = {e.get("data-id"): e for e in g.findall(SVG + "g")}
        for item in grp["items"]:
            e = drawn.get(item["id"])
            shown = "bbox" in item or "symbol_box" in item or (grp in data["furniture"] and "label" in item)
            if e is None:
                if shown:
                    problem(f"{grp['name']}: item {item['id']} has no group")
                continue
            if not e.get("id", "").startswith(lid + "--"):
                problem(f"item {item['id']}: id {e.get('id')} does not start with {lid}--")
            if e.get("data-layer") != lid or e.get("data-kind") != item["kind"]:
                problem(f"item {item['id']}: data-layer/data-kind wrong")
            if item.get("date") and e.get("data-date") != item["date"]:
                problem(f"item {item['id']}: data-date is {e.get('data-date')}, want {item['date']}")
            if item.get("name") and not (e.findtext(SVG + "title") or "").startswith(item["name"]):
                problem(f"item {item['id']}: <title> does not start with its name")
            if item.get("citations") and "Sources:" not in (e.findtext(SVG + "title") or ""):
                problem(f"item {item['id']}: <title> lacks its citations")


def check_labels(root, data):
    """Every label is one <text>, its colour from its group; its halo is a
    <use> of that very text just before it (one object to edit)."""
    parent = {c: p for p in root.iter() for c in p}
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    texts = {}
    for t in root.iter(SVG + "text"):  # wrapped lines: compare the words
        texts.setdefault(" ".join(text_of(t).split()), []).append(t)
    for u in root.iter(SVG + "use"):
        target = by_id.get(u.get(XLINK + "href", "")[1:])
        if target is None or local(target.tag) != "text":
            problem(f"<use> of {u.get(XLINK + 'href')!r}: not a text of the document")
            continue
        siblings = list(parent[u])
        i = siblings.index(u)
        if i + 1 >= len(siblings) or siblings[i + 1] is not target:
            problem(f"halo of {target.get('id')}: not just before its text")
        if u.get("fill") != "none" or u.get("stroke") in (None, "none"):
            problem(f"halo of {target.get('id')}: should be stroked, unfilled")
    n = 0
    for grp in data["layers"] + data["furniture"]:
        for item in grp["items"]:
            if "label" not in item:
                continue
            n += 1
            found = texts.get(" ".join(item["label"].split()), [])
            if len(found) < 1:
                problem(f"label of {item['id']} is not a <text>: {item['label']!r}")
                continue
            t = found[-1]
            if t.get("fill") is not None:
                problem(f"label of {item['id']}: the text sets its own fill (the halo <use> needs it inherited)")
            e, fill = t, None
            while e is not None and fill is None:
                fill = e.get("fill")
                e = parent.get(e)
            if fill in (None, "none"):
                problem(f"label of {item['id']}: its text has no colour")
    return n


def check_frame(layers, data):
    bg = layers[0].findall(SVG + "rect")[-1]
    x0, y0 = float(bg.get("x", 0)), float(bg.get("y", 0))
    x1, y1 = x0 + float(bg.get("width")), y0 + float(bg.get("height"))
    if x0 < 0 or y0 < 0 or x1 > data["page"]["width"] + 0.01 or y1 > data["page"]["height"] + 0.01:
        problem("the frame is not on the page")
    bad = 0
    for g in layers[1:1 + len(data["layers"])]:
        for path in g.iter(SVG + "path"):
            d = path.get("d")
            if "l" not in d:
                continue  # symbols: absolute, centred inside the frame
            grow = float(path.get("stroke-width", 0)) / 2 + 0.06 if "z" in d else 0.006
            for x, y in path_points(d):
                if not (x0 - grow <= x <= x1 + grow and y0 - grow <= y <= y1 + grow):
                    bad += 1
    if bad:
        problem(f"{bad} path points lie outside the frame")


def main():
    svg_path, data_path = sys.argv[1], sys.argv[2]
    root = ET.parse(svg_path).getroot()
    data = json.load(open(data_path, encoding="utf-8"))
    if root.tag != SVG + "svg" or root.get("version") != "1.1":
        problem("the root is not an SVG 1.1 <svg>")
    page = data["page"]
    if root.get("viewBox") != "0 0 %g %g" % (page["width"], page["height"]):
        problem(f"viewBox {root.get('viewBox')} is not the page")
    desc = root.findtext(SVG + "desc") or ""
    if not (root.findtext(SVG + "title") or "").strip():
        problem("the document <title> is missing")
    if len(desc) < 40 or not re.search(r"\d", desc):
        problem(f"the document <desc> is no text alternative (region, layers, counts): {desc!r}")
    check_vocabulary(root)
    check_links(root)
    check_numbers(root)
    layers = check_layers(root, data)
    if len(layers) == 2 + len(data["layers"]) + len(data["furniture"]):
        check_items(layers, data)
        check_frame(layers, data)
    n_labels = check_labels(root, data)
    for p in problems[:30]:
        print(f"{svg_path}: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"{svg_path}: {len(layers)} layers, {n_labels} labels as text, structure ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
