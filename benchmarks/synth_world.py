"""How hard is the synthetic world, and can its contagion be shown? Two tables.

``difficulty``: for each seed, a population with the oracle hazard kept; on the reference cohort
(aged 10-25, any recorded event in the previous two years; three as-of dates a year apart) the
12-month serious-violence base rate and the AUC of an oracle that knows the true current hazard;
then on vrurisk's own cohort, features and labels at 2022-06-01, 2023-06-01 and 2024-06-01 (fit
on the first two, scored on the last) the AUC of LightGBM on all default features and of the
risk-factor-count baseline (the demo config's factors over the last 365 days), with the oracle's
AUC on the same test rows beside them.

``contagion``: with risk homophily off, the AUC gain of network features over individual features
(same LightGBM, no stage-1 or place features; fitted on 2022-06-01, 2022-12-01 and 2023-06-01,
scored on 2024-06-01 and 2024-12-01 together) at contagion 0, half, default and double, per
seed, with the calibration measures of each world (share of violent involvement attributable
to contagion, overall and in the co-offending network; odds ratio of serious-violence
victimisation per associate who was a victim in the previous year).

Usage::

    python benchmarks/synth_world.py difficulty [--people 20000] [--seeds 0,1,2]
    python benchmarks/synth_world.py contagion [--people 100000] [--seeds 0,1,2]
        [--strengths 0,0.5,1,2]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier
from sklearn.metrics import roc_auc_score

from vrurisk.data import simulate_population
from vrurisk.data._synth_difficulty import measure_difficulty
from vrurisk.features import FeatureConfig, PlaceConfig, Stage1Config, build_feature_matrix
from vrurisk.models import RiskFactorCountClassifier
from vrurisk.models.kinds._baseline import DEFAULT_RISK_FACTORS

AS_OF_DATES = ["2022-06-01", "2023-06-01", "2024-06-01"]
#: The contagion table fits on three dates and scores two (more test rows, less noise): every
#: training window closes before the first test date, and the last test window before the end.
CONTAGION_DATES = ["2022-06-01", "2022-12-01", "2023-06-01", "2024-06-01", "2024-12-01"]
FIRST_TEST = "2024-06-01"
#: Individual and network features only (no stage-1 scores, no place rates): the contagion table.
NETWORK_ONLY = FeatureConfig(stage1=Stage1Config(enabled=False), place=PlaceConfig(enabled=False))


#: The small, deterministic LightGBM both tables fit.
LIGHTGBM = {"n_estimators": 150, "learning_rate": 0.05, "num_leaves": 15, "min_child_samples": 50}
LIGHTGBM.update(colsample_bytree=0.8, subsample=0.8, subsample_freq=1, random_state=0, n_jobs=2)
LIGHTGBM.update(verbose=-1, deterministic=True, force_row_wise=True)


def lightgbm() -> LGBMClassifier:
    """A fresh :data:`LIGHTGBM` model."""
    return LGBMClassifier(**LIGHTGBM)


def test_rows(fm, first_test=None) -> np.ndarray:
    """Rows scored: from ``first_test`` on (default: the latest as-of date); the rest are fitted."""
    first = fm.rows["as_of"].max() if first_test is None else first_test
    return (fm.rows["as_of"] >= first).to_numpy()


def fit_and_score(fm, columns: list[str], model=None, first_test=None) -> float:
    """AUC on the test rows (:func:`test_rows`) of ``model`` (default :func:`lightgbm`) fitted
    on the others."""
    test = test_rows(fm, first_test)
    model = lightgbm() if model is None else model
    model.fit(fm.X.loc[~test, columns], fm.y[~test].to_numpy())
    score = model.predict_proba(fm.X.loc[test, columns])[:, 1]
    return float(roc_auc_score(fm.y[test].to_numpy(), score))


#: The contagion table averages LightGBM's predicted probabilities over these random states
#: (subsampling and column sampling make each fit a little different; the average is steadier).
RANDOM_STATES = (0, 1, 2)


def averaged_auc(X: pd.DataFrame, y: np.ndarray, test: np.ndarray, columns: list[str]) -> float:
    """AUC on ``test`` of the mean prediction of :func:`lightgbm` fitted with each of
    :data:`RANDOM_STATES` on the other rows."""
    scores = []
    for state in RANDOM_STATES:
        model = lightgbm().set_params(random_state=state)
        model.fit(X.loc[~test, columns], y[~test])
        scores.append(model.predict_proba(X.loc[test, columns])[:, 1])
    return float(roc_auc_score(y[test], np.mean(scores, axis=0)))


def true_exposure(population, rows: pd.DataFrame) -> np.ndarray:
    """Log of each row's true contagion multiplier in the month of its as-of date (what an
    oracle of the network knows: exposure from associates' violence, recorded or not, over true
    ties with their true strengths and the generator's half-life)."""
    out = np.zeros(len(rows))
    for as_of in rows["as_of"].unique():
        here = (rows["as_of"] == as_of).to_numpy()
        month = int(np.searchsorted(population.months, as_of, side="right")) - 1
        out[here] = np.log(population.contagion_boost[month][rows.loc[here, "person_idx"]])
    return out


def network_gain(dataset, seed: int = 0, population=None) -> dict[str, float]:
    """AUC of individual features, of individual + network features, and the gain (fitted on
    the first three :data:`CONTAGION_DATES`, scored on the last two together; predictions
    averaged over :data:`RANDOM_STATES`).

    With a ``population`` simulated with ``keep_hazard=True`` (whose ``dataset`` this is), also
    the ceiling: the gain of adding the true contagion exposure (:func:`true_exposure`) to the
    individual features instead of the network features.
    """
    fm = build_feature_matrix(dataset, CONTAGION_DATES, features=NETWORK_ONLY, seed=seed)
    individual = [s.name for s in fm.manifest if s.group == "individual"]
    network = [s.name for s in fm.manifest if s.group == "network"]
    test = test_rows(fm, pd.Timestamp(FIRST_TEST))
    y = fm.y.to_numpy()
    auc_ind = averaged_auc(fm.X, y, test, individual)
    auc_net = averaged_auc(fm.X, y, test, individual + network)
    out = {
        "test_rows": int(test.sum()),
        "positives": int(y[test].sum()),
        "individual": auc_ind,
        "network": auc_net,
        "gain": auc_net - auc_ind,
    }
    if population is not None and population.contagion_boost is not None:
        X = fm.X.assign(true_exposure=true_exposure(population, fm.rows))
        out["ceiling"] = averaged_auc(X, y, test, [*individual, "true_exposure"]) - auc_ind
    return out


def difficulty_row(n_people: int, seed: int, **knobs) -> dict[str, float]:
    """One row of the difficulty table (see the module docstring)."""
    pop = simulate_population(n_people, seed=seed, keep_hazard=True, **knobs)
    ref = measure_difficulty(pop)
    fm = build_feature_matrix(pop.dataset, AS_OF_DATES, seed=seed)
    test = test_rows(fm)
    columns = list(fm.X.columns)
    factors = {
        f"count_{name}_365d": w
        for name, w in DEFAULT_RISK_FACTORS.items()
        if f"count_{name}_365d" in columns
    }
    oracle = pop.oracle_hazard(AS_OF_DATES[-1])[fm.rows.loc[test, "person_idx"].to_numpy()]
    y = fm.y[test].to_numpy()
    return {
        "seed": seed,
        "cohort": int(ref["cohort"].mean()),
        "base_rate": float(ref["base_rate"].mean()),
        "oracle_auc": float(ref["auc_oracle_current"].mean()),
        "test_rows": int(test.sum()),
        "test_base_rate": float(y.mean()),
        "test_oracle_auc": float(roc_auc_score(y, oracle)),
        "lightgbm_auc": fit_and_score(fm, columns),
        "baseline_auc": fit_and_score(
            fm, list(factors), RiskFactorCountClassifier(factors=factors)
        ),
    }


def _print_table(rows: list[dict]) -> None:
    names = list(rows[0])
    print(" ".join(f"{n:>15}" for n in names))
    for row in rows:
        print(" ".join(f"{v:>15.3f}" if isinstance(v, float) else f"{v:>15}" for v in row.values()))


def difficulty(args) -> None:
    print(f"difficulty: {args.people:,} people, 6 years, seeds {args.seeds}, as-of {AS_OF_DATES}")
    _print_table([difficulty_row(args.people, seed) for seed in args.seeds])


def contagion(args) -> None:
    from vrurisk.data._synth_difficulty import contagion_measures

    print(
        f"contagion gain: {args.people:,} people, risk_homophily=0, seeds {args.seeds}, "
        f"as-of {CONTAGION_DATES} (fit on the first three, AUC on the last two)"
    )
    rows = []
    for strength in args.strengths:
        for seed in args.seeds:
            pop = simulate_population(
                args.people, seed=seed, contagion=strength, risk_homophily=0.0, keep_hazard=True
            )
            row = {"contagion": strength, "seed": seed, **network_gain(pop.dataset, seed, pop)}
            row.update(contagion_measures(pop))
            rows.append(row)
            print(row, flush=True)
    _print_table(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table", choices=["difficulty", "contagion"])
    parser.add_argument("--people", type=int, default=None)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--strengths", default="0,0.5,1,2")
    args = parser.parse_args()
    args.seeds = [int(s) for s in args.seeds.split(",")]
    args.strengths = [float(s) for s in args.strengths.split(",")]
    if args.people is None:
        args.people = 20_000 if args.table == "difficulty" else 100_000
    started, cpu = time.perf_counter(), time.process_time()
    load = os.getloadavg()[0]
    {"difficulty": difficulty, "contagion": contagion}[args.table](args)
    print(
        f"{time.perf_counter() - started:.0f} s ({time.process_time() - cpu:.0f} s CPU); "
        f"load average {load:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after, {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
