"""The linkage config: unknown keys and bad values are one line naming section.key."""

import copy

import pytest

from vrurisk import ConfigError
from vrurisk.linkage import load_linkage_config, validate_linkage_config

GOOD = {
    "config_version": 1,
    "agencies": {
        "police": {
            "path": "police.csv",
            "columns": {
                "agency_id": "nominal_id",
                "first_name": "forename",
                "last_name": "surname",
                "birth_date": "dob",
            },
        },
        "health": {
            "path": "health.csv",
            "columns": {
                "agency_id": "patient_id",
                "first_name": "given",
                "last_name": "family",
                "birth_date": "dob",
                "sex": "sex",
            },
            "date_format": "%Y-%m-%d",
            "other_ids": {"nhs_number": "nhs_no"},
        },
    },
}


def with_change(change):
    raw = copy.deepcopy(GOOD)
    change(raw)
    return raw


def test_a_good_config_validates_with_uk_day_first_dates_by_default(tmp_path):
    config = validate_linkage_config(GOOD, base_dir=tmp_path)
    assert config.agencies["police"].date_format == "%d/%m/%Y"
    assert config.agencies["police"].path == tmp_path / "police.csv"
    assert config.other_ids == ["nhs_number"]
    assert config.model.match_threshold == 0.95
    assert config.config_hash == validate_linkage_config(GOOD, base_dir=tmp_path).config_hash


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda r: r.update(bogus=1),
            "config: unknown key 'bogus'; allowed keys: agencies, audit, blocking, "
            "config_version, model, name",
        ),
        (
            lambda r: r["agencies"]["police"].update(colour="red"),
            "agencies.police: unknown key 'colour'; allowed keys: columns, date_format, "
            "other_ids, path, sex_codes, sheet",
        ),
        (
            lambda r: r["agencies"]["police"].update(date_format="%q"),
            "agencies.police.date_format: '%q' is not a date format (e.g. '%d/%m/%Y' or "
            "'%Y-%m-%d')",
        ),
        (
            lambda r: r["agencies"]["police"]["columns"].pop("birth_date"),
            "agencies.police.columns: 'birth_date' is required (the agency's column holding it)",
        ),
        (
            lambda r: r["agencies"]["health"]["columns"].update(nhs="nhs_no"),
            "agencies.health.columns: unknown field 'nhs'; allowed: agency_id, first_name, "
            "last_name, birth_date, sex, postcode, ethnicity",
        ),
        (
            lambda r: r.update(blocking={"rules": [["shoe_size"]]}),
            "blocking.rules: 'shoe_size' is not a field or another identifier of any agency",
        ),
        (
            lambda r: r.update(model={"match_threshold": 1.5}),
            "model.match_threshold must be a number > 0 and < 1, got 1.5",
        ),
        (
            lambda r: r["agencies"].pop("health"),
            "agencies: at least two agencies are needed to link, got 1",
        ),
        (
            lambda r: r.update(audit={"attributes": ["religion"]}),
            "audit.attributes must be one of 'sex', 'ethnicity', 'age_band', got 'religion'",
        ),
    ],
)
def test_bad_configs_name_the_key(change, message):
    with pytest.raises(ConfigError) as info:
        validate_linkage_config(with_change(change))
    assert str(info.value) == message


def test_blocking_may_use_another_identifier():
    raw = with_change(lambda r: r.update(blocking={"rules": [["nhs_number"], ["birth_date"]]}))
    assert validate_linkage_config(raw).blocking.rules == [["nhs_number"], ["birth_date"]]


def test_a_missing_file_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match="linkage.yaml"):
        load_linkage_config(tmp_path / "linkage.yaml")
