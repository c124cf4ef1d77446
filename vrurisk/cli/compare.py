"""``vrurisk compare``: vrurisk's models beside an existing score."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import app, echo_err


@app.command(epilog="Example:\n\n  vrurisk compare configs/compas.yaml --out compas-comparison")
def compare(
    config: Path = typer.Argument(..., help="A score-comparison config (kind: score_comparison)."),
    out: Path = typer.Option(Path("comparison"), "--out", help="Directory to write."),
    force: bool = typer.Option(
        False, "--force", help="Replace --out even if it is not a previous output of this command."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print comparison.json to stdout."),
) -> None:
    """Train vrurisk's models on a flat table and compare them with an existing score.

    Writes comparison.json and comparison.html (AUC and error-rate disparities side by side)
    and every scorer's bias audit under audits/ into --out (replaced atomically).
    """
    from vrurisk.comparison import AUDITS, run_compare
    from vrurisk.reports import COMPARISON_HTML, COMPARISON_JSON

    summary = run_compare(config, out, progress=echo_err, force=force)
    if as_json:
        import json

        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    for finding in summary["findings"]:
        typer.echo(f"- {finding}")
    typer.echo(f"Wrote {out / COMPARISON_HTML}, {out / COMPARISON_JSON} and {out / AUDITS}")
