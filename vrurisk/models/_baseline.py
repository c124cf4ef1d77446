"""The risk-factor-count baseline: what many forces' ad-hoc tools do, as a scikit-learn estimator.

A person's score is a weighted count of the known risk factors they have (a factor is "present"
when its feature value is above zero). The count is turned into a probability by a one-feature
logistic regression on the training data, so the baseline is calibrated like the other models
and ranks people exactly by their count. Published evaluations found such tools hard to beat,
so every comparison shows it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

UNKNOWN_FACTOR = (
    "The 'factors' parameter of RiskFactorCountClassifier names {missing}, which are not "
    "columns of X; columns are {columns}."
)
BAD_FACTORS = (
    "The 'factors' parameter of RiskFactorCountClassifier must be None or a non-empty mapping "
    "of column name (or index) to weight. Got {value!r} instead."
)


class RiskFactorCountClassifier(ClassifierMixin, BaseEstimator):
    """Score people by a weighted count of the risk factors they have.

    Parameters
    ----------
    factors : mapping of str or int to float, optional
        Risk factors and their weights, keyed by column name (when fitted on a DataFrame) or
        column index. ``None`` counts every column with weight 1.
    threshold : float, default=0.0
        A factor is present when its value is strictly greater than ``threshold`` (a missing
        value counts as absent).

    Attributes
    ----------
    classes_ : ndarray
        The class labels seen in ``fit``.
    factor_index_ : ndarray of int
        Columns of X that are counted.
    factor_weight_ : ndarray of float
        Their weights.
    link_ : LogisticRegression
        Maps the weighted count to class probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> from vrurisk.models import RiskFactorCountClassifier
    >>> X = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [2, 3], [0, 0]])
    >>> y = np.array([0, 0, 1, 0, 1, 0])
    >>> clf = RiskFactorCountClassifier(factors={0: 1.0, 1: 2.0}).fit(X, y)
    >>> clf.risk_factor_count(X).tolist()
    [0.0, 1.0, 3.0, 2.0, 3.0, 0.0]
    """

    def __init__(self, *, factors: Mapping | None = None, threshold: float = 0.0):
        self.factors = factors
        self.threshold = threshold

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        tags.input_tags.allow_nan = True
        return tags

    def _resolve_factors(self, n_features: int) -> tuple[np.ndarray, np.ndarray]:
        if self.factors is None:
            return np.arange(n_features), np.ones(n_features)
        if not isinstance(self.factors, Mapping) or not self.factors:
            raise ValueError(BAD_FACTORS.format(value=self.factors))
        names = list(getattr(self, "feature_names_in_", []))
        index, missing = [], []
        for key in self.factors:
            if isinstance(key, int | np.integer) and 0 <= key < n_features:
                index.append(int(key))
            elif key in names:
                index.append(names.index(key))
            else:
                missing.append(key)
        if missing:
            raise ValueError(UNKNOWN_FACTOR.format(missing=missing, columns=names or n_features))
        weights = np.array([float(w) for w in self.factors.values()])
        return np.array(index, dtype=int), weights

    def fit(self, X, y, sample_weight=None):
        """Resolve the factors against X's columns and fit the count-to-probability link."""
        X, y = validate_data(self, X, y, ensure_min_samples=2, ensure_all_finite="allow-nan")
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(
                "RiskFactorCountClassifier needs samples of at least 2 classes in the data, "
                f"but the data contains only one class: {self.classes_[0]!r}"
            )
        self.factor_index_, self.factor_weight_ = self._resolve_factors(X.shape[1])
        count = self._count(X)
        self.link_ = LogisticRegression(C=1e4).fit(count[:, None], y, sample_weight=sample_weight)
        return self

    def _count(self, X: np.ndarray) -> np.ndarray:
        present = X[:, self.factor_index_] > self.threshold
        return present.astype(float) @ self.factor_weight_

    def risk_factor_count(self, X) -> np.ndarray:
        """The weighted count of risk factors present for each row of X."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan")
        return self._count(X)

    def decision_function(self, X) -> np.ndarray:
        """The link's decision value: increasing in the weighted count."""
        check_is_fitted(self)
        return self.link_.decision_function(self.risk_factor_count(X)[:, None])

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, increasing (for the positive class) in the weighted count."""
        check_is_fitted(self)
        return self.link_.predict_proba(self.risk_factor_count(X)[:, None])

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
