"""Place features: the area violence rate's denominator is the people known to services
recently, so the rate does not drift as the records accumulate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vrurisk.data import Dataset
from vrurisk.features import build_place_features, select_cohort

RATE = "place_area_violence_rate_365d"


def cohort_mean(dataset: Dataset, as_of: str) -> float:
    idx = select_cohort(dataset, as_of)
    rates, _ = build_place_features(dataset, as_of, idx)
    return float(rates[RATE].mean())


def steady_world(seed: int = 0, n: int = 20_000) -> Dataset:
    """A stationary world: people arrive at a constant rate from 2015, each is recorded for two
    years (about 6 events, 1 in 10 violent), in one of four areas. From 2017 on, the people
    recorded in any two years and the violence in any one are the same in expectation."""
    rng = np.random.default_rng(seed)
    first = np.datetime64("2015-01-01") + rng.integers(0, 3652, n).astype("timedelta64[D]")
    k = rng.poisson(5, n) + 1
    person = np.repeat(np.arange(n), k)
    date = first[person] + rng.integers(0, 730, k.sum()).astype("timedelta64[D]")
    keep = date < np.datetime64("2025-01-01")
    ids = np.array([f"p{i}" for i in range(n)])
    people = pd.DataFrame(
        {
            "person_id": ids,
            "birth_date": "2003-01-01",
            "area": rng.choice(["E1", "E2", "E3", "E4"], n),
        }
    )
    kind = np.where(rng.random(int(keep.sum())) < 0.1, "violence", "asb")
    events = pd.DataFrame(
        {
            "person_id": ids[person[keep]],
            "event_date": date[keep].astype(str),
            "event_type": kind,
            "role": "suspect",
        }
    )
    return Dataset.from_frames(people, events, None, extraction_date="2025-01-01")


def test_rate_is_stationary_on_a_stationary_world():
    # Before: residents were everyone ever recorded before T, a stock that only grows, so the
    # cohort mean halved between 2019 and 2023 (143 -> 69 per 1,000, seed 0; -50% to -53% on
    # seeds 0-2). Now residents are the people recorded in the two years before T: over seeds
    # 0-9 the change is -10% to +5% (sampling noise, standard deviation about 4.5%).
    dataset = steady_world()
    early, late = cohort_mean(dataset, "2019-01-01"), cohort_mean(dataset, "2023-01-01")
    assert abs(late / early - 1) < 0.2, (early, late)


def place_dataset(events: dict, areas=("E1", "E1", "E1", "E2")) -> Dataset:
    people = pd.DataFrame(
        {
            "person_id": ["a", "b", "c", "d"][: len(areas)],
            "birth_date": ["2004-01-01"] * len(areas),
            "area": list(areas),
        }
    )
    return Dataset.from_frames(people, pd.DataFrame(events), None, extraction_date="2024-01-01")


def events(*rows) -> dict:
    person, date, kind = zip(*rows, strict=True)
    return {
        "person_id": list(person),
        "event_date": list(date),
        "event_type": list(kind),
        "role": ["suspect"] * len(rows),
    }


def test_residents_are_the_people_recorded_in_the_two_years_before_t():
    # E1: a violent last year, b recorded last year, c only three years before T.
    base = [("a", "2022-06-01", "violence"), ("b", "2022-06-01", "asb"), ("d", "2022-06-01", "asb")]
    ds = place_dataset(events(*base, ("c", "2019-12-01", "asb")))
    rates, specs = build_place_features(ds, "2023-01-01")
    # b: 1 violent (a) among 1 other recent resident (a); c is not a resident at T
    assert rates.loc[rates.index[1], RATE] == 1000.0
    # a: nobody else in E1 was involved; 1 other recent resident (b)
    assert rates.loc[rates.index[0], RATE] == 0.0
    # c is scored against the recent residents of E1 other than them: a and b
    assert rates.loc[rates.index[2], RATE] == 500.0
    assert "recorded by any service in the last 2 years" in specs[0].description


def test_records_on_or_after_t_change_nothing():
    base = [("a", "2022-06-01", "violence"), ("b", "2022-06-01", "asb"), ("d", "2022-06-01", "asb")]
    before, _ = build_place_features(place_dataset(events(*base)), "2023-01-01")
    late = [("c", "2023-01-01", "violence"), ("b", "2023-06-01", "violence")]
    after, _ = build_place_features(place_dataset(events(*base, *late)), "2023-01-01")
    pd.testing.assert_frame_equal(before, after, check_exact=True)


def test_an_area_with_no_other_resident_gets_the_whole_population_rate():
    # d is E2's only recent resident: no area rate exists, so not a silent 0 but the rate of
    # everyone else (a violent among a, b: 500 per 1,000), as for people with no area
    base = [("a", "2022-06-01", "violence"), ("b", "2022-06-01", "asb"), ("d", "2022-06-01", "asb")]
    rates, _ = build_place_features(place_dataset(events(*base)), "2023-01-01")
    assert rates.loc[rates.index[3], RATE] == 500.0
    assert np.isfinite(rates[RATE]).all()
