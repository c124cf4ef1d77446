"""``vrurisk decisions record``: the panel's decisions on a list, validated and stored."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import app

decisions_app = typer.Typer(
    help="The panel's decisions on a list: validate a filled-in sheet and store it.",
    no_args_is_help=True,
)
app.add_typer(decisions_app, name="decisions")


RECORD_EXAMPLES = """Examples:

  vrurisk decisions record scores/demo-2025-06-30 decisions-2025-06.csv

  vrurisk decisions record scores/demo-2025-06-30 corrected.csv --new-version"""
BUNDLE_HELP = "The score bundle the list came from."
SHEET_HELP = "The bundle's decisions_template.csv, filled in by the panel."


@decisions_app.command("record", epilog=RECORD_EXAMPLES)
def decisions_record(
    bundle: Path = typer.Argument(..., help=BUNDLE_HELP),
    sheet: Path = typer.Argument(..., help=SHEET_HELP),
    new_version: bool = typer.Option(
        False,
        "--new-version",
        help="Record although decisions exist: a new version; earlier ones are kept.",
    ),
    no_tracking: bool = typer.Option(
        False, "--no-tracking", help="Do not log the decisions to the list's MLflow run."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object to stdout."),
) -> None:
    """Validate the panel's filled-in decisions sheet and store it with the bundle.

    Any problem (unknown or repeated keys, keys not on the list, unknown codes, bad or
    ambiguous dates, dates before the list, added columns) is one line naming the file, column
    and rows, exit 2, and nothing is recorded. A valid sheet becomes a new read-only version in
    BUNDLE/decisions/, an audit-log entry and (for a tracked list) files in its MLflow run.
    """
    from vrurisk.decisions import record_decisions

    result = record_decisions(bundle, sheet, new_version=new_version, track=not no_tracking)
    if as_json:
        import json

        typer.echo(json.dumps(result, sort_keys=True))
        return
    counts = ", ".join(f"{code} {n}" for code, n in result["counts"].items())
    typer.echo(
        f"Recorded version {result['version']} of the decisions on {result['bundle']}: "
        f"{result['n_decided']} decided ({counts}), {result['n_undecided']} without a decision."
    )
    typer.echo(f"  {result['path']}")
    typer.echo(f"  MLflow: {result['mlflow']}")
