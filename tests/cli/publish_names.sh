#!/bin/sh
# Default output names change with every option that changes the picture
# (--paper, --size, --extent, --set ...), so variants never overwrite each
# other; the suffix is short and stable (the same options, in any order,
# give the same name).
set -e
. "$(dirname "$0")/lib.sh"
cd "$TMP"

name() { # the default PNG name a render writes with these options
	"$POSTURE" render "$SRC/maps/tajik-afghan-border.ini" --set outputs=png "$@" >out 2>err ||
		{ cat err >&2; fail "render $* failed"; }
	sed -n 's/^wrote //p' out
}
plain=$(name)
[ "$plain" = "output/tajik-afghan-border.png" ] || fail "plain name is $plain"
a4=$(name --layout handout --paper a4)
letter=$(name --layout handout --paper letter)
[ "$a4" = "output/tajik-afghan-border-handout-a4.png" ] || fail "A4 handout is $a4"
[ "$letter" = "output/tajik-afghan-border-handout-letter.png" ] || fail "Letter handout is $letter"
[ "$(name --size 800x600)" = "output/tajik-afghan-border-800x600.png" ] || fail "--size ignored"
[ "$(name --set date=2014-12)" = "output/tajik-afghan-border-2014-12.png" ] || fail "--set date ignored"
e1=$(name --extent 66,36,75,41)
e2=$(name --extent 66,36,75,42)
case "$e1" in output/tajik-afghan-border-h??????.png) ;; *) fail "--extent name is $e1" ;; esac
[ "$e1" != "$e2" ] || fail "two extents, one name: $e1"
[ "$e1" = "$(name --extent 66,36,75,41)" ] || fail "the suffix is not stable"
p1=$(name --projection EPSG:32642 --set focus=TJK)
p2=$(name --set focus=TJK --projection EPSG:32642)
[ "$p1" = "$p2" ] || fail "option order changes the name: $p1 $p2"
t=$(name --set theme.text.label-size=11)
[ "$t" != "$plain" ] || fail "a theme property does not change the name"
[ "$(name --set outputs=png)" = "$plain" ] || fail "--set outputs changes the name"
ls output | sort > names
[ "$(wc -l < names)" -eq 9 ] || { cat names >&2; fail "outputs overwrote each other"; }
pass
