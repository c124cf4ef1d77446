"""Time pseudonymisation and re-identification of a million ids.

Usage: python benchmarks/privacy.py [N_IDS]   (default 1000000)
"""

from __future__ import annotations

import sys
import time

import numpy as np

from vrurisk.privacy import PseudonymKey, pseudonymise, reidentify


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    key = PseudonymKey(b"benchmark-secret-0123456789abcdef", "benchmark")
    ids = np.char.add("P", np.char.zfill(np.arange(n).astype(str), 7)).astype(object)
    started = time.perf_counter()
    keys = pseudonymise(ids, key)
    distinct = time.perf_counter() - started
    started = time.perf_counter()
    back = reidentify(keys[:1000], ids, key)
    reid = time.perf_counter() - started
    assert (back["person_id"].to_numpy() == ids[:1000]).all()
    print(f"pseudonymise {n:,} distinct ids:            {distinct:6.1f} s")
    print(f"reidentify 1,000 keys against {n:,} ids:    {reid:6.1f} s")


if __name__ == "__main__":
    main()
