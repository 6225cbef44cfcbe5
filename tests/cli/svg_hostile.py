#!/usr/bin/env python3
"""svg_hostile.py LAYERS_DIR — plant hostile strings in a copy of the layers.
svg_hostile.py --check SVG HTML — check they came out as plain text.
svg_hostile.py --javascript-url LAYERS_DIR — give a source a javascript: URL.

The strings hold markup, script, both quotes, "]]>", "</script>", an HTML
comment and event handlers.  Used by svg_hostile.sh; the browser test uses
the planted layers too (tests/browser/html.test.js).
"""
import json
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

NAME = "<script>alert(\"name\")</script> & ]]> \"double\" 'single' <b onmouseover=alert(1)>x</b>"
QUOTE = "</script><script>alert(\"quote\")</script> <!-- <img src=x onerror=alert(2)> -->"
TITLE = "<img src=x onerror=alert(\"title\")> & </title></desc></svg>"
# A URL that passes validation but needs escaping in an attribute (& and ').
# URLs with quotes or angle brackets are refused by the validator itself
# (svg_hostile.sh checks a javascript: one), so the writers never see them.
ODD_URL = "https://example.org/a?b=1&c='x'"
DOI = "10.1000/x(1)&y;z"


def plant(folder):
    path = f"{folder}/bases.geojson"
    bases = json.load(open(path, encoding="utf-8"))
    props = bases["features"][0]["properties"]
    props["name"] = NAME
    props["sources"][0]["quote"] = QUOTE
    json.dump(bases, open(path, "w", encoding="utf-8"), ensure_ascii=False, indent=2)
    path = f"{folder}/sources.json"
    sources = json.load(open(path, encoding="utf-8"))
    cited = props["sources"][0]["id"]
    for s in sources:
        if s["id"] == cited:
            s["title"] = TITLE
            s["URL"] = ODD_URL
        else:
            s["DOI"] = DOI
    json.dump(sources, open(path, "w", encoding="utf-8"), ensure_ascii=False, indent=2)


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.bad, self.scripts, self.hrefs = [], [], [], []
        self.in_script = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.bad.append(f"<{tag} {k}=…>")
            if k == "href":
                self.hrefs.append(v)
        if tag in ("img", "b", "iframe", "object", "embed"):
            self.bad.append(f"<{tag}>")
        if tag == "script":
            self.in_script = dict(attrs).get("type", "text/javascript")
            self.scripts.append([self.in_script, ""])

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = None

    def handle_data(self, data):
        if self.in_script:
            self.scripts[-1][1] += data
        else:
            self.text.append(data)


def check(svg_path, html_path):
    problems = []
    svg = ET.parse(svg_path).getroot()
    names = {el.tag.split("}")[1] for el in svg.iter()}
    if names - {"svg", "title", "desc", "defs", "clipPath", "g", "a", "path", "rect", "circle", "text", "tspan", "use"}:
        problems.append(f"SVG elements from the data: {names}")
    svg_text = "".join(svg.itertext())
    for s in (NAME, QUOTE, TITLE):
        if s not in svg_text:
            problems.append(f"SVG lacks the plain text {s!r}")
    if "javascript:" in open(svg_path, encoding="utf-8").read():
        problems.append("SVG holds a javascript: URL")
    for a in svg.iter("{http://www.w3.org/2000/svg}a"):
        href = a.get("{http://www.w3.org/1999/xlink}href", "")
        if not href.startswith(("https://", "http://")) or '"' in href or "<" in href:
            problems.append(f"SVG links to {href!r}")

    page = Page()
    html = open(html_path, encoding="utf-8").read()
    page.feed(html)
    problems += [f"HTML element or handler from the data: {b}" for b in page.bad]
    kinds = [k for k, _ in page.scripts]
    if kinds != ["application/json", "text/javascript"]:
        problems.append(f"HTML scripts are {kinds}, want the data block and the page's script")
    data = json.loads(page.scripts[0][1])
    if "<" in page.scripts[0][1]:
        problems.append("the JSON block holds a raw '<'")
    items = [i for i in data["items"] if i["name"] == NAME]
    if not items or items[0]["cites"][0]["quote"] != QUOTE:
        problems.append("the JSON block does not carry the name and quote intact")
    if not any(s["text"].find(TITLE) >= 0 and s["url"] == ODD_URL for s in data["sources"]):
        problems.append("the source with the hostile title should link to its URL unchanged")
    doi = "https://doi.org/10.1000/x(1)&y;z"
    if not any(s["url"] == doi for s in data["sources"]) or doi not in page.hrefs:
        problems.append(f"the DOI is not linked as {doi}")
    if any(not h.startswith(("https://", "http://", "data:")) for h in page.hrefs):
        problems.append(f"links other than http(s): {page.hrefs}")
    text = "".join(page.text)
    for s in (NAME, QUOTE):
        if s not in text:
            problems.append(f"the page text lacks {s!r}")
    for p in problems:
        print(f"svg_hostile: {p}", file=sys.stderr)
    return 1 if problems else 0


def javascript_url(folder):
    path = f"{folder}/sources.json"
    sources = json.load(open(path, encoding="utf-8"))
    sources[0]["URL"] = "javascript:alert(1)"
    json.dump(sources, open(path, "w", encoding="utf-8"), ensure_ascii=False, indent=2)


if __name__ == "__main__":
    if sys.argv[1] == "--check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    if sys.argv[1] == "--javascript-url":
        sys.exit(javascript_url(sys.argv[2]))
    plant(sys.argv[1])
