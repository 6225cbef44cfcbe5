#!/bin/sh
# `posture check` on the fixtures of tests/check/: every diagnostic, its
# position and the exit status are exactly as recorded.
#
# A fixture is either a layer file tests/check/NAME.geojson (checked beside
# the shared tests/check/sources.json) or a directory tests/check/NAME/ (its
# files are copied over the shared sources.json, so it may bring its own).
# Beside it:
#   NAME.expected  the diagnostic lines posture check prints, with paths
#                  relative to the checked directory; the final summary line
#                  ("DIR: no errors...") is not part of it.  Required.
#   NAME.status    the exit status (default 1).
#   NAME.args      extra arguments for posture check (like --werror).
# A directory fixture with a documents/ folder is checked with
# --documents DIR/documents: its source documents, DIR/documents/<id>.txt.
# tests/check/valid/ is the complete valid dataset: exit 0, no diagnostics.
#
# After changing a message on purpose, rewrite every .expected from the
# current output with POSTURE_UPDATE_EXPECTED=1 (then review the git diff).
set -eu
. "$(dirname "$0")/lib.sh"

FIX=$SRC/tests/check
# "Today", for dates later than today: fixed, so that the messages are too.
SOURCE_DATE_EPOCH=1764547200 # 2025-12-01
export SOURCE_DATE_EPOCH
SHAPES=$SRC/shapes
update=${POSTURE_UPDATE_EXPECTED:-0}
n=0
n_invalid=0
failed=""

# strip_diags DIR: stderr on stdin, paths under DIR made relative to it, the
# summary line dropped.
strip_diags() {
	awk -v d="$1" '
		index($0, d ": no errors") == 1 { next }
		{
			while ((i = index($0, d "/")) > 0)
				$0 = substr($0, 1, i - 1) substr($0, i + length(d) + 1)
			print
		}'
}

mismatch() {
	echo "FAIL: $name: $*" >&2
	failed="$failed $name"
}

for fixture in "$FIX"/*.geojson "$FIX"/*/; do
	[ -e "$fixture" ] || continue
	fixture=${fixture%/}
	name=$(basename "$fixture" .geojson)
	dir=$TMP/run/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$FIX/sources.json" "$dir/"
	if [ -d "$fixture" ]; then
		cp -R "$fixture"/. "$dir/"
	else
		cp "$fixture" "$dir/"
	fi
	want=1
	[ -f "$FIX/$name.status" ] && want=$(cat "$FIX/$name.status")
	args=""
	[ -f "$FIX/$name.args" ] && args=$(cat "$FIX/$name.args")
	[ -d "$dir/documents" ] && args="$args --documents $dir/documents"
	n=$((n + 1))
	[ "$want" -ne 0 ] && n_invalid=$((n_invalid + 1))

	set +e
	# shellcheck disable=SC2086 # .args holds words to split
	"$POSTURE" check --shapes "$SHAPES" $args "$dir" >"$dir.out" 2>"$dir.err"
	got=$?
	set -e
	strip_diags "$dir" <"$dir.err" >"$dir.diags"

	if [ "$update" = 1 ]; then
		cp "$dir.diags" "$FIX/$name.expected"
		continue
	fi
	if [ ! -f "$FIX/$name.expected" ]; then
		mismatch "no $name.expected; posture check printed:"
		cat "$dir.diags" >&2
		continue
	fi
	if [ "$got" -ne "$want" ]; then
		mismatch "exit status $got, want $want (posture check${args:+ $args} $name)"
		cat "$dir.err" >&2
	fi
	if ! diff -u "$FIX/$name.expected" "$dir.diags" >"$dir.diff"; then
		mismatch "diagnostics differ from $name.expected (- expected, + printed):"
		sed '1,2d' "$dir.diff" >&2
	fi
	if [ "$got" -eq 0 ] && ! tail -n 1 "$dir.err" | grep -q ': no errors'; then
		mismatch "exit 0 without the 'DIR: no errors' summary line"
		cat "$dir.err" >&2
	fi
	if [ -s "$dir.out" ]; then
		mismatch "posture check wrote to stdout:"
		cat "$dir.out" >&2
	fi
done

# Every .expected, .status and .args belongs to a fixture.
for extra in "$FIX"/*.expected "$FIX"/*.status "$FIX"/*.args; do
	[ -e "$extra" ] || continue
	base=${extra%.*}
	[ -e "$base.geojson" ] || [ -d "$base" ] || {
		name=$(basename "$extra")
		mismatch "belongs to no fixture (no $(basename "$base").geojson or directory)"
	}
done

[ "$update" = 1 ] && { echo "rewrote $n .expected files in $FIX"; exit 0; }
[ "$n_invalid" -ge 35 ] || fail "only $n_invalid invalid fixtures found in $FIX"
[ -z "$failed" ] || fail "$(echo "$failed" | wc -w) of $n fixtures:$failed"

# The shipped data passes, with its own shapes (layers/../shapes).
run 0 "$POSTURE" check "$SRC/layers"
expect_err "layers: no errors"
pass
