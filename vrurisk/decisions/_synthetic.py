"""A synthetic panel's decisions on a list, for the demo (recorded through the validated path)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from vrurisk.decisions._validate import load_bundle
from vrurisk.scoring import DECISIONS_TEMPLATE

#: How often the synthetic panel takes each default decision (the rest: no decision yet).
SHARES = {
    "refer_to_programme": 0.30,
    "already_supported": 0.25,
    "monitor": 0.20,
    "no_action": 0.12,
    "record_incorrect": 0.05,
}


def synthetic_decisions(
    bundle_dir: str | os.PathLike, out: str | os.PathLike, *, seed: int = 0, days_after: int = 7
) -> Path:
    """Fill in a bundle's decisions template as a synthetic panel would, and write it to ``out``.

    Decisions are drawn with :data:`SHARES` (codes the bundle does not allow are skipped), a
    reason code for about half, a reviewer role at random, dated ``days_after`` days after the
    list; the rest are left undecided. Deterministic given ``seed``. The sheet is then recorded
    like any panel's (:func:`~vrurisk.decisions.record_decisions`), through the same checks.

    Returns
    -------
    pathlib.Path
        ``out``.
    """
    bundle = load_bundle(bundle_dir)
    codes = bundle["codes"]
    sheet = pd.read_csv(Path(bundle_dir) / DECISIONS_TEMPLATE, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    allowed = {code: share for code, share in SHARES.items() if code in codes["codes"]}
    choices = [*allowed, ""]
    weights = np.array([*allowed.values(), max(0.0, 1 - sum(allowed.values()))])
    decision = rng.choice(choices, size=len(sheet), p=weights / weights.sum())
    decided = decision != ""
    reason = rng.choice(codes["reason_codes"], size=len(sheet))
    with_reason = decided & (rng.uniform(size=len(sheet)) < 0.5)
    sheet["decision"] = decision
    sheet["reason_code"] = np.where(with_reason, reason, "")
    day = (bundle["as_of"] + pd.Timedelta(days=days_after)).date().isoformat()
    sheet["decision_date"] = np.where(decided, day, "")
    sheet["reviewer_role"] = np.where(
        decided, rng.choice(codes["reviewer_roles"], size=len(sheet)), ""
    )
    sheet.to_csv(out, index=False)
    return Path(out)
