"""``vrurisk validate``: check a data directory against the data contract."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import app


@app.command()
def validate(
    data: Path = typer.Argument(
        ..., help="Directory holding people, events and links (CSV or Parquet)."
    ),
    extraction_date: str = typer.Option(
        None,
        help="Date the extract was taken, YYYY-MM-DD (default: dataset.json, else the last "
        "record date, with a warning).",
    ),
) -> None:
    """Check a data directory against the data contract and print a summary.

    Example: vrurisk validate data/extract-2026-10
    """
    from vrurisk.data import load_dataset
    from vrurisk.data._summary import describe_dataset

    dataset = load_dataset(data, extraction_date=extraction_date)
    typer.echo(f"{data}: valid")
    typer.echo(describe_dataset(dataset))
