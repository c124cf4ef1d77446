"""Linkage rates by group: the share of each agency's records linked to another agency.

A group whose records link to other agencies markedly less often than its reference group's
(the largest group of that attribute in that agency) is flagged. Each rate has a Wilson 95%
interval; the flag needs both a practical gap (rate ratio below ``audit.rate_ratio``) and a
difference that survives Holm's correction across every comparison in the report at
``audit.family_alpha``, so the chance of any false flag in the whole report stays at most that
level when linkage is in fact even.

A linkage rate mixes two things: how often a group's members are truly on another agency's
file, and how often the linkage finds them there. Only the second is a linkage error; on real
data a lower rate is a question to investigate, not a verdict.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from vrurisk._text import plural
from vrurisk.linkage._config import AuditConfig

NOT_RECORDED = "not recorded"
ALL_AGENCIES = "all agencies"
Z95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion.

    Examples
    --------
    >>> [round(x, 3) for x in wilson_interval(8, 10)]
    [0.49, 0.943]
    """
    if n == 0:
        return (float("nan"), float("nan"))
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def holm_adjust(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (family-wise error control).

    Examples
    --------
    >>> holm_adjust(np.array([0.01, 0.04, 0.03])).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p)
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def linked_elsewhere(clusters: pd.DataFrame) -> pd.Series:
    """Per record (index aligned with ``clusters``): is it in a cluster with another agency?"""
    n_agencies = clusters.groupby("cluster")["agency"].transform("nunique")
    return n_agencies > 1


def age_bands(birth_date: pd.Series, age_on, edges: list[int]) -> pd.Series:
    """``'under 10'``, ``'10-13'``, ..., ``'26 and over'`` from ISO dates of birth."""
    born = pd.to_datetime(birth_date, errors="coerce")
    on = pd.Timestamp(age_on)
    had_birthday = (born.dt.month < on.month) | (
        (born.dt.month == on.month) & (born.dt.day <= on.day)
    )
    age = on.year - born.dt.year - (~had_birthday).astype(int)
    edges = sorted(set(edges))
    labels = [f"under {edges[0]}"]
    labels += [f"{a}-{b - 1}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    labels += [f"{edges[-1]} and over"]
    bins = [-np.inf, *edges, np.inf]
    band = pd.cut(age, bins=bins, right=False, labels=labels).astype(object)
    band = band.where(born.notna(), NOT_RECORDED)
    return pd.Series(
        pd.Categorical(band, categories=[*labels, NOT_RECORDED], ordered=True), index=band.index
    )


def linkage_rates_by_group(
    records: pd.DataFrame, config: AuditConfig, attributes: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    """Linkage rates per agency and group, their intervals, and which groups are flagged.

    Parameters
    ----------
    records : pandas.DataFrame
        One row per record: ``agency``, ``linked`` (bool: linked to another agency) and one
        column per audited attribute.
    config : AuditConfig
    attributes : list of str
        The attribute columns to audit.

    Returns
    -------
    rates : pandas.DataFrame
        ``agency``, ``attribute``, ``group``, ``records``, ``linked``, ``rate``, ``low``,
        ``high``, ``reference``, ``reference_rate``, ``rate_ratio``, ``p_value``,
        ``p_holm``, ``flagged``.
    findings : list of str
        Sentences for the report, flags first.
    """
    rows = []
    scopes = [(agency, frame) for agency, frame in records.groupby("agency", sort=True)]
    scopes.append((ALL_AGENCIES, records))
    for agency, frame in scopes:
        for attribute in attributes:
            counts = frame.groupby(attribute, sort=True, observed=True)["linked"].agg(
                ["size", "sum"]
            )
            counts = _not_recorded_last(counts)
            recorded = counts.drop(index=NOT_RECORDED, errors="ignore")
            if recorded.empty:
                continue
            reference = recorded["size"].idxmax()
            ref_n, ref_k = int(recorded.loc[reference, "size"]), int(recorded.loc[reference, "sum"])
            for group, (n, k) in counts.iterrows():
                n, k = int(n), int(k)
                low, high = wilson_interval(k, n)
                row = {
                    "agency": agency,
                    "attribute": attribute,
                    "group": str(group),
                    "records": n,
                    "linked": k,
                    "rate": k / n if n else float("nan"),
                    "low": low,
                    "high": high,
                    "reference": str(reference),
                    "reference_rate": ref_k / ref_n if ref_n else float("nan"),
                    "rate_ratio": float("nan"),
                    "p_value": float("nan"),
                }
                testable = (
                    group != reference
                    and group != NOT_RECORDED
                    and n >= config.min_group_size
                    and ref_k > 0
                )
                if testable:
                    row["rate_ratio"] = (k / n) / (ref_k / ref_n)
                    row["p_value"] = _two_proportion_p(k, n, ref_k, ref_n)
                rows.append(row)
    rates = pd.DataFrame(rows)
    if rates.empty:
        return rates, ["No record carries an audited attribute, so no linkage rates by group."]
    tested = rates["p_value"].notna().to_numpy()
    rates["p_holm"] = np.nan
    rates.loc[tested, "p_holm"] = holm_adjust(rates.loc[tested, "p_value"].to_numpy())
    rates["flagged"] = (
        tested & (rates["p_holm"] < config.family_alpha) & (rates["rate_ratio"] < config.rate_ratio)
    )
    return rates, _findings(rates, config)


def _not_recorded_last(counts: pd.DataFrame) -> pd.DataFrame:
    order = [g for g in counts.index if g != NOT_RECORDED]
    return counts.loc[order + ([NOT_RECORDED] if NOT_RECORDED in counts.index else [])]


def _two_proportion_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided p-value of a difference in proportions (Fisher's exact test below 30 records)."""
    if min(n1, n2) < 30:
        table = [[k1, n1 - k1], [k2, n2 - k2]]
        return float(stats.fisher_exact(table).pvalue)
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0
    z = (k1 / n1 - k2 / n2) / se
    return float(2 * stats.norm.sf(abs(z)))


def _findings(rates: pd.DataFrame, config: AuditConfig) -> list[str]:
    flagged = rates[rates["flagged"]].sort_values("rate_ratio")
    n_tests = int(rates["p_value"].notna().sum())
    findings = []
    for row in flagged.to_dict(orient="records"):
        findings.append(
            f"{row['agency']}: {row['attribute']} '{row['group']}' records link to another agency "
            f"{row['rate']:.1%} of the time ({row['low']:.1%} to {row['high']:.1%}), against "
            f"{row['reference_rate']:.1%} for '{row['reference']}' (ratio {row['rate_ratio']:.2f})."
        )
    if flagged.empty:
        findings.append(
            f"No group links markedly less often than its reference group "
            f"({plural(n_tests, 'comparison')} tested)."
        )
    findings.append(
        f"A group is flagged when its linkage rate is below {config.rate_ratio:.2f} times its "
        f"reference group's (the largest group) and the difference survives Holm's correction "
        f"over all {plural(n_tests, 'comparison')} at {config.family_alpha:.0%}, so the chance of "
        "any false flag in this report is at most that when linkage is even. Groups with fewer "
        f"than {config.min_group_size} records are shown but not tested."
    )
    findings.append(
        "A linkage rate mixes how often a group is truly known to another agency with how often "
        "the linkage finds the match: a lower rate is a question for the data owners (names "
        "recorded differently? dates of birth missing?), not by itself proof of linkage error."
    )
    return findings
