"""The ``evaluation`` config section: list sizes, the selection metric and bootstrap settings."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from vrurisk._section import Section as _Section
from vrurisk._section import as_list
from vrurisk.evaluation._k import k_label, parse_k

BAD_K = "evaluation.k values must be positive integers or percentages such as '1%', got {value!r}"
BAD_SELECTION = "evaluation.selection_metric must be one of {allowed}, got {value!r}"


class EvaluationConfig(_Section):
    """List sizes matching panel capacity, the selection metric and bootstrap settings."""

    k: tuple[int | str, ...] = Field((50, 100, "1%"), min_length=1)
    selection_metric: str | None = None
    bootstrap: int = Field(200, ge=0, le=10_000)
    ci_level: float = Field(0.95, gt=0.5, lt=1)

    @field_validator("k", mode="before")
    @classmethod
    def _listify(cls, value):
        return as_list(value)

    @field_validator("k")
    @classmethod
    def _ks(cls, value: tuple) -> tuple:
        for k in value:
            try:
                parse_k(k)
            except ValueError:
                raise ValueError(BAD_K.format(value=k)) from None
        return value

    @model_validator(mode="after")
    def _selection(self) -> EvaluationConfig:
        allowed = self.metric_names()
        if self.selection_metric is not None and self.selection_metric not in allowed:
            raise ValueError(BAD_SELECTION.format(allowed=allowed, value=self.selection_metric))
        return self

    def metric_names(self) -> list[str]:
        """Metrics the selection may use (higher is better for all but ``brier``/``ece``)."""
        names = ["roc_auc", "average_precision", "brier", "ece"]
        for k in self.k:
            names += [f"precision_at_{k_label(k)}", f"recall_at_{k_label(k)}"]
        return names

    @property
    def selection(self) -> str:
        return self.selection_metric or f"precision_at_{k_label(self.k[0])}"
