"""The evaluation sample: one row per person per closed list, with referral, outcome and features.

Everything is measured at the list date T: the panel's score and rank, recorded history strictly
before T, and the outcome in (T, T + horizon]. The running variable of the regression
discontinuity is the place on the list relative to the cut-off, ``(places + 0.5 - rank) /
places`` (>= 0 means within the places): the panel assigns by rank, and ranks pooled over
months line up where scores from different months do not (on synthetic data with no effect,
the score minus each month's cut-off showed a jump of 2-3 points at the cut-off over five
seeds, the rank none). ``score_gap``, the score minus the list's cut-off score, is what the
manipulation test looks at: nudged scores would bunch just above the cut-off. A row is
*referred* when the person started the programme within ``referral_window_days`` of T.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vrurisk._errors import DataValidationError
from vrurisk.data import Dataset
from vrurisk.features import OutcomeConfig, outcome_mask

NO_INTERVENTIONS = (
    "{source}: no interventions table (interventions.csv or .parquet), so there is nothing to "
    "evaluate"
)
NO_LISTS = (
    "{source}: no lists table (lists.csv or .parquet): the evaluation compares people on and "
    "off the panel's lists, so it needs the lists the panel saw"
)
UNKNOWN_PROGRAMME = "programme {programme!r} is not in the interventions table; it holds {known}"
NO_CLOSED_LISTS = (
    "no list has a closed outcome window: the latest list date with {horizon} days of outcomes "
    "before the extraction date {extraction} would be {latest}, and the first list is {first}"
)
TOO_FEW = (
    "programme {programme!r}: {n_treated} referred and {n_control} not referred on closed "
    "lists; at least {minimum} of each are needed to estimate anything"
)
MIN_GROUP = 20

#: Columns of the list itself that the doubly robust models adjust for.
LIST_FEATURES = ("score", "score_gap", "running", "on_list")
#: Record history windows (days before T) counted as features.
WINDOWS = (90, 365)
DAYS_SINCE_CAP = 3650


@dataclass
class EvaluationSample:
    """Rows of the evaluation and what was left out, said out loud.

    Attributes
    ----------
    rows : pandas.DataFrame
        ``list_date``, ``person_id``, ``rank``, ``places``, ``score``, ``score_gap``,
        ``running`` (>= 0 means within the list's places), ``on_list``, ``referred``,
        ``outcome`` and the feature columns.
    features : list of str
        Columns measured at the list date that the doubly robust models adjust for.
    counts : dict
        How many lists, rows and referrals were used or left out, and why.
    """

    rows: pd.DataFrame
    features: list[str]
    counts: dict = field(default_factory=dict)


def build_sample(
    dataset: Dataset,
    programme: str,
    outcome: OutcomeConfig,
    *,
    referral_window_days: int = 31,
) -> EvaluationSample:
    """Join the lists, the programme's referrals, outcomes and features at each list date.

    Raises
    ------
    DataValidationError
        No interventions or lists table, an unknown programme, no list whose outcome window
        has closed, or too few referred or unreferred rows.
    """
    if dataset.interventions is None:
        raise DataValidationError(NO_INTERVENTIONS.format(source=dataset.source))
    referrals = dataset.interventions
    known = sorted(referrals["programme"].dropna().unique())
    if programme not in known:
        raise DataValidationError(UNKNOWN_PROGRAMME.format(programme=programme, known=known))
    if dataset.lists is None:
        raise DataValidationError(NO_LISTS.format(source=dataset.source))
    horizon = pd.Timedelta(days=outcome.horizon_days)
    lists = dataset.lists
    latest = dataset.extraction_date - horizon
    closed = lists[lists["list_date"] <= latest]
    if closed.empty:
        raise DataValidationError(
            NO_CLOSED_LISTS.format(
                horizon=outcome.horizon_days,
                extraction=dataset.extraction_date.date(),
                latest=latest.date(),
                first=lists["list_date"].min().date(),
            )
        )
    ours = referrals[referrals["programme"] == programme]
    rows = closed[["list_date", "person_id", "person_idx", "rank", "places", "score"]].copy()
    rows = rows.reset_index(drop=True)
    rows["score_gap"] = _score_gap(rows)
    rows["running"] = (rows["places"] + 0.5 - rows["rank"]) / rows["places"]
    rows["on_list"] = rows["rank"] <= rows["places"]
    first_start = _first_start_after(rows, ours)
    since = (first_start - rows["list_date"]).dt.days
    rows["referred"] = (since >= 0) & (since < referral_window_days)
    later = (since >= referral_window_days) & (since <= outcome.horizon_days)
    before = _started_before(rows, ours)
    counts = {
        "lists": int(closed["list_date"].nunique()),
        "lists_not_closed": int(lists["list_date"].nunique() - closed["list_date"].nunique()),
        "referrals": len(ours),
        "rows_already_referred": int(before.sum()),
        "controls_referred_later": int((later & ~before).sum()),
    }
    rows = rows[~before.to_numpy()].reset_index(drop=True)
    matched = rows.loc[rows["referred"], "person_id"]
    counts["referrals_from_lists"] = int(matched.nunique())
    could_match = ours[ours["start_date"] <= latest + pd.Timedelta(days=referral_window_days)]
    outside = ~could_match["person_id"].drop_duplicates().isin(set(matched))
    counts["referrals_outside_lists"] = int(outside.sum())
    no_cut = rows["score_gap"].isna().to_numpy()
    counts["rows_on_lists_without_cutoff"] = int(no_cut.sum())
    rows = rows[~no_cut].reset_index(drop=True)
    rows["outcome"] = _outcomes(dataset, rows, outcome)
    features = _features(dataset, rows, outcome)
    rows = pd.concat([rows, features], axis=1)
    n_treated = int(rows["referred"].sum())
    n_control = len(rows) - n_treated
    counts.update(rows=len(rows), referred=n_treated, not_referred=n_control)
    counts["people"] = int(rows["person_id"].nunique())
    if min(n_treated, n_control) < MIN_GROUP:
        raise DataValidationError(
            TOO_FEW.format(
                programme=programme, n_treated=n_treated, n_control=n_control, minimum=MIN_GROUP
            )
        )
    return EvaluationSample(rows, [*LIST_FEATURES, *features.columns], counts)


def _score_gap(rows: pd.DataFrame) -> pd.Series:
    """Score minus the list's cut-off: halfway between the last place and the first after it."""
    cut = {}
    for date, group in rows.groupby("list_date", sort=False):
        scores = group.sort_values("rank")["score"].to_numpy()
        places = int(group["places"].iloc[0])
        inside = scores[:places]
        outside = scores[places:]
        if len(inside) and len(outside):
            cut[date] = (inside[-1] + outside[0]) / 2
        else:
            cut[date] = np.nan  # nobody on one side: no discontinuity on this list
    return rows["score"] - rows["list_date"].map(cut).astype(float)


def _first_start_after(rows: pd.DataFrame, referrals: pd.DataFrame) -> pd.Series:
    """Each row's first start of the programme on or after its list date (NaT if none)."""
    starts = referrals[["person_id", "start_date"]].sort_values("start_date")
    left = rows[["person_id", "list_date"]].reset_index().sort_values("list_date")
    joined = pd.merge_asof(
        left,
        starts.rename(columns={"start_date": "first_start"}),
        left_on="list_date",
        right_on="first_start",
        by="person_id",
        direction="forward",
    )
    return joined.set_index("index")["first_start"].reindex(rows.index)


def _started_before(rows: pd.DataFrame, referrals: pd.DataFrame) -> pd.Series:
    """Rows of people who had already started the programme before the list date."""
    first = referrals.groupby("person_id")["start_date"].min()
    started = rows["person_id"].map(first)
    return (started < rows["list_date"]).fillna(False).astype(bool)


def _outcomes(dataset: Dataset, rows: pd.DataFrame, outcome: OutcomeConfig) -> np.ndarray:
    events = dataset.events[outcome_mask(dataset, outcome)]
    return _any_between(events, rows, 1, outcome.horizon_days)


def _any_between(events: pd.DataFrame, rows: pd.DataFrame, lo: int, hi: int) -> np.ndarray:
    """Whether each row's person has an event dated in [T + lo days, T + hi days]."""
    return _count_between(events, rows, lo, hi) > 0


def _count_between(events: pd.DataFrame, rows: pd.DataFrame, lo: int, hi: int) -> np.ndarray:
    """Events of each row's person dated in [T + lo days, T + hi days] (T = list date)."""
    ev = events[["person_idx", "event_date"]]
    ev = ev[ev["person_idx"].isin(rows["person_idx"])]
    key = np.asarray(ev["person_idx"], dtype=np.int64)
    day = ev["event_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    order = np.lexsort((day, key))
    key, day = key[order], day[order]
    combined = key * 10**6 + (day - day.min() if len(day) else day)
    base = day.min() if len(day) else 0
    person = rows["person_idx"].to_numpy(dtype=np.int64)
    t = rows["list_date"].to_numpy().astype("datetime64[D]").astype(np.int64) - base
    low = np.searchsorted(combined, person * 10**6 + t + lo, side="left")
    high = np.searchsorted(combined, person * 10**6 + t + hi, side="right")
    return high - low


def _features(dataset: Dataset, rows: pd.DataFrame, outcome: OutcomeConfig) -> pd.DataFrame:
    """What the panel could see at T: score, place on the list, age, sex, recent record."""
    people = dataset.people
    idx = rows["person_idx"].to_numpy()
    t = rows["list_date"]
    birth = people["birth_date"].to_numpy()[idx]
    out = {
        "age": (t.to_numpy() - birth) / np.timedelta64(1, "D") / 365.25,
    }
    if "sex" in people.columns:
        out["male"] = (people["sex"].astype("string").to_numpy()[idx] == "M").astype(float)
    if "deprivation_decile" in people.columns:
        out["deprivation_decile"] = people["deprivation_decile"].to_numpy(dtype=float)[idx]
    events = dataset.events
    violent = events[outcome_mask(dataset, outcome)]
    for days in WINDOWS:
        out[f"outcome_events_{days}d"] = _count_between(violent, rows, -days, -1)
        out[f"events_{days}d"] = _count_between(events, rows, -days, -1)
    out["events_ever"] = _count_between(events, rows, -(10**5), -1)
    return pd.DataFrame(out, index=rows.index).astype(float)
