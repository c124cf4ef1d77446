"""Loading, validating and saving the three tables of the data contract.

A :class:`Dataset` is only ever built from frames that passed validation, so everything downstream
(features, models, reports) can rely on the contract: parsed dates, known people, no self-links.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vrurisk._errors import DataValidationError
from vrurisk.data._schema import (
    CATEGORICAL_COLUMNS,
    METADATA_FILE,
    ROLES,
    TABLES,
    TableSpec,
)
from vrurisk.data._validate import (
    check_columns,
    check_dates,
    check_known_people,
    check_not_empty,
    check_not_missing,
    check_numeric,
    check_unique,
    fail,
    format_examples,
)

FORMATS = ("parquet", "csv")

UNREADABLE = "{file}: cannot be read as {fmt} ({reason})"
MISSING_FILE = (
    "{directory}: no {table}.csv or {table}.parquet found (the data contract needs {tables})"
)
TWO_FILES = "{directory}: both {table}.csv and {table}.parquet exist; keep one"
NOT_A_DIRECTORY = "{directory}: not a directory"
BAD_METADATA = "{file}: {reason}"
SELF_LINKS = "{file}: {n} link(s) join a person to themself (person_a == person_b): {examples}"
BAD_ROLE = "{file}: column 'role' has {n} value(s) outside {allowed}: {examples}"
EVENT_BEFORE_BIRTH = (
    "{file}: column 'event_date' has {n} event(s) dated before the person's birth_date: {examples}"
)
BAD_FORMAT = "The 'format' parameter must be one of {allowed}. Got {value!r} instead."


@dataclass(frozen=True)
class Dataset:
    """The validated ``people``, ``events`` and ``links`` tables of one data extract.

    Attributes
    ----------
    people, events, links : pandas.DataFrame
        The tables, with dates parsed to ``datetime64[ns]`` (day precision), identifiers as
        strings and low-cardinality columns as categoricals. Each carries integer positions
        into ``people`` for fast joins: ``people.person_idx``, ``events.person_idx``,
        ``links.idx_a`` and ``links.idx_b``.
    extraction_date : pandas.Timestamp
        The date the extract was taken; no record may be dated after it.
    source : str
        Where the tables were read from (a directory), or ``"<memory>"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from vrurisk.data import Dataset
    >>> people = pd.DataFrame({"person_id": ["a", "b"], "birth_date": ["2005-01-01", "2006-02-03"]})
    >>> events = pd.DataFrame({"person_id": ["a"], "event_date": ["2020-05-01"],
    ...                        "event_type": ["violence"], "role": ["suspect"]})
    >>> links = pd.DataFrame({"person_a": ["a"], "person_b": ["b"], "link_date": ["2020-05-01"]})
    >>> ds = Dataset.from_frames(people, events, links, extraction_date="2021-01-01")
    >>> ds.n_people, len(ds.events), len(ds.links)
    (2, 1, 1)
    """

    people: pd.DataFrame
    events: pd.DataFrame
    links: pd.DataFrame
    extraction_date: pd.Timestamp
    source: str = "<memory>"
    _fingerprint: list = field(default_factory=list, repr=False, compare=False)

    @property
    def n_people(self) -> int:
        return len(self.people)

    @classmethod
    def from_frames(
        cls,
        people: pd.DataFrame,
        events: pd.DataFrame,
        links: pd.DataFrame,
        *,
        extraction_date: str | pd.Timestamp | None = None,
        source: str = "<memory>",
        names: dict[str, str] | None = None,
    ) -> Dataset:
        """Validate three frames against the data contract and build a :class:`Dataset`.

        ``extraction_date`` defaults to today. ``names`` maps table names to the file names used
        in error messages (defaults to the table names).
        """
        names = names or {name: name for name in TABLES}
        extraction = _parse_extraction_date(
            extraction_date, names.get("metadata", "extraction_date")
        )
        frames = {"people": people, "events": events, "links": links}
        clean = {
            name: _validate_table(frames[name], TABLES[name], names[name], extraction)
            for name in ("people", "events", "links")
        }
        people_df = clean["people"]
        check_unique(people_df, "person_id", names["people"])
        index = pd.Index(people_df["person_id"])
        people_df["person_idx"] = np.arange(len(people_df), dtype=np.int32)

        events_df = clean["events"]
        events_df["person_idx"] = check_known_people(events_df, "person_id", index, names["events"])
        _check_roles(events_df, names["events"])
        _check_events_after_birth(events_df, people_df, names["events"])

        links_df = clean["links"]
        links_df["idx_a"] = check_known_people(links_df, "person_a", index, names["links"])
        links_df["idx_b"] = check_known_people(links_df, "person_b", index, names["links"])
        _check_self_links(links_df, names["links"])

        for table, frame in clean.items():
            for column in CATEGORICAL_COLUMNS[table]:
                if column in frame.columns:
                    frame[column] = frame[column].astype("category")
        return cls(people_df, events_df, links_df, extraction, source)

    def fingerprint(self) -> str:
        """A stable SHA-256 of the three tables' contents (order of rows included).

        Stored with every run so results can be traced back to the exact data they came from.
        """
        if not self._fingerprint:
            digest = hashlib.sha256()
            digest.update(str(self.extraction_date.date()).encode())
            for name in ("people", "events", "links"):
                frame = getattr(self, name)
                columns = sorted(c for c in frame.columns if c in TABLES[name].known)
                digest.update(name.encode())
                digest.update(json.dumps(columns).encode())
                hashed = pd.util.hash_pandas_object(frame[columns], index=False)
                digest.update(hashed.to_numpy().tobytes())
            self._fingerprint.append(digest.hexdigest())
        return self._fingerprint[0]


def _parse_extraction_date(value, where: str) -> pd.Timestamp:
    if value is None:
        return pd.Timestamp.today().normalize()
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise DataValidationError(
            BAD_METADATA.format(file=where, reason=f"extraction_date {value!r} is not a date")
        ) from exc
    if pd.isna(stamp):
        raise DataValidationError(
            BAD_METADATA.format(file=where, reason=f"extraction_date {value!r} is not a date")
        )
    return stamp.normalize()


def _validate_table(
    frame: pd.DataFrame, spec: TableSpec, file: str, extraction: pd.Timestamp
) -> pd.DataFrame:
    """Check one table's columns and values; return a cleaned copy with parsed types."""
    check_columns(frame, spec, file)
    check_not_empty(frame, file)
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    for column in spec.required:
        check_not_missing(frame, column, file)
    for column in frame.columns:
        if column in spec.date_columns:
            out[column] = check_dates(frame[column], column, file, extraction)
        elif column in spec.numeric_columns:
            out[column] = check_numeric(frame[column], column, file)
        elif column in spec.person_columns or column == "incident_id":
            out[column] = _as_identifier(frame[column])
        else:
            out[column] = frame[column]
    return out


def _as_identifier(values: pd.Series) -> pd.Series:
    """Identifiers are opaque strings: ``12`` and ``"12"`` are the same person."""
    if pd.api.types.is_float_dtype(values):
        whole = values.dropna()
        if len(whole) and (whole == np.floor(whole)).all():
            values = values.astype("Int64")
    result = values.astype("string")
    return result.str.strip()


def _check_roles(events: pd.DataFrame, file: str) -> None:
    if "role" not in events.columns:
        return
    role = events["role"].astype("string").str.strip().str.lower()
    bad = role.notna() & ~role.isin(ROLES)
    if bad.any():
        fail(
            BAD_ROLE,
            file=file,
            n=int(bad.sum()),
            allowed=list(ROLES),
            examples=format_examples(events["role"], bad),
        )
    events["role"] = role


def _check_events_after_birth(events: pd.DataFrame, people: pd.DataFrame, file: str) -> None:
    birth = people["birth_date"].to_numpy()[events["person_idx"].to_numpy()]
    bad = pd.Series(events["event_date"].to_numpy() < birth, index=events.index)
    if bad.any():
        fail(
            EVENT_BEFORE_BIRTH,
            file=file,
            n=int(bad.sum()),
            examples=format_examples(events["event_date"].dt.strftime("%Y-%m-%d"), bad),
        )


def _check_self_links(links: pd.DataFrame, file: str) -> None:
    bad = links["idx_a"] == links["idx_b"]
    if bad.any():
        fail(
            SELF_LINKS,
            file=file,
            n=int(bad.sum()),
            examples=format_examples(links["person_a"], bad),
        )


def _find_table(directory: Path, table: str) -> Path:
    candidates = [directory / f"{table}.{fmt}" for fmt in FORMATS]
    present = [path for path in candidates if path.exists()]
    if not present:
        raise DataValidationError(
            MISSING_FILE.format(directory=directory, table=table, tables=", ".join(TABLES))
        )
    if len(present) > 1:
        raise DataValidationError(TWO_FILES.format(directory=directory, table=table))
    return present[0]


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read one CSV or Parquet file, turning every reader failure into a one-line error."""
    path = Path(path)
    fmt = "parquet" if path.suffix == ".parquet" else "csv"
    try:
        if fmt == "parquet":
            return pd.read_parquet(path)
        # Identifiers stay strings: never let "007" become 7.
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except pd.errors.EmptyDataError as exc:
        raise DataValidationError(
            UNREADABLE.format(file=path, fmt=fmt, reason="the file is empty")
        ) from exc
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text at byte {exc.start}"
        raise DataValidationError(UNREADABLE.format(file=path, fmt=fmt, reason=reason)) from exc
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise DataValidationError(UNREADABLE.format(file=path, fmt=fmt, reason=reason)) from exc
    except Exception as exc:  # pyarrow raises its own error types for corrupt files
        reason = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
        raise DataValidationError(UNREADABLE.format(file=path, fmt=fmt, reason=reason)) from exc


def _read_metadata(directory: Path, extraction_date) -> tuple[pd.Timestamp | str | None, str]:
    path = directory / METADATA_FILE
    if extraction_date is not None or not path.exists():
        return extraction_date, "extraction_date"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataValidationError(BAD_METADATA.format(file=path, reason="not valid JSON")) from exc
    if not isinstance(meta, dict) or "extraction_date" not in meta:
        raise DataValidationError(
            BAD_METADATA.format(file=path, reason="needs an 'extraction_date' key")
        )
    return meta["extraction_date"], str(path)


def load_dataset(directory: str | os.PathLike, *, extraction_date=None) -> Dataset:
    """Load and validate ``people``, ``events`` and ``links`` from a directory.

    Each table is ``<name>.parquet`` or ``<name>.csv``. The extraction date comes from the
    argument, else from ``dataset.json`` beside the tables, else today.

    Raises
    ------
    DataValidationError
        With a one-line message naming the file, column and a few offending rows.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise DataValidationError(NOT_A_DIRECTORY.format(directory=directory))
    paths = {name: _find_table(directory, name) for name in TABLES}
    extraction, meta_name = _read_metadata(directory, extraction_date)
    frames = {name: read_table(path) for name, path in paths.items()}
    names = {name: str(path) for name, path in paths.items()}
    names["metadata"] = meta_name
    return Dataset.from_frames(
        frames["people"],
        frames["events"],
        frames["links"],
        extraction_date=extraction,
        source=str(directory),
        names=names,
    )


def save_dataset(
    dataset: Dataset,
    directory: str | os.PathLike,
    *,
    format: str = "parquet",
    extra_tables: dict[str, pd.DataFrame] | None = None,
) -> Path:
    """Write a dataset's tables (and optional extra tables) to ``directory`` atomically.

    Everything is written to a temporary directory beside the target and moved into place only
    when complete, so an interrupted write leaves the previous contents or nothing.
    """
    if format not in FORMATS:
        raise ValueError(BAD_FORMAT.format(allowed=list(FORMATS), value=format))
    target = Path(directory)
    tables = {
        name: getattr(dataset, name)[[c for c in getattr(dataset, name).columns if c in spec.known]]
        for name, spec in TABLES.items()
    }
    tables.update(extra_tables or {})
    metadata = {"extraction_date": str(dataset.extraction_date.date())}

    def write(tmp: Path) -> None:
        for name, frame in tables.items():
            if format == "parquet":
                frame.to_parquet(tmp / f"{name}.parquet", index=False)
            else:
                out = frame.copy()
                for column in out.columns:
                    if pd.api.types.is_datetime64_any_dtype(out[column]):
                        out[column] = out[column].dt.strftime("%Y-%m-%d")
                out.to_csv(tmp / f"{name}.csv", index=False)
        (tmp / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")

    return write_directory_atomically(target, write)


def write_directory_atomically(target: str | os.PathLike, write) -> Path:
    """Call ``write(tmp_dir)`` and move ``tmp_dir`` to ``target`` only if it returns.

    A previous ``target`` is replaced only after the new one is complete.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        write(tmp)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / target.name)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
