"""One vocabulary section: the extract's own event types and roles, the violence set defined
once, and configured types the data lacks said out loud (issue 11, trap 3)."""

from __future__ import annotations

import pandas as pd
import pytest
from config_helpers import tiny_raw_config

from vrurisk import ConfigError
from vrurisk.config import validate_config
from vrurisk.data import save_dataset
from vrurisk.data._coverage import check_coverage
from vrurisk.data._dataset import load_dataset
from vrurisk.features import build_feature_matrix

LOCAL = {"violence": "Assault", "serious_violence": "GBH", "ae_assault": "A&E ASSAULT"}
ROLES = {"suspect": "Offender", "victim": "Injured party"}


VOCABULARY = {
    "event_types": {"assault": "violence", "gbh": "serious_violence", "a&e assault": "ae_assault"},
    "roles": {"OFFENDER": "suspect", "injured party": "victim"},
}


@pytest.fixture(scope="module")
def local_extract(small_population, tmp_path_factory):
    ds = small_population.dataset
    directory = tmp_path_factory.mktemp("local")
    save_dataset(ds, directory, format="parquet")
    events = pd.read_parquet(directory / "events.parquet")
    events["event_type"] = events["event_type"].astype(str).replace(LOCAL)
    events["role"] = events["role"].astype(str).replace(ROLES)
    events.to_parquet(directory / "events.parquet", index=False)
    return directory


def test_the_vocabulary_gives_the_canonical_features(small_population, local_extract):
    dates = ["2023-01-01"]
    canonical = validate_config(tiny_raw_config()).features
    expected = build_feature_matrix(small_population.dataset, dates, features=canonical)
    config = validate_config(tiny_raw_config(vocabulary=VOCABULARY))
    mapped = load_dataset(local_extract, vocabulary=config.vocabulary)
    got = build_feature_matrix(mapped, dates, features=config.features)
    pd.testing.assert_frame_equal(got.X, expected.X)
    assert got.y.tolist() == expected.y.tolist()


def test_without_a_vocabulary_the_missing_types_are_named(local_extract):
    config = validate_config(tiny_raw_config(vocabulary={"roles": VOCABULARY["roles"]}))
    dataset = load_dataset(local_extract, vocabulary=config.vocabulary)
    with pytest.raises(ConfigError) as info:
        check_coverage(dataset, config)
    message = str(info.value)
    assert message.startswith(
        "outcome.event_types: none of 'serious_violence' occurs in events as suspect or victim "
        "(types that occur: A&E ASSAULT, Assault, GBH,"
    )
    assert message.endswith("map the extract's own types onto them in vocabulary.event_types")


def test_configured_types_that_never_occur_are_warnings(small_population):
    config = validate_config(
        tiny_raw_config(vocabulary={"violence_types": ["violence", "knife_crime"]})
    )
    warnings = check_coverage(small_population.dataset, config)
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "vocabulary.violence_types: event type 'knife_crime' never occurs in events, so features "
        "built from it are zero for everyone (types that occur: ae_assault, asb, "
    )


def test_the_violence_set_is_defined_once():
    config = validate_config(
        tiny_raw_config(vocabulary={"violence_types": ["assault"], "violence_roles": ["suspect"]})
    )
    assert config.features.network.violence_event_types == ("assault",)
    assert config.features.place.event_types == ("assault",)
    assert config.features.network.violence_roles == ("suspect",)
    assert config.features.place.violence_roles == ("suspect",)
    with pytest.raises(ConfigError) as info:
        validate_config(
            tiny_raw_config(features={"network": {"violence_event_types": ["assault"]}})
        )
    assert str(info.value) == (
        "features.network.violence_event_types is set once for every builder as "
        "vocabulary.violence_types; move it there"
    )


def test_a_label_mapped_twice_in_different_case_is_an_error():
    with pytest.raises(ConfigError) as info:
        validate_config(
            tiny_raw_config(vocabulary={"event_types": {"GBH": "serious_violence", "gbh": "x"}})
        )
    assert "'gbh' is mapped twice" in str(info.value)


def test_what_works_reads_the_extract_through_the_vocabulary(local_extract, monkeypatch):
    """vrurisk evaluate loads the config's data with its vocabulary, as train and score do:
    without it the extract's own 'Assault'/'GBH' would reach the outcome unmapped (no outcome
    at all, silently)."""
    import vrurisk.whatworks._evaluate as evaluate_module
    from vrurisk.whatworks import run_evaluation

    seen = {}

    class Stop(Exception):
        pass

    def capture(dataset, *args, **kwargs):
        seen["types"] = set(dataset.events["event_type"].astype(str))
        raise Stop

    monkeypatch.setattr(evaluate_module, "evaluate_programme", capture)
    raw = tiny_raw_config(data={"path": str(local_extract)}, vocabulary=VOCABULARY)
    with pytest.raises(Stop):
        run_evaluation(validate_config(raw), "mentoring", track=False)
    assert {"violence", "serious_violence", "ae_assault"} <= seen["types"]
    assert not {"Assault", "GBH"} & seen["types"]
