"""Retention (issue 12, item 6): lists and decisions older than the period are listed, and
deleted only with --apply, keeping aggregate files; nothing that is not a bundle is touched."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run_cli
from decisions_helpers import filled, make_bundle

from vrurisk import audit_log
from vrurisk.decisions import KEPT, read_decisions

TODAY = "2028-01-15"


@pytest.fixture()
def lists(tmp_path):
    root = tmp_path / "scores"
    old = make_bundle(root / "tiny-2025-06-30", as_of="2025-06-30")
    for name in ("fairness.json", "bias_audit.html", "model_card.html"):  # aggregate files
        (old / name).write_text("{}")
    manifest = json.loads((old / "manifest.json").read_text())
    manifest["files"].update(
        {n: "x" for n in ("fairness.json", "bias_audit.html", "model_card.html")}
    )
    (old / "manifest.json").write_text(json.dumps(manifest))
    assert run_cli("decisions", "record", old, filled(old, tmp_path / "june.csv")).code == 0
    make_bundle(root / "tiny-2026-03-31", as_of="2026-03-31")  # within 24 months of TODAY
    notes = root / "notes"  # not a bundle: a manifest.json beside a file it does not list
    notes.mkdir()
    (notes / "manifest.json").write_text(json.dumps({"as_of": "2020-01-01", "files": {}}))
    (notes / "minutes.docx").write_text("panel minutes")
    (root / "readme.txt").write_text("keep me")
    return root


def _tree(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_without_apply_nothing_is_deleted(lists):
    before = _tree(lists)
    code, out, err = run_cli("retention", lists, "--months", "24", "--today", TODAY)
    assert code == 0, err
    assert "lists dated before 2026-01-15 expire (1 expired, 1 within the period" in out
    assert "Would delete from" in out and "tiny-2025-06-30" in out
    assert "decisions, decisions_template.csv, scores.csv, scores.parquet" in out
    assert "Skipped " in out and "notes: not a vrurisk score bundle" in out
    assert "Nothing was deleted" in out
    assert _tree(lists) == before


def test_apply_deletes_personal_files_and_decisions_keeps_aggregates_and_logs(lists):
    log = audit_log.audit_log_path()
    n = len(audit_log.read_log(log)) if log.exists() else 0
    code, out, err = run_cli("retention", lists, "--months", "24", "--today", TODAY, "--apply")
    assert code == 0, err
    old = lists / "tiny-2025-06-30"
    kept = {"manifest.json", "fairness.json", "bias_audit.html", "model_card.html"}
    assert kept <= set(KEPT) and {p.name for p in old.iterdir()} == kept
    assert read_decisions(old) is None
    manifest = json.loads((old / "manifest.json").read_text())
    assert set(manifest["files"]) == {"fairness.json", "bias_audit.html", "model_card.html"}
    assert manifest["retention"]["deleted_on"] == TODAY
    assert manifest["retention"]["decision_versions"][0]["counts"] == {"monitor": 10}
    # the list within the period, the non-bundle directory and the loose file are untouched
    assert (lists / "tiny-2026-03-31" / "scores.parquet").exists()
    assert (lists / "notes" / "minutes.docx").exists() and (lists / "readme.txt").exists()
    entries = audit_log.read_log(log)[n:]
    assert [e["command"] for e in entries] == ["retention"]
    assert entries[0]["output"] == str(old) and "scores.csv" in entries[0]["details"]["deleted"]
    # a second run finds nothing more to delete
    code, out, err = run_cli("retention", lists, "--months", "24", "--today", TODAY, "--apply")
    assert "(0 expired, 1 within the period, 1 already without personal data)" in out
    assert len(audit_log.read_log(log)) == n + 1


def test_a_config_gives_the_period_and_its_bundles(lists, tmp_path, monkeypatch):
    import yaml
    from config_helpers import tiny_raw_config

    raw = tiny_raw_config(name="tiny", governance={"retention_months": 30})
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(raw))
    monkeypatch.chdir(tmp_path)  # the config's bundles are in ./scores by default
    code, out, err = run_cli("retention", tmp_path / "c.yaml", "--today", TODAY)
    assert code == 0, err
    assert "Retention 30 months: lists dated before 2025-07-15 expire (1 expired" in out
    del raw["governance"]
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(raw))
    code, out, err = run_cli("retention", tmp_path / "c.yaml")
    assert code == 2 and "governance.retention_months is not set" in err and "--months" in err
    code, out, err = run_cli("retention", lists)
    assert code == 2 and err.count("\n") == 1 and "give the retention period (--months)" in err
