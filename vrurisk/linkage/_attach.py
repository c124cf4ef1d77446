"""Attach an agency's records (events, referrals, ...) to the linked person: the crosswalk used.

:func:`read_crosswalk` reads and checks the crosswalk written by ``vrurisk link``;
:func:`attach_to_people` turns a table keyed by each agency's own record ids into one keyed by
the linked ``person_id`` of the data contract (``vrurisk ingest`` does the same per source).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from vrurisk._errors import DataValidationError
from vrurisk._text import line_numbers, plural
from vrurisk.data import read_csv_text

UNKNOWN_RECORDS = (
    "{name}: {n} not in the crosswalk ({agencies}; {lines}); link the agency's person table "
    "with vrurisk link first"
)
MISSING_COLUMN = "{name}: no column '{column}' ({role}); the table has {have}"
CROSSWALK_COLUMNS = ("agency", "agency_id", "person_id")
CROSSWALK_MISSING = (
    "{name}: no column '{column}'; a crosswalk (vrurisk link) has agency, agency_id, person_id; "
    "this one has {have}"
)
CROSSWALK_EMPTY = "{name}: column '{column}' is empty on {rows} ({lines})"
CROSSWALK_TWO_PEOPLE = (
    "{name}: {n} mapped to two or more people ({examples}); a record belongs to one person"
)
CROSSWALK_UNREADABLE = "{name}: the crosswalk cannot be read ({reason})"
CROSSWALK_AGENCY_CASE = (
    "{name}: agencies {spellings} differ only in case ({lines}); spell each agency one way"
)


def crosswalk_agency(name: str, crosswalk: pd.DataFrame) -> str | None:
    """The crosswalk's own spelling of an agency name (case and surrounding spaces ignored).

    Parameters
    ----------
    name : str
        An agency name as a mapping or a caller spells it (``" Police"``).
    crosswalk : pandas.DataFrame
        With an ``agency`` column (:func:`read_crosswalk`).

    Returns
    -------
    str or None
        The agency as the crosswalk spells it, None when it has no such agency.

    Examples
    --------
    >>> crosswalk = pd.DataFrame({"agency": ["police", "A&E"]})
    >>> crosswalk_agency(" Police", crosswalk), crosswalk_agency("a&e", crosswalk)
    ('police', 'A&E')
    >>> crosswalk_agency("health", crosswalk) is None
    True
    """
    return _agency_spellings(crosswalk).get(_fold_agency(name))


def _agency_spellings(crosswalk: pd.DataFrame) -> dict[str, str]:
    """Each agency of the crosswalk by its folded name."""
    return {_fold_agency(a): a for a in pd.unique(crosswalk["agency"])}


def _fold_agency(name) -> str:
    return str(name).strip().casefold()


def read_crosswalk(path: str | os.PathLike) -> pd.DataFrame:
    """Read and check the crosswalk written by ``vrurisk link`` (its directory or the CSV).

    Parameters
    ----------
    path : path
        ``crosswalk.csv`` (or any CSV with ``agency``, ``agency_id``, ``person_id``), or the
        output directory of ``vrurisk link`` holding it.

    Returns
    -------
    pandas.DataFrame
        ``agency``, ``agency_id``, ``person_id`` as strings, exact repeated rows removed.

    Raises
    ------
    DataValidationError
        One line naming the file: unreadable, a column missing, an empty value (with line
        numbers), one agency id mapped to two people (with the agency, id and lines), or
        two spellings of one agency differing only in case (``Police``, ``police``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "crosswalk.csv"
    >>> _ = path.write_text("agency,agency_id,person_id\\npolice,N1,L1\\nhealth,H7,L1\\n")
    >>> read_crosswalk(path)["person_id"].tolist()
    ['L1', 'L1']
    """
    path = Path(path)
    if path.is_dir():
        path = path / "crosswalk.csv"
    name = str(path)
    try:
        frame = read_csv_text(path)  # ids stay text; rows wider than the header refused
    except Exception as exc:  # noqa: BLE001 - any reader failure is one line naming the file
        reason = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
        raise DataValidationError(CROSSWALK_UNREADABLE.format(name=name, reason=reason)) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in CROSSWALK_COLUMNS:
        if column not in frame.columns:
            have = ", ".join(map(str, frame.columns[:12]))
            raise DataValidationError(CROSSWALK_MISSING.format(name=name, column=column, have=have))
    frame = frame[list(CROSSWALK_COLUMNS)].apply(lambda c: c.str.strip())
    for column in CROSSWALK_COLUMNS:
        empty = np.flatnonzero(frame[column].isna().to_numpy() | (frame[column] == "").to_numpy())
        if len(empty):
            rows = plural(len(empty), "row")
            raise DataValidationError(
                CROSSWALK_EMPTY.format(
                    name=name, column=column, rows=rows, lines=line_numbers(empty + 2)
                )
            )
    _check_agency_case(frame, name)
    frame = frame.drop_duplicates()
    clash = frame.duplicated(["agency", "agency_id"], keep=False).to_numpy()
    if clash.any():
        bad = frame[clash]
        groups = bad.groupby(["agency", "agency_id"], sort=False).groups
        examples = "; ".join(
            f"{agency} {agency_id} on {line_numbers(np.asarray(rows) + 2, 3)}"
            for (agency, agency_id), rows in list(groups.items())[:3]
        )
        n = plural(len(groups), "agency id", "agency ids")
        raise DataValidationError(CROSSWALK_TWO_PEOPLE.format(name=name, n=n, examples=examples))
    return frame.reset_index(drop=True)


def _check_agency_case(frame: pd.DataFrame, name: str) -> None:
    """Two spellings of one agency ('Police', 'police') would split its records: refuse."""
    first = frame["agency"].drop_duplicates()
    folded = first.map(_fold_agency)
    clash = folded.duplicated(keep=False)
    if clash.any():
        group = first[clash & (folded == folded[clash].iloc[0])].sort_values()
        spellings = " and ".join(repr(a) for a in group)
        lines = "lines " + " and ".join(str(i + 2) for i in group.index)
        raise DataValidationError(
            CROSSWALK_AGENCY_CASE.format(name=name, spellings=spellings, lines=lines)
        )


def linked_person_ids(agencies, ids, crosswalk: pd.DataFrame) -> np.ndarray:
    """The linked ``person_id`` of each (agency, agency id) pair; missing where not linked.

    Agency names are compared without regard to case or surrounding spaces (``Police`` finds
    the crosswalk's ``police``).

    Parameters
    ----------
    agencies, ids : array-like of str
        The agency and its record id, one pair per row.
    crosswalk : pandas.DataFrame
        ``agency``, ``agency_id``, ``person_id`` (:func:`read_crosswalk`).

    Returns
    -------
    numpy.ndarray
        The person id of each pair, NaN where the pair is not in the crosswalk.

    Examples
    --------
    >>> crosswalk = pd.DataFrame({"agency": ["police"], "agency_id": ["N1"], "person_id": ["L1"]})
    >>> linked_person_ids(["police", " Police", "police"], ["N1", "N1", "N2"], crosswalk).tolist()
    ['L1', 'L1', nan]
    """
    agencies = np.asarray(agencies, dtype=object)
    spellings = _agency_spellings(crosswalk)
    spelled = {a: spellings.get(_fold_agency(a), a) for a in pd.unique(agencies)}
    if any(a != b for a, b in spelled.items()):
        agencies = pd.Series(agencies).map(spelled).to_numpy()
    keys = pd.MultiIndex.from_arrays([agencies, np.asarray(ids, dtype=object)])
    lookup = crosswalk.set_index(["agency", "agency_id"])["person_id"]
    return lookup.reindex(keys).to_numpy()


def attach_to_people(
    table: pd.DataFrame,
    crosswalk: pd.DataFrame,
    *,
    agency: str | None = None,
    agency_column: str = "source",
    id_column: str = "agency_id",
    name: str = "table",
) -> pd.DataFrame:
    """Replace each row's agency record id by the linked ``person_id``.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows keyed by an agency's own record id (``id_column``), e.g. police incidents by
        nominal id; the agency is ``agency`` for every row, or each row's ``agency_column``.
    crosswalk : pandas.DataFrame
        ``agency``, ``agency_id``, ``person_id`` as written by :func:`link_agencies`.
    agency : str, optional
        The agency of every row (otherwise read from ``agency_column``).
    agency_column, id_column : str
        Columns holding the agency and its record id.
    name : str
        The table's name in error messages (e.g. its file name).

    Returns
    -------
    pandas.DataFrame
        ``table`` with ``person_id`` first and ``id_column`` dropped (row order kept).

    Raises
    ------
    DataValidationError
        When a column is missing, or a record id is not in the crosswalk (one line with the
        line numbers, header = line 1).

    Examples
    --------
    >>> import pandas as pd
    >>> crosswalk = pd.DataFrame({"agency": ["police", "health"], "agency_id": ["N1", "H7"],
    ...                           "person_id": ["L1", "L1"]})
    >>> events = pd.DataFrame({"source": ["police", "health"], "agency_id": ["N1", "H7"],
    ...                        "event_type": ["violence", "ae_attendance"]})
    >>> attach_to_people(events, crosswalk)["person_id"].tolist()
    ['L1', 'L1']
    """
    needed = {id_column: "the agency's record id"}
    if agency is None:
        needed[agency_column] = "the agency"
    for column, role in needed.items():
        if column not in table.columns:
            have = ", ".join(map(str, table.columns[:12]))
            raise DataValidationError(
                MISSING_COLUMN.format(name=name, column=column, role=role, have=have)
            )
    agencies = (
        pd.Series(agency, index=table.index, dtype=object)
        if agency is not None
        else table[agency_column].astype(str)
    )
    person = linked_person_ids(agencies, table[id_column].astype(str), crosswalk)
    unknown = pd.isna(person)
    if unknown.any():
        raise DataValidationError(
            UNKNOWN_RECORDS.format(
                name=name,
                n=plural(int(unknown.sum()), "row's record id", "rows' record ids"),
                agencies=", ".join(sorted(set(agencies[unknown]))),
                lines=line_numbers(unknown.nonzero()[0] + 2),
            )
        )
    out = table.drop(columns=[id_column])
    out.insert(0, "person_id", person)
    return out
