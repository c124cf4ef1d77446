"""Early identification: who on a list is already open to a statutory service, and who is about
to leave children's services (turns 18 soon).

The point of the list is to reach young people before they meet the thresholds of other
services. A person is *open to a statutory service* at the list date T when they have a record
of one of the configured event types (e.g. ``child_protection_plan``), or any record from one of
the configured sources (e.g. ``youth_justice``), dated in [T - ``open_days``, T): only records
before the list date count, as for every feature. The extract's own codes are mapped onto these
names in the config's ``vocabulary.event_types``. Configured types or sources with no record
before T are named out loud: nobody is ever silently marked as known to no service.

A person *turns 18 soon* when their 18th birthday falls in (T, T + 6 months]: children's
services end there, and 18-25 transition work starts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field

from vrurisk._section import Section

#: Age at which children's services end.
TRANSITION_AGE = 18
#: How far ahead of the list date a birthday counts as "soon".
TRANSITION_MONTHS = 6
DEFAULT_SERVICE_TYPES = ("youth_justice_supervision", "child_protection_plan", "looked_after_child")
NONE_OCCUR = (
    "statutory services: none of the configured {what} occurs in the data, so nobody can be "
    "marked as open to a statutory service; map the extract's codes onto them in "
    "vocabulary.event_types, or set scoring.statutory_services"
)
SOME_MISSING = "statutory services: no record before {as_of} of {names}; only the others count"


class StatutoryServicesConfig(Section):
    """Which records mean a person is already open to a statutory service (``scoring`` section).

    ``event_types``: canonical event types (after ``vocabulary.event_types``) of a service's
    involvement; ``sources``: sources whose every record means involvement (e.g.
    ``youth_justice``); ``open_days``: how long before the list date such a record still counts.
    """

    event_types: tuple[str, ...] = DEFAULT_SERVICE_TYPES
    sources: tuple[str, ...] = ()
    open_days: int = Field(365, ge=1)


def early_identification(
    dataset, person_idx, as_of, config: StatutoryServicesConfig
) -> tuple[pd.DataFrame, dict]:
    """Marks for each scored person at ``as_of``, and what the configuration found.

    Parameters
    ----------
    dataset : Dataset
    person_idx : array of int
        Positions into ``dataset.people`` of the scored people, in the scores' order.
    as_of : pandas.Timestamp
    config : StatutoryServicesConfig

    Returns
    -------
    (pandas.DataFrame, dict)
        ``open_to_statutory_service`` (bool), ``statutory_services`` (which, in words) and
        ``turns_18_soon`` (bool), one row per ``person_idx``; and a note: ``event_types``,
        ``sources``, ``missing_types``, ``missing_sources`` (configured, with no record before
        ``as_of``), ``n_open`` and ``warning`` (a sentence when nothing configured occurs).
    """
    as_of = pd.Timestamp(as_of)
    person_idx = np.asarray(person_idx, dtype=np.int64)
    events = dataset.events
    before = (events["event_date"] < as_of).to_numpy()
    recent = (
        before & (events["event_date"] >= as_of - pd.Timedelta(days=config.open_days)).to_numpy()
    )
    kinds = events["event_type"].astype(str).to_numpy()
    sources = (
        events["source"].astype(str).to_numpy()
        if "source" in events.columns
        else np.full(len(events), "", dtype=object)
    )
    by_type = np.isin(kinds, list(config.event_types))
    by_source = np.isin(sources, list(config.sources))
    labels = np.where(
        by_type,
        np.char.replace(kinds.astype(str), "_", " "),
        np.char.add(np.char.replace(sources.astype(str), "_", " "), " (source)"),
    )
    hit = recent & (by_type | by_source)
    person = events["person_idx"].to_numpy()[hit]
    words: dict[int, set] = {}
    for p, label in zip(person.tolist(), labels[hit].tolist(), strict=True):
        words.setdefault(p, set()).add(label)
    services = ["; ".join(sorted(words.get(int(p), ()))) for p in person_idx]
    birth = pd.to_datetime(dataset.people["birth_date"]).to_numpy()[person_idx]
    adult = pd.DatetimeIndex(birth) + pd.DateOffset(years=TRANSITION_AGE)
    soon = (adult > as_of) & (adult <= as_of + pd.DateOffset(months=TRANSITION_MONTHS))
    marks = pd.DataFrame(
        {
            "open_to_statutory_service": [bool(s) for s in services],
            "statutory_services": services,
            "turns_18_soon": np.asarray(soon, dtype=bool),
        }
    )
    missing_types = sorted(set(config.event_types) - set(kinds[before & by_type]))
    missing_sources = sorted(set(config.sources) - set(sources[before & by_source]))
    configured = len(config.event_types) + len(config.sources)
    warning = None
    if configured and len(missing_types) + len(missing_sources) == configured:
        what = " and ".join(
            part
            for part in (
                f"event types ({', '.join(missing_types)})" if missing_types else "",
                f"sources ({', '.join(missing_sources)})" if missing_sources else "",
            )
            if part
        )
        warning = NONE_OCCUR.format(what=what)
    elif not configured:
        warning = (
            "statutory services: none configured (scoring.statutory_services), so nobody is marked"
        )
    partial = None
    if warning is None and (missing_types or missing_sources):
        partial = SOME_MISSING.format(
            as_of=as_of.date(), names=", ".join(missing_types + missing_sources)
        )
    note = {
        "event_types": list(config.event_types),
        "sources": list(config.sources),
        "open_days": config.open_days,
        "missing_types": missing_types,
        "missing_sources": missing_sources,
        "n_open": int(marks["open_to_statutory_service"].sum()),
        "warning": warning,
        "partial": partial,
    }
    return marks, note
