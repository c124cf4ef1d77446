"""Record linkage on synthetic agency extracts with known truth: quality, time, hashed keys.

Usage: python benchmarks/linkage.py [N_PEOPLE] [--differential-noise D]   (default 100000, 0)

Prints, at the default match threshold, the pairwise precision and recall of ``vrurisk link``
against the truth, the model's own estimates of both, the time and the load average of the
(shared) machine; then the same figures for exact-match linkage on keyed hashes of normalised
identifiers (what agencies that may not share names in clear can do). Results are saved to
benchmarks/linkage_results.json (one entry per size and noise setting).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from vrurisk.linkage import (
    link_agencies,
    load_linkage_config,
    pairwise_precision_recall,
    simulate_agency_extracts,
)
from vrurisk.linkage._prepare import read_agency_tables

RESULTS = Path(__file__).with_name("linkage_results.json")
#: Exact-match keys of the hashed-identifier linkage: any one agreeing links two records.
HASHED_KEYS = (("first_name", "last_name", "birth_date"), ("nhs_number",), ("upn",))


def hashed_key_linkage(records: dict[str, pd.DataFrame], secret: bytes) -> pd.DataFrame:
    """Link records that agree exactly on any keyed hash of normalised identifiers.

    Each agency would hash its own normalised identifiers with a shared secret and send only
    the hashes; here the hashes are computed in one place for the benchmark.
    """
    frames = [f.assign(agency=a) for a, f in records.items()]
    flat = pd.concat(frames, ignore_index=True)
    n = len(flat)
    rows, cols = [np.arange(n)], [np.arange(n)]
    for fields in HASHED_KEYS:
        present = [f for f in fields if f in flat]
        if len(present) < len(fields):
            continue
        complete = flat[list(fields)].notna().all(axis=1).to_numpy()
        text = flat.loc[complete, list(fields)].astype(str).agg("\x1f".join, axis=1)
        digests = text.map(lambda t: hmac.new(secret, t.encode(), hashlib.sha256).hexdigest())
        codes = pd.factorize(digests)[0]
        index = np.flatnonzero(complete)
        order = np.argsort(codes, kind="stable")
        first = np.r_[True, codes[order][1:] != codes[order][:-1]]
        leader = index[order][np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))]
        rows.append(index[order])
        cols.append(leader)
    graph = coo_matrix(
        (np.ones(sum(len(r) for r in rows)), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n, n),
    )
    _, labels = connected_components(graph, directed=False)
    return pd.DataFrame(
        {"agency": flat["agency"], "agency_id": flat["agency_id"], "person_id": labels.astype(str)}
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n_people", nargs="?", type=int, default=100_000)
    parser.add_argument("--differential-noise", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    load_before = os.getloadavg()
    started = time.perf_counter()
    extracts = simulate_agency_extracts(
        args.n_people, seed=args.seed, differential_noise=args.differential_noise
    )
    simulate_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        config_path = extracts.write(Path(tmp) / "extracts")
        started = time.perf_counter()
        result = link_agencies(config_path, Path(tmp) / "linked", audit_log_path=Path(tmp) / "a")
        link_seconds = time.perf_counter() - started
        load_after = os.getloadavg()
        config = load_linkage_config(config_path)
        records = read_agency_tables(config)
    quality = pairwise_precision_recall(result.crosswalk, extracts.truth)
    hashed = pairwise_precision_recall(
        hashed_key_linkage(records, b"benchmark-secret-0123456789abcdef"), extracts.truth
    )
    expected = result.summary["expected"]
    flagged = [
        f"{r['agency']}/{r['attribute']}/{r['group']} (ratio {r['rate_ratio']:.2f})"
        for r in result.summary["rates"]
        if r["flagged"]
    ]
    n_records = len(result.crosswalk)
    print(
        f"{args.n_people:,} people, {n_records:,} records in 4 agencies "
        f"(differential noise {args.differential_noise:g}, seed {args.seed})"
    )
    print(f"threshold (default): {config.model.match_threshold}")
    print(
        f"vrurisk link (Splink):   precision {quality['precision']:.4f}   "
        f"recall {quality['recall']:.4f}   ({quality['linked_pairs']:,} linked pairs, "
        f"{quality['true_pairs']:,} true)"
    )
    print(
        f"  model's own estimate:  precision {expected['expected_precision']:.4f}   "
        f"recall {expected['expected_recall']:.4f} (of matches among compared pairs)"
    )
    print(
        f"hashed exact keys:       precision {hashed['precision']:.4f}   "
        f"recall {hashed['recall']:.4f}   (keys: name+dob, NHS number, UPN)"
    )
    print(
        f"time: simulate {simulate_seconds:.1f} s, link (read, train, predict, cluster, "
        f"audit, write) {link_seconds:.1f} s on {os.cpu_count()} cores"
    )
    print(f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f} (1 min)")
    print(f"groups flagged: {', '.join(flagged) if flagged else 'none'}")
    entry = {
        "n_people": args.n_people,
        "records": n_records,
        "seed": args.seed,
        "differential_noise": args.differential_noise,
        "match_threshold": config.model.match_threshold,
        "precision": quality["precision"],
        "recall": quality["recall"],
        "expected_precision": expected["expected_precision"],
        "expected_recall": expected["expected_recall"],
        "hashed_precision": hashed["precision"],
        "hashed_recall": hashed["recall"],
        "link_seconds": round(link_seconds, 1),
        "pairs_compared": result.summary["pairs_compared"],
        "cores": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "flagged": flagged,
        "machine": platform.machine(),
    }
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    saved = [
        e
        for e in saved
        if (e["n_people"], e["differential_noise"], e["seed"])
        != (args.n_people, args.differential_noise, args.seed)
    ]
    RESULTS.write_text(json.dumps([*saved, entry], indent=2) + "\n")


if __name__ == "__main__":
    main()
