"""The bias audit of a scored list: group rates, disparity ratios with intervals, verdicts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vrurisk._errors import ConfigError, DataValidationError
from vrurisk._serialise import json_safe
from vrurisk.evaluation._fairness_config import (
    INTERSECTION_SEPARATOR,
    FairnessConfig,
    audited_attributes,
)
from vrurisk.evaluation._fairness_findings import write_findings
from vrurisk.evaluation._fairness_inputs import AuditTable, validated_table
from vrurisk.evaluation._fairness_judgement import judge_disparities, power_summary
from vrurisk.evaluation._fairness_metrics import (
    DISPARITY_METRICS,
    FAIRNESS_RATES,
    OUTCOME_METRICS,
    RATE_DENOMINATORS,
    OperatingPoint,
    bootstrap_rates,
    confusion_counts,
    denominators,
    disaggregated_counts,
    group_cells,
    operating_point_flags,
    percentile_interval,
    rates_by_group,
    rates_from_counts,
)

MISSING_GROUP = "(missing)"

NO_OPERATING_POINT = (
    "no operating point: give flag values, a flag column, or fairness.top_k / fairness.thresholds"
)
NO_SENSITIVE = (
    "no sensitive attribute to audit: give at least one column (fairness.sensitive_attributes)"
)
UNKNOWN_REFERENCE = (
    "fairness.reference_groups.{attribute} is {group!r}, which is not a group in the data; "
    "groups: {groups}"
)
TOP_K_TOO_LARGE = "fairness.top_k value {k} is larger than the {n} rows of {name}"

VERDICTS = {
    "flagged": "the whole simultaneous interval lies outside the band",
    "within band": "the whole simultaneous interval lies inside the band",
    "inconclusive": "the interval overlaps an edge of the band: a disparity can be neither "
    "shown nor ruled out",
    "small group": "the group or its reference is below the minimum group size",
    "too few to judge": "the rate's denominator is below the minimum",
    "too few expected": "too few people with (or without) the event are expected in the group "
    "or its reference for any ratio to be told apart from chance",
    "not computable": "the ratio is undefined (the reference rate is zero or missing)",
    "degenerate": "nothing can be compared at this operating point: nobody or everybody is "
    "flagged, or everyone has the same outcome",
}


@dataclass(frozen=True)
class BiasAudit:
    """The result of :func:`audit_scores`: tables, verdicts and plain-language findings.

    Attributes
    ----------
    groups : pandas.DataFrame
        One row per operating point, audited attribute and group: sizes, rates with interval
        bounds (``<rate>_low`` / ``<rate>_high``), mean score, reference and small-group marks.
    disparities : pandas.DataFrame
        One row per operating point, attribute, non-reference group and compared rate: the rate,
        the reference group's rate, their ratio with its interval, and the ``verdict``.
    overall : pandas.DataFrame
        The rates over everyone, per operating point.
    calibration : pandas.DataFrame
        Mean score and observed outcome rate per score bin and group (empty for non-numeric scores).
    findings, warnings : list of str
        Plain-language statements for a governance board, most important first.
    multiplicity : dict
        How the audit-wide false-flag rate is controlled: method, joint level, number of
        judged comparisons and the coverage of each interval.
    degenerate : dict of str to list of str
        Per operating point, why nothing could be judged there (empty list: not degenerate).
    power : list of dict
        Per operating point, the smallest flaggable ratios and the lists to pool to see a
        ``power_ratio`` disparity.
    """

    groups: pd.DataFrame
    disparities: pd.DataFrame
    overall: pd.DataFrame
    calibration: pd.DataFrame
    operating_points: list[OperatingPoint]
    windows: dict[str, str]
    config: FairnessConfig
    score_column: str
    label_column: str
    attributes: list[str]
    findings: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    multiplicity: dict = field(default_factory=dict)
    degenerate: dict[str, list[str]] = field(default_factory=dict)
    power: list[dict] = field(default_factory=list)

    @property
    def flags(self) -> pd.DataFrame:
        """The disparities whose whole interval lies outside the band."""
        return self.disparities[self.disparities["verdict"] == "flagged"].reset_index(drop=True)

    def to_dict(self) -> dict:
        """A JSON-safe summary (what ``fairness.json`` holds): no NaN, no numpy types."""
        return json_safe(
            {
                "score_column": self.score_column,
                "label_column": self.label_column,
                "attributes": self.attributes,
                "windows": self.windows,
                "config": self.config.model_dump(mode="json"),
                "operating_points": [p.to_dict() for p in self.operating_points],
                "findings": self.findings,
                "warnings": self.warnings,
                "verdicts": VERDICTS,
                "multiplicity": self.multiplicity,
                "degenerate": self.degenerate,
                "power": self.power,
                "n_flagged_disparities": len(self.flags),
                "flags": self.flags.to_dict(orient="records"),
                "overall": self.overall.to_dict(orient="records"),
                "groups": self.groups.to_dict(orient="records"),
                "disparities": self.disparities.to_dict(orient="records"),
                "calibration": self.calibration.to_dict(orient="records"),
            }
        )


def audit_scores(
    frame: pd.DataFrame,
    *,
    score_col: str,
    label_col: str,
    sensitive: Sequence[str] | None = None,
    flag: str | None = None,
    flag_values: Sequence[str] | None = None,
    config: FairnessConfig | None = None,
    current: pd.DataFrame | None = None,
    as_of: str | None = None,
    outcome_as_of: str | None = None,
    name: str = "scores",
) -> BiasAudit:
    """Audit a scored list for disparities between groups of people.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per person scored, with the score, the observed outcome (0/1) and the sensitive
        attributes. In a current-list audit this is the latest list whose outcome window has
        closed: error rates, precision and calibration come from it.
    score_col, label_col : str
        Columns holding the score and the outcome.
    sensitive : list of str, optional
        Sensitive attribute columns (default: ``config.sensitive_attributes``).
    flag : str, optional
        A boolean (or 0/1) column marking who is on the list, e.g. the panel's actual list.
    flag_values : list of str, optional
        Flag rows whose ``score_col`` is one of these values (banded scores such as
        ``["Medium", "High"]``); the score may then be non-numeric.
    config : FairnessConfig, optional
        Reference groups, band, minimum sizes, bootstrap and the ``top_k`` / ``thresholds``
        operating points (audited in addition to ``flag`` / ``flag_values``).
    current : pandas.DataFrame, optional
        The current list (no outcomes needed): group sizes and selection rates come from it.
    as_of, outcome_as_of : str, optional
        Dates of ``current`` and ``frame``, quoted in the report.
    name : str
        What ``frame`` is called in error messages (e.g. its file name).

    Returns
    -------
    BiasAudit

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"score": rng.random(400), "outcome": rng.integers(0, 2, 400),
    ...                    "sex": rng.choice(["F", "M"], 400)})
    >>> audit = audit_scores(df, score_col="score", label_col="outcome", sensitive=["sex"],
    ...                      config=FairnessConfig(top_k=[100], sensitive_attributes=["sex"]))
    >>> len(audit.flags)
    0
    """
    config = config or FairnessConfig()
    sensitive = list(sensitive) if sensitive is not None else list(config.sensitive_attributes)
    if not sensitive:
        raise ConfigError(NO_SENSITIVE)
    attributes = audited_attributes(sensitive, config.intersections)
    points = _operating_points(score_col, flag, flag_values, config)
    numeric_needed = any(p.kind in ("top_k", "threshold") for p in points)

    outcome = validated_table(frame, name, score_col, label_col, sensitive, flag, numeric_needed)
    selection = outcome
    if current is not None:
        selection = validated_table(
            current, "current list", score_col, None, sensitive, flag, numeric_needed
        )
    for point in points:
        for table, table_name in ((outcome, name), (selection, "current list")):
            if point.kind == "top_k" and point.value > len(table.frame):
                raise ConfigError(
                    TOP_K_TOO_LARGE.format(k=point.value, n=len(table.frame), name=table_name)
                )

    windows = _windows(current is not None, as_of, outcome_as_of)
    references = _references(attributes, sensitive, outcome.frame, selection.frame, config)
    flags_out = np.column_stack(
        [operating_point_flags(p, outcome.frame, outcome.scores, seed=config.seed) for p in points]
    )
    counts_out = _counts(outcome, sensitive, flags_out)
    flags_sel, counts_sel = flags_out, None
    if current is not None:
        flags_sel = np.column_stack(
            [
                operating_point_flags(p, selection.frame, selection.scores, seed=config.seed)
                for p in points
            ]
        )
        counts_sel = _counts(selection, sensitive, flags_sel)
    degenerate = {
        point.name: _degenerate(outcome, flags_out[:, i], flags_sel[:, i], current is not None)
        for i, point in enumerate(points)
    }
    group_rows, disparity_rows, overall_rows = [], [], []
    for index, point in enumerate(points):
        overall_rows.append(
            _overall_row(point, outcome, flags_out[:, index], selection, flags_sel[:, index])
        )
        for attribute in attributes:
            columns = attribute.split(INTERSECTION_SEPARATOR)
            out_cells = group_cells(counts_out, columns, index, INTERSECTION_SEPARATOR)
            sel_cells = None
            if counts_sel is not None:
                sel_cells = group_cells(counts_sel, columns, index, INTERSECTION_SEPARATOR)
            rows, ratios = _audit_attribute(
                point, attribute, references[attribute], out_cells, sel_cells, config
            )
            if outcome.scores is None:
                for row in rows:
                    row["mean_score"] = math.nan
            group_rows += rows
            disparity_rows += ratios
    groups = pd.DataFrame(group_rows)
    multiplicity = judge_disparities(disparity_rows, config, degenerate)
    disparities = pd.DataFrame(disparity_rows, columns=_DISPARITY_COLUMNS)
    calibration = _calibration(outcome, score_col, sensitive)
    audit = BiasAudit(
        groups=groups,
        disparities=disparities,
        overall=pd.DataFrame(overall_rows),
        calibration=calibration,
        operating_points=points,
        windows=windows,
        config=config,
        score_column=score_col,
        label_column=label_col,
        attributes=attributes,
        multiplicity=multiplicity,
        degenerate=degenerate,
        power=power_summary(disparities, points, config),
    )
    findings, more_warnings = write_findings(audit, scores_are_probabilities=outcome.probabilities)
    audit.findings.extend(findings)
    audit.warnings.extend(more_warnings)
    return audit


_DISPARITY_COLUMNS = [
    "operating_point",
    "attribute",
    "group",
    "reference",
    "metric",
    "window",
    "value",
    "reference_value",
    "ratio",
    "ci_low",
    "ci_high",
    "events",
    "denominator",
    "reference_events",
    "reference_denominator",
    "verdict",
    "smallest_flaggable_ratio",
    "flaggable",
    "lists_to_pool",
]


def _operating_points(score_col, flag, flag_values, config: FairnessConfig) -> list[OperatingPoint]:
    points = []
    if flag_values:
        points.append(OperatingPoint("flag", tuple(str(v) for v in flag_values), score_col))
    if flag is not None:
        points.append(OperatingPoint("flag", None, flag))
    points += [OperatingPoint("top_k", k, score_col) for k in config.top_k]
    points += [OperatingPoint("threshold", t, score_col) for t in config.thresholds]
    if not points:
        raise ConfigError(NO_OPERATING_POINT)
    return points


def _group_labels(frame: pd.DataFrame, attribute: str) -> pd.Series:
    columns = attribute.split(INTERSECTION_SEPARATOR)
    parts = [frame[c].astype("string").str.strip().fillna(MISSING_GROUP) for c in columns]
    labels = parts[0]
    for part in parts[1:]:
        labels = labels + INTERSECTION_SEPARATOR + part
    return labels.astype(str)


def _references(
    attributes, sensitive, outcome_frame, selection_frame, config: FairnessConfig
) -> dict:
    """Per attribute, each group's reference group (the group itself for a reference)."""
    single = {a: _reference_group(a, _group_labels(selection_frame, a), config) for a in sensitive}
    both = pd.concat([outcome_frame[sensitive], selection_frame[sensitive]], ignore_index=True)
    mapping = {}
    for attribute in attributes:
        labels = _group_labels(both, attribute)
        if attribute in single:
            mapping[attribute] = dict.fromkeys(labels.unique(), single[attribute])
        elif attribute in config.reference_groups:
            fixed = _reference_group(attribute, _group_labels(selection_frame, attribute), config)
            mapping[attribute] = dict.fromkeys(labels.unique(), fixed)
        else:
            columns = attribute.split(INTERSECTION_SEPARATOR)
            audited = config.audited_within(attribute)
            parts = pd.DataFrame({c: _group_labels(both, c) for c in columns})
            parts[audited] = single[audited]
            within = _group_labels(parts, attribute)
            mapping[attribute] = dict(zip(labels, within, strict=True))
    return mapping


def _reference_group(attribute: str, groups: pd.Series, config: FairnessConfig) -> str:
    sizes = groups.value_counts()
    chosen = config.reference_groups.get(attribute)
    if chosen is None:
        largest = sizes[sizes == sizes.max()].index
        return sorted(largest)[0]
    if chosen not in sizes.index:
        raise DataValidationError(
            UNKNOWN_REFERENCE.format(attribute=attribute, group=chosen, groups=sorted(sizes.index))
        )
    return chosen


def _degenerate(outcome: AuditTable, flags_out, flags_sel, separate: bool) -> list[str]:
    """Why nothing can be compared at one operating point (empty if something can)."""
    reasons = []
    tables = [("the scored table", flags_out)]
    if separate:
        tables = [("the list whose outcome window has closed", flags_out)]
        tables.append(("the current list", flags_sel))
    for name, flags in tables:
        if not flags.any():
            reasons.append(f"nobody in {name} is flagged")
        elif flags.all():
            reasons.append(f"everybody in {name} is flagged")
    if outcome.labels is not None and len(np.unique(outcome.labels)) == 1:
        value = int(outcome.labels[0])
        had = "had" if value else "did not have"
        reasons.append(f"everyone {had} the outcome (every label is {value})")
    return reasons


def _windows(has_current: bool, as_of, outcome_as_of) -> dict[str, str]:
    if not has_current:
        date = as_of or outcome_as_of
        where = f"the scored table (as of {date})" if date else "the scored table"
        return {"selection_rate": where, "error_rates": where}
    current = f"the current list{f' (as of {as_of})' if as_of else ''}"
    closed = "the latest list whose outcome window has closed"
    closed += f" (as of {outcome_as_of})" if outcome_as_of else ""
    return {"selection_rate": current, "error_rates": closed}


def _overall_row(point, outcome, flags_out, selection, flags_sel) -> dict:
    overall = rates_from_counts(
        confusion_counts(outcome.labels, flags_out, _scores_or_nan(outcome))
    )
    row = {"operating_point": point.name, **overall, "n_flagged": int(np.sum(flags_out))}
    if selection is not outcome:
        row["n_current"] = len(selection.frame)
        row["n_flagged_current"] = int(np.sum(flags_sel))
        row["selection_rate"] = float(np.mean(flags_sel))
    return row


def _scores_or_nan(table: AuditTable) -> np.ndarray:
    if table.scores is None:
        return np.full(len(table.frame), np.nan)
    return table.scores


def _counts(table: AuditTable, sensitive: list[str], flags: np.ndarray) -> pd.DataFrame:
    labels = pd.DataFrame({c: _group_labels(table.frame, c).to_numpy() for c in sensitive})
    return disaggregated_counts(labels, flags, table.labels, _scores_or_nan(table))


def _audit_attribute(point, attribute, references, out_cells, sel_cells, config: FairnessConfig):
    """Group rows and (unjudged) disparity rows of one attribute at one operating point."""
    separate = sel_cells is not None
    sel_cells = out_cells if sel_cells is None else sel_cells
    out_rates, sel_rates = rates_by_group(out_cells), rates_by_group(sel_cells)
    names = sorted(set(out_cells.index) | set(sel_cells.index))
    is_reference = set(references.values())
    rows, sizes = {}, {}
    for group in names:
        key = f"{point.name}|{attribute}|{group}"
        out_denoms = _denominators_of(out_cells, group)
        sizes[group] = {**out_denoms, "n": _denominators_of(sel_cells, group)["n"]}
        sizes[group]["n_outcome"] = out_denoms["n"]
        sizes[group]["events"] = {
            **_events_of(out_cells, group),
            "selection_rate": _events_of(sel_cells, group)["selection_rate"],
        }
        out_draws = _draws_or_nan(out_cells, group, config, key)
        sel_draws = (
            _draws_or_nan(sel_cells, group, config, key + "|current") if separate else out_draws
        )
        row = {"operating_point": point.name, "attribute": attribute, "group": group}
        row["n"] = sizes[group]["n_outcome"]
        if separate:
            row["n_current"] = sizes[group]["n"]
        for metric in RATE_DENOMINATORS:
            source = sel_rates if metric == "selection_rate" else out_rates
            row[metric] = float(source.at[group, metric]) if group in source.index else math.nan
            draws = sel_draws if metric == "selection_rate" else out_draws
            low, high = percentile_interval(draws[metric], config.ci_level)
            row[f"{metric}_low"], row[f"{metric}_high"] = low, high
        row["mean_score"] = (
            float(out_rates.at[group, "mean_score"]) if group in out_rates.index else math.nan
        )
        row["reference"] = references.get(group)
        row["is_reference"] = group in is_reference
        row["small_group"] = _is_small(sizes[group], config)
        rows[group] = row
    ratios = []
    for group in names:
        reference = references.get(group)
        if group in is_reference or reference not in rows:
            continue
        for metric in DISPARITY_METRICS:
            ratios.append(_disparity(rows[group], rows[reference], metric, sizes))
    return list(rows.values()), ratios


def _is_small(size: dict[str, int], config: FairnessConfig) -> bool:
    return min(size["n"], size["n_outcome"]) < config.min_group_size


def _denominators_of(cells: pd.DataFrame, group: str) -> dict[str, int]:
    if group not in cells.index:
        return {"n": 0, "negatives": 0, "positives": 0, "flagged": 0}
    return denominators(cells.loc[group])


def _draws_or_nan(cells, group, config: FairnessConfig, key) -> dict:
    if group not in cells.index:
        return dict.fromkeys(RATE_DENOMINATORS, np.full(config.bootstrap_samples, np.nan))
    return bootstrap_rates(cells.loc[group], config.bootstrap_samples, seed=config.seed, key=key)


def _events_of(cells: pd.DataFrame, group: str) -> dict[str, int]:
    """The numerator of each rate for one group's cell counts."""
    if group not in cells.index:
        return dict.fromkeys(RATE_DENOMINATORS, 0)
    counts = tuple(int(cells.at[group, c]) for c in ("tp", "fp", "fn", "tn"))
    return {rate.name: rate.events(*counts) for rate in FAIRNESS_RATES}


def _disparity(row: dict, ref: dict, metric: str, sizes: dict) -> dict:
    value, ref_value = row[metric], ref[metric]
    if math.isnan(value) or math.isnan(ref_value) or (value == 0 and ref_value == 0):
        ratio = math.nan
    else:
        ratio = math.inf if ref_value == 0 else value / ref_value
    key = RATE_DENOMINATORS[metric]
    group, reference = sizes[row["group"]], sizes[ref["group"]]
    return {
        "operating_point": row["operating_point"],
        "attribute": row["attribute"],
        "group": row["group"],
        "reference": ref["group"],
        "metric": metric,
        "window": "outcome" if metric in OUTCOME_METRICS else "selection",
        "value": value,
        "reference_value": ref_value,
        "ratio": ratio,
        "events": group["events"][metric],
        "denominator": group[key],
        "reference_events": reference["events"][metric],
        "reference_denominator": reference[key],
        "small_group": row["small_group"] or ref["small_group"],
    }


def _calibration(table: AuditTable, score_col: str, sensitive: list[str]) -> pd.DataFrame:
    """Observed outcome rate (and mean score, if numeric) per score bin and group."""
    bins, labels = _score_bins(table, score_col)
    pieces = []
    for attribute in sensitive:
        frame = pd.DataFrame(
            {
                "group": _group_labels(table.frame, attribute).to_numpy(),
                "bin": bins,
                "score": _scores_or_nan(table),
                "y": table.labels,
            }
        )
        summary = (
            frame.groupby(["group", "bin"], sort=True)
            .agg(n=("y", "size"), mean_score=("score", "mean"), observed_rate=("y", "mean"))
            .reset_index()
        )
        summary.insert(0, "attribute", attribute)
        summary.insert(3, "bin_label", [labels[b] for b in summary["bin"]])
        pieces.append(summary)
    return pd.concat(pieces, ignore_index=True)


def _score_bins(table: AuditTable, score_col: str) -> tuple[np.ndarray, list[str]]:
    """Bin index per row: each value if there are few, else deciles; bands by outcome rate."""
    if table.scores is None:
        values = table.frame[score_col].astype(str).to_numpy()
        rates = pd.Series(table.labels).groupby(values).mean().sort_values(kind="stable")
        order = {value: i for i, value in enumerate(rates.index)}
        return np.array([order[v] for v in values]), list(rates.index)
    distinct = np.unique(table.scores)
    if len(distinct) <= 20:
        return np.searchsorted(distinct, table.scores), [f"{v:g}" for v in distinct]
    edges = np.unique(np.quantile(table.scores, np.linspace(0, 1, 11)))
    bins = np.clip(np.searchsorted(edges, table.scores, side="right") - 1, 0, len(edges) - 2)
    pairs = zip(edges[:-1], edges[1:], strict=True)
    if table.probabilities:  # read as the panel reads scores: "1.2% to 1.6%"
        labels = [f"{lo:.1%} to {hi:.1%}" for lo, hi in pairs]
    else:
        labels = [f"{lo:.3g}-{hi:.3g}" for lo, hi in pairs]
    return bins, labels
