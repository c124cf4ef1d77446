"""``vrurisk validate``: check a data directory against the data contract."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import DATA_HELP, TABLE_HELP, app, echo_err, parse_tables

NO_DATA = "give the data to check (a directory or a database URL), or --config to check its data"
TABLE_WITHOUT_DATA = "--table goes with a database URL given here; the config's data has its own"


@app.command()
def validate(
    data: str = typer.Argument(
        None, help=DATA_HELP + " Default with --config: the config's data (path or url, tables)."
    ),
    extraction_date: str = typer.Option(
        None,
        help="Date the extract was taken, YYYY-MM-DD (default: dataset.json, else the last "
        "record date, with a warning).",
    ),
    config: Path = typer.Option(
        None,
        "--config",
        help="Also check the data against this experiment config (vocabulary, outcome, "
        "sensitive attributes, cohort and base rate per as-of date); exit 2 on problems.",
    ),
    table: list[str] = typer.Option(None, "--table", help=TABLE_HELP),
    model: str = typer.Option(
        None,
        "--model",
        help="With --config: the MLflow model URI vrurisk score will use (e.g. "
        "models:/NAME@champion); event types it was not trained on are refused (exit 2).",
    ),
) -> None:
    """Check a data directory (or database) against the data contract and print a summary.

    Example: vrurisk validate data/extract-2026-10 --config configs/my-vru.yaml

    Example: vrurisk validate --config configs/my-vru.yaml (the data the config names)
    """
    from vrurisk._errors import ConfigError
    from vrurisk.data import data_source, describe_dataset

    if data is None and config is None:
        raise ConfigError(NO_DATA)
    experiment = None
    if model is not None and config is None:
        raise typer.BadParameter("--model needs --config (its tracking URI)", param_hint="--model")
    if config is not None:
        from vrurisk.config import load_config

        experiment = load_config(config)
        extraction_date = extraction_date or experiment.data.extraction_date
    vocabulary = experiment.vocabulary if experiment is not None else None
    if data is None:
        if table:
            raise ConfigError(TABLE_WITHOUT_DATA)
        source = experiment.data
    else:
        source = data_source(data, tables=parse_tables(table))
    dataset = source.load(extraction_date=extraction_date, vocabulary=vocabulary)
    typer.echo(f"{source.source}: valid")
    typer.echo(describe_dataset(dataset))
    if experiment is None:
        return
    from vrurisk.ingest import check_data

    risk_model = None
    if model is not None:
        from vrurisk.tracking import load_risk_model

        risk_model = load_risk_model(model, tracking_uri=experiment.tracking.uri)
    result = check_data(dataset, experiment, risk_model)
    typer.echo("")
    typer.echo(result.table())
    if result.problems:
        echo_err(
            f"Error: {len(result.problems)} problem(s) would make training on this data "
            "meaningless (marked PROBLEM above)"
        )
        raise typer.Exit(2)
