# Label modes, pins and edit stability, through the CLI as a designer or an
# analyst would use them.
set -eu
. "$POSTURE_SOURCE_DIR/tests/cli/lib.sh"

# A map of the Tajik border with options written into it.
write_map() { # FILE EXTRA-MAP-LINES [LABELS-SECTION]
	{
		printf '[map]\ntitle = Test\nextent = 66.5, 36.2, 75.2, 41.1\nsize = 1600x1100\n%s\n' "$2"
		printf '[data]\nshapes = %s/shapes\nlayers = %s\nsources = %s/layers/sources.json\n' \
			"$SRC" "$TMP/lay" "$SRC"
		[ -z "${3:-}" ] || printf '[labels]\n%s\n' "$3"
	} >"$1"
}
mkdir -p "$TMP/lay" && cp "$SRC"/layers/*.geojson "$SRC/layers/sources.json" "$TMP/lay/"
stat_of() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$@"; }

# labels = keys: every item keyed, the key panel lists them; none: all counted.
write_map "$TMP/m.ini" "labels = keys"
run 0 "$POSTURE" render "$TMP/m.ini" -o "$TMP/keys.json" --stats "$TMP/keys.stats"
[ "$(stat_of "$TMP/keys.stats" placed)" -eq 0 ] || fail "labels = keys still named items"
[ "$(stat_of "$TMP/keys.stats" keyed)" -ge 5 ] || fail "labels = keys gave few keys"
grep -q '"keys--1"' "$TMP/keys.json" || fail "no key panel row for key 1"
write_map "$TMP/m.ini" "labels = none"
run 0 "$POSTURE" render "$TMP/m.ini" -o "$TMP/none.json" --stats "$TMP/none.stats"
[ "$(stat_of "$TMP/none.stats" unlabelled)" -eq "$(stat_of "$TMP/none.stats" labels)" ] ||
	fail "labels = none left labels"
grep -q 'shown without labels' "$TMP/none.json" || fail "the map does not say how many are unlabelled"
run 1 "$POSTURE" render "$TMP/m.ini" -o "$TMP/none.png" --strict
grep -q 'without a name or key (--strict)' "$TMP/err" || fail "--strict did not say why"
grep -q '(--strict): .*russia-201st-kulob' "$TMP/err" || fail "--strict did not name the items"
[ ! -e "$TMP/none.png" ] || fail "--strict wrote the map"

# A map of keys only has the room its names would have taken: the default
# map's panel lists all its keys (it listed 13 of 29 when sized as for a few).
run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" --set labels=keys -o "$TMP/all-keys.json"
python3 - "$TMP/all-keys.json" <<'PY' || fail "the default map's key panel does not list every key"
import json, sys
d = json.load(open(sys.argv[1]))
keys = {i["key"] for l in d["layers"] for i in l["items"] if "key" in i}
rows = {r["id"] for p in d["furniture"] if p["name"] == "keys" for r in p["items"]}
sys.exit(len(keys) < 20 or "keys-more" in rows or any("keys--%d" % k not in rows for k in keys))
PY

# More keys than the key panel holds: the panel says where they continue, and
# the PDF lists them on a page after the map.
run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" --layout handout --set labels=keys \
	-o "$TMP/many.pdf" -o "$TMP/many.json" -o "$TMP/many.html"
python3 - "$TMP/many.json" >"$TMP/last-key" <<'PY' || fail "no key list continuing past the panel"
import json, sys
d = json.load(open(sys.argv[1]))
keys = {i["key"]: i["key_text"] for l in d["layers"] for i in l["items"] if "key" in i}
rows = [r for p in d["furniture"] if p["name"] == "keys" for r in p["items"]]
more = [r for r in rows if r["id"] == "keys-more"]
if not more or "next page of the PDF" not in more[0]["label"]:
    sys.exit(1)
print(keys[max(keys)].split("\n")[0])
PY
[ "$(pdfinfo "$TMP/many.pdf" | awk '/^Pages:/ {print $2}')" -ge 2 ] || fail "the PDF has no key page"
pdftotext -f 2 "$TMP/many.pdf" "$TMP/many.txt"
grep -q "Key (continued)" "$TMP/many.txt" || fail "no continued key list in the PDF"
grep -qF "$(cat "$TMP/last-key")" "$TMP/many.txt" || fail "the last key is not on the PDF's key page"
grep -q "<li><strong>Key 1: " "$TMP/many.html" || fail "the HTML map as text does not give the keys"
grep -q "warning" "$TMP/err" && fail "PDF, map data and HTML warned of keys left out: $(cat "$TMP/err")"
# A PNG or SVG has no page for them: the render says which keys it leaves out.
run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" --layout handout --set labels=keys \
	-o "$TMP/many.png" -o "$TMP/many.svg"
for f in many.png many.svg; do
	grep -q "$TMP/$f: warning: the key panel holds [0-9]* of the map's [0-9]* keys: the names of keys [0-9]*–[0-9]* are not on this image" "$TMP/err" ||
		fail "no warning of the keys $f leaves out: $(cat "$TMP/err")"
done

# labels.LAYER: keys for incidents only; bases keep their names.
write_map "$TMP/m.ini" "labels.incidents = keys"
run 0 "$POSTURE" render "$TMP/m.ini" -o "$TMP/layer.json"
python3 - "$TMP/layer.json" <<'PY' || fail "labels.incidents = keys not honoured"
import json, sys
d = json.load(open(sys.argv[1]))
for layer in d["layers"]:
    for it in layer["items"]:
        if layer["name"] == "incidents" and "label_box" in it and "key" not in it:
            sys.exit("incident %s named" % it["id"])
        if layer["name"] == "bases" and "key" in it:
            sys.exit("base %s keyed" % it["id"])
PY

# A bad mode is an error at its value.
write_map "$TMP/m.ini" "labels = sometimes"
run 1 "$POSTURE" render "$TMP/m.ini" -o "$TMP/bad.png"
grep -q "m.ini:5:10: error: labels 'sometimes' is not known" "$TMP/err" || fail "bad mode: $(cat "$TMP/err")"

# Pins: S puts the label under its symbol; an offset with a leader; a pin
# that collides is kept and warned about at its line; an unknown id warned.
write_map "$TMP/m.ini" "" "russia-201st-kulob = S
russia-201st-dushanbe = 0, -150
no-such-item = NE
russia-201st-qurghonteppa = here"
run 1 "$POSTURE" render "$TMP/m.ini" -o "$TMP/pin.json"
grep -q "m.ini:14:29: error: a label pin is N, NE" "$TMP/err" || fail "bad pin: $(cat "$TMP/err")"
write_map "$TMP/m.ini" "" "russia-201st-kulob = S
russia-201st-dushanbe = 0, -150
no-such-item = NE"
run 0 "$POSTURE" render "$TMP/m.ini" -o "$TMP/pin.json"
grep -q "m.ini:13:1: warning: no labelled item 'no-such-item'" "$TMP/err" || fail "unknown pin: $(cat "$TMP/err")"
python3 - "$TMP/pin.json" <<'PY' || fail "pins not honoured"
import json, sys
d = json.load(open(sys.argv[1]))
it = {i["id"]: i for l in d["layers"] for i in l["items"]}
k, s = it["russia-201st-kulob"], it["russia-201st-dushanbe"]
box, ax, ay = k["label_box"], k["anchor"][0], k["anchor"][1]
if not (box[1] > k["symbol_box"][3] - 0.01 and box[0] < ax < box[2]):
    sys.exit("S pin: label %s, anchor %s" % (box, k["anchor"]))
box = s["label_box"]
cy = (box[1] + box[3]) / 2
if abs(cy - (s["anchor"][1] - 150)) > 1 or "leader" not in s:
    sys.exit("offset pin: label %s, anchor %s" % (box, s["anchor"]))
PY
if grep -q "pinned label of 'russia-201st-kulob' covers" "$TMP/err"; then
	grep -q "m.ini:11:22: warning: the pinned label" "$TMP/err" || fail "collision warning without position"
fi
# A misspelt id gets the nearest; a pin off the frame is an error (its label
# would not be seen), at its line, and draws nothing.
write_map "$TMP/m.ini" "" "russia-201st-kulub = S"
run 0 "$POSTURE" render "$TMP/m.ini" -o "$TMP/pin.json"
grep -q "m.ini:11:1: warning: no labelled item 'russia-201st-kulub' on this map: the pin is not used; did you mean 'russia-201st-kulob'?" "$TMP/err" ||
	fail "misspelt pin: $(cat "$TMP/err")"
write_map "$TMP/m.ini" "" "russia-201st-kulob = 0, -3000"
run 1 "$POSTURE" render "$TMP/m.ini" -o "$TMP/off.png"
grep -q "m.ini:11:22: error: the pinned label of 'russia-201st-kulob' lies outside the map's frame" "$TMP/err" ||
	fail "pin off the frame: $(cat "$TMP/err")"
[ ! -e "$TMP/off.png" ] || fail "a pin off the frame drew the map"

# Stable under edits: an incident added by the Aral Sea, by Ashgabat (13
# labels moved there before labels were solved group by group), or under the
# sources panel, which folds to clear it (15 moved before the labels of the
# build before the fold were held), moves at most five other labels by more
# than 2 pt (see DESIGN.md for where this does not hold yet).
"$POSTURE" render "$SRC/maps/central-asia.ini" -o "$TMP/before.json" >/dev/null 2>&1 ||
	fail "default map"
mkdir -p "$TMP/edit-layers"
for place in 60.5,43.5 59.0,38.5 68.33,44.5; do
	cp "$SRC"/layers/*.geojson "$SRC/layers/sources.json" "$TMP/edit-layers/"
	python3 "$SRC/tests/tools/edit-layer.py" in-place "added=$place" "$TMP/edit-layers/incidents.geojson"
	rm -f "$TMP/edit-layers/incidents.geojson.orig"
	sed -e "s|\.\./shapes|$SRC/shapes|" -e "s|\.\./layers|$TMP/edit-layers|" "$SRC/maps/central-asia.ini" >"$TMP/edit.ini"
	run 0 "$POSTURE" render "$TMP/edit.ini" -o "$TMP/after.json"
	python3 - "$TMP/before.json" "$TMP/after.json" <<'PY' || fail "one incident added at $place moved too many labels"
import json, sys
def boxes(p):
    d = json.load(open(p))
    return {i["id"]: i["label_box"] for l in d["layers"] for i in l["items"] if "label_box" in i}
a, b = boxes(sys.argv[1]), boxes(sys.argv[2])
if "added-one" not in b:
    sys.exit("the added incident has no label")
moved = [k for k in a if k in b and max(abs(x - y) for x, y in zip(a[k], b[k])) > 2]
if len(moved) > 5:
    sys.exit("moved: %s" % moved)
PY
done
pass
