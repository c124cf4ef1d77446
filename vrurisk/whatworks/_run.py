"""What works, for one programme: the report, MLflow and the audit log (``vrurisk evaluate``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vrurisk.config import ExperimentConfig


def default_out(config: ExperimentConfig, programme: str) -> Path:
    return Path("evaluations") / f"{config.name}-{programme}"


def run_evaluation(
    config: ExperimentConfig,
    programme: str,
    *,
    out: str | os.PathLike | None = None,
    track: bool = True,
    audit_log_path: str | os.PathLike | None = None,
    progress=None,
) -> dict:
    """Evaluate ``programme`` on the config's data and outcome; write, track and audit-log it.

    Writes ``evaluation.html`` and ``evaluation.json`` atomically to ``out`` (default
    ``evaluations/<name>-<programme>``); records one audit-log entry before the directory is
    moved into place (so an evaluation that cannot be logged writes nothing), then logs the
    directory to MLflow unless ``track`` is false. Returns the JSON-safe summary with ``out``
    and ``run_id`` added.
    """
    from vrurisk import __version__, audit_log
    from vrurisk.data import write_directory_atomically
    from vrurisk.reports import write_evaluation
    from vrurisk.whatworks._evaluate import evaluate_programme

    say = progress or (lambda message: None)
    dataset = config.load_data()
    say(f"loaded {dataset.source} ({dataset.n_people:,} people)")
    result = evaluate_programme(dataset, programme, config.outcome, seed=config.seed)
    say(f"estimated in {result.seconds:.1f} s")
    summary = result.to_dict()
    target = Path(out) if out is not None else default_out(config, programme)

    def write(directory: Path) -> None:
        write_evaluation(summary, directory, version=__version__)
        audit_log.record(
            "evaluate",
            config=config,
            dataset=dataset,
            path=audit_log_path,
            details={
                "out": str(target),
                "programme": programme,
                "estimates": [
                    {k: e[k] for k in ("method", "estimate", "ci_low", "ci_high", "n")}
                    for e in summary["estimates"]
                ],
                "rows": summary["sample"]["rows"],
            },
        )

    write_directory_atomically(target, write)
    summary["out"] = str(target)
    summary["run_id"] = None
    if track:
        from vrurisk.tracking import log_evaluation_run

        metrics = {}
        for e in summary["estimates"]:
            for key in ("estimate", "ci_low", "ci_high", "n", "risk_ratio"):
                metrics[f"{e['method']}.{key}"] = e[key]
        summary["run_id"] = log_evaluation_run(
            config,
            bundle_dir=target,
            programme=programme,
            data_fingerprint=dataset.fingerprint(),
            metrics=metrics,
            params={"programme": programme, "horizon_days": summary["horizon_days"]},
        )
        say(f"logged to MLflow run {summary['run_id']}")
    return summary
