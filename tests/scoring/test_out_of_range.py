"""Scoring says (and the panel marks) features outside the training range (issue 11, trap 7)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from panel_helpers import scored_panel

from vrurisk.models._risk_model import out_of_training_range
from vrurisk.reports._panel import panel_label
from vrurisk.scoring import score_cohort


def test_features_outside_the_training_range_are_named(scoring_setup):
    model = scoring_setup["model"]
    assert model.feature_ranges_["age"][0] < model.feature_ranges_["age"][1]
    X = pd.DataFrame({name: [low, high] for name, (low, high) in model.feature_ranges_.items()})
    assert out_of_training_range(model, X) == ({}, [])
    X.loc[1, "age"] = model.feature_ranges_["age"][1] + 2.0
    by_row, warnings = out_of_training_range(model, X)
    assert by_row == {1: ["age"]}
    low, high = model.feature_ranges_["age"]
    assert warnings == [
        "1 feature(s) are outside the range seen in training for 1 of 2 people scored: "
        f"age (1 people, {high + 2:g} to {high + 2:g}; trained on {low:g} to {high:g}); their "
        "scores and reasons extrapolate, so read them with care"
    ]


def test_the_panel_marks_reasons_outside_the_training_range(scoring_setup):
    s = scoring_setup
    scored = score_cohort(s["dataset"], s["model"], s["config"], audit=False)
    top = scored.scores.sort_values("rank").iloc[0]["key"]
    feature = scored.reasons[scored.reasons["row"] == top].iloc[0]["feature"]
    summary = scored_panel(scored, k=5, as_of="2025-12-31", out_of_range={top: [feature]})
    first = summary["people"][0]
    # the panel names the feature in words (its label), never by its column name
    spec = next(spec for spec in scored.manifest if spec.name == feature)
    assert first["out_of_range"] == [panel_label(spec.description)]
    assert [r["out_of_range"] for r in first["reasons"]][0] is True
    assert not any(r["out_of_range"] for p in summary["people"][1:] for r in p["reasons"])
    assert isinstance(scored.out_of_range, dict) and np.isfinite(len(scored.warnings))


def test_sizes_and_counts_may_grow_a_little_past_training_but_not_far(scoring_setup):
    # issue 11 trap 7 noise: on a growing network the giant component passes its training
    # maximum for everyone; that is growth, not extrapolation worth a mark on every row
    model = scoring_setup["model"]
    ranges = model.feature_ranges_
    low, high = ranges["net_component_size"]
    X = pd.DataFrame({name: [lo, lo, lo] for name, (lo, hi) in ranges.items()})
    X.loc[0, "net_component_size"] = high * 1.3 + 1  # the giant component grew by 30%
    X.loc[1, "net_component_size"] = high + 2.5 * (high - low)  # far beyond: still said
    by_row, _ = out_of_training_range(model, X)
    assert by_row == {1: ["net_component_size"]}


def test_an_age_never_seen_in_training_is_still_marked(scoring_setup):
    # the planted case: an imputed constant birth date makes age encode the as-of date,
    # so scoring a later date gives an age beyond every training age
    model = scoring_setup["model"]
    low, high = model.feature_ranges_["age"]
    X = pd.DataFrame({name: [lo] for name, (lo, hi) in model.feature_ranges_.items()})
    X.loc[0, "age"] = high + 0.2 * (high - low)
    assert out_of_training_range(model, X)[0] == {0: ["age"]}


def test_scoring_the_extract_marks_few_people(scoring_setup):
    """At the extraction date (a later, larger network than any training date) few rows are
    marked; before the tolerance every row was (the giant component outgrew training)."""
    s = scoring_setup
    scored = score_cohort(s["dataset"], s["model"], s["config"], audit=False, explain_top=10)
    marked = len(scored.out_of_range) / len(scored.scores)
    print(f"marked {len(scored.out_of_range)} of {len(scored.scores)} people")
    assert marked < 0.05  # 10 of 638 (1.6%); 638 of 638 before the tolerance
