"""``vrurisk profile``: a data-quality report of an extract."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import DATA_HELP, TABLE_HELP, app, parse_tables


@app.command()
def profile(
    data: str = typer.Argument(..., help=DATA_HELP),
    out: Path = typer.Option(..., "--out", help="Directory for profile.html and profile.json."),
    extraction_date: str = typer.Option(
        None, help="Date the extract was taken (default: dataset.json, else inferred)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace --out even if it is not a previous output of this command."
    ),
    table: list[str] = typer.Option(None, "--table", help=TABLE_HELP),
) -> None:
    """Write a data-quality profile: events per source and type per month, missingness,
    duplicates, date heaping, people without events, link types and degrees.

    Example: vrurisk profile data/extract-2026-10 --out profile-2026-10
    """
    from vrurisk.data import data_source
    from vrurisk.ingest import write_profile

    dataset = data_source(data, tables=parse_tables(table)).load(extraction_date=extraction_date)
    target = write_profile(dataset, out, force=force)
    typer.echo(f"Wrote {target / 'profile.html'} and {target / 'profile.json'}")
