"""Small inline SVG pictures of a listed person's network (see :mod:`vrurisk.scoring._ego`).

Associates are dots with a shape per risk band as well as a colour (readable without colour),
links are drawn in a line style per link type, and associates recently involved in violence
carry a letter: S (as suspect), V (as victim). The picture holds no id, key or date.
"""

from __future__ import annotations

import math

from markupsafe import Markup

SIZE = 220
CENTRE = SIZE / 2
RADII = (0.0, 62.0, 100.0)

#: Risk band -> (fill colour, shape, legend words), colour-blind safe palette.
BANDS = {
    "on the list": ("#D55E00", "square", "on the list"),
    "higher": ("#E69F00", "triangle", "top 10% of the cohort, not listed"),
    "lower": ("#0072B2", "circle", "scored, lower risk"),
    "not scored": ("#FFFFFF", "hollow", "not in the cohort (not scored)"),
}

#: Link type -> (stroke width, dash pattern, legend words).
LINKS = {
    "co_offending": (2.6, "", "co-offending"),
    "incident": (1.8, "", "same incident"),
    "group": (1.6, "6 3", "street group"),
    "co_victim": (1.4, "4 2 1 2", "victims together"),
    "household": (1.4, "1 3", "household"),
    "associate": (1.0, "", "associate"),
    "school": (1.0, "2 2", "school"),
}
OTHER_LINK = (1.0, "3 3", "other link")


def _positions(nodes: list[dict]) -> list[tuple[float, float]]:
    first = [i for i, n in enumerate(nodes) if n["hop"] == 1]
    angle = {0: 0.0}
    for j, i in enumerate(first):
        angle[i] = 2 * math.pi * j / max(len(first), 1) - math.pi / 2
    children: dict[int, list[int]] = {}
    for i, n in enumerate(nodes):
        if n["hop"] == 2:
            children.setdefault(n["parent"], []).append(i)
    step = 2 * math.pi / max(len(first), 1)
    for parent, kids in children.items():
        spread = min(step * 0.8, 0.9)
        for j, i in enumerate(kids):
            offset = 0.0 if len(kids) == 1 else spread * (j / (len(kids) - 1) - 0.5)
            angle[i] = angle[parent] + offset
    return [
        (
            CENTRE + RADII[n["hop"]] * math.cos(angle[i]),
            CENTRE + RADII[n["hop"]] * math.sin(angle[i]),
        )
        for i, n in enumerate(nodes)
    ]


def _n(value: float) -> str:
    """A coordinate to the nearest half pixel, without a trailing ``.0``."""
    text = f"{round(value * 2) / 2:g}"
    return "0" if text == "-0" else text


def _outline(x: float, y: float, shape: str, r: float) -> str:
    """Path data of one node's shape (square, triangle or circle) centred on ``(x, y)``."""
    if shape == "square":
        return f"M{_n(x - r)} {_n(y - r)}h{_n(2 * r)}v{_n(2 * r)}h{_n(-2 * r)}z"
    if shape == "triangle":
        return f"M{_n(x)} {_n(y - 1.2 * r)}l{_n(-1.1 * r)} {_n(2 * r)}h{_n(2.2 * r)}z"
    arc = f"a{_n(r)} {_n(r)} 0 1 0"
    return f"M{_n(x - r)} {_n(y)}{arc} {_n(2 * r)} 0{arc} {_n(-2 * r)} 0"


def ego_svg(ego: dict) -> Markup:
    """One person's network as an inline SVG (the person at the centre, ringed).

    Compact: the links of one type are one path, the nodes of one risk band another, so a
    picture is about 1.5 KB whatever the number of associates drawn.
    """
    nodes, edges = ego["nodes"], ego["edges"]
    pos = _positions(nodes)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" '
        f'height="{SIZE}" role="img" aria-label="network of associates">'
    ]
    lines: dict[tuple, list[str]] = {}
    for e in edges:
        (x1, y1), (x2, y2) = pos[e["from"]], pos[e["to"]]
        lines.setdefault(LINKS.get(e["type"], OTHER_LINK)[:2], []).append(
            f"M{_n(x1)} {_n(y1)}L{_n(x2)} {_n(y2)}"
        )
    for (width, dash), segments in lines.items():
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<path d="{"".join(segments)}" fill="none" stroke="#555" '
            f'stroke-width="{width}"{dash_attr}/>'
        )
    x0, y0 = pos[0]
    parts.append(
        f'<circle cx="{_n(x0)}" cy="{_n(y0)}" r="13" fill="none" stroke="#1b1b1b" '
        'stroke-width="2"/>'
    )
    shapes: dict[str, list[str]] = {}
    letters = []
    for i, n in enumerate(nodes):
        x, y = pos[i]
        r = 9.0 if i == 0 else (6.0 if n["hop"] == 1 else 4.5)
        band = n["band"] if n["band"] in BANDS else "not scored"
        shapes.setdefault(band, []).append(_outline(x, y, BANDS[band][1], r))
        mark = ("S" if n["suspect"] else "") + ("V" if n["victim"] else "")
        if mark:
            letters.append(f'<text x="{_n(x + r + 1)}" y="{_n(y - r + 2)}">{mark}</text>')
    for band, outlines in shapes.items():
        parts.append(f'<path d="{"".join(outlines)}" {_paint(band)}/>')
    if letters:
        parts.append(f'<g font-size="9" font-weight="700" fill="#1b1b1b">{"".join(letters)}</g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _paint(band: str) -> str:
    fill, shape, _ = BANDS[band]
    if shape == "hollow":
        return 'fill="#fff" stroke="#6b6b6b" stroke-width="1.4"'
    return f'fill="{fill}" stroke="#1b1b1b" stroke-width="1"'


def ego_legend() -> list[dict]:
    """Legend entries (a small SVG symbol and words) for bands, markers and link types."""
    items = []
    for band, (_, _, words) in BANDS.items():
        shape = f'<path d="{_outline(8, 8, BANDS[band][1], 5)}" {_paint(band)}/>'
        symbol = f'<svg width="16" height="16" viewBox="0 0 16 16">{shape}</svg>'
        items.append({"symbol": Markup(symbol), "words": words})
    for letter, words in (
        ("S", "suspect of violence recently"),
        ("V", "victim of violence recently"),
    ):
        symbol = (
            '<svg width="16" height="16" viewBox="0 0 16 16"><text x="3" y="12" font-size="11" '
            f'font-weight="700">{letter}</text></svg>'
        )
        items.append({"symbol": Markup(symbol), "words": words})
    for width, dash, words in list(LINKS.values()) + [OTHER_LINK]:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        symbol = (
            '<svg width="28" height="16" viewBox="0 0 28 16"><line x1="1" y1="8" x2="27" y2="8" '
            f'stroke="#555" stroke-width="{width}"{dash_attr}/></svg>'
        )
        items.append({"symbol": Markup(symbol), "words": words})
    return items
