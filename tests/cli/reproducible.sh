#!/bin/sh
# Reproducible outputs: the same inputs rendered twice — a second apart, from
# another working directory, one map alone or in a batch — give byte-identical
# PNG, PDF, SVG (posture's and Cairo's), HTML and map data, for both shipped
# maps, and byte-identical exports (GeoJSON, CSV, shapefiles); the PDF's dates are SOURCE_DATE_EPOCH when it is set, else the map's
# "as of" date, never the clock.
set -eu
. "$(dirname "$0")/lib.sh"

cd "$TMP"
mkdir -p proj/maps
ln -s "$SRC/shapes" proj/shapes
ln -s "$SRC/layers" proj/layers
for m in central-asia tajik-afghan-border; do
	sed -e 's/^size .*/size = 700x490/' -e 's/^outputs .*/outputs = png, pdf, svg, html, json/' \
		"$SRC/maps/$m.ini" >"proj/maps/$m.ini"
done
formats="png pdf svg html json"

run 0 "$POSTURE" render proj/maps/central-asia.ini -d a
run 0 "$POSTURE" render proj/maps/tajik-afghan-border.ini -d a
sleep 1.1 # a clock in any output would now differ
run 0 "$POSTURE" render proj/maps/central-asia.ini proj/maps/tajik-afghan-border.ini -d b -j 2
mkdir -p elsewhere
(cd elsewhere && "$POSTURE" render ../proj/maps/central-asia.ini ../proj/maps/tajik-afghan-border.ini \
	-d ../c -j 1 >/dev/null 2>&1) || fail "render from another directory failed"
for m in central-asia tajik-afghan-border; do
	for ext in $formats; do
		[ -s "a/$m.$ext" ] || fail "a/$m.$ext was not written"
		cmp -s "a/$m.$ext" "b/$m.$ext" || fail "$m.$ext: two renders of the same input differ"
		cmp -s "a/$m.$ext" "c/$m.$ext" || fail "$m.$ext differs when rendered from another directory"
	done
done

# Scale 2, the print theme and the handout layout, and Cairo's SVG: twice each.
for k in 1 2; do
	run 0 "$POSTURE" render proj/maps/tajik-afghan-border.ini --scale 2 --theme print \
		--layout handout -o "v$k/hi.png" -o "v$k/hi.pdf" -o "v$k/hi.html"
	run 0 "$POSTURE" render proj/maps/tajik-afghan-border.ini --svg-engine cairo -o "v$k/cairo.svg"
done
for f in hi.png hi.pdf hi.html cairo.svg; do
	cmp -s "v1/$f" "v2/$f" || fail "$f: two renders of the same input differ"
done

# Exports: GeoJSON, CSV and every file of the shapefile set (the DBF's date is shapelib's fixed one).
for k in 1 2; do
	run 0 "$POSTURE" export "$SRC/layers" -o "x$k/all.geojson" -o "x$k/all.csv" -o "x$k/all.shp"
	[ "$k" = 1 ] && sleep 1.1
done
for f in all.geojson all.csv all-points.shp all-points.shx all-points.dbf all-points.prj all-points.cpg; do
	cmp -s "x1/$f" "x2/$f" || fail "export $f: two exports of the same input differ"
done

# The PDF's dates: the map's "as of" date by default, SOURCE_DATE_EPOCH when set.
pdfinfo -isodates a/central-asia.pdf | grep -q '^CreationDate: *2019-11-07T00:00:00' ||
	fail "PDF creation date is not the map's as-of date: $(pdfinfo -isodates a/central-asia.pdf | grep Creation)"
SOURCE_DATE_EPOCH=1700000000 "$POSTURE" render proj/maps/central-asia.ini -o e1.pdf >/dev/null
sleep 1.1
SOURCE_DATE_EPOCH=1700000000 "$POSTURE" render proj/maps/central-asia.ini -o e2.pdf >/dev/null
cmp -s e1.pdf e2.pdf || fail "two PDFs with the same SOURCE_DATE_EPOCH differ"
pdfinfo -isodates e1.pdf | grep -q '^CreationDate: *2023-11-14T22:13:20' ||
	fail "PDF creation date is not SOURCE_DATE_EPOCH: $(pdfinfo -isodates e1.pdf | grep Creation)"
cmp -s e1.pdf a/central-asia.pdf && fail "SOURCE_DATE_EPOCH changed nothing in the PDF"
pass
