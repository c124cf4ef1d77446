"""Read each agency's person table and standardise it for linkage.

Every problem with a table is one :class:`DataValidationError` naming the file, the column and
the rows at fault (row numbers as in the file, the header being line 1), never the values: the
values are names and dates of birth.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from vrurisk._errors import DataValidationError
from vrurisk._text import plural
from vrurisk.linkage._config import AgencyTable, LinkageConfig
from vrurisk.linkage._names import NICKNAMES

MISSING_COLUMNS = "{file}: {agency} has no column {missing}{hint}; the file has {n}"
EMPTY_IDS = "{file}: column '{column}' (agency_id) is empty on {rows}"
DUPLICATE_IDS = (
    "{file}: column '{column}' (agency_id) repeats {n_ids} on {rows}; each record needs its own id"
)
BAD_DATES = (
    "{file}: column '{column}' (birth_date) has {n} not in the format {fmt!r} on {rows}; "
    "set agencies.{agency}.date_format"
)
NO_RECORDS = "{file}: {agency} has no records"
EXCEL_NEEDS = (
    "{file}: reading Excel needs the openpyxl package (pip install openpyxl); or save as CSV"
)
UNREADABLE = "{file}: cannot read {agency}'s table ({reason})"
MAX_ROWS_SHOWN = 5

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def read_agency_tables(config: LinkageConfig) -> dict[str, pd.DataFrame]:
    """Every agency's standardised records, keyed by agency name (checked, one line on error)."""
    return {
        agency: standardise(read_agency_table(table, agency), table, agency, config.other_ids)
        for agency, table in config.agencies.items()
    }


def read_agency_table(table: AgencyTable, agency: str) -> pd.DataFrame:
    """The raw table (all columns as strings), with a one-line error if it cannot be read."""
    from vrurisk.data import read_table

    path = Path(table.path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        try:
            engine = "openpyxl" if path.suffix.lower() in (".xlsx", ".xlsm") else None
            frame = pd.read_excel(path, sheet_name=table.sheet or 0, dtype=str, engine=engine)
        except ImportError as exc:
            raise DataValidationError(EXCEL_NEEDS.format(file=path)) from exc
        except (OSError, ValueError) as exc:
            reason = " ".join(str(exc).split())[:200]
            raise DataValidationError(
                UNREADABLE.format(file=path, agency=agency, reason=reason)
            ) from exc
    else:
        frame = read_table(path)
    if frame.empty:
        raise DataValidationError(NO_RECORDS.format(file=path, agency=agency))
    return frame


def standardise(
    raw: pd.DataFrame, table: AgencyTable, agency: str, other_ids: list[str]
) -> pd.DataFrame:
    """Map an agency's columns onto vrurisk's fields and normalise them for comparison.

    Names are lower-cased letters only, with familiar given names replaced by the full name
    (``tom`` -> ``thomas``); dates of birth are ISO strings; postcodes are upper case with one
    space; sex is ``M``, ``F`` or missing; other identifiers lose spaces and case.
    """
    path = Path(table.path)
    wanted = {**table.columns, **table.other_ids}
    missing = [(field, col) for field, col in wanted.items() if col not in raw.columns]
    if missing:
        _missing_columns(path, agency, missing, list(raw.columns))
    ids = raw[table.columns["agency_id"]].astype("string").str.strip()
    _check_ids(ids, path, table.columns["agency_id"])
    out = pd.DataFrame({"unique_id": ids.to_numpy(dtype=object)})
    out["agency_id"] = out["unique_id"]
    out["first_name"] = standard_given_names(raw[table.columns["first_name"]])
    out["last_name"] = standard_names(raw[table.columns["last_name"]])
    birth = parse_birth_dates(raw[table.columns["birth_date"]], table, agency)
    out["birth_date"] = birth.dt.strftime("%Y-%m-%d").astype(object).where(birth.notna(), None)
    out["birth_year"] = birth.dt.year.astype("Int64").astype("string").astype(object)
    out["birth_year"] = out["birth_year"].where(birth.notna(), None)
    sex = raw[table.columns["sex"]] if "sex" in table.columns else pd.Series(None, index=raw.index)
    out["sex"] = standard_sex(sex, table.sex_codes)
    postcode = (
        raw[table.columns["postcode"]]
        if "postcode" in table.columns
        else pd.Series(None, index=raw.index, dtype=object)
    )
    out["postcode"] = standard_postcodes(postcode)
    out["postcode_district"] = out["postcode"].str.split(" ").str[0]
    out["first_name_initial"] = out["first_name"].str[:1]
    out["last_name_initial"] = out["last_name"].str[:1]
    if "ethnicity" in table.columns:
        ethnicity = raw[table.columns["ethnicity"]].astype("string").str.strip()
        out["ethnicity"] = ethnicity.astype(object).where(ethnicity.notna() & (ethnicity != ""))
    else:
        out["ethnicity"] = None
    for name in other_ids:
        if name in table.other_ids:
            value = raw[table.other_ids[name]].astype("string").str.replace(r"\s+", "", regex=True)
            value = value.str.upper()
            out[name] = value.astype(object).where(value.notna() & (value != ""), None)
        else:
            out[name] = None
    for column in out.columns:
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


def _missing_columns(path: Path, agency: str, missing, have: list[str]) -> None:
    named = ", ".join(f"'{col}' ({field})" for field, col in missing)
    hint = ""
    close = difflib.get_close_matches(missing[0][1], have, n=1)
    if close:
        hint = f" (did you mean '{close[0]}'?)"
    raise DataValidationError(
        MISSING_COLUMNS.format(
            file=path,
            agency=agency,
            missing=named,
            hint=hint,
            n=plural(len(have), "column") + ": " + ", ".join(have[:12]),
        )
    )


def _check_ids(ids: pd.Series, path: Path, column: str) -> None:
    empty = ids.isna() | (ids == "")
    if empty.any():
        raise DataValidationError(
            EMPTY_IDS.format(file=path, column=column, rows=_rows(empty.to_numpy()))
        )
    repeated = ids.duplicated(keep=False).to_numpy()
    if repeated.any():
        n_ids = ids[repeated].nunique()
        raise DataValidationError(
            DUPLICATE_IDS.format(
                file=path,
                column=column,
                n_ids=plural(n_ids, "id"),
                rows=_rows(repeated),
            )
        )


def _rows(mask: np.ndarray) -> str:
    """``rows 2, 5 and 9`` as numbered in the file (header = line 1), at most five shown."""
    lines = np.flatnonzero(mask) + 2
    shown = ", ".join(str(x) for x in lines[:MAX_ROWS_SHOWN])
    more = f" and {len(lines) - MAX_ROWS_SHOWN:,} more" if len(lines) > MAX_ROWS_SHOWN else ""
    return f"{'line' if len(lines) == 1 else 'lines'} {shown}{more}"


def parse_birth_dates(values: pd.Series, table: AgencyTable, agency: str) -> pd.Series:
    """Dates of birth in the agency's format; a non-empty value that does not parse is an error."""
    text = values.astype("string").str.strip()
    present = text.notna() & (text != "")
    parsed = pd.to_datetime(text.where(present), format=table.date_format, errors="coerce")
    bad = (present & parsed.isna()).to_numpy()
    if bad.any():
        raise DataValidationError(
            BAD_DATES.format(
                file=Path(table.path),
                column=table.columns["birth_date"],
                n=plural(bad.sum(), "value"),
                fmt=table.date_format,
                rows=_rows(bad),
                agency=agency,
            )
        )
    return parsed


def _ascii_letters(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.lower()
    text = text.map(
        lambda s: (
            unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
            if isinstance(s, str)
            else s
        ),
        na_action="ignore",
    )
    text = text.astype("string").str.replace(r"[^a-z]", "", regex=True)
    return text.where(text.notna() & (text != ""))


def standard_names(values: pd.Series) -> pd.Series:
    """Lower-case ASCII letters only (accents, spaces, hyphens and apostrophes dropped)."""
    return _ascii_letters(values).astype(object)


def standard_given_names(values: pd.Series) -> pd.Series:
    """:func:`standard_names`, with familiar forms replaced by the full name."""
    names = _ascii_letters(values)
    return names.map(lambda s: NICKNAMES.get(s, s), na_action="ignore").astype(object)


def standard_sex(values: pd.Series, codes: dict[str, str]) -> pd.Series:
    """``M``, ``F`` or missing: the agency's codes first, else the first letter of the value."""
    text = values.astype("string").str.strip()
    mapped = text.map(lambda s: codes.get(s), na_action="ignore") if codes else None
    first = text.str[:1].str.upper()
    guess = first.where(first.isin(["M", "F"]))
    if mapped is not None:
        guess = mapped.astype("string").fillna(guess)
    return guess.astype(object).where(guess.notna(), None)


def standard_postcodes(values: pd.Series) -> pd.Series:
    """Upper case with a single space before the inward code; anything else is missing."""
    text = values.astype("string").str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    parts = text.str.extract(_POSTCODE)
    result = parts[0] + " " + parts[1]
    return result.astype(object).where(result.notna(), None)
