"""vrurisk link end to end on small synthetic extracts (a few seconds each)."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pandas as pd
import pytest
from cli_helpers import run_cli

from vrurisk.linkage import link_agencies, pairwise_precision_recall, simulate_agency_extracts

pytest.importorskip("splink")

N_PEOPLE = 2000
#: The report's own words ("Wilson interval") are not a leak of the surname Wilson.
TEMPLATE = Path(__file__).parents[2] / "vrurisk" / "linkage" / "templates" / "linkage_report.html"
#: Canary identifiers planted in the inputs; none may appear in any output.
CANARY = {"first": "Quenbyrtha", "last": "Zawadzkowicz", "dob": "14/07/2009", "postcode": "ZZ9 9ZZ"}


def write_extracts(directory: Path, *, seed: int, differential_noise: float = 0.0) -> tuple:
    extracts = simulate_agency_extracts(N_PEOPLE, seed=seed, differential_noise=differential_noise)
    police = extracts.tables["police"]
    canary = police.iloc[[0]].assign(
        nominal_id="PNCANARY1",
        forename=CANARY["first"],
        surname=CANARY["last"],
        dob=CANARY["dob"],
        postcode=CANARY["postcode"],
    )
    extracts.tables["police"] = pd.concat([police, canary], ignore_index=True)
    truth = pd.DataFrame({"agency": ["police"], "agency_id": ["PNCANARY1"], "person_id": ["C"]})
    return extracts.write(directory), pd.concat([extracts.truth, truth], ignore_index=True)


@pytest.fixture(scope="module")
def even(tmp_path_factory):
    """Extracts with the same noise for everyone, linked through the CLI with sockets refused."""
    root = tmp_path_factory.mktemp("even")
    config, truth = write_extracts(root / "extracts", seed=11)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _no_network)
        code, out, err = run_cli("link", config, "--out", root / "linked")
    assert code == 0, err
    return root, truth, out


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """Extracts whose identifiers are much noisier for Black young people."""
    root = tmp_path_factory.mktemp("planted")
    config, truth = write_extracts(root / "extracts", seed=11, differential_noise=4)
    return root, truth, link_agencies(config, root / "linked")


def _no_network(*args, **kwargs):
    raise AssertionError("linkage tried to open a network connection")


def flagged(summary: dict) -> list[tuple]:
    return [(r["agency"], r["attribute"], r["group"]) for r in summary["rates"] if r["flagged"]]


def test_pairwise_precision_and_recall_on_a_small_set(even):
    root, truth, _ = even
    crosswalk = pd.read_csv(root / "linked" / "crosswalk.csv", dtype=str)
    quality = pairwise_precision_recall(crosswalk, truth)
    assert quality["precision"] >= 0.97
    assert quality["recall"] >= 0.93


def test_outputs_are_keys_and_a_people_table_without_names(even):
    root, truth, out = even
    linked = root / "linked"
    assert sorted(p.name for p in linked.iterdir()) == [
        "crosswalk.csv",
        "linkage_report.html",
        "linkage_report.json",
        "people.csv",
    ]
    crosswalk = pd.read_csv(linked / "crosswalk.csv", dtype=str)
    assert list(crosswalk.columns) == ["agency", "agency_id", "person_id"]
    assert len(crosswalk) == len(truth)
    assert crosswalk["person_id"].str.fullmatch(r"L[0-9a-f]{16}").all()
    people = pd.read_csv(linked / "people.csv", dtype=str)
    assert list(people.columns) == ["person_id", "birth_date", "sex", "ethnicity"]
    assert set(people["person_id"]) == set(crosswalk["person_id"])
    assert "linked into" in out


def test_no_name_postcode_or_input_date_reaches_any_output(even, planted):
    for root in (even[0], planted[0]):
        names, postcodes = set(), set()
        for table in (root / "extracts").glob("*.csv"):
            frame = pd.read_csv(table, dtype=str)
            for column in frame.columns:
                if "name" in column or column in ("forename", "surname"):
                    names |= {v.lower() for v in frame[column].dropna() if len(v) >= 5}
                if "postcode" in column:
                    postcodes |= {v.upper().replace(" ", "") for v in frame[column].dropna()}
        names -= {"white", "black", "asian", "mixed", "other"}  # ethnic groups, not names
        names -= set(re.findall(r"[a-z]+", TEMPLATE.read_text(encoding="utf-8").lower()))
        assert CANARY["first"].lower() in names
        for path in (root / "linked").iterdir():
            text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", path.read_text("utf-8"))
            words = set(re.findall(r"[a-z]+", text.lower()))
            # Names of hex letters only ("abeda") turn up inside hex keys by chance.
            words = {w for w in words if not re.fullmatch(r"[a-f]+", w)}
            assert not names & words, (path.name, sorted(names & words)[:5])
            squeezed = set(re.findall(r"[A-Z]{1,2}[0-9][A-Z0-9]?\s?[0-9][A-Z]{2}", text))
            assert not {p.replace(" ", "") for p in squeezed} & postcodes, path.name
            assert "2009-07-14" not in text or path.name == "people.csv"
            assert CANARY["dob"] not in text


def test_even_noise_flags_no_group(even):
    root = even[0]
    summary = json.loads((root / "linked" / "linkage_report.json").read_text(encoding="utf-8"))
    assert flagged(summary) == []
    assert summary["findings"][0].startswith("No group links markedly less often")


def test_planted_differential_noise_is_flagged_for_that_group_only(planted):
    summary = planted[2].summary
    flags = flagged(summary)
    assert ("all agencies", "ethnicity", "Black") in flags
    assert {group for _, attribute, group in flags if attribute == "ethnicity"} == {"Black"}
    assert all(attribute == "ethnicity" for _, attribute, _ in flags)
    assert "'Black' records link to another agency" in summary["findings"][0]


def test_the_report_is_self_contained_and_masks_ids(even):
    root = even[0]
    html = (root / "linked" / "linkage_report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html and "https://" not in html
    summary = json.loads((root / "linked" / "linkage_report.json").read_text(encoding="utf-8"))
    ids = set(pd.read_csv(root / "linked" / "crosswalk.csv", dtype=str)["agency_id"])
    for pair in (
        summary["borderline"]["lowest_matches"] + summary["borderline"]["highest_non_matches"]
    ):
        for side in (pair["left"], pair["right"]):
            assert side.split(" ")[1] not in ids
            assert "•••" in side
    assert 0.9 < summary["expected"]["expected_precision"] <= 1


def test_each_run_is_in_the_audit_log(even):
    from vrurisk.audit_log import read_log

    entries = [e for e in read_log() if e["command"] == "link"]
    assert entries and entries[-1]["details"]["records"] == len(even[1])
    assert entries[-1]["config_hash"]


def test_the_library_never_imports_the_cli():
    package = Path(__file__).parents[2] / "vrurisk" / "linkage"
    for module in package.glob("*.py"):
        assert "vrurisk.cli" not in module.read_text(encoding="utf-8"), module.name
