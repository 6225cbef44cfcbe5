#!/bin/sh
# PostGIS layers at volume: 100,000 synthetic incidents (tests/tools/make-
# incidents.py) beside the shipped ones, loaded with `posture export --to
# pg:` into a server this test starts itself, render the same map data from
# the database as from the GeoJSON file; the extent filter posture sends is
# one the table's GiST index serves.
set -eu
. "$(dirname "$0")/../cli/lib.sh"
. "$SRC/tests/tools/pg-server.sh"
mkdir -p "$TMP/l"
cp "$SRC/layers/"*.geojson "$SRC/layers/sources.json" "$TMP/l/"
# One incidents layer: the shipped incidents and 100,000 synthetic ones,
# written while the server starts.
python3 "$SRC/tests/tools/make-incidents.py" 100000 "$TMP/l/incidents.geojson" --with-shipped &
made=$!
pg_start "$TMP/pg"
wait $made || fail "make-incidents.py failed"
run 0 "$POSTURE" export "$TMP/l" --shapes "$SRC/shapes" --to pg:
run 0 psql -qXAt -c "SELECT count(*) FROM incidents WHERE id LIKE 'synthetic-%'"
[ "$(cat "$TMP/out")" = 100000 ] || fail "incidents holds $(cat "$TMP/out") synthetic rows"
sed -e "s#^shapes .*#shapes = $SRC/shapes#; s#^sources .*#sources = $TMP/l/sources.json#" \
	-e "s#^layers .*#layers = $TMP/l#" "$SRC/maps/central-asia.ini" >"$TMP/files.ini"
sed -e "s#^layers .*#layers = pg:bases, pg:borders, pg:incidents, pg:places#" "$TMP/files.ini" \
	>"$TMP/db.ini"
printf '[postgis]\ndbname = posture\n' >>"$TMP/db.ini"
# Both maps at once (two cores); each must succeed.
"$POSTURE" render "$TMP/files.ini" -o "$TMP/files.json" 2>"$TMP/files.err" &
files=$!
run 0 "$POSTURE" render "$TMP/db.ini" -o "$TMP/db.json"
wait $files || { cat "$TMP/files.err" >&2; fail "rendering from the files failed"; }
cmp "$TMP/files.json" "$TMP/db.json" || fail "map data differs between PostGIS and GeoJSON"
grep -q '"synthetic-99999"' "$TMP/db.json" || fail "the map data lacks the last synthetic incident"

# The SELECT posture sends can use the GiST index on the geometry.
run 0 "$POSTURE" render "$TMP/db.ini" --extent 70,37,71,38 --explain
sel=$(grep -m1 'FROM "incidents"' "$TMP/out" | sed 's/;$//')
run 0 psql -qXAt -c "EXPLAIN $sel"
grep -q "incidents_geom_idx" "$TMP/out" ||
	{ cat "$TMP/out" >&2; fail "the extent filter does not use the GiST index"; }
pass
