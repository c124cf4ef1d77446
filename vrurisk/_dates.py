"""The one parser of dates typed by people: ISO ``YYYY-MM-DD`` only.

A UK analyst writes 01/06/2025 for the first of June; pandas reads it as 6 January. Rather than
guess, anything that is not ``YYYY-MM-DD`` is refused, and the message gives the ISO form of
every reading, so the fix is a copy and paste.
"""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd

from vrurisk._errors import ConfigError

NOT_A_DATE = "{what} {value!r} is not a date (YYYY-MM-DD)"
ONE_READING = "{what} {value!r} is not YYYY-MM-DD; write it as {iso}"
AMBIGUOUS = (
    "{what} {value!r} is ambiguous: {day_first} (day first, UK) or {month_first} "
    "(month first); write it as YYYY-MM-DD"
)

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMERIC_DAY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")


def date_problem(value, what: str = "date") -> str | None:
    """Why ``value`` is not an ISO date (a one-line message), or ``None`` if it is one.

    Examples
    --------
    >>> date_problem("2025-06-01") is None
    True
    >>> date_problem("01/06/2025", "as_of")
    "as_of '01/06/2025' is ambiguous: 2025-06-01 (day first, UK) or 2025-01-06 (month first); write it as YYYY-MM-DD"
    >>> date_problem("13/06/2025", "as_of")
    "as_of '13/06/2025' is not YYYY-MM-DD; write it as 2025-06-13"
    """  # noqa: E501
    if isinstance(value, datetime.date | pd.Timestamp | np.datetime64):
        return None if not pd.isna(value) else NOT_A_DATE.format(what=what, value=value)
    if not isinstance(value, str):
        return NOT_A_DATE.format(what=what, value=value)
    text = value.strip()
    if _ISO_DAY.fullmatch(text):
        return (
            None if _day(int(text[:4]), int(text[5:7]), int(text[8:])) else _not_a_date(what, value)
        )
    match = _NUMERIC_DAY.fullmatch(text)
    if match is None:
        return _not_a_date(what, value)
    first, second, year = (int(part) for part in match.groups())
    if len(match.group(3)) == 2:
        return _not_a_date(what, value)  # a two-digit year: no reading is safe
    readings = []
    for day, month in ((first, second), (second, first)):
        stamp = _day(year, month, day)
        if stamp is not None and stamp not in readings:
            readings.append(stamp)
    if len(readings) == 2:
        return AMBIGUOUS.format(
            what=what, value=value, day_first=readings[0], month_first=readings[1]
        )
    if len(readings) == 1:
        return ONE_READING.format(what=what, value=value, iso=readings[0])
    return _not_a_date(what, value)


def parse_date(value, what: str = "date") -> pd.Timestamp:
    """A date typed by a person, as a midnight :class:`pandas.Timestamp`.

    Strings must be ``YYYY-MM-DD``; dates, datetimes and timestamps are taken as they are (their
    day). Anything else raises :class:`~vrurisk.ConfigError` with a one-line message that, for
    numeric day/month/year text, gives the ISO form of each possible reading.

    Examples
    --------
    >>> parse_date("2025-06-01", "as_of")
    Timestamp('2025-06-01 00:00:00')
    >>> parse_date(datetime.date(2025, 6, 1))
    Timestamp('2025-06-01 00:00:00')
    """
    problem = date_problem(value, what)
    if problem is not None:
        raise ConfigError(problem)
    stamp = pd.Timestamp(value.strip() if isinstance(value, str) else value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def _not_a_date(what: str, value) -> str:
    return NOT_A_DATE.format(what=what, value=value)
