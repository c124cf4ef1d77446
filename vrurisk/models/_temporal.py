"""The ``temporal`` config section and split planning: which as-of dates train and test.

:func:`plan_splits` turns a validated config and the data's extraction date into the temporal
test splits and the final refit split (:mod:`vrurisk.models._splits`), after
:func:`check_against_data` has said in one line when the horizon is too long for the data.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

import pandas as pd
from pydantic import Field, model_validator

from vrurisk._errors import ConfigError
from vrurisk._section import Section as _Section
from vrurisk.models._splits import refit_split, temporal_splits

if TYPE_CHECKING:
    from vrurisk.config import ExperimentConfig

DATES_XOR_RANGE = "temporal: give either as_of_dates or start, end and step_months (got {given})"
FEW_DATES = "temporal: needs at least 2 as-of dates, got {n}"
RANGE_ORDER = "temporal.end ({end}) must be after temporal.start ({start})"
NEED_LENGTH = "temporal.history_length_days is required when temporal.training_history is 'rolling'"
AFTER_EXTRACTION = (
    "temporal: as-of date {date} is after the data's extraction date {extraction}; "
    "use as-of dates on or before it"
)
HORIZON_TOO_LONG = (
    "outcome.horizon_days ({horizon}){lag} is longer than the data allows: with as-of dates "
    "{first} to {last} and data extracted on {extraction}, no test date has a closed outcome "
    "window and an earlier training date whose window closes before it; use a shorter horizon "
    "or earlier as-of dates"
)


class TemporalConfig(_Section):
    """As-of dates and how training history is chosen for each test date."""

    as_of_dates: tuple[dt.date, ...] | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    step_months: int | None = Field(None, gt=0, le=60)
    training_history: Literal["expanding", "rolling"] = "expanding"
    history_length_days: int | None = Field(None, gt=0)
    test_dates: int = Field(3, ge=1, le=50)
    #: Days between an event and its appearing in the extract. An outcome window (t, t + h] is
    #: only complete h + recording_lag_days after t: split planning and the bias audit's
    #: held-out rule both wait that long.
    recording_lag_days: int = Field(0, ge=0, le=3650)

    @model_validator(mode="after")
    def _dates(self) -> TemporalConfig:
        has_list = self.as_of_dates is not None
        has_range = [k for k in ("start", "end", "step_months") if getattr(self, k) is not None]
        if has_list == bool(has_range) or (has_range and len(has_range) < 3):
            given = ", ".join((["as_of_dates"] if has_list else []) + has_range) or "none"
            raise ValueError(DATES_XOR_RANGE.format(given=given))
        if has_range and self.end <= self.start:
            raise ValueError(RANGE_ORDER.format(start=self.start, end=self.end))
        if len(self.dates()) < 2:
            raise ValueError(FEW_DATES.format(n=len(self.dates())))
        if self.training_history == "rolling" and self.history_length_days is None:
            raise ValueError(NEED_LENGTH)
        return self

    def dates(self) -> list[pd.Timestamp]:
        """Every as-of date, oldest first."""
        if self.as_of_dates is not None:
            return sorted({pd.Timestamp(d) for d in self.as_of_dates})
        out, current = [], pd.Timestamp(self.start)
        while current <= pd.Timestamp(self.end):
            out.append(current)
            current = current + pd.DateOffset(months=self.step_months)
        return out


def check_against_data(config: ExperimentConfig, extraction_date) -> None:
    """Checks that need the data's extraction date; raise :class:`ConfigError` before training."""
    extraction = pd.Timestamp(extraction_date).normalize()
    dates = config.temporal.dates()
    late = [d for d in dates if d > extraction]
    if late:
        raise ConfigError(
            AFTER_EXTRACTION.format(date=late[0].date(), extraction=extraction.date())
        )
    try:
        temporal_splits(
            dates,
            horizon=config.horizon(),
            label_end=extraction,
            n_test_dates=config.temporal.test_dates,
            history=config.temporal.training_history,
            history_length=config.history_length(),
            recording_lag=config.temporal.recording_lag_days,
        )
    except ValueError as exc:
        raise ConfigError(
            HORIZON_TOO_LONG.format(
                horizon=f"{config.outcome.horizon_days} days",
                lag=_lag_words(config.temporal.recording_lag_days),
                first=dates[0].date(),
                last=dates[-1].date(),
                extraction=extraction.date(),
            )
        ) from exc


def _lag_words(days: int) -> str:
    return f" plus temporal.recording_lag_days ({days} days)" if days else ""


def plan_splits(config: ExperimentConfig, extraction_date):
    """The temporal test splits and the final refit split for this config and data."""
    check_against_data(config, extraction_date)
    kwargs = dict(
        horizon=config.horizon(),
        label_end=pd.Timestamp(extraction_date).normalize(),
        history=config.temporal.training_history,
        history_length=config.history_length(),
        recording_lag=config.temporal.recording_lag_days,
    )
    dates = config.temporal.dates()
    return (
        temporal_splits(dates, n_test_dates=config.temporal.test_dates, **kwargs),
        refit_split(dates, **kwargs),
    )
