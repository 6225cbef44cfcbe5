# Labels that cannot mislead, on every shipped map in every layout and theme
# (label_rules.py measures them from the map data and the structured SVG):
# no label box crossed by a land or discussed border, no label beside the
# wrong symbol, no leader longer than 7.5% of the page width, over another
# symbol, or crossing another leader; every item named.
set -eu
. "$POSTURE_SOURCE_DIR/tests/cli/lib.sh"

for map in central-asia tajik-afghan-border; do
	for layout in map handout; do
		for theme in article print; do
			base="$TMP/$map-$layout-$theme"
			run 0 "$POSTURE" render "$SRC/maps/$map.ini" --layout "$layout" --theme "$theme" \
				-o "$base.json" -o "$base.svg" --stats "$base.stats"
			python3 "$SRC/tests/cli/label_rules.py" "$base.json" "$base.svg" >"$base.rules"
			python3 - "$base.rules" "$base.stats" "$map $layout $theme" "$layout" <<'PY' || fail "labels mislead on $map $layout $theme"
import json, sys
rules = json.load(open(sys.argv[1]))
stats = json.load(open(sys.argv[2]))
# Keys are for density: in every layout every item of a shipped map is
# named (the A4 handout of the regional map by the complete search of
# lib/src/label/exact.c).
if stats["keyed"] or stats["unlabelled"]:
    sys.exit("%s: not every item named: %s" % (sys.argv[3], json.dumps(stats)))
bad = {k: v for k, v in rules["offenders"].items() if v}
if bad:
    sys.exit("%s: %s" % (sys.argv[3], json.dumps(bad)))
if stats["dropped"] or stats["overlaps"]:
    sys.exit("%s: %s" % (sys.argv[3], json.dumps(stats)))
if stats["placed"] + stats["keyed"] + stats["unlabelled"] != stats["labels"]:
    sys.exit("%s: items unaccounted for: %s" % (sys.argv[3], json.dumps(stats)))
if rules["labels"] < 8:
    sys.exit("%s: only %d labels" % (sys.argv[3], rules["labels"]))
PY
		done
	done
done

# The rules can fail: a label box moved onto the Afghan-Tajik border is caught.
python3 - "$TMP/tajik-afghan-border-map-article.json" "$TMP/moved.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for layer in d["layers"]:
    for it in layer["items"]:
        if it["id"] == "border-afg-tjk":
            line = it["bbox"]
for layer in d["layers"]:
    for it in layer["items"]:
        if "label_box" in it and "anchor" in it:
            x, y = (line[0] + line[2]) / 2, (line[1] + line[3]) / 2
            it["label_box"] = [line[0], y - 5, line[2], y + 5]
            json.dump(d, open(sys.argv[2], "w"))
            sys.exit(0)
PY
python3 "$SRC/tests/cli/label_rules.py" "$TMP/moved.json" "$TMP/tajik-afghan-border-map-article.svg" >"$TMP/moved.rules"
python3 -c "import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))['crossed'] >= 1 else 1)" "$TMP/moved.rules" ||
	fail "label_rules.py did not see a label on the border"
pass
