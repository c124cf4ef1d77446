"""Graph algorithms on a symmetric scipy CSR adjacency, vectorised over nodes.

Each function matches a slow per-node reference (networkx or a plain loop) value for value; the
tests in ``tests/features/test_network_reference.py`` check that on random graphs. No function
loops over nodes in Python: loops run over BFS levels or k-core levels only. Communities come
from a maintained library (igraph's Leiden), not from code of ours.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from vrurisk.features._leiden_child import leiden_membership


def neighbours_of(adj: sp.csr_matrix, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (position in ``nodes``, neighbour) pairs, as two arrays, in CSR order."""
    starts = adj.indptr[nodes]
    counts = adj.indptr[nodes + 1] - starts
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(nodes)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, adj.indices[np.repeat(starts, counts) + offsets]


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` by sorting (faster than hashing for the int64 keys used here)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def component_sizes(adj: sp.csr_matrix) -> np.ndarray:
    """Size of each node's connected component (1 for an isolated node)."""
    _, labels = csgraph.connected_components(adj, directed=False)
    return np.bincount(labels)[labels]


def core_numbers(adj: sp.csr_matrix) -> np.ndarray:
    """k-core number of each node (as ``networkx.core_number``), by level-wise peeling.

    At level k every remaining node with degree <= k is removed (all at once), its
    neighbours' degrees drop, and only those neighbours are re-checked.
    """
    n = adj.shape[0]
    degree = np.diff(adj.indptr).astype(np.int64)
    core = np.zeros(n, dtype=np.int64)
    removed = np.zeros(n, dtype=bool)
    left = n
    while left:
        k = int(degree[~removed].min())
        peel = np.flatnonzero(~removed & (degree <= k))
        while len(peel):
            core[peel] = k
            removed[peel] = True
            left -= len(peel)
            _, nb = neighbours_of(adj, peel)
            np.subtract.at(degree, nb, 1)
            cand = nb[~removed[nb] & (degree[nb] <= k)]
            peel = sorted_unique(cand)
    return core


def pagerank(
    weights: sp.csr_matrix, alpha: float = 0.85, max_iter: int = 100, tol: float = 1.0e-6
) -> np.ndarray:
    """Weighted PageRank, the same power iteration as ``networkx.pagerank`` (uniform teleport,
    dangling nodes spread uniformly, stop when the L1 change is below ``n * tol``).

    ``weights`` is symmetric, so ``x @ D^-1 W`` is ``W @ (x / strength)``: no transpose needed.
    """
    n = weights.shape[0]
    strength = np.asarray(weights.sum(axis=1)).ravel()
    inv = np.zeros(n)
    inv[strength != 0] = 1.0 / strength[strength != 0]
    dangling = strength == 0
    x = np.full(n, 1.0 / n)
    teleport = (1 - alpha) / n
    for _ in range(max_iter):
        last = x
        x = alpha * (weights @ (x * inv)) + (alpha * x[dangling].sum() / n + teleport)
        if np.abs(x - last).sum() < n * tol:
            break
    return x / x.sum()


#: The objectives :func:`leiden_communities` accepts.
OBJECTIVES = ("cpm", "modularity")


def leiden_communities(
    weights: sp.csr_matrix, priority: np.ndarray | None = None, **settings
) -> np.ndarray:
    """Community labels by the Leiden algorithm (igraph's, weighted).

    With ``objective="cpm"`` (the Constant Potts Model) a person joins a community when their
    ties into it are worth more than ``resolution`` x (the community's size) x (the median tie
    weight): at 0.1, two typical ties into a group of 20. Community sizes then depend on how
    tightly people are linked, not on how many people the data holds; weights are taken in
    units of the median tie, so multiplying every weight by a constant changes nothing (up to
    rounding). With ``objective="modularity"`` the resolution is
    modularity's (1 is the classic); its communities grow with the network (the resolution
    limit).

    Deterministic given ``seed`` and independent of the order of rows: linked nodes are handed
    to igraph in ``priority`` order (distinct integers, e.g. a hash rank of each person's id;
    default node order) and edges sorted by their endpoints' priorities, and igraph draws its
    random numbers from a ``random.Random(seed)`` for the duration of the call. Nodes with no
    link are communities of their own and never change anyone else's label. Each community is
    labelled by its member of lowest priority, so labels do not depend on row order either.

    Parameters
    ----------
    weights : scipy.sparse.csr_matrix
        Symmetric non-negative link weights (the diagonal is ignored).
    priority : array of int, optional
        Canonical node order.
    **settings
        Keywords of :func:`start_leiden`: ``objective`` ({"cpm", "modularity"}, default
        "cpm"), what Leiden optimises; ``resolution`` (default 0.1), higher finds more,
        smaller communities (see above for its meaning under each objective); ``iterations``
        (default 1), Leiden iterations (each may improve the partition further); ``seed``
        (default 0), the seed of the random numbers igraph draws.

    Returns
    -------
    numpy.ndarray of int64
        A label per node: the index of the community's lowest-priority member.

    Examples
    --------
    Two groups of four, everyone linked within a group, one link between the groups, and one
    person with no link:

    >>> import scipy.sparse as sp
    >>> pairs = [(a, b) for g in (0, 4) for a in range(g, g + 4) for b in range(a + 1, g + 4)]
    >>> rows, cols = zip(*pairs, (3, 4))
    >>> w = sp.coo_matrix(([1.0] * len(rows), (rows, cols)), shape=(9, 9))
    >>> leiden_communities((w + w.T).tocsr()).tolist()
    [0, 0, 0, 0, 4, 4, 4, 4, 8]
    """
    return start_leiden(weights, priority, child_min_links=None, **settings)()


#: Graphs with at least this many links are partitioned in a child process by
#: :func:`start_leiden` (starting one costs about 0.1 s; the Leiden call on 3.3M links, about
#: 10 s of one core).
CHILD_MIN_LINKS = 200_000

#: The script the child process runs (by path: it imports numpy and igraph only).
CHILD_SCRIPT = Path(__file__).with_name("_leiden_child.py")


def start_leiden(
    weights: sp.csr_matrix,
    priority: np.ndarray | None = None,
    *,
    objective: str = "cpm",
    resolution: float = 0.1,
    iterations: int = 1,
    seed: int = 0,
    child_min_links: int | None = -1,
) -> Callable[[], np.ndarray]:
    """Start :func:`leiden_communities` and return a function that waits for its labels.

    igraph holds the GIL for the whole Leiden call, so a thread cannot overlap it with other
    work; on a graph of ``child_min_links`` links or more (default :data:`CHILD_MIN_LINKS`;
    None: never) the call runs in a child process instead (the same igraph call on the same
    arrays, so the same labels), and this process can compute the other features meanwhile.
    A child that fails raises a ``RuntimeError`` with its error when waited for.

    Parameters
    ----------
    weights, priority, objective, resolution, iterations, seed
        As for :func:`leiden_communities`.
    child_min_links : int or None
        Links from which the call runs in a child process (-1: :data:`CHILD_MIN_LINKS`).

    Returns
    -------
    callable
        Returns the labels of :func:`leiden_communities` (waiting for the child if need be).
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    if child_min_links == -1:
        child_min_links = CHILD_MIN_LINKS
    settings = (
        "CPM" if objective == "cpm" else "modularity",
        float(resolution),
        int(iterations),
        int(seed),
    )
    links = (weights.nnz - weights.diagonal().astype(bool).sum()) // 2
    in_child = child_min_links is not None and links >= max(child_min_links, 1)
    child = _start_child(settings) if in_child and sys.executable else None
    n = weights.shape[0]
    order = np.arange(n) if priority is None else np.argsort(np.asarray(priority), kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    upper = sp.triu(weights, k=1).tocoo()
    keep = upper.data > 0
    a, b = rank[upper.row[keep]], rank[upper.col[keep]]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    edge_order = np.argsort(lo * n + hi)  # pairs are distinct: no ties to break
    lo, hi, w = lo[edge_order], hi[edge_order], upper.data[keep][edge_order]
    linked = np.zeros(n, dtype=bool)
    linked[lo] = linked[hi] = True
    compact = np.cumsum(linked) - 1  # rank -> position among linked nodes, in rank order
    if objective == "cpm" and len(w):
        w = w / np.median(w)  # the weights in typical ties (igraph's refinement step is not
        # scale-free: its randomness is exp(gain / 0.01))
    call = (
        int(linked.sum()),
        compact[lo].astype(np.int64),
        compact[hi].astype(np.int64),
        np.ascontiguousarray(w, dtype=np.float64),
    )
    if child is not None:
        membership = child(*call)
    else:
        done = leiden_membership(*call, *settings)
        membership = lambda: done  # noqa: E731

    def labels() -> np.ndarray:
        members = membership()
        by_rank = np.arange(n, dtype=np.int64)  # unlinked: their own community
        linked_ranks = np.flatnonzero(linked)
        first = np.full(members.max() + 1 if len(members) else 0, n, dtype=np.int64)
        np.minimum.at(first, members, linked_ranks)
        by_rank[linked_ranks] = first[members]
        return order[by_rank[rank]]

    return labels


def _start_child(settings: tuple) -> Callable:
    """Start the child process of :func:`start_leiden`, which imports igraph meanwhile; return
    a function that sends it the arrays and returns a function that waits for its membership.
    """
    import subprocess
    import threading

    child = subprocess.Popen(
        [sys.executable, "-P", str(CHILD_SCRIPT), *map(str, settings)],  # -P: no
        # vrurisk/features on sys.path (its modules must not shadow any the child imports)
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )

    def send(n_nodes: int, lo: np.ndarray, hi: np.ndarray, w: np.ndarray) -> Callable:
        header = np.array([n_nodes, len(lo)], dtype=np.int64)
        payload = header.tobytes() + lo.tobytes() + hi.tobytes() + w.tobytes()
        out: dict = {}

        def talk_to_child() -> None:  # feeds stdin, drains stdout and stderr (releasing the GIL)
            out["stdout"], out["stderr"] = child.communicate(payload)

        talk = threading.Thread(target=talk_to_child, daemon=True)
        talk.start()

        def wait() -> np.ndarray:
            talk.join()
            if child.returncode != 0:
                error = out["stderr"].decode(errors="replace").strip().splitlines()
                raise RuntimeError(
                    "community detection failed in its child process "
                    f"(exit {child.returncode}): " + (error[-1] if error else "no message")
                )
            return np.frombuffer(out["stdout"], dtype=np.int64)

        return wait

    return send


def hops_to_other_source(adj: sp.csr_matrix, is_source: np.ndarray, max_hops: int) -> np.ndarray:
    """Hops from each node to the nearest source node other than itself, ``max_hops + 1`` if none
    is within ``max_hops``.

    A multi-source BFS that keeps each node's two nearest distinct sources, so a source node
    gets the distance to the nearest *other* source.
    """
    n = adj.shape[0]
    none = max_hops + 1
    s1 = np.full(n, -1, dtype=np.int64)
    s2 = np.full(n, -1, dtype=np.int64)
    d1 = np.full(n, none, dtype=np.int64)
    d2 = np.full(n, none, dtype=np.int64)
    src = np.flatnonzero(is_source).astype(np.int64)
    s1[src], d1[src] = src, 0
    front_node, front_src = src, src
    for hop in range(1, max_hops + 1):
        if not len(front_node):
            break
        owner, w = neighbours_of(adj, front_node)
        s = front_src[owner]
        keep = (s2[w] < 0) & (s1[w] != s)
        pair = sorted_unique(w[keep].astype(np.int64) * n + s[keep])
        w, s = pair // n, pair % n
        starts = np.flatnonzero(np.r_[True, w[1:] != w[:-1]])
        rank = np.arange(len(w)) - np.repeat(starts, np.diff(np.r_[starts, len(w)]))
        empty = s1[w] < 0
        take = rank < np.where(empty, 2, 1)
        w, s, rank, empty = w[take], s[take], rank[take], empty[take]
        first = empty & (rank == 0)
        s1[w[first]], d1[w[first]] = s[first], hop
        s2[w[~first]], d2[w[~first]] = s[~first], hop
        front_node, front_src = w, s
    return np.where(is_source, d2, d1)
