"""``vrurisk score``: registered model in, one bundle out, tracked in MLflow; one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from cli_helpers import run_cli
from scoring_helpers import PSEUDONYM_KEY

from vrurisk import cli


@pytest.fixture()
def keyed(monkeypatch, tmp_path):
    monkeypatch.setenv("VRURISK_PSEUDONYM_KEY", PSEUDONYM_KEY)
    monkeypatch.setenv("VRURISK_AUDIT_LOG", str(tmp_path / "audit.jsonl"))


@pytest.fixture(scope="module")
def scored_bundle(registered_setup, tmp_path_factory):
    """Run ``vrurisk score --json`` once for the module (MLflow runs are slow to create)."""
    root = tmp_path_factory.mktemp("cli")
    out = root / "bundle"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VRURISK_PSEUDONYM_KEY", PSEUDONYM_KEY)
        mp.setenv("VRURISK_AUDIT_LOG", str(root / "audit.jsonl"))
        mp.setattr(
            sys,
            "argv",
            [
                "vrurisk",
                "score",
                str(registered_setup["config_path"]),
                "--out",
                str(out),
                "--json",
                "--explain-top",
                "80",
            ],
        )
        from io import StringIO

        buffer = StringIO()
        mp.setattr(sys, "stdout", buffer)
        cli.main()
    return out, json.loads(buffer.getvalue()), root / "audit.jsonl"


def test_score_writes_the_bundle_and_logs_an_mlflow_run(registered_setup, scored_bundle):
    out, summary, log = scored_bundle
    assert summary["model_uri"] == "models:/tiny-risk@champion"
    assert summary["model_version"] == "1"
    assert summary["n_explained"] == 80
    assert summary["identifiers"] == "pseudonymised"
    assert {"scores.csv", "panel.html", "bias_audit.html", "model_card.html"} <= set(
        summary["files"]
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["model_version"] == "1"
    scores = pd.read_csv(out / "scores.csv")
    assert scores["key"].str.fullmatch(r"[0-9a-f]{16}").all()
    card = (out / "model_card.html").read_text()
    assert "No evaluation metrics were recorded" not in card  # metrics came from the run

    from mlflow.tracking import MlflowClient

    client = MlflowClient(registered_setup["config"].tracking.uri)
    run = client.get_run(summary["run_id"])
    tags = run.data.tags
    assert tags["vrurisk.model_version"] == "1"
    assert tags["vrurisk.as_of"] == summary["as_of"]
    assert tags["vrurisk.data_fingerprint"] == manifest["data"]["fingerprint"]

    from vrurisk.audit_log import read_log

    entries = read_log(log)
    assert [e["command"] for e in entries] == ["score"]
    assert entries[0]["model_version"] == "1"
    assert entries[0]["n_scored"] == summary["n_scored"]


@pytest.mark.parametrize(
    "args, error",
    [
        (
            ("--model", "models:/no-such-model@champion"),
            "error: models:/no-such-model@champion: cannot load a vrurisk model",
        ),
        (
            ("--as-of", "2099-01-01", "--no-tracking"),
            "error: as_of 2099-01-01 is after the data's extraction date 2025-12-31; "
            "score on or before the extraction date",
        ),
    ],
    ids=["model uri", "as-of date"],
)
def test_a_bad_argument_is_one_error_line_and_exit_2(registered_setup, keyed, args, error):
    code, out, err = run_cli("score", str(registered_setup["config_path"]), *args)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert [line for line in lines if line.startswith("error:")] == lines[-1:]
    assert lines[-1].startswith(error)


def test_reveal_ids_stay_local_and_are_audit_logged(registered_setup, keyed, tmp_path):
    import mlflow

    from vrurisk.audit_log import read_log
    from vrurisk.scoring._run import run_scoring

    log = tmp_path / "reveal.jsonl"
    summary = run_scoring(
        registered_setup["config"],
        dataset=registered_setup["dataset"],
        out=tmp_path / "revealed",
        reveal_ids=True,
        explain_top=50,
        audit_log_path=log,
    )
    local = pd.read_csv(tmp_path / "revealed" / "scores.csv", dtype=str)
    assert list(local.columns[:2]) == ["key", "person_id"]
    assert set(local["person_id"]) <= set(registered_setup["dataset"].people["person_id"])
    logged = mlflow.artifacts.download_artifacts(
        run_id=summary["run_id"],
        artifact_path="bundle/scores.csv",
        dst_path=str(tmp_path / "mlflow"),
        tracking_uri=registered_setup["config"].tracking.uri,
    )
    assert "person_id" not in pd.read_csv(logged).columns
    assert read_log(log)[0]["details"]["identifiers"] == "raw person_id included"
    template = pd.read_csv(tmp_path / "revealed" / "decisions_template.csv", dtype=str)
    assert "person_id" not in template.columns  # the panel's sheet: keys only, always
    assert not template["key"].isin(local["person_id"]).any()


def test_ctrl_c_exits_130_not_0(registered_setup, keyed, monkeypatch, capsys):
    """typer returns Ctrl-C as an exit code outside standalone mode; main() must not drop it."""

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("vrurisk.scoring.run_scoring", interrupted)  # the name the CLI calls
    code, out, err = run_cli("score", str(registered_setup["config_path"]))
    assert code == 130 and out == ""
    assert err.strip().splitlines()[-1] == "error: interrupted"


# --- --out never destroys what vrurisk did not write; unwritable --out is one line (issue 17)


def _score_to(registered_setup, out, *extra):
    return [
        "score",
        str(registered_setup["config_path"]),
        "--out",
        str(out),
        "--no-tracking",
        *extra,
    ]


def test_score_refuses_a_directory_it_did_not_write_before_loading_the_model(
    registered_setup, keyed, monkeypatch, capsys, tmp_path
):
    out = tmp_path / "d"
    out.mkdir()
    (out / "notes").write_text("x")
    args = _score_to(registered_setup, out, "--model", "models:/no-such-model@champion")
    code, stdout, stderr = run_cli(*args)
    assert code == 2 and stdout == "" and "loading model" not in stderr
    assert [line for line in stderr.splitlines() if not line.startswith("score: ")] == [
        f"error: {out} exists and is not a score bundle (it holds notes); refusing to replace "
        "it: choose a new or empty directory, or force it (--force)"
    ]
    assert (out / "notes").read_text() == "x"


def test_score_replaces_its_own_bundle_and_a_forced_directory(
    registered_setup, keyed, monkeypatch, capsys, tmp_path
):
    out = tmp_path / "d"
    out.mkdir()
    (out / "notes").write_text("x")
    code, _, stderr = run_cli(*_score_to(registered_setup, out, "--force"))
    assert code == 0, stderr
    assert not (out / "notes").exists() and (out / "manifest.json").is_file()
    code, _, stderr = run_cli(*_score_to(registered_setup, out))
    assert code == 0, stderr  # a previous bundle is recognised by its manifest
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("where", ["data", "parent", "inside"])
def test_score_never_replaces_the_input_data_even_forced(
    registered_setup, keyed, monkeypatch, capsys, where
):
    data = registered_setup["config"].data.path
    out = {"data": data, "parent": data.parent, "inside": data / "people.parquet"}[where]
    before = sorted(p.name for p in data.iterdir())
    code, _, stderr = run_cli(*_score_to(registered_setup, out, "--force"))
    assert code == 2 and "loading model" not in stderr
    assert stderr.splitlines()[-1].startswith("error: ")
    assert "refusing to replace it, even when forced" in stderr.splitlines()[-1]
    assert sorted(p.name for p in data.iterdir()) == before


@pytest.mark.parametrize("where", ["under_a_file", "proc"])
def test_score_to_an_unwritable_out_is_one_line_before_any_work(
    registered_setup, keyed, monkeypatch, capsys, tmp_path, where
):
    (tmp_path / "file").write_text("x")
    out = {"under_a_file": tmp_path / "file" / "out", "proc": "/proc/vrurisk-out/bundle"}[where]
    args = _score_to(registered_setup, out, "--model", "models:/no-such-model@champion")
    code, stdout, stderr = run_cli(*args)
    assert code == 2 and stdout == "" and "loading model" not in stderr
    last = stderr.splitlines()[-1]
    assert last.startswith(f"error: cannot write {out}: ")
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        (
            "01/06/2025",
            "as_of '01/06/2025' is ambiguous: 2025-06-01 (day first, UK) or 2025-01-06 "
            "(month first); write it as YYYY-MM-DD",
        ),
        ("13/06/2025", "as_of '13/06/2025' is not YYYY-MM-DD; write it as 2025-06-13"),
        ("June 2025", "as_of 'June 2025' is not a date (YYYY-MM-DD)"),
    ],
)
def test_score_refuses_a_uk_date_instead_of_misreading_it(
    registered_setup, keyed, tmp_path, as_of, message
):
    """Issue 17 critical 2: 01/06/2025 used to score at 2025-01-06."""
    out = tmp_path / "bundle"
    code, stdout, stderr = run_cli(*_score_to(registered_setup, out, "--as-of", as_of))
    assert code == 2 and stdout == ""
    assert stderr.splitlines()[-1] == f"error: {message}"
    assert not out.exists()


def test_decisions_and_retention_reach_the_lists_mlflow_run(registered_setup, keyed, tmp_path):
    """Issue 12 items 1 and 6: the bundle's decisions sheet, recorded, lands in the list's
    MLflow run; retention deletes the personal files there and locally, keeping aggregates."""
    import mlflow

    from vrurisk.audit_log import read_log
    from vrurisk.decisions import read_decisions
    from vrurisk.scoring._run import run_scoring

    out = tmp_path / "lists" / "tiny"
    summary = run_scoring(
        registered_setup["config"], dataset=registered_setup["dataset"], out=out, explain_top=50
    )
    template = pd.read_csv(out / "decisions_template.csv", dtype=str, keep_default_na=False)
    assert list(template.columns) == [
        "key",
        "rank",
        "decision",
        "reason_code",
        "decision_date",
        "reviewer_role",
    ]
    assert len(template) == summary["panel_k"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert "decisions_template.csv" in manifest["files"]
    assert manifest["decisions"]["codes"][0] == "refer_to_programme"
    assert manifest["tracking"]["experiment"] == "tiny"
    template.loc[:4, "decision"] = "refer_to_programme"
    template.loc[:4, "decision_date"] = summary["as_of"]
    template.loc[:4, "reviewer_role"] = "youth_justice"
    template.to_csv(tmp_path / "filled.csv", index=False)
    code, printed, err = run_cli("decisions", "record", out, tmp_path / "filled.csv", "--json")
    assert code == 0, err
    result = json.loads(printed)
    assert result["mlflow_run_id"] == summary["run_id"]
    uri = registered_setup["config"].tracking.uri
    logged = mlflow.artifacts.download_artifacts(
        run_id=summary["run_id"],
        artifact_path=f"decisions/v001/{Path(result['path']).name}",
        dst_path=str(tmp_path / "mlflow"),
        tracking_uri=uri,
    )
    assert pd.read_csv(logged)["key"].tolist() == read_decisions(out)["key"].tolist()

    # retention: three years later the list has expired
    code, printed, err = run_cli(
        "retention", tmp_path / "lists", "--months", "24", "--today", "2029-01-01", "--apply"
    )
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == [
        "bias_audit.html",
        "fairness.json",
        "global_importance.parquet",
        "manifest.json",
        "model_card.html",
        "monitoring.json",
    ]
    client = mlflow.tracking.MlflowClient(uri)
    left = {a.path for a in client.list_artifacts(summary["run_id"], "bundle")}
    assert left == {f"bundle/{name}" for name in sorted(p.name for p in out.iterdir())}
    assert [a.path for a in client.list_artifacts(summary["run_id"], "decisions")] == []
    assert client.get_run(summary["run_id"]).data.metrics["n_scored"] > 0  # aggregates stay
    entry = [e for e in read_log(tmp_path / "audit.jsonl") if e["command"] == "retention"][0]
    assert entry["details"]["mlflow_run_id"] == summary["run_id"]
    assert {"bundle/scores.parquet", "decisions"} <= set(entry["details"]["mlflow_deleted"])
