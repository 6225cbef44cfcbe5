#!/bin/sh
# Faults around a render (issue 7): a full disk, a missing proj.db, an output
# folder that cannot be written, an output path under a regular file.  Each
# fails with its message and exit status 3 (I/O) or 1, leaves no temporary
# file, and keeps the earlier output byte for byte.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$TMP"
mkdir -p maps dest
sed -e "s|= \.\./|= $SRC/|" "$SRC/maps/tajik-afghan-border.ini" > maps/ok.ini
run 0 "$POSTURE" render maps/ok.ini --size 400x300 -o dest/map.png
cp dest/map.png earlier.png

unchanged() {
	cmp -s dest/map.png earlier.png || fail "$1: dest/map.png changed"
	[ "$(ls -A dest)" = "map.png" ] || { ls -A dest >&2; fail "$1: files left in dest/"; }
}

# A full disk: the child may write at most 8 KiB (ulimit -f counts 512-byte
# blocks) and ignores SIGXFSZ, so write() fails with EFBIG.
run 3 sh -c "trap '' XFSZ; ulimit -f 16; exec '$POSTURE' render maps/ok.ini --size 400x300 -o dest/map.png"
expect_err "dest/map.png: error: cannot write"
unchanged "full disk"

# No proj.db: a map whose projection is a PROJ string (auto is one) needs
# none and is drawn the same; one in an EPSG code gets one clear error naming
# it, and nothing is written.
mkdir empty nodb
PROJ_DATA="$TMP/nowhere" PROJ_LIB="$TMP/nowhere" run 0 "$POSTURE" render maps/ok.ini \
	--size 400x300 -o nodb/map.png
cmp -s nodb/map.png earlier.png || fail "the auto projection without proj.db drew another map"
printf '{"type": "FeatureCollection", "features": []}\n' > empty/bases.geojson
sed -e "s|^layers .*|layers = $TMP/empty/bases.geojson|" \
	-e "s|^projection .*|projection = EPSG:32642|" maps/ok.ini > maps/empty.ini
set +e
PROJ_DATA="$TMP/nowhere" PROJ_LIB="$TMP/nowhere" "$POSTURE" render maps/empty.ini --size 400x300 \
	-o dest/map.png >out 2>err
status=$?
set -e
[ "$status" -ne 0 ] || fail "a render without proj.db succeeded"
grep -q "proj.db is not found in '$TMP/nowhere'" err || { cat err >&2; fail "no error naming proj.db"; }
unchanged "missing proj.db"

# An output path under a regular file, and an unwritable folder.
run 3 "$POSTURE" render maps/ok.ini --size 400x300 -o dest/map.png/x.png
unchanged "output under a file"
mkdir ro && chmod 555 ro
if [ "$(id -u)" -ne 0 ]; then
	run 3 "$POSTURE" render maps/ok.ini --size 400x300 -o ro/x.png
	expect_err "ro/x.png: error: cannot write file"
	[ -z "$(ls -A ro)" ] || fail "files left in the unwritable folder"
fi
chmod 755 ro
pass
