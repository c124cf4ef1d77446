"""Writing an output directory atomically, and never over something vrurisk did not write.

Every command that writes a directory (``synth``, ``score``, ``audit``, ``compare``) goes through
:func:`write_directory_atomically`. Before any work it can call :func:`check_output_directory`,
which refuses, in one line:

- a target that exists, is not empty and is not a previous output of the same kind (recognised
  by that kind's manifest file and the names it writes), unless forced;
- the input data (or any directory holding it), and the current directory (or any directory
  holding it), even when forced: replacing them would delete the input or pull the directory
  from under the shell; an existing path *inside* the input is only replaced when it is a
  previous output of the same kind, forced or not (a new directory inside it is fine: loading
  reads only the named tables);
- a place that cannot be written (read-only filesystem or directory, a path under a file).

Any ``OSError`` while writing becomes an :class:`~vrurisk._errors.OutputError` (one line) and
leaves nothing behind: neither the temporary directory nor parent directories it created.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vrurisk._errors import OutputError

OUT_EXISTS = (
    "{path} exists and is not {what} (it holds {examples}); refusing to replace it: choose a "
    "new or empty directory, or force it (force=True)"
)
OUT_IS_A_FILE = (
    "{path} exists and is a file, not {what}; refusing to replace it: choose a new or empty "
    "directory, or force it (force=True)"
)
OUT_IS_INPUT = (
    "{path} {relation} the input {protected}; refusing to replace it, even when forced: "
    "choose another directory"
)
OUT_INSIDE_INPUT = (
    "{path} is inside the input {protected} and is not {what}; refusing to replace it, even "
    "when forced: choose another directory"
)
OUT_IS_CWD = (
    "{path} {relation} the current directory; refusing to replace it: choose a new directory, "
    "e.g. {path}/out"
)
UNWRITABLE = "cannot write {path}: {reason}"


@dataclass(frozen=True)
class OutputKind:
    """What an output directory of one kind looks like, to recognise a previous one.

    Parameters
    ----------
    what : str
        The kind in words, for messages (``"a score bundle"``).
    manifest : str
        File every output of this kind holds (``"manifest.json"``).
    names : frozenset of str
        Every other name it may hold. Empty: the names listed under ``"files"`` in the
        manifest (a JSON object or list).
    needs_one_of : tuple of str
        At least one of these must exist too (e.g. a synthetic dataset's ``truth`` table, which
        real extracts never have).

    Examples
    --------
    >>> kind = OutputKind("a bias audit", "fairness.json", frozenset({"bias_audit.html"}))
    >>> kind.recognises(Path("/nonexistent"))
    False
    """

    what: str
    manifest: str
    names: frozenset = frozenset()
    needs_one_of: tuple = ()

    def recognises(self, directory: Path, *, also: Iterable[str] = ()) -> bool:
        """Whether ``directory`` holds a previous output of this kind and nothing else.

        ``also``: names that may be there too, checked by the caller (e.g. the decisions a
        panel recorded in a score bundle).
        """
        manifest = Path(directory) / self.manifest
        if not manifest.is_file():
            return False
        names = set(self.names)
        if not names:
            try:
                files = json.loads(manifest.read_text(encoding="utf-8")).get("files")
            except (OSError, ValueError, AttributeError):
                return False
            if not isinstance(files, dict | list):
                return False
            names = {str(name) for name in files}
        present = {p.name for p in Path(directory).iterdir()}
        if self.needs_one_of and not present & set(self.needs_one_of):
            return False
        return present <= names | {self.manifest} | set(also)


#: What ``vrurisk synth`` writes: the contract's tables, the truth table and dataset.json.
SYNTHETIC_DATASET = OutputKind(
    "a synthetic dataset (vrurisk synth)",
    "dataset.json",
    frozenset(
        f"{table}.{fmt}"
        for table in ("people", "events", "links", "interventions", "lists", "truth")
        for fmt in ("parquet", "csv")
    ),
    needs_one_of=("truth.parquet", "truth.csv"),
)


def check_output_directory(
    target: str | os.PathLike,
    output: OutputKind | None = None,
    *,
    force: bool = False,
    protected: Iterable[str | os.PathLike] = (),
) -> Path:
    """Refuse, in one line, a ``target`` that must not or cannot be replaced; return it absolute.

    Call it before any work so that a refusal costs nothing; :func:`write_directory_atomically`
    calls it again before writing. ``output`` (what the target is an output of) enables the
    content check; without it only the protected paths and writability are checked.

    Raises
    ------
    OutputError
        If ``target`` is or holds the current directory or a ``protected`` path; if it exists,
        is not empty and is not ``output``'s kind (unless ``force``); if it cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     check_output_directory(Path(tmp) / "new").name
    'new'
    """
    target = Path(os.path.abspath(target))
    real = target.resolve()
    cwd = Path.cwd().resolve()
    if real == cwd or cwd.is_relative_to(real):
        relation = "is" if real == cwd else "holds"
        raise OutputError(OUT_IS_CWD.format(path=target, relation=relation))
    inside = None
    for path in protected:
        guarded = Path(path).resolve()
        if real == guarded or guarded.is_relative_to(real):
            relation = "is" if real == guarded else "holds"
            raise OutputError(OUT_IS_INPUT.format(path=target, relation=relation, protected=path))
        if real.is_relative_to(guarded):
            inside = path
    if target.exists():
        what = output.what if output is not None else "an output"
        if not target.is_dir():
            if inside is not None:
                raise OutputError(OUT_INSIDE_INPUT.format(path=target, protected=inside, what=what))
            if output is not None and not force:
                raise OutputError(OUT_IS_A_FILE.format(path=target, what=what))
        elif any(target.iterdir()) and not (output is not None and output.recognises(target)):
            if inside is not None:
                raise OutputError(OUT_INSIDE_INPUT.format(path=target, protected=inside, what=what))
            if output is not None and not force:
                names = sorted(p.name for p in target.iterdir())
                examples = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
                raise OutputError(OUT_EXISTS.format(path=target, what=what, examples=examples))
    _check_writable(target)
    return target


def _check_writable(target: Path) -> None:
    """Make (and remove) a directory where ``target``'s parent is or would be created."""
    existing = target.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(UNWRITABLE.format(path=target, reason=f"{existing} is not a directory"))
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".vrurisk-probe-", dir=existing))
    except OSError as exc:
        raise OutputError(UNWRITABLE.format(path=target, reason=_reason(exc))) from exc


def _reason(exc: OSError) -> str:
    return exc.strerror or " ".join(str(exc).split())


def write_directory_atomically(
    target: str | os.PathLike,
    write,
    *,
    output: OutputKind | None = None,
    force: bool = False,
    protected: Iterable[str | os.PathLike] = (),
) -> Path:
    """Call ``write(tmp_dir)`` and move ``tmp_dir`` to ``target`` only if it returns.

    ``target`` is first checked with :func:`check_output_directory` (``output``, ``force``,
    ``protected``). A previous ``target`` is replaced only after the new one is complete. On
    Linux the two are swapped in one atomic step (``renameat2(RENAME_EXCHANGE)``), so
    ``target`` always names a complete directory, even if the process is killed; elsewhere the
    old one is moved aside first, so a kill at that instant leaves no ``target`` (never a
    partial one).

    Raises
    ------
    OutputError
        If the target is refused, or on any ``OSError`` while writing (one line; the temporary
        directory and any parent directories made for it are removed).
    """
    given = Path(target)
    protected = tuple(protected)
    target = check_output_directory(given, output, force=force, protected=protected)
    remove_stale_partials(target)
    created: list[Path] = []
    # Name the temporary directory before creating it, inside the try: a Ctrl-C landing just
    # after the directory is made (even inside mkdir) still removes it.
    tmp = target.parent / f"{_partial_prefix(target)}{_HOST}-{os.getpid()}-{secrets.token_hex(6)}"
    try:
        created = _make_parents(target.parent)
        tmp.mkdir(mode=0o700)
        write(tmp)
        if target.is_dir() and _exchange(tmp, target):
            shutil.rmtree(tmp, ignore_errors=True)  # ``tmp`` now holds the previous contents
        elif target.exists() or target.is_symlink():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / target.name)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        for directory in reversed(created):
            try:
                directory.rmdir()
            except OSError:
                break
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(UNWRITABLE.format(path=given, reason=_reason(exc))) from exc
        raise
    return given


def _make_parents(directory: Path) -> list[Path]:
    """``mkdir -p directory``; the directories it made, outermost first."""
    missing = []
    while not directory.exists() and directory != directory.parent:
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir(exist_ok=True)
    return list(reversed(missing))


#: This machine in temporary directory names, so a writer on another host sharing the
#: filesystem is never taken for a dead local process.
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def _partial_prefix(target: Path) -> str:
    return f".{target.name}.partial-"


def remove_stale_partials(target: str | os.PathLike) -> list[Path]:
    """Remove ``.NAME.partial-HOST-PID-*`` directories beside ``target`` left by dead writers.

    A writer killed before it could clean up (SIGKILL, power loss) leaves its temporary
    directory behind. Only directories made on this host by a process that no longer exists
    are removed; a live writer's directory, another host's and any name without a pid are
    left alone. Returns the directories removed.
    """
    target = Path(target)
    prefix = _partial_prefix(target)
    removed = []
    try:
        candidates = [p for p in target.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return removed
    for path in candidates:
        host, _, rest = path.name[len(prefix) :].partition("-")
        pid = rest.partition("-")[0]
        if host != _HOST or not pid.isdigit() or _process_alive(int(pid)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid() or sys.platform == "win32":  # os.kill(pid, 0) kills on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    except OSError:
        return True  # cannot tell: keep the directory
    return True


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux ``renameat2``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # no renameat2 in this C library
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return done == 0
