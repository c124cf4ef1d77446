"""score_cohort and write_score_bundle: a list always ships with explanations and audit."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scoring_helpers import relabelled, tiny_config

from vrurisk import ConfigError, ModelError
from vrurisk.config import validate_config
from vrurisk.evaluation._explanations import raw_margin
from vrurisk.models._risk_model import FEATURE_MISMATCH
from vrurisk.scoring import score_cohort, write_score_bundle
from vrurisk.scoring._bundle import NO_AUDIT
from vrurisk.scoring._score import AFTER_EXTRACTION, NO_HELD_OUT

BUNDLE_FILES = {
    "audit_table.csv",
    "monitoring.json",
    "decisions_template.csv",
    "reasons.csv",
    "scores.parquet",
    "scores.csv",
    "explanations.parquet",
    "global_importance.parquet",
    "groups.parquet",
    "fairness.json",
    "bias_audit.html",
    "panel.html",
    "model_card.html",
    "manifest.json",
}


def fake_keys(ids):
    return np.array([hashlib.sha256(f"k:{i}".encode()).hexdigest()[:16] for i in ids], dtype=object)


def test_scores_are_ranked_with_percentiles_and_three_reasons_for_the_explained(scored):
    scores = scored.scores
    assert list(scores.columns) == [
        "key",
        "probability",
        "rank",
        "percentile",
        "reason_1",
        "reason_2",
        "reason_3",
        "open_to_statutory_service",
        "statutory_services",
        "turns_18_soon",
    ]
    n = len(scores)
    assert list(scores["rank"]) == list(range(1, n + 1))
    assert scores["probability"].is_monotonic_decreasing
    assert scores["percentile"].iloc[0] == 100.0 and scores["percentile"].iloc[-1] == 0.0
    assert scores["key"].is_unique
    explained = scores.head(scored.n_explained)
    assert (explained["reason_1"] != "").all()
    assert (scores.iloc[scored.n_explained :]["reason_1"] == "").all()
    assert scored.n_explained == 60 and scored.k == 50


def test_explanations_cover_the_top_and_add_up_to_the_models_margin(scoring_setup, scored):
    contributions = scored.explanations.contributions
    assert list(contributions.index) == list(scored.scores["key"].head(60))
    assert scored.explanations.n_sample == min(1000, len(scored.scores))
    # Rebuild the top people's features to check additivity end to end.
    from vrurisk.features import build_feature_matrix

    s = scoring_setup
    config = s["config"]
    fm = build_feature_matrix(
        s["dataset"],
        [scored.as_of],
        cohort=config.cohort,
        outcome=config.outcome,
        features=config.features,
        seed=config.seed,
    )
    keys = fake_keys(fm.rows["person_id"].astype(str))
    X = fm.X.set_axis(pd.Index(keys)).loc[contributions.index]
    np.testing.assert_allclose(
        scored.explanations.raw_margin.to_numpy(), raw_margin(s["model"], X), atol=1e-6
    )


def test_audit_takes_selection_now_and_error_rates_from_the_last_closed_window(
    scoring_setup, scored
):
    dataset = scoring_setup["dataset"]
    assert scored.as_of == dataset.extraction_date
    assert scored.outcome_as_of == dataset.extraction_date - pd.Timedelta(days=365)
    assert scored.audit.windows == {
        "selection_rate": f"the current list (as of {scored.as_of.date()})",
        "error_rates": "the latest list whose outcome window has closed "
        f"(as of {scored.outcome_as_of.date()})",
        "scored_by": f"the held-out model {scoring_setup['model'].name} (cross-validation "
        "model of test date 2024-06-30), trained on as-of dates 2022-12-31, 2023-06-30, none of "
        f"whose outcome windows reaches {scored.outcome_as_of.date()}",
    }
    assert scored.audit.operating_points[0].value == 50


def test_as_of_dates_are_checked(scoring_setup):
    s = scoring_setup
    with pytest.raises(ConfigError) as info:
        score_cohort(s["dataset"], s["model"], s["config"], as_of="2031-01-01")
    assert str(info.value) == AFTER_EXTRACTION.format(as_of="2031-01-01", extraction="2025-12-31")
    with pytest.raises(ConfigError) as info:
        score_cohort(s["dataset"], s["model"], s["config"], as_of="last tuesday")
    assert str(info.value) == "as_of 'last tuesday' is not a date (YYYY-MM-DD)"


def test_an_as_of_date_before_the_data_says_there_is_no_cohort(scoring_setup):
    """Issue 17: it used to be a 4 KB 'features do not match the model's manifest' line."""
    s = scoring_setup
    first = s["dataset"].events["event_date"].min().date()
    with pytest.raises(ConfigError) as info:
        score_cohort(s["dataset"], s["model"], s["config"], as_of="2000-01-01")
    assert str(info.value) == (
        f"no cohort at 2000-01-01: it is before the data's first event ({first})"
    )


def test_a_model_whose_features_differ_from_the_configs_is_refused(scoring_setup):
    s = scoring_setup
    raw = tiny_config(s["root"] / "data", "sqlite:///unused.db")
    raw["features"] = {"place": {"enabled": False}}
    other = validate_config(raw)
    with pytest.raises(ModelError) as info:
        score_cohort(s["dataset"], s["model"], other)
    message = str(info.value)
    assert message.startswith("the features built from this config do not match")
    place = [c for c in s["model"].feature_names_ if c.startswith("place_")]
    assert message == FEATURE_MISMATCH.format(missing=place, extra=[])


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, scoring_setup, scored):
    out = tmp_path_factory.mktemp("bundles") / "bundle"
    return write_score_bundle(scored, out, config=scoring_setup["config"])


def test_bundle_has_every_file_with_hashes_and_no_raw_ids(scoring_setup, bundle):
    out = bundle
    assert {p.name for p in out.iterdir()} == BUNDLE_FILES
    manifest = json.loads((out / "manifest.json").read_text())
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    assert manifest["identifiers"] == "pseudonymised keys only"
    assert manifest["n_explained"] == 60
    raw_ids = set(scoring_setup["dataset"].people["person_id"].astype(str))
    csv = pd.read_csv(out / "scores.csv")
    assert not set(csv["key"]) & raw_ids
    panel = (out / "panel.html").read_text()
    top_raw = [i for i in raw_ids if f">{i}<" in panel]
    assert top_raw == []
    assert "Recording the panel's decisions" in panel and "refer_to_programme" in panel
    explanations = pd.read_parquet(out / "explanations.parquet")
    assert list(explanations["key"]) == list(csv["key"].head(60))


def test_no_bundle_without_an_audit_and_a_failed_write_keeps_the_old_bundle(
    tmp_path, scoring_setup, scored, bundle, monkeypatch
):
    out = Path(shutil.copytree(bundle, tmp_path / "bundle"))
    before = (out / "manifest.json").read_text()
    unaudited = type(scored)(**{**scored.__dict__, "audit": None, "audit_note": "no dates"})
    with pytest.raises(ModelError) as info:
        write_score_bundle(unaudited, out)
    assert str(info.value) == NO_AUDIT.format(reason="no dates")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("vrurisk.reports.write_bias_audit", broken)
    with pytest.raises(OSError):
        write_score_bundle(scored, out, config=scoring_setup["config"])
    assert (out / "manifest.json").read_text() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".bundle")]


def test_explain_top_and_panel_size_come_from_the_scoring_section(scoring_setup):
    from vrurisk.config import ScoringConfig

    s = scoring_setup
    config = s["config"].model_copy(
        update={"scoring": ScoringConfig(explain_top=70, panel_size=20)}
    )
    scored = score_cohort(s["dataset"], s["model"], config, keys=fake_keys)
    assert scored.k == 20
    assert scored.n_explained == min(70, len(scored.scores))
    # an explicit explain_top (the CLI's --explain-top) wins over the config
    assert score_cohort(
        s["dataset"], s["model"], config, keys=fake_keys, explain_top=30, audit=False
    ).n_explained == min(30, len(scored.scores))


def test_every_report_made_with_the_demo_key_carries_a_demo_banner(tmp_path, scoring_setup, bundle):
    from markupsafe import escape

    from vrurisk.privacy import load_key, pseudonymise
    from vrurisk.reports._panel import DEMO_HANDLING, HANDLING
    from vrurisk.reports._render import DEMO_BANNER

    banner = str(escape(DEMO_BANNER))

    s = scoring_setup
    key = load_key(env_var="A_VARIABLE_THAT_IS_NOT_SET", demo=True)
    demo = score_cohort(
        s["dataset"], s["model"], s["config"], keys=lambda ids: pseudonymise(ids, key)
    )
    out = write_score_bundle(demo, tmp_path / "demo", config=s["config"])
    for name in ("panel.html", "bias_audit.html", "model_card.html"):
        assert banner in (out / name).read_text(), name
        assert banner not in (bundle / name).read_text(), name  # made with a real key
    panel = (out / "panel.html").read_text()
    assert "held by the data controller" not in panel  # the demo key protects nobody
    assert panel.count(banner) == 1  # one DEMO banner: the page's, not a second from the pack
    assert str(escape(DEMO_HANDLING)) not in panel
    assert str(escape(HANDLING)) in (bundle / "panel.html").read_text()


def _in_sample_and_held_out_precision(s, as_of: str, k: int = 50):
    """Precision@k of the closed list at ``as_of`` scored by the champion and by its held-out
    model, through the same audit arithmetic."""
    from vrurisk.evaluation import audit_scores
    from vrurisk.features import build_feature_matrix

    config = s["config"]
    fm = build_feature_matrix(
        s["dataset"],
        [as_of],
        cohort=config.cohort,
        outcome=config.outcome,
        features=config.features,
        seed=config.seed,
    )
    people = s["dataset"].people.set_index("person_id")
    frame = people.loc[fm.rows["person_id"], ["sex", "ethnicity"]].reset_index(drop=True)
    frame["outcome"] = fm.y.to_numpy().astype(int)
    audit_config = config.fairness.model_copy(update={"top_k": (k,)})
    out = {}
    for name, model in (("champion", s["model"]), ("held_out", s["model"].held_out[-1])):
        scored = frame.assign(score=model.predict_proba(fm.X))
        audit = audit_scores(scored, score_col="score", label_col="outcome", config=audit_config)
        out[name] = float(audit.overall.iloc[0]["precision"])
    return out


def test_audit_at_a_training_date_uses_the_held_out_model_not_the_in_sample_champion(
    scoring_setup,
):
    """2024-06-30 is a training date of the champion: its outcomes are training data.

    The audited precision is the held-out model's, equal to the cross-validation precision@50
    of that date, not the champion's in-sample precision.
    """
    s = scoring_setup
    scored = score_cohort(
        s["dataset"], s["model"], s["config"], as_of="2024-06-30", keys=fake_keys, explain_top=10
    )
    assert str(scored.outcome_as_of.date()) == "2024-06-30"
    assert "2024-06-30" in s["model"].trained_on["as_of_dates"]
    audited = float(scored.audit.overall.iloc[0]["precision"])
    expected = _in_sample_and_held_out_precision(s, "2024-06-30")
    assert audited == expected["held_out"]
    assert audited != expected["champion"]
    metrics = s["result"].metrics
    cv = metrics[(metrics["model"] == s["model"].name) & (metrics["split"] == "test_2024-06-30")]
    assert audited == pytest.approx(float(cv.iloc[0]["precision_at_50"]))
    assert scored.audit_model == {
        "name": s["model"].name,
        "role": "held-out",
        "trained_on": ["2022-12-31", "2023-06-30"],
        "test_date": "2024-06-30",
        "description": scored.audit_model["description"],
    }


def test_default_audit_names_the_held_out_model_in_every_report(scoring_setup, scored, bundle):
    s = scoring_setup
    assert scored.audit_model["role"] == "held-out"
    audited = float(scored.audit.overall.iloc[0]["precision"])
    assert audited == _in_sample_and_held_out_precision(s, "2024-12-31")["held_out"]
    named = f"the held-out model {s['model'].name}"
    dates = "trained on as-of dates 2022-12-31, 2023-06-30"
    fairness = json.loads((bundle / "fairness.json").read_text())
    assert named in fairness["windows"]["scored_by"] and dates in fairness["windows"]["scored_by"]
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["audit_model"]["trained_on"] == ["2022-12-31", "2023-06-30"]
    assert dates in manifest["audit_windows"]
    html = (bundle / "bias_audit.html").read_text()
    assert 'id="scored-by"' in html and named in html and dates in html
    card = (bundle / "model_card.html").read_text()
    assert 'id="audit-scored-by"' in card and named in card and dates in card
    assert "not by this model, which was trained on outcomes" in card
    # one test date: the card says the reported figures are the selection figures
    assert "the reported figures are the selection figures" in card


def test_no_held_out_model_means_no_audit_rather_than_the_champions(scoring_setup, tmp_path):
    s = scoring_setup
    scored = score_cohort(
        s["dataset"], s["model"], s["config"], as_of="2023-06-30", keys=fake_keys, explain_top=10
    )
    assert scored.audit is None
    assert scored.audit_note == NO_HELD_OUT.format(
        date="2023-06-30",
        models="the champion and its cross-validation models were all",
        earliest="; score a list dated 2024-06-30 or later",
    )
    with pytest.raises(ModelError, match="no model held out from the outcomes"):
        write_score_bundle(scored, tmp_path / "bundle", config=s["config"])
    assert not (tmp_path / "bundle").exists()
    # a champion saved without held-out models (an older vrurisk) is not audited with itself
    bare = copy.copy(s["model"])
    bare.held_out = ()
    scored = score_cohort(s["dataset"], bare, s["config"], keys=fake_keys, explain_top=10)
    assert scored.audit is None
    assert "it carries no held-out models: retrain it to keep them" in scored.audit_note


def test_every_configured_top_k_is_audited_and_a_too_large_one_is_said(scoring_setup):
    """fairness.top_k [100] beside a panel of 50 was silently dropped (defect 13)."""
    s = scoring_setup
    raw = tiny_config(
        s["root"] / "data",
        "sqlite:///unused.db",
        fairness={"top_k": [100, 10_000_000]},
    )
    config = validate_config(raw)
    scored = score_cohort(s["dataset"], s["model"], config, keys=fake_keys, explain_top=60)
    names = [p.name for p in scored.audit.operating_points]
    assert names == ["top 50", "top 100"]
    assert set(scored.audit.disparities["operating_point"]) == {"top 50", "top 100"}
    assert [p["operating_point"] for p in scored.audit.power] == ["top 50", "top 100"]
    assert any(
        w.startswith("fairness.top_k 10000000 is larger than the ") and w.endswith("not audited")
        for w in scored.audit.warnings
    )


def test_a_sensitive_attribute_that_is_not_a_column_is_an_error(scoring_setup):
    s = scoring_setup
    raw = tiny_config(
        s["root"] / "data", "sqlite:///unused.db", fairness={"sensitive_attributes": ["faith"]}
    )
    with pytest.raises(ConfigError) as info:
        score_cohort(s["dataset"], s["model"], validate_config(raw), keys=fake_keys)
    assert str(info.value).startswith(
        "fairness.sensitive_attributes lists 'faith', which is not a column of the people table; "
        "its columns: person_id, birth_date, "
    )


def test_recording_lag_moves_the_closed_list_back_and_tightens_the_held_out_rule(scoring_setup):
    s = scoring_setup
    temporal = s["config"].temporal.model_copy(update={"recording_lag_days": 30})
    config = s["config"].model_copy(update={"temporal": temporal})
    scored = score_cohort(s["dataset"], s["model"], config, keys=fake_keys, explain_top=10)
    assert scored.outcome_as_of == s["dataset"].extraction_date - pd.Timedelta(days=365 + 30)
    assert scored.audit_model["role"] == "held-out"
    # without the lag the held-out model (last trained on 2023-06-30) audits 2024-06-30; with
    # 30 days of lag its last window is only recorded by 2024-07-29
    lagged = score_cohort(
        s["dataset"], s["model"], config, as_of="2024-06-30", keys=fake_keys, explain_top=10
    )
    assert lagged.audit is None
    assert lagged.audit_note.endswith("; score a list dated 2024-07-30 or later")


def test_an_event_type_the_model_never_saw_is_refused_naming_its_rows(scoring_setup):
    # issue 11 trap 8: before, the message named a feature ('count_knife crime_suspect_90d')
    s = scoring_setup
    changed = relabelled(s["dataset"], [2, 9], "knife crime")
    with pytest.raises(ModelError) as info:
        score_cohort(changed, s["model"], s["config"])
    assert str(info.value) == (
        "events: event type(s) 'knife crime' (2 row(s): row 3 ('knife crime'), row 10 "
        "('knife crime')) did not occur in the data the model was trained on; map them onto "
        "known types in the config's vocabulary.event_types, or retrain"
    )
