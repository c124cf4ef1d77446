"""``vrurisk monitor``: is the tool still working? Drift, calibration, disparities, decisions."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import CONFIG_EXTRACTION_DATE_HELP, app, echo_err, load_experiment


@app.command(
    epilog=(
        "Examples:\n\n"
        "  vrurisk monitor configs/demo.yaml\n\n"
        "  vrurisk monitor configs/demo.yaml --lists panel-lists --out board-2025-06\n\n"
        "  vrurisk monitor configs/demo.yaml scores/demo-2025-05-31 scores/demo-2025-06-30 --json"
    )
)
def monitor(
    config: Path = typer.Argument(..., help="Experiment config (YAML) whose lists to monitor."),
    bundles: list[Path] = typer.Argument(
        None, help="Score bundles to monitor (default: every bundle of the config in --lists)."
    ),
    lists: Path = typer.Option(
        None, "--lists", help="Directory holding the config's score bundles (default scores)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print monitor.json to stdout."),
    extraction_date: str = typer.Option(
        None, "--extraction-date", help=CONFIG_EXTRACTION_DATE_HELP
    ),
    out: Path = typer.Option(
        None, "--out", help="Report directory, replaced atomically (default monitoring/NAME)."
    ),
    force: bool = typer.Option(False, "--force", help="Replace --out even if it is not a report."),
    no_tracking: bool = typer.Option(False, "--no-tracking", help="Do not log to MLflow."),
) -> None:
    """Monitor a config's lists over time: cohort and base rate, feature drift against the
    training data, precision and calibration of lists whose outcomes are known (against
    cross-validation), selection and error rates by group, list churn and panel decisions.

    Writes monitor.html (for the governance board) and monitor.json; findings come first.
    """
    experiment = load_experiment(config, extraction_date)
    from vrurisk.monitor import MONITOR_HTML, run_monitor

    summary = run_monitor(
        experiment,
        bundles=bundles or (),
        directory=lists,
        out=out,
        progress=lambda m: echo_err(f"monitor: {m}"),
        force=force,
        track=not no_tracking,
    )
    if as_json:
        import json

        typer.echo(json.dumps(summary, sort_keys=True))
        return
    for finding in summary["findings"]:
        typer.echo(f"- {finding['level']}: {finding['text']}")
    typer.echo(f"Report: {Path(summary['out']) / MONITOR_HTML} ({summary['seconds']:.1f} s)")
