"""Groups at risk: expected counts are sums of member probabilities; keys only; small hidden."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _slow_group_rows(label, flags, person_idx, key, probability, on_list, min_size):
    """The obvious per-group loop (what group_table computed before it was vectorised)."""
    rows = []
    order = np.argsort(-probability, kind="stable")
    for g in range(int(label.max()) + 1 if (label >= 0).any() else 0):
        everyone = label == g
        if everyone.sum() < min_size:
            continue
        scored = order[label[person_idx][order] == g]
        rows.append(
            (
                int(everyone.sum()),
                float(probability[scored].sum()),
                int(flags["suspect"][everyone].sum()),
                int(flags["victim"][everyone].sum()),
                int(on_list[scored].sum()),
                [str(k) for k in key[scored]],
            )
        )
    return rows


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_group_table_equals_the_per_group_loop(data):
    n = data.draw(st.integers(1, 60))
    n_labels = data.draw(st.integers(1, 8))
    label = np.array(data.draw(st.lists(st.integers(-1, n_labels), min_size=n, max_size=n)))
    scored_n = data.draw(st.integers(0, n))
    person_idx = np.array(sorted(data.draw(st.permutations(range(n)))[:scored_n]), dtype=int)
    # ties in probability are common in real lists (rounded scores): draw from a few values
    probability = np.array(
        data.draw(st.lists(st.sampled_from([0.1, 0.2, 0.5]), min_size=scored_n, max_size=scored_n))
    )
    on_list = np.array(data.draw(st.lists(st.booleans(), min_size=scored_n, max_size=scored_n)))
    flags = {
        role: np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=float)
        for role in ("suspect", "victim")
    }
    key = np.array([f"k{i}" for i in range(scored_n)], dtype=object)
    min_size = data.draw(st.integers(1, 4))
    table = group_table(
        {"community": label}, flags, person_idx, key, probability, on_list, min_size=min_size
    )
    expected = _slow_group_rows(label, flags, person_idx, key, probability, on_list, min_size)
    got = [
        (
            r.size,
            r.expected_involved,
            r.recent_violence_suspect,
            r.recent_violence_victim,
            r.on_list,
            list(r.members),
        )
        for r in table.itertuples(index=False)
    ]
    # most expected involvement first (sums of equal probabilities in another order may differ
    # in the last bit, so ties are compared as a set)
    assert all(a[1] >= b[1] - 1e-9 for a, b in zip(got, got[1:], strict=False))
    by_content = sorted(range(len(expected)), key=lambda i: (expected[i][0], expected[i][5]))
    mine = sorted(range(len(got)), key=lambda i: (got[i][0], got[i][5]))
    assert len(got) == len(expected)
    for i, j in zip(mine, by_content, strict=True):
        g, e = got[i], expected[j]
        assert g[0] == e[0] and g[2:5] == e[2:5] and g[5] == e[5]
        assert g[1] == pytest.approx(e[1])
