"""Groups at risk: expected counts are sums of member probabilities; keys only; small hidden."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vrurisk.scoring import write_score_bundle
from vrurisk.scoring._groups import group_table


def test_group_expected_count_is_the_sum_of_member_probabilities(scored):
    groups = scored.groups
    assert len(groups) and set(groups["kind"]) >= {"network community"}
    probability = scored.scores.set_index("key")["probability"]
    for g in groups.itertuples(index=False):
        assert g.expected_involved == pytest.approx(probability[list(g.members)].sum())
        assert g.scored == len(g.members) and g.size >= 5
    assert groups["expected_involved"].is_monotonic_decreasing
    listed = set(scored.scores["key"].head(scored.k))
    assert [len(set(m) & listed) for m in groups["members"]] == list(groups["on_list"])


def test_groups_below_the_minimum_size_are_hidden():
    labels = {"community": np.array([0, 0, 0, 1, 1, -1]), "street_group": np.full(6, -1)}
    flags = {"suspect": np.array([1.0, 0, 0, 1, 0, 0]), "victim": np.zeros(6)}
    table = group_table(
        labels,
        flags,
        np.arange(6),
        np.array([f"k{i}" for i in range(6)], dtype=object),
        np.array([0.1, 0.2, 0.3, 0.9, 0.9, 0.5]),
        np.array([0, 0, 1, 1, 1, 0], dtype=bool),
        min_size=3,
    )
    assert list(table["group"]) == ["network community 1"]
    assert table["members"][0] == ["k2", "k1", "k0"]
    assert table["expected_involved"][0] == pytest.approx(0.6)
    assert table[["size", "recent_violence_suspect", "on_list"]].iloc[0].tolist() == [3, 1, 1]


def test_bundle_has_groups_with_keys_only_and_a_groups_section(tmp_path, scoring_setup, scored):
    out = write_score_bundle(scored, tmp_path / "b", config=scoring_setup["config"])
    groups = pd.read_parquet(out / "groups.parquet")
    raw = set(scoring_setup["dataset"].people["person_id"].astype(str))
    members = {k for m in groups["members"] for k in m}
    assert members and not members & raw
    assert members <= set(scored.scores["key"])
    panel = (out / "panel.html").read_text()
    assert '<section id="groups">' in panel and groups["group"][0] in panel
