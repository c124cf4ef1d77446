"""The feature manifest: what every feature column means, in the user's words.

Each feature builder returns, beside its frame, one :class:`FeatureSpec` per column. The manifest
travels with the model (MLflow artefact) and drives the plain-language reasons given to panels,
so ``reason`` must read naturally once the value is filled in and must never identify anyone
other than the person themself (network features describe associates only in aggregate).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

#: Feature groups, in the order of the Avon and Somerset shape.
GROUPS = ("individual", "network", "stage1", "place")


@dataclass(frozen=True)
class FeatureSpec:
    """One feature column.

    Parameters
    ----------
    name : str
        Column name, e.g. ``"count_knife_possession_suspect_365d"``.
    group : str
        One of :data:`GROUPS`.
    description : str
        What the column measures, e.g. ``"knife possession events (as suspect) in the last 12
        months"``.
    reason : str
        A ``str.format`` template with a ``{value}`` field giving the plain-language reason shown
        to a panel, e.g. ``"{value:.0f} knife possession events in the last 12 months"``.
    """

    name: str
    group: str
    description: str
    reason: str

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(
                f"The 'group' parameter of FeatureSpec must be one of {list(GROUPS)}. "
                f"Got {self.group!r} instead."
            )

    def explain(self, value: float) -> str:
        """The plain-language reason for this feature at ``value``."""
        return self.reason.format(value=value)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> FeatureSpec:
        return cls(**data)
