"""`vrurisk validate --model` refuses the event types `vrurisk score` refuses (issue 11 trap 8).

Before, validate accepted an event type the model was never trained on ("knife crime") and only
score refused it; now both refuse the same data, validate in one line naming the file, the
column and example rows.
"""

from __future__ import annotations

import re

import pytest
import yaml
from cli_helpers import run_cli
from scoring_helpers import relabelled

from vrurisk.data import save_dataset

MODEL = "models:/tiny-risk@champion"


@pytest.fixture(scope="module")
def knife_crime(registered_setup, tmp_path_factory):
    """The session's data with two events relabelled 'knife crime', and a config reading it."""
    s = registered_setup
    changed = relabelled(s["dataset"], [2, 9], "knife crime")
    root = tmp_path_factory.mktemp("knife")
    save_dataset(changed, root / "data", format="csv")
    raw = yaml.safe_load(s["config_path"].read_text())
    raw["data"]["path"] = str(root / "data")
    config = root / "knife.yaml"
    config.write_text(yaml.safe_dump(raw))
    return root, config


def test_validate_refuses_an_event_type_the_model_never_saw_in_one_line(knife_crime):
    root, config = knife_crime
    code, out, err = run_cli("validate", root / "data", "--config", config, "--model", MODEL)
    assert code == 2
    assert err.count("\n") == 1, err
    events_file = root / "data" / "events.csv"
    assert re.fullmatch(
        rf"error: {re.escape(str(events_file))}, column 'event_type': event type\(s\) "
        r"'knife crime' \(2 row\(s\): person \S+ on \d{4}-\d\d-\d\d, person \S+ on "
        r"\d{4}-\d\d-\d\d\) did not occur in the data the model was trained on; map them onto "
        r"known types in the config's vocabulary.event_types, or retrain\n",
        err,
    ), err


def test_score_refuses_the_same_data(knife_crime, monkeypatch):
    root, config = knife_crime
    monkeypatch.setenv("VRURISK_PSEUDONYM_KEY", "k" * 32)
    code, _, err = run_cli("score", config, "--model", MODEL, "--out", root / "bundle")
    assert code == 2
    assert "event type(s) 'knife crime' (2 row(s)" in err
    assert not (root / "bundle").exists()


def test_validate_accepts_the_data_the_model_was_trained_on(registered_setup):
    s = registered_setup
    data = yaml.safe_load(s["config_path"].read_text())["data"]["path"]
    code, out, err = run_cli("validate", data, "--config", s["config_path"], "--model", MODEL)
    assert "knife" not in err and "did not occur" not in err
    assert re.search(r"event types vs model\s+ok\s", out), out


def test_without_a_model_validate_says_types_were_not_checked(registered_setup, knife_crime):
    root, config = knife_crime
    code, out, err = run_cli("validate", root / "data", "--config", config)
    assert "not checked against a model" in out
    assert "knife crime" in out  # still listed as a type vrurisk has no word for
