"""simulate_population(interventions=True): the panel, its tables, and what stays unchanged."""

from __future__ import annotations

import pandas as pd
import pytest
from cli_helpers import run_cli

from vrurisk import ConfigError
from vrurisk.data import load_dataset, simulate_population

ARGS = {"n_people": 2_000, "seed": 4, "years": 3}


@pytest.fixture(scope="module")
def with_panel():
    return simulate_population(**ARGS, interventions=True)


def test_default_output_has_no_interventions_and_the_same_truth_columns():
    plain = simulate_population(**ARGS)
    assert plain.dataset.interventions is None and plain.dataset.lists is None
    assert "programme" not in plain.truth.columns
    assert "interventions" not in plain.parameters


def test_a_programme_with_no_effect_leaves_the_population_exactly_as_it_was():
    plain = simulate_population(**ARGS)
    inert = simulate_population(**ARGS, interventions=True, intervention_effect=0.0)
    for name in ("people", "events", "links"):
        pd.testing.assert_frame_equal(getattr(plain.dataset, name), getattr(inert.dataset, name))
    assert len(inert.dataset.interventions) > 0


def test_panel_tables_follow_the_design(with_panel):
    lists, referrals = with_panel.dataset.lists, with_panel.dataset.interventions
    places = with_panel.parameters["interventions"]["places"]
    assert places == 5  # n_people // 500, at least 5
    assert lists.groupby("list_date")["rank"].max().max() == 3 * places
    assert set(referrals["referral_source"]) <= {"panel", "education", "police"}
    assert referrals["person_id"].is_unique  # referred once at most
    merged = lists.merge(referrals, on="person_id")
    merged = merged[(merged["start_date"] - merged["list_date"]).dt.days.between(0, 13)]
    on_list = merged["rank"] <= merged["places"]
    assert on_list.mean() > 0.6  # mostly from within the places, some from below


def test_truth_records_the_planted_effect(with_panel):
    truth = with_panel.truth
    referred = truth[truth["programme"].notna()]
    assert len(referred) == len(with_panel.dataset.interventions)
    assert set(referred["planted_hazard_reduction"].round(6)) <= {0.0, 0.25}
    engaged = referred[referred["adherent"]]
    # Someone who left the area (moved away or died) before their referral has no hazard left.
    gone = engaged["sv_hazard_12m_untreated"] == 0
    assert (engaged.loc[gone, "sv_hazard_12m_treated"] == 0).all()
    engaged = engaged[~gone]
    assert (engaged["sv_hazard_12m_treated"] < engaged["sv_hazard_12m_untreated"]).all()
    dropped = referred[~referred["adherent"]]
    assert (dropped["sv_hazard_12m_treated"] == dropped["sv_hazard_12m_untreated"]).all()


def test_bad_knob_is_a_config_error():
    with pytest.raises(ConfigError, match="'intervention_effect' must be a number between 0"):
        simulate_population(**ARGS, interventions=True, intervention_effect=1.5)


def test_cli_synth_writes_the_tables(tmp_path):
    out = tmp_path / "synth"
    run = run_cli(
        "synth",
        "--out",
        out,
        "--people",
        1000,
        "--years",
        2,
        "--interventions",
        "--intervention-places",
        3,
        "--format",
        "csv",
    )
    assert run.code == 0, run.err
    dataset = load_dataset(out)
    assert dataset.interventions is not None and set(dataset.lists["places"]) == {3}


def test_cli_synth_refuses_knobs_without_the_flag(tmp_path):
    run = run_cli("synth", "--out", tmp_path / "x", "--people", 1000, "--intervention-effect", 0.5)
    assert run.code == 2 and not (tmp_path / "x").exists()
    assert run.err == (
        "error: --intervention-effect only apply with --interventions (add it, or leave them out)\n"
    )
