"""The ``vrurisk demo`` steps after the data: reset, train, score and audit.

Each step is a function of the demo's shared state dict (``out``, ``people``, ``seed``,
``dataset`` ...), appended to ``vrurisk.cli.DEMO_STEPS``. Everything the demo writes lives in
its ``--out`` directory, so re-running replaces it cleanly: the data and the bundle are
replaced atomically and the demo's own MLflow store and audit log are started afresh.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import typer
import yaml

from vrurisk._text import plural

#: What the demo owns inside its output directory (removed at the start of every run).
DEMO_OWNED = ("demo.yaml", "mlflow.db", "mlflow.db.lock", "mlruns", "bundle", "audit.jsonl")
BUNDLE = "bundle"


#: The demo's config, shipped with the package; ``configs/demo.yaml`` is the same config for
#: data in ``data/synthetic`` (tests/scoring/test_demo_config.py keeps the two in step).
DEMO_CONFIG = "demo.yaml"


def demo_config(out: Path) -> dict:
    """The packaged demo config pointed at the demo's own files in ``out``.

    Only two values change: ``data.path`` (``out/data``) and ``tracking.uri`` (a SQLite store
    in ``out``), so the demo never touches the working directory's MLflow store.
    """
    out = Path(out).resolve()
    text = resources.files("vrurisk.scoring").joinpath(DEMO_CONFIG).read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    raw["data"] = {**raw["data"], "path": str(out / "data")}
    raw["tracking"] = {**raw["tracking"], "uri": f"sqlite:///{out / 'mlflow.db'}"}
    return raw


def demo_reset(state: dict) -> None:
    """Demo step: remove what a previous demo run left in ``out`` (only the demo's own files)."""
    out = Path(state["out"])
    out.mkdir(parents=True, exist_ok=True)
    for name in DEMO_OWNED:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def demo_train(state: dict) -> None:
    """Demo step: write ``<out>/demo.yaml`` and train it (MLflow store ``<out>/mlflow.db``)."""
    from vrurisk.cli import echo_err
    from vrurisk.config import load_config
    from vrurisk.models._train import format_comparison, train_experiment

    path = Path(state["out"]) / "demo.yaml"
    path.write_text(
        "# Written by `vrurisk demo`: the packaged demo config pointed at this directory.\n"
        + yaml.safe_dump(demo_config(state["out"]), sort_keys=False),
        encoding="utf-8",
    )
    config = load_config(path)
    result = train_experiment(
        config,
        state["dataset"],
        tracking=True,
        progress=lambda m: echo_err(f"  train: {m}"),
        audit_log_path=Path(state["out"]) / "audit.jsonl",
    )
    state["config"], state["training"] = config, result
    typer.echo(format_comparison(result))
    typer.echo(f"Registered model: {result.tracking['model_uri']} ({config.tracking.uri})")


def demo_score(state: dict) -> None:
    """Demo step: score the latest cohort with the registered champion, explain and audit it."""
    from vrurisk.cli import echo_err
    from vrurisk.privacy import allow_demo_key
    from vrurisk.scoring._run import run_scoring

    out = Path(state["out"])
    with allow_demo_key():
        summary = run_scoring(
            state["config"],
            dataset=state["dataset"],
            out=out / BUNDLE,
            audit_log_path=out / "audit.jsonl",
            progress=lambda m: echo_err(f"  score: {m}"),
        )
    state["scoring"] = summary
    bundle = Path(summary["out"])
    flagged = plural(summary["n_flagged"], "disparity", "disparities")
    typer.echo(
        f"Scored {summary['n_scored']:,} people at {summary['as_of']}; explained the top "
        f"{summary['n_explained']}; bias audit: {flagged} flagged "
        f"(error rates from {summary['outcome_as_of']}). Keys: {summary['pseudonym_key']}."
    )
    typer.echo("Reports:")
    for name in ("panel.html", "bias_audit.html", "model_card.html"):
        typer.echo(f"  {(bundle / name).resolve()}")
    typer.echo(f"Re-score later with: VRURISK_PSEUDONYM_KEY=... vrurisk score {out / 'demo.yaml'}")
