"""Graph algorithms on a symmetric scipy CSR adjacency, vectorised over nodes.

Each function matches a slow per-node reference (networkx or a plain loop) value for value; the
tests in ``tests/features/test_network_reference.py`` check that on random graphs. No function
loops over nodes in Python: loops run over BFS levels, k-core levels or iterations only.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

_PRIORITY_MULT = np.uint64(2654435761)
_MASK32 = np.uint64(0xFFFFFFFF)


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


def label_priority(labels: np.ndarray) -> np.ndarray:
    """A deterministic pseudo-random, collision-free priority per label (ties go to the lowest)."""
    mixed = labels.astype(np.uint64) * _PRIORITY_MULT + np.uint64(40503)
    return (mixed & _MASK32).astype(np.int64)


def _row_choice(sub: sp.csr_matrix, labels: np.ndarray, low: np.ndarray) -> np.ndarray:
    """For each row of ``sub`` (closed neighbourhoods), its most frequent label, ties to the
    label with the lowest priority (``low`` is ``2**32 - 1 - priority``)."""
    m = sub.shape[0]
    tally = sp.csr_matrix(
        (np.ones(sub.nnz, dtype=np.int64), labels[sub.indices], sub.indptr.copy()),
        shape=(m, len(labels)),
    )
    tally.sum_duplicates()
    entry_row = np.repeat(np.arange(m), np.diff(tally.indptr))
    score = (tally.data << 32) + low[tally.indices]
    best = np.maximum.reduceat(score, tally.indptr[:-1])
    chosen = score == best[entry_row]
    out = np.empty(m, dtype=labels.dtype)
    out[entry_row[chosen]] = tally.indices[chosen]
    return out


def label_propagation(
    adj: sp.csr_matrix, iterations: int = 5, priority: np.ndarray | None = None
) -> np.ndarray:
    """Community labels by synchronous label propagation.

    Every node starts in its own community. At each iteration every node takes the label held
    by most of its neighbours and itself (each counted once); ties go to the label with the
    lowest priority: ``priority[label]`` (distinct integers in ``[0, 2**32)``, default
    :func:`label_priority`). Stops early when nothing changes.

    A node's choice depends only on its neighbourhood's labels, so after the first iteration
    only the neighbourhoods of nodes that just changed are re-tallied.
    """
    n = adj.shape[0]
    closed = (adj + sp.identity(n, format="csr", dtype=adj.dtype)).tocsr()
    if priority is None:
        priority = label_priority(np.arange(n))
    low = (1 << 32) - 1 - np.asarray(priority, dtype=np.int64)
    labels = np.arange(n, dtype=np.int64)
    active = np.arange(n)
    for it in range(iterations):
        if it == 0:  # all labels distinct: every count is 1, the lowest priority wins
            entry_low = low[closed.indices]
            best = np.maximum.reduceat(entry_low, closed.indptr[:-1])
            entry_row = np.repeat(active, np.diff(closed.indptr))
            chosen = entry_low == best[entry_row]
            choice = np.empty(n, dtype=np.int64)
            choice[entry_row[chosen]] = closed.indices[chosen]
        else:
            choice = _row_choice(closed[active], labels, low)
        moved = active[choice != labels[active]]
        if not len(moved):
            break
        labels = labels.copy()
        labels[moved] = choice[choice != labels[active]]
        _, around = neighbours_of(closed, moved)
        active = sorted_unique(around)
    return labels


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
