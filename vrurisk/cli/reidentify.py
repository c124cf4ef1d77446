"""``vrurisk reidentify``: map pseudonymised keys back to person ids."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import TABLE_HELP, app, echo_err, parse_tables

REIDENTIFIED = "reidentified-ids.csv"


@app.command(
    epilog=(
        "Examples:\n\n"
        "  VRURISK_PSEUDONYM_KEY=... vrurisk reidentify --keys shortlist.txt --data extract/\n\n"
        "  vrurisk reidentify --keys scores/demo/scores.csv --data extract/ "
        "--key-file /secure/vrurisk.key --out /secure/panel-ids.csv"
    )
)
def reidentify(
    keys: Path = typer.Option(
        ..., "--keys", help="Keys to reveal: a scores CSV/Parquet (column 'key') or one per line."
    ),
    data: str = typer.Option(
        ..., "--data", help="The data directory (or database URL) the keys were made from."
    ),
    table_sources: list[str] = typer.Option(None, "--table", help=TABLE_HELP),
    key_file: Path = typer.Option(
        None, "--key-file", help="File holding the secret (default: $VRURISK_PSEUDONYM_KEY)."
    ),
    out: Path = typer.Option(
        None,
        "--out",
        help=f"CSV of key,person_id to write, owner-only (default {REIDENTIFIED}).",
    ),
    to_stdout: bool = typer.Option(
        False, "--stdout", help="Print key,person_id to the terminal instead of a file."
    ),
    extraction_date: str = typer.Option(
        None,
        help="Date the extract was taken, YYYY-MM-DD (default: dataset.json, else the last "
        "record date, with a warning).",
    ),
) -> None:
    """Map pseudonymised keys back to person ids (authorised key holders only).

    Every use is recorded in the audit log (who, when, which data, how many keys) before any
    id is shown; keys that match nobody are left blank.
    """
    from vrurisk._errors import ConfigError
    from vrurisk._reidentify import run_reidentify
    from vrurisk._text import plural

    if to_stdout and out is not None:
        raise ConfigError("give --out or --stdout, not both")
    if not to_stdout and out is None:
        out = Path(REIDENTIFIED)
    table, entry = run_reidentify(
        keys,
        data,
        tables=parse_tables(table_sources),
        key_file=key_file,
        out=out,
        extraction_date=extraction_date,
    )
    details = entry["details"]
    echo_err(
        f"reidentify: {details['n_matched']} of {plural(details['n_keys'], 'key')} matched "
        f"(key id {details['key_id']}); recorded in the audit log"
    )
    if out is None:
        typer.echo(table.to_csv(index=False), nl=False)
    else:
        echo_err(f"reidentify: wrote {out} (owner-only)")
