"""Each listed person's network picture: no raw id, no key, no date; capped; bands drawn."""

from __future__ import annotations

import re

from vrurisk.reports._ego import ego_svg
from vrurisk.scoring import write_score_bundle
from vrurisk.scoring._ego import MAX_FIRST_HOP, MAX_SECOND_HOP

DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}")


def test_every_listed_person_has_a_capped_network(scored):
    nets = scored.networks
    assert [n["key"] for n in nets] == list(scored.scores["key"].head(scored.k))
    drawn = [n["network"] for n in nets]
    assert any(len(d["nodes"]) > 1 for d in drawn)
    for d in drawn:
        hops = [node["hop"] for node in d["nodes"]]
        assert hops[0] == 0 and hops.count(1) <= MAX_FIRST_HOP and hops.count(2) <= MAX_SECOND_HOP
        assert d["nodes"][0]["band"] == "on the list"
        assert set(node["band"] for node in d["nodes"]) <= {
            "on the list",
            "higher",
            "lower",
            "not scored",
        }


def test_the_ego_svg_holds_no_raw_id_no_key_and_no_date(scoring_setup, scored):
    raw = set(scoring_setup["dataset"].people["person_id"].astype(str))
    keys = set(scored.scores["key"])
    for n in scored.networks:
        svg = str(ego_svg(n["network"]))
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        assert not DATE.search(svg), svg
        tokens = set(re.findall(r"[A-Za-z0-9_\-]+", svg))
        assert not tokens & raw and not tokens & keys


def test_the_panel_pack_draws_the_networks(tmp_path, scoring_setup, scored):
    out = write_score_bundle(scored, tmp_path / "b", config=scoring_setup["config"])
    panel = (out / "panel.html").read_text()
    section = panel[panel.index('<section id="networks">') :]
    section = section[: section.index("</section>")]
    assert section.count("<svg xmlns") == scored.k
