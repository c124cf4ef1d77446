"""Plain-language reasons: planted factors come first, directions and sizes are right."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from planted_helpers import planted_frame, planted_outcome
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from vrurisk.evaluation import Explanations, explain, plain_language_reasons, reasons_by_person
from vrurisk.evaluation._reasons import REASON_COLUMNS
from vrurisk.features import FeatureSpec

MANIFEST = [
    FeatureSpec(
        "count_knife_possession_suspect_365d",
        "individual",
        "knife possession events (as suspect) in the last 12 months",
        "{value:.0f} knife possession events in the last 12 months",
    ),
    FeatureSpec(
        "associates_victim_violence_180d",
        "network",
        "associates who were victims of violence in the last 180 days",
        "{value:.0f} associates were victims of violence in the last 180 days",
    ),
    FeatureSpec(
        "age_first_police_contact",
        "individual",
        "age at first police contact",
        "first police contact at age {value:.0f}",
    ),
    FeatureSpec(
        "count_school_exclusion_1825d",
        "individual",
        "school exclusions in the last 5 years",
        "{value:.0f} school exclusions in the last 5 years",
    ),
    FeatureSpec("noise_a", "individual", "unrelated measure a", "measure a of {value:.1f}"),
    FeatureSpec("noise_b", "individual", "unrelated measure b", "measure b of {value:.1f}"),
]
NAMES = [spec.name for spec in MANIFEST]
PLANTED = {"count_knife_possession_suspect_365d", "associates_victim_violence_180d"}


@pytest.fixture(scope="module")
def planted():
    """Knives and victimised associates drive the outcome; one planted person has both."""
    columns = {
        "count_knife_possession_suspect_365d": ("poisson", 0.3),
        "associates_victim_violence_180d": ("poisson", 0.4),
        "age_first_police_contact": ("uniform", 10, 18),
        "count_school_exclusion_1825d": ("poisson", 0.5),
        "noise_a": ("normal",),
        "noise_b": ("normal",),
    }
    rng = np.random.default_rng(7)
    n = 3000
    X = planted_frame(rng, n, columns)
    logit = (
        -3.5
        + 1.1 * X["count_knife_possession_suspect_365d"]
        + 0.9 * X["associates_victim_violence_180d"]
        + 0.15 * X["count_school_exclusion_1825d"]
    )
    y = pd.Series(planted_outcome(rng, logit))
    person = {
        "count_knife_possession_suspect_365d": 3.0,
        "associates_victim_violence_180d": 2.0,
        "age_first_police_contact": 14.0,
        "count_school_exclusion_1825d": 0.0,
        "noise_a": 0.0,
        "noise_b": 0.0,
    }
    X.loc[n] = person
    y = pd.concat([y, pd.Series([1], index=[n])])
    return X, y, n


@pytest.mark.parametrize(
    "make_model",
    [
        lambda: lgb.LGBMClassifier(n_estimators=60, num_leaves=7, learning_rate=0.1, verbose=-1),
        lambda: make_pipeline(StandardScaler(), LogisticRegression()),
    ],
    ids=["lightgbm", "logistic_regression"],
)
def test_planted_person_top_reasons_name_the_planted_factors(planted, make_model):
    X, y, who = planted
    model = make_model().fit(X, y)
    ex = explain(model, X, rows=[who], sample_size=200)
    reasons = plain_language_reasons(ex, X, MANIFEST, n=3)
    top_two = reasons[reasons["rank"] <= 2]
    assert set(top_two["feature"]) == PLANTED
    assert (top_two["direction"] == "raises").all()
    assert set(top_two["reason"]) == {
        "3 knife possession events in the last 12 months",
        "2 associates were victims of violence in the last 180 days",
    }
    assert top_two["strength"].iloc[0] == "strong"


def make_explanations(contributions: dict, units: str = "log-odds") -> Explanations:
    frame = pd.DataFrame(contributions, index=[10, 11])
    return Explanations(frame, -2.0, "lightgbm", units, frame.abs().mean(), 2)


def test_direction_strength_rank_and_text():
    ex = make_explanations(
        {
            "count_knife_possession_suspect_365d": [1.0, 0.0],
            "associates_victim_violence_180d": [0.3, -0.05],
            "age_first_police_contact": [-0.1, 0.8],
        }
    )
    X = pd.DataFrame(
        {
            "count_knife_possession_suspect_365d": [3.0, 0.0],
            "associates_victim_violence_180d": [2.0, 0.0],
            "age_first_police_contact": [11.0, 17.0],
        },
        index=[10, 11],
    )
    reasons = plain_language_reasons(ex, X, MANIFEST, n=3)
    assert list(reasons.columns) == REASON_COLUMNS
    first = reasons[reasons["row"] == 10]
    assert list(first["text"]) == [
        "3 knife possession events in the last 12 months (raises risk, strong)",
        "2 associates were victims of violence in the last 180 days (raises risk, moderate)",
        "first police contact at age 11 (lowers risk, slight)",
    ]
    second = reasons[reasons["row"] == 11]
    # A feature contributing exactly nothing is never a reason.
    assert list(second["feature"]) == [
        "age_first_police_contact",
        "associates_victim_violence_180d",
    ]
    assert list(second["rank"]) == [1, 2]
    wide = reasons_by_person(reasons, n=3)
    assert wide.loc[10, "reason_3"] == "first police contact at age 11 (lowers risk, slight)"
    assert pd.isna(wide.loc[11, "reason_3"])


def test_missing_values_and_unknown_features_read_sensibly():
    ex = make_explanations({"age_first_police_contact": [0.5, 0.1], "mystery": [0.2, 0.0]})
    X = pd.DataFrame({"age_first_police_contact": [np.nan, 12.0], "mystery": [4.0, 1.0]})
    X.index = [10, 11]
    reasons = plain_language_reasons(ex, X, MANIFEST, n=2)
    assert list(reasons["reason"]) == [
        "age at first police contact: none recorded",
        "mystery = 4",
        "first police contact at age 12",
    ]


def test_probability_units_use_their_own_size_scale():
    ex = make_explanations(
        {"count_knife_possession_suspect_365d": [0.06, 0.01], "noise_a": [0.02, 0.0]},
        units="probability",
    )
    X = pd.DataFrame({"count_knife_possession_suspect_365d": [1.0, 1.0], "noise_a": [0.0, 0.0]})
    X.index = [10, 11]
    reasons = plain_language_reasons(ex, X, [spec.to_dict() for spec in MANIFEST], n=2)
    assert list(reasons["strength"]) == ["strong", "moderate", "slight"]


def test_reasons_only_carry_the_persons_own_values():
    """Network reasons describe associates in aggregate: no identifier can reach the text."""
    ex = make_explanations({"associates_victim_violence_180d": [0.9, 0.4]})
    X = pd.DataFrame({"associates_victim_violence_180d": [2.0, 1.0]}, index=["P-001", "P-002"])
    ex = Explanations(
        ex.contributions.set_axis(X.index), -2.0, "lightgbm", "log-odds", ex.global_importance, 2
    )
    reasons = plain_language_reasons(ex, X, MANIFEST)
    assert not reasons["text"].str.contains("P-00").any()
    assert list(reasons["row"]) == ["P-001", "P-002"]


def test_empty_explanations_give_an_empty_frame():
    ex = Explanations(
        pd.DataFrame(columns=NAMES), 0.0, "lightgbm", "log-odds", pd.Series(dtype=float), 0
    )
    assert (
        list(plain_language_reasons(ex, pd.DataFrame(columns=NAMES), MANIFEST).columns)
        == REASON_COLUMNS
    )


def test_strength_is_judged_on_the_calibrated_log_odds():
    """A raw log-odds contribution of 1.0 is a doubling of the model's odds, but with a
    calibration slope of 0.5 it moves the calibrated odds the panel sees by exp(0.5): moderate."""
    ex = make_explanations({"count_knife_possession_suspect_365d": [1.0, 0.3]})
    X = pd.DataFrame({"count_knife_possession_suspect_365d": [3.0, 1.0]}, index=[10, 11])
    raw = plain_language_reasons(ex, X, MANIFEST, n=1)
    assert list(raw["strength"]) == ["strong", "moderate"]
    calibrated = plain_language_reasons(ex, X, MANIFEST, n=1, scale=0.5)
    assert list(calibrated["strength"]) == ["moderate", "slight"]
    assert list(calibrated["contribution"]) == [0.5, 0.15]
    flipped = plain_language_reasons(ex, X, MANIFEST, n=1, scale=-1.0)
    assert list(flipped["direction"]) == ["lowers", "lowers"]


@pytest.mark.parametrize("method", ["sigmoid", "isotonic"])
def test_calibrator_slope_in_log_odds_is_measured(method):
    """Outcomes drawn with calibrated logit = 0.5 x raw logit: both calibrators report a slope
    near 0.5 (the scale applied to reason strengths)."""
    from vrurisk.models._risk_model import CALIBRATORS

    rng = np.random.default_rng(0)
    raw_logit = rng.normal(-2.0, 1.5, 40_000)
    raw = 1 / (1 + np.exp(-raw_logit))
    y = (rng.random(raw.size) < 1 / (1 + np.exp(-(0.5 * raw_logit - 1.0)))).astype(int)
    slope = CALIBRATORS[method]().fit(raw, y).log_odds_slope()
    assert slope == pytest.approx(0.5, abs=0.1 if method == "sigmoid" else 0.2)
    assert CALIBRATORS["none"]().fit(raw, y).log_odds_slope() == 1.0
