"""Reasons a panel can read (issue 12, item 3): feature families on a real scored list."""

from __future__ import annotations

import re

import numpy as np
import pytest
from panel_helpers import scored_panel

from vrurisk.evaluation import family_contributions
from vrurisk.features import FAMILIES, FeatureSpec, feature_family
from vrurisk.reports._panel import panel_label, render_panel
from vrurisk.scoring import score_cohort


@pytest.fixture(scope="module")
def scored(scoring_setup):
    s = scoring_setup
    return score_cohort(s["dataset"], s["model"], s["config"], explain_top=60, panel_k=50)


def test_family_contributions_add_up_to_the_model_output(scored):
    ex = scored.explanations
    families = family_contributions(ex.contributions, scored.manifest)
    assert set(families.columns) <= set(FAMILIES)
    np.testing.assert_allclose(
        families.sum(axis=1), ex.contributions.sum(axis=1), rtol=0, atol=1e-9
    )
    # with the base value: the model's raw margin, which explain() checks against the model
    np.testing.assert_allclose(families.sum(axis=1) + ex.base_value, ex.raw_margin, atol=1e-9)


def test_top_50_main_reasons_never_give_a_lowering_family_unless_nothing_raises(scored):
    summary = scored_panel(
        scored,
        reason_scale=scored.reason_scale,
        reference=scored.audit_table,
    )
    assert len(summary["people"]) == 50
    for person in summary["people"]:
        raising = [f for f in person["families"] if f["direction"] == "raises"]
        directions = {r["direction"] for r in person["main"]}
        assert person["main"], person["key"]
        if raising:
            assert directions == {"raises"}, person["key"]
            assert person["main"][0]["label"] == raising[0]["label"]
        else:
            assert directions == {"lowers"}, person["key"]
        assert all(len(f["features"]) <= 6 for f in person["families"])
        assert person["similar"]["n"] == min(50, len(scored.audit_table))
    html = render_panel(summary)
    assert "<details" in html and "Challenging a record" in html
    assert "3650 if none" not in html and not re.search(r"\d if none", html)


def test_families_of_the_shipped_feature_names():
    cases = {
        ("count_serious_violence_suspect_365d", "individual"): "own_violence",
        ("days_since_violence_victim", "individual"): "own_violence",
        ("trend_drug_supply_suspect", "individual"): "knife_drugs",
        ("count_missing_episode_all", "individual"): "vulnerability",
        ("count_any_90d", "individual"): "agency_contact",
        ("count_made_up_type_90d", "individual"): "other_records",
        ("net_assoc_violence_victim_365d", "network"): "associates",
        ("net_hops_to_victim_365d", "network"): "associates",
        ("net_degree", "network"): "network_position",
        ("stage1_neighbour_risk_weighted_sum", "stage1"): "associates",
        ("place_area_violence_rate_365d", "place"): "place",
    }
    for (name, group), family in cases.items():
        assert feature_family(FeatureSpec(name, group, "", "")) == family, name


def test_panel_labels_drop_sentinel_values():
    assert panel_label(
        "days since the last stop and search; 3650 if none in the last 10 years"
    ) == ("days since the last stop and search")
    assert panel_label("age in years at the first recorded event (current age if none)") == (
        "age in years at the first recorded event (current age if none)"
    )


def test_scores_csv_reasons_are_the_panels_family_reasons(scored):
    """scores.csv gives families (like the panel), not collinear features pulling apart."""
    from vrurisk.evaluation import main_families

    families = family_contributions(scored.explanations.contributions, scored.manifest)
    labels = set(FAMILIES.values())
    explained = scored.scores.head(scored.n_explained)
    for row in explained.head(20).itertuples(index=False):
        main = main_families(
            families.loc[row.key], scale=scored.reason_scale, units=scored.explanations.units
        )
        expected = [f"{m['label']}: {m['direction']} risk ({m['strength']})" for m in main]
        got = [r for r in (row.reason_1, row.reason_2, row.reason_3) if r]
        assert got == expected[:3], row.key
        assert all(r.split(": ")[0] in labels for r in got)
    # the feature-level detail is kept in the bundle's reasons table
    assert {"key", "rank", "family", "feature", "reason", "direction", "strength"} <= set(
        scored.reasons_detail.columns
    )
    assert set(scored.reasons_detail["key"]) == set(explained["key"])


def test_records_behind_a_reason_show_source_type_and_date(scored):
    """Each listed person's main reasons carry their own records: agency, event type, date."""
    html_summary = scored_panel(
        scored,
        reason_scale=scored.reason_scale,
        records=scored.records,
    )
    listed = set(scored.scores.head(50)["key"])
    assert set(scored.records) <= listed and len(scored.records) >= 40
    shown = 0
    for person in html_summary["people"]:
        for reason in person["main"]:
            for record in reason.get("records", []):
                assert set(record) >= {"date", "source", "event_type"}
                assert record["date"] < str(scored.as_of.date())
                shown += 1
            if reason["family"] in ("own_violence", "knife_drugs") and reason.get("records"):
                types = {r["event_type"] for r in reason["records"]}
                assert types <= {
                    "serious violence",
                    "violence",
                    "ae assault",
                    "knife possession",
                    "drug supply",
                    "drug possession",
                }
    assert shown > 50
    html = render_panel(html_summary)
    assert 'class="records"' in html
    # the network pictures stay free of dates
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        assert not re.search(r"\d{4}-\d{2}-\d{2}", svg)


def test_panel_pack_stays_small(scored):
    """50 listed people, every family and feature one click away, their records and network
    pictures: under 9 KB per person (it was 27 KB on the demo before the bars and pictures
    were made compact and the PNG chart became HTML bars)."""
    summary = scored_panel(
        scored,
        reason_scale=scored.reason_scale,
        records=scored.records,
        networks=scored.networks,
    )
    html = render_panel(summary)
    assert len(html.encode()) < 50 * 9_000, len(html.encode())
