"""What a panel or governance board reads: real outcome words, readable axes, right plurals."""

from __future__ import annotations

import numpy as np
import pytest
from fairness_helpers import random_scores

from vrurisk.evaluation import FairnessConfig, audit_scores
from vrurisk.reports import render_bias_audit


@pytest.fixture(scope="module")
def audit():
    groups = lambda rng, n: rng.choice(["F", "M"], n)  # noqa: E731
    frame = random_scores(3, 2000, groups, names=("risk", "reoffended", "sex"))
    config = FairnessConfig(sensitive_attributes=["sex"], top_k=[20], bootstrap_samples=200)
    return audit_scores(frame, score_col="risk", label_col="reoffended", config=config)


def test_bias_audit_header_names_the_outcome(audit):
    html = render_bias_audit(audit)
    assert "Outcome: <strong>the column &#39;reoffended&#39; (1: had the outcome)</strong>" in html
    assert "Score: the column &#39;risk&#39;" in html
    html = render_bias_audit(
        audit,
        outcome="serious violence (as a suspect or victim) within 12 months of the list date",
        score="the model's estimated probability of the outcome",
    )
    assert (
        "Outcome: <strong>serious violence (as a suspect or victim) within 12 months of the "
        "list date</strong>" in html
    )
    assert "<strong>outcome</strong>." not in html


def test_model_card_says_cohort_and_outcome_in_words():
    from vrurisk.reports._model_card import model_card_summary, render_model_card

    summary = model_card_summary(
        model={"name": "lightgbm"},
        manifest=[],
        data={},
        cohort={"min_age": 10.0},
        outcome={"horizon_days": 365},
        cohort_words="4,238 people scored: aged 10 to 25, with a record in the last 2 years",
        outcome_words="serious violence (as a suspect or victim) within 12 months",
    )
    html = render_model_card(summary)
    assert "4,238 people scored: aged 10 to 25, with a record in the last 2 years" in html
    assert "serious violence (as a suspect or victim) within 12 months" in html
    assert "config: horizon_days: 365" in html


def test_rate_axes_fit_the_data_from_zero():
    from vrurisk.reports._bias_audit import rate_axis_top

    top = rate_axis_top(np.array([0.008, 0.015, np.nan, 0.011]))
    assert 0.015 < top < 0.02  # 0.8% and 1.5% are told apart, not both squashed at 0
    assert rate_axis_top(np.array([0.4, 0.97])) == 1.0
    assert rate_axis_top(np.array([0.0, np.nan])) == 0.01


def test_findings_use_proper_plurals(audit):
    text = " ".join(audit.findings + audit.warnings)
    assert "(s)" not in text and "(ies)" not in text
    assert audit.findings[0].endswith("operating point: top 20.")
    html = render_bias_audit(audit)
    assert "Operating point: <strong>top 20</strong>." in html


def test_atrs_performance_reports_this_model_not_another_candidate():
    from vrurisk.reports._model_card import model_card_summary

    metrics = [
        {"model": m, "metric": "roc_auc", "value": v, "ci_low": v - 0.03, "ci_high": v + 0.03}
        for m, v in (("lightgbm", 0.81), ("logistic_regression", 0.79), ("baseline", 0.66))
    ]
    summary = model_card_summary(
        model={"name": "logistic_regression"},
        manifest=[],
        data={},
        cohort={},
        outcome={},
        metrics=metrics,
        ci_level=0.9,
    )
    fields = dict(field for section in summary["atrs"] for field in section["fields"])
    assert fields["Performance"] == (
        "ROC AUC 0.790 (90% interval 0.760 to 0.820); risk-factor-count baseline ROC AUC 0.660"
    )


def test_probability_scores_read_as_percentages(audit):
    labels = audit.calibration.drop_duplicates("bin")["bin_label"].tolist()
    assert all(label.endswith("%") and " to " in label for label in labels)
    html = render_bias_audit(audit)
    assert "<td>0.500</td>" not in html and "<td>0.501</td>" not in html
