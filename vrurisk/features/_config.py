"""Config sections of the feature pipeline: who is in the cohort, what the outcome is, which
features are built.

The training helper composes these into the experiment config (``cohort``, ``outcome`` and
``features`` sections). Every section rejects unknown keys and is immutable once validated.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from vrurisk._section import Section as _Section
from vrurisk._section import non_empty

# The violence set and the roles that count as involvement are defined once, with the
# vocabulary; in an experiment config they come from its ``vocabulary`` section.
from vrurisk.data import VIOLENCE_EVENT_TYPES, VIOLENCE_ROLES

#: Link types of the data contract, plus ``incident`` for links implied by a shared incident_id.
DEFAULT_LINK_WEIGHTS = {
    "household": 1.0,
    "school": 0.5,
    "associate": 1.0,
    "group": 1.0,
    "co_offending": 1.0,
    "co_victim": 1.0,
    "incident": 1.0,
}


def _positive_days(values: tuple[int, ...]) -> tuple[int, ...]:
    if any(v <= 0 for v in values):
        raise ValueError(f"every window must be a positive number of days, got {list(values)}")
    if len(set(values)) != len(values):
        raise ValueError(f"windows must be distinct, got {list(values)}")
    return tuple(sorted(values))


class CohortConfig(_Section):
    """Who is eligible for scoring at an as-of date T.

    A person is in the cohort at T if they are known to the records before T (an event dated
    before T), their age at T is in ``[min_age, max_age]``, they have at
    least one qualifying event in the ``lookback_days`` before T (any event type and source unless
    ``event_types`` / ``sources`` restrict it; ``lookback_days: null`` drops the activity rule),
    and they have no ``exclude_event_types`` event in the ``exclude_window_days`` before T (e.g.
    ``custody`` in the last 30 days: probably in custody at T).
    """

    min_age: float = Field(10.0, ge=0, le=120)
    max_age: float = Field(25.0, ge=0, le=120)
    lookback_days: int | None = Field(730, gt=0)
    event_types: tuple[str, ...] | None = None
    sources: tuple[str, ...] | None = None
    exclude_event_types: tuple[str, ...] = ()
    exclude_window_days: int = Field(30, gt=0)

    @model_validator(mode="after")
    def _ages_ordered(self) -> CohortConfig:
        if self.min_age > self.max_age:
            raise ValueError(
                f"cohort.min_age ({self.min_age}) must not exceed cohort.max_age ({self.max_age})"
            )
        return self


class OutcomeConfig(_Section):
    """The outcome: any ``event_types`` event in one of ``roles`` in (T, T + horizon_days].

    ``roles: null`` counts events whatever their role. The default is the shared vocabulary's
    default outcome: serious violence as suspect or victim within a year. Someone without an
    outcome who spent more than ``custody_censor_share`` of the window in custody (the data's
    ``custody`` table) has no label at T rather than a 0 (see
    :func:`vrurisk.features.censored`); 1 never censors for custody.
    """

    event_types: tuple[str, ...] = ("serious_violence",)
    roles: tuple[str, ...] | None = ("suspect", "victim")
    horizon_days: int = Field(365, gt=0)
    custody_censor_share: float = Field(0.5, ge=0, le=1)

    _some_types = non_empty("event_types", "outcome.event_types needs at least one event type")


class NetworkConfig(_Section):
    """Network-contextual features from links dated before T.

    Each link counts with weight ``link_weights[link_type]`` (given weights are merged over
    :data:`DEFAULT_LINK_WEIGHTS`; types in neither count 1.0; 0 drops the type) times its
    ``weight`` column when present, times ``0.5 ** (age / half_life)`` when
    ``decay_half_life_days`` is set. Only ``link_types`` are used (default: all).
    ``incident_links`` adds links between people whose events share an ``incident_id`` (type
    ``incident``), dated by the later of the two events, while at most ``max_incident_size``
    people have an event in the incident dated before T (people joining it on or after T do not
    count at T). A pair tied several ways on one date (a ``co_offending`` link and a shared
    incident, or the same link listed twice) counts once, with its strongest tie: one tie per
    pair per date.

    Involvement in violence means a ``violence_event_types`` event in one of
    ``violence_roles`` (``null``: any role; without a ``role`` column every event counts).
    """

    enabled: bool = True
    link_types: tuple[str, ...] | None = None
    link_weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_LINK_WEIGHTS))
    use_weight_column: bool = True
    decay_half_life_days: float | None = Field(730.0, gt=0)
    link_window_days: int | None = Field(None, gt=0)
    incident_links: bool = True
    max_incident_size: int = Field(20, ge=2)
    violence_event_types: tuple[str, ...] = VIOLENCE_EVENT_TYPES
    violence_roles: tuple[str, ...] | None = VIOLENCE_ROLES
    violence_window_days: int = Field(180, gt=0)
    victim_window_days: int = Field(180, gt=0)
    exposure_half_life_days: float = Field(60.0, gt=0)
    max_hops: int = Field(3, ge=1, le=10)
    pagerank_alpha: float = Field(0.85, gt=0, lt=1)
    #: Leiden communities of the weighted network (igraph): the objective, its resolution
    #: (higher: more, smaller communities), iterations and the seed of its random numbers.
    #: ``cpm`` (Constant Potts Model): someone joins a community when their ties into it are
    #: worth more than resolution x its size x the median tie, so at 0.1 two typical ties into
    #: a group of 20; sizes do not grow with the population (at 100k and 1M synthetic people a
    #: linked person's community has a median of 21 members, 90th percentile 40).
    #: ``modularity`` (resolution 1 is the classic) grows them with the network (median 2,342
    #: members at 1M people). A second iteration moved the partition less than a change of
    #: seed does (adjusted Rand 0.82 vs 0.72-0.75) for 60% more time, hence 1.
    community_objective: Literal["cpm", "modularity"] = "cpm"
    community_resolution: float = Field(0.1, gt=0)
    community_iterations: int = Field(1, ge=1, le=100)
    community_seed: int = Field(0, ge=0)

    @field_validator("link_weights")
    @classmethod
    def _non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in value.items() if not v >= 0}
        if bad:
            raise ValueError(f"link weights must be >= 0, got {bad}")
        return {**DEFAULT_LINK_WEIGHTS, **value}


class PlaceConfig(_Section):
    """Place context: violence rates per 1,000 residents of the person's ``people.area``.

    Residents are the people recorded by any service in the two years before T (or the rate's
    window, if longer), so the rate does not drift as the history grows.

    Built only when ``people`` has an ``area`` column with values; without one there is no
    place context (everyone in one "area" would only encode their own past).
    """

    enabled: bool = True
    event_types: tuple[str, ...] = VIOLENCE_EVENT_TYPES
    violence_roles: tuple[str, ...] | None = VIOLENCE_ROLES
    windows_days: tuple[int, ...] = (365,)

    @field_validator("windows_days")
    @classmethod
    def _windows(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        return _positive_days(value)


class Stage1Config(_Section):
    """Stage 1 of the Avon and Somerset shape: an individual-only model whose scores are
    propagated over the network (neighbours' mean, max and weighted sum).

    The stage-1 model for features at T is trained on individual features at
    ``T1 = T - horizon - 1 day`` with outcomes in ``(T1, T1 + horizon] = (T - horizon - 1 day,
    T - 1 day]`` (so nothing on or after T is used), out-of-fold over
    ``n_folds`` person folds: a person's neighbours are scored by the model that never saw that
    person's own label.
    """

    enabled: bool = True
    model: Literal["lightgbm", "logistic_regression"] = "lightgbm"
    n_folds: int = Field(5, ge=2, le=20)
    max_train_rows: int = Field(50_000, ge=100)
    min_positives: int = Field(10, ge=1)
    n_estimators: int = Field(60, ge=1)
    num_leaves: int = Field(15, ge=2)
    min_child_samples: int = Field(20, ge=1)
    learning_rate: float = Field(0.1, gt=0, le=1)
    n_jobs: int = Field(1, ge=1)


class FeatureConfig(_Section):
    """Which features are built at each as-of date.

    Individual features count each event type (and role, where recorded) over ``windows_days``
    and, with ``all_history``, over all history before T. ``event_types: null`` uses every type
    present in events dated before the latest as-of date. Protected or static attributes from
    ``people`` become features only when named in ``allowed_static_attributes``.
    """

    windows_days: tuple[int, ...] = (90, 365, 1095)
    all_history: bool = True
    event_types: tuple[str, ...] | None = None
    by_role: bool = True
    days_since_last: bool = True
    days_since_cap: int = Field(3650, gt=0)
    trend: bool = True
    allowed_static_attributes: tuple[str, ...] = ()
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    place: PlaceConfig = Field(default_factory=PlaceConfig)
    stage1: Stage1Config = Field(default_factory=Stage1Config)

    @field_validator("windows_days")
    @classmethod
    def _windows(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        return _positive_days(value)

    @model_validator(mode="after")
    def _stage1_needs_network(self) -> FeatureConfig:
        if self.stage1.enabled and not self.network.enabled:
            raise ValueError("features.stage1.enabled needs features.network.enabled")
        return self
