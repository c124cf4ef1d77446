"""The ``scoring`` config section: what ``vrurisk score`` writes for a panel."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from vrurisk._section import Section as _Section
from vrurisk.evaluation import parse_k
from vrurisk.scoring._early import StatutoryServicesConfig

BAD_PANEL_SIZE = (
    "scoring.panel_size must be a positive integer or a percentage such as '1%', got {value!r}"
)

#: People explained per scored cohort unless ``scoring.explain_top`` says otherwise.
DEFAULT_EXPLAIN_TOP = 500
#: What a panel may decide about a listed person (``scoring.decision_codes``).
DEFAULT_DECISION_CODES = (
    "refer_to_programme",
    "already_supported",
    "monitor",
    "no_action",
    "record_incorrect",
)
#: Why (``scoring.reason_codes``); a reason code is optional on each decision.
DEFAULT_REASON_CODES = (
    "score_agrees_with_panel_knowledge",
    "known_to_a_service",
    "information_not_in_the_records",
    "circumstances_changed",
    "record_wrong_or_out_of_date",
    "no_programme_place",
    "other",
)
#: Who recorded the decision (``scoring.reviewer_roles``): a role, never a name.
DEFAULT_REVIEWER_ROLES = (
    "police",
    "youth_justice",
    "childrens_social_care",
    "adult_social_care",
    "education",
    "health",
    "probation",
    "vru",
    "voluntary_sector",
    "other",
)
BAD_CODES = (
    "scoring.{key} must be a non-empty list of distinct lower-case codes (letters, digits and "
    "'_'), got {value!r}"
)
_CODE = re.compile(r"[a-z][a-z0-9_]*")


class ScoringConfig(_Section):
    """What ``vrurisk score`` writes for a panel.

    ``explain_top``: people explained (SHAP values and reasons), best-ranked first; at least
    the panel's list is always explained (``--explain-top`` overrides it for one run).
    ``panel_size``: the panel's list size, a number of people or a share of the cohort such
    as ``"1%"`` (default: the first value of ``evaluation.k``); it is the bias audit's
    operating point. ``decision_codes``, ``reason_codes`` and ``reviewer_roles``: what the
    panel may write in a bundle's decisions sheet (``vrurisk decisions record``); each bundle
    keeps the codes in force when it was written. Scoring settings never change a trained
    model, so this section is left out of ``config_hash``.
    """

    explain_top: int = Field(DEFAULT_EXPLAIN_TOP, ge=1)
    panel_size: int | str | None = None
    #: Groups (communities, street groups, co-offending clusters) smaller than this are not
    #: shown in ``groups.parquet`` or the panel pack.
    group_min_size: int = Field(5, ge=2)
    #: Which records mean a person is already open to a statutory service (the panel pack's
    #: early-identification section and the scores' ``open_to_statutory_service`` column).
    statutory_services: StatutoryServicesConfig = StatutoryServicesConfig()
    decision_codes: tuple[str, ...] = DEFAULT_DECISION_CODES
    reason_codes: tuple[str, ...] = DEFAULT_REASON_CODES
    reviewer_roles: tuple[str, ...] = DEFAULT_REVIEWER_ROLES

    @field_validator("decision_codes", "reason_codes", "reviewer_roles", mode="before")
    @classmethod
    def _codes(cls, value, info):
        codes = list(value) if isinstance(value, list | tuple) else None
        if (
            not codes
            or len(set(codes)) != len(codes)
            or not all(isinstance(c, str) and _CODE.fullmatch(c) for c in codes)
        ):
            raise ValueError(BAD_CODES.format(key=info.field_name, value=value))
        return tuple(codes)

    @field_validator("panel_size")
    @classmethod
    def _panel_size(cls, value):
        if value is not None:
            try:
                parse_k(value)
            except ValueError:
                raise ValueError(BAD_PANEL_SIZE.format(value=value)) from None
        return value
