"""``vrurisk keygen``: make a pseudonymisation key file."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import app


@app.command(epilog="Examples:\n\n  vrurisk keygen\n\n  vrurisk keygen --out /secure/vrurisk.key")
def keygen(
    out: Path = typer.Option(
        Path("vrurisk.key"), "--out", help="Key file to create (never overwritten)."
    ),
) -> None:
    """Make a new pseudonymisation key file, readable by its owner only, and say how to use it.

    Keep the file secret and backed up: keys made with it can be re-identified only with it.
    """
    from vrurisk.privacy import KEY_ENV_VAR, write_key_file

    key = write_key_file(out)
    typer.echo(f"Wrote {out} (owner-only; key id {key.key_id}). Keep it secret and backed up.")
    typer.echo("Use it in this shell, or name it in the config (privacy: {key_file: PATH}):")
    typer.echo(f"  export {KEY_ENV_VAR}_FILE={out.resolve()}")
