#!/bin/sh
# PostGIS layers at volume: 100,000 synthetic incidents (tests/tools/make-
# incidents.py) beside the shipped ones, loaded with `posture export --to
# pg:` into a server this test starts itself, render the same map data from
# the database as from the GeoJSON file; the extent filter posture sends is
# one the table's GiST index serves.
set -eu
. "$(dirname "$0")/../cli/lib.sh"
. "$SRC/tests/tools/pg-server.sh"
pg_start "$TMP/pg"

mkdir -p "$TMP/l"
cp "$SRC/layers/"*.geojson "$SRC/layers/sources.json" "$TMP/l/"
# One incidents layer: the shipped incidents and 100,000 synthetic ones.
python3 "$SRC/tests/tools/make-incidents.py" 100000 "$TMP/synthetic.geojson"
python3 - "$TMP/l/incidents.geojson" "$TMP/synthetic.geojson" <<'PY'
import json, sys
a = json.load(open(sys.argv[1], encoding="utf-8"))
a["features"] += json.load(open(sys.argv[2], encoding="utf-8"))["features"]
json.dump(a, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
run 0 "$POSTURE" export "$TMP/l" --shapes "$SRC/shapes" --to pg:
run 0 psql -qXAt -c "SELECT count(*) FROM incidents WHERE id LIKE 'synthetic-%'"
[ "$(cat "$TMP/out")" = 100000 ] || fail "incidents holds $(cat "$TMP/out") synthetic rows"
sed -e "s#^shapes .*#shapes = $SRC/shapes#; s#^sources .*#sources = $TMP/l/sources.json#" \
	-e "s#^layers .*#layers = $TMP/l#" "$SRC/maps/central-asia.ini" >"$TMP/files.ini"
sed -e "s#^layers .*#layers = pg:bases, pg:borders, pg:incidents, pg:places#" "$TMP/files.ini" \
	>"$TMP/db.ini"
printf '[postgis]\ndbname = posture\n' >>"$TMP/db.ini"
run 0 "$POSTURE" render "$TMP/files.ini" -o "$TMP/files.json"
run 0 "$POSTURE" render "$TMP/db.ini" -o "$TMP/db.json"
cmp "$TMP/files.json" "$TMP/db.json" || fail "map data differs between PostGIS and GeoJSON"
grep -q '"synthetic-99999"' "$TMP/db.json" || fail "the map data lacks the last synthetic incident"

# The SELECT posture sends can use the GiST index on the geometry.
run 0 "$POSTURE" render "$TMP/db.ini" --extent 70,37,71,38 --explain
sel=$(grep -m1 'FROM "incidents"' "$TMP/out" | sed 's/;$//')
run 0 psql -qXAt -c "EXPLAIN $sel"
grep -q "incidents_geom_idx" "$TMP/out" ||
	{ cat "$TMP/out" >&2; fail "the extent filter does not use the GiST index"; }
pass
