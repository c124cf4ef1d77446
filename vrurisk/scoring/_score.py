"""Score a cohort at an as-of date: probabilities, ranks, explanations, reasons and bias audit.

:func:`score_cohort` is pure computation over a dataset and a fitted model (no files, no
MLflow); :mod:`vrurisk.scoring._bundle` writes its result and the CLI adds tracking and the
audit log. A list is never produced without its explanations and its audit: both are computed
here, together with the scores.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from vrurisk._dates import parse_date
from vrurisk._errors import ConfigError, ModelError
from vrurisk._serialise import json_safe
from vrurisk.evaluation import (
    Explanations,
    audited_top_k,
    check_sensitive_columns,
    explain,
    family_contributions,
    family_reasons_by_person,
    plain_language_reasons,
    resolve_k,
)
from vrurisk.models import out_of_training_range
from vrurisk.scoring._config import DEFAULT_EXPLAIN_TOP
from vrurisk.scoring._early import early_identification

if TYPE_CHECKING:
    from vrurisk.config import ExperimentConfig

AFTER_EXTRACTION = (
    "as_of {as_of} is after the data's extraction date {extraction}; "
    "score on or before the extraction date"
)
EMPTY_COHORT = "nobody is in the cohort at {as_of}: check the cohort config and the as-of date"
BEFORE_DATA = "no cohort at {as_of}: it is before the data's first event ({first})"
NEW_EVENT_TYPES = (
    "{where}: event type(s) {types} ({n} row(s): {examples}) did not occur in the data the "
    "model was trained on; map them onto known types in the config's vocabulary.event_types, "
    "or retrain"
)
NOT_A_RISK_MODEL = "the model at {uri} is not a vrurisk RiskModel (it has no {missing})"
NO_HELD_OUT = (
    "no model held out from the outcomes of the closed list at {date}: {models} trained on "
    "as-of dates whose outcome windows reach it, and auditing it with a model that saw those "
    "outcomes would flatter every error rate{earliest}"
)

#: Default number of people explained (at least the panel's list; everyone if fewer).
EXPLAIN_TOP = DEFAULT_EXPLAIN_TOP
#: Size of the cohort sample behind global importance.
IMPORTANCE_SAMPLE = 1000
N_REASONS = 3
#: Feature-level reasons kept per explained person (the panel pack's detail under each family).
N_DETAIL_REASONS = 40
#: Feature-level reasons per explained person in the bundle's ``reasons.csv``.
N_CSV_REASONS = 10
#: Records kept per listed person (newest first) for the reasons in the panel pack.
RECORDS_PER_PERSON = 60


@dataclass
class ScoredCohort:
    """A scored cohort with everything that must ship with it.

    Attributes
    ----------
    as_of : pandas.Timestamp
        The date the list is for (features use records strictly before it).
    scores : pandas.DataFrame
        One row per person, best rank first: ``key`` (pseudonym), ``probability``
        (calibrated), ``rank`` (1 is highest risk), ``percentile`` (share of the cohort scored
        lower, 0-100), ``reason_1`` .. ``reason_3`` (empty beyond the explained people),
        ``open_to_statutory_service``, ``statutory_services`` and ``turns_18_soon`` (see
        :mod:`vrurisk.scoring._early`), and ``person_id`` only when raw identifiers were asked
        for.
    explanations : Explanations
        Contributions for the top ``n_explained`` people, indexed by key, and global importance.
    reasons : pandas.DataFrame
        Long table of reasons (``row`` holds keys), from ``plain_language_reasons``.
    audit : BiasAudit or None
        The bias audit (selection rates on this list, error rates on ``outcome_as_of``).
        ``None`` (with the reason in ``audit_note``) when no model held out from the outcomes
        at ``outcome_as_of`` exists: a list is then not written.
    outcome_as_of : pandas.Timestamp or None
        The most recent as-of date whose outcome window has closed (scored for the audit).
    k : int
        The panel's list size (the audit's operating point).
    audit_model : dict
        The model whose scores of the closed list gave the audit's error rates, precision and
        calibration: ``name``, ``role`` (``"held-out"`` or ``"champion"``), ``trained_on``
        (as-of dates), ``test_date`` (of a held-out cross-validation model) and ``description``.
    manifest : list of FeatureSpec
    model_info, data_info : dict
        What scored and on what data (for the manifest, model card and tracking).
    timings : dict
        Seconds per stage.
    audit_table : pandas.DataFrame or None
        The audited closed list, one row per person (``score``, ``outcome`` and the sensitive
        attributes, no key): what ``vrurisk audit`` reads to re-audit it at other settings.
    groups : pandas.DataFrame or None
        Groups at risk (:func:`~vrurisk.scoring._groups.group_table`); None without a network.
    networks : list of dict or None
        For each listed person, best first: ``key``, ``rank`` and ``network`` (their 1-2 hop
        network from :func:`~vrurisk.scoring._ego.ego_networks`: bands and flags, no ids).
    reason_scale : float
        What contributions were multiplied by before their strength was judged (the
        calibrator's slope in log-odds; 1 otherwise).
    warnings : list of str
        What the panel should know about the scores (e.g. features outside the training range).
    out_of_range : dict
        Key -> features whose value lies outside the range the model was trained on.
    feature_shares : dict or None
        For ``vrurisk monitor``: ``training`` (the model's training distribution per feature,
        :func:`~vrurisk.features.feature_reference`), ``list`` (this cohort's shares in the
        same bins, :func:`~vrurisk.features.feature_shares`) and ``families`` (feature ->
        family). None for a model saved before training distributions were kept.
    records : dict
        Key of each listed person -> their own records before the as-of date within the longest
        feature window, newest first (at most :data:`RECORDS_PER_PERSON`): ``date``,
        ``source``, ``event_type``, ``role`` and ``family`` (the feature family the event type
        feeds), for the records behind each reason in the panel pack.
    """

    as_of: pd.Timestamp
    scores: pd.DataFrame
    explanations: Explanations
    reasons: pd.DataFrame
    audit: object
    outcome_as_of: pd.Timestamp | None
    k: int
    manifest: list
    model_info: dict
    data_info: dict
    audit_note: str = ""
    audit_model: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    audit_table: pd.DataFrame | None = None
    groups: pd.DataFrame | None = None
    networks: list | None = None
    reason_scale: float = 1.0
    warnings: list = field(default_factory=list)
    out_of_range: dict = field(default_factory=dict)
    feature_shares: dict | None = None
    #: What the statutory-services marks rest on (:func:`~vrurisk.scoring.early_identification`).
    early: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)

    @property
    def n_explained(self) -> int:
        return len(self.explanations.contributions)

    @property
    def reasons_detail(self) -> pd.DataFrame:
        """The feature-level reasons behind the family reasons of ``scores``: one row per
        explained person and feature (``key``, ``rank``, ``family``, ``feature``, ``reason``,
        ``direction``, ``strength``, ``order``: 1 is the feature that moved the estimate most),
        the first :data:`N_CSV_REASONS` per person. Written to the bundle as ``reasons.csv``;
        every contribution is in ``explanations.parquet``."""
        from vrurisk.features import FAMILIES, family_map

        families = family_map(self.manifest)
        rank_of = dict(zip(self.scores["key"], self.scores["rank"].astype(int), strict=True))
        r = self.reasons
        detail = pd.DataFrame(
            {
                "key": r["row"].astype(str).to_numpy(),
                "rank": r["row"].map(rank_of).astype("Int64").to_numpy(),
                "family": [FAMILIES.get(families.get(f, "other_records"), f) for f in r["feature"]],
                "feature": r["feature"].to_numpy(),
                "reason": r["reason"].to_numpy(),
                "direction": r["direction"].to_numpy(),
                "strength": r["strength"].to_numpy(),
                "order": r["rank"].to_numpy(),
            }
        )
        detail = detail[detail["order"] <= N_CSV_REASONS]
        return detail.sort_values(["rank", "order"], kind="stable").reset_index(drop=True)


def default_as_of(dataset) -> pd.Timestamp:
    """The latest as-of date the data allows: its extraction date."""
    return pd.Timestamp(dataset.extraction_date).normalize()


def parse_as_of(value, dataset) -> pd.Timestamp:
    """Validate an as-of date against the data (one-line :class:`ConfigError` otherwise)."""
    if value is None:
        return default_as_of(dataset)
    stamp = parse_date(value, "as_of")  # YYYY-MM-DD only: 01/06/2025 is refused, not guessed
    extraction = default_as_of(dataset)
    if stamp > extraction:
        raise ConfigError(AFTER_EXTRACTION.format(as_of=stamp.date(), extraction=extraction.date()))
    return stamp


def check_risk_model(model, uri: str = "the given model") -> None:
    """Refuse anything that is not a fitted :class:`~vrurisk.models.RiskModel`."""
    for attribute in ("predict_proba", "estimator_", "kind", "feature_names_", "manifest"):
        if not hasattr(model, attribute):
            raise ModelError(NOT_A_RISK_MODEL.format(uri=uri, missing=attribute))


def score_cohort(
    dataset,
    model,
    config: ExperimentConfig,
    *,
    as_of=None,
    keys=None,
    explain_top: int | None = None,
    panel_k=None,
    reveal_ids: bool = False,
    audit: bool = True,
    model_info: dict | None = None,
    build=None,
) -> ScoredCohort:
    """Score the cohort at ``as_of`` and compute its explanations, reasons and bias audit.

    Parameters
    ----------
    dataset : Dataset
    model : RiskModel
        Its features must be exactly those the config builds (else :class:`ModelError`).
    config : ExperimentConfig
        Cohort, outcome, features, scoring, evaluation and fairness sections are used.
    as_of : date-like, optional
        Defaults to the data's extraction date.
    keys : callable, optional
        Maps an array of person ids to pseudonymised keys. Defaults to the ids themselves
        (only for in-memory work; the CLI always pseudonymises).
    explain_top : int, optional
        People explained, best-ranked first (at least the panel's list; everyone if fewer).
        Default: ``config.scoring.explain_top`` (500 unless configured).
    panel_k : int or str, optional
        The panel's list size (default: ``config.panel_size``, i.e. ``scoring.panel_size``,
        else the first of ``config.evaluation.k``).
    reveal_ids : bool
        Keep a ``person_id`` column beside the key.
    audit : bool
        Run the bias audit (on by default; the CLI never turns it off).
    model_info : dict, optional
        ``uri``, ``version`` etc. to carry into reports.
    build : callable, optional
        The feature-matrix builder (default: this process's
        :func:`~vrurisk.features.build_feature_matrix`; :func:`run_scoring` passes the one of
        ``config.execution``, see :func:`vrurisk.engine._switch.feature_engine`).

    Returns
    -------
    ScoredCohort
    """
    from vrurisk.features import family_map, feature_shares, features_for, scale_free_shares

    timings: dict[str, float] = {}
    started = time.perf_counter()
    check_risk_model(model, (model_info or {}).get("uri", "the given model"))
    check_sensitive_columns(config.fairness.sensitive_attributes, dataset.people.columns)
    as_of = parse_as_of(as_of, dataset)
    outcome_as_of = _outcome_date(as_of, dataset, config)
    dates = [as_of] if outcome_as_of is None or not audit else sorted({outcome_as_of, as_of})
    fm = features_for(config, dataset, dates, build=build)
    timings["features"] = time.perf_counter() - started
    current = np.asarray(fm.rows["as_of"] == as_of)
    if not current.any():  # before comparing features: an empty cohort has none to compare
        first = dataset.events["event_date"].min()
        if not pd.isna(first) and as_of <= first:
            raise ConfigError(BEFORE_DATA.format(as_of=as_of.date(), first=first.date()))
        raise ConfigError(EMPTY_COHORT.format(as_of=as_of.date()))
    check_event_types(dataset, model, list(fm.X.columns))
    model.check_features(list(fm.X.columns))
    X = fm.X[current].reset_index(drop=True)
    rows = fm.rows[current].reset_index(drop=True)
    t = time.perf_counter()
    outside_rows, warnings = out_of_training_range(model, X)
    reference = getattr(model, "feature_reference_", None)
    shares = None
    if reference:
        shares = {
            "training": reference,
            "list": feature_shares(reference, X),
            "families": family_map(model.manifest),
        }
        by_date = getattr(model, "feature_reference_by_date_", None)
        if by_date:  # models trained before these views were kept have neither
            shares["training_by_date"] = by_date
        scale_free = getattr(model, "scale_free_reference_", None)
        if scale_free:
            shares["scale_free"] = {
                "training": scale_free,
                "list": scale_free_shares(X[[c for c in scale_free if c in X.columns]]),
            }
        marked = pd.Series([n for names in outside_rows.values() for n in names]).value_counts()
        for name, entry in shares["list"].items():  # marked as the panel marks (a tolerance)
            entry["n_marked"] = int(marked.get(name, 0))
    person_ids = rows["person_id"].astype(str).to_numpy()
    key_of = keys if keys is not None else (lambda ids: np.asarray(ids, dtype=object))
    key = np.asarray(key_of(person_ids), dtype=object)
    probability = model.predict_proba(X)
    order = model.rank_order(X, tiebreak=key)  # equal scores: by pseudonymised key
    timings["predict"] = time.perf_counter() - t
    scores = _score_table(key, probability, order, person_ids if reveal_ids else None)
    k = resolve_k(panel_k if panel_k is not None else config.panel_size, len(X))
    if explain_top is None:
        explain_top = config.scoring.explain_top

    t = time.perf_counter()
    n_explain = min(len(X), max(explain_top, k))
    top_rows = order[:n_explain]
    ex = explain(model, X, rows=top_rows, sample_size=IMPORTANCE_SAMPLE, seed=config.seed)
    ex = _keyed(ex, key)
    X_keyed = X.set_axis(pd.Index(key, name="key"))
    scale = model.reason_scale if ex.units == "log-odds" else 1.0
    reasons = plain_language_reasons(ex, X_keyed, model.manifest, n=N_DETAIL_REASONS, scale=scale)
    families = family_contributions(ex.contributions, model.manifest)
    wide = family_reasons_by_person(families, n=N_REASONS, scale=scale, units=ex.units)
    scores = scores.join(wide, on="key")
    for column in wide.columns:
        scores[column] = scores[column].fillna("")
    marks, early = early_identification(
        dataset, rows["person_idx"].to_numpy(), as_of, config.scoring.statutory_services
    )
    scores = scores.join(marks.set_axis(pd.Index(key, name="key")), on="key")
    warnings = [*warnings, *(w for w in (early["warning"], early["partial"]) if w)]
    timings["explain"] = time.perf_counter() - t

    t = time.perf_counter()
    groups = _groups(dataset, config, as_of, rows, key, probability, order[:k])
    networks = _networks(dataset, config, as_of, rows, key, order, k)
    timings["groups"] = time.perf_counter() - t
    records = _records(dataset, config, as_of, rows, key, order[:k])

    t = time.perf_counter()
    bias_audit, note, audit_model, audit_table = (None, "bias audit turned off", {}, None)
    if audit:
        bias_audit, note, audit_model, audit_table = _audit(
            dataset, model, config, fm, as_of, outcome_as_of, probability, rows, k
        )
    timings["audit"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - started

    return ScoredCohort(
        as_of=as_of,
        scores=scores,
        explanations=ex,
        reasons=reasons,
        audit=bias_audit,
        outcome_as_of=outcome_as_of if bias_audit is not None else None,
        k=k,
        manifest=list(model.manifest),
        model_info=_model_info(model, model_info),
        data_info=_data_info(dataset, len(X)),
        audit_note=note,
        audit_model=audit_model,
        timings=timings,
        audit_table=audit_table,
        groups=groups,
        networks=networks,
        reason_scale=float(scale),
        warnings=warnings,
        out_of_range={str(key[row]): names for row, names in outside_rows.items()},
        feature_shares=shares,
        early=early,
        records=records,
    )


def _records(dataset, config, as_of, rows, key, listed) -> dict:
    """Each listed person's own records before ``as_of`` within the longest feature window."""
    from vrurisk.features import EVENT_TYPE_FAMILIES

    window = pd.Timedelta(days=max(config.features.windows_days))
    ids = rows["person_id"].astype(str).to_numpy()[listed]
    key_of = dict(zip(ids, (str(key[r]) for r in listed), strict=True))
    events = dataset.events
    chosen = events[
        events["person_id"].astype(str).isin(key_of)
        & (events["event_date"] < as_of)
        & (events["event_date"] >= as_of - window)
    ]
    chosen = chosen.sort_values(["event_date"], ascending=False, kind="stable")
    out: dict[str, list] = {}
    frame = chosen.reindex(columns=["person_id", "event_date", "event_type", "role", "source"])
    for row in frame.itertuples(index=False):
        person = out.setdefault(key_of[str(row.person_id)], [])
        if len(person) < RECORDS_PER_PERSON:
            person.append(
                {
                    "date": str(row.event_date.date()),
                    "source": _words(row.source),
                    "event_type": _words(row.event_type),
                    "role": _words(row.role),
                    "family": EVENT_TYPE_FAMILIES.get(str(row.event_type), "other_records"),
                }
            )
    return out


def _words(value) -> str:
    """A recorded code as words (``knife_possession`` -> ``knife possession``); "" if missing."""
    return "" if pd.isna(value) else str(value).replace("_", " ")


def _networks(dataset, config, as_of, rows, key, order, k) -> list | None:
    """The 1-2 hop network of each listed person (None when network features are off)."""
    from vrurisk.features.blocks import person_priority, to_day, violence_flags
    from vrurisk.scoring._ego import ego_networks

    network = config.features.network
    if not network.enabled:
        return None
    person = rows["person_idx"].to_numpy()
    band = np.full(dataset.n_people, "not scored", dtype=object)
    band[person] = "lower"
    band[person[order[: max(k, int(0.1 * len(order)))]]] = "higher"
    band[person[order[:k]]] = "on the list"
    listed = order[:k]
    egos = ego_networks(
        dataset,
        as_of,
        network,
        person[listed],
        band,
        violence_flags(dataset, network, to_day(as_of)),
        priority=person_priority(dataset),
    )
    return [
        {"key": str(key[r]), "rank": i + 1, "network": ego}
        for i, (r, ego) in enumerate(zip(listed, egos, strict=True))
    ]


def _groups(dataset, config, as_of, rows, key, probability, listed) -> pd.DataFrame | None:
    """Groups at risk at ``as_of`` (None when network features are off)."""
    from vrurisk.features.blocks import to_day, violence_flags, window_words
    from vrurisk.scoring._groups import group_labels, group_table

    network = config.features.network
    if not network.enabled:
        return None
    on_list = np.zeros(len(key), dtype=bool)
    on_list[listed] = True
    return group_table(
        group_labels(dataset, as_of, network),
        violence_flags(dataset, network, to_day(as_of)),
        rows["person_idx"].to_numpy(),
        key,
        probability,
        on_list,
        min_size=config.scoring.group_min_size,
        horizon_words=f"the next {window_words(config.outcome.horizon_days)}",
        window_words=f"in the last {window_words(network.violence_window_days)}",
    )


def _type_stem(text) -> str:
    """The column stem of an event type, as the individual features name it."""
    return re.sub(r"[^0-9a-z]+", "_", str(text).strip().lower()).strip("_") or "blank"


def _unseen(types, feature_names) -> list[str]:
    """The event types among ``types`` that have no count column among ``feature_names``."""
    return sorted(
        t for t in types if not any(c.startswith(f"count_{_type_stem(t)}_") for c in feature_names)
    )


def check_event_types(dataset, model, columns: list[str]) -> None:
    """Refuse event types the model never saw, naming them and their rows (not a feature)."""
    from vrurisk.data import format_examples

    known = set(model.feature_names_)
    extra = [c for c in columns if c not in known]
    if not extra:
        return
    types = [str(t) for t in dataset.events["event_type"].dropna().unique()]
    new = _unseen([t for t in types if not _unseen([t], extra)], known)
    if new:
        values = dataset.events["event_type"].astype(str)
        mask = values.isin(new).to_numpy()
        raise ModelError(
            NEW_EVENT_TYPES.format(
                where="events",
                types=", ".join(repr(t) for t in new),
                n=int(mask.sum()),
                examples=format_examples(values, mask),
            )
        )


def refuse_unseen_event_types(dataset, model, *, event_types=None, where: str = "events") -> None:
    """Refuse, before scoring, the event types :func:`score_cohort` would refuse.

    Scoring builds a count column for every event type in the data (or in ``event_types``,
    the config's ``features.event_types``, when set) and refuses a type whose columns the
    model was not trained with. This checks the same without building features, so that
    ``vrurisk validate --model`` and ``vrurisk score`` agree.

    Parameters
    ----------
    dataset : Dataset
    model : RiskModel
        A fitted model (its ``feature_names_``).
    event_types : sequence of str, optional
        The configured event types (``None``: every type in the data).
    where : str
        The file (and column) named in the error.

    Raises
    ------
    ModelError
        One line naming ``where``, the types, their number of rows and the first rows (person
        and date, which find them in any copy of the file).
    """
    values = dataset.events["event_type"].astype(str)
    types = values.unique()
    if event_types is not None:
        types = [t for t in types if t in set(event_types)]
    new = _unseen(types, model.feature_names_)
    if not new:
        return
    mask = values.isin(new).to_numpy()
    rows = dataset.events[mask].head(3)
    people = dataset.people["person_id"].to_numpy()[rows["person_idx"].to_numpy()]
    shown = [f"person {p} on {d.date()}" for p, d in zip(people, rows["event_date"], strict=True)]
    more = int(mask.sum()) - len(shown)
    raise ModelError(
        NEW_EVENT_TYPES.format(
            where=where,
            types=", ".join(repr(t) for t in new),
            n=int(mask.sum()),
            examples=", ".join(shown) + (f" and {more} more" if more > 0 else ""),
        )
    )


def _outcome_date(as_of: pd.Timestamp, dataset, config: ExperimentConfig) -> pd.Timestamp | None:
    """The most recent as-of date whose outcome window (T, T + horizon] has closed and been
    recorded (``temporal.recording_lag_days`` later)."""
    wait = config.outcome.horizon_days + config.temporal.recording_lag_days
    closed = default_as_of(dataset) - pd.Timedelta(days=wait)
    latest = min(as_of, closed)
    earliest = pd.Timestamp(dataset.events["event_date"].min())
    return latest if latest > earliest else None


def _score_table(key, probability, order, person_ids) -> pd.DataFrame:
    n = len(key)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(1, n + 1)
    percentile = 100.0 * (n - rank) / max(n - 1, 1) if n > 1 else np.full(n, 100.0)
    table = pd.DataFrame(
        {
            "key": key,
            "probability": np.asarray(probability, dtype=float),
            "rank": rank,
            "percentile": np.round(percentile, 2),
        }
    )
    if person_ids is not None:
        table.insert(1, "person_id", person_ids)
    return table.sort_values("rank", kind="stable").reset_index(drop=True)


def _keyed(ex: Explanations, key: np.ndarray) -> Explanations:
    contributions = ex.contributions.set_axis(pd.Index(key[ex.contributions.index], name="key"))
    return replace(ex, contributions=contributions)


def _sensitive_frame(dataset, person_idx: np.ndarray, attributes) -> pd.DataFrame:
    people = dataset.people
    frame = pd.DataFrame(index=range(len(person_idx)))
    for attribute in attributes:
        if attribute in people.columns:
            frame[attribute] = people[attribute].astype("string").to_numpy()[person_idx]
    return frame


def _audit(
    dataset, model, config: ExperimentConfig, fm, as_of, outcome_as_of, probability, rows, k
):
    """(audit, note, audited model, audit table) of the list at ``as_of``.

    (None, reason, {}, None) if it cannot be audited. The audit table is the closed list as
    audited: score, outcome and the sensitive attributes per person, no key.

    Selection rates come from the champion's list at ``as_of``. Error rates, precision and
    calibration come from the closed list at ``outcome_as_of``, scored by a model that never saw
    its outcomes (:func:`~vrurisk.models.held_out_model`), never by the champion if it did.
    """
    from vrurisk.evaluation import audit_scores
    from vrurisk.models import held_out_model

    fairness = config.fairness
    attributes = [a for a in fairness.sensitive_attributes if a in dataset.people.columns]
    if not attributes:
        return (
            None,
            (
                "no sensitive attribute of the fairness config is in the people table; add "
                "sensitive attributes to the people table"
            ),
            {},
            None,
        )
    current = _sensitive_frame(dataset, rows["person_idx"].to_numpy(), attributes)
    current["score"] = probability
    if outcome_as_of is None:
        return (
            None,
            "no as-of date with a closed outcome window in the data; fix the dates",
            {},
            None,
        )
    past = np.asarray(fm.rows["as_of"] == outcome_as_of)
    labels = fm.y[past]
    if not past.any() or labels.isna().any():
        return None, f"no closed outcome window at {outcome_as_of.date()}; fix the dates", {}, None
    rule = dict(
        horizon_days=config.outcome.horizon_days,
        recording_lag_days=config.temporal.recording_lag_days,
    )
    scorer = held_out_model(model, outcome_as_of, **rule)
    if scorer is None:
        return None, _no_held_out(model, outcome_as_of, **rule), {}, None
    audit_model = _audit_model(scorer, model, outcome_as_of)
    X_past = fm.X[past].reset_index(drop=True)
    outcome = _sensitive_frame(dataset, fm.rows["person_idx"].to_numpy()[past], attributes)
    outcome["score"] = scorer.predict_proba(X_past)
    outcome["outcome"] = labels.to_numpy().astype(int)
    k_audit = int(min(k, len(outcome), len(current)))
    top_k, too_large = audited_top_k(k_audit, fairness.top_k, min(len(outcome), len(current)))
    audit_config = fairness.model_copy(update={"top_k": top_k})
    result = audit_scores(
        outcome,
        score_col="score",
        label_col="outcome",
        sensitive=attributes,
        config=audit_config,
        current=current,
        as_of=str(as_of.date()),
        outcome_as_of=str(outcome_as_of.date()),
        name=f"scores at {outcome_as_of.date()}",
    )
    result = replace(result, windows={**result.windows, "scored_by": audit_model["description"]})
    result.warnings.extend(too_large)
    note = (
        f"selection rates from the list at {as_of.date()}; error rates, precision and "
        f"calibration from the list at {outcome_as_of.date()}, whose outcome window has closed, "
        f"scored by {audit_model['description']}"
    )
    return result, note, audit_model, outcome[["score", "outcome", *attributes]]


def _audit_model(scorer, champion, list_date: pd.Timestamp) -> dict:
    """What scored the closed list, for fairness.json, the manifest and the model card."""
    from vrurisk.models import describe_dates

    dates = list(scorer.trained_on.get("as_of_dates", []))
    test_date = scorer.trained_on.get("test_date")
    if scorer is champion:
        role, what = "champion", f"the champion {scorer.name}"
    else:
        role = "held-out"
        what = f"the held-out model {scorer.name}"
        what += f" (cross-validation model of test date {test_date})" if test_date else ""
    description = (
        f"{what}, trained on as-of dates {describe_dates(dates)}, none of whose outcome windows "
        f"reaches {list_date.date()}"
    )
    return {
        "name": scorer.name,
        "role": role,
        "trained_on": dates,
        "test_date": test_date,
        "description": description,
    }


def _no_held_out(model, list_date: pd.Timestamp, *, horizon_days, recording_lag_days) -> str:
    """Why the closed list cannot be audited, and from which list date it could be."""
    candidates = [model, *getattr(model, "held_out", ())]
    names = "the champion and its cross-validation models were all"
    if len(candidates) == 1:
        names = "the champion was (it carries no held-out models: retrain it to keep them)"
    firsts = [
        max(pd.Timestamp(d) for d in m.trained_on["as_of_dates"])
        + pd.Timedelta(days=horizon_days + recording_lag_days + 1)
        for m in candidates
        if m.trained_on.get("as_of_dates")
    ]
    earliest = f"; score a list dated {min(firsts).date()} or later" if firsts else ""
    return NO_HELD_OUT.format(date=list_date.date(), models=names, earliest=earliest)


def _model_info(model, extra: dict | None) -> dict:
    from vrurisk.models import selection_note

    info = {
        "name": getattr(model, "name", type(model).__name__),
        "kind": model.kind,
        "calibration": getattr(model, "calibration", ""),
        "params": json_safe(dict(getattr(model, "params", {}))),
        "config_hash": getattr(model, "config_hash", ""),
        "trained_on": dict(getattr(model, "trained_on", {})),
        "n_features": len(model.feature_names_),
        "selection": dict(getattr(model, "selection", {})),
        "selection_note": selection_note(dict(getattr(model, "selection", {}))),
        "held_out": [dict(m.trained_on) for m in getattr(model, "held_out", ())],
    }
    info.update(extra or {})
    return info


def _data_info(dataset, cohort_size: int) -> dict:
    return {
        "source": str(dataset.source),
        "extraction_date": str(pd.Timestamp(dataset.extraction_date).date()),
        "fingerprint": dataset.fingerprint(),
        "n_people": int(dataset.n_people),
        "n_events": int(len(dataset.events)),
        "n_links": int(len(dataset.links)),
        "cohort_size": int(cohort_size),
    }
