"""Calibrated risk models: a fitted estimator, its calibrator and what it was trained on.

Calibration never sees test data. It is fitted on out-of-fold scores of the training rows:
3-fold cross-fitting grouped by person (each person's rows at every as-of date fall in one
fold), so nobody is scored by an estimator that saw their label. The final estimator is then
fitted on all training rows and its raw score passed through the calibrator (like
scikit-learn's ``CalibratedClassifierCV(ensemble=False)``, but with person-grouped folds).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from vrurisk._errors import ModelError
from vrurisk.features import feature_reference, feature_shares, scale_free_shares
from vrurisk.models._specs import ModelSpec
from vrurisk.models._splits import labels_known

CALIBRATION_METHODS = ("isotonic", "sigmoid", "none")
MISSING_FEATURES = (
    "the model expects {n} feature(s) the data does not have: {missing} "
    "(the model was trained with a different feature config)"
)
FEATURE_MISMATCH = (
    "the features built from this config do not match the model's manifest: "
    "missing {missing}; unexpected {extra}"
)
_EPS = 1e-6

#: Fewest training rows of each outcome class a model is fitted on. Calibration fits on three
#: person-grouped folds; below this a fold can hold no one with the outcome, and the model's
#: probabilities would rest on a handful of people anyway.
MIN_CLASS_ROWS = 10
TOO_FEW_OUTCOMES = (
    "training on as-of dates {dates} needs at least {minimum} rows with the outcome and "
    "{minimum} without, got {positive} with and {negative} without ({n} rows); use more "
    "people, more or earlier as-of dates, or a broader outcome"
)
CALIBRATION_ONE_CLASS = (
    "calibrating {name}: calibration fold {fold} of {n_folds} leaves training people with only "
    "one outcome class ({positive} rows with the outcome of {n}); use more people or calibration "
    "'none'"
)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


class SigmoidCalibrator:
    """Platt scaling on the logit of the raw probability."""

    def fit(self, raw: np.ndarray, y: np.ndarray) -> SigmoidCalibrator:
        self.model_ = LogisticRegression(C=1e4).fit(_logit(raw)[:, None], y)
        return self

    def transform(self, raw: np.ndarray) -> np.ndarray:
        return self.model_.predict_proba(_logit(raw)[:, None])[:, 1]

    def log_odds_slope(self) -> float:
        """Calibrated log-odds per unit of raw log-odds (exact: Platt scaling is linear)."""
        return float(self.model_.coef_[0, 0])


class IsotonicCalibrator:
    """A non-decreasing step function of the raw probability."""

    def fit(self, raw: np.ndarray, y: np.ndarray) -> IsotonicCalibrator:
        self.model_ = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        self.model_.fit(raw, y)
        return self

    def transform(self, raw: np.ndarray) -> np.ndarray:
        return self.model_.predict(raw)

    def log_odds_slope(self) -> float:
        """Calibrated log-odds per unit of raw log-odds, on average: the least-squares slope of
        the step function's logit against the raw logit over its steps strictly inside (0, 1)
        (1.0 when fewer than two such steps)."""
        x, y = self.model_.X_thresholds_, self.model_.y_thresholds_
        inside = (x > 0) & (x < 1) & (y > 0) & (y < 1)
        if len(np.unique(x[inside])) < 2:
            return 1.0
        return float(np.polyfit(_logit(x[inside]), _logit(y[inside]), 1)[0])


class IdentityCalibrator:
    """No calibration: the estimator's own probability."""

    def fit(self, raw: np.ndarray, y: np.ndarray) -> IdentityCalibrator:
        return self

    def transform(self, raw: np.ndarray) -> np.ndarray:
        return np.asarray(raw, dtype=float)

    def log_odds_slope(self) -> float:
        return 1.0


CALIBRATORS = {
    "isotonic": IsotonicCalibrator,
    "sigmoid": SigmoidCalibrator,
    "none": IdentityCalibrator,
}


class RiskModel:
    """A fitted, calibrated risk model, ready to score a feature matrix.

    Picklable. Stored in MLflow as the artefact of an ``mlflow.pyfunc`` model
    (see :func:`vrurisk.tracking.load_risk_model`).

    Attributes
    ----------
    estimator_ : estimator
        The fitted, uncalibrated base estimator (LightGBM, a scaler + logistic regression
        pipeline, a random forest, or the risk-factor-count baseline), e.g. for SHAP.
    calibrator_ : object
        Maps the estimator's probability to a calibrated probability (monotone).
    kind : str
        ``"lightgbm"``, ``"logistic_regression"``, ``"random_forest"`` or ``"baseline"``.
    name : str
        The spec name, e.g. ``"lightgbm(num_leaves=15)"``.
    params : dict
        Its hyperparameters.
    calibration : str
        ``"isotonic"``, ``"sigmoid"`` or ``"none"``.
    feature_names_ : list of str
        Columns the model needs, in order.
    manifest : list of FeatureSpec
        One entry per feature.
    config_hash : str
        Hash of the validated experiment config it was trained from.
    trained_on : dict
        ``as_of_dates``, ``n_rows``, ``n_positive`` and ``data_fingerprint`` (and ``test_date``
        for a cross-validation model).
    held_out : tuple of RiskModel
        A champion's cross-validation models, one per test date, each trained only on as-of
        dates whose outcome windows closed before that test date. The bias audit scores a
        closed list with one of them (:func:`held_out_model`). Empty for other models and for
        models saved by an older vrurisk.
    selection : dict
        How a champion was chosen: ``metric``, ``chosen_on`` (test dates), ``reported_on`` and
        ``reported_is_selection``. Empty when not recorded.
    """

    #: Defaults for models pickled before these attributes existed.
    held_out: tuple = ()
    selection = MappingProxyType({})

    def __init__(
        self,
        *,
        estimator,
        calibrator,
        kind: str,
        name: str,
        params: dict,
        calibration: str,
        feature_names: Sequence[str],
        manifest: Sequence,
        config_hash: str,
        trained_on: dict,
    ):
        self.estimator_ = estimator
        self.calibrator_ = calibrator
        self.kind = kind
        self.name = name
        self.params = dict(params)
        self.calibration = calibration
        self.feature_names_ = list(feature_names)
        self.manifest = list(manifest)
        self.config_hash = config_hash
        self.trained_on = dict(trained_on)
        self.held_out = ()
        self.selection = {}

    def __repr__(self) -> str:
        return (
            f"RiskModel(name={self.name!r}, calibration={self.calibration!r}, "
            f"n_features={len(self.feature_names_)}, config_hash={self.config_hash[:12]!r})"
        )

    def check_features(self, columns: Sequence[str]) -> None:
        """Raise :class:`ModelError` unless ``columns`` are exactly the model's features."""
        missing = [c for c in self.feature_names_ if c not in set(columns)]
        extra = [c for c in columns if c not in set(self.feature_names_)]
        if missing or extra:
            raise ModelError(FEATURE_MISMATCH.format(missing=missing, extra=extra))

    def _select(self, X: pd.DataFrame) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            return pd.DataFrame(np.asarray(X, dtype=float), columns=self.feature_names_)
        missing = [c for c in self.feature_names_ if c not in X.columns]
        if missing:
            shown = missing[:5] + (["..."] if len(missing) > 5 else [])
            raise ModelError(MISSING_FEATURES.format(n=len(missing), missing=shown))
        return X[self.feature_names_]

    def raw_score(self, X) -> np.ndarray:
        """The base estimator's (uncalibrated) probability of the outcome, 1-d."""
        return self.estimator_.predict_proba(self._select(X))[:, 1]

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probability of the outcome for each row of X (1-d)."""
        return self.calibrator_.transform(self.raw_score(X))

    @property
    def reason_scale(self) -> float:
        """What turns the base model's log-odds contributions into the calibrated score's
        log-odds (the calibrator's slope), so a reason called "strong" (about a doubling of the
        odds) is strong on the probability the panel sees."""
        return self.calibrator_.log_odds_slope()

    def rank_order(self, X, tiebreak=None) -> np.ndarray:
        """Row positions from highest to lowest risk.

        Sorted by calibrated probability, ties (isotonic calibration is a step function)
        broken by the raw score, then by ``tiebreak`` (ascending; scoring passes the
        pseudonymised keys, so a list never follows the order of the input rows), then by row
        position, so the order is deterministic.
        """
        raw = self.raw_score(X)
        proba = self.calibrator_.transform(raw)
        keys = [np.arange(len(raw))]
        if tiebreak is not None:
            keys.append(pd.factorize(np.asarray(tiebreak, dtype=object), sort=True)[0])
        return np.lexsort((*keys, -raw, -proba))


def held_out_model(model: RiskModel, list_date, *, horizon_days: int, recording_lag_days: int = 0):
    """A model that never saw the outcomes of the list at ``list_date``, or ``None``.

    Candidates are ``model`` itself and its ``held_out`` models. A candidate qualifies when every
    as-of date ``t`` it was trained on has ``t + horizon_days + recording_lag_days < list_date``
    (the rule of temporal cross-validation): none of its training outcome windows reaches the
    audited window. Of those that qualify, the one trained on the latest dates is returned.

    Examples
    --------
    >>> import types
    >>> m = types.SimpleNamespace(trained_on={"as_of_dates": ["2023-01-01"]}, held_out=())
    >>> held_out_model(m, "2024-01-01", horizon_days=365) is None  # ends on 2024-01-01
    True
    >>> held_out_model(m, "2024-01-02", horizon_days=365) is m
    True
    """
    list_date = pd.Timestamp(list_date).normalize()
    best, best_key = None, None
    for candidate in (model, *getattr(model, "held_out", ())):
        dates = [pd.Timestamp(d) for d in candidate.trained_on.get("as_of_dates", [])]
        if not dates or not all(
            labels_known(t, list_date, horizon=horizon_days, recording_lag=recording_lag_days)
            for t in dates
        ):
            continue
        key = (max(dates), len(dates))
        if best_key is None or key > best_key:
            best, best_key = candidate, key
    return best


def check_training_outcomes(y, as_of, *, minimum: int = MIN_CLASS_ROWS) -> None:
    """Raise :class:`ModelError` unless ``y`` has ``minimum`` rows of each outcome class.

    Run before any fitting, so too small a population or too rare an outcome is one line
    naming the as-of dates and counts, not an estimator's traceback halfway through training.
    """
    y = np.asarray(y, dtype=int)
    positive = int(y.sum())
    negative = len(y) - positive
    if min(positive, negative) < minimum:
        raise ModelError(
            TOO_FEW_OUTCOMES.format(
                dates=describe_dates(as_of),
                minimum=minimum,
                positive=positive,
                negative=negative,
                n=len(y),
            )
        )


def describe_dates(as_of) -> str:
    """``2023-01-01, 2023-07-01`` (up to four dates), else ``first..last (N dates)``."""
    dates = sorted({str(pd.Timestamp(d).date()) for d in pd.unique(np.asarray(as_of))})
    if len(dates) <= 4:
        return ", ".join(dates)
    return f"{dates[0]}..{dates[-1]} ({len(dates)} dates)"


def calibration_scores(
    spec: ModelSpec, X: pd.DataFrame, y: np.ndarray, person: np.ndarray, *, n_folds: int = 3
) -> np.ndarray:
    """Out-of-fold raw scores of the training rows, folds grouped by person.

    Each fold's estimator is fitted on the other folds' people only (all their as-of dates), so
    nobody is scored by a model that saw their own label.
    """
    raw = np.empty(len(y))
    folds = GroupKFold(n_splits=n_folds).split(X, y, groups=person)
    for fold, (fit_idx, cal_idx) in enumerate(folds, start=1):
        positive = int(np.sum(y[fit_idx]))
        if positive in (0, len(fit_idx)):
            raise ModelError(
                CALIBRATION_ONE_CLASS.format(
                    name=spec.name, fold=fold, n_folds=n_folds, positive=positive, n=len(fit_idx)
                )
            )
        model = spec.build().fit(X.iloc[fit_idx], y[fit_idx])
        raw[cal_idx] = model.predict_proba(X.iloc[cal_idx])[:, 1]
    return raw


def fit_risk_model(
    spec: ModelSpec,
    X: pd.DataFrame,
    y: np.ndarray,
    *,
    as_of: np.ndarray,
    person: np.ndarray,
    calibration: str,
    manifest: Sequence,
    config_hash: str,
    data_fingerprint: str = "",
) -> RiskModel:
    """Fit ``spec`` on the training rows and calibrate it without any test data.

    ``as_of`` and ``person`` give each row's as-of date and person (folds are grouped by
    person). Costs 4 fits with calibration, 1 without.
    """
    y = np.asarray(y, dtype=int)
    check_training_outcomes(y, as_of)
    calibrator = CALIBRATORS[calibration]()
    if calibration != "none":
        calibrator.fit(calibration_scores(spec, X, y, person), y)
    estimator = spec.build().fit(X, y)
    dates = sorted({str(pd.Timestamp(d).date()) for d in pd.unique(as_of)})
    model = RiskModel(
        estimator=estimator,
        calibrator=calibrator,
        kind=spec.kind,
        name=spec.name,
        params=spec.params,
        calibration=calibration,
        feature_names=list(X.columns),
        manifest=manifest,
        config_hash=config_hash,
        trained_on={
            "as_of_dates": dates,
            "n_rows": int(len(y)),
            "n_positive": int(y.sum()),
            "data_fingerprint": data_fingerprint,
        },
    )
    model.feature_ranges_ = feature_ranges(X)
    # what `vrurisk monitor` measures drift from: the pooled training distribution, each
    # training date's shares in the same bins, and the scale-free view of the growing features
    model.feature_reference_ = feature_reference(X)
    model.feature_reference_by_date_ = shares_by_date(model.feature_reference_, X, as_of)
    growing = [c for c in X.columns if grows_with_the_data(str(c))]
    model.scale_free_reference_ = scale_free_shares(X[growing], as_of)
    return model


def shares_by_date(reference: dict, X: pd.DataFrame, as_of) -> dict[str, dict[str, list]]:
    """Each training date's shares in the pooled reference's bins: ``{date: {feature: shares}}``."""
    dates = pd.to_datetime(pd.Series(np.asarray(as_of))).dt.strftime("%Y-%m-%d").to_numpy()
    return {
        date: {
            name: entry["shares"]
            for name, entry in feature_shares(reference, X[dates == date]).items()
        }
        for date in sorted(set(dates))
    }


def feature_ranges(X: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Smallest and largest training value of each column (NaN-only columns left out)."""
    low, high = X.min(axis=0, skipna=True), X.max(axis=0, skipna=True)
    return {
        str(c): (float(low[c]), float(high[c]))
        for c in X.columns
        if pd.notna(low[c]) and pd.notna(high[c])
    }


OUT_OF_RANGE = (
    "{n_features} feature(s) are outside the range seen in training for {n_people} of "
    "{n} people scored: {details}; their scores and reasons extrapolate, so read them with care"
)

#: Features that grow with the data: counts of events, numbers of associates, degrees, k-cores,
#: component and community sizes, sums of exposure. A later extract has more history and a
#: bigger network, so their values pass the training maximum as a matter of course (the giant
#: component does so for nearly everyone), and a tree model treats a value past its last split
#: like that split. Marking every such row would make the mark mean nothing.
GROWING_FEATURES = (
    "count_",
    "net_degree",
    "net_weighted_degree",
    "net_kcore",
    "net_component_size",
    "net_community_size",
    "net_assoc_violence_",
    "net_2hop_violence_",
    "net_weighted_violence_exposure_",
    "net_recent_violence_exposure",
    "stage1_neighbour_risk_weighted_sum",
)
#: How far past the training range a value may lie before it is marked, as a share of the
#: training spread (max - min): growing features 1.0 (beyond twice the spread from the minimum,
#: e.g. a giant component of 1,000 trained on sizes 1-400 is marked, one of 700 is not); every
#: other feature (age, rates, shares, days since) 0.1. A feature constant in training has no
#: spread, so any other value is marked.
RANGE_TOLERANCE = {"growing": 1.0, "other": 0.1}


def grows_with_the_data(name: str) -> bool:
    """Whether a feature grows with the data by construction (see :data:`GROWING_FEATURES`).

    Examples
    --------
    >>> grows_with_the_data("net_component_size"), grows_with_the_data("age")
    (True, False)
    """
    return name.startswith(GROWING_FEATURES)


def range_tolerance(name: str) -> float:
    """The share of the training spread a feature's values may pass its training range by."""
    kind = "growing" if grows_with_the_data(name) else "other"
    return RANGE_TOLERANCE[kind]


def out_of_training_range(model, X: pd.DataFrame) -> tuple[dict[int, list[str]], list[str]]:
    """Rows (positions) with features outside the model's training range, and a warning.

    A value counts as outside when it lies beyond the training minimum or maximum by more than
    :func:`range_tolerance` times the training spread (see :data:`RANGE_TOLERANCE`): counts and
    sizes that grow with the data may pass their training maximum a little without a mark.

    Returns ``({row: [feature, ...]}, warnings)``; models saved before ranges were kept give
    ``({}, [])``.
    """
    ranges = getattr(model, "feature_ranges_", None) or {}
    by_row: dict[int, list[str]] = {}
    details = []
    for name, (low, high) in ranges.items():
        if name not in X.columns:
            continue
        values = X[name].to_numpy(dtype=float)
        margin = range_tolerance(name) * (high - low)
        outside = np.flatnonzero((values < low - margin) | (values > high + margin))
        if not len(outside):
            continue
        for row in outside.tolist():
            by_row.setdefault(row, []).append(name)
        seen = values[outside]
        details.append(
            (
                -len(outside),
                f"{name} ({len(outside)} people, {seen.min():g} to {seen.max():g}; "
                f"trained on {low:g} to {high:g})",
            )
        )
    if not details:
        return by_row, []
    details = [text for _, text in sorted(details)]  # the most widespread first
    shown = "; ".join(details[:5]) + (f"; and {len(details) - 5} more" if len(details) > 5 else "")
    warning = OUT_OF_RANGE.format(
        n_features=len(details), n_people=len(by_row), n=len(X), details=shown
    )
    return by_row, [warning]
