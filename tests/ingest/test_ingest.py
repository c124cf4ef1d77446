"""`vrurisk ingest`: agency exports onto the contract, with a report of what was dropped."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from cli_helpers import run_cli

from vrurisk import ConfigError
from vrurisk.data import load_dataset
from vrurisk.ingest import ingest, write_agency_exports


@pytest.fixture(scope="module")
def exports(small_population, tmp_path_factory):
    directory = tmp_path_factory.mktemp("exports")
    return write_agency_exports(directory, dataset=small_population.dataset)


def test_the_worked_example_ingests_and_reports_what_it_dropped(
    exports, tmp_path, small_population
):
    code, out, err = run_cli("ingest", str(exports), "--out", str(tmp_path / "data"))
    assert code == 0, err
    report = json.loads((tmp_path / "data" / "mapping_report.json").read_text())
    police = next(s for s in report["sources"] if s["name"] == "police")
    assert police["rows_dropped"] == {
        "event_date not a date in the format %d/%m/%Y": 2,
        "event_type value not in values.event_type": 3,
    }
    assert police["unmapped_values"] == {"event_type": {"999/9": 3}}
    assert police["rows_kept"] == police["rows_read"] - 5
    assert "unmapped event_type: '999/9' x3" in out
    ds = load_dataset(tmp_path / "data")
    original = small_population.dataset
    assert ds.n_people == original.n_people
    assert len(ds.links) == 0  # ties come from the shared crime references
    assert len(ds.events) == report["rows_written"]["events"]
    # UK day-first dates came out right: the same (person, date, type) records as the original
    key = ["person_id", "event_date", "event_type"]
    got = ds.events[key].astype(str).value_counts()
    want = original.events[key].astype(str).value_counts()
    assert (got <= want.reindex(got.index).fillna(0)).all()
    assert len(ds.events) == len(original.events) - 5  # the 5 unusable police rows
    sources = set(ds.events["source"].astype(str))
    assert sources == {"police", "health", "education", "social_care"}


def write_mapping(tmp_path, exports, change):
    raw = yaml.safe_load(exports.read_text())
    change(raw)
    path = exports.parent / "changed.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda m: m["sources"][1]["columns"].update(event_date="Offence Dt"),
            "sources[1] (police).columns.event_date: column 'Offence Dt' is not in ",
        ),
        (
            lambda m: m["sources"][1].update(file="nope.csv"),
            "sources[1] (police).file: ",
        ),
        (
            lambda m: m["sources"][1]["columns"].update(colour="Involvement"),
            "sources[1] (police).columns.colour: not a field of the events table",
        ),
        (
            lambda m: m["sources"][0].update(sheet="Sheet9"),
            "sources[0] (register).sheet: 'Sheet9' is not a sheet of ",
        ),
        (lambda m: m["sources"][2].update(tabel="events"), "unknown key 'tabel'"),
    ],
)
def test_bad_mappings_are_one_line_naming_file_and_key(tmp_path, exports, change, expected):
    path = write_mapping(tmp_path, exports, change)
    with pytest.raises(ConfigError) as info:
        ingest(path, tmp_path / "out")
    message = str(info.value)
    assert message.startswith(str(path)) and expected in message and "\n" not in message
    assert not (tmp_path / "out").exists()
    code, _, err = run_cli("ingest", str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_excel_dates_stored_as_dates_are_read(tmp_path):
    people = pd.DataFrame({"ID": ["a", "b"], "DOB": pd.to_datetime(["2005-06-01", "2006-01-13"])})
    people.to_excel(tmp_path / "people.xlsx", index=False)
    pd.DataFrame(
        {"ID": ["a", "b"], "When": ["01/06/2020", "13/01/2021"], "What": ["GBH", "ABH"]}
    ).to_csv(tmp_path / "events.csv", index=False)
    mapping = {
        "mapping_version": 1,
        "extraction_date": "2022-01-01",
        "sources": [
            {
                "name": "reg",
                "file": "people.xlsx",
                "table": "people",
                "columns": {"person_id": "ID", "birth_date": "DOB"},
            },
            {
                "name": "police",
                "file": "events.csv",
                "table": "events",
                "columns": {"person_id": "ID", "event_date": "When", "event_type": "What"},
                "values": {"event_type": {"gbh": "serious_violence", "ABH": "violence"}},
            },
        ],
    }
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(mapping))
    ingest(tmp_path / "m.yaml", tmp_path / "out")
    ds = load_dataset(tmp_path / "out")
    assert ds.people["birth_date"].dt.strftime("%Y-%m-%d").tolist() == ["2005-06-01", "2006-01-13"]
    # 01/06/2020 is 1 June (day first), 13/01/2021 is 13 January
    assert ds.events["event_date"].dt.strftime("%Y-%m-%d").tolist() == ["2020-06-01", "2021-01-13"]
    assert ds.events["event_type"].astype(str).tolist() == ["serious_violence", "violence"]


def test_ingest_replaces_its_own_output_but_nothing_else(exports, tmp_path):
    out = tmp_path / "data"
    assert run_cli("ingest", str(exports), "--out", str(out))[0] == 0
    assert run_cli("ingest", str(exports), "--out", str(out))[0] == 0  # a rerun replaces it
    other = tmp_path / "notes"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    code, _, err = run_cli("ingest", str(exports), "--out", str(other))
    assert code == 2 and "refusing to replace it" in err
    assert (other / "keep.txt").read_text() == "mine"
    code, _, err = run_cli("ingest", str(exports), "--out", str(exports.parent), "--force")
    assert code == 2 and "even when forced" in err
