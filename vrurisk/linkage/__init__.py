"""vrurisk.linkage: one person across police, health, education and social care.

Agencies' person tables are linked with Splink (probabilistic record linkage, DuckDB backend)
into a crosswalk ``(agency, agency_id) -> person_id`` and a contract ``people`` table, with a
linkage report that audits the linkage by group. Names and other clear identifiers are used only
inside the linkage step: no output holds them.

Names are imported on first use (see :mod:`vrurisk._lazy`).
"""

from typing import TYPE_CHECKING

from vrurisk._lazy import lazy_exports

if TYPE_CHECKING:  # the lazy exports, typed for editors and type checkers
    from vrurisk.linkage._attach import (
        attach_to_people,
        crosswalk_agency,
        linked_person_ids,
        read_crosswalk,
    )
    from vrurisk.linkage._config import LinkageConfig, load_linkage_config, validate_linkage_config
    from vrurisk.linkage._evaluate import pairwise_precision_recall
    from vrurisk.linkage._run import LinkageResult, link_agencies
    from vrurisk.linkage._simulate import AgencyExtracts, simulate_agency_extracts

__all__ = [
    "AgencyExtracts",
    "LinkageConfig",
    "LinkageResult",
    "attach_to_people",
    "crosswalk_agency",
    "link_agencies",
    "linked_person_ids",
    "load_linkage_config",
    "pairwise_precision_recall",
    "read_crosswalk",
    "simulate_agency_extracts",
    "validate_linkage_config",
]

__getattr__, __dir__ = lazy_exports(__name__, __all__)
