#!/bin/sh
# Render both shipped maps through the CLI and check what a user receives:
# PNG pixel size (1x and 2x), PDF page size, well-formed SVG, map data, and
# byte-identical vector output for identical input.
set -eu
. "$(dirname "$0")/lib.sh"

png_size() { # width x height from the IHDR chunk
	w=$(od -An -tu1 -j16 -N4 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
	h=$(od -An -tu1 -j20 -N4 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
	echo "${w}x${h}"
}

cd "$TMP"
for map in central-asia:2000x1400 tajik-afghan-border:1600x1100; do
	name=${map%%:*}
	size=${map#*:}
	run 0 "$POSTURE" render "$SRC/maps/$name.ini"
	for ext in png pdf svg; do
		[ -s "output/$name.$ext" ] || fail "output/$name.$ext was not written"
	done
	[ "$(png_size "output/$name.png")" = "$size" ] || fail "$name.png is $(png_size "output/$name.png"), want $size"

	pts=$(pdfinfo "output/$name.pdf" | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1x\2/p')
	[ "$pts" = "$size" ] || fail "$name.pdf page is '$pts' pt, want $size"
	xmllint --noout "output/$name.svg" || fail "$name.svg is not well-formed XML"

	run 0 "$POSTURE" render "$SRC/maps/$name.ini" -o "hi/$name@2x.png" --scale 2
	w=${size%x*}
	h=${size#*x}
	[ "$(png_size "hi/$name@2x.png")" = "$((w * 2))x$((h * 2))" ] || fail "$name@2x.png has the wrong size"

	run 0 "$POSTURE" render "$SRC/maps/$name.ini" -o a.json -o a.pdf -o a.svg
	run 0 "$POSTURE" render "$SRC/maps/$name.ini" -o b.json -o b.pdf -o b.svg
	for ext in json pdf svg; do
		cmp -s "a.$ext" "b.$ext" || fail "$name: two renders of the same input differ ($ext)"
	done
	grep -q '"id": "russia-201st-dushanbe"' a.json || fail "$name: map data lacks the Dushanbe base"
done
pass
