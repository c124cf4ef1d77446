"""Pseudonymisation keys, the demo key, re-identification and the protected-attribute policy."""

from __future__ import annotations

import hmac
import time

import numpy as np
import pandas as pd
import pytest

from vrurisk import ConfigError, DataValidationError
from vrurisk.privacy import (
    DEMO_PREFIX,
    PseudonymKey,
    allow_demo_key,
    check_feature_policy,
    generate_secret,
    load_key,
    pseudonymise,
    reidentify,
)

SECRET = "a-test-secret-that-is-long-enough"
ENV = "VRURISK_TEST_PSEUDONYM_KEY"


@pytest.fixture
def key(monkeypatch) -> PseudonymKey:
    monkeypatch.setenv(ENV, SECRET)
    return load_key(ENV)


def test_keys_are_truncated_hmac_sha256_of_the_id(key):
    keys = pseudonymise(["p1", "p2"], key)
    expected = [hmac.digest(SECRET.encode(), v, "sha256").hex()[:16] for v in (b"p1", b"p2")]
    assert keys.tolist() == expected
    assert all(len(k) == 16 for k in keys)


def test_keys_are_stable_and_treat_ids_as_trimmed_text(key):
    a = pseudonymise(["12", "p1", "12"], key)
    b = pseudonymise([12, " p1 ", "12 "], key)
    assert a.tolist() == b.tolist()
    assert a[0] == a[2] != a[1]


def test_series_in_series_out(key):
    ids = pd.Series(["p1", "p2"], index=[10, 20])
    keys = pseudonymise(ids, key)
    assert isinstance(keys, pd.Series) and keys.index.tolist() == [10, 20]
    assert keys.tolist() == pseudonymise(["p1", "p2"], key).tolist()


def test_different_secrets_give_unrelated_keys(monkeypatch):
    monkeypatch.setenv(ENV, SECRET)
    one = pseudonymise(["p1"], load_key(ENV))
    monkeypatch.setenv(ENV, SECRET + "!")
    assert pseudonymise(["p1"], load_key(ENV))[0] != one[0]


def test_missing_ids_are_refused(key):
    with pytest.raises(DataValidationError, match=r"^cannot pseudonymise 2 empty person id\(s\)$"):
        pseudonymise(["p1", None, " "], key)


def test_empty_input(key):
    assert pseudonymise([], key).tolist() == []


def test_missing_key_is_one_clear_line(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    with pytest.raises(ConfigError) as info:
        load_key(ENV)
    assert str(info.value) == (
        f"no pseudonymisation key: set the environment variable {ENV} (at least 16 characters) "
        f"or name a key file in the config's privacy.key_file (or in {ENV}_FILE; 'vrurisk "
        "keygen' makes one)"
    )


def test_short_key_is_refused(monkeypatch):
    monkeypatch.setenv(ENV, "short")
    with pytest.raises(ConfigError) as info:
        load_key(ENV)
    assert str(info.value) == (
        f"the pseudonymisation key from environment variable {ENV} is too short "
        "(5 bytes; at least 16 needed)"
    )


def test_key_file_wins_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV, SECRET)
    path = tmp_path / "key.txt"
    path.write_text("  another-secret-from-a-file\n")
    key = load_key(ENV, key_file=path)
    assert key.source == f"key file {path}"
    assert key.secret == b"another-secret-from-a-file"


def test_unreadable_key_file(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_key(ENV, key_file=tmp_path / "missing.key")
    assert str(info.value) == (
        f"cannot read the pseudonymisation key file {tmp_path / 'missing.key'} "
        "(No such file or directory)"
    )


def test_config_section_is_accepted(tmp_path, monkeypatch):
    class Privacy:  # the shape of ExperimentConfig.privacy
        key_env = ENV
        key_file = None

    monkeypatch.setenv(ENV, SECRET)
    assert load_key(Privacy()).source == f"environment variable {ENV}"
    Privacy.key_file = tmp_path / "k"
    Privacy.key_file.write_text(generate_secret())
    assert load_key(Privacy()).source.startswith("key file ")


def test_demo_key_only_when_asked_and_loudly_labelled(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    with pytest.raises(ConfigError):
        load_key(ENV)
    demo = load_key(ENV, demo=True)
    assert demo.is_demo and demo.source == "DEMO KEY"
    assert demo.label.startswith("DEMO KEY: ")
    assert demo.key_id.startswith(DEMO_PREFIX)
    assert all(k.startswith(DEMO_PREFIX) for k in pseudonymise(["a", "b"], demo))
    with allow_demo_key():
        assert load_key(ENV).is_demo
    with pytest.raises(ConfigError):
        load_key(ENV)


def test_a_real_key_beats_demo_mode(key, monkeypatch):
    with allow_demo_key():
        real = load_key(ENV)
    assert not real.is_demo
    assert not pseudonymise(["a"], real)[0].startswith(DEMO_PREFIX)


def test_the_secret_is_never_in_repr_or_key_id(key):
    assert SECRET not in repr(key) and SECRET not in str(key)
    assert SECRET not in key.key_id and len(key.key_id) == 12


def test_reidentify_maps_keys_back(key):
    ids = [f"person-{i}" for i in range(50)]
    keys = pseudonymise(ids, key)
    wanted = [keys[7], "0000000000000000", keys[3], keys[7]]
    table = reidentify(wanted, ids, key)
    assert table.columns.tolist() == ["key", "person_id"]
    assert table["person_id"].tolist() == ["person-7", pd.NA, "person-3", "person-7"]


def test_reidentify_with_the_wrong_key_finds_nobody(key, monkeypatch):
    ids = ["a", "b"]
    keys = pseudonymise(ids, key)
    monkeypatch.setenv(ENV, "some-other-long-secret-value")
    assert reidentify(keys, ids, load_key(ENV))["person_id"].isna().all()


def test_many_ids_quickly(key):
    # benchmarks/privacy.py times a million ids; this keeps the suite fast
    ids = np.array([f"P{i:07d}" for i in range(100_000)], dtype=object)
    started = time.perf_counter()
    keys = pseudonymise(np.concatenate([ids, ids]), key)
    elapsed = time.perf_counter() - started
    assert len(set(keys)) == 100_000 and (keys[:100_000] == keys[100_000:]).all()
    assert elapsed < 10  # about 0.3 s on a quiet 2-core machine


# --- protected attributes as features ---


FEATURES = [
    "age",
    "count_violence_suspect_365d",
    "count_sexual_exploitation_subject_365d",
    "place_area_violence_rate_365d",
]


def test_ordinary_features_pass_with_a_proxy_warning():
    policy = check_feature_policy(FEATURES, ["sex", "ethnicity"])
    assert policy.sensitive_features == {}
    assert policy.proxy_features == {"place_area_violence_rate_365d": "area"}
    assert policy.warnings == [
        "feature 'place_area_violence_rate_365d' uses 'area', a possible proxy for protected "
        "characteristics (area codes track ethnicity and deprivation); check the bias audit for it"
    ]


def test_sensitive_feature_without_allow_list_is_refused():
    with pytest.raises(ConfigError) as info:
        check_feature_policy([*FEATURES, "static_ethnicity_black"], ["sex", "ethnicity"])
    assert str(info.value) == (
        "feature 'static_ethnicity_black' uses the sensitive attribute 'ethnicity', which is for "
        "bias audits only; to use it as a feature add privacy.sensitive_features: "
        "[{name: ethnicity, justification: ...}] with a written justification"
    )


def test_protected_characteristics_are_sensitive_even_if_the_config_forgets_them():
    with pytest.raises(ConfigError, match="'static_religion_none' uses the sensitive attribute"):
        check_feature_policy(["static_religion_none"], sensitive=[])


def test_allow_listed_sensitive_feature_with_justification():
    why = "Needed to model differential recording; reviewed by the ethics panel 2026-10."
    policy = check_feature_policy(
        ["age", "static_sex_f", "static_sex_m"], ["sex"], allow_list={"sex": why}
    )
    assert policy.sensitive_features == {"static_sex_f": "sex", "static_sex_m": "sex"}
    assert policy.justifications == {"sex": why}
    assert policy.to_dict()["justifications"] == {"sex": why}


def test_allow_list_from_config_objects_and_short_justification():
    class Item:
        name = "sex"
        justification = "because"

    with pytest.raises(ConfigError) as info:
        check_feature_policy(["static_sex_f"], ["sex"], allow_list=[Item()])
    assert str(info.value) == (
        "privacy.sensitive_features: the justification for 'sex' must be at least 20 "
        "characters of explanation, got 7"
    )


def test_config_listed_proxies():
    policy = check_feature_policy(["static_school_id_12", "age"], [], proxies=["school_id"])
    assert policy.proxy_features == {"static_school_id_12": "school_id"}
    assert check_feature_policy(["place_area_rate"], [], proxies=[]).warnings == []


def test_keygen_writes_an_owner_only_key_that_the_key_file_variable_reads(tmp_path, monkeypatch):
    """Issue 17: `export VRURISK_PSEUDONYM_KEY=...` taken literally failed as too short."""
    from cli_helpers import run_cli

    path = tmp_path / "secrets" / "vrurisk.key"
    code, out, err = run_cli("keygen", "--out", path)
    assert code == 0, err
    assert path.stat().st_mode & 0o777 == 0o600
    assert out.splitlines()[-1] == f"  export VRURISK_PSEUDONYM_KEY_FILE={path.resolve()}"
    monkeypatch.delenv("VRURISK_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("VRURISK_PSEUDONYM_KEY_FILE", str(path))
    key = load_key()
    assert key.source == f"key file {path}" and len(key.secret) >= 32
    again = run_cli("keygen", "--out", path)  # never overwrites a key
    assert again.code == 2 and "already exists; refusing to overwrite" in again.err
    assert load_key().key_id == key.key_id
