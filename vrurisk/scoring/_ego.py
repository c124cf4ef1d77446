"""Each listed person's network at the as-of date, as plain data for a small picture.

One or two hops around the person over links dated before the as-of date, capped, strongest
ties first. Associates carry only what the picture shows: a risk band, whether they were
recently involved in violence as suspect or victim, and the link type. No id, key or date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vrurisk.features.blocks import day_array, incident_links, to_day

#: Associates drawn per hop (strongest ties first).
MAX_FIRST_HOP = 12
MAX_SECOND_HOP = 12

#: Link types from the strongest kind of tie to the weakest: a pair linked several ways is
#: drawn as the first of its types in this order.
TYPE_ORDER = ("co_offending", "incident", "group", "co_victim", "household", "associate", "school")


def _live_links(dataset, network, day: int) -> pd.DataFrame:
    links = dataset.links
    types = (
        links["link_type"].astype(str).to_numpy()
        if "link_type" in links.columns
        else np.full(len(links), "link", dtype=object)
    )
    keep = day_array(links["link_date"]) < day
    frame = pd.DataFrame(
        {
            "a": links["idx_a"].to_numpy()[keep].astype(np.int64),
            "b": links["idx_b"].to_numpy()[keep].astype(np.int64),
            "type": types[keep],
        }
    )
    if network.incident_links:
        implied = incident_links(dataset, network.max_incident_size)
        live = (implied["day"].to_numpy() < day) & (implied["until"].to_numpy() >= day)
        frame = pd.concat(
            [frame, implied.loc[live, ["a", "b"]].assign(type="incident")], ignore_index=True
        )
    if network.link_types is not None:
        frame = frame[frame["type"].isin(network.link_types)]
    both = pd.concat([frame, frame.rename(columns={"a": "b", "b": "a"})], ignore_index=True)
    both = both[both["a"] != both["b"]]
    rank = {t: i for i, t in enumerate(TYPE_ORDER)}
    both["strength"] = both["type"].map(rank).fillna(len(TYPE_ORDER))
    both["n"] = 1
    per_pair = both.groupby(["a", "b"], sort=True).agg(n=("n", "sum"), strength=("strength", "min"))
    first_type = both.sort_values("strength", kind="stable").drop_duplicates(["a", "b"])
    per_pair = per_pair.join(first_type.set_index(["a", "b"])["type"])
    return per_pair.reset_index()


def ego_networks(
    dataset,
    as_of,
    network,
    egos: np.ndarray,
    band: np.ndarray,
    flags: dict[str, np.ndarray],
    *,
    priority: np.ndarray,
    two_hops: bool = True,
) -> list[dict]:
    """The 1-2 hop network of each person in ``egos`` (positions in the people table).

    Parameters
    ----------
    band : array of str
        A risk band per person in the people table (e.g. "on the list", "not scored").
    flags : dict
        ``suspect`` and ``victim`` per person (recent violence, from ``violence_flags``).
    priority : array of int
        A stable order per person (hash of the id) to break ties between equal ties.

    Returns
    -------
    list of dict
        Per ego: ``nodes`` (``hop``, ``band``, ``suspect``, ``victim``, ``parent``: the index
        of the first-hop node it hangs from, -1 for the ego and first hop), ``edges`` (pairs of
        node indices and a ``type``) and ``hidden`` (associates not drawn).
    """
    pairs = _live_links(dataset, network, to_day(as_of))
    a = pairs["a"].to_numpy()
    starts = np.searchsorted(a, np.arange(dataset.n_people + 1))

    def around(person: int) -> pd.DataFrame:
        part = pairs.iloc[starts[person] : starts[person + 1]]
        order = np.lexsort((priority[part["b"].to_numpy()], part["strength"], -part["n"]))
        return part.iloc[order]

    out = []
    for ego in np.asarray(egos, dtype=np.int64):
        first = around(ego)
        hidden = max(0, len(first) - MAX_FIRST_HOP)
        first = first.head(MAX_FIRST_HOP)
        index = {int(ego): 0}
        nodes = [_node(ego, 0, -1, band, flags)]
        edges = []
        for row in first.itertuples(index=False):
            index[int(row.b)] = len(nodes)
            nodes.append(_node(row.b, 1, -1, band, flags))
            edges.append({"from": 0, "to": index[int(row.b)], "type": str(row.type)})
        if two_hops and len(first):
            drawn = 0
            per_parent = -(-MAX_SECOND_HOP // len(first))  # spread over the first hop
            for parent in list(first["b"]):
                taken = 0
                for row in around(int(parent)).itertuples(index=False):
                    if drawn >= MAX_SECOND_HOP or taken >= per_parent:
                        break
                    if int(row.b) in index:
                        continue
                    index[int(row.b)] = len(nodes)
                    nodes.append(_node(row.b, 2, index[int(parent)], band, flags))
                    edges.append(
                        {"from": index[int(parent)], "to": index[int(row.b)], "type": str(row.type)}
                    )
                    drawn += 1
                    taken += 1
        out.append({"nodes": nodes, "edges": edges, "hidden": hidden})
    return out


def _node(person, hop: int, parent: int, band, flags) -> dict:
    person = int(person)
    return {
        "hop": hop,
        "parent": parent,
        "band": str(band[person]),
        "suspect": bool(flags["suspect"][person] > 0),
        "victim": bool(flags["victim"][person] > 0),
    }
