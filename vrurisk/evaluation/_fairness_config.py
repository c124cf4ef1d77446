"""The ``fairness`` section of an experiment config: what the bias audit measures and judges."""

from __future__ import annotations

from itertools import combinations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

INTERSECTION_SEPARATOR = " & "

BAD_BAND = "fairness.disparity_band must be [low, high] with 0 < low < 1 < high, got {value!r}"
BAD_REFERENCE_ATTRIBUTE = (
    "fairness.reference_groups has key {key!r}, which is not a sensitive attribute or an "
    "intersection of them; allowed: {allowed}"
)
DUPLICATE_ATTRIBUTE = "fairness.sensitive_attributes lists {name!r} more than once"
BAD_TOP_K = "fairness.top_k values must be integers >= 1, got {value!r}"
BAD_THRESHOLD = "fairness.thresholds values must be numbers, got {value!r}"
BAD_AUDITED_KEY = (
    "fairness.intersection_audited has key {key!r}, which is not an intersection of the "
    "sensitive attributes; allowed: {allowed}"
)
BAD_AUDITED_VALUE = (
    "fairness.intersection_audited.{key} is {value!r}, which is not one of its attributes; "
    "allowed: {allowed}"
)
MISSING_SENSITIVE = (
    "fairness.sensitive_attributes lists {missing}, which {verb} not a column of the people "
    "table; its columns: {columns}"
)
BAD_POWER_RATIO = (
    "fairness.power_ratio must be larger than the upper edge of fairness.disparity_band "
    "({high}), got {value}"
)


class FairnessConfig(BaseModel):
    """How a scored list is audited for bias (the ``fairness`` section of a config).

    Parameters
    ----------
    sensitive_attributes : list of str
        Columns describing protected characteristics (e.g. ``sex``, ``ethnicity``).
    intersections : bool
        Also audit every combination of two or more sensitive attributes (e.g. ``sex & ethnicity``).
    reference_groups : dict of str to str
        Group each attribute is compared against; attributes not listed use their largest
        group. An intersection may be given one fixed reference cell too (keyed
        ``"sex & ethnicity"`` with group ``"M & White"``), but by default it is not: see
        ``intersection_audited``.
    intersection_audited : dict of str to str
        For each intersection, the attribute it audits (default: its last attribute). Each cell
        is compared with the cell that has the audited attribute's reference group and the same
        levels of the other attributes: with ``{"sex & ethnicity": "ethnicity"}`` and reference
        White, ``F & Asian`` is compared with ``F & White`` and ``M & Asian`` with ``M & White``,
        so the comparison measures ethnicity within sex, not the sex difference in base rates.
    disparity_band : [float, float]
        Ratios inside this band count as no disparity. A disparity is flagged only when the
        whole simultaneous interval of the ratio lies outside it (see ``ci_level``).
    min_group_size : int
        Groups with fewer people get a warning instead of a verdict.
    min_denominator : int
        A rate whose denominator (e.g. the group's negatives for the false positive rate) is
        smaller than this gets no verdict either.
    min_expected : float
        A comparison is judged only if each cell of its 2x2 table (group and reference, with
        and without the event) expects at least this many people were both groups at their
        pooled rate; below it no disparity can be told apart from chance.
    bootstrap_samples : int
        Resamples used for the confidence intervals (stratified by group).
    ci_level : float
        Coverage of the intervals (0.95 gives 95% intervals). Disparity ratio intervals are
        simultaneous: all judged comparisons of an audit together cover their true ratios with
        this probability (Bonferroni), so an audit of groups with equal rates flags anything
        with probability at most ``1 - ci_level``.
    power_ratio : float
        The disparity the board wants to be able to see (default 1.5x): the report says, per
        operating point, whether a ratio this large could have been flagged and how many lists
        of this size would have to be pooled for it to be.
    top_k : list of int
        Operating points given as list sizes: the k highest scores are flagged.
    thresholds : list of float
        Operating points given as score thresholds: scores >= threshold are flagged.
    seed : int
        Seeds the bootstrap and the tie-breaking between equal scores at the top-k boundary.

    Examples
    --------
    >>> from vrurisk.evaluation import FairnessConfig
    >>> FairnessConfig(sensitive_attributes=["sex", "ethnicity"], top_k=[100]).disparity_band
    (0.8, 1.25)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    sensitive_attributes: tuple[str, ...] = ("sex", "ethnicity")
    intersections: bool = True
    reference_groups: dict[str, str] = Field(default_factory=dict)
    intersection_audited: dict[str, str] = Field(default_factory=dict)
    disparity_band: tuple[float, float] = (0.8, 1.25)
    min_group_size: int = Field(default=30, ge=1)
    min_denominator: int = Field(default=10, ge=1)
    min_expected: float = Field(default=5.0, ge=0)
    bootstrap_samples: int = Field(default=1000, ge=100, le=100_000)
    ci_level: float = Field(default=0.95, gt=0.5, lt=1.0)
    power_ratio: float = Field(default=1.5, gt=1.0)
    top_k: tuple[int, ...] = ()
    thresholds: tuple[float, ...] = ()
    seed: int = 0

    @field_validator("disparity_band")
    @classmethod
    def _check_band(cls, value: tuple[float, float]) -> tuple[float, float]:
        low, high = value
        if not 0 < low < 1 < high:
            raise ValueError(BAD_BAND.format(value=list(value)))
        return value

    @field_validator("sensitive_attributes")
    @classmethod
    def _check_attributes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        for name in value:
            if name in seen:
                raise ValueError(DUPLICATE_ATTRIBUTE.format(name=name))
            seen.add(name)
        return value

    @field_validator("top_k")
    @classmethod
    def _check_top_k(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        for k in value:
            if k < 1:
                raise ValueError(BAD_TOP_K.format(value=k))
        return tuple(sorted(set(value)))

    @field_validator("thresholds")
    @classmethod
    def _check_thresholds(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(sorted(set(value)))

    @model_validator(mode="after")
    def _check_reference_keys(self) -> FairnessConfig:
        allowed = audited_attributes(self.sensitive_attributes, self.intersections)
        for key in self.reference_groups:
            if key not in allowed:
                raise ValueError(BAD_REFERENCE_ATTRIBUTE.format(key=key, allowed=allowed))
        crossed = [a for a in allowed if INTERSECTION_SEPARATOR in a]
        for key, value in self.intersection_audited.items():
            if key not in crossed:
                raise ValueError(BAD_AUDITED_KEY.format(key=key, allowed=crossed))
            parts = key.split(INTERSECTION_SEPARATOR)
            if value not in parts:
                raise ValueError(BAD_AUDITED_VALUE.format(key=key, value=value, allowed=parts))
        if self.power_ratio <= self.disparity_band[1]:
            raise ValueError(
                BAD_POWER_RATIO.format(high=self.disparity_band[1], value=self.power_ratio)
            )
        return self

    def audited_within(self, attribute: str) -> str:
        """The attribute an intersection audits (its last one unless configured)."""
        return self.intersection_audited.get(attribute, attribute.split(INTERSECTION_SEPARATOR)[-1])


def audited_attributes(sensitive: tuple[str, ...] | list[str], intersections: bool) -> list[str]:
    """Names of everything audited: each attribute, then (optionally) their intersections."""
    names = list(sensitive)
    if intersections:
        for size in range(2, len(sensitive) + 1):
            names += [INTERSECTION_SEPARATOR.join(c) for c in combinations(sensitive, size)]
    return names


def check_sensitive_columns(sensitive: tuple[str, ...] | list[str], columns) -> None:
    """Raise :class:`vrurisk.ConfigError` naming any sensitive attribute ``columns`` lacks.

    A configured attribute the people table does not have would otherwise be silently left
    out of the audit.

    Examples
    --------
    >>> check_sensitive_columns(["sex"], ["person_id", "sex"])
    >>> check_sensitive_columns(["sex", "faith"], ["person_id", "sex"])
    Traceback (most recent call last):
    ...
    vrurisk._errors.ConfigError: fairness.sensitive_attributes lists 'faith', which is not a \
column of the people table; its columns: person_id, sex
    """
    from vrurisk._errors import ConfigError

    present = [str(c) for c in columns if str(c) != "person_idx"]
    missing = [name for name in sensitive if name not in present]
    if missing:
        raise ConfigError(
            MISSING_SENSITIVE.format(
                missing=", ".join(repr(m) for m in missing),
                verb="is" if len(missing) == 1 else "are",
                columns=", ".join(present),
            )
        )


TOP_K_NOT_AUDITED = (
    "fairness.top_k {values} {verb} larger than the {n} people on the smaller of the audited "
    "lists, so {pronoun} not audited"
)


def audited_top_k(panel_k: int, configured, n_rows: int) -> tuple[tuple[int, ...], list[str]]:
    """The list sizes a scored cohort is audited at: the panel's and every configured one.

    Configured sizes larger than the list cannot be audited; they are returned as a warning
    to say out loud rather than dropped silently.

    Examples
    --------
    >>> audited_top_k(50, (100, 5000), 2000)
    ((50, 100), ['fairness.top_k 5000 is larger than the 2000 people on the smaller of the \
audited lists, so it is not audited'])
    """
    kept = sorted({int(panel_k), *[int(k) for k in configured if k <= n_rows]})
    dropped = [int(k) for k in configured if k > n_rows]
    warnings = []
    if dropped:
        warnings.append(
            TOP_K_NOT_AUDITED.format(
                values=", ".join(map(str, dropped)),
                verb="is" if len(dropped) == 1 else "are",
                n=n_rows,
                pronoun="it is" if len(dropped) == 1 else "they are",
            )
        )
    return tuple(kept), warnings
