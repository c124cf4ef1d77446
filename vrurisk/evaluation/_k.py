"""List sizes: ``k`` is a number of people (``100``) or a share of the cohort (``"1%"``).

Kept apart from the metrics so that validating a config does not import scikit-learn.
"""

from __future__ import annotations

import math
import re

import numpy as np

BAD_K = (
    "k must be a positive integer or a percentage such as '1%' or '0.5%'. Got {value!r} instead."
)

_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def parse_k(value) -> tuple[str, float]:
    """``100 -> ("count", 100)``, ``"1%" -> ("percent", 1.0)``; raises ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(BAD_K.format(value=value))
    if isinstance(value, int | np.integer) and value > 0:
        return "count", int(value)
    if isinstance(value, str):
        match = _PERCENT.match(value)
        if match and 0 < float(match.group(1)) <= 100:
            return "percent", float(match.group(1))
    raise ValueError(BAD_K.format(value=value))


def resolve_k(k, n: int) -> int:
    """The number of people on a list of size ``k`` from a cohort of ``n`` (at least 1, at most n).

    Examples
    --------
    >>> resolve_k(100, 20_000), resolve_k("1%", 20_000), resolve_k("1%", 30), resolve_k(50, 10)
    (100, 200, 1, 10)
    """
    kind, amount = parse_k(k)
    size = amount if kind == "count" else math.ceil(n * amount / 100)
    return int(max(1, min(n, size)))


def k_label(k) -> str:
    """How a k value appears in metric names: ``100 -> "100"``, ``"1%" -> "1pct"``."""
    kind, amount = parse_k(k)
    if kind == "count":
        return str(int(amount))
    return f"{amount:g}pct".replace(".", "_")
