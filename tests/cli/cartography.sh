#!/bin/sh
# Every shipped map in every theme and layout, checked the way a reader would:
# page size, a legend listing exactly the kinds shown, every citation marker
# resolving to a listed source, each cited source's full citation in the
# PDF's text, byte-identical renders a second apart, and source links (URL,
# DOI, none) in the PDF.
set -eu
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
cd "$TMP"

check_mapdata() { # FILE: legend == kinds shown; markers resolve; every cited source listed
	"$PY" - "$1" <<'PYEOF' || fail "map data check failed for $1"
import json, re, sys
d = json.load(open(sys.argv[1]))
words = {"military-base": "Military base", "air-base": "Air base", "border-post": "Border post",
         "attack": "Attack", "clash": "Clash", "drill": "Drill or exercise",
         "deployment": "Deployment of troops", "sighting": "Troops or militants sighted",
         "symbolic": "Symbolic act", "agreement": "Agreement", "statement": "Statement",
         "meeting": "Meeting", "capital": "Capital", "city": "City", "town": "Town",
         "international": "Border discussed in the sources",
         "international-border": "International border", "disputed-border": "Disputed border",
         "uncertainty": "Approximate position (along a border or in a region)"}
shown = set()
for layer in d["layers"]:
    for it in layer["items"]:
        k = it["kind"]
        if k in words and ("symbol_box" in it or "bbox" in it):
            shown.add(words[k])
legend = next((f for f in d["furniture"] if f["name"] == "legend"), None)
if legend is None:
    # bare: no furniture but the key panel, when names did not all fit
    sys.exit(0 if d.get("layout") == "bare" or all(f["name"] == "keys" for f in d["furniture"])
             else "no legend")
listed = {it["label"] for it in legend["items"] if it["kind"] == "text"} - {"Legend"}
listed = {t for t in listed if not t.startswith("Scale") and not re.match(r"^[0-9. ]+(km)?$", t)}
# "Air base, operated by United States" is an air base in another look.
listed = {re.sub(r", (operated by [^,]*|former)(, former)?$", "", t) for t in listed}
if listed != shown:
    sys.exit("legend lists %s, map shows %s" % (sorted(listed - shown), sorted(shown - listed)))
numbers = {s["number"] for s in d["sources"]}
keys = {}
for panel in d["furniture"]:
    if panel["name"] == "keys":
        for row in panel["items"]:
            m = re.match(r"keys--(\d+)$", row["id"])
            if m:
                keys[int(m.group(1))] = row.get("label", "")
for layer in d["layers"]:
    for it in layer["items"]:
        for c in it.get("citations", []):
            if c["number"] not in numbers:
                sys.exit("%s cites [%d], not in the source list" % (it["id"], c["number"]))
        # A keyed item's label is its number; its key panel row has the markers.
        label = it.get("label", "") if "key" not in it else it["key_text"]
        if "key" in it and it["key"] in keys and not keys[it["key"]].endswith(it["key_text"].replace("\n", ", ")):
            sys.exit("%s: key %d row %r is not its name" % (it["id"], it["key"], keys[it["key"]]))
        for m in re.findall(r"\[([0-9, ]+)\]$", label):
            for n in m.split(","):
                if int(n) not in numbers:
                    sys.exit("%s's marker [%s] resolves to nothing" % (it["id"], n))
        if it.get("citations") and "label" in it and not re.search(r"\[[0-9, ]+\]$", label):
            sys.exit("%s has citations but no marker in its label: %r" % (it["id"], label))
PYEOF
}

pdf_has_citations() { # PDF JSON: every source's full citation is in the PDF's text
	pdftotext "$1" text.txt
	"$PY" - text.txt "$2" <<'PYEOF' || fail "$1 lacks a citation"
import json, re, sys
text = re.sub(r"\s+", " ", open(sys.argv[1]).read())
for s in json.load(open(sys.argv[2]))["sources"]:
    want = re.sub(r"\s+", " ", "[%d] %s" % (s["number"], s["citation"]))
    if want not in text:
        sys.exit("missing: " + want)
PYEOF
}

for map in central-asia tajik-afghan-border; do
	for theme in article print dark; do
		for layout in map handout bare; do
			base="$map-$layout-$theme"
			run 0 "$POSTURE" render "$SRC/maps/$map.ini" --theme "$theme" --layout "$layout" \
				-o "$base.pdf" -o "$base.json" -o "$base.png"
			check_mapdata "$base.json"
			pts=$(pdfinfo "$base.pdf" | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1x\2/p')
			case "$layout" in
			handout) [ "$pts" = "595.276x841.89" ] || [ "$pts" = "841.89x595.276" ] ||
				fail "$base.pdf is $pts pt, want A4" ;;
			*) [ "${pts%%x*}" -gt 1000 ] 2>/dev/null || fail "$base.pdf has page size '$pts'" ;;
			esac
			[ "$layout" = bare ] || pdf_has_citations "$base.pdf" "$base.json"
		done
	done
done

# Determinism: two renders a second apart are byte-identical.
run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" --layout handout -o d1.pdf -o d1.json
sleep 1
run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" --layout handout -o d2.pdf -o d2.json
cmp -s d1.pdf d2.pdf || fail "two renders a second apart give different PDFs"
cmp -s d1.json d2.json || fail "two renders a second apart give different map data"

# Links: a URL, a DOI and a source without either; quotes survive escaping.
mkdir -p links/layers
cp "$SRC"/layers/*.geojson links/layers/
"$PY" - "$SRC/layers/sources.json" links/layers/sources.json <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
by_id = {s["id"]: s for s in d}
by_id["comillas-2015"]["URL"] = "https://example.org/c?a=1&b='x'"
by_id["otb-mataconis"]["DOI"] = "10.1234/otb.5"
json.dump(d, open(sys.argv[2], "w"), indent=1)
PYEOF
sed -e "s|= \.\./shapes|= $SRC/shapes|" -e "s|= \.\./layers/sources.json|= layers/sources.json|" \
	-e "s|= \.\./layers |= layers |" "$SRC/maps/central-asia.ini" > links/m.ini
run 0 "$POSTURE" render links/m.ini -o links/m.pdf
grep -a -q "/URI (https://example.org/c?a=1&b='x')" links/m.pdf || fail "no link to the URL"
grep -a -q "/URI (https://doi.org/10.1234/otb.5)" links/m.pdf || fail "no link to the DOI"
[ "$(grep -a -o '/URI (' links/m.pdf | wc -l)" -eq 2 ] || fail "a source without URL or DOI got a link"
pass
