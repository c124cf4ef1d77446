"""`vrurisk train CONFIG [--json]`: comparison table, registered model URI, one-line errors."""

from __future__ import annotations

import json

import pytest
import yaml
from cli_helpers import run_cli
from config_helpers import tiny_raw_config
from mlflow_store import fresh_sqlite_store

from vrurisk.data import save_dataset


@pytest.fixture(scope="module")
def config_path(small_population, tmp_path_factory):
    root = tmp_path_factory.mktemp("cli-train")
    save_dataset(small_population.dataset, root / "data")
    raw = tiny_raw_config(
        data={"path": "data"},
        evaluation={"k": [50, "2%"], "bootstrap": 20},
        tracking={
            "uri": f"sqlite:///{fresh_sqlite_store(root)}",
            "registered_model": "cli-test",
        },
    )
    path = root / "cli.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_train_prints_the_comparison_and_the_registered_model(monkeypatch, capsys, config_path):
    monkeypatch.setenv("VRURISK_AUDIT_LOG", str(config_path.parent / "audit.jsonl"))
    run = run_cli("train", config_path)
    assert run.code == 0
    out, err = run.out, run.err
    lines = out.splitlines()
    assert lines[0].startswith("Test date 2024-07-01")
    assert lines[1].split()[:3] == ["model", "ROC", "AUC"]
    assert "prec@50 [95% CI]" in lines[1] and "prec@2%" in lines[1]
    assert "k=50 is 50 people" in out
    assert max(len(line) for line in lines[:-1]) <= 100  # the last: the tracking URI
    models = {line.split()[0] for line in lines[3:5]}
    assert models == {"lightgbm", "baseline"}
    assert lines[-1].startswith("Registered model: models:/cli-test@champion (version 1,")
    assert "train: building features" in err


def test_train_json_is_one_object(monkeypatch, capsys, config_path):
    run = run_cli("train", config_path, "--json", "--no-tracking")
    assert run.code == 0
    out, _ = run.out, run.err
    result = json.loads(out)
    assert result["selection_metric"] == "precision_at_50"
    assert {m["model"] for m in result["metrics"]} == {"lightgbm", "baseline"}
    assert result["tracking"] == {}
    assert {"roc_auc_low", "precision_at_2pct_high", "stability_at_50"} <= set(result["metrics"][0])


def test_bad_config_is_one_line_and_exit_2(monkeypatch, capsys, tmp_path, config_path):
    raw = yaml.safe_load(config_path.read_text())
    raw["models"]["lightgbm"]["num_leaves"] = "abc"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    run = run_cli("train", path)
    assert run.code == 2
    _, err = run.out, run.err
    assert err == "error: models.lightgbm.num_leaves must be an integer > 1, got 'abc'\n"


def test_too_few_outcomes_fail_before_fitting_with_one_line(monkeypatch, capsys, tmp_path):
    from vrurisk.data import simulate_population

    save_dataset(simulate_population(200, seed=0).dataset, tmp_path / "data")
    raw = {
        "config_version": 1,
        "data": {"path": "data"},
        "temporal": {"start": "2022-01-01", "end": "2024-07-01", "step_months": 6, "test_dates": 2},
        "models": {"logistic_regression": {"C": 0.1}, "baseline": {}},
        "features": {"stage1": {"enabled": False}},
    }
    path = tmp_path / "few.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")

    def no_fitting(*args, **kwargs):
        raise AssertionError("a model was fitted")

    monkeypatch.setattr("vrurisk.training.fit_risk_model", no_fitting)
    run = run_cli("train", path, "--no-tracking")
    assert run.code == 2
    _, err = run.out, run.err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0] == err.splitlines()[-1]
    assert "Traceback" not in err
    assert errors[0].startswith(
        # the first test date 2024-01-01 trains on 2022-01-01 and 2022-07-01 only: the window
        # of 2023-01-01 ends on 2024-01-01 itself
        "error: training on as-of dates 2022-01-01, 2022-07-01 needs at least 10 "
        "rows with the outcome and 10 without, got "
    )
    assert errors[0].endswith(
        "; use more people, more or earlier as-of dates, or a broader outcome"
    )


def test_a_sensitive_attribute_missing_from_the_people_table_is_exit_2(tmp_path, config_path):
    raw = yaml.safe_load(config_path.read_text())
    raw["data"]["path"] = str(config_path.parent / "data")
    raw["fairness"] = {"sensitive_attributes": ["sex", "religion"]}
    path = tmp_path / "religion.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    run = run_cli("train", path, "--no-tracking")
    assert run.code == 2
    last = run.err.strip().splitlines()[-1]
    assert last.startswith(
        "error: fairness.sensitive_attributes lists 'religion', which is not a column of the "
        "people table; its columns: person_id, birth_date, "
    )
    assert "Traceback" not in run.err
