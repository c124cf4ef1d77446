"""A plain-text summary of a dataset, for `vrurisk validate` and `vrurisk demo`."""

from __future__ import annotations

from vrurisk.data._dataset import Dataset


def summarise_dataset(dataset: Dataset) -> dict:
    """Counts that describe a dataset: people, ages, events by type and role, links by type."""
    people, events, links = dataset.people, dataset.events, dataset.links
    age = (dataset.extraction_date - people["birth_date"]).dt.days / 365.25
    by_type = events.groupby(
        ["event_type", "role"] if "role" in events else ["event_type"], observed=True, dropna=False
    ).size()
    return {
        "extraction_date": str(dataset.extraction_date.date()),
        "people": int(len(people)),
        "age_min": float(age.min()),
        "age_median": float(age.median()),
        "age_max": float(age.max()),
        "events": int(len(events)),
        "people_with_events": int(events["person_idx"].nunique()),
        "people_by": {
            column: {str(k): int(v) for k, v in people[column].value_counts(sort=False).items()}
            for column in ("sex", "ethnicity")
            if column in people
        },
        "events_by_source": (
            {str(k): int(v) for k, v in events["source"].value_counts(sort=False).items()}
            if "source" in events
            else {}
        ),
        "first_event": str(events["event_date"].min().date()),
        "last_event": str(events["event_date"].max().date()),
        "events_by_type": {
            " / ".join(str(x) for x in (k if isinstance(k, tuple) else (k,))): int(v)
            for k, v in by_type.items()
        },
        "links": int(len(links)),
        "links_by_type": (
            {str(k): int(v) for k, v in links["link_type"].value_counts(sort=False).items()}
            if "link_type" in links
            else {}
        ),
        "fingerprint": dataset.fingerprint()[:16],
    }


def describe_dataset(dataset: Dataset) -> str:
    """The summary as an aligned text table."""
    s = summarise_dataset(dataset)
    lines = [
        f"  extraction date   {s['extraction_date']}",
        f"  people            {s['people']:,} (age {s['age_min']:.0f}-{s['age_max']:.0f}, "
        f"median {s['age_median']:.1f})",
    ]
    for column, counts in s["people_by"].items():
        shares = ", ".join(f"{k} {v / max(s['people'], 1):.0%}" for k, v in counts.items())
        lines.append(f"    by {column:<14}{shares}")
    lines.append(
        f"  events            {s['events']:,} ({s['first_event']} to {s['last_event']}), "
        f"for {s['people_with_events']:,} people"
    )
    if s["events_by_source"]:
        sources = ", ".join(f"{k} {v:,}" for k, v in s["events_by_source"].items())
        lines.append(f"    by source       {sources}")
    width = max((len(k) for k in s["events_by_type"]), default=0)
    for key, count in s["events_by_type"].items():
        lines.append(f"    {key:<{width}}  {count:>10,}")
    lines.append(f"  links             {s['links']:,}")
    width = max((len(k) for k in s["links_by_type"]), default=0)
    for key, count in s["links_by_type"].items():
        lines.append(f"    {key:<{width}}  {count:>10,}")
    if dataset.interventions is not None:
        programmes = dataset.interventions["programme"].value_counts().sort_index()
        counts = ", ".join(f"{k} {v:,}" for k, v in programmes.items())
        lines.append(f"  interventions     {len(dataset.interventions):,} ({counts})")
    if dataset.lists is not None:
        rows, dates = len(dataset.lists), dataset.lists["list_date"].nunique()
        lines.append(f"  lists             {rows:,} rows on {dates:,} list dates")
    if dataset.custody is not None:
        custody = dataset.custody
        inside = int(custody["end_date"].isna().sum()) if "end_date" in custody else len(custody)
        lines.append(
            f"  custody           {len(custody):,} periods for "
            f"{custody['person_id'].nunique():,} people ({inside:,} still inside at "
            f"{dataset.extraction_date.date()})"
        )
    lines.append(f"  fingerprint       {s['fingerprint']}")
    return "\n".join(lines)


__all__ = ["describe_dataset", "summarise_dataset"]
