"""The data checked against what a config will do with it, before any training.

:func:`check_data` answers the questions an analyst should ask of a new extract: do its event
types map onto the vocabulary, are the outcome and the sensitive attributes there, how big is
the cohort and how common the outcome at each as-of date, where do the ties come from, and how
do the dates sit against the extraction date. Problems that would make training meaningless
(no outcome, an empty cohort, too few outcomes to learn from, a missing sensitive attribute)
are ``problems``; the rest are notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vrurisk._errors import VruriskError
from vrurisk.data import CANONICAL_EVENT_TYPES

#: Fewer outcomes than this at a training date leave a model nothing to learn from.
MIN_OUTCOMES = 10


@dataclass
class DataCheck:
    """The result of :func:`check_data`.

    Attributes
    ----------
    rows : list of (str, str, str)
        ``(check, status, detail)``; status is ``ok``, ``note`` or ``PROBLEM``.
    problems : list of str
        What would make training meaningless (the CLI exits 2 when there are any).
    warnings : list of str
        Configured types or roles the data lacks, and other things to read.
    per_date : pandas.DataFrame
        ``as_of``, ``cohort``, ``outcomes`` and ``base_rate`` (NaN where the window is open).
    """

    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    per_date: pd.DataFrame | None = None

    def add(self, check: str, status: str, detail: str) -> None:
        self.rows.append((check, status, detail))
        if status == "PROBLEM":
            self.problems.append(f"{check}: {detail}")

    def table(self) -> str:
        """The checks as a short fixed-width table."""
        width = max(len(r[0]) for r in self.rows)
        lines = [f"{'check'.ljust(width)}  status   detail", f"{'-' * width}  -------  ------"]
        lines += [f"{c.ljust(width)}  {s.ljust(7)}  {d}" for c, s, d in self.rows]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "checks": [{"check": c, "status": s, "detail": d} for c, s, d in self.rows],
            "problems": list(self.problems),
            "warnings": list(self.warnings),
            "per_date": []
            if self.per_date is None
            else self.per_date.assign(as_of=self.per_date["as_of"].astype(str))
            .replace({np.nan: None})
            .to_dict(orient="records"),
        }


def _counts(values: pd.Series, limit: int = 8) -> str:
    counts = values.astype(str).value_counts()
    shown = ", ".join(f"{k} {v:,}" for k, v in counts.head(limit).items())
    return shown + (f" and {len(counts) - limit} more" if len(counts) > limit else "")


def check_data(dataset, config, model=None) -> DataCheck:
    """Check ``dataset`` (loaded with ``config.vocabulary``) against ``config``.

    Parameters
    ----------
    dataset : Dataset
    config : ExperimentConfig
    model : RiskModel, optional
        The model ``vrurisk score`` would use: event types it was not trained on are refused
        here exactly as scoring refuses them. Without it, types are not checked against a model
        (said in the table).

    Returns
    -------
    DataCheck

    Raises
    ------
    ModelError
        An event type the model was not trained on: one line naming the events file, the
        column, the types and the first rows (as :func:`vrurisk.scoring.score_cohort` would).
    """
    from vrurisk.data import check_coverage

    out = DataCheck()
    events, people, links = dataset.events, dataset.people, dataset.links
    out.add("rows", "ok", f"people {len(people):,}, events {len(events):,}, links {len(links):,}")

    types = events["event_type"].astype(str)
    known = set(CANONICAL_EVENT_TYPES) | set(config.vocabulary.violence_types)
    own = sorted(set(types.unique()) - known)
    out.add("event types", "ok", _counts(types))
    if own:
        n = int(types.isin(own).sum())
        out.add(
            "unmapped types",
            "note",
            f"{len(own)} type(s), {n:,} events, not in vrurisk's vocabulary (kept as they are; "
            f"map them in vocabulary.event_types if they mean a canonical type): "
            + ", ".join(own[:10])
            + (" ..." if len(own) > 10 else ""),
        )
    try:
        out.warnings = check_coverage(dataset, config)
    except VruriskError as exc:
        out.add("outcome", "PROBLEM", str(exc))
    else:
        mask = types.isin(list(config.outcome.event_types))
        if config.outcome.roles is not None and "role" in events.columns:
            mask &= events["role"].isin(list(config.outcome.roles)).to_numpy()
        out.add("outcome", "ok", f"{int(mask.sum()):,} outcome events ({_counts(types[mask])})")
    for warning in out.warnings:
        out.add("configured types", "note", warning)

    missing = [a for a in config.fairness.sensitive_attributes if a not in people.columns]
    present = [a for a in config.fairness.sensitive_attributes if a in people.columns]
    if missing:
        out.add(
            "sensitive attributes",
            "PROBLEM",
            f"people has no column(s) {missing} named in fairness.sensitive_attributes: the bias "
            "audit cannot run",
        )
    if present:
        share = ", ".join(f"{a} {people[a].isna().mean():.0%} missing" for a in present)
        out.add("sensitive attributes", "ok", share)

    _model_types(out, dataset, config, model)
    _links(out, dataset)
    _dates(out, dataset)
    _per_date(out, dataset, config)
    return out


def _model_types(out: DataCheck, dataset, config, model) -> None:
    if model is None:
        out.add(
            "event types vs model",
            "note",
            "not checked against a model; pass the model vrurisk score will use (--model) to "
            "refuse types it was not trained on now rather than at scoring",
        )
        return
    from vrurisk.scoring import refuse_unseen_event_types

    base = Path(str(dataset.source))
    files = [base / f"events.{fmt}" for fmt in ("parquet", "csv")]
    where = next((str(f) for f in files if f.is_file()), "events")
    refuse_unseen_event_types(
        dataset,
        model,
        event_types=config.features.event_types,
        where=f"{where}, column 'event_type'",
    )
    out.add("event types vs model", "ok", "every event type has columns in the model")


def _links(out: DataCheck, dataset) -> None:
    links, events = dataset.links, dataset.events
    if not len(links):
        given = "no rows"
    elif "link_type" in links.columns:
        given = _counts(links["link_type"])
    else:
        given = "untyped"
    has_incident = "incident_id" in events.columns
    shared = 0
    if has_incident:
        sizes = events.dropna(subset=["incident_id"]).groupby("incident_id", observed=True)
        shared = int((sizes["person_idx"].nunique() >= 2).sum())
    detail = f"links table {len(links):,} ({given}); incidents shared by 2+ people {shared:,}"
    status = "ok" if len(links) or shared else "note"
    if status == "note":
        detail += ": no ties at all, every network feature is zero"
    out.add("link sources", status, detail)


def _dates(out: DataCheck, dataset) -> None:
    extraction = dataset.extraction_date
    ev = dataset.events["event_date"]
    last = ev.max()
    lag = (extraction - last).days
    detail = (
        f"events {ev.min().date()} to {last.date()}; extraction date {extraction.date()} "
        f"({lag} days after the last event)"
    )
    status = "note" if lag > 90 else "ok"
    if status == "note":
        detail += ": a long gap; is the extraction date right, or did recording stop?"
    out.add("date range", status, detail)


def _per_date(out: DataCheck, dataset, config) -> None:
    from vrurisk.features import build_labels, censored, select_cohort

    records = []
    for as_of in config.temporal.dates():
        if as_of > dataset.extraction_date:
            out.add(
                "as-of dates",
                "PROBLEM",
                f"{as_of.date()} is after the extraction date {dataset.extraction_date.date()}",
            )
            continue
        rows = select_cohort(dataset, as_of, config.cohort)
        day = int(np.datetime64(as_of.date(), "D").astype(np.int64))
        rows = rows[~censored(dataset, day, rows, config.outcome)]
        labels = build_labels(dataset, as_of, rows, config.outcome)
        closed = not labels.isna().any() if len(labels) else True
        positives = int(labels.sum()) if closed else None
        records.append(
            {
                "as_of": as_of.date(),
                "cohort": len(rows),
                "outcomes": positives,
                "base_rate": positives / len(rows) if closed and len(rows) else np.nan,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=["as_of", "cohort", "outcomes", "base_rate"])
    out.per_date = frame
    for r in records:
        text = f"cohort {r['cohort']:,}"
        if r["cohort"] == 0:
            pass
        elif r["outcomes"] is None:
            text += ", outcome window still open"
        else:
            text += f", outcomes {r['outcomes']:,} (base rate {r['base_rate']:.2%})"
        status = "ok"
        if r["cohort"] == 0:
            status = "PROBLEM"
            text += (
                f": nobody aged {config.cohort.min_age:g}-{config.cohort.max_age:g} with the "
                "cohort's activity rule; check cohort ages and the as-of dates against the data"
            )
        elif r["outcomes"] is not None and r["outcomes"] < MIN_OUTCOMES:
            status = "note"
            text += f": fewer than {MIN_OUTCOMES} outcomes at this date"
        out.add(f"as-of {r['as_of']}", status, text)
    closed = [r["outcomes"] for r in records if r["outcomes"] is not None]
    if records and sum(closed) < MIN_OUTCOMES:
        out.add(
            "outcomes to learn from",
            "PROBLEM",
            f"{sum(closed)} outcome(s) over the {len(closed)} as-of date(s) whose window has "
            f"closed; training needs at least {MIN_OUTCOMES}",
        )
