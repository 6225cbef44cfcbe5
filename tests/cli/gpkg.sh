#!/bin/sh
# GeoPackage layers: `posture export` writes one that GDAL's ogrinfo reads
# without a warning; read back, it passes check, lists and renders exactly the
# map data of the GeoJSON layers it came from (whole file or FILE.gpkg:TABLE);
# damaged ones are refused naming the file, the table and the row.
set -eu
. "$(dirname "$0")/lib.sh"

command -v ogrinfo >/dev/null || fail "ogrinfo (Debian gdal-bin) is needed by this test"
sql() { python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()' "$@"; }

mkdir -p "$TMP/g/layers" "$TMP/bad"
ln -s "$SRC/shapes" "$TMP/g/shapes"
ln -s "$SRC/shapes" "$TMP/shapes"
cp "$SRC/layers/sources.json" "$TMP/g/layers/"
cp "$SRC/layers/sources.json" "$TMP/bad/"
G=$TMP/g/layers/all.gpkg

run 0 "$POSTURE" export "$SRC/layers" -o "$G"
expect_err "wrote $G"
run 0 ogrinfo -al -q "$G"
[ ! -s "$TMP/err" ] || { cat "$TMP/err" >&2; fail "ogrinfo warned"; }
run 0 ogrinfo "$G"
for t in "bases (Point)" "borders (Multi Line String)" "incidents (Point)" "places (Point)" \
	"posture_citations (None)"; do
	grep -qF "$t" "$TMP/out" || { cat "$TMP/out" >&2; fail "ogrinfo lists no $t"; }
done

# The same data: check, list and the rendered map data.
run 0 "$POSTURE" check "$TMP/g/layers"
run 0 "$POSTURE" list "$TMP/g/layers" --format json
mv "$TMP/out" "$TMP/gpkg-list.json"
run 0 "$POSTURE" list "$SRC/layers" --format json
cmp "$TMP/out" "$TMP/gpkg-list.json" || fail "list differs between GeoPackage and GeoJSON"
sed -e "s#^shapes .*#shapes = $SRC/shapes#; s#^sources .*#sources = layers/sources.json#" \
	-e "s#^layers .*#layers = layers/all.gpkg#" "$SRC/maps/central-asia.ini" >"$TMP/g/map.ini"
run 0 "$POSTURE" render "$TMP/g/map.ini" -o "$TMP/gpkg.json"
run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" -o "$TMP/geojson.json"
cmp "$TMP/gpkg.json" "$TMP/geojson.json" || fail "map data differs between GeoPackage and GeoJSON"
# One table of it, beside the GeoJSON of the others.
mkdir -p "$TMP/g/mixed"
cp "$SRC/layers/bases.geojson" "$SRC/layers/borders.geojson" "$SRC/layers/places.geojson" \
	"$TMP/g/mixed/"
sed -e "s#^layers .*#layers = mixed, layers/all.gpkg:incidents#" "$TMP/g/map.ini" >"$TMP/g/mixed.ini"
run 0 "$POSTURE" render "$TMP/g/mixed.ini" -o "$TMP/mixed.json"
cmp "$TMP/mixed.json" "$TMP/geojson.json" || fail "map data differs with FILE.gpkg:TABLE"

# bad CASE STATUS MESSAGE SQL: a copy changed by SQL is refused with MESSAGE.
bad() {
	rm -f "$TMP/bad/x.gpkg"
	cp "$G" "$TMP/bad/x.gpkg"
	[ -z "$4" ] || sql "$TMP/bad/x.gpkg" "$4"
	run "$2" "$POSTURE" check "$TMP/bad"
	expect_err "$TMP/bad/x.gpkg$3"
}
bad geometry-type 1 ":incidents: error: geometry type is LINESTRING; the table of an incidents layer holds POINT" \
	"UPDATE gpkg_geometry_columns SET geometry_type_name = 'LINESTRING' WHERE table_name = 'incidents'"
# A LineString blob in a row of a Point table.
bad row-geometry 1 ":incidents:fid 3: error: geometry must be a Point in the incidents layer" \
	"UPDATE incidents SET geom = X'47500001E61000000102000000020000000000000000005040000000000000424000000000008050400000000000004240' WHERE fid = 3"
bad cut-blob 1 ":incidents:fid 5: error: the geometry is not GeoPackage binary (or is cut short)" \
	"UPDATE incidents SET geom = X'47500001' WHERE fid = 5"
bad missing-column 1 ":incidents: error: the table has no column 'date'" \
	"ALTER TABLE incidents DROP COLUMN date"
bad unknown-column 1 ":bases: error: unknown column 'colour'" \
	"ALTER TABLE bases ADD COLUMN colour TEXT"
bad empty-quote 1 ":incidents:fid 4: error: 'quote' is empty" \
	"UPDATE posture_citations SET quote = '' WHERE table_name = 'incidents' AND feature_fid = 4"
bad unknown-source 1 ":bases:fid 2: error: source 'nope' is not in $TMP/bad/sources.json" \
	"UPDATE posture_citations SET source = 'nope' WHERE table_name = 'bases' AND feature_fid = 2"
bad no-citation 1 ":incidents:fid 7: error: the feature has no 'sources': every item must cite a source" \
	"DELETE FROM posture_citations WHERE table_name = 'incidents' AND feature_fid = 7"
bad countries-json 1 ":borders:fid 1: error: 'countries' must be two different ISO 3166-1 alpha-3 codes" \
	"UPDATE borders SET countries = '[\"AFG\", ' WHERE fid = 1"
bad kind 1 ":incidents:fid 2: error: kind 'skirmish' is not known" \
	"UPDATE incidents SET kind = 'skirmish' WHERE fid = 2"
bad duplicate-id 1 ":incidents:fid 2: error: id 'russia-201st-dushanbe' is already used at $TMP/bad/x.gpkg:bases:fid" \
	"UPDATE incidents SET id = 'russia-201st-dushanbe' WHERE fid = 2"

# Rows whose every value is plain text are checked without JSON (gpkg.c, the fast way);
# each check it makes still reports through the one the GeoJSON reader uses.
bad blank-name 1 ":incidents:fid 3: error: 'name' is empty" \
	"UPDATE incidents SET name = '  ' WHERE fid = 3"
bad bad-utf8 1 ":incidents:fid 3: error: 'note' must be a string" \
	"UPDATE incidents SET note = CAST(X'4142FF' AS TEXT) WHERE fid = 3"
bad future-date 1 ":incidents:fid 3: error: date '2999-01-01' is later than today" \
	"UPDATE incidents SET date = '2999-01-01' WHERE fid = 3"
bad after-source 1 ":incidents:fid 3: error: date '2016-03' is later than 2015, the issued date of source 'comillas-2015'" \
	"UPDATE incidents SET date = '2016-03' WHERE fid = 3"
bad page-range 1 ":incidents:fid 3: error: locator 'p. 43' is outside the pages of source 'comillas-2015' (44-57)" \
	"UPDATE posture_citations SET locator = 'p. 43' WHERE table_name = 'incidents' AND feature_fid = 3"
bad locator 1 ":incidents:fid 3: error: locator 'page 3' is not 'p. N', 'pp. N-M' or 'para. N'" \
	"UPDATE posture_citations SET locator = 'page 3' WHERE table_name = 'incidents' AND feature_fid = 3"
bad inferred 1 ":incidents:fid 3: error: an inferred date needs a 'note'" \
	"UPDATE incidents SET date_basis = 'inferred', note = NULL WHERE fid = 3"
bad no-basis 1 ":incidents:fid 3: error: date '2013-09' needs a 'date_basis'" \
	"UPDATE incidents SET date_basis = NULL WHERE fid = 3"
bad unplaced 1 ":incidents:fid 3: error: an 'unplaced' item must have geometry null" \
	"UPDATE incidents SET precision = 'unplaced' WHERE fid = 3"
bad placed-null 1 ":incidents:fid 3: error: geometry is null but precision is 'city'" \
	"UPDATE incidents SET geom = NULL WHERE fid = 3"
bad outside 1 ":incidents:fid 3: error: position [10, 10] lies" \
	"UPDATE incidents SET geom = X'47500001E6100000010100000000000000000024400000000000002440' WHERE fid = 3"
bad country 1 ":incidents:fid 3: error: country 'XYZ' is not an ISO 3166-1 alpha-3 code" \
	"UPDATE incidents SET country = 'XYZ' WHERE fid = 3"
bad status 1 ":bases:fid 2: error: status 'gone' is not known" \
	"UPDATE bases SET status = 'gone' WHERE fid = 2"

# Not a GeoPackage: a text file, then an SQLite database that is no GeoPackage.
rm -f "$TMP/bad/x.gpkg"
printf 'secret words\n' >"$TMP/bad/x.gpkg"
run 1 "$POSTURE" check "$TMP/bad"
expect_err "$TMP/bad/x.gpkg: error: is not a GeoPackage (not an SQLite database file)"
grep -q secret "$TMP/err" && fail "the contents of a non-GeoPackage were echoed"
rm -f "$TMP/bad/x.gpkg"
sql "$TMP/bad/x.gpkg" "CREATE TABLE t (a)"
run 1 "$POSTURE" check "$TMP/bad"
expect_err "$TMP/bad/x.gpkg: error: is not a GeoPackage (an SQLite database whose application_id is not 'GPKG')"
# Truncated, early and late.
for cut in 8192 $(($(wc -c <"$G") - 100)); do
	rm -f "$TMP/bad/x.gpkg"
	head -c "$cut" "$G" >"$TMP/bad/x.gpkg"
	run 1 "$POSTURE" check "$TMP/bad"
	expect_err "$TMP/bad/x.gpkg: error: the file is truncated: $cut bytes"
done
# Damaged inside a table (one page of its rows overwritten): the row before
# the damage named, and check fails (it once printed the error, then "no errors").
rm -f "$TMP/bad/x.gpkg"
python3 "$SRC/tests/tools/make-incidents.py" 5000 "$TMP/big.gpkg"
python3 - "$TMP/big.gpkg" "$TMP/bad/x.gpkg" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
a = len(d) * 3 // 10 // 4096 * 4096
d[a:a + 4096] = b"\xab" * 4096
open(sys.argv[2], "wb").write(d)
PY
run 1 "$POSTURE" check "$TMP/bad"
expect_err "$TMP/bad/x.gpkg:incidents:fid "
expect_err "error: cannot read the row after this one"
# A failed export leaves no file.
run 3 "$POSTURE" export "$SRC/layers" -o "$TMP/no/such/dir/x.gpkg"
[ ! -e "$TMP/no/such/dir/x.gpkg" ] || fail "a failed export left a file"
run 2 "$POSTURE" export "$SRC/layers" -o "$TMP/x.kml"
expect_err "cannot tell the format of"
pass
