#!/bin/sh
# PostGIS layers that cannot be read: each failure gives one clear message
# naming the layer (and the row, pg:incidents:fid N, for bad rows), the exit
# status the README documents (3: the server cannot be reached or a
# statement times out; 1: the data or the map is wrong) and writes nothing.
# The password comes only from libpq's places (PGPASSFILE here), never from
# the map; a load into PostGIS is all or nothing.  The server is this test's
# own, on 127.0.0.1.
set -eu
. "$(dirname "$0")/../cli/lib.sh"
. "$SRC/tests/tools/pg-server.sh"
pg_start "$TMP/pg"
run 0 "$POSTURE" export "$SRC/layers" --only incidents --to pg:incidents

# mapfile NAME [POSTGIS-LINES]: the shipped example, its [postgis] section replaced.
mapfile() {
	sed -e "s#\.\./\.\./#$SRC/#g" -e '/^\[postgis\]/,$d' "$SRC/maps/examples/central-asia-pg.ini" \
		>"$TMP/$1.ini"
	printf '[postgis]\ndbname = posture\n%s\n' "${2:-}" >>"$TMP/$1.ini"
}
# refused NAME STATUS MESSAGE: rendering map NAME fails with STATUS and
# MESSAGE, one error line, and no output file.
refused() {
	rm -f "$TMP/$1.png"
	run "$2" "$POSTURE" render "$TMP/$1.ini" -o "$TMP/$1.png"
	expect_err "$3"
	[ "$(grep -c ': error: ' "$TMP/err")" -eq 1 ] || { cat "$TMP/err" >&2; fail "$1: not one error"; }
	[ ! -e "$TMP/$1.png" ] || fail "$1: an output was written"
}

mapfile good
run 0 "$POSTURE" render "$TMP/good.ini" -o "$TMP/good.png"

# Connection failure: nothing listens on that port.
free_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mapfile no-server "port = $free_port"
refused no-server 3 "pg:incidents: error: cannot connect to PostgreSQL: connection to server at \"127.0.0.1\", port $free_port failed: Connection refused"

# A missing table.
mapfile no-table "table.incidents = incident_log"
refused no-table 1 "pg:incidents: error: table 'incident_log' does not exist in database 'posture'"

# A table with the wrong geometry type, and one in the wrong SRID.
pg_sql "CREATE TABLE incidents_lines AS SELECT * FROM incidents; ALTER TABLE incidents_lines ALTER geom TYPE geometry(LineString, 4326) USING ST_MakeLine(geom, ST_Translate(geom, 0.1, 0))"
mapfile line-table "table.incidents = incidents_lines"
refused line-table 1 "pg:incidents: error: column 'geom': geometry type is LINESTRING; the table of an incidents layer holds POINT"
pg_sql "CREATE TABLE incidents_merc AS SELECT * FROM incidents; ALTER TABLE incidents_merc ALTER geom TYPE geometry(Point, 3857) USING ST_Transform(geom, 3857)"
mapfile merc-table "table.incidents = incidents_merc"
refused merc-table 1 "pg:incidents: error: column 'geom': geometry is in SRID 3857; posture reads WGS 84 longitude/latitude (SRID 4326)"
# ... and in a query, from its rows.
mapfile merc-query "query.incidents = SELECT * FROM incidents_merc"
refused merc-query 1 "pg:incidents: error: the query's geometry is in SRID 3857"

# A statement that runs longer than [postgis] timeout.
mapfile slow "timeout = 1
query.incidents = SELECT * FROM incidents WHERE pg_sleep(2)::text = ''"
refused slow 3 "pg:incidents: error: the query took longer than the 1 s statement timeout ([postgis] timeout)"

# A column the layer does not have.
pg_sql "CREATE TABLE incidents_extra AS SELECT *, 'me' AS analyst FROM incidents"
mapfile extra "table.incidents = incidents_extra"
refused extra 1 "pg:incidents: error: unknown column 'analyst' (the table of an incidents layer has the columns fid, geom, id, name, kind"

# fid is the integer key the citations refer to.
pg_sql "CREATE TABLE incidents_textfid AS SELECT fid::text AS fid, geom, id, name, kind, precision, country, date, date_basis, note FROM incidents"
mapfile textfid "table.incidents = incidents_textfid"
refused textfid 1 "pg:incidents: error: column 'fid' must be an integer (smallint, integer or bigint)"

# A query cannot write: posture's transaction is read-only.
mapfile locking "query.incidents = SELECT * FROM incidents FOR UPDATE"
refused locking 1 "pg:incidents: error: the query failed: cannot execute SELECT FOR UPDATE in a read-only transaction"

# Bad rows are checked as GeoJSON features are, and named by their fid.
pg_sql "CREATE TABLE incidents_bad AS SELECT * FROM incidents; UPDATE incidents_bad SET kind = 'riot' WHERE fid = 3; INSERT INTO posture_citations SELECT 'incidents_bad', feature_fid, seq, source, locator, quote FROM posture_citations WHERE table_name = 'incidents'"
mapfile bad-row "table.incidents = incidents_bad"
refused bad-row 1 "pg:incidents:fid 3: error: kind 'riot' is not known (use 'attack', 'clash',"
pg_sql "UPDATE incidents_bad SET kind = (SELECT kind FROM incidents WHERE fid = 3) WHERE fid = 3; DELETE FROM posture_citations WHERE table_name = 'incidents_bad' AND feature_fid = 5"
refused bad-row 1 "pg:incidents:fid 5: error: the feature has no 'sources': every item must cite a source"

# The map file holds no password; libpq's password file does.
mapfile password "password = secret"
run 1 "$POSTURE" render "$TMP/password.ini" -o "$TMP/password.png"
expect_err "error: a password does not belong in a map file, which is shared with the map: put it in ~/.pgpass (or the file PGPASSFILE names), or set PGPASSWORD"
[ ! -e "$TMP/password.png" ] || fail "an output was written"
pg_sql "CREATE ROLE analyst LOGIN PASSWORD 'field-notes'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO analyst"
{ echo "host all analyst 127.0.0.1/32 scram-sha-256"; cat "$PG_DIR/data/pg_hba.conf"; } >"$TMP/hba"
cat "$TMP/hba" >"$PG_DIR/data/pg_hba.conf"
pg_sql "SELECT pg_reload_conf()"
mapfile analyst "user = analyst"
PGPASSFILE=$TMP/no-such-file
export PGPASSFILE
refused analyst 3 "pg:incidents: error: cannot connect to PostgreSQL: connection to server at \"127.0.0.1\", port $PGPORT failed: fe_sendauth: no password supplied"
echo "127.0.0.1:$PGPORT:posture:analyst:field-notes" >"$TMP/pgpass"
chmod 600 "$TMP/pgpass"
PGPASSFILE=$TMP/pgpass
run 0 "$POSTURE" render "$TMP/analyst.ini" -o "$TMP/analyst.png"
cmp "$TMP/analyst.png" "$TMP/good.png" || fail "the analyst's map differs"
unset PGPASSFILE

# A table that exists is not overwritten unless asked.
run 3 "$POSTURE" export "$SRC/layers" --only incidents --to pg:incidents
expect_err "pg:incidents: error: table 'incidents' already exists in database 'posture' (--replace replaces it)"
# A load is all or nothing: when places cannot be made (a view has its name),
# bases and borders are not left behind and incidents is not replaced.
pg_sql "UPDATE incidents SET note = 'marker' WHERE fid = 1; CREATE VIEW places AS SELECT 1 AS fid"
run 3 "$POSTURE" export "$SRC/layers" --to pg: --replace
expect_err "pg:places: error: creating the table failed: \"places\" is not a table"
run 0 psql -qXAt -c "SELECT count(*) FROM pg_tables WHERE tablename IN ('bases', 'borders')"
[ "$(cat "$TMP/out")" = 0 ] || fail "a failed load left tables behind"
run 0 psql -qXAt -c "SELECT note FROM incidents WHERE fid = 1"
[ "$(cat "$TMP/out")" = marker ] || fail "a failed load replaced the incidents"
pass
