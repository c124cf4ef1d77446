"""Place context: recent violence rates in the person's area (``people.area``).

Rates are per 1,000 residents known to the records before T and leave the person out (their
own events are individual features), so a model can tell individual risk from living where
violence is common, and the bias audit can check area as a possible proxy for protected
characteristics.
"""

from __future__ import annotations

import numpy as np

from vrurisk.data import Dataset
from vrurisk.features._cohort import day_array, recorded_before
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


def place_manifest(place: PlaceConfig) -> list[FeatureSpec]:
    """One :class:`FeatureSpec` per place column."""
    return [
        FeatureSpec(
            f"place_area_violence_rate_{w}d",
            "place",
            f"people per 1,000 residents of their area involved in violence in the last "
            f"{window_words(w)} (excluding them)",
            f"lives in an area where {{value:.1f}} in every 1,000 other residents were involved "
            f"in violence in the last {window_words(w)}",
        )
        for w in place.windows_days
    ]


def place_block(dataset: Dataset, place: PlaceConfig, day: int) -> np.ndarray:
    """Place features at ``day`` for every person, as a float64 (n_people, n_windows) array.

    Residents are the people born and first recorded (an event) before ``day``: the
    denominators never count someone the records only know about from T on. People with no
    recorded area get the rate of the whole population.
    """
    people, events = dataset.people, dataset.events
    n = dataset.n_people
    resident = (day_array(people["birth_date"]) < day) & recorded_before(dataset, day)
    if "area" in people.columns:
        area_codes = people["area"].astype("category").cat.codes.to_numpy().astype(np.int64)
    else:
        area_codes = np.full(n, -1, dtype=np.int64)
    has_area = area_codes >= 0
    n_areas = int(area_codes.max()) + 1 if has_area.any() else 1
    ev_day = day_array(events["event_date"])
    violent = involved_in_violence(events, place.event_types, place.violence_roles)
    violent &= ev_day < day
    person = events["person_idx"].to_numpy()
    residents = np.bincount(area_codes[has_area & resident], minlength=n_areas).astype(float)
    out = np.zeros((n, len(place.windows_days)))
    for j, w in enumerate(place.windows_days):
        involved = np.zeros(n)
        involved[person[violent & (ev_day >= day - w)]] = 1.0
        involved *= resident
        per_area = np.bincount(area_codes[has_area], weights=involved[has_area], minlength=n_areas)
        own = resident.astype(float)
        safe = np.where(has_area, area_codes, 0)
        others = np.where(has_area, residents[safe] - own, resident.sum() - own)
        count = np.where(has_area, per_area[safe], involved.sum()) - involved
        out[:, j] = np.divide(1000.0 * count, others, out=np.zeros(n), where=others > 0)
    return out


def build_place_features(dataset: Dataset, as_of, person_idx=None, features=None):
    """Place context at ``as_of``: area violence rates per 1,000 residents.

    Returns
    -------
    (pandas.DataFrame, list of FeatureSpec)
        Columns ``place_area_violence_rate_<W>d`` and their manifest.
    """
    from vrurisk.features._builtin_blocks import PLACE, block_features

    return block_features(PLACE, dataset, as_of, person_idx, features)
