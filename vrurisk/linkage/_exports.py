"""Synthetic agency event exports keyed by each agency's own record ids, and their mapping.

Beside the person tables of :func:`~vrurisk.linkage.simulate_agency_extracts`, each agency
exports events the way it records them: under its own record id (``nominal_id``,
``patient_id``, ...), in its own words and date format. :func:`agency_event_exports` draws them
from the agency records (a person's events from an agency go to that person's record there, or
to either of two duplicate records; 1% carry a record id missing from the person table), and
:func:`event_mapping` maps them onto the data contract through the crosswalk of
``vrurisk link``: the whole chain ``synth-agencies -> link -> ingest`` runs on them, and the
true person of every event is known from ``truth/truth.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Per agency: its event columns (beside its record id), its words for event types and roles
#: (canonical meaning), constants it does not record, and events per record (Poisson mean).
EVENT_EXPORTS: dict[str, dict] = {
    "police": {
        "columns": {"event_date": "offence_date", "event_type": "offence", "role": "involvement"},
        "types": {
            "Wounding with intent": "serious_violence",
            "Common assault": "violence",
            "Possession of a bladed article": "knife_possession",
        },
        "roles": {"Suspect": "suspect", "Victim": "victim"},
        "constants": {},
        "rate": 1.5,
    },
    "health": {
        "columns": {"event_date": "attendance_date"},
        "types": {},
        "roles": {},
        "constants": {"event_type": "ae_assault", "role": "victim"},
        "rate": 0.6,
    },
    "education": {
        "columns": {"event_date": "start_date", "event_type": "category"},
        "types": {"Suspension": "school_exclusion", "SEN support plan": "sen_support"},
        "roles": {},
        "constants": {"role": "subject"},
        "rate": 0.8,
    },
    "social_care": {
        "columns": {"event_date": "referral_date", "event_type": "reason"},
        "types": {
            "Child in need referral": "social_care_referral",
            "Domestic abuse notification": "domestic_abuse",
        },
        "roles": {},
        "constants": {"role": "subject"},
        "rate": 0.7,
    },
}
#: Days before the extraction date over which events are drawn.
EVENT_SPAN_DAYS = 2 * 365
#: Share of exported events whose record is missing from the agency's person table (records
#: deleted or not extracted): not in the crosswalk, so ``vrurisk ingest`` must say so.
ORPHAN_SHARE = 0.01

MAPPING_HEAD = """\
# Synthetic agency event exports -> the data contract, through the linkage crosswalk.
#   vrurisk link linkage.yaml --out ../linked     (writes crosswalk.csv and people.csv)
#   vrurisk ingest mapping.yaml --out ../data
mapping_version: 1
extraction_date: {extraction}
crosswalk: ../linked/crosswalk.csv   # agency, agency_id -> person_id
unlinked: drop                       # records not in the crosswalk: counted, warned, dropped
sources:
  - name: people
    file: ../linked/people.csv
    table: people
    date_format: "%Y-%m-%d"
    columns: {{person_id: person_id, birth_date: birth_date, sex: sex, ethnicity: ethnicity}}
"""


def agency_event_exports(
    truth: pd.DataFrame, agency_columns: dict[str, dict], *, seed: int, end_date: str
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Each agency's events under its own record ids, and the same events in contract words.

    Parameters
    ----------
    truth : pandas.DataFrame
        ``agency``, ``agency_id``, ``person_id`` of every agency record.
    agency_columns : dict
        Agency -> its person-table columns and date format (:attr:`AgencyExtracts.columns`).
    seed : int
        Seed of the draws (with ``truth``, the same seed gives the same exports).
    end_date : str
        The extraction date; events fall in the two years before it.

    Returns
    -------
    (dict of str to pandas.DataFrame, pandas.DataFrame)
        Agency -> its export (agency column names, dates as text in its format); and
        ``agency``, ``agency_id``, ``event_date``, ``event_type``, ``role`` of every event, in
        canonical words (for ``truth/events.csv``).

    Examples
    --------
    >>> truth = pd.DataFrame({"agency": ["health"], "agency_id": ["HP1"], "person_id": ["p1"]})
    >>> columns = {"health": {"columns": {"agency_id": "patient_id"}, "date_format": "%Y-%m-%d"}}
    >>> exports, events = agency_event_exports(truth, columns, seed=0, end_date="2025-12-31")
    >>> list(exports["health"].columns)
    ['patient_id', 'attendance_date']
    """
    rng = np.random.default_rng([seed, 18, 2])
    end = pd.Timestamp(end_date)
    exports, canonical = {}, []
    for agency, spec in EVENT_EXPORTS.items():
        if agency not in agency_columns:
            continue
        records = truth[truth["agency"] == agency].sort_values("agency_id")
        ids = np.repeat(records["agency_id"].to_numpy(), rng.poisson(spec["rate"], len(records)))
        orphans = rng.random(len(ids)) < ORPHAN_SHARE
        ids[orphans] = [f"{agency[:2].upper()}X{k:06d}" for k in range(int(orphans.sum()))]
        n = len(ids)
        dates = end - pd.to_timedelta(rng.integers(1, EVENT_SPAN_DAYS, n), unit="D")
        words = {"event_type": spec["types"], "role": spec["roles"]}
        drawn = {f: rng.choice(list(m), n) for f, m in words.items() if m}
        own = agency_columns[agency]
        export = pd.DataFrame({own["columns"]["agency_id"]: ids})
        for field, column in spec["columns"].items():
            if field == "event_date":
                export[column] = dates.strftime(own["date_format"])
            else:
                export[column] = drawn[field]
        exports[agency] = export
        meaning = {
            f: pd.Series(drawn[f]).map(words[f]).to_numpy() if f in drawn else spec["constants"][f]
            for f in ("event_type", "role")
        }
        canonical.append(
            pd.DataFrame(
                {"agency": agency, "agency_id": ids, "event_date": dates.strftime("%Y-%m-%d")}
                | meaning
            )
        )
    return exports, pd.concat(canonical, ignore_index=True)


def event_mapping(agency_columns: dict[str, dict], end_date: str) -> str:
    """The ``mapping.yaml`` that ingests :func:`agency_event_exports` through the crosswalk."""
    import yaml

    sources = []
    for agency, spec in EVENT_EXPORTS.items():
        if agency not in agency_columns:
            continue
        own = agency_columns[agency]
        source = {
            "name": agency,
            "file": f"{agency}_events.csv",
            "table": "events",
            "agency": agency,
            "date_format": own["date_format"],
            "columns": {"person_id": own["columns"]["agency_id"], **spec["columns"]},
        }
        values = {f: spec[k] for f, k in (("event_type", "types"), ("role", "roles")) if spec[k]}
        if values:
            source["values"] = values
        if spec["constants"]:
            source["constants"] = spec["constants"]
        sources.append(source)
    body = yaml.safe_dump(sources, sort_keys=False, width=100)
    return MAPPING_HEAD.format(extraction=end_date) + "".join(
        f"  {line}\n" if line else "\n" for line in body.splitlines()
    )
