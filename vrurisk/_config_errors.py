"""Turn pydantic validation errors into one-line messages naming ``section.key``.

Every message says which key is wrong, what it must be and what it got, e.g.
``models.lightgbm.num_leaves must be an integer > 1, got 'abc'``. The expected value is read
from the field's own type and constraints, so messages stay right when fields change.
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from pathlib import Path

import annotated_types as at
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

UNKNOWN_KEY = "{section}: unknown key {key!r}; allowed keys: {allowed}"
DID_YOU_MEAN = "; did you mean {suggestion!r}?"
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
    # an unknown key first: a typo'd section ('modles') also makes 'models' missing, and the
    # typo is the problem to name
    errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    keys = {tuple(_resolve(root, error["loc"])[2]) for error in errors}
    message = _describe(errors[0], root)
    if len(keys) > 1:
        message = MORE_ERRORS.format(message=message, n=len(keys) - 1)
    return message


def _describe(error: dict, root: type[BaseModel]) -> str:
    owner, field, path = _resolve(root, error["loc"])
    key = ".".join(path) or "config"
    if error["type"] == "extra_forbidden":
        section = ".".join(path[:-1]) or "config"
        names = sorted(owner.model_fields) if owner is not None else []
        message = UNKNOWN_KEY.format(
            section=section, key=path[-1], allowed=", ".join(names) or "none"
        )
        close = difflib.get_close_matches(str(path[-1]), names, n=1, cutoff=0.75)
        return message + (DID_YOU_MEAN.format(suggestion=close[0]) if close else "")
    if error["type"] == "value_error" and "error" in error.get("ctx", {}):
        message = " ".join(str(error["ctx"]["error"]).split())
        section = path[0] if path else ""
        return message if not section or message.startswith(section) else f"{key}: {message}"
    element = any(isinstance(part, int) for part in error["loc"])
    expected = describe_field(field, element=element) if field is not None else "valid"
    if error["type"] == "missing":
        return MISSING_KEY.format(key=key, expected=expected)
    return BAD_VALUE.format(key=key, expected=expected, value=error.get("input"))


def _resolve(root: type[BaseModel], loc) -> tuple[type[BaseModel] | None, FieldInfo, list[str]]:
    """Walk ``loc`` through the models: (owner of the last key, its field, the key path).

    List positions and union member tags are dropped from the path. A key its model does not
    have (``extra_forbidden``) ends the walk with that model as owner and no field.
    """
    owner: type[BaseModel] | None = root
    parent, field, path = root, None, []
    keyed: type[BaseModel] | None = None  # the model of a mapping's values (``dict[str, Model]``)
    for part in loc:
        if not isinstance(part, str):
            continue
        if keyed is not None:  # a key of the mapping, e.g. the agency name in agencies.police
            path.append(part)
            owner, keyed = keyed, None
        elif owner is not None and part in owner.model_fields:
            parent, field = owner, owner.model_fields[part]
            path.append(part)
            keyed = _mapping_value_model(field.annotation)
            owner = None if keyed is not None else _model_in(field.annotation)
        elif owner is not None:
            return owner, None, [*path, part]
    return parent, field, path


def _mapping_value_model(annotation) -> type[BaseModel] | None:
    """``Model`` when ``annotation`` is ``dict[str, Model]``, else None."""
    if typing.get_origin(annotation) is dict:
        value = typing.get_args(annotation)[1]
        if isinstance(value, type) and issubclass(value, BaseModel):
            return value
    return None


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
        for item in extra:
            metadata = metadata + (list(item.metadata) if isinstance(item, FieldInfo) else [item])
        return _describe_type(base, metadata, element=element)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(v) for v in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if element:
            args = [a for a in args if typing.get_origin(a) in (list, tuple)] or args
            return " or ".join(_describe_type(a, metadata, element=True) for a in args)
        words = " or ".join(_describe_type(a, metadata, element=element) for a in args)
        return words + (" or null" if len(args) < len(typing.get_args(annotation)) else "")
    if origin in (list, tuple):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        inner = _describe_type(args[0], []) if args else "values"
        if element:
            return inner
        non_empty = any(isinstance(m, at.MinLen) and m.min_length > 0 for m in metadata)
        return f"a {'non-empty ' if non_empty else ''}list of {_plural(inner)}"
    if origin is dict:
        key, value = (_plural(_describe_type(a, [])) for a in typing.get_args(annotation))
        return f"a mapping of {key} to {value}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a mapping with keys " + ", ".join(sorted(annotation.model_fields))
    words = _TYPE_WORDS.get(annotation, getattr(annotation, "__name__", str(annotation)))
    limits = [
        template.format(getattr(item, attr))
        for item in metadata
        for kind, attr, template in _CONSTRAINT_WORDS
        if isinstance(item, kind)
    ]
    limits += [f"matching {item.pattern}" for item in metadata if getattr(item, "pattern", None)]
    return " ".join([words, " and ".join(limits)]).strip()


def _plural(words: str) -> str:
    """``"an integer > 1"`` -> ``"integers > 1"`` (good enough for our type words)."""
    for article in ("an ", "a "):
        if words.startswith(article):
            head, _, tail = words[len(article) :].partition(" ")
            return f"{head}s {tail}".strip()
    return words
