"""``vrurisk retention``: list, then delete, lists and decisions older than the period."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import app

RETENTION_EXAMPLES = """Examples:

  vrurisk retention configs/demo.yaml

  vrurisk retention scores --months 24 --apply"""


@app.command(epilog=RETENTION_EXAMPLES)
def retention(
    target: Path = typer.Argument(
        ...,
        help="An experiment config (YAML: governance.retention_months, bundles of its name in "
        "--bundles) or a directory of score bundles (needs --months).",
    ),
    months: int = typer.Option(
        None, "--months", min=1, help="Retention period in months (overrides the config)."
    ),
    bundles: Path = typer.Option(
        Path("scores"), "--bundles", help="Where the config's bundles are (default ./scores)."
    ),
    apply: bool = typer.Option(
        False, "--apply", help="Delete (without it, only list what would be deleted)."
    ),
    today: str = typer.Option(None, "--today", help="Count the period back from this date."),
    no_tracking: bool = typer.Option(
        False, "--no-tracking", help="Leave the MLflow copies alone (delete local files only)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object to stdout."),
) -> None:
    """List the score bundles and decision records older than the retention period; with
    --apply delete their personal files and MLflow copies, keeping aggregate figures.

    Kept: manifest.json, fairness.json, bias_audit.html, model_card.html,
    global_importance.parquet, monitoring.json (no person's row). Each deletion is an
    audit-log entry. Directories that are not vrurisk score bundles are never touched.
    """
    from vrurisk._dates import parse_date
    from vrurisk.decisions import apply_retention, retention_plan, retention_target

    directory, period, name = retention_target(target, months=months, bundles=bundles)
    day = None if today is None else parse_date(today, "--today").date()
    plan = retention_plan(directory, months=period, today=day, config_name=name)
    done = apply_retention(plan, track=not no_tracking) if apply else []
    if as_json:
        import json

        typer.echo(json.dumps({**plan, "applied": done}, sort_keys=True, default=str))
        return
    verb = "Deleted" if apply else "Would delete"
    typer.echo(
        f"Retention {period} months: lists dated before {plan['cutoff']} expire "
        f"({len(plan['expired'])} expired, {len(plan['current'])} within the period, "
        f"{len(plan['pruned'])} already without personal data)."
    )
    for entry in plan["expired"]:
        typer.echo(f"  {verb} from {entry['path']} (list of {entry['as_of']}):")
        typer.echo(f"    {', '.join(entry['delete'])}")
        typer.echo(f"    keeping {', '.join(entry['keep'])}")
    for item in done:
        if item["mlflow_run_id"]:
            typer.echo(
                f"  MLflow run {item['mlflow_run_id']}: deleted {len(item['mlflow_deleted'])} "
                "artefacts"
            )
    for path in plan["skipped"]:
        typer.echo(f"  Skipped {path}: not a vrurisk score bundle (never touched)")
    if not apply and plan["expired"]:
        typer.echo("Nothing was deleted: run again with --apply to delete.")
