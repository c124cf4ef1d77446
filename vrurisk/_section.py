"""The base of every config section: unknown keys are errors, a validated section is frozen."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config section: unknown keys are errors and the validated section is frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def as_list(value: Any) -> Any:
    """A list or tuple as a list; any other value as a list of one (YAML ``k: 50``)."""
    return list(value) if isinstance(value, list | tuple) else [value]
