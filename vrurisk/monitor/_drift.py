"""Feature drift of each list against the training data: PSI per feature and per family.

Both distributions come from the bundle's ``monitoring.json``: the model's training shares per
feature bin and the list cohort's shares in the same bins (see
:func:`vrurisk.features.feature_reference`). A family's PSI is the largest PSI among its
features (a family drifts when any of its measures does; the feature is named), with the number
of its features past each threshold.

A shift against the pooled training data is not always a change a board should act on. Two
shifts are expected, and are told apart from the rest (see the README, "Monitoring the lists
over time"):

- *growth*: a feature that grows with the data by construction
  (:func:`vrurisk.models.grows_with_the_data`: counts over all history, network and component
  sizes) passes its training distribution as the extract lengthens. Its scale-free view (each
  value relative to its own list's typical value, :func:`vrurisk.features.scale_free_shares`)
  is compared too; if that view is stable and the typical value has not fallen below the
  latest training list's, the shift is growth.
- *one of the training lists*: training pools lists from several dates, so a record that falls
  at one time of year (a September school review) makes some training lists differ from others,
  and the pooled distribution matches none of them. A list like one of the training lists
  (PSI below the moderate threshold against that date alone) is a list the model was trained on
  the like of.

What is left is unexplained. When the model never saw lists at the list's time of year (no
training window covered those days), an unexplained shift is reported as that gap in training.
"""

from __future__ import annotations

import re

import pandas as pd

from vrurisk.features import FAMILIES, population_stability_index
from vrurisk.models import grows_with_the_data

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
#: Two dates are at the same time of year when their days of the year are at most this many
#: days apart (half a quarter: as-of dates every three months cover the whole year).
SEASON_DAYS = 46
#: A month counts as unseen when at least this many of its days were in no training window.
UNSEEN_DAYS = 7
#: Features counted over a window of days (``..._90d``): the window's days are its season.
WINDOW = re.compile(r"_(\d+)d$")
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


def list_drift(monitoring: dict | None, as_of=None) -> dict:
    """PSI per feature and per family of one list, and features out of the training range.

    Parameters
    ----------
    monitoring : dict or None
        The bundle's ``monitoring.json``.
    as_of : date-like, optional
        The list's date (default: ``monitoring["as_of"]``), for the time of year.

    Returns
    -------
    dict
        ``available`` (bool), ``note`` (why not, if not), ``features`` (rows sorted by PSI, largest
        first: ``feature``, ``family``, ``psi`` (against the pooled training data), ``level``,
        ``n_outside``, ``share_outside``, ``psi_scale_free`` (growing features, when the bundle has
        the view), ``closest_training`` (the training date the list is most like: ``as_of``,
        ``psi``, ``days_apart`` in the year), ``explained`` (``"growth"``, ``"training_date"`` or
        None), ``unseen_months`` (months of the year in no training window, for an unexplained
        shift), ``psi_unexplained`` (0 when explained; else the least of the three views),
        ``least_shifted_view`` (``"pooled"``, ``"scale_free"`` or ``"closest"``), ``verdict`` (its
        level) and ``reading`` (the verdict in words)), ``families`` (rows in :data:`FAMILIES`
        order: ``family``, ``label``, ``psi`` (largest of its features), ``feature`` (which),
        ``n_features``, ``n_moderate``, ``n_major``, ``level``, ``psi_unexplained``,
        ``feature_unexplained``, ``level_unexplained``, ``psi_unexplained_pooled``,
        ``view_unexplained``, ``closest_unexplained``, ``n_explained``), ``out_of_range`` (features
        with anyone outside the training range, most people first), ``vanished`` (features above
        their lowest training bin for nobody on the list, though :data:`VANISHED_EXPECTED` or more
        were expected from the training lists at the same time of year, or from all of them when
        none was) and ``training_dates`` (the training lists' dates, when the bundle has them).
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
            "training_dates": [],
        }
    training, current = distribution["training"], distribution["list"]
    families = distribution.get("families", {})
    by_date = distribution.get("training_by_date") or {}
    scale_free = distribution.get("scale_free") or {}
    list_date = as_of if as_of is not None else (monitoring or {}).get("as_of")
    list_date = pd.Timestamp(list_date) if list_date is not None else None
    rows = []
    for name, shares in current.items():
        psi = population_stability_index(training[name]["shares"], shares["shares"])
        outside = int(shares["n_below"] + shares["n_above"])
        marked = int(shares.get("n_marked", outside))  # older bundles: no tolerance recorded
        row = {
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
        rows.append(row | _explain(name, psi, shares, scale_free, by_date, list_date))
    rows.sort(key=lambda r: (-r["psi"], r["feature"]))
    by_family = []
    for family, label in FAMILIES.items():
        members = [r for r in rows if r["family"] == family]
        if not members:
            continue
        top = max(members, key=lambda r: r["psi"])
        left = max(members, key=lambda r: r["psi_unexplained"])
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
                "psi_unexplained": left["psi_unexplained"],
                "feature_unexplained": left["feature"],
                "psi_unexplained_pooled": left["psi"],
                "view_unexplained": left["least_shifted_view"],
                "closest_unexplained": (left["closest_training"] or {}).get("as_of"),
                "level_unexplained": psi_level(left["psi_unexplained"]),
                "n_major_unexplained": sum(r["psi_unexplained"] >= PSI_MAJOR for r in members),
                "n_explained": sum(r["explained"] is not None for r in members),
            }
        )
    outside = sorted((r for r in rows if r["n_outside"]), key=lambda r: -r["n_outside"])
    vanished = []
    season = [d for d in by_date if _days_apart(d, list_date) <= SEASON_DAYS] if list_date else []
    for name, shares in current.items():
        # expected from the training lists at the same time of year when there are any (a
        # seasonal record is absent off season by design), else from all of them
        before = min(
            (_above_lowest(by_date[d][name]) for d in season if name in by_date[d]),
            default=_above_lowest(training[name]["shares"]),
        )
        now = _above_lowest(shares["shares"])
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
        "training_dates": sorted(by_date),
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


def _above_lowest(shares) -> float:
    """Share above the lowest bin and not missing."""
    return 1.0 - shares[0] - shares[-1]


def _explain(name, psi, shares, scale_free, by_date, list_date) -> dict:
    """The other views of one feature's shift, and whether one of them explains it."""
    free, grew = None, False
    if name in scale_free.get("list", {}) and name in scale_free.get("training", {}):
        before, now = scale_free["training"][name], scale_free["list"][name]
        free = population_stability_index(before["shares"], now["shares"])
        # growth is upward: typical value at least the latest training list's (a count that
        # shrank because an agency sent fewer records is a change, whatever its shape)
        grew = (now.get("scale") or 0.0) >= (before.get("scale") or 0.0)
    closest = None
    for date, training_shares in by_date.items():
        if name not in training_shares:
            continue
        value = population_stability_index(training_shares[name], shares["shares"])
        if closest is None or value < closest["psi"]:
            closest = {"as_of": date, "psi": value, "days_apart": _days_apart(date, list_date)}
    explained = None
    if psi >= PSI_MODERATE:
        if free is not None and free < PSI_MODERATE and grew and grows_with_the_data(name):
            explained = "growth"
        elif closest is not None and closest["psi"] < PSI_MODERATE:
            explained = "training_date"
    views = {"pooled": psi, "scale_free": free, "closest": closest["psi"] if closest else None}
    least = min((v, k) for k, v in views.items() if v is not None)[1]
    left = 0.0 if explained else views[least]
    unseen = []
    if left >= PSI_MODERATE and by_date and list_date is not None:
        unseen = unseen_months(name, list_date, sorted(by_date))
    if explained == "growth":
        reading = "expected growth: stable relative to its list"
    elif explained == "training_date":
        same = closest["days_apart"] is not None and closest["days_apart"] <= SEASON_DAYS
        reading = f"like the training list of {closest['as_of']}" + (
            " (same time of year)" if same else ""
        )
    elif unseen:
        reading = f"{psi_level(left)}: {', '.join(unseen)} never in training"
    else:
        reading = psi_level(left)
    return {
        "psi_scale_free": free,
        "closest_training": closest,
        "explained": explained,
        "unseen_months": unseen,
        "psi_unexplained": left,
        "least_shifted_view": least,
        "verdict": psi_level(left),
        "reading": reading,
    }


def _days_apart(date, list_date) -> int | None:
    """Days between two dates' days of the year (0 to 182)."""
    if list_date is None:
        return None
    gap = abs(pd.Timestamp(date).day_of_year - list_date.day_of_year) % 365
    return int(min(gap, 365 - gap))


def unseen_months(name: str, as_of, training_dates) -> list[str]:
    """Months of the year the list's feature covers but no training list's did.

    A feature counted over ``N`` days (``..._90d``, ``N`` below a year) covers the days of the
    year in ``[as_of - N, as_of)``; a month is unseen when :data:`UNSEEN_DAYS` or more of its
    days there fell in no training date's window. Any other feature covers its list's date: its
    month is unseen when no training date is within :data:`SEASON_DAYS` of it in the year.

    Examples
    --------
    >>> unseen_months("count_sen_support_90d", "2025-11-30", ["2023-01-01", "2023-07-01"])
    ['September']
    >>> unseen_months("count_sen_support_90d", "2025-11-30", ["2023-01-01", "2023-10-01"])
    []
    >>> unseen_months("days_since_review", "2025-10-01", ["2023-01-01", "2023-07-01"])
    ['October']
    """
    as_of = pd.Timestamp(as_of)
    window = WINDOW.search(name)
    if window is None or int(window.group(1)) >= 365:
        near = [_days_apart(d, as_of) <= SEASON_DAYS for d in training_dates]
        return [] if any(near) else [as_of.month_name()]
    days = int(window.group(1))
    seen = set()
    for date in training_dates:
        end = pd.Timestamp(date)
        seen.update(pd.date_range(end - pd.Timedelta(days=days), periods=days).day_of_year % 365)
    listed = pd.date_range(as_of - pd.Timedelta(days=days), periods=days)
    new = listed[~pd.Index(listed.day_of_year % 365).isin(seen)]
    counts = pd.Series(new.month_name()).value_counts()
    return [m for m in dict.fromkeys(new.month_name()) if counts[m] >= UNSEEN_DAYS]
