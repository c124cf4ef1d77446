"""Bringing real data in: checks against a config, a data-quality profile, and mapping agency
exports onto the data contract.

Names are imported on first use (see :mod:`vrurisk._lazy`).
"""

from vrurisk._lazy import lazy_exports

__all__ = ["DataCheck", "check_data"]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {"_check": ("DataCheck", "check_data")},
    __all__,
)
