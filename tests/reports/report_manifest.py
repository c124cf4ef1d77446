"""A three-feature manifest shared by the report tests (one network feature, one tricky text)."""

from __future__ import annotations

from vrurisk.features import FeatureSpec

MANIFEST = [
    FeatureSpec(
        "knife_365d",
        "individual",
        "knife possession events in the last 12 months",
        "{value:.0f} knife possession events in the last 12 months",
    ),
    FeatureSpec(
        "assoc_victims_180d",
        "network",
        "associates who were victims of violence in the last 180 days",
        "{value:.0f} associates were victims of violence in the last 180 days",
    ),
    FeatureSpec("age", "individual", "age <at> as-of date", "aged {value:.0f}"),
]
