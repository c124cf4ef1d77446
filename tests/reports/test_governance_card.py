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
