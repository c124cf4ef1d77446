"""Panel decisions (issue 12, item 1): each bad sheet is one line, exit 2, nothing recorded; a
good one is stored as an immutable version, read back by read_decisions, and audit-logged."""

from __future__ import annotations

import json
import os
import stat

import pandas as pd
import pytest
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


def _bad(tmp_path, bundle, **columns):
    path = filled(bundle, tmp_path / "filled.csv", **columns)
    return path


def _edit(tmp_path, bundle, edit):
    sheet = pd.read_csv(filled(bundle, tmp_path / "f.csv"), dtype=str, keep_default_na=False)
    sheet = edit(sheet)
    sheet.to_csv(tmp_path / "filled.csv", index=False)
    return tmp_path / "filled.csv"


CASES = {
    "unknown key": (
        lambda s: s.assign(key=s["key"].where(s.index != 2, "zz99")),
        "filled.csv: column key: 1 key not in this bundle ('zz99') in rows 4",
    ),
    "key not on the list": (
        lambda s: s.assign(key=s["key"].where(s.index != 0, "k20")),
        "filled.csv: column key: 1 key scored but not on this bundle's list of 10 ('k20') "
        "in rows 2",
    ),
    "duplicate key": (
        lambda s: pd.concat([s, s.iloc[[3]]], ignore_index=True),
        "filled.csv: column key: 1 key repeated ('k03') in rows 5, 12",
    ),
    "unknown decision code": (
        lambda s: s.assign(decision=s["decision"].where(s.index % 4 != 1, "refer")),
        "filled.csv: column decision: unknown decision code 'refer' in rows 3, 7, 11 (allowed: "
        "refer_to_programme, already_supported, monitor, no_action, record_incorrect)",
    ),
    "unknown reason code": (
        lambda s: s.assign(reason_code=s["reason_code"].where(s.index != 5, "gut_feeling")),
        "filled.csv: column reason_code: unknown reason code 'gut_feeling' in rows 7",
    ),
    "unknown reviewer role": (
        lambda s: s.assign(reviewer_role=s["reviewer_role"].where(s.index != 1, "Sgt Smith")),
        "filled.csv: column reviewer_role: unknown reviewer role 'Sgt Smith' in rows 3",
    ),
    "ambiguous date": (
        lambda s: s.assign(decision_date=s["decision_date"].where(s.index != 0, "07/08/2025")),
        "filled.csv: column decision_date in rows 2: date '07/08/2025' is ambiguous: 2025-08-07 "
        "(day first, UK) or 2025-07-08 (month first); write it as YYYY-MM-DD",
    ),
    "bad date": (
        lambda s: s.assign(decision_date=s["decision_date"].where(s.index != 9, "next week")),
        "filled.csv: column decision_date in rows 11: date 'next week' is not a date (YYYY-MM-DD)",
    ),
    "date before the list": (
        lambda s: s.assign(decision_date=s["decision_date"].where(s.index != 4, "2025-06-29")),
        "filled.csv: column decision_date before the list's date 2025-06-30 in rows 6 "
        "('2025-06-29')",
    ),
    "free-text column added": (
        lambda s: s.assign(notes="lives with his nan"),
        "filled.csv: column notes added; only key, rank, decision, reason_code, decision_date, "
        "reviewer_role are recorded (no free text about a person): remove it",
    ),
    "column missing": (
        lambda s: s.drop(columns="reviewer_role"),
        "filled.csv: column reviewer_role missing",
    ),
    "rank edited": (
        lambda s: s.assign(rank=s["rank"].where(s.index != 0, "5")),
        "filled.csv: column rank does not match the list in rows 2 (the list says k00: 1)",
    ),
    "decision missing where other columns are filled": (
        lambda s: s.assign(decision=s["decision"].where(s.index != 3, "")),
        "filled.csv: column decision is empty in rows 5 where decision_date, reviewer_role are "
        "filled in",
    ),
    "nothing decided": (
        lambda s: s.assign(decision="", decision_date="", reviewer_role=""),
        "filled.csv: no row has a decision; nothing to record",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_bad_sheet_is_one_line_exit_2_and_nothing_recorded(tmp_path, bundle, case):
    edit, message = CASES[case]
    path = _edit(tmp_path, bundle, edit)
    before = sorted(p.name for p in bundle.iterdir())
    log = audit_log.audit_log_path()
    entries = len(audit_log.read_log(log)) if log.exists() else 0
    code, out, err = run_cli("decisions", "record", bundle, path)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith("error: " + str(path.parent) + "/" + message), lines[0]
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
