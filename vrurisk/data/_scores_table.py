"""Read a flat table of scores and outcomes (for ``vrurisk audit`` and score comparisons)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from vrurisk._errors import DataValidationError

DIFFERENT_DUPLICATES = (
    "{path}: column {column!r} appears more than once with different values; rename the copies"
)


def read_scores_table(path: Path, *, used: list[str]) -> pd.DataFrame:
    """Read a CSV or Parquet table of scores for auditing.

    Unlike the data contract, a repeated CSV header is accepted when the copies hold the same
    values (ProPublica's COMPAS file repeats ``decile_score`` and ``priors_count``): the first
    copy is used. Copies that differ are an error if the audit uses that column.
    """
    from vrurisk.data import read_table

    if path.suffix == ".parquet":
        return read_table(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            header = [name.strip() for name in next(csv.reader(handle), [])]
    except (OSError, UnicodeDecodeError):
        return read_table(path)  # let the contract's reader word the error
    repeated = {name for name in header if header.count(name) > 1}
    if not repeated:
        return read_table(path)
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
        )
    except (ValueError, pd.errors.ParserError):
        return read_table(path)
    for name in repeated & set(used):
        copies = [
            c for c in frame.columns if c == name or re.fullmatch(re.escape(name) + r"\.\d+", c)
        ]
        if any(not frame[c].equals(frame[name]) for c in copies):
            raise DataValidationError(DIFFERENT_DUPLICATES.format(path=path, column=name))
    return frame
