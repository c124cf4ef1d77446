"""evaluation.html renders in headless chromium: no console errors, estimates and findings shown."""

from __future__ import annotations

import html

import pytest
from test_browser import CHROMIUM, open_page

from vrurisk.reports import render_evaluation

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def summary():
    from vrurisk.data import simulate_population
    from vrurisk.features import OutcomeConfig
    from vrurisk.whatworks import evaluate_programme

    population = simulate_population(4_000, seed=2, years=5, interventions=True)
    outcome = OutcomeConfig(event_types=("serious_violence", "violence"))
    return evaluate_programme(population.dataset, "mentoring", outcome).to_dict()


def test_evaluation_report_in_a_browser(summary, tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium not found: apt-get install chromium to run the browser tests")
    page = tmp_path / "evaluation.html"
    page.write_text(render_evaluation(summary), encoding="utf-8")
    run, shot = open_page(page, tmp_path)
    import matplotlib.image

    assert matplotlib.image.imread(shot)[..., :3].std() > 0.05  # not a blank page
    dom = html.unescape(run.stdout)
    for estimate in summary["estimates"]:
        assert estimate["label"] in dom and estimate["assumptions"] in dom
    for item in summary["findings"]["can_say"] + summary["findings"]["cannot_say"]:
        assert item in dom
    assert dom.count("<img ") == 2  # the estimates chart and the RD plot
    assert "Are the referred and unreferred alike? Covariate balance" in dom
