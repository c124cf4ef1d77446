"""What a data-protection officer reads: no server paths, the DEMO banner, the DPO section."""

from __future__ import annotations

from report_manifest import MANIFEST

from vrurisk.reports._model_card import model_card_summary, render_model_card

DATA = {
    "source": "/srv/vru/secure/extracts/extract-2025-06",
    "extraction_date": "2025-06-30",
    "fingerprint": "ab" * 32,
    "n_people": 4238,
    "n_events": 31000,
    "n_links": 9000,
}


def card(**extra):
    options = dict(
        model={"name": "lightgbm", "kind": "lightgbm", "version": "3"},
        manifest=MANIFEST,
        data=DATA,
        cohort={"min_age": 10, "max_age": 25},
        outcome={"event_types": ["serious_violence"]},
        as_of="2025-06-30",
        k=50,
    )
    options.update(extra)
    return model_card_summary(**options)


def test_the_model_card_names_the_extract_without_its_server_path():
    summary = card()
    html = render_model_card(summary)
    assert "/srv/vru" not in html and "secure" not in html
    assert "extract-2025-06" in html
    assert summary["data"]["source"] == "extract-2025-06"


def _dpo(summary) -> dict:
    return {row["topic"]: row for row in summary["data_protection"]}


def test_the_card_marks_what_only_the_organisation_can_fill_when_governance_is_unset():
    rows = _dpo(card(sensitive_attributes=["sex", "ethnicity"]))
    assert list(rows) == [
        "Controller and contact",
        "Lawful basis",
        "Special-category and criminal-offence data",
        "Children",
        "Area as a proxy",
        "Impact assessment (DPIA)",
        "Retention and deletion",
        "Subject access, objection and rectification",
        "Review",
    ]
    blanks = {
        topic: [label for label, value in row["fields"] if value is None]
        for topic, row in rows.items()
    }
    assert blanks["Lawful basis"] == [
        "Lawful basis (UK GDPR Article 6; DPA 2018 Part 3 for police)"
    ]
    assert blanks["Impact assessment (DPIA)"] == ["DPIA reference"]
    assert blanks["Retention and deletion"] == ["Retention period"]
    assert blanks["Review"] == ["Next review date"]
    special = " ".join(rows["Special-category and criminal-offence data"]["facts"])
    assert "ethnicity (racial or ethnic origin)" in special and "criminal-offence data" in special
    assert "aged 10 to 17" in " ".join(rows["Children"]["facts"])
    assert "ethnicity and deprivation" in " ".join(rows["Area as a proxy"]["facts"])
    html = render_model_card(card())
    assert 'id="data-protection"' in html


def test_governance_values_fill_the_card_and_an_overdue_review_is_flagged():
    governance = {
        "controller": "Anyshire County Council",
        "contact": "dpo@anyshire.example",
        "lawful_basis": "UK GDPR Article 6(1)(e) public task",
        "special_category_condition": "DPA 2018 Schedule 1 paragraph 18 (safeguarding)",
        "dpia_reference": "DPIA-2025-014",
        "retention_months": 24,
        "review_date": "2025-03-31",
    }
    summary = card(governance=governance)
    rows = _dpo(summary)
    assert all(value is not None for row in rows.values() for _, value in row["fields"])
    retention = dict(rows["Retention and deletion"]["fields"])["Retention period"]
    assert retention == "24 months: this list (as of 2025-06-30) is due for deletion by 2027-06-30"
    assert rows["Review"]["warning"] == (
        "Review overdue: the review date 2025-03-31 is before this list's date 2025-06-30."
    )
    atrs = {name: value for section in summary["atrs"] for name, value in section["fields"]}
    assert atrs["How to find out more / contact"] == "dpo@anyshire.example"
    assert atrs["Data protection and equality impact assessments"].startswith("DPIA-2025-014")
    html = render_model_card(summary)
    assert "DPIA-2025-014" in html and "Review overdue" in html


def test_area_features_of_the_model_are_named():
    from vrurisk.features import FeatureSpec

    spec = FeatureSpec("place_area_violence_rate_365d", "place", "violence rate in the area", "")
    rows = _dpo(card(manifest=[*MANIFEST, spec]))
    assert "place_area_violence_rate_365d" in " ".join(rows["Area as a proxy"]["facts"])


def test_the_governance_config_section_rejects_unknown_keys_and_bad_values():
    import pytest
    from config_helpers import tiny_raw_config

    from vrurisk import ConfigError
    from vrurisk.config import validate_config

    config = validate_config(tiny_raw_config(governance={"dpia_reference": "DPIA-1"}))
    assert config.governance.dpia_reference == "DPIA-1"
    plain = validate_config(tiny_raw_config())
    assert config.config_hash == plain.config_hash  # governance never changes a model
    with pytest.raises(ConfigError) as info:
        validate_config(tiny_raw_config(governance={"lawful_basiss": "x"}))
    assert str(info.value) == (
        "governance: unknown key 'lawful_basiss'; allowed keys: contact, controller, "
        "dpia_reference, lawful_basis, retention_months, review_date, special_category_condition"
        "; did you mean 'lawful_basis'?"
    )
    with pytest.raises(ConfigError, match=r"^governance.retention_months must be"):
        validate_config(tiny_raw_config(governance={"retention_months": 0}))
