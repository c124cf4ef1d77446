"""Time loading and validating the data contract at scale (Parquet and CSV).

Usage: python benchmarks/load_contract.py [N_PEOPLE ...]   (default 100000 1000000)

Builds valid random tables (10 events and 2 links per person on average; ids like the
synthetic population's) with numpy, writes them once to a temporary directory, then times
``load_dataset`` per format and prints seconds, rows per second and peak RSS. The tables are not
a realistic population (use benchmarks/synth.py for that); they exercise the loader only.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from vrurisk.data import Dataset, load_dataset, save_dataset
from vrurisk.data._validate import format_examples  # noqa: F401  (import cost outside timing)

EVENT_TYPES = ["violence", "asb", "stop_search", "custody", "school_exclusion", "serious_violence"]


def tables(n_people: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = np.char.add("P", np.char.zfill(np.arange(n_people).astype(str), 7))
    birth = pd.Timestamp("1995-01-01") + pd.to_timedelta(rng.integers(0, 5000, n_people), "D")
    people = pd.DataFrame(
        {
            "person_id": ids,
            "birth_date": birth,
            "sex": rng.choice(["F", "M"], n_people),
            "ethnicity": rng.choice(["White", "Black", "Asian", "Mixed", "Other"], n_people),
            "area": np.char.add("E0", rng.integers(1000, 1400, n_people).astype(str)),
        }
    )
    n_events, n_links = 10 * n_people, 2 * n_people
    who = rng.integers(0, n_people, n_events)
    events = pd.DataFrame(
        {
            "person_id": ids[who],
            "event_date": birth[who] + pd.to_timedelta(rng.integers(3000, 6000, n_events), "D"),
            "event_type": rng.choice(EVENT_TYPES, n_events),
            "role": rng.choice(["suspect", "victim", "subject"], n_events),
            "source": "police",
        }
    )
    a = rng.integers(0, n_people, n_links)
    b = (a + rng.integers(1, n_people, n_links)) % n_people
    links = pd.DataFrame(
        {
            "person_a": ids[a],
            "person_b": ids[b],
            "link_date": pd.Timestamp("2020-01-01")
            + pd.to_timedelta(rng.integers(0, 1000, n_links), "D"),
            "link_type": rng.choice(["associate", "school", "household"], n_links),
        }
    )
    return {"people": people, "events": events, "links": links}


def write(directory: Path, frames: dict[str, pd.DataFrame], fmt: str) -> None:
    unvalidated = Dataset(**frames, extraction_date=pd.Timestamp("2026-01-01"))
    save_dataset(unvalidated, directory, format=fmt)


def main() -> None:
    sizes = [int(s) for s in sys.argv[1:]] or [100_000, 1_000_000]
    print("people      events      format   load+validate   rows/s     peak RSS")
    for n in sizes:
        frames = tables(n)
        rows = sum(len(f) for f in frames.values())
        with tempfile.TemporaryDirectory() as tmp:
            for fmt in ("parquet", "csv"):
                directory = Path(tmp) / fmt
                write(directory, frames, fmt)
                started = time.perf_counter()
                ds = load_dataset(directory)
                elapsed = time.perf_counter() - started
                assert ds.n_people == n
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
                print(
                    f"{n:>9,} {len(frames['events']):>11,}   {fmt:<8} {elapsed:>10.1f} s"
                    f" {rows / elapsed:>10,.0f}   {peak:>5.1f} GB"
                )
                del ds


if __name__ == "__main__":
    main()
