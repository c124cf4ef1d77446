"""Words for numbers in text people read: counts with the right plural, durations in days.

Used by the plain-language reasons (:mod:`vrurisk.features._manifest`), the bias-audit
findings, the reports and the console output, so "1 disparity" and "3 disparities" are spelt
the same way everywhere.
"""

from __future__ import annotations


def plural(count: float, one: str, many: str | None = None) -> str:
    """``count`` followed by the right form of a noun.

    Parameters
    ----------
    count : int or float
        Rounded to the nearest whole number; thousands are separated by commas.
    one : str
        The singular noun phrase.
    many : str, optional
        The plural; default ``one + "s"``.

    Examples
    --------
    >>> plural(1, "disparity", "disparities"), plural(3, "comparison")
    ('1 disparity', '3 comparisons')
    >>> plural(1200, "person", "people")
    '1,200 people'
    """
    n = round(count)
    return f"{n:,} {one if abs(n) == 1 else (many if many is not None else one + 's')}"


def line_numbers(lines, limit: int = 5) -> str:
    """File line numbers in words: ``line 3``, ``lines 2, 6 and 4 more`` (header = line 1).

    Examples
    --------
    >>> line_numbers([2, 3, 4], limit=2)
    'lines 2, 3 and 1 more'
    """
    lines = list(lines)
    shown = ", ".join(map(str, lines[:limit]))
    more = f" and {len(lines) - limit:,} more" if len(lines) > limit else ""
    return f"{'line' if len(lines) == 1 else 'lines'} {shown}{more}"


def duration_words(days: float) -> str:
    """A number of days in the unit a reader would use.

    Under two weeks in days, under two months in weeks, under two years in months, otherwise
    in years (each rounded to the nearest whole unit).

    Examples
    --------
    >>> [duration_words(d) for d in (1, 10, 30, 200, 365, 1095, 3650)]
    ['1 day', '10 days', '4 weeks', '7 months', '12 months', '3 years', '10 years']
    """
    days = max(float(days), 0.0)
    if days < 14:
        return plural(days, "day")
    if days < 60:
        return plural(days / 7, "week")
    if days < 730:
        return plural(days / (365.25 / 12), "month")
    return plural(days / 365.25, "year")


def level_label(level: float) -> str:
    """A coverage level as people write it: ``0.95 -> '95%'``, ``0.975 -> '97.5%'``.

    Examples
    --------
    >>> level_label(0.9), level_label(0.975)
    ('90%', '97.5%')
    """
    return f"{round(100 * float(level), 4):g}%"
