"""The ``vrurisk`` command line: thin commands over the library.

One module per command: each parses its arguments, calls one library function and prints.
The library never imports this package (tests/test_layering.py). Every user error (a
:class:`vrurisk.VruriskError`) becomes one line on stderr and exit code 2, with no traceback
and nothing half-written.
"""

# Importing a command's module registers it on ``app``; this order is the order of --help.
from vrurisk.cli import (  # noqa: E402, F401, I001
    audit,
    compare,
    decisions,
    demo,
    evaluate,
    ingest,
    init,
    keygen,
    link,
    log,
    monitor,
    profile,
    reidentify,
    retention,
    score,
    synth,
    synth_agencies,
    train,
    validate,
)
from vrurisk.cli._app import app, echo_err, main

__all__ = ["app", "echo_err", "main"]
