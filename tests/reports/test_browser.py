"""The HTML reports render in a real headless browser (Debian's chromium) without console errors.

Each report is opened once with console logging on, dumping the DOM the browser built (checked
for the list and the findings) and taking a screenshot (checked not to be blank). Any console
message fails the test: the reports have no scripts, so a message means a blocked load or a
Content-Security-Policy violation.
Skipped, with the reason shown, when chromium is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from panel_helpers import panel_of
from planted_helpers import planted_frame, planted_outcome
from report_manifest import MANIFEST

from vrurisk.evaluation import FairnessConfig, audit_scores, explain, plain_language_reasons
from vrurisk.features import FAMILIES
from vrurisk.reports import render_bias_audit
from vrurisk.reports._model_card import model_card_summary, render_model_card
from vrurisk.reports._panel import panel_summary, render_panel
from vrurisk.scoring._history import list_changes

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium(url: str, *extra: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def open_page(page: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """Open ``page`` in headless chromium: its DOM on stdout, a 1280x2000 screenshot beside.

    Asserts chromium succeeded and the page logged nothing to the console.
    """
    shot = tmp_path / f"{page.name}.png"
    run = chromium(
        page.as_uri(),
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        profile=tmp_path / "profile",
    )
    assert run.returncode == 0, run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    return run, shot


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """A panel pack, model card and bias audit built from a small fitted model."""
    if CHROMIUM is None:
        pytest.skip("chromium not found: apt-get install chromium to run the browser tests")
    columns = {
        "knife_365d": ("poisson", 0.3),
        "assoc_victims_180d": ("poisson", 0.4),
        "age": ("uniform", 10, 25),
    }
    rng = np.random.default_rng(3)
    n = 1500
    X = planted_frame(rng, n, columns)
    group = rng.choice(["A", "B"], n, p=[0.7, 0.3])
    logit = -3 + 1.2 * X["knife_365d"] + 0.8 * X["assoc_victims_180d"] + 0.8 * (group == "B")
    y = planted_outcome(rng, logit)
    model = lgb.LGBMClassifier(n_estimators=40, num_leaves=7, verbose=-1).fit(X, y)
    probability = model.predict_proba(X)[:, 1]
    keys = np.array([f"k{i:05d}" for i in range(n)])
    order = np.argsort(-probability, kind="stable")
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(1, n + 1)
    ex = explain(model, X.set_axis(pd.Index(keys)), rows=order[:40], sample_size=300)
    reasons = plain_language_reasons(ex, X.set_axis(pd.Index(keys)), MANIFEST)
    scores = pd.DataFrame(
        {"key": keys, "probability": probability, "rank": rank, "percentile": 100 * (n - rank) / n}
    )
    listed = scores.sort_values("rank").head(25)["key"].tolist()
    # the previous list: the same people shifted by three places, the panel decided on its top 10
    previous = pd.DataFrame({"key": keys[order[3:]].tolist() + keys[order[:3]].tolist()})
    previous["rank"] = range(1, n + 1)
    decided = previous.head(10).assign(
        decision="monitor",
        reason_code=pd.NA,
        decision_date=pd.Timestamp("2025-06-05"),
        reviewer_role="youth_justice",
    )
    changes = list_changes(
        previous, 25, scores, 25, previous_as_of="2025-05-31", previous_decisions=decided
    )
    record = {"date": "2025-03-01", "source": "police", "event_type": "knife possession"}
    records = {  # one record in every family, so every main reason has one behind it
        key: [{**record, "role": "suspect", "family": family} for family in FAMILIES]
        for key in listed
    }
    panel = panel_of(
        scores,
        reasons,
        ex,
        MANIFEST,
        as_of="2025-06-30",
        cohort_size=n,
        k=25,
        model={"name": "lightgbm", "version": "1"},
        fairness={"n_flagged": 0, "findings": ["Audit findings go here."]},
        changes=changes,
        records=records,
    )
    frame = pd.DataFrame({"score": probability, "outcome": y, "group": group})
    audit = audit_scores(
        frame,
        score_col="score",
        label_col="outcome",
        sensitive=["group"],
        config=FairnessConfig(sensitive_attributes=["group"], top_k=[150]),
    )
    card = model_card_summary(
        model={"name": "lightgbm", "kind": "lightgbm", "calibration": "sigmoid"},
        manifest=MANIFEST,
        data={"source": "synthetic", "extraction_date": "2025-06-30", "fingerprint": "ab" * 32},
        cohort={"min_age": 10, "max_age": 25},
        outcome={"event_types": ["serious_violence"]},
        metrics=[
            {"model": "lightgbm", "metric": "roc_auc", "value": 0.8, "ci_low": 0.7, "ci_high": 0.9}
        ],
        sensitive_attributes=["group"],
        as_of="2025-06-30",
        k=25,
    )
    root = tmp_path_factory.mktemp("browser")
    pages = {
        "panel.html": render_panel(panel),
        "model_card.html": render_model_card(card),
        "bias_audit.html": render_bias_audit(audit),
    }
    for name, page in pages.items():
        (root / name).write_text(page, encoding="utf-8")
    return {"root": root, "panel": panel, "audit": audit, "card": card}


@pytest.mark.parametrize("name", ["panel.html", "model_card.html", "bias_audit.html"])
def test_report_renders_without_console_errors_and_shows_its_content(reports, name, tmp_path):
    run, shot = open_page(reports["root"] / name, tmp_path)
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (2000, 1280)
    assert pixels[..., :3].std() > 0.05  # not a blank page

    dom = html.unescape(run.stdout)
    assert "</html>" in dom and "<main>" in dom
    if name == "panel.html":
        first = reports["panel"]["people"][0]
        assert dom.count('<td class="key">') == 25 + 3  # the list and the 3 who left it
        assert f'<td class="key">{first["key"]}</td>' in dom
        assert first["reasons"][0]["text"] in dom
        assert "prompt for professional judgement, not a decision" in dom
        # issue 12: the previous decision beside returning people, records behind the reasons
        assert "Decision at the list of 2025-05-31" in dom
        assert dom.count("monitor (2025-06-05, youth justice)") == 10  # now ranks 4-13
        assert '<ul class="records"><li>2025-03-01 · police · knife possession (suspect)' in dom
        assert dom.count('<div class="d fam ') >= 25  # every listed person's family bars
    elif name == "bias_audit.html":
        assert reports["audit"].findings
        for finding in reports["audit"].findings:
            assert finding in dom
    else:
        assert "Algorithmic Transparency Recording Standard" in dom
        assert "Human decisions and review" in dom
        assert "ROC AUC" in dom
        assert 'id="data-protection-table"' in dom
        assert "Lawful basis (UK GDPR Article 6; DPA 2018 Part 3 for police):" in dom


def test_monitor_report_renders_findings_charts_and_decisions(tmp_path):
    from monitor_summary import constructed_summary

    from vrurisk.reports import write_monitor

    summary = constructed_summary()
    write_monitor(summary, tmp_path)
    run, shot = open_page(tmp_path / "monitor.html", tmp_path)
    import matplotlib.image

    assert matplotlib.image.imread(shot)[..., :3].std() > 0.05  # not a blank page
    dom = html.unescape(run.stdout)
    for finding in summary["findings"]:
        assert finding["text"] in dom
    assert dom.index("Calibration has drifted") < dom.index('id="lists"')  # findings first
    assert dom.count("data:image/png;base64,") == 4  # performance, drift, one per attribute
    assert "Override rate" in dom and "ranks 31 to 40" in dom
    assert "Thresholds used for these findings" in dom


def early_panel(note_warning: str | None = None) -> dict:
    """A 60-person list of 10 with statutory-service and turning-18 marks (no explanations)."""
    n = 60
    scores = pd.DataFrame(
        {
            "key": [f"e{i:03d}" for i in range(n)],
            "probability": np.linspace(0.5, 0.01, n),
            "rank": np.arange(1, n + 1),
            "percentile": np.linspace(100, 0, n),
            "open_to_statutory_service": [i % 3 == 0 and note_warning is None for i in range(n)],
            "statutory_services": [
                "child protection plan" if i % 3 == 0 and note_warning is None else ""
                for i in range(n)
            ],
            "turns_18_soon": [i in (1, 4) for i in range(n)],
        }
    )
    empty = pd.DataFrame(columns=["row", "rank", "feature", "reason", "direction", "strength"])
    note = {
        "event_types": ["child_protection_plan"],
        "sources": [],
        "open_days": 365,
        "warning": note_warning,
        "partial": None,
    }
    return panel_summary(
        scores,
        empty,
        pd.DataFrame(index=scores["key"]),
        global_importance=pd.Series(dtype=float),
        as_of="2025-06-30",
        cohort_size=n,
        k=10,
        early=note,
    )


def test_panel_early_identification_section_renders_the_view(tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium not found: apt-get install chromium to run the browser tests")
    summary = early_panel()
    (tmp_path / "panel.html").write_text(render_panel(summary), encoding="utf-8")
    run, _ = open_page(tmp_path / "panel.html", tmp_path)
    dom = html.unescape(run.stdout)
    section = dom[dom.index('id="early-identification"') :]
    assert "4 of the 10 people on the list are open to one" in section
    view = section[section.index('id="unknown-list"') :]
    # the view skips the open (ranks 1, 4, 7, 10, ...) and reaches below the list
    ranks = [int(r) for r in re.findall(r'<td class="num">(\d+)</td><td class="key text">', view)]
    assert ranks[:6] == [2, 3, 5, 6, 8, 9] and len(ranks) == 10 and max(ranks) > 10
    assert "no (below the list)" in view
    assert "Ranks: 2 (e001), 5 (e004)." in section


def test_panel_says_out_loud_when_no_service_record_occurs(tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium not found: apt-get install chromium to run the browser tests")
    warning = "statutory services: none of the configured event types (x) occurs in the data"
    (tmp_path / "panel.html").write_text(render_panel(early_panel(warning)), encoding="utf-8")
    run, _ = open_page(tmp_path / "panel.html", tmp_path)
    dom = html.unescape(run.stdout)
    assert "Nobody could be marked." in dom and warning in dom
    assert "0 of the 10 people on the list are open to one" in dom
