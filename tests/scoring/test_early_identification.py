"""Early identification (issue 12, item 5): who is already open to a statutory service at the
list date, the highest risk among those known to no service, and who turns 18 soon."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from vrurisk.scoring import StatutoryServicesConfig, early_identification

AS_OF = pd.Timestamp("2025-06-30")


def tiny_dataset(base):
    """Five people with birth dates and events chosen around the list date."""
    people = pd.DataFrame(
        {
            "person_id": ["a", "b", "c", "d", "e"],
            "birth_date": pd.to_datetime(
                ["2007-08-15", "2007-06-30", "2008-01-01", "2007-12-30", "2010-01-01"]
            ),
        }
    )
    events = pd.DataFrame(
        {
            "person_id": ["a", "b", "c", "d", "e", "e"],
            "event_date": pd.to_datetime(
                ["2025-03-01", "2025-06-30", "2023-01-01", "2025-05-01", "2025-01-01", "2025-02-01"]
            ),
            "event_type": [
                "child_protection_plan",  # a: open (in the last year)
                "youth_justice_supervision",  # b: on the list date itself: not before T
                "looked_after_child",  # c: too long ago
                "violence",  # d: not a service record...
                "violence",
                "asb",
            ],
            "source": [
                "social_care",
                "youth_justice",
                "social_care",
                "youth_justice",
                "police",
                "police",
            ],
        }
    )
    people["person_idx"] = range(len(people))
    events["person_idx"] = events["person_id"].map(
        dict(zip(people["person_id"], people["person_idx"], strict=True))
    )
    return dataclasses.replace(base, people=people, events=events)


@pytest.fixture()
def dataset(small_population):
    return tiny_dataset(small_population.dataset)


def test_open_to_a_service_counts_only_records_before_the_list_date_within_the_window(dataset):
    config = StatutoryServicesConfig(sources=["youth_justice"])
    marks, note = early_identification(dataset, [0, 1, 2, 3, 4], AS_OF, config)
    assert marks["open_to_statutory_service"].tolist() == [True, False, False, True, False]
    assert marks["statutory_services"].tolist() == [
        "child protection plan",
        "",
        "",
        "youth justice (source)",
        "",
    ]
    # youth justice supervision is recorded only on the list date: not before it, so missing
    assert note["missing_types"] == ["youth_justice_supervision"]
    assert note["n_open"] == 2 and note["warning"] is None


def test_turns_18_within_six_months_of_the_list_date(dataset):
    marks, _ = early_identification(dataset, [0, 1, 2, 3, 4], AS_OF, StatutoryServicesConfig())
    # a: 18 on 2025-08-15 (yes); b: 18 on the list date (already 18: no);
    # c: 18 on 2026-01-01 (after 2025-12-30: no); d: 18 on 2025-12-30 (yes); e: 15 (no)
    assert marks["turns_18_soon"].tolist() == [True, False, False, True, False]


def test_configured_types_that_never_occur_are_said_out_loud(dataset):
    config = StatutoryServicesConfig(event_types=["early_help_plan"], sources=[])
    marks, note = early_identification(dataset, [0, 1, 2, 3, 4], AS_OF, config)
    assert not marks["open_to_statutory_service"].any()
    assert note["warning"] == (
        "statutory services: none of the configured event types (early_help_plan) occurs in the "
        "data, so nobody can be marked as open to a statutory service; map the extract's codes "
        "onto them in vocabulary.event_types, or set scoring.statutory_services"
    )


def test_later_records_change_nothing_at_the_list_date(dataset):
    config = StatutoryServicesConfig(sources=["youth_justice"])
    before, _ = early_identification(dataset, [0, 1, 2, 3, 4], AS_OF, config)
    later = dataset.events.copy()
    later.loc[len(later)] = [
        "e",
        pd.Timestamp("2025-07-01"),
        "child_protection_plan",
        "social_care",
        4,
    ]
    after, _ = early_identification(
        dataclasses.replace(dataset, events=later), [0, 1, 2, 3, 4], AS_OF, config
    )
    pd.testing.assert_frame_equal(before, after)


def test_scored_list_carries_the_marks_and_the_panel_offers_the_view(scoring_setup, tmp_path):
    from test_score import fake_keys

    from vrurisk.scoring import score_cohort, write_score_bundle

    s = scoring_setup
    scoring = s["config"].scoring.model_copy(
        update={
            "statutory_services": StatutoryServicesConfig(event_types=[], sources=["social_care"])
        }
    )
    config = s["config"].model_copy(update={"scoring": scoring})
    scored = score_cohort(s["dataset"], s["model"], config, keys=fake_keys, explain_top=50)
    scores = scored.scores
    assert {"open_to_statutory_service", "statutory_services", "turns_18_soon"} <= set(scores)
    # independently: a social-care record in the year before the list date
    events, as_of = s["dataset"].events, scored.as_of
    recent = events[
        (events["source"] == "social_care")
        & (events["event_date"] < as_of)
        & (events["event_date"] >= as_of - pd.Timedelta(days=365))
    ]
    open_keys = set(fake_keys(recent["person_id"].astype(str).unique()))
    assert set(scores.loc[scores["open_to_statutory_service"], "key"]) == open_keys & set(
        scores["key"]
    )
    assert 0 < scores["open_to_statutory_service"].sum() < len(scores)
    assert scored.early["warning"] is None
    write_score_bundle(scored, tmp_path / "b", config=config)
    html = (tmp_path / "b" / "panel.html").read_text(encoding="utf-8")
    assert 'id="early-identification"' in html and 'id="unknown-list"' in html
    assert (
        "open_to_statutory_service" in (tmp_path / "b" / "scores.csv").read_text().splitlines()[0]
    )


def test_the_default_service_types_absent_from_the_data_are_a_warning(scored):
    # the synthetic extract has no statutory-service records of the default types
    assert scored.early["warning"].startswith("statutory services: none of the configured")
    assert scored.early["warning"] in scored.warnings
    assert not scored.scores["open_to_statutory_service"].any()
