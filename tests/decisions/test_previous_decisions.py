"""For people returning from the previous list, the panel shows the panel's previous decision
(issue 12, item 2), on a constructed pair of lists with decisions recorded for the first."""

from __future__ import annotations

import pandas as pd
from cli_helpers import run_cli
from decisions_helpers import filled, make_bundle
from panel_helpers import bare_panel

from vrurisk.decisions import read_decisions
from vrurisk.reports import render_panel
from vrurisk.scoring._history import find_previous_bundle, list_changes, load_previous_list


def _pair(tmp_path, *, decide: bool):
    first = make_bundle(tmp_path / "lists" / "tiny-2025-06-30", n=30, k=10)
    if decide:
        sheet = filled(first, tmp_path / "june.csv", rows=8)  # k08, k09 left undecided
        edit = pd.read_csv(sheet, dtype=str, keep_default_na=False)
        edit.loc[0, ["decision", "reason_code", "reviewer_role"]] = [
            "refer_to_programme",
            "known_to_a_service",
            "youth_justice",
        ]
        edit.loc[1, "decision"] = "already_supported"
        edit.to_csv(sheet, index=False)
        assert run_cli("decisions", "record", first, sheet).code == 0
    # July: k00 left (score fell), k01..k09 stay, k15 is new; k05 moved down to 10th
    order = ["k15", "k01", "k02", "k03", "k04", "k06", "k07", "k08", "k09", "k05"]
    rest = [f"k{i:02d}" for i in range(30) if f"k{i:02d}" not in order]
    current = pd.DataFrame({"key": order + rest, "rank": range(1, 31)})
    found = find_previous_bundle(
        tmp_path / "lists" / "tiny-2025-07-31",
        config_name="tiny",
        as_of=pd.Timestamp("2025-07-31"),
    )
    assert found == first
    previous = load_previous_list(found)
    changes = list_changes(
        previous["scores"],
        previous["k"],
        current,
        10,
        previous_as_of=previous["as_of"],
        previous_decisions=read_decisions(found),
    )
    return current, changes


def test_returning_people_carry_the_previous_decision(tmp_path):
    current, changes = _pair(tmp_path, decide=True)
    assert changes["decisions_recorded"] is True
    decisions = changes["previous_decisions"]
    assert decisions["k01"] == "already supported (2025-07-01, police)"
    assert decisions["k05"] == "monitor (2025-07-01, police)"
    assert decisions["k08"] == "not decided"  # on the list last time, no decision recorded
    assert "k15" not in decisions  # new to the list: nothing to carry
    left = {x["key"]: x for x in changes["left"]}
    assert left["k00"]["decision"] == (
        "refer to programme: known to a service (2025-07-01, youth justice)"
    )
    summary = bare_panel(current, changes, as_of="2025-07-31")
    words = {p["key"]: p["previous_decision"] for p in summary["people"]}
    assert words["k15"] == "" and words["k01"] == "already supported (2025-07-01, police)"
    html = render_panel(summary)
    assert "Decision at the list of 2025-06-30" in html
    assert "already supported (2025-07-01, police)" in html
    assert "refer to programme: known to a service (2025-07-01, youth justice)" in html


def test_no_decisions_recorded_is_said_not_left_blank(tmp_path):
    current, changes = _pair(tmp_path, decide=False)
    assert changes["decisions_recorded"] is False
    summary = bare_panel(current, changes, as_of="2025-07-31")
    assert {p["previous_decision"] for p in summary["people"] if p["key"] != "k15"} == {
        "none recorded"
    }
    html = render_panel(summary)
    assert "No decisions were recorded for the list at 2025-06-30" in html
