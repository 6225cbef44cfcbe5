#!/bin/sh
# release/build: configure and build the library and the CLI in Release
# (-O3 -DNDEBUG) with -Werror in DIR, and fail on any compiler warning.
#   sh tests/release/build.sh SOURCE_DIR BUILD_DIR
set -u
src=$1 dir=$2
cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DPOSTURE_WERROR=ON >/dev/null || exit 1
cmake --build "$dir" --target posture_objs posture_cli -j2 >"$dir/build.log" 2>&1
status=$?
if grep -n 'warning:' "$dir/build.log" || [ "$status" -ne 0 ]; then
	cat "$dir/build.log"
	echo "FAIL: the Release build warns or fails (status $status)" >&2
	exit 1
fi
echo ok
