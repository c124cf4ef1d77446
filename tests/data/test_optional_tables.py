"""The optional ``interventions`` and ``lists`` tables: loading, round trips and every error."""

from __future__ import annotations

import pandas as pd
import pytest
from cli_helpers import run_cli
from contract_tables import tiny_frames, write_tables

from vrurisk import DataValidationError
from vrurisk.data import load_dataset, save_dataset


def interventions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_id": ["p1", "p2", "007"],
            "programme": ["mentoring", "mentoring", "ae_navigator"],
            "start_date": ["2021-03-01", "2022-01-10", "2023-06-01"],
            "end_date": ["2021-09-01", "", "2023-07-01"],
            "referral_source": ["panel", "panel", "health"],
        }
    )


def lists() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "list_date": ["2021-03-01", "2021-03-01", "2021-03-01"],
            "person_id": ["p1", "p3", "p2"],
            "rank": ["1", "2", "3"],
            "score": ["4.5", "3.25", "1"],
            "places": ["2", "2", "2"],
        }
    )


def write(tmp_path, fmt="csv", **optional):
    frames = {**tiny_frames(), "interventions": interventions(), "lists": lists()}
    frames.update(optional)
    return write_tables(tmp_path / "d", {k: v for k, v in frames.items() if v is not None}, fmt)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_optional_tables_load_and_round_trip(tmp_path, fmt):
    ds = load_dataset(write(tmp_path, fmt))
    assert ds.interventions["programme"].tolist() == ["mentoring", "mentoring", "ae_navigator"]
    assert ds.interventions["end_date"].isna().tolist() == [False, True, False]
    assert ds.lists["rank"].tolist() == [1, 2, 3] and ds.lists["places"].dtype == "int64"
    again = load_dataset(save_dataset(ds, tmp_path / "again", format=fmt))
    pd.testing.assert_frame_equal(again.interventions, ds.interventions)
    assert again.fingerprint() == ds.fingerprint()


def test_absent_optional_tables_leave_the_dataset_and_its_fingerprint_alone(tmp_path):
    with_tables = load_dataset(write(tmp_path))
    plain = load_dataset(write_tables(tmp_path / "plain", tiny_frames()))
    assert plain.interventions is None and plain.lists is None
    assert with_tables.fingerprint() != plain.fingerprint()
    stripped = with_tables.with_tables()  # nothing attached: same tables, same hash
    assert stripped.fingerprint() == with_tables.fingerprint()


def error(tmp_path, **optional) -> str:
    with pytest.raises(DataValidationError) as info:
        load_dataset(write(tmp_path, **optional))
    return str(info.value)


#: (table, column, row, bad value, what the one-line error says about it)
BAD_VALUES = [
    ("interventions", "person_id", 1, "nobody", "has 1 id(s) that are not in people"),
    ("interventions", "end_date", 2, "2023-05-31", "has 1 date(s) before the row's start_date"),
    ("lists", "rank", 1, "2.5", "has 1 value(s) that are not whole numbers >= 1"),
]


@pytest.mark.parametrize("table, column, row, value, what", BAD_VALUES)
def test_a_bad_value_is_named_by_file_column_and_row(tmp_path, table, column, row, value, what):
    bad = {"interventions": interventions, "lists": lists}[table]()
    bad.loc[row, column] = value
    message = error(tmp_path, **{table: bad})
    assert message.endswith(f"{table}.csv: column '{column}' {what}: row {row + 1} ('{value}')")


@pytest.mark.parametrize("column", ["start_date", "end_date"])
def test_dates_after_the_extraction_date(tmp_path, column):
    bad = interventions()
    bad.loc[0, column] = "2024-02-01"
    if column == "start_date":
        bad.loc[0, "end_date"] = "2024-03-01"
    message = error(tmp_path, interventions=bad)
    assert message.endswith(
        f"interventions.csv: column '{column}' has 1 date(s) after the extraction date "
        "2024-01-01: row 1 ('2024-02-01')"
    )


def test_missing_required_column(tmp_path):
    message = error(tmp_path, interventions=interventions().drop(columns="programme"))
    assert "interventions.csv: missing required column(s) ['programme']" in message


def test_lists_repeat_a_person(tmp_path):
    bad = lists()
    bad.loc[2, "person_id"] = "p1"
    message = error(tmp_path, lists=bad)
    assert message.endswith(
        "lists.csv: 1 row(s) repeat a person already on the same list_date: row 3 ('p1')"
    )


def test_cli_validate_names_the_file_and_exits_2(tmp_path):
    bad = interventions()
    bad.loc[0, "end_date"] = "2020-01-01"
    code, out, err = run_cli("validate", write(tmp_path, interventions=bad))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "interventions.csv: column 'end_date'" in err


def test_cli_validate_summarises_the_optional_tables(tmp_path):
    code, out, err = run_cli("validate", write(tmp_path))
    assert code == 0, err
    assert "  interventions     3 (ae_navigator 1, mentoring 2)" in out
    assert "  lists             3 rows on 1 list dates" in out
