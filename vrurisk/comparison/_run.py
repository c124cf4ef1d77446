"""vrurisk's models beside an existing score, written as one bundle (``vrurisk compare``)."""

from __future__ import annotations

import re
from pathlib import Path

from vrurisk._errors import DataValidationError
from vrurisk.data import OutputKind
from vrurisk.reports import COMPARISON_HTML, COMPARISON_JSON

#: The comparison's folder of every scorer's bias audit.
AUDITS = "audits"
NO_TABLE = "{path}: no such file (data.path in {config}){source}"

#: A previous ``vrurisk compare`` output.
SCORE_COMPARISON = OutputKind(
    "a score comparison", COMPARISON_JSON, frozenset({COMPARISON_HTML, AUDITS})
)


def run_compare(
    config_path: Path, out: Path, *, progress=None, audit_log_path=None, force: bool = False
) -> dict:
    """Load the config, train and compare, write the bundle atomically; return the summary.

    One audit-log entry (command ``compare``: the config's hash, the table and its SHA-256, the
    scorers, train and test rows, the output) is appended before the bundle is moved into place.
    An existing ``out`` that is not a previous comparison is refused unless ``force``; the
    config and its data file (or anything holding them) always.
    """
    from vrurisk import audit_log
    from vrurisk._serialise import file_sha256
    from vrurisk.comparison._compare import compare_with_existing_score, load_comparison_config
    from vrurisk.data import check_output_directory, write_directory_atomically
    from vrurisk.reports import comparison_summary, write_bias_audit, write_score_comparison

    config = load_comparison_config(config_path)
    if not Path(config.data.path).is_file():
        source = f"; {' '.join(config.data.source.split())}" if config.data.source else ""
        raise DataValidationError(
            NO_TABLE.format(path=config.data.path, config=config_path, source=source)
        )
    protected = (config_path, config.data.path)
    check_output_directory(out, SCORE_COMPARISON, force=force, protected=protected)
    comparison = compare_with_existing_score(config, progress=progress)

    def write(directory: Path) -> None:
        write_score_comparison(comparison, directory)
        for name, audit in comparison.audits.items():
            folder = directory / AUDITS / _slug(name)
            folder.mkdir(parents=True)
            write_bias_audit(audit, folder, title=f"Bias audit of {name} (test rows)")
        audit_log.record(
            "compare",
            config=config,
            path=audit_log_path,
            output=str(out),
            details={
                "data_source": str(config.data.path),
                "data_sha256": file_sha256(Path(config.data.path)),
                "scorers": list(comparison.audits),
                "n_train": comparison.n_train,
                "n_test": comparison.n_test,
            },
        )

    write_directory_atomically(
        out, write, output=SCORE_COMPARISON, force=force, protected=protected
    )
    return comparison_summary(comparison)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "scorer"
