"""Reading the data contract from a SQL database: a real PostgreSQL started by the test.

The same tables give the same dataset as files; bad rows give the files' one-line errors (only
the name of the source differs); the password never shows.
"""

from __future__ import annotations

import pandas as pd
import pytest
from cli_helpers import run_cli
from contract_tables import EXTRACTION, tiny_frames, write_tables
from pg_helpers import load_tables

from vrurisk import ConfigError, DataValidationError
from vrurisk.data import DataConfig, load_dataset, load_sql_dataset, mask_url

DATE_COLUMNS = {"people": ("birth_date",), "events": ("event_date",), "links": ("link_date",)}


@pytest.fixture(scope="module")
def tiny_db(postgres_server, tmp_path_factory):
    """The contract's tiny tables in PostgreSQL (dates as SQL DATE) and as CSV files."""
    url = postgres_server.create_database()
    load_tables(url, tiny_frames(), dates=DATE_COLUMNS)
    directory = write_tables(tmp_path_factory.mktemp("tiny") / "d", tiny_frames(), "csv")
    return url, directory, postgres_server.password


def sql_error(url, **kwargs) -> str:
    with pytest.raises(DataValidationError) as info:
        load_sql_dataset(url, extraction_date=EXTRACTION, **kwargs)
    return str(info.value)


def file_error(directory) -> str:
    with pytest.raises(DataValidationError) as info:
        load_dataset(directory)
    return str(info.value)


def test_tables_read_from_postgres_equal_the_same_tables_read_from_files(tiny_db):
    url, directory, password = tiny_db
    from_files = load_dataset(directory)
    from_sql = load_sql_dataset(url, extraction_date=EXTRACTION)
    for name in ("people", "events", "links"):
        pd.testing.assert_frame_equal(getattr(from_sql, name), getattr(from_files, name))
    assert from_sql.fingerprint() == from_files.fingerprint()
    assert from_sql.extraction_date == from_files.extraction_date
    assert from_sql.source == mask_url(url)
    assert password not in from_sql.source and ":***@" in from_sql.source


def test_a_table_or_a_query_per_contract_table(tiny_db):
    url, _, _ = tiny_db
    dataset = load_sql_dataset(
        url,
        tables={
            "events": "select * from events where event_type <> 'asb'",
            "links": "public.links",
        },
        extraction_date=EXTRACTION,
    )
    assert len(dataset.events) == 4 and "asb" not in set(dataset.events["event_type"])
    assert len(dataset.links) == 3


def test_without_links_table_incidents_carry_the_ties(postgres_server):
    url = postgres_server.create_database()
    frames = tiny_frames()
    load_tables(url, {k: v for k, v in frames.items() if k != "links"}, dates=DATE_COLUMNS)
    dataset = load_sql_dataset(url, extraction_date=EXTRACTION)
    assert len(dataset.links) == 0 and len(dataset.events) == 5


def _drop_birth_date(frames):
    frames["people"] = frames["people"].drop(columns="birth_date")
    return "people"


def _uk_dates(frames):
    frames["events"].loc[[1, 3], "event_date"] = ["31/02/2021", "30/06/2022"]
    return "events"


def _unknown_person(frames):
    frames["links"].loc[2, "person_b"] = "nobody"
    return "links"


def _future_date(frames):
    frames["links"].loc[0, "link_date"] = "2030-01-01"
    return "links"


@pytest.mark.parametrize(
    "spoil", [_drop_birth_date, _uk_dates, _unknown_person, _future_date], ids=lambda f: f.__name__
)
def test_bad_rows_give_the_same_one_line_errors_as_files(postgres_server, tmp_path, spoil):
    frames = tiny_frames()
    table = spoil(frames)
    directory = write_tables(tmp_path / "d", frames, "csv")
    url = postgres_server.create_database()
    load_tables(url, frames)  # as text, as a careless export would
    from_sql, from_files = sql_error(url), file_error(directory)
    sql_name, file_name = f"{mask_url(url)} table {table}", str(directory / f"{table}.csv")
    assert from_sql.startswith(f"{sql_name}: ")
    assert from_sql.replace(sql_name, "X") == from_files.replace(file_name, "X")
    assert "\n" not in from_sql and postgres_server.password not in from_sql


def test_unknown_table_and_failing_query_are_one_line(tiny_db):
    url, _, password = tiny_db
    masked = mask_url(url)
    assert sql_error(url, tables={"people": "nobody_here"}) == (
        f"{masked}: no table 'nobody_here' for people in the database "
        "(name each contract table or a query under data.tables)"
    )
    message = sql_error(url, tables={"events": "select nope from events"})
    assert message.startswith(f"{masked} query for events: the database refused it (")
    assert 'column "nope" does not exist' in message
    assert "\n" not in message and password not in message


def test_missing_default_table_names_the_contract(postgres_server):
    url = postgres_server.create_database()
    load_tables(url, {"people": tiny_frames()["people"]}, dates=DATE_COLUMNS)
    assert sql_error(url) == (
        f"{mask_url(url)}: no table 'events' for events in the database "
        "(name each contract table or a query under data.tables)"
    )


def test_a_wrong_password_or_host_is_one_line_without_the_password(postgres_server):
    bad = postgres_server.url("postgres").replace(postgres_server.password, "Wr0ngPassw0rd")
    message = sql_error(bad)
    assert message.startswith(f"{mask_url(bad)}: cannot connect (")
    assert "Wr0ngPassw0rd" not in message and "\n" not in message


def test_mask_url_hides_passwords_in_the_userinfo_and_the_query():
    assert mask_url("postgresql://ana:s3cr%40t@db.vru.local:5432/warehouse") == (
        "postgresql://ana:***@db.vru.local:5432/warehouse"
    )
    assert mask_url("postgresql://ana@db/w?password=s3cret&sslmode=require") == (
        "postgresql://ana@db/w?password=***&sslmode=require"
    )
    assert mask_url("postgresql://ana@db/w") == "postgresql://ana@db/w"


def test_data_config_keeps_the_password_out_of_everything_it_shows(tiny_db):
    url, _, password = tiny_db
    config = DataConfig(url=url, extraction_date=EXTRACTION)
    shown = [config.url, config.source, repr(config), str(config), config.model_dump_json()]
    assert not [text for text in shown if password in text]
    assert config.url == mask_url(url)
    assert config.load().n_people == 4  # the password is still used to connect
    copied = config.model_copy(update={"extraction_date": None})
    assert copied.load(extraction_date=EXTRACTION).n_people == 4


def test_data_config_is_a_path_or_a_url():
    with pytest.raises(ValueError, match="data needs either path .* or url"):
        DataConfig()
    with pytest.raises(ValueError, match="not both"):
        DataConfig(path="d", url="postgresql://a@b/c")
    with pytest.raises(ValueError, match="data.tables is for a database"):
        DataConfig(path="d", tables={"people": "p"})
    with pytest.raises(ValueError, match="data.tables: unknown table 'persons'"):
        DataConfig(url="postgresql://a@b/c", tables={"persons": "p"})
    with pytest.raises(ValueError, match="not a database URL"):
        DataConfig(url="not a url")


def test_an_experiment_config_names_the_bad_data_key():
    from config_helpers import tiny_raw_config

    from vrurisk.config import validate_config

    raw = tiny_raw_config(data={"url": "postgresql://a@b/c", "tables": {"persons": "p"}})
    with pytest.raises(ConfigError, match=r"^data.tables: unknown table 'persons'"):
        validate_config(raw)


def test_cli_validate_and_profile_read_a_database(tiny_db, tmp_path):
    url, _, password = tiny_db
    run = run_cli("validate", url, "--extraction-date", EXTRACTION, "--table", "links=public.links")
    assert run.code == 0, run.err
    assert run.out.startswith(f"{mask_url(url)}: valid")
    assert password not in run.out + run.err
    run = run_cli("profile", url, "--out", tmp_path / "profile", "--extraction-date", EXTRACTION)
    assert run.code == 0, run.err
    written = "".join(p.read_text() for p in (tmp_path / "profile").iterdir())
    assert password not in written + run.out + run.err


def test_cli_bad_database_input_is_exit_2_one_line(tiny_db):
    url, _, password = tiny_db
    run = run_cli("validate", url, "--table", "people=nobody_here")
    assert run.code == 2
    assert run.err.count("\n") == 1 and "no table 'nobody_here'" in run.err
    assert password not in run.err
    run = run_cli("validate", url, "--table", "people")
    assert run.code == 2 and "--table must be NAME=TABLE_OR_QUERY" in run.err


def test_the_password_can_come_from_the_environment_instead(tiny_db, monkeypatch):
    url, _, password = tiny_db
    without = url.replace(f":{password}@", "@")
    monkeypatch.setenv("PGPASSWORD", password)  # libpq's own: no password in any config
    assert load_sql_dataset(without, extraction_date=EXTRACTION).n_people == 4


def test_cli_validate_reads_the_configs_database_when_given_no_data(tiny_db, tmp_path):
    import yaml
    from config_helpers import tiny_raw_config

    url, _, password = tiny_db
    data = {"url": url, "tables": {"links": "public.links"}, "extraction_date": EXTRACTION}
    config = tmp_path / "warehouse.yaml"
    config.write_text(yaml.safe_dump(tiny_raw_config(data=data)), encoding="utf-8")
    run = run_cli("validate", "--config", config)
    assert run.out.startswith(f"{mask_url(url)}: valid\n")
    assert password not in run.out + run.err
    run = run_cli("validate")
    assert run.code == 2 and "give the data to check" in run.err
    run = run_cli("validate", "--config", config, "--table", "links=public.links")
    assert run.code == 2 and "--table goes with a database URL given here" in run.err


def test_other_databases_read_rows_into_the_same_text(tmp_path):
    """SQLite (no COPY: rows fetched and turned into text) gives the files' dataset too."""
    directory = write_tables(tmp_path / "d", tiny_frames(), "csv")
    url = f"sqlite:///{tmp_path / 'vru.db'}"
    load_tables(url, tiny_frames(), dates=DATE_COLUMNS)
    from_sql = load_sql_dataset(url, extraction_date=EXTRACTION)
    from_files = load_dataset(directory)
    for name in ("people", "events", "links"):
        pd.testing.assert_frame_equal(getattr(from_sql, name), getattr(from_files, name))
    assert from_sql.fingerprint() == from_files.fingerprint()
