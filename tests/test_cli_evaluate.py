"""`vrurisk evaluate CONFIG --programme NAME [--json]`: JSON shape, report, tracking, errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from cli_helpers import run_cli
from config_helpers import tiny_raw_config
from mlflow_store import fresh_sqlite_store

from vrurisk import audit_log
from vrurisk.data import save_dataset, simulate_population


@pytest.fixture(scope="module")
def config_path(small_population, tmp_path_factory):
    root = tmp_path_factory.mktemp("cli-evaluate")
    population = simulate_population(4_000, seed=2, years=5, interventions=True)
    save_dataset(population.dataset, root / "data")
    save_dataset(small_population.dataset, root / "plain")
    raw = tiny_raw_config(
        name="evaluate-test",
        data={"path": "data"},
        outcome={"event_types": ["serious_violence", "violence"]},
        tracking={"uri": f"sqlite:///{fresh_sqlite_store(root)}"},
    )
    path = root / "evaluate.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    plain = root / "plain.yaml"
    plain.write_text(yaml.safe_dump({**raw, "data": {"path": "plain"}}), encoding="utf-8")
    return path


def test_json_shape(config_path, tmp_path):
    run = run_cli(
        "evaluate",
        config_path,
        "--programme",
        "mentoring",
        "--json",
        "--no-tracking",
        "--out",
        tmp_path / "ev",
    )
    assert run.code == 0, run.err
    summary = json.loads(run.out)
    assert summary["programme"] == "mentoring" and summary["horizon_days"] == 365
    methods = [e["method"] for e in summary["estimates"]]
    assert methods == ["regression_discontinuity", "doubly_robust", "naive"]
    for e in summary["estimates"]:
        assert {"method", "estimate", "ci_low", "ci_high", "n"} <= set(e)
        assert {"risk_ratio", "rr_ci_low", "rr_ci_high", "assumptions"} <= set(e)
        assert e["ci_low"] <= e["estimate"] <= e["ci_high"] and e["n"] > 0
    assert [e["biased"] for e in summary["estimates"]] == [False, False, True]
    assert summary["run_id"] is None
    written = json.loads((tmp_path / "ev" / "evaluation.json").read_text(encoding="utf-8"))
    assert written["estimates"] == summary["estimates"]
    html = (tmp_path / "ev" / "evaluation.html").read_text(encoding="utf-8")
    assert "What works: the effect of mentoring" in html and "Naive" in html
    listed = pd.read_parquet(config_path.parent / "data" / "lists.parquet")["person_id"]
    assert not [pid for pid in set(listed) if pid in html]  # no person ids in the report


def test_tracked_and_audit_logged(config_path, tmp_path, monkeypatch):
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("VRURISK_AUDIT_LOG", str(log))
    run = run_cli("evaluate", config_path, "--programme", "mentoring", "--out", tmp_path / "ev")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].startswith("Regression discontinuity at the list cut-off: ")
    assert lines[-1] == f"Report: {tmp_path / 'ev' / 'evaluation.html'}"
    entry = audit_log.read_log(log)[-1]
    assert entry["command"] == "evaluate" and entry["details"]["programme"] == "mentoring"
    assert entry["output"] == str(tmp_path / "ev")
    from mlflow.tracking import MlflowClient

    uri = yaml.safe_load(config_path.read_text(encoding="utf-8"))["tracking"]["uri"]
    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("vrurisk-evaluate-test")
    (mlflow_run,) = client.search_runs([experiment.experiment_id])
    assert mlflow_run.data.tags["vrurisk.kind"] == "evaluate"
    assert mlflow_run.data.tags["vrurisk.programme"] == "mentoring"
    assert "doubly_robust.estimate" in mlflow_run.data.metrics


def test_unknown_programme_is_one_line_and_writes_nothing(config_path, tmp_path):
    run = run_cli("evaluate", config_path, "--programme", "yoga", "--out", tmp_path / "ev")
    assert run.code == 2 and run.out == ""
    assert run.err.splitlines()[-1] == (
        "error: programme 'yoga' is not in the interventions table; it holds ['mentoring']"
    )
    assert run.err.count("error:") == 1 and "Traceback" not in run.err
    assert not (tmp_path / "ev").exists()


def test_no_interventions_table_is_one_line(config_path, tmp_path):
    plain = config_path.parent / "plain.yaml"
    run = run_cli("evaluate", plain, "--programme", "mentoring", "--out", tmp_path / "ev")
    assert run.code == 2 and run.err.count("error:") == 1
    assert "no interventions table" in run.err.splitlines()[-1] and not (tmp_path / "ev").exists()
