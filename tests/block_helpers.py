"""Test-only feature blocks: each is what a new block is, one definition plus its registration.

``RECENT_EVENTS`` is per person (the Dask engine builds it on the workers);
``ASSOCIATES_RECENT_EVENTS`` needs the whole graph (built on the driver from person values
the workers compute). Nothing else in vrurisk is edited for either.
"""

from __future__ import annotations

import contextlib

import numpy as np

from vrurisk.features import FeatureSpec
from vrurisk.features.blocks import AsOf, FeatureBlock, register_block, unregister_block

WINDOW_DAYS = 30


def _events_before(at: AsOf) -> np.ndarray:
    """Events per person of ``at.dataset`` in the 30 days before the as-of date."""
    events = at.dataset.events
    day = events["event_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    recent = (day < at.day) & (day >= at.day - WINDOW_DAYS)
    person = events["person_idx"].to_numpy()[recent]
    return np.bincount(person, minlength=at.dataset.n_people).astype(np.float64)


RECENT_EVENTS = FeatureBlock(
    "test_recent",
    columns=lambda shared: [
        FeatureSpec("test_events_30d", "test_recent", "events in the last 30 days", "{value}")
    ],
    build=lambda at: _events_before(at)[at.rows, None],
    family="agency_contact",
    per_person=True,
)

ASSOCIATES_RECENT_EVENTS = FeatureBlock(
    "test_associates",
    columns=lambda shared: [
        FeatureSpec("test_associates_events_30d", "test_associates", "associates' events", "")
    ],
    build=lambda at: (at.graph.adjacency @ at.person_values(ASSOCIATES_RECENT_EVENTS))[at.rows],
    enabled=lambda features: features.network.enabled,
    family="associates",
    person_values=lambda at: _events_before(at)[:, None],
)


@contextlib.contextmanager
def extra_blocks_registered():
    """Both test blocks registered (after the built-in ones) for the duration."""
    for block in (RECENT_EVENTS, ASSOCIATES_RECENT_EVENTS):
        register_block(block)
    try:
        yield
    finally:
        for block in (RECENT_EVENTS, ASSOCIATES_RECENT_EVENTS):
            unregister_block(block.name)
