"""The risk-factor-count baseline follows scikit-learn's estimator contract."""

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from vrurisk.models import RiskFactorCountClassifier


@parametrize_with_checks([RiskFactorCountClassifier()])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_scores_by_weighted_count_of_named_factors():
    X = pd.DataFrame({"knife": [0, 1, 2, 0, 0, 3], "victim": [0, 0, 1, 1, 0, 2], "age": [14] * 6})
    y = np.array([0, 0, 1, 0, 0, 1])
    clf = RiskFactorCountClassifier(factors={"knife": 2.0, "victim": 1.0}).fit(X, y)
    assert clf.risk_factor_count(X).tolist() == [0, 2, 3, 1, 0, 3]
    proba = clf.predict_proba(X)[:, 1]
    order = np.argsort(clf.risk_factor_count(X), kind="stable")
    assert np.all(np.diff(proba[order]) >= 0)


def test_unknown_factor_names_the_columns():
    X = pd.DataFrame({"knife": [0, 1], "victim": [1, 0]})
    with pytest.raises(ValueError, match=r"names \['gun'\], which are not columns of X"):
        RiskFactorCountClassifier(factors={"gun": 1.0}).fit(X, [0, 1])
