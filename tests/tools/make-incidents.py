#!/usr/bin/env python3
"""make-incidents.py — a large synthetic incidents layer for tests and benchmarks.

    make-incidents.py N OUT.geojson [--one-line] [--layers DIR] [--with-shipped]
    make-incidents.py N OUT.gpkg [--layers DIR]

Writes N incidents made from the shipped ones in DIR/incidents.geojson
(default: the repository's layers/): each synthetic incident copies the kind,
country, precision, date and first citation of a shipped incident and sits a few
kilometres from it (deterministic jitter, seed 12), with the id
`synthetic-N`, the name `Synthetic incident N` and a note saying it is
synthetic.  Nothing here is a fact: it is volume for speed and scale tests,
and every citation is one the shipped data already carries.
--one-line writes the whole file on one line (a minified file).
--with-shipped writes the shipped incidents (all of them, first) into OUT too,
so that OUT can stand for DIR/incidents.geojson.  An OUT
ending in .gpkg is a GeoPackage with one table, incidents, laid out as
`posture export` writes it (layers/README.md, "GeoPackage").
"""
import json
import os
import math
import random
import sqlite3
import struct
import sys

CORE = """
PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;
PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
 organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
 definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
 identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT
 (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE,
 max_y DOUBLE, srs_id INTEGER);
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
 geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,
 m TINYINT NOT NULL, PRIMARY KEY (table_name, column_name));
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1,
 'undefined', NULL), ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL),
 ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]]', NULL);
CREATE TABLE posture_citations (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
 table_name TEXT NOT NULL, feature_fid INTEGER NOT NULL, seq INTEGER NOT NULL,
 source TEXT NOT NULL, locator TEXT NOT NULL, quote TEXT NOT NULL);
INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES
 ('posture_citations', 'attributes', 'posture_citations');
CREATE TABLE incidents (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POINT,
 id TEXT NOT NULL UNIQUE, name TEXT, kind TEXT, precision TEXT, country TEXT, date TEXT,
 date_basis TEXT, note TEXT);
INSERT INTO gpkg_geometry_columns VALUES ('incidents', 'geom', 'POINT', 4326, 0, 0);
"""


def write_gpkg(path, feats):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.executescript(CORE)
    cols = ("id", "name", "kind", "precision", "country", "date", "date_basis", "note")
    rows, cites = [], []
    for fid, ft in enumerate(feats, 1):
        lon, lat = ft["geometry"]["coordinates"]
        blob = b"GP\x00\x01" + struct.pack("<i", 4326) + b"\x01" + struct.pack("<Idd", 1, lon, lat)
        p = ft["properties"]
        rows.append((fid, blob) + tuple(p.get(c) for c in cols))
        for seq, c in enumerate(p["sources"], 1):
            cites.append(("incidents", fid, seq, c["id"], c["locator"], c["quote"]))
    db.executemany("INSERT INTO incidents VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    db.executemany("INSERT INTO posture_citations (table_name, feature_fid, seq, source, "
                   "locator, quote) VALUES (?,?,?,?,?,?)", cites)
    lons = [f["geometry"]["coordinates"][0] for f in feats]
    lats = [f["geometry"]["coordinates"][1] for f in feats]
    db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, "
               "max_x, max_y, srs_id) VALUES ('incidents', 'features', 'incidents', ?, ?, ?, ?, "
               "4326)", (min(lons), min(lats), max(lons), max(lats)))
    db.execute("CREATE INDEX posture_citations_feature ON posture_citations "
               "(table_name, feature_fid, seq)")
    db.commit()
    db.close()


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
        every = json.load(f)["features"]
    shipped = [ft for ft in every if ft["geometry"]]
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
    if out.endswith(".gpkg"):
        write_gpkg(out, feats)
        return 0
    if "--with-shipped" in argv:
        feats = every + feats
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
