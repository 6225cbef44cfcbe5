#!/bin/sh
# The README and the man pages say what posture does (issue 16): every
# command has a page and every option of its --help is on it; the README's
# example map is the shipped one; its package list is tools/setup's; its SVG
# layer list is the order of a real render; and the browser tests fail, as it
# says, when their tools are missing.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$TMP"
README=$SRC/README.md

# Commands: each in the README and with its man page, which lists every option.
"$POSTURE" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' > commands.txt
[ -s commands.txt ] || fail "no commands in posture --help"
while read -r cmd; do
	grep -q "posture $cmd" "$README" || fail "README does not show 'posture $cmd'"
	page=$SRC/doc/posture-$cmd.1.scd
	[ -f "$page" ] || fail "command $cmd has no man page doc/posture-$cmd.1.scd"
	grep -q "\*posture-$cmd\*(1)" "$SRC/doc/posture.1.scd" || fail "posture(1) does not name posture-$cmd(1)"
	"$POSTURE" help "$cmd" | grep -o -- ' --*[a-z][a-z-]*' | sed 's/^ //' | sort -u > options.txt
	while read -r opt; do
		grep -q -- "\*$opt\*" "$page" || fail "doc/posture-$cmd.1.scd does not document $opt"
	done < options.txt
done < commands.txt

# The README's example map file is maps/central-asia.ini, key for key.
keys() { sed -e 's/[[:space:]][;].*//' -e 's/[[:space:]]*$//' -e 's/[[:space:]]*=[[:space:]]*/=/' | grep -E '^\[|='; }
awk '/^## Map files/ { sec = 1 } sec && /^```ini$/ { on = 1; next } on && /^```$/ { exit } on' "$README" |
	keys > readme-map.txt
keys < "$SRC/maps/central-asia.ini" > shipped-map.txt
diff readme-map.txt shipped-map.txt >&2 || fail "README's example map differs from maps/central-asia.ini"

# The packages the README lists are the ones tools/setup installs.
sed -n '/^packages="/,/"$/p' "$SRC/tools/setup" | tr -d '"' | sed 's/^packages=//' |
	tr ' ' '\n' | grep . | sort -u > setup-packages.txt
sed -n '/^## Building by hand/,/^```sh/p' "$README" | grep -o '`[a-z0-9][a-z0-9.+-]*`' | tr -d '`' |
	sort -u > readme-packages.txt
comm -23 setup-packages.txt readme-packages.txt > missing.txt
[ ! -s missing.txt ] || { cat missing.txt >&2; fail "README's dependencies lack these tools/setup packages"; }

# The SVG's layers are in the order the README lists them.
run 0 "$POSTURE" render "$SRC/maps/central-asia.ini" -o map.svg
grep -o '<g id="[a-z-]*" inkscape:groupmode="layer" inkscape:label="[^"]*"' map.svg |
	sed 's/.*inkscape:label="\([^"]*\)"/\1/' | grep -v ' labels$' | tr '\n' ',' | sed 's/,$//' > svg-layers.txt
tr '\n' ' ' < "$README" | sed 's/  */ /g' | grep -o 'in drawing order: [^;]*' |
	sed -e 's/in drawing order: //' -e 's/, /,/g' \
	-e 's/ (one sub-layer per map layer)//' -e 's/ (and Key on a map with numbered keys)//' \
	-e 's/then //g' -e 's/,,/,/g' > readme-layers.txt
[ "$(cat svg-layers.txt)" = "$(cat readme-layers.txt)" ] ||
	fail "SVG layers '$(cat svg-layers.txt)' are not the README's '$(cat readme-layers.txt)'"

# Browser tests fail (exit 77, which ctest counts as a failure) without node_modules.
mkdir empty-tree
set +e
POSTURE_SOURCE_DIR=$TMP/empty-tree sh "$SRC/tests/browser/run.sh" none.test.js > browser.txt 2>&1
status=$?
set -e
[ "$status" -ne 0 ] || fail "a browser test without node_modules passed"
grep -q 'not run' browser.txt || fail "the browser runner does not say why it did not run"
pass
