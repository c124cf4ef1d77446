"""The ``vrurisk`` command line: thin commands over the library.

Every user error (a :class:`vrurisk.VruriskError`) becomes one line on stderr and exit code 2,
with no traceback and nothing half-written.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from vrurisk._errors import VruriskError

app = typer.Typer(
    name="vrurisk",
    help="Open, auditable violence-risk scoring and early identification for VRUs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def echo_err(message: str) -> None:
    typer.echo(message, err=True)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """Open, auditable violence-risk scoring and early identification for VRUs."""
    if version:
        from vrurisk import __version__

        typer.echo(f"vrurisk {__version__}")
        raise typer.Exit()


@app.command()
def validate(
    data: Path = typer.Argument(
        ..., help="Directory holding people, events and links (CSV or Parquet)."
    ),
    extraction_date: str = typer.Option(
        None, help="Date the extract was taken (default: dataset.json, else today)."
    ),
) -> None:
    """Check a data directory against the data contract and print a summary.

    Example: vrurisk validate data/extract-2026-10
    """
    from vrurisk.data import load_dataset
    from vrurisk.data._summary import describe_dataset

    dataset = load_dataset(data, extraction_date=extraction_date)
    typer.echo(f"{data}: valid")
    typer.echo(describe_dataset(dataset))


def main() -> None:
    """Console-script entry point: run the app, turning user errors into exit code 2."""
    try:
        app(standalone_mode=False)
    except VruriskError as exc:
        echo_err(f"error: {' '.join(str(exc).split())}")
        sys.exit(2)
    except KeyboardInterrupt:
        echo_err("error: interrupted")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:
        # Usage errors from typer's bundled click: bad options, missing arguments.
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            hint = " (see 'vrurisk --help')"
            echo_err(f"error: {' '.join(exc.format_message().split())}{hint}")
            sys.exit(2)
        if type(exc).__name__ == "Abort":
            echo_err("error: aborted")
            sys.exit(1)
        raise


if __name__ == "__main__":
    main()
