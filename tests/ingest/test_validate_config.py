"""`vrurisk validate DATA --config CONFIG`: the data against what the config will do with it."""

from __future__ import annotations

import pytest
import yaml
from cli_helpers import run_cli
from config_helpers import tiny_raw_config

from vrurisk.data import save_dataset


@pytest.fixture(scope="module")
def data_dir(small_population, tmp_path_factory):
    directory = tmp_path_factory.mktemp("extract") / "data"
    save_dataset(small_population.dataset, directory)
    return directory


def write(tmp_path, data_dir, **sections):
    raw = tiny_raw_config(data={"path": str(data_dir)}, **sections)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_a_fitting_config_prints_the_table_and_exits_0(tmp_path, data_dir):
    code, out, err = run_cli("validate", str(data_dir), "--config", str(write(tmp_path, data_dir)))
    assert code == 0, err
    table = out.split("\n\n", 1)[1]
    lines = table.splitlines()
    assert lines[0].split() == ["check", "status", "detail"]
    checks = [line.split("  ")[0] for line in lines[2:]]
    assert checks[:3] == ["rows", "event types", "outcome"]
    assert "as-of 2023-01-01" in " ".join(checks)
    assert "PROBLEM" not in table
    assert "base rate" in table and "link sources" in table and "date range" in table


def test_an_outcome_that_never_occurs_exits_2(tmp_path, data_dir):
    config = write(tmp_path, data_dir, outcome={"event_types": ["homicide"]})
    code, out, err = run_cli("validate", str(data_dir), "--config", str(config))
    assert code == 2
    assert "outcome.event_types: none of 'homicide' occurs in events" in out
    assert (
        err.strip()
        .splitlines()[-1]
        .startswith("Error: 2 problem(s) would make training on this data meaningless")
    )


def test_missing_sensitive_attributes_and_an_empty_cohort_are_problems(tmp_path, data_dir):
    config = write(
        tmp_path,
        data_dir,
        fairness={"sensitive_attributes": ["religion"]},
        cohort={"min_age": 90, "max_age": 99},
    )
    code, out, _ = run_cli("validate", str(data_dir), "--config", str(config))
    assert code == 2
    assert "people has no column(s) ['religion']" in out
    assert "cohort 0: nobody aged 90-99" in out
