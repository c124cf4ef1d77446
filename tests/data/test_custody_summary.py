"""The custody table is said out loud by validate's summary, like interventions and lists."""

from __future__ import annotations

from cli_helpers import run_cli


def test_validate_says_how_many_custody_periods_it_read(tmp_path):
    (tmp_path / "people.csv").write_text(
        "person_id,birth_date\n007,2005-01-01\n008,2005-01-01\n009,2005-01-01\n"
    )
    (tmp_path / "events.csv").write_text("person_id,event_date,event_type\n007,2020-05-01,asb\n")
    (tmp_path / "custody.csv").write_text(
        "person_id,start_date,end_date\n007,2020-01-01,2020-03-01\n007,2020-06-01,\n"
        "008,2020-07-01,2020-08-01\n"
    )
    (tmp_path / "dataset.json").write_text('{"extraction_date": "2021-01-01"}')
    code, out, err = run_cli("validate", tmp_path)
    assert code == 0, err
    assert "  custody           3 periods for 2 people (1 still inside at 2021-01-01)" in out
