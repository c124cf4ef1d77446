"""Ids that lost (or gained) leading zeros on the way: the error says so (outside review)."""

from __future__ import annotations

from cli_helpers import run_cli


def test_ids_that_differ_only_by_leading_zeros_are_named_as_such(tmp_path):
    # people from the register keep "00123"; the police export went through Excel: 123
    (tmp_path / "people.csv").write_text(
        "person_id,birth_date\n00123,2005-01-01\n00124,2005-01-01\n"
    )
    (tmp_path / "events.csv").write_text(
        "person_id,event_date,event_type\n123,2020-05-01,asb\n00124,2020-05-01,asb\n9,2020-05-01,asb\n"
    )
    (tmp_path / "dataset.json").write_text('{"extraction_date": "2021-01-01"}')
    code, out, err = run_cli("validate", tmp_path)
    assert code == 2
    assert err.strip() == (
        f"error: {tmp_path / 'events.csv'}: column 'person_id' has 2 id(s) that are not in "
        "people: row 1 ('123'), row 3 ('9'); 1 of them is a person's id but for leading zeros "
        "('123' for '00123'): was an id column stored as numbers on the way?"
    )


def test_ids_with_braces_still_give_the_one_line(tmp_path):
    (tmp_path / "people.csv").write_text("person_id,birth_date\n0{1},2005-01-01\n")
    (tmp_path / "events.csv").write_text("person_id,event_date,event_type\n{1},2020-05-01,asb\n")
    (tmp_path / "dataset.json").write_text('{"extraction_date": "2021-01-01"}')
    code, out, err = run_cli("validate", tmp_path)
    assert code == 2
    assert err.strip().endswith(
        "has 1 id(s) that are not in people: row 1 ('{1}'); 1 of them is a person's id but for "
        "leading zeros ('{1}' for '0{1}'): was an id column stored as numbers on the way?"
    )
