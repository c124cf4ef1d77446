"""vrurisk.decisions: what the panel decided about the people on a list.

Each score bundle ships ``decisions_template.csv`` (pseudonymised key and rank of everyone on
the panel's list, and empty columns ``decision``, ``reason_code``, ``decision_date``,
``reviewer_role``). :func:`record_decisions` (``vrurisk decisions record BUNDLE FILE``)
validates the filled-in sheet and stores it with the bundle as a new, immutable version, in the
audit log and with the list's MLflow run; :func:`read_decisions` reads the latest version back
(for the next list's panel pack and for monitoring). The storage format is described in
:mod:`vrurisk.scoring._decisions`. :func:`retention_plan` and :func:`apply_retention`
(``vrurisk retention``) delete lists and decisions older than the retention period, keeping
aggregate figures (:data:`KEPT`).

MLflow loads only when a tracked recording runs.
"""

from vrurisk.decisions._record import DecisionsError, record_decisions
from vrurisk.decisions._retention import (
    KEPT,
    RetentionError,
    apply_retention,
    retention_plan,
    retention_target,
)
from vrurisk.decisions._synthetic import synthetic_decisions
from vrurisk.decisions._validate import load_bundle, validate_decisions
from vrurisk.scoring import decision_versions, read_decisions

__all__ = [
    "KEPT",
    "DecisionsError",
    "RetentionError",
    "apply_retention",
    "decision_versions",
    "load_bundle",
    "read_decisions",
    "record_decisions",
    "retention_plan",
    "retention_target",
    "synthetic_decisions",
    "validate_decisions",
]
