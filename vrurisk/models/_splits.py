"""Temporal cross-validation: train on the past whose outcomes are known, test on a later date.

A person's label at as-of date ``t`` is only known once its window ``(t, t + horizon]`` has
closed. A training as-of date ``t`` may therefore be used for a test date ``T`` only when
``t + horizon <= T``: nothing the model learns from could have happened after the day it is
tested on. There is no random split anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

BAD_HISTORY = "The 'history' parameter must be one of {allowed}. Got {value!r} instead."
NEED_LENGTH = "A rolling training history needs 'history_length'."
NO_SPLITS = (
    "no temporal split is possible: {n_dates} as-of date(s) from {first} to {last} with a "
    "{horizon} label horizon leave no test date whose label window closes by {label_end} and "
    "has an earlier training date whose label window closes by it"
)

HISTORIES = ("expanding", "rolling")


@dataclass(frozen=True)
class TemporalSplit:
    """One temporal fold: the as-of dates to train on and the later as-of date to test on.

    ``test_date`` is ``None`` for the final refit on all labelled data (nothing is tested).
    """

    train_dates: tuple[pd.Timestamp, ...]
    test_date: pd.Timestamp | None

    @property
    def name(self) -> str:
        return "refit" if self.test_date is None else f"test_{self.test_date.date()}"


def _as_offset(horizon) -> pd.DateOffset:
    if isinstance(horizon, pd.DateOffset):
        return horizon
    if isinstance(horizon, int):
        return pd.DateOffset(days=horizon)
    return pd.tseries.frequencies.to_offset(pd.Timedelta(horizon))


def _training_dates(
    dates: list[pd.Timestamp],
    cutoff: pd.Timestamp,
    horizon: pd.DateOffset,
    history: str,
    length: pd.DateOffset | None,
) -> tuple[pd.Timestamp, ...]:
    """As-of dates whose label window closes on or before ``cutoff`` (within the history)."""
    chosen = [t for t in dates if t + horizon <= cutoff]
    if history == "rolling" and chosen:
        start = cutoff - length
        chosen = [t for t in chosen if t >= start]
    return tuple(chosen)


def temporal_splits(
    as_of_dates: Iterable,
    *,
    horizon,
    label_end,
    n_test_dates: int = 3,
    history: str = "expanding",
    history_length=None,
) -> list[TemporalSplit]:
    """Temporal cross-validation folds over stacked as-of dates (oldest test date first).

    Parameters
    ----------
    as_of_dates : iterable of date-like
        The as-of dates a feature matrix is (or will be) built for.
    horizon : pandas.DateOffset or int
        Label horizon (an int is a number of days). The label at ``t`` covers ``(t, t + horizon]``.
    label_end : date-like
        The last day outcomes are recorded (the data's extraction date). Test dates need
        ``T + horizon <= label_end`` so their labels are known.
    n_test_dates : int
        Use the latest ``n_test_dates`` eligible as-of dates as test dates.
    history : {"expanding", "rolling"}
        Train on every earlier eligible date, or only those in the ``history_length`` before
        the test date.
    history_length : pandas.DateOffset or int, optional
        Length of a rolling history.

    Returns
    -------
    list of TemporalSplit
        Every training date ``t`` of a split with test date ``T`` has ``t + horizon <= T``.

    Examples
    --------
    >>> splits = temporal_splits(["2020-01-01", "2021-01-01", "2022-01-01"], horizon=365,
    ...                          label_end="2023-06-01", n_test_dates=1)
    >>> [(len(s.train_dates), str(s.test_date.date())) for s in splits]
    [(2, '2022-01-01')]
    """
    if history not in HISTORIES:
        raise ValueError(BAD_HISTORY.format(allowed=list(HISTORIES), value=history))
    if history == "rolling" and history_length is None:
        raise ValueError(NEED_LENGTH)
    horizon = _as_offset(horizon)
    length = None if history_length is None else _as_offset(history_length)
    dates = sorted({pd.Timestamp(d).normalize() for d in as_of_dates})
    label_end = pd.Timestamp(label_end).normalize()
    splits = []
    for test_date in dates:
        if test_date + horizon > label_end:
            continue
        train = _training_dates(dates, test_date, horizon, history, length)
        if train:
            splits.append(TemporalSplit(train, test_date))
    if not splits:
        raise ValueError(
            NO_SPLITS.format(
                n_dates=len(dates),
                first=dates[0].date() if dates else None,
                last=dates[-1].date() if dates else None,
                horizon=_describe_offset(horizon),
                label_end=label_end.date(),
            )
        )
    return splits[-n_test_dates:]


def refit_split(
    as_of_dates: Iterable, *, horizon, label_end, history="expanding", history_length=None
) -> TemporalSplit:
    """The training dates of the final model: every date whose labels are known by ``label_end``."""
    horizon = _as_offset(horizon)
    length = None if history_length is None else _as_offset(history_length)
    dates = sorted({pd.Timestamp(d).normalize() for d in as_of_dates})
    label_end = pd.Timestamp(label_end).normalize()
    return TemporalSplit(_training_dates(dates, label_end, horizon, history, length), None)


def _describe_offset(offset: pd.DateOffset) -> str:
    parts = [f"{v} {k}" for k, v in offset.kwds.items() if v] if offset.kwds else []
    if not parts and getattr(offset, "n", None) is not None:
        return str(offset)
    return " ".join(parts)
