#!/bin/sh
# PostGIS layers, the shipped data: `posture export --to pg:` loads the
# repository's layers into a PostgreSQL + PostGIS server this test starts
# itself (127.0.0.1, a temporary data folder); the shipped example
# maps/examples/central-asia-pg.ini then gives the same map data and the same
# PNG as maps/central-asia.ini; every layer from the database gives the same
# map as the files, also with a [filter] date range and a smaller extent,
# which `render --explain` shows in the SQL that runs.
set -eu
. "$(dirname "$0")/../cli/lib.sh"
. "$SRC/tests/tools/pg-server.sh"
pg_start "$TMP/pg"

# Acceptance 1: the shipped example map, its incidents from PostGIS.
run 0 "$POSTURE" export "$SRC/layers" --only incidents --to pg:incidents
expect_err "loaded pg:incidents"
[ "$(wc -l <"$TMP/err")" -eq 1 ] || { cat "$TMP/err" >&2; fail "export said more than it did"; }
run 0 "$POSTURE" render "$SRC/maps/examples/central-asia-pg.ini" -o "$TMP/example-pg.json" \
	-o "$TMP/example-pg.png"
run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" -o "$TMP/example-geojson.json" \
	-o "$TMP/example-geojson.png"
cmp "$TMP/example-pg.json" "$TMP/example-geojson.json" ||
	fail "central-asia-pg.ini gives other map data than central-asia.ini"
cmp "$TMP/example-pg.png" "$TMP/example-geojson.png" || fail "the PNGs differ"

# Every layer from the database (a table per layer).
run 0 "$POSTURE" export "$SRC/layers" --to pg: --replace
run 0 psql -qXAt -c "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'"
[ "$(cat "$TMP/out")" = "bases borders incidents places posture_citations spatial_ref_sys" ] ||
	fail "tables after export: $(cat "$TMP/out")"
map() { # map NAME LAYERS [EXTRA-LINES]: a copy of the shipped map reading LAYERS
	sed -e "s#^shapes .*#shapes = $SRC/shapes#; s#^sources .*#sources = $SRC/layers/sources.json#" \
		-e "s#^layers .*#layers = $2#" "$SRC/maps/central-asia.ini" >"$TMP/$1.ini"
	[ -z "${3:-}" ] || printf '%s\n' "$3" >>"$TMP/$1.ini"
}
all="pg:bases, pg:borders, pg:incidents, pg:places"
map files "$SRC/layers"
map db "$all" "$(printf '[postgis]\ndbname = posture')"
run 0 "$POSTURE" render "$TMP/db.ini" -o "$TMP/db.json"
cmp "$TMP/db.json" "$TMP/example-geojson.json" || fail "every layer from PostGIS: other map data"

# A date range and a smaller extent cut what is read; the map is still the same.
filter='[filter]
from = 2014
to = 2016-06'
map files-cut "$SRC/layers" "$filter"
map db-cut "$all" "$(printf '%s\n[postgis]\ndbname = posture' "$filter")"
for m in files-cut db-cut; do
	run 0 "$POSTURE" render "$TMP/$m.ini" --extent 66,35,76,41 -o "$TMP/$m.json"
done
cmp "$TMP/files-cut.json" "$TMP/db-cut.json" || fail "filtered map data differs"
cmp -s "$TMP/files-cut.json" "$TMP/example-geojson.json" && fail "the filter changed nothing"
run 0 "$POSTURE" render "$TMP/db-cut.ini" --extent 66,35,76,41 --explain
# The envelope holds the extent and the frame around it (a few degrees more, not the world).
env=$(sed -n 's/.*"geom" && ST_MakeEnvelope(\([^)]*\), 4326).*/\1/p' "$TMP/out" | head -n 1)
echo "$env" | awk -F', ' '{ exit !($1 <= 66 && $1 > 56 && $2 <= 35 && $2 > 25 && $3 >= 76 && $3 < 86 && $4 >= 41 && $4 < 51) }' ||
	{ cat "$TMP/out" >&2; fail "--explain shows no extent filter around 66,35,76,41 (envelope: $env)"; }
grep -qF "split_part(\"date\", '/', 1) <= '2016-06-30'" "$TMP/out" ||
	{ cat "$TMP/out" >&2; fail "--explain shows no date filter"; }
# The SQL it shows is what keeps the rows: fewer incidents than the table holds.
sel=$(grep -m1 'FROM "incidents"' "$TMP/out" | sed 's/;$//')
run 0 psql -qXAt -c "SELECT (SELECT count(*) FROM ($sel) q) || ' of ' || count(*) FROM incidents"
kept=$(cut -d' ' -f1 "$TMP/out") total=$(cut -d' ' -f3 "$TMP/out")
[ "$kept" -gt 0 ] && [ "$kept" -lt "$total" ] || fail "the filtered query keeps $kept of $total rows"
# A map without PostGIS layers says so.
run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" --explain
grep -qF -- "-- the map reads no PostGIS layer" "$TMP/out" || fail "--explain of a file-only map"
pass
