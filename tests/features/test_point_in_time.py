"""No leakage through time: records dated on or after T never change features at T, and labels
depend only on outcome events in (T, T + horizon]."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from random_datasets import EVENT_TYPES, LINK_TYPES, START, make_dataset, random_frames

from vrurisk.features import (
    CohortConfig,
    FeatureConfig,
    NetworkConfig,
    OutcomeConfig,
    Stage1Config,
    build_feature_matrix,
    build_labels,
)

EVERYONE = CohortConfig(min_age=0, max_age=120, lookback_days=None)
#: Stage 1 trained whenever there are a few outcomes, so its path is exercised too; incidents of
#: more than 4 people are not associations, so the crowd incidents of the random data cross it.
FEATURES = FeatureConfig(
    network=NetworkConfig(max_incident_size=4),
    stage1=Stage1Config(model="logistic_regression", n_folds=2, min_positives=1),
)
CROWD_SHARE = 0.15
OUTCOME = OutcomeConfig(event_types=("serious_violence", "violence"), horizon_days=365)
AS_OF_DATES = ["2019-03-01", "2020-06-15", "2021-11-30", "2022-12-01"]


def _dates_from(rng, as_of: pd.Timestamp, n: int) -> np.ndarray:
    """``n`` dates on or after ``as_of`` (T itself included) up to the extraction date."""
    span = (pd.Timestamp("2023-12-31") - as_of).days
    return np.datetime64(as_of.date()) + rng.integers(0, span + 1, n).astype("timedelta64[D]")


def perturb_after(frames, as_of: pd.Timestamp, seed: int):
    """Add, change and remove events and links dated on or after ``as_of``."""
    people, events, links = (f.copy() for f in frames)
    rng = np.random.default_rng(seed)
    ids = people["person_id"].to_numpy()
    late_e = (events["event_date"] >= as_of).to_numpy()
    late_l = (links["link_date"] >= as_of).to_numpy()
    # remove some late records
    drop_e = late_e & (rng.random(len(events)) < 0.3)
    drop_l = late_l & (rng.random(len(links)) < 0.3)
    # change some late records: new date (still late), type, person, role
    change_e = late_e & ~drop_e & (rng.random(len(events)) < 0.5)
    events.loc[change_e, "event_date"] = _dates_from(rng, as_of, int(change_e.sum()))
    events.loc[change_e, "event_type"] = "serious_violence"
    events.loc[change_e, "role"] = "victim"
    events.loc[change_e, "person_id"] = rng.choice(ids, int(change_e.sum()))
    change_l = late_l & ~drop_l & (rng.random(len(links)) < 0.5)
    links.loc[change_l, "link_date"] = _dates_from(rng, as_of, int(change_l.sum()))
    links.loc[change_l, "link_type"] = "co_offending"
    events, links = events[~drop_e], links[~drop_l]
    # add late records, including brand-new event types and incidents joining old ones
    n_new = int(rng.integers(1, 15))
    types = rng.choice([*EVENT_TYPES, "knife_possession"], n_new)
    added_e = pd.DataFrame(
        {
            "person_id": rng.choice(ids, n_new),
            "event_date": _dates_from(rng, as_of, n_new),
            "event_type": types,
            "role": ["suspect"] * n_new,
            "source": rng.choice(["police", "social_care"], n_new),
            "incident_id": rng.integers(0, 30, n_new).astype(str),
        }
    )
    a = rng.integers(0, len(ids), n_new)
    added_l = pd.DataFrame(
        {
            "person_a": ids[a],
            "person_b": ids[(a + rng.integers(1, len(ids), n_new)) % len(ids)],
            "link_date": _dates_from(rng, as_of, n_new),
            "link_type": rng.choice(LINK_TYPES, n_new),
            "weight": rng.uniform(0.1, 3.0, n_new),
        }
    )
    # late members of the crowd incidents: an incident small before T grows past the size limit
    n_crowd = int(rng.integers(1, 8))
    added_crowd = pd.DataFrame(
        {
            "person_id": rng.choice(ids, n_crowd),
            "event_date": _dates_from(rng, as_of, n_crowd),
            "event_type": "asb",
            "role": "suspect",
            "source": "police",
            "incident_id": rng.choice(["c0", "c1"], n_crowd),
        }
    )
    events = pd.concat([events, added_e, added_crowd], ignore_index=True)
    links = pd.concat([links, added_l], ignore_index=True)
    return people, events, links


def random_datasets_and_dates(test):
    """20 hypothesis cases of (seed, n_people, as_of) for a before/after comparison."""
    cases = given(
        seed=st.integers(0, 2**31),
        n_people=st.integers(2, 40),
        as_of=st.sampled_from(AS_OF_DATES),
    )
    return settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])(
        cases(test)
    )


def matrices_before_and_after(seed: int, n_people: int, as_of, change):
    """Feature matrices at ``as_of`` of a random dataset and of ``change(frames, as_of, seed)``."""
    as_of = pd.Timestamp(as_of)
    frames = random_frames(
        seed, n_people, n_events=4 * n_people, n_links=2 * n_people, crowd_share=CROWD_SHARE
    )
    return [
        build_feature_matrix(
            make_dataset(*f), [as_of], cohort=EVERYONE, outcome=OUTCOME, features=FEATURES
        )
        for f in (frames, change(frames, as_of, seed + 1))
    ]


@random_datasets_and_dates
def test_records_on_or_after_as_of_never_change_features(seed, n_people, as_of):
    before, after = matrices_before_and_after(seed, n_people, as_of, perturb_after)
    pd.testing.assert_frame_equal(before.X, after.X, check_exact=True)
    pd.testing.assert_frame_equal(before.rows, after.rows)
    assert before.manifest == after.manifest


def reference_labels(ds, as_of: pd.Timestamp, outcome: OutcomeConfig) -> np.ndarray:
    end = as_of + pd.Timedelta(days=outcome.horizon_days)
    hit = set()
    for row in ds.events.itertuples():
        if (
            row.event_type in outcome.event_types
            and (outcome.roles is None or row.role in outcome.roles)
            and as_of < row.event_date <= end
        ):
            hit.add(row.person_idx)
    return np.array([float(i in hit) for i in range(ds.n_people)])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31),
    as_of=st.sampled_from(AS_OF_DATES),
    horizon=st.sampled_from([1, 90, 365]),
    roles=st.sampled_from([None, ("suspect",), ("suspect", "victim")]),
)
def test_labels_use_only_the_outcome_window(seed, as_of, horizon, roles):
    as_of = pd.Timestamp(as_of)
    outcome = OutcomeConfig(event_types=("serious_violence",), roles=roles, horizon_days=horizon)
    people, events, links = random_frames(seed, n_people=20, n_events=120, n_links=5)
    ds = make_dataset(people, events, links)
    everyone = np.arange(ds.n_people)
    labels = build_labels(ds, as_of, everyone, outcome).to_numpy()
    np.testing.assert_array_equal(labels, reference_labels(ds, as_of, outcome))
    # moving every event outside (T, T + horizon] elsewhere outside it changes nothing
    end = as_of + pd.Timedelta(days=horizon)
    outside = ((events["event_date"] <= as_of) | (events["event_date"] > end)).to_numpy()
    shuffled = events.copy()
    rng = np.random.default_rng(seed)
    early = rng.random(len(events)) < 0.5
    shuffled.loc[outside & early, "event_date"] = as_of
    shuffled.loc[outside & ~early, "event_date"] = min(
        end + pd.Timedelta(days=1), pd.Timestamp("2023-12-31")
    )
    shuffled.loc[outside, "event_type"] = "serious_violence"
    birth = people.set_index("person_id")["birth_date"]
    ok = shuffled["event_date"].to_numpy() >= birth[shuffled["person_id"]].to_numpy()
    moved = build_labels(make_dataset(people, shuffled[ok], links), as_of, everyone, outcome)
    np.testing.assert_array_equal(labels, moved.to_numpy())


def test_open_label_windows_are_missing():
    ds = make_dataset(*random_frames(3, n_people=10, n_events=30, n_links=5))
    fm = build_feature_matrix(
        ds, ["2022-06-01", "2023-06-01"], cohort=EVERYONE, outcome=OUTCOME, features=FEATURES
    )
    late = (fm.rows["as_of"] == "2023-06-01").to_numpy()
    assert fm.y[late].isna().all()
    assert fm.y[~late].notna().all()
    assert fm.y.dtype == np.float64
    closed = build_feature_matrix(
        ds, ["2022-06-01"], cohort=EVERYONE, outcome=OUTCOME, features=FEATURES
    )
    assert closed.y.dtype == np.int64


def test_a_late_member_does_not_dissolve_an_earlier_incident():
    """A 21st person joining a 20-person incident after T leaves the incident's links at T."""
    ids = [f"p{i:02d}" for i in range(21)]
    people = pd.DataFrame({"person_id": ids, "birth_date": "2000-01-01"})
    events = pd.DataFrame(
        {
            "person_id": ids,
            "event_date": ["2022-03-01"] * 20 + ["2022-09-01"],
            "event_type": "asb",
            "incident_id": "big",
        }
    )
    links = pd.DataFrame({"person_a": ["p00"], "person_b": ["p01"], "link_date": ["2023-01-01"]})
    as_of = pd.Timestamp("2022-07-01")

    def degrees(events):
        ds = make_dataset(people, events, links)
        fm = build_feature_matrix(ds, [as_of], cohort=EVERYONE, outcome=OUTCOME)
        return fm.X["net_degree"].to_numpy()

    np.testing.assert_array_equal(degrees(events), degrees(events.head(20)))
    assert degrees(events)[0] == 19


def add_people_after(frames, as_of: pd.Timestamp, seed: int):
    """Add people whose every event and link is dated on or after ``as_of``."""
    people, events, links = frames
    rng = np.random.default_rng(seed)
    n_new = int(rng.integers(1, 12))
    new_ids = np.array([f"n{i:03d}" for i in range(n_new)])  # sorted before the others
    birth = START - rng.integers(8 * 365, 22 * 365, n_new).astype("timedelta64[D]")
    added_p = pd.DataFrame(
        {
            "person_id": new_ids,
            "birth_date": birth,
            "sex": rng.choice(["F", "M"], n_new),
            "ethnicity": rng.choice(["White", "Black"], n_new),
            "area": rng.choice(["E01", "E02", "E03", "E09"], n_new),
        }
    )
    n_ev = int(rng.integers(1, 4 * n_new + 1))
    types = rng.choice(list(EVENT_TYPES), n_ev)
    added_e = pd.DataFrame(
        {
            "person_id": rng.choice(new_ids, n_ev),
            "event_date": _dates_from(rng, as_of, n_ev),
            "event_type": types,
            "role": [EVENT_TYPES[t][0] for t in types],
            "source": rng.choice(["police", "health"], n_ev),
            "incident_id": np.where(
                rng.random(n_ev) < 0.5, rng.choice(["0", "1", "c0"], n_ev), None
            ),
        }
    )
    old_ids = people["person_id"].to_numpy()
    n_li = int(rng.integers(0, 3 * n_new + 1))
    added_l = pd.DataFrame(
        {
            "person_a": rng.choice(new_ids, n_li),
            "person_b": rng.choice(old_ids, n_li),
            "link_date": _dates_from(rng, as_of, n_li),
            "link_type": rng.choice(LINK_TYPES, n_li),
            "weight": rng.uniform(0.1, 3.0, n_li),
        }
    )
    return (
        pd.concat([people, added_p], ignore_index=True),
        pd.concat([events, added_e], ignore_index=True),
        pd.concat([links, added_l], ignore_index=True),
    )


@random_datasets_and_dates
def test_people_first_recorded_on_or_after_as_of_change_nothing(seed, n_people, as_of):
    """Cohort, every feature and every label at T are the same without people first recorded
    on or after T (their events and links all dated on or after T)."""
    before, after = matrices_before_and_after(seed, n_people, as_of, add_people_after)
    keys = ["person_id", "as_of"]
    pd.testing.assert_frame_equal(before.rows[keys], after.rows[keys])
    pd.testing.assert_frame_equal(before.X, after.X, check_exact=True)
    pd.testing.assert_series_equal(before.y, after.y)
