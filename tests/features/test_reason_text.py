"""Reasons read as plain English: right plurals, durations in natural units, no column names."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vrurisk._text import duration_words, plural
from vrurisk.features import FeatureConfig, FeatureSpec
from vrurisk.features.blocks import FeatureContext, active_blocks, matrix_manifest

KEYS = [
    ("parental_imprisonment", "subject"),
    ("ae_assault", "victim"),
    ("knife_possession", "suspect"),
    ("stop_search", "subject"),
    ("school_exclusion", "subject"),
    ("made_up_type", "witness"),
]


@pytest.fixture(scope="module")
def specs() -> dict[str, FeatureSpec]:
    features = FeatureConfig()
    shared = FeatureContext(None, [0], None, None, features, 0, keys=KEYS, static=[("sex", "F")])
    manifest = matrix_manifest(shared, active_blocks(features))
    return {spec.name: spec for spec in manifest}


def test_plural_and_durations():
    assert plural(1, "disparity", "disparities") == "1 disparity"
    assert plural(0, "disparity", "disparities") == "0 disparities"
    assert plural(2, "comparison") == "2 comparisons"
    assert plural(1.2, "person", "people") == "1 person"
    assert plural(12_000, "person", "people") == "12,000 people"
    assert [duration_words(d) for d in (1, 5, 20, 45, 90, 365, 400, 800, 3650)] == [
        "1 day",
        "5 days",
        "3 weeks",
        "6 weeks",
        "3 months",
        "12 months",
        "13 months",
        "2 years",
        "10 years",
    ]


@given(st.integers(min_value=0, max_value=10_000))
def test_plural_agrees_with_the_number(n):
    text = plural(n, "offence")
    assert text.endswith("offence" if n == 1 else "offences")
    assert int(text.split()[0].replace(",", "")) == n


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        (
            "count_ae_assault_victim_365d",
            1,
            "1 assault-related A&E attendance (as a victim) in the last 12 months",
        ),
        (
            "count_knife_possession_suspect_365d",
            3,
            "3 knife possession offences (as a suspect) in the last 12 months",
        ),
        (
            "count_knife_possession_suspect_90d",
            0,
            "no knife possession offences (as a suspect) in the last 3 months",
        ),
        ("count_stop_search_subject_all", 1, "1 stop and search on record"),
        (
            "count_parental_imprisonment_subject_all",
            1,
            "1 report of parental imprisonment on record",
        ),
        (
            "count_made_up_type_witness_1095d",
            2,
            "2 made up type events (as witness) in the last 3 years",
        ),
        ("days_since_school_exclusion_subject", 400, "last school exclusion 13 months ago"),
        ("days_since_school_exclusion_subject", 20, "last school exclusion 3 weeks ago"),
        (
            "days_since_knife_possession_suspect",
            3650,
            "no knife possession offence (as a suspect) in the last 10 years",
        ),
        (
            "trend_stop_search_subject",
            -1,
            "1 fewer stop and search in the last 12 months compared with the 12 months before",
        ),
        (
            "trend_stop_search_subject",
            2,
            "2 more stops and searches in the last 12 months compared with the 12 months before",
        ),
        ("count_any_1095d", 43, "43 agency records of any kind in the last 3 years"),
        ("count_any_90d", 1, "1 agency record of any kind in the last 3 months"),
        ("n_sources", 1, "known to 1 agency"),
        ("age_first_contact", 11.9, "first recorded contact at age 11"),
        ("net_degree", 1, "linked to 1 other person in the records"),
        (
            "net_assoc_violence_victim_180d",
            1,
            "1 associate was a victim of violence in the last 6 months",
        ),
        (
            "net_assoc_violence_suspect_180d",
            2,
            "2 associates were suspects of violence in the last 6 months",
        ),
        (
            "net_weighted_degree",
            36.7,
            "ties to associates worth about 37 recent close ties "
            "(older or looser links count less)",
        ),
        (
            "net_pagerank",
            11.2,
            "11 times as central in the network as the average linked person",
        ),
        (
            "net_hops_to_victim_180d",
            4,
            "nearest victim of violence (last 6 months) in their network: none within 3 steps",
        ),
        (
            "net_kcore",
            0,
            "in a closely knit group where everyone has at least 0 links within the group",
        ),
        ("static_sex_f", 1, "sex: F"),
    ],
)
def test_a_sample_of_templates_reads_naturally(specs, name, value, text):
    assert specs[name].explain(value) == text


@pytest.mark.parametrize("value", [0.0, 1.0, 2.0, 7.4, 400.0, 3650.0])
def test_no_reason_shows_a_column_name_or_an_unresolved_plural(specs, value):
    for spec in specs.values():
        text = spec.explain(value)
        assert "(s)" not in text and "{" not in text and "|" not in text
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text
        assert not re.search(r"(?<![0-9.,])1 [a-z]+s\b", text), text


def test_old_style_templates_still_format():
    spec = FeatureSpec("x", "individual", "x", "{value:.0f} events and {value:.0%}")
    assert spec.explain(2.0) == "2 events and 200%"
