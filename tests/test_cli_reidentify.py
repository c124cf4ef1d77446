"""``vrurisk reidentify``: keys back to ids for key holders, audit-logged before any is shown."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest
from cli_helpers import run_cli

from vrurisk import audit_log
from vrurisk.data import Dataset, save_dataset
from vrurisk.privacy import load_key, pseudonymise

SECRET = "reidentify-test-secret-0123456789"
IDS = ["p1", "p2", "p3", "007"]


@pytest.fixture
def setup(tmp_path, monkeypatch):
    people = pd.DataFrame({"person_id": IDS, "birth_date": ["2005-01-01"] * 4})
    events = pd.DataFrame(
        {"person_id": ["p1"], "event_date": ["2020-01-01"], "event_type": ["asb"]}
    )
    links = pd.DataFrame({"person_a": ["p1"], "person_b": ["p2"], "link_date": ["2020-01-01"]})
    ds = Dataset.from_frames(people, events, links, extraction_date="2024-01-01")
    save_dataset(ds, tmp_path / "data", format="csv")
    monkeypatch.setenv("VRURISK_PSEUDONYM_KEY", SECRET)
    monkeypatch.setenv("VRURISK_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    monkeypatch.chdir(tmp_path)  # a default output file never lands in the repository
    keys = pseudonymise(["007", "p2"], load_key())
    (tmp_path / "keys.txt").write_text(f"{keys[0]}\n\n{keys[1]}\nffffffffffffffff\n")
    return {"root": tmp_path, "data": tmp_path / "data", "keys": keys, "dataset": ds}


def test_keys_file_to_stdout_and_audit_log(setup, monkeypatch, capsys):
    root = setup["root"]
    code, out, err = run_cli(
        "reidentify", "--keys", root / "keys.txt", "--data", setup["data"], "--stdout"
    )
    assert code == 0
    assert out.splitlines() == [
        "key,person_id",
        f"{setup['keys'][0]},007",
        f"{setup['keys'][1]},p2",
        "ffffffffffffffff,",
    ]
    key_id = load_key().key_id
    assert err == f"reidentify: 2 of 3 keys matched (key id {key_id}); recorded in the audit log\n"
    (entry,) = audit_log.read_log(root / "audit.jsonl")
    assert entry["command"] == "reidentify"
    assert entry["output"] == "stdout"
    assert entry["data_fingerprint"] == setup["dataset"].fingerprint()
    assert entry["details"]["n_keys"] == 3 and entry["details"]["n_matched"] == 2
    assert entry["details"]["key_id"] == key_id
    assert SECRET not in json.dumps(entry)
    assert "007" not in json.dumps(entry)  # the log records that ids were revealed, not which


def test_scores_file_and_private_output_file(setup, monkeypatch, capsys):
    root = setup["root"]
    pd.DataFrame({"key": setup["keys"], "probability": [0.3, 0.2]}).to_csv(
        root / "scores.csv", index=False
    )
    out_file = root / "secure" / "ids.csv"
    code, out, _ = run_cli(
        "reidentify",
        "--keys",
        root / "scores.csv",
        "--data",
        setup["data"],
        "--out",
        out_file,
    )
    assert code == 0 and out == ""
    assert pd.read_csv(out_file, dtype=str)["person_id"].tolist() == ["007", "p2"]
    assert (os.stat(out_file).st_mode & 0o777) == 0o600
    assert audit_log.read_log(root / "audit.jsonl")[0]["output"] == str(out_file)


def test_key_file_option(setup, monkeypatch, capsys):
    root = setup["root"]
    (root / "secret.key").write_text(SECRET + "\n")
    monkeypatch.delenv("VRURISK_PSEUDONYM_KEY")
    code, out, _ = run_cli(
        "reidentify",
        *("--keys", root / "keys.txt", "--data", setup["data"], "--key-file", root / "secret.key"),
        "--stdout",
    )
    assert code == 0 and ",007" in out


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("wrong_key", "error: none of the 3 key(s) in {keys} matches a person in {data}"),
        ("no_key", "error: no pseudonymisation key: set the environment variable"),
        ("no_keys_file", "error: {keys}: cannot be read (No such file or directory)"),
        ("bad_data", "error: {data}: no people.csv or people.parquet found"),
        ("bad_column", "error: {keys}: needs a 'key' column (found columns ['a', 'b'])"),
        ("log_unwritable", "error: cannot append to the audit log"),
    ],
)
def test_errors_are_one_line_exit_2_and_reveal_nothing(
    setup, monkeypatch, capsys, change, expected
):
    root = setup["root"]
    keys, data = root / "keys.txt", setup["data"]
    if change == "wrong_key":
        monkeypatch.setenv("VRURISK_PSEUDONYM_KEY", "another-secret-0123456789abcdef")
    elif change == "no_key":
        monkeypatch.delenv("VRURISK_PSEUDONYM_KEY")
    elif change == "no_keys_file":
        keys = root / "missing.txt"
    elif change == "bad_data":
        (data / "people.csv").unlink()
    elif change == "bad_column":
        keys = root / "two.csv"
        keys.write_text("a,b\n1,2\n")
    elif change == "log_unwritable":
        monkeypatch.setenv("VRURISK_AUDIT_LOG", str(root))  # a directory
    code, out, err = run_cli("reidentify", "--keys", keys, "--data", data)
    assert code == 2 and out == ""
    assert err.startswith(expected.format(keys=keys, data=data))
    assert err.count("\n") == 1


def test_demo_keys_use_the_demo_key_only_when_no_key_is_set(setup, monkeypatch, capsys):
    root = setup["root"]
    monkeypatch.delenv("VRURISK_PSEUDONYM_KEY")
    demo_keys = pseudonymise(["p3"], load_key(demo=True))
    (root / "demo.txt").write_text(demo_keys[0] + "\n")
    code, out, _ = run_cli(
        "reidentify", "--keys", root / "demo.txt", "--data", setup["data"], "--stdout"
    )
    assert code == 0 and out.splitlines()[1] == f"{demo_keys[0]},p3"
    assert audit_log.read_log(root / "audit.jsonl")[0]["details"]["key_source"] == "DEMO KEY"


def test_ids_go_to_an_owner_only_file_unless_stdout_is_asked_for(setup, monkeypatch):
    """Issue 17: reidentify used to print every raw id to the terminal by default."""
    root = setup["root"]
    monkeypatch.chdir(root)
    code, out, err = run_cli("reidentify", "--keys", root / "keys.txt", "--data", setup["data"])
    assert code == 0 and out == ""
    written = root / "reidentified-ids.csv"
    assert err.splitlines()[-1] == "reidentify: wrote reidentified-ids.csv (owner-only)"
    assert written.stat().st_mode & 0o777 == 0o600
    assert written.read_text().splitlines()[1] == f"{setup['keys'][0]},007"
    both = run_cli(
        "reidentify",
        "--keys",
        root / "keys.txt",
        "--data",
        setup["data"],
        "--stdout",
        "--out",
        root / "x.csv",
    )
    assert both.code == 2 and both.err == "error: give --out or --stdout, not both\n"
