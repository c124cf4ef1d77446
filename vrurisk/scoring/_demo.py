"""What ``vrurisk demo`` owns and runs on: its output directory and its config.

The demo's steps live in :mod:`vrurisk.cli.demo`. Everything the demo writes lives in its
output directory, so re-running replaces it cleanly: the data and the bundle are replaced
atomically and the demo's own MLflow store and audit log are started afresh.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import yaml

#: The demo's config: the packaged ``vrurisk/configs/demo.yaml`` (the one ``vrurisk init``
#: writes), with its data and MLflow store moved into the demo's output directory.
DEMO_CONFIG = "demo.yaml"
#: The demo's score bundle (this month's list).
DEMO_BUNDLE = "bundle"
#: Last month's list, beside it (so this month's finds it as its previous list).
DEMO_PREVIOUS_BUNDLE = "bundle-last-month"
#: The synthetic panel's filled-in decisions sheet for last month's list.
DEMO_DECISIONS_SHEET = "decisions-last-month.csv"
#: The monitor report over the demo's two lists.
DEMO_MONITORING = "monitoring"
#: The demo's own audit log (the demo never writes to the working directory's log).
DEMO_AUDIT_LOG = "audit.jsonl"
#: What the demo owns inside its output directory (removed at the start of every run).
DEMO_OWNED = (
    DEMO_CONFIG,
    "mlflow.db",
    "mlflow.db.lock",
    "mlruns",
    DEMO_BUNDLE,
    DEMO_PREVIOUS_BUNDLE,
    DEMO_DECISIONS_SHEET,
    DEMO_MONITORING,
    DEMO_AUDIT_LOG,
)


def demo_config(out: Path) -> dict:
    """The packaged demo config (``vrurisk/configs/demo.yaml``) pointed at the demo's ``out``.

    Only two values change: ``data.path`` (``out/data``) and ``tracking.uri`` (a SQLite store
    in ``out``), so the demo never touches the working directory's MLflow store.
    """
    out = Path(out).resolve()
    packaged = resources.files("vrurisk").joinpath("configs", DEMO_CONFIG)
    text = packaged.read_text(encoding="utf-8")
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


def write_demo_config(out: Path) -> Path:
    """Write ``<out>/demo.yaml``: the packaged demo config pointed at ``out``; return its path."""
    path = Path(out) / DEMO_CONFIG
    path.write_text(
        "# Written by `vrurisk demo`: the packaged demo config pointed at this directory.\n"
        + yaml.safe_dump(demo_config(out), sort_keys=False),
        encoding="utf-8",
    )
    return path
