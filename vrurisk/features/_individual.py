"""Individual risk factors at an as-of date T, from events dated strictly before T.

Events are sorted by date once (:class:`EventIndex`); every window ``[T - W, T)`` is then a
contiguous slice found by binary search, and counts per (person, event type/role) are one
``numpy.bincount`` over that slice. Several as-of dates share the sorted index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vrurisk._text import duration_words
from vrurisk.data import Dataset
from vrurisk.features._cohort import DAYS_PER_YEAR, age_at, day_array
from vrurisk.features._config import FeatureConfig
from vrurisk.features._manifest import FeatureSpec

TREND_DAYS = 365
UNKNOWN_STATIC = "The features.allowed_static_attributes entry {name!r} is not a column of people."


def slug(text: str) -> str:
    """A column-name-safe lower-case form of a category value."""
    return re.sub(r"[^0-9a-z]+", "_", str(text).strip().lower()).strip("_") or "blank"


def window_words(days: int) -> str:
    """``365`` -> ``"12 months"``; used in descriptions and reasons."""
    if days % 365 == 0:
        years = days // 365
        return "12 months" if years == 1 else f"{years} years"
    if days % 30 == 0 and days < 365:
        return f"{days // 30} months"
    if days == 90 or days == 180:
        return f"{days // 30} months"
    return f"{days} days"


@dataclass(frozen=True)
class EventIndex:
    """Events as date-sorted integer arrays, shared by every as-of date."""

    day: np.ndarray  # int64, ascending
    person: np.ndarray  # int64 person_idx
    key: np.ndarray  # int64 code into ``keys`` (-1: type not counted)
    source: np.ndarray  # int64 code into ``sources`` (-1: missing)
    keys: tuple[tuple[str, str | None], ...]
    sources: tuple[str, ...]
    first_day: np.ndarray  # per person: day of their first event (large if none)
    n_people: int


def _codes(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Categorical codes (-1: missing) and category names of a column."""
    cat = column.astype("category")
    return cat.cat.codes.to_numpy().astype(np.int64), [str(c) for c in cat.cat.categories]


def event_keys(dataset: Dataset, features: FeatureConfig, max_day: int) -> list:
    """The (event type, role) pairs that get their own columns, in a stable order.

    With ``features.event_types`` unset, every type present in events dated before ``max_day``
    (so the columns never depend on anything recorded on or after the latest as-of date).
    """
    events = dataset.events
    before = day_array(events["event_date"]) < max_day
    t_code, t_names = _codes(events["event_type"])
    use_role = features.by_role and "role" in events.columns
    if use_role:
        r_code, r_names = _codes(events["role"])
    else:
        r_code, r_names = np.full(len(events), -1, dtype=np.int64), []
    width = len(r_names) + 1
    present = np.unique(t_code[before & (t_code >= 0)] * width + r_code[before & (t_code >= 0)] + 1)
    keys = {(t_names[c // width], r_names[c % width - 1] if c % width else None) for c in present}
    if features.event_types is not None:
        keys = {k for k in keys if k[0] in set(features.event_types)}
    return sorted(keys, key=lambda k: (k[0], k[1] or ""))


def index_events(
    dataset: Dataset, features: FeatureConfig, max_day: int, keys: list | None = None
) -> EventIndex:
    """Sort and encode the events once for all as-of dates up to ``max_day``.

    ``keys`` fixes the (event type, role) columns (the Dask engine passes the whole
    population's keys to every partition); default :func:`event_keys` of ``dataset``.
    """
    events = dataset.events
    keys = event_keys(dataset, features, max_day) if keys is None else list(keys)
    day = day_array(events["event_date"])
    order = np.argsort(day, kind="stable")
    key = _key_codes(events, keys, features.by_role and "role" in events.columns)
    if "source" in events.columns:
        src = events["source"].astype("category")
        source = src.cat.codes.to_numpy().astype(np.int64)
        sources = tuple(str(c) for c in src.cat.categories)
    else:
        source, sources = np.full(len(events), -1, dtype=np.int64), ()
    person = events["person_idx"].to_numpy().astype(np.int64)
    first_day = np.full(dataset.n_people, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_day, person, day)
    return EventIndex(
        day=day[order],
        person=person[order],
        key=key[order],
        source=source[order],
        keys=tuple(keys),
        sources=sources,
        first_day=first_day,
        n_people=dataset.n_people,
    )


def _key_codes(events: pd.DataFrame, keys: list, use_role: bool) -> np.ndarray:
    """Code of each event's (type, role) pair in ``keys``; -1 when it has no column."""
    t_code, t_names = _codes(events["event_type"])
    if use_role:
        r_code, r_names = _codes(events["role"])
    else:
        r_code, r_names = np.full(len(events), -1, dtype=np.int64), []
    width = len(r_names) + 1
    lookup = np.full(max(1, len(t_names)) * width, -1, dtype=np.int64)
    t_pos = {name: i for i, name in enumerate(t_names)}
    r_pos = {name: i for i, name in enumerate(r_names)}
    for code, (etype, role) in enumerate(keys):
        if etype not in t_pos or (role is not None and role not in r_pos):
            continue  # a key of the whole population absent from this (partial) table
        lookup[t_pos[etype] * width + (r_pos[role] + 1 if role is not None else 0)] = code
    return np.where(t_code >= 0, lookup[np.maximum(t_code, 0) * width + r_code + 1], -1)


def _slice(index: EventIndex, start_day: int, end_day: int) -> slice:
    """Events dated in ``[start_day, end_day)``."""
    lo = np.searchsorted(index.day, start_day, side="left")
    hi = np.searchsorted(index.day, end_day, side="left")
    return slice(int(lo), int(hi))


def _counts(index: EventIndex, sl: slice, row_of: np.ndarray | None, n: int) -> np.ndarray:
    """(n, n_keys) counts of events in ``sl``; events of people outside the rows are dropped."""
    k = len(index.keys)
    person, key = index.person[sl], index.key[sl]
    rows = person if row_of is None else row_of[person]
    ok = (rows >= 0) & (key >= 0)
    flat = np.bincount(rows[ok] * k + key[ok], minlength=n * k)
    return flat.reshape(n, k)


def _last_day(index: EventIndex, end_day: int, row_of: np.ndarray | None, n: int) -> np.ndarray:
    k = len(index.keys)
    sl = _slice(index, np.iinfo(np.int64).min, end_day)
    person, key, day = index.person[sl], index.key[sl], index.day[sl]
    rows = person if row_of is None else row_of[person]
    ok = (rows >= 0) & (key >= 0)
    last = np.full(n * k, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, rows[ok] * k + key[ok], day[ok])
    return last.reshape(n, k)


#: How a panel would name one event of each type in the shared vocabulary (several: see
#: :func:`plural_noun`; irregular ones give both); other types read "<type> event(s)".
EVENT_NOUNS = {
    "serious_violence": "serious violence incident",
    "violence": "violent incident",
    "knife_possession": "knife possession offence",
    "drug_supply": "drug supply offence",
    "drug_possession": "drug possession offence",
    "asb": "anti-social behaviour report",
    "stop_search": ("stop and search", "stops and searches"),
    "custody": "period in police custody",
    "missing_episode": "missing episode",
    "school_exclusion": "school exclusion",
    "sen_support": "period of special educational needs support",
    "ae_assault": "assault-related A&E attendance",
    "social_care_referral": "social care referral",
    "domestic_abuse": "domestic abuse incident",
    "parental_substance_misuse": "report of parental substance misuse",
    "parental_imprisonment": "report of parental imprisonment",
}


def plural_noun(noun: str) -> str:
    """The plural of a regular noun phrase: its head noun (before "of"/"in") takes an s.

    Examples
    --------
    >>> plural_noun("school exclusion"), plural_noun("period in police custody")
    ('school exclusions', 'periods in police custody')
    """
    head, sep, rest = [*re.split(r"( (?:of|in) )", noun, maxsplit=1), "", ""][:3]
    return f"{head}s{sep}{rest}"


def event_nouns(etype: str) -> tuple[str, str]:
    """One and several events of type ``etype`` in words."""
    nouns = EVENT_NOUNS.get(etype, f"{_plain(etype)} event")
    return nouns if isinstance(nouns, tuple) else (nouns, plural_noun(nouns))


#: Roles worth saying; "subject" goes without saying.
ROLE_WORDS = {"suspect": " (as a suspect)", "victim": " (as a victim)", "subject": ""}


def _plain(text: str) -> str:
    """A category value as words that are safe inside a reason template."""
    return re.sub(r"[{}|_]+", " ", str(text)).strip()


def _key_words(key: tuple[str, str | None]) -> tuple[str, str, str]:
    """Column stem, and one and several events of the key in words (role included)."""
    etype, role = key
    name = slug(etype) + (f"_{slug(role)}" if role else "")
    one, many = event_nouns(etype)
    role_words = ROLE_WORDS.get(role, f" (as {_plain(role)})") if role else ""
    return name, one + role_words, many + role_words


def individual_manifest(index: EventIndex, features: FeatureConfig, static: list) -> list:
    """One :class:`FeatureSpec` per individual column, in column order."""
    specs: list[FeatureSpec] = []

    def add(name: str, description: str, reason: str) -> None:
        specs.append(FeatureSpec(name, "individual", description, reason))

    cap = features.days_since_cap
    for key in index.keys:
        name, one, many = _key_words(key)
        counted = f"{{value:count|{one}|{many}}}"
        for w in features.windows_days:
            ww = window_words(w)
            add(f"count_{name}_{w}d", f"{many} in the last {ww}", f"{counted} in the last {ww}")
        if features.all_history:
            add(f"count_{name}_all", f"{many} ever recorded", f"{counted} on record")
        if features.days_since_last:
            add(
                f"days_since_{name}",
                f"days since the last {one}; {cap} if none in the last {duration_words(cap)}",
                f"{{value:since|{cap}|{one}}}",
            )
        if features.trend:
            add(
                f"trend_{name}",
                f"{many} in the last 12 months minus the 12 months before",
                f"{{value:change|{one}|{many}}} in the last 12 months compared with the "
                "12 months before",
            )
    for w in features.windows_days:
        ww = window_words(w)
        add(
            f"count_any_{w}d",
            f"agency records of any kind in the last {ww}",
            f"{{value:count|agency record|agency records}} of any kind in the last {ww}",
        )
    add(
        "n_sources",
        "number of agencies (sources) that have recorded an event",
        "known to {value:count|agency|agencies}",
    )
    add("age", "age in years at the as-of date", "aged {value:age}")
    add(
        "age_first_contact",
        "age in years at the first recorded event (current age if none)",
        "first recorded contact at age {value:age}",
    )
    for attr, value in static:
        add(
            f"static_{slug(attr)}_{slug(value)}",
            f"{attr} is {value} (allowed by the config)",
            f"{attr}: {value}",
        )
    return specs


def static_levels(dataset: Dataset, features: FeatureConfig) -> list:
    """(attribute, value) pairs of the allowed static attributes, one column each."""
    from vrurisk._errors import ConfigError

    levels = []
    for attr in features.allowed_static_attributes:
        if attr not in dataset.people.columns or attr in ("person_id", "person_idx"):
            raise ConfigError(UNKNOWN_STATIC.format(name=attr))
        values = dataset.people[attr].dropna().astype("string").unique()
        levels += [(attr, str(v)) for v in sorted(values)]
    return levels


def individual_block(
    dataset: Dataset,
    index: EventIndex,
    features: FeatureConfig,
    day: int,
    person_idx: np.ndarray | None,
    static: list,
) -> np.ndarray:
    """The individual features at ``day`` as a float32 array (rows: ``person_idx`` or all)."""
    n_all = index.n_people
    if person_idx is None:
        row_of, rows_idx, n = None, np.arange(n_all), n_all
    else:
        rows_idx = np.asarray(person_idx, dtype=np.int64)
        n = len(rows_idx)
        row_of = np.full(n_all, -1, dtype=np.int64)
        row_of[rows_idx] = np.arange(n)
    k = len(index.keys)
    per_key = []
    needed = set(features.windows_days) | (
        {TREND_DAYS, 2 * TREND_DAYS} if features.trend else set()
    )
    windows = {w: _counts(index, _slice(index, day - w, day), row_of, n) for w in needed}
    for w in features.windows_days:
        per_key.append(windows[w])
    if features.all_history:
        per_key.append(_counts(index, _slice(index, np.iinfo(np.int64).min, day), row_of, n))
    if features.days_since_last:
        last = _last_day(index, day, row_of, n)
        since = np.where(last == np.iinfo(np.int64).min, features.days_since_cap, day - last)
        per_key.append(np.minimum(since, features.days_since_cap))
    if features.trend:
        recent = windows[TREND_DAYS]
        per_key.append(2 * recent - windows[2 * TREND_DAYS])
    n_blocks = len(per_key)
    out = np.empty((n, k * n_blocks + len(features.windows_days) + 3 + len(static)), np.float32)
    for b, block in enumerate(per_key):
        out[:, b : k * n_blocks : n_blocks] = block
    col = k * n_blocks
    for w in features.windows_days:
        out[:, col] = windows[w].sum(axis=1)
        col += 1
    out[:, col] = _n_sources(index, day, row_of, n)
    age = age_at(dataset, day)[rows_idx]
    first = index.first_day[rows_idx]
    birth = day_array(dataset.people["birth_date"])[rows_idx]
    first_age = np.where(first < day, (first - birth) / DAYS_PER_YEAR, age)
    out[:, col + 1] = age
    out[:, col + 2] = first_age
    col += 3
    for attr, value in static:
        column = dataset.people[attr].astype("string").to_numpy()[rows_idx]
        out[:, col] = column == value
        col += 1
    return out


def _n_sources(index: EventIndex, day: int, row_of: np.ndarray | None, n: int) -> np.ndarray:
    s = len(index.sources)
    if s == 0:
        return np.zeros(n)
    sl = _slice(index, np.iinfo(np.int64).min, day)
    person, source = index.person[sl], index.source[sl]
    rows = person if row_of is None else row_of[person]
    ok = (rows >= 0) & (source >= 0)
    seen = np.bincount(rows[ok] * s + source[ok], minlength=n * s).reshape(n, s)
    return (seen > 0).sum(axis=1)


def build_individual_features(
    dataset: Dataset,
    as_of,
    person_idx: np.ndarray | None = None,
    features: FeatureConfig | None = None,
) -> tuple[pd.DataFrame, list[FeatureSpec]]:
    """Individual risk factors at ``as_of`` from events dated strictly before it.

    Parameters
    ----------
    dataset : Dataset
    as_of : date-like
    person_idx : array of int, optional
        Rows to build (positions into ``dataset.people``); default everyone.
    features : FeatureConfig, optional

    Returns
    -------
    (pandas.DataFrame, list of FeatureSpec)
        float32 columns ``count_<type>_<role>_<W>d``, ``count_<type>_<role>_all``,
        ``days_since_<type>_<role>``, ``trend_<type>_<role>``, ``count_any_<W>d``,
        ``n_sources``, ``age``, ``age_first_contact`` and ``static_<attr>_<value>``; and the
        manifest of those columns.
    """
    from vrurisk.features._builtin_blocks import INDIVIDUAL, block_features

    return block_features(INDIVIDUAL, dataset, as_of, person_idx, features)
