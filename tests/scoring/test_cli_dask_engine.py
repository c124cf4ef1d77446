"""``execution: {engine: dask}`` through ``vrurisk train`` and ``vrurisk score`` (issue 15).

The same data trained and scored with each engine: the Dask bundle's scores equal the local
one's, the ranking is the same, and only the metadata says which engine made it.
"""

from __future__ import annotations

import json
import socket

import numpy as np
import pandas as pd
import pytest
from cli_helpers import run_cli
from scoring_helpers import PSEUDONYM_KEY, tiny_config, write_config

from vrurisk.data import save_dataset

pytest.importorskip("distributed", reason="dask.distributed is not installed (vrurisk[scale])")

pytestmark = [
    # the workers are threads of this process, so pytest's warnings-as-errors reaches dask's
    # own parquet reader (a pandas deprecation inside dask, not in vrurisk)
    pytest.mark.filterwarnings("ignore:The inplace keyword:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Port .* is already in use:UserWarning"),
]

# a threaded LocalCluster in the test process: quick to start on a shared 2-core machine
DASK = {"engine": "dask", "n_workers": 2, "processes": False, "n_partitions": 4}


@pytest.fixture(scope="module")
def bundles(tmp_path_factory, small_population):
    """Train and score once with each engine, each with its own MLflow store."""
    root = tmp_path_factory.mktemp("engines")
    save_dataset(small_population.dataset, root / "data")
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VRURISK_PSEUDONYM_KEY", PSEUDONYM_KEY)
        mp.setenv("VRURISK_AUDIT_LOG", str(root / "audit.jsonl"))
        for engine in ("local", "dask"):
            execution = DASK if engine == "dask" else {"engine": "local"}
            raw = tiny_config(root / "data", f"sqlite:///{root}/{engine}.db")
            raw["execution"] = execution
            path = write_config(root / f"{engine}.yaml", raw)
            trained = run_cli("train", path, "--json")
            assert trained.code == 0, trained.err
            scored = run_cli("score", path, "--out", root / engine, "--json")
            assert scored.code == 0, scored.err
            out[engine] = (root / engine, json.loads(trained.out), json.loads(scored.out))
    return out


def test_the_dask_engine_trains_registers_and_scores_like_the_local_one(bundles):
    (local, train_local, score_local), (dist, train_dist, score_dist) = (
        bundles["local"],
        bundles["dask"],
    )
    assert score_dist["model_uri"] == "models:/tiny-risk@champion"
    assert score_dist["n_scored"] == score_local["n_scored"] > 0
    assert train_dist["tracking"]["model_version"] == "1"
    a = pd.read_csv(local / "scores.csv")
    b = pd.read_csv(dist / "scores.csv")
    assert list(a["key"]) == list(b["key"])  # the same people in the same order
    assert np.array_equal(a["rank"], b["rank"])
    assert np.allclose(a["probability"], b["probability"], rtol=0, atol=1e-6)
    reasons = [c for c in a.columns if c.startswith("reason")]
    assert reasons and a[reasons].equals(b[reasons])
    assert train_local["metrics"] == train_dist["metrics"]


def test_explanations_and_audit_are_the_local_ones_and_only_metadata_names_the_engine(bundles):
    local, dist = bundles["local"][0], bundles["dask"][0]
    ma = json.loads((local / "manifest.json").read_text())
    mb = json.loads((dist / "manifest.json").read_text())
    assert (ma["engine"], mb["engine"]) == ("local", "dask")
    assert mb["model"]["trained_on"]["engine"] == "dask"
    assert [m["engine"] for m in mb["model"]["held_out"]] == ["dask"]
    assert ma["n_flagged_disparities"] == mb["n_flagged_disparities"]
    assert ma["audit_model"] == mb["audit_model"]
    assert ma["audit_model"]["role"] == "held-out"  # audited by a model that never saw the list
    for name in ("explanations.parquet", "global_importance.parquet"):  # TreeSHAP
        pd.testing.assert_frame_equal(
            pd.read_parquet(local / name), pd.read_parquet(dist / name), atol=1e-6
        )
    pd.testing.assert_frame_equal(
        pd.read_csv(local / "audit_table.csv"), pd.read_csv(dist / "audit_table.csv"), atol=1e-6
    )
    fairness = [json.loads((d / "fairness.json").read_text()) for d in (local, dist)]
    assert fairness[0] == fairness[1]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command", ["train", "score"])
def test_an_unreachable_scheduler_is_one_line_before_any_work(command, tmp_path, monkeypatch):
    monkeypatch.setenv("VRURISK_PSEUDONYM_KEY", PSEUDONYM_KEY)
    address = f"tcp://127.0.0.1:{_closed_port()}"
    raw = tiny_config(tmp_path / "no-data", f"sqlite:///{tmp_path}/ml.db")
    raw["execution"] = {"engine": "dask", "scheduler": address, "connect_timeout_s": 1}
    path = write_config(tmp_path / "c.yaml", raw)
    extra = ("--out", tmp_path / "bundle") if command == "score" else ()
    code, out, err = run_cli(command, path, *extra)
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[-1].startswith("error: execution.scheduler: no Dask scheduler answered at")
    assert address in lines[-1] and "Traceback" not in err
    assert not (tmp_path / "ml.db").exists() and not (tmp_path / "bundle").exists()


def test_an_unknown_engine_is_one_line(tmp_path):
    raw = tiny_config(tmp_path / "data", f"sqlite:///{tmp_path}/ml.db")
    raw["execution"] = {"engine": "spark"}
    code, _, err = run_cli("train", write_config(tmp_path / "c.yaml", raw))
    assert code == 2
    assert "execution.engine" in err and len(err.strip().splitlines()) == 1
