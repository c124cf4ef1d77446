"""Queries as analysts write them in ``data.tables`` (the outside review's cases, PostgreSQL)."""

from __future__ import annotations

import pytest
from contract_tables import EXTRACTION, tiny_frames
from pg_helpers import load_tables

from vrurisk.data import load_sql_dataset


@pytest.mark.parametrize(
    "query",
    [
        "select * from events -- police only, checked by Sam",
        "select * from events;",
        "select * from events; -- all of them\n-- (for the panel)",
        "-- this month's extract\nSELECT *\nFROM events\n",
        "select * from events /* all of them */ ;  ",
    ],
)
def test_a_query_with_a_comment_or_a_semicolon_reads_as_in_psql(postgres_server, query):
    # PostgreSQL reads a query as COPY (query) TO STDOUT: a trailing -- comment swallowed the
    # closing bracket and "the database refused it" a query that runs in psql
    url = postgres_server.create_database()
    load_tables(url, tiny_frames(), dates={"events": ("event_date",)})
    dataset = load_sql_dataset(url, tables={"events": query}, extraction_date=EXTRACTION)
    assert len(dataset.events) == len(tiny_frames()["events"])
