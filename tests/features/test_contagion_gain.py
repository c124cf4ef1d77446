"""Network features recover part of the contagion planted in the synthetic population.

With risk homophily off (``risk_homophily=0``: ties say nothing about one's own latent risk), the
only risk the network carries is what the ``contagion`` knob puts there: the hazard multiplier
from exposure to associates' violence, street groups' peer influence, and being drawn into
associates' incidents. ``benchmarks/synth_world.py contagion`` prints the full table (0, half,
default, double on seeds 0-2, 100,000 people; README "Contagion that can be shown"); this test
runs its own code at one setting, the default strength on seed 0, 100,000 people.

Measured 2026-11-29 (100,000 people, seed 0, default contagion; LightGBM predictions averaged
over three random states; 37,516 test rows, 1,369 positives): individual features 0.785, with
network features 0.796 (gain +0.011); the ceiling, individual features plus the generator's true
contagion exposure of each person, is only +0.0195. Issue 14's must-show (at least +0.02 at the
default on every seed) is above what even the true exposure adds here, so it is kept below as an
expected failure with these figures.
"""

from __future__ import annotations

import pytest
from benchmark_helpers import load_benchmark

from vrurisk.data import simulate_population

WORLD = load_benchmark("synth_world")


@pytest.fixture(scope="module")
def default_world():
    population = simulate_population(
        100_000, seed=0, contagion=1.0, risk_homophily=0.0, keep_hazard=True
    )
    return WORLD.network_gain(population.dataset, seed=0, population=population)


@pytest.mark.slow
def test_network_features_see_the_contagion_at_the_default_strength(default_world):
    # Measured +0.011 (ceiling +0.0195): the features recover about half of what the true
    # exposure adds. Margin: half the measured gain.
    assert default_world["gain"] > 0.005
    assert default_world["ceiling"] > default_world["gain"]


@pytest.mark.slow
@pytest.mark.xfail(
    strict=False,
    reason="issue 14's must-show is not met: at the default contagion the network features add "
    "+0.011 AUC (100,000 people, seed 0) and even the true contagion exposure adds only +0.0195; "
    "see README 'Contagion that can be shown'",
)
def test_network_features_raise_auc_by_002_at_the_default_contagion(default_world):
    assert default_world["gain"] >= 0.02
