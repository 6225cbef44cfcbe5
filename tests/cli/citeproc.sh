#!/bin/sh
# pandoc's citeproc reads layers/sources.json (and the fixtures' sources)
# without a warning and formats every entry: a document citing every id
# renders with --fail-if-warnings, and each title is in the bibliography.
#
# Needs pandoc (Debian package pandoc, 2.11 or later for --citeproc) and
# /usr/bin/python3 (standard library only) to read the JSON; fails without
# pandoc (tools/setup installs it).
set -eu
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! command -v pandoc >/dev/null 2>&1; then
	fail "no pandoc (apt-get install pandoc)"
fi

check_bibliography() {
	bib=$1
	name=$2
	# A paragraph citing each id, and the titles, one a line.
	"$PY" - "$bib" "$TMP/$name.md" "$TMP/$name.titles" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    entries = json.load(f)
with open(sys.argv[2], "w", encoding="utf-8") as md, open(sys.argv[3], "w", encoding="utf-8") as t:
    md.write("# Sources\n\n")
    for e in entries:
        md.write("Cited: [@%s].\n\n" % e["id"])
        t.write(e["title"] + "\n")
EOF
	[ -s "$TMP/$name.titles" ] || fail "$bib lists no sources"
	run 0 pandoc --citeproc --fail-if-warnings --bibliography "$bib" \
		-f markdown -t plain --wrap=none -o "$TMP/$name.txt" "$TMP/$name.md"
	# CSL styles may change a title's case and quotes: compare folded text.
	"$PY" - "$TMP/$name.txt" "$TMP/$name.titles" "$bib" <<'EOF' || fail "citeproc output of $bib lacks titles"
import sys
def fold(s):
    for a, b in [("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'),
                 ("\u2013", "-"), ("\u2014", "-"), ("\u00a0", " ")]:
        s = s.replace(a, b)
    return " ".join(s.split()).casefold()
with open(sys.argv[1], encoding="utf-8") as f:
    out = fold(f.read())
missing = [t for t in open(sys.argv[2], encoding="utf-8").read().splitlines() if fold(t) not in out]
for t in missing:
    print(f"{sys.argv[3]}: title not in pandoc's output: {t}", file=sys.stderr)
if missing:
    print(open(sys.argv[1], encoding="utf-8").read(), file=sys.stderr)
sys.exit(1 if missing else 0)
EOF
	grep -q 'Cited: (' "$TMP/$name.txt" || fail "$bib: citations were not formatted"
}

check_bibliography "$SRC/layers/sources.json" layers
check_bibliography "$SRC/tests/check/sources.json" fixtures
check_bibliography "$SRC/tests/check/valid/sources.json" valid
pass
