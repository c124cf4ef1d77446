"""Checking a filled-in decisions sheet against its bundle: one line for the first problem.

Every message names the file, the column and the rows (spreadsheet rows: the header is row 1,
the first person row 2), so the panel's administrator can find and fix them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pandas as pd

from vrurisk._dates import date_problem, parse_date
from vrurisk._errors import DataValidationError
from vrurisk.scoring import DECISION_COLUMNS, FILLED_COLUMNS, decision_codes
from vrurisk.scoring import MANIFEST as SCORE_BUNDLE_MANIFEST

NOT_A_BUNDLE = "{path} is not a score bundle (no {manifest} naming scores.parquet)"
UNREADABLE = "{file}: cannot read the decisions sheet ({reason})"
MISSING_COLUMNS = "{file}: column {columns} missing; the sheet's columns are {expected}"
EXTRA_COLUMNS = (
    "{file}: column {columns} added; only {expected} are recorded (no free text about a "
    "person): remove {them}"
)
EMPTY_KEY = "{file}: column key is empty in rows {rows}"
UNKNOWN_KEYS = "{file}: column key: {n} not in this bundle ({examples}) in rows {rows}"
NOT_LISTED = (
    "{file}: column key: {n} scored but not on this bundle's list of {k} ({examples}) in rows "
    "{rows}"
)
DUPLICATE_KEYS = "{file}: column key: {n} repeated ({examples}) in rows {rows}"
RANK_CHANGED = "{file}: column rank does not match the list in rows {rows} (the list says {ranks})"
NO_DECISION = "{file}: column decision is empty in rows {rows} where {filled} filled in"
UNKNOWN_CODE = (
    "{file}: column {column}: unknown {what} {values} in rows {rows} (allowed: {allowed})"
)
MISSING_VALUE = "{file}: column {column} is empty in rows {rows} that have a decision"
BAD_DATE = "{file}: column decision_date in rows {rows}: {problem}"
DATE_BEFORE_LIST = (
    "{file}: column decision_date before the list's date {as_of} in rows {rows} ({examples})"
)
DATE_IN_FUTURE = "{file}: column decision_date after today ({today}) in rows {rows} ({examples})"
NOTHING_DECIDED = "{file}: no row has a decision; nothing to record"

#: Rows named in a message before "and N more".
SHOWN = 8


def load_bundle(bundle_dir: str | os.PathLike) -> dict:
    """A bundle's manifest, list (key and rank of everyone scored), panel size and codes."""
    bundle = Path(bundle_dir)
    manifest_path = bundle / SCORE_BUNDLE_MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = manifest["files"]
        as_of = pd.Timestamp(manifest["as_of"])
        k = int(manifest["panel_k"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataValidationError(
            NOT_A_BUNDLE.format(path=bundle, manifest=SCORE_BUNDLE_MANIFEST)
        ) from exc
    if "scores.parquet" not in files or not (bundle / "scores.parquet").is_file():
        raise DataValidationError(NOT_A_BUNDLE.format(path=bundle, manifest=SCORE_BUNDLE_MANIFEST))
    scores = pd.read_parquet(bundle / "scores.parquet", columns=["key", "rank"])
    codes = manifest.get("decisions") or decision_codes(None)
    return {"path": bundle, "manifest": manifest, "scores": scores, "as_of": as_of, "k": k} | {
        "codes": codes
    }


def _rows(mask) -> str:
    """Spreadsheet row numbers of ``mask`` (header is row 1), the first few."""
    rows = [int(i) + 2 for i in pd.Series(mask).to_numpy().nonzero()[0]]
    text = ", ".join(map(str, rows[:SHOWN]))
    return text + (f" and {len(rows) - SHOWN} more" if len(rows) > SHOWN else "")


def _examples(values) -> str:
    values = list(dict.fromkeys(str(v) for v in values))
    text = ", ".join(repr(v) for v in values[:3])
    return text + (", ..." if len(values) > 3 else "")


def validate_decisions(
    bundle: dict, path: str | os.PathLike, *, today: dt.date | None = None
) -> tuple[pd.DataFrame, int]:
    """The decided rows of a filled-in sheet, checked against ``bundle`` (:func:`load_bundle`).

    Returns
    -------
    (pandas.DataFrame, int)
        The rows with a decision (the sheet's columns, text, dates as ``YYYY-MM-DD``), in list
        order, and how many listed people were left undecided.

    Raises
    ------
    DataValidationError
        The first problem, in one line naming the file, column and rows.
    """
    name = str(path)
    try:
        sheet = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise DataValidationError(UNREADABLE.format(file=name, reason=reason)) from exc
    if not isinstance(sheet.index, pd.RangeIndex):  # pandas took the first column as the index
        from vrurisk.data import too_many_fields

        raise DataValidationError(UNREADABLE.format(file=name, reason=too_many_fields(path)))
    sheet.columns = [str(c).strip() for c in sheet.columns]
    expected = ", ".join(DECISION_COLUMNS)
    missing = [c for c in DECISION_COLUMNS if c not in sheet.columns]
    if missing:
        raise DataValidationError(
            MISSING_COLUMNS.format(file=name, columns=", ".join(missing), expected=expected)
        )
    extra = [c for c in sheet.columns if c not in DECISION_COLUMNS]
    if extra:
        them = "it" if len(extra) == 1 else "them"
        raise DataValidationError(
            EXTRA_COLUMNS.format(file=name, columns=", ".join(extra), expected=expected, them=them)
        )
    sheet = sheet[list(DECISION_COLUMNS)].apply(lambda column: column.str.strip())
    _check_keys(sheet, bundle, name)
    decided = sheet["decision"] != ""
    filled = sheet[list(FILLED_COLUMNS[1:])].ne("").any(axis=1)
    if (filled & ~decided).any():
        which = ", ".join(c for c in FILLED_COLUMNS[1:] if (sheet[c] != "")[~decided].any())
        raise DataValidationError(
            NO_DECISION.format(
                file=name, rows=_rows(filled & ~decided), filled=f"{which} {_is_are(which)}"
            )
        )
    if not decided.any():
        raise DataValidationError(NOTHING_DECIDED.format(file=name))
    codes = bundle["codes"]
    for column, what, allowed, required in (
        ("decision", "decision code", codes["codes"], True),
        ("reason_code", "reason code", codes["reason_codes"], False),
        ("reviewer_role", "reviewer role", codes["reviewer_roles"], True),
    ):
        values = sheet[column]
        if required:
            empty = decided & (values == "")
            if empty.any():
                raise DataValidationError(
                    MISSING_VALUE.format(file=name, column=column, rows=_rows(empty))
                )
        unknown = decided & (values != "") & ~values.isin(list(allowed))
        if unknown.any():
            raise DataValidationError(
                UNKNOWN_CODE.format(
                    file=name,
                    column=column,
                    what=what + ("s" if values[unknown].nunique() > 1 else ""),
                    values=_examples(values[unknown]),
                    rows=_rows(unknown),
                    allowed=", ".join(allowed),
                )
            )
    sheet["decision_date"] = _check_dates(sheet["decision_date"], decided, bundle, name, today)
    return sheet[decided].reset_index(drop=True), int((~decided).sum())


def _is_are(which: str) -> str:
    return "are" if "," in which else "is"


def _check_keys(sheet: pd.DataFrame, bundle: dict, name: str) -> None:
    keys = sheet["key"]
    if (keys == "").any():
        raise DataValidationError(EMPTY_KEY.format(file=name, rows=_rows(keys == "")))
    scores = bundle["scores"]
    rank_of = dict(zip(scores["key"].astype(str), scores["rank"].astype(int), strict=True))
    ranks = keys.map(rank_of)
    for template, bad in (
        (UNKNOWN_KEYS, lambda: ranks.isna()),
        (NOT_LISTED, lambda: ranks > bundle["k"]),
        (DUPLICATE_KEYS, lambda: keys.duplicated(keep=False)),
    ):
        mask = bad()
        if mask.any():
            n = keys[mask].nunique()
            raise DataValidationError(
                template.format(
                    file=name,
                    n=f"{n} key" + ("s" if n != 1 else ""),
                    k=bundle["k"],
                    examples=_examples(keys[mask]),
                    rows=_rows(mask),
                )
            )
    changed = sheet["rank"] != ranks.astype(int).astype(str)
    if changed.any():
        pairs = list(zip(keys[changed], ranks[changed].astype(int), strict=True))[:3]
        raise DataValidationError(
            RANK_CHANGED.format(
                file=name,
                rows=_rows(changed),
                ranks=", ".join(f"{key}: {rank}" for key, rank in pairs),
            )
        )


def _check_dates(dates: pd.Series, decided, bundle: dict, name: str, today) -> pd.Series:
    """Every decided row's date parsed with the one date parser; not before the list, not later
    than today. Returns the dates as ``YYYY-MM-DD`` text."""
    problems = {
        i: date_problem(value, "date") for i, value in dates[decided].items() if value != ""
    }
    empty = decided & (dates == "")
    if empty.any():
        raise DataValidationError(
            MISSING_VALUE.format(file=name, column="decision_date", rows=_rows(empty))
        )
    bad = {i: p for i, p in problems.items() if p is not None}
    if bad:
        first = next(iter(bad.values()))
        mask = dates.index.isin(list(bad))
        raise DataValidationError(BAD_DATE.format(file=name, rows=_rows(mask), problem=first))
    parsed = pd.Series(pd.NaT, index=dates.index, dtype="datetime64[ns]")
    for i in problems:
        parsed[i] = parse_date(dates[i], "decision_date")
    today = pd.Timestamp(today or dt.date.today())
    for template, mask in (
        (DATE_BEFORE_LIST, decided & (parsed < bundle["as_of"])),
        (DATE_IN_FUTURE, decided & (parsed > today)),
    ):
        if mask.any():
            raise DataValidationError(
                template.format(
                    file=name,
                    as_of=bundle["as_of"].date(),
                    today=today.date(),
                    rows=_rows(mask),
                    examples=_examples(dates[mask]),
                )
            )
    return parsed.dt.strftime("%Y-%m-%d").where(decided, "")
