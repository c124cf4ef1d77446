"""Write a scored cohort as one bundle directory, atomically: all the files or none of them.

Files: ``scores.parquet`` and ``scores.csv`` (key, probability, rank, percentile and the three
main family reasons), ``reasons.csv`` (the feature-level reasons behind them),
``explanations.parquet``,
``global_importance.parquet``, ``fairness.json`` and ``bias_audit.html``, ``panel.html``,
``model_card.html``, ``audit_table.csv`` (the audited closed list: score, outcome and sensitive
attributes per person, no key, for ``vrurisk audit``), ``decisions_template.csv`` (the panel's
empty decisions sheet, see :mod:`vrurisk.scoring._decisions`) and ``manifest.json`` (what
produced the bundle, with a SHA-256 of each file, and the decision codes in force).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from vrurisk._errors import ModelError
from vrurisk._serialise import file_sha256, json_safe
from vrurisk._text import duration_words, plural
from vrurisk.data import OutputKind, write_directory_atomically
from vrurisk.reports import BIAS_AUDIT_HTML
from vrurisk.scoring._decisions import DECISIONS_TEMPLATE, decisions_template

if TYPE_CHECKING:
    from vrurisk.config import ExperimentConfig

SCORES = "scores"
EXPLANATIONS = "explanations.parquet"
IMPORTANCE = "global_importance.parquet"
GROUPS = "groups.parquet"
PANEL = "panel.html"
MODEL_CARD = "model_card.html"
MANIFEST = "manifest.json"
AUDIT_TABLE = "audit_table.csv"
#: Aggregates for ``vrurisk monitor`` (feature distributions, cross-validation figures): no
#: one's record, so they may be kept when the bundle's personal data is deleted.
MONITORING_JSON = "monitoring.json"
#: The feature-level reasons behind the family reasons of ``scores.csv``.
REASONS = "reasons.csv"
#: A previous bundle is recognised by its manifest, which lists every other file in it.
SCORE_BUNDLE = OutputKind("a score bundle", MANIFEST)
#: The bundle's reports for people (what ``vrurisk score`` and ``vrurisk demo`` point to).
READER_REPORTS = (PANEL, BIAS_AUDIT_HTML, MODEL_CARD)
NO_AUDIT = "refusing to write scores without a bias audit ({reason})"


def write_score_bundle(
    scored,
    out: str | os.PathLike,
    *,
    config=None,
    metrics: Sequence[dict] = (),
    extra_manifest: dict | None = None,
    before_commit=None,
    force: bool = False,
    protected: Sequence = (),
    changes: dict | None = None,
) -> Path:
    """Write ``scored`` (a :class:`~vrurisk.scoring.ScoredCohort`) to ``out`` atomically.

    ``before_commit(manifest)``, if given, runs once every file is written and before the
    bundle is moved into place (e.g. to append the audit-log entry): if it raises, nothing is
    written. ``changes`` (from :func:`~vrurisk.scoring._history.list_changes`) puts what
    changed since the previous list into the panel pack and the manifest. An existing ``out``
    that is not a previous bundle is refused unless ``force``; ``protected`` paths
    (the input data) are never replaced (see :func:`~vrurisk.data.check_output_directory`).

    Raises
    ------
    ModelError
        If the cohort has no bias audit: a list is never written without one.
    """
    from vrurisk.reports import (
        model_card_summary,
        panel_summary,
        render_model_card,
        render_panel,
        write_bias_audit,
    )

    if scored.audit is None:
        raise ModelError(NO_AUDIT.format(reason=scored.audit_note))
    as_of = str(scored.as_of.date())
    fairness = _fairness_digest(scored)
    demo = _demo_keys(scored.scores)
    panel = render_panel(
        panel_summary(
            scored.scores,
            scored.reasons,
            scored.explanations.contributions,
            global_importance=scored.explanations.global_importance,
            manifest=scored.manifest,
            as_of=as_of,
            cohort_size=len(scored.scores),
            k=scored.k,
            model=scored.model_info,
            outcome=_outcome_words(config),
            units=scored.explanations.units,
            method=scored.explanations.method,
            fairness=fairness,
            demo=demo,
            groups=scored.groups,
            networks=scored.networks,
            reason_scale=scored.reason_scale,
            reference=scored.audit_table,
            changes=changes,
            outcome_as_of=None
            if scored.outcome_as_of is None
            else str(scored.outcome_as_of.date()),
            out_of_range=scored.out_of_range,
            early=scored.early,
            records=scored.records,
            decision_codes=decision_codes(config),
        )
    )
    card = render_model_card(
        model_card_summary(
            model=scored.model_info,
            manifest=scored.manifest,
            data=scored.data_info,
            cohort=_section(config, "cohort") | {"size at as-of": len(scored.scores)},
            outcome=_section(config, "outcome"),
            cohort_words=_cohort_words(config, len(scored.scores)),
            outcome_words=_outcome_words(config),
            metrics=metrics,
            fairness=fairness,
            sensitive_attributes=[a for a in scored.audit.attributes if " & " not in a],
            as_of=as_of,
            k=scored.k,
            governance=_section(config, "governance"),
            demo=demo,
            ci_level=config.evaluation.ci_level,
        )
    )

    def write(tmp: Path) -> None:
        scored.scores.to_parquet(tmp / f"{SCORES}.parquet", index=False)
        scored.scores.to_csv(tmp / f"{SCORES}.csv", index=False)
        scored.explanations.to_frame().reset_index().to_parquet(tmp / EXPLANATIONS, index=False)
        scored.explanations.importance_frame().to_parquet(tmp / IMPORTANCE, index=False)
        if scored.groups is not None:
            scored.groups.to_parquet(tmp / GROUPS, index=False)
        write_bias_audit(
            scored.audit,
            tmp,
            title=f"Bias audit of the list at {as_of}",
            outcome=_outcome_words(config),
            score="the model's estimated probability of the outcome",
            demo=demo,
        )
        (tmp / PANEL).write_text(panel, encoding="utf-8")
        (tmp / MODEL_CARD).write_text(card, encoding="utf-8")
        if scored.audit_table is not None:
            scored.audit_table.to_csv(tmp / AUDIT_TABLE, index=False)
        (tmp / MONITORING_JSON).write_text(
            json.dumps(json_safe(_monitoring(scored, metrics)), indent=1) + "\n",
            encoding="utf-8",
        )
        decisions_template(scored.scores, scored.k).to_csv(tmp / DECISIONS_TEMPLATE, index=False)
        scored.reasons_detail.to_csv(tmp / REASONS, index=False)
        extra = {"decisions": decision_codes(config), **dict(extra_manifest or {})}
        if changes is not None:
            extra["previous_list"] = {
                "path": changes.get("previous_path"),
                "as_of": changes["previous_as_of"],
                "changes": changes["summary"],
            }
        manifest = bundle_manifest(scored, tmp, config=config, extra=extra)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if before_commit is not None:
            before_commit(manifest)

    return write_directory_atomically(
        out, write, output=SCORE_BUNDLE, force=force, protected=protected
    )


def bundle_manifest(scored, directory: Path, *, config=None, extra: dict | None = None) -> dict:
    """What produced the bundle and a SHA-256 of every file in it."""
    from vrurisk import __version__

    files = {
        path.name: file_sha256(path)
        for path in sorted(directory.iterdir())
        if path.name != MANIFEST
    }
    manifest = {
        "vrurisk_version": __version__,
        "as_of": str(scored.as_of.date()),
        "outcome_as_of": None if scored.outcome_as_of is None else str(scored.outcome_as_of.date()),
        "audit_windows": scored.audit_note,
        "audit_model": scored.audit_model,
        "panel_k": scored.k,
        "n_scored": len(scored.scores),
        "n_explained": scored.n_explained,
        "explanation_units": scored.explanations.units,
        "explanation_method": scored.explanations.method,
        "identifiers": "raw person_id included"
        if "person_id" in scored.scores.columns
        else "pseudonymised keys only",
        "model": scored.model_info,
        "data": scored.data_info,
        "config": None if config is None else {"name": config.name, "hash": config.config_hash},
        "n_flagged_disparities": len(scored.audit.flags),
        "timings_seconds": {k: round(v, 2) for k, v in scored.timings.items()},
        "files": files,
    }
    manifest.update(extra or {})
    return json_safe(manifest)


def _monitoring(scored, metrics: Sequence[dict]) -> dict:
    """What ``vrurisk monitor`` reads besides the scores: aggregates only, no one's record."""
    name = scored.model_info.get("name")
    return {
        "as_of": str(scored.as_of.date()),
        "panel_k": scored.k,
        "n_scored": len(scored.scores),
        "feature_distribution": scored.feature_shares,
        "cross_validation": [dict(row) for row in metrics if row.get("model") == name],
    }


def decision_codes(config: ExperimentConfig | None) -> dict:
    """The codes a panel may use on this bundle's list (``scoring`` section, or the defaults)."""
    from vrurisk.scoring._config import ScoringConfig

    scoring = ScoringConfig() if config is None else config.scoring
    return {
        "template": DECISIONS_TEMPLATE,
        "codes": list(scoring.decision_codes),
        "reason_codes": list(scoring.reason_codes),
        "reviewer_roles": list(scoring.reviewer_roles),
    }


def _demo_keys(scores) -> bool:
    """True when the list is keyed with the published demo key (every key starts ``DEMO-``)."""
    from vrurisk.privacy import DEMO_PREFIX

    keys = scores["key"].astype("string")
    return bool(len(keys)) and bool(keys.str.startswith(DEMO_PREFIX).all())


def _fairness_digest(scored) -> dict:
    return {
        "n_flagged": int(len(scored.audit.flags)),
        "findings": list(scored.audit.findings),
        "warnings": list(scored.audit.warnings),
        "note": scored.audit_note,
        "scored_by": _scored_by(scored.audit_model),
    }


def _scored_by(audit_model: dict) -> str:
    """The model card's sentence on which model produced the audit's error rates."""
    if not audit_model:
        return ""
    start = (
        "Error rates, precision and calibration in the bias audit come from the latest list "
        f"whose outcomes are known, scored by {audit_model['description']}"
    )
    if audit_model.get("role") == "champion":
        return start + "."
    return start + ": not by this model, which was trained on outcomes of that list's window."


def _section(config: ExperimentConfig, name: str) -> dict:
    """A config section for the model card, without unset (None or empty) keys."""
    if config is None:
        return {}
    values = getattr(config, name).model_dump(mode="json")
    return {key: value for key, value in values.items() if value not in (None, [], {})}


def _outcome_words(config: ExperimentConfig) -> str:
    """The outcome in words: "serious violence (as a suspect or victim) within 12 months"."""
    if config is None:
        return "the configured outcome"
    outcome = config.outcome
    types = " or ".join(t.replace("_", " ") for t in outcome.event_types)
    roles = "" if not outcome.roles else " (as a " + " or ".join(outcome.roles) + ")"
    return f"{types}{roles} within {duration_words(outcome.horizon_days)} of the list date"


def _cohort_words(config: ExperimentConfig, size: int) -> str:
    """Who was scored, in words, e.g. "aged 10 to 25, with a record in the last 2 years"."""
    text = f"{plural(size, 'person', 'people')} scored"
    if config is None:
        return text
    cohort = config.cohort
    text += f": aged {cohort.min_age:g} to {cohort.max_age:g}"
    if cohort.lookback_days is not None:
        kinds = " or ".join(t.replace("_", " ") for t in cohort.event_types or ())
        text += f", with a {kinds + ' ' if kinds else ''}record in the last "
        text += duration_words(cohort.lookback_days)
        if cohort.sources:
            text += f" from {' or '.join(cohort.sources)}"
    if cohort.exclude_event_types:
        kinds = " or ".join(t.replace("_", " ") for t in cohort.exclude_event_types)
        text += f", and no {kinds} in the last {duration_words(cohort.exclude_window_days)}"
    return text
