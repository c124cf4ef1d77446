"""Benchmark `vrurisk score`: a ~20,000-person cohort, explanations for the top 500.

Goal (issue 5): under 60 s on 2 cores for the whole command (load data and model, build the
cohort's features at two as-of dates, score, explain, audit, write the bundle, log to MLflow,
append to the audit log).

A population of ``--people`` (default 100,000) gives a cohort of about 20,000 at the latest
as-of date (aged 10-25 with a recent event). The model is trained once on a smaller population
(``--train-people``) with the same feature config and registered in a local MLflow store; then
the CLI is timed as a subprocess, as an analyst would run it.

    python benchmarks/score.py [--people 100000] [--train-people 20000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml


def config_for(data: Path, store: Path) -> dict:
    return {
        "config_version": 1,
        "name": "bench",
        "seed": 0,
        "data": {"path": str(data)},
        "temporal": {"as_of_dates": ["2023-06-30", "2024-06-30"], "test_dates": 1},
        "models": {
            "lightgbm": {"n_estimators": [200], "num_leaves": [15], "min_child_samples": [50]},
            "n_jobs": 2,
        },
        "evaluation": {"k": [100], "bootstrap": 100},
        "fairness": {"sensitive_attributes": ["sex", "ethnicity"]},
        "tracking": {
            "uri": f"sqlite:///{store}",
            "experiment": "bench",
            "registered_model": "bench-risk",
            "alias": "champion",
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--train-people", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/vrurisk-bench-score"))
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    from vrurisk.config import validate_config
    from vrurisk.data import save_dataset, simulate_population
    from vrurisk.training import train_experiment

    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    store = work / "mlflow.db"
    t = time.perf_counter()
    train_pop = simulate_population(args.train_people, seed=1)
    config = validate_config(config_for(work / "data", store))
    if not store.exists():
        train_experiment(config, train_pop.dataset, tracking=True)
    print(f"setup: trained and registered on {args.train_people:,} people", end="")
    print(f" ({time.perf_counter() - t:.0f} s)")

    if not (work / "data" / "dataset.json").exists():
        t = time.perf_counter()
        save_dataset(simulate_population(args.people, seed=2).dataset, work / "data")
        print(f"setup: simulated {args.people:,} people ({time.perf_counter() - t:.0f} s)")
    path = work / "bench.yaml"
    path.write_text(yaml.safe_dump(config_for(work / "data", store)), encoding="utf-8")

    env = {
        **os.environ,
        "VRURISK_PSEUDONYM_KEY": "benchmark-key-not-secret-0123456789",
        "VRURISK_AUDIT_LOG": str(work / "audit.jsonl"),
    }
    cli = [sys.executable, "-m", "vrurisk.cli"]
    for run in range(args.repeat):
        load_before = os.getloadavg()[0]
        t = time.perf_counter()
        done = subprocess.run(
            [*cli, "score", str(path), "--out", str(work / "bundle"), "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - t
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            raise SystemExit(done.returncode)
        summary = json.loads(done.stdout)
        print(
            f"run {run + 1}: vrurisk score, cohort {summary['n_scored']:,} "
            f"(population {args.people:,}), top {summary['n_explained']} explained: "
            f"{wall:.1f} s wall (goal < 60 s; ratio {wall / 60:.2f}); "
            f"load average before {load_before:.1f}, after {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores"
        )
        print(f"  stages (s): {summary['timings']}")


if __name__ == "__main__":
    main()
