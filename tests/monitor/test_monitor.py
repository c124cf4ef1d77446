"""``vrurisk monitor`` over a config's lists (issue 12, item 4)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from monitor_helpers import LIST_DATES, build_setup, fake_keys

from vrurisk.monitor import run_monitor


@pytest.fixture(scope="module")
def monitor_setup(tmp_path_factory, small_population):
    return build_setup(tmp_path_factory, small_population)


@pytest.fixture(scope="module")
def report(monitor_setup, tmp_path_factory):
    s = monitor_setup
    out = tmp_path_factory.mktemp("report") / "monitor"
    summary = run_monitor(
        s["config"], directory=s["lists"], out=out, dataset=s["dataset"], keys=fake_keys
    )
    return summary, out


def independent_precision(dataset, scores, k, as_of, outcome):
    """Share of the top-k keys with an outcome event in (T, T + horizon], from the raw events."""
    t = pd.Timestamp(as_of)
    events = dataset.events
    hit = (
        events["event_type"].isin(outcome.event_types)
        & events["role"].isin(outcome.roles)
        & (events["event_date"] > t)
        & (events["event_date"] <= t + pd.Timedelta(days=outcome.horizon_days))
    )
    people_with = set(events.loc[hit, "person_id"].astype(str))
    key_of = dict(
        zip(
            fake_keys(dataset.people["person_id"].astype(str)),
            dataset.people["person_id"],
            strict=True,
        )
    )
    listed = scores.sort_values("rank").head(k)["key"]
    return np.mean([str(key_of[key]) in people_with for key in listed])


def test_monitor_reproduces_precision_at_k_on_a_closed_list_exactly(monitor_setup, report):
    summary, _ = report
    s = monitor_setup
    entries = {e["as_of"]: e for e in summary["lists"]}
    assert [e["as_of"] for e in summary["lists"]] == list(LIST_DATES)
    assert [e["closed"] for e in summary["lists"]] == [True, True, False]
    for date in LIST_DATES[:2]:
        scores = pd.read_parquet(s["lists"] / f"tinymon-{date}" / "scores.parquet")
        k = entries[date]["k"]
        expected = independent_precision(s["dataset"], scores, k, date, s["config"].outcome)
        got = entries[date]["precision_at_k"]
        assert got["n_known"] == k
        assert got["rate"] == expected  # exactly: the same people, the same events
        assert got["events"] == round(expected * k)


def test_every_list_has_cohort_size_predicted_rate_and_base_rate_once_closed(monitor_setup, report):
    summary, _ = report
    for e in summary["lists"]:
        scores = pd.read_parquet(
            monitor_setup["lists"] / f"tinymon-{e['as_of']}" / "scores.parquet"
        )
        assert e["n"] == len(scores)
        assert e["predicted_rate"] == pytest.approx(scores["probability"].mean())
        assert ("base_rate" in e) == e["closed"]
    closed = summary["lists"][0]
    assert closed["base_rate"]["n_known"] == closed["n"]
    assert sum(b["n"] for b in closed["bands"]) == closed["n"]
    assert closed["bands"][0]["band"] == "on the list" and closed["bands"][0]["n"] == closed["k"]
    assert set(closed["cross_validation"]) >= {"precision_at_k", "ece", "roc_auc"}


def test_drift_churn_groups_and_no_decisions_are_reported(report):
    summary, _ = report
    first, second, third = summary["lists"]
    assert first["drift"]["available"] and first["drift"]["families"]
    # the panel's tolerance marks fewer people than the strict training range
    assert all(r["n_marked"] <= r["n_outside"] for r in first["drift"]["out_of_range"])
    assert first["churn"] is None
    assert second["churn"]["previous_as_of"] == first["as_of"]
    assert 0 <= second["churn"]["share_new"] <= 1
    assert {r["attribute"] for r in third["selection"]} == {"sex", "ethnicity"}
    assert all(r["low"] <= r["rate"] <= r["high"] for r in third["selection"])
    assert third["error_rates"] is None and first["error_rates"]["rates"]
    assert summary["decisions_recorded"] is False
    texts = [f["text"] for f in summary["findings"]]
    assert any(t.startswith("No panel decisions were recorded") for t in texts)


def test_bundles_keep_each_training_dates_shares_and_the_scale_free_view(monitor_setup, report):
    """What tells expected shifts from real ones travels with the list: the training lists'
    shares by date (seasons) and the growing features' scale-free view (growth)."""
    from vrurisk.models import grows_with_the_data

    s = monitor_setup
    bundle = s["lists"] / f"tinymon-{LIST_DATES[-1]}"
    monitoring = json.loads((bundle / "monitoring.json").read_text(encoding="utf-8"))
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    distribution = monitoring["feature_distribution"]
    trained = manifest["model"]["trained_on"]["as_of_dates"]
    assert sorted(distribution["training_by_date"]) == trained
    free = distribution["scale_free"]
    assert free["training"] and set(free["training"]) == set(free["list"])
    assert all(grows_with_the_data(name) for name in free["training"])
    assert all(sum(v["shares"]) == pytest.approx(1.0) for v in free["list"].values())
    summary, _ = report
    for e in summary["lists"]:
        assert e["drift"]["training_dates"] == trained
        for r in e["drift"]["features"]:
            assert (r["psi_scale_free"] is not None) == grows_with_the_data(r["feature"])
            assert r["closest_training"]["as_of"] in trained
            assert r["psi_unexplained"] <= r["psi"]


def test_report_files_are_written_and_hold_no_keys(monitor_setup, report):
    summary, out = report
    assert sorted(p.name for p in out.iterdir()) == ["monitor.html", "monitor.json"]
    text = (out / "monitor.json").read_text(encoding="utf-8")
    assert json.loads(text)["n_lists"] == 3
    html = (out / "monitor.html").read_text(encoding="utf-8")
    scores = pd.read_parquet(monitor_setup["lists"] / f"tinymon-{LIST_DATES[0]}" / "scores.parquet")
    assert not any(key in text or key in html for key in scores["key"].head(100))
    assert 'id="findings"' in html and "data:image/png;base64," in html


def test_a_bundle_of_another_config_is_refused_in_one_line(monitor_setup, tmp_path):
    from vrurisk._errors import ConfigError

    s = monitor_setup
    other = s["config"].model_copy(update={"name": "someone-else"})
    with pytest.raises(ConfigError, match="is a list of config 'tinymon', not 'someone-else'"):
        run_monitor(
            other,
            bundles=[s["lists"] / f"tinymon-{LIST_DATES[0]}"],
            out=tmp_path / "m",
            dataset=s["dataset"],
            keys=fake_keys,
        )
    with pytest.raises(ConfigError, match="no score bundles of config 'someone-else'"):
        run_monitor(
            other, directory=s["lists"], out=tmp_path / "m", dataset=s["dataset"], keys=fake_keys
        )
    assert not (tmp_path / "m").exists()


def test_cli_monitors_a_directory_of_lists_and_refuses_an_empty_one(
    monitor_setup, tmp_path, monkeypatch
):
    from cli_helpers import run_cli
    from monitor_helpers import PSEUDONYM_KEY, write_lists

    from vrurisk.privacy import load_key, pseudonymise

    s = monitor_setup
    monkeypatch.setenv("VRURISK_PSEUDONYM_KEY", PSEUDONYM_KEY)
    key = load_key(s["config"].privacy)
    lists = write_lists(
        s, tmp_path / "lists", dates=LIST_DATES[:2], keys=lambda ids: pseudonymise(ids, key)
    )
    code, out, err = run_cli("monitor", s["config_path"], "--lists", lists, "--out", tmp_path / "m")
    assert code == 0, err
    assert "Report: " in out and (tmp_path / "m" / "monitor.html").is_file()
    summary = json.loads((tmp_path / "m" / "monitor.json").read_text(encoding="utf-8"))
    assert [e["closed"] for e in summary["lists"]] == [True, True]
    assert summary["lists"][0]["precision_at_k"]["n_known"] == summary["lists"][0]["k"]

    (tmp_path / "empty").mkdir()
    code, out, err = run_cli(
        "monitor", s["config_path"], "--lists", tmp_path / "empty", "--out", tmp_path / "m2"
    )
    assert code == 2
    assert err.strip().count("\n") == 0 and "no score bundles of config 'tinymon'" in err
    assert not (tmp_path / "m2").exists()


def test_the_report_is_logged_to_mlflow_as_a_monitor_run(monitor_setup, report):
    # the governance record: the board's report sits beside the training and scoring runs
    from mlflow.tracking import MlflowClient

    summary, _ = report
    uri = monitor_setup["config"].tracking.uri
    client = MlflowClient(tracking_uri=uri)
    run = client.get_run(summary["run_id"])
    assert run.data.tags["vrurisk.kind"] == "monitor"
    assert run.data.tags["vrurisk.config_hash"] == monitor_setup["config"].config_hash
    assert run.data.metrics["n_lists"] == 3 and run.data.metrics["n_closed"] == 2
    levels = [f["level"] for f in summary["findings"]]
    assert run.data.metrics["findings_act"] == levels.count("act")
    logged = {a.path for a in client.list_artifacts(run.info.run_id, "bundle")}
    assert {"bundle/monitor.html", "bundle/monitor.json"} <= logged
