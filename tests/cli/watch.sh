#!/bin/sh
# posture watch (issue 14): a copy of the default map is watched while a test
# edits its incidents layer in place, then saves it by rename (as vim and VS
# Code do), breaks it (the error has its FILE:LINE:COLUMN and the outputs stay
# byte for byte as they were), fixes it, and edits the map file; each good
# save gives new outputs.  Ctrl-C (SIGINT) stops it with status 0.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$TMP"
make_project proj
cd proj

"$POSTURE" watch maps/central-asia.ini -d out > "$TMP/log" 2> "$TMP/errlog" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT

# edit MODE WHAT: change layers/incidents.geojson, written in place or by rename.
edit() {
	python3 "$SRC/tests/tools/edit-layer.py" "$1" "$2" layers/incidents.geojson
}

wait_for 1 "wrote out/central-asia.png"
wait_for 1 "watching"
grep -q 'live-test-drill' out/central-asia.html && fail "the item is there before the edit"

edit in-place add
wait_for 2 "wrote out/central-asia.png"
grep -q 'id="incidents--live-test-drill"' out/central-asia.html || fail "an edit in place was not drawn"

edit rename rename
wait_for 3 "wrote out/central-asia.png"
grep -q 'Live drill, renamed' out/central-asia.html || fail "a save by rename was not drawn"

cat out/* | cksum > before.txt
edit in-place break
wait_for 1 "not drawn"
grep -Eq '^layers/incidents\.geojson:[0-9]+:[0-9]+: error: ' "$TMP/errlog" ||
	{ cat "$TMP/errlog" >&2; fail "the broken layer's error has no FILE:LINE:COLUMN"; }
cat out/* | cksum > after.txt
cmp -s before.txt after.txt || fail "a broken edit changed the last good outputs"

edit rename fix
wait_for 4 "wrote out/central-asia.png"
grep -q 'Live drill, fixed' out/central-asia.html || fail "the fixed layer was not drawn"

sed -i 's/^title .*/title = Watched title/' maps/central-asia.ini
wait_for 5 "wrote out/central-asia.png"
grep -q '<title>Watched title</title>' out/central-asia.html || fail "an edit of the map file was not drawn"

stop_cleanly $pid watch
grep -q 'posture watch: stopped' "$TMP/log" || fail "watch did not stop cleanly"
pass
