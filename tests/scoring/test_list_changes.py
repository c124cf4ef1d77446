"""What changed since the last list (issue 12, item 2), on constructed pairs of lists."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from panel_helpers import bare_panel

from vrurisk.reports._panel import render_panel
from vrurisk.scoring._history import find_previous_bundle, list_changes


def ranked(keys):
    return pd.DataFrame({"key": keys, "rank": range(1, len(keys) + 1)})


@pytest.fixture()
def pair():
    # previous cohort of 60: p00..p59 in order; the list was its top 10
    previous = ranked([f"p{i:02d}" for i in range(60)])
    # current cohort: p00 and p01 gone (p00 aged out, p01 left the cohort), p02 fell to 45,
    # p09 rose from 10th place, p40 jumped from 41st to 1st, n1 and n2 are new to the cohort
    order = ["p40", "p09", "n1", "p03", "p04", "p05", "p06", "p07", "p08", "n2"]
    rest = [k for k in previous["key"] if k not in order and k not in ("p00", "p01", "p02")]
    rest = rest[:34] + ["p02"] + rest[34:]
    current = ranked(order + rest)
    return previous, current


def test_change_summary_is_right_on_a_constructed_pair(pair):
    previous, current = pair
    changes = list_changes(previous, 10, current, 10, aged_out={"p00"}, previous_as_of="2025-05-31")
    assert changes["new"] == ["p40", "n1", "n2"]
    assert [(x["key"], x["previous_rank"]) for x in changes["left"]] == [
        ("p00", 1),
        ("p01", 2),
        ("p02", 3),
    ]
    reasons = [x["reason"] for x in changes["left"]]
    assert reasons[0] == "aged out of the cohort"
    assert reasons[1].startswith("no longer in the cohort")
    assert reasons[2] == "score fell (now rank 45)"
    assert changes["moves"] == {
        "p09": 2 - 10,
        "p03": 0,
        "p04": 0,
        "p05": 0,
        "p06": 0,
        "p07": 0,
        "p08": 0,
    }
    assert changes["previous_rank"]["p40"] == 41
    assert changes["summary"] == (
        "3 new, 3 left, 0 moved up more than 20 places, 0 moved down more than 20 places"
    )
    # a bigger list: p40 is on both and moved up 40 places
    wide = list_changes(previous, 50, current, 50)
    assert wide["moves"]["p40"] == -40 and wide["n_up"] == 1


def test_panel_pack_shows_the_changes(pair):
    previous, current = pair
    changes = list_changes(previous, 10, current, 10, aged_out={"p00"}, previous_as_of="2025-05-31")
    summary = bare_panel(current, changes)
    words = {p["key"]: p["change"] for p in summary["people"]}
    assert words["p40"] == "new (was rank 41)" and words["n1"] == "new"
    assert words["p09"] == "up 8" and words["p03"] == "same"
    html = render_panel(summary)
    assert "Since the list at 2025-05-31:" in html and changes["summary"] in html
    assert "aged out of the cohort" in html and "score fell (now rank 45)" in html


def bundle(directory, name, as_of):
    directory.mkdir()
    manifest = {"config": {"name": name, "hash": "x"}, "as_of": as_of, "panel_k": 10}
    (directory / "manifest.json").write_text(json.dumps(manifest))
    ranked(["a"]).assign(probability=0.1).to_parquet(directory / "scores.parquet")


def test_previous_bundle_is_the_latest_earlier_one_of_the_same_config(tmp_path):
    bundle(tmp_path / "demo-2025-04-30", "demo", "2025-04-30")
    bundle(tmp_path / "demo-2025-05-31", "demo", "2025-05-31")
    bundle(tmp_path / "other-2025-06-15", "other", "2025-06-15")
    bundle(tmp_path / "demo-2025-07-31", "demo", "2025-07-31")  # later: not previous
    (tmp_path / "notes").mkdir()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "manifest.json").write_text("{not json")
    out = tmp_path / "demo-2025-06-30"
    found = find_previous_bundle(out, config_name="demo", as_of=pd.Timestamp("2025-06-30"))
    assert found == (tmp_path / "demo-2025-05-31").resolve()
    assert find_previous_bundle(out, config_name="x", as_of=pd.Timestamp("2025-06-30")) is None
    # re-scoring into an existing bundle never compares the list with itself
    bundle(out, "demo", "2025-06-30")
    found = find_previous_bundle(out, config_name="demo", as_of=pd.Timestamp("2025-06-30"))
    assert found == (tmp_path / "demo-2025-05-31").resolve()


def test_score_finds_the_previous_list_beside_it(registered_setup, monkeypatch, tmp_path):
    from scoring_helpers import PSEUDONYM_KEY

    from vrurisk.scoring._run import run_scoring

    monkeypatch.setenv("VRURISK_PSEUDONYM_KEY", PSEUDONYM_KEY)
    common = dict(
        dataset=registered_setup["dataset"],
        explain_top=50,
        track=False,
        audit_log_path=tmp_path / "audit.jsonl",
    )
    config = registered_setup["config"]
    first = run_scoring(config, as_of="2025-11-30", out=tmp_path / "lists" / "nov", **common)
    assert first["previous_list"] is None
    second = run_scoring(config, out=tmp_path / "lists" / "dec", **common)
    assert second["previous_list"]["as_of"] == "2025-11-30"
    manifest = json.loads((tmp_path / "lists" / "dec" / "manifest.json").read_text())
    assert manifest["previous_list"]["changes"] == second["changes"]
    html = (tmp_path / "lists" / "dec" / "panel.html").read_text()
    assert "Since the list at 2025-11-30:" in html and second["changes"] in html
