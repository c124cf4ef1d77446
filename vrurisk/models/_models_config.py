"""The ``models`` config section, built from the model-kind registry.

One optional sub-section per registered :class:`~vrurisk.models.kinds.ModelKind` (its
hyperparameter grid) plus ``n_jobs``. Kinds marked ``always_trained`` (the baseline) are
trained with their defaults when left out.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, create_model, model_validator

from vrurisk.models.kinds import MODEL_KINDS, Section

EMPTY_GRID = "models: the grid is empty; configure at least one of {kinds}"


class CalibrationConfig(Section):
    method: Literal["isotonic", "sigmoid", "none"] = "sigmoid"


class _ModelsSection(Section):
    """The grid. The baseline is always trained beside the others (defaults if omitted)."""

    n_jobs: int = Field(1, ge=1, le=64)

    @model_validator(mode="after")
    def _not_empty(self):
        kinds = [name for name in MODEL_KINDS if name in type(self).model_fields]
        if all(getattr(self, name) is None for name in kinds):
            raise ValueError(EMPTY_GRID.format(kinds=", ".join(kinds)))
        return self

    def grid(self) -> dict[str, dict[str, tuple]]:
        """``{kind: {hyperparameter: (values, ...)}}`` for every kind that will be trained."""
        out = {}
        for name, kind in MODEL_KINDS.items():
            if name not in type(self).model_fields:
                continue
            section = getattr(self, name)
            if section is None and kind.always_trained:
                section = kind.grid()
            if section is not None:
                out[name] = kind.grid_values(section)
        return out


def build_models_config() -> type[Section]:
    """A ``models`` section class with one optional field per kind registered now.

    Examples
    --------
    >>> section = build_models_config().model_validate({"random_forest": {"max_depth": 4}})
    >>> sorted(section.grid())
    ['baseline', 'random_forest']
    """
    fields = {name: (kind.grid | None, None) for name, kind in MODEL_KINDS.items()}
    return create_model("ModelsConfig", __base__=_ModelsSection, __module__=__name__, **fields)


#: The ``models`` section for the built-in kinds (those registered when vrurisk is imported).
ModelsConfig = build_models_config()
#: The empty-grid message for the built-in kinds.
EMPTY_GRID_MESSAGE = EMPTY_GRID.format(kinds=", ".join(MODEL_KINDS))
