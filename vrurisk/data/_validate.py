"""Column and value checks of the data contract, each raising a one-line DataValidationError.

Messages are module constants so tests can match them exactly. Row numbers in messages are the
1-based data rows of the file (the header is not counted), so "row 3" is the third record.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from vrurisk._errors import DataValidationError

MAX_EXAMPLES = 3

#: Numeric values (``severity``, ``weight``) larger than this in magnitude are rejected.
MAX_NUMBER = 1e12

MISSING_COLUMNS = "{file}: missing required column(s) {missing}{hint}; found columns {found}"
EMPTY_TABLE = "{file}: the table has no rows"
MISSING_VALUES = "{file}: column '{column}' has {n} empty value(s): {examples}"
BAD_DATES = "{file}: column '{column}' has {n} value(s) that are not dates (YYYY-MM-DD): {examples}"
PARTIAL_DATES = (
    "{file}: column '{column}' has {n} value(s) that are a year or a month, not a day "
    "(YYYY-MM-DD): {examples}; write the day meant (a year of birth: YYYY-07-01?)"
)
FUTURE_DATES = (
    "{file}: column '{column}' has {n} date(s) after the extraction date {extraction}: {examples}"
)
BAD_NUMBERS = "{file}: column '{column}' has {n} value(s) that are not finite numbers: {examples}"
HUGE_NUMBERS = (
    "{file}: column '{column}' has {n} value(s) too large to be right (more than {limit:g} in "
    "magnitude): {examples}"
)
NEGATIVE_NUMBERS = "{file}: column '{column}' has {n} negative value(s): {examples}"
DUPLICATE_IDS = "{file}: column '{column}' has {n} duplicated id(s): {examples}"
UNKNOWN_PEOPLE = "{file}: column '{column}' has {n} id(s) that are not in people: {examples}"
LEADING_ZEROS = (
    "; {n} of them {verb} a person's id but for leading zeros ({example!r} for {person!r}): was "
    "an id column stored as numbers on the way?"
)
DUPLICATE_COLUMNS = "{file}: column name(s) {columns} appear more than once"
NOT_TEXT = "{file}: column '{column}' holds values that are not text ({reason})"
ANCIENT_DATES = (
    "{file}: column '{column}' has {n} date(s) before {earliest}, which cannot be right: {examples}"
)
NOT_A_TABLE = "{file}: expected a pandas DataFrame, got {kind}"

#: Dates before this are rejected as typing errors (the data is about living young people).
EARLIEST_DATE = pd.Timestamp("1900-01-01")


def fail(template: str, **fields) -> None:
    """Raise a :class:`DataValidationError` with ``template`` filled in."""
    raise DataValidationError(template.format(**fields))


def fail_rows(template: str, values: pd.Series, mask, **fields) -> None:
    """Raise with ``n`` (rows where ``mask`` is true) and ``examples`` filled in from ``values``."""
    fail(template, n=int(np.count_nonzero(mask)), examples=format_examples(values, mask), **fields)


def format_examples(values: pd.Series, mask: pd.Series | np.ndarray) -> str:
    """``row 3 ('x'), row 9 ('y') and 4 more`` for the first few rows where ``mask`` is true."""
    mask = np.asarray(mask, dtype=bool)
    positions = np.flatnonzero(mask)
    shown = []
    for pos in positions[:MAX_EXAMPLES]:
        value = values.iloc[pos]
        text = "empty" if _is_missing(value) else repr(_short(str(value)))
        shown.append(f"row {pos + 1} ({text})")
    rest = len(positions) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest > 0 else "")


def _is_missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _short(text: str, limit: int = 40) -> str:
    """Cut long values; ``repr`` then escapes newlines and other unprintable characters."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_columns(frame: pd.DataFrame, spec, file: str) -> None:
    """Every required column present; suggest close names for the missing ones."""
    columns = [str(c) for c in frame.columns]
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        fail(DUPLICATE_COLUMNS, file=file, columns=duplicated)
    missing = [c for c in spec.required if c not in columns]
    if not missing:
        return
    hints = []
    spare = [c for c in columns if c not in spec.known]
    for column in missing:
        close = difflib.get_close_matches(column, spare, n=1, cutoff=0.6)
        if close:
            hints.append(f"'{close[0]}' looks like '{column}'")
    hint = f" ({'; '.join(hints)})" if hints else ""
    fail(MISSING_COLUMNS, file=file, missing=missing, hint=hint, found=columns)


def check_not_empty(frame: pd.DataFrame, file: str) -> None:
    if len(frame) == 0:
        fail(EMPTY_TABLE, file=file)


def as_text(values: pd.Series, column: str, file: str) -> pd.Series:
    """``values`` as a stripped string Series, blanks as missing; bytes must be UTF-8."""
    try:
        text = values.astype("string")
    except (UnicodeDecodeError, TypeError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:120]
        raise DataValidationError(NOT_TEXT.format(file=file, column=column, reason=reason)) from exc
    text = text.str.strip()
    return text.mask(text == "")


def check_not_missing(frame: pd.DataFrame, column: str, file: str) -> None:
    values = frame[column]
    mask = values.isna()
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        mask = mask | as_text(values, column, file).isna()
    if mask.any():
        fail_rows(
            MISSING_VALUES,
            values,
            mask,
            file=file,
            column=column,
        )


def check_dates(values: pd.Series, column: str, file: str, extraction: pd.Timestamp) -> pd.Series:
    """Parse a date column to day-precision ``datetime64[ns]``; reject garbage and future dates.

    Text must be ISO 8601 (``YYYY-MM-DD``, optionally with a time, which is dropped). A time zone
    offset is ignored (the local calendar day is kept) unless offsets are mixed, when times are
    converted to UTC first.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
        bad = pd.Series(False, index=values.index)
    else:
        text = as_text(values, column, file)
        # ISO 8601 also reads "2005" and "2005-07" (as the 1st): never guess the day
        partial = text.str.fullmatch(r"\d{4}(-\d{1,2})?").fillna(False)
        if partial.any():
            fail_rows(PARTIAL_DATES, values, partial.to_numpy(), file=file, column=column)
        parsed = _parse_iso_dates(text)
        bad = (parsed.isna() & text.notna()).fillna(False)
    if bad.any():
        fail_rows(
            BAD_DATES,
            values,
            bad,
            file=file,
            column=column,
        )
    parsed = parsed.dt.floor("D")
    for template, mask, extra in (
        (ANCIENT_DATES, parsed < EARLIEST_DATE, {"earliest": str(EARLIEST_DATE.date())}),
        (FUTURE_DATES, parsed > extraction, {"extraction": str(extraction.date())}),
    ):
        mask = mask.fillna(False)
        if mask.any():
            fail_rows(
                template,
                values,
                mask,
                file=file,
                column=column,
                **extra,
            )
    return parsed.astype("datetime64[ns]")


def _parse_iso_dates(text: pd.Series) -> pd.Series:
    try:
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    except (ValueError, TypeError, OverflowError):  # mixed time zone offsets
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


def check_numeric(
    values: pd.Series, column: str, file: str, *, non_negative: bool = False
) -> pd.Series:
    """Optional numeric columns (``severity``, ``weight``): finite numbers or empty.

    Numbers larger than :data:`MAX_NUMBER` in magnitude are refused as too large, and negative
    ones too when ``non_negative``.
    """
    present = values.notna()
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        values = as_text(values, column, file)
        present = values.notna()
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        numbers = pd.Series(np.nan, index=values.index)
    else:
        numbers = pd.to_numeric(values, errors="coerce")
    as_float = numbers.astype("float64")
    finite = np.isfinite(as_float.fillna(np.inf))
    for template, bad, extra in (
        (BAD_NUMBERS, present & ~finite, {}),
        (HUGE_NUMBERS, present & finite & (as_float.abs() > MAX_NUMBER), {"limit": MAX_NUMBER}),
        (NEGATIVE_NUMBERS, present & finite & (as_float < 0) & non_negative, {}),
    ):
        if bad.any():
            fail_rows(template, values, bad, file=file, column=column, **extra)
    return as_float


def check_unique(frame: pd.DataFrame, column: str, file: str) -> None:
    dup = frame[column].duplicated(keep=False)
    if dup.any():
        _fail_ids(DUPLICATE_IDS, frame[column], dup, file)


def _fail_ids(template: str, ids: pd.Series, mask: np.ndarray, file: str) -> None:
    """Raise with ``n`` distinct ids (not rows) where ``mask`` is true."""
    n_ids = int(ids[np.asarray(mask, dtype=bool)].nunique())
    fail(template, file=file, column=ids.name, n=n_ids, examples=format_examples(ids, mask))


def check_known_people(frame: pd.DataFrame, column: str, index: pd.Index, file: str) -> np.ndarray:
    """Positions of ``frame[column]`` in the people index; error on ids not in people (saying
    so when some differ from a person's id only by leading zeros: ``123`` for ``00123``)."""
    positions = _positions(frame[column], index)
    unknown = positions < 0
    if unknown.any():
        ids = frame[column]
        _fail_ids(UNKNOWN_PEOPLE + _leading_zeros(ids[unknown].unique(), index), ids, unknown, file)
    return positions.astype(np.int32)


def _leading_zeros(unknown, index: pd.Index) -> str:
    """The hint for unknown ids equal to a person's id but for leading zeros, or ``""``."""
    known = {}
    for person in index.astype(str):
        known.setdefault(person.lstrip("0"), person)
    found = [(str(i), known[str(i).lstrip("0")]) for i in unknown if str(i).lstrip("0") in known]
    if not found:
        return ""
    verb = "is" if len(found) == 1 else "are"
    hint = LEADING_ZEROS.format(n=len(found), verb=verb, example=found[0][0], person=found[0][1])
    return hint.replace("{", "{{").replace("}", "}}")  # the ids go through format() again


def _positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """``index.get_indexer(values)`` for unique string ids, with Arrow's hash join when possible.

    pandas converts Arrow-backed strings to Python objects for ``get_indexer`` (seconds per
    million rows); ``pyarrow.compute.index_in`` does the same lookup in C++.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        needles = pa.chunked_array(pa.array(values)).cast(pa.large_string())
        haystack = pa.chunked_array(pa.array(pd.Series(index))).cast(pa.large_string())
        found = pc.index_in(needles, value_set=haystack.combine_chunks())
        return pc.fill_null(found, -1).to_numpy().astype(np.int64)
    except (ImportError, TypeError, ValueError, ArithmeticError):
        return index.get_indexer(values)
