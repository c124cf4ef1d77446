"""Reading the data contract from a SQL database (the analysts' warehouse) instead of files.

Any database SQLAlchemy can reach works (PostgreSQL with the ``sql`` extra's driver, SQLite out
of the box). Each contract table is read from a table of the same name, or from the table or
``SELECT`` query named for it in ``tables``. PostgreSQL (psycopg) streams each as CSV
(``COPY (...) TO STDOUT``, ISO dates) into the very CSV reader that reads files; other databases'
rows are turned into the same text (``NULL`` as empty, dates as ``YYYY-MM-DD``). So rows from a
database are validated by the same checks as rows from files and give the same dataset,
features and scores; only the name in an error differs (``URL table events`` for
``events.csv``). Row numbers in errors count the rows of the table or query in the order the
database returned them.

All tables are read in one transaction (``REPEATABLE READ`` on PostgreSQL), so people and
events come from the same moment of a warehouse that is being loaded.

Passwords never leave this module: URLs are shown through :func:`mask_url`, and every message
from the driver has the password cut out before it is raised.
"""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from vrurisk._errors import DataValidationError
from vrurisk.data._schema import OPTIONAL_TABLES, TABLES

if TYPE_CHECKING:
    from vrurisk.data._dataset import Dataset
    from vrurisk.data._vocabulary import VocabularyConfig

MASK = "***"

NOT_A_URL = (
    "data.url {url!r} is not a database URL (dialect[+driver]://user@host:port/database, "
    "e.g. postgresql://analyst@warehouse:5432/vru)"
)
NO_DRIVER = "{url}: no database driver for it ({reason}); install vrurisk[sql] for PostgreSQL"
CANNOT_CONNECT = "{url}: cannot connect ({reason})"
NO_TABLE = (
    "{url}: no table '{table}' for {name} in the database "
    "(name each contract table or a query under data.tables)"
)
QUERY_FAILED = "{url} {what}: the database refused it ({reason})"
BAD_TABLE_NAME = (
    "data.tables.{name} must be a table name (table or schema.table) or a SELECT query, "
    "got {value!r}"
)

#: Contract tables that may come from a database: the required three and the optional ones.
SQL_TABLES = (*TABLES, *OPTIONAL_TABLES)

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$")


def looks_like_url(text: str) -> bool:
    """Whether ``text`` names a database (``scheme://...``) rather than a directory.

    Examples
    --------
    >>> looks_like_url("postgresql://analyst@warehouse/vru"), looks_like_url("data/extract")
    (True, False)
    """
    return bool(_SCHEME.match(str(text))) and not str(text).startswith("file://")


def is_query(value: str) -> bool:
    """A ``tables`` value is a query when it is more than one word (``select ...``)."""
    return len(value.split()) > 1


def check_table_value(name: str, value: str) -> str:
    """``value`` stripped if it is a table name or a query; else a one-line ``ValueError``."""
    text = str(value).strip()
    if not text or (not is_query(text) and not _TABLE_NAME.match(text)):
        raise ValueError(BAD_TABLE_NAME.format(name=name, value=value))
    return text


def split_password(url: str) -> tuple[str, str | None]:
    """``url`` with its password masked, and the password (``None`` when it has none).

    A password already masked (``***``) counts as none, so a masked URL read back from a
    logged config never sends the mask to the server as a password.

    Examples
    --------
    >>> split_password("postgresql://ana:s3cret@db/vru")
    ('postgresql://ana:***@db/vru', 's3cret')
    """
    parsed = _parse(url)
    password = parsed.password
    query_password = parsed.query.get("password")
    if isinstance(query_password, tuple):
        query_password = query_password[0]
    secret = password if password not in (None, MASK) else None
    if secret is None and query_password not in (None, MASK):
        secret = query_password
    return mask_url(url), secret


def mask_url(url) -> str:
    """A URL fit to show: any password (also a ``password=`` parameter) as ``***``.

    Database URLs and tracking URIs alike (``http://user:pass@mlflow:5000``); text without
    ``://`` (a path) is returned as it is.

    Examples
    --------
    >>> mask_url("postgresql://ana:s3cr%40t@db.vru.local:5432/warehouse")
    'postgresql://ana:***@db.vru.local:5432/warehouse'
    >>> mask_url("postgresql://ana@db/w?password=s3cret&sslmode=require")
    'postgresql://ana@db/w?password=***&sslmode=require'
    """
    if isinstance(url, str) and "://" not in url:
        return url  # a path or a name (``databricks``): no place for a password
    try:
        parsed = _parse(url)
    except ValueError:  # not parseable: hide everything before the host
        scheme, _, rest = str(url).partition("://")
        return f"{scheme}://{MASK}@{rest.rpartition('@')[2]}" if "@" in rest else str(url)
    if parsed.password is None and "password" not in parsed.query:
        return url if isinstance(url, str) else parsed.render_as_string(hide_password=False)
    if "password" in parsed.query:
        parsed = parsed.update_query_dict({"password": "MASKED"})
    text = parsed.render_as_string(hide_password=True)  # the userinfo password as ***
    return text.replace("password=MASKED", f"password={MASK}")


def _parse(url):
    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.exc import ArgumentError

    if isinstance(url, URL):
        return url
    try:
        return make_url(_escape_at_signs(str(url)))
    except (ArgumentError, ValueError) as exc:
        raise ValueError(NOT_A_URL.format(url=_without(str(url), None))) from exc


def _escape_at_signs(url: str) -> str:
    """``user:P@ssw0rd@host`` as ``user:P%40ssw0rd@host``: an ``@`` typed into a password.

    Unescaped, SQLAlchemy ends the password at its first ``@`` and takes the rest for the
    host, so most of the password would show in every message as part of the host. The host
    follows the last ``@`` of the part before any ``?``; only ``user:password@`` forms change.
    """
    scheme, sep, rest = url.partition("://")
    authority, mark, query = rest.partition("?")
    first = authority.find("@")
    if not sep or authority.count("@") < 2 or ":" not in authority[:first]:
        return url
    if "/" in authority[:first]:  # a path (sqlite:////a@b/c@d.db), not user:password
        return url
    userinfo, _, host = authority.rpartition("@")
    user, _, password = userinfo.partition(":")
    return f"{scheme}://{user}:{password.replace('@', '%40')}@{host}{mark}{query}"


def _without(text: str, password: str | None) -> str:
    """``text`` on one line, with ``password`` cut out wherever the driver repeated it."""
    text = " ".join(str(text).split())
    if password:
        text = text.replace(password, MASK)
    return text


def _reason(exc: BaseException, password: str | None) -> str:
    """The driver's own words about a failure, without the statement, caret lines or
    SQLAlchemy's background links (pandas and SQLAlchemy wrap the driver's error)."""
    while getattr(exc, "orig", None) is None and exc.__cause__ is not None:
        exc = exc.__cause__
    original = getattr(exc, "orig", None) or exc
    lines = str(original).split("\n(Background on this error")[0].split("[SQL: ")[0]
    kept = [
        line
        for line in lines.splitlines()
        if line.strip() and not line.startswith("LINE ") and set(line.strip()) != {"^"}
    ]
    return _without(" ".join(kept), password)[:300]


def read_sql_tables(
    url,
    tables: dict[str, str] | None = None,
    *,
    password: str | None = None,
) -> tuple[dict[str, pd.DataFrame | None], dict[str, str], str]:
    """Read the contract tables as text frames; return them, their names for errors, and
    the masked URL.

    ``tables`` maps contract table names to a table (``table``, ``schema.table``) or a query.
    A table not named there is read from the table of its own name: required for ``people``
    and ``events``, skipped when absent for ``links``, ``interventions`` and ``lists``.
    ``password`` (kept apart from the URL by :class:`~vrurisk.data.DataConfig`) is used to
    connect and never shown.
    """
    import sqlalchemy as sa
    from sqlalchemy.exc import NoSuchModuleError, SQLAlchemyError

    tables = {name: check_table_value(name, value) for name, value in (tables or {}).items()}
    parsed = _parse(url)
    _, own_password = split_password(parsed.render_as_string(hide_password=False))
    password = password if password is not None else own_password
    if "password" in parsed.query:
        parsed = parsed.difference_update_query(["password"])
    parsed = parsed.set(password=password)
    shown = mask_url(parsed)
    try:
        engine = sa.create_engine(parsed, poolclass=sa.pool.NullPool)
    except (ImportError, NoSuchModuleError) as exc:
        raise DataValidationError(
            NO_DRIVER.format(url=shown, reason=_reason(exc, password))
        ) from exc
    frames: dict[str, pd.DataFrame | None] = {}
    names: dict[str, str] = {}
    try:
        try:
            connection = engine.connect()
        except SQLAlchemyError as exc:
            raise DataValidationError(
                CANNOT_CONNECT.format(url=shown, reason=_reason(exc, password))
            ) from exc
        with connection:
            if engine.dialect.name == "postgresql":
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
            driver_error = getattr(engine.dialect.dbapi, "Error", SQLAlchemyError)
            with connection.begin():
                read = _reader(connection)
                inspector = sa.inspect(connection)
                for name in SQL_TABLES:
                    value = tables.get(name, name)
                    statement, what = _statement(name, value, tables, inspector, shown)
                    if statement is None:
                        frames[name] = None
                        continue
                    names[name] = f"{shown} {what}"
                    try:
                        frames[name] = read(statement, names[name])
                    except (SQLAlchemyError, pd.errors.DatabaseError, driver_error) as exc:
                        raise DataValidationError(
                            QUERY_FAILED.format(url=shown, what=what, reason=_reason(exc, password))
                        ) from exc
    finally:
        engine.dispose()
    return frames, names, shown


def _reader(connection):
    """How to read one statement: PostgreSQL's ``COPY ... TO STDOUT`` as CSV through the
    files' CSV reader when the driver is psycopg (about 4x faster than fetching rows), else
    rows through pandas turned into the same text (:func:`_as_text`)."""
    dialect = connection.dialect
    if dialect.name != "postgresql" or dialect.driver != "psycopg":
        return lambda statement, _name: _as_text(pd.read_sql_query(statement, connection))
    import sqlalchemy as sa

    # ISO dates whatever the server's default DateStyle; UTF-8 whatever its encoding
    connection.execute(sa.text("SET LOCAL DateStyle TO 'ISO, YMD'"))
    connection.execute(sa.text("SET LOCAL client_encoding TO 'UTF8'"))

    def copy(statement, name: str) -> pd.DataFrame:
        from vrurisk.data._dataset import read_csv_text
        from vrurisk.data._validate import DUPLICATE_COLUMNS, fail

        if isinstance(statement, sa.TextClause):
            sql = statement.text
        else:
            sql = str(statement.compile(dialect=dialect))
        buffer = io.BytesIO()
        raw = connection.connection.dbapi_connection
        command = f"COPY ({_copy_body(sql)}\n) TO STDOUT WITH (FORMAT csv, HEADER)"
        with raw.cursor() as cursor, cursor.copy(command) as rows:
            for chunk in rows:
                buffer.write(chunk)
        first = buffer.getvalue().split(b"\n", 1)[0].decode("utf-8")
        header = next(csv.reader([first]), [])
        duplicated = sorted({c for c in header if header.count(c) > 1})
        if duplicated:  # pandas would rename them quietly (a, a.1)
            fail(DUPLICATE_COLUMNS, file=name, columns=duplicated)
        buffer.seek(0)
        return read_csv_text(buffer)

    return copy


def _copy_body(sql: str) -> str:
    """A query fit to go inside ``COPY (...)``: its final ``;`` dropped, also before trailing
    ``--`` comments (the closing bracket goes on a line of its own, after any comment).

    Examples
    --------
    >>> _copy_body("select * from events; -- police only")
    'select * from events -- police only'
    """
    return re.sub(r";((?:\s*--[^\n]*)*)\s*$", r"\1", sql.strip())


def _statement(name, value, tables, inspector, shown):
    """The ``SELECT`` for one contract table and how errors name it; ``None`` if absent."""
    import sqlalchemy as sa

    if is_query(value):
        return sa.text(value), f"query for {name}"
    schema, _, table = value.rpartition(".")
    if not inspector.has_table(table, schema=schema or None):
        if name in ("people", "events") or name in tables:
            raise DataValidationError(NO_TABLE.format(url=shown, table=value, name=name))
        return None, ""
    selected = sa.select(sa.text("*")).select_from(sa.table(table, schema=schema or None))
    return selected, f"table {value}"


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as the CSV reader would give it: text, with ``NULL`` as missing.

    Dates become ``YYYY-MM-DD`` (a time, if any, follows), whole numbers lose no digits and
    gain no ``.0``, other numbers keep every digit Python needs to read them back exactly.
    """
    out = {}
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        missing = values.isna().to_numpy()
        if pd.api.types.is_datetime64_any_dtype(values):
            text = values.dt.strftime("%Y-%m-%d %H:%M:%S").str.removesuffix(" 00:00:00")
        elif pd.api.types.is_float_dtype(values) and _whole(values):
            text = values.astype("Int64").astype("string")
        elif values.dtype == object:  # dates, decimals, bytes, text: str() once per value
            codes, uniques = pd.factorize(values)
            texts = np.array([*(_text(u) for u in uniques), np.nan], dtype=object)
            out[position] = pd.Series(texts[codes], index=frame.index, dtype=object)
            continue
        else:
            text = values.astype("string")
        out[position] = pd.Series(
            np.where(missing, np.nan, text.astype(object)), index=frame.index, dtype=object
        )
    result = pd.DataFrame(out, index=frame.index)
    result.columns = [str(c) for c in frame.columns]
    return result


def _whole(values: pd.Series) -> bool:
    present = values.dropna()
    return bool(len(present)) and bool(
        (np.isfinite(present) & (present == np.floor(present)) & (present.abs() < 2**53)).all()
    )


def _text(value) -> str:
    """One value as text; dates and times in ISO form (Python's ``str`` of a date already is)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8")
    return str(value)


def load_sql_dataset(
    url,
    *,
    tables: dict[str, str] | None = None,
    extraction_date=None,
    vocabulary: VocabularyConfig | None = None,
    password: str | None = None,
) -> Dataset:
    """Load and validate the data contract from a database.

    Parameters
    ----------
    url : str or sqlalchemy.engine.URL
        An SQLAlchemy database URL, e.g. ``postgresql://analyst@warehouse:5432/vru``. A
        password in it is used and never shown; better, leave it out and let the driver find
        it (``PGPASSWORD``, ``~/.pgpass``).
    tables : dict, optional
        Contract table -> a table (``schema.table``) or a ``SELECT`` query. Unnamed tables are
        read from tables of their own names (``links``, ``interventions``, ``lists`` only when
        present).
    extraction_date : str or date, optional
        When the extract was taken; without it, inferred as the last record date with a
        logged warning (a database has no ``dataset.json``).
    vocabulary : VocabularyConfig, optional
        Maps the extract's event types and roles onto the canonical ones.
    password : str, optional
        Used to connect instead of any password in ``url``.

    Returns
    -------
    Dataset
        With ``source`` the masked URL.

    Raises
    ------
    DataValidationError
        One line naming the masked URL and the table or query, column and rows at fault,
        exactly as for files; or why the database could not be read.

    Examples
    --------
    >>> import sqlite3, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "vru.db"
    >>> with sqlite3.connect(path) as db:
    ...     _ = db.execute("create table people (person_id text, birth_date date)")
    ...     _ = db.execute("insert into people values ('a', '2005-01-01')")
    ...     _ = db.execute("create table events (person_id text, event_date date, event_type text)")
    ...     _ = db.execute("insert into events values ('a', '2020-05-01', 'violence')")
    >>> ds = load_sql_dataset(f"sqlite:///{path}", extraction_date="2021-01-01")
    >>> ds.n_people, len(ds.events), len(ds.links)
    (1, 1, 0)
    """
    from vrurisk.data._dataset import Dataset

    frames, names, shown = read_sql_tables(url, tables, password=password)
    names["metadata"] = "extraction_date"
    dataset = Dataset.from_frames(
        *(frames[name] for name in TABLES),  # people, events, links
        extraction_date=extraction_date,
        source=shown,
        names={name: names.get(name, f"{shown} table {name}") for name in (*TABLES, "metadata")},
        vocabulary=vocabulary,
    )
    optional = {name: frames[name] for name in OPTIONAL_TABLES if frames.get(name) is not None}
    if not optional:
        return dataset
    return dataset.with_tables({name: names[name] for name in optional}, **optional)
