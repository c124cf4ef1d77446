"""`vrurisk ingest` with the crosswalk of `vrurisk link`: every agency's events on one person."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from cli_helpers import run_cli

from vrurisk.data import load_dataset

CROSSWALK = "agency,agency_id,person_id\npolice,N1,L1\npolice,N2,L2\nhealth,H7,L1\nhealth,H8,L2\n"
PEOPLE = "person_id,birth_date\nL1,2005-03-01\nL2,2006-07-09\n"
POLICE = (
    "nominal,date,offence\nN1,01/02/2024,Assault\nN2,03/04/2024,Assault\nN9,05/06/2024,Assault\n"
)
HEALTH = "patient,date\nH7,02/02/2024\nH8,04/04/2024\n"


def write_agency_files(tmp_path, *, crosswalk=CROSSWALK, **change):
    (tmp_path / "crosswalk.csv").write_text(crosswalk)
    (tmp_path / "people.csv").write_text(PEOPLE)
    (tmp_path / "police.csv").write_text(POLICE)
    (tmp_path / "health.csv").write_text(HEALTH)
    mapping = {
        "mapping_version": 1,
        "extraction_date": "2025-01-01",
        "crosswalk": "crosswalk.csv",
        "sources": [
            {
                "name": "people",
                "file": "people.csv",
                "table": "people",
                "date_format": "ISO8601",
                "columns": {"person_id": "person_id", "birth_date": "birth_date"},
            },
            {
                "name": "police",
                "file": "police.csv",
                "table": "events",
                "agency": "police",
                "columns": {"person_id": "nominal", "event_date": "date", "event_type": "offence"},
                "values": {"event_type": {"Assault": "violence"}},
                "constants": {"role": "suspect"},
            },
            {
                "name": "health",
                "file": "health.csv",
                "table": "events",
                "agency": "health",
                "columns": {"person_id": "patient", "event_date": "date"},
                "constants": {"event_type": "ae_assault", "role": "victim"},
            },
        ],
    }
    mapping.update(change)
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(mapping, sort_keys=False))
    return path


def test_events_of_each_agency_attach_to_the_linked_person(tmp_path):
    mapping = write_agency_files(tmp_path)
    code, out, err = run_cli("ingest", mapping, "--out", tmp_path / "data")
    assert code == 0, err
    events = load_dataset(tmp_path / "data").events
    by_person = events.groupby("person_id", observed=True)["source"].agg(lambda s: sorted(s))
    assert by_person.to_dict() == {"L1": ["health", "police"], "L2": ["health", "police"]}
    # the police record N9 is not in the crosswalk: said out loud, counted, never silent
    report = json.loads((tmp_path / "data" / "mapping_report.json").read_text())
    police = next(s for s in report["sources"] if s["name"] == "police")
    assert police["not_in_crosswalk"] == 1
    assert police["rows_dropped"] == {"person_id (nominal) not in the crosswalk for police": 1}
    assert report["crosswalk"]["records"] == 4
    assert (
        "warning: police (police.csv): 1 of 3 rows has a nominal not in the crosswalk for "
        "police (dropped; unlinked: error stops instead)"
    ) in err


def test_unlinked_error_stops_with_one_line_and_writes_nothing(tmp_path):
    mapping = write_agency_files(tmp_path, unlinked="error")
    code, out, err = run_cli("ingest", mapping, "--out", tmp_path / "data")
    assert code == 2
    assert err == (
        f"error: {mapping}: sources[1] (police): 1 row's nominal not in the crosswalk for "
        "police (police.csv line 4); link the agency's person table with vrurisk link first, "
        "or set unlinked: drop\n"
    )
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("crosswalk", "message"),
    [
        (
            "agency,record,person_id\npolice,N1,L1\n",
            "crosswalk.csv: no column 'agency_id'; a crosswalk (vrurisk link) has agency, "
            "agency_id, person_id; this one has agency, record, person_id",
        ),
        (
            CROSSWALK + "police,N1,L2\n",
            "crosswalk.csv: 1 agency id mapped to two or more people (police N1 on lines 2, 6); "
            "a record belongs to one person",
        ),
        (
            CROSSWALK + "police,,L2\n",
            "crosswalk.csv: column 'agency_id' is empty on 1 row (line 6)",
        ),
    ],
)
def test_a_crosswalk_with_a_bad_shape_is_one_line(tmp_path, crosswalk, message):
    mapping = write_agency_files(tmp_path, crosswalk=crosswalk)
    code, out, err = run_cli("ingest", mapping, "--out", tmp_path / "data")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert err.rstrip("\n").endswith(message), err
    assert not (tmp_path / "data").exists()


def test_an_agency_without_a_crosswalk_or_unknown_to_it_is_a_config_error(tmp_path):
    mapping = write_agency_files(tmp_path)
    raw = yaml.safe_load(mapping.read_text())
    del raw["crosswalk"]
    mapping.write_text(yaml.safe_dump(raw))
    code, _, err = run_cli("ingest", mapping, "--out", tmp_path / "data")
    assert code == 2
    assert "sources[1] (police).agency: needs a crosswalk (the output of vrurisk link)" in err
    raw["crosswalk"] = "crosswalk.csv"
    raw["sources"][2]["agency"] = "hospital"
    mapping.write_text(yaml.safe_dump(raw))
    code, _, err = run_cli("ingest", mapping, "--out", tmp_path / "data")
    assert code == 2
    assert (
        "sources[2] (health).agency: 'hospital' is not an agency of the crosswalk "
        "(its agencies: health, police)"
    ) in err


def test_synth_agencies_link_ingest_puts_each_true_person_on_one_id(tmp_path):
    """The whole chain as the README runs it, judged against the kept truth."""
    extracts, linked, data = tmp_path / "extracts", tmp_path / "linked", tmp_path / "data"
    assert run_cli("synth-agencies", "--out", extracts, "--people", "300", "--seed", "2").code == 0
    done = run_cli("link", extracts / "linkage.yaml", "--out", linked)
    assert done.code == 0, done.err
    code, out, err = run_cli("ingest", extracts / "mapping.yaml", "--out", data)
    assert code == 0, err
    truth = pd.read_csv(extracts / "truth" / "truth.csv", dtype=str)
    crosswalk = pd.read_csv(linked / "crosswalk.csv", dtype=str)
    exported = pd.read_csv(extracts / "truth" / "events.csv", dtype=str)
    # what should happen to each exported event: its record's linked person, and its true one
    expected = exported.merge(truth, on=["agency", "agency_id"]).merge(
        crosswalk, on=["agency", "agency_id"], suffixes=("_true", "")
    )
    orphans = len(exported) - len(expected)  # records missing from the agencies' person tables
    assert orphans > 0
    report = json.loads((data / "mapping_report.json").read_text())
    unlinked = {
        s["name"]: s["not_in_crosswalk"] for s in report["sources"] if s["table"] == "events"
    }
    assert sum(unlinked.values()) == orphans
    for agency, n in unlinked.items():
        if n:
            assert f"warning: {agency} ({agency}_events.csv): {n} of " in err
    events = load_dataset(data).events
    lost = sum(n for r in report["dropped_after_join"].values() for n in r.values())
    assert len(events) == len(expected) - lost
    key = ["person_id", "source", "event_type"]
    want = expected.rename(columns={"agency": "source"})[key].value_counts()
    got = events[key].astype(str).value_counts()
    assert (got <= want.reindex(got.index).fillna(0)).all() and got.sum() == want.sum() - lost
    # true people with events from two or more agencies: nearly all on one linked person_id
    multi = expected.groupby("person_id_true").filter(lambda g: g["agency"].nunique() > 1)
    spread = multi.groupby("person_id_true")["person_id"].nunique()
    assert len(spread) > 50
    print(f"true people on one linked id: {(spread == 1).mean():.3f} of {len(spread)}")
    assert (spread == 1).mean() > 0.85  # 0.928 of 69 at seed 2
    # and one linked person holds events from several agencies
    assert events.groupby("person_id", observed=True)["source"].nunique().max() >= 3


def test_custody_and_links_exports_are_rekeyed_too(tmp_path):
    mapping = write_agency_files(tmp_path)
    (tmp_path / "custody.csv").write_text(
        "nominal,remanded,released\nN1,01/03/2024,01/05/2024\nN2,01/06/2024,\nN9,01/06/2024,\n"
    )
    (tmp_path / "links.csv").write_text("a,b,date\nN1,N2,02/02/2024\n")
    raw = yaml.safe_load(mapping.read_text())
    raw["sources"] += [
        {
            "name": "police custody",
            "file": "custody.csv",
            "table": "custody",
            "agency": "police",
            "columns": {"person_id": "nominal", "start_date": "remanded", "end_date": "released"},
        },
        {
            "name": "police associates",
            "file": "links.csv",
            "table": "links",
            "agency": "police",
            "columns": {"person_a": "a", "person_b": "b", "link_date": "date"},
        },
    ]
    mapping.write_text(yaml.safe_dump(raw))
    code, out, err = run_cli("ingest", mapping, "--out", tmp_path / "data")
    assert code == 0, err
    ds = load_dataset(tmp_path / "data")
    custody = ds.custody.sort_values("person_id")
    assert custody["person_id"].tolist() == ["L1", "L2"]
    assert custody["start_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-01", "2024-06-01"]
    assert custody["end_date"].isna().tolist() == [False, True]
    assert ds.links[["person_a", "person_b"]].astype(str).values.tolist() == [["L1", "L2"]]
    assert "warning: police custody (custody.csv): 1 of 3 rows has a nominal not in" in err
    report = json.loads((tmp_path / "data" / "mapping_report.json").read_text())
    assert report["rows_written"]["custody"] == 2


def test_agency_names_match_without_regard_to_case_or_spaces(tmp_path):
    # 'Police ' in the mapping, 'police' in the crosswalk: was "not an agency of the crosswalk"
    mapping = write_agency_files(tmp_path)
    raw = yaml.safe_load(mapping.read_text())
    raw["sources"][1]["agency"] = " Police "
    raw["sources"][2]["agency"] = "HEALTH"
    mapping.write_text(yaml.safe_dump(raw))
    code, out, err = run_cli("ingest", mapping, "--out", tmp_path / "data")
    assert code == 0, err
    events = load_dataset(tmp_path / "data").events
    assert sorted(events["person_id"].astype(str)) == ["L1", "L1", "L2", "L2"]
    # reports keep the crosswalk's spelling
    assert "1 of 3 rows has a nominal not in the crosswalk for police (dropped;" in err
    report = json.loads((tmp_path / "data" / "mapping_report.json").read_text())
    police = next(s for s in report["sources"] if s["name"] == "police")
    assert police["rows_dropped"] == {"person_id (nominal) not in the crosswalk for police": 1}


def test_a_crosswalk_with_agencies_differing_only_in_case_is_one_line(tmp_path):
    # before: exit 0 with 'Police' a second agency, so a police record listed only under
    # 'Police' was dropped as not in the crosswalk for police
    crosswalk = CROSSWALK + "Police,N3,L2\n"
    mapping = write_agency_files(tmp_path, crosswalk=crosswalk)
    code, out, err = run_cli("ingest", mapping, "--out", tmp_path / "data")
    assert code == 2
    assert err.count("\n") == 1
    assert err.rstrip("\n").endswith(
        "crosswalk.csv: agencies 'Police' and 'police' differ only in case (lines 6 and 2); "
        "spell each agency one way"
    ), err
    assert not (tmp_path / "data").exists()
