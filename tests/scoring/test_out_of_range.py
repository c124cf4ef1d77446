"""Scoring says (and the panel marks) features outside the training range (issue 11, trap 7)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vrurisk.models._risk_model import out_of_training_range
from vrurisk.reports import panel_summary
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
    summary = panel_summary(
        scored.scores,
        scored.reasons,
        scored.explanations.contributions,
        global_importance=scored.explanations.global_importance,
        manifest=scored.manifest,
        as_of="2025-12-31",
        cohort_size=len(scored.scores),
        k=5,
        out_of_range={top: [feature]},
    )
    first = summary["people"][0]
    # the panel names the feature in words (its label), never by its column name
    spec = next(spec for spec in scored.manifest if spec.name == feature)
    assert first["out_of_range"] == [panel_label(spec.description)]
    assert [r["out_of_range"] for r in first["reasons"]][0] is True
    assert not any(r["out_of_range"] for p in summary["people"][1:] for r in p["reasons"])
    assert isinstance(scored.out_of_range, dict) and np.isfinite(len(scored.warnings))
