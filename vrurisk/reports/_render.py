"""Shared rendering plumbing for every HTML report: Jinja environment, filters, CSS, figures.

Reports are computed as plain dicts first and rendered second. Templates live in
``vrurisk/reports/templates/`` (shipped with the package), extend ``base.html`` and are rendered
with autoescaping on. Output files are self-contained: CSS inlined, figures embedded as base64
PNG data URIs, no scripts and a Content-Security-Policy that forbids fetching anything, so a
report can be emailed and opened offline.
"""

from __future__ import annotations

import base64
import io
import math
from functools import cache
from importlib.resources import files

import jinja2
from markupsafe import Markup
from matplotlib.figure import Figure

from vrurisk._text import plural

#: Shown at the top of every report made with the published demo pseudonymisation key.
DEMO_BANNER = (
    "DEMO: made with vrurisk's published demo pseudonymisation key. Anyone with vrurisk can turn "
    "these keys back into identities, so this report protects nobody: synthetic data only, "
    "never real people's records."
)

#: Colours used by every chart (colour-blind safe, from the Okabe-Ito palette).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
MUTED = "#999999"


@cache
def report_environment() -> jinja2.Environment:
    """The Jinja environment for the package's templates (autoescape on, strict undefined)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("vrurisk.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = format_percent
    env.filters["num"] = format_number
    env.filters["interval"] = format_interval
    env.filters["plural"] = plural
    env.filters["count"] = format_count
    return env


def render_template(name: str, *, demo: bool = False, **context) -> str:
    """Render ``templates/<name>`` with the shared CSS available as ``base_css``.

    ``demo=True`` puts :data:`DEMO_BANNER` at the top of the page (keys made with the demo key).
    """
    banner = DEMO_BANNER if demo else None
    return (
        report_environment()
        .get_template(name)
        .render(base_css=base_css(), demo_banner=banner, **context)
    )


@cache
def base_css() -> Markup:
    """The stylesheet every report inlines (our own file, so safe to mark as markup)."""
    text = files("vrurisk.reports").joinpath("templates", "base.css").read_text(encoding="utf-8")
    return Markup(text)


def new_figure(width: float = 7.0, height: float = 3.0, *, layout: str | None = "constrained"):
    """A matplotlib figure that does not touch pyplot's global state (safe in threads).

    ``layout=None`` skips the constrained layout (a large share of the drawing time); place
    the axes with ``figure.subplots_adjust`` instead.
    """
    return Figure(figsize=(width, height), layout=layout)


def figure_to_data_uri(figure: Figure, *, dpi: int = 96) -> str:
    """Encode ``figure`` as a ``data:image/png;base64,...`` URI for an ``<img src>``."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_percent(value, digits: int = 1) -> str:
    """``0.4485 -> '44.8%'``; missing values read ``n/a``."""
    return "n/a" if _missing(value) else f"{100 * float(value):.{digits}f}%"


def format_count(value) -> str:
    """A whole number with thousands separated (``4238 -> '4,238'``); others unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float) or _missing(value):
        return "n/a" if _missing(value) else str(value)
    return f"{round(value):,}"


def format_number(value, digits: int = 2) -> str:
    """Fixed decimals; infinite reads as ``inf`` and missing as ``n/a``."""
    if _missing(value):
        return "n/a"
    value = float(value)
    return "inf" if math.isinf(value) else f"{value:.{digits}f}"


def format_interval(bounds, kind: str = "num") -> str:
    """``(low, high)`` as ``'low-high'`` in percent (``kind='pct'``) or plain numbers."""
    low, high = bounds
    fmt = format_percent if kind == "pct" else format_number
    if _missing(low) or _missing(high):
        return "n/a"
    return f"{fmt(low)} to {fmt(high)}"
