"""The reader of recorded decisions lives with the bundle format (:mod:`vrurisk.scoring`)."""

from vrurisk.scoring import decision_versions, read_decisions

__all__ = ["decision_versions", "read_decisions"]
