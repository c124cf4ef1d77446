"""Planted data for model and explanation tests: known inputs drive a simulated outcome.

One way to draw the columns and the outcome, so the tests that need "a few features, some
of which matter" do not each write the same frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: How each column is drawn: (kind, parameters...) -> values for ``n`` rows.
DRAWS = {
    "poisson": lambda rng, n, mean: rng.poisson(mean, n).astype(float),
    "uniform": lambda rng, n, low, high: rng.uniform(low, high, n),
    "normal": lambda rng, n: rng.normal(size=n),
}


def planted_frame(rng: np.random.Generator, n: int, columns: dict, index=None) -> pd.DataFrame:
    """Columns drawn in order, each ``name: (kind, *parameters)`` with a kind of :data:`DRAWS`."""
    data = {name: DRAWS[kind](rng, n, *params) for name, (kind, *params) in columns.items()}
    return pd.DataFrame(data, index=index)


def planted_outcome(rng: np.random.Generator, logit) -> np.ndarray:
    """0/1 outcomes with probability ``1 / (1 + exp(-logit))``."""
    logit = np.asarray(logit, dtype=float)
    return (rng.uniform(size=len(logit)) < 1 / (1 + np.exp(-logit))).astype(int)
