#!/bin/sh
# layers/COVERAGE.md against the layers: every feature id a table row names
# exists (a `place` id in places.geojson), and where a row names features
# that cite sources, the statement's words in double quotes are in one of
# those features' quotes (folded as posture check --documents folds them:
# whitespace runs, typographic quotes and dashes).  The checker is also run
# on two broken copies, which it must reject, so that it cannot pass by
# checking nothing.
#
# Needs /usr/bin/python3 (standard library only).
set -eu
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
run 0 "$POSTURE" list --format json "$SRC/layers"
cp "$TMP/out" "$TMP/items.json"

cat >"$TMP/coverage.py" <<'EOF'
import json, re, sys

coverage, items_path = sys.argv[1], sys.argv[2]
with open(items_path, encoding="utf-8") as f:
    items = {i["id"]: i for i in json.load(f)}

def fold(s):
    for a, b in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'),
                 ("\u2013", "-"), ("\u2014", "-"), ("\u00a0", " "), ("\u2032", "'")):
        s = s.replace(a, b)
    return " ".join(s.split())

ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
problems, rows, checked = [], 0, 0
in_tables = False
with open(coverage, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        if line.startswith("## "):
            in_tables = line.startswith("## ") and "(0" in line  # "## id (000) — …"
            continue
        if not in_tables or not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or set(cells[0]) <= set("-: ") or cells[0] in ("para.", "page"):
            continue
        rows += 1
        statement, target = cells[1], cells[2]
        named = []
        for m in re.finditer(r"(\bplaces? )?`([^`]*)`", target):
            token = m.group(2)
            if not ID.match(token):
                continue  # a file name or a property, not an id
            item = items.get(token)
            if item is None:
                problems.append(f"{coverage}:{n}: '{token}' is no feature id of the layers")
            elif m.group(1) and item["layer"] != "places":
                problems.append(f"{coverage}:{n}: '{token}' is marked as a place but is in {item['layer']}")
            elif not m.group(1):
                named.append(item)
        cited = [i for i in named if i.get("citations")]
        if not cited:
            continue
        for words in re.findall(r'"([^"]+)"', fold(statement)):
            checked += 1
            pieces = [p.strip() for p in words.split("\u2026") if p.strip()]
            if not any(all(p in fold(c["quote"]) for p in pieces)
                       for i in cited for c in i["citations"]):
                problems.append(f"{coverage}:{n}: \"{words}\" is in no quote of "
                                + ", ".join(i["id"] for i in cited))
for p in problems:
    print(p, file=sys.stderr)
if rows < 100 or checked < 20:
    problems.append(f"only {rows} rows and {checked} quoted statements read: is the table format changed?")
    print(problems[-1], file=sys.stderr)
print(f"{rows} rows, {checked} quoted statements checked")
sys.exit(1 if problems else 0)
EOF

"$PY" "$TMP/coverage.py" "$SRC/layers/COVERAGE.md" "$TMP/items.json" >"$TMP/ok.out" 2>"$TMP/ok.err" || {
	cat "$TMP/ok.err" >&2
	fail "layers/COVERAGE.md names ids or quotes the layers do not carry"
}

# Broken copies: an id that does not exist, words no quote holds.
sed 's/`russia-201st-kulob`/`russia-201st-kulyab`/' "$SRC/layers/COVERAGE.md" >"$TMP/bad-id.md"
run 1 "$PY" "$TMP/coverage.py" "$TMP/bad-id.md" "$TMP/items.json"
expect_err "'russia-201st-kulyab' is no feature id of the layers"
sed 's/"Formed in 2004"/"Formed in 2005"/' "$SRC/layers/COVERAGE.md" >"$TMP/bad-quote.md"
run 1 "$PY" "$TMP/coverage.py" "$TMP/bad-quote.md" "$TMP/items.json"
expect_err '"Formed in 2005" is in no quote of russia-201st-dushanbe, russia-201st-kulob, russia-201st-qurghonteppa'
pass
