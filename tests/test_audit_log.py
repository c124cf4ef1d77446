"""The audit log: one whole JSON line per entry, append-only, safe under concurrent writers."""

from __future__ import annotations

import json
import multiprocessing
import os

import pytest

from vrurisk import VruriskError, audit_log
from vrurisk.data import Dataset


class FakeConfig:
    name = "demo"
    config_hash = "c0ffee" * 10


def test_record_writes_every_governance_field(tmp_path):
    log = tmp_path / "audit.jsonl"
    entry = audit_log.record(
        "score",
        config=FakeConfig(),
        details={
            "out": tmp_path / "scores",
            "model_version": "3",
            "model_uri": "models:/vrurisk-risk@champion",
            "data_fingerprint": "f" * 64,
            "n_scored": 1234,
            "identifiers": "pseudonymised",
        },
        path=log,
    )
    (line,) = log.read_text().splitlines()
    assert json.loads(line) == entry
    assert entry["command"] == "score"
    assert entry["time"].endswith("Z") and entry["time"][:2] == "20"
    assert entry["user"]
    assert entry["config_hash"] == FakeConfig.config_hash and entry["config_name"] == "demo"
    assert entry["data_fingerprint"] == "f" * 64
    assert entry["model_version"] == "3"
    assert entry["n_scored"] == 1234
    assert entry["output"] == str(tmp_path / "scores")
    assert entry["details"] == {"identifiers": "pseudonymised"}


def test_dataset_fingerprint_and_direct_fields(tmp_path):
    ds = Dataset.from_frames(
        *_tiny(),
        extraction_date="2024-01-01",
    )
    entry = audit_log.record("reidentify", dataset=ds, path=tmp_path / "a.jsonl", n_scored=None)
    assert entry["data_fingerprint"] == ds.fingerprint()
    assert entry["data_source"] == "<memory>"


def _tiny():
    import pandas as pd

    people = pd.DataFrame({"person_id": ["a", "b"], "birth_date": ["2005-01-01", "2006-01-01"]})
    events = pd.DataFrame({"person_id": ["a"], "event_date": ["2020-01-01"], "event_type": ["x"]})
    links = pd.DataFrame({"person_a": ["a"], "person_b": ["b"], "link_date": ["2020-01-01"]})
    return people, events, links


def test_entries_are_appended_never_rewritten(tmp_path):
    log = tmp_path / "audit.jsonl"
    log.write_text('{"command": "train", "old": true}\n')
    audit_log.record("score", path=log)
    audit_log.record("audit", path=log)
    entries = audit_log.read_log(log)
    assert [e["command"] for e in entries] == ["train", "score", "audit"]
    assert entries[0] == {"command": "train", "old": True}


def test_default_path_and_environment_variable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(audit_log.AUDIT_LOG_ENV_VAR, raising=False)
    audit_log.record("train")
    assert (tmp_path / "vrurisk-audit.jsonl").exists()
    monkeypatch.setenv(audit_log.AUDIT_LOG_ENV_VAR, str(tmp_path / "logs" / "vru.jsonl"))
    audit_log.record("train")
    assert len(audit_log.read_log()) == 1
    assert len(audit_log.read_log(tmp_path / "vrurisk-audit.jsonl")) == 1


def test_log_file_is_private_to_its_owner(tmp_path):
    log = tmp_path / "audit.jsonl"
    audit_log.record("train", path=log)
    assert (os.stat(log).st_mode & 0o777) == 0o600


def test_unwritable_log_is_a_one_line_error(tmp_path):
    target = tmp_path / "a-directory"
    target.mkdir()
    with pytest.raises(VruriskError) as info:
        audit_log.record("score", path=target)
    assert str(info.value) == (
        f"cannot append to the audit log {target} (Is a directory); nothing was recorded"
    )


def test_newlines_in_values_stay_on_one_line(tmp_path):
    log = tmp_path / "audit.jsonl"
    audit_log.record("audit", path=log, output="a\nb", details={"note": "x\r\ny\u2028z"})
    assert len(log.read_bytes().splitlines()) == 1
    assert audit_log.read_log(log)[0]["details"]["note"] == "x\r\ny\u2028z"


def test_corrupt_log_line_is_reported(tmp_path):
    log = tmp_path / "audit.jsonl"
    log.write_text('{"command": "train"}\nnot json\n')
    with pytest.raises(VruriskError, match=r"line 2 of the audit log is not a JSON object$"):
        audit_log.read_log(log)


def _writer(args):
    path, worker, n = args
    for i in range(n):
        # big entries (well over PIPE_BUF) to show a single O_APPEND write keeps lines whole
        audit_log.record("score", path=path, details={"worker": worker, "i": i, "pad": "x" * 9000})
    return n


def test_concurrent_writers_never_interleave(tmp_path):
    log = tmp_path / "audit.jsonl"
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(4) as pool:
        assert sum(pool.map(_writer, [(log, w, 50) for w in range(4)])) == 200
    entries = audit_log.read_log(log)
    assert len(entries) == 200
    seen = {(e["details"]["worker"], e["details"]["i"]) for e in entries}
    assert seen == {(w, i) for w in range(4) for i in range(50)}
