"""``vrurisk link``: link agencies' person tables."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import app


@app.command(
    epilog=(
        "Examples:\n\n"
        "  vrurisk synth-agencies --out extracts --people 5000\n\n"
        "  vrurisk link extracts/linkage.yaml --out linked"
    )
)
def link(
    config: Path = typer.Argument(..., help="A linkage config (YAML): agencies' person tables."),
    out: Path = typer.Option(..., "--out", help="Directory to write (replaced atomically)."),
) -> None:
    """Link agencies' person tables into one pseudonymous person_id (Splink, DuckDB).

    Writes crosswalk.csv (agency, agency_id -> person_id), people.csv (no names) and the
    linkage report (linkage_report.html and .json, with linkage rates by group) into --out.
    """
    from vrurisk.linkage import link_agencies

    summary = link_agencies(config, out).summary
    typer.echo(summary["headline"])
    for finding in summary["findings"][:-2]:
        typer.echo(f"- {finding}")
    for warning in summary["warnings"]:
        typer.echo(f"! {warning}")
    typer.echo(f"Wrote {out} (crosswalk.csv, people.csv, linkage_report.html, linkage_report.json)")
