#!/usr/bin/env python3
"""make-incidents.py — a large synthetic incidents layer for tests and benchmarks.

    make-incidents.py N OUT.geojson [--one-line] [--layers DIR]

Writes N incidents made from the shipped ones in DIR/incidents.geojson
(default: the repository's layers/): each synthetic incident copies the kind,
country, precision, date and first citation of a shipped incident and sits a few
kilometres from it (deterministic jitter, seed 12), with the id
`synthetic-N`, the name `Synthetic incident N` and a note saying it is
synthetic.  Nothing here is a fact: it is volume for speed and scale tests,
and every citation is one the shipped data already carries.
--one-line writes the whole file on one line (a minified file).
"""
import json
import os
import random
import sys


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    one_line = "--one-line" in argv
    layers = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "layers")
    if "--layers" in argv:
        layers = argv[argv.index("--layers") + 1]
        args.remove(layers)
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    n, out = int(args[0]), args[1]
    with open(os.path.join(layers, "incidents.geojson"), encoding="utf-8") as f:
        shipped = [ft for ft in json.load(f)["features"] if ft["geometry"]]
    rng = random.Random(12)
    feats = []
    for i in range(n):
        src = shipped[i % len(shipped)]
        lon, lat = src["geometry"]["coordinates"][:2]
        p = src["properties"]
        props = {"id": "synthetic-%d" % i, "name": "Synthetic incident %d" % i,
                 "kind": p["kind"], "precision": p["precision"]}
        for key in ("country", "date", "date_basis"):
            if key in p:
                props[key] = p[key]
        props["sources"] = p["sources"][:1]
        props["note"] = "Synthetic: %s, moved." % p["id"]
        feats.append({"type": "Feature",
                      "geometry": {"type": "Point",
                                   "coordinates": [round(lon + rng.uniform(-0.05, 0.05), 5),
                                                   round(lat + rng.uniform(-0.05, 0.05), 5)]},
                      "properties": props})
    doc = {"type": "FeatureCollection", "features": feats}
    with open(out, "w", encoding="utf-8") as f:
        if one_line:
            json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        else:
            json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
