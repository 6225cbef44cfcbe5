#!/bin/sh
# Big layers (not timed: speed is measured in bench/).  A 100,000-feature
# incidents layer written on one line passes `posture check`; a repeated id
# in it is reported at its exact line:column, counted in characters along
# that one 50 MB line, with the position of its first use.
set -eu
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/layers"
ln -s "$SRC/shapes" "$TMP/shapes"
cp "$SRC/layers/sources.json" "$TMP/layers/"
python3 "$SRC/tests/tools/make-incidents.py" 100000 "$TMP/layers/incidents.geojson" --one-line
[ "$(wc -l <"$TMP/layers/incidents.geojson")" -eq 1 ] || fail "the layer is not on one line"

run 0 "$POSTURE" check "$TMP/layers"
grep -qF "$TMP/layers: no errors" "$TMP/out" "$TMP/err" || fail "check did not say 'no errors'"

# The last incident takes the id of incident 5.
python3 - "$TMP/layers/incidents.geojson" >"$TMP/expected" <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
last = text.rindex('"id":"synthetic-99999"')
text = text[:last] + '"id":"synthetic-5"' + text[last + len('"id":"synthetic-99999"'):]
open(path, "w", encoding="utf-8").write(text)
first = text.index('"id":"synthetic-5"') + len('"id":') + 1
again = last + len('"id":') + 1
print("%s:1:%d: error: id 'synthetic-5' is already used at %s:1:%d" % (path, again, path, first))
PY
run 1 "$POSTURE" check "$TMP/layers"
expect_err "$(cat "$TMP/expected")"
[ "$(grep -c ': error: ' "$TMP/err")" -eq 1 ] || { cat "$TMP/err" >&2; fail "want exactly one error"; }
pass
