"""The audit log: one JSON line per train, score, audit, comparison and re-identification.

Each entry records when (UTC), who (the OS user), what (the command and its arguments), with
which config (its hash), data (its fingerprint) and model (its version), how many people were
scored and where the output went. The log is append-only: entries are added with a single
``write`` to a file opened with ``O_APPEND``, so concurrent runs never interleave or overwrite
each other's lines, and vrurisk never rewrites or truncates it.

The log lives in ``vrurisk-audit.jsonl`` in the working directory unless the environment
variable ``VRURISK_AUDIT_LOG`` (or the ``path`` argument) names another file.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

from vrurisk._errors import VruriskError

__all__ = ["AUDIT_LOG_ENV_VAR", "DEFAULT_AUDIT_LOG", "audit_log_path", "read_log", "record"]

AUDIT_LOG_ENV_VAR = "VRURISK_AUDIT_LOG"
DEFAULT_AUDIT_LOG = "vrurisk-audit.jsonl"

#: Commands the log knows; others are accepted but these are the ones governance asks about.
COMMANDS = ("train", "score", "audit", "compare", "reidentify", "demo")

UNWRITABLE = "cannot append to the audit log {path} ({reason}); nothing was recorded"
BAD_LINE = "{path}: line {line} of the audit log is not a JSON object"

#: Keys of ``details`` promoted to top-level fields (their names in the entry on the right).
STANDARD_FIELDS = {
    "config_hash": "config_hash",
    "data_fingerprint": "data_fingerprint",
    "model_version": "model_version",
    "model_uri": "model_uri",
    "n_scored": "n_scored",
    "out": "output",
    "output": "output",
}


def audit_log_path(path: str | os.PathLike | None = None) -> Path:
    """The log file: ``path``, else ``$VRURISK_AUDIT_LOG``, else ``./vrurisk-audit.jsonl``."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get(AUDIT_LOG_ENV_VAR) or DEFAULT_AUDIT_LOG)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def record(
    command: str,
    *,
    config=None,
    dataset=None,
    details: dict[str, Any] | None = None,
    path: str | os.PathLike | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Append one entry to the audit log and return it.

    Parameters
    ----------
    command : str
        ``"train"``, ``"score"``, ``"audit"``, ``"reidentify"`` (any short name is accepted).
    config : ExperimentConfig, optional
        Its ``config_hash`` and ``name`` are recorded.
    dataset : Dataset, optional
        Its ``fingerprint()`` and ``source`` are recorded.
    details : dict, optional
        Anything else JSON-able. ``config_hash``, ``data_fingerprint``, ``model_version``,
        ``model_uri``, ``n_scored`` and ``out``/``output`` become top-level fields.
    path : path, optional
        The log file (default: :func:`audit_log_path`).
    **fields
        Top-level fields given directly (e.g. ``n_scored=1200, output="scores/x"``).

    Returns
    -------
    dict
        The entry as written.

    Raises
    ------
    VruriskError
        When the log cannot be appended to (one line; the caller's command fails with it).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from vrurisk import audit_log
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl"
    >>> entry = audit_log.record("score", path=log, n_scored=12, output="scores/run-1")
    >>> audit_log.read_log(log)[0]["n_scored"]
    12
    """
    from vrurisk import __version__

    entry: dict[str, Any] = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "user": _os_user(),
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "command": str(command),
        "argv": [os.path.basename(sys.argv[0]), *sys.argv[1:]] if sys.argv else [],
        "vrurisk_version": __version__,
        "config_name": None,
        "config_hash": None,
        "data_source": None,
        "data_fingerprint": None,
        "model_uri": None,
        "model_version": None,
        "n_scored": None,
        "output": None,
    }
    if config is not None:
        entry["config_name"] = getattr(config, "name", None)
        entry["config_hash"] = getattr(config, "config_hash", None)
    if dataset is not None:
        entry["data_source"] = getattr(dataset, "source", None)
        entry["data_fingerprint"] = dataset.fingerprint()
    extra = dict(details or {})
    for name, target in STANDARD_FIELDS.items():
        if name in extra:
            entry[target] = extra.pop(name)
    entry.update(fields)
    if "output" in entry and entry["output"] is not None:
        entry["output"] = str(entry["output"])
    entry["details"] = extra
    _append(audit_log_path(path), entry)
    return entry


def _append(path: Path, entry: dict) -> None:
    line = (json.dumps(entry, sort_keys=True, default=str, ensure_ascii=True) + "\n").encode()
    try:
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            written = os.write(fd, line)  # one write: O_APPEND keeps concurrent lines whole
            if written != len(line):
                raise OSError(f"short write ({written} of {len(line)} bytes)")
        finally:
            os.close(fd)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise VruriskError(UNWRITABLE.format(path=path, reason=reason)) from exc


def read_log(path: str | os.PathLike | None = None) -> list[dict[str, Any]]:
    """Every entry of the log, oldest first (an absent log has none)."""
    path = audit_log_path(path)
    if not path.exists():
        return []
    entries = []
    with open(path, encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                entry = json.loads(text)
            except ValueError as exc:
                raise VruriskError(BAD_LINE.format(path=path, line=number)) from exc
            if not isinstance(entry, dict):
                raise VruriskError(BAD_LINE.format(path=path, line=number))
            entries.append(entry)
    return entries
