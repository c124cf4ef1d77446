"""The linkage config (YAML, validated with pydantic): agencies' tables, blocking, model, audit.

Example::

    config_version: 1
    agencies:
      police:
        path: police.csv            # CSV, Parquet or Excel (.xlsx); relative to this file
        columns:                    # vrurisk field: the agency's column
          agency_id: nominal_id
          first_name: forename
          last_name: surname
          birth_date: dob
          sex: gender               # optional
          postcode: postcode        # optional
          ethnicity: ethnicity      # optional: used only to audit linkage rates and as an attribute
        date_format: "%d/%m/%Y"     # the default (UK day first)
        other_ids: {}               # e.g. {nhs_number: nhs_no}: exact-match identifiers
    blocking:
      rules: [[birth_date], [first_name, last_name], [last_name, postcode]]
    model:
      match_threshold: 0.95         # match probability at which two records are the same person
    audit:
      age_on: 2025-12-31            # the extraction date: ages for the age bands are taken on it
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from vrurisk._config_errors import format_validation_error
from vrurisk._errors import ConfigError
from vrurisk._section import Section as _Section

#: Fields every agency maps (``columns``) and the optional ones.
REQUIRED_FIELDS = ("agency_id", "first_name", "last_name", "birth_date")
OPTIONAL_FIELDS = ("sex", "postcode", "ethnicity")
#: Fields a blocking rule may name, besides the agencies' other identifiers.
BLOCKING_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "birth_year",
    "sex",
    "postcode",
    "postcode_district",
    "first_name_initial",
    "last_name_initial",
)
DEFAULT_BLOCKING = (
    ("birth_date",),
    ("first_name", "last_name"),
    ("last_name", "postcode"),
    ("first_name", "postcode_district", "birth_year"),
)
AUDIT_ATTRIBUTES = ("sex", "ethnicity", "age_band")
NAME_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"

UNKNOWN_FIELD = "unknown field {value!r}; allowed: {allowed}"
MISSING_FIELD = "'{field}' is required (the agency's column holding it)"
BAD_NAME = "{value!r} must be a lower-case name of letters, digits and '_' (e.g. 'police')"
BAD_DATE_FORMAT = "{value!r} is not a date format (e.g. '%d/%m/%Y' or '%Y-%m-%d')"
UNKNOWN_ID = "blocking.rules: {value!r} is not a field or another identifier of any agency"
TOO_FEW_AGENCIES = "at least two agencies are needed to link, got {n}"


class AgencyTable(_Section):
    """One agency's person table and how its columns map onto vrurisk's fields."""

    path: Path
    sheet: str | None = None
    columns: dict[str, str]
    date_format: str = "%d/%m/%Y"
    other_ids: dict[str, str] = Field(default_factory=dict)
    sex_codes: dict[str, Literal["M", "F"]] = Field(default_factory=dict)

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, columns: dict[str, str]) -> dict[str, str]:
        allowed = REQUIRED_FIELDS + OPTIONAL_FIELDS
        for field in columns:
            if field not in allowed:
                raise ValueError(UNKNOWN_FIELD.format(value=field, allowed=", ".join(allowed)))
        for field in REQUIRED_FIELDS:
            if field not in columns:
                raise ValueError(MISSING_FIELD.format(field=field))
        return columns

    @field_validator("other_ids")
    @classmethod
    def _id_names(cls, ids: dict[str, str]) -> dict[str, str]:
        for name in ids:
            if not re.match(NAME_PATTERN, name) or name in REQUIRED_FIELDS + OPTIONAL_FIELDS:
                raise ValueError(BAD_NAME.format(value=name))
        return ids

    @field_validator("date_format")
    @classmethod
    def _date_format(cls, value: str) -> str:
        sample = dt.date(2001, 2, 3)
        if "%" not in value or sample.strftime(value) == value:
            raise ValueError(BAD_DATE_FORMAT.format(value=value))
        try:
            dt.datetime.strptime(sample.strftime(value), value)
        except ValueError as exc:
            raise ValueError(BAD_DATE_FORMAT.format(value=value)) from exc
        return value


class BlockingConfig(_Section):
    """Which record pairs are compared: pairs agreeing on every field of at least one rule."""

    rules: list[Annotated[list[str], Field(min_length=1)]] = Field(
        default_factory=lambda: [list(rule) for rule in DEFAULT_BLOCKING], min_length=1
    )


class ModelConfig(_Section):
    """The Splink model: match threshold and training sizes."""

    match_threshold: float = Field(0.95, gt=0, lt=1)
    #: Record pairs sampled to estimate how often fields agree by chance (u probabilities).
    u_sample_pairs: int = Field(2_000_000, ge=10_000)
    #: Recall assumed of the exact rules used to estimate the share of pairs that match.
    deterministic_recall: float = Field(0.7, gt=0, le=1)
    seed: int = 0


class AuditConfig(_Section):
    """The linkage-rate audit: groups, age bands and the flagging rule."""

    age_on: dt.date | None = None
    attributes: list[Literal["sex", "ethnicity", "age_band"]] = Field(
        default_factory=lambda: list(AUDIT_ATTRIBUTES)
    )
    age_bands: list[Annotated[int, Field(ge=1, le=120)]] = Field(
        default_factory=lambda: [10, 14, 18, 22, 26]
    )
    #: A group is flagged when its linkage rate is below ``rate_ratio`` x its reference group's
    #: (0.8: the four-fifths rule the bias audit's disparity band also uses) and the difference
    #: survives Holm's correction at ``family_alpha``.
    rate_ratio: float = Field(0.8, gt=0, le=1)
    family_alpha: float = Field(0.05, gt=0, lt=1)
    min_group_size: int = Field(20, ge=1)


class LinkageConfig(_Section):
    """A validated linkage config (see the module docstring for an example)."""

    config_version: Literal[1]
    agencies: dict[str, AgencyTable]
    blocking: BlockingConfig = Field(default_factory=BlockingConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    audit: AuditConfig = Field(default_factory=AuditConfig)
    name: str = "linkage"

    @field_validator("agencies")
    @classmethod
    def _agency_names(cls, agencies: dict[str, AgencyTable]) -> dict[str, AgencyTable]:
        if len(agencies) < 2:
            raise ValueError(TOO_FEW_AGENCIES.format(n=len(agencies)))
        for name in agencies:
            if not re.match(NAME_PATTERN, name):
                raise ValueError(BAD_NAME.format(value=name))
        return agencies

    @model_validator(mode="after")
    def _blocking_fields(self) -> LinkageConfig:
        known = set(BLOCKING_FIELDS) | set(self.other_ids)
        for rule in self.blocking.rules:
            for field in rule:
                if field not in known:
                    raise ValueError(UNKNOWN_ID.format(value=field))
        return self

    @property
    def other_ids(self) -> list[str]:
        """Every other identifier any agency maps, sorted."""
        return sorted({name for table in self.agencies.values() for name in table.other_ids})

    @property
    def config_hash(self) -> str:
        """A stable hash of the validated config (paths as written)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def validate_linkage_config(
    raw: dict, *, base_dir: str | os.PathLike = ".", name: str = "linkage"
) -> LinkageConfig:
    """Validate a linkage config mapping; paths are resolved against ``base_dir``.

    Raises
    ------
    ConfigError
        One line naming the section and key at fault, e.g.
        ``agencies.police.date_format: '%q' is not a date format (...)``.
    """
    try:
        config = LinkageConfig.model_validate({"name": name, **raw})
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, LinkageConfig)) from None
    base = Path(base_dir)
    agencies = {
        agency: table.model_copy(update={"path": base / table.path})
        for agency, table in config.agencies.items()
    }
    return config.model_copy(update={"agencies": agencies})


def load_linkage_config(path: str | os.PathLike) -> LinkageConfig:
    """Read and validate a linkage config from a YAML file.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from vrurisk.linkage import load_linkage_config
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "linkage.yaml"
    >>> _ = path.write_text("config_version: 1\\nagencies: {}\\n")
    >>> load_linkage_config(path)
    Traceback (most recent call last):
    ...
    vrurisk._errors.ConfigError: agencies: at least two agencies are needed to link, got 0
    """
    from vrurisk.config import read_config_file

    path = Path(path)
    return validate_linkage_config(read_config_file(path), base_dir=path.parent, name=path.stem)
