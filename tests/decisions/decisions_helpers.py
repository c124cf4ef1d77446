"""A constructed score bundle (no model needed) and a filled-in decisions sheet for it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from vrurisk._serialise import file_sha256
from vrurisk.scoring import DECISIONS_TEMPLATE, decision_codes, decisions_template

AS_OF = "2025-06-30"


def make_bundle(path: Path, *, n: int = 30, k: int = 10, as_of: str = AS_OF, prefix="k") -> Path:
    """A bundle of ``n`` people (keys ``k00``...), the first ``k`` listed, written as score does."""
    path.mkdir(parents=True)
    scores = pd.DataFrame(
        {
            "key": [f"{prefix}{i:02d}" for i in range(n)],
            "probability": [1 - i / (2 * n) for i in range(n)],
            "rank": range(1, n + 1),
        }
    )
    scores.to_parquet(path / "scores.parquet", index=False)
    scores.to_csv(path / "scores.csv", index=False)
    decisions_template(scores, k).to_csv(path / DECISIONS_TEMPLATE, index=False)
    manifest = {
        "as_of": as_of,
        "panel_k": k,
        "n_scored": n,
        "config": {"name": "tiny", "hash": "x"},
        "decisions": decision_codes(None),
        "files": {p.name: file_sha256(p) for p in sorted(path.iterdir())},
    }
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return path


def filled(bundle: Path, out: Path, rows: int | None = None, **columns) -> Path:
    """The bundle's template with every (or the first ``rows``) person decided: ``monitor``,
    the day after the list, by ``police``; ``columns`` override whole columns."""
    sheet = pd.read_csv(bundle / DECISIONS_TEMPLATE, dtype=str, keep_default_na=False)
    n = len(sheet) if rows is None else rows
    sheet.loc[: n - 1, "decision"] = "monitor"
    sheet.loc[: n - 1, "decision_date"] = "2025-07-01"
    sheet.loc[: n - 1, "reviewer_role"] = "police"
    for column, values in columns.items():
        sheet[column] = values
    sheet.to_csv(out, index=False)
    return out
