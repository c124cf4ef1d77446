"""What makes the synthetic world less flattering: changing risk, leaving, imperfect records.

Each piece draws from its own random stream (:data:`STREAMS`), so a knob changes what it should
and nothing else:

- **Risk that changes** (:func:`risk_changes`): each person's log risk shifts once, at a uniformly
  random month, by a normal draw (onset if up, desistance if down). It changes true behaviour.
- **Leaving** (:func:`leaving`): people move out of the area (yearly rates by age) or die (a
  small rate that rises with latent risk); from that month on they have no events and no active
  ties, and ``people.left_date`` / ``left_reason`` record it. It changes true behaviour.
- **Records** (:func:`recorded_events`): after the simulation, agencies miss some events they
  would have recorded, health stops supplying A&E attendances for some months, police record ASB
  less after a change of practice, and agencies record adversity events for people who do not
  have that adversity (false records). True behaviour and the truth table are unchanged.
- **Links** (:func:`observed_links`): the recorded weight of a link is a log-normal noisy view of
  the tie's true strength and its type is sometimes wrong. Only the links table changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vrurisk.data import _synth_params as P
from vrurisk.data._synth_network import DAYS_PER_YEAR

#: Second seed word of each knob's own random generator.
STREAMS = {
    "strength": 3,
    "risk_change": 4,
    "leaving": 5,
    "missed": 6,
    "false": 7,
    "links": 8,
    "practice": 9,
    "ids": 10,
}

LEFT_REASONS = ("moved_away", "died")

#: Adversity kinds that can be falsely recorded, with who truly has the adversity (a truth
#: attribute of :class:`People`, or None: anyone with a true event of that kind) and the ages
#: at which the agency records it.
FALSE_RECORD_KINDS = {
    P.DA_POLICE: ("domestic_abuse", (0.0, 18.0)),
    P.DA_SOCIAL: ("domestic_abuse", (0.0, 18.0)),
    P.PSM: ("parental_substance_misuse", (0.0, 18.0)),
    P.PI: ("parental_imprisonment", (0.0, 18.0)),
    P.REFERRAL: ("social_care", (0.0, 18.0)),
    P.SEN: ("sen", (5.0, 16.0)),
    P.EXCLUSION: (None, (8.0, 16.0)),
    P.MISSING: (None, (10.0, 18.0)),
    P.AE: (None, (8.0, 99.0)),
}


def stream(seed: int, name: str) -> np.random.Generator:
    """The random generator of one realism knob."""
    return np.random.default_rng([int(seed), STREAMS[name]])


def event_uniform(log: dict[str, np.ndarray], seed: int, name: str) -> np.ndarray:
    """A uniform draw per event that depends only on the event (person, time, kind), the seed and
    the knob: so whether one event is recorded never depends on how many other events there
    are (recording bias, say, changes custody records and would shift a shared stream)."""
    key = (
        log["person"].astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        ^ np.round(log["day"] * 1000).astype(np.int64).astype(np.uint64)
        * np.uint64(0xBF58476D1CE4E5B9)
        ^ log["kind"].astype(np.uint64) * np.uint64(0x94D049BB133111EB)
        ^ np.uint64((int(seed) * 1_000_003 + STREAMS[name]) % 2**63)
    )
    with np.errstate(over="ignore"):  # splitmix64 finaliser: wrapping arithmetic is the point
        key ^= key >> np.uint64(30)
        key *= np.uint64(0xBF58476D1CE4E5B9)
        key ^= key >> np.uint64(27)
        key *= np.uint64(0x94D049BB133111EB)
        key ^= key >> np.uint64(31)
    return (key >> np.uint64(11)).astype(np.float64) / float(2**53)


def risk_changes(
    rng: np.random.Generator, n: int, first_day: float, total_days: float, sd: float
) -> tuple[np.ndarray, np.ndarray]:
    """(day, shift) of each person's one change of log risk; shift 0 everywhere when ``sd=0``."""
    day = rng.uniform(first_day, total_days, size=n)
    shift = rng.normal(scale=sd, size=n) if sd > 0 else np.zeros(n)
    return day, shift


def leaving(
    rng: np.random.Generator,
    age_end: np.ndarray,
    latent: np.ndarray,
    total_days: float,
    n_months: int,
    rate: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(day, reason) each person leaves (``inf`` / -1 if they stay to the end).

    Month by month from the start of the recorded window, a person still present moves away
    with probability ``rate * MOVE_RATE(age) / 12`` or dies with probability
    ``rate * DEATH_RATE * exp(latent) / 12``; they leave at a uniform day in that month and have
    no events from the start of that month on.
    """
    n = len(age_end)
    day = np.full(n, np.inf)
    reason = np.full(n, -1, dtype=np.int8)
    if rate <= 0:
        return day, reason
    month_days = total_days / n_months
    edges = np.array([edge for edge, _ in P.MOVE_RATE])
    yearly = np.array([r for _, r in P.MOVE_RATE])
    die = rate * P.DEATH_RATE * np.exp(latent) / 12
    for month in range(n_months):
        age = age_end - (total_days - (month + 0.5) * month_days) / DAYS_PER_YEAR
        move = rate * yearly[np.searchsorted(edges, age, side="right").clip(0, len(edges) - 1)]
        u = rng.random(n)
        here = np.isinf(day) & (age >= 0)
        moved = here & (u < move / 12)
        died = here & ~moved & (u < move / 12 + die)
        gone = moved | died
        day[gone] = month * month_days + rng.random(int(gone.sum())) * month_days
        reason[moved], reason[died] = 0, 1
    return day, reason


@dataclass(frozen=True)
class RecordingSettings:
    """The record-keeping knobs of :func:`simulate_population`."""

    false_records: float
    missed_records: float
    supply_gap_months: int
    recording_change: float


def recorded_events(
    log: dict[str, np.ndarray],
    settings: RecordingSettings,
    seed: int,
    *,
    has_adversity: dict[str, np.ndarray],
    born_day: np.ndarray,
    left_day: np.ndarray,
    total_days: float,
    n_months: int,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The event log as recorded: missed records, supply gap, practice change, false records.

    Returns the log with false records appended (``false`` marks them) and its ``recorded``
    flags updated, and per person the number of false records.
    """
    kind, day = log["kind"], log["day"]
    recorded = log["recorded"].copy()
    if settings.missed_records > 0:
        p_miss = np.array([P.MISSED_RECORD_P[s] for _, _, s in P.EVENT_KINDS])[kind]
        p_miss = np.minimum(0.95, settings.missed_records * p_miss)
        recorded &= event_uniform(log, seed, "missed") >= p_miss
    month_days = total_days / n_months
    if settings.supply_gap_months > 0:
        start = max(0, n_months - P.SUPPLY_GAP_START_MONTHS) * month_days
        stop = start + settings.supply_gap_months * month_days
        recorded &= ~((kind == P.AE) & (day >= start) & (day < stop))
    if settings.recording_change != 1.0:
        change = max(0, n_months - P.PRACTICE_CHANGE_MONTHS) * month_days
        after = (kind == P.ASB) & (day >= change)
        keep = event_uniform(log, seed, "practice") < settings.recording_change
        recorded &= ~after | keep
    out = dict(log, recorded=recorded, false=np.zeros(len(kind), dtype=bool))
    n = len(born_day)
    false_count = np.zeros(n, dtype=np.int64)
    if settings.false_records <= 0:
        return out, false_count
    rng = stream(seed, "false")
    parts = []
    for code, (attribute, (lo, hi)) in FALSE_RECORD_KINDS.items():
        share = settings.false_records * P.FALSE_RECORD_SHARE[P.EVENT_KINDS[code][2]]
        k = rng.poisson(share * int((recorded & (kind == code)).sum()))
        if attribute is None:
            has = np.bincount(log["person"][kind == code], minlength=n) > 0
        else:
            has = has_adversity[attribute]
        real_days = day[recorded & (kind == code)]
        if k == 0 or len(real_days) == 0:
            continue
        who = rng.integers(0, n, size=4 * k + 16)
        # A false record is dated like a real one of its kind (SEN at the September review).
        when = rng.choice(real_days, size=len(who))
        age = (when - born_day[who]) / DAYS_PER_YEAR
        ok = ~has[who] & (age >= lo) & (age < hi) & (when < left_day[who])
        who, when = who[ok][:k], when[ok][:k]
        parts.append((who, when, np.full(len(who), code, dtype=np.int8)))
        false_count += np.bincount(who, minlength=n)
    if not parts:
        return out, false_count
    who, when, codes = (np.concatenate(x) for x in zip(*parts, strict=True))
    m = len(who)
    out = {
        "person": np.concatenate([log["person"], who]),
        "day": np.concatenate([day, when]),
        "kind": np.concatenate([kind, codes]),
        "incident": np.concatenate([log["incident"], np.full(m, -1, dtype=np.int64)]),
        "recorded": np.concatenate([recorded, np.ones(m, dtype=bool)]),
        "false": np.concatenate([out["false"], np.ones(m, dtype=bool)]),
    }
    return out, false_count


def observed_links(
    seed: int, kind: np.ndarray, strength: np.ndarray, noise: float, type_error: float
) -> tuple[np.ndarray, np.ndarray]:
    """(weight, link type) as recorded: log-normal noise on the true strength, some types wrong.

    Weights are rounded to 3 decimals (with ``noise=0`` they are the true strength, rounded).
    """
    rng = stream(seed, "links")
    weight = strength * np.exp(rng.normal(scale=noise, size=len(kind))) if noise > 0 else strength
    observed = kind.copy()
    if type_error > 0:
        wrong = rng.random(len(kind)) < type_error
        shift = rng.integers(1, len(P.LINK_TYPES), size=int(wrong.sum()))
        observed[wrong] = (kind[wrong] + shift) % len(P.LINK_TYPES)
    return np.round(weight, 3), observed
