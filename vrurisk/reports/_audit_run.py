"""Audit any table of scores and outcomes and write the report bundle (``vrurisk audit``)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from vrurisk._config_errors import format_validation_error
from vrurisk._errors import ConfigError, DataValidationError
from vrurisk._serialise import file_sha256
from vrurisk.data import OutputKind
from vrurisk.reports._bias_audit import BIAS_AUDIT_HTML, FAIRNESS_JSON, write_bias_audit

NO_SUCH_FILE = "{path}: no such file"
ONE_OPERATING_POINT = "give exactly one of {allowed}, got {given}"
NO_ATTRIBUTES = "sensitive needs at least one column name, got {value!r}"
#: A previous ``vrurisk audit`` output: fairness.json and the HTML report.
BIAS_AUDIT = OutputKind("a bias audit", FAIRNESS_JSON, frozenset({BIAS_AUDIT_HTML}))


def require_one_operating_point(options: dict) -> None:
    """Raise :class:`ConfigError` unless exactly one of ``options`` (name -> value) is given.

    The names are the caller's words (``flag_values`` here, ``--flag-values`` in the CLI).

    Examples
    --------
    >>> require_one_operating_point({"threshold": 0.5, "top_k": None})
    >>> require_one_operating_point({"threshold": 0.5, "top_k": 10})
    Traceback (most recent call last):
    ...
    vrurisk._errors.ConfigError: give exactly one of threshold or top_k, got threshold, top_k
    """
    given = [name for name, value in options.items() if value is not None]
    if len(given) != 1:
        names = list(options)
        allowed = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
        raise ConfigError(
            ONE_OPERATING_POINT.format(allowed=allowed, given=", ".join(given) or "none")
        )


def run_audit(
    *,
    data: Path,
    score_col: str,
    label_col: str,
    sensitive: list[str],
    flag_values: list[str] | None = None,
    threshold: float | None = None,
    top_k: int | None = None,
    reference_groups: dict[str, str] | None = None,
    intersections: bool = True,
    seed: int = 0,
    out: Path,
    audit_log_path: str | os.PathLike | None = None,
    force: bool = False,
) -> dict:
    """Read ``data``, audit it, write ``fairness.json`` + ``bias_audit.html`` to ``out``.

    Exactly one operating point is given: ``flag_values`` (flag rows whose score is one of
    them), ``threshold`` (score >= it) or ``top_k`` (the K highest scores).

    One audit-log entry (command ``audit``: the scores file and its SHA-256, the columns and
    operating point used, how many rows, the output) is appended before the bundle is moved
    into place, so an audit that cannot be logged writes nothing. An existing ``out`` that is not
    a previous audit is refused unless ``force``; the scores file's directory (or anything
    holding it) always. Returns the JSON-safe summary.
    Every user error is a :class:`vrurisk.VruriskError`.
    """
    from vrurisk import audit_log
    from vrurisk.data import check_output_directory, read_scores_table, write_directory_atomically
    from vrurisk.evaluation import FairnessConfig, audit_scores

    attributes = [name.strip() for name in sensitive if name.strip()]
    if not attributes:
        raise ConfigError(NO_ATTRIBUTES.format(value=sensitive))
    operating_point = {"flag_values": flag_values, "threshold": threshold, "top_k": top_k}
    require_one_operating_point(operating_point)
    references = dict(reference_groups or {})
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
    result = audit_scores(
        table,
        score_col=score_col,
        label_col=label_col,
        sensitive=attributes,
        flag_values=flag_values,
        config=config,
        name=str(data),
    )

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
