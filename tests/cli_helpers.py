"""Run ``vrurisk ...`` inside the test process: one helper for every CLI test."""

from __future__ import annotations

import contextlib
import io
import sys
from typing import NamedTuple


class CliRun(NamedTuple):
    """What a command did: its exit code and everything it printed."""

    code: int
    out: str
    err: str


def run_cli(*args) -> CliRun:
    """``vrurisk *args`` in this process (arguments may be paths); never raises ``SystemExit``."""
    from vrurisk.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["vrurisk", *map(str, args)]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
    return CliRun(code, out.getvalue(), err.getvalue())
