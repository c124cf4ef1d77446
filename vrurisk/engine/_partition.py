"""People split by a hash of their id, written as partitioned Parquet for Dask workers to read.

Every person lands in bucket ``hash(person_id) % n_partitions`` (pandas' stable object hash,
the same on every machine and run), and every event goes to its person's bucket, so a worker
that reads one bucket holds each of its people's whole event history. The symmetric link table
(given links plus links implied by shared incidents, after the config's type weights) is
written beside it for the neighbourhood joins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vrurisk._errors import ConfigError
from vrurisk.data import Dataset, write_directory_atomically
from vrurisk.features import NetworkConfig
from vrurisk.features.blocks import index_links

EVENT_COLUMNS = ("person_idx", "event_date", "event_type", "role", "source")
CATEGORY_COLUMNS = ("event_type", "role", "source")
MARKER = "partitions.json"


@dataclass(frozen=True)
class PartitionedDataset:
    """Where a dataset's partitions are, and what every worker needs to read them back."""

    directory: Path
    n_partitions: int
    n_people: int
    extraction_date: pd.Timestamp
    categories: dict  # event column -> global category list (same codes in every partition)
    people_columns: tuple
    network: dict  # the NetworkConfig the edge table was written with

    @property
    def people_path(self) -> Path:
        return self.directory / "people"

    @property
    def events_path(self) -> Path:
        return self.directory / "events"

    @property
    def edges_path(self) -> Path:
        return self.directory / "edges"


def person_buckets(person_ids: pd.Series, n_partitions: int) -> np.ndarray:
    """The bucket of each person: a stable 64-bit hash of the id, modulo ``n_partitions``."""
    hashed = pd.util.hash_pandas_object(pd.Series(person_ids, dtype=object), index=False)
    return (hashed.to_numpy() % np.uint64(n_partitions)).astype(np.int64)


def _categories(events: pd.DataFrame) -> dict:
    out = {}
    for column in CATEGORY_COLUMNS:
        if column in events.columns:
            out[column] = [str(c) for c in events[column].astype("category").cat.categories]
    return out


#: Custody periods change the cohort and censor labels; the partitions do not carry them yet.
NO_CUSTODY = (
    "execution.engine: the Dask engine does not read the custody table yet, so people in "
    "custody would stay in the cohort; use execution.engine: local for data with custody periods"
)


def partition_dataset(
    dataset: Dataset,
    directory: str | Path,
    n_partitions: int,
    network: NetworkConfig | None = None,
) -> PartitionedDataset:
    """Write ``dataset`` as Parquet partitioned by person bucket (reused when already written).

    Parameters
    ----------
    dataset : Dataset
    directory : path
        Created (atomically) if missing; a previous partitioning of the same data is reused.
    n_partitions : int
    network : NetworkConfig, optional
        Link weights and incident links for the edge table (defaults).

    Returns
    -------
    PartitionedDataset
    """
    if dataset.custody is not None and len(dataset.custody):
        raise ConfigError(NO_CUSTODY)
    network = network or NetworkConfig()
    directory = Path(directory)
    people_columns = tuple(c for c in dataset.people.columns if c != "person_idx")
    info = {
        "edge_format": 2,  # 2: edges carry ``until`` (incident size counted at T)
        "n_partitions": n_partitions,
        "n_people": dataset.n_people,
        "n_events": len(dataset.events),
        "n_links": len(dataset.links),
        "extraction_date": str(dataset.extraction_date.date()),
        "network": network.model_dump(mode="json"),
    }
    parts = PartitionedDataset(
        directory,
        n_partitions,
        dataset.n_people,
        dataset.extraction_date,
        _categories(dataset.events),
        people_columns,
        info["network"],
    )
    marker = directory / MARKER
    if marker.exists() and json.loads(marker.read_text()) == info:
        return parts

    def write(tmp: Path) -> None:
        bucket = person_buckets(dataset.people["person_id"], n_partitions)
        people = dataset.people.copy()
        people["person_idx"] = np.arange(dataset.n_people)
        people["bucket"] = bucket
        people.to_parquet(tmp / "people", partition_cols=["bucket"], index=False)
        events = dataset.events[[c for c in EVENT_COLUMNS if c in dataset.events.columns]].copy()
        events["bucket"] = bucket[events["person_idx"].to_numpy()]
        events.to_parquet(tmp / "events", partition_cols=["bucket"], index=False)
        links = index_links(dataset, network)
        edges = pd.DataFrame(
            {
                "src": np.concatenate([links.a, links.b]),
                "dst": np.concatenate([links.b, links.a]),
                "day": np.concatenate([links.day, links.day]),
                "weight": np.concatenate([links.weight, links.weight]),
                "until": np.concatenate([links.until, links.until]),
            }
        )
        edges["bucket"] = bucket[edges["src"].to_numpy()]
        edges.to_parquet(tmp / "edges", partition_cols=["bucket"], index=False)
        (tmp / MARKER).write_text(json.dumps(info))

    write_directory_atomically(directory, write)
    return parts


def read_bucket(parts: PartitionedDataset, bucket: int) -> Dataset:
    """One bucket's people and events as a :class:`Dataset` with local ``person_idx``.

    ``people.global_idx`` keeps each person's position in the whole population; category
    columns carry the whole population's categories, so codes agree across partitions.
    """
    where = [("bucket", "==", bucket)]
    people = pd.read_parquet(parts.people_path, filters=where).drop(columns="bucket")
    people = people.sort_values("person_idx", kind="stable").reset_index(drop=True)
    people = people.rename(columns={"person_idx": "global_idx"})
    people["person_idx"] = np.arange(len(people))
    events = pd.read_parquet(parts.events_path, filters=where).drop(columns="bucket")
    for column, cats in parts.categories.items():
        events[column] = pd.Categorical(events[column].astype(object), categories=cats)
    events["person_idx"] = np.searchsorted(
        people["global_idx"].to_numpy(), events["person_idx"].to_numpy()
    )
    links = pd.DataFrame({"idx_a": [], "idx_b": [], "link_date": []})
    return Dataset(people=people, events=events, links=links, extraction_date=parts.extraction_date)
