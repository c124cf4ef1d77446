"""Point-in-time feature builders: cohort, individual risk factors, network-contextual risk."""

from vrurisk.features._manifest import GROUPS, FeatureSpec

__all__ = ["FeatureSpec", "GROUPS"]
