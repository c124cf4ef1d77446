"""The audit log: one whole JSON line per entry, append-only, safe under concurrent writers."""

from __future__ import annotations

import json
import multiprocessing
import os

import pytest
from cli_helpers import run_cli

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


def test_entries_are_appended_never_rewritten_and_old_entries_said_to_be_unchained(tmp_path):
    log = tmp_path / "audit.jsonl"
    log.write_text('{"command": "train", "old": true}\n{"command": "score", "old": true}\n')
    audit_log.record("score", path=log)
    audit_log.record("audit", path=log)
    entries = audit_log.read_log(log)
    assert [e["command"] for e in entries] == ["train", "score", "score", "audit"]
    assert entries[0] == {"command": "train", "old": True}
    report = audit_log.verify_log(log)
    assert report.ok and report.first_chained == 3
    assert report.message == (
        "4 entries, chain intact from line 3; entries before line 3 are not chained (written "
        "before the audit log was hash-chained) and cannot be checked"
    )
    lines = _lines(log)
    lines[1] = lines[1].replace(b"score", b"scroe")
    _write_lines(log, lines)
    assert not audit_log.verify_log(log).ok  # the first chained entry covers the line before


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


def test_concurrent_writers_never_interleave_and_keep_the_chain_intact(tmp_path):
    log = tmp_path / "audit.jsonl"
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(4) as pool:
        assert sum(pool.map(_writer, [(log, w, 50) for w in range(4)])) == 200
    entries = audit_log.read_log(log)
    assert len(entries) == 200
    seen = {(e["details"]["worker"], e["details"]["i"]) for e in entries}
    assert seen == {(w, i) for w in range(4) for i in range(50)}
    report = audit_log.verify_log(log)  # without the lock the chain breaks within ~10 lines
    assert report.ok, report.message


# --- tamper evidence: a hash chain over the lines, checked by verify_log / `vrurisk log verify`


def _chained_log(tmp_path, n=5):
    log = tmp_path / "audit.jsonl"
    for i in range(n):
        audit_log.record("score", path=log, details={"i": i})
    return log


def _lines(log):
    return log.read_bytes().split(b"\n")[:-1]


def _write_lines(log, lines):
    log.write_bytes(b"".join(line + b"\n" for line in lines))


def test_each_entry_carries_the_hash_of_the_line_before(tmp_path):
    import hashlib

    log = _chained_log(tmp_path, 3)
    lines = _lines(log)
    entries = [json.loads(line) for line in lines]
    assert entries[0]["prev_sha256"] == audit_log.GENESIS
    for before, entry in zip(lines, entries[1:], strict=False):
        assert entry["prev_sha256"] == hashlib.sha256(before).hexdigest()
    report = audit_log.verify_log(log)
    assert report.ok and report.n_entries == 3 and report.first_chained == 1
    assert report.message == "3 entries, chain intact"


def _tampered(tmp_path, change):
    """Verify a 5-entry chained log after ``change(lines)`` returned its new lines."""
    log = _chained_log(tmp_path)
    _write_lines(log, change(_lines(log)))
    return log, audit_log.verify_log(log)


def _edit_user(line):
    entry = json.loads(line)
    entry["user"] = "someone-else"
    entry["sha256"] = audit_log._entry_hash(entry)  # a careful forger recomputes the entry hash
    return json.dumps(entry, sort_keys=True, ensure_ascii=True).encode()


def test_an_edited_entry_is_named(tmp_path):
    log, report = _tampered(
        tmp_path, lambda lines: [*lines[:2], lines[2].replace(b'"i": 2', b'"i": 7'), *lines[3:]]
    )
    assert not report.ok and report.line == 3
    assert report.message == (
        f"{log}: line 3 was edited: its contents no longer match the hash it was written with"
    )


def test_an_edit_with_a_recomputed_entry_hash_is_caught_by_the_next_line(tmp_path):
    _, report = _tampered(tmp_path, lambda lines: [lines[0], _edit_user(lines[1]), *lines[2:]])
    assert not report.ok and report.line == 3
    assert "line 2 was edited or an entry after it was removed" in report.message


def test_a_deleted_entry_is_named(tmp_path):
    log, report = _tampered(tmp_path, lambda lines: [lines[0], *lines[2:]])
    assert not report.ok and report.line == 2
    assert report.message == (
        f"{log}: line 2 does not follow line 1: line 1 was edited or an entry after it was removed"
    )


def test_a_deleted_first_entry_is_named(tmp_path):
    _, report = _tampered(tmp_path, lambda lines: lines[1:])
    assert not report.ok and report.line == 1
    assert "the entry before line 1 is missing" in report.message


def test_reordered_entries_are_named(tmp_path):
    log, report = _tampered(tmp_path, lambda lines: [lines[0], lines[2], lines[1], *lines[3:]])
    assert not report.ok and report.line == 2
    assert report.message == (
        f"{log}: line 2 is out of order: it was written after line 3, not after line 1"
    )


def test_a_log_truncated_mid_line_is_named(tmp_path):
    log = _chained_log(tmp_path)
    data = log.read_bytes()
    log.write_bytes(data[: len(data) - 40])
    report = audit_log.verify_log(log)
    assert not report.ok and report.line == 5
    assert report.message == (
        f"{log}: line 5 is incomplete (no end of line): the log was truncated or a write "
        "was cut short"
    )


def test_whole_entries_cut_from_the_end_are_caught_against_a_recorded_head(tmp_path):
    log = _chained_log(tmp_path)
    head = audit_log.verify_log(log).head
    audit_log.record("score", path=log)  # the log grows: the old head is still in it
    assert audit_log.verify_log(log, head=head).ok
    _write_lines(log, _lines(log)[:3])
    assert audit_log.verify_log(log).ok  # the chain alone cannot see a clean cut at the end
    report = audit_log.verify_log(log, head=head)
    assert not report.ok and report.line == 4
    assert report.message == (
        f"{log}: the recorded head sha256:{head[:16]}... is not in the log (3 entries): "
        "entries from line 4 on were removed or the end of the log was rewritten"
    )


def test_an_entry_without_a_hash_inside_the_chain_is_named(tmp_path):
    log, report = _tampered(tmp_path, lambda lines: [*lines[:2], b'{"command": "x"}', *lines[2:]])
    assert not report.ok and report.line == 3
    assert report.message == (
        f"{log}: line 3 has no previous-entry hash inside the chained log: it was inserted "
        "or edited"
    )


def test_an_empty_log_verifies_and_an_absent_one_is_an_error(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    assert audit_log.verify_log(tmp_path / "empty.jsonl").message == "0 entries, chain intact"
    with pytest.raises(VruriskError) as info:
        audit_log.verify_log(tmp_path / "none.jsonl")
    assert str(info.value) == f"cannot read the audit log {tmp_path / 'none.jsonl'} (no such file)"


def test_cli_log_verify(tmp_path, monkeypatch):
    log = _chained_log(tmp_path, 3)
    head = audit_log.verify_log(log).head
    code, out, err = run_cli("log", "verify", log)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "3 entries, chain intact",
        f"head sha256:{head} (keep it: 'vrurisk log verify --head' with it later shows whether "
        "entries were cut from the end)",
    ]
    monkeypatch.setenv(audit_log.AUDIT_LOG_ENV_VAR, str(log))
    assert run_cli("log", "verify", "--head", head)[0] == 0  # default: the env's log
    lines = _lines(log)
    del lines[1]
    _write_lines(log, lines)
    code, out, err = run_cli("log", "verify", log)
    assert (code, out) == (2, "")
    assert err == (
        f"error: {log}: line 2 does not follow line 1: line 1 was edited or an entry after it "
        "was removed\n"
    )
    code, out, err = run_cli("log", "verify", tmp_path / "absent.jsonl")
    assert code == 2 and err.startswith("error: cannot read the audit log")


def test_appending_after_a_cut_write_keeps_lines_whole(tmp_path):
    log = _chained_log(tmp_path, 2)
    with open(log, "ab") as handle:
        handle.write(b'{"command": "sco')
    audit_log.record("audit", path=log)
    report = audit_log.verify_log(log)
    assert not report.ok and report.line == 3
    assert "line 3 is not a JSON entry" in report.message
    assert len(_lines(log)) == 4
