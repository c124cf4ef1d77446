"""The synthetic social network: households, school year groups, associates, street groups.

Ties are homophilous: associates mostly share an area, are within a few years of age and have
similar affinity, a trait that is the latent risk itself by default (``risk_homophily=1``) and
independent of it at ``risk_homophily=0``. Every tie has a start day (relative to the simulation
start; negative means before it) and only carries contagion from that day on. Co-offending and
co-victim ties are added during the monthly simulation, when people offend or are victimised
together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vrurisk.data import _synth_params as P
from vrurisk.data._synth_people import People

DAYS_PER_YEAR = 365.25


@dataclass
class Ties:
    """Undirected ties, one row each (``a < b``)."""

    a: np.ndarray
    b: np.ndarray
    start: np.ndarray  # day offset from the simulation start
    kind: np.ndarray  # index into LINK_TYPES
    recorded: np.ndarray  # bool: appears in the links table
    end: np.ndarray  # day the tie stops carrying contagion (never recorded; inf = lasting)
    strength: np.ndarray  # true weight of the tie in the contagion exposure

    @staticmethod
    def concat(parts: list[Ties]) -> Ties:
        return Ties(*(np.concatenate([getattr(p, f) for p in parts]) for f in Ties.FIELDS))

    FIELDS = ("a", "b", "start", "kind", "recorded", "end", "strength")


@dataclass
class Adjacency:
    """Both directions of every tie in CSR form, with each entry's start/end day and weight."""

    indptr: np.ndarray
    neighbour: np.ndarray
    start: np.ndarray
    end: np.ndarray
    weight: np.ndarray
    present: np.ndarray | None = None  # people still in the area (None: everyone)

    @classmethod
    def from_ties(cls, ties: Ties, n: int) -> Adjacency:
        rows = np.concatenate([ties.a, ties.b])
        order = np.argsort(rows, kind="stable")
        neighbour = np.concatenate([ties.b, ties.a])[order].astype(np.int32)
        start = np.tile(ties.start, 2)[order].astype(np.float32)
        end = np.tile(ties.end, 2)[order].astype(np.float32)
        weight = np.tile(ties.strength, 2)[order].astype(np.float32)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return cls(indptr, neighbour, start, end, weight)

    def push(self, sources: np.ndarray, values: np.ndarray, day: float, n: int) -> np.ndarray:
        """Sparse mat-vec: for every person, the weighted sum of ``values`` over active ties.

        Only rows of ``sources`` (the few people with a nonzero value) are touched.
        """
        owner, pos = ragged_positions(self.indptr, sources)
        active = (self.start[pos] <= day) & (self.end[pos] >= day)
        pos, owner = pos[active], owner[active]
        weights = (self.weight[pos] * values[owner]).astype(np.float64)
        return np.bincount(self.neighbour[pos], weights=weights, minlength=n).astype(np.float64)

    def sample_neighbour(
        self, rng: np.random.Generator, people: np.ndarray, day: float
    ) -> np.ndarray:
        """One random active neighbour of each person, or -1 where there is none."""
        lo = self.indptr[people]
        degree = self.indptr[people + 1] - lo
        pos = lo + np.floor(rng.random(len(people)) * degree).astype(np.int64)
        ok = degree > 0
        pos = np.where(ok, pos, 0)
        if len(self.neighbour) == 0:
            return np.full(len(people), -1, dtype=np.int64)
        ok &= (self.start[pos] <= day) & (self.end[pos] >= day)
        if self.present is not None:
            ok &= self.present[self.neighbour[pos]]
        return np.where(ok, self.neighbour[pos], -1).astype(np.int64)


def ragged_positions(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For CSR ``indptr`` and some ``rows``: (index into ``rows``, position) of every entry."""
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    owner = np.repeat(np.arange(len(rows)), lengths)
    first = np.cumsum(lengths) - lengths
    pos = np.arange(int(lengths.sum()), dtype=np.int64) - first[owner] + starts[owner]
    return owner, pos


def birth_day(people: People, total_days: float) -> np.ndarray:
    """Day of birth relative to the simulation start (negative for almost everyone)."""
    return total_days - people.age_end * DAYS_PER_YEAR


def tie_strength(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    """True strength of ties of ``kind``: the type's weight times a gamma draw of mean 1."""
    shape = P.TIE_STRENGTH_SHAPE
    return P.LINK_WEIGHTS[kind] * rng.gamma(shape, 1.0 / shape, size=len(kind))


def make_ties(
    rng: np.random.Generator,
    people: People,
    total_days: float,
    strength_rng: np.random.Generator,
) -> Ties:
    """All static ties (household, school, associate, group), deduplicated per type.

    Each tie's true strength comes from ``strength_rng`` (:func:`tie_strength`).
    """
    born = birth_day(people, total_days)
    parts = [
        _household_ties(people, born),
        _school_ties(rng, people, born),
        _associate_ties(rng, people, born, total_days),
        _group_ties(people, born),
    ]
    ties = Ties.concat([p for p in parts if p is not None])
    keep = ties.start <= total_days - 1
    ties = Ties(*(getattr(ties, f)[keep] for f in Ties.FIELDS))
    lo, hi = np.minimum(ties.a, ties.b), np.maximum(ties.a, ties.b)
    key = (ties.kind.astype(np.int64) * people.n + lo) * people.n + hi
    _, first = np.unique(key, return_index=True)
    first = first[lo[first] != hi[first]]
    kind = ties.kind[first]
    return Ties(
        lo[first],
        hi[first],
        ties.start[first],
        kind,
        rng.random(len(first)) < P.LINK_RECORDED[kind],
        ties.end[first],
        tie_strength(strength_rng, kind),
    )


def _make(a, b, start, kind, end=None) -> Ties:
    a = np.asarray(a, dtype=np.int64)
    return Ties(  # recorded and strength are drawn after deduplication
        a,
        np.asarray(b, dtype=np.int64),
        np.asarray(start, dtype=np.float64),
        np.full(len(a), kind, dtype=np.int8),
        np.ones(len(a), dtype=bool),
        np.full(len(a), np.inf) if end is None else np.asarray(end, dtype=np.float64),
        np.ones(len(a)),
    )


def _pairs_within_blocks(block: np.ndarray, max_offset: int) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (i, i + k) of positions in the same contiguous block, k <= max_offset."""
    a_parts, b_parts = [], []
    for k in range(1, max_offset + 1):
        same = np.flatnonzero(block[:-k] == block[k:])
        a_parts.append(same)
        b_parts.append(same + k)
    return np.concatenate(a_parts), np.concatenate(b_parts)


def _household_ties(people: People, born: np.ndarray) -> Ties:
    a, b = _pairs_within_blocks(people.household, int(P.HOUSEHOLD_SIZES.max()) - 1)
    return _make(a, b, np.maximum(born[a], born[b]), P.HOUSEHOLD)


def _school_ties(rng: np.random.Generator, people: People, born: np.ndarray) -> Ties:
    """Random ties within the same school and school year (same whole age on the last day)."""
    year = np.floor(people.age_end).astype(np.int64)
    order = np.lexsort((year, people.school))
    block_key = people.school[order] * 100 + year[order]
    change = np.r_[True, block_key[1:] != block_key[:-1]]
    block_id = np.cumsum(change) - 1
    block_start = np.flatnonzero(change)
    block_size = np.diff(np.r_[block_start, len(order)])
    n_stubs = rng.poisson(P.SCHOOL_TIES_PER_PERSON, size=people.n)
    src_pos = np.repeat(np.arange(people.n), n_stubs)
    blk = block_id[src_pos]
    dst_pos = block_start[blk] + np.floor(rng.random(len(src_pos)) * block_size[blk]).astype(int)
    a, b = order[src_pos], order[dst_pos]
    # Ties start when the younger of the two started school (age 5).
    return _make(a, b, np.maximum(born[a], born[b]) + 5 * DAYS_PER_YEAR, P.SCHOOL)


def _associate_ties(
    rng: np.random.Generator, people: People, born: np.ndarray, total_days: float
) -> Ties:
    """Associates: mostly same area, within a few years of age, similar affinity (latent risk)."""
    n = people.n
    by_area = np.lexsort((people.age_end, people.area))  # area blocks stay contiguous
    rank_area = np.empty(n, dtype=np.int64)
    rank_area[by_area] = np.arange(n)
    by_age = np.argsort(people.age_end, kind="stable")
    rank_age = np.empty(n, dtype=np.int64)
    rank_age[by_age] = np.arange(n)
    span = P.AGE_MAX - P.AGE_MIN
    n_stubs = rng.poisson(P.ASSOCIATES_PER_PERSON, size=n)
    src = np.repeat(np.arange(n), n_stubs)
    m = len(src)
    lo = people.area_start[people.area[src]]
    hi = people.area_start[people.area[src] + 1] - 1
    width_area = np.maximum(2, ((hi - lo + 1) * P.ASSOCIATE_AGE_WINDOW / span).astype(np.int64))
    width_all = max(2, int(n * P.ASSOCIATE_AGE_WINDOW / span))
    other_area = rng.random(m) < P.ASSOCIATE_OTHER_AREA
    best = np.full(m, -1, dtype=np.int64)
    best_gap = np.full(m, np.inf)
    for _ in range(3):  # homophily: the closest in affinity (by default latent risk) of three
        off = rng.integers(-width_area, width_area + 1)
        in_area = by_area[np.clip(rank_area[src] + off, lo, hi)]
        off_all = rng.integers(-width_all, width_all + 1, size=m)
        anywhere = by_age[np.clip(rank_age[src] + off_all, 0, n - 1)]
        cand = np.where(other_area, anywhere, in_area)
        gap = np.abs(people.affinity[cand] - people.affinity[src])
        gap[cand == src] = np.inf
        better = gap < best_gap
        best[better], best_gap[better] = cand[better], gap[better]
    ok = best >= 0
    a, b = src[ok], best[ok]
    # Associations begin at a uniform time from ten years before the start (or when both are
    # ten) to the end, and last a few years, so the active network is roughly stationary.
    earliest = np.maximum(-10 * DAYS_PER_YEAR, np.maximum(born[a], born[b]) + 10 * DAYS_PER_YEAR)
    start = earliest + rng.random(len(a)) * (total_days - earliest)
    end = start + rng.exponential(P.ASSOCIATE_YEARS * DAYS_PER_YEAR, size=len(a))
    return _make(a, b, start, P.ASSOCIATE, end)


def _group_ties(people: People, born: np.ndarray) -> Ties | None:
    members = np.flatnonzero(people.group >= 0)
    if len(members) == 0:
        return None
    order = members[np.argsort(people.group[members], kind="stable")]
    grp = people.group[order]
    biggest = int(np.bincount(grp).max())
    i, j = _pairs_within_blocks(grp, biggest - 1)
    a, b = order[i], order[j]
    formed = people.group_formed[grp[i]]
    start = np.maximum(formed, np.maximum(born[a], born[b]) + 11 * DAYS_PER_YEAR)
    return _make(a, b, start, P.GROUP)
