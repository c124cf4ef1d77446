"""`data: {url: ...}`: train and score from a real PostgreSQL exactly as from files.

The small population is written as CSV files and loaded into PostgreSQL (dates as SQL DATE);
a model trained from the database scores the same people identically whether the scoring
config reads the files or the database. The database password appears nowhere: not in what the
commands print, the MLflow store, the bundle or the audit log.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from cli_helpers import run_cli
from config_helpers import tiny_raw_config
from mlflow_store import fresh_sqlite_store
from pg_helpers import load_tables

from vrurisk.data import save_dataset

DATE_COLUMNS = {"people": ("birth_date",), "events": ("event_date",), "links": ("link_date",)}
AS_OF = "2024-07-01"
KEY = "sql-test-pseudonym-key-0123456789"


@pytest.fixture(scope="module")
def warehouse(small_population, postgres_server, tmp_path_factory):
    """Config writer for the same extract as files (``data``) and in PostgreSQL."""
    root = tmp_path_factory.mktemp("warehouse")
    save_dataset(small_population.dataset, root / "data", format="csv")
    frames = {
        name: pd.read_csv(
            root / "data" / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""]
        )
        for name in ("people", "events", "links")
    }
    url = postgres_server.create_database("warehouse")
    load_tables(url, frames, dates=DATE_COLUMNS)
    store = fresh_sqlite_store(root)
    extraction = str(small_population.dataset.extraction_date.date())

    def write_config(name: str, data: dict) -> str:
        raw = tiny_raw_config(
            data=data,
            models={"baseline": {}},
            tracking={"uri": f"sqlite:///{store}", "registered_model": "sql-test"},
        )
        path = root / f"{name}.yaml"
        path.write_text(yaml.safe_dump(raw), encoding="utf-8")
        return path

    return {
        "root": root,
        "url": url,
        "password": postgres_server.password,
        "files": write_config("files", {"path": "data"}),
        "sql": write_config("sql", {"url": url, "extraction_date": extraction}),
        "write_config": write_config,
        "extraction": extraction,
    }


@pytest.fixture(scope="module")
def trained_from_sql(warehouse, tmp_path_factory):
    """``vrurisk train`` of the database config (tracked), then scored from both sources."""
    root = warehouse["root"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VRURISK_AUDIT_LOG", str(root / "audit.jsonl"))
        patch.setenv("VRURISK_PSEUDONYM_KEY", KEY)
        train = run_cli("train", warehouse["sql"])
        scores = {
            source: run_cli(
                "score", warehouse[source], "--as-of", AS_OF, "--out", root / f"bundle-{source}"
            )
            for source in ("files", "sql")
        }
    return train, scores


@pytest.mark.slow
def test_the_database_gives_the_files_features_and_scores(trained_from_sql, warehouse):
    train, scores = trained_from_sql
    assert train.code == 0, train.err
    assert "Registered model: models:/sql-test@champion" in train.out
    for run in scores.values():
        assert run.code == 0, run.err
    root = warehouse["root"]
    from_files = pd.read_parquet(root / "bundle-files" / "scores.parquet")
    from_sql = pd.read_parquet(root / "bundle-sql" / "scores.parquet")
    assert len(from_sql) > 100
    pd.testing.assert_frame_equal(from_sql, from_files)
    manifests = [
        json.loads((root / f"bundle-{s}" / "manifest.json").read_text()) for s in ("files", "sql")
    ]
    assert manifests[0]["data"]["fingerprint"] == manifests[1]["data"]["fingerprint"]


@pytest.mark.slow
def test_the_password_appears_nowhere(trained_from_sql, warehouse):
    train, scores = trained_from_sql
    password = warehouse["password"].encode()
    printed = [train.out, train.err, *(r.out + r.err for r in scores.values())]
    assert not [text for text in printed if warehouse["password"] in text]
    root = warehouse["root"]
    written = [p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".yaml")]
    assert any(p.name == "mlflow.db" for p in written) and (root / "audit.jsonl").exists()
    assert any(p.name == "config.json" for p in written)  # the config logged to MLflow
    assert [p for p in written if password in p.read_bytes()] == []
    audit = (root / "audit.jsonl").read_text()
    assert "postgresql://vrurisk:***@127.0.0.1:" in audit  # the source, masked


def test_bad_rows_in_the_database_stop_scoring_with_one_line_and_write_nothing(
    warehouse, monkeypatch
):
    monkeypatch.setenv("VRURISK_PSEUDONYM_KEY", KEY)
    config = warehouse["write_config"](
        "broken",
        {
            "url": warehouse["url"],
            "extraction_date": warehouse["extraction"],
            "tables": {"people": "select person_id, sex from people"},
        },
    )
    out = warehouse["root"] / "bundle-broken"
    run = run_cli("score", config, "--as-of", AS_OF, "--out", out)
    assert run.code == 2
    error = run.err.strip().splitlines()[-1]
    assert error.startswith("error: postgresql://vrurisk:***@127.0.0.1:")
    assert "query for people: missing required column(s) ['birth_date']" in error
    assert warehouse["password"] not in run.err and not out.exists()
