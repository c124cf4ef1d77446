"""Synthetic agency extracts: deterministic, truth kept apart, noise where it was asked for."""

import numpy as np
import pandas as pd
import pytest

from vrurisk import ConfigError
from vrurisk.linkage import simulate_agency_extracts
from vrurisk.linkage._prepare import standard_given_names, standard_names


def test_same_arguments_give_the_same_extracts():
    a = simulate_agency_extracts(400, seed=3)
    b = simulate_agency_extracts(400, seed=3)
    for agency in a.tables:
        pd.testing.assert_frame_equal(a.tables[agency], b.tables[agency])
    pd.testing.assert_frame_equal(a.truth, b.truth)


def test_truth_covers_every_record_once_and_tables_hold_no_person_id():
    extracts = simulate_agency_extracts(500, seed=1)
    n_records = sum(len(t) for t in extracts.tables.values())
    assert len(extracts.truth) == n_records
    assert not extracts.truth.duplicated(["agency", "agency_id"]).any()
    assert set(extracts.truth["person_id"]) <= set(extracts.people["person_id"])
    for agency, table in extracts.tables.items():
        assert not table.isin(set(extracts.people["person_id"])).any().any(), agency
        id_column = extracts.columns[agency]["columns"]["agency_id"]
        assert set(table[id_column]) == set(
            extracts.truth.loc[extracts.truth["agency"] == agency, "agency_id"]
        )


def test_without_noise_a_persons_records_agree_on_every_identifier():
    extracts = simulate_agency_extracts(400, seed=2, noise=0, duplicate_rate=0)
    rows = []
    for agency, table in extracts.tables.items():
        cols = extracts.columns[agency]["columns"]
        dates = pd.to_datetime(
            table[cols["birth_date"]], format=extracts.columns[agency]["date_format"]
        )
        rows.append(
            pd.DataFrame(
                {
                    "agency_id": table[cols["agency_id"]],
                    "first": standard_given_names(table[cols["first_name"]]),
                    "last": standard_names(table[cols["last_name"]]),
                    "dob": dates,
                }
            ).assign(agency=agency)
        )
    records = pd.concat(rows).merge(extracts.truth, on=["agency", "agency_id"])
    per_person = records.groupby("person_id")[["first", "last", "dob"]].nunique()
    assert (per_person == 1).all().all()


def test_differential_noise_makes_the_chosen_group_noisier():
    def error_rate(differential: float, group: str) -> float:
        extracts = simulate_agency_extracts(
            3000, seed=5, differential_noise=differential, duplicate_rate=0
        )
        table = extracts.tables["police"]
        truth = extracts.truth[extracts.truth["agency"] == "police"]
        frame = table.merge(truth, left_on="nominal_id", right_on="agency_id").merge(
            extracts.people, on="person_id"
        )
        frame = frame[frame["ethnicity"] == group]
        written = pd.to_datetime(frame["dob"], format="%d/%m/%Y", errors="coerce")
        return float((written != frame["birth_date"]).mean())

    assert error_rate(4, "Black") > 2 * error_rate(0, "Black")
    assert error_rate(4, "White") == pytest.approx(error_rate(0, "White"), abs=0.02)


def test_a_people_table_can_be_the_population():
    people = pd.DataFrame(
        {
            "person_id": ["a", "b", "c"],
            "birth_date": pd.to_datetime(["2005-01-02", "2006-03-04", "2007-05-06"]),
            "sex": ["F", "M", "F"],
            "ethnicity": ["White", "Asian", "Black"],
        }
    )
    extracts = simulate_agency_extracts(people, seed=0)
    assert set(extracts.truth["person_id"]) <= {"a", "b", "c"}
    assert np.array_equal(extracts.people["person_id"], ["a", "b", "c"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"noise": -1}, "'noise' must be a number between 0 and 20, got -1"),
        ({"population": 0}, "'population' must be a people table or a whole number"),
        ({"population": pd.DataFrame({"person_id": ["a"]})}, "lacks column\\(s\\) birth_date"),
    ],
)
def test_bad_arguments_are_one_line(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        simulate_agency_extracts(**{"population": 100, **kwargs})


def test_membership_decides_who_is_on_each_agencys_file():
    extracts = simulate_agency_extracts(
        300, seed=1, duplicate_rate=0, membership={"police": {"T0000001", "T0000002"}}
    )
    police = extracts.truth[extracts.truth["agency"] == "police"]
    assert sorted(police["person_id"]) == ["T0000001", "T0000002"]
    assert extracts.truth["agency"].value_counts()["health"] > 100  # others keep their share
