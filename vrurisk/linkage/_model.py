"""The Splink model: comparisons, blocking, training by expectation-maximisation, prediction
and clustering, on Splink's embedded DuckDB backend (nothing to start, nothing fetched).

Only summaries leave this module: the cluster of every record, the match-weight histogram of the
compared pairs, the model's expected precision and recall at the threshold, and the borderline
pairs described by which fields agreed (never by their values).
"""

from __future__ import annotations

import logging
import math
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vrurisk._errors import VruriskError
from vrurisk.linkage._config import LinkageConfig

#: Bins of the match-weight histogram (log2 Bayes factor), clipped at the ends.
WEIGHT_BINS = np.arange(-20, 26, 1.0)
BORDERLINE_PAIRS = 10
NEEDS_SPLINK = "linking needs the splink package: pip install 'vrurisk[linkage]'"
#: Share of all pairs sampled for training below which Splink's u estimates are noisy.
_ID_LEVEL_LABEL = "Exact match on {name}"


@dataclass
class LinkageModelResult:
    """What the linkage step hands on: clusters and summaries, no identifying values.

    Attributes
    ----------
    clusters : pandas.DataFrame
        ``agency``, ``agency_id``, ``cluster``: the cluster (an internal number) of every record.
    n_pairs_compared : int
        Record pairs produced by the blocking rules.
    weight_histogram : list of dict
        ``low``, ``high``, ``pairs`` per match-weight bin over the compared pairs.
    threshold_weight : float
        The match weight equivalent to the match-probability threshold.
    expected : dict
        The model's own estimates at the threshold: ``pairs_above``, ``expected_true_pairs``,
        ``expected_precision``, ``expected_recall`` (of the matches among compared pairs).
    borderline : dict
        ``highest_non_matches`` and ``lowest_matches``: pairs described by agencies, masked ids,
        match weight and the level of agreement on each field.
    parameters : list of dict
        Per comparison level: ``comparison``, ``level``, ``m``, ``u``, ``match_weight``.
    probability_two_random_records_match : float
    messages : list of str
        Splink's warnings during the run (e.g. parameters that could not be estimated).
    """

    clusters: pd.DataFrame
    n_pairs_compared: int
    weight_histogram: list[dict]
    threshold_weight: float
    expected: dict
    borderline: dict
    parameters: list[dict]
    probability_two_random_records_match: float
    messages: list[str] = field(default_factory=list)


def _comparisons(other_ids: list[str]):
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    names = cl.CustomComparison(
        output_column_name="name",
        comparison_description="Given and family name",
        comparison_levels=[
            cll.Or(cll.NullLevel("first_name"), cll.NullLevel("last_name")),
            cll.And(cll.ExactMatchLevel("first_name"), cll.ExactMatchLevel("last_name")).configure(
                label_for_charts="Both names agree"
            ),
            cll.ColumnsReversedLevel("first_name", "last_name").configure(
                label_for_charts="Given and family names swapped"
            ),
            cll.And(
                cll.JaroWinklerLevel("first_name", 0.88), cll.JaroWinklerLevel("last_name", 0.88)
            ).configure(label_for_charts="Both names similar"),
            cll.And(
                cll.ExactMatchLevel("last_name"), cll.JaroWinklerLevel("first_name", 0.7)
            ).configure(label_for_charts="Family name agrees, given name roughly"),
            cll.ExactMatchLevel("last_name").configure(label_for_charts="Family name agrees"),
            cll.And(
                cll.ExactMatchLevel("first_name"), cll.JaroWinklerLevel("last_name", 0.7)
            ).configure(label_for_charts="Given name agrees, family name roughly"),
            cll.ExactMatchLevel("first_name").configure(label_for_charts="Given name agrees"),
            cll.ElseLevel(),
        ],
    )
    transposed = (
        "substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4) AND "
        "substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2) AND "
        "substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2)"
    )
    dob = cl.CustomComparison(
        output_column_name="birth_date",
        comparison_description="Date of birth",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date").configure(label_for_charts="Same date"),
            cll.CustomLevel(transposed, label_for_charts="Day and month transposed"),
            cll.LevenshteinLevel("birth_date", 1).configure(label_for_charts="One digit differs"),
            cll.AbsoluteDateDifferenceLevel(
                "birth_date", input_is_string=True, threshold=1, metric="year"
            ).configure(label_for_charts="Within a year"),
            cll.ElseLevel(),
        ],
    )
    comparisons = [
        names,
        dob,
        cl.ExactMatch("sex"),
        cl.PostcodeComparison("postcode"),
    ]
    comparisons += [cl.ExactMatch(name) for name in other_ids]
    return comparisons


def _blocking_rule(fields: list[str]):
    from splink import block_on

    return block_on(*fields)


@contextmanager
def _captured_splink_messages(messages: list[str]):
    """Splink's warnings go to ``messages`` instead of the console; its info is silenced."""
    logger = logging.getLogger("splink")
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: messages.append(_plain(record.getMessage()))  # type: ignore[method-assign]
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def _plain(message: str) -> str:
    """One line, without Splink's own 'WARNING' decorations."""
    text = " ".join(message.split())
    for prefix in ("-- WARNING --", "WARNING:"):
        text = text.removeprefix(prefix).strip()
    return text


def fit_and_link(records: dict[str, pd.DataFrame], config: LinkageConfig) -> LinkageModelResult:
    """Train the Splink model on the agencies' standardised records and cluster them.

    Parameters
    ----------
    records : dict of str to pandas.DataFrame
        Agency -> standardised records (:func:`vrurisk.linkage._prepare.standardise`).
    config : LinkageConfig

    Returns
    -------
    LinkageModelResult
    """
    messages: list[str] = []
    with _captured_splink_messages(messages):
        return _fit_and_link(records, config, messages)


def _fit_and_link(records, config: LinkageConfig, messages: list[str]) -> LinkageModelResult:
    try:
        from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    except ImportError as exc:
        raise VruriskError(NEEDS_SPLINK) from exc

    db = DuckDBAPI(connection=_offline_connection())
    tables = [db.register(frame, dataset_display_name=agency) for agency, frame in records.items()]
    other_ids = config.other_ids
    settings = SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(other_ids),
        blocking_rules_to_generate_predictions=[
            _blocking_rule(rule) for rule in config.blocking.rules
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=[],
    )
    linker = Linker(tables, settings, log_level=None)
    train = linker.training
    deterministic = [block_on("first_name", "last_name", "birth_date")]
    deterministic += [block_on(name) for name in other_ids]
    train.estimate_probability_two_random_records_match(
        deterministic, recall=config.model.deterministic_recall
    )
    train.estimate_u_using_random_sampling(
        max_pairs=config.model.u_sample_pairs, seed=config.model.seed
    )
    train.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    train.estimate_parameters_using_expectation_maximisation(block_on("first_name", "last_name"))

    threshold = config.model.match_threshold
    predictions = linker.inference.predict()
    table = predictions.physical_name
    sql = linker.misc.query_sql
    n_pairs = int(sql(f"select count(*) as n from {table}", output_type="pandas")["n"].iloc[0])
    histogram = _histogram(sql, table)
    expected = _expected_quality(sql, table, threshold)
    parameters = _parameters(linker)
    borderline = _borderline(sql, table, threshold, parameters)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    clusters = clustered.as_pandas_dataframe()[["source_dataset", "unique_id", "cluster_id"]]
    clusters = clusters.rename(columns={"source_dataset": "agency", "unique_id": "agency_id"})
    clusters["cluster"] = pd.factorize(clusters["cluster_id"])[0]
    return LinkageModelResult(
        clusters=clusters[["agency", "agency_id", "cluster"]],
        n_pairs_compared=n_pairs,
        weight_histogram=histogram,
        threshold_weight=_weight(threshold),
        expected=expected,
        borderline=borderline,
        parameters=parameters,
        probability_two_random_records_match=float(
            linker._settings_obj._probability_two_random_records_match
        ),
        messages=list(dict.fromkeys(messages)),
    )


def _offline_connection():
    """An in-memory DuckDB that never downloads or loads an extension on its own."""
    import duckdb

    connection = duckdb.connect(":memory:")
    connection.execute("SET autoinstall_known_extensions = false")
    connection.execute("SET autoload_known_extensions = false")
    return connection


def _weight(probability: float) -> float:
    return math.log2(probability / (1 - probability))


def _histogram(sql, table: str) -> list[dict]:
    low, high = WEIGHT_BINS[0], WEIGHT_BINS[-1]
    counts = sql(
        f"select floor(greatest(least(match_weight, {high - 0.5}), {low})) as bin, "
        f"count(*) as pairs from {table} group by 1 order by 1",
        output_type="pandas",
    )
    by_bin = dict(zip(counts["bin"].astype(float), counts["pairs"].astype(int), strict=True))
    return [
        {"low": float(b), "high": float(b + 1), "pairs": by_bin.get(float(b), 0)}
        for b in WEIGHT_BINS[:-1]
    ]


def _expected_quality(sql, table: str, threshold: float) -> dict:
    row = sql(
        f"select count(*) filter (where match_probability >= {threshold}) as above, "
        f"coalesce(sum(match_probability) filter (where match_probability >= {threshold}), 0) "
        f"as true_above, coalesce(sum(match_probability), 0) as true_all from {table}",
        output_type="pandas",
    ).iloc[0]
    above, true_above, true_all = (
        int(row["above"]),
        float(row["true_above"]),
        float(row["true_all"]),
    )
    return {
        "pairs_above": above,
        "expected_true_pairs": true_above,
        "expected_matches_compared": true_all,
        "expected_precision": true_above / above if above else None,
        "expected_recall": true_above / true_all if true_all else None,
    }


def _borderline(sql, table: str, threshold: float, parameters: list[dict]) -> dict:
    comparisons = list(dict.fromkeys(p["comparison"] for p in parameters))
    weights = ", ".join(f"mw_{name}" for name in comparisons)
    columns = (
        f"source_dataset_l, unique_id_l, source_dataset_r, unique_id_r, match_weight, {weights}"
    )
    out = {}
    for key, where, order in (
        ("highest_non_matches", f"match_probability < {threshold}", "desc"),
        ("lowest_matches", f"match_probability >= {threshold}", "asc"),
    ):
        rows = sql(
            f"select {columns} from {table} where {where} "
            f"order by match_weight {order}, unique_id_l, unique_id_r limit {BORDERLINE_PAIRS}",
            output_type="pandas",
        )
        out[key] = [
            {
                "left": f"{r['source_dataset_l']} {mask_id(r['unique_id_l'])}",
                "right": f"{r['source_dataset_r']} {mask_id(r['unique_id_r'])}",
                "match_weight": round(float(r["match_weight"]), 2),
                "fields": {
                    name: _level_of(parameters, name, float(r[f"mw_{name}"]))
                    for name in comparisons
                },
            }
            for r in rows.to_dict(orient="records")
        ]
    return out


def _level_of(parameters: list[dict], comparison: str, weight: float) -> str:
    """The comparison level whose match weight is ``weight`` (0 is a missing value)."""
    if weight == 0 or math.isnan(weight):
        return "missing"
    levels = [
        p for p in parameters if p["comparison"] == comparison and p["match_weight"] is not None
    ]
    if not levels:
        return "?"
    best = min(levels, key=lambda p: abs(p["match_weight"] - weight))
    return best["level"]


def mask_id(value: str) -> str:
    """An agency id with all but its last two characters hidden: ``PN1234567 -> •••••••67``.

    Examples
    --------
    >>> mask_id("PN1234567")
    '•••••••67'
    """
    text = str(value)
    return "•" * max(0, len(text) - 2) + text[-2:]


def _parameters(linker) -> list[dict]:
    rows = []
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            m, u = level.m_probability, level.u_probability
            weight = math.log2(m / u) if m and u else None
            rows.append(
                {
                    "comparison": comparison.output_column_name,
                    "level": level.label_for_charts,
                    "m": m,
                    "u": u,
                    "match_weight": weight,
                }
            )
    return rows
