"""The extract's own words mapped onto vrurisk's canonical vocabulary, in one config section.

A real extract calls things its own way: Home Office offence codes, ``Assault``, ``GBH``,
``Offender``, ``Injured party``. The ``vocabulary`` section maps those labels (compared without
regard to case or surrounding spaces) onto the canonical event types and roles, and defines once
which canonical types count as violence and which roles count as involvement in it. Every
builder (network violence, place rates, outcome, baseline factors) reads the violence set from
here, so relabelling events can never silently zero a feature block.
"""

from __future__ import annotations

import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator

from vrurisk._section import non_empty

#: Canonical event types that count as violence unless ``vocabulary.violence_types`` says
#: otherwise.
VIOLENCE_EVENT_TYPES = ("serious_violence", "violence", "ae_assault")

#: vrurisk's canonical event types: the ones its plain-language reasons have words for and its
#: default baseline factors count. Other types work, but are the extract's own.
CANONICAL_EVENT_TYPES = (
    "serious_violence",
    "violence",
    "ae_assault",
    "knife_possession",
    "drug_supply",
    "drug_possession",
    "asb",
    "stop_search",
    "custody",
    "missing_episode",
    "school_exclusion",
    "sen_support",
    "social_care_referral",
    "domestic_abuse",
    "parental_substance_misuse",
    "parental_imprisonment",
)

#: Roles that count as "involved in violence" by default: a witness was present, not involved.
VIOLENCE_ROLES = ("suspect", "victim")


def _fold(text) -> str:
    return str(text).strip().casefold()


class VocabularyConfig(BaseModel):
    """How the extract's event types and roles map onto vrurisk's canonical vocabulary.

    ``event_types`` and ``roles`` map the extract's labels (any case) to canonical names; labels
    not listed are kept as they are.
    ``violence_types`` is the violence set every builder uses; ``violence_roles`` the roles
    that count as involvement in violence (``null``: any role, witnesses included).

    Examples
    --------
    >>> vocab = VocabularyConfig(event_types={"Assault": "violence", "GBH": "serious_violence"})
    >>> vocab.map_event_types(pd.Series(["assault ", "GBH", "asb"])).tolist()
    ['violence', 'serious_violence', 'asb']
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_types: dict[str, str] = {}
    roles: dict[str, str] = {}
    violence_types: tuple[str, ...] = VIOLENCE_EVENT_TYPES
    violence_roles: tuple[str, ...] | None = VIOLENCE_ROLES

    @field_validator("event_types", "roles")
    @classmethod
    def _no_clashes(cls, value: dict[str, str]) -> dict[str, str]:
        folded: dict[str, str] = {}
        for label, target in value.items():
            key = _fold(label)
            if not key or not str(target).strip():
                raise ValueError(f"labels and their targets must not be empty, got {label!r}")
            if key in folded and folded[key] != str(target).strip():
                raise ValueError(
                    f"{label!r} is mapped twice (labels are compared without regard to case): "
                    f"to {folded[key]!r} and to {str(target).strip()!r}"
                )
            folded[key] = str(target).strip()
        return value

    _some_violence = non_empty("violence_types", "needs at least one canonical event type")

    def _table(self, mapping: dict[str, str]) -> dict[str, str]:
        return {_fold(k): str(v).strip() for k, v in mapping.items()}

    def map_event_types(self, values: pd.Series) -> pd.Series:
        """``values`` with the extract's labels replaced by canonical event types."""
        return _map(values, self._table(self.event_types))

    def map_roles(self, values: pd.Series) -> pd.Series:
        """``values`` with the extract's role labels replaced by canonical roles."""
        return _map(values, self._table(self.roles))

    @property
    def is_default(self) -> bool:
        return self == VocabularyConfig()


def _map(values: pd.Series, table: dict[str, str]) -> pd.Series:
    """Map each distinct value once (extracts have few distinct labels and many rows)."""
    if not table:
        return values
    text = values.astype("string")
    distinct = text.dropna().unique()
    lookup = {v: table.get(_fold(v), v) for v in distinct}
    if all(k == v for k, v in lookup.items()):
        return values
    return text.map(lookup).astype("string")
