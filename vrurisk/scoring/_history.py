"""What changed since the last list: the previous bundle of the same config, and the changes.

Where the previous list is
--------------------------
Bundles of one config sit side by side: ``vrurisk score`` writes ``scores/NAME-DATE`` by
default, and a VRU that names ``--out`` itself is expected to keep its monthly bundles in one
directory. The previous list of a bundle written to ``OUT`` is the bundle in ``OUT``'s parent
directory whose manifest names the same config (``config.name``) and whose as-of date is the
latest one strictly before this list's. A different model version of the same config is still
the previous list (the panel sees who is new whatever changed), and the pack says which model
scored each. Keys match across lists only when both were pseudonymised with the same key.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

#: People who moved at least this many places are called out in the summary.
BIG_MOVE = 20
LEFT_REASONS = {
    "score_fell": "score fell (now rank {rank:,})",
    "aged_out": "aged out of the cohort",
    "left_cohort": "no longer in the cohort (no recent record, left the area, or otherwise "
    "not eligible at this list's date)",
}


def config_bundles(directory: str | os.PathLike, *, config_name: str) -> list[tuple]:
    """Every score bundle of ``config_name`` directly inside ``directory``, oldest first.

    Parameters
    ----------
    directory : path
        Where a config's monthly bundles sit side by side.
    config_name : str
        The ``config.name`` the bundles' manifests must name.

    Returns
    -------
    list of (pandas.Timestamp, pathlib.Path)
        As-of date and bundle, ordered by date then name. Directories that are not score
        bundles (no readable manifest or no ``scores.parquet``) are skipped.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = []
    for candidate in sorted(directory.iterdir()):
        if not (candidate / "manifest.json").is_file():
            continue
        try:
            manifest = json.loads((candidate / "manifest.json").read_text(encoding="utf-8"))
            name = (manifest.get("config") or {}).get("name")
            date = pd.Timestamp(manifest["as_of"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue  # not a score bundle (or a damaged one)
        if name == config_name and (candidate / "scores.parquet").is_file():
            found.append((date, candidate))
    return sorted(found, key=lambda item: (item[0], item[1].name))


def find_previous_bundle(
    out: str | os.PathLike, *, config_name: str, as_of: pd.Timestamp
) -> Path | None:
    """The latest bundle of ``config_name`` beside ``out`` dated strictly before ``as_of``.

    Parameters
    ----------
    out : path
        Where this list's bundle goes; its siblings are searched (``out`` itself never counts).
    config_name : str
        The ``config.name`` of this list.
    as_of : pandas.Timestamp
        This list's as-of date.

    Returns
    -------
    pathlib.Path or None
    """
    out = Path(out).resolve()
    earlier = [
        path
        for date, path in config_bundles(out.parent, config_name=config_name)
        if date < as_of and path.resolve() != out
    ]
    return earlier[-1] if earlier else None


def load_previous_list(bundle: str | os.PathLike) -> dict:
    """A previous bundle's scores (key, rank, probability), panel size and as-of date."""
    bundle = Path(bundle)
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    scores = pd.read_parquet(bundle / "scores.parquet", columns=["key", "rank", "probability"])
    return {
        "path": str(bundle),
        "as_of": manifest["as_of"],
        "k": int(manifest["panel_k"]),
        "scores": scores,
    }


def list_changes(
    previous: pd.DataFrame,
    previous_k: int,
    current: pd.DataFrame,
    current_k: int,
    *,
    aged_out: set | frozenset = frozenset(),
    previous_as_of: str = "",
    previous_decisions: pd.DataFrame | None = None,
) -> dict:
    """Who is new on the list, who left (and why, if known) and who moved.

    Parameters
    ----------
    previous, current : pandas.DataFrame
        Each list's scores over its whole cohort, with ``key`` and ``rank`` (1 is highest).
    previous_k, current_k : int
        How many people each list put before the panel.
    aged_out : set of keys, optional
        People of the previous list who are now older than the cohort allows.
    previous_as_of : str
        Date of the previous list, for the summary.
    previous_decisions : pandas.DataFrame, optional
        The panel's decisions on the previous list
        (:func:`~vrurisk.scoring._decisions.read_decisions`); None when none were recorded.

    Returns
    -------
    dict
        ``new`` (keys), ``left`` (list of ``{key, previous_rank, reason, decision}``),
        ``moves`` (key -> current rank minus previous rank, for people on both lists; negative
        is up), ``previous_decisions`` (key -> the previous decision in words, for everyone on
        this list who was on the previous one: "not decided" when the panel recorded nothing
        for them, "none recorded" when no decisions were recorded for that list),
        ``decisions_recorded``, ``summary`` (one line) and the counts.

    Examples
    --------
    >>> import pandas as pd
    >>> before = pd.DataFrame({"key": list("abcd"), "rank": [1, 2, 3, 4]})
    >>> after = pd.DataFrame({"key": list("bcae"), "rank": [1, 2, 3, 4]})
    >>> c = list_changes(before, 2, after, 2)
    >>> c["new"], [x["key"] for x in c["left"]], c["moves"]
    (['c'], ['a'], {'b': -1})
    >>> c["summary"]
    '1 new, 1 left, 0 moved up more than 20 places, 0 moved down more than 20 places'
    """
    prev_rank = dict(zip(previous["key"], previous["rank"].astype(int), strict=True))
    cur_rank = dict(zip(current["key"], current["rank"].astype(int), strict=True))
    prev_listed = previous.sort_values("rank", kind="stable").head(previous_k)["key"].tolist()
    cur_listed = current.sort_values("rank", kind="stable").head(current_k)["key"].tolist()
    prev_set = set(prev_listed)
    cur_set = set(cur_listed)
    decided = decision_words(previous_decisions)
    undecided = "none recorded" if previous_decisions is None else "not decided"
    new = [key for key in cur_listed if key not in prev_set]
    left = []
    for key in prev_listed:
        if key in cur_set:
            continue
        if key in cur_rank:
            reason = LEFT_REASONS["score_fell"].format(rank=cur_rank[key])
        elif key in aged_out:
            reason = LEFT_REASONS["aged_out"]
        else:
            reason = LEFT_REASONS["left_cohort"]
        left.append(
            {
                "key": key,
                "previous_rank": prev_rank[key],
                "reason": reason,
                "decision": decided.get(key, undecided),
            }
        )
    moves = {key: cur_rank[key] - prev_rank[key] for key in cur_listed if key in prev_set}
    up = sum(1 for move in moves.values() if move < -BIG_MOVE)
    down = sum(1 for move in moves.values() if move > BIG_MOVE)
    summary = (
        f"{len(new)} new, {len(left)} left, {up} moved up more than {BIG_MOVE} places, "
        f"{down} moved down more than {BIG_MOVE} places"
    )
    return {
        "previous_as_of": previous_as_of,
        "new": new,
        "left": left,
        "moves": moves,
        "previous_rank": {key: prev_rank[key] for key in cur_listed if key in prev_rank},
        "previous_decisions": {
            key: decided.get(key, undecided) for key in cur_listed if key in prev_set
        },
        "decisions_recorded": previous_decisions is not None,
        "n_new": len(new),
        "n_left": len(left),
        "n_up": up,
        "n_down": down,
        "summary": summary,
    }


def decision_words(decisions: pd.DataFrame | None) -> dict[str, str]:
    """Key -> a recorded decision in words: "refer to programme: known to a service
    (2025-07-01, youth justice)".

    Examples
    --------
    >>> frame = pd.DataFrame({"key": ["a"], "decision": ["monitor"], "reason_code": [pd.NA],
    ...     "decision_date": [pd.Timestamp("2025-07-01")], "reviewer_role": ["police"]})
    >>> decision_words(frame)
    {'a': 'monitor (2025-07-01, police)'}
    """
    if decisions is None:
        return {}
    words = {}
    for row in decisions.itertuples(index=False):
        text = str(row.decision).replace("_", " ")
        if not pd.isna(row.reason_code):
            text += ": " + str(row.reason_code).replace("_", " ")
        role = str(row.reviewer_role).replace("_", " ")
        words[str(row.key)] = f"{text} ({row.decision_date.date()}, {role})"
    return words
