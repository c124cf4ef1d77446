"""How long does `vrurisk ingest` take on a large police export?

    python benchmarks/ingest.py [--events 1000000] [--people 200000]

Writes a people register (CSV) and a police crimes export with UK day-first dates, Home Office
style offence codes and involvement words, then times :func:`vrurisk.ingest.ingest` end to end
(read, map, parse dates, drop unusable rows, validate, write Parquet, re-load to check).
Prints seconds, rows per second and the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from vrurisk.ingest import ingest

CODES = {
    "5/1": "serious_violence",
    "8/1": "violence",
    "105/1": "violence",
    "10/1": "knife_possession",
}
CODES.update({"92/1": "drug_supply", "ASB": "asb", "CUS": "custody", "MIS": "missing_episode"})


def write_exports(directory: Path, n_people: int, n_events: int, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    ids = np.array([f"N{i:07d}" for i in range(n_people)])
    birth = pd.Timestamp("1995-01-01") + pd.to_timedelta(rng.integers(0, 15 * 365, n_people), "D")
    pd.DataFrame({"Nominal": ids, "DOB": birth.strftime("%d/%m/%Y")}).to_csv(
        directory / "people.csv", index=False
    )
    when = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 6 * 365, n_events), "D")
    codes = np.array(list(CODES))
    pd.DataFrame(
        {
            "Nominal ID": ids[rng.integers(0, n_people, n_events)],
            "Offence Date": when.strftime("%d/%m/%Y"),
            "HO Offence Code": codes[rng.integers(0, len(codes), n_events)],
            "Involvement": np.array(["Suspect", "Victim", "Witness"])[rng.integers(0, 3, n_events)],
            "Crime Ref": [f"CR{i // 2:08d}" for i in range(n_events)],
        }
    ).to_csv(directory / "police.csv", index=False)
    mapping = f"""
mapping_version: 1
extraction_date: 2025-01-01
sources:
  - name: register
    file: people.csv
    table: people
    columns: {{person_id: Nominal, birth_date: DOB}}
  - name: police
    file: police.csv
    table: events
    columns: {{person_id: Nominal ID, event_date: Offence Date, event_type: HO Offence Code,
               role: Involvement, incident_id: Crime Ref}}
    values:
      event_type: {{{", ".join(f'"{k}": {v}' for k, v in CODES.items())}}}
      role: {{Suspect: suspect, Victim: victim, Witness: witness}}
"""
    path = directory / "mapping.yaml"
    path.write_text(mapping)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        mapping = write_exports(tmp, args.people, args.events)
        print(f"wrote the exports in {time.perf_counter() - t:.1f} s")
        load = os.getloadavg()[0]
        t = time.perf_counter()
        report = ingest(mapping, tmp / "data")
        seconds = time.perf_counter() - t
        written = report["rows_written"]
        print(
            f"ingest: {args.events:,} event rows + {args.people:,} people in {seconds:.1f} s "
            f"({args.events / seconds:,.0f} event rows/s); wrote {written['events']:,} events; "
            f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after, "
            f"{os.cpu_count()} cores"
        )


if __name__ == "__main__":
    main()
