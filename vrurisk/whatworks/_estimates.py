"""Three estimates of a programme's effect, each with its interval, size and assumptions.

- :func:`regression_discontinuity`: people just above and just below the list's cut-off are
  alike except for their chance of referral; ``rdrobust`` (Calonico, Cattaneo and Titiunik)
  gives the fuzzy local-linear estimate with its MSE-optimal bandwidth and robust bias-corrected
  interval, ``rddensity`` the manipulation test.
- :func:`doubly_robust`: augmented inverse-probability weighting for the effect on the referred
  (ATT), with cross-fitted gradient-boosted models of referral and of the outcome without
  referral, and covariate balance before and after weighting.
- :func:`naive_difference`: referred minus not referred. Biased: the panel refers the people at
  highest risk.

Effects are risk differences in the outcome within the horizon (negative = fewer people with
the outcome), with a risk ratio beside. Intervals are 95%; standard errors count each person
once however many lists they were on (clustered by person).
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from vrurisk.whatworks._sample import EvaluationSample

Z95 = 1.959963984540054
#: z(0.975) + z(0.80): an effect this many standard errors from zero is found 80% of the time.
MDE_FACTOR = Z95 + 0.8416212335729143
PROPENSITY_CAP = 0.95

ASSUMPTIONS = {
    "regression_discontinuity": (
        "People just above and just below the list's cut-off would have had the same outcome "
        "rate without the programme (nothing else changes at the cut-off, and scores were not "
        "nudged across it); the estimate applies to people near the cut-off whom the panel "
        "refers because they made the list."
    ),
    "doubly_robust": (
        "Everything that made the panel refer one listed person rather than another, and that "
        "also affects violence, is recorded in the features (score, place on the list, age, sex, "
        "deprivation, recent record); each kind of person has some chance of either decision. "
        "The estimate applies to the people who were referred."
    ),
    "naive": (
        "None that hold: it assumes referred and unreferred people were equally at risk, but the "
        "panel refers the highest-risk people, so this comparison makes the programme look "
        "worse than it is. Shown only to show the size of that bias."
    ),
}
LABELS = {
    "regression_discontinuity": "Regression discontinuity at the list cut-off",
    "doubly_robust": "Doubly robust weighting (AIPW)",
    "naive": "Naive: referred minus not referred (biased)",
}


@dataclass(frozen=True)
class EffectEstimate:
    """One method's estimate of the effect on the outcome within the horizon.

    ``estimate``, ``ci_low`` and ``ci_high`` are risk differences (treated minus untreated);
    ``risk_ratio`` and its interval are beside them. ``n`` is the rows the estimate rests on
    (for the regression discontinuity: inside the bandwidth). ``minimum_detectable_effect`` is
    the size of risk difference this design would find 80% of the time at the 5% level.
    """

    method: str
    estimate: float
    ci_low: float
    ci_high: float
    n: int
    risk_ratio: float
    rr_ci_low: float
    rr_ci_high: float
    n_referred: int
    n_not_referred: int
    minimum_detectable_effect: float
    biased: bool
    label: str
    assumptions: str
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {key: _clean(value) for key, value in asdict(self).items()}


def _clean(value):
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _estimate(method, rd, se, n, rr, rr_ci, n1, n0, details=None, ci=None) -> EffectEstimate:
    low, high = ci if ci is not None else (rd - Z95 * se, rd + Z95 * se)
    return EffectEstimate(
        method=method,
        estimate=float(rd),
        ci_low=float(low),
        ci_high=float(high),
        n=int(n),
        risk_ratio=float(rr),
        rr_ci_low=float(rr_ci[0]),
        rr_ci_high=float(rr_ci[1]),
        n_referred=int(n1),
        n_not_referred=int(n0),
        minimum_detectable_effect=float(MDE_FACTOR * se),
        biased=method == "naive",
        label=LABELS[method],
        assumptions=ASSUMPTIONS[method],
        details=details or {},
    )


def naive_difference(sample: EvaluationSample) -> EffectEstimate:
    """Outcome rate of the referred minus that of everyone else on the lists (biased).

    Examples
    --------
    >>> import pandas as pd
    >>> from vrurisk.whatworks._sample import EvaluationSample
    >>> rows = pd.DataFrame({"referred": [True] * 4 + [False] * 4,
    ...                      "outcome": [1, 1, 0, 0, 1, 0, 0, 0],
    ...                      "person_id": list("abcdefgh")})
    >>> round(naive_difference(EvaluationSample(rows, [])).estimate, 3)
    0.25
    """
    rows = sample.rows
    d = rows["referred"].to_numpy(bool)
    y = rows["outcome"].to_numpy(float)
    n1, n0 = int(d.sum()), int((~d).sum())
    p1, p0 = y[d].mean(), y[~d].mean()
    se = _cluster_se(
        np.where(d, (y - p1) / max(n1, 1), -(y - p0) / max(n0, 1)) * len(y), rows["person_id"]
    )
    rr = p1 / p0 if p0 > 0 else np.nan
    if p1 > 0 and p0 > 0:
        log_se = math.sqrt((1 - p1) / (n1 * p1) + (1 - p0) / (n0 * p0))
        rr_ci = (rr * math.exp(-Z95 * log_se), rr * math.exp(Z95 * log_se))
    else:
        rr_ci = (np.nan, np.nan)
    details = {"rate_referred": p1, "rate_not_referred": p0}
    return _estimate("naive", p1 - p0, se, len(y), rr, rr_ci, n1, n0, details)


def _cluster_se(influence: np.ndarray, clusters: pd.Series) -> float:
    """Standard error of a mean of ``influence`` values summed within clusters (people)."""
    n = len(influence)
    sums = pd.Series(influence).groupby(pd.factorize(clusters)[0]).sum().to_numpy()
    return float(math.sqrt(np.sum(sums**2)) / n)


# --- doubly robust -----------------------------------------------------------------------


def doubly_robust(
    sample: EvaluationSample, *, seed: int = 0, folds: int = 5
) -> tuple[EffectEstimate, pd.DataFrame]:
    """AIPW estimate of the effect on the referred, and the covariate balance table.

    The chance of referral e(x) and the outcome without referral m0(x) are gradient-boosted
    models fitted on the other folds (folds keep each person's rows together), so no row's
    prediction comes from a model that saw it. Chances above 0.95 are capped (and counted).
    """
    from sklearn.model_selection import GroupKFold
    from threadpoolctl import threadpool_limits

    rows = sample.rows
    x = rows[sample.features].to_numpy(float)
    d = rows["referred"].to_numpy(bool)
    y = rows["outcome"].to_numpy(float)
    groups = pd.factorize(rows["person_id"])[0]
    e = np.zeros(len(y))
    m0 = np.zeros(len(y))
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    # One thread per fit: on a busy machine OpenMP's threads fight (50 s instead of 1.3 s).
    with threadpool_limits(1):
        for k, (train, test) in enumerate(splitter.split(x, d, groups)):
            e[test] = _fit_predict(x[train], d[train], x[test], seed + k)
            control = train[~d[train]]
            m0[test] = _fit_predict(x[control], y[control], x[test], seed + 100 + k)
    capped = int((e > PROPENSITY_CAP).sum())
    e = np.clip(e, 1e-3, PROPENSITY_CAP)
    w = e / (1 - e)
    p = d.mean()
    resid = y - m0
    tau = float((np.sum(resid[d]) - np.sum(w[~d] * resid[~d])) / d.sum())
    psi = np.where(d, resid - tau, -w * resid) / p
    se = _cluster_se(psi, rows["person_id"])
    mu1 = float(y[d].mean())
    mu0 = mu1 - tau
    if mu1 > 0 and mu0 > 0:
        if_mu1 = np.where(d, y - mu1, 0.0) / p
        if_log_rr = if_mu1 / mu1 - (if_mu1 - psi) / mu0
        log_se = _cluster_se(if_log_rr, rows["person_id"])
        rr = mu1 / mu0
        rr_ci = (rr * math.exp(-Z95 * log_se), rr * math.exp(Z95 * log_se))
    else:
        rr, rr_ci = np.nan, (np.nan, np.nan)
    balance = covariate_balance(rows[sample.features], d, np.where(d, 1.0, w))
    details = {
        "estimand": "effect on the referred (ATT)",
        "rate_referred": mu1,
        "rate_referred_without_programme": mu0,
        "propensity_capped": capped,
        "folds": folds,
        "max_abs_smd_before": float(balance["smd_before"].abs().max()),
        "max_abs_smd_after": float(balance["smd_after"].abs().max()),
        "effective_controls": float(w[~d].sum() ** 2 / np.sum(w[~d] ** 2)),
    }
    n1, n0 = int(d.sum()), int((~d).sum())
    estimate = _estimate("doubly_robust", tau, se, len(y), rr, rr_ci, n1, n0, details)
    return estimate, balance


def _fit_predict(x_train, y_train, x_test, seed) -> np.ndarray:
    """Predicted probability of the positive class; a constant when training has one class."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    if len(np.unique(y_train)) < 2:
        return np.full(len(x_test), float(np.mean(y_train)) if len(y_train) else 0.0)
    model = HistGradientBoostingClassifier(
        max_iter=150,
        learning_rate=0.05,
        max_leaf_nodes=8,
        min_samples_leaf=40,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=seed,
    )
    model.fit(x_train, y_train)
    return model.predict_proba(x_test)[:, 1]


def covariate_balance(features: pd.DataFrame, treated: np.ndarray, weights) -> pd.DataFrame:
    """Standardised mean differences (referred minus not) before and after weighting.

    The difference is divided by the unweighted pooled standard deviation in both columns, so
    the two are comparable; |SMD| below 0.1 is the usual mark of good balance.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> f = pd.DataFrame({"age": [15.0, 16, 20, 21]})
    >>> table = covariate_balance(f, np.array([True, True, False, False]), np.ones(4))
    >>> table["smd_before"].round(2).tolist()
    [-10.0]
    """
    treated = np.asarray(treated, bool)
    weights = np.asarray(weights, float)
    out = []
    for name in features.columns:
        v = features[name].to_numpy(float)
        t, c, wc = v[treated], v[~treated], weights[~treated]
        sd = math.sqrt((t.var() + c.var()) / 2) if len(t) and len(c) else 0.0
        after_c = np.average(c, weights=wc) if wc.sum() > 0 else np.nan
        out.append(
            {
                "feature": name,
                "mean_referred": t.mean(),
                "mean_not_referred": c.mean(),
                "mean_not_referred_weighted": after_c,
                "smd_before": (t.mean() - c.mean()) / sd if sd > 0 else 0.0,
                "smd_after": (t.mean() - after_c) / sd if sd > 0 else 0.0,
            }
        )
    return pd.DataFrame(out)


# --- regression discontinuity ------------------------------------------------------------


def regression_discontinuity(sample: EvaluationSample) -> tuple[EffectEstimate, dict]:
    """Fuzzy RD at the cut-off (running variable: place relative to the cut-off, in places).

    Returns the estimate and the plot data (binned means either side, local linear fits
    within the bandwidth), the bandwidth, the first stage (jump in the referral rate) and the
    manipulation test. Messages from ``rdrobust`` / ``rddensity`` are kept in ``details``.
    """
    rows = sample.rows
    x = rows["running"].to_numpy(float)
    d = rows["referred"].to_numpy(float)
    y = rows["outcome"].to_numpy(float)
    cluster = pd.factorize(rows["person_id"])[0]
    messages: list[str] = []
    from rdrobust import rdrobust

    fit = _quietly(messages, rdrobust, y=y, x=x, c=0, fuzzy=d, cluster=cluster)
    coef = float(fit.coef.iloc[0, 0])  # conventional local-linear point estimate
    low, high = (float(v) for v in fit.ci.loc["Robust"])  # robust bias-corrected interval
    se = float(fit.se.iloc[2, 0])
    h = float(fit.bws.iloc[0, 0])
    n_h = int(np.sum(fit.N_h))
    within = np.abs(x) <= h
    below = within & (x < 0)
    base = float(y[below].mean()) if below.any() else np.nan
    if base > 0:  # a risk ratio cannot be below 0: the interval is cut there
        rr = max(0.0, (base + coef) / base)
        rr_ci = (max(0.0, (base + low) / base), max(0.0, (base + high) / base))
    else:
        rr, rr_ci = np.nan, (np.nan, np.nan)
    first_stage = {
        "jump_in_referral_rate": float(fit.tau_T.iloc[0, 0]),
        "ci_low": float(fit.ci_T.iloc[2, 0]),
        "ci_high": float(fit.ci_T.iloc[2, 1]),
    }
    density = density_test(rows["score_gap"].to_numpy(float), messages)
    details = {
        "bandwidth": h,
        "bandwidth_selector": str(fit.bwselect),
        "kernel": str(fit.kernel),
        "n_within_bandwidth_below": int(fit.N_h[0]),
        "n_within_bandwidth_above": int(fit.N_h[1]),
        "first_stage": first_stage,
        "density_test": density,
        "rate_just_below_cutoff": base,
        "risk_ratio_note": "approximate: the estimate divided by the outcome rate just below",
        "messages": messages,
    }
    n1 = int(d[within].sum())
    estimate = _estimate(
        "regression_discontinuity",
        coef,
        se,
        n_h,
        rr,
        rr_ci,
        n1,
        int(within.sum()) - n1,
        details,
        ci=(low, high),
    )
    return estimate, rd_plot_data(x, y, d, h)


def _quietly(messages: list[str], function, **arguments):
    """Call ``function`` keeping what it prints and warns in ``messages`` (stdout stays clean)."""
    printed = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(printed):
        warnings.simplefilter("always")
        result = function(**arguments)
    said = [line for line in printed.getvalue().splitlines() if line.strip()]
    said += [str(w.message) for w in caught]
    messages += sorted({" ".join(text.split())[:200] for text in said} - set(messages))
    return result


def density_test(x: np.ndarray, messages: list[str]) -> dict:
    """``rddensity``'s test of no jump in the density of ``x`` (score minus cut-off) at 0."""
    from rddensity import rddensity

    result = _quietly(messages, rddensity, X=x, c=0)
    p = float(result.test.get("p_jk", np.nan))
    if not math.isfinite(p):
        p = float(result.test.get("p_asy", np.nan))
    return {
        "method": "rddensity (Cattaneo, Jansson and Ma), jackknife standard errors",
        "p_value": p,
        "n_below": int(result.n["eff_left"]),
        "n_above": int(result.n["eff_right"]),
        "manipulation_flag": bool(math.isfinite(p) and p < 0.05),
    }


def rd_plot_data(x, y, d, h, bins: int = 12) -> dict:
    """Binned outcome and referral rates either side of the cut-off, and linear fits within h."""
    span = 3 * h
    keep = np.abs(x) <= span
    out = {"bins": [], "fits": [], "bandwidth": h}
    for side, mask in (("below", keep & (x < 0)), ("above", keep & (x >= 0))):
        xs, ys, ds = x[mask], y[mask], d[mask]
        if len(xs) == 0:
            continue
        edges = np.unique(np.quantile(xs, np.linspace(0, 1, bins + 1)))
        which = np.clip(np.searchsorted(edges, xs, side="right") - 1, 0, len(edges) - 2)
        for b in np.unique(which):
            sel = which == b
            out["bins"].append(
                {
                    "side": side,
                    "x": float(xs[sel].mean()),
                    "outcome_rate": float(ys[sel].mean()),
                    "referral_rate": float(ds[sel].mean()),
                    "n": int(sel.sum()),
                }
            )
        near = np.abs(xs) <= h
        if near.sum() >= 3:
            weight = 1 - np.abs(xs[near]) / h
            slope, intercept = np.polyfit(xs[near], ys[near], 1, w=np.sqrt(weight))
            ends = (-h, 0.0) if side == "below" else (0.0, h)
            out["fits"].append(
                {"side": side, "x": list(ends), "y": [intercept + slope * e for e in ends]}
            )
    return out
