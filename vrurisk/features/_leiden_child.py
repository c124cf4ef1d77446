"""igraph's Leiden on an edge list: called in process for small graphs, and run as a script
(``python _leiden_child.py``, by path, so it imports only numpy and igraph, not vrurisk) in a
child process for large ones, while the parent computes the other network features on the
second core. Both run :func:`leiden_membership`, so they give the same labels.

The script imports igraph, then reads ``n_nodes`` and ``n_links`` (int64), then ``lo``, ``hi``
(int64) and ``weights`` (float64), each ``n_links`` long, as raw bytes from stdin, and writes
the membership as raw int64 bytes to stdout. Arguments: ``objective resolution iterations
seed``. (It starts while the parent prepares the arrays.)
"""

from __future__ import annotations

import random
import sys

import numpy as np


def leiden_membership(
    n_nodes: int,
    lo: np.ndarray,
    hi: np.ndarray,
    weights: np.ndarray,
    objective: str,
    resolution: float,
    iterations: int,
    seed: int,
) -> np.ndarray:
    """igraph's weighted Leiden membership of ``n_nodes`` nodes joined by edges ``lo``-``hi``.

    Parameters
    ----------
    n_nodes : int
        Number of nodes.
    lo, hi : numpy.ndarray of int64
        The edges' endpoints, in the order igraph is given them.
    weights : numpy.ndarray of float64
        Edge weights.
    objective : {"CPM", "modularity"}
        igraph's ``objective_function``.
    resolution : float
        igraph's ``resolution``.
    iterations : int
        igraph's ``n_iterations``.
    seed : int
        Seed of the ``random.Random`` igraph draws from for the duration of the call.

    Returns
    -------
    numpy.ndarray of int64
        igraph's community index per node.
    """
    import igraph

    graph = igraph.Graph(
        n=n_nodes, edges=list(zip(lo.tolist(), hi.tolist(), strict=True)), directed=False
    )
    igraph.set_random_number_generator(random.Random(seed))
    try:
        membership = graph.community_leiden(
            objective_function=objective,
            weights=weights.tolist(),
            resolution=resolution,
            n_iterations=iterations,
        ).membership
    finally:
        igraph.set_random_number_generator(random)
    return np.asarray(membership, dtype=np.int64)


def main(argv: list[str]) -> None:
    """Run :func:`leiden_membership` on stdin's arrays; write the membership to stdout."""
    import igraph  # noqa: F401 (imported while the parent prepares the arrays)

    stdin = sys.stdin.buffer
    n_nodes, n_links = np.frombuffer(stdin.read(16), dtype=np.int64)
    size = 8 * int(n_links)
    data = stdin.read(3 * size)
    if len(data) != 3 * size:
        sys.exit(f"expected {3 * size} bytes of links on stdin, got {len(data)}")
    lo = np.frombuffer(data, dtype=np.int64, count=n_links)
    hi = np.frombuffer(data, dtype=np.int64, count=n_links, offset=size)
    weights = np.frombuffer(data, dtype=np.float64, count=n_links, offset=2 * size)
    membership = leiden_membership(
        int(n_nodes), lo, hi, weights, argv[0], float(argv[1]), int(argv[2]), int(argv[3])
    )
    sys.stdout.buffer.write(membership.tobytes())


if __name__ == "__main__":
    main(sys.argv[1:])
