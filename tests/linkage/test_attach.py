"""attach_to_people: an agency's rows re-keyed to the linked person through the crosswalk."""

import pandas as pd
import pytest

from vrurisk import DataValidationError
from vrurisk.linkage import attach_to_people

CROSSWALK = pd.DataFrame(
    {
        "agency": ["police", "police", "health"],
        "agency_id": ["N1", "N2", "H7"],
        "person_id": ["L1", "L2", "L1"],
    }
)


def test_every_agencys_rows_go_to_one_person():
    events = pd.DataFrame(
        {
            "source": ["health", "police", "police"],
            "agency_id": ["H7", "N1", "N2"],
            "event_date": ["2024-01-02", "2024-02-03", "2024-03-04"],
        }
    )
    out = attach_to_people(events, CROSSWALK)
    assert out["person_id"].tolist() == ["L1", "L1", "L2"]
    assert list(out.columns) == ["person_id", "source", "event_date"]


def test_one_agency_given_by_name():
    incidents = pd.DataFrame({"nominal_id": ["N2", "N1"], "offence": ["a", "b"]})
    out = attach_to_people(incidents, CROSSWALK, agency="police", id_column="nominal_id")
    assert out["person_id"].tolist() == ["L2", "L1"]


def test_an_unlinked_record_is_one_line_with_its_line_number():
    events = pd.DataFrame({"source": ["police", "health"], "agency_id": ["N1", "H9"]})
    with pytest.raises(DataValidationError) as info:
        attach_to_people(events, CROSSWALK, name="events.csv")
    assert str(info.value) == (
        "events.csv: 1 row's record id not in the crosswalk (health; line 3); link the "
        "agency's person table with vrurisk link first"
    )


def test_a_missing_column_is_named():
    with pytest.raises(DataValidationError, match="events.csv: no column 'source'"):
        attach_to_people(pd.DataFrame({"agency_id": ["N1"]}), CROSSWALK, name="events.csv")
