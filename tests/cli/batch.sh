#!/bin/sh
# Several maps in one run: `posture render a.ini b.ini c.ini` writes every
# map's outputs, a broken map fails alone with its error and makes the run's
# status non-zero, the maps drawn in a batch are byte for byte the maps drawn
# one at a time (the shared inputs are read once, and change nothing), -o is
# refused with several maps, --stats gives one object per map, and progress
# lines appear on a terminal only.
set -eu
. "$(dirname "$0")/lib.sh"

cd "$TMP"
mkdir -p proj/maps
ln -s "$SRC/shapes" proj/shapes
ln -s "$SRC/layers" proj/layers
small() { # NAME FROM: a small copy of a shipped map writing png and json
	sed -e 's/^size .*/size = 500x350/' -e 's/^outputs .*/outputs = png, json, svg/' \
		"$SRC/maps/$2.ini" >"proj/maps/$1.ini"
}
small a-central central-asia
small b-tajik tajik-afghan-border
printf '[map]\nextent = 60, 30, 70\n[data]\nshapes = ../shapes\n' >proj/maps/c-broken.ini

# 1. Every good map is written; the broken one fails alone, with its error.
run 1 "$POSTURE" render proj/maps/*.ini -j 2 -d o1
for f in a-central.png a-central.json a-central.svg b-tajik.png b-tajik.json b-tajik.svg; do
	[ -s "o1/$f" ] || fail "o1/$f was not written"
done
ls o1 | grep -q c-broken && fail "the broken map wrote something"
expect_err "proj/maps/c-broken.ini:2:10: error: extent wants four numbers"
expect_err "2 maps drawn, 1 failed: proj/maps/c-broken.ini"
grep -q '^\[' "$TMP/err" && fail "progress lines were printed though stderr is not a terminal"
grep -qF "wrote o1/a-central.png" "$TMP/out" || fail "no 'wrote' line for a-central.png"

# 2. The same maps one at a time give the same bytes.
for m in a-central b-tajik; do
	run 0 "$POSTURE" render "proj/maps/$m.ini" -d one
	for ext in png json svg; do
		cmp -s "o1/$m.$ext" "one/$m.$ext" || fail "$m.$ext differs between a batch and a single render"
	done
done

# 3. All good: status 0, in one worker too; a map named twice is refused.
run 0 "$POSTURE" render proj/maps/a-central.ini proj/maps/b-tajik.ini -j1 -d out2
expect_err "2 maps drawn"
run 2 "$POSTURE" render proj/maps/a-central.ini proj/maps/a-central.ini
expect_err "would write the same outputs"

# 4. -o names one map's files: refused with several; -j checks its number.
run 2 "$POSTURE" render proj/maps/a-central.ini proj/maps/b-tajik.ini -o x.png
expect_err "-o names the files of one map"
[ -e x.png ] && fail "x.png written though the command was refused"
run 2 "$POSTURE" render proj/maps/a-central.ini -j 0
expect_err "-j wants a number of maps from 1 to 256, not '0'"

# 5. --stats: one JSON object per map, in the order named, failed maps left out.
run 1 "$POSTURE" render proj/maps/b-tajik.ini proj/maps/c-broken.ini proj/maps/a-central.ini \
	-d out3 --stats stats.json
[ "$(wc -l <stats.json)" -eq 2 ] || fail "stats.json should hold two lines: $(cat stats.json)"
head -1 stats.json | grep -q '^{"map": "proj/maps/b-tajik.ini", "labels": [0-9]' ||
	fail "first stats line is not b-tajik's: $(head -1 stats.json)"
tail -1 stats.json | grep -q '^{"map": "proj/maps/a-central.ini"' || fail "second stats line is not a-central's"

# 6. A layer broken for one map: that map fails, the other (own layers) is drawn.
mkdir -p proj2/maps proj2/layers
ln -s "$SRC/shapes" proj2/shapes
cp "$SRC/layers/sources.json" "$SRC/layers/bases.geojson" proj2/layers/
sed 's/"kind": "air-base"/"kind": "air-bse"/' "$SRC/layers/bases.geojson" >proj2/layers/bases-bad.geojson
sed -e 's/^size .*/size = 400x300/' -e 's/^outputs .*/outputs = png/' \
	-e 's|^layers .*|layers = ../layers/bases.geojson|' "$SRC/maps/tajik-afghan-border.ini" >proj2/maps/good.ini
sed -e 's|^layers .*|layers = ../layers/bases-bad.geojson|' proj2/maps/good.ini >proj2/maps/bad.ini
run 1 "$POSTURE" render proj2/maps/bad.ini proj2/maps/good.ini -d out4
[ -s out4/good.png ] || fail "the good map was not drawn beside a map with a broken layer"
[ -e out4/bad.png ] && fail "the map with a broken layer wrote its PNG"
expect_err "bases-bad.geojson:"
expect_err "'air-bse'"

# 7. On a terminal: one progress line per map, then the summary.
script -qec "'$POSTURE' render proj/maps/a-central.ini proj/maps/b-tajik.ini -d out5 -j2" /dev/null \
	>tty.txt 2>&1 || true
grep -q '\[1/2\] proj/maps/.*: done in [0-9.]* s' tty.txt || { cat tty.txt >&2; fail "no progress line on a terminal"; }
grep -q '\[2/2\] proj/maps/.*: done in' tty.txt || fail "no second progress line"
pass
