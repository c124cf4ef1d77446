"""The demo's own steps: it owns a fixed set of names in --out and clears only those."""

from __future__ import annotations

from vrurisk.config import validate_config
from vrurisk.scoring._demo import DEMO_OWNED, demo_config, demo_reset


def test_reset_removes_only_what_the_demo_owns(tmp_path):
    out = tmp_path / "demo"
    (out / "bundle").mkdir(parents=True)
    (out / "bundle" / "panel.html").write_text("old")
    (out / "mlruns" / "1").mkdir(parents=True)
    for name in ("mlflow.db", "demo.yaml", "audit.jsonl", "notes.txt"):
        (out / name).write_text("old")
    (out / "data").mkdir()
    demo_reset({"out": out})
    assert sorted(p.name for p in out.iterdir()) == ["data", "notes.txt"]
    assert set(DEMO_OWNED) == {
        "demo.yaml",
        "mlflow.db",
        "mlflow.db.lock",
        "mlruns",
        "bundle",
        "bundle-last-month",
        "decisions-last-month.csv",
        "monitoring",
        "audit.jsonl",
    }


def test_demo_config_is_valid_and_points_inside_out(tmp_path):
    config = validate_config(demo_config(tmp_path / "demo"))
    assert str(config.data.path).startswith(str((tmp_path / "demo").resolve()))
    assert config.tracking.uri == f"sqlite:///{(tmp_path / 'demo').resolve() / 'mlflow.db'}"
    assert [spec.kind for spec in config.model_specs] == [
        "lightgbm",
        "logistic_regression",
        "baseline",
    ]


def _yaml(path):
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_demo_changes_only_its_data_path_and_tracking_store(tmp_path):
    from importlib import resources

    packaged = _yaml(resources.files("vrurisk").joinpath("configs", "demo.yaml"))
    config = demo_config(tmp_path)
    assert config.pop("data") == {"path": str(tmp_path.resolve() / "data")}
    assert config["tracking"].pop("uri") == f"sqlite:///{tmp_path.resolve() / 'mlflow.db'}"
    del packaged["data"], packaged["tracking"]["uri"]
    assert config == packaged


def test_the_demo_scores_two_months_and_shows_last_months_decisions(
    registered_setup, tmp_path, capsys
):
    """Issue 12 item 7: last month's list, a synthetic panel's decisions recorded through the
    validated path, and this month's panel pack with the changes and those decisions."""
    import json

    from vrurisk.audit_log import read_log
    from vrurisk.cli import demo
    from vrurisk.decisions import read_decisions

    out = tmp_path / "demo"
    out.mkdir()
    state = {
        "out": out,
        "seed": 0,
        "config": registered_setup["config"],
        "dataset": registered_setup["dataset"],
        "config_path": registered_setup["config_path"],
    }
    demo._last_month(state)
    demo._score(state)
    demo._monitor(state)
    printed = capsys.readouterr().out
    decisions = read_decisions(out / "bundle-last-month")
    assert decisions is not None and len(decisions) > 10
    assert "decisions recorded as version 1" in printed
    assert "Since last month's list (2025-11-30)" in printed
    manifest = json.loads((out / "bundle" / "manifest.json").read_text())
    assert manifest["previous_list"]["as_of"] == "2025-11-30"
    panel = (out / "bundle" / "panel.html").read_text()
    assert "Decision at the list of 2025-11-30" in panel
    first = decisions.iloc[0]
    words = str(first["decision"]).replace("_", " ")
    assert words in panel and "No decisions were recorded" not in panel
    commands = [e["command"] for e in read_log(out / "audit.jsonl")]
    assert commands == ["score", "decisions", "score", "monitor"]
    monitor = json.loads((out / "monitoring" / "monitor.json").read_text())
    assert [entry["as_of"] for entry in monitor["lists"]] == ["2025-11-30", "2025-12-31"]
    assert (out / "monitoring" / "monitor.html").is_file() and "Monitor report:" in printed


def test_the_demo_trains_on_dates_that_cover_the_year(tmp_path):
    """The demo follows the monitor's advice: with as-of dates every six months no training list
    had September in a 90-day window, so last month's list marked 659 of 3,717 people out of
    range and the monitor said the model never saw lists in September."""
    import pandas as pd

    from vrurisk.monitor._drift import SEASON_DAYS, unseen_months

    dates = validate_config(demo_config(tmp_path / "demo")).temporal.dates()
    for month_end in pd.date_range("2025-01-31", periods=12, freq="ME"):
        assert unseen_months("count_sen_support_subject_90d", month_end, dates) == [], month_end
        assert unseen_months("days_since_sen_support_subject", month_end, dates) == []
    gaps = sorted({d.day_of_year for d in dates})
    assert (
        max(b - a for a, b in zip(gaps, gaps[1:] + [gaps[0] + 365], strict=True)) <= 2 * SEASON_DAYS
    )
