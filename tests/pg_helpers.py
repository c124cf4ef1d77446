"""A real PostgreSQL server for tests, started from the machine's binaries and stopped after.

``postgres_server`` (session-scoped, registered in ``conftest.py``) runs ``initdb`` in a fresh
temporary directory and ``postgres`` as a child of the test process (it gets SIGINT if that
process dies, so a killed test run leaves no server behind), listening on a random free port on
127.0.0.1 only, with its unix socket inside that directory. TCP connections need the password
(scram-sha-256), so tests exercise real password authentication and can check that the password
never shows. PostgreSQL refuses to run as root: when the tests run as root, the server runs as
the unprivileged ``postgres`` system user (Debian's package creates it). Without binaries, or as
root without that user, the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from mlflow_store import free_port

#: Where Debian puts the server binaries (one directory per major version).
DEBIAN_BINARIES = "/usr/lib/postgresql/*/bin"
SUPERUSER = "vrurisk"
SERVER_USER = "postgres"


def find_binaries() -> Path | None:
    """The directory holding ``initdb`` and ``postgres``: ``$PATH`` first, then Debian's layout."""
    on_path = shutil.which("postgres")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    found = sorted(glob.glob(DEBIAN_BINARIES), key=lambda p: int(Path(p).parent.name or 0))
    found = [Path(p) for p in found if Path(p, "initdb").exists() and Path(p, "postgres").exists()]
    return found[-1] if found else None


@dataclass
class PostgresServer:
    """A running test server: its port, superuser password and a way to make databases."""

    port: int
    password: str
    root: Path
    start_seconds: float

    def url(self, database: str = "postgres", *, password: bool = True) -> str:
        """``postgresql://vrurisk:PASSWORD@127.0.0.1:PORT/DATABASE`` (psycopg2, SQLAlchemy)."""
        secret = f":{self.password}" if password else ""
        return f"postgresql://{SUPERUSER}{secret}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its URL (with the password)."""
        import sqlalchemy as sa

        name = name or f"db_{secrets.token_hex(4)}"
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)


def _as_server_user(path: Path) -> dict:
    """``subprocess`` arguments that run the server as ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return {}
    try:
        user = pwd.getpwnam(SERVER_USER)
    except KeyError:
        pytest.skip(
            f"PostgreSQL refuses to run as root and there is no '{SERVER_USER}' user to run it "
            "as (install Debian's postgresql package, which creates it)"
        )
    for dirpath, _, filenames in os.walk(path):
        for name in [dirpath, *(os.path.join(dirpath, f) for f in filenames)]:
            os.chown(name, user.pw_uid, user.pw_gid)
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def start_postgres(binaries: Path) -> tuple[PostgresServer, callable]:
    """Initialise and start a server; returns it and the function that stops and removes it."""
    started = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="vrurisk-pg-"))
    os.chmod(root, 0o755)  # the server user must reach its data directory inside
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    password = secrets.token_urlsafe(16)
    (root / "pwfile").write_text(password + "\n")
    who = _as_server_user(root)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(root), "LC_ALL": "C.UTF-8"}
    run = dict(env=env, cwd=root, capture_output=True, text=True, **who)
    init = subprocess.run(
        [
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            f"--pwfile={root / 'pwfile'}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        **run,
    )
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"initdb failed: {init.stderr[-2000:]}")
    (root / "pwfile").unlink()
    for _attempt in range(3):
        port = free_port()
        process, ready = _run_postgres(binaries, data, port, sockets, root, who, env)
        if ready:
            break
    else:
        log = (root / "server.log").read_text(errors="replace")[-2000:]
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {log}")
    server = PostgresServer(port, password, root, time.perf_counter() - started)

    def stop() -> None:
        process.send_signal(signal.SIGINT)  # fast shutdown
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)

    return server, stop


def _run_postgres(binaries, data, port, sockets, root, who, env):
    """``postgres`` as a child that gets SIGINT (fast shutdown) if the test process dies.

    Started directly rather than through ``pg_ctl`` (which detaches it), so that a test run
    killed from outside (a timeout, Ctrl-C twice) leaves no server behind. Returns the process
    and whether it is ready to accept connections.
    """
    log = open(root / "server.log", "ab")  # noqa: SIM115 - the server writes to it until it stops
    process = subprocess.Popen(
        [str(binaries / "postgres"), "-D", str(data), "-p", str(port), "-k", str(sockets)]
        + ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
        + ["-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=root,
        preexec_fn=die_with_parent(signal.SIGINT),
        **who,
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if b"ready to accept connections" in (root / "server.log").read_bytes():
            return process, True
        time.sleep(0.1)
    if process.poll() is None:
        process.kill()
    process.wait()
    return process, False


def die_with_parent(signum: int = signal.SIGINT):
    """A ``preexec_fn``: in the server's process before exec (after it became the server
    user), ask Linux to send it ``signum`` when the process that started it ends, so a test
    run killed from outside leaves no server behind."""

    def preexec() -> None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signum)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # not Linux: the test's own teardown still stops it
            pass

    return preexec


@contextlib.contextmanager
def running_postgres():
    """A started :class:`PostgresServer`, stopped and removed on exit; skips without binaries."""
    binaries = find_binaries()
    if binaries is None:
        pytest.skip(
            "no PostgreSQL server binaries (initdb, postgres) on PATH or in "
            f"{DEBIAN_BINARIES}; install Debian's postgresql package (.ci/run does)"
        )
    server, stop = start_postgres(binaries)
    try:
        yield server
    finally:
        stop()


def load_tables(url: str, frames: dict, *, dates: dict[str, tuple[str, ...]] | None = None):
    """Write data frames into the database at ``url`` as tables of the same names.

    Columns named in ``dates`` are stored as SQL ``DATE`` (the types a warehouse would use);
    the rest as pandas maps them (text for strings).
    """
    import pandas as pd
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            for name, frame in frames.items():
                frame = frame.copy()
                types = {}
                for column in (dates or {}).get(name, ()):
                    frame[column] = pd.to_datetime(frame[column]).dt.date
                    types[column] = sa.Date()
                frame.to_sql(name, connection, index=False, dtype=types, if_exists="replace")
    finally:
        engine.dispose()
