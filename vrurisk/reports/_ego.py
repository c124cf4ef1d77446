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


def _shape(x: float, y: float, band: str, r: float) -> str:
    fill, shape, _ = BANDS.get(band, BANDS["not scored"])
    stroke = 'stroke="#1b1b1b" stroke-width="1"'
    if shape == "square":
        box = f'x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}"'
        return f'<rect {box} fill="{fill}" {stroke}/>'
    if shape == "triangle":
        pts = " ".join(
            f"{px:.1f},{py:.1f}"
            for px, py in ((x, y - 1.2 * r), (x - 1.1 * r, y + 0.8 * r), (x + 1.1 * r, y + 0.8 * r))
        )
        return f'<polygon points="{pts}" fill="{fill}" {stroke}/>'
    circle = f'cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"'
    if shape == "hollow":
        return f'<circle {circle} fill="#fff" stroke="#6b6b6b" stroke-width="1.4"/>'
    return f'<circle {circle} fill="{fill}" {stroke}/>'


def ego_svg(ego: dict) -> Markup:
    """One person's network as an inline SVG (the person at the centre, ringed)."""
    nodes, edges = ego["nodes"], ego["edges"]
    pos = _positions(nodes)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" '
        f'height="{SIZE}" role="img" aria-label="network of associates">'
    ]
    for e in edges:
        width, dash, _ = LINKS.get(e["type"], OTHER_LINK)
        (x1, y1), (x2, y2) = pos[e["from"]], pos[e["to"]]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#555" '
            f'stroke-width="{width}"{dash_attr}/>'
        )
    for i, n in enumerate(nodes):
        x, y = pos[i]
        r = 9.0 if i == 0 else (6.0 if n["hop"] == 1 else 4.5)
        if i == 0:
            ring = f'cx="{x:.1f}" cy="{y:.1f}" r="{r + 4:.1f}"'
            parts.append(f'<circle {ring} fill="none" stroke="#1b1b1b" stroke-width="2"/>')
        parts.append(_shape(x, y, n["band"], r))
        letters = ("S" if n["suspect"] else "") + ("V" if n["victim"] else "")
        if letters:
            parts.append(
                f'<text x="{x + r + 1:.1f}" y="{y - r + 2:.1f}" font-size="9" font-weight="700" '
                f'fill="#1b1b1b">{letters}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def ego_legend() -> list[dict]:
    """Legend entries (a small SVG symbol and words) for bands, markers and link types."""
    items = []
    for band, (_, _, words) in BANDS.items():
        symbol = f'<svg width="16" height="16" viewBox="0 0 16 16">{_shape(8, 8, band, 5)}</svg>'
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
