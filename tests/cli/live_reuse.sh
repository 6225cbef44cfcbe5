#!/bin/sh
# What `posture watch` and `posture serve` remember between builds (the
# store's shapefiles, layers, country names, text sizes, the base geography's
# and inset's page geometry, label placement: label/reuse.c) never changes a
# map: after each edit of a copy of the default map, watch's outputs (PNG,
# PDF, SVG, HTML) and serve's /map.svg are byte for byte those of a fresh
# `posture render` of the same files (and, with POSTURE_CHECK_REUSE, every
# label's candidates are checked against ones made afresh, label.c).  The
# edits: an item added (a new symbol: new obstacles), renamed
# (its label's width changes, then stays: the solve is remembered), moved
# (into the crowd round Dushanbe, out to the Pamirs, back, by a little),
# a quote changed (no label moves), the map's title changed (the title's
# box is an obstacle), back to an earlier state (older entries of the
# store's memo), the focus countries changed (the base geography's geometry
# is remembered, its fills are not), and the extent changed and back.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$TMP"
make_project proj
cd proj

# Remembered label candidates are also made again and compared (label.c).
POSTURE_CHECK_REUSE=1 "$POSTURE" watch maps/central-asia.ini -d out > "$TMP/log" 2> "$TMP/errlog" &
pid=$!
"$POSTURE" serve maps/central-asia.ini --port 0 > "$TMP/slog" 2> "$TMP/serrlog" &
spid=$!
trap 'kill $pid $spid 2>/dev/null || true' EXIT

# served N: until serve has drawn the map N times.
served() {
	_i=0
	while [ "$(grep -c 'drawn (' "$TMP/slog" || true)" -lt "$1" ]; do
		_i=$((_i + 1))
		[ $_i -le 300 ] || { cat "$TMP/slog" "$TMP/serrlog" >&2; fail "serve drew no ${1}th map"; }
		kill -0 "$spid" 2>/dev/null || { cat "$TMP/slog" "$TMP/serrlog" >&2; fail "serve ended"; }
		sleep 0.1
	done
}

# same WHAT: watch's outputs and serve's SVG are those of a fresh render.
same() {
	rm -rf fresh
	"$POSTURE" render maps/central-asia.ini -d fresh > /dev/null
	for f in fresh/*; do
		cmp -s "$f" "out/${f#fresh/}" || fail "after $1, watch's ${f#fresh/} differs from a fresh render"
	done
	python3 -c 'import sys, urllib.request
sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1] + "map.svg").read())' "$url" > served.svg
	cmp -s fresh/central-asia.svg served.svg ||
		fail "after $1, serve's map.svg differs from a fresh render"
}

# edit WHAT: change the incidents layer (saved by rename), wait for both.
n=1
edit() {
	case $1 in
	move=*) python3 - "${1#move=}" layers/incidents.geojson <<'EOF'
import json, os, sys
lon, lat = (float(v) for v in sys.argv[1].split(','))
path = sys.argv[2]
with open(path, encoding='utf-8') as f:
    data = json.load(f)
for f in data['features']:
    if f['properties']['id'] == 'live-test-drill':
        f['geometry']['coordinates'] = [lon, lat]
with open(path + '.new', 'w', encoding='utf-8') as f:
    f.write(json.dumps(data, indent=1, ensure_ascii=False) + '\n')
os.rename(path + '.new', path)
EOF
	;;
	*) python3 "$SRC/tests/tools/edit-layer.py" rename "$1" layers/incidents.geojson ;;
	esac
	n=$((n + 1))
	wait_for $n "wrote out/central-asia.png"
	served $n
}

wait_for 1 "wrote out/central-asia.png"
served 1
url=$(grep '^http://' "$TMP/slog")
same "the first build"

edit add
same "an item added"
edit name=Edit\ 1
same "a rename"
edit name=Edit\ 2
same "a rename of the same width"
edit move=69.4,38.9
same "the item moved"
# Moves into the crowd round Dushanbe, out to the open Pamirs and back: the labels
# whose reach (label/reuse.c) holds its old or new place are placed again,
# the others keep their remembered candidates.
edit move=68.8,38.55
same "the item moved among others"
edit move=73.5,38.4
same "the item moved far from them"
edit move=68.95,38.62
same "the item moved back among them"
edit move=68.85,38.5
same "the item moved a little"
edit move=68.7,38.62
same "the item moved a little again"
sed -i 's/"quote": "/"quote": "Indeed, /' layers/incidents.geojson
n=$((n + 1))
wait_for $n "wrote out/central-asia.png"
served $n
same "a quote changed"
sed -i 's/^title .*/title = A title of another length/' maps/central-asia.ini
n=$((n + 1))
wait_for $n "wrote out/central-asia.png"
served $n
same "the title changed"
edit name=Edit\ 1
same "a name given before"
# map_edit SED WHAT: change the map file, wait for both, compare.
map_edit() {
	sed -i "$1" maps/central-asia.ini
	n=$((n + 1))
	wait_for $n "wrote out/central-asia.png"
	served $n
	same "$2"
}
map_edit 's/^focus .*/focus = TJK, KGZ/' "the focus changed (the same geometry, other fills)"
map_edit 's/^extent .*/extent = 54, 35, 78, 45/' "the extent changed"
map_edit 's/^extent .*/extent = 52, 34, 80, 46/' "the extent back"

kill -INT $spid
wait $spid || fail "serve did not stop cleanly"
stop_cleanly $pid watch
pass
