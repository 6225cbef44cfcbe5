#!/bin/sh
# Filters: the [filter] section of a map and the matching options (--from,
# --to, --undated, --only, --hide, --kinds, --countries) keep exactly the
# items they say, the title and the text alternative say what was filtered,
# default output names say it too, unknown names are errors with a
# suggestion, and `list` takes the same options (--layer is --only).
set -eu
. "$(dirname "$0")/lib.sh"

cd "$TMP"
mkdir -p proj/maps
ln -s "$SRC/shapes" proj/shapes
ln -s "$SRC/layers" proj/layers
sed -e 's/^size .*/size = 800x560/' "$SRC/maps/central-asia.ini" >proj/maps/ca.ini

ids() { # LAYER FILE.json: ids of the layer's items (not their uncertainty discs), sorted
	python3 -c '
import json, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
d = json.load(open(sys.argv[2]))
for l in d["layers"]:
    if l["name"] == sys.argv[1]:
        print("\n".join(sorted(i["id"] for i in l["items"] if i["kind"] != "uncertainty")))
' "$1" "$2"
}
desc() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["description"])' "$1"; }

# 1. Acceptance: --from 2015-03 --to 2015-06 --hide places.
run 0 "$POSTURE" render proj/maps/ca.ini --from 2015-03 --to 2015-06 --hide places -o opt.json -o opt.svg
ids incidents opt.json >got.txt
cat >want.txt <<'EOF'
csto-drill-afghan-tajik-border
isis-activity-afghan-turkmen-border-2015
isis-crossing-attempts-turkmen-uzbek-border-2015
putin-karimov-meeting-tashkent
turkmen-reinforcement-afghan-border-2015
uzbek-russian-border-guards-turkmen-afghan-border-2015
EOF
diff want.txt got.txt >&2 || fail "incidents kept from March to June 2015 (undated ones too)"
[ -z "$(ids places opt.json)" ] || fail "places were drawn though hidden"
[ -n "$(ids bases opt.json)" ] || fail "bases (undated) were left out by a date range"
desc opt.json | grep -qF "Filtered: Incidents from March to June 2015; places left out." ||
	fail "the text alternative does not say what was filtered: $(desc opt.json)"
grep -qF ">Incidents from March to June 2015; places left out<" opt.svg ||
	fail "the title does not say what was filtered"
grep -qF "As of" opt.svg && fail "the title still gives an 'as of' date beside the date range"

# 2. The same in a map's [filter] section gives the same map.
cp proj/maps/ca.ini proj/maps/ca-filtered.ini
printf '\n[filter]\nfrom = 2015-03\nto   = 2015-06\nhide = places\n' >>proj/maps/ca-filtered.ini
run 0 "$POSTURE" render proj/maps/ca-filtered.ini -o sec.json
cmp -s opt.json sec.json || fail "[filter] and the options give different maps"

# 3. undated = no: only the dated incidents; bases stay (they have no dates).
run 0 "$POSTURE" render proj/maps/ca.ini --from 2015-03 --to 2015-06 --undated no -o dated.json
[ "$(ids incidents dated.json | wc -l)" -eq 4 ] || fail "undated=no should keep the 4 dated incidents"
[ -n "$(ids bases dated.json)" ] || fail "undated=no left the bases out"

# 4. --only, --kinds, --countries.
run 0 "$POSTURE" render proj/maps/ca.ini --only bases,borders -o only.json
[ -z "$(ids incidents only.json)$(ids places only.json)" ] || fail "--only bases,borders drew other layers"
run 0 "$POSTURE" render proj/maps/ca.ini --kinds attack,air-base -o kinds.json
ids incidents kinds.json | grep -qv attack && fail "--kinds attack kept other incidents"
ids bases kinds.json | grep -q 201st && fail "--kinds air-base kept the military bases"
[ -n "$(ids places kinds.json)" ] || fail "--kinds without a place kind left the places out"
desc kinds.json | grep -qiF "kinds attack and air-base" || fail "kinds not said: $(desc kinds.json)"
run 0 "$POSTURE" render proj/maps/ca.ini --countries KGZ -o kgz.json
[ "$(ids bases kgz.json)" = "$(printf 'russia-kant-air-base\nus-manas-air-base')" ] ||
	fail "--countries KGZ: bases $(ids bases kgz.json)"
run 0 "$POSTURE" render proj/maps/ca.ini --countries TKM -o tkm.json
ids borders tkm.json | grep -q border-afg-tkm || fail "--countries TKM left out the Afghan-Turkmen border"
ids borders tkm.json | grep -q border-afg-tjk && fail "--countries TKM kept the Afghan-Tajik border"
# A code no country has is refused, with the nearest one (not an empty map).
run 2 "$POSTURE" render proj/maps/ca.ini --countries TJX -o tjx.png
grep -q "no country 'TJX' in .*countries.shp; did you mean 'TJK'?" "$TMP/err" ||
	fail "--countries TJX: $(cat "$TMP/err")"
[ ! -e tjx.png ] || fail "--countries TJX drew a map"
# ... and that error is all it says: no warning before it with another suggestion.
[ "$(grep -c -e ': error: ' -e ': warning: ' "$TMP/err")" = 1 ] && ! grep -q "countries: no country" "$TMP/err" ||
	fail "--countries TJX said more than its error: $(cat "$TMP/err")"
# 'list' has no shapefile to check against: a code no item lies in is a
# warning naming the nearest code the items use (the list is empty, exit 0).
run 0 "$POSTURE" list --countries TJX proj/layers
expect_err "--countries: warning: no item lies in country 'TJX'; did you mean 'TJK'?"
grep -q russia- "$TMP/out" && fail "list --countries TJX listed items"
run 0 "$POSTURE" list --countries KGZ proj/layers
grep -q warning "$TMP/err" && fail "list --countries KGZ warned: $(cat "$TMP/err")"
grep -q russia-kant-air-base "$TMP/out" || fail "list --countries KGZ left out Kant"
run 2 "$POSTURE" render proj/maps/ca.ini --set focus=TJK,AFX -o afx.png
grep -q "focus: no country 'AFX'.*did you mean 'AFG'?" "$TMP/err" || fail "focus AFX: $(cat "$TMP/err")"

# 5. The map's date is the default end.
sed 's/^\[data\]/date = 2014-12\n\n[data]/' proj/maps/ca.ini >proj/maps/ca-2014.ini
run 0 "$POSTURE" render proj/maps/ca-2014.ini -o y2014.json
ids incidents y2014.json | grep -q 2015 && fail "incidents after the map's date were drawn"
ids incidents y2014.json | grep -q russia-201st-drill-tajik-afghan-border-2014 || fail "2014 drill missing"

# 6. Default output names say what was filtered.
run 0 "$POSTURE" render proj/maps/ca.ini --from 2015-03 --hide places -d o6
[ -s o6/ca-from-2015-03-hide-places.png ] || fail "default name lacks the filter: $(ls o6)"

# 7. Unknown names: errors with a suggestion (usage for options, data in a map file).
run 2 "$POSTURE" render proj/maps/ca.ini --hide place -o x.png
expect_err "--hide: error: unknown layer 'place'; did you mean 'places'?"
run 2 "$POSTURE" render proj/maps/ca.ini --kinds atack -o x.png
expect_err "did you mean 'attack'?"
run 2 "$POSTURE" render proj/maps/ca.ini --from 2015-13 -o x.png
expect_err "--from: error: from wants a date YYYY, YYYY-MM or YYYY-MM-DD, not '2015-13'"
run 2 "$POSTURE" render proj/maps/ca.ini --from 2015-06 --to 2015-03 -o x.png
expect_err "ends before it starts"
[ -e x.png ] && fail "x.png written by a refused run"
cp proj/maps/ca.ini proj/maps/bad.ini
printf '\n[filter]\nonly = incidnets\n' >>proj/maps/bad.ini
run 1 "$POSTURE" render proj/maps/bad.ini -o x.png
line=$(grep -n '^only' proj/maps/bad.ini | cut -d: -f1)
expect_err "proj/maps/bad.ini:$line:8: error: unknown layer 'incidnets' in only; did you mean 'incidents'?"
printf '[map]\nextent = 60, 30, 70, 40\n[data]\nshapes = ../shapes\n[filter]\nfrom = 2015\nfrm = 2016\n' >proj/maps/key.ini
run 1 "$POSTURE" render proj/maps/key.ini -o x.png
expect_err "key.ini:7:1: error: unknown filter 'frm'; did you mean 'from'?"

# 8. list takes the same filters; --layer is --only.
run 0 "$POSTURE" list "$SRC/layers" --from 2015-03 --to 2015-06 --undated no --format csv
[ "$(grep -c '^incidents,' "$TMP/out")" -eq 4 ] || fail "list --from/--to kept $(grep -c '^incidents,' "$TMP/out") incidents"
run 0 "$POSTURE" list "$SRC/layers" --layer bases --format csv
[ "$(cut -d, -f1 "$TMP/out" | sort -u | tr '\n' ' ')" = "bases layer " ] || fail "list --layer bases listed other layers"
head -1 "$TMP/out" | tr -d '\r' | grep -qx 'layer,id,name,kind,date,lon,lat,precision,country,sources,note' ||
	fail "list CSV header: $(head -1 "$TMP/out")"
grep -q '^bases,russia-kant-air-base,Kant air base,air-base,,74.8460,42.8530,site,KGZ,' "$TMP/out" ||
	fail "list CSV row of Kant air base lacks its name or country"
run 2 "$POSTURE" list "$SRC/layers" --layer base
expect_err "--layer: error: unknown layer 'base'; did you mean 'bases'?"
pass
