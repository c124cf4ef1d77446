"""``vrurisk score``: score the cohort and write the bundle."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import CONFIG_EXTRACTION_DATE_HELP, app, echo_err, load_experiment


@app.command(
    epilog=(
        "Examples:\n\n"
        "  vrurisk score configs/demo.yaml\n\n"
        "  vrurisk score configs/demo.yaml --model models:/vrurisk-demo/3 --as-of 2025-06-30\n\n"
        "  vrurisk score configs/demo.yaml --out panel-2025-06 --json"
    )
)
def score(
    config: Path = typer.Argument(..., help="Experiment config (YAML)."),
    model: str = typer.Option(
        None, "--model", help="MLflow model URI (default models:/<registered_model>@<alias>)."
    ),
    as_of: str = typer.Option(
        None, "--as-of", help="As-of date YYYY-MM-DD (default: the data's extraction date)."
    ),
    out: Path = typer.Option(
        None, "--out", help="Bundle directory, replaced atomically (default scores/NAME-DATE)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace --out even if it is not a previous output of this command."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object to stdout."),
    reveal_ids: bool = typer.Option(
        False,
        "--reveal-ids",
        help="Also write raw person ids to scores.csv/parquet (audit-logged; never to MLflow).",
    ),
    explain_top: int = typer.Option(
        None,
        "--explain-top",
        min=1,
        help="People explained, best-ranked first (default: scoring.explain_top, 500).",
    ),
    no_tracking: bool = typer.Option(
        False, "--no-tracking", help="Do not log the bundle to MLflow."
    ),
    extraction_date: str = typer.Option(
        None, "--extraction-date", help=CONFIG_EXTRACTION_DATE_HELP
    ),
) -> None:
    """Score the cohort with a registered model and write the bundle.

    The bundle holds scores (pseudonymised keys, calibrated probability, rank, percentile,
    three reasons), explanations, the bias audit, the panel pack and the model card.
    """
    # config errors answer before scoring code is imported
    experiment = load_experiment(config, extraction_date)
    from vrurisk._text import plural
    from vrurisk.scoring import READER_REPORTS, run_scoring

    summary = run_scoring(
        experiment,
        model_uri=model,
        as_of=as_of,
        out=out,
        reveal_ids=reveal_ids,
        explain_top=explain_top,
        track=not no_tracking,
        progress=lambda m: echo_err(f"score: {m}"),
        force=force,
    )
    if as_json:
        import json

        typer.echo(json.dumps(summary, sort_keys=True))
        return
    typer.echo(
        f"Scored {summary['n_scored']:,} people at {summary['as_of']} with "
        f"{summary['model_uri']} (version {summary['model_version'] or 'n/a'}); "
        f"{plural(summary['n_flagged'], 'disparity', 'disparities')} flagged."
    )
    for warning in summary["warnings"]:
        typer.echo(f"! {warning}")
    typer.echo(f"Bundle: {summary['out']}")
    for name in READER_REPORTS:
        typer.echo(f"  {Path(summary['out']) / name}")
