"""What a data-protection officer needs from the model card, and the config section behind it.

The ``governance`` config section holds what only the deploying organisation knows (controller,
contact, lawful basis, special-category condition, DPIA reference, retention, review date), so
an organisation states it once and every model card carries it. :func:`data_protection_rows`
puts those values beside what the tool itself knows (which records hold criminal-offence and
special-category data, whether the cohort includes children, which features follow area) and
leaves every unset field blank, for the card to mark as the organisation's to complete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from vrurisk._feature_policy import DEFAULT_PROXIES, _uses
from vrurisk._text import plural


class GovernanceConfig(BaseModel):
    """The ``governance`` config section: facts only the deploying organisation can state.

    Every key is optional; the model card marks an unset one as the organisation's to complete.
    None of them changes a trained model, so the section is left out of ``config_hash``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    controller: str | None = Field(None, min_length=1)
    contact: str | None = Field(None, min_length=1)
    lawful_basis: str | None = Field(None, min_length=1)
    special_category_condition: str | None = Field(None, min_length=1)
    dpia_reference: str | None = Field(None, min_length=1)
    retention_months: int | None = Field(None, gt=0, le=600)
    review_date: dt.date | None = None


#: Sensitive attributes that are special-category data (UK GDPR Article 9), in its words.
SPECIAL_CATEGORIES = {
    "ethnicity": "racial or ethnic origin",
    "race": "racial or ethnic origin",
    "religion": "religious or philosophical beliefs",
    "belief": "religious or philosophical beliefs",
    "disability": "health",
    "health": "health",
    "sexual_orientation": "sex life or sexual orientation",
}
ADULT_AGE = 18
REVIEW_OVERDUE = "Review overdue: the review date {date} is before this list's date {as_of}."


def data_protection_rows(
    governance: Mapping | None,
    *,
    cohort: Mapping,
    sensitive_attributes: Iterable[str] = (),
    feature_names: Iterable[str] = (),
    as_of: str | None = None,
) -> list[dict]:
    """The data-protection section of the model card, one row per topic.

    Parameters
    ----------
    governance : mapping, optional
        The config's ``governance`` section as a dict (unset keys missing or ``None``).
    cohort : mapping
        The config's ``cohort`` section (``min_age``, ``max_age``).
    sensitive_attributes : iterable of str
        Attributes the bias audit uses.
    feature_names : iterable of str
        The model's features (those following area are named).
    as_of : str, optional
        The list's date (retention deadline, overdue review).

    Returns
    -------
    list of dict
        ``topic``, ``facts`` (what the tool knows, sentences), ``fields`` (label, value or
        ``None`` for the organisation to fill) and ``warning`` (or ``None``).

    Examples
    --------
    >>> rows = data_protection_rows({"dpia_reference": "DPIA-7"}, cohort={"min_age": 10})
    >>> [row["fields"] for row in rows if row["topic"] == "Impact assessment (DPIA)"]
    [[('DPIA reference', 'DPIA-7')]]
    """
    g = {key: value for key, value in dict(governance or {}).items() if value is not None}
    audited = list(sensitive_attributes)
    special = sorted({f"{a} ({SPECIAL_CATEGORIES[a]})" for a in audited if a in SPECIAL_CATEGORIES})
    area_features = [
        name for name in feature_names if any(_uses(name, proxy) for proxy in DEFAULT_PROXIES)
    ]
    min_age, max_age = cohort.get("min_age"), cohort.get("max_age")
    retention = g.get("retention_months")
    review = g.get("review_date")
    rows = [
        _row(
            "Controller and contact",
            [],
            [("Data controller", g.get("controller")), ("Contact", g.get("contact"))],
        ),
        _row(
            "Lawful basis",
            [],
            [
                (
                    "Lawful basis (UK GDPR Article 6; DPA 2018 Part 3 for police)",
                    g.get("lawful_basis"),
                )
            ],
        ),
        _row(
            "Special-category and criminal-offence data",
            [
                "The records scored include criminal-offence data (police events, custody) and "
                "can include health and social-care records, which are special-category data.",
                (
                    "Special-category attributes used only for the bias audit: "
                    f"{', '.join(special)}."
                    if special
                    else "No special-category attribute is used for the bias audit."
                ),
            ],
            [
                (
                    "Condition for processing (UK GDPR Articles 9 and 10; DPA 2018 Schedule 1)",
                    g.get("special_category_condition"),
                )
            ],
        ),
        _row("Children", _children(min_age, max_age), []),
        _row(
            "Area as a proxy",
            [
                "Where people live or were recorded can stand in for ethnicity and deprivation: "
                "a model can rank people differently by area with no protected characteristic "
                "among its inputs, and areas that are policed more have more records.",
                (
                    f"This model uses {plural(len(area_features), 'area-based feature')}: "
                    f"{', '.join(area_features)}; read the bias audit with them in mind."
                    if area_features
                    else "No feature of this model is built from an area code; network features "
                    "can still follow where people spend time."
                ),
            ],
            [],
        ),
        _row("Impact assessment (DPIA)", [], [("DPIA reference", g.get("dpia_reference"))]),
        _row(
            "Retention and deletion",
            [
                "vrurisk deletes nothing by itself. When a list's retention period ends, delete "
                "its scored bundle (scores, explanations, panel pack), the bundle's copy in the "
                "MLflow store (mlruns/ or the tracking server) and any re-identification output. "
                "The audit log is the record of processing, kept under the organisation's own "
                "policy."
            ],
            [("Retention period", _retention(retention, as_of))],
        ),
        _row(
            "Subject access, objection and rectification",
            [
                "To find a person's entries, the key holder computes their key from their id "
                "with the pseudonymisation key (vrurisk.privacy.pseudonymise) and searches the "
                "bundles and panel records; each re-identification is recorded in the audit "
                "log, whose hash chain 'vrurisk log verify' checks.",
                "A person may object (UK GDPR Article 21) or ask for records to be corrected: "
                "the panel can remove them from future lists. No decision is based solely on "
                "automated processing (Article 22): the panel reviews every case.",
            ],
            [("How people make a request or object", g.get("contact"))],
        ),
        _row("Review", [], [("Next review date", None if review is None else str(review))]),
    ]
    if review is not None and as_of and pd.Timestamp(review) < pd.Timestamp(as_of):
        rows[-1]["warning"] = REVIEW_OVERDUE.format(date=review, as_of=as_of)
    return rows


def _row(topic: str, facts: list[str], fields: list[tuple[str, str | None]]) -> dict:
    values = [(label, None if value is None else str(value)) for label, value in fields]
    return {"topic": topic, "facts": facts, "fields": values, "warning": None}


def _children(min_age, max_age) -> list[str]:
    if min_age is None or min_age >= ADULT_AGE:
        return ["The cohort has no one under 18."]
    top = ADULT_AGE - 1 if max_age is None else min(max_age, ADULT_AGE - 1)
    return [
        f"The cohort includes children (aged {min_age:g} to {top:g}). Children merit specific "
        "protection (UK GDPR recital 38): the DPIA should weigh what being listed means for a "
        "child, and what children and their parents are told must suit their age."
    ]


def _retention(months: int | None, as_of: str | None) -> str | None:
    if months is None:
        return None
    if not as_of:
        return f"{months} months"
    due = (pd.Timestamp(as_of) + pd.DateOffset(months=months)).date()
    return f"{months} months: this list (as of {as_of}) is due for deletion by {due}"
