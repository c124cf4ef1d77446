"""What works: a planted effect is recovered, the naive comparison is biased, samples are honest."""

from __future__ import annotations

import pandas as pd
import pytest

from vrurisk import DataValidationError
from vrurisk.features import OutcomeConfig
from vrurisk.whatworks import build_sample, evaluate_programme, planted_effect

VIOLENCE = OutcomeConfig(event_types=("serious_violence", "violence"))
#: A strong programme (60% lower violence hazards for 12 months, everyone engages) in 10,000
#: people: about 4 seconds to simulate and 3-6 to evaluate (plus importing rdrobust). One
#: seed is not a coverage claim: benchmarks/what_works.py measures coverage over ten seeds at
#: 20,000 people.
STRONG = {
    "n_people": 10_000,
    "seed": 1,
    "interventions": True,
    "intervention_effect": 0.6,
    "intervention_months": 12,
    "intervention_adherence": 1.0,
}


@pytest.fixture(scope="module")
def strong():
    from vrurisk.data import simulate_population

    population = simulate_population(**STRONG)
    return population, evaluate_programme(population.dataset, "mentoring", VIOLENCE)


def test_planted_effect_is_recovered_and_the_naive_comparison_is_biased_upwards(strong):
    population, result = strong
    rd = result.estimate("regression_discontinuity")
    dr = result.estimate("doubly_robust")
    naive = result.estimate("naive")
    truth = planted_effect(result.rows, population.truth)["risk_difference"]
    truth_near = planted_effect(result.rows, population.truth, near=rd.details["bandwidth"])
    assert truth < -0.03  # the programme prevents violence among the referred
    assert dr.ci_low <= truth <= dr.ci_high and dr.ci_high < 0
    assert rd.ci_low <= truth_near["risk_difference"] <= rd.ci_high
    assert naive.estimate > truth  # the referred were at higher risk
    assert naive.biased and not dr.biased and not rd.biased
    assert rd.details["first_stage"]["jump_in_referral_rate"] > 0.4


def test_weighting_balances_what_is_recorded(strong):
    _, result = strong
    balance = result.balance.set_index("feature")
    assert balance.loc["on_list", "smd_before"] > 1
    assert balance["smd_after"].abs().max() < 0.15


def test_the_sample_says_what_it_left_out(strong):
    population, result = strong
    counts = result.sample
    assert (
        counts["lists"] + counts["lists_not_closed"]
        == population.dataset.lists["list_date"].nunique()
    )
    assert counts["lists_not_closed"] == 11  # lists of the last 365 days have no closed outcome
    assert counts["referrals_outside_lists"] > 0
    assert any("did not come from a list" in w for w in result.warnings)
    assert not result.rows["list_date"].gt(pd.Timestamp("2024-12-31")).any()


def test_unknown_programme_and_missing_tables(small_population, strong):
    population, _ = strong
    with pytest.raises(DataValidationError, match=r"programme 'yoga' is not in the interventions"):
        build_sample(population.dataset, "yoga", VIOLENCE)
    with pytest.raises(DataValidationError, match="no interventions table"):
        build_sample(small_population.dataset, "mentoring", VIOLENCE)
    no_lists = population.dataset.with_tables()
    object.__setattr__(no_lists, "lists", None)
    with pytest.raises(DataValidationError, match="no lists table"):
        build_sample(no_lists, "mentoring", VIOLENCE)


def test_no_closed_list_is_said_out_loud(strong):
    population, _ = strong
    with pytest.raises(DataValidationError, match="no list has a closed outcome window"):
        build_sample(population.dataset, "mentoring", OutcomeConfig(horizon_days=3000))
