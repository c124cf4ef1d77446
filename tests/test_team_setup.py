"""The team set-up of the README, for real: an ``mlflow server`` backed by PostgreSQL.

A real PostgreSQL (``tests/pg_helpers.py``) holds MLflow's backend store; ``mlflow server``
runs on loopback with its artefacts in a temporary directory. Two ``vrurisk train`` processes
against it at the same time both succeed, both runs are visible, the champion is registered
with its alias, and ``vrurisk score`` reads the champion back from the server and writes a
bundle. Slow: it starts two servers and three vrurisk processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pandas as pd
import pytest
import yaml
from config_helpers import tiny_raw_config
from mlflow_store import running_mlflow_server

from vrurisk.data import save_dataset

KEY = "team-setup-pseudonym-key-0123456789"
MODEL = "team-risk"


def vrurisk(*args, env, cwd) -> subprocess.Popen:
    """``vrurisk ARGS`` in a new process (this checkout's code, through PYTHONPATH)."""
    return subprocess.Popen(
        [sys.executable, "-m", "vrurisk.cli", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
    )


@pytest.mark.slow
def test_two_analysts_train_at_once_against_mlflow_on_postgres_then_score(
    postgres_server, small_population, tmp_path
):
    from mlflow.tracking import MlflowClient

    backend = postgres_server.create_database("mlflow")
    with running_mlflow_server(backend, tmp_path / "server") as (url, start_seconds):
        save_dataset(small_population.dataset, tmp_path / "data")
        raw = tiny_raw_config(
            name="team",
            data={"path": "data"},
            models={"baseline": {}, "logistic_regression": {}},
            tracking={"uri": url, "registered_model": MODEL},
        )
        config = tmp_path / "team.yaml"
        config.write_text(yaml.safe_dump(raw), encoding="utf-8")
        env = {
            **os.environ,
            "VRURISK_PSEUDONYM_KEY": KEY,
            "VRURISK_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
        }

        started = time.perf_counter()
        analysts = [vrurisk("train", config, env=env, cwd=tmp_path) for _ in range(2)]
        finished = [process.communicate(timeout=900) for process in analysts]
        train_seconds = time.perf_counter() - started
        for process, (out, err) in zip(analysts, finished, strict=True):
            assert process.returncode == 0, err[-3000:]
            assert f"Registered model: models:/{MODEL}@champion" in out

        client = MlflowClient(tracking_uri=url, registry_uri=url)
        experiment = client.get_experiment_by_name("vrurisk-team")
        runs = client.search_runs(
            [experiment.experiment_id], filter_string="tags.`vrurisk.kind` = 'train'"
        )
        parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
        assert len(parents) == 2 and {r.info.status for r in parents} == {"FINISHED"}
        versions = client.search_model_versions(f"name = '{MODEL}'")
        assert sorted(int(v.version) for v in versions) == [1, 2]
        champion = client.get_model_version_by_alias(MODEL, "champion")
        assert champion.run_id in {r.info.run_id for r in parents}
        # last writer wins, and says so: the training that moved the alias second warns that it
        # displaced a champion registered while it ran, naming both versions
        warned = [err for _, err in finished if "was registered while this training ran" in err]
        assert len(warned) == 1, [err[-500:] for _, err in finished]
        other = {"1": "2", "2": "1"}[champion.version]
        assert f"warning: version {other} " in warned[0]
        assert f"this training's version {champion.version} " in warned[0]

        scoring = vrurisk("score", config, "--out", tmp_path / "bundle", env=env, cwd=tmp_path)
        out, err = scoring.communicate(timeout=900)
        assert scoring.returncode == 0, err[-3000:]
        manifest = json.loads((tmp_path / "bundle" / "manifest.json").read_text())
        assert manifest["model"]["version"] == champion.version
        assert len(pd.read_parquet(tmp_path / "bundle" / "scores.parquet")) > 100
        # artefacts went through the server into its store, none beside the config
        assert any((tmp_path / "server" / "artifacts").rglob("risk_model.pkl"))
        assert not (tmp_path / "mlruns").exists()
    print(
        f"\nteam set-up: PostgreSQL up in {postgres_server.start_seconds:.1f} s, mlflow server "
        f"(migrations on a fresh database) in {start_seconds:.1f} s, two trainings at once "
        f"in {train_seconds:.1f} s"
    )


def test_a_tracking_store_password_is_used_but_never_shown():
    from vrurisk.config import validate_config

    store = "postgresql://mlflow:s3cret-store-pw@db.vru.local:5432/mlflow"
    config = validate_config(tiny_raw_config(tracking={"uri": store}))
    assert config.tracking.uri == store  # what MLflow connects with
    masked = "postgresql://mlflow:***@db.vru.local:5432/mlflow"
    assert config.tracking.shown_uri == masked
    assert config.to_dict()["tracking"]["uri"] == masked  # the config logged to MLflow
    assert "s3cret" not in json.dumps(config.to_dict())
