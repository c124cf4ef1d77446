"""Point-in-time feature builders: cohort, individual risk factors, network-contextual risk."""

from vrurisk.features._cohort import build_labels, censored, outcome_mask, select_cohort
from vrurisk.features._config import (
    CohortConfig,
    FeatureConfig,
    NetworkConfig,
    OutcomeConfig,
    PlaceConfig,
    Stage1Config,
)
from vrurisk.features._distribution import (
    feature_reference,
    feature_shares,
    population_stability_index,
    scale_free_shares,
)
from vrurisk.features._families import (
    EVENT_TYPE_FAMILIES,
    FAMILIES,
    family_map,
    feature_family,
)
from vrurisk.features._individual import build_individual_features
from vrurisk.features._manifest import GROUPS, FeatureSpec
from vrurisk.features._matrix import (
    FeatureMatrix,
    FeatureSettings,
    build_feature_matrix,
    features_for,
)
from vrurisk.features._network import build_network_features
from vrurisk.features._place import build_place_features

__all__ = [
    "CohortConfig",
    "EVENT_TYPE_FAMILIES",
    "FAMILIES",
    "FeatureConfig",
    "FeatureMatrix",
    "FeatureSettings",
    "FeatureSpec",
    "GROUPS",
    "NetworkConfig",
    "OutcomeConfig",
    "PlaceConfig",
    "Stage1Config",
    "build_feature_matrix",
    "features_for",
    "outcome_mask",
    "censored",
    "build_individual_features",
    "build_labels",
    "build_network_features",
    "build_place_features",
    "family_map",
    "feature_reference",
    "feature_shares",
    "population_stability_index",
    "scale_free_shares",
    "feature_family",
    "select_cohort",
]
