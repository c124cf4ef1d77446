"""`vrurisk audit`: audits any CSV/Parquet table; bad input is one stderr line and exit 2."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from cli_helpers import run_cli


@pytest.fixture(autouse=True)
def audit_log_file(tmp_path, monkeypatch):
    """Every audit appends to the audit log: keep it in the test's directory."""
    log = tmp_path / "logs" / "audit.jsonl"
    monkeypatch.setenv("VRURISK_AUDIT_LOG", str(log))
    return log


@pytest.fixture
def scores_csv(tmp_path):
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {
            "person": [f"p{i:04d}" for i in range(n)],
            "score": rng.random(n).round(4),
            "band": rng.choice(["Low", "Medium", "High"], n),
            "outcome": rng.integers(0, 2, n),
            "sex": rng.choice(["F", "M"], n),
            "ethnicity": rng.choice(["White", "Black", "Asian"], n, p=[0.6, 0.3, 0.1]),
        }
    )
    path = tmp_path / "scores.csv"
    frame.to_csv(path, index=False)
    return path


def _args(data, out, *extra):
    return [
        "audit",
        "--data",
        str(data),
        "--score-col",
        "score",
        "--label-col",
        "outcome",
        "--sensitive",
        "sex,ethnicity",
        "--out",
        str(out),
        *extra,
    ]


def test_audit_writes_json_and_html(tmp_path, monkeypatch, capsys, scores_csv):
    out = tmp_path / "audit"
    code, stdout, stderr = run_cli(*_args(scores_csv, out, "--top-k", "50"))
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == ["bias_audit.html", "fairness.json"]
    summary = json.loads((out / "fairness.json").read_text(encoding="utf-8"))
    assert summary["attributes"] == ["sex", "ethnicity", "sex & ethnicity"]
    assert summary["operating_points"][0]["name"] == "top 50"
    assert stdout.splitlines()[0] == f"- {summary['findings'][0]}"
    assert f"Wrote {out / 'fairness.json'}" in stdout
    html = (out / "bias_audit.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "data:image/png;base64," in html


def test_a_threshold_nobody_reaches_is_degenerate_and_judges_nothing(
    tmp_path, monkeypatch, capsys, scores_csv
):
    out = tmp_path / "audit"
    args = _args(scores_csv, out, "--threshold", "2")
    code, stdout, stderr = run_cli(*args)
    assert code == 0, stderr
    summary = json.loads((out / "fairness.json").read_text(encoding="utf-8"))
    assert summary["degenerate"] == {"score >= 2": ["nobody in the scored table is flagged"]}
    assert {d["verdict"] for d in summary["disparities"]} == {"degenerate"}
    assert stdout.splitlines()[0] == (
        "- Nothing judged: the audit is degenerate at every operating point (score >= 2)."
    )
    assert "inside" not in stdout.split("Wrote")[0]
    html = (out / "bias_audit.html").read_text(encoding="utf-8")
    assert "Nothing judged at score &gt;= 2:" in html and "nobody in the scored table" in html


def test_audit_writes_an_audit_log_entry(tmp_path, monkeypatch, capsys, scores_csv, audit_log_file):
    from vrurisk import audit_log
    from vrurisk._serialise import file_sha256

    out = tmp_path / "audit"
    code, _, stderr = run_cli(*_args(scores_csv, out, "--top-k", "50"))
    assert code == 0, stderr
    (entry,) = audit_log.read_log(audit_log_file)
    assert entry["command"] == "audit" and entry["output"] == str(out)
    assert entry["argv"][1:3] == ["audit", "--data"]
    assert entry["details"] == {
        "scores_file": str(scores_csv),
        "scores_sha256": file_sha256(scores_csv),
        "n_rows": 300,
        "score_col": "score",
        "label_col": "outcome",
        "sensitive": ["sex", "ethnicity"],
        "operating_point": {"top_k": 50},
    }


def test_a_failed_audit_is_not_logged(tmp_path, monkeypatch, capsys, scores_csv, audit_log_file):
    code, _, _ = run_cli(*_args(scores_csv, tmp_path / "a", "--top-k", "0"))
    assert code == 2 and not audit_log_file.exists()


def test_audit_parquet_json_output_and_rerun_replaces(tmp_path, monkeypatch, capsys, scores_csv):
    data = tmp_path / "scores.parquet"
    pd.read_csv(scores_csv).to_parquet(data)
    out = tmp_path / "audit"
    for _ in range(2):  # a second run replaces the first bundle atomically
        code, stdout, stderr = run_cli(*_args(data, out, "--threshold", "0.7", "--json"))
        assert code == 0, stderr
        summary = json.loads(stdout)
        assert summary["operating_points"][0]["name"] == "score >= 0.7"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "audit",
        "logs",
        "scores.csv",
        "scores.parquet",
    ]


def test_flag_values_on_a_banded_score(tmp_path, monkeypatch, capsys, scores_csv):
    args = _args(scores_csv, tmp_path / "a", "--flag-values", "Medium,High", "--json")
    args[args.index("score")] = "band"
    code, stdout, stderr = run_cli(*args, "--no-intersections")
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["attributes"] == ["sex", "ethnicity"]
    assert summary["operating_points"][0]["name"] == "band in {Medium, High}"


@pytest.mark.parametrize(
    ("extra", "edit", "message"),
    [
        (["--top-k", "10"], {"data": "missing.csv"}, "error: {tmp}/missing.csv: no such file"),
        (
            ["--top-k", "10"],
            {"--sensitive": "sex,religion"},
            "error: {data}: column(s) ['religion'] not found; the table has: person, score, "
            "band, outcome, sex, ethnicity",
        ),
        (
            ["--top-k", "10"],
            {"--label-col": "band"},
            "error: {data}: column 'band' must be binary (0/1 or true/false); found values "
            "['High', 'Low', 'Medium']",
        ),
        (
            ["--threshold", "0.5"],
            {"--score-col": "band"},
            "error: {data}: column 'band' must hold numeric scores for top-k or threshold "
            "operating points; 300 value(s) are not numbers: 'High', 'Low', 'Medium'",
        ),
        (
            [],
            {},
            "error: give exactly one of --flag-values, --threshold or --top-k, got none",
        ),
        (
            ["--top-k", "5", "--threshold", "0.5"],
            {},
            "error: give exactly one of --flag-values, --threshold or --top-k, got --threshold, "
            "--top-k",
        ),
        (
            ["--top-k", "10", "--reference", "ethnicity"],
            {},
            "error: --reference must look like ATTRIBUTE=GROUP (e.g. race=Caucasian), "
            "got 'ethnicity'",
        ),
        (
            ["--top-k", "10", "--reference", "ethnicity=Martian"],
            {},
            "error: fairness.reference_groups.ethnicity is 'Martian', which is not a group in "
            "the data; groups: ['Asian', 'Black', 'White']",
        ),
        (
            ["--top-k", "1000"],
            {},
            "error: fairness.top_k value 1000 is larger than the 300 rows of {data}",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path, monkeypatch, capsys, scores_csv, extra, edit, message
):
    args = _args(scores_csv, tmp_path / "out", *extra)
    for option, value in edit.items():
        if option == "data":
            args[args.index("--data") + 1] = str(tmp_path / value)
        else:
            args[args.index(option) + 1] = value
    code, stdout, stderr = run_cli(*args)
    assert code == 2
    assert stderr.splitlines() == [message.format(tmp=tmp_path, data=scores_csv)]
    assert not (tmp_path / "out").exists()


def test_refuses_to_replace_a_directory_with_other_files(tmp_path, monkeypatch, capsys, scores_csv):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    code, _, stderr = run_cli(*_args(scores_csv, out, "--top-k", "10"))
    assert code == 2
    assert stderr.strip() == (
        f"error: {out} exists and is not a bias audit (it holds notes.txt); refusing to "
        "replace it: choose a new or empty directory, or force it (--force)"
    )
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_repeated_identical_headers_are_accepted_but_different_ones_are_not(
    tmp_path, monkeypatch, capsys
):
    rows = "score,score,outcome,g\n0.9,0.9,1,a\n0.1,0.1,0,b\n0.5,0.5,1,a\n0.2,0.2,0,b\n"
    same = tmp_path / "same.csv"
    same.write_text(rows, encoding="utf-8")
    args = ["audit", "--data", str(same), "--score-col", "score", "--label-col", "outcome"]
    args += ["--sensitive", "g", "--top-k", "2", "--out", str(tmp_path / "a")]
    code, _, stderr = run_cli(*args)
    assert code == 0, stderr
    differ = tmp_path / "differ.csv"
    differ.write_text(rows.replace("0.9,0.9", "0.9,0.8"), encoding="utf-8")
    args[2] = str(differ)
    code, _, stderr = run_cli(*args)
    assert code == 2
    assert stderr.strip() == (
        f"error: {differ}: column 'score' appears more than once with different values; "
        "rename the copies"
    )


def test_small_data_with_rank_scores_prints_no_matplotlib_warning(tmp_path):
    # issue 11 trap 8: "UserWarning: No artists with labels found to put in legend" leaked
    # into the output when no group was large enough and the score was not a probability
    rng = np.random.default_rng(0)
    n = 40
    frame = pd.DataFrame(
        {
            "person": [f"p{i}" for i in range(n)],
            "score": rng.integers(1, 11, n),
            "outcome": rng.integers(0, 2, n),
            "sex": rng.choice(["F", "M"], n),
        }
    )
    frame.to_csv(tmp_path / "small.csv", index=False)
    code, _, stderr = run_cli(
        "audit",
        "--data",
        str(tmp_path / "small.csv"),
        "--score-col",
        "score",
        "--label-col",
        "outcome",
        "--sensitive",
        "sex",
        "--top-k",
        "5",
        "--out",
        str(tmp_path / "out"),
    )
    assert code == 0, stderr
    assert "Warning" not in stderr
