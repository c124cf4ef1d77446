"""``link_agencies``: read, link, audit and write a crosswalk, a people table and a report.

Everything is checked before anything is written, and the output directory is written
atomically (a complete new directory replaces the old one, or nothing changes).
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vrurisk.data import OutputKind, check_output_directory
from vrurisk.linkage._audit import NOT_RECORDED, age_bands, linkage_rates_by_group
from vrurisk.linkage._config import LinkageConfig, load_linkage_config
from vrurisk.linkage._prepare import read_agency_tables

#: Environment variable holding the key of the person-id pseudonyms (stable across runs if set).
KEY_ENV_VAR = "VRURISK_LINKAGE_KEY"
CROSSWALK_FILE = "crosswalk.csv"
PEOPLE_FILE = "people.csv"
REPORT_HTML = "linkage_report.html"
REPORT_JSON = "linkage_report.json"
#: A previous ``vrurisk link`` output, recognised by its report (see vrurisk.data._output).
LINKAGE_OUTPUT = OutputKind(
    "a linkage output (vrurisk link)",
    REPORT_JSON,
    frozenset({CROSSWALK_FILE, PEOPLE_FILE, REPORT_HTML}),
)


@dataclass(frozen=True)
class LinkageResult:
    """The outputs of one linkage run.

    Attributes
    ----------
    crosswalk : pandas.DataFrame
        ``agency``, ``agency_id``, ``person_id``: every record's pseudonymous person.
    people : pandas.DataFrame
        The contract's ``people`` table from the linked clusters: ``person_id``, ``birth_date``,
        ``sex``, ``ethnicity`` (each the most common value among the person's records), no names.
    summary : dict
        Everything in the linkage report (JSON-able, no names, dates of birth or postcodes).
    """

    crosswalk: pd.DataFrame
    people: pd.DataFrame
    summary: dict


def link_agencies(
    config: LinkageConfig | str | os.PathLike,
    out: str | os.PathLike | None = None,
    *,
    audit_log_path: str | os.PathLike | None = None,
) -> LinkageResult:
    """Link agencies' person tables into one pseudonymous person per cluster of records.

    Parameters
    ----------
    config : LinkageConfig or path
        A validated config or the path of a linkage YAML.
    out : path, optional
        Directory to write ``crosswalk.csv``, ``people.csv``, ``linkage_report.html`` and
        ``linkage_report.json`` into (replaced atomically). Nothing is written when omitted.
    audit_log_path : path, optional
        The audit log to append this run to (default: :func:`vrurisk.audit_log.audit_log_path`).
        A run that writes ``out`` is always logged.

    Returns
    -------
    LinkageResult

    Raises
    ------
    ConfigError, DataValidationError
        One line naming the config key, or the file, column and rows at fault.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from vrurisk.linkage import link_agencies, simulate_agency_extracts
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> config = simulate_agency_extracts(300, seed=2).write(folder / "extracts")
    >>> result = link_agencies(config)  # nothing written without ``out``
    >>> list(result.crosswalk.columns)
    ['agency', 'agency_id', 'person_id']
    >>> "first_name" in result.people.columns
    False
    """
    from vrurisk.linkage._model import fit_and_link

    started = time.perf_counter()
    if not isinstance(config, LinkageConfig):
        config = load_linkage_config(config)
    inputs = [table.path for table in config.agencies.values()]
    if out is not None:  # refuse an --out that would replace the agency tables before any work
        check_output_directory(out, LINKAGE_OUTPUT, protected=inputs)
    records = read_agency_tables(config)
    model = fit_and_link(records, config)
    key = os.environ.get(KEY_ENV_VAR)
    crosswalk = _crosswalk(model.clusters, key.encode() if key else secrets.token_bytes(32))
    flat = _flat_records(records, crosswalk)
    people = _people(flat)
    attributes, warnings = _audited_attributes(config, flat)
    if "age_band" in attributes:
        flat["age_band"] = age_bands(
            flat["birth_date"], config.audit.age_on, config.audit.age_bands
        )
    for attribute in ("sex", "ethnicity"):
        flat[attribute] = flat[attribute].fillna(NOT_RECORDED)
    rates, findings = linkage_rates_by_group(flat, config.audit, attributes)
    from vrurisk.linkage._report import linkage_summary

    summary = linkage_summary(
        config=config,
        flat=flat,
        people=people,
        model=model,
        rates=rates,
        findings=findings,
        warnings=warnings + _people_warnings(people),
        pseudonyms_stable=bool(key),
        seconds=time.perf_counter() - started,
    )
    result = LinkageResult(crosswalk=crosswalk, people=people, summary=summary)
    if out is not None:
        write_linkage(result, out, protected=inputs)
        from vrurisk import audit_log

        audit_log.record(
            "link",
            config=config,
            path=audit_log_path,
            output=str(out),
            details={
                "records": int(len(crosswalk)),
                "people": int(len(people)),
                "match_threshold": config.model.match_threshold,
                "agencies": {a: int(n) for a, n in crosswalk["agency"].value_counts().items()},
            },
        )
    return result


def write_linkage(result: LinkageResult, out: str | os.PathLike, *, protected=()) -> Path:
    """Write a :class:`LinkageResult` to ``out`` atomically (CSV tables, HTML and JSON report).

    An existing ``out`` that is not a previous linkage output is refused, and so are the
    ``protected`` paths (the agency tables) and anything holding them.
    """
    import json

    from vrurisk.data import write_directory_atomically
    from vrurisk.linkage._report import render_linkage_report

    html = render_linkage_report(result.summary)

    def write(tmp: Path) -> None:
        result.crosswalk.to_csv(tmp / CROSSWALK_FILE, index=False)
        result.people.to_csv(tmp / PEOPLE_FILE, index=False)
        (tmp / REPORT_JSON).write_text(
            json.dumps(result.summary, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
            encoding="utf-8",
        )
        (tmp / REPORT_HTML).write_text(html, encoding="utf-8")

    return write_directory_atomically(out, write, output=LINKAGE_OUTPUT, protected=protected)


def _crosswalk(clusters: pd.DataFrame, secret: bytes) -> pd.DataFrame:
    """Each record's person id: a keyed hash of the cluster's first record (opaque, no order)."""
    from vrurisk.privacy import PseudonymKey, pseudonymise

    members = clusters["agency"].astype(str) + "\x1f" + clusters["agency_id"].astype(str)
    first = members.groupby(clusters["cluster"]).transform("min")
    key = PseudonymKey(secret, f"environment variable {KEY_ENV_VAR}")
    crosswalk = clusters[["agency", "agency_id"]].copy()
    crosswalk["person_id"] = "L" + pseudonymise(first, key)
    return crosswalk.sort_values(["agency", "agency_id"], ignore_index=True)


def _flat_records(records: dict[str, pd.DataFrame], crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Every record's attributes (no names) with its person and whether it links elsewhere."""
    frames = [
        frame[["agency_id", "birth_date", "sex", "ethnicity"]].assign(agency=agency)
        for agency, frame in records.items()
    ]
    flat = pd.concat(frames, ignore_index=True).merge(crosswalk, on=["agency", "agency_id"])
    flat["linked"] = flat.groupby("person_id")["agency"].transform("nunique") > 1
    return flat


def _mode(flat: pd.DataFrame, column: str) -> pd.Series:
    """The most common non-missing value per person (ties: the smallest value)."""
    values = flat[["person_id", column]].dropna()
    counts = values.value_counts().reset_index(name="n")
    counts = counts.sort_values(["person_id", "n", column], ascending=[True, False, True])
    return counts.drop_duplicates("person_id").set_index("person_id")[column]


def _people(flat: pd.DataFrame) -> pd.DataFrame:
    people = pd.DataFrame(index=pd.Index(sorted(flat["person_id"].unique()), name="person_id"))
    for column in ("birth_date", "sex", "ethnicity"):
        people[column] = _mode(flat, column)
    return people.reset_index()


def _audited_attributes(config: LinkageConfig, flat: pd.DataFrame) -> tuple[list[str], list[str]]:
    attributes, warnings = [], []
    for attribute in config.audit.attributes:
        if attribute == "age_band":
            if config.audit.age_on is None:
                warnings.append(
                    "audit.age_on is not set, so linkage rates by age band are not shown "
                    "(set it to the extraction date of the tables)."
                )
                continue
            attributes.append(attribute)
            continue
        source = "sex" if attribute == "sex" else "ethnicity"
        without = [
            agency
            for agency, table in config.agencies.items()
            if source not in table.columns
            or flat.loc[flat["agency"] == agency, source].isna().all()
        ]
        if len(without) == len(config.agencies):
            warnings.append(
                f"No agency records {attribute}, so linkage rates by {attribute} are not shown."
            )
            continue
        if without:
            warnings.append(
                f"{', '.join(without)} {'does' if len(without) == 1 else 'do'} not record "
                f"{attribute}: {'its' if len(without) == 1 else 'their'} records count as "
                f"'{NOT_RECORDED}' in the rates by {attribute}."
            )
        attributes.append(attribute)
    return attributes, warnings


def _people_warnings(people: pd.DataFrame) -> list[str]:
    from vrurisk._text import plural

    no_birth = int(people["birth_date"].isna().sum())
    if not no_birth:
        return []
    verb = "has" if no_birth == 1 else "have"
    return [
        f"{plural(no_birth, 'person', 'people')} in people.csv {verb} no date of birth on any of "
        "their records; the data contract needs one."
    ]
