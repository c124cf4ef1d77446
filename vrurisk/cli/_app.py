"""The ``vrurisk`` command line: thin commands over the library.

Every user error (a :class:`vrurisk.VruriskError`) becomes one line on stderr and exit code 2,
with no traceback and nothing half-written.
"""

from __future__ import annotations

import logging
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


#: Help of ``--extraction-date`` on the commands that read an experiment config.
CONFIG_EXTRACTION_DATE_HELP = (
    "Date the extract was taken, YYYY-MM-DD (default: data.extraction_date, else "
    "dataset.json, else the last record date, with a warning)."
)


#: Help of the data argument of the commands that read an extract on its own.
DATA_HELP = (
    "Directory holding people, events (and links) as CSV or Parquet, or a database URL "
    "(e.g. postgresql://analyst@warehouse:5432/vru; tables of the same names unless --table)."
)
#: Help of ``--table``, beside a database URL.
TABLE_HELP = (
    "With a database URL: NAME=TABLE_OR_QUERY for one contract table, e.g. "
    "events=crime.events_v or 'events=select ... from ...'; repeat for each."
)
BAD_TABLE_OPTION = "--table must be NAME=TABLE_OR_QUERY (e.g. events=crime.events_v), got {value!r}"


def parse_pairs(values: list[str] | None, template: str) -> dict[str, str]:
    """Repeated ``--option NAME=VALUE`` values as a mapping; ``template`` words the error."""
    from vrurisk._errors import ConfigError

    pairs = {}
    for value in values or []:
        name, sep, text = value.partition("=")
        if not sep or not name.strip() or not text.strip():
            raise ConfigError(template.format(value=value))
        pairs[name.strip()] = text.strip()
    return pairs


def parse_tables(values: list[str] | None) -> dict[str, str]:
    """``--table NAME=TABLE_OR_QUERY`` options as the mapping ``data.tables`` takes."""
    return parse_pairs(values, BAD_TABLE_OPTION)


#: The library's words for a parameter -> the command line's flag (library errors name
#: parameters, e.g. ``force=True``; the CLI says which flag that is).
FLAG_WORDS = {"(force=True)": "(--force)"}


def in_cli_words(message: str) -> str:
    """A library error message with its parameter words replaced by the CLI's flags.

    Examples
    --------
    >>> in_cli_words("choose a new or empty directory, or force it (force=True)")
    'choose a new or empty directory, or force it (--force)'
    """
    for words, flag in FLAG_WORDS.items():
        message = message.replace(words, flag)
    return message


def echo_err(message: str) -> None:
    """Print ``message`` on stderr (progress, warnings and errors; stdout holds the results)."""
    typer.echo(message, err=True)


def load_experiment(path: Path, extraction_date: str | None = None):
    """The experiment config at ``path``, with ``--extraction-date`` (if given) applied."""
    from vrurisk.config import load_config

    experiment = load_config(path)
    if extraction_date is not None:
        experiment = experiment.with_extraction_date(extraction_date)
    return experiment


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """Open, auditable violence-risk scoring and early identification for VRUs."""
    if version:
        from vrurisk import __version__

        typer.echo(f"vrurisk {__version__}")
        raise typer.Exit()


class _WarningLines(logging.Handler):
    """The library's logged data warnings as ``warning: ...`` lines on (the current) stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        echo_err(f"warning: {' '.join(record.getMessage().split())}")


def _say_data_warnings() -> None:
    """E.g. an extraction date inferred from the data, which changes which outcomes count."""
    data_logger = logging.getLogger("vrurisk.data")
    if not any(isinstance(h, _WarningLines) for h in data_logger.handlers):
        data_logger.addHandler(_WarningLines(logging.WARNING))


def main() -> None:
    """Console-script entry point: run the app, turning user errors into exit code 2."""
    _say_data_warnings()
    try:
        # Outside standalone mode typer turns Ctrl-C (and typer.Exit) into a returned exit code.
        code = app(standalone_mode=False)
    except VruriskError as exc:
        echo_err(f"error: {in_cli_words(' '.join(str(exc).split()))}")
        sys.exit(2)
    except KeyboardInterrupt:
        echo_err("error: interrupted")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:
        # Usage errors from typer's bundled click: bad options, missing arguments.
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            message = " ".join(exc.format_message().split())
            if message:  # bare 'vrurisk' (or a bare group) has printed its usage: no empty error
                echo_err(f"error: {message} (see 'vrurisk --help')")
            sys.exit(2)
        if type(exc).__name__ == "Abort":
            echo_err("error: aborted")
            sys.exit(1)
        raise
    if code == 130:
        echo_err("error: interrupted")
        sys.exit(130)
    if isinstance(code, int) and code:
        sys.exit(code)
