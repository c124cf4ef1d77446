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
    if result.tracking and result.tracking.get("replaced_during_training"):
        echo_err(displaced_warning(result.tracking))
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
        if info.get("replaced_version"):
            typer.echo(
                f"The alias moved from version {info['replaced_version']} to "
                f"{info['model_version']}: lists scored from now on use this model."
            )


def displaced_warning(info: dict) -> str:
    """The warning when another training registered a champion while this one ran."""
    same = "the same config" if info.get("same_config") else "another config"
    return (
        f"warning: version {info['replaced_version']} ({same}, run {info['replaced_run_id']}) "
        f"was registered while this training ran, and the alias now points at this training's "
        f"version {info['model_version']} instead; the alias is last-writer-wins, so agree "
        f"which model the panel scores with before the next list"
    )
