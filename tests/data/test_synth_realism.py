"""The synthetic world's realism knobs: each changes what it should and nothing else."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vrurisk.data import _synth_params as P
from vrurisk.data import simulate_population
from vrurisk.features import FeatureConfig, select_cohort

SMALL = {"n_people": 1_500, "seed": 4, "years": 3}
#: Truth columns that recording cannot change (custody follows a recorded offence, and the
#: count of false records is what the false-records knob sets).
RECORD_INDEPENDENT = ["false_records", "true_custody_subject"]


@pytest.fixture(scope="module")
def default():
    return simulate_population(**SMALL)


def _true(pop) -> pd.DataFrame:
    return pop.truth.drop(columns=RECORD_INDEPENDENT)


def _event_keys(pop) -> set[tuple]:
    columns = ["person_id", "event_date", "event_type", "role", "source"]
    return set(pop.dataset.events[columns].astype(str).itertuples(index=False))


def _assert_same_world(a, b) -> None:
    """Same people and the same true behaviour: only the records may differ."""
    pd.testing.assert_frame_equal(_true(a), _true(b))
    pd.testing.assert_frame_equal(a.dataset.people, b.dataset.people)


def test_defaults_are_deterministic_given_the_seed(default):
    again = simulate_population(**SMALL)
    assert again.dataset.fingerprint() == default.dataset.fingerprint()
    pd.testing.assert_frame_equal(again.truth, default.truth)
    assert default.parameters["risk_homophily"] == P.DEFAULT_RISK_HOMOPHILY < 1
    other = simulate_population(**{**SMALL, "seed": 5})
    assert other.dataset.fingerprint() != default.dataset.fingerprint()


def test_false_records_add_adversity_records_for_people_without_it(default):
    none = simulate_population(**SMALL, false_records=0)
    _assert_same_world(none, default)
    assert none.truth["false_records"].sum() == 0
    added = _event_keys(default) - _event_keys(none)
    assert _event_keys(none) <= _event_keys(default)
    assert len(added) == default.truth["false_records"].sum() > 0
    added = pd.DataFrame(list(added), columns=["person_id", "date", "type", "role", "source"])
    truth = default.truth.set_index("person_id")
    da = added[added["type"] == "domestic_abuse"]
    assert len(da) > 0 and not truth.loc[da["person_id"], "ace_domestic_abuse"].any()
    assert set(added["type"]) <= {
        "domestic_abuse",
        "parental_substance_misuse",
        "parental_imprisonment",
        "social_care_referral",
        "sen_support",
        "school_exclusion",
        "missing_episode",
        "ae_assault",
    }


def test_missed_records_drop_real_events_and_change_no_truth(default):
    kw = {**SMALL, "false_records": 0, "supply_gap_months": 0}
    none = simulate_population(**kw, missed_records=0)
    fewer = simulate_population(**kw, missed_records=3)
    _assert_same_world(none, fewer)
    assert _event_keys(fewer) < _event_keys(none)
    kept = (
        fewer.dataset.events["source"].value_counts() / none.dataset.events["source"].value_counts()
    )
    # Health misses the most (15% x 3), police the least (3% x 3).
    assert kept["health"] < kept["education"] < kept["police"]
    assert kept["health"] == pytest.approx(0.55, abs=0.1)


def _ae_dates(pop) -> pd.Series:
    events = pop.dataset.events
    return events.loc[events["event_type"] == "ae_assault", "event_date"]


def test_supply_gap_removes_ae_records_for_its_months_only():
    kw = {**SMALL, "years": 4, "missed_records": 0, "false_records": 0}
    full = simulate_population(**kw, supply_gap_months=0)
    gap = simulate_population(**kw, supply_gap_months=6)
    _assert_same_world(full, gap)
    end = gap.dataset.extraction_date
    start = gap.months[len(gap.months) - P.SUPPLY_GAP_START_MONTHS]
    stop = gap.months[len(gap.months) - P.SUPPLY_GAP_START_MONTHS + 6]
    inside = _ae_dates(full).between(start, stop - pd.Timedelta(days=1))
    assert inside.sum() > 0
    assert not _ae_dates(gap).between(start, stop - pd.Timedelta(days=1)).any()
    assert len(_ae_dates(gap)) == len(_ae_dates(full)) - inside.sum()
    assert _ae_dates(gap).max() <= end
    others = _event_keys(full) - _event_keys(gap)
    assert {key[2] for key in others} == {"ae_assault"}


def test_recording_change_halves_asb_records_after_the_change_only():
    kw = {**SMALL, "n_people": 4_000, "missed_records": 0, "false_records": 0}
    before = simulate_population(**kw, recording_change=1.0)
    after = simulate_population(**kw, recording_change=0.5)
    _assert_same_world(before, after)
    change = after.months[len(after.months) - P.PRACTICE_CHANGE_MONTHS]

    def asb(pop, late: bool) -> int:
        events = pop.dataset.events
        dates = events.loc[events["event_type"] == "asb", "event_date"]
        return int((dates >= change).sum() if late else (dates < change).sum())

    assert asb(after, late=False) == asb(before, late=False)
    assert asb(after, late=True) / asb(before, late=True) == pytest.approx(0.5, abs=0.12)
    others = _event_keys(before) ^ _event_keys(after)
    assert {key[2] for key in others} <= {"asb"}


def test_recorded_link_weights_are_noisy_views_of_true_strength(default):
    exact = simulate_population(**SMALL, link_noise=0, link_type_error=0)
    _assert_same_world(exact, default)
    assert _event_keys(exact) == _event_keys(default)
    a, b = exact.dataset.links, default.dataset.links
    assert len(a) == len(b)
    # True strengths vary within a link type: the recorded weight is not the type's weight.
    assert not np.isin(a["weight"].round(3), P.LINK_WEIGHTS.round(3)).all()
    spread = a.groupby("link_type", observed=True)["weight"].agg(["std", "size"])
    assert (spread.loc[spread["size"] >= 30, "std"] > 0.1).all()
    assoc = a["link_type"] == "associate"
    assert a.loc[assoc, "weight"].mean() == pytest.approx(1.0, abs=0.1)
    # Noise: the same links, recorded with other weights, correlated with the true ones.
    keys = ["person_a", "person_b", "link_date"]
    merged = a.merge(b, on=keys, suffixes=("_true", "_seen"))
    assert len(merged) == len(a)
    log_ratio = np.log(merged["weight_seen"] / merged["weight_true"].clip(0.001))
    assert log_ratio.std() == pytest.approx(P.DEFAULT_LINK_NOISE, abs=0.1)
    wrong = (merged["link_type_true"] != merged["link_type_seen"]).mean()
    assert wrong == pytest.approx(P.DEFAULT_LINK_TYPE_ERROR, abs=0.03)


def test_risk_change_shifts_behaviour_after_the_change_not_who_people_are():
    kw = {**SMALL, "n_people": 6_000, "years": 5}
    still = simulate_population(**kw, risk_change=0)
    moving = simulate_population(**kw, risk_change=1.0)
    for column in ("latent_risk", "ace_count", "area", "group_id"):
        pd.testing.assert_series_equal(still.truth[column], moving.truth[column])
    assert (still.truth["risk_shift"] == 0).all()
    assert moving.truth["risk_shift"].std() == pytest.approx(1.0, abs=0.05)

    def after_share(pop, mask) -> float:
        """Share of the group's recorded police events dated after their own change."""
        events = pop.dataset.events
        shift_date = pop.truth.set_index("person_id")["risk_shift_date"]
        mine = events[events["person_id"].isin(pop.truth.loc[mask, "person_id"])]
        mine = mine[mine["source"] == "police"]
        return float((mine["event_date"] >= mine["person_id"].map(shift_date)).mean())

    up = moving.truth["risk_shift"] > 0.7
    down = moving.truth["risk_shift"] < -0.7
    # Onset: more of their events come after the change; desistance: fewer.
    assert after_share(moving, up) > after_share(moving, down) + 0.15


def test_people_leave_with_a_date_and_reason_and_nothing_after(default):
    stay = simulate_population(**SMALL, leaving=0)
    assert "left_date" not in stay.dataset.people.columns
    people = default.dataset.people
    left = people["left_date"].notna()
    assert 0.05 < left.mean() < 0.3
    assert set(people.loc[left, "left_reason"]) <= {"moved_away", "died"}
    assert people.loc[~left, "left_reason"].isna().all()
    assert (people.loc[left, "left_date"] <= default.dataset.extraction_date).all()
    when = people.set_index("person_id")["left_date"]
    events = default.dataset.events
    assert not (events["event_date"] > events["person_id"].map(when)).any()
    links = default.dataset.links
    for side in ("person_a", "person_b"):
        assert not (links["link_date"] > links[side].map(when)).any()
    # Who people are does not depend on who leaves; behaviour is the same until the first leaver.
    for column in ("latent_risk", "ace_count", "area"):
        pd.testing.assert_series_equal(stay.truth[column], default.truth[column])
    # With few leavers (the first some months in), events before the first are the same.
    few = simulate_population(**SMALL, leaving=0.05)
    first = few.dataset.people["left_date"].min() - pd.Timedelta(days=31)

    def early(pop) -> set:
        return {k for k in _event_keys(pop) if pd.Timestamp(k[1]) < first}

    assert len(early(stay)) > 20 and early(stay) == early(few)
    # The cohort leaves them out after they left.
    last = default.dataset.extraction_date
    cohort = select_cohort(default.dataset, last)
    assert not left.to_numpy()[cohort].any()


def test_contagion_half_life_is_not_the_features_default_and_changes_exposure_only():
    assert FeatureConfig().network.exposure_half_life_days != P.DEFAULT_CONTAGION_HALF_LIFE_DAYS
    short = simulate_population(**SMALL, contagion_half_life_days=30)
    long = simulate_population(**SMALL, contagion_half_life_days=P.DEFAULT_CONTAGION_HALF_LIFE_DAYS)
    pd.testing.assert_series_equal(short.truth["latent_risk"], long.truth["latent_risk"])
    assert (
        long.truth["contagion_exposure_mean"].mean()
        > 1.5 * short.truth["contagion_exposure_mean"].mean()
    )
