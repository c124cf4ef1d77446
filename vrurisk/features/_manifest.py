"""The feature manifest: what every feature column means, in the user's words.

Each feature builder returns, beside its frame, one :class:`FeatureSpec` per column. The manifest
travels with the model (MLflow artefact) and drives the plain-language reasons given to panels,
so ``reason`` must read naturally once the value is filled in and must never identify anyone
other than the person themself (network features describe associates only in aggregate).
"""

from __future__ import annotations

import string
from dataclasses import asdict, dataclass

from vrurisk._text import duration_words, plural
from vrurisk.features._registry import FEATURE_BLOCKS

#: Feature groups, in the order of the Avon and Somerset shape.
GROUPS = ("individual", "network", "stage1", "place")


def _count(value: float, one: str, many: str) -> str:
    return f"no {many}" if round(value) == 0 else plural(value, one, many)


def _about(value: float, one: str, many: str) -> str:
    return f"less than 1 {one}" if value < 0.5 else "about " + plural(value, one, many)


def _since(value: float, cap: str, one: str) -> str:
    if value >= float(cap):
        return f"no {one} in the last {duration_words(float(cap))}"
    return f"last {one} {duration_words(value)} ago"


def _change(value: float, one: str, many: str) -> str:
    if round(value) == 0:
        return f"no change in the number of {many}"
    word = "more" if value > 0 else "fewer"
    n = abs(round(value))
    return f"{n:,} {word} {one if n == 1 else many}"


def _times(value: float) -> str:
    if value <= 0:
        return "not"
    if 0.95 <= value < 1.05:
        return "about"
    return f"{value:.0f} times" if value >= 9.5 else f"{value:.1f}".removesuffix(".0") + " times"


def _steps(value: float, most: str) -> str:
    steps = round(value)
    if steps > int(most):
        return f"none within {plural(int(most), 'step')}"
    if steps <= 1:
        return "an associate (1 step away)"
    if steps == 2:
        return "an associate of an associate (2 steps away)"
    return f"{steps} steps away"


#: Word specs a reason template may use, as ``{value:NAME|ARG|ARG}``:
#:
#: - ``count|ONE|MANY``: "no MANY", "1 ONE", "3 MANY" (rounded, thousands separated);
#: - ``n|ONE|MANY``: the same but "0 MANY" for nothing;
#: - ``about|ONE|MANY``: "less than 1 ONE", "about 4 MANY" (for weighted sums);
#: - ``duration``: a number of days as "10 days", "3 weeks", "7 months", "2 years";
#: - ``age``: whole years (rounded down);
#: - ``since|CAP|ONE``: "last ONE 7 months ago", or "no ONE in the last 10 years" at ``CAP`` days;
#: - ``change|ONE|MANY``: "2 more MANY", "1 fewer ONE", "no change in the number of MANY";
#: - ``times``: a ratio to an average as "3.2 times", "about", "not" (for 0);
#: - ``steps|MOST``: network distance, "an associate (1 step away)" .. "none within MOST steps".
REASON_SPECS = {
    "count": _count,
    "n": plural,
    "about": _about,
    "duration": duration_words,
    "age": lambda value: f"{int(value // 1)}",
    "since": _since,
    "change": _change,
    "times": _times,
    "steps": _steps,
}


class ReasonFormatter(string.Formatter):
    """``str.format`` plus the word specs of :data:`REASON_SPECS`."""

    def format_field(self, value, format_spec: str):
        name, *args = format_spec.split("|")
        if name in REASON_SPECS:
            return REASON_SPECS[name](float(value), *args)
        return super().format_field(value, format_spec)


REASON_FORMATTER = ReasonFormatter()


@dataclass(frozen=True)
class FeatureSpec:
    """One feature column.

    Parameters
    ----------
    name : str
        Column name, e.g. ``"count_knife_possession_suspect_365d"``.
    group : str
        One of :data:`GROUPS` or the name of another registered feature block.
    description : str
        What the column measures, e.g. ``"knife possession events (as suspect) in the last 12
        months"``.
    reason : str
        A ``str.format`` template with ``{value}`` fields giving the plain-language reason shown
        to a panel. Besides the standard format specs (``{value:.0f}``, ``{value:.0%}``), a field
        may use one of the word specs of :data:`REASON_SPECS`, e.g.
        ``"{value:count|knife possession offence|knife possession offences} in the last 12
        months"`` reads "1 knife possession offence in the last 12 months" or "no knife
        possession offences in the last 12 months".
    """

    name: str
    group: str
    description: str
    reason: str

    def __post_init__(self) -> None:
        if self.group not in GROUPS and self.group not in FEATURE_BLOCKS:
            allowed = [*GROUPS, *(name for name in FEATURE_BLOCKS if name not in GROUPS)]
            raise ValueError(
                f"The 'group' parameter of FeatureSpec must be one of {allowed}. "
                f"Got {self.group!r} instead."
            )

    def explain(self, value: float) -> str:
        """The plain-language reason for this feature at ``value``."""
        return REASON_FORMATTER.format(self.reason, value=value)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> FeatureSpec:
        return cls(**data)
