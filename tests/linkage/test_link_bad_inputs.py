"""Bad linkage configs and tables: one line naming the file, column or key; exit 2; nothing
written (an earlier output directory is left exactly as it was)."""

from __future__ import annotations

import importlib.util
import re
import shutil

import pandas as pd
import pytest
import yaml
from cli_helpers import run_cli

from vrurisk.linkage import simulate_agency_extracts


@pytest.fixture(scope="module")
def extracts_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("bad") / "extracts"
    simulate_agency_extracts(200, seed=4).write(directory)
    return directory


def edit_police(directory, change):
    path = directory / "police.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame).to_csv(path, index=False)


def edit_config(directory, change):
    path = directory / "linkage.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")


def drop_dob(frame):
    return frame.drop(columns="dob")


def us_date_on_line_4(frame):
    frame.loc[2, "dob"] = "12/31/2008"
    return frame


def repeat_an_id(frame):
    frame.loc[5, "nominal_id"] = frame.loc[1, "nominal_id"]
    return frame


def empty_id(frame):
    frame.loc[0, "nominal_id"] = ""
    return frame


CASES = {
    "missing column": (
        lambda d: edit_police(d, drop_dob),
        r"police\.csv: police has no column 'dob' \(birth_date\); the file has 6 columns: ",
    ),
    "unparseable dates": (
        lambda d: edit_police(d, us_date_on_line_4),
        r"police\.csv: column 'dob' \(birth_date\) has 1 value not in the format '%d/%m/%Y' on "
        r"line 4; set agencies\.police\.date_format",
    ),
    "duplicate ids": (
        lambda d: edit_police(d, repeat_an_id),
        r"police\.csv: column 'nominal_id' \(agency_id\) repeats 1 id on lines 3, 7; "
        r"each record needs its own id",
    ),
    "empty id": (
        lambda d: edit_police(d, empty_id),
        r"police\.csv: column 'nominal_id' \(agency_id\) is empty on line 2",
    ),
    "unknown key": (
        lambda d: edit_config(d, lambda r: r["model"].update(treshold=0.9)),
        r"model: unknown key 'treshold'; allowed keys: deterministic_recall, match_threshold, "
        r"seed, u_sample_pairs",
    ),
    "missing table": (
        lambda d: (d / "health.csv").unlink(),
        r"health\.csv",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_exit_2_and_nothing_written(case, extracts_dir, tmp_path):
    directory = tmp_path / "extracts"
    shutil.copytree(extracts_dir, directory)
    edit_config(directory, lambda r: r.setdefault("model", {}))
    change, message = CASES[case]
    change(directory)
    previous = tmp_path / "linked"
    previous.mkdir()
    (previous / "crosswalk.csv").write_text("kept\n", encoding="utf-8")
    (previous / "linkage_report.json").write_text("{}\n", encoding="utf-8")  # an earlier run
    code, out, err = run_cli("link", directory / "linkage.yaml", "--out", previous)
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err
    assert re.search(message, err), err
    assert sorted(p.name for p in previous.iterdir()) == ["crosswalk.csv", "linkage_report.json"]
    assert (previous / "crosswalk.csv").read_text(encoding="utf-8") == "kept\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".linked")]


def test_an_excel_table_without_openpyxl_is_one_line(extracts_dir, tmp_path):
    pytest.importorskip("splink")
    if importlib.util.find_spec("openpyxl") is not None:
        pytest.skip("openpyxl is installed")
    directory = tmp_path / "extracts"
    shutil.copytree(extracts_dir, directory)
    (directory / "police.xlsx").write_bytes(b"PK not really a workbook")
    edit_config(directory, lambda r: r["agencies"]["police"].update(path="police.xlsx"))
    code, _, err = run_cli("link", directory / "linkage.yaml", "--out", tmp_path / "linked")
    assert code == 2
    assert err.strip().endswith(
        "police.xlsx: reading Excel needs the openpyxl package (pip install openpyxl); "
        "or save as CSV"
    )
    assert not (tmp_path / "linked").exists()


def test_a_parquet_table_reads_like_its_csv(extracts_dir, tmp_path):
    from vrurisk.linkage import load_linkage_config
    from vrurisk.linkage._prepare import read_agency_tables

    directory = tmp_path / "extracts"
    shutil.copytree(extracts_dir, directory)
    from_csv = read_agency_tables(load_linkage_config(directory / "linkage.yaml"))
    pd.read_csv(directory / "police.csv", dtype=str).to_parquet(directory / "police.parquet")
    edit_config(directory, lambda r: r["agencies"]["police"].update(path="police.parquet"))
    from_parquet = read_agency_tables(load_linkage_config(directory / "linkage.yaml"))
    pd.testing.assert_frame_equal(from_parquet["police"], from_csv["police"])
