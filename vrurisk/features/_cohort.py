"""Cohort selection and outcome labels at an as-of date T.

Dates are handled as integer days since 1970-01-01 so every comparison is a vectorised integer
comparison. Features use events dated strictly before T; labels use events in (T, T + horizon].
An event dated exactly T is in neither.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vrurisk._dates import parse_date
from vrurisk.data import Dataset
from vrurisk.features._config import CohortConfig, OutcomeConfig

NO_AS_OF = "At least one as-of date is needed."

DAYS_PER_YEAR = 365.25


def to_day(as_of) -> int:
    """An as-of date as integer days since 1970-01-01."""
    stamp = parse_date(as_of, "as_of")  # YYYY-MM-DD only: 01/06/2025 is refused, not guessed
    return int(np.datetime64(stamp.date(), "D").astype(np.int64))


def day_array(values: pd.Series) -> np.ndarray:
    """A datetime column as int64 days since 1970-01-01."""
    return values.to_numpy().astype("datetime64[D]").astype(np.int64)


def age_at(dataset: Dataset, day: int) -> np.ndarray:
    """Age in years of every person at ``day`` (negative before birth)."""
    return (day - day_array(dataset.people["birth_date"])) / DAYS_PER_YEAR


def _mask_values(column: pd.Series, allowed: tuple[str, ...] | None) -> np.ndarray:
    if allowed is None:
        return np.ones(len(column), dtype=bool)
    return np.array(column.isin(list(allowed)), dtype=bool)


def _persons_with_events(dataset: Dataset, mask: np.ndarray) -> np.ndarray:
    """A boolean per person: has at least one event where ``mask`` is true."""
    hit = np.zeros(dataset.n_people, dtype=bool)
    hit[dataset.events["person_idx"].to_numpy()[mask]] = True
    return hit


def recorded_before(dataset: Dataset, day: int) -> np.ndarray:
    """A boolean per person: first recorded before ``day`` (an event dated strictly before it).

    Someone whose first event is on or after T is unknown at T: they are in no cohort and in no
    denominator at T, so adding them to the tables changes nothing at T. (A link alone does not
    make someone known: it records an association, not the person's own contact.)
    """
    return _persons_with_events(dataset, day_array(dataset.events["event_date"]) < day)


def recorded_since(dataset: Dataset, first_day: int, day: int) -> np.ndarray:
    """A boolean per person: has an event dated in ``[first_day, day)``.

    "Known to services recently" at ``day``: nothing dated on or after ``day`` counts.
    """
    event_day = day_array(dataset.events["event_date"])
    return _persons_with_events(dataset, (event_day >= first_day) & (event_day < day))


def select_cohort(dataset: Dataset, as_of, cohort: CohortConfig | None = None) -> np.ndarray:
    """Positions (``person_idx``) of the people eligible for scoring at ``as_of``.

    Parameters
    ----------
    dataset : Dataset
    as_of : date-like
        The as-of date T. Only events dated strictly before T are looked at: someone with no
        event before T is never in the cohort.
    cohort : CohortConfig, optional
        Age range, activity look-back and exclusions (defaults: aged 10-25, any event in the
        last two years).

    Returns
    -------
    numpy.ndarray
        Sorted int32 positions into ``dataset.people``. People who left the area on or before
        T (``people.left_date``) are never in the cohort, nor are people in custody at T (a
        ``custody`` period that started before T and had not ended before T).

    Examples
    --------
    >>> from vrurisk.data import Dataset
    >>> select_cohort(Dataset.example(), "2021-01-01").tolist()  # b has no event
    [0]
    """
    cohort = cohort or CohortConfig()
    day = to_day(as_of)
    age = age_at(dataset, day)
    keep = (age >= cohort.min_age) & (age <= cohort.max_age) & recorded_before(dataset, day)
    keep &= ~_left_by(dataset, day)
    keep &= ~in_custody_at(dataset, day)
    events = dataset.events
    event_day = day_array(events["event_date"])
    before = event_day < day
    if cohort.lookback_days is not None:
        active = before & (event_day >= day - cohort.lookback_days)
        active &= _mask_values(events["event_type"], cohort.event_types)
        if cohort.sources is not None:
            if "source" not in events.columns:
                active &= False
            else:
                active &= _mask_values(events["source"], cohort.sources)
        keep &= _persons_with_events(dataset, active)
    if cohort.exclude_event_types:
        recent = before & (event_day >= day - cohort.exclude_window_days)
        recent &= _mask_values(events["event_type"], cohort.exclude_event_types)
        keep &= ~_persons_with_events(dataset, recent)
    return np.flatnonzero(keep).astype(np.int32)


def _left_days(dataset: Dataset) -> np.ndarray | None:
    """``people.left_date`` as int days (a far-future day where missing), or None."""
    if "left_date" not in dataset.people.columns:
        return None
    left = dataset.people["left_date"]
    never = np.iinfo(np.int64).max // 2
    return np.where(left.isna().to_numpy(), never, day_array(left.fillna(pd.Timestamp(0))))


def _left_by(dataset: Dataset, day: int) -> np.ndarray:
    """A boolean per person: left the area (moved, died, custody) on or before ``day``."""
    left = _left_days(dataset)
    return np.zeros(dataset.n_people, dtype=bool) if left is None else left <= day


def _custody_periods(dataset: Dataset):
    """``(person_idx, start, end)`` int-day arrays of the custody periods (end far in the future
    while still inside), or None without a custody table."""
    custody = dataset.custody
    if custody is None or not len(custody):
        return None
    never = np.iinfo(np.int64).max // 4
    end = custody["end_date"]
    return (
        custody["person_idx"].to_numpy(),
        day_array(custody["start_date"]),
        np.where(end.isna().to_numpy(), never, day_array(end.fillna(pd.Timestamp(0)))),
    )


def in_custody_at(dataset: Dataset, day: int) -> np.ndarray:
    """A boolean per person: in custody at ``day``.

    A period counts from its ``start_date`` (strictly before T, like events) until an
    ``end_date`` before T; a release dated T itself, or any later end, is not known at T, so
    the person is still inside at T. Periods starting on or after T change nothing at T.
    """
    inside = np.zeros(dataset.n_people, dtype=bool)
    periods = _custody_periods(dataset)
    if periods is not None:
        person, start, end = periods
        inside[person[(start < day) & (end >= day)]] = True
    return inside


def custody_days(dataset: Dataset, first: int, last: int) -> np.ndarray:
    """Days each person spent in custody in the window (first, last] (periods never overlap)."""
    days = np.zeros(dataset.n_people, dtype=np.int64)
    periods = _custody_periods(dataset)
    if periods is not None:
        person, start, end = periods
        overlap = np.minimum(end, last) - np.maximum(start, first)
        np.add.at(days, person, np.clip(overlap, 0, None))
    return days


def censored(dataset: Dataset, day: int, person_idx, outcome: OutcomeConfig) -> np.ndarray:
    """A boolean per row of ``person_idx``: the outcome at ``day`` is unknowable (censored).

    Someone who left (``people.left_date``) inside the outcome window (T, T + horizon] without
    an outcome event before leaving has no label: they are neither a positive nor a negative,
    so they leave the cohort at T. Someone in custody for more than
    ``outcome.custody_censor_share`` of the window (default half) without an outcome event in
    it is censored the same way: they could hardly offend in the community, so a 0 would
    count lack of opportunity as low risk. Shorter custody keeps the label (a negative then
    had less time at risk than the horizon: a small bias towards negatives, accepted so that
    most people in the cohort keep a label). An outcome before leaving, or anywhere in the
    window despite custody, keeps its positive label. Only rows whose window has closed by the
    extraction date are censored (a later window is unlabelled anyway).
    """
    person_idx = np.asarray(person_idx, dtype=np.int64)
    left = _left_days(dataset)
    end = day + outcome.horizon_days
    periods = dataset.custody is not None and len(dataset.custody)
    if (left is None and not periods) or end > to_day(dataset.extraction_date):
        return np.zeros(len(person_idx), dtype=bool)
    event_day = day_array(dataset.events["event_date"])
    person = dataset.events["person_idx"].to_numpy()
    outcomes = outcome_mask(dataset, outcome) & (event_day > day)
    gone = np.zeros(dataset.n_people, dtype=bool)
    if left is not None:
        leaves = (left > day) & (left <= end)
        seen = _persons_with_events(
            dataset, outcomes & (event_day <= np.minimum(left[person], end))
        )
        gone |= leaves & ~seen
    if periods:
        inside = (
            custody_days(dataset, day, end) > outcome.custody_censor_share * outcome.horizon_days
        )
        gone |= inside & ~_persons_with_events(dataset, outcomes & (event_day <= end))
    return gone[person_idx]


def outcome_mask(dataset: Dataset, outcome: OutcomeConfig) -> np.ndarray:
    """A boolean per event: does it count as the outcome (type and role)?"""
    events = dataset.events
    mask = _mask_values(events["event_type"], outcome.event_types)
    if outcome.roles is not None and "role" in events.columns:
        mask &= _mask_values(events["role"], outcome.roles)
    return mask


def build_labels(
    dataset: Dataset, as_of, person_idx: np.ndarray, outcome: OutcomeConfig | None = None
) -> pd.Series:
    """Outcome labels at ``as_of``: 1 if an outcome event falls in (T, T + horizon], else 0.

    Rows whose label window has not closed by the dataset's extraction date are NaN (the
    outcome is not yet known), so the result is float64 with values 0.0, 1.0 or NaN.

    Parameters
    ----------
    dataset : Dataset
    as_of : date-like
    person_idx : array of int
        Positions into ``dataset.people`` (e.g. from :func:`select_cohort`).
    outcome : OutcomeConfig, optional

    Returns
    -------
    pandas.Series
        Aligned with ``person_idx`` (a plain RangeIndex).
    """
    outcome = outcome or OutcomeConfig()
    day = to_day(as_of)
    person_idx = np.asarray(person_idx, dtype=np.int64)
    if day + outcome.horizon_days > to_day(dataset.extraction_date):
        return pd.Series(np.full(len(person_idx), np.nan), name="label")
    event_day = day_array(dataset.events["event_date"])
    mask = outcome_mask(dataset, outcome)
    mask &= (event_day > day) & (event_day <= day + outcome.horizon_days)
    hit = _persons_with_events(dataset, mask)
    return pd.Series(hit[person_idx].astype(np.float64), name="label")
