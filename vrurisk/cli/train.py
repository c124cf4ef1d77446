"""``vrurisk train``: train and compare the config's models."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import CONFIG_EXTRACTION_DATE_HELP, app, echo_err, load_experiment


@app.command(
    epilog=(
        "Examples:\n\n"
        "  vrurisk train configs/demo.yaml\n\n"
        "  vrurisk train configs/demo.yaml --json > results.json\n\n"
        "  vrurisk train configs/demo.yaml --no-tracking"
    )
)
def train(
    config: Path = typer.Argument(..., help="Experiment config (YAML)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object to stdout."),
    no_tracking: bool = typer.Option(
        False, "--no-tracking", help="Do not log to MLflow or register the champion."
    ),
    extraction_date: str = typer.Option(
        None, "--extraction-date", help=CONFIG_EXTRACTION_DATE_HELP
    ),
) -> None:
    """Train and compare the config's models with temporal cross-validation.

    Prints models x metrics with intervals (baseline included) and the registered model URI.

    Progress goes to stderr.
    """
    # config errors answer before training code is imported
    experiment = load_experiment(config, extraction_date)
    from vrurisk.training import format_comparison, train_experiment

    result = train_experiment(
        experiment, tracking=not no_tracking, progress=lambda m: echo_err(f"train: {m}")
    )
    if as_json:
        import json

        typer.echo(json.dumps(result.to_dict(), sort_keys=True))
        return
    typer.echo(format_comparison(result))
    if result.tracking:
        info = result.tracking
        typer.echo(
            f"Registered model: {info['model_uri']} (version {info['model_version']}, "
            f"tracking {info['tracking_uri']})"
        )
