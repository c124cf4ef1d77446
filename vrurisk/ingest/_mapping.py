"""Agency exports mapped onto the data contract by a YAML file, with a report of what was kept.

A mapping names each source file (CSV or Excel), the contract table it feeds, which of its
columns holds each contract field, the date format of the file (UK day-first ``%d/%m/%Y`` unless
said otherwise), value maps for event types and roles, and the agency's name for the ``source``
column; a CSV separated otherwise than by commas names its ``delimiter`` (``;``, ``tab`` or
``|``). :func:`ingest` reads every source, maps and checks it, drops what cannot be used (and
counts why), validates the tables against the contract (:meth:`~vrurisk.data.Dataset.from_frames`)
and only then writes them, with ``mapping_report.json``, atomically: a mapping never leaves a
directory that does not validate.

Example mapping::

    mapping_version: 1
    extraction_date: 2025-12-31
    sources:
      - name: police
        file: police_crimes.csv
        table: events
        date_format: "%d/%m/%Y"
        columns: {person_id: Nominal ID, event_date: Offence Date, event_type: HO Code,
                  role: Involvement, incident_id: Crime Ref}
        values:
          event_type: {"105/1": serious_violence, "8/1": violence}
          role: {Suspect: suspect, Victim: victim}

With a ``crosswalk`` (the output of ``vrurisk link``, or its ``crosswalk.csv``), a source with
``agency: police`` holds that agency's own record ids in its ``person_id`` column (and
``person_a``/``person_b`` for links); each is replaced by the linked ``person_id``, so events
from every agency attach to one person (agency names match the crosswalk's without regard to
case or surrounding spaces). Records whose id is not in the crosswalk are counted per
source in the report and named in a warning, then dropped (``unlinked: drop``, the default) or
stop the ingest (``unlinked: error``); they are never dropped silently.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from vrurisk._config_errors import format_validation_error
from vrurisk._errors import ConfigError
from vrurisk.data import OPTIONAL_TABLES, TABLES, OutputKind, check_output_directory, read_csv_text

UK_DATES = "%d/%m/%Y"
EXCEL = (".xlsx", ".xlsm")

BAD_MAPPING = "{path}: {reason}"
NO_FILE = "{mapping}: sources[{i}] ({name}).file: {file} not found"
NO_COLUMN = (
    "{mapping}: sources[{i}] ({name}).columns.{field}: column {column!r} is not in {file} "
    "(its columns: {found}){hint}"
)
UNKNOWN_FIELD = (
    "{mapping}: sources[{i}] ({name}).columns.{field}: not a field of the {table} table "
    "(fields: {fields})"
)
MISSING_FIELD = (
    "{mapping}: sources[{i}] ({name}).columns: the {table} table needs {missing}; map them "
    "to columns of {file}"
)
NO_SHEET = "{mapping}: sources[{i}] ({name}).sheet: {sheet!r} is not a sheet of {file} ({found})"
UNREADABLE = "{mapping}: sources[{i}] ({name}).file: {file} cannot be read ({reason}){hint}"
BAD_DELIMITER = (
    "{mapping}: sources[{i}] ({name}).delimiter: {value!r} is not a delimiter vrurisk reads; "
    "use one of ',', ';', tab, '|'"
)
DELIMITER_HINT = "; it looks {shown}-separated: set delimiter: {setting} on this source"
NO_PEOPLE = "{mapping}: no source feeds the people table"
NO_EVENTS = "{mapping}: no source feeds the events table"
NO_CROSSWALK = (
    "{mapping}: sources[{i}] ({name}).agency: needs a crosswalk (the output of vrurisk link) "
    "at the top of the mapping"
)
UNKNOWN_AGENCY = (
    "{mapping}: sources[{i}] ({name}).agency: {agency!r} is not an agency of the crosswalk "
    "(its agencies: {agencies})"
)
UNLINKED = (
    "{mapping}: sources[{i}] ({name}): {rows} not in the crosswalk for {agency} ({file} "
    "{lines}); link the agency's person table with vrurisk link first, or set unlinked: drop"
)
UNKNOWN_PERSON = "person not in the people table"
NOTHING_LEFT = "{mapping}: no {table} rows left to write: {why}"

#: How exports spell an empty cell (compared without regard to case); read as empty, as
#: pandas already reads these Excel cells, so an open custody period is not a bad date.
NULL_SPELLINGS = frozenset(["null", "n/a", "na", "none", "nan", "nat", "#n/a", "<na>"])

#: The ``delimiter`` values of a source and the character each means.
DELIMITERS = {",": ",", ";": ";", "\t": "\t", "\\t": "\t", "tab": "\t", "|": "|"}

#: Link-table columns holding people, re-keyed through the crosswalk.
PERSON_COLUMNS = {
    "custody": ("person_id",),
    "people": ("person_id",),
    "events": ("person_id",),
    "links": ("person_a", "person_b"),
}

#: What ``vrurisk ingest`` writes: the contract's tables, dataset.json and the mapping report.
INGESTED_DATASET = OutputKind(
    "a mapped dataset (vrurisk ingest)",
    "mapping_report.json",
    frozenset(
        [
            f"{t}.{fmt}"
            for t in ("people", "events", "links", "custody")
            for fmt in ("parquet", "csv")
        ]
        + ["dataset.json"]
    ),
)

#: The tables a source may feed: the contract's three and the custody periods.
MAPPED_TABLES = {**TABLES, "custody": OPTIONAL_TABLES["custody"]}

#: Fields whose values may be mapped, per table.
MAPPABLE = {"events": ("event_type", "role", "source"), "people": ("sex", "ethnicity")}


class SourceMapping(BaseModel):
    """One agency export and how it maps onto one contract table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    file: str = Field(min_length=1)
    table: Literal["people", "events", "links", "custody"]
    sheet: str | None = None
    delimiter: str = ","
    date_format: str = UK_DATES
    columns: dict[str, str]
    values: dict[str, dict[str, str]] = {}
    unmapped: Literal["keep", "drop"] = "drop"
    source: str | None = None
    constants: dict[str, str] = {}
    agency: str | None = None

    @field_validator("values")
    @classmethod
    def _folded(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        return {field: {str(k): str(v) for k, v in m.items()} for field, m in value.items()}


class Mapping(BaseModel):
    """A mapping file: the extraction date and the sources."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mapping_version: Literal[1]
    extraction_date: str | None = None
    format: Literal["parquet", "csv"] = "parquet"
    crosswalk: str | None = None
    unlinked: Literal["drop", "error"] = "drop"
    sources: tuple[SourceMapping, ...] = Field(min_length=1)


def load_mapping(path: str | os.PathLike) -> Mapping:
    """Read and validate a mapping file; one-line :class:`ConfigError` naming the key."""
    from vrurisk.config import read_config_file

    path = Path(path)
    raw = read_config_file(path)
    if isinstance(raw, dict) and raw.get("extraction_date") is not None:
        raw["extraction_date"] = str(raw["extraction_date"])
    try:
        mapping = Mapping.model_validate(raw)
    except ValidationError as exc:
        reason = format_validation_error(exc, Mapping)
        raise ConfigError(BAD_MAPPING.format(path=path, reason=reason)) from exc
    sources = []
    for i, spec in enumerate(mapping.sources):
        sep = DELIMITERS.get(spec.delimiter, DELIMITERS.get(spec.delimiter.strip().lower()))
        if sep is None:
            where = dict(mapping=path, i=i, name=spec.name, value=spec.delimiter)
            raise ConfigError(BAD_DELIMITER.format(**where))
        sources.append(spec.model_copy(update={"delimiter": sep}))
    return mapping.model_copy(update={"sources": tuple(sources)})


def _delimiter_hint(header: str, used: str) -> str:
    """When a header holds no ``used`` delimiter but another one: which to set ("" if none)."""
    if used in header:
        return ""
    for sep in dict.fromkeys(DELIMITERS.values()):
        if sep != used and sep in header:
            shown, setting = ("tab", "tab") if sep == "\t" else (repr(sep), f'"{sep}"')
            return DELIMITER_HINT.format(shown=shown, setting=setting)
    return ""


def _first_line(path: Path) -> str:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            return handle.readline()
    except OSError:
        return ""


def _read_source(base: Path, i: int, spec: SourceMapping, mapping: Path) -> pd.DataFrame:
    path = (base / spec.file).resolve()
    where = dict(mapping=mapping, i=i, name=spec.name, file=path)
    if not path.is_file():
        raise ConfigError(NO_FILE.format(**where))
    try:
        if path.suffix.lower() in EXCEL:
            import openpyxl  # noqa: F401 - a clear ImportError before pandas' own

            with pd.ExcelFile(path, engine="openpyxl") as sheets:
                sheet = spec.sheet if spec.sheet is not None else sheets.sheet_names[0]
                if sheet not in sheets.sheet_names:
                    found = sheets.sheet_names
                    raise ConfigError(NO_SHEET.format(sheet=sheet, found=found, **where))
                frame = pd.read_excel(sheets, sheet_name=sheet, dtype=str)
        else:
            frame = read_csv_text(path, sep=spec.delimiter)
    except ConfigError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is one line naming the file
        reason = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
        csv = path.suffix.lower() not in EXCEL
        hint = _delimiter_hint(_first_line(path), spec.delimiter) if csv else ""
        raise ConfigError(UNREADABLE.format(reason=reason, hint=hint, **where)) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _check_columns(frame, i, spec: SourceMapping, mapping: Path, base: Path) -> None:
    table = MAPPED_TABLES[spec.table]
    where = dict(mapping=mapping, i=i, name=spec.name, file=(base / spec.file).resolve())
    for field, column in spec.columns.items():
        if field not in table.known:
            raise ConfigError(
                UNKNOWN_FIELD.format(
                    field=field, table=spec.table, fields=", ".join(table.known), **where
                )
            )
        if column not in frame.columns:
            one = len(frame.columns) == 1 and where["file"].suffix.lower() not in EXCEL
            hint = _delimiter_hint(str(frame.columns[0]), spec.delimiter) if one else ""
            raise ConfigError(
                NO_COLUMN.format(
                    field=field, column=column, found=list(frame.columns), hint=hint, **where
                )
            )
    required = [f for f in table.required if f not in spec.columns and f not in spec.constants]
    if required:
        raise ConfigError(MISSING_FIELD.format(table=spec.table, missing=required, **where))


def _map_source(frame: pd.DataFrame, spec: SourceMapping, report: dict) -> pd.DataFrame:
    """Rename, parse dates, map values; drop rows that cannot be used and count why."""
    table = MAPPED_TABLES[spec.table]
    out = pd.DataFrame({field: frame[column] for field, column in spec.columns.items()})
    read_as_empty = {}
    for field in out.columns:
        text = out[field].astype("string").str.strip().replace("", pd.NA)
        null = text.str.casefold().isin(NULL_SPELLINGS).fillna(False)
        if null.any():
            counts = text[null].value_counts().sort_index()
            read_as_empty[field] = {str(k): int(v) for k, v in counts.items()}
            text = text.mask(null)
        out[field] = text
    for field, value in spec.constants.items():
        out[field] = pd.Series(value, index=out.index, dtype="string")
    if spec.table == "events" and "source" not in out.columns:
        out["source"] = spec.source or spec.name
    dropped: dict[str, int] = {}

    def drop(mask, reason: str) -> None:
        nonlocal out
        n = int(mask.sum())
        if n:
            dropped[reason] = dropped.get(reason, 0) + n
            out = out[~mask]

    for field in table.required:
        drop(out[field].isna().to_numpy(), f"empty {field} ({spec.columns.get(field, field)})")
    for field in table.date_columns:
        if field not in out.columns:
            continue
        text = out[field]
        fmt = "ISO8601" if spec.date_format.upper() == "ISO8601" else spec.date_format
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        # Excel cells holding real dates arrive as ISO text ("2023-05-01 00:00:00")
        iso = parsed.isna() & text.str.match(r"^\d{4}-\d{2}-\d{2}").fillna(False)
        if iso.any():
            parsed[iso] = pd.to_datetime(text[iso], format="ISO8601", errors="coerce")
        bad = (parsed.isna() & text.notna()).to_numpy()
        drop(bad, f"{field} not a date in the format {spec.date_format}")
        out[field] = parsed[~bad]
    unmapped = {}
    for field, table_map in spec.values.items():
        if field not in out.columns:
            continue
        folded = {k.strip().casefold(): v for k, v in table_map.items()}
        values = out[field]
        distinct = values.dropna().unique()
        lookup = {v: folded.get(str(v).strip().casefold()) for v in distinct}
        missing = [v for v, target in lookup.items() if target is None]
        if missing:
            counts = values[values.isin(missing)].value_counts()
            unmapped[field] = {str(k): int(v) for k, v in counts.items()}
        mapped = values.map({k: v for k, v in lookup.items() if v is not None})
        if spec.unmapped == "drop":
            drop(
                (values.notna() & mapped.isna()).to_numpy(), f"{field} value not in values.{field}"
            )
            out[field] = mapped[out.index]
        else:
            out[field] = mapped.fillna(values)
    report["sources"].append(
        {
            "name": spec.name,
            "file": spec.file,
            "table": spec.table,
            "rows_read": len(frame),
            "rows_kept": len(out),
            "rows_dropped": dropped,
            "unmapped_values": unmapped,
            "read_as_empty": read_as_empty,
        }
    )
    return out


def _crosswalk(mapping: Mapping, base: Path, mapping_path: Path):
    """The checked crosswalk (or None) and the mapping with each ``agency`` spelled as in it.

    Agency names match without regard to case or surrounding spaces; reports use the
    crosswalk's spelling.
    """
    from vrurisk.linkage import crosswalk_agency, read_crosswalk

    crosswalk = read_crosswalk(base / mapping.crosswalk) if mapping.crosswalk else None
    sources = []
    for i, spec in enumerate(mapping.sources):
        if spec.agency is not None:
            where = dict(mapping=mapping_path, i=i, name=spec.name)
            if crosswalk is None:
                raise ConfigError(NO_CROSSWALK.format(**where))
            agency = crosswalk_agency(spec.agency, crosswalk)
            if agency is None:
                agencies = ", ".join(sorted(set(crosswalk["agency"])))
                raise ConfigError(
                    UNKNOWN_AGENCY.format(agency=spec.agency, agencies=agencies, **where)
                )
            spec = spec.model_copy(update={"agency": agency})
        sources.append(spec)
    return crosswalk, mapping.model_copy(update={"sources": tuple(sources)})


def _attach(
    out, i, spec: SourceMapping, crosswalk, mapping: Mapping, path: Path, report
) -> pd.DataFrame:
    """Replace the agency's record ids by linked person ids; count (or refuse) unlinked rows."""
    from vrurisk._text import line_numbers, plural
    from vrurisk.linkage import linked_person_ids

    unlinked = pd.Series(False, index=out.index)
    linked = {}
    for field in PERSON_COLUMNS[spec.table]:
        person = linked_person_ids(
            [spec.agency] * len(out), out[field].astype(str).to_numpy(), crosswalk
        )
        linked[field] = person
        unlinked |= pd.isna(person)
    n = int(unlinked.sum())
    ids = "/".join(spec.columns.get(f, f) for f in PERSON_COLUMNS[spec.table])
    if n and mapping.unlinked == "error":
        raise ConfigError(
            UNLINKED.format(
                mapping=path,
                i=i,
                name=spec.name,
                rows=plural(n, f"row's {ids}", f"rows' {ids}"),
                agency=spec.agency,
                file=spec.file,
                lines=line_numbers(out.index[unlinked.to_numpy()] + 2),
            )
        )
    entry = report["sources"][-1]
    entry["not_in_crosswalk"] = n
    if n:
        why = (
            f"{'/'.join(PERSON_COLUMNS[spec.table])} ({ids}) not in the crosswalk for {spec.agency}"
        )
        entry["rows_dropped"][why] = n
        entry["rows_kept"] -= n
        verb = "has" if n == 1 else "have"
        report["warnings"].append(
            f"{spec.name} ({spec.file}): {n:,} of {entry['rows_read']:,} "
            f"{'row' if entry['rows_read'] == 1 else 'rows'} {verb} a {ids} not in the crosswalk "
            f"for {spec.agency} (dropped; unlinked: error stops instead)"
        )
    out = out.copy()
    for field, person in linked.items():
        out[field] = pd.array(person, dtype="string")
    return out[~unlinked.to_numpy()]


def _drop_unknown_people(tables: dict, report: dict) -> None:
    ids = pd.Index(tables["people"]["person_id"].unique())
    checks = {
        "events": ("person_id",),
        "links": ("person_a", "person_b"),
        "custody": ("person_id",),
    }
    for table, columns in checks.items():
        frame = tables.get(table)
        if frame is None or not len(frame):
            continue
        unknown = pd.Series(False, index=frame.index)
        for column in columns:
            unknown |= ~frame[column].isin(ids)
        n = int(unknown.sum())
        if n:
            report["dropped_after_join"][table] = {UNKNOWN_PERSON: n}
            tables[table] = frame[~unknown]


def _count_unknown_people(parts, sources, people_ids, crosswalk, report: dict) -> None:
    """Per source, the rows the people join will drop; a warning for a source left empty."""
    ids = pd.Index(people_ids.unique())
    for table in ("events", "links", "custody"):
        for frame, (_, entry) in zip(parts[table], sources[table], strict=True):
            unknown = np.zeros(len(frame), dtype=bool)
            for column in PERSON_COLUMNS[table]:
                unknown |= ~frame[column].isin(ids).to_numpy()
            if unknown.any():
                entry["rows_dropped"][UNKNOWN_PERSON] = int(unknown.sum())
                entry["rows_kept"] -= int(unknown.sum())
    for spec, entry in (pair for pairs in sources.values() for pair in pairs):
        if not entry["rows_read"] or entry["rows_kept"]:
            continue
        dropped = ", ".join(f"{n:,} {reason}" for reason, n in entry["rows_dropped"].items())
        hint = ""
        if (
            crosswalk is not None
            and spec.agency is None
            and UNKNOWN_PERSON in entry["rows_dropped"]
        ):
            hint = "; with a crosswalk, a source holding an agency's own ids needs agency: NAME"
        report["warnings"].append(
            f"{spec.name} ({spec.file}): none of its {entry['rows_read']:,} rows kept "
            f"({dropped}){hint}"
        )


def _check_rows_left(tables: dict, report: dict, mapping_path: Path) -> None:
    """One line naming the sources (and why their rows went) for a table left without rows."""
    for table in ("people", "events", "custody"):
        if table not in tables or len(tables[table]):
            continue
        why = []
        for s in report["sources"]:
            if s["table"] == table:
                dropped = ", ".join(f"{n:,} {reason}" for reason, n in s["rows_dropped"].items())
                kept = f"dropped {dropped}" if dropped else f"kept {s['rows_kept']:,}"
                why.append(f"{s['name']} ({s['file']}) read {s['rows_read']:,}, {kept}")
        raise ConfigError(
            NOTHING_LEFT.format(mapping=mapping_path, table=table, why="; ".join(why))
        )


def ingest(mapping_path: str | os.PathLike, out: str | os.PathLike, *, force: bool = False) -> dict:
    """Map the sources named in a mapping file onto the data contract and write it to ``out``.

    Parameters
    ----------
    mapping_path : path
        The mapping YAML; source files are relative to it.
    out : path
        Directory for ``people``, ``events`` (and ``links``), ``dataset.json`` and
        ``mapping_report.json``. Written atomically, once the tables have validated; an
        existing ``out`` is replaced only if it is a previous ingest output (or ``force``),
        and never when it holds the mapping or its exports.
    force : bool

    Returns
    -------
    dict
        The mapping report: per source rows read, kept and dropped (by reason) and unmapped
        values with counts, and (with a crosswalk) rows whose agency id is not in it; rows
        dropped for unknown people; duplicate people removed; ``warnings``; seconds.

    Raises
    ------
    ConfigError
        One line naming the mapping file and key (a missing file, column or field, an unknown
        delimiter, an agency without a crosswalk; with ``unlinked: error``, a record not in
        the crosswalk).
    DataValidationError
        A crosswalk with a bad shape (missing column, empty value, an agency id mapped to two
        people, two spellings of one agency differing only in case), or tables that break
        the contract.
    """
    from vrurisk.data import Dataset, save_dataset

    started = time.perf_counter()
    mapping_path = Path(mapping_path)
    mapping = load_mapping(mapping_path)
    base = mapping_path.parent
    inputs = [mapping_path] + [(base / s.file) for s in mapping.sources]
    if mapping.crosswalk:
        inputs.append(base / mapping.crosswalk)
    check_output_directory(out, INGESTED_DATASET, force=force, protected=inputs)
    report: dict = {
        "mapping": str(mapping_path),
        "sources": [],
        "dropped_after_join": {},
        "warnings": [],
    }
    crosswalk, mapping = _crosswalk(mapping, base, mapping_path)
    if crosswalk is not None:
        report["crosswalk"] = {
            "path": str(base / mapping.crosswalk),
            "records": len(crosswalk),
            "people": int(crosswalk["person_id"].nunique()),
            "unlinked": mapping.unlinked,
        }
    parts: dict[str, list] = {"people": [], "events": [], "links": [], "custody": []}
    sources: dict[str, list] = {table: [] for table in parts}
    for i, spec in enumerate(mapping.sources):
        frame = _read_source(base, i, spec, mapping_path)
        _check_columns(frame, i, spec, mapping_path, base)
        mapped = _map_source(frame, spec, report)
        if spec.agency is not None:
            mapped = _attach(mapped, i, spec, crosswalk, mapping, mapping_path, report)
        parts[spec.table].append(mapped)
        sources[spec.table].append((spec, report["sources"][-1]))
    if not parts["people"]:
        raise ConfigError(NO_PEOPLE.format(mapping=mapping_path))
    if not parts["events"]:
        raise ConfigError(NO_EVENTS.format(mapping=mapping_path))
    tables = {name: pd.concat(p, ignore_index=True) for name, p in parts.items() if p}
    people = tables["people"]
    duplicated = people["person_id"].duplicated()
    report["duplicate_people_removed"] = int(duplicated.sum())
    tables["people"] = people[~duplicated]
    _count_unknown_people(parts, sources, tables["people"]["person_id"], crosswalk, report)
    _drop_unknown_people(tables, report)
    _check_rows_left(tables, report, mapping_path)
    dataset = Dataset.from_frames(
        tables["people"].reset_index(drop=True),
        tables["events"].reset_index(drop=True),
        tables["links"].reset_index(drop=True) if "links" in tables else None,
        extraction_date=mapping.extraction_date,
        source=str(mapping_path),
    )
    if "custody" in tables:
        dataset = dataset.with_tables(custody=tables["custody"].reset_index(drop=True))
    report["rows_written"] = {
        "people": dataset.n_people,
        "events": len(dataset.events),
        "links": len(dataset.links),
        "custody": 0 if dataset.custody is None else len(dataset.custody),
    }
    report["extraction_date"] = str(dataset.extraction_date.date())
    report["seconds"] = round(time.perf_counter() - started, 2)
    text = json.dumps(report, indent=2, sort_keys=True) + "\n"
    save_dataset(
        dataset,
        out,
        format=mapping.format,
        extra_tables=None,
        extra_files={"mapping_report.json": text},
        output=INGESTED_DATASET,
        force=force,
    )
    return report


def describe_report(report: dict) -> str:
    """The mapping report as a few lines for the terminal."""
    lines = []
    for s in report["sources"]:
        dropped = ", ".join(f"{n:,} {why}" for why, n in s["rows_dropped"].items()) or "none"
        lines.append(
            f"{s['name']} ({s['file']} -> {s['table']}): read {s['rows_read']:,}, kept "
            f"{s['rows_kept']:,}; dropped: {dropped}"
        )
        for what, key in (("unmapped", "unmapped_values"), ("read as empty", "read_as_empty")):
            for field, values in s.get(key, {}).items():
                shown = ", ".join(f"{v!r} x{n:,}" for v, n in list(values.items())[:8])
                more = f" and {len(values) - 8} more" if len(values) > 8 else ""
                lines.append(f"  {what} {field}: {shown}{more}")
    for table, reasons in report["dropped_after_join"].items():
        for why, n in reasons.items():
            lines.append(f"{table}: dropped {n:,} rows: {why}")
    if report.get("duplicate_people_removed"):
        lines.append(f"people: {report['duplicate_people_removed']:,} duplicate person_id removed")
    written = report["rows_written"]
    custody = f", custody periods {written['custody']:,}" if written.get("custody") else ""
    lines.append(
        f"written: people {written['people']:,}, events {written['events']:,}, links "
        f"{written['links']:,}{custody} (extraction date {report['extraction_date']})"
    )
    return "\n".join(lines)
