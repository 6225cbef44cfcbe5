#!/bin/sh
# posture diff: after moving one incident, adding one and changing one quote
# in a git repository, `posture diff git:HEAD~1 layers` lists exactly those
# three changes (text and JSON); equal versions exit 0, different 1, usage 2,
# I/O 3, invalid data 4; the diff map marks the changes and has their legend,
# and its HTML tooltips say old and new values.
set -eu
. "$(dirname "$0")/lib.sh"

cd "$TMP"
mkdir repo
cp -r "$SRC/layers" "$SRC/shapes" "$SRC/maps" repo/
cd repo
git init -q
git add -A
git -c user.email=test@example.org -c user.name=test commit -qm "v1"
python3 - <<'EOF'
import json
p = "layers/incidents.geojson"
d = json.load(open(p, encoding="utf-8"))
feats = d["features"]
for f in feats:
    props = f["properties"]
    if props["id"] == "is-attack-tajik-uzbek-border-2019":
        lon, lat = f["geometry"]["coordinates"]
        f["geometry"]["coordinates"] = [lon + 0.3, lat + 0.1]
    if props["id"] == "kant-counterterror-drill-2013":
        q = props["sources"][0]["quote"]
        props["sources"][0]["quote"] = q.replace(" in September 2013.", "")
new = json.loads(json.dumps([f for f in feats if f["properties"]["id"] == "iju-attack-bukhara-2004"][0]))
new["properties"]["id"] = "iju-attack-bukhara-2004-second"
new["properties"]["name"] = "Second Bukhara attack"
new["geometry"]["coordinates"] = [64.9, 39.6]
feats.append(new)
json.dump(d, open(p, "w", encoding="utf-8"), indent=2, ensure_ascii=False)
EOF
git -c user.email=test@example.org -c user.name=test commit -qam "v2"

# 1. Exactly the three changes, one line each, exit status 1.
run 1 "$POSTURE" diff git:HEAD~1 layers
[ "$(wc -l <"$TMP/out")" -eq 3 ] || { cat "$TMP/out" >&2; fail "want exactly 3 lines"; }
grep -q '^moved    incidents/is-attack-tajik-uzbek-border-2019 "Alleged IS attack on a border post" 2[0-9]\.[0-9] km from 68\.3300, 38\.2430 to 68\.6300, 38\.3430$' "$TMP/out" ||
	{ cat "$TMP/out" >&2; fail "no moved line with its distance"; }
grep -q '^added    incidents/iju-attack-bukhara-2004-second "Second Bukhara attack" at 64\.9000, 39\.6000$' "$TMP/out" ||
	fail "no added line"
grep -qF 'changed  incidents/kant-counterterror-drill-2013 "Russian–Kyrgyz drills": quote changed comillas-2015 p. 53 ("Russian and Kyrgyz servicemen also took part in counterterrorist drills at Kant in September 2013." -> "Russian and Kyrgyz servicemen also took part in counterterrorist drills at Kant")' "$TMP/out" ||
	fail "no changed line naming the quote"

# 2. JSON says the same.
run 1 "$POSTURE" diff git:HEAD~1 layers --format json
python3 - "$TMP/out" <<'EOF' || fail "JSON diff is wrong"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["equal"] is False
kinds = sorted((c["change"], c["id"]) for c in d["changes"])
assert kinds == [("added", "iju-attack-bukhara-2004-second"), ("changed", "kant-counterterror-drill-2013"),
                 ("moved", "is-attack-tajik-uzbek-border-2019")], kinds
moved = [c for c in d["changes"] if c["change"] == "moved"][0]
assert 20 < moved["distance_km"] < 40 and moved["old"] == [68.33, 38.243], moved
changed = [c for c in d["changes"] if c["change"] == "changed"][0]
assert changed["citations"][0]["change"] == "changed"
assert changed["citations"][0]["new"]["quote"].endswith("drills at Kant")
EOF

# 3. Equal versions: nothing printed, status 0 (folder against itself, and git:HEAD).
run 0 "$POSTURE" diff layers layers
[ ! -s "$TMP/out" ] || fail "equal versions printed something"
run 0 "$POSTURE" diff git:HEAD layers
run 0 "$POSTURE" diff layers git:HEAD --format json
grep -q '"equal": true' "$TMP/out" || fail "JSON of equal versions lacks equal: true"

# 4. Errors: usage 2, I/O 3, invalid data 4.
run 2 "$POSTURE" diff layers
expect_err "which two versions?"
run 2 "$POSTURE" diff git:no-such-rev layers
expect_err "no revision 'no-such-rev'"
run 2 "$POSTURE" diff git:--output=x layers
run 2 "$POSTURE" diff layers layers -o x.png
expect_err "name its map with --map"
run 3 "$POSTURE" diff layers no-such-folder
mkdir bad
cp layers/*.geojson layers/sources.json bad/
sed -i 's/"kind": "attack"/"kind": "atack"/' bad/incidents.geojson
run 4 "$POSTURE" diff layers bad
expect_err "bad/incidents.geojson:"
nogit=$(mktemp -d) # outside any repository (the build folder may be inside one)
run 3 "$POSTURE" diff git:HEAD "$nogit"
rmdir "$nogit"
expect_err "cannot find the git repository"
mkdir -p empty-now
run 3 "$POSTURE" diff git:HEAD empty-now
expect_err "empty-now: error: cannot take it out of revision HEAD"

# 5. The diff map: marks and their legend in the map data and the SVG; tooltips old and new.
sed -i 's/^size .*/size = 900x620/' maps/tajik-afghan-border.ini
run 1 "$POSTURE" diff git:HEAD~1 layers --map maps/tajik-afghan-border.ini -o d.json -o d.svg -o d.html -o d.png
expect_err "wrote d.png"
python3 - <<'EOF' || fail "the diff map lacks its marks"
import json
d = json.load(open("d.json"))
marks = [i for l in d["layers"] if l["name"] == "changes" for i in l["items"]]
ids = sorted(i["id"] for i in marks if i["name"])
assert "moved--is-attack-tajik-uzbek-border-2019" in ids, ids
legend = [i for f in d["furniture"] if f["name"] == "changes-legend" for i in f["items"]]
texts = " ".join(i.get("label", {}).get("text", "") if isinstance(i.get("label"), dict) else str(i.get("name")) for i in legend)
assert "Changes since HEAD~1" in texts and "Moved: from where it was (1)" in texts, texts
EOF
grep -q 'id="changes-legend' d.svg || fail "no legend of the marks in the SVG"
grep -qF "was at 68.3300, 38.2430, now at 68.6300, 38.3430" d.html ||
	fail "the HTML page does not say where the moved item was and is"
[ -s d.png ] || fail "no diff PNG"
pass
