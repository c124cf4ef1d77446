"""The optional tables of the data contract: ``interventions`` and ``lists``.

Both are validated like the required tables (columns, dates, known people, nothing dated after
the extraction date) plus their own rules: a programme cannot end before it starts; a list rank
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


CHECKS = {"interventions": _check_interventions, "lists": _check_lists}
