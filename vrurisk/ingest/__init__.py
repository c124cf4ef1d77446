"""Bringing real data in: checks against a config, a data-quality profile, and mapping agency
exports onto the data contract.

Names are imported on first use (see :mod:`vrurisk._lazy`).
"""

from vrurisk._lazy import lazy_exports

__all__ = [
    "DataCheck",
    "check_data",
    "describe_report",
    "ingest",
    "load_mapping",
    "profile_dataset",
    "write_agency_exports",
    "write_profile",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "_check": ("DataCheck", "check_data"),
        "_profile": ("profile_dataset", "write_profile"),
        "_mapping": ("describe_report", "ingest", "load_mapping"),
        "_example": ("write_agency_exports",),
    },
    __all__,
)
