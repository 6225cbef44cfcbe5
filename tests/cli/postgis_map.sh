#!/bin/sh
# The [postgis] section and pg:NAME layers of a map file are checked when the
# map is read, each mistake at its line and column, before any server is
# reached: a password (never in a map file), an unknown key (with the nearest
# one), a query that is not one SELECT, a table.NAME for a layer the map does
# not read, a bad pg: name.  `render --explain` prints the SQL without a server.
set -eu
. "$(dirname "$0")/lib.sh"

# mapfile LAYERS POSTGIS-LINES: the shipped map reading LAYERS, with a [postgis] section.
mapfile() {
	sed -e "s#^shapes .*#shapes = $SRC/shapes#; s#^sources .*#sources = $SRC/layers/sources.json#" \
		-e "s#^layers .*#layers = $1#" "$SRC/maps/central-asia.ini" >"$TMP/map.ini"
	printf '[postgis]\n%s\n' "$2" >>"$TMP/map.ini"
}
line=$(($(wc -l <"$SRC/maps/central-asia.ini") + 2)) # the first line of [postgis]

mapfile "pg:incidents" "password = hunter2"
run 1 "$POSTURE" render "$TMP/map.ini" --explain
expect_err "$TMP/map.ini:$line:1: error: a password does not belong in a map file"
grep -q hunter2 "$TMP/err" && fail "the password was echoed"

mapfile "pg:incidents" "dbnme = posture"
run 1 "$POSTURE" render "$TMP/map.ini" --explain
expect_err "$TMP/map.ini:$line:1: error: unknown key 'dbnme' in [postgis]; did you mean 'dbname'?"

mapfile "pg:incidents" "query.incidents = DELETE FROM incidents"
run 1 "$POSTURE" render "$TMP/map.ini" --explain
expect_err "$TMP/map.ini:$line:19: error: a query must be one SELECT (or WITH … SELECT); posture runs it read-only"

mapfile "pg:incidents" "query.incidents = SELECT * FROM incidents; DROP TABLE incidents"
run 1 "$POSTURE" render "$TMP/map.ini" --explain
expect_err "error: a query is one statement, without ';'"

mapfile "pg:incidents" "table.bases = bases_2024"
run 1 "$POSTURE" render "$TMP/map.ini" --explain
expect_err "$TMP/map.ini:$line:15: error: [postgis] table.bases names a layer the map does not read (add pg:bases to [data] layers)"

mapfile "pg:incidents" "$(printf 'table.incidents = a\nquery.incidents = SELECT * FROM b')"
run 1 "$POSTURE" render "$TMP/map.ini" --explain
expect_err "error: layer 'incidents' already has a table (line $line); give a table or a query, not both"

mapfile "pg:Incidents" "timeout = 5"
run 1 "$POSTURE" render "$TMP/map.ini" --explain
expect_err "error: 'pg:Incidents' must be pg:NAME, NAME of lower-case letters, digits and '_' (pg:incidents)"

mapfile "pg:incidents" "timeout = soon"
run 1 "$POSTURE" render "$TMP/map.ini" --explain
expect_err "$TMP/map.ini:$line:11: error: timeout wants whole seconds from 1 to 86400, not 'soon'"

# A layer name that is no layer's is refused before any connection.
mapfile "pg:events" "dbname = posture"
run 1 "$POSTURE" render "$TMP/map.ini" --explain
expect_err "cannot tell which layer 'pg:events' is"

# --explain needs no server: the SQL, the table named by table.NAME, quoted.
mapfile "$SRC/layers/bases.geojson, pg:incidents" "$(printf 'host = 127.0.0.1\nport = 1\ntable.incidents = field.incident_log\ngeometry = location')"
run 0 "$POSTURE" render "$TMP/map.ini" --explain --from 2015-03
grep -qF 'FROM "field"."incident_log" WHERE ("location" IS NULL OR "location" && ST_MakeEnvelope(' "$TMP/out" ||
	{ cat "$TMP/out" >&2; fail "--explain: no SELECT from field.incident_log"; }
grep -qF "left('2015-03-01'," "$TMP/out" || { cat "$TMP/out" >&2; fail "--explain: no date filter"; }
grep -qF -- "-- pg:incidents: their citations (\$1 = 'field.incident_log')" "$TMP/out" ||
	{ cat "$TMP/out" >&2; fail "--explain: no citations query"; }
[ ! -s "$TMP/err" ] || { cat "$TMP/err" >&2; fail "--explain wrote to stderr"; }
# The same map, drawn, cannot reach port 1: one error, status 3, nothing written.
run 3 "$POSTURE" render "$TMP/map.ini" -o "$TMP/map.png"
expect_err "pg:incidents: error: cannot connect to PostgreSQL: connection to server at \"127.0.0.1\", port 1 failed"
[ ! -e "$TMP/map.png" ] || fail "a map was written"
pass
