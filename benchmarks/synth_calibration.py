"""How hard is the synthetic population? Base rate, oracle AUC and the share due to contagion.

Prints, for a few as-of dates of a typical cohort (aged 10-25, any recorded event in the previous
two years): the cohort size, the 12-month serious-violence (suspect or victim) base rate, the AUC
of an oracle that knows the true current hazard (latent risk, current state, contagion exposure),
the AUC of an oracle that knows only the static latent risk and age, and how much of the violence
is attributable to network contagion.

Usage: python benchmarks/synth_calibration.py [--people N] [--seed S] [--contagion C]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from vrurisk.data import simulate_population


def cohort_and_labels(dataset, as_of: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Positions (people order) of the cohort at ``as_of`` and their 12-month outcome."""
    people, events = dataset.people, dataset.events
    age = (as_of - people["birth_date"]).dt.days.to_numpy() / 365.25
    date = events["event_date"]
    recent = events.loc[(date < as_of) & (date >= as_of - pd.Timedelta(days=730)), "person_idx"]
    active = np.zeros(len(people), dtype=bool)
    active[recent.to_numpy()] = True
    cohort = np.flatnonzero(active & (age >= 10) & (age < 26))
    window = (date > as_of) & (date <= as_of + pd.Timedelta(days=365))
    outcome = events.loc[window & (events["event_type"] == "serious_violence"), "person_idx"]
    label = np.zeros(len(people), dtype=bool)
    label[outcome.to_numpy()] = True
    return cohort, label[cohort]


def measure(pop) -> pd.DataFrame:
    ds, truth = pop.dataset, pop.truth
    end = ds.extraction_date
    rows = []
    for years_back in (3, 2, 1):
        as_of = end - pd.DateOffset(years=years_back)
        cohort, y = cohort_and_labels(ds, pd.Timestamp(as_of))
        age = (as_of - ds.people["birth_date"]).dt.days.to_numpy()[cohort] / 365.25
        current = pop.oracle_hazard(as_of)[cohort]
        future = pop.oracle_hazard(as_of, future=True)[cohort]
        no_network = pop.oracle_hazard(as_of, network=False)[cohort]
        boost = pop.contagion_boost[pop.months.searchsorted(as_of, side="right") - 1][cohort]
        static = truth["latent_risk"].to_numpy()[cohort] - 0.5 * ((age - 19) / 4) ** 2
        rows.append(
            {
                "as_of": str(pd.Timestamp(as_of).date()),
                "cohort": len(cohort),
                "base_rate": y.mean(),
                "auc_oracle_current": roc_auc_score(y, current),
                "auc_oracle_future": roc_auc_score(y, future),
                "auc_oracle_no_network": roc_auc_score(y, no_network),
                "auc_exposure_only": roc_auc_score(y, boost),
                "auc_latent_and_age": roc_auc_score(y, static),
            }
        )
    return pd.DataFrame(rows)


def contagion_share(pop) -> float:
    """Expected share of true violent incidents (own hazard) attributable to contagion."""
    truth = pop.truth
    incidents = truth[
        [
            "true_serious_violence_suspect",
            "true_violence_suspect",
            "true_serious_violence_victim",
            "true_violence_victim",
        ]
    ].to_numpy()
    return float(truth["violence_from_contagion"].sum() / incidents.sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--contagion", type=float, default=1.0)
    args = parser.parse_args()
    pop = simulate_population(
        args.people, seed=args.seed, contagion=args.contagion, keep_hazard=True
    )
    table = measure(pop)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"share of violent involvement attributable to contagion: {contagion_share(pop):.3f}")
    if args.contagion > 0:
        off = simulate_population(args.people, seed=args.seed, contagion=0.0, keep_hazard=True)
        off_table = measure(off)
        print(
            "with contagion off: base rate "
            f"{off_table['base_rate'].mean():.3f}, oracle AUC "
            f"{off_table['auc_oracle_current'].mean():.3f}"
        )


if __name__ == "__main__":
    main()
