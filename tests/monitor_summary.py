"""A monitoring summary built from constructed lists (no model): for report and browser tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vrurisk.evaluation import FairnessConfig, audit_scores
from vrurisk.features import feature_reference, feature_shares
from vrurisk.monitor import MonitoredList, monitor_lists

DATES = ("2024-01-31", "2024-02-29", "2024-03-31")
K = 40


def constructed_summary(*, decisions: bool = True, seed: int = 0) -> dict:
    """Three lists of 800 people; the first two closed; decisions on the first when asked.

    The last list's ``count_knife`` shifts upward (drift), and the first list's top band is
    scored at twice the rate it shows (calibration drift).
    """
    rng = np.random.default_rng(seed)
    n = 800
    training = pd.DataFrame(
        {
            "count_knife_possession_suspect_365d": rng.poisson(0.3, 4000),
            "age": rng.uniform(10, 25, 4000),
        }
    )
    reference = feature_reference(training)
    families = {"count_knife_possession_suspect_365d": "knife_drugs", "age": "age"}
    people = pd.DataFrame(
        {"sex": rng.choice(["F", "M"], n * 2), "ethnicity": rng.choice(["A", "B", "W"], n * 2)},
        index=pd.Index([f"k{i:04d}" for i in range(n * 2)], name="key"),
    )
    fairness = FairnessConfig(sensitive_attributes=["sex", "ethnicity"], bootstrap_samples=100)
    lists, outcomes = [], {}
    for i, date in enumerate(DATES):
        keys = rng.choice(people.index.to_numpy(), n, replace=False)
        probability = np.sort(rng.beta(1, 6, n))[::-1]
        scores = pd.DataFrame(
            {"key": keys, "probability": probability, "rank": np.arange(1, n + 1)}
        )
        shift = 1.0 if i == 2 else 0.3
        X = pd.DataFrame(
            {
                "count_knife_possession_suspect_365d": rng.poisson(shift, n),
                "age": rng.uniform(10, 25, n),
            }
        )
        monitoring = {
            "feature_distribution": {
                "training": reference,
                "list": feature_shares(reference, X),
                "families": families,
            },
            "cross_validation": [
                {
                    "model": "m",
                    "metric": f"precision_at_{K}",
                    "value": 0.2,
                    "ci_low": 0.1,
                    "ci_high": 0.3,
                    "window": "test date 2023-06-30",
                },
                {"model": "m", "metric": "ece", "value": 0.01, "window": ""},
                {"model": "m", "metric": "roc_auc", "value": 0.7, "window": ""},
            ],
        }
        frame = people.loc[keys].reset_index().assign(score=probability)
        frame["outcome"] = (rng.random(n) < probability * (0.4 if i == 0 else 1.0)).astype(int)
        audit = audit_scores(
            frame,
            score_col="score",
            label_col="outcome",
            sensitive=["sex", "ethnicity"],
            config=fairness.model_copy(update={"top_k": (K,)}),
        )
        recorded = None
        if decisions and i == 0:
            codes = np.array(["refer_to_programme", "no_action", "monitor", "record_incorrect"])
            recorded = pd.DataFrame(
                {
                    "key": keys[:K],
                    "rank": np.arange(1, K + 1),
                    "decision": codes[np.arange(K) % 4],
                    "reason_code": "",
                    "decision_date": date,
                    "reviewer_role": "panel chair",
                }
            )
        lists.append(
            MonitoredList(
                path=Path(f"/lists/demo-{date}"),
                as_of=pd.Timestamp(date),
                k=K,
                scores=scores,
                manifest={"model": {"name": "lightgbm"}, "model_version": "3"},
                monitoring=monitoring,
                fairness=audit.to_dict(),
                decisions=recorded,
            )
        )
        outcomes[date] = None if i == 2 else pd.Series(frame["outcome"].to_numpy(float), index=keys)
    summary = monitor_lists(
        lists,
        outcomes=outcomes,
        people=people,
        fairness=fairness,
        extraction_date="2025-03-31",
        horizon_days=365,
    )
    summary["config"] = "demo"
    return summary
