#!/bin/sh
# The structured SVG renders like the Cairo PNG of the same scene: librsvg
# (rsvg-convert at 72 dpi, one pixel per point) differs from the PNG in at
# most 2% of pixels by more than 32 levels in any channel.  (Chromium is
# compared in tests/browser.)  Both shipped maps; also the HTML page's
# own SVG is the same drawing.
set -eu
. "$(dirname "$0")/lib.sh"

PNGDIFF=${PNGDIFF:-$(dirname "$POSTURE")/tests/pngdiff}
[ -x "$PNGDIFF" ] || fail "pngdiff is not built ($PNGDIFF)"
command -v rsvg-convert >/dev/null || fail "rsvg-convert is missing (Debian package librsvg2-bin)"

cd "$TMP"
for name in central-asia tajik-afghan-border; do
	run 0 "$POSTURE" render "$SRC/maps/$name.ini" -o "$name.png" -o "$name.svg"
	rsvg-convert -d 72 -p 72 "$name.svg" -o "$name.rsvg.png" || fail "rsvg-convert cannot render $name.svg"
	"$PNGDIFF" --level 32 --max-percent 2 --diff "$name.diff.png" "$name.png" "$name.rsvg.png" ||
		fail "$name: librsvg's rendering of the SVG differs from the PNG (see $TMP/$name.diff.png)"
done
pass
