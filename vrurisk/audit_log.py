"""The audit log: one JSON line per train, score, audit, comparison and re-identification.

Each entry records when (UTC), who (the OS user), what (the command and its arguments), with
which config (its hash), data (its fingerprint) and model (its version), how many people were
scored and where the output went. vrurisk only ever appends to the log, never rewrites it.

The log is tamper-evident: every entry carries ``prev_sha256``, the SHA-256 of the line before
it (``GENESIS`` for the first line), and ``sha256``, the SHA-256 of its own contents. An edited,
removed, reordered or inserted entry breaks the chain at the first line after it, and
:func:`verify_log` (``vrurisk log verify``) names that line. Entries are appended under an
exclusive lock on the file (``fcntl.flock``), so concurrent runs never interleave lines or
chain two entries to the same predecessor. The chain cannot see whole entries cut from the
*end* of the log: note the head hash that ``vrurisk log verify`` prints and pass it back with
``--head`` to check that nothing after it was removed. Logs written before the chain existed
verify from their first chained line, and say so.

The log lives in ``vrurisk-audit.jsonl`` in the working directory unless the environment
variable ``VRURISK_AUDIT_LOG`` (or the ``path`` argument) names another file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import hashlib
import json
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vrurisk._errors import VruriskError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: appends are not locked
    fcntl = None

__all__ = [
    "AUDIT_LOG_ENV_VAR",
    "DEFAULT_AUDIT_LOG",
    "GENESIS",
    "LogVerification",
    "audit_log_path",
    "read_log",
    "record",
    "verify_log",
]

AUDIT_LOG_ENV_VAR = "VRURISK_AUDIT_LOG"
DEFAULT_AUDIT_LOG = "vrurisk-audit.jsonl"

#: Commands the log knows; others are accepted but these are the ones governance asks about.
COMMANDS = ("train", "score", "audit", "compare", "reidentify", "demo", "decisions", "retention")

UNWRITABLE = "cannot append to the audit log {path} ({reason}); nothing was recorded"
BAD_LINE = "{path}: line {line} of the audit log is not a JSON object"

UNREADABLE = "cannot read the audit log {path} ({reason})"

#: ``prev_sha256`` of the first entry of a log.
GENESIS = "0" * 64
INTACT = "{n} entries, chain intact"
INTACT_FROM = (
    "{n} entries, chain intact from line {first}; entries before line {first} are not chained "
    "(written before the audit log was hash-chained) and cannot be checked"
)
NONE_CHAINED = (
    "{n} entries, none chained (written before the audit log was hash-chained): "
    "nothing can be checked"
)
INCOMPLETE = (
    "{path}: line {line} is incomplete (no end of line): the log was truncated or a write was "
    "cut short"
)
NOT_JSON = "{path}: line {line} is not a JSON entry: it was edited, or a write was cut short"
EDITED = "{path}: line {line} was edited: its contents no longer match the hash it was written with"
NO_PREV = (
    "{path}: line {line} has no previous-entry hash inside the chained log: it was inserted or "
    "edited"
)
MISSING_FIRST = (
    "{path}: the entry before line 1 is missing (line 1 was not the first entry written), or "
    "line 1 was edited"
)
NOT_AFTER = (
    "{path}: line {line} does not follow line {before}: line {before} was edited or an entry "
    "after it was removed"
)
OUT_OF_ORDER = (
    "{path}: line {line} is out of order: it was written after line {after}, not after line "
    "{before}"
)
HEAD_MISSING = (
    "{path}: the recorded head sha256:{head}... is not in the log ({n} entries): entries from "
    "line {next} on were removed or the end of the log was rewritten"
)

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


def _entry_hash(entry: dict) -> str:
    """SHA-256 of an entry's contents (every field but ``sha256``, as the log writes them)."""
    body = {key: value for key, value in entry.items() if key != "sha256"}
    return hashlib.sha256(_dumps(body).encode()).hexdigest()


def _dumps(entry: dict) -> str:
    return json.dumps(entry, sort_keys=True, default=str, ensure_ascii=True)


def _last_line(fd: int) -> tuple[bytes | None, bool]:
    """The file's last line (without its newline) and whether it ends with one.

    ``(None, True)`` for an empty file. Reads backwards from the end in blocks.
    """
    size = os.lseek(fd, 0, os.SEEK_END)
    if size == 0:
        return None, True
    tail, position, block = b"", size, 1 << 16
    while position > 0:
        step = min(block, position)
        position -= step
        tail = os.pread(fd, step, position) + tail
        body = tail[:-1] if tail.endswith(b"\n") else tail
        if b"\n" in body or position == 0:
            return body.rsplit(b"\n", 1)[-1], tail.endswith(b"\n")
    return tail, True  # pragma: no cover - the loop always returns


@contextlib.contextmanager
def _locked(fd: int):
    """Hold an exclusive lock on the open log (released on close)."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)


def _append(path: Path, entry: dict) -> None:
    """Chain ``entry`` to the log's last line and append it, under an exclusive lock."""
    try:
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            with _locked(fd):
                last, whole = _last_line(fd)
                entry["prev_sha256"] = GENESIS if last is None else hashlib.sha256(last).hexdigest()
                entry.pop("sha256", None)
                entry["sha256"] = _entry_hash(entry)
                # a line cut short by a crash stays a line of its own (verify names it)
                line = (b"" if whole else b"\n") + (_dumps(entry) + "\n").encode()
                written = os.write(fd, line)  # one write, under the lock
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


@dataclass(frozen=True)
class LogVerification:
    """What :func:`verify_log` found.

    Attributes
    ----------
    ok : bool
        True when every chained entry is intact (and the recorded head, if given, is present).
    message : str
        One line: ``"N entries, chain intact"`` (and which lines are not chained), or the first
        broken entry and what is wrong with it.
    n_entries : int
        Lines in the log.
    line : int or None
        The first line at fault (1-based, as an editor numbers them), when not ``ok``.
    first_chained : int or None
        The first line carrying a previous-entry hash (later lines must all carry one).
    head : str or None
        SHA-256 of the last line: record it elsewhere and pass it as ``head`` later to detect
        entries cut from the end.
    """

    ok: bool
    message: str
    n_entries: int
    line: int | None = None
    first_chained: int | None = None
    head: str | None = None


def verify_log(path: str | os.PathLike | None = None, *, head: str | None = None):
    """Check the audit log's hash chain and name the first broken, edited, reordered or missing
    entry.

    Parameters
    ----------
    path : path, optional
        The log file (default: :func:`audit_log_path`).
    head : str, optional
        A head hash printed by an earlier verification: it must still be the hash of one of the
        log's lines, else entries were cut from the end (which the chain alone cannot see).

    Returns
    -------
    LogVerification

    Raises
    ------
    VruriskError
        When the log cannot be read (absent, a directory, no permission).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from vrurisk import audit_log
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl"
    >>> for command in ("train", "score"):
    ...     _ = audit_log.record(command, path=log)
    >>> audit_log.verify_log(log).message
    '2 entries, chain intact'
    """
    path = audit_log_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = "no such file" if isinstance(exc, FileNotFoundError) else exc.strerror or str(exc)
        raise VruriskError(UNREADABLE.format(path=path, reason=reason)) from exc
    lines = data.split(b"\n")
    complete = lines[-1] == b""
    lines = lines[:-1] if complete else lines
    hashes = [hashlib.sha256(line).hexdigest() for line in lines]
    where = {digest: number for number, digest in enumerate(hashes, start=1)}
    n = len(lines)

    def broken(template: str, line: int, **values) -> LogVerification:
        message = template.format(path=path, line=line, **values)
        return LogVerification(False, message, n, line, first, hashes[-1] if hashes else None)

    first = None
    for number, line in enumerate(lines, start=1):
        if number == n and not complete:
            return broken(INCOMPLETE, number)
        try:
            entry = json.loads(line)
        except ValueError:
            return broken(NOT_JSON, number)
        if not isinstance(entry, dict):
            return broken(NOT_JSON, number)
        if "prev_sha256" not in entry:
            if first is not None:
                return broken(NO_PREV, number)
            continue
        first = first or number
        if entry.get("sha256") != _entry_hash(entry):
            return broken(EDITED, number)
        expected = GENESIS if number == 1 else hashes[number - 2]
        if entry["prev_sha256"] == expected:
            continue
        if number == 1:
            return broken(MISSING_FIRST, number)
        after = where.get(entry["prev_sha256"])
        if after is not None and after != number - 1:
            return broken(OUT_OF_ORDER, number, after=after, before=number - 1)
        return broken(NOT_AFTER, number, before=number - 1)
    if head is not None and head.removeprefix("sha256:") not in where:
        short = head.removeprefix("sha256:")[:16]
        return broken(HEAD_MISSING, n + 1, head=short, n=n, next=n + 1)
    if first is None and n:
        message = NONE_CHAINED.format(n=n)
    elif first is None or first == 1:
        message = INTACT.format(n=n)
    else:
        message = INTACT_FROM.format(n=n, first=first)
    return LogVerification(True, message, n, None, first, hashes[-1] if hashes else None)
