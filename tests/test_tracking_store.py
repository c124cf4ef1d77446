"""A local SQLite tracking store: created once under a lock, private to its owner.

Three analysts starting ``vrurisk train`` at the same moment against a fresh store used to
crash in MLflow's schema migration (``duplicate column name: step``); MLflow artefact copies of
bundles (panel.html, scores) used to be world-readable while the bundle itself is 0700.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import time

import pytest

#: Each child waits for the go file, then prepares the store and creates the experiment.
CHILD = textwrap.dedent(
    """
    import os, sys, time
    from vrurisk import tracking

    uri, go = sys.argv[1], sys.argv[2]
    while not os.path.exists(go):
        time.sleep(0.005)
    with tracking._store(uri) as client:
        print(tracking._experiment_id(client, "first-morning"))
    """
)


@pytest.mark.slow  # three MLflow imports and one schema migration: ~20 s on a busy machine
def test_concurrent_first_runs_on_a_fresh_sqlite_store_all_succeed(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, uri, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    time.sleep(0.5)
    go.touch()
    results = [child.communicate(timeout=240) for child in children]
    for child, (_, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err[-2000:]
    assert len({out.strip() for out, _ in results}) == 1  # one experiment, found by all three
    assert (tmp_path / "mlflow.db.lock").exists()


def _modes(root):
    return {
        str(path): stat.S_IMODE(os.stat(path).st_mode)
        for path in [root, *(os.path.join(d, n) for d, ds, fs in os.walk(root) for n in ds + fs)]
    }


def test_mlflow_copies_of_a_bundle_are_private_to_their_owner(tmp_path):
    from config_helpers import tiny_raw_config
    from mlflow.tracking import MlflowClient
    from mlflow_store import fresh_sqlite_store

    from vrurisk.config import validate_config
    from vrurisk.tracking import log_scoring_run

    uri = f"sqlite:///{fresh_sqlite_store(tmp_path)}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    client.create_registered_model("private")
    client.create_model_version("private", source=(tmp_path / "model").as_uri())
    bundle = tmp_path / "bundle"
    (bundle / "sub").mkdir(parents=True)
    for name in ("panel.html", "scores.csv", "sub/fairness.json"):
        (bundle / name).write_text("x")
        os.chmod(bundle / name, 0o644)  # as the atomic writer leaves them inside a 0700 bundle
    config = validate_config(
        tiny_raw_config(name="private", tracking={"uri": uri, "registered_model": "private"})
    )
    old = os.umask(0o022)
    try:
        log_scoring_run(
            config,
            bundle_dir=bundle,
            model_uri="models:/private/1",
            data_fingerprint="f" * 64,
            as_of="2025-01-01",
        )
    finally:
        os.umask(old)
    assert os.umask(old) == old  # the process umask is restored
    modes = _modes(tmp_path / "mlruns")
    copies = [
        path for path in modes if path.endswith(("panel.html", "scores.csv", "fairness.json"))
    ]
    assert len(copies) == 3
    too_open = {path: oct(mode) for path, mode in modes.items() if mode & 0o077}
    assert too_open == {}
    assert {modes[path] for path in copies} == {0o600}
    assert modes[str(tmp_path / "mlruns")] == 0o700


def test_a_sqlite_store_in_a_missing_directory_is_a_one_line_config_error(tmp_path):
    from vrurisk import ConfigError
    from vrurisk.tracking import prepare_store

    database = tmp_path / "no-such-dir" / "mlflow.db"
    with pytest.raises(ConfigError) as info:
        prepare_store(f"sqlite:///{database}")
    assert str(info.value) == (
        f"tracking.uri: cannot open the SQLite store {database} (No such file or directory)"
    )
    assert not database.parent.exists()


@pytest.mark.slow  # three trainings at once: about a minute on a busy 2-core machine
def test_three_analysts_training_at_once_on_a_fresh_store_all_register(small_population, tmp_path):
    import json

    import yaml
    from config_helpers import tiny_raw_config
    from mlflow.tracking import MlflowClient

    from vrurisk import audit_log
    from vrurisk.data import save_dataset

    save_dataset(small_population.dataset, tmp_path / "data")
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    raw = tiny_raw_config(data={"path": "data"}, tracking={"uri": uri, "registered_model": "team"})
    (tmp_path / "team.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    env = {**os.environ, audit_log.AUDIT_LOG_ENV_VAR: str(tmp_path / "audit.jsonl")}
    command = [sys.executable, "-m", "vrurisk.cli", "train", str(tmp_path / "team.yaml"), "--json"]
    children = [
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for _ in range(3)
    ]
    results = [child.communicate(timeout=600) for child in children]
    for child, (_, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err[-2000:]
    versions = sorted(json.loads(out)["tracking"]["model_version"] for out, _ in results)
    assert versions == ["1", "2", "3"]
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    assert str(client.get_model_version_by_alias("team", "champion").version) in versions
    report = audit_log.verify_log(tmp_path / "audit.jsonl")
    assert report.ok and report.n_entries == 3, report.message
