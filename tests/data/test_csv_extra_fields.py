"""A CSV whose rows have one field more than its header is refused, not shifted.

pandas' own parser takes the first column of such a file as a row index and moves every value
one column to the left (ids under ``birth_date``...). The file, the line and the counts are
named; the row's content (personal data) is not.
"""

from __future__ import annotations

from cli_helpers import run_cli

from vrurisk.data import save_dataset, simulate_population


def _with_extra_field(path, line: int) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] += ",x"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _dataset_dir(tmp_path):
    save_dataset(simulate_population(200, seed=1).dataset, tmp_path / "data", format="csv")
    return tmp_path / "data"


def test_every_row_one_field_too_many_is_one_line_naming_file_and_line(tmp_path):
    data = _dataset_dir(tmp_path)
    people = data / "people.csv"
    n = len(people.read_text(encoding="utf-8").splitlines())
    for line in range(2, n + 1):  # every data row: pandas would shift columns silently
        _with_extra_field(people, line)
    code, out, err = run_cli("validate", data)
    assert code == 2, out + err
    message = err.strip()
    assert "\n" not in message and "Traceback" not in message
    assert str(people) in message or "people.csv" in message
    assert "line 2 has" in message and "where the header has" in message
    first_id = people.read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    assert first_id not in message  # no row content in the message


def test_one_row_one_field_too_many_names_that_line(tmp_path):
    data = _dataset_dir(tmp_path)
    people = data / "people.csv"
    _with_extra_field(people, 7)
    code, out, err = run_cli("validate", data)
    assert code == 2, out + err
    assert "\n" not in err.strip() and "people.csv" in err


def test_a_crosswalk_with_a_trailing_separator_on_every_row_is_one_line(tmp_path):
    from vrurisk._errors import DataValidationError
    from vrurisk.linkage import read_crosswalk

    path = tmp_path / "crosswalk.csv"
    path.write_text(
        "agency,agency_id,person_id\npolice,P1,L1,\neducation,E1,L1,\n", encoding="utf-8"
    )
    try:
        read_crosswalk(path)
    except DataValidationError as error:
        message = str(error)
    else:
        raise AssertionError("a shifted crosswalk was read")
    assert "line 2 has 4 fields where the header has 3" in message and "\n" not in message
    assert "P1" not in message  # no row content
