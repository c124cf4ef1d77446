"""`vrurisk ingest` on exports as analysts really send them (the outside review's cases)."""

from __future__ import annotations

import json

import pytest
import yaml
from cli_helpers import run_cli

from vrurisk.data import load_dataset

PEOPLE = "Ref,DOB,Left\n00123,01/02/2005,n/a\n00124,03/04/2006,\n00125,05/06/2004,NULL\n"
CRIMES = "Ref,Date,Type\n00123,01/03/2022,Assault\n00124,02/03/2023,Assault\n00125,05/05/2023,GBH\n"
CUSTODY = "Ref,In,Out\n00123,01/06/2023,NULL\n00124,01/01/2023,N/A\n00125,01/01/2022,15/03/2022\n"


def write_exports(tmp_path, *, crimes=CRIMES, custody=CUSTODY):
    for name, text in {"people.csv": PEOPLE, "crimes.csv": crimes, "custody.csv": custody}.items():
        (tmp_path / name).write_text(text)
    mapping = {
        "mapping_version": 1,
        "extraction_date": "2025-12-31",
        "sources": [
            {
                "name": "register",
                "file": "people.csv",
                "table": "people",
                "columns": {"person_id": "Ref", "birth_date": "DOB", "left_date": "Left"},
            },
            {
                "name": "police",
                "file": "crimes.csv",
                "table": "events",
                "columns": {"person_id": "Ref", "event_date": "Date", "event_type": "Type"},
                "values": {"event_type": {"Assault": "violence", "GBH": "serious_violence"}},
            },
            {
                "name": "prison",
                "file": "custody.csv",
                "table": "custody",
                "columns": {"person_id": "Ref", "start_date": "In", "end_date": "Out"},
            },
        ],
    }
    return mapping


def run_ingest(tmp_path, mapping: dict):
    """Write ``mapping`` beside the exports and ingest it into ``data``: (its path, the run)."""
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(mapping, sort_keys=False))
    return path, run_cli("ingest", path, "--out", tmp_path / "data")


def test_null_spellings_are_empty_not_a_reason_to_drop_people_or_custody(tmp_path):
    # "NULL" / "n/a" is how databases and spreadsheets export an empty cell (Excel cells are
    # already read so): an open custody period, a person who never left. Dropping those rows
    # put someone in prison back on the list and lost two people with all their events.
    _, (code, out, err) = run_ingest(tmp_path, write_exports(tmp_path))
    assert code == 0, err
    ds = load_dataset(tmp_path / "data")
    assert ds.people["person_id"].tolist() == ["00123", "00124", "00125"]
    assert ds.people["left_date"].isna().all()
    assert len(ds.events) == 3
    custody = ds.custody.sort_values("person_id")
    assert custody["person_id"].tolist() == ["00123", "00124", "00125"]
    assert custody["end_date"].isna().tolist() == [True, True, False]
    # said out loud: what was read as empty, per source and field
    report = json.loads((tmp_path / "data" / "mapping_report.json").read_text())
    prison = next(s for s in report["sources"] if s["name"] == "prison")
    assert prison["read_as_empty"] == {"end_date": {"N/A": 1, "NULL": 1}}
    assert "  read as empty end_date: 'N/A' x1, 'NULL' x1" in out


@pytest.mark.parametrize(
    "change, message",
    [  # every police row in another date format: not "events: the table has no rows"
        (
            {"crimes": CRIMES.replace("/2022", "-2022").replace("/2023", "-2023")},
            "no events rows left to write: police (crimes.csv) read 3, dropped 3 event_date not "
            "a date in the format %d/%m/%Y",
        ),
        (
            {"custody": "Ref,In,Out\n00999,01/06/2023,\n"},
            "no custody rows left to write: prison (custody.csv) read 1, dropped 1 person not in "
            "the people table",
        ),
    ],
)
def test_a_table_left_without_rows_is_one_line_naming_its_sources(tmp_path, change, message):
    path, (code, out, err) = run_ingest(tmp_path, write_exports(tmp_path, **change))
    assert code == 2
    assert err.strip() == f"error: {path}: {message}"
    assert not (tmp_path / "data").exists()


def test_a_source_losing_every_row_to_the_people_join_is_named(tmp_path):
    # with a crosswalk, a police source that forgot `agency: police` keeps nominal ids, none of
    # which is a linked person: the whole agency went, while its own line said "kept 2"
    (tmp_path / "crosswalk.csv").write_text(
        "agency,agency_id,person_id\npolice,N1,L1\npolice,N2,L2\nhealth,H7,L1\n"
    )
    (tmp_path / "people.csv").write_text("person_id,birth_date\nL1,2005-01-01\nL2,2006-01-01\n")
    (tmp_path / "police.csv").write_text("nominal,date\nN1,01/03/2022\nN2,01/03/2022\n")
    (tmp_path / "health.csv").write_text("patient,date\nH7,01/03/2022\n")
    events = {"event_date": "date"}
    constants = {"event_type": "violence"}
    mapping = {
        "mapping_version": 1,
        "extraction_date": "2025-12-31",
        "crosswalk": "crosswalk.csv",
        "sources": [
            {"name": "people", "file": "people.csv", "table": "people", "date_format": "ISO8601",
             "columns": {"person_id": "person_id", "birth_date": "birth_date"}},
            {"name": "police", "file": "police.csv", "table": "events", "constants": constants,
             "columns": {"person_id": "nominal", **events}},
            {"name": "health", "file": "health.csv", "table": "events", "agency": "health",
             "constants": constants, "columns": {"person_id": "patient", **events}},
        ],
    }  # fmt: skip
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(mapping, sort_keys=False))
    code, out, err = run_cli("ingest", path, "--out", tmp_path / "data")
    assert code == 0, err
    assert (
        "police (police.csv -> events): read 2, kept 0; dropped: 2 person not in the people" in out
    )
    assert (
        "warning: police (police.csv): none of its 2 rows kept (2 person not in the people "
        "table); with a crosswalk, a source holding an agency's own ids needs agency: NAME"
    ) in err
    report = json.loads((tmp_path / "data" / "mapping_report.json").read_text())
    police = next(s for s in report["sources"] if s["name"] == "police")
    assert police["rows_kept"] == 0
    assert police["rows_dropped"] == {"person not in the people table": 2}
