"""The monitoring summary on constructed lists: calibration drift, decisions, findings first."""

from __future__ import annotations

import pytest
from monitor_summary import K, constructed_summary

from vrurisk.reports import render_monitor


@pytest.fixture(scope="module")
def summary():
    return constructed_summary()


def test_calibration_drift_in_the_top_band_is_a_finding_with_the_figures(summary):
    first = summary["lists"][0]
    top = first["bands"][0]
    assert top["drifted"] and top["rate"] < top["predicted"]
    texts = [f["text"] for f in summary["findings"]]
    expected = (
        f"Calibration has drifted on the list of 2024-01-31: observed {100 * top['rate']:.1f}% "
        f"vs predicted {100 * top['predicted']:.1f}% in the top band (the {K} listed); "
        "retraining recommended."
    )
    assert expected in texts
    assert summary["findings"][0]["level"] == "act"


def test_decisions_by_band_and_group_count_overrides(summary):
    d = summary["lists"][0]["decisions"]
    assert d["n"] == K
    assert d["overrides"]["n_override"] == K // 2  # no_action and record_incorrect: half
    assert [b["band"] for b in d["by_band"]] == [
        "ranks 1 to 10",
        "ranks 11 to 20",
        "ranks 21 to 30",
        "ranks 31 to 40",
    ]
    assert sum(b["n"] for b in d["by_band"]) == K
    for attribute in ("sex", "ethnicity"):
        assert sum(g["n"] for g in d["by_group"] if g["attribute"] == attribute) == K
    outcome = {row["decision"]: row["outcome"] for row in d["by_decision"]}
    assert set(outcome) == {"refer_to_programme", "no_action", "monitor", "record_incorrect"}
    assert all(o["n_known"] == K // 4 for o in outcome.values())
    assert summary["lists"][1]["decisions"] is None
    assert any(
        "overrode the list of 2024-01-31 for 20 of 40" in f["text"] for f in summary["findings"]
    )


def test_no_decisions_is_said_plainly():
    summary = constructed_summary(decisions=False)
    assert not summary["decisions_recorded"]
    html = render_monitor(summary)
    assert 'id="no-decisions"' in html
    assert any(f["text"].startswith("No panel decisions") for f in summary["findings"])


def test_drift_on_the_last_list_is_found(summary):
    last = summary["lists"][-1]["drift"]
    assert last["features"][0]["feature"] == "count_knife_possession_suspect_365d"
    assert last["features"][0]["level"] == "major shift"
    assert any(
        f["text"].startswith("Feature drift in knife and drug events") for f in summary["findings"]
    )
