"""Scale benchmark (issue 7): time and peak memory per pipeline stage vs number of people.

Stages, each in a FRESH subprocess (so ``ru_maxrss`` is that stage's own peak resident memory):

* ``synth``    simulate the population (6 years) and save it as Parquet (cached on disk);
* ``load``     load and validate the saved tables;
* ``features`` the feature matrix at the config's 6 as-of dates (cached for the next stages);
* ``train``    temporal CV of LightGBM and the risk-factor-count baseline + the champion refit
               (features read from the cache, so this is training alone);
* ``score``    score the latest cohort, explanations for the top 1,000 (features included);
* ``audit``    the bias audit of that cohort (timed inside the same run as ``score``: the audit
               needs its scores, so ``audit``'s peak memory is the score run's);
* ``dask_features`` / ``dask_train`` / ``dask_score``: the same with ``execution.engine: dask``
               on a LocalCluster of ``--workers`` worker processes (``--dask``).

Each stage also records its process's CPU time (``cpu_seconds``, user + system: what a busy
shared machine inflates far less than wall time). Peak memory of a stage is its process's
``ru_maxrss`` (load included where the stage loads the
data); for the Dask stages the largest worker's peak is reported beside the driver's.

Populations, feature matrices and models are cached under ``benchmarks/.scale-cache/<people>/``
(gitignored) so stages can be rerun. Results accumulate in ``.scale-cache/results.json``;
``--plot`` fits the growth exponent per stage (log-log least squares) and writes
``benchmarks/scale.png``.

Usage::

    nice python benchmarks/scale.py --sizes 100000 300000 1000000
    nice python benchmarks/scale.py --sizes 300000 --dask --stages dask_features dask_train
    python benchmarks/scale.py --plot
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".scale-cache"
PLOT = HERE / "scale.png"
PY_SPY = str(Path(sys.executable).parent / "py-spy")
LOCAL_STAGES = ["synth", "load", "features", "train", "score"]
DASK_STAGES = ["dask_features", "dask_train", "dask_score"]
EXPLAIN_TOP = 1000
SCORE_AS_OF = "2025-01-01"


def bench_config(data: Path, engine: str = "local", workers: int = 2) -> dict:
    """The demo's shape: 6 half-yearly as-of dates, LightGBM + baseline, 2 test dates."""
    return {
        "config_version": 1,
        "name": "scale",
        "seed": 0,
        "data": {"path": str(data)},
        "temporal": {"start": "2022-01-01", "end": "2024-07-01", "step_months": 6, "test_dates": 2},
        "outcome": {
            "event_types": ["serious_violence"],
            "roles": ["suspect", "victim"],
            "horizon_days": 365,
        },
        "models": {
            "lightgbm": {
                "n_estimators": [200],
                "learning_rate": [0.05],
                "num_leaves": [15],
                "min_child_samples": [50],
            },
            "baseline": {},
            "n_jobs": 2,
        },
        "calibration": {"method": "sigmoid"},
        "evaluation": {"k": [100, "1%"], "bootstrap": 100},
        "fairness": {"sensitive_attributes": ["sex", "ethnicity"], "top_k": [100]},
        "tracking": {"uri": "sqlite:///unused.db"},
        "execution": {"engine": engine, "n_workers": workers},
    }


def say(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def peak_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


# ---------------------------------------------------------------- stages (run in a subprocess)


def _config(work: Path, engine: str = "local", workers: int = 2):
    from vrurisk.config import validate_config

    return validate_config(bench_config(work / "data", engine, workers))


def _load(work: Path):
    from vrurisk.data import load_dataset

    return load_dataset(work / "data")


def stage_synth(work: Path, people: int, args) -> dict:
    from vrurisk.data import save_dataset, simulate_population

    done = work / "synth.json"
    if done.exists() and (work / "data" / "dataset.json").exists():
        return {**json.loads(done.read_text()), "cached": True}
    t = time.perf_counter()
    pop = simulate_population(people, seed=0, progress=lambda i, n: say(f"synth: month {i}/{n}"))
    sim = time.perf_counter() - t
    save_dataset(pop.dataset, work / "data")
    info = {
        "seconds": time.perf_counter() - t,
        "simulate_seconds": sim,
        "events": len(pop.dataset.events),
        "links": len(pop.dataset.links),
        "peak_mb": peak_mb(),
    }
    done.write_text(json.dumps(info))
    return info


def stage_load(work: Path, people: int, args) -> dict:
    t = time.perf_counter()
    ds = _load(work)
    return {"seconds": time.perf_counter() - t, "events": len(ds.events), "links": len(ds.links)}


def _save_fm(fm, path: Path) -> None:
    import pandas as pd

    path.mkdir(parents=True, exist_ok=True)
    fm.X.to_parquet(path / "X.parquet")
    pd.DataFrame({"y": fm.y}).to_parquet(path / "y.parquet")
    fm.rows.to_parquet(path / "rows.parquet")
    (path / "manifest.pkl").write_bytes(pickle.dumps(fm.manifest))


def _read_fm(path: Path):
    import pandas as pd

    from vrurisk.features import FeatureMatrix

    return FeatureMatrix(
        pd.read_parquet(path / "X.parquet"),
        pd.read_parquet(path / "y.parquet")["y"],
        pd.read_parquet(path / "rows.parquet"),
        pickle.loads((path / "manifest.pkl").read_bytes()),
    )


def stage_features(work: Path, people: int, args) -> dict:
    from vrurisk.config import plan_splits
    from vrurisk.features import features_for

    config = _config(work)  # seed 0
    ds = _load(work)
    splits, refit = plan_splits(config, ds.extraction_date)
    dates = sorted(
        {d for s in splits for d in (*s.train_dates, s.test_date)} | set(refit.train_dates)
    )
    say(f"features: {len(dates)} as-of dates")
    t = time.perf_counter()
    fm = features_for(config, ds, dates, progress=say)
    seconds = time.perf_counter() - t
    _save_fm(fm, work / "fm")
    return {
        "seconds": seconds,
        "rows": int(fm.X.shape[0]),
        "columns": int(fm.X.shape[1]),
        "parts": {k: round(v, 2) for k, v in fm.timings.items()},
    }


def _train(work: Path, config, progress) -> tuple:
    """train_experiment on the cached feature matrix (its feature step is swapped for a read)."""
    import vrurisk.features as features_module
    from vrurisk.training import train_experiment

    ds = _load(work)
    fm = _read_fm(work / "fm")
    original = features_module.features_for
    features_module.features_for = lambda *a, **k: fm
    try:
        result = train_experiment(config, ds, tracking=False, progress=progress)
    finally:
        features_module.features_for = original
    return result, fm


def stage_train(work: Path, people: int, args) -> dict:
    result, _ = _train(work, _config(work), lambda m: say(f"train: {m}"))
    (work / "model.pkl").write_bytes(pickle.dumps(result.champion))
    t = result.timings
    latest = result.comparison()
    return {
        "seconds": t["cross_validation"] + t["refit"],
        "parts": {k: round(v, 2) for k, v in t.items()},
        "champion": result.champion.name,
        "auc_latest": {r["model"]: round(float(r["roc_auc"]), 4) for _, r in latest.iterrows()},
    }


def _model(work: Path, args):
    """This size's champion, else (``--model-from N``) the champion trained at size N."""
    path = work / "model.pkl"
    if not path.exists() and args.model_from:
        path = CACHE / str(args.model_from) / "model.pkl"
        say(f"score: using the champion trained on {args.model_from:,} people")
    return pickle.loads(path.read_bytes())


def stage_score(work: Path, people: int, args) -> dict:
    from vrurisk.scoring import score_cohort

    config = _config(work)
    ds = _load(work)
    model = _model(work, args)
    say("score: features, scores, explanations for the top 1,000, audit")
    scored = score_cohort(ds, model, config, as_of=SCORE_AS_OF, explain_top=EXPLAIN_TOP)
    t = scored.timings
    scored.scores[["key", "probability", "rank"]].to_parquet(work / "scores_local.parquet")
    return {
        "seconds": t["total"] - t["audit"],
        "audit_seconds": t["audit"],
        "cohort": int(len(scored.scores)),
        "explained": scored.n_explained,
        "parts": {k: round(v, 2) for k, v in t.items()},
    }


def _dask_client(args):
    from vrurisk.engine import dask_client

    return dask_client(_config(Path("."), "dask", args.workers).execution)


def _worker_peak_mb(client) -> float:
    return max(client.run(peak_mb).values())


def stage_dask_features(work: Path, people: int, args) -> dict:
    import numpy as np

    from vrurisk.config import plan_splits
    from vrurisk.engine import build_feature_matrix_dask, partition_dataset
    from vrurisk.features import features_for

    config = _config(work, "dask", args.workers)
    ds = _load(work)
    splits, refit = plan_splits(config, ds.extraction_date)
    dates = sorted(
        {d for s in splits for d in (*s.train_dates, s.test_date)} | set(refit.train_dates)
    )
    with _dask_client(args) as client:
        t = time.perf_counter()
        parts = partition_dataset(
            ds, work / "partitioned", config.execution.n_partitions, config.features.network
        )
        write = time.perf_counter() - t
        say(f"dask features: {len(dates)} as-of dates over {parts.n_partitions} partitions")
        fm = features_for(
            config,
            ds,
            dates,
            build=build_feature_matrix_dask,
            parts=parts,
            client=client,
            progress=lambda m: say(f"dask features: {m}"),
        )
        seconds = time.perf_counter() - t
        workers = _worker_peak_mb(client)
    _save_fm(fm, work / "fm_dask")
    local = _read_fm(work / "fm") if (work / "fm").exists() else None
    same = None
    if local is not None:
        same = bool(
            local.X.shape == fm.X.shape
            and np.allclose(local.X.to_numpy(), fm.X.to_numpy(), rtol=1e-5, atol=1e-5)
        )
    return {
        "seconds": seconds,
        "partition_write_seconds": write,
        "worker_peak_mb": workers,
        "matches_local": same,
        "parts": {k: round(v, 2) for k, v in fm.timings.items()},
    }


def stage_dask_train(work: Path, people: int, args) -> dict:
    from sklearn.metrics import roc_auc_score

    from vrurisk.engine import fit_lightgbm_dask

    config = _config(work, "dask", args.workers)
    fm = _read_fm(work / "fm")
    train = fm.y.notna().to_numpy()
    X, y = fm.X[train], fm.y[train].to_numpy().astype(int)
    spec = next(s for s in config.model_specs if s.kind == "lightgbm")
    say(f"dask train: one local LightGBM fit on {len(y):,} rows first (for the ratio)")
    t = time.perf_counter()
    local = spec.build().fit(X, y)
    local_seconds = time.perf_counter() - t
    with _dask_client(args) as client:
        t = time.perf_counter()
        say(f"dask train: DaskLGBMClassifier on {len(y):,} rows")
        model = fit_lightgbm_dask(X, y, config, client=client)
        seconds = time.perf_counter() - t
        workers = _worker_peak_mb(client)
    return {
        "seconds": seconds,
        "local_fit_seconds": local_seconds,
        "worker_peak_mb": workers,
        "rows": len(y),
        "train_auc_dask": roc_auc_score(y, model.predict_proba(X)[:, 1]),
        "train_auc_local": roc_auc_score(y, local.predict_proba(X)[:, 1]),
    }


def stage_dask_score(work: Path, people: int, args) -> dict:
    import numpy as np
    import pandas as pd

    from vrurisk.engine import partition_dataset
    from vrurisk.scoring import score_cohort_dask

    config = _config(work, "dask", args.workers)
    ds = _load(work)
    model = _model(work, args)
    with _dask_client(args) as client:
        parts = partition_dataset(
            ds, work / "partitioned", config.execution.n_partitions, config.features.network
        )
        t = time.perf_counter()
        result = score_cohort_dask(
            ds, model, config, parts, client=client, as_of=SCORE_AS_OF, explain_top=EXPLAIN_TOP
        )
        seconds = time.perf_counter() - t
        workers = _worker_peak_mb(client)
    same = None
    local_path = work / "scores_local.parquet"
    if local_path.exists():
        local = pd.read_parquet(local_path).set_index("key")["probability"]
        mine = result.scores.set_index("person_id")["probability"].reindex(local.index)
        same = bool(np.allclose(local.to_numpy(), mine.to_numpy(), rtol=0, atol=1e-9))
    return {"seconds": seconds, "worker_peak_mb": workers, "matches_local": same}


STAGES = {
    "synth": stage_synth,
    "load": stage_load,
    "features": stage_features,
    "train": stage_train,
    "score": stage_score,
    "dask_features": stage_dask_features,
    "dask_train": stage_dask_train,
    "dask_score": stage_dask_score,
}


def run_stage(args) -> None:
    work = CACHE / str(args.people)
    work.mkdir(parents=True, exist_ok=True)
    info = STAGES[args.run_stage](work, args.people, args)
    info.setdefault("peak_mb", peak_mb())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    info["cpu_seconds"] = usage.ru_utime + usage.ru_stime  # the whole stage process
    print("RESULT " + json.dumps(info), flush=True)


# ---------------------------------------------------------------- driver


def _results() -> dict:
    path = CACHE / "results.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _save(results: dict) -> None:
    (CACHE / "results.json").write_text(json.dumps(results, indent=1, sort_keys=True))


def drive(args) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    results = _results()
    for people in args.sizes:
        for stage in args.stages:
            print(f"{people:>9,} {stage}: running", flush=True)
            cmd = [sys.executable, __file__, "--run-stage", stage, "--people", str(people)]
            cmd += ["--workers", str(args.workers)]
            if args.model_from:
                cmd += ["--model-from", str(args.model_from)]
            if stage in (args.profile or ()):
                flame = CACHE / str(people) / f"{stage}.pyspy.txt"
                cmd = [PY_SPY, "record", "-f", "raw", "-r", "20", "-o", str(flame), "--", *cmd]
            t = time.perf_counter()
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
            wall = time.perf_counter() - t
            line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
            if proc.returncode or not line:
                print(f"{people:>9,} {stage}: FAILED (exit {proc.returncode})", flush=True)
                break
            info = json.loads(line[-1][len("RESULT ") :])
            info.update(wall=wall, load_average=os.getloadavg()[0], when=time.strftime("%H:%M"))
            results = _results()  # another driver may have saved meanwhile
            results.setdefault(str(people), {})[stage] = info
            if stage == "score":
                results[str(people)]["audit"] = {
                    "seconds": info["audit_seconds"],
                    "peak_mb": info["peak_mb"],
                }
            _save(results)
            print(
                f"{people:>9,} {stage}: {info['seconds']:8.1f} s, {info['cpu_seconds']:8.1f} s "
                f"CPU, peak {info['peak_mb']:8.0f} MB (load avg {info['load_average']:.1f})",
                flush=True,
            )
    report(results)


def profile_summary(path: Path, top: int = 15) -> None:
    """Print the hottest frames of a ``py-spy record -f raw`` file: own samples per leaf
    frame and total samples per vrurisk frame."""
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    n = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        k = int(count)
        n += k
        own[frames[-1]] = own.get(frames[-1], 0) + k
        for frame in set(frames):
            if "vrurisk/" in frame:
                total[frame] = total.get(frame, 0) + k
    print(f"{path.name}: {n} samples")
    for title, table in (("own time", own), ("inclusive, vrurisk frames", total)):
        print(f"  {title}:")
        for frame, k in sorted(table.items(), key=lambda kv: -kv[1])[:top]:
            print(f"    {100 * k / n:5.1f}%  {frame}")


def report(results: dict) -> None:
    import numpy as np

    sizes = sorted(int(s) for s in results)
    stages = [
        s
        for s in [*LOCAL_STAGES, "audit", *DASK_STAGES]
        if any(s in results[str(n)] for n in sizes)
    ]
    print("\nseconds (peak MB) per stage")
    print("stage".ljust(15) + "".join(f"{n:>22,}" for n in sizes) + "   exponent")
    fits = {}
    for stage in stages:
        cells, xs, ys = [], [], []
        for n in sizes:
            info = results[str(n)].get(stage)
            if info is None:
                cells.append(f"{'-':>22}")
                continue
            extra = f"/{info['worker_peak_mb']:.0f}w" if "worker_peak_mb" in info else ""
            cells.append(f"{info['seconds']:>10.1f} ({info['peak_mb']:>6.0f}{extra})".rjust(22))
            xs.append(n)
            ys.append(max(info["seconds"], 1e-3))
        exponent = ""
        if len(xs) >= 2:
            slope = np.polyfit(np.log(xs), np.log(ys), 1)[0]
            fits[stage] = (xs, ys, slope)
            exponent = f"{slope:8.2f}"
        print(stage.ljust(15) + "".join(cells) + "   " + exponent)
    for n in sizes:
        row = results[str(n)]
        for stage in ("features", "score"):
            if stage in row and f"dask_{stage}" in row:
                ratio = row[f"dask_{stage}"]["seconds"] / row[stage]["seconds"]
                print(f"dask / single machine at {n:,} people, {stage}: {ratio:.2f}x")
        if "local_fit_seconds" in row.get("dask_train", {}):
            info = row["dask_train"]
            ratio = info["seconds"] / info["local_fit_seconds"]
            print(
                f"dask / single machine at {n:,} people, one LightGBM fit on {info['rows']:,} "
                f"rows: {ratio:.2f}x (training AUC {info['train_auc_dask']:.4f} vs "
                f"{info['train_auc_local']:.4f})"
            )
    return fits


def plot(results: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fits = report(results)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for stage, (xs, ys, slope) in fits.items():
        style = "--" if stage.startswith("dask") else "-"
        ax.loglog(xs, ys, style, marker="o", label=f"{stage} (n^{slope:.2f})")
    ax.set_xlabel("people in the population")
    ax.set_ylabel("seconds")
    ax.set_title("vrurisk: time per stage vs people (2 cores, 24 GB)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(PLOT, dpi=110)
    print(f"wrote {PLOT}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--stages", nargs="+", choices=list(STAGES), default=None)
    parser.add_argument("--dask", action="store_true", help="also run the Dask stages")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--plot", action="store_true", help="only print the table and plot")
    parser.add_argument(
        "--model-from", type=int, help="score with the champion trained at this size if none"
    )
    parser.add_argument(
        "--profile", nargs="+", default=(), help="stages to run under py-spy (raw stacks saved)"
    )
    parser.add_argument("--profile-summary", type=Path, help="summarise a py-spy raw file")
    parser.add_argument("--run-stage", choices=list(STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--people", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_stage:
        run_stage(args)
        return
    if args.profile_summary:
        profile_summary(args.profile_summary)
        return
    if args.plot:
        plot(_results())
        return
    if args.stages is None:
        args.stages = LOCAL_STAGES + (DASK_STAGES if args.dask else [])
    drive(args)
    plot(_results())


if __name__ == "__main__":
    main()
