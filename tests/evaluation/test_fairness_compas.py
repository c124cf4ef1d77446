"""Real data: `vrurisk audit` reproduces ProPublica's published COMPAS error rates by race.

ProPublica's table (see ../shared/data/compas/README.md): flagged = score_text Medium or High,
outcome two_year_recid, all 7,214 rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vrurisk.cli import app

COMPAS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "compas"
GENERAL = COMPAS / "compas-scores-two-years.csv"

#: ProPublica's published false positive and false negative rates, in percent.
PUBLISHED = {
    "African-American": (44.85, 27.99),
    "Caucasian": (23.45, 47.72),
    "all": (32.35, 37.40),
}
TOLERANCE_PP = 0.01

pytestmark = pytest.mark.skipif(
    not GENERAL.is_file(), reason=f"COMPAS data not found at {GENERAL} (needs ../shared/data)"
)


@pytest.fixture(scope="module")
def compas_audit(tmp_path_factory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("compas") / "audit"
    result = CliRunner().invoke(
        app,
        [
            "audit",
            "--data",
            str(GENERAL),
            "--score-col",
            "score_text",
            "--label-col",
            "two_year_recid",
            "--sensitive",
            "race",
            "--flag-values",
            "Medium,High",
            "--reference",
            "race=Caucasian",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), out


def test_reproduces_propublica_error_rates_by_race(compas_audit):
    summary, _ = compas_audit
    rows = {r["group"]: r for r in summary["groups"] if r["attribute"] == "race"}
    rows["all"] = summary["overall"][0]
    assert rows["all"]["n"] == 7214
    for group, (fpr, fnr) in PUBLISHED.items():
        assert abs(100 * rows[group]["false_positive_rate"] - fpr) <= TOLERANCE_PP, group
        assert abs(100 * rows[group]["false_negative_rate"] - fnr) <= TOLERANCE_PP, group


def test_flags_the_published_disparity_and_writes_the_bundle(compas_audit):
    summary, out = compas_audit
    flagged = {(f["group"], f["metric"]) for f in summary["flags"]}
    assert ("African-American", "false_positive_rate") in flagged
    assert ("African-American", "false_negative_rate") in flagged
    assert json.loads((out / "fairness.json").read_text(encoding="utf-8")) == summary
    html = (out / "bias_audit.html").read_text(encoding="utf-8")
    assert "African-American" in html and summary["findings"][0] in html


def test_decile_threshold_gives_the_same_rates(tmp_path):
    """decile_score >= 5 is exactly Medium or High, and adds calibration by decile."""
    from vrurisk.data._scores_table import read_scores_table
    from vrurisk.evaluation import FairnessConfig, audit_scores

    table = read_scores_table(GENERAL, used=["decile_score", "two_year_recid", "race"])
    config = FairnessConfig(sensitive_attributes=["race"], thresholds=[5])
    audit = audit_scores(table, score_col="decile_score", label_col="two_year_recid", config=config)
    rows = audit.groups.set_index("group")
    assert 100 * rows.loc["African-American", "false_positive_rate"] == pytest.approx(
        44.85, abs=0.01
    )
    assert 100 * rows.loc["Caucasian", "false_negative_rate"] == pytest.approx(47.72, abs=0.01)
    assert sorted(audit.calibration["bin_label"].unique(), key=int) == [
        str(i) for i in range(1, 11)
    ]
