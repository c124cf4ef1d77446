"""Small hand-made tables for the data-contract tests (the synthetic population is elsewhere).

Imported by the tests in this folder (pytest puts the folder on ``sys.path``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

EXTRACTION = "2024-01-01"


def tiny_frames() -> dict[str, pd.DataFrame]:
    """Four people, five events, three links; valid against the contract."""
    people = pd.DataFrame(
        {
            "person_id": ["p1", "p2", "p3", "007"],
            "birth_date": ["2005-03-01", "2006-07-15", "2004-11-30", "2008-01-02"],
            "sex": ["F", "M", "M", "F"],
            "ethnicity": ["White", "Black", "Asian", "Mixed"],
            "area": ["E01", "E02", "E01", "E03"],
        }
    )
    events = pd.DataFrame(
        {
            "person_id": ["p1", "p2", "p2", "p3", "007"],
            "event_date": ["2020-01-05", "2021-02-01", "2021-02-01", "2022-06-30", "2023-12-31"],
            "event_type": ["violence", "serious_violence", "knife_possession", "asb", "custody"],
            "role": ["suspect", "victim", "suspect", "suspect", "subject"],
            "source": ["police", "police", "police", "police", "police"],
            "incident_id": ["i1", "i2", "i2", None, "i3"],
            "severity": ["1", "3", "2", "", "1.5"],
        }
    )
    links = pd.DataFrame(
        {
            "person_a": ["p1", "p2", "p3"],
            "person_b": ["p2", "p3", "007"],
            "link_date": ["2019-05-01", "2020-01-01", "2021-09-09"],
            "link_type": ["school", "associate", "household"],
            "weight": ["1", "0.5", ""],
        }
    )
    return {"people": people, "events": events, "links": links}


def write_tables(
    directory: Path,
    frames: dict[str, pd.DataFrame],
    fmt: str = "csv",
    extraction_date: str | None = EXTRACTION,
) -> Path:
    """Write frames as ``<name>.csv`` / ``<name>.parquet`` plus ``dataset.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        if fmt == "csv":
            frame.to_csv(directory / f"{name}.csv", index=False)
        else:
            frame.to_parquet(directory / f"{name}.parquet", index=False)
    if extraction_date is not None:
        (directory / "dataset.json").write_text(json.dumps({"extraction_date": extraction_date}))
    return directory
