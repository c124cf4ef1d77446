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
    """People positions in the default cohort at ``as_of`` and their 12-month SV outcome.

    People who left (``people.left_date``) by ``as_of`` are not in it; people who left within
    the next 365 days without a serious-violence event are censored (left out)."""
    as_of = pd.Timestamp(as_of)
    people, events = dataset.people, dataset.events
    age = (as_of - people["birth_date"]).dt.days.to_numpy() / 365.25
    date = events["event_date"]
    recent = events.loc[(date < as_of) & (date >= as_of - pd.Timedelta(days=730)), "person_idx"]
    active = np.zeros(len(people), dtype=bool)
    active[recent.to_numpy()] = True
    cohort = np.flatnonzero(active & (age >= 10) & (age < 26) & ~_left_by(dataset, as_of))
    window = (date > as_of) & (date <= as_of + pd.Timedelta(days=365))
    outcome = events.loc[window & (events["event_type"] == "serious_violence"), "person_idx"]
    label = np.zeros(len(people), dtype=bool)
    label[outcome.to_numpy()] = True
    # Leaving inside the window without an outcome first: no label (censored).
    censored = _left_by(dataset, as_of + pd.Timedelta(days=365)) & ~label
    cohort = cohort[~censored[cohort]]
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


def _left_by(dataset: Dataset, when: pd.Timestamp) -> np.ndarray:
    if "left_date" not in dataset.people.columns:
        return np.zeros(dataset.n_people, dtype=bool)
    return (dataset.people["left_date"] <= when).fillna(False).to_numpy(dtype=bool)


def exposure_odds_ratio(population, as_of, *, days: int = 365) -> tuple[float, int]:
    """Odds ratio of serious-violence victimisation in the ``days`` after ``as_of`` per recorded
    associate who was a victim of violence in the ``days`` before (Papachristos et al. 2015's
    measure), adjusted for the true latent risk and age, on the reference cohort.

    Returns the odds ratio and the number of exposed people in the cohort.
    """
    from sklearn.linear_model import LogisticRegression

    ds, truth = population.dataset, population.truth
    as_of = pd.Timestamp(as_of)
    cohort, _ = reference_cohort(ds, as_of)
    events = ds.events
    date = events["event_date"]
    victim = (events["role"] == "victim") & events["event_type"].isin(
        ["violence", "serious_violence"]
    )
    before = victim & (date < as_of) & (date >= as_of - pd.Timedelta(days=days))
    was_victim = np.zeros(ds.n_people, dtype=bool)
    was_victim[events.loc[before, "person_idx"].to_numpy()] = True
    links = ds.links[ds.links["link_date"] < as_of]
    a, b = links["idx_a"].to_numpy(), links["idx_b"].to_numpy()
    pairs = np.unique(np.c_[np.r_[a, b], np.r_[b, a]], axis=0)
    exposure = np.bincount(pairs[:, 0], weights=was_victim[pairs[:, 1]], minlength=ds.n_people)
    after = (
        (events["event_type"] == "serious_violence")
        & (events["role"] == "victim")
        & (date > as_of)
        & (date <= as_of + pd.Timedelta(days=days))
    )
    y = np.zeros(ds.n_people, dtype=bool)
    y[events.loc[after, "person_idx"].to_numpy()] = True
    age = (as_of - ds.people["birth_date"]).dt.days.to_numpy() / 365.25
    X = np.c_[
        exposure,
        truth["latent_risk"].to_numpy(),
        (age - 19) / 4,
        ((age - 19) / 4) ** 2,
        was_victim,
    ][cohort]
    scale = X.std(axis=0) + 1e-12
    model = LogisticRegression(C=1e6, max_iter=5000).fit(X / scale, y[cohort])
    return float(np.exp(model.coef_[0][0] / scale[0])), int((exposure[cohort] > 0).sum())


def contagion_measures(population) -> dict[str, float]:
    """The generated world in the published contagion measures' terms.

    - ``share_all``: share of true violent involvement attributable to contagion (first order:
      ``1 - 1 / multiplier`` of each incident a person's own hazard caused);
    - ``share_co_offending``: the same among people with a recorded co-offending link, the
      network Green, Horel and Papachristos (2017) attributed 63% of gunshot episodes in to
      contagion;
    - ``odds_ratio``: :func:`exposure_odds_ratio` pooled over three as-of dates (mean of logs),
      to set beside Papachristos et al. (2015).
    """
    ds, truth = population.dataset, population.truth
    counts = truth[list(VIOLENT_TRUE_COUNTS)].to_numpy().sum(axis=1)
    from_contagion = truth["violence_from_contagion"].to_numpy()
    co = ds.links[ds.links["link_type"] == "co_offending"]
    member = np.zeros(ds.n_people, dtype=bool)
    member[np.r_[co["idx_a"].to_numpy(), co["idx_b"].to_numpy()]] = True
    ratios = [
        exposure_odds_ratio(population, ds.extraction_date - pd.DateOffset(years=back))[0]
        for back in (3, 2, 1)
    ]
    return {
        "share_all": float(from_contagion.sum() / counts.sum()),
        "share_co_offending": float(from_contagion[member].sum() / counts[member].sum()),
        "odds_ratio": float(np.exp(np.mean(np.log(ratios)))),
    }


def contagion_share(population) -> float:
    """Expected share of true violent involvement (from people's own hazards) due to contagion."""
    truth = population.truth
    return float(
        truth["violence_from_contagion"].sum() / truth[list(VIOLENT_TRUE_COUNTS)].to_numpy().sum()
    )
