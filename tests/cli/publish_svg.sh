#!/bin/sh
# The SVG for designers: each label is one <text> whose halo is a <use> of
# it (editing the text edits the halo); no Inkscape layer is empty (country
# names live in Labels); legend entries are named by kind, in the SVG
# (legend--KIND-swatch, legend--KIND) and in the map data (KIND-swatch, KIND).
set -e
. "$(dirname "$0")/lib.sh"

run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" -o "$TMP/m.svg" -o "$TMP/m.json"
python3 - "$TMP" <<'PY' || fail "SVG for designers"
import json, re, sys
import xml.etree.ElementTree as ET
tmp = sys.argv[1]
S, X, I = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xlink}", "{http://www.inkscape.org/namespaces/inkscape}"
root = ET.parse(tmp + "/m.svg").getroot()
texts = {t.get("id"): t for t in root.iter(S + "text")}
uses = [u.get(X + "href")[1:] for u in root.iter(S + "use")]
assert uses and all(u in texts for u in uses), "halos are not <use>s of the texts"
label = root.find(".//%sg[@id='label--bases--russia-kant-air-base']" % S)
kant = label.findall(S + "text")
assert len(kant) == 1, "the Kant label is %d <text>s, want 1" % len(kant)
for g in root.iter(S + "g"):
    if g.get(I + "groupmode") == "layer":
        assert len(g), "layer %r is empty" % g.get(I + "label")
data = json.load(open(tmp + "/m.json"))
legend = [g for g in data["furniture"] if g["name"] == "legend"][0]
ids = {i["id"] for i in legend["items"]}
kinds = {i["kind"] for i in legend["items"] if i["id"].endswith("-swatch")}
for k in ("military-base", "air-base", "attack", "disputed-border", "uncertainty"):
    assert k + "-swatch" in ids and k in ids, "map data legend lacks %s / %s-swatch" % (k, k)
    assert root.find(".//%sg[@id='legend--%s-swatch']" % (S, k)) is not None, "SVG lacks legend--%s-swatch" % k
    assert root.find(".//%sg[@id='legend--%s']" % (S, k)) is not None, "SVG lacks legend--%s" % k
assert "air-base-united-states-swatch" in ids, "variant legend id"
assert not any(re.fullmatch(r"legend-\d+(-swatch)?", i) for i in ids), "generic legend ids left"
print("halos", len(uses), "legend", sorted(ids)[:5])
PY
pass
