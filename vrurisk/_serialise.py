"""What vrurisk writes to JSON: plain values, and the SHA-256 digests of files it read or wrote.

One converter for every JSON summary (bias audit, score bundle manifest, training result,
score comparison), so a NumPy number, a NaN or a timestamp is written the same way everywhere.
"""

from __future__ import annotations

import hashlib
import math
import os
from typing import Any

import numpy as np
import pandas as pd


def json_safe(value: Any) -> Any:
    """``value`` with JSON-safe leaves, recursively.

    Mapping keys become strings, tuples lists, NumPy scalars Python ones; NaN, infinities,
    ``pd.NA`` and ``pd.NaT`` become ``None``; a timestamp at midnight becomes its ISO date
    (``"2024-07-01"``), any other its ISO date and time. Anything else is returned unchanged.

    Examples
    --------
    >>> json_safe({1: (np.int64(2), float("nan"), pd.Timestamp("2024-07-01"))})
    {'1': [2, None, '2024-07-01']}
    """
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return str(value.date()) if value == value.normalize() else value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
