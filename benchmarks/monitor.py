"""Benchmark `vrurisk monitor`: 12 monthly lists of a ~20,000-person cohort.

Goal (issue 12): the monitor over 12 monthly lists of 20k people runs in under 60 s.

A population of ``--people`` (default 100,000) gives a cohort of about 20,000 at each monthly
list date. A small model is trained once on ``--train-people`` with the same feature config
(no MLflow); the 12 lists are scored in-process and written as score bundles side by side
(setup, not timed). Then ``vrurisk monitor`` is timed as a subprocess, as an analyst would run
it: read the 12 bundles, measure the outcomes of the closed lists from the data, re-run the
bias audit on each closed list, write monitor.html and monitor.json. The machine's load average
is printed with the figure.

    python benchmarks/monitor.py [--people 100000] [--train-people 20000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import yaml

KEY = "benchmark-key-not-secret-0123456789"
#: Month ends: the first nine have closed outcome windows by the extraction date (2025-12-31).
LIST_DATES = [str(d.date()) for d in pd.date_range("2024-04-30", periods=12, freq="ME")]


def config_for(data: Path, store: Path) -> dict:
    """``benchmarks/score.py``'s config, with its own name, dates and explained people."""
    sys.path.insert(0, str(Path(__file__).parent))
    from score import config_for as score_config

    config = score_config(data, store)
    config.update(
        name="bench-monitor",
        temporal={"as_of_dates": ["2022-06-30", "2023-12-31"], "test_dates": 1},
        scoring={"explain_top": 100},
    )
    config["models"]["lightgbm"]["n_estimators"] = [100]
    config["tracking"].update(experiment="bench-monitor", registered_model="bench-monitor")
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--train-people", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/vrurisk-bench-monitor"))
    args = parser.parse_args()
    os.environ["VRURISK_PSEUDONYM_KEY"] = KEY
    os.environ["VRURISK_AUDIT_LOG"] = str(args.workdir.resolve() / "audit.jsonl")

    from vrurisk.config import validate_config
    from vrurisk.data import load_dataset, save_dataset, simulate_population
    from vrurisk.models._train import train_experiment
    from vrurisk.privacy import load_key, pseudonymise
    from vrurisk.reports import metric_rows
    from vrurisk.scoring import score_cohort, write_score_bundle

    work = args.workdir.resolve()
    lists = work / "lists"
    work.mkdir(parents=True, exist_ok=True)
    config = validate_config(config_for(work / "data", work / "mlflow.db"))
    path = work / "bench.yaml"
    path.write_text(yaml.safe_dump(config_for(work / "data", work / "mlflow.db")), "utf-8")
    if not (work / "data" / "dataset.json").exists():
        t = time.perf_counter()
        save_dataset(simulate_population(args.people, seed=2).dataset, work / "data")
        print(f"setup: simulated {args.people:,} people ({time.perf_counter() - t:.0f} s)")
    missing = [d for d in LIST_DATES if not (lists / f"{config.name}-{d}").is_dir()]
    if missing:
        t = time.perf_counter()
        trained = train_experiment(
            config, simulate_population(args.train_people, seed=1).dataset, tracking=False
        )
        print(f"setup: trained on {args.train_people:,} people ({time.perf_counter() - t:.0f} s)")
        dataset = load_dataset(work / "data")
        key = load_key(config.privacy)
        for date in missing:
            t = time.perf_counter()
            scored = score_cohort(
                dataset,
                trained.champion,
                config,
                as_of=date,
                keys=lambda ids: pseudonymise(ids, key),
            )
            write_score_bundle(
                scored,
                lists / f"{config.name}-{date}",
                config=config,
                metrics=metric_rows(trained.metrics),
            )
            print(
                f"setup: list {date}, cohort {len(scored.scores):,} "
                f"({time.perf_counter() - t:.0f} s)"
            )

    load_before = os.getloadavg()[0]
    t = time.perf_counter()
    command = [
        sys.executable,
        "-m",
        "vrurisk.cli",
        "monitor",
        str(path),
        "--lists",
        str(lists),
        "--out",
        str(work / "monitor"),
        "--force",
        "--json",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    except subprocess.CalledProcessError as exc:
        raise SystemExit(exc.stderr) from None
    wall = time.perf_counter() - t
    summary = json.loads(done.stdout)
    sizes = [e["n"] for e in summary["lists"]]
    print(
        f"vrurisk monitor over {summary['n_lists']} monthly lists ({summary['n_closed']} closed), "
        f"cohorts {min(sizes):,} to {max(sizes):,} (population {args.people:,}): {wall:.1f} s "
        f"wall (goal < 60 s; ratio {wall / 60:.2f}); library {summary['seconds']:.1f} s; load "
        f"average before {load_before:.1f}, after {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
