"""Checks on the table a bias audit reads: columns present, scores numeric, outcomes binary."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vrurisk._errors import DataValidationError

EMPTY_TABLE = "{name}: no rows to audit"
MISSING_COLUMNS = "{name}: column(s) {missing} not found{hint}"
MISSING_VALUES = "{name}: column {column!r} has {n} missing value(s) (rows {examples})"
NON_NUMERIC_SCORE = (
    "{name}: column {column!r} must hold numeric scores for {use}; {n} value(s) are not "
    "numbers: {examples}"
)
NON_BINARY = "{name}: column {column!r} must be binary (0/1 or true/false); found values {examples}"
_TRUE_STRINGS = {"1": True, "0": False, "true": True, "false": False, "1.0": True, "0.0": False}


@dataclass(frozen=True)
class AuditTable:
    """A validated table: its rows, numeric scores (or None), 0/1 outcomes (or None)."""

    frame: pd.DataFrame
    scores: np.ndarray | None
    labels: np.ndarray | None
    probabilities: bool


def validated_table(
    frame, name, score_col, label_col, sensitive, flag, numeric_needed
) -> AuditTable:
    """Check ``frame`` for the audit and return its parsed scores, outcomes and flags."""
    if len(frame) == 0:
        raise DataValidationError(EMPTY_TABLE.format(name=name))
    wanted = [score_col] + ([label_col] if label_col else []) + list(sensitive)
    wanted += [flag] if flag else []
    missing = [c for c in dict.fromkeys(wanted) if c not in frame.columns]
    if missing:
        raise DataValidationError(
            MISSING_COLUMNS.format(name=name, missing=missing, hint=_hint(missing, frame.columns))
        )
    frame = frame.reset_index(drop=True)
    for column in [score_col] + ([label_col] if label_col else []) + ([flag] if flag else []):
        absent = frame[column].isna()
        if absent.any():
            rows = ", ".join(str(i) for i in np.flatnonzero(absent)[:5])
            raise DataValidationError(
                MISSING_VALUES.format(name=name, column=column, n=int(absent.sum()), examples=rows)
            )
    scores = _numeric_scores(frame, name, score_col, numeric_needed)
    labels = _binary(frame[label_col], name, label_col) if label_col else None
    if flag:
        frame = frame.assign(**{flag: _binary(frame[flag], name, flag).astype(bool)})
    probabilities = scores is not None and bool(np.all((scores >= 0) & (scores <= 1)))
    return AuditTable(frame, scores, labels, probabilities)


def _numeric_scores(frame, name, column, required) -> np.ndarray | None:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() | ~np.isfinite(values.astype(float))
    if not bad.any():
        return values.to_numpy(dtype=float)
    if required:
        examples = ", ".join(repr(v) for v in sorted(map(str, frame.loc[bad, column].unique()))[:5])
        use = "top-k or threshold operating points"
        raise DataValidationError(
            NON_NUMERIC_SCORE.format(
                name=name, column=column, use=use, n=int(bad.sum()), examples=examples
            )
        )
    return None


def binary_outcomes(series: pd.Series, name: str, column: str) -> np.ndarray:
    """A 0/1 column (booleans, 0/1 numbers or yes/no text) as ints; one-line error otherwise."""
    return _binary(series, name, column)


def _binary(series: pd.Series, name: str, column: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=int)
    if pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(dtype=float)
        if np.isin(values, (0.0, 1.0)).all():
            return values.astype(int)
    else:
        mapped = series.astype(str).str.strip().str.lower().map(_TRUE_STRINGS)
        if mapped.notna().all():
            return mapped.to_numpy(dtype=int)
    examples = sorted(map(str, series.unique()))[:6]
    raise DataValidationError(NON_BINARY.format(name=name, column=column, examples=examples))


def _hint(missing: list[str], columns) -> str:
    columns = [str(c) for c in columns]
    close = {m: difflib.get_close_matches(str(m), columns, n=1) for m in missing}
    guesses = [f"{m!r} -> {c[0]!r}" for m, c in close.items() if c]
    if guesses:
        return f" (did you mean {', '.join(guesses)}?)"
    shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "")
    return f"; the table has: {shown}"
