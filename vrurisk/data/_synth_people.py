"""Synthetic people: demographics, areas, households, adverse childhood experiences, latent risk.

Internally people are kept sorted by (area, age band, household) so that areas and households are
contiguous blocks; identifiers are assigned later from a random permutation, so row order leaks
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vrurisk.data import _synth_params as P


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class People:
    """Person-level arrays (all of length ``n``) and area/household lookups."""

    n: int
    age_end: np.ndarray  # age in years on the last day
    male: np.ndarray  # bool
    ethnicity: np.ndarray  # codes into ETHNICITIES
    area: np.ndarray  # area index, non-decreasing
    area_decile: np.ndarray  # deprivation decile of each area (1 = most deprived)
    area_start: np.ndarray  # first position of each area (length n_areas + 1)
    school: np.ndarray
    household: np.ndarray  # household index, contiguous
    ace: dict[str, np.ndarray]  # bool indicators
    sen: np.ndarray
    exclusion_prone: np.ndarray
    missing_prone: np.ndarray
    early_drug: np.ndarray
    latent: np.ndarray  # log risk multiplier, mean zero
    affinity: np.ndarray  # trait that associates and street groups form on (latent risk by default)
    group: np.ndarray  # street-group index, -1 if none
    group_formed: np.ndarray  # day offset (from the simulation start) each group formed

    @property
    def decile(self) -> np.ndarray:
        return self.area_decile[self.area]

    @property
    def ace_count(self) -> np.ndarray:
        return sum(v.astype(np.int8) for v in self.ace.values())


def make_people(
    rng: np.random.Generator,
    n: int,
    total_days: float,
    *,
    risk_homophily: float = 1.0,
    affinity_rng: np.random.Generator | None = None,
) -> People:
    """Draw ``n`` people with areas, households, ACEs, traits, latent risk and street groups.

    Associates and street groups form on an affinity trait whose correlation with latent risk is
    ``risk_homophily``; at 1 (the default) it is the latent risk itself and ``affinity_rng`` is
    not used, so default populations do not depend on it.
    """
    n_areas = max(4, int(round(n / P.PEOPLE_PER_AREA)))
    area_decile = rng.integers(1, 11, size=n_areas)
    area = np.sort(rng.integers(0, n_areas, size=n))
    age_end = rng.uniform(P.AGE_MIN, P.AGE_MAX, size=n)
    # Households: siblings share an area and a six-year age band.
    band = (age_end // 6).astype(np.int64)
    order = np.lexsort((rng.random(n), band, area))
    area, age_end = area[order], age_end[order]
    sizes = rng.choice(P.HOUSEHOLD_SIZES, size=n, p=P.HOUSEHOLD_SIZE_P)
    ends = np.cumsum(sizes)
    household = np.searchsorted(ends, np.arange(n), side="right")
    first = np.r_[0, ends[:-1]][household]
    area = area[np.minimum(first, n - 1)]  # a household lives in one area
    area_start = np.searchsorted(area, np.arange(n_areas + 1))
    n_households = int(household[-1]) + 1

    decile = area_decile[area]
    deprivation = (5.5 - decile) / 4.5  # +1 most deprived, -1 least
    mix = (deprivation + 1) / 2
    shares = np.outer(1 - mix, P.ETHNICITY_SHARES_AFFLUENT) + np.outer(
        mix, P.ETHNICITY_SHARES_DEPRIVED
    )
    # Ethnicity is shared within a household.
    hh_u = rng.random(n_households)[household]
    ethnicity = (hh_u[:, None] > np.cumsum(shares, axis=1)).sum(axis=1).astype(np.int8)
    male = rng.random(n) < 0.5

    # Household adversity drives the ACEs; deprivation raises all of them.
    adversity = rng.normal(size=n_households)[household] + 0.35 * deprivation
    ace = {
        "domestic_abuse": _hh_bool(rng, household, _logistic(-2.3 + 0.9 * adversity)),
        "parental_substance_misuse": _hh_bool(rng, household, _logistic(-2.8 + 0.9 * adversity)),
        "parental_imprisonment": _hh_bool(rng, household, _logistic(-3.4 + 0.9 * adversity)),
    }
    n_aces = sum(v.astype(float) for v in ace.values())
    ace["social_care"] = rng.random(n) < _logistic(-3.0 + 1.1 * n_aces + 0.4 * adversity)
    n_aces = n_aces + ace["social_care"]

    disposition = rng.normal(size=n)
    sen = rng.random(n) < _logistic(-1.9 + 0.5 * male + 0.3 * disposition)
    exclusion_prone = rng.random(n) < _logistic(
        -3.0 + 0.8 * disposition + 0.4 * n_aces + 0.5 * sen + 0.4 * male
    )
    missing_prone = rng.random(n) < _logistic(
        -3.3 + 0.5 * disposition + 0.6 * n_aces + 0.8 * ace["social_care"]
    )
    early_drug = rng.random(n) < _logistic(
        -3.2 + 0.7 * disposition + 0.35 * n_aces + 0.5 * exclusion_prone
    )
    latent = (
        0.55 * disposition
        + 0.30 * ace["domestic_abuse"]
        + 0.25 * ace["parental_substance_misuse"]
        + 0.30 * ace["parental_imprisonment"]
        + 0.25 * ace["social_care"]
        + 0.45 * exclusion_prone
        + 0.20 * sen
        + 0.35 * missing_prone
        + 0.45 * early_drug
        + 0.20 * deprivation
        + 0.60 * male
        + rng.normal(scale=P.LATENT_NOISE_SD, size=n)
    )
    latent = latent - latent.mean()
    affinity = _affinity(latent, risk_homophily, affinity_rng)
    group, formed = _street_groups(rng, affinity, age_end, area, n_areas, total_days)
    return People(
        n=n,
        age_end=age_end,
        male=male,
        ethnicity=ethnicity,
        area=area,
        area_decile=area_decile,
        area_start=area_start,
        school=area // P.AREAS_PER_SCHOOL,
        household=household,
        ace=ace,
        sen=sen,
        exclusion_prone=exclusion_prone,
        missing_prone=missing_prone,
        early_drug=early_drug,
        latent=latent,
        affinity=affinity,
        group=group,
        group_formed=formed,
    )


def _affinity(
    latent: np.ndarray, risk_homophily: float, rng: np.random.Generator | None
) -> np.ndarray:
    """A trait with the spread of latent risk and correlation ``risk_homophily`` with it."""
    if risk_homophily == 1.0:
        return latent
    if rng is None:
        raise ValueError("an affinity_rng is needed when risk_homophily != 1")
    noise = rng.normal(scale=latent.std(), size=len(latent))
    return risk_homophily * latent + np.sqrt(1.0 - risk_homophily**2) * noise


def _hh_bool(rng: np.random.Generator, household: np.ndarray, p: np.ndarray) -> np.ndarray:
    """One draw per household (``p`` is constant within a household), shared by its members."""
    n_households = int(household[-1]) + 1
    u = rng.random(n_households)[household]
    return u < p


def _street_groups(
    rng: np.random.Generator,
    affinity: np.ndarray,
    age_end: np.ndarray,
    area: np.ndarray,
    n_areas: int,
    total_days: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Some 13-27 year olds highest in affinity (by default latent risk) join street groups."""
    n = len(affinity)
    eligible = (age_end >= 13) & (age_end < 27)
    cut = np.quantile(affinity[eligible], 1 - P.GROUP_CANDIDATE_SHARE) if eligible.any() else np.inf
    members = np.flatnonzero(eligible & (affinity >= cut) & (rng.random(n) < P.GROUP_JOIN_P))
    group = np.full(n, -1, dtype=np.int64)
    if len(members) == 0:
        return group, np.zeros(0)
    per_area = np.bincount(area[members], minlength=n_areas)
    n_groups = np.maximum(1, np.round(per_area / P.GROUP_SIZE)).astype(np.int64)
    offset = np.r_[0, np.cumsum(n_groups)[:-1]]
    member_area = area[members]
    group[members] = offset[member_area] + rng.integers(0, n_groups[member_area])
    # Drop groups with fewer than three members.
    sizes = np.bincount(group[members], minlength=int(n_groups.sum()))
    group[members[sizes[group[members]] < 3]] = -1
    kept = np.unique(group[group >= 0])
    remap = np.full(int(n_groups.sum()), -1, dtype=np.int64)
    remap[kept] = np.arange(len(kept))
    group[group >= 0] = remap[group[group >= 0]]
    # Groups form between twelve years before the start and six months before the end.
    formed = rng.uniform(-12 * 365.25, max(total_days - 183.0, 0.0), size=len(kept))
    return group, formed
