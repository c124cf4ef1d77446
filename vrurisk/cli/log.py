"""``vrurisk log verify``: check the audit log's hash chain."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk._errors import VruriskError
from vrurisk.cli._app import app

log_app = typer.Typer(
    help="The audit log: check that no entry was edited, removed or reordered.",
    no_args_is_help=True,
)
app.add_typer(log_app, name="log")


@log_app.command(
    "verify", epilog="Examples:\n\n  vrurisk log verify\n\n  vrurisk log verify audit.jsonl"
)
def log_verify(
    path: Path = typer.Argument(
        None, help="The log (default: $VRURISK_AUDIT_LOG, else ./vrurisk-audit.jsonl)."
    ),
    head: str = typer.Option(
        None, "--head", help="A head hash printed earlier: fail if entries after it were cut."
    ),
) -> None:
    """Check the audit log's hash chain; name the first edited, removed or reordered entry.

    Exit 0 when the chain is intact, 2 at the first broken entry.
    """
    from vrurisk.audit_log import verify_log

    result = verify_log(path, head=head)
    if not result.ok:
        raise VruriskError(result.message)
    typer.echo(result.message)
    if result.head:
        typer.echo(
            f"head sha256:{result.head} (keep it: 'vrurisk log verify --head' with it later "
            "shows whether entries were cut from the end)"
        )
