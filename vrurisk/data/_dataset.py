"""Loading, validating and saving the three tables of the data contract.

A :class:`Dataset` is only ever built from frames that passed validation, so everything downstream
(features, models, reports) can rely on the contract: parsed dates, known people, no self-links.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from vrurisk._dates import date_problem
from vrurisk._errors import DataValidationError
from vrurisk.data._output import OutputKind, write_directory_atomically
from vrurisk.data._schema import (
    CATEGORICAL_COLUMNS,
    EVENTS,
    LINKS,
    METADATA_FILE,
    OPTIONAL_TABLES,
    ROLES,
    TABLES,
    TableSpec,
)
from vrurisk.data._validate import (
    DUPLICATE_COLUMNS,
    EARLIEST_DATE,
    NOT_A_TABLE,
    as_text,
    check_columns,
    check_dates,
    check_known_people,
    check_not_empty,
    check_not_missing,
    check_numeric,
    check_unique,
    fail,
    fail_rows,
)
from vrurisk.data._vocabulary import VocabularyConfig

FORMATS = ("parquet", "csv")

UNREADABLE = "{file}: cannot be read as {fmt} ({reason})"
MISSING_FILE = (
    "{directory}: no {table}.csv or {table}.parquet found (the data contract needs {tables})"
)
TWO_FILES = "{directory}: both {table}.csv and {table}.parquet exist; keep one"
NOT_A_DIRECTORY = "{directory}: not a directory"
BAD_METADATA = "{file}: {reason}"
SELF_LINKS = "{file}: {n} link(s) join a person to themself (person_a == person_b): {examples}"
BAD_ROLE = (
    "{file}: column 'role' has {n} value(s) outside {allowed}: {examples} "
    "(map the extract's own roles onto these in the config's vocabulary.roles)"
)
EVENT_BEFORE_BIRTH = (
    "{file}: column 'event_date' has {n} event(s) dated before the person's birth_date: {examples}"
)
BAD_FORMAT = "The 'format' parameter must be one of {allowed}. Got {value!r} instead."
BAD_EXTRACTION_DATE = "extraction_date {value!r} is not a date (YYYY-MM-DD)"
EXTRACTION_OUT_OF_RANGE = "extraction_date {value!r} is outside {earliest} to {latest}"
EXTRACTION_INFERRED = (
    "{source}: no extraction date (no dataset.json and none given), so it is taken to be the "
    "last record date, {date}: outcome windows ending after it count as open, never as zeros. "
    "Say when the extract was taken (dataset.json, extraction_date) to be sure"
)
NO_EXTRACTION_DATE = (
    "{source}: no extraction date (no dataset.json and none given) and no dated events or "
    "links to infer it from; give extraction_date"
)

logger = logging.getLogger(__name__)

#: Numeric columns that may not be negative (a negative tie strength has no meaning).
NON_NEGATIVE = ("weight",)

#: Tables that may have no rows: people linked only through shared incidents need no links.
MAY_BE_EMPTY = ("links",)

#: Columns added by validation (integer positions into ``people``), not part of the input.
DERIVED_COLUMNS = ("person_idx", "idx_a", "idx_b")

#: Largest representable extraction date (dates are stored as ``datetime64[ns]``).
LATEST_DATE = pd.Timestamp.max.floor("D") - pd.Timedelta(days=1)


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
    interventions: pd.DataFrame | None = None
    lists: pd.DataFrame | None = None
    custody: pd.DataFrame | None = None

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
        vocabulary: VocabularyConfig | None = None,
    ) -> Dataset:
        """Validate three frames against the data contract and build a :class:`Dataset`.

        Without ``extraction_date`` it is inferred as the last event or link date, with a
        warning logged (``vrurisk.data``) that names it: never today, which would count the
        unrecorded future as outcomes that did not happen. ``names`` maps table names to the
        file names used in error messages (defaults to the table names). ``links`` may be
        ``None`` or have no rows (ties then come only from events sharing an ``incident_id``).
        ``vocabulary`` maps the extract's event types and roles onto the canonical ones before
        roles are checked.
        """
        if links is None:
            links = pd.DataFrame({c: pd.Series(dtype=str) for c in TABLES["links"].required})
        names = names or {name: name for name in TABLES}
        inferred = extraction_date is None
        extraction = (
            LATEST_DATE
            if inferred
            else _parse_extraction_date(extraction_date, names.get("metadata", "extraction_date"))
        )
        frames = {"people": people, "events": events, "links": links}
        clean = {
            name: _validate_table(frames[name], TABLES[name], names[name], extraction)
            for name in ("people", "events", "links")
        }
        if inferred:
            extraction = _last_record_date(clean, source)
        people_df = clean["people"]
        check_unique(people_df, "person_id", names["people"])
        index = pd.Index(people_df["person_id"])
        people_df["person_idx"] = np.arange(len(people_df), dtype=np.int32)

        events_df = clean["events"]
        events_df["person_idx"] = check_known_people(events_df, "person_id", index, names["events"])
        if vocabulary is not None:
            events_df["event_type"] = vocabulary.map_event_types(events_df["event_type"])
            if "role" in events_df.columns:
                events_df["role"] = vocabulary.map_roles(events_df["role"])
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
        return cls(*canonical_order(people_df, events_df, links_df), extraction, source)

    @classmethod
    def example(cls) -> Dataset:
        """A two-person dataset for examples and doctests.

        ``a`` (born 2005-01-01) has one violence event as a suspect on 2020-05-01 and was
        linked that day to ``b`` (born 2006-02-03, no events); extracted on 2022-01-01.

        Examples
        --------
        >>> ds = Dataset.example()
        >>> ds.n_people, len(ds.events), len(ds.links), str(ds.extraction_date.date())
        (2, 1, 1, '2022-01-01')
        """
        people = pd.DataFrame({"person_id": ["a", "b"], "birth_date": ["2005-01-01", "2006-02-03"]})
        events = pd.DataFrame(
            {
                "person_id": ["a"],
                "event_date": ["2020-05-01"],
                "event_type": ["violence"],
                "role": ["suspect"],
            }
        )
        links = pd.DataFrame({"person_a": ["a"], "person_b": ["b"], "link_date": ["2020-05-01"]})
        return cls.from_frames(people, events, links, extraction_date="2022-01-01")

    def with_tables(self, names: dict[str, str] | None = None, **frames) -> Dataset:
        """This dataset with optional tables (``interventions``, ``lists``, ``custody``) attached.

        Each is validated first.

        Each frame is checked against :data:`OPTIONAL_TABLES` and this dataset's people and
        extraction date; ``names`` maps table names to the file names used in error messages.

        Examples
        --------
        >>> import pandas as pd
        >>> from vrurisk.data import Dataset
        >>> ds = Dataset.example()
        >>> referrals = pd.DataFrame({"person_id": ["a"], "programme": ["mentoring"],
        ...                           "start_date": ["2020-06-01"], "end_date": ["2020-12-01"]})
        >>> ds.with_tables(interventions=referrals).interventions["programme"].tolist()
        ['mentoring']
        """
        from vrurisk.data._optional_tables import validate_optional_table

        names = names or {}
        index = pd.Index(self.people["person_id"])
        clean = {
            name: validate_optional_table(
                name, frame, index, names.get(name, name), self.extraction_date
            )
            for name, frame in frames.items()
            if frame is not None
        }
        return replace(self, _fingerprint=[], **clean)

    def fingerprint(self) -> str:
        """A stable SHA-256 of the extraction date and the three tables' contents.

        Stored with every run so results can be traced back to the exact data they came from.
        The hash covers every input column (not the derived ``person_idx``, ``idx_a``, ``idx_b``);
        it is taken over the tables in their canonical row order (see :func:`canonical_order`),
        so the same records in another row order give the same fingerprint, as does another
        order of columns. Contract columns are hashed as their validated values (parsed dates,
        numbers, text), extra columns as text, so the same records read from CSV or from
        Parquet give the same fingerprint.
        """
        if not self._fingerprint:
            digest = hashlib.sha256()
            digest.update(f"extraction_date={self.extraction_date.date()}".encode())
            for name, spec in {**TABLES, **OPTIONAL_TABLES}.items():
                frame = getattr(self, name)
                if frame is None:  # an absent optional table leaves the hash as it was
                    continue
                columns = sorted(c for c in frame.columns if c not in DERIVED_COLUMNS)
                digest.update(f"\n{name}:{len(frame)}:".encode())
                digest.update(json.dumps(columns).encode())
                for column in columns:
                    digest.update(_hash_column(frame[column], spec))
            self._fingerprint.append(digest.hexdigest())
        return self._fingerprint[0]


def _sort_key(values: pd.Series) -> np.ndarray:
    """Integer codes that order ``values`` the same way whatever the order of the rows."""
    if pd.api.types.is_datetime64_any_dtype(values) or pd.api.types.is_integer_dtype(values):
        return values.to_numpy().astype(np.int64)
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    text = values.astype("string").fillna("")
    return pd.factorize(text.to_numpy(dtype=object), sort=True)[0]


def _sorted_rows(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    keys = [_sort_key(frame[c]) for c in reversed(columns) if c in frame.columns]
    return frame.iloc[np.lexsort(keys)].reset_index(drop=True) if keys else frame


def canonical_order(
    people: pd.DataFrame, events: pd.DataFrame, links: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three tables in an order that does not depend on the order of the input rows.

    People by ``person_id``; events by person, date and then every other contract column; links
    by both people, date and the other contract columns. ``person_idx``, ``idx_a`` and ``idx_b``
    are renumbered to match. Everything downstream (cohort order, person-grouped folds,
    training-row order, float sums) therefore sees the same tables however the rows came, so
    permuting input rows changes no feature, score or metric. Rows equal on every contract
    column keep their input order between them (they differ at most in extra columns, which no
    computation reads).
    """
    order = np.argsort(_sort_key(people["person_id"]), kind="stable")
    new_idx = np.empty(len(people), dtype=np.int32)
    new_idx[order] = np.arange(len(people), dtype=np.int32)
    people = people.iloc[order].reset_index(drop=True)
    people["person_idx"] = np.arange(len(people), dtype=np.int32)
    events = events.copy()
    events["person_idx"] = new_idx[events["person_idx"].to_numpy()]
    events = _sorted_rows(events, ("person_idx", "event_date", *EVENTS.known))
    links = links.copy()
    links["idx_a"] = new_idx[links["idx_a"].to_numpy()]
    links["idx_b"] = new_idx[links["idx_b"].to_numpy()]
    links = _sorted_rows(links, ("idx_a", "idx_b", "link_date", *LINKS.known))
    return people, events, links


def _hash_column(values: pd.Series, spec: TableSpec) -> bytes:
    """Row hashes of one column as bytes; types that differ between CSV and Parquet as text."""
    if values.name not in spec.known or isinstance(values.dtype, pd.CategoricalDtype):
        try:
            values = values.astype("string")
        except (UnicodeDecodeError, TypeError, ValueError):  # e.g. raw bytes in an extra column
            values = values.map(repr).astype("string")
    return pd.util.hash_pandas_object(values, index=False).to_numpy().tobytes()


def _last_record_date(tables: dict[str, pd.DataFrame], source: str) -> pd.Timestamp:
    """The latest event or link date, logged loudly as the inferred extraction date."""
    dates = [
        tables[table][column].max()
        for table, column in (("events", "event_date"), ("links", "link_date"))
        if len(tables[table])
    ]
    dates = [d for d in dates if not pd.isna(d)]
    if not dates:
        raise DataValidationError(NO_EXTRACTION_DATE.format(source=source))
    last = pd.Timestamp(max(dates)).normalize().as_unit("ns")
    logger.warning(EXTRACTION_INFERRED.format(source=source, date=last.date()))
    return last


def _parse_extraction_date(value, where: str) -> pd.Timestamp:
    """The extraction date: a date, a datetime or ISO 8601 text (never a bare number).

    Text is ``YYYY-MM-DD`` (a time and zone may follow); ``01/06/2025`` is refused with both of
    its readings rather than guessed.
    """
    bad = DataValidationError(BAD_METADATA.format(file=where, reason=_bad_date_reason(value)))
    if isinstance(value, str):
        text = value.strip()
        problem = date_problem(text[:10], "extraction_date")
        if problem is not None or (len(text) > 10 and text[10] not in "T "):
            problem = date_problem(text, "extraction_date")
            reason = problem or _bad_date_reason(value)
            raise DataValidationError(BAD_METADATA.format(file=where, reason=reason))
        stamp = pd.to_datetime(text, errors="coerce", format="ISO8601")
    elif isinstance(value, datetime.date):
        stamp = pd.Timestamp(value)
    else:
        raise bad
    if pd.isna(stamp):
        raise bad
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    stamp = stamp.floor("D")
    if not EARLIEST_DATE <= stamp <= LATEST_DATE:
        reason = EXTRACTION_OUT_OF_RANGE.format(
            value=value, earliest=EARLIEST_DATE.date(), latest=LATEST_DATE.date()
        )
        raise DataValidationError(BAD_METADATA.format(file=where, reason=reason))
    return pd.Timestamp(stamp).as_unit("ns")


def _bad_date_reason(value) -> str:
    return BAD_EXTRACTION_DATE.format(value=value)


def _validate_table(
    frame: pd.DataFrame, spec: TableSpec, file: str, extraction: pd.Timestamp
) -> pd.DataFrame:
    """Check one table's columns and values; return a cleaned copy with parsed types."""
    if not isinstance(frame, pd.DataFrame):
        fail(NOT_A_TABLE, file=file, kind=type(frame).__name__)
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    check_columns(frame, spec, file)
    if spec.name not in MAY_BE_EMPTY:
        check_not_empty(frame, file)
    out = {}
    for column in spec.required:
        check_not_missing(frame, column, file)
    categorical = CATEGORICAL_COLUMNS[spec.name]
    for column in frame.columns:
        if column in DERIVED_COLUMNS:
            continue  # recomputed below; never trusted from input
        if column in spec.date_columns:
            out[column] = check_dates(frame[column], column, file, extraction)
        elif column in spec.numeric_columns:
            out[column] = check_numeric(
                frame[column], column, file, non_negative=column in NON_NEGATIVE
            )
        elif column in spec.person_columns or column == "incident_id":
            out[column] = _as_identifier(frame[column], column, file)
        elif column in categorical:
            out[column] = as_text(frame[column], column, file)
        else:
            out[column] = frame[column]
    return pd.DataFrame(out, index=frame.index)


def _as_identifier(values: pd.Series, column: str, file: str) -> pd.Series:
    """Identifiers are opaque strings: ``12``, ``12.0`` and ``"12"`` are the same person."""
    if pd.api.types.is_float_dtype(values):
        whole = values.dropna()
        exact = np.isfinite(whole) & (whole == np.floor(whole)) & (whole.abs() < 2**53)
        if len(whole) and exact.all():
            values = values.astype("Int64")
    return as_text(values, column, file)


def _check_roles(events: pd.DataFrame, file: str) -> None:
    if "role" not in events.columns:
        return
    role = events["role"].str.lower()
    bad = role.notna() & ~role.isin(ROLES)
    if bad.any():
        fail_rows(
            BAD_ROLE,
            events["role"],
            bad,
            file=file,
            allowed=list(ROLES),
        )
    events["role"] = role


def _check_events_after_birth(events: pd.DataFrame, people: pd.DataFrame, file: str) -> None:
    birth = people["birth_date"].to_numpy()[events["person_idx"].to_numpy()]
    bad = pd.Series(events["event_date"].to_numpy() < birth, index=events.index)
    if bad.any():
        fail_rows(
            EVENT_BEFORE_BIRTH,
            events["event_date"].dt.strftime("%Y-%m-%d"),
            bad,
            file=file,
        )


def _check_self_links(links: pd.DataFrame, file: str) -> None:
    bad = links["idx_a"] == links["idx_b"]
    if bad.any():
        fail_rows(
            SELF_LINKS,
            links["person_a"],
            bad,
            file=file,
        )


def _find_table(directory: Path, table: str, *, optional: bool = False) -> Path | None:
    candidates = [directory / f"{table}.{fmt}" for fmt in FORMATS]
    present = [path for path in candidates if path.exists()]
    if not present and optional:
        return None
    if not present:
        raise DataValidationError(
            MISSING_FILE.format(
                directory=directory,
                table=table,
                tables=", ".join(t for t in TABLES if t not in MAY_BE_EMPTY),
            )
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
        _check_csv_header(path)
        return read_csv_text(path)
    except DataValidationError:
        raise
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


def read_csv_text(source, *, sep: str = ",") -> pd.DataFrame:
    """Every column of a CSV as text, only empty fields missing (``source``: a path or a
    binary buffer; ``sep``: the field separator). Identifiers stay strings: ``007`` never
    becomes 7; a byte-order mark is accepted. Files, mapped sources and PostgreSQL's
    ``COPY ... TO STDOUT`` go through this one reader.

    Rows with more fields than the header are refused (``ValueError``, naming the first such
    line and never its content): pandas would otherwise take the first column as a row index
    and shift every column's values into the next column's name.

    >>> import io
    >>> read_csv_text(io.BytesIO(b"person_id;area\\n007;E01\\n"), sep=";")
      person_id area
    0       007  E01
    >>> read_csv_text(io.BytesIO(b"person_id,area\\n007,E01,x\\n"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: line 2 has 3 fields where the header has 2 (a column name missing, ...)
    """
    options = dict(dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig", sep=sep)
    try:  # Arrow's multithreaded parser: several times faster on large files
        return pd.read_csv(source, engine="pyarrow", **options)
    except Exception:  # noqa: BLE001 - re-read with pandas' parser for its precise errors
        if hasattr(source, "seek"):
            source.seek(0)
        frame = pd.read_csv(source, **options)
    if not isinstance(frame.index, pd.RangeIndex):
        if hasattr(source, "seek"):
            source.seek(0)
        raise ValueError(too_many_fields(source, sep))
    return frame


def too_many_fields(source, sep: str = ",") -> str:
    """Where a CSV's rows first have more fields than its header, in words (the line number,
    never the row's content): what to say when pandas took a CSV's first column as its index.

    >>> import io
    >>> too_many_fields(io.BytesIO(b"a,b\\n1,2\\n1,2,3\\n"))[:40]
    'line 3 has 3 fields where the header has'
    """
    import csv
    import io

    if hasattr(source, "read"):
        text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    else:
        text = open(source, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed below
    with text:
        rows = csv.reader(text, delimiter=sep)
        header = len(next(rows, []))
        for row in rows:
            if len(row) > header:
                return (
                    f"line {rows.line_num} has {len(row)} fields where the header has {header} "
                    "(a column name missing, or a separator inside an unquoted value)"
                )
    return f"its rows have more fields than its header ({header} names)"


def _check_csv_header(path: Path) -> None:
    """pandas silently renames repeated header names (``a``, ``a.1``); refuse them instead."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = [name.strip() for name in next(csv.reader(handle), [])]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        fail(DUPLICATE_COLUMNS, file=path, columns=duplicated)


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
    if meta["extraction_date"] is None:
        reason = BAD_EXTRACTION_DATE.format(value=None)
        raise DataValidationError(BAD_METADATA.format(file=path, reason=reason))
    return meta["extraction_date"], str(path)


def load_dataset(
    directory: str | os.PathLike,
    *,
    extraction_date=None,
    vocabulary: VocabularyConfig | None = None,
) -> Dataset:
    """Load and validate ``people``, ``events`` and ``links`` from a directory.

    Each table is ``<name>.parquet`` or ``<name>.csv``; ``links`` may be left out (or have
    no rows) when events share ``incident_id``. The extraction date comes from the
    argument, else from ``dataset.json`` beside the tables, else it is inferred as the last
    event or link date with a logged warning naming it (never today). ``vocabulary`` maps the
    extract's event types and roles onto vrurisk's canonical ones (see
    :class:`~vrurisk.data.VocabularyConfig`).

    Raises
    ------
    DataValidationError
        With a one-line message naming the file, column and a few offending rows.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise DataValidationError(NOT_A_DIRECTORY.format(directory=directory))
    paths = {name: _find_table(directory, name, optional=name in MAY_BE_EMPTY) for name in TABLES}
    extraction, meta_name = _read_metadata(directory, extraction_date)
    frames = {name: read_table(path) if path else None for name, path in paths.items()}
    names = {name: str(path or directory / f"{name}.csv") for name, path in paths.items()}
    names["metadata"] = meta_name
    dataset = Dataset.from_frames(
        frames["people"],
        frames["events"],
        frames["links"],
        extraction_date=extraction,
        source=str(directory),
        names=names,
        vocabulary=vocabulary,
    )
    return _attach_optional_tables(dataset, directory)


def _attach_optional_tables(dataset: Dataset, directory: Path) -> Dataset:
    """Read and validate the optional tables (see :data:`OPTIONAL_TABLES`) the directory holds."""
    paths = {}
    for name in OPTIONAL_TABLES:
        present = [directory / f"{name}.{fmt}" for fmt in FORMATS]
        present = [path for path in present if path.exists()]
        if len(present) > 1:
            raise DataValidationError(TWO_FILES.format(directory=directory, table=name))
        if present:
            paths[name] = present[0]
    if not paths:
        return dataset
    frames = {name: read_table(path) for name, path in paths.items()}
    return dataset.with_tables({name: str(path) for name, path in paths.items()}, **frames)


def save_dataset(
    dataset: Dataset,
    directory: str | os.PathLike,
    *,
    format: str = "parquet",
    extra_tables: dict[str, pd.DataFrame] | None = None,
    output: OutputKind | None = None,
    force: bool = False,
    extra_files: dict[str, str] | None = None,
) -> Path:
    """Write a dataset's tables (and optional extra tables) to ``directory`` atomically.

    Everything is written to a temporary directory beside the target and moved into place only
    when complete, so an interrupted write leaves the previous contents or nothing. ``output``
    and ``force`` are passed to :func:`~vrurisk.data.write_directory_atomically` (what an
    existing ``directory`` may be replaced as).
    ``extra_files`` maps file names to text written beside the tables.
    """
    if format not in FORMATS:
        raise ValueError(BAD_FORMAT.format(allowed=list(FORMATS), value=format))
    target = Path(directory)
    tables = {
        name: getattr(dataset, name)[[c for c in getattr(dataset, name).columns if c in spec.known]]
        for name, spec in TABLES.items()
    }
    for name, spec in OPTIONAL_TABLES.items():
        frame = getattr(dataset, name)
        if frame is not None:
            tables[name] = frame[[c for c in frame.columns if c in spec.known]]
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
        for name, text in (extra_files or {}).items():
            (tmp / name).write_text(text, encoding="utf-8")

    return write_directory_atomically(target, write, output=output, force=force)
