"""Data protection end to end: no raw ids anywhere they should not be, byte-identical reruns,
and a killed ``vrurisk score`` never leaves a half-written bundle.

Uses the scoring fixtures (a champion trained once per session, registered in MLflow).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_helpers import run_cli
from scoring_helpers import PSEUDONYM_KEY

from vrurisk import audit_log
from vrurisk.privacy import load_key, pseudonymise

#: Files of a bundle whose bytes must not change between two runs on the same inputs.
DETERMINISTIC = ("scores.csv", "scores.parquet", "explanations.parquet")


def id_pattern(ids) -> re.Pattern[bytes]:
    """One regex matching any raw id (longest first, so no id hides behind a prefix)."""
    ordered = sorted({str(i) for i in ids}, key=len, reverse=True)
    return re.compile(b"|".join(re.escape(i.encode()) for i in ordered))


def files_with_raw_ids(roots, pattern: re.Pattern[bytes]) -> dict[str, list[str]]:
    """Every file under ``roots`` whose bytes, or (for Parquet) decoded values, hold a raw id."""
    hits: dict[str, list[str]] = {}
    files = [
        p
        for root in roots
        for p in ([Path(root)] if Path(root).is_file() else Path(root).rglob("*"))
        if p.is_file()
    ]
    assert files, f"nothing to search in {roots}"
    for path in files:
        found = {m.group().decode() for m in pattern.finditer(path.read_bytes())}
        if path.suffix == ".parquet":  # compressed pages would hide ids from a byte search
            frame = pd.read_parquet(path)
            text = "\n".join(frame[c].astype(str).str.cat(sep="\n") for c in frame.columns)
            found |= {m.group().decode() for m in pattern.finditer(text.encode())}
        if found:
            hits[str(path)] = sorted(found)[:5]
    return hits


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def runs(registered_setup, tmp_path_factory):
    """Three ``vrurisk score`` runs of the registered champion: tracked, again, and with
    ``--reveal-ids``; plus their audit log."""
    root = tmp_path_factory.mktemp("protection")
    log = root / "audit.jsonl"
    config = registered_setup["config_path"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VRURISK_PSEUDONYM_KEY", PSEUDONYM_KEY)
        mp.setenv("VRURISK_AUDIT_LOG", str(log))
        common = ["score", config, "--explain-top", "60", "--json"]
        assert run_cli(*common, "--out", root / "a").code == 0
        assert run_cli(*common, "--out", root / "b", "--no-tracking").code == 0
        assert run_cli(*common, "--out", root / "raw", "--reveal-ids").code == 0
    return {"root": root, "log": log, **{name: root / name for name in ("a", "b", "raw")}}


def test_no_raw_ids_in_bundles_mlflow_artefacts_or_the_audit_log(registered_setup, runs):
    raw_ids = registered_setup["dataset"].people["person_id"]
    pattern = id_pattern(raw_ids)
    ml_root = registered_setup["root"]
    # the MLflow store of the config: its SQLite file and the artefact directory beside it
    mlflow_places = [p for p in (ml_root / "ml.db", ml_root / "mlruns") if p.exists()]
    assert ml_root / "mlruns" in mlflow_places
    artefacts = list((ml_root / "mlruns").rglob("*"))
    assert any(p.name.startswith("scores.") for p in artefacts)  # the bundles were logged
    assert any(p.suffix == ".pkl" or p.name == "MLmodel" for p in artefacts)  # and the model
    assert files_with_raw_ids([runs["a"], runs["b"], *mlflow_places, runs["log"]], pattern) == {}


def test_the_search_finds_raw_ids_where_they_were_asked_for(registered_setup, runs):
    # positive control: --reveal-ids writes raw ids into the local bundle (only there)
    pattern = id_pattern(registered_setup["dataset"].people["person_id"])
    hits = files_with_raw_ids([runs["raw"]], pattern)
    assert {Path(p).name for p in hits} >= {"scores.csv", "scores.parquet"}
    scores = pd.read_csv(runs["raw"] / "scores.csv", dtype=str)
    assert (scores["key"] != scores["person_id"]).all()


def test_keys_are_the_hmac_of_the_ids(registered_setup, runs, monkeypatch):
    monkeypatch.setenv("VRURISK_PSEUDONYM_KEY", PSEUDONYM_KEY)
    scores = pd.read_csv(runs["raw"] / "scores.csv", dtype=str)
    expected = pseudonymise(scores["person_id"].to_numpy(), load_key())
    assert (scores["key"].to_numpy() == expected).all()


def test_every_run_and_the_reveal_are_in_the_audit_log(runs):
    entries = [e for e in audit_log.read_log(runs["log"]) if e["command"] == "score"]
    assert len(entries) == 3
    for entry in entries:
        assert entry["user"] and entry["time"].endswith("Z")
        assert entry["config_hash"] and len(entry["data_fingerprint"]) == 64
        assert entry["n_scored"] > 0 and entry["output"]
    outputs = {Path(e["output"]).name: e for e in entries}
    assert set(outputs) == {"a", "b", "raw"}
    assert outputs["a"]["details"]["identifiers"] == "pseudonymised keys only"
    assert outputs["raw"]["details"]["identifiers"] != "pseudonymised keys only"
    assert "raw" in outputs["raw"]["details"]["identifiers"]


def test_same_inputs_give_byte_identical_scores(runs):
    for name in DETERMINISTIC:
        assert sha256(runs["a"] / name) == sha256(runs["b"] / name), name
    a = json.loads((runs["a"] / "manifest.json").read_text())
    b = json.loads((runs["b"] / "manifest.json").read_text())
    for name in DETERMINISTIC:
        assert a["files"][name] == b["files"][name]
    fa = json.loads((runs["a"] / "fairness.json").read_text())
    fb = json.loads((runs["b"] / "fairness.json").read_text())
    assert fa == fb


def test_training_twice_gives_identical_models_and_metrics(scoring_setup):
    from vrurisk.features import build_feature_matrix
    from vrurisk.training import train_experiment

    config, dataset = scoring_setup["config"], scoring_setup["dataset"]
    again = train_experiment(config, dataset, tracking=False)
    first = scoring_setup["result"]
    pd.testing.assert_frame_equal(first.metrics, again.metrics)
    fm = build_feature_matrix(
        dataset,
        config.temporal.dates()[-1:],
        cohort=config.cohort,
        outcome=config.outcome,
        features=config.features,
        seed=config.seed,
    )
    p1 = np.asarray(first.champion.predict_proba(fm.X), dtype=np.float64)
    p2 = np.asarray(again.champion.predict_proba(fm.X), dtype=np.float64)
    assert p1.tobytes() == p2.tobytes()
    assert first.data_fingerprint == again.data_fingerprint == dataset.fingerprint()


# --- killed mid-run ---


#: Runs ``vrurisk`` with Ctrl-C turned back on: a shell's background jobs inherit SIGINT ignored.
CLI_WITH_CTRL_C = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv = ['vrurisk', *sys.argv[1:]]; runpy.run_module('vrurisk.cli', run_name='__main__')"
)


def _score_process(config: Path, out: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CLI_WITH_CTRL_C, "score", str(config), "--out", str(out)]
        + ["--no-tracking", "--explain-top", "60"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _complete(bundle: Path) -> bool:
    """Every file the bundle's manifest lists is there with its recorded hash."""
    manifest = json.loads((bundle / "manifest.json").read_text())
    return all(sha256(bundle / name) == digest for name, digest in manifest["files"].items())


def _wait_for_partial(process: subprocess.Popen, parent: Path, name: str, timeout=240) -> bool:
    """Poll until the bundle's temporary directory appears; False if the run ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if any(p.name.startswith(f".{name}.partial-") for p in parent.iterdir()):
            return True
        time.sleep(0.002)
    return False


def _bundle_state(out: Path) -> dict[str, str]:
    return {p.name: sha256(p) for p in sorted(out.iterdir())} if out.exists() else {}


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_score_leaves_the_previous_bundle_or_nothing(registered_setup, runs, tmp_path, sig):
    env = {
        **os.environ,
        "VRURISK_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "VRURISK_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
    }
    config = registered_setup["config_path"]
    fresh, previous = tmp_path / "fresh", tmp_path / "previous"
    shutil.copytree(runs["b"], previous)
    before = _bundle_state(previous)
    interrupted = 0
    for target in (fresh, previous):
        process = _score_process(config, target, env)
        caught = _wait_for_partial(process, tmp_path, target.name)
        process.send_signal(sig)
        _, err = process.communicate(timeout=120)
        if process.returncode == 0:  # it finished before the signal landed: the new bundle
            assert target.is_dir() and _complete(target), err[-3000:]
            continue
        assert caught, err[-2000:]  # it failed on its own: a bug, not this test's business
        interrupted += 1
        # the target is the old bundle unchanged (or nothing), or, if the signal landed after
        # the swap, the new bundle complete: never a partial one
        if target is fresh:
            assert not fresh.exists() or _complete(fresh)
        else:
            assert _bundle_state(previous) == before or _complete(previous)
        visible = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
        assert visible == sorted({"previous"} | ({"audit.jsonl"} & set(visible)))
        if sig == signal.SIGINT:  # a catchable signal also removes the temporary directory
            assert process.returncode == 130 and err.strip().endswith("error: interrupted")
            assert not [p for p in tmp_path.iterdir() if p.name.startswith(f".{target.name}.")]
    if not interrupted:
        pytest.skip("both runs finished before the signal landed")
