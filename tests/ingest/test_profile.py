"""`vrurisk profile`: the data-quality report finds gaps, heaping, duplicates and the idle."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from cli_helpers import run_cli

from vrurisk.data import Dataset, save_dataset
from vrurisk.ingest import profile_dataset


def messy_extract() -> Dataset:
    rng = np.random.default_rng(0)
    n = 200
    people = pd.DataFrame(
        {
            "person_id": [f"p{i}" for i in range(n)],
            # a third of birth dates imputed to the 1st of a month, one placeholder
            "birth_date": ["1900-01-01"]
            + [f"2005-{m:02d}-01" for m in rng.integers(1, 13, 66)]
            + [
                f"2005-{m:02d}-{d:02d}"
                for m, d in zip(rng.integers(1, 13, 133), rng.integers(2, 28, 133), strict=True)
            ],
        }
    )
    months = pd.period_range("2021-01", "2023-12", freq="M")
    rows = []
    for month in months:
        # police stopped recording violence for three months in 2022
        count = 0 if str(month) in ("2022-03", "2022-04", "2022-05") else 30
        for _ in range(count):
            day = int(rng.integers(1, 28))
            rows.append((f"p{rng.integers(1, 150)}", f"{month}-{day:02d}", "violence", "police"))
        rows.append((f"p{rng.integers(1, 150)}", f"{month}-15", "school_exclusion", "education"))
    events = pd.DataFrame(rows, columns=["person_id", "event_date", "event_type", "source"])
    events = pd.concat([events, events.iloc[:5]], ignore_index=True)  # 5 exact duplicates
    return Dataset.from_frames(people, events, None, extraction_date="2024-01-01")


def test_the_profile_finds_what_a_real_extract_hides():
    dataset = messy_extract()
    summary = profile_dataset(dataset)
    findings = summary["findings"]
    duplicates = int(dataset.events.drop(columns="person_idx").duplicated().sum())
    assert duplicates >= 5  # the 5 copied rows, and any same-day repeats the draw made
    assert summary["tables"]["events"]["duplicate_rows"] == duplicates
    assert f"events: {duplicates} exact duplicate row(s)" in findings
    assert any(
        f.startswith("people.birth_date: 34% of dates fall on the 1st of a month")
        and "1 are 1900-01-01" in f
        for f in findings
    )
    gaps = [f for f in findings if "recording gap" in f]
    assert gaps == [
        "events from police of type violence: far fewer than the usual 30 a month in 2022-03, "
        "2022-04, 2022-05: a recording gap?"
    ]
    assert summary["people_without_events"] == 51  # p0 and p150..p199 never drawn
    assert summary["network"]["isolated"] == 200
    assert "links: nobody is linked in the links table" in findings


def test_the_cli_writes_html_and_json(tmp_path):
    save_dataset(messy_extract(), tmp_path / "data", format="csv")
    code, out, err = run_cli("profile", str(tmp_path / "data"), "--out", str(tmp_path / "p"))
    assert code == 0, err
    summary = json.loads((tmp_path / "p" / "profile.json").read_text())
    html = (tmp_path / "p" / "profile.html").read_text()
    assert summary["tables"]["events"]["rows"] == 36 * 31 - 3 * 30 + 5
    assert 'id="months-chart"' in html and "data:image/png;base64," in html
    assert "a recording gap?" in html
    assert "<script" not in html
