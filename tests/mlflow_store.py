"""MLflow stores for tests: a fresh SQLite store per test without paying for MLflow's table
migrations each time, and a real ``mlflow server`` on loopback.

MLflow creates its tables (dozens of alembic migrations) the first time it opens a SQLite
file: seconds on a busy machine. Tests copy a store migrated once per session instead.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_mlflow_server(backend_store_uri: str, root: Path, *, start_timeout: float = 120):
    """A real ``mlflow server`` on a random loopback port, killed (its whole group) on exit.

    Artefacts go to ``root/artifacts`` through the server (``--artifacts-destination``); the
    server's output to ``root/server.log``. Yields ``(url, seconds it took to answer /health)``.
    """
    import pytest

    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    mlflow_bin = Path(sys.executable).with_name("mlflow")
    from pg_helpers import die_with_parent  # (pg_helpers imports this module)

    log_path = root / "server.log"
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(mlflow_bin), "server", "--host", "127.0.0.1", "--port", str(port)]
            + ["--workers", "1", "--backend-store-uri", backend_store_uri]
            + ["--artifacts-destination", str(root / "artifacts")],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=root,
            env={**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"},
            start_new_session=True,
            # a test run killed from outside (a timeout) must not leave the server running
            preexec_fn=die_with_parent(signal.SIGTERM),
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + start_timeout
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"mlflow server did not start: {log_path.read_text()[-2000:]}")
                time.sleep(0.5)
            yield url, time.perf_counter() - started
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
