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


class FairnessConfig(BaseModel):
    """How a scored list is audited for bias (the ``fairness`` section of a config).

    Parameters
    ----------
    sensitive_attributes : list of str
        Columns describing protected characteristics (e.g. ``sex``, ``ethnicity``).
    intersections : bool
        Also audit every combination of two or more sensitive attributes (e.g. ``sex & ethnicity``).
    reference_groups : dict of str to str
        Group each attribute (or intersection, keyed ``"sex & ethnicity"`` with group
        ``"F & Black"``) is compared against. Attributes not listed use their largest group.
    disparity_band : [float, float]
        Ratios inside this band count as no disparity. A disparity is flagged only when the
        whole confidence interval of the ratio lies outside it.
    min_group_size : int
        Groups with fewer people get a warning instead of a verdict.
    min_denominator : int
        A rate whose denominator (e.g. the group's negatives for the false positive rate) is
        smaller than this gets no verdict either.
    bootstrap_samples : int
        Resamples used for the confidence intervals (stratified by group).
    ci_level : float
        Coverage of the confidence intervals (0.95 gives 95% intervals).
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
    disparity_band: tuple[float, float] = (0.8, 1.25)
    min_group_size: int = Field(default=30, ge=1)
    min_denominator: int = Field(default=10, ge=1)
    bootstrap_samples: int = Field(default=1000, ge=100, le=100_000)
    ci_level: float = Field(default=0.95, gt=0.5, lt=1.0)
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
        return self


def audited_attributes(sensitive: tuple[str, ...] | list[str], intersections: bool) -> list[str]:
    """Names of everything audited: each attribute, then (optionally) their intersections."""
    names = list(sensitive)
    if intersections:
        for size in range(2, len(sensitive) + 1):
            names += [INTERSECTION_SEPARATOR.join(c) for c in combinations(sensitive, size)]
    return names
