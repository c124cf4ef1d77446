"""Turn pydantic validation errors into one-line messages naming ``section.key``.

Every message says which key is wrong, what it must be and what it got, e.g.
``models.lightgbm.num_leaves must be an integer > 1, got 'abc'``. The expected value is read
from the field's own type and constraints, so messages stay right when fields change.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from pathlib import Path

import annotated_types as at
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

UNKNOWN_KEY = "{section}: unknown key {key!r}; allowed keys: {allowed}"
MISSING_KEY = "{key} is required ({expected})"
BAD_VALUE = "{key} must be {expected}, got {value!r}"
MORE_ERRORS = "{message} (and {n} more problem(s) in the config)"

_TYPE_WORDS = {
    int: "an integer",
    float: "a number",
    bool: "true or false",
    str: "a string",
    dt.date: "a date (YYYY-MM-DD)",
    Path: "a path",
    dict: "a mapping",
}
_CONSTRAINT_WORDS = (
    (at.Gt, "gt", "> {}"),
    (at.Ge, "ge", ">= {}"),
    (at.Lt, "lt", "< {}"),
    (at.Le, "le", "<= {}"),
)


def format_validation_error(exc: ValidationError, root: type[BaseModel]) -> str:
    """One line describing the first problem of ``exc`` (and how many others there are)."""
    errors = exc.errors(include_url=False)
    message = _describe(errors[0], root)
    if len(errors) > 1:
        message = MORE_ERRORS.format(message=message, n=len(errors) - 1)
    return message


def _describe(error: dict, root: type[BaseModel]) -> str:
    loc = [part for part in error["loc"] if isinstance(part, str)]
    owner, field = _resolve(root, loc)
    key = ".".join(loc) or "config"
    if error["type"] == "extra_forbidden":
        section = ".".join(loc[:-1]) or "config"
        allowed = ", ".join(sorted(owner.model_fields)) if owner is not None else "none"
        return UNKNOWN_KEY.format(section=section, key=loc[-1], allowed=allowed)
    if error["type"] == "value_error" and "error" in error.get("ctx", {}):
        return " ".join(str(error["ctx"]["error"]).split())
    element = bool(error["loc"]) and isinstance(error["loc"][-1], int)
    expected = describe_field(field, element=element) if field is not None else "valid"
    if error["type"] == "missing":
        return MISSING_KEY.format(key=key, expected=expected)
    return BAD_VALUE.format(key=key, expected=expected, value=error.get("input"))


def _resolve(root: type[BaseModel], loc: list[str]) -> tuple[type[BaseModel] | None, FieldInfo]:
    """The model owning the last key of ``loc`` and that key's field (None when unknown)."""
    owner: type[BaseModel] | None = root
    field = None
    for i, part in enumerate(loc):
        if owner is None or part not in owner.model_fields:
            return owner if i == len(loc) - 1 else None, None
        field = owner.model_fields[part]
        if i < len(loc) - 1:
            owner = _model_in(field.annotation)
    return owner, field


def _model_in(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def describe_field(field: FieldInfo, *, element: bool = False) -> str:
    """Words for what a field accepts, e.g. ``"an integer > 1"`` or ``"one of 'a', 'b'"``.

    With ``element=True`` a list field is described by what each of its items must be.
    """
    return _describe_type(field.annotation, list(field.metadata), element=element)


def _describe_type(annotation, metadata: list, *, element: bool = False) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _describe_type(base, metadata + list(extra), element=element)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(v) for v in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        words = " or ".join(_describe_type(a, metadata, element=element) for a in args)
        return words + (" or null" if len(args) < len(typing.get_args(annotation)) else "")
    if origin in (list, tuple):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        inner = _describe_type(args[0], []) if args else "values"
        if element:
            return inner
        non_empty = any(isinstance(m, at.MinLen) and m.min_length > 0 for m in metadata)
        return f"a {'non-empty ' if non_empty else ''}list of {_plural(inner)}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a mapping with keys " + ", ".join(sorted(annotation.model_fields))
    words = _TYPE_WORDS.get(annotation, getattr(annotation, "__name__", str(annotation)))
    for item in metadata:
        for kind, attr, template in _CONSTRAINT_WORDS:
            if isinstance(item, kind):
                words += " " + template.format(getattr(item, attr))
    return words


def _plural(words: str) -> str:
    """``"an integer > 1"`` -> ``"integers > 1"`` (good enough for our type words)."""
    for article in ("an ", "a "):
        if words.startswith(article):
            head, _, tail = words[len(article) :].partition(" ")
            return f"{head}s {tail}".strip()
    return words
