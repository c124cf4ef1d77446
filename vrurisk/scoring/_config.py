"""The ``scoring`` config section: what ``vrurisk score`` writes for a panel."""

from __future__ import annotations

from pydantic import Field, field_validator

from vrurisk._section import Section as _Section
from vrurisk.evaluation import parse_k
from vrurisk.scoring._early import StatutoryServicesConfig

BAD_PANEL_SIZE = (
    "scoring.panel_size must be a positive integer or a percentage such as '1%', got {value!r}"
)

#: People explained per scored cohort unless ``scoring.explain_top`` says otherwise.
DEFAULT_EXPLAIN_TOP = 500


class ScoringConfig(_Section):
    """What ``vrurisk score`` writes for a panel.

    ``explain_top``: people explained (SHAP values and reasons), best-ranked first; at least
    the panel's list is always explained (``--explain-top`` overrides it for one run).
    ``panel_size``: the panel's list size, a number of people or a share of the cohort such
    as ``"1%"`` (default: the first value of ``evaluation.k``); it is the bias audit's
    operating point. Scoring settings never change a trained model, so this section is left
    out of ``config_hash``.
    """

    explain_top: int = Field(DEFAULT_EXPLAIN_TOP, ge=1)
    panel_size: int | str | None = None
    #: Groups (communities, street groups, co-offending clusters) smaller than this are not
    #: shown in ``groups.parquet`` or the panel pack.
    group_min_size: int = Field(5, ge=2)
    #: Which records mean a person is already open to a statutory service (the panel pack's
    #: early-identification section and the scores' ``open_to_statutory_service`` column).
    statutory_services: StatutoryServicesConfig = StatutoryServicesConfig()

    @field_validator("panel_size")
    @classmethod
    def _panel_size(cls, value):
        if value is not None:
            try:
                parse_k(value)
            except ValueError:
                raise ValueError(BAD_PANEL_SIZE.format(value=value)) from None
        return value
