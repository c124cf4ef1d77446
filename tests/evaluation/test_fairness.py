"""The bias audit: hand-computed rates, reference groups, verdicts, intervals and input errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from fairness_helpers import random_scores
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vrurisk import ConfigError, DataValidationError
from vrurisk.evaluation import BiasAudit, FairnessConfig, audit_scores, top_k_flags
from vrurisk.evaluation._fairness_metrics import bootstrap_rates, percentile_interval, ratio_draws

# Group A: tp=2 fn=1 fp=1 tn=2; group B: tp=0 fn=1 fp=2 tn=1 (flag = score >= 0.5).
HAND = pd.DataFrame(
    {
        "score": [0.9, 0.8, 0.2, 0.7, 0.1, 0.3, 0.4, 0.6, 0.9, 0.1],
        "outcome": [1, 1, 1, 0, 0, 0, 1, 0, 0, 0],
        "on_list": [1, 1, 0, 1, 0, 0, 0, 1, 1, 0],
        "group": list("AAAAAABBBB"),
    }
)
LENIENT = {"min_group_size": 1, "min_denominator": 1, "sensitive_attributes": ["group"]}


def _row(audit: BiasAudit, group: str, point: str | None = None) -> dict:
    rows = audit.groups[audit.groups["group"] == group]
    if point is not None:
        rows = rows[rows["operating_point"] == point]
    return rows.iloc[0].to_dict()


def test_rates_match_hand_computed_values():
    config = FairnessConfig(**LENIENT, thresholds=[0.5])
    audit = audit_scores(
        HAND, score_col="score", label_col="outcome", flag="on_list", config=config
    )
    assert [p.name for p in audit.operating_points] == ["on_list flagged", "score >= 0.5"]
    for point in ("on_list flagged", "score >= 0.5"):
        a, b = _row(audit, "A", point), _row(audit, "B", point)
        assert (a["n"], b["n"]) == (6, 4)
        assert a["selection_rate"] == pytest.approx(0.5)
        assert a["false_positive_rate"] == pytest.approx(1 / 3)
        assert a["false_negative_rate"] == pytest.approx(1 / 3)
        assert a["precision"] == pytest.approx(2 / 3)
        assert a["base_rate"] == pytest.approx(0.5)
        assert a["mean_score"] == pytest.approx(0.5)
        assert b["selection_rate"] == pytest.approx(0.5)
        assert b["false_positive_rate"] == pytest.approx(2 / 3)
        assert b["false_negative_rate"] == pytest.approx(1.0)
        assert b["precision"] == pytest.approx(0.0)
        assert b["base_rate"] == pytest.approx(0.25)
    overall = audit.overall.iloc[0]
    assert overall["selection_rate"] == pytest.approx(0.5)
    assert overall["false_positive_rate"] == pytest.approx(0.5)
    assert overall["false_negative_rate"] == pytest.approx(0.5)
    assert overall["precision"] == pytest.approx(0.4)
    assert overall["n_flagged"] == 5
    ratio = audit.disparities.set_index(["operating_point", "metric"]).loc[
        ("score >= 0.5", "false_positive_rate")
    ]
    assert ratio["group"] == "B" and ratio["reference"] == "A"
    assert ratio["ratio"] == pytest.approx(2.0)
    assert ratio["denominator"] == 3 and ratio["reference_denominator"] == 3
    assert ratio["ci_low"] < 2.0 < ratio["ci_high"]


def test_intervals_contain_the_rate_and_are_reproducible():
    config = FairnessConfig(**LENIENT, thresholds=[0.5], seed=3)
    first = audit_scores(HAND, score_col="score", label_col="outcome", config=config)
    again = audit_scores(HAND, score_col="score", label_col="outcome", config=config)
    pd.testing.assert_frame_equal(first.disparities, again.disparities)
    rows = first.groups
    for metric in ("selection_rate", "false_positive_rate", "precision"):
        assert (rows[f"{metric}_low"] <= rows[f"{metric}_high"]).all()


def test_reference_group_defaults_to_largest_and_can_be_configured():
    frame = pd.DataFrame(
        {
            "score": np.linspace(0, 1, 90),
            "outcome": [0, 1] * 45,
            "eth": ["White"] * 50 + ["Black"] * 30 + ["Asian"] * 10,
        }
    )
    base = {"sensitive_attributes": ["eth"], "top_k": [20], "min_group_size": 5}
    audit = audit_scores(
        frame, score_col="score", label_col="outcome", config=FairnessConfig(**base)
    )
    assert set(audit.disparities["reference"]) == {"White"}
    assert audit.groups.set_index("group")["is_reference"].to_dict() == {
        "Asian": False,
        "Black": False,
        "White": True,
    }
    chosen = FairnessConfig(**base, reference_groups={"eth": "Black"})
    audit = audit_scores(frame, score_col="score", label_col="outcome", config=chosen)
    assert set(audit.disparities["reference"]) == {"Black"}
    assert set(audit.disparities["group"]) == {"Asian", "White"}


def test_tied_largest_groups_pick_the_first_name():
    frame = pd.DataFrame({"s": [0.1, 0.2, 0.3, 0.4], "y": [0, 1, 0, 1], "g": list("bbaa")})
    config = FairnessConfig(sensitive_attributes=["g"], top_k=[2], min_group_size=1)
    audit = audit_scores(frame, score_col="s", label_col="y", config=config)
    assert set(audit.disparities["reference"]) == {"a"}


def test_unknown_reference_group_is_an_error():
    config = FairnessConfig(**LENIENT, thresholds=[0.5], reference_groups={"group": "C"})
    with pytest.raises(DataValidationError) as info:
        audit_scores(HAND, score_col="score", label_col="outcome", config=config)
    assert str(info.value) == (
        "fairness.reference_groups.group is 'C', which is not a group in the data; "
        "groups: ['A', 'B']"
    )


def test_small_groups_get_a_warning_instead_of_a_verdict():
    frame = random_scores(0, 400, ["White"] * 380 + ["Other"] * 20)
    config = FairnessConfig(sensitive_attributes=["eth"], top_k=[100], min_group_size=30)
    audit = audit_scores(frame, score_col="score", label_col="outcome", config=config)
    other = audit.disparities[audit.disparities["group"] == "Other"]
    assert set(other["verdict"]) == {"small group"}
    assert bool(_row(audit, "Other")["small_group"])
    assert audit.warnings == [
        "eth: 1 group has fewer than 30 people and gets a warning instead of a verdict: Other."
    ]


def test_a_small_reference_group_blocks_every_verdict():
    frame = pd.DataFrame(
        {"s": np.linspace(0, 1, 40), "y": [0, 1] * 20, "g": ["a"] * 20 + ["b"] * 20}
    )
    config = FairnessConfig(sensitive_attributes=["g"], top_k=[10], min_group_size=25)
    audit = audit_scores(frame, score_col="s", label_col="y", config=config)
    assert set(audit.disparities["verdict"]) == {"small group"}
    assert audit.warnings[0].startswith("g: the reference group a has fewer than 25 people")


def _two_group_frame(n: int, rate_a: float, rate_b: float, seed: int = 0) -> pd.DataFrame:
    """Group a is flagged at rate_a and b at rate_b; outcomes independent of flags."""
    rng = np.random.default_rng(seed)
    flags = np.r_[rng.random(n) < rate_a, rng.random(n) < rate_b]
    return pd.DataFrame(
        {
            "flag": flags,
            "outcome": rng.integers(0, 2, 2 * n),
            "score": rng.random(2 * n),
            "g": ["a"] * n + ["b"] * n,
        }
    )


def test_a_large_disparity_is_flagged_and_equal_rates_are_within_band():
    config = FairnessConfig(sensitive_attributes=["g"], intersections=False)
    unequal = _two_group_frame(3000, 0.10, 0.25)
    audit = audit_scores(
        unequal, score_col="score", label_col="outcome", flag="flag", config=config
    )
    row = audit.disparities.set_index("metric").loc["selection_rate"]
    assert row["verdict"] == "flagged" and row["ci_low"] > 1.25
    assert "selection_rate" in set(audit.flags["metric"])
    assert audit.findings[0].startswith("2 disparities flagged") or audit.findings[0][0].isdigit()
    equal = _two_group_frame(20000, 0.5, 0.5, seed=1)
    audit = audit_scores(equal, score_col="score", label_col="outcome", flag="flag", config=config)
    assert set(audit.disparities["verdict"]) == {"within band"}
    assert audit.flags.empty
    assert audit.findings[0].startswith("No disparity flagged")


def test_ratio_interval_coverage_is_close_to_nominal():
    """Over many simulated samples the 95% ratio interval covers the true ratio ~95% of the time."""
    rng = np.random.default_rng(42)
    p_ref, p_group, n, reps = 0.2, 0.3, 150, 400
    covered = 0
    for rep in range(reps):
        cells = []
        for p in (p_group, p_ref):
            x = rng.binomial(n, p)
            cells.append(pd.Series({"tp": x, "fp": 0, "fn": n - x, "tn": 0}))
        draws = [
            bootstrap_rates(c, 1000, seed=rep, key=k)["selection_rate"]
            for c, k in zip(cells, ("g", "r"), strict=True)
        ]
        low, high = percentile_interval(ratio_draws(*draws), 0.95)
        covered += low <= p_group / p_ref <= high
    assert 0.92 <= covered / reps <= 0.99


def test_a_rate_without_events_is_not_a_certain_disparity():
    """0 false positives out of 25 against 3 out of 45 is no evidence of a disparity.

    A resampling bootstrap would give the ratio the interval [0, 0] and flag it; here the
    interval is honest and, with about one false positive expected in the small group, the
    comparison is not judged at all.
    """
    frame = pd.DataFrame(
        {
            "flag": [False] * 25 + [True] * 3 + [False] * 47,
            "outcome": [0] * 28 + [1] * 5 + [0] * 42,
            "score": 0.0,
            "g": ["small"] * 25 + ["big"] * 50,
        }
    )
    config = FairnessConfig(sensitive_attributes=["g"], min_group_size=20, min_denominator=10)
    audit = audit_scores(frame, score_col="score", label_col="outcome", flag="flag", config=config)
    fpr = audit.disparities.set_index("metric").loc["false_positive_rate"]
    assert fpr["ratio"] == 0.0
    assert fpr["ci_low"] == pytest.approx(0.0, abs=0.01) and fpr["ci_high"] > 0.8
    assert fpr["verdict"] == "too few expected"


def test_current_list_takes_selection_from_current_and_errors_from_closed_window():
    closed = HAND
    current = pd.DataFrame(
        {"score": [0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1], "group": list("AAAABBBB")}
    )
    config = FairnessConfig(**LENIENT, thresholds=[0.5])
    audit = audit_scores(
        closed,
        score_col="score",
        label_col="outcome",
        config=config,
        current=current,
        as_of="2026-10-01",
        outcome_as_of="2025-10-01",
    )
    a, b = _row(audit, "A"), _row(audit, "B")
    assert (a["n_current"], b["n_current"], a["n"], b["n"]) == (4, 4, 6, 4)
    assert a["selection_rate"] == pytest.approx(0.75)
    assert b["selection_rate"] == pytest.approx(0.0)
    assert a["false_positive_rate"] == pytest.approx(1 / 3)
    assert b["false_positive_rate"] == pytest.approx(2 / 3)
    windows = audit.to_dict()["windows"]
    assert windows == {
        "selection_rate": "the current list (as of 2026-10-01)",
        "error_rates": "the latest list whose outcome window has closed (as of 2025-10-01)",
    }
    sources = audit.disparities.set_index("metric")["window"].to_dict()
    assert sources["selection_rate"] == "selection"
    assert sources["false_positive_rate"] == "outcome"
    assert any("current list (as of 2026-10-01)" in f for f in audit.findings)


def _sex_eth_frame(n=600, seed=5):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "score": rng.random(n),
            "outcome": rng.integers(0, 2, n),
            "sex": rng.choice(["F", "M"], n, p=[0.4, 0.6]),
            "eth": rng.choice(["White", "Black"], n, p=[0.7, 0.3]),
        }
    )


def test_intersections_compare_within_the_other_attribute():
    """F & Black is compared with F & White (ethnicity within sex), not with M & White."""
    frame = _sex_eth_frame()
    config = FairnessConfig(sensitive_attributes=["sex", "eth"], top_k=[100])
    audit = audit_scores(frame, score_col="score", label_col="outcome", config=config)
    assert audit.attributes == ["sex", "eth", "sex & eth"]
    cross = audit.groups[audit.groups["attribute"] == "sex & eth"]
    assert set(cross["group"]) == {"F & White", "F & Black", "M & White", "M & Black"}
    assert set(cross.loc[cross["is_reference"], "group"]) == {"F & White", "M & White"}
    assert cross["n"].sum() == len(frame)
    rows = audit.disparities[audit.disparities["attribute"] == "sex & eth"]
    assert dict(zip(rows["group"], rows["reference"], strict=True)) == {
        "F & Black": "F & White",
        "M & Black": "M & White",
    }
    assert any(
        "in sex & eth, each cell is compared with the cell of the same sex and the reference "
        "eth (eth within sex)" in f
        for f in audit.findings
    )


def test_intersections_can_audit_another_attribute_or_use_one_fixed_cell():
    frame = _sex_eth_frame()
    base = {"sensitive_attributes": ["sex", "eth"], "top_k": [100]}
    by_sex = FairnessConfig(**base, intersection_audited={"sex & eth": "sex"})
    audit = audit_scores(frame, score_col="score", label_col="outcome", config=by_sex)
    rows = audit.disparities[audit.disparities["attribute"] == "sex & eth"]
    assert dict(zip(rows["group"], rows["reference"], strict=True)) == {
        "F & Black": "M & Black",
        "F & White": "M & White",
    }
    fixed = FairnessConfig(**base, reference_groups={"sex & eth": "M & White"})
    audit = audit_scores(frame, score_col="score", label_col="outcome", config=fixed)
    rows = audit.disparities[audit.disparities["attribute"] == "sex & eth"]
    assert set(rows["reference"]) == {"M & White"} and len(set(rows["group"])) == 3
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="intersection_audited.sex & eth is 'age'"):
        FairnessConfig(**base, intersection_audited={"sex & eth": "age"})


def test_missing_sensitive_values_form_their_own_group():
    frame = HAND.assign(group=["A", None, "A", "A", "A", "A", "B", "B", "B", None])
    config = FairnessConfig(**LENIENT, thresholds=[0.5])
    audit = audit_scores(frame, score_col="score", label_col="outcome", config=config)
    assert "(missing)" in set(audit.groups["group"])


def test_to_dict_is_strict_json_with_findings():
    config = FairnessConfig(**LENIENT, thresholds=[0.5])
    summary = audit_scores(HAND, score_col="score", label_col="outcome", config=config).to_dict()
    text = json.dumps(summary, allow_nan=False)
    back = json.loads(text)
    assert back["findings"] and isinstance(back["findings"][0], str)
    assert back["config"]["disparity_band"] == [0.8, 1.25]
    assert {"groups", "disparities", "overall", "calibration", "windows", "flags"} <= set(back)


def test_top_k_flags_exactly_k_and_breaks_ties_by_seeded_shuffle():
    scores = np.array([5, 3, 3, 3, 3, 1, 0, 3])
    flags = top_k_flags(scores, 3, seed=0)
    assert flags.sum() == 3 and flags[0]
    assert not flags[5] and not flags[6]
    assert (flags == top_k_flags(scores, 3, seed=0)).all()
    tied = np.zeros(1000)
    chosen = np.flatnonzero(top_k_flags(tied, 100, seed=1))
    assert chosen.max() > 500  # not simply the first rows of the table


def test_banded_scores_flag_by_value_and_need_not_be_numeric():
    frame = pd.DataFrame(
        {
            "band": ["Low", "High", "Medium", "Low", "High", "Medium"],
            "y": [0, 1, 0, 0, 1, 1],
            "g": list("aaabbb"),
        }
    )
    config = FairnessConfig(**{**LENIENT, "sensitive_attributes": ["g"]})
    audit = audit_scores(
        frame, score_col="band", label_col="y", flag_values=["Medium", "High"], config=config
    )
    assert audit.operating_points[0].name == "band in {Medium, High}"
    assert audit.overall.iloc[0]["n_flagged"] == 4
    assert math.isnan(audit.overall.iloc[0]["mean_score"])
    assert list(audit.calibration.drop_duplicates("bin")["bin_label"]) == ["Low", "Medium", "High"]


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        (
            lambda f: f.drop(columns="outcome"),
            {},
            "scores: column(s) ['outcome'] not found; the table has: score, on_list, group",
        ),
        (
            lambda f: f.rename(columns={"outcome": "outcomes"}),
            {},
            "scores: column(s) ['outcome'] not found (did you mean 'outcome' -> 'outcomes'?)",
        ),
        (
            lambda f: f.assign(outcome=[0, 1, 2] + [0] * 7),
            {},
            "scores: column 'outcome' must be binary (0/1 or true/false); found values "
            "['0', '1', '2']",
        ),
        (
            lambda f: f.assign(score=["x"] + [0.5] * 9),
            {},
            "scores: column 'score' must hold numeric scores for top-k or threshold operating "
            "points; 1 value(s) are not numbers: 'x'",
        ),
        (
            lambda f: f.assign(outcome=[None] + [0] * 9),
            {},
            "scores: column 'outcome' has 1 missing value(s) (rows 0)",
        ),
        (lambda f: f.iloc[:0], {}, "scores: no rows to audit"),
    ],
)
def test_bad_input_raises_one_line_errors(change, kwargs, message):
    config = FairnessConfig(**LENIENT, top_k=[3])
    with pytest.raises(DataValidationError) as info:
        audit_scores(change(HAND), score_col="score", label_col="outcome", config=config, **kwargs)
    assert str(info.value) == message


def test_config_errors():
    with pytest.raises(ConfigError) as info:
        audit_scores(HAND, score_col="score", label_col="outcome", config=FairnessConfig(**LENIENT))
    assert str(info.value) == (
        "no operating point: give flag values, a flag column, or fairness.top_k / "
        "fairness.thresholds"
    )
    with pytest.raises(ConfigError) as info:
        audit_scores(
            HAND,
            score_col="score",
            label_col="outcome",
            config=FairnessConfig(**LENIENT, top_k=[11]),
        )
    assert str(info.value) == "fairness.top_k value 11 is larger than the 10 rows of scores"


def test_fairness_config_rejects_bad_values():
    from pydantic import ValidationError

    for bad in (
        {"disparity_band": (1.1, 2.0)},
        {"reference_groups": {"age": "20"}},
        {"unknown": 1},
        {"top_k": [0]},
        {"sensitive_attributes": ["sex", "sex"]},
        {"ci_level": 1.5},
    ):
        with pytest.raises(ValidationError):
            FairnessConfig(**bad)
    assert FairnessConfig(reference_groups={"sex & ethnicity": "M & White"}).reference_groups


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(5, 120),
    k=st.integers(1, 5),
    groups=st.integers(1, 4),
    seed=st.integers(0, 10_000),
)
def test_any_table_gives_a_consistent_audit(n, k, groups, seed):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "score": rng.integers(0, 4, n).astype(float),
            "y": rng.integers(0, 2, n),
            "g": rng.choice([f"g{i}" for i in range(groups)], n),
        }
    )
    config = FairnessConfig(sensitive_attributes=["g"], top_k=[min(k, n)], min_group_size=3)
    audit = audit_scores(frame, score_col="score", label_col="y", config=config)
    assert audit.overall.iloc[0]["n_flagged"] == min(k, n)
    assert audit.groups["n"].sum() == n
    band_low, band_high = config.disparity_band
    for row in audit.disparities.to_dict(orient="records"):
        if row["verdict"] == "flagged":
            assert row["ci_high"] < band_low or row["ci_low"] > band_high
        if row["verdict"] == "within band":
            assert band_low <= row["ci_low"] <= row["ci_high"] <= band_high
    json.dumps(audit.to_dict(), allow_nan=False)


def test_current_list_of_banded_scores_needs_no_numbers():
    closed = pd.DataFrame(
        {"band": ["High", "Low", "High", "Low"] * 5, "y": [1, 0, 0, 0] * 5, "g": list("ab") * 10}
    )
    current = pd.DataFrame({"band": ["High", "High", "Low", "Low"] * 3, "g": list("aabb") * 3})
    config = FairnessConfig(sensitive_attributes=["g"], min_group_size=1, min_denominator=1)
    audit = audit_scores(
        closed,
        score_col="band",
        label_col="y",
        flag_values=["High"],
        config=config,
        current=current,
    )
    rows = audit.groups.set_index("group")
    assert rows.loc["a", "selection_rate"] == pytest.approx(1.0)
    assert rows.loc["b", "selection_rate"] == pytest.approx(0.0)
    assert rows.loc["a", "false_positive_rate"] == pytest.approx(1.0)  # a's past list: all High
    assert rows.loc["b", "false_positive_rate"] == pytest.approx(0.0)
    assert rows.loc["a", "n_current"] == 6 and rows.loc["a", "n"] == 10
