#!/bin/sh
# The JSON Schemas of layers/schema/ (draft 2020-12): they are valid schemas,
# their vocabularies are posture's, the shipped data and the valid fixtures
# pass them, and every invalid fixture of tests/check/ that a schema can catch
# is rejected.
#
# Needs Debian's python3-jsonschema (4.10 or later, for draft 2020-12).  It
# is run with /usr/bin/python3 on purpose: another python3 earlier in PATH
# (pyenv) does not see Debian's packages.  Without it the test fails
# (tools/setup installs it).
set -eu
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! "$PY" -c 'from jsonschema import Draft202012Validator' 2>/dev/null; then
	fail "$PY has no jsonschema with draft 2020-12 (apt-get install python3-jsonschema)"
fi

"$PY" - "$SRC" <<'EOF' || fail "see above"
import glob, json, os, re, sys
from jsonschema import Draft202012Validator

src = sys.argv[1]
schema_dir = os.path.join(src, "layers", "schema")
fixtures = os.path.join(src, "tests", "check")

# Fixtures a schema cannot reject, and why.  Each is still checked: a file
# that is not JSON must fail to parse, any other must pass its schema (so
# that this list stays true when the schemas get stricter).
NOT_JSON = {
    # Syntax errors and duplicate keys are the JSON parser's business, before
    # any schema (and Python's parser keeps the last of duplicate keys).
    "bases-syntax": "malformed JSON",
    "places-trailing-comma": "malformed JSON",
    "sources-syntax": "malformed JSON in sources.json",
}
SEMANTIC = {
    "bases-duplicate-key": "duplicate keys: JSON parsers keep one, the schema never sees both",
    # A schema looks at one document: nothing across files or items.
    "bases-duplicate-id": "ids unique: 'uniqueItems' compares whole items, not one member",
    "ids-across-layers": "ids unique across layer files",
    "sources-duplicate-id": "source ids unique: not expressible for one member of the items",
    "sources-misspelt-key": "CSL-JSON allows other keys; only near misses of a CSL variable are errors",
    "bases-citation-unknown-source": "a cited id must be in sources.json, another file",
    # Geography needs the shapes of shapes/.
    "bases-outside-country": "a point inside its country needs the country polygons",
    "bases-far-outside-country": "a point inside its country needs the country polygons",
    "borders-no-shared-border": "a border pair needs shapes/borders.shp",
    "bases-swapped-coordinates": "a point inside its country needs the country polygons",
    "incidents-at-sea": "a point on land needs the country polygons",
    # Dates compared with another file (sources.json) or with today.
    "incidents-date-after-source": "the issued date of a cited source is in sources.json",
    "incidents-date-future": "today is not in any file",
    "borders-unknown-country": "'TAJ' is well-formed; which codes exist is in shapes/countries.shp",
    "places-at-sea": "near land or not needs the country polygons (a warning anyway)",
    "places-at-sea-werror": "same as places-at-sea",
    # Calendar arithmetic is beyond a regular expression (in practice).
    "incidents-date-february-30": "days per month and leap years",
    "incidents-date-reversed": "START before END compares two dates",
    # Quotes and locators against the source documents (posture check --documents).
    "documents-valid": "valid: its quotes are in their documents",
    "documents-wrong-source": "a quote must be in its own source's document",
    "documents-not-found": "a quote must be in its source's document",
    "documents-bad-locator": "a locator must match where the quote is in the document",
    "documents-missing": "every cited source needs its document",
    "bases-citation-page-range": "a page locator within the source's CSL page range needs sources.json",
    # No schema at all: the file name names no layer.
    "roads-unknown-layer": "the layer type comes from the file name",
}

failures = []

def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)

schemas = {}
for name in ["bases", "borders", "incidents", "places", "sources"]:
    path = os.path.join(schema_dir, name + ".schema.json")
    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    for key in ["$schema", "$id", "title", "description"]:
        if key not in schema:
            fail(f"{path}: no '{key}'")
    schemas[name] = Draft202012Validator(schema)

def schema_for(path):
    """The schema of a file: sources.json, or the layer named by the file name's first word."""
    base = os.path.basename(path)
    if base == "sources.json":
        return "sources"
    word = re.split(r"[-.]", base, maxsplit=1)[0]
    return word if word in schemas and word != "sources" and base.endswith(".geojson") else None

def errors(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    name = schema_for(path)
    if name is None:
        return None
    return ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message)
            for e in schemas[name].iter_errors(data)]

# The vocabularies are posture's (lib/src/layers/layer.c and sources.c).
def c_words(path, array):
    with open(os.path.join(src, path), encoding="utf-8") as f:
        m = re.search(r"\b%s\[\] = \{(.*?)\};" % array, f.read(), re.S)
    return re.findall(r'"([^"]*)"', m.group(1))

def enum_at(name, *keys):
    node = schemas[name].schema
    for k in keys:
        node = node[k]
    return node["enum"]

layer_c = "lib/src/layers/layer.c"
pprops = ("$defs", "feature", "properties", "properties", "properties")
for name, array in [("bases", "base_kinds"), ("borders", "border_kinds"),
                    ("incidents", "incident_kinds"), ("places", "place_kinds")]:
    if enum_at(name, *pprops, "kind") != c_words(layer_c, array):
        fail(f"{name}.schema.json: kind enum differs from {array} in {layer_c}")
for name in ["bases", "incidents", "places"]:
    if enum_at(name, *pprops, "precision") != c_words(layer_c, "precisions"):
        fail(f"{name}.schema.json: precision enum differs from {layer_c}")
if enum_at("bases", *pprops, "status") != c_words(layer_c, "statuses"):
    fail(f"bases.schema.json: status enum differs from {layer_c}")
if enum_at("incidents", *pprops, "date_basis") != c_words(layer_c, "date_bases"):
    fail(f"incidents.schema.json: date_basis enum differs from {layer_c}")
if enum_at("sources", "items", "properties", "type") != c_words("lib/src/layers/sources.c", "csl_types"):
    fail("sources.schema.json: type enum differs from csl_types in lib/src/layers/sources.c")
for name, array in [("bases", "props_bases"), ("borders", "props_borders"),
                    ("incidents", "props_incidents"), ("places", "props_places")]:
    if sorted(schemas[name].schema["$defs"]["feature"]["properties"]["properties"]["properties"]) != sorted(c_words(layer_c, array)):
        fail(f"{name}.schema.json: properties differ from {array} in {layer_c}")

# The shipped data and the valid fixtures pass.
valid = sorted(glob.glob(os.path.join(src, "layers", "*.geojson")))
valid += [os.path.join(src, "layers", "sources.json"), os.path.join(fixtures, "sources.json")]
valid += sorted(glob.glob(os.path.join(fixtures, "valid", "*")))
for path in valid:
    errs = errors(path)
    if errs is None:
        fail(f"{path}: no schema for this file name")
    elif errs:
        fail(f"{path}: rejected by its schema:\n  " + "\n  ".join(errs))

# Every invalid fixture a schema can catch is rejected.
cases = sorted(glob.glob(os.path.join(fixtures, "*.geojson")))
cases += sorted(d.rstrip("/") for d in glob.glob(os.path.join(fixtures, "*/")))
seen = set()
n_rejected = 0
for case in cases:
    name = os.path.basename(case).removesuffix(".geojson")
    if name == "valid":
        continue
    seen.add(name)
    files = sorted(f for f in glob.glob(os.path.join(case, "*")) if os.path.isfile(f)) \
        if os.path.isdir(case) else [case]
    if name in NOT_JSON:
        for path in files:
            try:
                with open(path, encoding="utf-8") as f:
                    json.load(f)
            except ValueError:
                break
        else:
            fail(f"{name}: listed as malformed JSON, but every file parses")
        continue
    found = []
    for path in files:
        errs = errors(path)
        if errs is None and name not in SEMANTIC:
            fail(f"{path}: no schema for this file name")
        found += errs or []
    if name in SEMANTIC:
        if found:
            fail(f"{name}: listed as beyond a schema, but its schema rejects it "
                 "(take it off the list):\n  " + "\n  ".join(found))
    elif not found:
        fail(f"{name}: invalid for posture check but accepted by its schema")
    else:
        n_rejected += 1
for name in sorted((set(NOT_JSON) | set(SEMANTIC)) - seen):
    fail(f"{name}: listed above but no such fixture in {fixtures}")

print(f"{len(valid)} valid files pass, {n_rejected} invalid fixtures rejected, "
      f"{len(NOT_JSON) + len(SEMANTIC)} beyond a schema")
sys.exit(1 if failures else 0)
EOF
pass
