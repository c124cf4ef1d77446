"""A random scored frame to audit: scores and outcomes unrelated to the groups."""

from __future__ import annotations

import numpy as np
import pandas as pd


def random_scores(seed: int, n: int, groups, names=("score", "outcome", "eth")) -> pd.DataFrame:
    """``n`` uniform scores, 0/1 outcomes (half and half) and ``groups``.

    ``groups`` is a list of ``n`` values or a ``groups(rng, n)`` draw; ``names`` names the
    score, outcome and group columns.
    """
    rng = np.random.default_rng(seed)
    score, outcome = rng.random(n), rng.integers(0, 2, n)
    values = groups(rng, n) if callable(groups) else groups
    return pd.DataFrame(dict(zip(names, (score, outcome, values), strict=True)))
