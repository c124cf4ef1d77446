"""Small random datasets for the feature tests (from a numpy seed, so hypothesis can vary it)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vrurisk.data import Dataset

EVENT_TYPES = {
    "serious_violence": ("suspect", "victim"),
    "violence": ("suspect", "victim"),
    "ae_assault": ("victim",),
    "asb": ("suspect",),
    "stop_search": ("subject",),
    "school_exclusion": ("subject",),
}
SOURCES = ("police", "education", "health")
LINK_TYPES = ("household", "school", "associate", "group", "co_offending")
START = np.datetime64("2018-01-01")
EXTRACTION = "2023-12-31"
SPAN_DAYS = 6 * 365 - 10


def random_frames(
    seed: int, n_people: int = 25, n_events: int = 80, n_links: int = 40, crowd_share: float = 0.0
):
    """people, events and links frames with dates spread over 2018-2023.

    ``crowd_share`` of the events are moved into one of two crowd incidents (``c0``, ``c1``), so
    incidents grow past a small ``max_incident_size`` at some date.
    """
    rng = np.random.default_rng(seed)
    ids = [f"p{i:03d}" for i in range(n_people)]
    birth = START - rng.integers(8 * 365, 22 * 365, n_people).astype("timedelta64[D]")
    people = pd.DataFrame(
        {
            "person_id": ids,
            "birth_date": birth,
            "sex": rng.choice(["F", "M"], n_people),
            "ethnicity": rng.choice(["White", "Black", "Asian"], n_people),
            "area": rng.choice(["E01", "E02", "E03"], n_people),
        }
    )
    types = rng.choice(list(EVENT_TYPES), n_events)
    roles = [EVENT_TYPES[t][rng.integers(len(EVENT_TYPES[t]))] for t in types]
    incident = rng.integers(0, max(2, n_events // 3), n_events)
    events = pd.DataFrame(
        {
            "person_id": rng.choice(ids, n_events),
            "event_date": START + rng.integers(0, SPAN_DAYS, n_events).astype("timedelta64[D]"),
            "event_type": types,
            "role": roles,
            "source": rng.choice(SOURCES, n_events),
            "incident_id": np.where(rng.random(n_events) < 0.5, incident.astype(str), None),
        }
    )
    a = rng.integers(0, n_people, n_links)
    b = (a + rng.integers(1, n_people, n_links)) % n_people
    links = pd.DataFrame(
        {
            "person_a": np.array(ids)[a],
            "person_b": np.array(ids)[b],
            "link_date": START + rng.integers(0, SPAN_DAYS, n_links).astype("timedelta64[D]"),
            "link_type": rng.choice(LINK_TYPES, n_links),
            "weight": np.where(rng.random(n_links) < 0.3, np.nan, rng.uniform(0.2, 2.0, n_links)),
        }
    )
    if crowd_share > 0:
        crowd = np.random.default_rng([seed, 1]).random(n_events) < crowd_share
        events.loc[crowd, "incident_id"] = rng.choice(["c0", "c1"], int(crowd.sum()))
    return people, events, links


def make_dataset(people, events, links) -> Dataset:
    return Dataset.from_frames(people, events, links, extraction_date=EXTRACTION)
