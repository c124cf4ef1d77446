"""Feature families: the few themes a panel reasons in, each a set of feature columns.

Features are many and often collinear (a person with many associates is also central in the
network and has associates whose estimated risks add up to a lot), so one feature's
contribution can pull against another's that measures nearly the same thing. Contributions are
additive, so summing them over a family gives that family's exact share of the score; the
panel is shown families first and features one click away.

The families are defined here once, from the feature's group and column name, so every saved
manifest (including those saved before families existed) maps onto them. Event types outside
the shared vocabulary fall into ``other_records``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from vrurisk.features._registry import FEATURE_BLOCKS

#: Family id -> how a panel would name it, in the order the panel pack lists them.
FAMILIES = {
    "own_violence": "own violence history (as a suspect or a victim)",
    "knife_drugs": "knife and drug events",
    "police_contact": "other police contact (anti-social behaviour, stop and search, custody)",
    "vulnerability": "vulnerability (missing episodes, exclusions, social care, family adversity)",
    "associates": "exposure to violence through associates",
    "network_position": "position in the network (number of links, centrality, group size)",
    "place": "place (violence in their area)",
    "agency_contact": "how much agencies have recorded about them",
    "age": "age and age at first contact",
    "attributes": "recorded attributes allowed by the config",
    "other_records": "other records of their own",
}

#: Event types of the shared vocabulary, by family (individual features are named after them).
EVENT_TYPE_FAMILIES = {
    "serious_violence": "own_violence",
    "violence": "own_violence",
    "ae_assault": "own_violence",
    "knife_possession": "knife_drugs",
    "drug_supply": "knife_drugs",
    "drug_possession": "knife_drugs",
    "asb": "police_contact",
    "stop_search": "police_contact",
    "custody": "police_contact",
    "missing_episode": "vulnerability",
    "school_exclusion": "vulnerability",
    "sen_support": "vulnerability",
    "social_care_referral": "vulnerability",
    "domestic_abuse": "vulnerability",
    "parental_substance_misuse": "vulnerability",
    "parental_imprisonment": "vulnerability",
}
#: Prefixes of the individual columns counted per event type (see ``individual_manifest``).
_EVENT_PREFIXES = ("count_", "days_since_", "trend_")
#: Words in a network column's name that make it about violence among associates.
_VIOLENCE_WORDS = ("violence", "victim")


def feature_family(spec) -> str:
    """The family (a key of :data:`FAMILIES`) of one feature.

    Parameters
    ----------
    spec : FeatureSpec or mapping
        Needs ``name`` and ``group``.

    Returns
    -------
    str

    Examples
    --------
    >>> from vrurisk.features import FeatureSpec
    >>> feature_family(FeatureSpec("count_knife_possession_suspect_365d", "individual", "", ""))
    'knife_drugs'
    >>> feature_family(FeatureSpec("net_pagerank", "network", "", ""))
    'network_position'
    >>> feature_family(FeatureSpec("stage1_neighbour_risk_max", "stage1", "", ""))
    'associates'
    """
    name, group = (
        (spec["name"], spec["group"]) if isinstance(spec, Mapping) else (spec.name, spec.group)
    )
    block = FEATURE_BLOCKS.get(group)
    return "other_records" if block is None else block.family_of(name)


def network_family(name: str) -> str:
    """The family of a network column: violence among associates, or network position."""
    return "associates" if any(w in name for w in _VIOLENCE_WORDS) else "network_position"


def individual_family(name: str) -> str:
    """The family of an individual column, from its name."""
    if name.startswith("static_"):
        return "attributes"
    if name.startswith("count_any_") or name == "n_sources":
        return "agency_contact"
    if name in ("age", "age_first_contact"):
        return "age"
    for prefix in _EVENT_PREFIXES:
        if name.startswith(prefix):
            stem = name[len(prefix) :]
            # longest event type first: "drug_supply" before a hypothetical "drug"
            for etype in sorted(EVENT_TYPE_FAMILIES, key=len, reverse=True):
                if stem == etype or stem.startswith(etype + "_"):
                    return EVENT_TYPE_FAMILIES[etype]
    return "other_records"


def family_map(manifest: Iterable) -> dict[str, str]:
    """Feature name -> family id for every feature of a manifest (specs or their dicts)."""
    out = {}
    for spec in manifest:
        name = spec["name"] if isinstance(spec, Mapping) else spec.name
        out[name] = feature_family(spec)
    return out
