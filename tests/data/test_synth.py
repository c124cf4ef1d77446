"""The synthetic population: contract, vocabulary, stated properties, determinism, CLI."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from cli_helpers import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from vrurisk._errors import ConfigError
from vrurisk.data import Dataset, load_dataset, read_table, simulate_population
from vrurisk.data import _synth_params as P
from vrurisk.data._synth import BAD_PARAMETER
from vrurisk.data._synth_difficulty import measure_difficulty

VIOLENT = ["violence", "serious_violence"]
LOW_LEVEL = ["drug_possession", "asb", "stop_search"]
TRUE_LOW_LEVEL = ["true_drug_possession_suspect", "true_asb_suspect", "true_stop_search_subject"]


@pytest.fixture(scope="module")
def population_20k():
    """The default size: 20,000 people over 6 years, with the oracle hazard kept."""
    return simulate_population(20_000, seed=0, keep_hazard=True)


# --- contract and vocabulary ----------------------------------------------------------------


def test_output_is_a_valid_dataset_with_truth_per_person(small_population):
    ds, truth = small_population.dataset, small_population.truth
    assert isinstance(ds, Dataset)
    assert ds.n_people == 3_000
    assert ds.extraction_date == pd.Timestamp(P.DEFAULT_END_DATE)
    assert ds.events["event_date"].max() <= ds.extraction_date
    assert ds.events["event_date"].min() >= ds.extraction_date - pd.Timedelta(days=5 * 366)
    assert truth["person_id"].is_unique
    assert list(truth["person_id"]) == list(ds.people["person_id"])
    age = (ds.extraction_date - ds.people["birth_date"]).dt.days / 365.25
    assert age.min() >= 7.9 and age.max() <= 31.1
    assert set(ds.people["sex"]) == {"F", "M"}
    assert set(ds.people["ethnicity"]) == set(P.ETHNICITIES)
    assert ds.people["area"].str.match(r"^E01\d{6}$").all()
    assert ds.people["deprivation_decile"].between(1, 10).all()


def test_events_and_links_use_exactly_the_shared_vocabulary(small_population):
    ds = small_population.dataset
    kinds = set(ds.events[["event_type", "role", "source"]].astype(str).itertuples(index=False))
    assert kinds == set(P.EVENT_KINDS)
    assert set(ds.links["link_type"].astype(str)) == set(P.LINK_TYPES)
    assert (ds.links["link_date"] <= ds.extraction_date).all()


def test_incident_ids_join_co_offenders_and_their_victims(small_population):
    events = small_population.dataset.events
    violent = events[events["event_type"].isin(VIOLENT)]
    assert violent["incident_id"].notna().all()
    suspects = violent[violent["role"] == "suspect"].groupby("incident_id")["person_id"].nunique()
    assert (suspects >= 2).any()  # some incidents have co-offenders
    shared = violent.groupby("incident_id")["event_type"].nunique()
    assert (shared == 1).all()  # everyone in an incident has the same event type
    assert events.loc[events["event_type"] == "stop_search", "incident_id"].isna().all()


def test_truth_holds_latent_risk_aces_and_true_counts(small_population):
    truth = small_population.truth
    for column in (
        "latent_risk",
        "ace_domestic_abuse",
        "ace_parental_substance_misuse",
        "ace_parental_imprisonment",
        "ace_social_care",
        "sen",
        "exclusion_prone",
        "missing_prone",
        "early_drug",
        "group_id",
        "over_recorded",
        "violence_from_contagion",
        *TRUE_LOW_LEVEL,
    ):
        assert column in truth.columns
    # True counts include unrecorded events, so they are never below the recorded counts.
    events = small_population.dataset.events
    recorded = events[events["event_type"] == "violence"].groupby("person_id", observed=True)
    counts = recorded.size().reindex(truth["person_id"], fill_value=0).to_numpy()
    true = truth["true_violence_suspect"] + truth["true_violence_victim"]
    assert (true.to_numpy() >= counts).all()
    assert true.sum() > counts.sum()
    # ACEs raise latent risk.
    assert truth.groupby(truth["ace_count"] > 0)["latent_risk"].mean().diff().iloc[-1] > 0.3


# --- stated properties ----------------------------------------------------------------------


def test_age_crime_curve_peaks_in_late_teens_or_early_twenties(small_population):
    ds = small_population.dataset
    events = ds.events[ds.events["event_type"].isin(VIOLENT) & (ds.events["role"] == "suspect")]
    birth = ds.people["birth_date"].to_numpy()
    age = (events["event_date"].to_numpy() - birth[events["person_idx"].to_numpy()]).astype(
        "timedelta64[D]"
    ).astype(int) // 365
    # Person-years at each age, from a monthly grid over the data window.
    months = small_population.months
    grid = (months.to_numpy()[:, None] - birth[None, :]).astype("timedelta64[D]").astype(int)
    exposure = np.bincount((grid[grid >= 0] // 365).ravel(), minlength=40)[:40] / 12
    rate = np.bincount(age, minlength=40)[:40] / np.maximum(exposure, 1)
    smooth = np.convolve(rate, np.ones(3) / 3, mode="same")
    assert 16 <= int(np.argmax(smooth)) <= 23
    assert smooth[12] < 0.5 * smooth.max() and smooth[29] < 0.8 * smooth.max()


def test_base_rate_and_oracle_auc_are_realistically_hard(population_20k):
    table = measure_difficulty(population_20k)
    assert 0.02 <= table["base_rate"].mean() <= 0.05
    assert 0.78 <= table["auc_oracle_current"].mean() <= 0.90
    # The network carries real signal, but most of it is the person's own risk.
    assert table["auc_oracle_no_network"].mean() < table["auc_oracle_current"].mean()
    assert table["auc_exposure_only"].mean() < table["auc_oracle_no_network"].mean()


def _associates_of_victims_involved(ds: Dataset, days: int = 180) -> float:
    """Share of (victim, associate) pairs where the associate is involved in violence within
    ``days`` after the victimisation."""
    events = ds.events
    violent = events[events["event_type"].isin(VIOLENT)]
    victims = violent.loc[violent["role"] == "victim", ["person_idx", "event_date"]]
    victims = victims[victims["event_date"] < ds.extraction_date - pd.Timedelta(days=days)]
    links = ds.links[ds.links["link_type"].isin(["associate", "group", "co_offending"])]
    pairs = pd.DataFrame(
        {
            "person_idx": np.r_[links["idx_a"].to_numpy(), links["idx_b"].to_numpy()],
            "friend": np.r_[links["idx_b"].to_numpy(), links["idx_a"].to_numpy()],
        }
    )
    exposed = victims.merge(pairs, on="person_idx").drop_duplicates()
    later = violent[["person_idx", "event_date"]].rename(
        columns={"person_idx": "friend", "event_date": "later"}
    )
    joined = exposed.merge(later, on="friend")
    gap = joined["later"] - joined["event_date"]
    hit = joined[(gap > pd.Timedelta(0)) & (gap <= pd.Timedelta(days=days))]
    return len(hit.drop_duplicates(["person_idx", "friend", "event_date"])) / len(exposed)


def test_contagion_raises_violence_among_associates_of_victims():
    on = simulate_population(8_000, seed=0, years=5)
    off = simulate_population(8_000, seed=0, years=5, contagion=0)
    rate_on = _associates_of_victims_involved(on.dataset)
    rate_off = _associates_of_victims_involved(off.dataset)
    assert rate_on > 1.2 * rate_off
    assert off.truth["violence_from_contagion"].sum() == 0
    assert on.truth["violence_from_contagion"].sum() > 0


def test_recording_bias_changes_recorded_not_true_low_level_events():
    # The ASB recording-practice change is switched off: it halves late ASB records for everyone
    # and only adds noise to the ratio (1.70 at seed 2 with it, 1.94 without).
    fair = simulate_population(5_000, seed=2, years=4, recording_bias=0, recording_change=1)
    biased = simulate_population(5_000, seed=2, years=4, recording_bias=1.0, recording_change=1)
    # Custody follows a recorded offence, so it is the one count that recording can change.
    true_columns = [c for c in fair.truth.columns if c.startswith("true_") and "custody" not in c]
    pd.testing.assert_frame_equal(fair.truth[true_columns], biased.truth[true_columns])

    def recorded_per_true(pop) -> pd.Series:
        events = pop.dataset.events
        low = events[events["event_type"].isin(LOW_LEVEL)]
        group = pop.truth.set_index("person_id")["over_recorded"]
        recorded = low["person_id"].map(group).value_counts()
        true = pop.truth.groupby("over_recorded")[TRUE_LOW_LEVEL].sum().sum(axis=1)
        return recorded / true

    ratio_fair, ratio_biased = recorded_per_true(fair), recorded_per_true(biased)
    assert 0.8 < ratio_fair[True] / ratio_fair[False] < 1.25
    assert ratio_biased[True] / ratio_biased[False] > 1.7
    assert ratio_biased[False] == pytest.approx(ratio_fair[False])


def test_same_seed_same_data_and_different_seed_different_data():
    a = simulate_population(400, seed=3, years=2)
    b = simulate_population(400, seed=3, years=2)
    c = simulate_population(400, seed=4, years=2)
    assert a.dataset.fingerprint() == b.dataset.fingerprint()
    pd.testing.assert_frame_equal(a.truth, b.truth)
    assert a.dataset.fingerprint() != c.dataset.fingerprint()


def _latent_correlation_of_associates(pop) -> float:
    latent = pop.truth.set_index("person_id")["latent_risk"]
    links = pop.dataset.links
    links = links[links["link_type"] == "associate"]
    return float(np.corrcoef(links["person_a"].map(latent), links["person_b"].map(latent))[0, 1])


def test_risk_homophily_is_weak_by_default_and_zero_decouples_associates():
    default = simulate_population(2_000, seed=1, years=3)
    explicit = simulate_population(2_000, seed=1, years=3, risk_homophily=P.DEFAULT_RISK_HOMOPHILY)
    assert default.dataset.fingerprint() == explicit.dataset.fingerprint()
    # Measured at 2,000 people, seed 1 (recorded associate links, 10% of types wrong): 0.59 at
    # 1, 0.06 at the default 0.3, 0.02 at 0.
    full = simulate_population(2_000, seed=1, years=3, risk_homophily=1.0)
    none = simulate_population(2_000, seed=1, years=3, risk_homophily=0.0)
    assert _latent_correlation_of_associates(full) > 0.5
    assert _latent_correlation_of_associates(default) < 0.25
    assert abs(_latent_correlation_of_associates(none)) < 0.08
    # The trait has its own random stream: people (and their latent risk) are the same.
    pd.testing.assert_series_equal(default.truth["latent_risk"], none.truth["latent_risk"])


@settings(max_examples=12, deadline=None)
@given(
    n_people=st.integers(200, 600),
    seed=st.integers(0, 2**32 - 1),
    years=st.floats(1, 3),
    contagion=st.floats(0, 3),
    recording_bias=st.floats(0, 3),
    end_date=st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31)),
)
def test_any_small_population_is_a_valid_dataset(
    n_people, seed, years, contagion, recording_bias, end_date
):
    pop = simulate_population(
        n_people,
        seed=seed,
        years=years,
        contagion=contagion,
        recording_bias=recording_bias,
        end_date=end_date,
    )
    ds = pop.dataset
    assert ds.n_people == n_people == len(pop.truth)
    assert ds.extraction_date == pd.Timestamp(end_date)
    first = ds.extraction_date - pd.Timedelta(days=round(round(years * 12) * 365.25 / 12) - 1)
    assert ds.events["event_date"].min() >= first
    assert ds.events["event_date"].max() <= ds.extraction_date


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        ("n_people", 5, "an integer >= 200"),
        ("years", 0, "a number between 1 and 30"),
        ("contagion", -1.0, "a number between 0 and 10"),
        ("recording_bias", "high", "a number between 0 and 10"),
        ("seed", -2, "a non-negative integer"),
        ("risk_homophily", 1.5, "a number between 0 and 1"),
    ],
)
def test_bad_parameters_raise_one_line_config_errors(name, value, rule):
    kwargs = {"n_people": 300, name: value}
    message = BAD_PARAMETER.format(name=name, rule=rule, value=value)
    with pytest.raises(ConfigError) as info:
        simulate_population(**kwargs)
    assert str(info.value) == message


# --- CLI ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_cli_synth_writes_both_formats_that_load_back(tmp_path, monkeypatch, capsys, fmt):
    out = tmp_path / "synth"
    code, _, err = run_cli(
        "synth", "--out", str(out), "--people", "400", "--years", "2",
        "--seed", "5", "--format", fmt,
    )  # fmt: skip
    assert code == 0, err
    assert "simulated 24 of 24 months" in err
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [f"{t}.{fmt}" for t in ("people", "events", "links", "truth")] + ["dataset.json"]
    )
    loaded = load_dataset(out)
    direct = simulate_population(400, seed=5, years=2)
    assert loaded.fingerprint() == direct.dataset.fingerprint()
    assert len(read_table(out / f"truth.{fmt}")) == 400
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())  # no partial directories


def test_cli_synth_passes_risk_homophily_through(tmp_path, monkeypatch, capsys):
    out = tmp_path / "synth"
    code, _, err = run_cli(
        "synth", "--out", str(out), "--people", "300", "--years", "1",
        "--seed", "2", "--risk-homophily", "0",
    )  # fmt: skip
    assert code == 0, err
    direct = simulate_population(300, seed=2, years=1, risk_homophily=0.0)
    assert load_dataset(out).fingerprint() == direct.dataset.fingerprint()
    assert (
        direct.dataset.fingerprint()
        != simulate_population(300, seed=2, years=1).dataset.fingerprint()
    )


def test_cli_synth_rejects_a_bad_format_with_one_line_and_writes_nothing(
    tmp_path, monkeypatch, capsys
):
    out = tmp_path / "synth"
    code, _, err = run_cli("synth", "--out", str(out), "--format", "xls")
    assert code == 2
    assert err == "error: --format must be one of ['parquet', 'csv'], got 'xls'\n"
    assert not out.exists()


def test_cli_demo_synthesises_validates_and_prints_a_summary(tmp_path, monkeypatch, capsys):
    from vrurisk.cli import demo

    # The data steps only: training and scoring need more than 500 people (tests/scoring).
    monkeypatch.setattr(demo, "DEMO_STEPS", demo.DEMO_STEPS[:2])
    code, out, err = run_cli("demo", "--out", str(tmp_path / "demo"), "--people", "500")
    assert code == 0, err
    assert (tmp_path / "demo" / "data" / "events.parquet").exists()
    assert "people            500" in out
    assert "serious_violence / suspect" in out
