"""Train every model of a config's grid with temporal cross-validation and pick a champion.

This is the training *job*: it loads the data, builds the feature matrix on the config's
engine, fits and scores every model (:mod:`vrurisk.models`), measures them
(:mod:`vrurisk.evaluation`), logs and registers the champion (:mod:`vrurisk.tracking`) and
records the run in the audit log. The pieces it orchestrates (the result, the baseline's
factors, the champion's choice) live in :mod:`vrurisk.models`.

The stacked feature matrix is built once, for every as-of date any split needs, and reused by
every model and split. Each model is fitted (and calibrated) on a split's training dates and
scored on its test date; all metrics of that test date come from the same predictions.

The champion is chosen on the earlier test dates (best mean selection metric) and reported on
the latest test date, which played no part in choosing it: a figure measured on the date a model
was picked on is optimistic (the winner's curse). With a single test date there is nothing else
to choose on, and the result says plainly that the reported figure is the selection figure.

The champion is refitted on all labelled dates. Its cross-validation models (one per test date,
each trained only on dates whose outcome windows closed before that test date) are kept with it
as ``champion.held_out``: the bias audit of a closed list scores it with one of them, never with
the champion that saw those outcomes (see :func:`vrurisk.models.held_out_model`).

MLflow is optional: ``train_experiment(..., tracking=False)`` touches no tracking store.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from vrurisk._errors import ModelError
from vrurisk._text import level_label
from vrurisk.evaluation import evaluate_predictions, k_label, top_k_overlap
from vrurisk.models import (
    RiskModel,
    TrainingResult,
    baseline_factors,
    check_training_outcomes,
    choose_champion,
    constant_feature_warnings,
    fit_risk_model,
    plan_splits,
    synthetic_input_example,
    with_baseline_factors,
)

if TYPE_CHECKING:
    from vrurisk.config import ExperimentConfig

__all__ = ["TABLE_WIDTH", "empty_cohort_message", "format_comparison", "train_experiment"]


def _rank_score(model: RiskModel, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated probability and the ranking score every ranking metric uses.

    The ranking score orders people as the panel list does: by calibrated probability, people
    on the same step of an isotonic calibrator by the model's raw score. People equal on both
    share one score and stay tied (ROC AUC, average precision and precision@k count them as
    ties, see :mod:`vrurisk.evaluation._metrics`), never ordered by row position.
    """
    raw = model.raw_score(X)
    proba = model.calibrator_.transform(raw)
    order = np.lexsort((raw, proba))
    step = np.r_[0, (np.diff(proba[order]) != 0) | (np.diff(raw[order]) != 0)]
    score = np.empty(len(raw))
    score[order] = np.cumsum(step)
    return proba, score


def train_experiment(
    config: ExperimentConfig,
    dataset=None,
    *,
    tracking: bool = True,
    progress: Callable[[str], None] | None = None,
    audit_log_path=None,
) -> TrainingResult:
    """Train and compare every model of ``config`` with temporal cross-validation.

    Builds the feature matrix once for every as-of date the splits need, fits and calibrates
    each model of the grid on each split's training dates, scores its test date, chooses the
    champion on every test date but the latest, and refits the champion on the refit split.
    A horizon too long for the data fails in one line before any features are built.

    Parameters
    ----------
    config : ExperimentConfig
        From :func:`vrurisk.config.load_config` or :func:`vrurisk.config.validate_config`.
    dataset : Dataset, optional
        Defaults to loading ``config.data.path``.
    tracking : bool, default True
        Log runs, artefacts and the registered champion to MLflow (``config.tracking``).
    progress : callable, optional
        Called with a short message at each long step (the CLI prints them on stderr).
    audit_log_path : path, optional
        Where a tracked run is recorded (default: :func:`vrurisk.audit_log.audit_log_path`,
        i.e. ``$VRURISK_AUDIT_LOG`` or ``./vrurisk-audit.jsonl``). Untracked runs are not.

    Returns
    -------
    TrainingResult
        Per-split metrics, the test lists, every fitted model and the champion.

    Raises
    ------
    ConfigError
        When the config asks for what the data cannot give (e.g. too long a horizon).
    ModelError
        When a training split has too few outcomes of either class.

    Examples
    --------
    >>> from vrurisk.config import load_config
    >>> from vrurisk.training import train_experiment
    >>> config = load_config("configs/demo.yaml")  # doctest: +SKIP
    >>> result = train_experiment(config, tracking=False)  # doctest: +SKIP
    >>> result.champion.name  # doctest: +SKIP
    'lightgbm'
    """
    # BLAS/OpenMP pools sized to models.n_jobs: oversubscribed threads on a shared machine made
    # a logistic regression fit several times slower than with one thread.
    from vrurisk.engine import feature_engine

    # the engine first: an unreachable Dask scheduler stops the run before the data is read
    with (
        feature_engine(config, progress=progress) as build_features,
        threadpool_limits(limits=config.models.n_jobs),
    ):
        result = _train_experiment(
            config, dataset, tracking=tracking, progress=progress, build=build_features
        )
    if tracking:
        _record_training(result, dataset, audit_log_path)
    return result


def _record_training(result: TrainingResult, dataset, path) -> None:
    """One audit-log entry per tracked training run (quick untracked work is not logged)."""
    from vrurisk import audit_log

    audit_log.record(
        "train",
        config=result.config,
        path=path,
        details={
            "data_fingerprint": result.data_fingerprint,
            "model_uri": result.tracking.get("model_uri"),
            "model_version": result.tracking.get("model_version"),
            "replaced_version": result.tracking.get("replaced_version"),
            "replaced_during_training": result.tracking.get("replaced_during_training"),
            "champion": result.champion.name,
            "n_training_rows": result.champion.trained_on["n_rows"],
            "output": f"{result.tracking.get('tracking_uri')} run {result.tracking.get('run_id')}",
            "data_source": getattr(dataset, "source", None) or result.config.data.source,
        },
    )


def _train_experiment(
    config: ExperimentConfig, dataset, *, tracking: bool, progress, build
) -> TrainingResult:
    """The body of :func:`train_experiment` (inside its engine and thread limits, before audit
    logging); ``build`` is the feature-matrix builder of ``config.execution``."""
    say = progress or (lambda message: None)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    if dataset is None:
        say(f"loading data from {config.data.source}")
        dataset = config.load_data()
    from vrurisk.data import check_coverage
    from vrurisk.evaluation import check_sensitive_columns

    check_sensitive_columns(config.fairness.sensitive_attributes, dataset.people.columns)
    data_warnings = check_coverage(dataset, config)
    for warning in data_warnings:
        say(f"warning: {warning}")
    extraction = dataset.extraction_date
    splits, refit = plan_splits(config, extraction)
    dates = sorted(
        {d for s in splits for d in (*s.train_dates, s.test_date)} | set(refit.train_dates)
    )
    timings["load"] = time.perf_counter() - start

    say(f"building features for {len(dates)} as-of dates")
    t = time.perf_counter()
    from vrurisk.features import features_for

    fm = features_for(config, dataset, dates, build=build, progress=say)
    timings["features"] = time.perf_counter() - t
    say(f"feature matrix: {fm.X.shape[0]:,} rows x {fm.X.shape[1]} features")

    from vrurisk._feature_policy import feature_policy_for_config

    policy = feature_policy_for_config(config, list(fm.X.columns))
    factors = baseline_factors(config, list(fm.X.columns))
    specs = [with_baseline_factors(spec, factors) for spec in config.model_specs]
    fingerprint = dataset.fingerprint()
    as_of = fm.rows["as_of"].to_numpy()
    person = fm.rows["person_idx"].to_numpy()
    common = dict(
        calibration=config.calibration.method,
        manifest=fm.manifest,
        config_hash=config.config_hash,
        data_fingerprint=fingerprint,
    )
    evaluation = config.evaluation

    # every split's and the refit's training rows are checked before the first model is fitted
    for train_dates in [s.train_dates for s in splits] + [refit.train_dates]:
        rows = np.isin(as_of, np.array(train_dates, dtype="datetime64[ns]"))
        if not rows.any():
            raise ModelError(empty_cohort_message(config, dataset, train_dates))
        check_training_outcomes(fm.y[rows].to_numpy().astype(int), as_of[rows])
    rows = np.isin(as_of, np.array(refit.train_dates, dtype="datetime64[ns]"))
    for warning in constant_feature_warnings(fm.X[rows], as_of[rows]):
        say(f"warning: {warning}")
        data_warnings.append(warning)

    t = time.perf_counter()
    records, lists, fitted = [], {}, {}
    for split in splits:
        train = np.isin(as_of, np.array(split.train_dates, dtype="datetime64[ns]"))
        test = as_of == np.datetime64(split.test_date, "ns")
        y_train = fm.y[train].to_numpy().astype(int)
        y_test = fm.y[test].to_numpy().astype(int)
        for spec in specs:
            say(f"{split.name}: fitting {spec.name} on {int(train.sum()):,} rows")
            model = fit_risk_model(
                spec,
                fm.X[train],
                y_train,
                as_of=as_of[train],
                person=person[train],
                **common,
            )
            model.trained_on["test_date"] = str(split.test_date.date())
            fitted[(spec.name, split.name)] = model
            proba, score = _rank_score(model, fm.X[test])
            metrics = evaluate_predictions(
                y_test,
                proba,
                y_score=score,
                ks=evaluation.k,
                n_boot=evaluation.bootstrap,
                level=evaluation.ci_level,
                seed=config.seed,
            )
            lists[(spec.name, split.name)] = (fm.rows["person_idx"].to_numpy()[test], score)
            records.append(
                {
                    "model": spec.name,
                    "kind": spec.kind,
                    "split": split.name,
                    "test_date": split.test_date,
                    "n_train": int(train.sum()),
                    **metrics,
                }
            )
    timings["cross_validation"] = time.perf_counter() - t
    metrics = pd.DataFrame.from_records(records)
    _add_stability(metrics, lists, splits, evaluation.k)

    selection = evaluation.selection
    best, chosen_on = choose_champion(metrics, splits, selection)
    champion_spec = next(s for s in specs if s.name == best)
    held_out = tuple(fitted[(best, s.name)] for s in splits)
    del fitted  # the other models' fits are not kept

    say(f"refitting the champion {champion_spec.name} on {len(refit.train_dates)} as-of dates")
    t = time.perf_counter()
    rows = np.isin(as_of, np.array(refit.train_dates, dtype="datetime64[ns]"))
    champion = fit_risk_model(
        champion_spec,
        fm.X[rows],
        fm.y[rows].to_numpy().astype(int),
        as_of=as_of[rows],
        person=person[rows],
        **common,
    )
    champion.held_out = held_out
    for model in (champion, *held_out):
        model.trained_on["engine"] = config.execution.engine
    champion.selection = {
        "metric": selection,
        "chosen_on": [name.removeprefix("test_") for name in chosen_on],
        "reported_on": splits[-1].name.removeprefix("test_"),
        "reported_is_selection": splits[-1].name in chosen_on,
    }
    timings["refit"] = time.perf_counter() - t
    result = TrainingResult(
        config=config,
        metrics=metrics,
        champion=champion,
        selection_metric=selection,
        selection_splits=chosen_on,
        splits=splits,
        refit=refit,
        manifest=fm.manifest,
        data_fingerprint=fingerprint,
        extraction_date=extraction,
        feature_policy=policy.to_dict(),
        timings=timings,
        data_warnings=data_warnings,
    )
    if tracking:
        from vrurisk.tracking import log_training

        say(f"logging to MLflow at {config.tracking.shown_uri}")
        t = time.perf_counter()
        example = synthetic_input_example(fm.X)
        result.tracking = log_training(result, input_example=example)
        timings["tracking"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - start
    return result


EMPTY_COHORT = (
    "nobody is in the cohort at as-of dates {dates}: the cohort is people aged {min_age:g} to "
    "{max_age:g}{activity} at each date; birth dates run {births} and events {events}, so "
    "check cohort.min_age/max_age against the birth dates and temporal's as-of dates against "
    "the event dates"
)


def empty_cohort_message(config, dataset, dates) -> str:
    """Why no one is in the cohort: the age filter, the activity rule and the data's dates."""
    cohort = config.cohort
    activity = (
        f" with an event in the {cohort.lookback_days} days before"
        if cohort.lookback_days is not None
        else ""
    )

    def span(values) -> str:
        values = values.dropna()
        return f"{values.min().date()} to {values.max().date()}" if len(values) else "(none)"

    return EMPTY_COHORT.format(
        dates=", ".join(str(pd.Timestamp(d).date()) for d in dates) or "(none)",
        min_age=cohort.min_age,
        max_age=cohort.max_age,
        activity=activity,
        births=span(dataset.people["birth_date"]),
        events=span(dataset.events["event_date"]),
    )


def _add_stability(metrics: pd.DataFrame, lists: dict, splits: list, ks) -> None:
    """``stability_at_<k>``: top-k overlap with the same model's list at the previous test date."""
    for k in ks:
        column = f"stability_at_{k_label(k)}"
        metrics[column] = np.nan
        for i, row in metrics.iterrows():
            index = [s.name for s in splits].index(row["split"])
            if index == 0:
                continue
            previous = lists[(row["model"], splits[index - 1].name)]
            current = lists[(row["model"], row["split"])]
            metrics.loc[i, column] = top_k_overlap(*previous, *current, k)


#: The widest ``vrurisk train`` table, in characters (full detail: ``vrurisk train --json``).
TABLE_WIDTH = 100


def _bound(value: float) -> str:
    """``0.801`` -> ``.801``: interval bounds without the leading zero, to keep cells narrow."""
    text = f"{value:.3f}"
    return text.replace("0.", ".", 1) if text.lstrip("-").startswith("0.") else text


def _interval(row: pd.Series, name: str) -> str:
    value = row.get(name)
    if value is None or pd.isna(value):
        return "-"
    low, high = row.get(f"{name}_low"), row.get(f"{name}_high")
    if low is None or pd.isna(low):
        return f"{value:.3f}"
    return f"{value:.3f} [{_bound(low)},{_bound(high)}]"


def _point(row: pd.Series, name: str, digits: int = 3) -> str:
    value = row.get(name)
    return "-" if value is None or pd.isna(value) else f"{value:.{digits}f}"


def format_comparison(result: TrainingResult, width: int = TABLE_WIDTH) -> str:
    """The comparison table printed by ``vrurisk train``: models x metrics, latest test date.

    Compact, to fit ``width`` characters: ROC AUC and precision at the first k with their
    intervals, precision at the other k, Brier, ECE and rank stability as points. Columns that
    would not fit are named under the table; every metric with its interval (recall@k and
    average precision too) is in ``vrurisk train --json`` and MLflow.
    """
    import textwrap

    table = result.comparison()
    # (shown as configured, e.g. 1%; the metric columns are named by label, e.g. 1pct)
    ks = {str(k): k_label(k) for k in result.config.evaluation.k}
    first_k, first_label = next(iter(ks.items()))
    level = level_label(result.config.evaluation.ci_level)
    champion = result.champion.name
    core = {
        "model": lambda r: r["model"] + (" *" if r["model"] == champion else ""),
        f"ROC AUC [{level} CI]": lambda r: _interval(r, "roc_auc"),
        f"prec@{first_k} [{level} CI]": lambda r: _interval(r, f"precision_at_{first_label}"),
    }
    optional = {
        f"prec@{k}": lambda r, label=label: _point(r, f"precision_at_{label}")
        for k, label in list(ks.items())[1:]
    }
    optional[f"stab@{first_k}"] = lambda r: _point(r, f"stability_at_{first_label}", 2)
    tail = {"Brier": lambda r: _point(r, "brier", 4), "ECE": lambda r: _point(r, "ece")}
    rows = [row for _, row in table.iterrows()]

    def render(columns: dict) -> list[str]:
        cells = [[fn(row) for fn in columns.values()] for row in rows]
        widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(columns)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(columns, widths, strict=True))]
        lines.append("  ".join("-" * w for w in widths))
        lines += [
            "  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)) for cell in cells
        ]
        return [line.rstrip() for line in lines]

    left_out: list[str] = []
    while True:
        lines = render({**core, **optional, **tail})
        if not optional or max(map(len, lines)) <= width:
            break
        left_out.insert(0, list(optional)[-1])
        optional.pop(list(optional)[-1])
    first = table.iloc[0]
    sizes = ", ".join(f"k={k} is {int(first[f'k_{label}']):,} people" for k, label in ks.items())
    header = (
        f"Test date {pd.Timestamp(first['test_date']).date()} ({int(first['n']):,} people, "
        f"base rate {first['base_rate']:.3f}); selection metric {result.selection_metric}"
    )
    footer = (
        f"* = champion. Precision at k: {sizes}."
        + (f" Not shown here: {', '.join(left_out)}." if left_out else "")
        + " Every metric with its interval (recall@k, average precision too): --json."
    )
    notes = [textwrap.wrap(text, width) for text in (header, footer, result.selection_note())]
    return "\n".join([*notes[0], *lines, *notes[1], *notes[2]])
