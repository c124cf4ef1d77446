"""``vrurisk compare``: vrurisk's models beside an existing score, written as one bundle."""

from __future__ import annotations

import re
from pathlib import Path

OUTPUT_NAMES = {"comparison.json", "comparison.html", "audits"}


def run_compare(config_path: Path, out: Path, *, progress=None) -> dict:
    """Load the config, train and compare, write the bundle atomically; return the summary."""
    from vrurisk._audit_command import check_out_directory
    from vrurisk.data import write_directory_atomically
    from vrurisk.models._tabular import compare_with_existing_score, load_comparison_config
    from vrurisk.reports import write_bias_audit
    from vrurisk.reports._comparison import comparison_summary, write_score_comparison

    config = load_comparison_config(config_path)
    check_out_directory(out, OUTPUT_NAMES, "a score comparison")
    comparison = compare_with_existing_score(config, progress=progress)

    def write(directory: Path) -> None:
        write_score_comparison(comparison, directory)
        for name, audit in comparison.audits.items():
            folder = directory / "audits" / _slug(name)
            folder.mkdir(parents=True)
            write_bias_audit(audit, folder, title=f"Bias audit of {name} (test rows)")

    write_directory_atomically(out, write)
    return comparison_summary(comparison)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "scorer"
