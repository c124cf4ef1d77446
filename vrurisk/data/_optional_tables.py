"""The optional tables of the data contract: ``interventions``, ``lists`` and ``custody``.

Each is validated like the required tables (columns, dates, known people, nothing dated after
the extraction date) plus its own rules: a programme or a custody period cannot end before it
starts; a person's custody periods do not overlap (one still open is the last); a list rank
and the panel's places are whole numbers of at least 1; a person appears once per list.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vrurisk.data._schema import OPTIONAL_TABLES
from vrurisk.data._validate import check_known_people, fail_rows

END_BEFORE_START = (
    "{file}: column 'end_date' has {n} date(s) before the row's start_date: {examples}"
)
NOT_WHOLE = "{file}: column '{column}' has {n} value(s) that are not whole numbers >= 1: {examples}"
DUPLICATE_LIST_ROWS = "{file}: {n} row(s) repeat a person already on the same list_date: {examples}"
CUSTODY_OVERLAP = (
    "{file}: {n} period(s) start before the same person's previous period ended: {examples}"
)


def validate_optional_table(
    name: str,
    frame: pd.DataFrame,
    people_index: pd.Index,
    file: str,
    extraction: pd.Timestamp,
) -> pd.DataFrame:
    """Validate one optional table against the people it refers to; return the clean copy.

    Raises
    ------
    DataValidationError
        One line naming the file, the column and the first offending rows.
    """
    from vrurisk.data._dataset import _validate_table

    clean = _validate_table(frame, OPTIONAL_TABLES[name], file, extraction)
    clean["person_idx"] = check_known_people(clean, "person_id", people_index, file)
    CHECKS[name](clean, file)
    return clean


def _check_interventions(frame: pd.DataFrame, file: str) -> None:
    if "end_date" not in frame.columns:
        return
    bad = (frame["end_date"] < frame["start_date"]).fillna(False).to_numpy()
    if bad.any():
        fail_rows(END_BEFORE_START, frame["end_date"].dt.strftime("%Y-%m-%d"), bad, file=file)


def _check_custody(frame: pd.DataFrame, file: str) -> None:
    _check_interventions(frame, file)
    if "end_date" not in frame.columns:
        frame["end_date"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    order = np.lexsort((frame["start_date"].to_numpy(), frame["person_idx"].to_numpy()))
    person = frame["person_idx"].to_numpy()[order]
    start = frame["start_date"].to_numpy()[order]
    end = frame["end_date"].to_numpy()[order]
    same = person[1:] == person[:-1]
    # a period overlaps its predecessor when it starts before that one ended (or it never did)
    overlap = same & (np.isnat(end[:-1]) | (start[1:] < end[:-1]))
    bad = np.zeros(len(frame), dtype=bool)
    bad[order[1:][overlap]] = True
    if bad.any():
        fail_rows(CUSTODY_OVERLAP, frame["start_date"].dt.strftime("%Y-%m-%d"), bad, file=file)


def _check_lists(frame: pd.DataFrame, file: str) -> None:
    for column in ("rank", "places"):
        values = frame[column].to_numpy()
        bad = ~((values >= 1) & (values == np.floor(values)))
        if bad.any():
            fail_rows(NOT_WHOLE, frame[column], bad, file=file, column=column)
        frame[column] = values.astype(np.int64)
    repeated = frame.duplicated(["list_date", "person_id"], keep="first").to_numpy()
    if repeated.any():
        fail_rows(DUPLICATE_LIST_ROWS, frame["person_id"], repeated, file=file)


CHECKS = {"interventions": _check_interventions, "lists": _check_lists, "custody": _check_custody}
