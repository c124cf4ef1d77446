"""Temporal cross-validation: train on the past whose outcomes are known, test on a later date.

A person's label at as-of date ``t`` is only known once its window ``(t, t + horizon]`` has
closed and every event in it has been recorded, which takes ``recording_lag`` days more. A
training as-of date ``t`` may therefore be used for a test date ``T`` only when
``t + horizon + recording_lag < T``: strictly before, because a model at ``T`` only sees records
dated before ``T``, and an outcome on the day ``T`` itself is not one of them. Nothing the model
learns from could have happened on or after the day it is tested on. A test date's own labels
(and the final refit's training labels) need ``t + horizon + recording_lag <= label_end``, the
data's extraction date. There is no random split anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

BAD_HISTORY = "The 'history' parameter must be one of {allowed}. Got {value!r} instead."
NEED_LENGTH = "A rolling training history needs 'history_length'."
NO_SPLITS = (
    "no temporal split is possible: {n_dates} as-of date(s) from {first} to {last} with a "
    "{horizon} label horizon{lag} leave no test date whose label window closes by {label_end} "
    "and has an earlier training date whose label window closes before it"
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


def labels_known(
    t: pd.Timestamp, cutoff: pd.Timestamp, *, horizon, recording_lag=0, strict: bool = True
) -> bool:
    """Whether the label window of as-of date ``t`` is closed and recorded at ``cutoff``.

    ``t + horizon + recording_lag < cutoff`` (``<=`` when ``strict`` is false: the cutoff is an
    extraction date, whose own records are in the data). Used for training dates against a
    test date and by the bias audit for a model against the list date it audits.
    """
    closed = pd.Timestamp(t) + _as_offset(horizon) + _as_offset(recording_lag)
    return closed < cutoff if strict else closed <= cutoff


def _training_dates(
    dates: list[pd.Timestamp],
    cutoff: pd.Timestamp,
    horizon: pd.DateOffset,
    lag: pd.DateOffset,
    history: str,
    length: pd.DateOffset | None,
    *,
    strict: bool,
) -> tuple[pd.Timestamp, ...]:
    """As-of dates whose label window is closed and recorded by ``cutoff`` (within the history)."""
    chosen = [
        t
        for t in dates
        if labels_known(t, cutoff, horizon=horizon, recording_lag=lag, strict=strict)
    ]
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
    recording_lag=0,
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
        ``T + horizon + recording_lag <= label_end`` so their labels are known.
    n_test_dates : int
        Use the latest ``n_test_dates`` eligible as-of dates as test dates.
    history : {"expanding", "rolling"}
        Train on every earlier eligible date, or only those in the ``history_length`` before
        the test date.
    history_length : pandas.DateOffset or int, optional
        Length of a rolling history.
    recording_lag : pandas.DateOffset or int
        Days between an event and its appearing in the data (an int is a number of days).

    Returns
    -------
    list of TemporalSplit
        Every training date ``t`` of a split with test date ``T`` has
        ``t + horizon + recording_lag < T``.

    Examples
    --------
    >>> splits = temporal_splits(["2020-01-01", "2021-01-01", "2022-01-01"], horizon=365,
    ...                          label_end="2023-06-01", n_test_dates=1)

    2021-01-01 is not a training date of 2022-01-01: its outcome window ends on the test date.

    >>> [(len(s.train_dates), str(s.test_date.date())) for s in splits]
    [(1, '2022-01-01')]
    """
    if history not in HISTORIES:
        raise ValueError(BAD_HISTORY.format(allowed=list(HISTORIES), value=history))
    if history == "rolling" and history_length is None:
        raise ValueError(NEED_LENGTH)
    horizon, lag = _as_offset(horizon), _as_offset(recording_lag)
    length = None if history_length is None else _as_offset(history_length)
    dates = sorted({pd.Timestamp(d).normalize() for d in as_of_dates})
    label_end = pd.Timestamp(label_end).normalize()
    splits = []
    for test_date in dates:
        if not labels_known(test_date, label_end, horizon=horizon, recording_lag=lag, strict=False):
            continue
        train = _training_dates(dates, test_date, horizon, lag, history, length, strict=True)
        if train:
            splits.append(TemporalSplit(train, test_date))
    if not splits:
        raise ValueError(
            NO_SPLITS.format(
                n_dates=len(dates),
                first=dates[0].date() if dates else None,
                last=dates[-1].date() if dates else None,
                horizon=_describe_offset(horizon),
                lag=f" and a {_describe_offset(lag)} recording lag" if _has_days(lag) else "",
                label_end=label_end.date(),
            )
        )
    return splits[-n_test_dates:]


def refit_split(
    as_of_dates: Iterable,
    *,
    horizon,
    label_end,
    history="expanding",
    history_length=None,
    recording_lag=0,
) -> TemporalSplit:
    """The training dates of the final model: every date whose labels are known by ``label_end``."""
    horizon, lag = _as_offset(horizon), _as_offset(recording_lag)
    length = None if history_length is None else _as_offset(history_length)
    dates = sorted({pd.Timestamp(d).normalize() for d in as_of_dates})
    label_end = pd.Timestamp(label_end).normalize()
    train = _training_dates(dates, label_end, horizon, lag, history, length, strict=False)
    return TemporalSplit(train, None)


def _has_days(offset: pd.DateOffset) -> bool:
    return bool(pd.Timestamp("2000-01-01") + offset != pd.Timestamp("2000-01-01"))


def _describe_offset(offset: pd.DateOffset) -> str:
    parts = [f"{v} {k}" for k, v in offset.kwds.items() if v] if offset.kwds else []
    if not parts and getattr(offset, "n", None) is not None:
        return str(offset)
    return " ".join(parts)
