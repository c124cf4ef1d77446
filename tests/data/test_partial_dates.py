"""A year or a month alone is not a date: never silently the 1st of January or of the month."""

from __future__ import annotations

import pandas as pd
import pytest
from cli_helpers import run_cli

from vrurisk._errors import DataValidationError
from vrurisk.data._validate import check_dates

EXTRACTION = pd.Timestamp("2025-12-31")


@pytest.mark.parametrize("value", ["2005", "2005-07", "2005-7"])
def test_a_year_or_month_alone_is_refused(value):
    with pytest.raises(DataValidationError) as caught:
        check_dates(pd.Series(["2005-03-01", value]), "birth_date", "people.csv", EXTRACTION)
    assert str(caught.value) == (
        "people.csv: column 'birth_date' has 1 value(s) that are a year or a month, not a day "
        f"(YYYY-MM-DD): row 2 ({value!r}); write the day meant (a year of birth: YYYY-07-01?)"
    )


@pytest.mark.parametrize("value", ["2005-03-01", "20050301", "2005-3-1", "2005-03-01 00:00:00"])
def test_whole_dates_still_read(value):
    parsed = check_dates(pd.Series([value]), "birth_date", "people.csv", EXTRACTION)
    assert parsed.iloc[0] == pd.Timestamp("2005-03-01")


def test_a_year_of_birth_extract_is_refused_by_validate(tmp_path):
    # pseudonymised extracts often carry the year of birth only: it became 1 January
    (tmp_path / "people.csv").write_text("person_id,birth_date\n007,2005\n008,2006-02-03\n")
    (tmp_path / "events.csv").write_text(
        "person_id,event_date,event_type\n007,2021-05-01,violence\n"
    )
    code, out, err = run_cli("validate", tmp_path)
    assert code == 2
    assert "people.csv: column 'birth_date' has 1 value(s) that are a year or a month" in err
    assert "row 1 ('2005')" in err
