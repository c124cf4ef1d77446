"""Place context: recent violence rates in the person's area (``people.area``).

Rates are per 1,000 residents known to services recently (recorded in the
:func:`resident_lookback_days` before T) and leave the person out (their own events are
individual features), so a model can tell individual risk from living where violence is common,
and the bias audit can check area as a possible proxy for protected characteristics.

The look-back is fixed so the rate means the same at every T: with "everyone ever recorded
before T" as the denominator, the stock of known people grows with the length of the history
while the violence in the window does not, and the rate falls by construction (on the demo's
synthetic population of 20,000, whose yearly violence is flat, the cohort mean fell from 157 per
1,000 in January 2022 to 101 in January 2025).
"""

from __future__ import annotations

import numpy as np

from vrurisk.data import Dataset
from vrurisk.features._cohort import day_array, recorded_since
from vrurisk.features._config import PlaceConfig
from vrurisk.features._individual import window_words
from vrurisk.features._manifest import FeatureSpec
from vrurisk.features._network import involved_in_violence


def has_areas(dataset: Dataset) -> bool:
    """Does ``people`` record an area for anyone? Without one there is no place context."""
    people = dataset.people
    return "area" in people.columns and bool(people["area"].notna().any())


def without_missing_blocks(dataset: Dataset, features):
    """``features`` with the place block switched off when ``people`` records no area.

    With no area everyone would share one "area", and a leave-one-out rate over it only
    encodes the person's own past involvement (and draws a proxy warning about 'area').
    """
    if features.place.enabled and not has_areas(dataset):
        place = features.place.model_copy(update={"enabled": False})
        return features.model_copy(update={"place": place})
    return features


#: Residents are the people recorded in the last two years before T (or the rate's window if
#: longer), as the cohort's default activity look-back.
RESIDENT_LOOKBACK_DAYS = 730


def resident_lookback_days(window_days: int) -> int:
    """Days before T in which a record makes someone a resident, for a ``window_days`` rate.

    The longer of two years and the window, so everyone counted as involved in violence in the
    window is also a resident.

    Examples
    --------
    >>> resident_lookback_days(365), resident_lookback_days(1095)
    (730, 1095)
    """
    return max(RESIDENT_LOOKBACK_DAYS, window_days)


def place_manifest(place: PlaceConfig) -> list[FeatureSpec]:
    """One :class:`FeatureSpec` per place column."""
    return [
        FeatureSpec(
            f"place_area_violence_rate_{w}d",
            "place",
            f"people per 1,000 residents of their area (recorded by any service in the last "
            f"{window_words(resident_lookback_days(w))}) involved in violence in the last "
            f"{window_words(w)} (excluding them)",
            f"lives in an area where {{value:.1f}} in every 1,000 other residents known to "
            f"services in the last {window_words(resident_lookback_days(w))} were involved in "
            f"violence in the last {window_words(w)}",
        )
        for w in place.windows_days
    ]


def place_block(dataset: Dataset, place: PlaceConfig, day: int) -> np.ndarray:
    """Place features at ``day`` for every person, as a float64 (n_people, n_windows) array.

    For a window of W days, residents are the people born before ``day`` with at least one
    event in the :func:`resident_lookback_days` (W) before it: a fixed look-back, so the
    denominator does not grow with the length of the history, and nothing dated on or after
    ``day`` counts. Each person's rate leaves them out. People with no recorded area, or whose
    area has no other resident at ``day``, get the rate of the whole population (excluding
    them): no area rate exists for them, and 0 would claim a violence-free area.
    """
    people, events = dataset.people, dataset.events
    n = dataset.n_people
    if "area" in people.columns:
        area_codes = people["area"].astype("category").cat.codes.to_numpy().astype(np.int64)
    else:
        area_codes = np.full(n, -1, dtype=np.int64)
    has_area = area_codes >= 0
    safe = np.where(has_area, area_codes, 0)
    n_areas = int(area_codes.max()) + 1 if has_area.any() else 1
    born = day_array(people["birth_date"]) < day
    ev_day = day_array(events["event_date"])
    before = ev_day < day
    violent = involved_in_violence(events, place.event_types, place.violence_roles) & before
    person = events["person_idx"].to_numpy()
    out = np.zeros((n, len(place.windows_days)))
    for j, w in enumerate(place.windows_days):
        own = (born & recorded_since(dataset, day - resident_lookback_days(w), day)).astype(float)
        involved = np.zeros(n)
        involved[person[violent & (ev_day >= day - w)]] = 1.0
        involved *= own
        residents = np.bincount(area_codes[has_area], weights=own[has_area], minlength=n_areas)
        per_area = np.bincount(area_codes[has_area], weights=involved[has_area], minlength=n_areas)
        others = np.where(has_area, residents[safe], 0.0) - own
        count = np.where(has_area, per_area[safe], 0.0) - involved
        # no area, or no other resident in it: the whole population's rate, leaving them out
        whole = others <= 0
        others = np.where(whole, own.sum() - own, others)
        count = np.where(whole, involved.sum() - involved, count)
        out[:, j] = np.divide(1000.0 * count, others, out=np.zeros(n), where=others > 0)
    return out


def build_place_features(dataset: Dataset, as_of, person_idx=None, features=None):
    """Place context at ``as_of``: area violence rates per 1,000 residents.

    Residents are the people recorded by any service in the two years before ``as_of`` (or the
    rate's window, if longer); see :func:`place_block`.

    Returns
    -------
    (pandas.DataFrame, list of FeatureSpec)
        Columns ``place_area_violence_rate_<W>d`` and their manifest.
    """
    from vrurisk.features._builtin_blocks import PLACE, block_features

    return block_features(PLACE, dataset, as_of, person_idx, features)
