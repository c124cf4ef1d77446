"""Scoring a cohort: calibrated scores shipped with explanations, reasons and a bias audit.

Names are imported on first use (see :mod:`vrurisk._lazy`).
"""

from typing import TYPE_CHECKING

from vrurisk._lazy import lazy_exports

if TYPE_CHECKING:  # the lazy exports, typed for editors and type checkers
    from vrurisk.scoring._bundle import (
        MANIFEST,
        MONITORING_JSON,
        READER_REPORTS,
        SCORE_BUNDLE,
        decision_codes,
        write_score_bundle,
    )
    from vrurisk.scoring._config import DEFAULT_EXPLAIN_TOP, ScoringConfig
    from vrurisk.scoring._dask import DaskScored, score_cohort_dask
    from vrurisk.scoring._decisions import (
        DECISION_COLUMNS,
        DECISIONS_DIR,
        DECISIONS_TEMPLATE,
        FILLED_COLUMNS,
        VERSION_FILE,
        decision_versions,
        decisions_template,
        read_decisions,
    )
    from vrurisk.scoring._demo import (
        DEMO_AUDIT_LOG,
        DEMO_BUNDLE,
        DEMO_DECISIONS_SHEET,
        DEMO_MONITORING,
        DEMO_PREVIOUS_BUNDLE,
        demo_reset,
        write_demo_config,
    )
    from vrurisk.scoring._early import StatutoryServicesConfig, early_identification
    from vrurisk.scoring._history import config_bundles, list_changes
    from vrurisk.scoring._run import run_scoring
    from vrurisk.scoring._score import (
        ScoredCohort,
        default_as_of,
        parse_as_of,
        refuse_unseen_event_types,
        score_cohort,
    )

__all__ = [
    "DaskScored",
    "score_cohort_dask",
    "DEMO_AUDIT_LOG",
    "DEMO_BUNDLE",
    "DEMO_DECISIONS_SHEET",
    "DEMO_MONITORING",
    "DEMO_PREVIOUS_BUNDLE",
    "demo_reset",
    "write_demo_config",
    "READER_REPORTS",
    "DECISIONS_DIR",
    "DECISIONS_TEMPLATE",
    "DECISION_COLUMNS",
    "DEFAULT_EXPLAIN_TOP",
    "FILLED_COLUMNS",
    "MANIFEST",
    "MONITORING_JSON",
    "SCORE_BUNDLE",
    "VERSION_FILE",
    "ScoredCohort",
    "ScoringConfig",
    "StatutoryServicesConfig",
    "config_bundles",
    "decision_codes",
    "decision_versions",
    "decisions_template",
    "default_as_of",
    "early_identification",
    "list_changes",
    "parse_as_of",
    "refuse_unseen_event_types",
    "read_decisions",
    "run_scoring",
    "score_cohort",
    "write_score_bundle",
]

__getattr__, __dir__ = lazy_exports(__name__, __all__)
