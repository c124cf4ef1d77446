"""Semicolon-, tab- and pipe-separated exports: a per-source ``delimiter`` in the mapping."""

from __future__ import annotations

import pytest
import yaml
from cli_helpers import run_cli

from vrurisk.data import load_dataset

PEOPLE = [["ref", "dob"], ["P1", "01/02/2005"], ["P2", "03/04/2006"]]
EVENTS = [["ref", "date", "type"], ["P1", "05/06/2024", "Assault"], ["P2", "07/08/2024", "GBH"]]


def write(tmp_path, sep, delimiter=None, events_sep=","):
    """People written with ``sep``, events with ``events_sep``; ``delimiter`` on people."""
    lines = lambda rows, s: "".join(s.join(r) + "\n" for r in rows)  # noqa: E731
    (tmp_path / "people.csv").write_text(lines(PEOPLE, sep))
    (tmp_path / "events.csv").write_text(lines(EVENTS, events_sep))
    people = {
        "name": "register",
        "file": "people.csv",
        "table": "people",
        "columns": {"person_id": "ref", "birth_date": "dob"},
    }
    if delimiter is not None:
        people["delimiter"] = delimiter
    mapping = {
        "mapping_version": 1,
        "extraction_date": "2025-01-01",
        "sources": [
            people,
            {
                "name": "police",
                "file": "events.csv",
                "table": "events",
                "columns": {"person_id": "ref", "event_date": "date", "event_type": "type"},
                "values": {"event_type": {"Assault": "violence", "GBH": "serious_violence"}},
                "constants": {"role": "suspect"},
            },
        ],
    }
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(mapping, sort_keys=False))
    return path


@pytest.mark.parametrize(
    ("sep", "delimiter"), [(";", ";"), ("\t", "\t"), ("\t", "tab"), ("\t", "\\t"), ("|", "|")]
)
def test_a_source_is_read_with_its_delimiter(tmp_path, sep, delimiter):
    mapping = write(tmp_path, sep, delimiter)
    code, out, err = run_cli("ingest", mapping, "--out", tmp_path / "data")
    assert code == 0, err
    people = load_dataset(tmp_path / "data").people.sort_values("person_id")
    assert people["person_id"].astype(str).tolist() == ["P1", "P2"]
    assert people["birth_date"].dt.strftime("%Y-%m-%d").tolist() == ["2005-02-01", "2006-04-03"]


def test_an_unknown_delimiter_is_one_line_naming_the_source_key(tmp_path):
    mapping = write(tmp_path, ";", "::")
    code, out, err = run_cli("ingest", mapping, "--out", tmp_path / "data")
    assert code == 2
    assert err == (
        f"error: {mapping}: sources[0] (register).delimiter: '::' is not a delimiter vrurisk "
        "reads; use one of ',', ';', tab, '|'\n"
    )
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(("sep", "hint"), [(";", 'delimiter: ";"'), ("\t", "delimiter: tab")])
def test_a_separated_file_read_with_commas_hints_at_its_delimiter(tmp_path, sep, hint):
    mapping = write(tmp_path, sep)
    code, out, err = run_cli("ingest", mapping, "--out", tmp_path / "data")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert "sources[0] (register).columns.person_id: column 'ref' is not in" in err
    assert (
        f"looks {'tab' if sep == chr(9) else repr(sep)}-separated: set {hint} on this source" in err
    )
    assert not (tmp_path / "data").exists()


def test_the_hint_also_comes_when_the_comma_reader_fails(tmp_path):
    # a ;-export whose text holds commas (an address) makes rows wider than the 1-column header
    mapping = write(tmp_path, ";")
    (tmp_path / "people.csv").write_text(
        "ref;dob;address\nP1;01/02/2005;1, High St\nP2;03/04/2006;Flat 2, 3, Low Rd\n"
    )
    code, out, err = run_cli("ingest", mapping, "--out", tmp_path / "data")
    assert code == 2
    assert err.count("\n") == 1
    assert "cannot be read" in err and "looks ';'-separated: set delimiter: \";\"" in err, err
    assert not (tmp_path / "data").exists()
