"""The true effect of a synthetic programme on the rows an evaluation used (for benchmarks).

The simulation records, for each referred person, the serious-violence hazard summed over the
12 months from referral with and without the programme (``sv_hazard_12m_treated`` and
``_untreated`` in the truth table). The outcome an evaluation uses (recorded violence, say)
has a cumulative hazard proportional to it, ``k * H``; ``k`` is set so that the referred
people's modelled risk with the programme, ``mean(1 - exp(-k * H_treated))``, equals their
observed outcome rate. The true effect on the referred is then
``mean(1 - exp(-k * H_treated)) - mean(1 - exp(-k * H_untreated))`` (a risk difference) and
the ratio of the two means (a risk ratio).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import brentq


def planted_effect(rows: pd.DataFrame, truth: pd.DataFrame, *, near: float | None = None) -> dict:
    """True risk difference and ratio among the referred rows (``|running| <= near`` if given).

    Parameters
    ----------
    rows : pandas.DataFrame
        An evaluation sample's rows (``person_id``, ``referred``, ``outcome``, ``running``).
    truth : pandas.DataFrame
        :attr:`SyntheticPopulation.truth` of a population simulated with ``interventions=True``.
    near : float, optional
        Keep only rows this close to the cut-off (the regression discontinuity's bandwidth).
    """
    treated = rows[rows["referred"]]
    hazards = truth.set_index("person_id")[["sv_hazard_12m_treated", "sv_hazard_12m_untreated"]]
    h = hazards.reindex(treated["person_id"]).to_numpy(float)
    h1, h0 = h[:, 0], h[:, 1]
    observed = float(treated["outcome"].mean())
    k = _scale(h1, observed)
    mask = np.ones(len(treated), bool)
    if near is not None:
        mask = np.abs(treated["running"].to_numpy(float)) <= near
    r1 = -np.expm1(-k * h1[mask])
    r0 = -np.expm1(-k * h0[mask])
    return {
        "risk_difference": float(r1.mean() - r0.mean()),
        "risk_ratio": float(r1.mean() / r0.mean()) if r0.mean() > 0 else float("nan"),
        "n": int(mask.sum()),
        "hazard_scale": k,
    }


def _scale(h1: np.ndarray, observed: float) -> float:
    """``k`` with ``mean(1 - exp(-k * h1)) == observed``."""
    if observed <= 0:
        return 0.0
    observed = min(observed, 0.999 * np.mean(h1 > 0))
    return float(brentq(lambda k: np.mean(-np.expm1(-k * h1)) - observed, 1e-9, 1e7))
