#!/bin/sh
# posture export: GeoJSON, CSV and shapefile exports with citations resolved;
# GDAL's ogrinfo reads each without a warning; the GeoJSON export of one
# layer passes `posture check` beside sources.json, which verifies the
# resolved members; filters apply; DBF texts over 254 bytes end in "…" at a
# character boundary; errors leave nothing behind.
set -eu
. "$(dirname "$0")/lib.sh"

command -v ogrinfo >/dev/null || fail "ogrinfo (Debian's gdal-bin) is needed for this test"
cd "$TMP"

run 0 "$POSTURE" export "$SRC/layers" -o all.geojson -o all.csv -o all.shp
expect_err "wrote all-points.shp"
for f in all-points.shp all-points.shx all-points.dbf all-points.prj all-points.cpg; do
	[ -s "$f" ] || fail "$f was not written"
done
[ "$(cat all-points.cpg)" = "UTF-8" ] || fail "the .cpg does not say UTF-8"

# 1. ogrinfo reads every export, without a warning.
for f in all.geojson all.csv all-points.shp; do
	ogrinfo -al "$f" >"$f.txt" 2>"$f.err" || { cat "$f.err" >&2; fail "ogrinfo cannot read $f"; }
	[ ! -s "$f.err" ] || { cat "$f.err" >&2; fail "ogrinfo warned reading $f"; }
done
n=$(python3 -c 'import json; print(len(json.load(open("all.geojson"))["features"]))')
grep -q "^Feature Count: $n$" all.geojson.txt || grep -q "OGRFeature(all):$((n - 1))$" all.geojson.txt ||
	fail "ogrinfo does not see the $n GeoJSON features"
grep -q "OGRFeature(all-points):$((n - 1))$" all-points.shp.txt || fail "the shapefile lacks features (want $n)"
grep -q "  source_ids (String) = comillas-2015" all-points.shp.txt || fail "no source_ids field in the DBF"
grep -q "  POINT (74.846 42.853)" all-points.shp.txt || fail "Kant air base is not at its point"
grep -q 'GEOGCS\["GCS_WGS_1984"' all-points.prj || fail "the .prj is not WGS84"

# 2. The GeoJSON resolves every citation; one layer per feature named.
python3 - <<'PY' || fail "the GeoJSON export is wrong"
import json
d = json.load(open("all.geojson"))
assert d["type"] == "FeatureCollection" and "crs" not in d
kant = [f for f in d["features"] if f["properties"]["id"] == "russia-kant-air-base"][0]
assert kant["properties"]["layer"] == "bases"
assert kant["geometry"] == {"type": "Point", "coordinates": [74.846, 42.853]}, kant["geometry"]
c = kant["properties"]["sources"][0]
assert c["id"] == "comillas-2015" and c["locator"] == "p. 53" and c["quote"]
assert c["title"].startswith("[Russian security policy") and c["date"] == "2015", c
assert c["container"] == "Comillas Journal of International Relations", c
cites = [c for f in d["features"] for c in f["properties"].get("sources", [])]
assert any(c.get("author") == "Paraszczuk, Joanna" for c in cites)
PY

# 3. CSV: a header and one row per item, with the readable citations and the source ids.
head -1 all.csv | tr -d '\r' | grep -qx 'id,layer,name,kind,date,precision,country,lon,lat,note,citations,source_ids' ||
	fail "CSV header: $(head -1 all.csv)"
python3 - "$n" <<'PY' || fail "the CSV export is wrong"
import csv, sys
rows = list(csv.DictReader(open("all.csv", encoding="utf-8", newline="")))
assert len(rows) == int(sys.argv[1]), len(rows)
kant = [r for r in rows if r["id"] == "russia-kant-air-base"][0]
assert kant["name"] == "Kant air base" and kant["country"] == "KGZ" and kant["lat"] == "42.853000"
assert "p. 53" in kant["citations"] and kant["source_ids"] == "comillas-2015", kant
border = [r for r in rows if r["id"] == "border-afg-tjk"][0]
assert border["country"] == "AFG-TJK", border
PY

# 4. The export of one layer is a layer file `check` accepts, and verifies.
mkdir -p back/layers
ln -s "$SRC/shapes" back/shapes
cp "$SRC/layers/sources.json" back/layers/
run 0 "$POSTURE" export "$SRC/layers" --only incidents -o back/layers/incidents.geojson
grep -q '"layer"' back/layers/incidents.geojson && fail "a one-layer export names its layer"
run 0 "$POSTURE" check back/layers
ogrinfo -al back/layers/incidents.geojson >/dev/null 2>ogr.err && [ ! -s ogr.err ] || fail "ogrinfo warned on the one-layer export"
sed -i 's/"container": "Comillas Journal of International Relations"/"container": "Comillas Journal"/' back/layers/incidents.geojson
run 1 "$POSTURE" check back/layers
expect_err "error: citation member 'container' is 'Comillas Journal', but source 'comillas-2015' in back/layers/sources.json says 'Comillas Journal of International Relations'"

# 5. Filters apply to exports.
run 0 "$POSTURE" export "$SRC/layers" --only bases --countries KGZ -o kgz.csv
[ "$(tail -n +2 kgz.csv | cut -d, -f1 | tr -d '\r' | tr '\n' ' ')" = "russia-kant-air-base russia-bases-north-kyrgyzstan us-manas-air-base " ] ||
	fail "--only bases --countries KGZ: $(tail -n +2 kgz.csv | cut -d, -f1 | tr '\n' ' ')"
# --to DATE is the date filter; only a value that starts with pg: is a PostGIS target.
run 0 "$POSTURE" export "$SRC/layers" --only incidents --from 2015-03 --to 2015-06 --undated no -o spring.csv
[ "$(tail -n +2 spring.csv | cut -d, -f5 | tr -d '\r' | tr '\n' ' ')" = "2015-03-01/2015-03-15 2015-03 2015-03/2015-04 2015-03-19/2015-03-31 " ] ||
	fail "--from 2015-03 --to 2015-06: $(tail -n +2 spring.csv | cut -d, -f5 | tr '\n' ' ')"
run 2 "$POSTURE" export "$SRC/layers" --to 2015-13 -o x.csv
expect_err "2015-13"
run 2 "$POSTURE" export "$SRC/layers" --to pg:a --to pg:b
expect_err "one PostGIS target at a time"

# 6. Long texts are cut for the DBF at a character boundary, with "…".
mkdir -p long/layers
ln -s "$SRC/shapes" long/shapes
cp "$SRC/layers/sources.json" long/layers/
python3 - "$SRC/layers/incidents.geojson" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["features"][0]["properties"]["note"] = "é" * 400
json.dump(d, open("long/layers/incidents.geojson", "w", encoding="utf-8"), ensure_ascii=False)
PY
run 0 "$POSTURE" export long/layers -o long.shp
python3 - <<'PY' || fail "a long DBF text is not cut at a character boundary with an ellipsis"
import struct
b = open("long-points.dbf", "rb").read()
n_rec, hdr, rec_len = struct.unpack("<IHH", b[4:12])
fields, off = [], 32
while b[off] != 0x0D:
    name = b[off:off + 11].split(b"\0")[0].decode()
    fields.append((name, b[off + 16]))
    off += 32
pos = hdr + 1
for name, width in fields:
    if name == "note":
        break
    pos += width
note = b[pos:pos + 254].rstrip(b" ")
text = note.decode("utf-8")  # raises when a character was cut in half
assert text.endswith("\u2026") and set(text[:-1]) == {"é"}, text[-5:]
assert len(note) <= 254
PY
ogrinfo -al long-points.shp >/dev/null 2>ogr.err && [ ! -s ogr.err ] || fail "ogrinfo warned on the cut texts"

# 7. Errors: unknown extension (usage), invalid data writes nothing.
run 2 "$POSTURE" export "$SRC/layers" -o x.kml
expect_err "cannot tell the format of 'x.kml'"
mkdir -p bad/layers
ln -s "$SRC/shapes" bad/shapes
cp "$SRC/layers/sources.json" bad/layers/
sed 's/"kind": "attack"/"kind": "atack"/' "$SRC/layers/incidents.geojson" >bad/layers/incidents.geojson
run 1 "$POSTURE" export bad/layers -o bad.geojson -o bad.shp
[ -e bad.geojson ] || [ -e bad-points.shp ] && fail "invalid data wrote an export"
ls -a | grep -q '\.tmp-' && fail "a temporary file was left behind"
pass
