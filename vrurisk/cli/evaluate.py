"""``vrurisk evaluate``: what works, for one programme."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import app, echo_err


@app.command(
    epilog=(
        "Examples:\n\n"
        "  vrurisk evaluate configs/demo.yaml --programme mentoring\n\n"
        "  vrurisk evaluate configs/demo.yaml --programme mentoring --json --no-tracking"
    )
)
def evaluate(
    config: Path = typer.Argument(..., help="Experiment config (YAML): data and outcome."),
    programme: str = typer.Option(..., "--programme", help="A programme in interventions."),
    out: Path = typer.Option(
        None, "--out", help="Report directory, replaced atomically (default evaluations/NAME)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object to stdout."),
    no_tracking: bool = typer.Option(False, "--no-tracking", help="Do not log to MLflow."),
) -> None:
    """What works: a programme's effect, by regression discontinuity at the list cut-off,
    doubly robust weighting and the naive comparison (labelled biased), with intervals.

    Writes evaluation.html (for the board) and evaluation.json; logs them to MLflow and the
    audit log.
    """
    from vrurisk.config import load_config

    experiment = load_config(config)
    from vrurisk.reports import EVALUATION_HTML
    from vrurisk.whatworks import run_evaluation

    summary = run_evaluation(
        experiment,
        programme,
        out=out,
        track=not no_tracking,
        progress=lambda m: echo_err(f"evaluate: {m}"),
    )
    if as_json:
        import json

        typer.echo(json.dumps(summary, sort_keys=True))
        return
    for e in summary["estimates"]:
        typer.echo(
            f"{e['label']}: {100 * e['estimate']:+.1f} points "
            f"(95% interval {100 * e['ci_low']:+.1f} to {100 * e['ci_high']:+.1f}; "
            f"n = {e['n']:,})"
        )
    typer.echo(f"Report: {Path(summary['out']) / EVALUATION_HTML}")
