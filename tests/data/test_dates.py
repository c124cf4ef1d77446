"""One parser for dates people type: YYYY-MM-DD, and both readings of anything ambiguous."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest
from cli_helpers import run_cli
from contract_tables import tiny_frames, write_tables

from vrurisk._dates import parse_date
from vrurisk._errors import ConfigError


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "01/06/2025",
            "as_of '01/06/2025' is ambiguous: 2025-06-01 (day first, UK) or 2025-01-06 "
            "(month first); write it as YYYY-MM-DD",
        ),
        (
            "1.6.2025",
            "as_of '1.6.2025' is ambiguous: 2025-06-01 (day first, UK) or 2025-01-06 "
            "(month first); write it as YYYY-MM-DD",
        ),
        ("06/06/2025", "as_of '06/06/2025' is not YYYY-MM-DD; write it as 2025-06-06"),
        ("31-12-2025", "as_of '31-12-2025' is not YYYY-MM-DD; write it as 2025-12-31"),
        ("01/06/25", "as_of '01/06/25' is not a date (YYYY-MM-DD)"),
        ("2025-02-30", "as_of '2025-02-30' is not a date (YYYY-MM-DD)"),
        ("20250601", "as_of '20250601' is not a date (YYYY-MM-DD)"),
        (20250601, "as_of 20250601 is not a date (YYYY-MM-DD)"),
        ("2025-06-01T10:00", "as_of '2025-06-01T10:00' is not a date (YYYY-MM-DD)"),
    ],
)
def test_anything_but_iso_is_refused_with_its_readings(value, message):
    with pytest.raises(ConfigError) as info:
        parse_date(value, "as_of")
    assert str(info.value) == message


@pytest.mark.parametrize(
    "value", ["2025-06-01", " 2025-06-01 ", datetime.date(2025, 6, 1), pd.Timestamp("2025-06-01")]
)
def test_iso_dates_and_date_objects_are_read_as_they_are(value):
    assert parse_date(value) == pd.Timestamp("2025-06-01")


def test_library_as_of_strings_use_the_same_parser():
    from vrurisk.data import Dataset
    from vrurisk.features import build_feature_matrix

    dataset = Dataset.from_frames(*tiny_frames().values(), extraction_date="2024-01-01")
    with pytest.raises(ConfigError, match="ambiguous: 2023-06-01 .* or 2023-01-06"):
        build_feature_matrix(dataset, ["01/06/2023"])


def test_validate_refuses_an_ambiguous_extraction_date(tmp_path):
    directory = write_tables(tmp_path / "d", tiny_frames(), "csv", extraction_date=None)
    code, _, err = run_cli("validate", directory, "--extraction-date", "01/06/2025")
    assert code == 2
    assert err.splitlines() == [
        "error: extraction_date: extraction_date '01/06/2025' is ambiguous: 2025-06-01 (day "
        "first, UK) or 2025-01-06 (month first); write it as YYYY-MM-DD"
    ]


def test_validate_says_when_it_infers_the_extraction_date(tmp_path):
    directory = write_tables(tmp_path / "d", tiny_frames(), "csv", extraction_date=None)
    code, out, err = run_cli("validate", directory)
    assert code == 0, err
    assert err.startswith(f"warning: {directory}: no extraction date (no dataset.json")


@pytest.mark.parametrize("command", ["train", "score"])
def test_train_and_score_take_an_iso_extraction_date_only(tmp_path, command):
    import yaml
    from config_helpers import tiny_raw_config

    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(tiny_raw_config()))
    code, _, err = run_cli(command, path, "--extraction-date", "01/06/2025")
    assert code == 2
    assert err.splitlines() == [
        "error: extraction_date '01/06/2025' is ambiguous: 2025-06-01 (day first, UK) or "
        "2025-01-06 (month first); write it as YYYY-MM-DD"
    ]


def test_synth_end_date_is_iso_only():
    code, _, err = run_cli("synth", "--out", "unused", "--end-date", "31/12/2025")
    assert code == 2
    assert err.splitlines()[-1] == (
        "error: end_date '31/12/2025' is not YYYY-MM-DD; write it as 2025-12-31"
    )


def test_a_config_takes_the_extraction_date_flag(tmp_path):
    from config_helpers import tiny_raw_config

    from vrurisk.config import validate_config

    config = validate_config(tiny_raw_config()).with_extraction_date("2025-06-01")
    assert config.data.extraction_date == datetime.date(2025, 6, 1)
