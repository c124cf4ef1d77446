"""Where a bundle keeps the panel's decisions, and how to read them back.

Storage format
--------------
Every score bundle holds ``decisions_template.csv``: one row per person on the panel's list,
best-ranked first, with the columns ``key, rank, decision, reason_code, decision_date,
reviewer_role``; the first two filled in, the last four empty. The panel fills in the empty
columns; ``vrurisk decisions record BUNDLE FILE`` (:mod:`vrurisk.decisions`) validates the file
and stores it inside the bundle, never in place of an earlier recording::

    BUNDLE/decisions/v001-20260301T101500Z.csv    the validated decisions (read-only)
    BUNDLE/decisions/v001-20260301T101500Z.json   when, by which OS user, from which file
                                                  (name and SHA-256), counts, MLflow run

``vNNN`` is the version (1, 2, ... in the order recorded) and the stamp is the UTC time it was
recorded. A stored CSV has the template's columns and holds only rows with a decision (people
the panel did not decide on are counted in the JSON, not stored); dates are ``YYYY-MM-DD``.
Files are created exclusively (a version that exists is never replaced) and made read-only.
The latest version is the panel's current record; earlier ones stay for the audit trail.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd

#: The columns of the decisions template and of every stored version, in order.
DECISION_COLUMNS = ("key", "rank", "decision", "reason_code", "decision_date", "reviewer_role")
#: The columns the panel fills in (empty in the template).
FILLED_COLUMNS = DECISION_COLUMNS[2:]
DECISIONS_TEMPLATE = "decisions_template.csv"
DECISIONS_DIR = "decisions"
#: ``v001-20260301T101500Z.csv``: version, UTC time recorded.
VERSION_FILE = re.compile(r"v(?P<version>\d{3,})-(?P<stamp>\d{8}T\d{6}Z)\.csv")


def decisions_template(scores: pd.DataFrame, k: int) -> pd.DataFrame:
    """The empty decisions sheet for the ``k`` best-ranked people of ``scores``.

    Only the pseudonymised key and the rank are filled in: never a raw id (even when the
    bundle was written with raw ids), a name or anything else about the person.

    Examples
    --------
    >>> scores = pd.DataFrame({"key": ["b", "a", "c"], "rank": [2, 1, 3]})
    >>> sheet = decisions_template(scores, 2)
    >>> sheet[["key", "rank"]].to_dict("list")
    {'key': ['a', 'b'], 'rank': [1, 2]}
    >>> (sheet.iloc[:, 2:] == "").all().all()
    np.True_
    """
    listed = scores.sort_values("rank", kind="stable").head(k)
    frame = pd.DataFrame(
        {"key": listed["key"].astype(str).to_numpy(), "rank": listed["rank"].astype(int).to_numpy()}
    )
    for column in FILLED_COLUMNS:
        frame[column] = ""
    return frame


def decision_versions(bundle_dir: str | os.PathLike) -> list[dict]:
    """Every recorded version of a bundle's decisions, oldest first.

    Returns
    -------
    list of dict
        ``version`` (int), ``recorded_at`` (``YYYY-MM-DDTHH:MM:SSZ``), ``path`` (the CSV) and
        ``record`` (the JSON beside it, or ``{}`` if it is missing).
    """
    directory = Path(bundle_dir) / DECISIONS_DIR
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = VERSION_FILE.fullmatch(path.name)
        if match is None:
            continue
        stamp = match["stamp"]
        sidecar = path.with_suffix(".json")
        try:
            record = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = {}
        found.append(
            {
                "version": int(match["version"]),
                "recorded_at": (
                    f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T"
                    f"{stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}Z"
                ),
                "path": path,
                "record": record,
            }
        )
    return sorted(found, key=lambda v: v["version"])


def read_decisions(bundle_dir: str | os.PathLike) -> pd.DataFrame | None:
    """The panel's decisions on a bundle's list: the latest recorded version, or ``None``.

    Parameters
    ----------
    bundle_dir : path
        A score bundle (the directory ``vrurisk score`` wrote).

    Returns
    -------
    pandas.DataFrame or None
        ``None`` when no decisions were recorded for the bundle. Otherwise one row per person
        the panel decided on (people on the list without a decision are not rows), best-ranked
        first, with columns:

        - ``key`` (string): the pseudonymised key, as in the bundle's ``scores.csv``;
        - ``rank`` (int64): the person's rank on the list (1 is highest);
        - ``decision`` (string): a decision code, e.g. ``refer_to_programme``, ``monitor``
          (the codes in the bundle's ``manifest.json`` under ``decisions``);
        - ``reason_code`` (string, ``<NA>`` when not given);
        - ``decision_date`` (datetime64[ns], midnight), never before the list's as-of date;
        - ``reviewer_role`` (string): e.g. ``police``, ``youth_justice``.

        ``frame.attrs`` holds ``version`` (int) and ``recorded_at`` (UTC, ISO) of the version
        read. The storage format is described in :mod:`vrurisk.scoring._decisions`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as bundle:
    ...     read_decisions(bundle) is None
    True
    """
    versions = decision_versions(bundle_dir)
    if not versions:
        return None
    latest = versions[-1]
    frame = pd.read_csv(latest["path"], dtype=str, keep_default_na=False)
    frame = frame.reindex(columns=list(DECISION_COLUMNS))
    out = pd.DataFrame(
        {
            "key": frame["key"].astype("string"),
            "rank": frame["rank"].astype("int64"),
            "decision": frame["decision"].astype("string"),
            "reason_code": frame["reason_code"].replace("", pd.NA).astype("string"),
            "decision_date": pd.to_datetime(frame["decision_date"], format="%Y-%m-%d").astype(
                "datetime64[ns]"
            ),
            "reviewer_role": frame["reviewer_role"].astype("string"),
        }
    )
    out = out.sort_values("rank", kind="stable").reset_index(drop=True)
    out.attrs = {"version": latest["version"], "recorded_at": latest["recorded_at"]}
    return out
