"""Time `vrurisk train configs/demo.yaml` on a synthetic population (default 20,000 people).

The config is the packaged vrurisk/configs/demo.yaml (what `vrurisk init` writes).

Usage: python benchmarks/train.py [--people 20000] [--no-tracking]

Synthesises the population into a temporary directory (not timed), then runs the demo config
against it with MLflow tracking into a temporary SQLite store, and prints seconds per stage,
the feature matrix size and the goal ratio (total / 180 s).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import yaml

from vrurisk.config import validate_config
from vrurisk.data import save_dataset, simulate_population
from vrurisk.training import format_comparison, train_experiment

DEMO = Path(__file__).parents[1] / "vrurisk" / "configs" / "demo.yaml"
GOAL_SECONDS = 180.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-tracking", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vrurisk-bench-") as tmp:
        tmp = Path(tmp)
        started = time.perf_counter()
        population = simulate_population(args.people, seed=args.seed)
        save_dataset(population.dataset, tmp / "data")
        print(f"synth {args.people:,} people: {time.perf_counter() - started:.1f} s (not timed)")
        raw = yaml.safe_load(DEMO.read_text())
        raw["data"]["path"] = str(tmp / "data")
        raw["tracking"]["uri"] = f"sqlite:///{tmp / 'mlflow.db'}"
        os.chdir(tmp)
        started = time.perf_counter()
        config = validate_config(raw, base_dir=DEMO.parent, name="demo")
        result = train_experiment(
            config,
            tracking=not args.no_tracking,
            progress=lambda m: print(f"  [{time.perf_counter() - started:6.1f} s] {m}", flush=True),
        )
        total = time.perf_counter() - started
        print(format_comparison(result))
        print("seconds per stage:", {k: round(v, 1) for k, v in result.timings.items()})
        print(
            f"train total: {total:.1f} s; goal {GOAL_SECONDS:.0f} s; "
            f"ratio {total / GOAL_SECONDS:.2f}"
        )
        print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
