"""A fresh SQLite MLflow store per test without paying for MLflow's table migrations each time.

MLflow creates its tables (dozens of alembic migrations) the first time it opens a SQLite
file: seconds on a busy machine. Tests copy a store migrated once per session instead.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

_TEMPLATE: dict[str, Path] = {}


def fresh_sqlite_store(directory: Path) -> Path:
    """Copy an empty, fully migrated MLflow SQLite store to ``directory/mlflow.db``."""
    if "path" not in _TEMPLATE:
        from mlflow.tracking import MlflowClient

        folder = Path(tempfile.mkdtemp(prefix="vrurisk-mlflow-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "template.db"
        MlflowClient(tracking_uri=f"sqlite:///{path}").search_experiments()  # creates the tables
        _TEMPLATE["path"] = path
    target = Path(directory) / "mlflow.db"
    shutil.copyfile(_TEMPLATE["path"], target)
    return target
