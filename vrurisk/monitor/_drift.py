"""Feature drift of each list against the training data: PSI per feature and per family.

Both distributions come from the bundle's ``monitoring.json``: the model's training shares per
feature bin and the list cohort's shares in the same bins (see
:func:`vrurisk.features.feature_reference`). A family's PSI is the largest PSI among its
features (a family drifts when any of its measures does; the feature is named), with the number
of its features past each threshold.
"""

from __future__ import annotations

from vrurisk.features import FAMILIES, population_stability_index

#: PSI at or above which a feature has shifted (moderate) and shifted markedly (major).
PSI_MODERATE = 0.1
PSI_MAJOR = 0.25
#: Share of the cohort whose value is marked as outside the training range (beyond it by more
#: than the scoring's tolerance, see ``vrurisk.models.out_of_training_range``) worth a finding.
OUT_OF_RANGE_SHARE = 0.01
#: A feature above its lowest bin for at least this many people expected (at the training
#: share) but for nobody on the list has *vanished*: a rare record an agency may have stopped
#: sending, which the PSI of a rare feature understates (P(0 | Poisson 10) < 0.01%).
VANISHED_EXPECTED = 10
NO_DISTRIBUTION = (
    "no feature distribution in this bundle (scored by a model or a vrurisk that did not keep "
    "its training distribution): retrain and rescore to monitor drift"
)


def psi_level(psi: float) -> str:
    """``"stable"``, ``"moderate shift"`` or ``"major shift"`` by the thresholds above."""
    if psi >= PSI_MAJOR:
        return "major shift"
    if psi >= PSI_MODERATE:
        return "moderate shift"
    return "stable"


def list_drift(monitoring: dict | None) -> dict:
    """PSI per feature and per family of one list, and features out of the training range.

    Returns
    -------
    dict
        ``available`` (bool), ``note`` (why not, if not), ``features`` (rows sorted by PSI,
        largest first: ``feature``, ``family``, ``psi``, ``level``, ``n_outside``,
        ``share_outside``), ``families`` (rows in :data:`FAMILIES` order: ``family``, ``label``,
        ``psi`` (largest of its features), ``feature`` (which), ``n_features``, ``n_moderate``,
        ``n_major``, ``level``), ``out_of_range`` (features with anyone outside the
        training range, most people first) and ``vanished`` (features above their lowest
        training bin for nobody on the list, though :data:`VANISHED_EXPECTED` or more were
        expected).
    """
    distribution = (monitoring or {}).get("feature_distribution")
    if not distribution:
        return {
            "available": False,
            "note": NO_DISTRIBUTION,
            "features": [],
            "families": [],
            "vanished": [],
            "out_of_range": [],
        }
    training, current = distribution["training"], distribution["list"]
    families = distribution.get("families", {})
    rows = []
    for name, shares in current.items():
        psi = population_stability_index(training[name]["shares"], shares["shares"])
        outside = int(shares["n_below"] + shares["n_above"])
        marked = int(shares.get("n_marked", outside))  # older bundles: no tolerance recorded
        rows.append(
            {
                "feature": name,
                "family": families.get(name, "other_records"),
                "psi": psi,
                "level": psi_level(psi),
                "n_outside": outside,
                "share_outside": outside / max(shares["n"], 1),
                "n_marked": marked,
                "share_marked": marked / max(shares["n"], 1),
                "training_range": [training[name]["low"], training[name]["high"]],
            }
        )
    rows.sort(key=lambda r: (-r["psi"], r["feature"]))
    by_family = []
    for family, label in FAMILIES.items():
        members = [r for r in rows if r["family"] == family]
        if not members:
            continue
        top = max(members, key=lambda r: r["psi"])
        by_family.append(
            {
                "family": family,
                "label": label,
                "psi": top["psi"],
                "feature": top["feature"],
                "n_features": len(members),
                "n_moderate": sum(PSI_MODERATE <= r["psi"] < PSI_MAJOR for r in members),
                "n_major": sum(r["psi"] >= PSI_MAJOR for r in members),
                "level": psi_level(top["psi"]),
            }
        )
    outside = sorted((r for r in rows if r["n_outside"]), key=lambda r: -r["n_outside"])
    vanished = []
    for name, shares in current.items():
        before = 1.0 - training[name]["shares"][0] - training[name]["shares"][-1]
        now = 1.0 - shares["shares"][0] - shares["shares"][-1]
        if before * shares["n"] >= VANISHED_EXPECTED and now <= 0:
            vanished.append(
                {"feature": name, "training_share": before, "expected": before * shares["n"]}
            )
    return {
        "available": True,
        "note": "",
        "features": rows,
        "families": by_family,
        "vanished": sorted(vanished, key=lambda r: -r["expected"]),
        "out_of_range": [
            {
                k: r[k]
                for k in (
                    "feature",
                    "family",
                    "n_outside",
                    "share_outside",
                    "n_marked",
                    "share_marked",
                    "training_range",
                )
            }
            for r in outside
        ],
    }
