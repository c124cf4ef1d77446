"""Where an extract comes from: a directory of files or a database, as one config section.

``data: {path: extract/}`` reads ``people``/``events``/``links`` files; ``data: {url: ...,
tables: {...}}`` reads them from a database (see :mod:`vrurisk.data._sql`). Either way the same
validation runs and the same :class:`~vrurisk.data.Dataset` comes out.

A password written in ``data.url`` is taken out of the URL as soon as the section is
validated: the field keeps ``***`` in its place (so the config logged to MLflow, its hash, the
audit log and every message show no secret), and the password itself lives only in a private
attribute that nothing serialises.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field, PrivateAttr, model_serializer, model_validator

from vrurisk._section import Section
from vrurisk.data._sql import (
    SQL_TABLES,
    check_table_value,
    load_sql_dataset,
    looks_like_url,
    split_password,
)

if TYPE_CHECKING:
    from vrurisk.data._dataset import Dataset
    from vrurisk.data._vocabulary import VocabularyConfig

NO_SOURCE = "data needs either path (a directory of tables) or url (a database), not both"
TABLES_NEED_URL = (
    "data.tables is for a database (data.url); a directory's tables are its files "
    "(people.csv, events.csv, ...)"
)
UNKNOWN_TABLE = "data.tables: unknown table {name!r}; allowed: {allowed}"


class DataConfig(Section):
    """Where the data extract is: a directory (``path``) or a database (``url``).

    Attributes
    ----------
    path : Path, optional
        A directory of ``people``, ``events`` (and ``links``, ``interventions``, ``lists``)
        as CSV or Parquet, relative to the config file.
    url : str, optional
        An SQLAlchemy database URL, e.g. ``postgresql://analyst@warehouse:5432/vru``
        (a relative ``sqlite:///`` path is relative to the config file). Shown with any
        password masked as ``***``.
    tables : dict
        With ``url``: contract table -> a table name (``schema.table``) or a ``SELECT``
        query. Tables left out are read from tables of their own names.
    extraction_date : date, optional
        When the extract was taken (a database has no ``dataset.json``).

    Examples
    --------
    >>> from vrurisk.data import DataConfig
    >>> data = DataConfig(url="postgresql://ana:s3cret@db/vru",
    ...                   tables={"events": "select * from crime.events_v"})
    >>> data.source
    'postgresql://ana:***@db/vru'
    """

    path: Path | None = None
    url: str | None = None
    tables: dict[str, str] = Field(default_factory=dict)
    extraction_date: dt.date | None = None

    _password: str | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_the_password_apart(cls, data: Any, handler):
        password = None
        if isinstance(data, dict) and isinstance(data.get("url"), str):
            if not looks_like_url(data["url"]):
                raise ValueError(mask_url_or_text(data["url"]))
            masked, password = split_password(data["url"])
            data = {**data, "url": masked}
        section = handler(data)
        if password is not None:
            section._password = password
        return section

    @model_validator(mode="after")
    def _one_source(self) -> DataConfig:
        if (self.path is None) == (self.url is None):
            raise ValueError(NO_SOURCE)
        if self.tables and self.url is None:
            raise ValueError(TABLES_NEED_URL)
        for name, value in self.tables.items():
            if name not in SQL_TABLES:
                raise ValueError(UNKNOWN_TABLE.format(name=name, allowed=", ".join(SQL_TABLES)))
            check_table_value(name, value)
        return self

    @model_serializer(mode="wrap")
    def _only_what_is_set(self, handler):
        # a directory config dumps (and hashes) as it did before databases were possible
        dumped = handler(self)
        if self.url is None:
            dumped.pop("url", None)
            dumped.pop("tables", None)
        else:
            dumped.pop("path", None)
        return dumped

    @property
    def source(self) -> str:
        """The directory, or the URL with its password masked: what messages show."""
        return str(self.path) if self.url is None else self.url

    def load(self, *, extraction_date=None, vocabulary: VocabularyConfig | None = None) -> Dataset:
        """Load and validate the extract (``extraction_date`` overrides the section's)."""
        extraction = extraction_date if extraction_date is not None else self.extraction_date
        if self.url is None:
            from vrurisk.data._dataset import load_dataset

            return load_dataset(self.path, extraction_date=extraction, vocabulary=vocabulary)
        return load_sql_dataset(
            self.url,
            tables=self.tables,
            extraction_date=extraction,
            vocabulary=vocabulary,
            password=self._password,
        )


def mask_url_or_text(text: str) -> str:
    """The message for a ``data.url`` that is no URL (without any password it might hold)."""
    from vrurisk.data._sql import NOT_A_URL

    return NOT_A_URL.format(url=text.split("@")[-1] if "@" in text else text)


def data_source(where, *, tables: dict[str, str] | None = None) -> DataConfig:
    """A :class:`DataConfig` for a directory or a database URL given on its own.

    Examples
    --------
    >>> data_source("extract/2026-10").path
    PosixPath('extract/2026-10')
    >>> data_source("postgresql://ana@db/vru", tables={"events": "crime.events"}).tables
    {'events': 'crime.events'}
    """
    from pydantic import ValidationError

    from vrurisk._config_errors import format_validation_error
    from vrurisk._errors import ConfigError

    key = "url" if looks_like_url(str(where)) else "path"
    raw: dict[str, Any] = {key: str(where)}
    if tables:
        raw["tables"] = tables
    try:
        return DataConfig.model_validate(raw)
    except ValidationError as exc:
        message = format_validation_error(exc, DataConfig)
        raise ConfigError(message.removeprefix("config: ")) from exc
