"""Network-contextual risk at an as-of date T, from links dated strictly before T.

The graph at T is one symmetric scipy CSR matrix over every person (``W``: summed link weights,
decayed by link age; ``A``: its 0/1 pattern). Neighbourhood counts are sparse matrix-vector
products; component size, k-core, PageRank, communities and hop distances come from the
vectorised algorithms in :mod:`vrurisk.features._graph`.

Reasons describe associates only in aggregate ("2 associates were victims of violence in the
last 6 months"): no feature, description or reason identifies anyone but the person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from vrurisk.data import Dataset
from vrurisk.features._cohort import day_array
from vrurisk.features._config import FeatureConfig, NetworkConfig
from vrurisk.features._graph import (
    component_sizes,
    core_numbers,
    hops_to_other_source,
    pagerank,
    start_leiden,
)
from vrurisk.features._individual import window_words
from vrurisk.features._manifest import FeatureSpec


@dataclass(frozen=True)
class LinkIndex:
    """Links (given and implied by shared incidents) as arrays sorted by (date, pair)."""

    a: np.ndarray
    b: np.ndarray
    day: np.ndarray
    weight: np.ndarray  # type weight x weight column, before decay
    until: np.ndarray  # last as-of day at which the link counts (incident size limit)
    n_people: int


@dataclass(frozen=True)
class Graph:
    """The network at one as-of date."""

    weights: sp.csr_matrix  # W, symmetric
    adjacency: sp.csr_matrix  # A = pattern of W, float64 ones

    @property
    def degree(self) -> np.ndarray:
        return np.diff(self.adjacency.indptr)


#: ``LinkIndex.until`` of a link that never expires.
NEVER = np.iinfo(np.int64).max


def incident_links(dataset: Dataset, max_size: int) -> pd.DataFrame:
    """Pairs of people whose events share an ``incident_id``, dated by the later event.

    An incident counts as an association at T only while at most ``max_size`` people have an
    event in it dated before T (mass events are not associations). Its size is counted at T, so
    a person joining the incident on or after T never changes the network at T: each pair
    carries ``until``, the last as-of day at which its incident is still small enough (the
    first day of the incident's ``max_size + 1``-th person; :data:`NEVER` if it never grows
    past the limit). Only the first ``max_size`` people of an incident can ever be linked by it.
    """
    events = dataset.events
    empty = pd.DataFrame({"a": [], "b": [], "day": [], "until": []}, dtype=np.int64)
    if "incident_id" not in events.columns:
        return empty
    has = events["incident_id"].notna().to_numpy()
    frame = pd.DataFrame(
        {
            "inc": pd.factorize(events["incident_id"].to_numpy()[has])[0],
            "p": events["person_idx"].to_numpy()[has].astype(np.int64),
            "day": day_array(events["event_date"])[has],
        }
    )
    frame = frame.groupby(["inc", "p"], sort=False, observed=True)["day"].min().reset_index()
    frame = frame.sort_values(["inc", "day", "p"], kind="stable")
    rank = frame.groupby("inc", sort=False).cumcount().to_numpy()
    inc = frame["inc"].to_numpy()
    grows_on = np.full(int(inc.max()) + 1 if len(inc) else 0, NEVER, dtype=np.int64)
    grows_on[inc[rank == max_size]] = frame["day"].to_numpy()[rank == max_size]
    frame["until"] = grows_on[inc]
    frame = frame[rank < max_size]
    frame = frame[frame.groupby("inc", sort=False)["p"].transform("size").to_numpy() >= 2]
    pairs = frame.merge(frame[["inc", "p", "day"]], on="inc", suffixes=("_a", "_b"))
    pairs = pairs[pairs["p_a"] < pairs["p_b"]]
    return pd.DataFrame(
        {
            "a": pairs["p_a"].to_numpy(),
            "b": pairs["p_b"].to_numpy(),
            "day": np.maximum(pairs["day_a"].to_numpy(), pairs["day_b"].to_numpy()),
            "until": pairs["until"].to_numpy(),
        }
    )


def index_links(dataset: Dataset, network: NetworkConfig) -> LinkIndex:
    """Encode links once for every as-of date: endpoints, date, undecayed weight."""
    links = dataset.links
    if "link_type" in links.columns:
        types = links["link_type"].astype("category")
        names = [str(c) for c in types.cat.categories]
        codes = types.cat.codes.to_numpy().astype(np.int64)  # -1: missing type
    else:
        names, codes = [], np.full(len(links), -1, dtype=np.int64)
    allowed = network.link_types
    per_type = np.array(
        [
            network.link_weights.get(t, 1.0) if allowed is None or t in allowed else 0.0
            for t in names
        ]
        + [1.0 if allowed is None else 0.0]
    )
    weight = per_type[codes]  # code -1 picks the untyped weight at the end
    if network.use_weight_column and "weight" in links.columns:
        weight = weight * links["weight"].fillna(1.0).to_numpy(dtype=np.float64)
    a = links["idx_a"].to_numpy().astype(np.int64)
    b = links["idx_b"].to_numpy().astype(np.int64)
    day = day_array(links["link_date"])
    until = np.full(len(day), NEVER, dtype=np.int64)
    use_incidents = network.incident_links and (
        network.link_types is None or "incident" in network.link_types
    )
    if use_incidents:
        implied = incident_links(dataset, network.max_incident_size)
        a = np.concatenate([a, implied["a"].to_numpy()])
        b = np.concatenate([b, implied["b"].to_numpy()])
        day = np.concatenate([day, implied["day"].to_numpy()])
        until = np.concatenate([until, implied["until"].to_numpy()])
        weight = np.concatenate(
            [weight, np.full(len(implied), network.link_weights.get("incident", 1.0))]
        )
    keep = weight > 0
    a, b, day, weight, until = one_tie_per_pair_per_date(
        a[keep], b[keep], day[keep], weight[keep], until[keep]
    )
    return LinkIndex(a, b, day, weight, until, dataset.n_people)


def one_tie_per_pair_per_date(a, b, day, weight, until):
    """Keep one tie per unordered pair per date: the strongest (largest weight), lasting as
    long as the longest-lasting of the pair's ties on that date.

    A pair linked in ``links`` and also sharing an incident on that date, or listed twice
    (``a-b`` and ``b-a``), is one tie, not two. Returned in (date, pair) order, as
    :class:`LinkIndex` keeps them. The (date, pair) is packed into one int64 sort key when it
    fits: one single-key sort instead of a four-key lexsort and a sort by date.
    """
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    if not len(lo):
        return lo, hi, day, weight, until
    first_day = int(day.min())
    n_ids, n_days = int(hi.max()) + 1, int(day.max()) - first_day + 1
    if n_ids * n_ids * n_days < 2**62:
        key = ((day - first_day) * n_ids + lo) * n_ids + hi
        order = np.argsort(key)  # ties have equal (date, pair) and are reduced by max: no
        # need for a (3x slower) stable sort
        key = key[order]
        first = np.r_[True, key[1:] != key[:-1]]
    else:  # too many people x days for one int64 key
        order = np.lexsort((hi, lo, day))
        first = np.ones(len(lo), dtype=bool)
        first[1:] = (
            (lo[order][1:] != lo[order][:-1])
            | (hi[order][1:] != hi[order][:-1])
            | (day[order][1:] != day[order][:-1])
        )
    starts = np.flatnonzero(first)
    pick = order[starts]
    strongest = np.maximum.reduceat(weight[order], starts)
    longest = np.maximum.reduceat(until[order], starts)
    return lo[pick], hi[pick], day[pick], strongest, longest


def graph_at(links: LinkIndex, day: int, network: NetworkConfig) -> Graph:
    """The weighted, symmetric network of links dated before ``day`` (and still counting at
    ``day``: see :func:`incident_links`)."""
    hi = np.searchsorted(links.day, day, side="left")
    lo = 0
    if network.link_window_days is not None:
        lo = np.searchsorted(links.day, day - network.link_window_days, side="left")
    live = links.until[lo:hi] >= day
    a, b, d, w = (x[lo:hi][live] for x in (links.a, links.b, links.day, links.weight))
    if network.decay_half_life_days is not None:
        w = w * np.exp2(-(day - d) / network.decay_half_life_days)
    n = links.n_people
    weights = sp.csr_matrix(
        (np.concatenate([w, w]), (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(n, n)
    )
    weights.sum_duplicates()
    adjacency = weights.copy()
    adjacency.data = np.ones_like(adjacency.data)
    return Graph(weights, adjacency)


def involved_in_violence(
    events: pd.DataFrame, types: tuple[str, ...], roles: tuple[str, ...] | None
) -> np.ndarray:
    """A boolean per event: one of the violence ``types`` in one of ``roles``.

    ``roles`` None, or no ``role`` column, counts every role (witnesses included).
    """
    violent = np.array(events["event_type"].isin(list(types)), dtype=bool)
    if roles is not None and "role" in events.columns:
        violent &= np.array(events["role"].isin(list(roles)), dtype=bool)
    return violent


def violence_flags(dataset: Dataset, network: NetworkConfig, day: int) -> dict[str, np.ndarray]:
    """Per person 0/1: involved in violence as suspect / as victim / at all, in the windows."""
    events = dataset.events
    n = dataset.n_people
    ev_day = day_array(events["event_date"])
    person = events["person_idx"].to_numpy()
    violent = involved_in_violence(events, network.violence_event_types, network.violence_roles)
    violent &= ev_day < day
    if "role" in events.columns:
        is_suspect = np.array(events["role"] == "suspect", dtype=bool)
        is_victim = np.array(events["role"] == "victim", dtype=bool)
    else:
        is_suspect = is_victim = np.zeros(len(events), dtype=bool)
    recent = violent & (ev_day >= day - network.violence_window_days)
    recent_victim = violent & (ev_day >= day - network.victim_window_days) & is_victim

    decayed = np.bincount(
        person[violent],
        weights=np.exp2(-(day - ev_day[violent]) / network.exposure_half_life_days),
        minlength=n,
    )

    def flag(mask: np.ndarray) -> np.ndarray:
        out = np.zeros(n)
        out[person[mask]] = 1.0
        return out

    return {
        "suspect": flag(recent & is_suspect),
        "victim": flag(recent & is_victim),
        "any": flag(recent),
        "hop_victim": flag(recent_victim),
        "decayed": decayed,
    }


def network_manifest(network: NetworkConfig) -> list[FeatureSpec]:
    """One :class:`FeatureSpec` per network column, in column order."""
    w = network.violence_window_days
    ww = window_words(w)
    vw = window_words(network.victim_window_days)
    none = network.max_hops + 1
    tie = "recent close tie|recent close ties"
    spec = [
        (
            "net_degree",
            "number of associates (people linked to them in the records)",
            "linked to {value:count|other person|other people} in the records",
        ),
        (
            "net_weighted_degree",
            "strength of their ties to associates (closer and more recent links count more)",
            f"ties to associates worth {{value:about|{tie}}} (older or looser links count less)",
        ),
        (
            f"net_assoc_violence_suspect_{w}d",
            f"associates who were suspects of violence in the last {ww}",
            "{value:count|associate was a suspect|associates were suspects} of violence in the "
            f"last {ww}",
        ),
        (
            f"net_assoc_violence_victim_{w}d",
            f"associates who were victims of violence in the last {ww}",
            "{value:count|associate was a victim|associates were victims} of violence in the "
            f"last {ww}",
        ),
        (
            f"net_share_assoc_violence_suspect_{w}d",
            f"share of associates who were suspects of violence in the last {ww}",
            f"{{value:.0%}} of their associates were suspects of violence in the last {ww}",
        ),
        (
            f"net_share_assoc_violence_victim_{w}d",
            f"share of associates who were victims of violence in the last {ww}",
            f"{{value:.0%}} of their associates were victims of violence in the last {ww}",
        ),
        (
            f"net_weighted_violence_exposure_{w}d",
            f"strength of ties to associates involved in violence in the last {ww}",
            f"ties worth {{value:about|{tie}}} to associates involved in violence in the last {ww}",
        ),
        (
            "net_recent_violence_exposure",
            "violence among associates, each event weighted by link strength and halved every "
            f"{network.exposure_half_life_days:g} days",
            "recent violence among their associates (exposure score {value:.2f}; higher for "
            "closer ties and more recent events)",
        ),
        (
            f"net_2hop_violence_{w}d",
            f"paths through an associate to people involved in violence in the last {ww}",
            "{value:count|link|links} through an associate to someone involved in violence in "
            f"the last {ww}",
        ),
        (
            f"net_hops_to_victim_{network.victim_window_days}d",
            f"steps through the network to the nearest victim of violence in the last {vw} "
            f"({none}: none within {network.max_hops})",
            f"nearest victim of violence (last {vw}) in their network: "
            f"{{value:steps|{network.max_hops}}}",
        ),
        (
            "net_component_size",
            "number of people in their connected part of the network",
            "in a connected network of {value:n|person|people}",
        ),
        (
            "net_kcore",
            "k-core number: embeddedness in a densely linked group",
            "in a closely knit group where everyone has at least {value:n|link|links} "
            "within the group",
        ),
        (
            "net_pagerank",
            "PageRank centrality among linked people, scaled so their average is 1 (0: no links)",
            "{value:times} as central in the network as the average linked person",
        ),
        (
            "net_community_size",
            "size of their network community (Leiden communities of the weighted network)",
            "in a network community of {value:n|person|people}",
        ),
        (
            f"net_community_violence_rate_{w}d",
            f"share of others in their network community involved in violence in the last {ww}",
            f"{{value:.0%}} of their network community were involved in violence in the last {ww}",
        ),
    ]
    return [FeatureSpec(name, "network", desc, reason) for name, desc, reason in spec]


def _linked_pagerank(weights: sp.csr_matrix, linked: np.ndarray, alpha: float) -> np.ndarray:
    """PageRank among people with at least one link, times their number (0 for the unlinked),
    so people with no links (e.g. added to the table later) never change anyone's value."""
    out = np.zeros(weights.shape[0])
    idx = np.flatnonzero(linked)
    if len(idx):
        out[idx] = pagerank(weights[idx][:, idx], alpha) * len(idx)
    return out


def person_priority(dataset: Dataset) -> np.ndarray:
    """A canonical rank per person from a hash of ``person_id``: the node order handed to the
    community detection, so communities do not depend on the order of rows in ``people``."""
    hashed = pd.util.hash_array(dataset.people["person_id"].to_numpy(dtype=object))
    order = np.argsort(hashed, kind="stable")  # equal hashes: in row order
    rank = np.empty(dataset.n_people, dtype=np.int64)
    rank[order] = np.arange(dataset.n_people)
    return rank


#: The first columns of :func:`network_block` are this many neighbourhood aggregates (degree,
#: weighted degree, suspect/victim neighbours and shares, weighted exposure, decayed exposure,
#: two-hop involvement); the whole-graph columns follow. The Dask engine computes the former
#: by joins and takes the latter from here.
N_NEIGHBOURHOOD = 9


#: The last partition :func:`communities` computed, as one (key, labels) tuple (read and
#: replaced whole, so threads never see a key with another key's labels). Scoring asks for the
#: same graph's communities twice (the features, then the groups table); the Leiden call is
#: most of the network features' time at scale.
_LAST_PARTITION: list = [None]


def _partition_key(graph: Graph, network: NetworkConfig, priority: np.ndarray | None) -> tuple:
    """A digest of everything the partition depends on."""
    import hashlib

    digest = hashlib.blake2b(digest_size=20)
    W = graph.weights
    for array in (W.indptr, W.indices, W.data, priority if priority is not None else []):
        digest.update(np.ascontiguousarray(array).view(np.uint8))
        digest.update(b"|")
    settings = (
        network.community_objective,
        network.community_resolution,
        network.community_iterations,
        network.community_seed,
    )
    return W.shape, digest.hexdigest(), settings


def communities(graph: Graph, network: NetworkConfig, priority: np.ndarray | None) -> np.ndarray:
    """Leiden community label per person (see :func:`~vrurisk.features._graph.leiden_communities`)
    with the config's objective, resolution, iterations and seed; ``priority`` from
    :func:`person_priority`. The same graph and settings as the last call reuse its result."""
    return start_communities(graph, network, priority)()


def start_communities(graph: Graph, network: NetworkConfig, priority: np.ndarray | None):
    """Start :func:`communities` (in a child process on a large graph, see
    :func:`~vrurisk.features._graph.start_leiden`); returns a function that waits for it."""
    key = _partition_key(graph, network, priority)
    last = _LAST_PARTITION[0]
    if last is not None and last[0] == key:
        return last[1].copy
    wait = start_leiden(
        graph.weights,
        priority,
        objective=network.community_objective,
        resolution=network.community_resolution,
        iterations=network.community_iterations,
        seed=network.community_seed,
    )

    def labels() -> np.ndarray:
        found = wait()
        _LAST_PARTITION[0] = (key, found.copy())
        return found

    return labels


def network_block(
    graph: Graph,
    flags: dict[str, np.ndarray],
    network: NetworkConfig,
    priority: np.ndarray | None = None,
):
    """Every network feature for every person, as a float64 (n_people, n_features) array.

    ``priority`` is the canonical node order for community detection (see
    :func:`person_priority`)."""
    A, W = graph.adjacency, graph.weights
    n = A.shape[0]
    deg = graph.degree.astype(np.float64)
    safe = np.maximum(deg, 1.0)
    pending = start_communities(graph, network, priority)  # overlaps the rest on a big graph
    sus, vic, inv = A @ flags["suspect"], A @ flags["victim"], A @ flags["any"]
    other_columns = [
        deg,
        np.asarray(W.sum(axis=1)).ravel(),
        sus,
        vic,
        sus / safe,
        vic / safe,
        W @ flags["any"],
        W @ flags["decayed"],
        A @ inv - deg * flags["any"],
        hops_to_other_source(A, flags["hop_victim"] > 0, network.max_hops),
        component_sizes(A),
        core_numbers(A),
        _linked_pagerank(W, deg > 0, network.pagerank_alpha),
    ]
    community = pending()
    comm_size = np.bincount(community, minlength=n)[community].astype(np.float64)
    comm_violent = np.bincount(community, weights=flags["any"], minlength=n)[community]
    others = comm_size - 1
    comm_rate = np.divide(comm_violent - flags["any"], others, out=np.zeros(n), where=others > 0)
    columns = [*other_columns, comm_size, comm_rate]
    return np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])


def build_network_features(
    dataset: Dataset,
    as_of,
    person_idx: np.ndarray | None = None,
    features: FeatureConfig | None = None,
) -> tuple[pd.DataFrame, list[FeatureSpec]]:
    """Network-contextual features at ``as_of`` from links (and shared incidents) before it.

    The parameters are :func:`~vrurisk.features.build_individual_features`'s; the graph always
    spans everyone, whichever rows ``person_idx`` returns, and ``features.network`` is read.

    Returns
    -------
    (pandas.DataFrame, list of FeatureSpec)
        Columns named ``net_*`` (see :func:`network_manifest`) and their manifest.
    """
    from vrurisk.features._builtin_blocks import NETWORK, block_features

    return block_features(NETWORK, dataset, as_of, person_idx, features)
