#!/usr/bin/env python3
"""Start-to-first-frame of the app on several projects, interleaved (one run of each in
turn, ROUNDS rounds), medians and ratios to the first. On a shared 2-core machine,
hyperfine's back-to-back groups drift by ±20 ms from one group to the next; interleaving
gives every project the same conditions.

    python3 tools/open_interleaved.py BIN ROUNDS PROJECT...

The app's hidden --quit-after-first-frame flag ends it once the article is drawn.
Needs a display (tools/measure_app.sh starts Xvfb).
"""
import statistics, subprocess, sys, time

bin_, rounds, projects = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
times = {p: [] for p in projects}


def run(p):
    s = time.perf_counter()
    subprocess.run([bin_, p, "--quit-after-first-frame"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - s


for p in projects:  # warm-up
    run(p)
for _ in range(rounds):
    for p in projects:
        times[p].append(run(p))
base = statistics.median(times[projects[0]])
for p in projects:
    m = statistics.median(times[p])
    print(f"{p}: median {m * 1000:.1f} ms (min {min(times[p]) * 1000:.1f}, "
          f"max {max(times[p]) * 1000:.1f}), {m / base:.2f} x the first")
