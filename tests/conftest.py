"""Shared fixtures: a small synthetic population every test area can use."""

from __future__ import annotations

import pytest

from vrurisk.data import SyntheticPopulation, simulate_population

#: Arguments of the shared small population (a few seconds to build).
SMALL_POPULATION = {"n_people": 3_000, "seed": 7, "years": 5}


@pytest.fixture(scope="session")
def small_population() -> SyntheticPopulation:
    """3,000 people simulated over 5 years (seed 7), with the true monthly hazard kept.

    ``small_population.dataset`` is a validated ``Dataset``; ``small_population.truth`` holds the
    latent risk, ACEs and true event counts per ``person_id``. Treat both as read-only: the
    fixture is shared by the whole session.
    """
    return simulate_population(**SMALL_POPULATION, keep_hazard=True)


@pytest.fixture(scope="session", autouse=True)
def _audit_log_in_tmp(tmp_path_factory):
    """Commands append to the audit log: never to ./vrurisk-audit.jsonl in the repository.

    Session-scoped, so module-scoped fixtures that run commands are covered too.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VRURISK_AUDIT_LOG", str(tmp_path_factory.mktemp("audit-log") / "a.jsonl"))
        yield


def pytest_collection_modifyitems(config, items):
    """Slow tests run in CI (``CI`` set) or with ``VRURISK_SLOW=1``; elsewhere they are skipped."""
    import os

    if os.environ.get("CI") or os.environ.get("VRURISK_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: runs in CI, or locally with VRURISK_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server on 127.0.0.1 (see ``pg_helpers``), shared by the session.

    Skipped with the reason when no server binaries are installed.
    """
    from pg_helpers import running_postgres

    with running_postgres() as server:
        yield server
