"""``vrurisk ingest``: map agency exports onto the data contract, with a mapping report."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import app, echo_err


@app.command()
def ingest(
    mapping: Path = typer.Argument(..., help="Mapping YAML naming the agency exports."),
    out: Path = typer.Option(..., "--out", help="Directory for the contract tables."),
    force: bool = typer.Option(
        False, "--force", help="Replace --out even if it is not a previous output of this command."
    ),
) -> None:
    """Map agency exports (CSV, Excel) onto the data contract, with a mapping report.

    With a crosswalk from vrurisk link (the mapping's crosswalk key), each agency's record ids
    are replaced by the linked person_id; records not in the crosswalk are counted and named.

    Example: vrurisk ingest exports/mapping.yaml --out data/extract-2026-10
    """
    from vrurisk.ingest import describe_report
    from vrurisk.ingest import ingest as run_ingest

    report = run_ingest(mapping, out, force=force)
    typer.echo(describe_report(report))
    for warning in report["warnings"]:
        echo_err(f"warning: {warning}")
    typer.echo(f"Wrote {out} (mapping report: {Path(out) / 'mapping_report.json'})")
