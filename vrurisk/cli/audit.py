"""``vrurisk audit``: audit an existing score for bias."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import app, parse_pairs

BAD_REFERENCE = "--reference must look like ATTRIBUTE=GROUP (e.g. race=Caucasian), got {value!r}"
NO_ATTRIBUTES = "--sensitive needs at least one column name, got {value!r}"


@app.command(
    epilog=(
        "Examples:\n\n"
        "  vrurisk audit --data compas-scores-two-years.csv --score-col score_text "
        "--label-col two_year_recid --sensitive race --flag-values Medium,High\n\n"
        "  vrurisk audit --data scores.parquet --score-col score --label-col outcome "
        "--sensitive sex,ethnicity --top-k 200 --reference ethnicity=White --out audit --json"
    )
)
def audit(
    data: Path = typer.Option(..., "--data", help="Table of scores and outcomes (CSV or Parquet)."),
    score_col: str = typer.Option(..., "--score-col", help="Column holding the score."),
    label_col: str = typer.Option(..., "--label-col", help="Column holding the outcome (0/1)."),
    sensitive: str = typer.Option(
        ..., "--sensitive", help="Comma-separated sensitive attribute columns, e.g. sex,ethnicity."
    ),
    flag_values: str = typer.Option(
        None, "--flag-values", help="Flag rows whose score is one of these (e.g. Medium,High)."
    ),
    threshold: float = typer.Option(None, "--threshold", help="Flag rows with score >= T."),
    top_k: int = typer.Option(None, "--top-k", help="Flag the K highest scores."),
    reference: list[str] = typer.Option(
        None, "--reference", help="Reference group as ATTRIBUTE=GROUP (repeatable)."
    ),
    intersections: bool = typer.Option(
        True, "--intersections/--no-intersections", help="Also audit attribute combinations."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the intervals and top-k tie-breaking."),
    out: Path = typer.Option(Path("bias-audit"), "--out", help="Directory to write."),
    force: bool = typer.Option(
        False, "--force", help="Replace --out even if it is not a previous output of this command."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print fairness.json to stdout."),
) -> None:
    """Audit an existing score for bias: rates by group, disparity ratios, verdicts.

    Writes fairness.json and bias_audit.html into --out (replaced atomically).
    """
    from vrurisk._errors import ConfigError
    from vrurisk.reports import (
        BIAS_AUDIT_HTML,
        FAIRNESS_JSON,
        require_one_operating_point,
        run_audit,
    )

    attributes = [name.strip() for name in sensitive.split(",") if name.strip()]
    if not attributes:
        raise ConfigError(NO_ATTRIBUTES.format(value=sensitive))
    require_one_operating_point(
        {"--flag-values": flag_values, "--threshold": threshold, "--top-k": top_k}
    )
    references = parse_pairs(reference, BAD_REFERENCE)
    summary = run_audit(
        data=data,
        score_col=score_col,
        label_col=label_col,
        sensitive=attributes,
        flag_values=[v.strip() for v in flag_values.split(",")]
        if flag_values is not None
        else None,
        threshold=threshold,
        top_k=top_k,
        reference_groups=references,
        intersections=intersections,
        seed=seed,
        out=out,
        force=force,
    )
    if as_json:
        import json

        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    for finding in summary["findings"]:
        typer.echo(f"- {finding}")
    for warning in summary["warnings"]:
        typer.echo(f"! {warning}")
    typer.echo(f"Wrote {out / FAIRNESS_JSON} and {out / BIAS_AUDIT_HTML}")
