"""Panel decisions (issue 12, item 1): each bad sheet is one line, exit 2, nothing recorded; a
good one is stored as an immutable version, read back by read_decisions, and audit-logged."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest
import yaml
from cli_helpers import run_cli
from decisions_helpers import AS_OF, filled, make_bundle

from vrurisk import audit_log
from vrurisk.decisions import read_decisions
from vrurisk.scoring import DECISION_COLUMNS, DECISIONS_TEMPLATE


@pytest.fixture()
def bundle(tmp_path):
    return make_bundle(tmp_path / "bundle")


def test_template_holds_keys_and_ranks_of_the_list_only(bundle):
    sheet = pd.read_csv(bundle / DECISIONS_TEMPLATE, dtype=str, keep_default_na=False)
    assert tuple(sheet.columns) == DECISION_COLUMNS
    assert sheet["key"].tolist() == [f"k{i:02d}" for i in range(10)]
    assert sheet["rank"].tolist() == [str(i) for i in range(1, 11)]
    assert (sheet[["decision", "reason_code", "decision_date", "reviewer_role"]] == "").all().all()


CASES = yaml.safe_load((Path(__file__).parent / "bad_sheets.yaml").read_text(encoding="utf-8"))


def _bad_sheet(tmp_path, bundle, case: dict) -> Path:
    sheet = pd.read_csv(filled(bundle, tmp_path / "f.csv"), dtype=str, keep_default_na=False)
    for column, cells in case.get("set", {}).items():
        for row, value in cells.items():
            sheet.loc[row, column] = value
    for column, value in case.get("set_all", {}).items():
        sheet[column] = value
    if "repeat_row" in case:
        sheet = pd.concat([sheet, sheet.iloc[[case["repeat_row"]]]], ignore_index=True)
    if "drop_column" in case:
        sheet = sheet.drop(columns=case["drop_column"])
    sheet.to_csv(tmp_path / "filled.csv", index=False)
    if case.get("extra_field_every_row"):  # pandas would shift every column by one, silently
        lines = (tmp_path / "filled.csv").read_text(encoding="utf-8").splitlines()
        rows = [lines[0], *(line + ",x" for line in lines[1:])]
        (tmp_path / "filled.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path / "filled.csv"


@pytest.mark.parametrize("case", list(CASES))
def test_each_bad_sheet_is_one_line_exit_2_and_nothing_recorded(tmp_path, bundle, case):
    path = _bad_sheet(tmp_path, bundle, CASES[case])
    before = sorted(p.name for p in bundle.iterdir())
    log = audit_log.audit_log_path()
    entries = len(audit_log.read_log(log)) if log.exists() else 0
    code, out, err = run_cli("decisions", "record", bundle, path)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith(f"error: {path}: {CASES[case]['error']}"), lines[0]
    assert sorted(p.name for p in bundle.iterdir()) == before  # nothing recorded
    assert read_decisions(bundle) is None
    assert (len(audit_log.read_log(log)) if log.exists() else 0) == entries


def test_a_valid_sheet_is_stored_read_back_and_audit_logged(tmp_path, bundle):
    path = filled(bundle, tmp_path / "filled.csv", rows=7)
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    sheet.loc[0, ["decision", "reason_code"]] = ["refer_to_programme", "known_to_a_service"]
    sheet.to_csv(path, index=False)
    code, out, err = run_cli("decisions", "record", bundle, path, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["version"] == 1 and result["n_decided"] == 7 and result["n_undecided"] == 3
    assert result["counts"] == {"monitor": 6, "refer_to_programme": 1}
    assert result["mlflow_run_id"] is None
    stored = read_decisions(bundle)
    assert list(stored.columns) == list(DECISION_COLUMNS)
    assert stored["key"].tolist() == [f"k{i:02d}" for i in range(7)]
    assert stored["rank"].tolist() == list(range(1, 8))
    assert str(stored["decision_date"].dtype) == "datetime64[ns]"
    assert stored.loc[0, "reason_code"] == "known_to_a_service"
    assert stored["reason_code"].isna().sum() == 6
    assert stored.attrs["version"] == 1
    # immutable: read-only file
    csv = sorted((bundle / "decisions").glob("v001-*.csv"))[0]
    assert not os.stat(csv).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    record = json.loads(csv.with_suffix(".json").read_text())
    assert record["list_as_of"] == AS_OF and record["n_decided"] == 7
    entry = audit_log.read_log(audit_log.audit_log_path())[-1]
    assert entry["command"] == "decisions" and entry["details"]["version"] == 1
    assert entry["details"]["counts"] == {"monitor": 6, "refer_to_programme": 1}


def test_recording_again_needs_new_version_and_keeps_the_old_one(tmp_path, bundle):
    first = filled(bundle, tmp_path / "first.csv", rows=3)
    assert run_cli("decisions", "record", bundle, first).code == 0
    second = filled(bundle, tmp_path / "second.csv", rows=5)
    code, _, err = run_cli("decisions", "record", bundle, second)
    assert code == 2 and "already holds decisions (version 1" in err and "--new-version" in err
    assert len(read_decisions(bundle)) == 3
    code, out, err = run_cli("decisions", "record", bundle, second, "--new-version")
    assert code == 0, err
    assert "Recorded version 2" in out
    assert len(read_decisions(bundle)) == 5 and read_decisions(bundle).attrs["version"] == 2
    assert len(list((bundle / "decisions").glob("v*.csv"))) == 2


def test_not_a_bundle_is_one_line(tmp_path):
    (tmp_path / "x").mkdir()
    sheet = tmp_path / "s.csv"
    sheet.write_text("key\n")
    code, _, err = run_cli("decisions", "record", tmp_path / "x", sheet)
    assert code == 2 and err.count("\n") == 1 and "is not a score bundle" in err


def test_a_bundle_with_recorded_decisions_is_not_replaced_by_a_new_score(tmp_path, bundle):
    from vrurisk._errors import OutputError
    from vrurisk.data import check_output_directory
    from vrurisk.scoring import SCORE_BUNDLE

    assert check_output_directory(bundle, SCORE_BUNDLE) == bundle  # a plain bundle: replaceable
    assert run_cli("decisions", "record", bundle, filled(bundle, tmp_path / "f.csv")).code == 0
    with pytest.raises(OutputError, match="is not a score bundle .*decisions"):
        check_output_directory(bundle, SCORE_BUNDLE)


def test_decision_codes_come_from_the_config_and_travel_with_the_bundle(tmp_path, bundle):
    from config_helpers import tiny_raw_config

    from vrurisk.config import validate_config
    from vrurisk.scoring import decision_codes

    raw = tiny_raw_config(scoring={"decision_codes": ["refer", "no_action"]})
    codes = decision_codes(validate_config(raw))
    assert codes["codes"] == ["refer", "no_action"]
    assert codes["reviewer_roles"][0] == "police"  # defaults where not configured
    with pytest.raises(Exception, match="scoring.decision_codes must be a non-empty list"):
        validate_config(tiny_raw_config(scoring={"decision_codes": ["Refer to YOS"]}))
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["decisions"] = codes
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    code, _, err = run_cli("decisions", "record", bundle, filled(bundle, tmp_path / "f.csv"))
    assert (
        code == 2
        and "unknown decision code 'monitor'" in err
        and "(allowed: refer, no_action)" in err
    )
    sheet = filled(bundle, tmp_path / "g.csv", decision="refer")
    assert run_cli("decisions", "record", bundle, sheet).code == 0
