"""What linkage error does to the risk model: train on true ids, then on ids from vrurisk link.

Usage: python benchmarks/linkage_downstream.py [--people 20000] [--differential-noise 3]

Simulates a population, writes each agency's person table with the people it has events for
(identifier errors as in ``simulate_agency_extracts``; Black young people's errors multiplied by
1 + D), links them with ``link_agencies`` and rebuilds the data contract on the linked ids:
every event goes to the person its agency's record was linked to, network links to the linked
person holding most of that person's events, and the people table comes from the clusters (area
by majority, standing in for a postcode lookup). Printed: the share of people whose history is
split over two or more linked ids, by ethnicity; the out-of-time metrics of the demo config
trained on each dataset (each on its own labels, so not comparable as harm); and the list each
model makes at LIST_DATE, trained only on data extracted then, judged against the true people's
outcomes in the following year: AUC, precision at k, the share of all true outcomes on the list
and the selection-rate ratio of Black to White young people (a linked entity counts as the true
person most of its records belong to).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

from vrurisk.config import validate_config
from vrurisk.data import Dataset, simulate_population
from vrurisk.linkage import link_agencies, pairwise_precision_recall, simulate_agency_extracts
from vrurisk.training import train_experiment

DEMO = Path(__file__).parents[1] / "vrurisk" / "configs" / "demo.yaml"
#: The date of the list judged against true outcomes (its outcome year closes before extraction).
LIST_DATE = pd.Timestamp("2024-07-01")
LIST_SIZES = (100, 200)
AGENCY_ORDER = ("police", "health", "education", "social_care")


def linked_dataset(dataset: Dataset, crosswalk: pd.DataFrame, truth: pd.DataFrame) -> Dataset:
    """The dataset as an analyst would see it after linkage (events and links re-keyed)."""
    records = truth.merge(crosswalk, on=["agency", "agency_id"], suffixes=("_true", ""))
    # one record per (true person, agency): the first by agency id (duplicates are rare)
    record = records.sort_values("agency_id").drop_duplicates(["person_id_true", "agency"])
    lookup = record.set_index(["person_id_true", "agency"])["person_id"]
    events = dataset.events.copy()
    keys = pd.MultiIndex.from_arrays(
        [events["person_id"].astype(str), events["source"].astype(str)]
    )
    events["person_id"] = lookup.reindex(keys).to_numpy()
    lost_events = int(events["person_id"].isna().sum())
    events = events.dropna(subset=["person_id"])
    counts = events.assign(true=dataset.events.loc[events.index, "person_id"].astype(str))
    primary = (
        counts.groupby(["true", "person_id"])
        .size()
        .reset_index(name="n")
        .sort_values(["true", "n"], ascending=[True, False])
        .drop_duplicates("true")
        .set_index("true")["person_id"]
    )
    links = dataset.links.copy()
    links["person_a"] = links["person_a"].astype(str).map(primary)
    links["person_b"] = links["person_b"].astype(str).map(primary)
    links = links.dropna(subset=["person_a", "person_b"])
    links = links[links["person_a"] != links["person_b"]]
    true_people = dataset.people.assign(person_id=dataset.people["person_id"].astype(str))
    attributes = records.merge(
        true_people, left_on="person_id_true", right_on="person_id", suffixes=("", "_p")
    )
    people = (
        attributes.groupby("person_id")
        .agg(
            birth_date=("birth_date", lambda s: s.mode().iloc[0]),
            sex=("sex", lambda s: s.astype(str).mode().iloc[0]),
            ethnicity=("ethnicity", lambda s: s.astype(str).mode().iloc[0]),
            area=("area", lambda s: s.astype(str).mode().iloc[0]),
        )
        .reset_index()
    )
    print(f"  events without a linked record: {lost_events}; links kept {len(links):,}")
    spread = counts.groupby("true")["person_id"].nunique().rename("linked_ids")
    groups = true_people.set_index("person_id")["ethnicity"].astype(str)
    split = (spread > 1).groupby(groups.reindex(spread.index)).agg(["size", "mean"])
    violent = dataset.events["event_type"].astype(str).eq("serious_violence")
    with_violence = set(dataset.events.loc[violent, "person_id"].astype(str))
    split_violent = (spread[spread.index.isin(with_violence)] > 1).groupby(groups).mean()
    print("  people whose events are split over two or more linked ids, by ethnicity:")
    for group, row in split.iterrows():
        print(
            f"    {group:<6} {row['mean']:6.1%} of {int(row['size']):,} people with events; "
            f"{split_violent.get(group, float('nan')):6.1%} of those with serious violence"
        )
    index_columns = ["person_idx", "idx_a", "idx_b"]
    return Dataset.from_frames(
        people,
        events.drop(columns=index_columns, errors="ignore").reset_index(drop=True),
        links.drop(columns=index_columns, errors="ignore").reset_index(drop=True),
        extraction_date=dataset.extraction_date,
    )


def train_and_list(dataset: Dataset, tmp: Path, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Out-of-time metrics of the demo model, and its scores of the cohort at LIST_DATE.

    The model is trained on the data as extracted at LIST_DATE (events and links before it),
    so the list it scores at LIST_DATE is out of time: its outcomes come later.
    """
    from vrurisk.data import save_dataset
    from vrurisk.scoring import score_cohort

    before = Dataset(
        people=dataset.people,
        events=dataset.events[dataset.events["event_date"] < LIST_DATE],
        links=dataset.links[dataset.links["link_date"] < LIST_DATE],
        extraction_date=LIST_DATE,
    )
    save_dataset(before, tmp / name)
    raw = yaml.safe_load(DEMO.read_text())
    raw["data"]["path"] = str(tmp / name)
    raw["models"] = {"lightgbm": raw["models"]["lightgbm"], "n_jobs": 1}
    raw["temporal"]["end"] = "2023-07-01"
    config = validate_config(raw, base_dir=DEMO.parent, name=name)
    result = train_experiment(config, tracking=False)
    scored = score_cohort(
        dataset, result.champion, config, as_of=LIST_DATE, reveal_ids=True, audit=False
    )
    return result.comparison(), scored.scores[["person_id", "probability"]]


def true_outcomes(dataset: Dataset) -> set[str]:
    """People with serious violence (suspect or victim) in the year after LIST_DATE."""
    events = dataset.events
    window = (events["event_date"] > LIST_DATE) & (
        events["event_date"] <= LIST_DATE + pd.Timedelta(days=365)
    )
    hit = (
        window
        & events["event_type"].astype(str).eq("serious_violence")
        & events["role"].astype(str).isin(["suspect", "victim"])
    )
    return set(events.loc[hit, "person_id"].astype(str))


def list_quality(scores: pd.DataFrame, owner: pd.Series, outcome: set, ethnicity: pd.Series):
    """Precision, outcome recall and selection rates by ethnicity of the top-k list, judged
    against the true people: each scored entity is the true person most of its records are."""
    from sklearn.metrics import roc_auc_score

    frame = scores.assign(person=scores["person_id"].astype(str).map(owner))
    frame["outcome"] = frame["person"].isin(outcome)
    rows = {"AUC (true outcomes)": roc_auc_score(frame["outcome"], frame["probability"])}
    represented = set(frame["person"].dropna())
    for k in LIST_SIZES:
        top = frame.nlargest(k, "probability")
        listed = set(top["person"].dropna())
        rows[f"precision at {k} (true outcomes)"] = float(top["outcome"].mean())
        rows[f"outcomes on the top {k}"] = len(listed & outcome) / max(1, len(outcome))
        rates = {}
        for group in ("Black", "White"):
            members = {p for p in represented if ethnicity.get(p) == group}
            rates[group] = len(listed & members) / max(1, len(members))
        rows[f"selection rate Black / White at {k}"] = rates["Black"] / rates["White"]
    return pd.Series(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--differential-noise", type=float, default=3.0)
    args = parser.parse_args()
    started = time.perf_counter()
    population = simulate_population(args.people, seed=args.seed)
    dataset = population.dataset
    sources = dataset.events.groupby(dataset.events["source"].astype(str))["person_id"]
    membership = {agency: set(ids.astype(str)) for agency, ids in sources}
    people = dataset.people.assign(person_id=dataset.people["person_id"].astype(str))
    extracts = simulate_agency_extracts(
        people,
        seed=args.seed,
        differential_noise=args.differential_noise,
        membership={a: membership.get(a, set()) for a in AGENCY_ORDER},
        end_date=dataset.extraction_date,
    )
    # a fixed pseudonym key: person ids (and so row order) are the same on every run
    os.environ.setdefault("VRURISK_LINKAGE_KEY", "benchmark-linkage-key-0123456789")
    with tempfile.TemporaryDirectory(prefix="vrurisk-downstream-") as tmp:
        tmp = Path(tmp)
        os.chdir(tmp)
        linked = link_agencies(extracts.write(tmp / "extracts"), audit_log_path=tmp / "a.jsonl")
        quality = pairwise_precision_recall(linked.crosswalk, extracts.truth)
        print(
            f"{args.people:,} people, {len(linked.crosswalk):,} agency records; linkage precision "
            f"{quality['precision']:.4f}, recall {quality['recall']:.4f}"
        )
        flags = [
            f"{r['agency']}/{r['group']} {r['rate_ratio']:.2f}"
            for r in linked.summary["rates"]
            if r["flagged"]
        ]
        print(f"  linkage report flags: {', '.join(flags) or 'none'}")
        true_metrics, true_scores = train_and_list(dataset, tmp, "true_ids")
        relinked = linked_dataset(dataset, linked.crosswalk, extracts.truth)
        linked_metrics, linked_scores = train_and_list(relinked, tmp, "linked_ids")
    columns = [c for c in true_metrics.columns if c.startswith(("roc_auc", "precision_at"))]
    columns = [c for c in columns if not c.endswith(("_low", "_high"))]
    table = pd.concat(
        {"true ids": true_metrics[columns].iloc[0], "linked ids": linked_metrics[columns].iloc[0]},
        axis=1,
    )
    table["change"] = table["linked ids"] - table["true ids"]
    print("out-of-time metrics of each training run, on its own labels:")
    print(table.round(4).to_string())
    outcome = true_outcomes(dataset)
    ethnicity = dataset.people.set_index(dataset.people["person_id"].astype(str))["ethnicity"]
    ethnicity = ethnicity.astype(str)
    records = extracts.truth.merge(
        linked.crosswalk, on=["agency", "agency_id"], suffixes=("_t", "")
    )
    owner = records.groupby("person_id")["person_id_t"].agg(lambda s: s.mode().iloc[0])
    identity = pd.Series(
        true_scores["person_id"].astype(str).to_numpy(), index=true_scores["person_id"].astype(str)
    )
    judged = pd.concat(
        {
            "true ids": list_quality(true_scores, identity, outcome, ethnicity),
            "linked ids": list_quality(linked_scores, owner, outcome, ethnicity),
        },
        axis=1,
    )
    judged["change"] = judged["linked ids"] - judged["true ids"]
    print(f"the list at {LIST_DATE.date()} judged against the true people's outcomes:")
    print(judged.round(4).to_string())
    print(f"total {time.perf_counter() - started:.0f} s; load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
