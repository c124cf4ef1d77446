"""Time and peak memory of simulate_population at 20k, 200k and 1M people (6 years).

Each size runs in a fresh subprocess so its peak resident memory (``ru_maxrss`` of the child, which
counts numpy and pandas buffers, unlike tracemalloc) is its own. Prints one row per size with the
wall time of the simulation, the time to validate and build the Dataset included, and the ratio
of time per person to the smallest size.

Usage: python benchmarks/synth.py [--sizes 20000,200000,1000000] [--years 6]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from vrurisk.data import simulate_population
t1 = time.perf_counter()
pop = simulate_population({n}, seed=0, years={years})
t2 = time.perf_counter()
ds = pop.dataset
print(json.dumps({{
    "import_s": t1 - t0,
    "simulate_s": t2 - t1,
    "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2,
    "events": len(ds.events),
    "links": len(ds.links),
}}))
"""


def run(n: int, years: float) -> dict:
    code = CHILD.format(n=n, years=years)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000,1000000")
    parser.add_argument("--years", type=float, default=6)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    load = os.getloadavg()[0]
    print(f"simulate_population, {args.years:g} years, {os.cpu_count()} cores, load {load:.2f}")
    header = ("people", "seconds", "peak GB", "events", "links", "s/person ratio")
    widths = (10, 8, 8, 11, 11, 15)
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, widths, strict=True)))
    base = None
    for n in sizes:
        r = run(n, args.years)
        if "error" in r:
            print(f"{n:>10,} failed: {r['error']}")
            continue
        per_person = r["simulate_s"] / n
        base = base or per_person
        print(
            f"{n:>10,} {r['simulate_s']:>8.1f} {r['peak_rss_gb']:>8.2f} {r['events']:>11,} "
            f"{r['links']:>11,} {per_person / base:>15.2f}"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
