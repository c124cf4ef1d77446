"""Attach an agency's records (events, referrals, ...) to the linked person: the crosswalk used.

Until ``vrurisk ingest`` reads the crosswalk itself, :func:`attach_to_people` turns a table keyed
by each agency's own record ids into one keyed by the linked ``person_id`` of the data contract.
"""

from __future__ import annotations

import pandas as pd

from vrurisk._errors import DataValidationError
from vrurisk._text import plural

UNKNOWN_RECORDS = (
    "{name}: {n} not in the crosswalk ({agencies}; {lines}); link the agency's person table "
    "with vrurisk link first"
)
MISSING_COLUMN = "{name}: no column '{column}' ({role}); the table has {have}"
MAX_LINES = 5


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
    keys = pd.MultiIndex.from_arrays([agencies.to_numpy(), table[id_column].astype(str).to_numpy()])
    lookup = crosswalk.set_index(["agency", "agency_id"])["person_id"]
    person = lookup.reindex(keys).to_numpy()
    unknown = pd.isna(person)
    if unknown.any():
        lines = (unknown.nonzero()[0] + 2).tolist()
        shown = ", ".join(map(str, lines[:MAX_LINES]))
        more = f" and {len(lines) - MAX_LINES:,} more" if len(lines) > MAX_LINES else ""
        raise DataValidationError(
            UNKNOWN_RECORDS.format(
                name=name,
                n=plural(int(unknown.sum()), "row's record id", "rows' record ids"),
                agencies=", ".join(sorted(set(agencies[unknown]))),
                lines=f"{'line' if len(lines) == 1 else 'lines'} {shown}{more}",
            )
        )
    out = table.drop(columns=[id_column])
    out.insert(0, "person_id", person)
    return out
