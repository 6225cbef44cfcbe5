#!/bin/sh
# The map's date is its cut-off: items dated after it are not drawn (nor
# counted in the text alternative, nor listed as not on the map), the title
# says "As of" that date, and a date later than today is an error.
set -e
. "$(dirname "$0")/lib.sh"
cd "$TMP"

run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" --set date=2014-12 -o cut.json -o cut.pdf
run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" -o all.json
python3 - <<'PY' || fail "the date is not a cut-off"
import json
cut, full = json.load(open("cut.json")), json.load(open("all.json"))
def items(d):
    return {i["id"]: i for g in d["layers"] for i in g["items"] if i.get("date")}
c, a = items(cut), items(full)
late = [i for i in a.values() if i["date"].split("/")[0][:7] > "2014-12"]
assert late, "the data has no item after 2014"
for i in late:
    assert i["id"] not in c, i["id"] + " (" + i["date"] + ") is drawn on a map as of December 2014"
assert any(i["date"].startswith("2014") for i in c.values()), "2014 items are gone too"
assert "As of December 2014" in cut["description"]
assert cut["date"] == "2014-12"
off = [i["id"] for g in cut["layers"] if g["name"] == "not-on-map" for i in g["items"]]
assert "csto-peacekeeping-exercise-kazakhstan-2012" in off
PY
pdftotext cut.pdf cut.txt
grep -q "As of December 2014" cut.txt || fail "the title lacks 'As of December 2014'"
! grep -q "Nov 2019" cut.txt || fail "the 2019 attacks are drawn on a 2014 map"

run 2 "$POSTURE" render "$SRC/maps/central-asia.ini" --set date=2999-01 -o future.png
expect_err "date '2999-01' is later than today"
[ ! -e future.png ] || fail "an output was written"
mkdir -p maps
sed 's/^citations .*/date       = 2999\ncitations  = numbered/' "$SRC/maps/central-asia.ini" |
	sed "s|\.\./|$SRC/|g" > maps/future.ini
run 1 "$POSTURE" render maps/future.ini -o future.png
expect_err "maps/future.ini:10:14: error: date '2999' is later than today"
pass
