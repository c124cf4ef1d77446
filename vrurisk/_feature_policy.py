"""Protected attributes as model features: refused unless allow-listed with a justification.

Sensitive attributes (the config's ``fairness.sensitive_attributes`` plus the obvious protected
characteristics below) are for bias audits. A feature built from one is refused unless the config
allow-lists the attribute with a written justification (``privacy.sensitive_features``); the
justification is returned so training can log it and the model card can print it. Features built
from known *proxies* of protected characteristics (area codes, postcodes, ...) are allowed but
produce one-line warnings.

Features are matched to attributes by whole words of their names (``static_ethnicity_black``
and ``ethnicity`` match; ``sexual_exploitation`` does not match ``sex``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vrurisk._errors import ConfigError

if TYPE_CHECKING:
    from vrurisk.config import ExperimentConfig

#: Protected characteristics (Equality Act 2010) that are sensitive even if the config forgets
#: them. Age is not here: it is a legitimate, central risk factor, and is audited by the config.
ALWAYS_SENSITIVE = (
    "sex",
    "gender",
    "ethnicity",
    "race",
    "religion",
    "belief",
    "disability",
    "sexual_orientation",
    "gender_reassignment",
    "pregnancy",
    "marital_status",
)

#: Attributes that often stand in for protected characteristics, with the reason shown.
DEFAULT_PROXIES = {
    "area": "area codes track ethnicity and deprivation",
    "postcode": "postcodes track ethnicity and deprivation",
    "lsoa": "small-area codes track ethnicity and deprivation",
    "ward": "ward codes track ethnicity and deprivation",
    "nationality": "nationality tracks ethnicity",
    "first_language": "first language tracks ethnicity",
}

#: Shortest justification accepted (the config asks for the same).
MIN_JUSTIFICATION = 20

SENSITIVE_FEATURE = (
    "feature {feature!r} uses the sensitive attribute {attribute!r}, which is for bias audits "
    "only; to use it as a feature add privacy.sensitive_features: "
    "[{{name: {attribute}, justification: ...}}] with a written justification"
)
SHORT_JUSTIFICATION = (
    "privacy.sensitive_features: the justification for {attribute!r} must be at least "
    "{min} characters of explanation, got {n}"
)
PROXY_WARNING = (
    "feature {feature!r} uses {attribute!r}, a possible proxy for protected characteristics "
    "({reason}); check the bias audit for it"
)

logger = logging.getLogger("vrurisk.privacy")


@dataclass(frozen=True)
class FeaturePolicy:
    """The outcome of :func:`check_feature_policy`.

    Attributes
    ----------
    sensitive_features : dict of str to str
        Feature name -> the allow-listed sensitive attribute it uses.
    justifications : dict of str to str
        Attribute -> its written justification (only attributes actually used).
    proxy_features : dict of str to str
        Feature name -> the proxy attribute it uses.
    warnings : list of str
        One line per proxy feature, to print and log.
    """

    sensitive_features: dict[str, str] = field(default_factory=dict)
    justifications: dict[str, str] = field(default_factory=dict)
    proxy_features: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "sensitive_features": dict(self.sensitive_features),
            "justifications": dict(self.justifications),
            "proxy_features": dict(self.proxy_features),
            "warnings": list(self.warnings),
        }


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", str(name).lower()) if w]


def _uses(feature: str, attribute: str) -> bool:
    """True when the words of ``attribute`` appear, in order and adjacent, in ``feature``."""
    words, wanted = _words(feature), _words(attribute)
    if not wanted:
        return False
    n = len(wanted)
    return any(words[i : i + n] == wanted for i in range(len(words) - n + 1))


def _allow_map(allow_list) -> dict[str, str]:
    if allow_list is None:
        return {}
    if isinstance(allow_list, Mapping):
        return {str(k): str(v) for k, v in allow_list.items()}
    return {str(item.name): str(item.justification) for item in allow_list}


def check_feature_policy(
    feature_names: Iterable[str],
    sensitive: Iterable[str] = (),
    allow_list: Mapping[str, str] | Iterable | None = None,
    proxies: Mapping[str, str] | Iterable[str] | None = None,
) -> FeaturePolicy:
    """Refuse sensitive attributes as features unless justified; warn about proxies.

    Parameters
    ----------
    feature_names : iterable of str
        The model's feature columns.
    sensitive : iterable of str
        Sensitive attributes (e.g. ``config.fairness.sensitive_attributes``); the protected
        characteristics in :data:`ALWAYS_SENSITIVE` are always added.
    allow_list : mapping or iterable, optional
        Attribute -> written justification, or objects with ``name`` and ``justification``
        (``config.privacy.sensitive_features``).
    proxies : mapping or iterable of str, optional
        Proxy attribute -> reason (or just names). Defaults to :data:`DEFAULT_PROXIES`.

    Returns
    -------
    FeaturePolicy

    Raises
    ------
    ConfigError
        When a feature uses a sensitive attribute that is not allow-listed, or whose
        justification is shorter than 20 characters.

    Examples
    --------
    >>> from vrurisk.privacy import check_feature_policy
    >>> policy = check_feature_policy(["age", "place_area_violence_rate_365d"], ["ethnicity"])
    >>> policy.proxy_features
    {'place_area_violence_rate_365d': 'area'}
    """
    allowed = _allow_map(allow_list)
    attributes = list(dict.fromkeys([*sensitive, *ALWAYS_SENSITIVE]))
    if proxies is None:
        proxies = DEFAULT_PROXIES
    proxy_reasons = (
        {str(k): str(v) for k, v in proxies.items()}
        if isinstance(proxies, Mapping)
        else {str(name): "listed as a proxy in the config" for name in proxies}
    )
    policy = FeaturePolicy()
    for feature in feature_names:
        attribute = next((a for a in attributes if _uses(feature, a)), None)
        if attribute is not None:
            if attribute not in allowed:
                raise ConfigError(SENSITIVE_FEATURE.format(feature=feature, attribute=attribute))
            text = allowed[attribute].strip()
            if len(text) < MIN_JUSTIFICATION:
                raise ConfigError(
                    SHORT_JUSTIFICATION.format(
                        attribute=attribute, min=MIN_JUSTIFICATION, n=len(text)
                    )
                )
            policy.sensitive_features[feature] = attribute
            policy.justifications[attribute] = text
            continue
        proxy = next((p for p in proxy_reasons if _uses(feature, p)), None)
        if proxy is not None:
            policy.proxy_features[feature] = proxy
            message = PROXY_WARNING.format(
                feature=feature, attribute=proxy, reason=proxy_reasons[proxy]
            )
            policy.warnings.append(message)
            logger.warning(message)
    return policy


def feature_policy_for_config(
    config: ExperimentConfig, feature_names: Iterable[str]
) -> FeaturePolicy:
    """:func:`check_feature_policy` with an :class:`~vrurisk.config.ExperimentConfig`'s lists.

    Sensitive attributes come from ``fairness.sensitive_attributes``, the allow-list from
    ``privacy.sensitive_features`` and proxies from ``privacy.proxies`` when the config has
    that key (else :data:`DEFAULT_PROXIES`).
    """
    privacy = getattr(config, "privacy", None)
    return check_feature_policy(
        feature_names,
        sensitive=config.fairness.sensitive_attributes,
        allow_list=getattr(privacy, "sensitive_features", None),
        proxies=getattr(privacy, "proxies", None),
    )
