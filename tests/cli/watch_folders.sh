#!/bin/sh
# posture watch (issue 14) when folders move under it: a layer that is a
# symbolic link into another folder is drawn again when its target is saved
# there (by rename, as vim does); the layers folder deleted makes the map fail
# with an error naming the missing file, and the folder made again (cp -r)
# with an edited layer is watched anew and drawn without restarting watch;
# a layer removed is no longer counted in the "watching N files" line.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$TMP"
mkdir elsewhere
make_project proj
mv proj/layers/places.geojson elsewhere/places.geojson
ln -s "$TMP/elsewhere/places.geojson" proj/layers/places.geojson
cd proj

"$POSTURE" watch maps/central-asia.ini -d out --allow-path "$TMP/elsewhere" > "$TMP/log" \
	2> "$TMP/errlog" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT

wait_for 1 "wrote out/central-asia.png"
wait_for 1 "watching"
grep -q 'Tashkent' out/central-asia.html || fail "the linked places layer is not drawn"

# the link's target saved by rename in its own folder
sed 's/"Tashkent"/"Toshkent"/' "$TMP/elsewhere/places.geojson" > "$TMP/elsewhere/places.new"
mv "$TMP/elsewhere/places.new" "$TMP/elsewhere/places.geojson"
wait_for 2 "wrote out/central-asia.png"
grep -q 'Toshkent' out/central-asia.html || fail "an edit of a linked layer's target was not drawn"

# the layers folder goes: the map fails, saying which file is missing
cp -r layers "$TMP/layers.saved"
rm -rf layers
wait_for 1 "not drawn"
grep -q 'layers' "$TMP/errlog" || { cat "$TMP/errlog" >&2; fail "no error names the missing layers"; }

# and comes back, edited: watched again and drawn
python3 "$SRC/tests/tools/edit-layer.py" in-place add "$TMP/layers.saved/incidents.geojson"
rm -f "$TMP/layers.saved/incidents.geojson.orig"
cp -r "$TMP/layers.saved" layers
wait_for 3 "wrote out/central-asia.png"
grep -q 'id="incidents--live-test-drill"' out/central-asia.html ||
	fail "the layers folder made again was not drawn"
python3 "$SRC/tests/tools/edit-layer.py" rename rename layers/incidents.geojson
wait_for 4 "wrote out/central-asia.png"
grep -q 'Live drill, renamed' out/central-asia.html || fail "the folder made again is not watched"

# a layer removed from the folder: drawn without it, and no longer counted as watched
watched() { grep -o 'watching [0-9]*' "$TMP/log" | tail -n 1 | cut -d' ' -f2; }
n=$(watched)
rm layers/borders.geojson
wait_for 5 "wrote out/central-asia.png"
i=0
while [ "$(watched)" -ge "$n" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || { cat "$TMP/log" >&2; fail "still watching $(watched) files and folders (was $n)"; }
	sleep 0.1
done

stop_cleanly $pid watch
pass
