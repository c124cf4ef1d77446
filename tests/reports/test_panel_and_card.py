"""Panel pack and model card: the summary holds the facts, the HTML shows them safely."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from panel_helpers import panel_of
from report_manifest import MANIFEST

from vrurisk.evaluation import Explanations, plain_language_reasons
from vrurisk.features import FeatureSpec
from vrurisk.reports._model_card import TO_COMPLETE, model_card_summary, render_model_card
from vrurisk.reports._panel import HOW_TO_USE, render_panel

NAMES = [spec.name for spec in MANIFEST]


@pytest.fixture()
def listed():
    rng = np.random.default_rng(0)
    keys = [f"key{i:02d}" for i in range(12)]
    contributions = pd.DataFrame(rng.normal(size=(12, 3)), index=keys, columns=NAMES)
    contributions.iloc[0] = [1.5, 0.4, -0.1]
    X = pd.DataFrame(rng.poisson(1.0, size=(12, 3)).astype(float), index=keys, columns=NAMES)
    X.iloc[0] = [3.0, 2.0, 15.0]
    ex = Explanations(contributions, -2.0, "lightgbm", "log-odds", contributions.abs().mean(), 12)
    reasons = plain_language_reasons(ex, X, MANIFEST)
    scores = pd.DataFrame(
        {
            "key": keys[::-1],
            "probability": np.linspace(0.01, 0.6, 12),
            "rank": np.arange(12, 0, -1),
            "percentile": np.linspace(0, 100, 12),
        }
    )
    return scores, reasons, ex


def summary_of(listed, **extra):
    scores, reasons, ex = listed
    return panel_of(
        scores,
        reasons,
        ex,
        MANIFEST,
        as_of="2025-06-30",
        cohort_size=12,
        k=5,
        model={"name": "lightgbm(num_leaves=15)", "version": "3"},
        **extra,
    )


def test_panel_summary_lists_the_top_k_in_rank_order_with_reasons_and_bars(listed):
    summary = summary_of(listed)
    people = summary["people"]
    assert [p["rank"] for p in people] == [1, 2, 3, 4, 5]
    first = people[0]
    assert first["key"] == "key00"
    assert first["probability_text"] == "60.0%"
    assert [r["text"] for r in first["reasons"]] == [
        "3 knife possession events in the last 12 months",
        "2 associates were victims of violence in the last 180 days",
        "aged 15",
    ]
    assert [r["direction"] for r in first["reasons"]] == ["raises", "raises", "lowers"]
    bars = first["bars"]
    assert [b["direction"] for b in bars] == ["raises", "raises", "lowers"]
    assert bars[0]["width"] >= bars[1]["width"] >= bars[2]["width"]
    assert all(0 <= b["width"] <= 100 for p in people for b in p["bars"])
    assert summary["k"] == 5 and summary["cohort_size"] == 12


def test_panel_html_is_self_contained_escaped_and_says_how_to_use_it(listed):
    html = render_panel(summary_of(listed, fairness={"n_flagged": 1, "findings": ["<b>x</b>"]}))
    assert html.startswith("<!DOCTYPE html>")
    assert HOW_TO_USE in html
    assert "prompt for professional judgement, not a decision" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert 'id="importance"' in html and "data:image" not in html  # bars in HTML, no images
    assert "<script" not in html
    assert 'src="http' not in html and 'href="http' not in html
    assert html.count('class="key"') == 5
    assert "1 disparity flagged" in html


def test_model_card_summary_fills_the_atrs_fields_it_can(listed):
    card = model_card_summary(
        model={
            "name": "lightgbm(num_leaves=15)",
            "kind": "lightgbm",
            "calibration": "isotonic",
            "config_hash": "abcdef0123456789",
            "trained_on": {"as_of_dates": ["2023-06-30"], "n_rows": 900, "n_positive": 40},
        },
        manifest=MANIFEST,
        data={"source": "demo", "extraction_date": "2025-06-30", "fingerprint": "f" * 64},
        cohort={"min_age": 10, "max_age": 25, "size": 12},
        outcome={"event_types": ["serious_violence"], "roles": ["suspect", "victim"]},
        metrics=[
            {
                "model": "lightgbm",
                "metric": "roc_auc",
                "value": 0.8,
                "ci_low": 0.75,
                "ci_high": 0.85,
            },
            {
                "model": "baseline",
                "metric": "roc_auc",
                "value": 0.7,
                "ci_low": 0.64,
                "ci_high": 0.76,
            },
        ],
        fairness={"n_flagged": 0, "findings": ["No disparity flagged."]},
        sensitive_attributes=["sex", "ethnicity"],
        as_of="2025-06-30",
        k=5,
        ci_level=0.9,
    )
    sections = [section["section"] for section in card["atrs"]]
    assert sections[0] == "Tier 1: overview"
    assert "Tier 2: decision-making process" in sections
    assert "Tier 2: tool specification" in sections
    assert "Tier 2: risks, mitigations and impact assessments" in sections
    fields = {name: value for s in card["atrs"] for name, value in s["fields"]}
    assert "No action follows from the score alone" in fields["Human decisions and review"]
    assert "ROC AUC 0.800 (90% interval 0.750 to 0.850)" in fields["Performance"]
    assert "Intervals are 90% bootstrap intervals." in render_model_card(card)
    assert fields["Senior responsible owner"] == TO_COMPLETE
    assert card["protected"]["inputs"] == []
    assert card["protected"]["policy"].startswith("Protected characteristics are not model inputs")
    html = render_model_card(card)
    assert "age &lt;at&gt; as-of date" in html
    assert card["metric_table"]["models"] == ["lightgbm", "baseline"]
    assert [r["metric"] for r in card["metric_table"]["rows"]] == ["ROC AUC"]
    assert "0.640 to 0.760" in html
    for heading in ("Intended use", "Not for (misuse)", "Limitations", "Performance against"):
        assert heading in html


def test_model_card_warns_when_a_feature_looks_like_a_protected_characteristic():
    spec = FeatureSpec("ethnicity_black", "individual", "ethnicity", "{value}")
    card = model_card_summary(
        model={"name": "m"},
        manifest=[spec],
        data={},
        cohort={},
        outcome={},
        sensitive_attributes=["ethnicity"],
    )
    assert card["protected"]["inputs"] == ["ethnicity_black"]
    assert card["protected"]["policy"].startswith("WARNING")
    assert "No evaluation metrics were recorded" in render_model_card(card)
