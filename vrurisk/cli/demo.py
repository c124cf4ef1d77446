"""``vrurisk demo``: the whole pipeline end to end on a synthetic population."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import app, echo_err
from vrurisk.cli.synth import _synthesise


def _demo_data(state: dict) -> None:
    """Demo step: synthesise a population into <out>/data, load it back and summarise it."""
    from vrurisk.data import describe_dataset, load_dataset

    data_dir = state["out"] / "data"
    _synthesise(
        data_dir,
        people=state["people"],
        seed=state["seed"],
        years=6.0,
        contagion=1.0,
        recording_bias=1.0,
        fmt="parquet",
    )
    state["dataset"] = load_dataset(data_dir)
    typer.echo(f"Synthetic population in {data_dir} (validated):")
    typer.echo(describe_dataset(state["dataset"]))


def _reset(state: dict) -> None:
    """Demo step: remove what a previous demo run left in ``out`` (only the demo's own files)."""
    from vrurisk.scoring import demo_reset

    demo_reset(state)


def _train(state: dict) -> None:
    """Demo step: write ``<out>/demo.yaml`` and train it (MLflow store ``<out>/mlflow.db``)."""
    from vrurisk.config import load_config
    from vrurisk.scoring import DEMO_AUDIT_LOG, write_demo_config
    from vrurisk.training import format_comparison, train_experiment

    state["config_path"] = write_demo_config(state["out"])
    config = load_config(state["config_path"])
    result = train_experiment(
        config,
        state["dataset"],
        tracking=True,
        progress=lambda m: echo_err(f"  train: {m}"),
        audit_log_path=Path(state["out"]) / DEMO_AUDIT_LOG,
    )
    state["config"], state["training"] = config, result
    typer.echo(format_comparison(result))
    typer.echo(f"Registered model: {result.tracking['model_uri']} ({config.tracking.shown_uri})")


def _last_month(state: dict) -> None:
    """Demo step: last month's list, and a synthetic panel's decisions on it, recorded through
    the same checks as any panel's (``vrurisk decisions record``)."""
    import pandas as pd

    from vrurisk.decisions import record_decisions, synthetic_decisions
    from vrurisk.privacy import allow_demo_key
    from vrurisk.scoring import (
        DEMO_AUDIT_LOG,
        DEMO_DECISIONS_SHEET,
        DEMO_PREVIOUS_BUNDLE,
        default_as_of,
        run_scoring,
    )

    out = Path(state["out"])
    as_of = default_as_of(state["dataset"]) - pd.DateOffset(months=1)
    with allow_demo_key():
        summary = run_scoring(
            state["config"],
            dataset=state["dataset"],
            as_of=as_of,
            out=out / DEMO_PREVIOUS_BUNDLE,
            explain_top=1,  # the panel's list only: last month's list is for its decisions
            audit_log_path=out / DEMO_AUDIT_LOG,
            progress=lambda m: echo_err(f"  score: {m}"),
        )
    sheet = synthetic_decisions(summary["out"], out / DEMO_DECISIONS_SHEET, seed=state["seed"])
    recorded = record_decisions(summary["out"], sheet, audit_log_path=out / DEMO_AUDIT_LOG)
    counts = ", ".join(f"{code} {n}" for code, n in recorded["counts"].items())
    typer.echo(
        f"Last month's list ({summary['as_of']}, {summary['out']}): the synthetic panel's "
        f"decisions recorded as version {recorded['version']}: {counts}, "
        f"{recorded['n_undecided']} undecided ({recorded['mlflow']})."
    )


def _score(state: dict) -> None:
    """Demo step: score the latest cohort with the registered champion, explain and audit it."""
    from vrurisk._text import plural
    from vrurisk.privacy import allow_demo_key
    from vrurisk.scoring import DEMO_AUDIT_LOG, DEMO_BUNDLE, READER_REPORTS, run_scoring

    out = Path(state["out"])
    with allow_demo_key():
        summary = run_scoring(
            state["config"],
            dataset=state["dataset"],
            out=out / DEMO_BUNDLE,
            audit_log_path=out / DEMO_AUDIT_LOG,
            progress=lambda m: echo_err(f"  score: {m}"),
        )
    state["scoring"] = summary
    bundle = Path(summary["out"])
    flagged = plural(summary["n_flagged"], "disparity", "disparities")
    typer.echo(
        f"Scored {summary['n_scored']:,} people at {summary['as_of']}; explained the top "
        f"{summary['n_explained']}; bias audit: {flagged} flagged "
        f"(error rates from {summary['outcome_as_of']}). Keys: {summary['pseudonym_key']}."
    )
    if summary["changes"]:
        typer.echo(
            f"Since last month's list ({summary['previous_list']['as_of']}): "
            f"{summary['changes']}; the panel pack shows last month's decisions."
        )
    typer.echo("Reports:")
    for name in READER_REPORTS:
        typer.echo(f"  {(bundle / name).resolve()}")
    typer.echo(
        f"Re-score later with: VRURISK_PSEUDONYM_KEY=... vrurisk score {state['config_path']}"
    )


def _monitor(state: dict) -> None:
    """Demo step: the monitor report over the two lists (drift, churn, the panel's decisions;
    neither list's outcome window has closed yet, and the report says so)."""
    from vrurisk.monitor import MONITOR_HTML, run_monitor
    from vrurisk.privacy import allow_demo_key
    from vrurisk.scoring import (
        DEMO_AUDIT_LOG,
        DEMO_BUNDLE,
        DEMO_MONITORING,
        DEMO_PREVIOUS_BUNDLE,
    )

    out = Path(state["out"])
    with allow_demo_key():
        summary = run_monitor(
            state["config"],
            bundles=[out / DEMO_PREVIOUS_BUNDLE, out / DEMO_BUNDLE],
            out=out / DEMO_MONITORING,
            dataset=state["dataset"],
            audit_log_path=out / DEMO_AUDIT_LOG,
            progress=lambda m: echo_err(f"  monitor: {m}"),
        )
    for finding in summary["findings"][:3]:
        typer.echo(f"- {finding['level']}: {finding['text']}")
    typer.echo(f"Monitor report: {(Path(summary['out']) / MONITOR_HTML).resolve()}")


#: The demo's steps in order: (title, function of a shared state dict). Append new steps here.
DEMO_STEPS = [
    ("clear the previous demo's own outputs", _reset),
    ("synthesise and validate the data", _demo_data),
    ("train and compare models (temporal cross-validation, MLflow)", _train),
    ("score last month's list and record a synthetic panel's decisions on it", _last_month),
    ("score this month's list: explain, audit, what changed and last month's decisions", _score),
    ("monitor the two lists (drift, churn, the panel's decisions)", _monitor),
]


@app.command(
    epilog=("Examples:\n\n  vrurisk demo\n\n  vrurisk demo --out /tmp/vrurisk-demo --people 5000")
)
def demo(
    out: Path = typer.Option(Path("demo-output"), "--out", help="Directory for all outputs."),
    people: int = typer.Option(20_000, "--people", help="Number of synthetic people."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the synthetic population."),
) -> None:
    """Run the whole pipeline end to end on a synthetic population.

    Steps: synthesise a population into <out>/data and validate it; train and compare models
    with temporal cross-validation (MLflow store <out>/mlflow.db); score last month's list
    (<out>/bundle-last-month) and record a synthetic panel's decisions on it; score this
    month's list with the registered champion, explain it and audit it for bias (<out>/bundle:
    panel.html with what changed and last month's decisions, bias_audit.html,
    model_card.html); write the monitor report over both lists (<out>/monitoring/monitor.html).
    Re-running replaces <out> cleanly.
    """
    state = {"out": out, "people": people, "seed": seed}
    for number, (title, step) in enumerate(DEMO_STEPS, start=1):
        echo_err(f"[{number}/{len(DEMO_STEPS)}] {title}")
        step(state)
