"""Does the data contain what the config will look for? Said out loud before any training.

A configured event type that never occurs in the extract silently zeroes every feature built
from it (relabelling ``violence`` as ``assault`` once made nine network features zero for
everyone). :func:`check_coverage` names each such type beside the types that do occur; an
outcome that never occurs is an error, since no model can be trained on it.

The config is read by attribute (``vocabulary``, ``outcome``, ``cohort``, ``features``,
``models.baseline``), so this module does not import :mod:`vrurisk.config`.
"""

from __future__ import annotations

from vrurisk._errors import ConfigError

NO_OUTCOME = (
    "outcome.event_types: none of {types} occurs in events{roles} (types that occur: "
    "{present}); map the extract's own types onto them in vocabulary.event_types"
)
ABSENT_TYPE = (
    "{key}: event type {missing} never occurs in events, so features built from it are zero "
    "for everyone (types that occur: {present}); map the extract's own types in "
    "vocabulary.event_types"
)
ABSENT_ROLE = (
    "{key}: role {missing} never occurs in events (roles that occur: {present}); map the "
    "extract's own roles in vocabulary.roles"
)
NO_TIES = (
    "features.network: the links table is empty and no events share an incident_id, so every "
    "network feature is zero; give links or incident_id, or set features.network.enabled: false"
)
NO_AREA = "features.place: people has no 'area' values, so no place features are built"
NO_ROLE_COLUMN = (
    "events has no 'role' column: {what} count events whatever their role (witnesses included)"
)

#: Roles of the data contract, used to split baseline factor names ``<type>_<role>``.
_ROLES = ("suspect", "victim", "subject", "witness")


def _listing(values, limit: int = 12) -> str:
    values = sorted(values)
    shown = ", ".join(values[:limit]) or "none"
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def check_coverage(dataset, config) -> list[str]:
    """Warnings for configured event types and roles the data lacks; errors for the outcome.

    Parameters
    ----------
    dataset : Dataset
        Loaded with the config's vocabulary.
    config : ExperimentConfig

    Returns
    -------
    list of str
        One line per configured type or role that never occurs, naming it and what does.

    Raises
    ------
    ConfigError
        When no outcome event type (in the outcome roles) occurs at all.
    """
    events = dataset.events
    types = {str(t) for t in events["event_type"].dropna().unique()}
    has_role = "role" in events.columns
    roles = {str(r) for r in events["role"].dropna().unique()} if has_role else set()
    present = _listing(types)
    _check_outcome(events, types, config.outcome, present)

    warnings = []
    features = config.features
    checks = [("outcome.event_types", config.outcome.event_types)]
    if features.network.enabled:
        checks.append(("vocabulary.violence_types", features.network.violence_event_types))
    checks += [
        ("cohort.event_types", config.cohort.event_types or ()),
        ("cohort.exclude_event_types", config.cohort.exclude_event_types),
        ("features.event_types", features.event_types or ()),
    ]
    for key, configured in checks:
        missing = [t for t in configured if t not in types]
        if missing:
            warnings.append(ABSENT_TYPE.format(key=key, missing=_quoted(missing), present=present))
    factors = config.models.grid()["baseline"]["factors"][0]
    absent = sorted({t for t in map(_factor_type, factors) if t and t not in types})
    if absent:
        key = "models.baseline.factors"
        warnings.append(ABSENT_TYPE.format(key=key, missing=_quoted(absent), present=present))
    if has_role:
        for key, configured in (
            ("vocabulary.violence_roles", features.network.violence_roles or ()),
            ("outcome.roles", config.outcome.roles or ()),
        ):
            missing = [r for r in configured if r not in roles]
            if missing:
                warnings.append(
                    ABSENT_ROLE.format(key=key, missing=_quoted(missing), present=_listing(roles))
                )
    else:
        warnings.append(NO_ROLE_COLUMN.format(what="the outcome and involvement in violence"))
    if features.network.enabled and len(dataset.links) == 0:
        shared = "incident_id" in events.columns and events["incident_id"].notna().any()
        if not shared:
            warnings.append(NO_TIES)
    if features.place.enabled and not (
        "area" in dataset.people.columns and dataset.people["area"].notna().any()
    ):
        warnings.append(NO_AREA)
    return warnings


def _check_outcome(events, types: set[str], outcome, present: str) -> None:
    mask = events["event_type"].isin(list(outcome.event_types))
    if outcome.roles is not None and "role" in events.columns:
        mask &= events["role"].isin(list(outcome.roles))
    if not bool(mask.any()):
        roles = f" as {' or '.join(outcome.roles)}" if outcome.roles else ""
        raise ConfigError(
            NO_OUTCOME.format(types=_quoted(outcome.event_types), roles=roles, present=present)
        )


def _quoted(values) -> str:
    return ", ".join(repr(str(v)) for v in values)


def _factor_type(name: str) -> str | None:
    """The event type of a baseline factor ``<type>_<role>`` (None for other factors)."""
    for role in _ROLES:
        if name.endswith(f"_{role}"):
            return name[: -len(role) - 1]
    return None
