"""Plain-language findings and warnings of a bias audit, for a governance board."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from vrurisk._text import level_label, plural
from vrurisk.evaluation._fairness_rates import METRIC_LABELS, METRIC_MEANINGS

if TYPE_CHECKING:
    from vrurisk.evaluation._fairness_config import FairnessConfig

MAX_FLAG_SENTENCES = 25


def write_findings(audit, *, scores_are_probabilities: bool) -> tuple[list[str], list[str]]:
    """Findings (most important first) and warnings for a :class:`BiasAudit`."""
    config = audit.config
    band = f"{config.disparity_band[0]:.2f}-{config.disparity_band[1]:.2f}"
    level = level_label(config.ci_level)
    findings = [_headline(audit, band)]
    findings += _degenerate_sentences(audit)
    flags = audit.flags
    for row in flags.head(MAX_FLAG_SENTENCES).to_dict(orient="records"):
        findings.append(_flag_sentence(row, band, level))
    extra = len(flags) - MAX_FLAG_SENTENCES
    if extra > 0:
        more = plural(extra, "more flagged disparity", "more flagged disparities")
        findings.append(f"{more} {'is' if extra == 1 else 'are'} listed in the tables.")
    findings.append(_windows_sentence(audit.windows))
    if scores_are_probabilities:
        findings += _calibration_sentences(audit, config)
    else:
        findings.append(
            f"The scores in '{audit.score_column}' are not probabilities, so calibration is "
            "shown as the observed outcome rate per score band and group, without a verdict."
        )
    findings.append(_method_sentence(audit, band, level))
    findings += [p["sentence"] for p in audit.power]
    return findings, _warnings(audit, config)


def _method_sentence(audit, band: str, level: str) -> str:
    m = audit.multiplicity
    judged = m.get("n_judged", 0)
    crossed = [a for a in audit.attributes if "&" in a]
    within = ""
    if crossed:
        pairs = "; ".join(
            f"in {a}, each cell is compared with the cell of the same "
            f"{_others(a, audit.config.audited_within(a))} and the reference "
            f"{audit.config.audited_within(a)} ({audit.config.audited_within(a)} within "
            f"{_others(a, audit.config.audited_within(a))})"
            for a in crossed
            if a not in audit.config.reference_groups
        )
        within = f" Intersections: {pairs}." if pairs else ""
    if not judged:
        return (
            "Ratios compare each group with a reference group (the largest unless configured)."
            f"{within} No comparison could be judged, so this audit neither flags nor clears any "
            "disparity."
        )
    return (
        "Ratios compare each group with a reference group (the largest unless configured)."
        f"{within} The audit-wide false-flag rate is controlled: the "
        f"{plural(judged, 'judged comparison')} share one {level} simultaneous interval "
        f"(Bonferroni: each interval covers {m.get('per_comparison_level', 0):.3%}), so if no "
        f"group differed, the chance of any flag in this audit would be at most "
        f"{1 - audit.config.ci_level:.0%}. A disparity is flagged only when its whole interval "
        f"lies outside {band}. Comparisons expecting fewer than {audit.config.min_expected:g} "
        "people in a cell (group or reference, with or without the event) are not judged. "
        "An unflagged ratio is not proof of fairness: small groups and rare outcomes give wide "
        "intervals."
    )


def _others(attribute: str, audited: str) -> str:
    return " and ".join(a for a in attribute.split(" & ") if a != audited)


def _degenerate_sentences(audit) -> list[str]:
    return [
        f"Nothing was judged at {point}, because the audit there is degenerate: "
        f"{'; '.join(reasons)}."
        for point, reasons in audit.degenerate.items()
        if reasons
    ]


def _headline(audit, band: str) -> str:
    counts = audit.disparities["verdict"].value_counts()
    points = ", ".join(p.name for p in audit.operating_points)
    if audit.degenerate and all(audit.degenerate.values()):
        return f"Nothing judged: the audit is degenerate at every operating point ({points})."
    flagged = int(counts.get("flagged", 0))
    within = int(counts.get("within band", 0))
    unclear = int(counts.get("inconclusive", 0))
    unjudged = int(len(audit.disparities) - flagged - within - unclear)
    point_word = "operating point" if len(audit.operating_points) == 1 else "operating points"
    tail = (
        f"{plural(within, 'comparison')} {'lies' if within == 1 else 'lie'} inside the {band} "
        f"band, {unclear} {'is' if unclear == 1 else 'are'} inconclusive (the interval crosses "
        f"an edge of the band) and {unjudged} could not be judged (small groups, too few cases, "
        f"undefined rates or a degenerate operating point); {point_word}: {points}."
    )
    if flagged:
        return f"{plural(flagged, 'disparity', 'disparities')} flagged; {tail}"
    return f"No disparity flagged; {tail}"


def _flag_sentence(row: dict, band: str, level: str) -> str:
    metric = row["metric"]
    direction = "higher" if row["ratio"] > 1 else "lower"
    return (
        f"At {row['operating_point']}, the {METRIC_LABELS[metric]} ({METRIC_MEANINGS[metric]}) "
        f"for {row['attribute']} = {row['group']} was {_pct(row['value'])} against "
        f"{_pct(row['reference_value'])} for {row['reference']} (the reference group): "
        f"{row['ratio']:.2f} times the reference rate ({level} simultaneous interval "
        f"{row['ci_low']:.2f} to {row['ci_high']:.2f}), {direction} and outside the {band} band."
    )


def _windows_sentence(windows: dict[str, str]) -> str:
    if windows["selection_rate"] == windows["error_rates"]:
        return f"All figures come from {windows['selection_rate']}."
    return (
        f"Group sizes and selection rates describe {windows['selection_rate']}; false positive "
        f"and false negative rates, precision, outcome rates and calibration describe "
        f"{windows['error_rates']}, because outcomes are only known once the window has closed."
    )


def _calibration_sentences(audit, config: FairnessConfig) -> list[str]:
    groups = audit.groups
    if groups.empty:
        return []
    first = audit.operating_points[0].name
    rows = groups[(groups["operating_point"] == first) & ~groups["small_group"]]
    low, high = config.disparity_band
    off: dict[str, list[str]] = {}
    for row in rows.to_dict(orient="records"):
        expected, observed = row["mean_score"], row["base_rate"]
        if not expected or math.isnan(expected) or math.isnan(observed):
            continue
        if not low <= observed / expected <= high:
            word = "over-predicts" if observed < expected else "under-predicts"
            off.setdefault(f"{row['attribute']}|{word}", []).append(
                f"{row['group']} (mean score {_pct(expected)}, observed {_pct(observed)})"
            )
    sentences = [
        f"Calibration ({key.split('|')[0]}): the score {key.split('|')[1]} the outcome for "
        f"{'; '.join(groups)} (point estimates)."
        for key, groups in off.items()
    ]
    if not sentences:
        sentences.append(
            "Calibration: in every group large enough to judge, the observed outcome rate is "
            f"within a factor of {low:.2f}-{high:.2f} of the mean score (point estimates)."
        )
    return sentences


def _warnings(audit, config: FairnessConfig) -> list[str]:
    warnings = []
    groups = audit.groups
    if groups.empty:
        return warnings
    first = groups[groups["operating_point"] == audit.operating_points[0].name]
    for attribute in audit.attributes:
        rows = first[first["attribute"] == attribute]
        small = rows[rows["small_group"]]
        reference = rows[rows["is_reference"]]
        if not reference.empty and bool(reference["small_group"].iloc[0]):
            warnings.append(
                f"{attribute}: the reference group {reference['group'].iloc[0]} has fewer than "
                f"{config.min_group_size} people, so no group of this attribute gets a verdict."
            )
        elif not small.empty:
            names = ", ".join(small["group"])
            warnings.append(
                f"{attribute}: {plural(len(small), 'group')} "
                f"{'has' if len(small) == 1 else 'have'} fewer than {config.min_group_size} "
                f"people and {'gets' if len(small) == 1 else 'get'} a warning instead of a "
                f"verdict: {names}."
            )
    return warnings


def _pct(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.1%}"
