"""The model card and the fields of the UK Algorithmic Transparency Recording Standard it fills.

:func:`model_card_summary` gathers plain facts (what the model is, what it was trained on, how
well it does against the risk-factor-count baseline, how protected characteristics are handled)
into a dict; :func:`render_model_card` renders it. Fields only the deploying organisation can
fill (owner, contact, impact assessments) are listed as such rather than invented.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePath

from vrurisk._text import level_label, plural
from vrurisk.reports._governance import data_protection_rows
from vrurisk.reports._render import format_count, render_template

TO_COMPLETE = "To be completed by the deploying organisation."

#: Words that mark a feature as a protected characteristic (Equality Act 2010) or a close proxy.
PROTECTED_WORDS = (
    "sex",
    "gender",
    "ethnic",
    "race",
    "religion",
    "faith",
    "disab",
    "orientation",
    "nationality",
)

INTENDED_USE = [
    "Ranking young people already known to partner agencies by an estimated chance of future "
    "involvement in serious violence (as a suspect or a victim), so that a multi-agency panel "
    "can consider offers of support and safeguarding earlier.",
    "A prompt for professional judgement: every case on the list is reviewed by practitioners "
    "who can add what the records miss, and the panel records its own decision.",
    "Population-level planning: how many people a service could reach at a given capacity, "
    "and which risk factors are most common among them.",
]
MISUSE = [
    "Any automated decision about a person: enforcement, arrest, charging, sentencing, bail, "
    "immigration, housing, school admission or exclusion, or withholding a service.",
    "Labelling a child or young person as violent or dangerous, or sharing their score outside "
    "the panel; the score is an estimate from incomplete records, not a finding.",
    "Use on people outside the cohort the model was trained for, or after the data or the "
    "recording practices of a partner agency have changed, without re-validation.",
    "Comparing individuals' scores across different models, areas or dates.",
]
LIMITATIONS = [
    "The model learns from recorded events. Groups that are stopped, searched or referred "
    "more often have more records and may be ranked higher for the same behaviour; the bias "
    "audit shipped with every list measures this, it cannot remove it.",
    "Most people on any list will not go on to be involved in serious violence, and many "
    "people who will are not on it: read precision and recall at the panel's capacity below.",
    "Network features describe associations recorded by agencies; they are incomplete and "
    "can carry a person's risk to people near them who have done nothing.",
    "Performance is measured on earlier periods (temporal validation); it can drift as "
    "policing and recording practice change, so each new list should be re-audited.",
    "Explanations describe the model, not the person: a reason is what moved the estimate, "
    "not a cause of violence.",
]


def model_card_summary(
    *,
    model: Mapping,
    manifest: Iterable,
    data: Mapping,
    cohort: Mapping,
    outcome: Mapping,
    metrics: Sequence[Mapping] = (),
    fairness: Mapping | None = None,
    sensitive_attributes: Sequence[str] = (),
    as_of: str | None = None,
    k: int | None = None,
    cohort_words: str | None = None,
    outcome_words: str | None = None,
    governance: Mapping | None = None,
    demo: bool = False,
    ci_level: float = 0.95,
) -> dict:
    """Everything the model card shows, as plain data.

    Parameters
    ----------
    model : mapping
        ``name``, ``kind``, ``version``, ``uri``, ``calibration``, ``params``, ``config_hash``,
        ``trained_on`` (``as_of_dates``, ``n_rows``, ``n_positive``, ``data_fingerprint``).
    manifest : list of FeatureSpec
        The model's features.
    data : mapping
        ``source`` (only its last part is shown), ``extraction_date``, ``fingerprint``,
        ``n_people``, ``n_events``, ``n_links``.
    cohort, outcome : mapping
        The validated config sections (as dicts), plus ``size`` in ``cohort`` if known.
    metrics : list of mapping
        Rows with ``model``, ``metric``, ``value`` and optionally ``ci_low``, ``ci_high``,
        ``window`` (e.g. the temporal test date). The baseline's rows are shown beside the
        model's.
    fairness : mapping, optional
        ``n_flagged``, ``findings`` and ``windows`` of the bias audit of the current list.
    sensitive_attributes : list of str
        Protected characteristics audited (never model inputs).
    as_of : str, optional
        Date of the list this card ships with.
    k : int, optional
        The panel's capacity (the operating point of the metrics).
    cohort_words, outcome_words : str, optional
        The cohort and the outcome in plain words (shown before the config keys).
    governance : mapping, optional
        The config's ``governance`` section (controller, contact, lawful basis, DPIA
        reference, retention, review date); unset fields are marked for the organisation.
    demo : bool
        The list was keyed with the published demo key: the card carries the DEMO banner.
    ci_level : float
        Coverage of the metrics' intervals (the config's ``evaluation.ci_level``).

    Returns
    -------
    dict
    """
    specs = list(manifest)
    by_group: dict[str, int] = {}
    for spec in specs:
        by_group[spec.group] = by_group.get(spec.group, 0) + 1
    protected_inputs = [
        spec.name for spec in specs if any(word in spec.name.lower() for word in PROTECTED_WORDS)
    ]
    trained_on = dict(model.get("trained_on", {}))
    data = dict(data)
    if data.get("source"):  # the extract's name, never a server path (the card is shared)
        data["source"] = PurePath(str(data["source"])).name or str(data["source"])
    metric_rows = [_metric_row(row) for row in metrics]
    fairness = dict(fairness or {})
    card = {
        "title": f"Model card: {model.get('name', 'vrurisk model')}",
        "demo": demo,
        "as_of": as_of,
        "k": k,
        "ci_level": ci_level,
        "ci_label": level_label(ci_level),
        "model": dict(model),
        "trained_on": trained_on,
        "features": [
            {"name": s.name, "group": s.group, "description": s.description} for s in specs
        ],
        "feature_groups": by_group,
        "data": data,
        "cohort": dict(cohort),
        "outcome": dict(outcome),
        "cohort_words": cohort_words,
        "outcome_words": outcome_words,
        "metrics": metric_rows,
        "metric_table": _metric_table(metric_rows, model.get("name")),
        "fairness": fairness,
        "intended_use": INTENDED_USE,
        "misuse": MISUSE,
        "limitations": LIMITATIONS,
        "protected": {
            "audited": list(sensitive_attributes),
            "inputs": protected_inputs,
            "policy": _protected_policy(sensitive_attributes, protected_inputs),
        },
        "governance": dict(governance or {}),
        "data_protection": data_protection_rows(
            governance,
            cohort=cohort,
            sensitive_attributes=sensitive_attributes,
            feature_names=[spec.name for spec in specs],
            as_of=as_of,
        ),
    }
    card["atrs"] = _atrs(card)
    return card


#: Metrics shown on the card, in order (list metrics are matched by prefix).
CARD_METRICS = ("roc_auc", "average_precision", "precision_at_", "recall_at_", "brier", "ece")


def metric_rows(metrics, split: str | None = None) -> list[dict]:
    """Long rows (model, metric, value, ci_low, ci_high, window) from a training metrics frame.

    ``metrics`` has one row per model per test date with metric columns and optional
    ``<metric>_low`` / ``<metric>_high`` bounds (as ``TrainingResult.metrics``). Only the latest
    test date (or ``split``) is kept.
    """
    if metrics is None or len(metrics) == 0:
        return []
    if "split" in metrics.columns:
        split = split or sorted(metrics["split"].unique())[-1]
        metrics = metrics[metrics["split"] == split]
    names = [
        column
        for prefix in CARD_METRICS
        for column in metrics.columns
        if column.startswith(prefix) and not column.endswith(("_low", "_high"))
    ]
    rows = []
    for record in metrics.to_dict(orient="records"):
        window = str(record.get("test_date", split or ""))[:10]
        for name in names:
            rows.append(
                {
                    "model": record.get("model", ""),
                    "metric": name,
                    "value": record.get(name),
                    "ci_low": record.get(f"{name}_low"),
                    "ci_high": record.get(f"{name}_high"),
                    "window": f"test date {window}" if window else "",
                }
            )
    return rows


def render_model_card(summary: Mapping) -> str:
    """The model card as one self-contained HTML page."""
    return render_template(
        "model_card.html", s=summary, to_complete=TO_COMPLETE, demo=summary.get("demo", False)
    )


def _metric_row(row: Mapping) -> dict:
    out = {key: _finite(row.get(key)) for key in ("value", "ci_low", "ci_high")}
    out.update(model=row.get("model", ""), metric=row.get("metric", ""))
    out["window"] = row.get("window", "")
    return out


METRIC_NAMES = {
    "roc_auc": "ROC AUC",
    "average_precision": "average precision",
    "brier": "Brier score (lower is better)",
    "ece": "expected calibration error (lower is better)",
}


def _metric_label(name: str) -> str:
    for prefix, words in (("precision_at_", "precision at "), ("recall_at_", "recall at ")):
        if name.startswith(prefix):
            size = name.removeprefix(prefix).replace("pct", "%").replace("_", ".")
            return words + ("top " + size if size.endswith("%") else f"k = {size}")
    return METRIC_NAMES.get(name, name.replace("_", " "))


def _metric_table(rows: list[dict], champion: str | None) -> dict:
    """Metrics as rows and models as columns (the baseline last), for the card's table."""
    models = list(dict.fromkeys(row["model"] for row in rows))
    models.sort(key=lambda name: (name == "baseline", name != champion))
    metrics = list(dict.fromkeys(row["metric"] for row in rows))
    cells = {(row["model"], row["metric"]): row for row in rows}
    window = next((row["window"] for row in rows if row["window"]), "")
    return {
        "models": models,
        "champion": champion,
        "window": window,
        "rows": [
            {"metric": _metric_label(name), "cells": [cells.get((m, name)) for m in models]}
            for name in metrics
        ],
    }


def _finite(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if value == value and abs(value) != float("inf") else None


def _protected_policy(audited: Sequence[str], inputs: Sequence[str]) -> str:
    policy = (
        "Protected characteristics are not model inputs. "
        if not inputs
        else (
            "WARNING: these features look like protected characteristics or close proxies and "
            f"should be reviewed: {', '.join(inputs)}. "
        )
    )
    if audited:
        policy += (
            f"{_and(audited).capitalize()} {'is' if len(audited) == 1 else 'are'} used only to "
            "audit every list for disparities between "
            "groups (selection rates, error rates and calibration, with confidence intervals)."
        )
    else:
        policy += "No protected characteristic was given for the bias audit."
    return policy


def _and(values: Sequence[str]) -> str:
    """``["sex", "ethnicity", "age"]`` -> ``"sex, ethnicity and age"``."""
    values = [str(value) for value in values]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]


def _join(values) -> str:
    return ", ".join(str(value) for value in values) if values else "not recorded"


def _atrs(card: Mapping) -> list[dict]:
    """ATRS sections with the fields the tool can fill; the rest marked for the organisation."""
    model, data, outcome = card["model"], card["data"], card["outcome"]
    trained = card["trained_on"]
    metric_text = _performance_text(
        card["metrics"], model.get("name"), model.get("kind"), card["ci_label"]
    )
    fairness = card["fairness"]
    governance = card["governance"]
    return [
        {
            "section": "Tier 1: overview",
            "fields": [
                ("Name", model.get("name", "vrurisk model")),
                (
                    "Description",
                    "A statistical model that ranks young people known to partner agencies by "
                    "their estimated chance of involvement in serious violence, with reasons for "
                    "each person, to help a multi-agency panel decide whom to offer support.",
                ),
                ("How to find out more / contact", governance.get("contact") or TO_COMPLETE),
            ],
        },
        {
            "section": "Tier 2: owner and responsibility",
            "fields": [
                ("Organisation and team", governance.get("controller") or TO_COMPLETE),
                ("Senior responsible owner", TO_COMPLETE),
                (
                    "Supplier",
                    "Built in-house with vrurisk (open-source, MIT licence); no external "
                    "supplier has access to the data.",
                ),
            ],
        },
        {
            "section": "Tier 2: description and rationale",
            "fields": [
                ("Scope", " ".join(card["intended_use"][:2])),
                ("Out of scope (misuse)", " ".join(card["misuse"][:2])),
                (
                    "Alternatives considered",
                    "A risk-factor-count checklist (the baseline shown in the performance "
                    "section) and unaided professional referral.",
                ),
            ],
        },
        {
            "section": "Tier 2: decision-making process",
            "fields": [
                (
                    "Process integration",
                    "The list is produced before each panel meeting from the latest data; "
                    "the panel reviews every listed case.",
                ),
                (
                    "Information given to decision makers",
                    "The ranked list with scores, percentiles, the top three reasons and a "
                    "contribution chart per person, this model card and the bias audit.",
                ),
                (
                    "Human decisions and review",
                    "No action follows from the score alone. Practitioners review each case, "
                    "may remove or add people, and record the panel's own decision and reasons.",
                ),
                (
                    "Frequency and scale",
                    f"Scored cohort at {card['as_of'] or 'each as-of date'}; "
                    f"panel capacity {card['k'] if card['k'] else 'as configured'}.",
                ),
                ("Appeals and review", TO_COMPLETE),
            ],
        },
        {
            "section": "Tier 2: tool specification",
            "fields": [
                (
                    "Model",
                    f"{model.get('kind', '')} ({model.get('name', '')}), calibration "
                    f"{model.get('calibration', 'n/a')}, config hash "
                    f"{str(model.get('config_hash', ''))[:12]}",
                ),
                (
                    "Features",
                    f"{len(card['features'])} features: "
                    + ", ".join(f"{n} {g}" for g, n in card["feature_groups"].items()),
                ),
                (
                    "Training data",
                    f"as-of dates {_join(trained.get('as_of_dates'))}; "
                    f"{format_count(trained.get('n_rows'))} rows, "
                    f"{format_count(trained.get('n_positive'))} with the outcome",
                ),
                (
                    "Data used to score",
                    f"{data.get('source', 'n/a')} extracted {data.get('extraction_date', 'n/a')}"
                    f" (fingerprint {str(data.get('fingerprint', ''))[:12]})",
                ),
                ("Outcome", card["outcome_words"] or _outcome_text(outcome)),
                ("Performance", metric_text or "not available"),
                ("Protected characteristics", card["protected"]["policy"]),
            ],
        },
        {
            "section": "Tier 2: risks, mitigations and impact assessments",
            "fields": [
                ("Risks", " ".join(card["limitations"][:3])),
                (
                    "Mitigations",
                    "Human review of every case; a bias audit with confidence intervals shipped "
                    "with every list"
                    + (
                        f" ({_flagged(fairness.get('n_flagged', 0))} on this list)"
                        if fairness
                        else ""
                    )
                    + "; pseudonymised keys; audit log of every scoring run.",
                ),
                (
                    "Data protection and equality impact assessments",
                    f"{governance['dpia_reference']} (DPIA); equality impact assessment: "
                    "to be completed by the deploying organisation."
                    if governance.get("dpia_reference")
                    else TO_COMPLETE,
                ),
            ],
        },
    ]


def _outcome_text(outcome: Mapping) -> str:
    if not outcome:
        return "not recorded"
    parts = [
        f"{key}: {_join(value) if isinstance(value, list | tuple) else value}"
        for key, value in outcome.items()
    ]
    return "; ".join(parts)


def _performance_text(
    rows: list[dict], champion: str | None, kind: str | None, level: str = "95%"
) -> str:
    """This model's metrics in words (never another candidate's), then the baseline's AUC.

    Rows are matched on the model's name, else on its kind."""
    own = [row for row in rows if row["model"] == champion]
    own = own or [row for row in rows if kind and row["model"] == kind]
    parts = [
        f"{_metric_label(row['metric'])} {_fmt(row['value'])}"
        + (
            f" ({level} interval {_fmt(row['ci_low'])} to {_fmt(row['ci_high'])})"
            if row.get("ci_low") is not None
            else ""
        )
        for row in own
    ]
    baseline = [row for row in rows if row["model"] == "baseline" and row["metric"] == "roc_auc"]
    if parts and baseline and champion != "baseline":
        parts.append(f"risk-factor-count baseline ROC AUC {_fmt(baseline[0]['value'])}")
    window = next((row["window"] for row in own if row.get("window")), "")
    return "; ".join(parts) + (f" ({window})" if parts and window else "")


def _fmt(value) -> str:
    try:
        return f"{float(value):.3f}"
    except (TypeError, ValueError):
        return "n/a"


def _flagged(n: int) -> str:
    return f"{plural(n, 'disparity', 'disparities')} flagged" if n else "no disparity flagged"
