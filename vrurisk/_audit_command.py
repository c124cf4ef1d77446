"""``vrurisk audit``: audit any table of scores and outcomes and write the report bundle.

Kept out of ``cli.py`` so the command stays thin and this logic is testable without typer.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from vrurisk._config_errors import format_validation_error
from vrurisk._errors import ConfigError, DataValidationError
from vrurisk._serialise import file_sha256
from vrurisk.data._output import OutputKind

NO_SUCH_FILE = "{path}: no such file"
ONE_OPERATING_POINT = "give exactly one of --flag-values, --threshold or --top-k, got {given}"
BAD_REFERENCE = "--reference must look like ATTRIBUTE=GROUP (e.g. race=Caucasian), got {value!r}"
NO_ATTRIBUTES = "--sensitive needs at least one column name, got {value!r}"
#: A previous ``vrurisk audit`` output: fairness.json and the HTML report.
BIAS_AUDIT = OutputKind("a bias audit", "fairness.json", frozenset({"bias_audit.html"}))
DIFFERENT_DUPLICATES = (
    "{path}: column {column!r} appears more than once with different values; rename the copies"
)


def run_audit(
    *,
    data: Path,
    score_col: str,
    label_col: str,
    sensitive: str,
    flag_values: str | None,
    threshold: float | None,
    top_k: int | None,
    reference: list[str],
    intersections: bool,
    seed: int,
    out: Path,
    audit_log_path: str | os.PathLike | None = None,
    force: bool = False,
) -> dict:
    """Read ``data``, audit it, write ``fairness.json`` + ``bias_audit.html`` to ``out``.

    One audit-log entry (command ``audit``: the scores file and its SHA-256, the columns and
    operating point used, how many rows, the output) is appended before the bundle is moved
    into place, so an audit that cannot be logged writes nothing. An existing ``out`` that is not
    a previous audit is refused unless ``force``; the scores file's directory (or anything
    holding it) always. Returns the JSON-safe summary.
    Every user error is a :class:`vrurisk.VruriskError`.
    """
    from vrurisk import audit_log
    from vrurisk.data import check_output_directory, write_directory_atomically
    from vrurisk.evaluation import FairnessConfig, audit_scores
    from vrurisk.reports import write_bias_audit

    attributes = [name.strip() for name in sensitive.split(",") if name.strip()]
    if not attributes:
        raise ConfigError(NO_ATTRIBUTES.format(value=sensitive))
    given = [
        name
        for name, value in (
            ("--flag-values", flag_values),
            ("--threshold", threshold),
            ("--top-k", top_k),
        )
        if value is not None
    ]
    if len(given) != 1:
        raise ConfigError(ONE_OPERATING_POINT.format(given=", ".join(given) or "none"))
    references = {}
    for item in reference:
        attribute, sep, group = item.partition("=")
        if not sep or not attribute.strip() or not group.strip():
            raise ConfigError(BAD_REFERENCE.format(value=item))
        references[attribute.strip()] = group.strip()
    try:
        config = FairnessConfig(
            sensitive_attributes=attributes,
            intersections=intersections,
            reference_groups=references,
            top_k=[top_k] if top_k is not None else [],
            thresholds=[threshold] if threshold is not None else [],
            seed=seed,
        )
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, FairnessConfig)) from exc
    check_output_directory(out, BIAS_AUDIT, force=force, protected=(data,))
    if not data.is_file():
        raise DataValidationError(NO_SUCH_FILE.format(path=data))
    table = read_scores_table(data, used=[score_col, label_col, *attributes])
    values = [v.strip() for v in flag_values.split(",")] if flag_values is not None else None
    result = audit_scores(
        table,
        score_col=score_col,
        label_col=label_col,
        sensitive=attributes,
        flag_values=values,
        config=config,
        name=str(data),
    )
    operating_point = {"flag_values": values, "threshold": threshold, "top_k": top_k}

    def write(directory: Path) -> None:
        write_bias_audit(result, directory, title=f"Bias audit of {data.name}")
        audit_log.record(
            "audit",
            path=audit_log_path,
            output=str(out),
            details={
                "scores_file": str(data),
                "scores_sha256": file_sha256(data),
                "n_rows": len(table),
                "score_col": score_col,
                "label_col": label_col,
                "sensitive": attributes,
                "operating_point": {k: v for k, v in operating_point.items() if v is not None},
            },
        )

    write_directory_atomically(out, write, output=BIAS_AUDIT, force=force, protected=(data,))
    return result.to_dict()


def read_scores_table(path: Path, *, used: list[str]) -> pd.DataFrame:
    """Read a CSV or Parquet table of scores for auditing.

    Unlike the data contract, a repeated CSV header is accepted when the copies hold the same
    values (ProPublica's COMPAS file repeats ``decile_score`` and ``priors_count``): the first
    copy is used. Copies that differ are an error if the audit uses that column.
    """
    from vrurisk.data import read_table

    if path.suffix == ".parquet":
        return read_table(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            header = [name.strip() for name in next(csv.reader(handle), [])]
    except (OSError, UnicodeDecodeError):
        return read_table(path)  # let the contract's reader word the error
    repeated = {name for name in header if header.count(name) > 1}
    if not repeated:
        return read_table(path)
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
        )
    except (ValueError, pd.errors.ParserError):
        return read_table(path)
    for name in repeated & set(used):
        copies = [
            c for c in frame.columns if c == name or re.fullmatch(re.escape(name) + r"\.\d+", c)
        ]
        if any(not frame[c].equals(frame[name]) for c in copies):
            raise DataValidationError(DIFFERENT_DUPLICATES.format(path=path, column=name))
    return frame
