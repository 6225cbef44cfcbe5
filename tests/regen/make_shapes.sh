#!/bin/sh
# make_shapes.sh — regenerate shapes/ with tools/make-shapes into a temporary
# directory and require every generated file to equal the committed one byte
# for byte (and nothing generated to be missing from shapes/).  Needs GMT with
# gmt-gshhg-high and the npm registry (or POSTURE_WORLD_ATLAS_TGZ), so it is
# labelled `regen` and not part of the default test run.
set -eu
src=${POSTURE_SOURCE_DIR:?POSTURE_SOURCE_DIR is not set}
bin=${POSTURE_BINARY_DIR:?POSTURE_BINARY_DIR is not set}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/posture-regen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

POSTURE_BUILD_DIR=$bin "$src/tools/make-shapes" "$tmp/shapes"

status=0
for f in "$tmp"/shapes/*; do
	name=$(basename "$f")
	if [ ! -e "$src/shapes/$name" ]; then
		echo "FAIL: shapes/$name is generated but not committed"
		status=1
	elif ! cmp "$src/shapes/$name" "$f"; then
		echo "FAIL: shapes/$name differs from a fresh make-shapes run"
		status=1
	fi
done
for f in "$src"/shapes/*; do
	name=$(basename "$f")
	case $name in
	*.md) ;;
	*) [ -e "$tmp/shapes/$name" ] || { echo "FAIL: shapes/$name is not generated"; status=1; } ;;
	esac
done
[ $status -eq 0 ] && echo "shapes/ is reproducible: $(ls "$tmp/shapes" | wc -l) files identical"
exit $status
