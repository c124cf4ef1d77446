"""The base of every config section: unknown keys are errors, a validated section is frozen."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator


class Section(BaseModel):
    """A config section: unknown keys are errors and the validated section is frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def as_list(value: Any) -> Any:
    """A list or tuple as a list; any other value as a list of one (YAML ``k: 50``)."""
    return list(value) if isinstance(value, list | tuple) else [value]


def non_empty(field: str, message: str):
    """A validator for a section's ``field``: an empty value is an error saying ``message``.

    Use it as a class attribute: ``_some_types = non_empty("event_types", "... needs ...")``.
    """

    def check(cls, value):
        if not value:
            raise ValueError(message)
        return value

    return field_validator(field)(classmethod(check))
