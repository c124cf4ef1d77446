"""Score comparison: vrurisk's models trained on a flat table beside an existing score."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from vrurisk import ConfigError
from vrurisk.comparison import compare_with_existing_score, load_comparison_config

REPO = Path(__file__).resolve().parents[2]
COMPAS = REPO / ".." / "shared" / "data" / "compas" / "compas-scores-two-years.csv"


def _table(n: int = 1200, seed: int = 0) -> pd.DataFrame:
    """People dated over two years; the outcome depends on priors and age, not on group."""
    rng = np.random.default_rng(seed)
    priors = rng.poisson(2, n)
    age = rng.integers(18, 60, n)
    logit = -1.0 + 0.35 * priors - 0.03 * (age - 30)
    outcome = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    old_score = np.clip(priors + rng.integers(0, 3, n), 1, 10)
    return pd.DataFrame(
        {
            "date": pd.date_range("2020-01-01", periods=n, freq="14h").strftime("%Y-%m-%d"),
            "priors": priors,
            "age": age,
            "charge": rng.choice(["F", "M"], n),
            "group": rng.choice(["a", "b"], n, p=[0.6, 0.4]),
            "old_score": old_score,
            "outcome": outcome,
        }
    )


def _config(tmp_path, **changes) -> Path:
    raw = {
        "config_version": 1,
        "kind": "score_comparison",
        "data": {"path": "table.csv", "date_column": "date", "label_column": "outcome"},
        "features": {"numeric": ["priors", "age"], "indicators": {"charge": "F"}},
        "split": {"test_start": "2020-12-01"},
        "existing_score": {"name": "old tool", "rank_column": "old_score", "threshold": 4},
        "models": {"logistic_regression": {"C": 1.0}, "baseline": {"factors": {"priors": 1}}},
        "evaluation": {"k": [50], "bootstrap": 50},
        "fairness": {"sensitive_attributes": ["group"], "bootstrap_samples": 200},
    }
    for key, value in changes.items():
        section, _, name = key.partition(".")
        if name:
            raw[section] = {**raw[section], name: value}
        else:
            raw[section] = value
    path = tmp_path / "comparison.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    _table().to_csv(tmp_path / "table.csv", index=False)
    return path


def test_models_are_compared_with_the_existing_score_at_its_list_size(tmp_path):
    config = load_comparison_config(_config(tmp_path))
    result = compare_with_existing_score(config)
    assert list(result.metrics["scorer"]) == ["old tool", "logistic_regression", "baseline"]
    table = pd.read_csv(tmp_path / "table.csv")
    test = pd.to_datetime(table["date"]) >= "2020-12-01"
    assert result.n_test == int(test.sum()) and result.n_train == int((~test).sum())
    assert result.k == int((table.loc[test, "old_score"] >= 4).sum())
    for name, audit in result.audits.items():
        assert int(audit.overall.iloc[0]["n_flagged"]) == result.k, name
    assert np.isnan(result.metrics.loc[0, "brier"])  # a ranking, not a probability
    auc = result.metrics.set_index("scorer")["roc_auc"]
    assert auc["logistic_regression"] > max(0.6, auc["baseline"])
    json.dumps(result.to_dict(), allow_nan=False)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"features.numeric": ["priors", "group"]},
            "features: 'group' is a sensitive attribute (fairness.sensitive_attributes); use it "
            "as an input only with a written reason in features.justified_sensitive",
        ),
        (
            {"models": {"baseline": {"factors": {"religion": 1}}}},
            "models.baseline.factors: ['religion'] are not input columns; inputs are "
            "['priors', 'age', 'charge_is_F']",
        ),
        (
            {"existing_score.flag_values": ["High"]},
            "existing_score: give exactly one of flag_values or threshold",
        ),
    ],
)
def test_config_errors_name_the_key(tmp_path, changes, message):
    with pytest.raises(ConfigError) as info:
        load_comparison_config(_config(tmp_path, **changes))
    assert message in str(info.value)


def test_a_split_without_both_outcomes_is_an_error(tmp_path):
    config = load_comparison_config(_config(tmp_path, **{"split.test_start": "2030-01-01"}))
    with pytest.raises(ConfigError) as info:
        compare_with_existing_score(config)
    assert str(info.value).startswith("split.test_start 2030-01-01 leaves 1200 training and 0 test")


@pytest.mark.skipif(not COMPAS.is_file(), reason=f"COMPAS data not found at {COMPAS}")
def test_compas_config_trains_without_race_and_reports_side_by_side(tmp_path, monkeypatch, capsys):
    from vrurisk.cli import main

    monkeypatch.setenv("VRURISK_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    # the packaged config (what vrurisk init writes) with data.path at the shared copy
    raw = yaml.safe_load((REPO / "vrurisk" / "configs" / "compas.yaml").read_text())
    raw["data"]["path"] = str(COMPAS.resolve())
    compas_yaml = tmp_path / "compas.yaml"
    compas_yaml.write_text(yaml.safe_dump(raw), encoding="utf-8")
    config = load_comparison_config(compas_yaml)
    assert "race" not in config.features.sources()
    out = tmp_path / "compas"
    monkeypatch.setattr(
        sys,
        "argv",
        ["vrurisk", "compare", str(compas_yaml), "--out", str(out), "--json"],
    )
    main()
    summary = json.loads(capsys.readouterr().out)
    assert summary["scorers"] == ["COMPAS", "lightgbm", "logistic_regression", "baseline"]
    assert summary["n_test"] == 2002 and summary["n_train"] == 3295
    metrics = {m["scorer"]: m for m in summary["metrics"]}
    assert 0.65 < metrics["COMPAS"]["roc_auc"] < 0.78
    assert metrics["logistic_regression"]["roc_auc"] > 0.65
    fpr = next(
        r
        for r in summary["side_by_side"]
        if r["group"] == "African-American" and r["metric"] == "false_positive_rate"
    )
    assert [c["scorer"] for c in fpr["cells"]] == summary["scorers"]
    assert fpr["cells"][0]["verdict"] == "flagged"  # COMPAS's own disparity, as ProPublica found
    assert sorted(p.name for p in (out / "audits").iterdir()) == sorted(summary["scorers"])
    assert (out / "audits" / "COMPAS" / "bias_audit.html").is_file()
    assert "African-American" in (out / "comparison.html").read_text(encoding="utf-8")


def test_compare_command_writes_an_audit_log_entry(tmp_path):
    from vrurisk import audit_log
    from vrurisk.comparison import run_compare

    config_path = _config(tmp_path)
    log, out = tmp_path / "audit.jsonl", tmp_path / "comparison"
    summary = run_compare(config_path, out, audit_log_path=log)
    (entry,) = audit_log.read_log(log)
    config = load_comparison_config(config_path)
    assert entry["command"] == "compare"
    assert entry["config_name"] == "comparison" and entry["config_hash"] == config.config_hash
    assert entry["output"] == str(out)
    assert entry["details"]["data_source"] == str(tmp_path / "table.csv")
    assert len(entry["details"]["data_sha256"]) == 64
    assert entry["details"]["scorers"] == summary["scorers"]
    assert (entry["details"]["n_train"], entry["details"]["n_test"]) == (
        summary["n_train"],
        summary["n_test"],
    )


def test_no_comparison_is_written_when_the_audit_log_cannot_be(tmp_path):
    from vrurisk import VruriskError
    from vrurisk.comparison import run_compare

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(VruriskError, match="cannot append to the audit log"):
        run_compare(_config(tmp_path), tmp_path / "comparison", audit_log_path=blocker / "a.jsonl")
    assert not (tmp_path / "comparison").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".comparison")]


def test_the_comparison_report_names_the_configured_interval_level(tmp_path):
    import dataclasses

    from vrurisk.reports._comparison import comparison_summary, render_score_comparison

    result = compare_with_existing_score(load_comparison_config(_config(tmp_path)))
    evaluation = result.config.evaluation.model_copy(update={"ci_level": 0.9})
    at_90 = dataclasses.replace(
        result, config=result.config.model_copy(update={"evaluation": evaluation})
    )
    assert "ROC AUC with 90% intervals" in comparison_summary(at_90)["findings"][0]
    html = render_score_comparison(at_90)
    assert "ROC AUC (90% interval)" in html and "95%" not in html
