"""How hard is a synthetic population? Reference cohort, base rate, oracle AUCs, contagion share.

A small, independent reference implementation of the default cohort (aged 10-25, any recorded
event in the previous two years) and outcome (any serious violence as suspect or victim in the
next 365 days), used by the synth tests and ``benchmarks/synth_calibration.py`` to check that the
generator is realistically hard. The real pipeline lives in :mod:`vrurisk.features`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vrurisk.data._dataset import Dataset

VIOLENT_TRUE_COUNTS = (
    "true_serious_violence_suspect",
    "true_violence_suspect",
    "true_serious_violence_victim",
    "true_violence_victim",
)


def reference_cohort(dataset: Dataset, as_of) -> tuple[np.ndarray, np.ndarray]:
    """People positions in the default cohort at ``as_of`` and their 12-month SV outcome."""
    as_of = pd.Timestamp(as_of)
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


def measure_difficulty(population, years_back=(3, 2, 1)) -> pd.DataFrame:
    """One row per as-of date (``years_back`` before the extraction date) with the cohort size,
    base rate and AUCs of oracles: the true current hazard, the true future hazard, the current
    hazard without the network, network exposure alone, and static latent risk with age.

    Needs a population simulated with ``keep_hazard=True``.
    """
    from sklearn.metrics import roc_auc_score

    ds, truth = population.dataset, population.truth
    rows = []
    for back in years_back:
        as_of = pd.Timestamp(ds.extraction_date - pd.DateOffset(years=back))
        cohort, y = reference_cohort(ds, as_of)
        age = (as_of - ds.people["birth_date"]).dt.days.to_numpy()[cohort] / 365.25
        month = population.months.searchsorted(as_of, side="right") - 1
        scores = {
            "auc_oracle_current": population.oracle_hazard(as_of),
            "auc_oracle_future": population.oracle_hazard(as_of, future=True),
            "auc_oracle_no_network": population.oracle_hazard(as_of, network=False),
            "auc_exposure_only": population.contagion_boost[month],
        }
        row = {"as_of": str(as_of.date()), "cohort": len(cohort), "base_rate": y.mean()}
        for name, score in scores.items():
            row[name] = roc_auc_score(y, score[cohort])
        static = truth["latent_risk"].to_numpy()[cohort] - 0.5 * ((age - 19) / 4) ** 2
        row["auc_latent_and_age"] = roc_auc_score(y, static)
        rows.append(row)
    return pd.DataFrame(rows)


def contagion_share(population) -> float:
    """Expected share of true violent involvement (from people's own hazards) due to contagion."""
    truth = population.truth
    return float(
        truth["violence_from_contagion"].sum() / truth[list(VIOLENT_TRUE_COUNTS)].to_numpy().sum()
    )
