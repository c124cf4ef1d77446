"""The data contract: loading CSV and Parquet, and every validation error with its exact message."""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest
from cli_helpers import run_cli
from contract_tables import EXTRACTION, tiny_frames, write_tables

from vrurisk import DataValidationError
from vrurisk.cli import main
from vrurisk.data import ROLES, Dataset, load_dataset, save_dataset
from vrurisk.data import _dataset as D
from vrurisk.data import _validate as V


def build(frames, extraction_date=EXTRACTION):
    return Dataset.from_frames(
        frames["people"], frames["events"], frames["links"], extraction_date=extraction_date
    )


def error_of(frames, extraction_date=EXTRACTION) -> str:
    with pytest.raises(DataValidationError) as info:
        build(frames, extraction_date)
    return str(info.value)


def load_error(directory, **options) -> str:
    """The one-line error of loading ``directory``."""
    with pytest.raises(DataValidationError) as info:
        load_dataset(directory, **options)
    return str(info.value)


# --- loading both formats ---


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_load_both_formats(tmp_path, fmt):
    directory = write_tables(tmp_path / "d", tiny_frames(), fmt)
    ds = load_dataset(directory)
    assert ds.n_people == 4 and len(ds.events) == 5 and len(ds.links) == 3
    assert ds.extraction_date == pd.Timestamp(EXTRACTION)
    assert ds.source == str(directory)
    assert ds.people["birth_date"].dtype == "datetime64[ns]"
    assert ds.events["event_date"].dtype == "datetime64[ns]"
    assert ds.links["link_date"].dtype == "datetime64[ns]"
    # identifiers stay text: "007" is not the number 7; rows are in canonical order (people by
    # id, events by person, date, type, ...), whatever the order of the input rows
    assert ds.people["person_id"].tolist() == ["007", "p1", "p2", "p3"]
    assert ds.events["person_idx"].tolist() == [0, 1, 2, 2, 3]
    assert ds.links[["idx_a", "idx_b"]].to_numpy().tolist() == [[1, 2], [2, 3], [3, 0]]
    assert ds.events["severity"].tolist()[:3] == [1.5, 1.0, 2.0]
    assert np.isnan(ds.events["severity"].iloc[4])
    assert isinstance(ds.events["event_type"].dtype, pd.CategoricalDtype)
    assert ds.events["role"].astype(str).tolist()[1] == "suspect"


def test_csv_and_parquet_give_the_same_dataset_and_fingerprint(tmp_path):
    a = load_dataset(write_tables(tmp_path / "csv", tiny_frames(), "csv"))
    b = load_dataset(write_tables(tmp_path / "pq", tiny_frames(), "parquet"))
    for name in ("people", "events", "links"):
        pd.testing.assert_frame_equal(
            getattr(a, name).astype(str), getattr(b, name).astype(str), check_dtype=False
        )
    assert a.fingerprint() == b.fingerprint()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_save_then_load_round_trips(tmp_path, fmt):
    ds = build(tiny_frames())
    save_dataset(ds, tmp_path / "out", format=fmt)
    again = load_dataset(tmp_path / "out")
    assert again.fingerprint() == ds.fingerprint()
    assert again.extraction_date == ds.extraction_date


def test_parquet_native_types_are_accepted(tmp_path):
    frames = tiny_frames()
    frames["people"]["birth_date"] = pd.to_datetime(frames["people"]["birth_date"])
    frames["events"]["event_date"] = pd.to_datetime(frames["events"]["event_date"], utc=True)
    frames["events"]["severity"] = pd.to_numeric(frames["events"]["severity"])
    frames["links"]["weight"] = [1.0, 0.5, np.nan]
    numeric = tiny_frames()
    ds = load_dataset(write_tables(tmp_path / "pq", frames, "parquet"))
    assert ds.fingerprint() == build(numeric).fingerprint()


def test_numeric_ids_match_text_ids():
    frames = tiny_frames()
    frames["people"]["person_id"] = [1, 2, 3, 4]
    frames["events"]["person_id"] = [1.0, 2.0, 2.0, 3.0, 4.0]
    frames["links"]["person_a"] = ["1", "2", "3"]
    frames["links"]["person_b"] = [" 2", "3 ", "4"]
    ds = build(frames)
    assert ds.events["person_idx"].tolist() == [0, 1, 1, 2, 3]
    assert ds.links["idx_b"].tolist() == [1, 2, 3]


def test_from_frames_leaves_its_inputs_alone():
    frames = tiny_frames()
    copies = {k: v.copy() for k, v in frames.items()}
    build(frames)
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(frame, copies[name])


def test_csv_with_byte_order_mark_and_padded_headers(tmp_path):
    directory = write_tables(tmp_path / "d", tiny_frames(), "csv")
    text = (directory / "people.csv").read_text()
    header, rest = text.split("\n", 1)
    padded = ",".join(f" {name} " for name in header.split(","))
    (directory / "people.csv").write_bytes(b"\xef\xbb\xbf" + f"{padded}\n{rest}".encode())
    assert load_dataset(directory).n_people == 4


def test_extraction_date_from_argument_overrides_dataset_json(tmp_path):
    directory = write_tables(tmp_path / "d", tiny_frames(), "csv")
    ds = load_dataset(directory, extraction_date="2025-06-30")
    assert ds.extraction_date == pd.Timestamp("2025-06-30")


def test_dates_with_times_and_offsets_keep_the_calendar_day():
    frames = tiny_frames()
    frames["events"]["event_date"] = [
        "2020-01-05T23:30:00",
        "2021-02-01T10:00:00+05:00",
        "2021-02-01 00:00",
        "2022-06-30",
        "2023-12-31",
    ]
    ds = build(frames)
    assert ds.events["event_date"].dt.strftime("%Y-%m-%d").tolist() == [  # canonical order
        "2023-12-31",
        "2020-01-05",
        "2021-02-01",
        "2021-02-01",
        "2022-06-30",
    ]


# --- every validation error, with its exact message ---


def test_missing_required_column_with_difflib_hint():
    frames = tiny_frames()
    frames["people"] = frames["people"].rename(columns={"birth_date": "birthdate"})
    assert error_of(frames) == (
        "people: missing required column(s) ['birth_date'] ('birthdate' looks like "
        "'birth_date'); found columns ['person_id', 'birthdate', 'sex', 'ethnicity', 'area']"
    )


def test_missing_required_column_without_hint():
    frames = tiny_frames()
    frames["links"] = frames["links"].drop(columns=["person_b"])
    assert error_of(frames) == V.MISSING_COLUMNS.format(
        file="links",
        missing=["person_b"],
        hint="",
        found=["person_a", "link_date", "link_type", "weight"],
    )


def test_missing_column_in_a_file_names_the_file(tmp_path):
    frames = tiny_frames()
    frames["events"] = frames["events"].rename(columns={"event_type": "Event Type"})
    directory = write_tables(tmp_path / "d", frames, "csv")
    assert load_error(directory).startswith(
        f"{directory / 'events.csv'}: missing required column(s) ['event_type']"
    )


def test_duplicate_column_names(tmp_path):
    directory = write_tables(tmp_path / "d", tiny_frames(), "csv")
    text = (directory / "links.csv").read_text().replace("weight", "link_date", 1)
    (directory / "links.csv").write_text(text)
    assert load_error(directory) == V.DUPLICATE_COLUMNS.format(
        file=directory / "links.csv", columns=["link_date"]
    )


#: One column set to bad values -> the exact one-line error naming table, column and rows.
BAD_VALUES = {
    "unparseable_dates_show_rows_and_values": (
        "events",
        "event_date",
        ["2020-01-05", "01/02/2021", "2021-02-01", "soon", "2021-13-01"],
        "events: column 'event_date' has 3 value(s) that are not dates (YYYY-MM-DD): "
        "row 2 ('01/02/2021'), row 4 ('soon'), row 5 ('2021-13-01')",
    ),
    "many_bad_dates_are_summarised": (
        "people",
        "birth_date",
        ["x1", "x2", "x3", "x4"],
        "people: column 'birth_date' has 4 value(s) that are not dates (YYYY-MM-DD): "
        "row 1 ('x1'), row 2 ('x2'), row 3 ('x3') and 1 more",
    ),
    "duplicate_person_id": (
        "people",
        "person_id",
        ["p1", "p2", "p1 ", "007"],
        "people: column 'person_id' has 1 duplicated id(s): row 1 ('p1'), row 3 ('p1')",
    ),
    "events_naming_unknown_people": (
        "events",
        "person_id",
        ["p1", "ghost", "p2", "ghost", "7"],
        "events: column 'person_id' has 2 id(s) that are not in people: "
        "row 2 ('ghost'), row 4 ('ghost'), row 5 ('7'); 1 of them is a person's id but for "
        "leading zeros ('7' for '007'): was an id column stored as numbers on the way?",
    ),
    "links_naming_unknown_people": (
        "links",
        "person_b",
        ["p2", "p3", "nobody"],
        "links: column 'person_b' has 1 id(s) that are not in people: row 3 ('nobody')",
    ),
    "self_links": (
        "links",
        "person_b",
        ["p1", "p3", "p3"],
        "links: 2 link(s) join a person to themself (person_a == person_b): "
        "row 1 ('p1'), row 3 ('p3')",
    ),
    "events_before_birth": (
        "events",
        "event_date",
        ["2005-02-28", "2021-02-01", "2021-02-01", "2022-06-30", "2000-01-01"],
        "events: column 'event_date' has 2 event(s) dated before the person's birth_date: "
        "row 1 ('2005-02-28'), row 5 ('2000-01-01')",
    ),
    # issue 11 trap 8: negative weights were accepted
    "negative_link_weights_are_refused": (
        "links",
        "weight",
        ["1", "-0.5", ""],
        "links: column 'weight' has 1 negative value(s): row 2 ('-0.5')",
    ),
    "bad_weights_in_links": (
        "links",
        "weight",
        [True, 0.5, None],
        "links: column 'weight' has 1 value(s) that are not finite numbers: row 1 ('True')",
    ),
    "empty_required_values": (
        "events",
        "event_type",
        ["violence", None, "  ", "asb", "custody"],
        "events: column 'event_type' has 2 empty value(s): row 2 (empty), row 3 ('  ')",
    ),
}


@pytest.mark.parametrize(
    "table, column, values, message", BAD_VALUES.values(), ids=list(BAD_VALUES)
)
def test_a_bad_value_gives_one_exact_line(table, column, values, message):
    frames = tiny_frames()
    frames[table][column] = values
    assert error_of(frames) == message


@pytest.mark.parametrize(
    ("table", "column", "rows"),
    [("people", "birth_date", 4), ("events", "event_date", 5), ("links", "link_date", 3)],
)
def test_dates_after_the_extraction_date(table, column, rows):
    frames = tiny_frames()
    values = frames[table][column].tolist()
    values[-1] = "2024-01-02"
    frames[table][column] = values
    assert error_of(frames) == (
        f"{table}: column '{column}' has 1 date(s) after the extraction date 2024-01-01: "
        f"row {rows} ('2024-01-02')"
    )


def test_far_future_dates_are_reported_not_crashed():
    frames = tiny_frames()
    frames["events"]["event_date"] = ["9999-12-31"] * 5
    assert error_of(frames).startswith(
        "events: column 'event_date' has 5 date(s) after the extraction date 2024-01-01"
    )


def test_ancient_dates():
    frames = tiny_frames()
    frames["people"]["birth_date"] = ["1899-12-31", "2006-07-15", "0001-01-01", "2008-01-02"]
    assert error_of(frames) == V.ANCIENT_DATES.format(
        file="people",
        column="birth_date",
        n=2,
        earliest="1900-01-01",
        examples="row 1 ('1899-12-31'), row 3 ('0001-01-01')",
    )


@pytest.mark.parametrize("table", ["people", "events"])
def test_empty_tables(table):
    frames = tiny_frames()
    frames[table] = frames[table].iloc[0:0]
    assert error_of(frames) == f"{table}: the table has no rows"


def test_header_only_csv_is_an_empty_table(tmp_path):
    frames = tiny_frames()
    frames["events"] = frames["events"].iloc[0:0]
    directory = write_tables(tmp_path / "d", frames, "csv")
    assert load_error(directory) == f"{directory / 'events.csv'}: the table has no rows"


@pytest.mark.parametrize("how", ["header_only", "missing_file", "none"])
def test_links_are_optional_when_incidents_carry_the_ties(tmp_path, how):
    # issue 11 trap 1: an empty links table was refused ("links.csv: the table has no rows")
    frames = tiny_frames()
    if how == "none":
        ds = Dataset.from_frames(
            frames["people"], frames["events"], None, extraction_date=EXTRACTION
        )
    else:
        frames["links"] = frames["links"].iloc[0:0]
        directory = write_tables(tmp_path / "d", frames, "csv")
        if how == "missing_file":
            (directory / "links.csv").unlink()
        ds = load_dataset(directory)
    assert len(ds.links) == 0 and ds.links["idx_a"].dtype == np.int32
    from vrurisk.features import build_network_features

    net, _ = build_network_features(ds, "2022-01-01")
    # p2 (row 1) and p3... share no incident; i2 is p2 alone; only the incident ties count
    assert net["net_degree"].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_bad_roles():
    frames = tiny_frames()
    frames["events"]["role"] = ["suspect", "Victim", "perp", "SUSPECT ", "bystander"]
    assert error_of(frames) == (
        "events: column 'role' has 2 value(s) outside "
        f"{list(ROLES)}: row 3 ('perp'), row 5 ('bystander') "
        "(map the extract's own roles onto these in the config's vocabulary.roles)"
    )


def test_vocabulary_maps_types_and_roles_case_insensitively():
    from vrurisk.data import VocabularyConfig

    frames = tiny_frames()
    frames["events"]["event_type"] = ["ASSAULT", "gbh", "knife_possession", "asb", "custody"]
    frames["events"]["role"] = ["Offender", "injured party", "suspect", "OFFENDER", "subject"]
    vocab = VocabularyConfig(
        event_types={"Assault": "violence", "GBH": "serious_violence"},
        roles={"offender": "suspect", "Injured Party": "victim"},
    )
    ds = Dataset.from_frames(
        frames["people"],
        frames["events"],
        frames["links"],
        extraction_date=EXTRACTION,
        vocabulary=vocab,
    )
    pairs = sorted(
        zip(ds.events["event_type"].astype(str), ds.events["role"].astype(str), strict=True)
    )
    assert pairs == [
        ("asb", "suspect"),
        ("custody", "subject"),
        ("knife_possession", "suspect"),
        ("serious_violence", "victim"),
        ("violence", "suspect"),
    ]


def test_roles_are_normalised_and_blank_roles_are_missing():
    frames = tiny_frames()
    frames["events"]["role"] = ["suspect", "Victim", " ", "SUSPECT ", None]
    ds = build(frames)
    roles = ds.events["role"].astype(object).where(ds.events["role"].notna(), None)
    # canonical order: 007 (None), p1 (suspect), p2's knife_possession (" "), serious_violence
    # (Victim), p3 (SUSPECT )
    assert roles.tolist() == [None, "suspect", None, "victim", "suspect"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1", "two", "2", "", "inf"], "row 2 ('two'), row 5 ('inf')"),
        (["1", "nan", "2", "", "1"], "row 2 ('nan')"),
    ],
)
def test_bad_numeric_values(values, expected):
    frames = tiny_frames()
    frames["events"]["severity"] = values
    n = expected.count("row ")
    assert error_of(frames) == (
        f"events: column 'severity' has {n} value(s) that are not finite numbers: {expected}"
    )


@pytest.mark.parametrize(
    "values", [["1", "1e300", "2", "", "-5e12"], ["1", "1e13", "2", "", "-5e12"]]
)
def test_huge_numbers_are_too_large_not_infinite(values):
    # issue 11 trap 8: 1e300 was "not finite"
    frames = tiny_frames()
    frames["events"]["severity"] = values
    assert error_of(frames) == (
        "events: column 'severity' has 2 value(s) too large to be right (more than 1e+12 in "
        f"magnitude): row 2 ('{values[1]}'), row 5 ('-5e12')"
    )


def test_non_utf8_bytes_in_a_column():
    frames = tiny_frames()
    frames["people"]["area"] = [b"E01", b"\xff\xfe", b"E01", b"E03"]
    message = error_of(frames)
    assert message.startswith("people: column 'area' holds values that are not text (")


def test_not_a_dataframe():
    frames = tiny_frames()
    frames["links"] = {"person_a": ["p1"]}
    assert error_of(frames) == "links: expected a pandas DataFrame, got dict"


def test_derived_columns_in_the_input_are_recomputed():
    frames = tiny_frames()
    frames["events"]["person_idx"] = 99
    ds = build(frames)
    assert ds.events["person_idx"].tolist() == [0, 1, 2, 2, 3]


# --- files and the extraction date ---


def test_missing_directory(tmp_path):
    assert load_error(tmp_path / "nope") == f"{tmp_path / 'nope'}: not a directory"


def test_missing_file(tmp_path):
    directory = write_tables(tmp_path / "d", tiny_frames(), "csv")
    (directory / "events.csv").unlink()
    assert load_error(directory) == (
        f"{directory}: no events.csv or events.parquet found "
        "(the data contract needs people, events)"
    )


def test_two_files_for_one_table(tmp_path):
    directory = write_tables(tmp_path / "d", tiny_frames(), "csv")
    tiny_frames()["people"].to_parquet(directory / "people.parquet")
    assert load_error(directory) == D.TWO_FILES.format(directory=directory, table="people")


def test_empty_file(tmp_path):
    directory = write_tables(tmp_path / "d", tiny_frames(), "csv")
    (directory / "events.csv").write_bytes(b"")
    empty = f"{directory / 'events.csv'}: cannot be read as csv (the file is empty)"
    assert load_error(directory) == empty


def test_non_utf8_csv(tmp_path):
    directory = write_tables(tmp_path / "d", tiny_frames(), "csv")
    raw = (directory / "people.csv").read_bytes().replace(b"White", b"Wh\xefte")
    (directory / "people.csv").write_bytes(raw)
    assert load_error(directory).startswith(
        f"{directory / 'people.csv'}: cannot be read as csv (not UTF-8 text at byte "
    )


def test_truncated_parquet(tmp_path):
    directory = write_tables(tmp_path / "d", tiny_frames(), "parquet")
    raw = (directory / "events.parquet").read_bytes()
    (directory / "events.parquet").write_bytes(raw[: len(raw) // 2])
    assert load_error(directory).startswith(
        f"{directory / 'events.parquet'}: cannot be read as parquet ("
    )


def test_a_directory_where_a_file_should_be(tmp_path):
    directory = write_tables(tmp_path / "d", tiny_frames(), "csv")
    (directory / "links.csv").unlink()
    (directory / "links.csv").mkdir()
    assert load_error(directory).startswith(f"{directory / 'links.csv'}: cannot be read as csv (")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        (b"\xff\xfe{}", "not valid JSON"),
        ("[]", "needs an 'extraction_date' key"),
        ('{"date": "2024-01-01"}', "needs an 'extraction_date' key"),
        (
            '{"extraction_date": "yesterday-ish"}',
            "extraction_date 'yesterday-ish' is not a date (YYYY-MM-DD)",
        ),
        ('{"extraction_date": 20240101}', "extraction_date 20240101 is not a date (YYYY-MM-DD)"),
        ('{"extraction_date": null}', "extraction_date None is not a date (YYYY-MM-DD)"),
        (
            '{"extraction_date": "1066-10-14"}',
            "extraction_date '1066-10-14' is outside 1900-01-01 to 2262-04-10",
        ),
    ],
)
def test_bad_dataset_json(tmp_path, content, reason):
    directory = write_tables(tmp_path / "d", tiny_frames(), "csv", extraction_date=None)
    path = directory / "dataset.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    assert load_error(directory) == f"{path}: {reason}"


def test_bad_extraction_date_argument(tmp_path):
    directory = write_tables(tmp_path / "d", tiny_frames(), "csv")
    assert (
        load_error(directory, extraction_date="31/12/2023")
        == "extraction_date: extraction_date '31/12/2023' is not YYYY-MM-DD; write it as 2023-12-31"
    )


def test_extraction_date_with_time_zone_is_compared_by_day():
    frames = tiny_frames()
    ds = build(frames, extraction_date="2024-01-01T09:00:00+09:00")
    assert ds.extraction_date == pd.Timestamp("2024-01-01")


def test_without_an_extraction_date_it_is_the_last_record_date_said_loudly(tmp_path, caplog):
    """Issue 10 defect 2: never today (which counts the unrecorded future as zeros)."""
    frames = tiny_frames()
    directory = write_tables(tmp_path / "d", frames, "csv", extraction_date=None)
    last = max(
        pd.to_datetime(frames["events"]["event_date"]).max(),
        pd.to_datetime(frames["links"]["link_date"]).max(),
    )
    with caplog.at_level("WARNING", logger="vrurisk.data"):
        assert load_dataset(directory).extraction_date == last
    assert [r.getMessage() for r in caplog.records] == [
        f"{directory}: no extraction date (no dataset.json and none given), so it is taken to be "
        f"the last record date, {last.date()}: outcome windows ending after it count as open, "
        "never as zeros. Say when the extract was taken (dataset.json, extraction_date) to be sure"
    ]


def test_the_base_rate_at_late_dates_does_not_drop_without_dataset_json(
    tmp_path, small_population, caplog
):
    """Copying the tables without dataset.json must not turn unknown outcomes into zeros."""
    from vrurisk.data import save_dataset
    from vrurisk.features import OutcomeConfig, build_labels

    original = small_population.dataset
    directory = save_dataset(original, tmp_path / "copy", format="csv")
    (directory / "dataset.json").unlink()
    with caplog.at_level("WARNING", logger="vrurisk.data"):
        copy = load_dataset(directory)
    everyone = np.arange(original.n_people)
    outcome = OutcomeConfig(horizon_days=365)
    for months_before in (6, 12, 18, 24):
        as_of = original.extraction_date - pd.DateOffset(months=months_before)
        full = build_labels(original, as_of, everyone, outcome)
        copied = build_labels(copy, as_of, everyone, outcome)
        if full.isna().all():  # open window on the real data: must stay unknown, not 0
            assert copied.isna().all(), as_of
        else:
            assert copied.mean() == full.mean(), as_of


# --- fingerprint ---


def test_fingerprint_is_stable_and_sensitive_to_every_change():
    base = build(tiny_frames()).fingerprint()
    assert base == build(tiny_frames()).fingerprint()
    assert len(base) == 64
    # the same records in another row order are the same data
    shuffled = tiny_frames()
    for name in shuffled:
        shuffled[name] = shuffled[name].iloc[::-1].reset_index(drop=True)
    assert build(shuffled).fingerprint() == base

    def changed(table, column, row, value):
        frames = tiny_frames()
        frames[table].loc[row, column] = value
        return build(frames).fingerprint()

    variants = [
        changed("people", "birth_date", 0, "2005-03-02"),
        changed("people", "sex", 1, "F"),
        changed("people", "area", 2, "E09"),
        changed("events", "event_type", 0, "asb"),
        changed("events", "role", 0, "victim"),
        changed("events", "severity", 0, "2"),
        changed("events", "incident_id", 3, "i9"),
        changed("links", "link_date", 0, "2019-05-02"),
        changed("links", "weight", 2, "1"),
        build(tiny_frames(), extraction_date="2024-01-02").fingerprint(),
    ]
    frames = tiny_frames()
    frames["people"]["school_year"] = ["9", "8", "10", "7"]
    variants.append(build(frames).fingerprint())
    frames = tiny_frames()
    frames["links"] = frames["links"].iloc[:2]
    variants.append(build(frames).fingerprint())
    assert base not in variants
    assert len(set(variants)) == len(variants)


def test_fingerprint_ignores_column_order_and_derived_columns():
    frames = tiny_frames()
    base = build(frames).fingerprint()
    frames["people"] = frames["people"][frames["people"].columns[::-1]]
    frames["events"]["person_idx"] = 7
    assert build(frames).fingerprint() == base


# --- the CLI ---


def test_cli_validate_good_data(tmp_path, monkeypatch, capsys):
    directory = write_tables(tmp_path / "d", tiny_frames(), "parquet")
    monkeypatch.setattr(sys, "argv", ["vrurisk", "validate", str(directory)])
    main()
    out, err = capsys.readouterr()
    assert f"{directory}: valid" in out
    assert "people            4" in out
    assert err == ""


def test_cli_validate_bad_data_is_one_line_exit_2(tmp_path, monkeypatch, capsys):
    frames = tiny_frames()
    frames["events"]["event_date"] = [
        "2020-01-05",
        "01/02/2021",
        "2021-02-01",
        "2022-06-30",
        "x\ny",
    ]
    directory = write_tables(tmp_path / "d", frames, "csv")
    code, out, err = run_cli("validate", directory)
    assert code == 2
    assert out == ""
    assert err == (
        f"error: {directory / 'events.csv'}: column 'event_date' has 2 value(s) that are not "
        "dates (YYYY-MM-DD): row 2 ('01/02/2021'), row 5 ('x\\ny')\n"
    )
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "/nonexistent/dir"],
        ["validate"],
        ["validate", ".", "--extraction-date", "tomorrow"],
        ["validate", ".", "--no-such-option"],
    ],
)
def test_cli_validate_usage_errors(tmp_path, monkeypatch, capsys, args):
    monkeypatch.chdir(tmp_path)
    write_tables(tmp_path, tiny_frames(), "csv")
    code, out, err = run_cli(*args)
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_cli_writes_nothing_on_bad_input(tmp_path, monkeypatch, capsys):
    frames = tiny_frames()
    frames["people"]["person_id"] = ["a", "a", "b", "c"]
    directory = write_tables(tmp_path / "d", frames, "csv")
    before = sorted(p.name for p in directory.iterdir())
    code, _, _ = run_cli("validate", directory)
    assert code == 2
    assert sorted(p.name for p in directory.iterdir()) == before
    assert json.loads((directory / "dataset.json").read_text()) == {"extraction_date": EXTRACTION}
