"""A data-quality profile of an extract: what it looks like before anyone trains on it.

:func:`profile_dataset` computes a plain summary (rows per table, events per source and type
per month, missingness, duplicates, date heaping, people without events, link types and
degrees); :func:`write_profile` writes it as ``profile.json`` and a self-contained
``profile.html`` whose small multiples make a recording gap or a change of recording practice
jump out. Per-column summaries are our own (a profiling library would add a dependency and
scripts that a Content-Security-Policy'd offline report cannot run).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import poisson

from vrurisk.data import OutputKind, check_output_directory

#: What ``vrurisk profile`` writes.
DATA_PROFILE = OutputKind("a data-quality profile", "profile.json", frozenset({"profile.html"}))

#: A date column whose share of 1st-of-month dates exceeds this many times the share expected
#: of evenly spread dates (12/365) is heaped: dates were probably rounded or imputed.
HEAPING_FACTOR = 3.0
#: Dates on this day are a common placeholder for "unknown".
PLACEHOLDER_DATE = pd.Timestamp("1900-01-01")
#: Small multiples shown (the most frequent source and type pairs).
MAX_PANELS = 24
#: A month is a gap when so few events would happen by chance (Poisson at the pair's median
#: month) with probability below this, divided by the number of months looked at.
GAP_P = 0.001


def _date_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]


def _heaping(values: pd.Series) -> dict:
    values = values.dropna()
    n = len(values)
    first = int((values.dt.day == 1).sum())
    new_year = int(((values.dt.day == 1) & (values.dt.month == 1)).sum())
    placeholder = int((values == PLACEHOLDER_DATE).sum())
    expected = 12 / 365.25
    share = first / n if n else 0.0
    return {
        "n": n,
        "first_of_month": first,
        "first_of_month_share": share,
        "first_of_january": new_year,
        "placeholder_1900_01_01": placeholder,
        "heaped": bool(n >= 50 and share > HEAPING_FACTOR * expected) or placeholder > 0,
    }


def _table_summary(frame: pd.DataFrame, derived: tuple[str, ...]) -> dict:
    frame = frame[[c for c in frame.columns if c not in derived]]
    columns = []
    for name in frame.columns:
        values = frame[name]
        entry = {
            "column": name,
            "dtype": str(values.dtype),
            "missing": int(values.isna().sum()),
            "missing_share": float(values.isna().mean()) if len(values) else 0.0,
            "distinct": int(values.nunique(dropna=True)),
        }
        if pd.api.types.is_datetime64_any_dtype(values):
            present = values.dropna()
            entry["min"] = str(present.min().date()) if len(present) else None
            entry["max"] = str(present.max().date()) if len(present) else None
        elif pd.api.types.is_numeric_dtype(values):
            present = values.dropna()
            entry["min"] = float(present.min()) if len(present) else None
            entry["max"] = float(present.max()) if len(present) else None
        else:
            top = values.astype("string").value_counts().head(3)
            entry["top"] = [[str(k), int(v)] for k, v in top.items()]
        columns.append(entry)
    hashed = pd.util.hash_pandas_object(frame.astype("string"), index=False) if len(frame) else None
    return {
        "rows": len(frame),
        "duplicate_rows": int(hashed.duplicated().sum()) if hashed is not None else 0,
        "columns": columns,
        "dates": {c: _heaping(frame[c]) for c in _date_columns(frame)},
    }


def _monthly(events: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Events per (source, type) per month, most frequent pairs first, with gaps found."""
    source = (
        events["source"].astype("string").fillna("(no source)")
        if "source" in events.columns
        else pd.Series("(no source)", index=events.index, dtype="string")
    )
    frame = pd.DataFrame(
        {
            "source": source,
            "event_type": events["event_type"].astype("string"),
            "month": events["event_date"].dt.to_period("M"),
        }
    )
    counts = frame.groupby(["source", "event_type", "month"], observed=True).size()
    counts = counts.rename("events").reset_index()
    months = pd.period_range(frame["month"].min(), frame["month"].max(), freq="M")
    totals = counts.groupby(["source", "event_type"])["events"].sum().sort_values(ascending=False)
    gaps = []
    for source_name, etype in totals.index:
        pair = counts[(counts["source"] == source_name) & (counts["event_type"] == etype)]
        series = pair.set_index("month")["events"].reindex(months, fill_value=0)
        first, last = series.ne(0).idxmax(), series[::-1].ne(0).idxmax()
        inside = series[first:last]
        median = float(inside.median()) if len(inside) else 0.0
        chance = poisson.cdf(inside.to_numpy(), median) if median > 0 else np.ones(len(inside))
        low = inside[(chance < GAP_P / max(len(inside), 1)) & (inside < median / 2)]
        if len(low):
            gaps.append(
                {
                    "source": str(source_name),
                    "event_type": str(etype),
                    "months": [str(m) for m in low.index],
                    "median": median,
                }
            )
    return counts, gaps


def _degrees(dataset) -> dict:
    links = dataset.links
    n = dataset.n_people
    if len(links):
        a = links["idx_a"].to_numpy().astype(np.int64)
        b = links["idx_b"].to_numpy().astype(np.int64)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        pairs = np.unique(lo * n + hi)
        degree = np.bincount(np.concatenate([pairs // n, pairs % n]), minlength=n)
    else:
        degree = np.zeros(n, dtype=np.int64)
    types = (
        links["link_type"].astype("string").fillna("(no type)").value_counts()
        if "link_type" in links.columns
        else pd.Series({"(no type)": len(links)})
    )
    quantiles = {f"p{q}": float(np.percentile(degree, q)) for q in (50, 90, 99)} if n else {}
    return {
        "link_types": {str(k): int(v) for k, v in types.items() if v},
        "isolated": int((degree == 0).sum()),
        "max": int(degree.max()) if n else 0,
        "mean": float(degree.mean()) if n else 0.0,
        **quantiles,
        "histogram": np.bincount(np.minimum(degree, 20), minlength=21).tolist(),
    }


def profile_dataset(dataset) -> dict:
    """A plain summary of ``dataset`` for the data-quality report.

    Parameters
    ----------
    dataset : Dataset

    Returns
    -------
    dict
        ``tables`` (rows, duplicate rows, per-column missingness and ranges, date heaping),
        ``monthly`` (events per source, type and month), ``gaps`` (months far below a pair's
        median), ``people_without_events``, ``network`` (link types, degree distribution) and
        ``findings`` (the lines to read first).

    Examples
    --------
    >>> from vrurisk.data import Dataset
    >>> summary = profile_dataset(Dataset.example())
    >>> summary["people_without_events"], summary["tables"]["links"]["rows"]
    (1, 1)
    """
    derived = ("person_idx", "idx_a", "idx_b")
    tables = {
        name: _table_summary(getattr(dataset, name), derived)
        for name in ("people", "events", "links")
    }
    counts, gaps = _monthly(dataset.events)
    with_events = np.zeros(dataset.n_people, dtype=bool)
    with_events[dataset.events["person_idx"].to_numpy()] = True
    without = int((~with_events).sum())
    network = _degrees(dataset)
    findings = []
    for table, summary in tables.items():
        if summary["duplicate_rows"]:
            findings.append(f"{table}: {summary['duplicate_rows']:,} exact duplicate row(s)")
        for column, heap in summary["dates"].items():
            if heap["heaped"]:
                findings.append(
                    f"{table}.{column}: {heap['first_of_month_share']:.0%} of dates fall on the "
                    f"1st of a month (about 3% if spread evenly)"
                    + (
                        f"; {heap['placeholder_1900_01_01']:,} are 1900-01-01"
                        if heap["placeholder_1900_01_01"]
                        else ""
                    )
                    + ": rounded or imputed dates?"
                )
        for column in summary["columns"]:
            if column["missing_share"] >= 0.2:
                findings.append(
                    f"{table}.{column['column']}: {column['missing_share']:.0%} missing"
                )
    for gap in gaps:
        shown = ", ".join(gap["months"][:6]) + (" ..." if len(gap["months"]) > 6 else "")
        findings.append(
            f"events from {gap['source']} of type {gap['event_type']}: far fewer than the usual "
            f"{gap['median']:g} a month in {shown}: a recording gap?"
        )
    if without:
        findings.append(
            f"people: {without:,} of {dataset.n_people:,} have no events (they can never enter "
            "a cohort that needs recent activity)"
        )
    if network["isolated"] == dataset.n_people:
        findings.append("links: nobody is linked in the links table")
    return {
        "source": dataset.source,
        "extraction_date": str(dataset.extraction_date.date()),
        "tables": tables,
        "monthly": [
            {**r, "month": str(r["month"]), "events": int(r["events"])}
            for r in counts.to_dict(orient="records")
        ],
        "gaps": gaps,
        "people_without_events": without,
        "network": network,
        "findings": findings,
    }


def _small_multiples(summary: dict) -> str:
    from vrurisk.reports import PALETTE, figure_to_data_uri, new_figure

    monthly = pd.DataFrame(summary["monthly"])
    if monthly.empty:
        return ""
    monthly["month"] = pd.PeriodIndex(monthly["month"], freq="M")
    months = pd.period_range(monthly["month"].min(), monthly["month"].max(), freq="M")
    totals = monthly.groupby(["source", "event_type"])["events"].sum().sort_values(ascending=False)
    pairs = list(totals.index[:MAX_PANELS])
    cols = 4
    rows = (len(pairs) + cols - 1) // cols
    figure = new_figure(11.0, 1.7 * rows + 0.4)
    axes = np.atleast_1d(figure.subplots(rows, cols, sharex=True, squeeze=False)).ravel()
    x = months.to_timestamp()
    colours = {
        s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sorted(monthly["source"].unique()))
    }
    for ax, (source, etype) in zip(axes, pairs, strict=False):
        pair = monthly[(monthly["source"] == source) & (monthly["event_type"] == etype)]
        series = pair.set_index("month")["events"].reindex(months, fill_value=0)
        ax.plot(x, series.to_numpy(), color=colours[source], linewidth=1.2)
        ax.set_title(f"{source}: {etype}", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_ylim(bottom=0)
        ax.grid(color="#eeeeee")
    for ax in axes[len(pairs) :]:
        ax.set_visible(False)
    return figure_to_data_uri(figure)


def _degree_chart(summary: dict) -> str:
    from vrurisk.reports import PALETTE, figure_to_data_uri, new_figure

    histogram = summary["network"]["histogram"]
    figure = new_figure(6.0, 2.4)
    ax = figure.subplots()
    ax.bar(range(len(histogram)), histogram, color=PALETTE[0])
    ax.set_xticks(range(0, 21, 5), ["0", "5", "10", "15", "20+"])
    ax.set_xlabel("people linked to (links table)", fontsize=8)
    ax.set_ylabel("people", fontsize=8)
    ax.tick_params(labelsize=7)
    return figure_to_data_uri(figure)


def write_profile(dataset, out: str | os.PathLike, *, force: bool = False) -> Path:
    """Write ``profile.json`` and a self-contained ``profile.html`` to ``out`` (atomically).

    An existing ``out`` is replaced only if it is a previous profile (or ``force``), never when
    it holds the data. Returns the output directory.
    """
    from vrurisk.data import write_directory_atomically
    from vrurisk.reports import render_template

    protected = [dataset.source] if dataset.source != "<memory>" else []
    check_output_directory(out, DATA_PROFILE, force=force, protected=protected)

    summary = profile_dataset(dataset)
    html = render_template(
        "profile.html",
        s=summary,
        months_chart=_small_multiples(summary),
        degree_chart=_degree_chart(summary),
        max_panels=MAX_PANELS,
    )

    def write(tmp: Path) -> None:
        (tmp / "profile.json").write_text(
            json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        (tmp / "profile.html").write_text(html, encoding="utf-8")

    return write_directory_atomically(
        out, write, output=DATA_PROFILE, force=force, protected=protected
    )
