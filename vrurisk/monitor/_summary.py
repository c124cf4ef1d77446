"""The monitoring summary over a config's lists, and its findings in plain words.

:func:`monitor_lists` is pure: lists read back from their bundles, outcomes per closed list,
the sensitive attributes by key and the fairness config in; one JSON-safe dict out (what
``monitor.json`` holds and ``monitor.html`` shows). Findings come first, each with the
threshold it was judged by (:data:`THRESHOLDS`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from vrurisk._serialise import json_safe
from vrurisk.monitor._drift import (
    OUT_OF_RANGE_SHARE,
    PSI_MAJOR,
    PSI_MODERATE,
    SEASON_DAYS,
    VANISHED_EXPECTED,
    list_drift,
)
from vrurisk.monitor._groups import (
    NO_DECISIONS,
    OVERRIDES,
    decision_summary,
    error_rate_trend,
    selection_trend,
)
from vrurisk.monitor._lists import MonitoredList
from vrurisk.monitor._performance import (
    CALIBRATION_BAND,
    cross_validation_figures,
    list_performance,
)

#: Override rate worth a finding (professionals disagreed with similar tools about a third of
#: the time).
OVERRIDE_RATE = 1 / 3
THRESHOLDS = {
    "feature drift": f"population stability index (PSI) of a feature against the training "
    f"data: below {PSI_MODERATE} stable, {PSI_MODERATE} to {PSI_MAJOR} a moderate shift, "
    f"{PSI_MAJOR} or more a major shift; a family's PSI is its largest feature's",
    "expected growth": "a feature that grows with the data by construction (counts over all "
    "history, numbers of associates, network and component sizes) whose PSI is past the "
    f"threshold but whose scale-free view (each value relative to its own list's typical value) "
    f"is below {PSI_MODERATE}",
    "shifts the training data contains": f"a feature whose PSI against the pooled training data "
    f"is past the threshold but below {PSI_MODERATE} against one of the training lists alone; "
    f"'at the same time of year' when that list's date is within {SEASON_DAYS} days of the "
    "list's in the year",
    "unseen time of year": "an unexplained shift in a feature that counts records from days of "
    "the year no training list's window covered (a month counts with 7 or more such days; a "
    f"feature without a window: no training date within {SEASON_DAYS} days in the year)",
    "vanished records": f"a feature non-zero in training for enough people that "
    f"{VANISHED_EXPECTED} or more were expected on the list, but zero for everyone on it",
    "out of training range": f"{OUT_OF_RANGE_SHARE:.0%} or more of a list's cohort marked as "
    "outside the range a feature had in training, by the panel pack's rule (beyond the range "
    "by more than a share of the training spread: 1.0 for counts and sizes that grow with the "
    "data, 0.1 for the rest)",
    "calibration": "a band's observed outcome rate has a 95% interval that excludes its mean "
    f"predicted probability and observed / predicted is outside {CALIBRATION_BAND[0]:g} to "
    f"{CALIBRATION_BAND[1]:g}",
    "precision on the list": "the 95% interval of the list's precision lies wholly below the "
    "model's cross-validation precision at the same list size",
    "disparity": "the bias audit's own rule: the simultaneous interval of a ratio against the "
    "reference group lies wholly outside the fairness band",
    "overrides": f"the panel overrode the list (decisions {', '.join(OVERRIDES)}) for "
    f"{OVERRIDE_RATE:.0%} or more of the decisions recorded",
}


def monitor_lists(
    lists: Sequence[MonitoredList],
    *,
    outcomes: Mapping[str, pd.Series | None],
    people: pd.DataFrame,
    fairness,
    extraction_date,
    horizon_days: int,
    recording_lag_days: int = 0,
) -> dict:
    """Everything the board sees about a config's lists over time.

    Parameters
    ----------
    lists : sequence of MonitoredList
        Oldest first (:func:`~vrurisk.monitor._lists.read_lists`).
    outcomes : mapping
        List date (``YYYY-MM-DD``) -> outcome by key (None while the window is open).
    people : pandas.DataFrame
        Sensitive attributes, indexed by key.
    fairness : FairnessConfig
    extraction_date : date-like
    horizon_days, recording_lag_days : int

    Returns
    -------
    dict
        ``findings``, ``thresholds``, ``lists`` (one entry per list), ``decisions_recorded``
        and the context (``extraction_date``, ``horizon_days``, ...).
    """
    from vrurisk.scoring import list_changes

    entries, previous = [], None
    for item in lists:
        result = outcomes.get(item.label)
        entry = {
            "as_of": item.label,
            "bundle": item.path.name,
            "model": _model_words(item.manifest),
            "k": item.k,
            "closes_on": str(
                (item.as_of + pd.Timedelta(days=horizon_days + recording_lag_days)).date()
            ),
            **list_performance(item.scores, item.k, result),
            "cross_validation": cross_validation_figures(item.monitoring, item.k),
            "drift": list_drift(item.monitoring, as_of=item.as_of),
            "selection": selection_trend(item.fairness, item.k),
            "error_rates": None
            if result is None
            else error_rate_trend(item.scores, item.k, result, people, fairness),
            "decisions": decision_summary(item.decisions, item.k, people, result),
            "churn": None,
        }
        if previous is not None:
            changes = list_changes(previous.scores, previous.k, item.scores, item.k)
            entry["churn"] = {
                "previous_as_of": previous.label,
                "n_new": changes["n_new"],
                "n_left": changes["n_left"],
                "share_new": changes["n_new"] / max(item.k, 1),
                "n_up": changes["n_up"],
                "n_down": changes["n_down"],
            }
        entries.append(entry)
        previous = item
    summary = {
        "extraction_date": str(pd.Timestamp(extraction_date).date()),
        "horizon_days": horizon_days,
        "recording_lag_days": recording_lag_days,
        "n_lists": len(entries),
        "n_closed": sum(e["closed"] for e in entries),
        "decisions_recorded": any(e["decisions"] for e in entries),
        "thresholds": THRESHOLDS,
        "lists": entries,
    }
    summary["findings"] = findings(summary)
    return json_safe(summary)


def findings(summary: dict) -> list[dict]:
    """Plain-language findings, most serious first: ``{"level", "text"}`` (level ``"act"``,
    ``"watch"`` or ``"ok"``)."""
    lists = summary["lists"]
    out: list[dict] = []
    closed = [e for e in lists if e["closed"]]
    if not closed:
        first = min((e["closes_on"] for e in lists), default="")
        out.append(
            _f(
                "watch",
                f"No list's outcome window has closed yet (the first closes on {first}): "
                "calibration and precision on the list cannot be checked until then.",
            )
        )
    out += _closed_list_findings(closed)
    out += _drift_findings(lists)
    out += _decision_findings(summary)
    churn = [e["churn"]["share_new"] for e in lists if e["churn"]]
    if churn:
        out.append(
            _f(
                "ok",
                f"On average {_pct(sum(churn) / len(churn))} of each list was new since the "
                f"previous one ({len(churn)} list changes).",
            )
        )
    if not any(f["level"] == "act" for f in out):
        out.insert(
            0,
            _f(
                "ok",
                "Nothing past the action thresholds: no calibration drift, no fall in precision "
                "below cross-validation and no flagged disparity on the lists whose outcomes "
                "are known.",
            ),
        )
    order = {"act": 0, "watch": 1, "ok": 2}
    return sorted(out, key=lambda f: order[f["level"]])


def _closed_list_findings(closed: list[dict]) -> list[dict]:
    """Calibration, precision and disparities on the closed lists: one finding each, with the
    latest list's figures and on how many of the closed lists it holds."""
    out = []
    n = len(closed)

    def dates(items) -> str:
        names = [e["as_of"] for e in items]
        return (
            ""
            if len(names) < 2
            else f" Seen on {len(names)} of the {n} closed lists ({', '.join(names)})."
        )

    top = [e for e in closed if e["bands"][0]["drifted"]]
    if top:
        e, band = top[-1], top[-1]["bands"][0]
        out.append(
            _f(
                "act",
                f"Calibration has drifted on the list of {e['as_of']}: observed "
                f"{_pct(band['rate'])} vs predicted {_pct(band['predicted'])} in the top band "
                f"(the {band['n']:,} listed); retraining recommended." + dates(top),
            )
        )
    lower = [e for e in closed if any(b["drifted"] for b in e["bands"][1:])]
    if lower:
        e = lower[-1]
        band = max(
            (b for b in e["bands"][1:] if b["drifted"]),
            key=lambda b: abs(math.log(max(b["rate"], 1e-6) / max(b["predicted"], 1e-6))),
        )
        out.append(
            _f(
                "watch",
                f"Calibration has drifted below the list on {e['as_of']}: in {band['band']}, "
                f"observed {_pct(band['rate'])} vs predicted {_pct(band['predicted'])}."
                + dates(lower),
            )
        )
    low = [
        e
        for e in closed
        if e["cross_validation"].get("precision_at_k")
        and not math.isnan(e["precision_at_k"]["high"])
        and e["precision_at_k"]["high"] < e["cross_validation"]["precision_at_k"]["value"]
    ]
    if low:
        e = low[-1]
        p, cv = e["precision_at_k"], e["cross_validation"]["precision_at_k"]
        out.append(
            _f(
                "act",
                f"Precision on the list of {e['as_of']} was {_pct(p['rate'])} (95% interval "
                f"{_pct(p['low'])} to {_pct(p['high'])}), below the {_pct(cv['value'])} of "
                "cross-validation: fewer of the listed people had the outcome than training "
                "promised; retraining recommended." + dates(low),
            )
        )
    flagged: dict[tuple, list] = {}
    for e in closed:
        for flag in (e["error_rates"] or {}).get("flags", []):
            what = (flag["metric"], flag["attribute"], flag["group"], flag["reference"])
            flagged.setdefault(what, []).append((e, flag))
    for (metric, attribute, group, reference), seen in flagged.items():
        e, flag = seen[-1]
        out.append(
            _f(
                "act",
                f"Disparity: the {metric.replace('_', ' ')} of {attribute} {group} was flagged "
                f"against {reference} on {len(seen)} of the {n} closed lists; on the latest "
                f"({e['as_of']}) it is {flag['ratio']:.2f} times as high (interval "
                f"{flag['ci_low']:.2f} to {flag['ci_high']:.2f}).",
            )
        )
    return out


def _drift_findings(lists: list[dict]) -> list[dict]:
    out = []
    missing = [e["as_of"] for e in lists if not e["drift"]["available"]]
    if missing:
        out.append(
            _f(
                "watch",
                f"Feature drift cannot be measured for {', '.join(missing)}: "
                + lists[[e["as_of"] for e in lists].index(missing[0])]["drift"]["note"]
                + ".",
            )
        )
    out += _unseen_season_findings(lists)
    shifted: dict[str, list[tuple[str, dict]]] = {}
    for e in lists:
        unseen = {r["feature"] for r in e["drift"]["features"] if r.get("unseen_months")}
        for fam in e["drift"]["families"]:
            psi = fam.get("psi_unexplained", fam["psi"])  # bundles without the other views
            if psi >= PSI_MODERATE and fam.get("feature_unexplained") not in unseen:
                shifted.setdefault(fam["label"], []).append((e["as_of"], fam))
    for label, seen in shifted.items():
        worst_date, worst = max(seen, key=lambda item: item[1].get("psi_unexplained", 0))
        psi = worst.get("psi_unexplained", worst["psi"])
        feature = worst.get("feature_unexplained", worst["feature"])
        n_major = worst.get("n_major_unexplained", worst["n_major"])
        pooled = worst.get("psi_unexplained_pooled", psi)
        major = psi >= PSI_MAJOR
        view = {
            "scale_free": "relative to its list",
            "closest": f"even against the training list it is most like "
            f"({worst.get('closest_unexplained')})",
        }.get(worst.get("view_unexplained", "pooled"))
        figures = f"PSI {psi:.2f} for {feature}" + (
            f" {view}, {pooled:.2f} against the training lists pooled"
            if view and abs(pooled - psi) >= 0.005
            else ""
        )
        out.append(
            _f(
                "act" if major else "watch",
                f"Feature drift in {label}: {'a major' if major else 'a moderate'} shift against "
                f"the training data on {len(seen)} of {len(lists)} list(s), largest on "
                f"{worst_date} ({figures}; {n_major} of its {worst['n_features']} features at "
                f"{PSI_MAJOR} or more, not explained by growth or by any one training list). "
                "Check the extract (has an agency stopped recording?) before trusting these "
                "lists" + ("; retraining recommended." if major else "."),
            )
        )
    out += _explained_findings(lists)
    for e in lists:
        gone = e["drift"]["vanished"]
        if gone:
            names = ", ".join(
                f"{r['feature']} ({_pct(r['training_share'])} in training)" for r in gone[:5]
            )
            out.append(
                _f(
                    "act",
                    f"Records have vanished on the list of {e['as_of']}: {len(gone)} feature(s) "
                    f"are zero for everyone though {VANISHED_EXPECTED} or more people were "
                    f"expected to have them: {names}. Has an agency stopped recording these?",
                )
            )
    for e in lists[-1:]:
        wide = [
            r for r in e["drift"].get("out_of_range", []) if r["share_marked"] >= OUT_OF_RANGE_SHARE
        ]
        if wide:
            names = ", ".join(f"{r['feature']} ({_pct(r['share_marked'])})" for r in wide[:5])
            out.append(
                _f(
                    "watch",
                    f"On the list of {e['as_of']}, {len(wide)} feature(s) are marked as outside "
                    f"their training range for {OUT_OF_RANGE_SHARE:.0%} or more of the cohort: "
                    f"{names}; scores extrapolate there.",
                )
            )
    return out


def _worst_by_feature(lists: list[dict], keep) -> dict[str, tuple[str, dict]]:
    """Feature -> (list date, row) of its largest PSI among the rows ``keep`` accepts."""
    worst: dict[str, tuple[str, dict]] = {}
    for e in lists:
        for r in e["drift"]["features"]:
            if keep(r) and (r["feature"] not in worst or r["psi"] > worst[r["feature"]][1]["psi"]):
                worst[r["feature"]] = (e["as_of"], r)
    return dict(sorted(worst.items(), key=lambda item: -item[1][1]["psi"]))


def _explained_findings(lists: list[dict]) -> list[dict]:
    """Shifts that growth or one of the training lists explains: said, and said to be expected
    (a feature explained on one list but not on another is left to the drift findings)."""
    out = []
    loud = {
        r["feature"]
        for e in lists
        for r in e["drift"]["features"]
        if r.get("psi_unexplained", 0) >= PSI_MODERATE
    }
    grown = _worst_by_feature(
        lists, lambda r: r.get("explained") == "growth" and r["feature"] not in loud
    )
    if grown:
        names = ", ".join(
            f"{name} (PSI {r['psi']:.2f} raw, {r['psi_scale_free']:.2f} relative to its list)"
            for name, (_, r) in list(grown.items())[:5]
        )
        more = f" and {len(grown) - 5} more" if len(grown) > 5 else ""
        out.append(
            _f(
                "ok",
                f"Expected growth, not a reason to retrain: {len(grown)} feature(s) that grow "
                "with the data by construction (counts over all history, numbers of associates, "
                "network and component sizes) have passed their training distribution, but "
                "relative to each list's own typical value they are stable: "
                f"{names}{more}.",
            )
        )
    like = _worst_by_feature(
        lists, lambda r: r.get("explained") == "training_date" and r["feature"] not in loud
    )
    if like:
        parts = []
        for name, (date, r) in list(like.items())[:5]:
            c = r["closest_training"]
            when = (
                ", at the same time of year"
                if c["days_apart"] is not None and c["days_apart"] <= SEASON_DAYS
                else ""
            )
            parts.append(
                f"{name} on {date} (PSI {r['psi']:.2f} against the training lists pooled) is "
                f"like the training list of {c['as_of']}{when} (PSI {c['psi']:.2f})"
            )
        more = f"; and {len(like) - 5} more" if len(like) > 5 else ""
        out.append(
            _f(
                "ok",
                "Shifts the training data already contains, not a reason to retrain: "
                + "; ".join(parts)
                + more
                + ". Training pools lists from several dates; records that fall at one time "
                "of year (school reviews, say) or changed over the training years make those "
                "lists differ, and the model was trained on lists like these.",
            )
        )
    return out


def _unseen_season_findings(lists: list[dict]) -> list[dict]:
    """Unexplained shifts at a time of year no training list covered: the gap, said plainly."""
    out = []
    for e in lists:
        rows = [r for r in e["drift"]["features"] if r.get("unseen_months")]
        if not rows:
            continue
        months = list(dict.fromkeys(m for r in rows for m in r["unseen_months"]))
        names = ", ".join(f"{r['feature']} (PSI {r['psi_unexplained']:.2f})" for r in rows[:5])
        trained = sorted(
            {
                pd.Timestamp(d).strftime("%d %B").lstrip("0")
                for d in e["drift"].get("training_dates", [])
            },
            key=lambda d: pd.Timestamp(f"{d} 2001"),
        )
        out.append(
            _f(
                "act",
                f"The model never saw lists in {_months(months)}: on the list of {e['as_of']}, "
                f"{len(rows)} feature(s) shifted that count records from then, {names}; records "
                f"that fall in {_months(months)} are new to it (training lists were at "
                f"{', '.join(trained) or 'other times of year'} each year). This is a gap in "
                "training rather than a known change in the data: retrain with as-of dates that "
                "cover the year (e.g. temporal.step_months: 3), then check these features again.",
            )
        )
    return out


def _months(months: list[str]) -> str:
    """``September`` or ``September–November`` (consecutive) or ``March, September``."""
    order = list(pd.date_range("2001-01-01", periods=12, freq="MS").month_name())
    idx = [order.index(m) for m in months]
    if len(idx) > 1 and all((b - a) % 12 == 1 for a, b in zip(idx, idx[1:], strict=False)):
        return f"{months[0]}\u2013{months[-1]}"
    return ", ".join(months)


def _decision_findings(summary: dict) -> list[dict]:
    lists = summary["lists"]
    if not summary["decisions_recorded"]:
        return [_f("watch", NO_DECISIONS[0].upper() + NO_DECISIONS[1:] + ".")]
    out = []
    for e in lists:
        d = e["decisions"]
        if not d:
            continue
        rate = d["overrides"]["rate"]
        level = "watch" if rate >= OVERRIDE_RATE else "ok"
        text = (
            f"The panel overrode the list of {e['as_of']} for {d['overrides']['n_override']} of "
            f"{d['n']} decisions recorded ({_pct(rate)})"
        )
        groups = [g for g in d["by_group"] if g["n"] >= 10]
        if groups:
            high = max(groups, key=lambda g: g["rate"])
            text += f"; highest for {high['attribute']} {high['group']} ({_pct(high['rate'])})"
        out.append(_f(level, text + "."))
    return out


def _model_words(manifest: dict) -> str:
    model = manifest.get("model") or {}
    version = manifest.get("model_version") or model.get("version") or ""
    return f"{model.get('name', 'model')}" + (f" v{version}" if version else "")


def _f(level: str, text: str) -> dict:
    return {"level": level, "text": text}


def _pct(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{100 * value:.1f}%"
