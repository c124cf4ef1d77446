"""The data contract: which tables exist and which columns they must have."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableSpec:
    """Columns of one table of the data contract."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    date_columns: tuple[str, ...]
    person_columns: tuple[str, ...]
    numeric_columns: tuple[str, ...] = ()

    @property
    def known(self) -> tuple[str, ...]:
        return self.required + self.optional


PEOPLE = TableSpec(
    name="people",
    required=("person_id", "birth_date"),
    optional=("sex", "ethnicity", "area", "deprivation_decile", "left_date", "left_reason"),
    date_columns=("birth_date", "left_date"),
    person_columns=("person_id",),
    numeric_columns=("deprivation_decile",),
)

EVENTS = TableSpec(
    name="events",
    required=("person_id", "event_date", "event_type"),
    optional=("role", "source", "incident_id", "severity"),
    date_columns=("event_date",),
    person_columns=("person_id",),
    numeric_columns=("severity",),
)

LINKS = TableSpec(
    name="links",
    required=("person_a", "person_b", "link_date"),
    optional=("link_type", "weight"),
    date_columns=("link_date",),
    person_columns=("person_a", "person_b"),
    numeric_columns=("weight",),
)

INTERVENTIONS = TableSpec(
    name="interventions",
    required=("person_id", "programme", "start_date"),
    optional=("end_date", "referral_source"),
    date_columns=("start_date", "end_date"),
    person_columns=("person_id",),
)

#: The lists the panel saw: one row per person per list date, best rank first. The panel's
#: capacity that month (``places``) is the regression-discontinuity cut-off.
LISTS = TableSpec(
    name="lists",
    required=("list_date", "person_id", "rank", "score", "places"),
    optional=(),
    date_columns=("list_date",),
    person_columns=("person_id",),
    numeric_columns=("rank", "score", "places"),
)

#: Periods in custody (remand or sentence): out of the community, so out of the cohort while
#: inside; ``end_date`` empty while still inside at the extraction date.
CUSTODY = TableSpec(
    name="custody",
    required=("person_id", "start_date"),
    optional=("end_date",),
    date_columns=("start_date", "end_date"),
    person_columns=("person_id",),
)

TABLES: dict[str, TableSpec] = {spec.name: spec for spec in (PEOPLE, EVENTS, LINKS)}

#: Tables a data directory may hold beside the three required ones.
OPTIONAL_TABLES: dict[str, TableSpec] = {
    spec.name: spec for spec in (INTERVENTIONS, LISTS, CUSTODY)
}

#: Roles an event may record for its person (``role`` column, optional).
ROLES = ("suspect", "victim", "subject", "witness")

#: Columns of ``events`` and ``links`` stored as pandas categoricals (few distinct values).
CATEGORICAL_COLUMNS = {
    "events": ("event_type", "role", "source"),
    "links": ("link_type",),
    "people": ("sex", "ethnicity", "area", "left_reason"),
    "interventions": ("programme", "referral_source"),
    "lists": (),
    "custody": (),
}

#: Name of the small JSON file beside the tables that records the extraction date.
METADATA_FILE = "dataset.json"
