"""The library's own exceptions.

Every error a user can cause (bad files, bad configs, bad model URIs, bad dates) is raised as a
subclass of :class:`VruriskError` with a one-line, self-explanatory message. The CLI turns these
into one line on stderr and exit code 2; anything else is a bug in vrurisk.
"""

from __future__ import annotations


class VruriskError(Exception):
    """Base class of every error caused by the user's input."""


class DataValidationError(VruriskError, ValueError):
    """An input table breaks the data contract (names the file, column and rows at fault)."""


class ConfigError(VruriskError, ValueError):
    """An experiment config is invalid (names the section, key and allowed values)."""


class ModelError(VruriskError):
    """A model cannot be loaded or does not match the features that can be built."""


class OutputError(VruriskError, OSError):
    """An output cannot or must not be written (unwritable place, or it would destroy data)."""
