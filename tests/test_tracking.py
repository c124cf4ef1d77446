"""MLflow tracking: runs, metrics, artefacts and a registered champion, local and over HTTP."""

from __future__ import annotations

import json
import os
from pathlib import Path

import mlflow
import numpy as np
import pytest
from config_helpers import tiny_raw_config, training_matrix
from mlflow.tracking import MlflowClient
from mlflow_store import fresh_sqlite_store, running_mlflow_server

from vrurisk._errors import ModelError
from vrurisk.audit_log import read_log
from vrurisk.config import validate_config
from vrurisk.features import build_feature_matrix
from vrurisk.tracking import (
    load_risk_model,
    load_training_metrics,
    log_scoring_run,
    model_version,
)
from vrurisk.training import train_experiment


def tracked_config(uri: str, **changes):
    tracking = {"uri": uri, "registered_model": "vrurisk-test", "experiment": "vrurisk-test"}
    return validate_config(tiny_raw_config(name="tracked", tracking=tracking, **changes))


@pytest.fixture(scope="module")
def tracked(small_population, tmp_path_factory):
    root = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{fresh_sqlite_store(root)}"
    config = tracked_config(uri)
    cwd = os.getcwd()
    os.chdir(root)  # artefacts of a sqlite store default to ./mlruns
    try:
        result = train_experiment(
            config, small_population.dataset, tracking=True, audit_log_path=root / "audit.jsonl"
        )
    finally:
        os.chdir(cwd)
    return result, uri, root


def test_one_parent_run_with_a_nested_run_per_model_and_split(tracked):
    result, uri, _ = tracked
    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("vrurisk-test")
    runs = client.search_runs([experiment.experiment_id])
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    children = [r for r in runs if "mlflow.parentRunId" in r.data.tags]
    assert len(parents) == 1 and len(children) == 2  # 2 models x 1 test date
    parent = parents[0]
    assert parent.info.run_id == result.tracking["run_id"]
    assert {c.data.tags["mlflow.parentRunId"] for c in children} == {parent.info.run_id}
    tags = parent.data.tags
    assert tags["vrurisk.config_hash"] == result.config.config_hash
    assert tags["vrurisk.data_fingerprint"] == result.data_fingerprint
    assert tags["vrurisk.version"] and tags["vrurisk.git_commit"]
    for child in children:
        for name in ("roc_auc", "roc_auc_low", "precision_at_50", "recall_at_50", "brier", "ece"):
            assert name in child.data.metrics
        assert child.data.params["split"] in {s.name for s in result.splits}
    assert parent.data.params["champion"] == result.champion.name
    artefacts = {a.path for a in client.list_artifacts(parent.info.run_id)}
    assert {"config", "features", "metrics", "privacy"} <= artefacts
    local = mlflow.artifacts.download_artifacts(
        run_id=parent.info.run_id, artifact_path="config/config.json", tracking_uri=uri
    )
    assert json.loads(Path(local).read_text())["name"] == "tracked"


def test_tracked_training_is_audit_logged(tracked):
    result, _, root = tracked
    (entry,) = read_log(root / "audit.jsonl")
    assert entry["command"] == "train"
    assert entry["config_hash"] == result.config.config_hash
    assert entry["data_fingerprint"] == result.data_fingerprint
    assert entry["model_version"] == result.tracking["model_version"]


def test_champion_is_registered_with_alias_and_loads_back(tracked, small_population):
    result, uri, _ = tracked
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    version = client.get_model_version_by_alias("vrurisk-test", "champion")
    assert str(version.version) == result.tracking["model_version"]
    assert result.tracking["model_uri"] == "models:/vrurisk-test@champion"
    assert model_version("models:/vrurisk-test@champion", tracking_uri=uri) == str(version.version)
    assert model_version(f"models:/vrurisk-test/{version.version}", tracking_uri=uri) == "1"
    metrics = load_training_metrics("models:/vrurisk-test@champion", tracking_uri=uri)
    assert list(metrics["model"]) == list(result.metrics["model"])

    X = build_feature_matrix(
        small_population.dataset, ["2025-06-01"], features=result.config.features
    ).X
    expected = result.champion.predict_proba(X)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    pyfunc = mlflow.pyfunc.load_model("models:/vrurisk-test@champion")
    np.testing.assert_allclose(np.asarray(pyfunc.predict(X.astype("float64"))), expected)
    risk_model = load_risk_model("models:/vrurisk-test@champion", tracking_uri=uri)
    np.testing.assert_allclose(risk_model.predict_proba(X), expected)
    assert risk_model.config_hash == result.config.config_hash


def test_no_person_ids_in_logged_artefacts(tracked, small_population):
    _, _, root = tracked
    ids = set(small_population.dataset.people["person_id"].astype(str))
    texts = [
        p.read_text(errors="ignore")
        for p in root.rglob("*")
        if p.is_file() and p.suffix in {".json", ".csv", ".txt", ".yaml", ".MLmodel", ""}
    ]
    for text in texts:
        tokens = set(text.replace('"', " ").replace(",", " ").split())
        assert not tokens & ids


def test_scoring_run_is_tagged_with_model_version_data_and_date(tracked, tmp_path):
    result, uri, _ = tracked
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "scores.csv").write_text("key,score\nabc,0.1\n")
    run_id = log_scoring_run(
        result.config,
        bundle_dir=bundle,
        model_uri="models:/vrurisk-test@champion",
        data_fingerprint="f" * 64,
        as_of="2025-06-01",
        metrics={"n_scored": 1},
    )
    run = MlflowClient(tracking_uri=uri).get_run(run_id)
    assert run.data.tags["vrurisk.kind"] == "score"
    assert run.data.tags["vrurisk.model_version"] == result.tracking["model_version"]
    assert run.data.tags["vrurisk.as_of"] == "2025-06-01"
    assert run.data.tags["vrurisk.data_fingerprint"] == "f" * 64
    paths = [a.path for a in MlflowClient(tracking_uri=uri).list_artifacts(run_id, "bundle")]
    assert paths == ["bundle/scores.csv"]


@pytest.fixture
def mlflow_server(tmp_path):
    """A real ``mlflow server`` on loopback with a SQLite store; killed after the test."""
    backend = f"sqlite:///{fresh_sqlite_store(tmp_path)}"
    with running_mlflow_server(backend, tmp_path) as (url, _seconds):
        yield url


@pytest.mark.slow
def test_train_against_a_real_mlflow_server_over_http(mlflow_server, small_population, tmp_path):
    config = tracked_config(
        mlflow_server,
        models={"baseline": {}},
        temporal={"start": "2023-07-01", "end": "2024-07-01", "step_months": 12, "test_dates": 1},
    )
    result = train_experiment(
        config, small_population.dataset, tracking=True, audit_log_path=tmp_path / "audit.jsonl"
    )
    assert result.tracking["model_uri"] == "models:/vrurisk-test@champion"
    model = load_risk_model("models:/vrurisk-test@champion", tracking_uri=mlflow_server)
    assert model.kind == "baseline" and model.config_hash == config.config_hash
    assert not list(tmp_path.glob("mlruns"))  # artefacts went through the server
    assert any((tmp_path / "artifacts").rglob("risk_model.pkl"))


def test_unknown_model_uri_is_a_one_line_model_error(tracked):
    _, uri, _ = tracked
    with pytest.raises(ModelError) as info:
        load_risk_model("models:/no-such-model@champion", tracking_uri=uri)
    message = str(info.value)
    assert message.startswith("models:/no-such-model@champion: cannot load a vrurisk model (")
    assert "\n" not in message


def test_logged_input_example_is_no_ones_record(tracked, small_population):
    result, _, root = tracked
    found = list(root.rglob("input_example.json"))
    assert found, "the champion is logged with an input example"
    logged = json.loads(found[0].read_text())
    columns = logged["columns"]
    example = [tuple(float(v) for v in row) for row in logged["data"]]
    X = training_matrix(result, small_population.dataset)[columns]
    real = set(map(tuple, X.to_numpy(dtype=float).tolist()))
    assert len(example) == 5
    assert not [row for row in example if row in real]


def test_registered_champion_carries_its_held_out_models(tracked):
    result, uri, _ = tracked
    model = load_risk_model("models:/vrurisk-test@champion", tracking_uri=uri)
    assert [m.trained_on for m in model.held_out] == [
        m.trained_on for m in result.champion.held_out
    ]
    assert model.selection == result.champion.selection


def test_a_champion_displaced_while_training_is_said_out_loud(tracked, small_population, tmp_path):
    # Two analysts train at once: the alias is last-writer-wins. The later registration reports
    # the version it displaced, and whether that version was registered while it ran.
    import copy

    from vrurisk.cli.train import displaced_warning
    from vrurisk.models import synthetic_input_example
    from vrurisk.tracking import log_training

    result, _uri, _ = tracked
    uri = f"sqlite:///{fresh_sqlite_store(tmp_path)}"
    X = build_feature_matrix(
        small_population.dataset, ["2025-06-01"], features=result.config.features
    ).X
    example = synthetic_input_example(X)

    def log(timings):
        run = copy.copy(result)
        run.config = tracked_config(uri)
        run.timings = timings
        cwd = os.getcwd()
        os.chdir(tmp_path)
        try:
            return log_training(run, input_example=example)
        finally:
            os.chdir(cwd)

    first = log({})
    assert first["replaced_version"] is None and not first["replaced_during_training"]
    second = log({})  # started after version 1 was registered: a plain promotion
    assert second["replaced_version"] == "1" and not second["replaced_during_training"]
    assert second["same_config"] is True
    third = log({"load": 3600.0})  # ran for an hour, during which version 2 was registered
    assert third["replaced_version"] == "2" and third["replaced_during_training"]
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    assert client.get_model_version("vrurisk-test", "3").tags["vrurisk.replaced_version"] == "2"
    assert client.get_model_version("vrurisk-test", "1").tags["vrurisk.replaced_version"] == "none"
    message = displaced_warning(third)
    assert "version 2" in message and "version 3" in message and "\n" not in message
