#!/usr/bin/env python3
"""bench/batch.py — one `posture render MAP...` run against one render per map.

Usage: bench/batch.py [RUNS]  (after tools/setup; BUILD_DIR defaults to build)

For the shipped maps (maps/*.ini, every output each lists) and for a set of
eight maps (the two shipped ones, four copies each under other names, PNG
only), it times, median of RUNS:
  - one `posture render MAP` per map, one after the other;
  - `posture render MAP... -j 1` (one worker: what sharing the inputs saves);
  - `posture render MAP... -j 2` (two workers).
Wall time and CPU time (user + system of the posture processes) are given:
on a busy machine the CPU time is the steadier of the two.  Results are in
bench/README.md.
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POSTURE = os.path.join(ROOT, os.environ.get("BUILD_DIR", "build"), "posture")


def measure(cmds, out_dir):
    """Wall and CPU seconds of running every command in @cmds in turn."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    for cmd in cmds:
        subprocess.run(cmd + ["-d", out_dir], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bench(label, maps, runs, out_dir):
    ways = [
        ("one render per map", [[POSTURE, "render", m] for m in maps]),
        ("render MAP... -j 1", [[POSTURE, "render", *maps, "-j", "1"]]),
        ("render MAP... -j 2", [[POSTURE, "render", *maps, "-j", "2"]]),
    ]
    print(f"== {label}: {len(maps)} maps, median of {runs}")
    for name, cmds in ways:
        walls, cpus = [], []
        for _ in range(runs):
            w, c = measure(cmds, out_dir)
            walls.append(w)
            cpus.append(c)
        print(f"  {name:<22} wall {statistics.median(walls) * 1000:7.0f} ms   "
              f"cpu {statistics.median(cpus) * 1000:7.0f} ms")


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    work = tempfile.mkdtemp(prefix="posture-bench-batch-")
    try:
        shipped = sorted(os.path.join(ROOT, "maps", f) for f in os.listdir(os.path.join(ROOT, "maps"))
                         if f.endswith(".ini"))
        bench("maps/*.ini", shipped, runs, os.path.join(work, "out"))
        maps_dir = os.path.join(work, "maps")
        os.makedirs(maps_dir)
        os.symlink(os.path.join(ROOT, "shapes"), os.path.join(work, "shapes"))
        os.symlink(os.path.join(ROOT, "layers"), os.path.join(work, "layers"))
        eight = []
        for src in shipped:
            text = open(src, encoding="utf-8").read()
            lines = ["outputs = png" if l.startswith("outputs") else l for l in text.splitlines()]
            for k in range(4):
                path = os.path.join(maps_dir, f"{os.path.basename(src)[:-4]}-{k}.ini")
                open(path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
                eight.append(path)
        bench("eight maps, PNG", eight, runs, os.path.join(work, "out8"))
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
