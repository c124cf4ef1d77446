"""Map pseudonymised keys back to person ids, for key holders only (``vrurisk reidentify``).

Every re-identification is recorded in the audit log *before* any id is revealed; if the log cannot
be written, nothing is revealed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from vrurisk._errors import DataValidationError, VruriskError
from vrurisk.privacy import DEMO_PREFIX, KEY_ENV_VAR, load_key, reidentify

NO_KEY_COLUMN = "{file}: needs a 'key' column (found columns {found})"
CANNOT_WRITE = "cannot write {file} ({reason})"
NO_KEYS = "{file}: holds no keys"
NO_MATCH = (
    "none of the {n} key(s) in {keys} matches a person in {data} with this pseudonymisation "
    "key (key id {key_id}): wrong key or wrong data?"
)


def read_keys(path: str | os.PathLike) -> pd.Series:
    """Keys from a scores file (CSV/Parquet with a ``key`` column) or one key per line."""
    from vrurisk.data import read_table

    path = Path(path)
    if path.suffix in (".csv", ".parquet"):
        frame = read_table(path)
        if "key" not in frame.columns:
            if len(frame.columns) != 1:
                raise DataValidationError(
                    NO_KEY_COLUMN.format(file=path, found=[str(c) for c in frame.columns])
                )
            frame = frame.set_axis(["key"], axis=1)
        keys = frame["key"]
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise DataValidationError(f"{path}: cannot be read ({reason})") from exc
        keys = pd.Series(text.splitlines(), dtype="string")
    keys = keys.astype("string").str.strip()
    keys = keys[keys.notna() & (keys != "")].reset_index(drop=True)
    if keys.empty:
        raise DataValidationError(NO_KEYS.format(file=path))
    return keys


def run_reidentify(
    keys_path: str | os.PathLike,
    data: str | os.PathLike,
    *,
    tables: dict[str, str] | None = None,
    key_file: str | os.PathLike | None = None,
    key_env: str = KEY_ENV_VAR,
    out: str | os.PathLike | None = None,
    extraction_date=None,
) -> tuple[pd.DataFrame, dict]:
    """Re-identify the keys in ``keys_path`` against the people of ``data``.

    ``data`` is a directory or a database URL (``tables`` as in ``data.tables`` of a config).

    The demo key is used only when no key is set and every key is a ``DEMO-`` key.

    Returns
    -------
    (table, entry)
        ``table`` has columns ``key`` and ``person_id``; ``entry`` is the audit-log entry.
    """
    from vrurisk import audit_log
    from vrurisk.data import data_source

    keys = read_keys(keys_path)
    demo = bool(keys.str.startswith(DEMO_PREFIX).all())
    key = load_key(key_env, key_file=key_file, demo=demo)
    dataset = data_source(data, tables=tables).load(extraction_date=extraction_date)
    table = reidentify(keys, dataset.people["person_id"], key)
    n_matched = int(table["person_id"].notna().sum())
    if n_matched == 0:
        raise DataValidationError(
            NO_MATCH.format(n=len(keys), keys=keys_path, data=dataset.source, key_id=key.key_id)
        )
    entry = audit_log.record(
        "reidentify",
        dataset=dataset,
        output=str(out) if out is not None else "stdout",
        details={
            "keys_file": str(keys_path),
            "n_keys": len(keys),
            "n_matched": n_matched,
            "key_id": key.key_id,
            "key_source": key.source,
        },
    )
    if out is not None:
        try:
            _write_private_csv(table, Path(out))
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise VruriskError(CANNOT_WRITE.format(file=out, reason=reason)) from exc
    return table, entry


def _write_private_csv(table: pd.DataFrame, target: Path) -> None:
    """Write ``target`` readable by its owner only, atomically (temporary file, then rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            table.to_csv(handle, index=False)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
