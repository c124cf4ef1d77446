"""Fuzzing the data contract: corrupted tables load cleanly or fail with DataValidationError.

Valid small tables are corrupted (columns dropped or renamed, nulls, bad and mixed dates,
duplicate ids, unknown people, self-links, wrong types, huge values, empty tables and files,
non-UTF-8 bytes, truncated Parquet, byte-order marks, whitespace, stray dataset.json) and then
loaded three ways: from CSV files, from Parquet files, and from in-memory frames. Loading must
either give a dataset that honours the contract or raise the library's own
:class:`DataValidationError`, never anything else; ``vrurisk validate`` on the same files must
exit 0, or exit 2 with exactly one line on stderr.

``VRURISK_FUZZ_EXAMPLES`` sets the number of examples per test (default 100);
``benchmarks/fuzz_inputs.py`` runs many more and prints the tally kept in ``TALLY``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from cli_helpers import run_cli
from contract_tables import EXTRACTION, tiny_frames
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from vrurisk import DataValidationError
from vrurisk.data import ROLES, TABLES, Dataset, load_dataset

EXAMPLES = int(os.environ.get("VRURISK_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Outcomes of every case tried in this process: (target, "loaded" | "rejected") -> count.
TALLY: Counter = Counter()
#: Every rejection message, for the benchmark's breakdown by error template.
MESSAGES: list[str] = []

NASTY_TEXT = [
    "",
    " ",
    "\t",
    "NaN",
    "null",
    "None",
    "N/A",
    "2020-02-30",
    "31/12/2020",
    "12/31/2020",
    "2020-1-1",
    "2020-01-01T25:00",
    "2020-01-01Z",
    "2020-01-01T10:00+05:00",
    "2020-01-01T10:00-11:00",
    "20200101",
    "2020",
    "2020-06",
    "9999-12-31",
    "0001-01-01",
    "1899-12-31",
    "2262-04-12",
    "1677-09-21",
    "2024-01-02",
    " 2020-01-01 ",
    "1e308",
    "-1e308",
    "1e13",
    "inf",
    "-inf",
    "999999999999999999999999999999",
    "0x1F",
    "p1",
    "p2",
    "007",
    "7",
    "ghost",
    "suspect",
    "Victim",
    "perp",
    "a,b",
    'quote"inside',
    "line\nbreak",
    "\ufeffp1",
    "é",
    "\u2028",
    "\x00",
]

SCALARS = st.one_of(
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=10),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.binary(max_size=5),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat()),
)

COLUMN_TYPES = ["int", "float", "bool", "datetime", "bytes", "text", "category"]

TABLE_NAMES = list(TABLES)
COLUMNS = {name: sorted(set(tiny_frames()[name].columns)) for name in TABLE_NAMES}


@st.composite
def frame_corruption(draw):
    """One change to the frames before they are written."""
    table = draw(st.sampled_from(TABLE_NAMES))
    column = draw(st.sampled_from(COLUMNS[table] + ["person_idx", "extra"]))
    kind = draw(
        st.sampled_from(
            [
                "drop",
                "rename",
                "null",
                "set",
                "set",
                "set",
                "duplicate_row",
                "unknown_person",
                "self_link",
                "empty",
                "retype",
                "shuffle",
                "huge_ids",
            ]
        )
    )
    row = draw(st.integers(min_value=0, max_value=9))
    value = draw(SCALARS)
    new_name = draw(
        st.sampled_from([column.upper(), f" {column} ", column[:-1], column + "_x", "", "x.1"])
    )
    retype = draw(st.sampled_from(COLUMN_TYPES))
    return (kind, table, column, row, value, new_name, retype)


@st.composite
def file_corruption(draw):
    """One change to the written files."""
    table = draw(st.sampled_from(TABLE_NAMES + ["dataset"]))
    kind = draw(
        st.sampled_from(
            [
                "empty",
                "truncate",
                "insert_bytes",
                "bom",
                "crlf",
                "delete",
                "both_formats",
                "pad_header",
                "duplicate_header",
                "json_garbage",
            ]
        )
    )
    position = draw(st.floats(min_value=0, max_value=1))
    payload = draw(st.binary(min_size=1, max_size=8))
    garbage = draw(
        st.one_of(
            st.sampled_from(
                [
                    "",
                    "{",
                    "[]",
                    "null",
                    '{"extraction_date": null}',
                    '{"extraction_date": 20240101}',
                    '{"extraction_date": "2019-01-01"}',
                    '{"extraction_date": "9999-01-01"}',
                    '{"extraction_date": ["2024-01-01"]}',
                    '{"extraction_date": "2024-01-01T23:59:59+14:00"}',
                ]
            ),
            st.text(max_size=20),
        )
    )
    return (kind, table, position, payload, garbage)


def apply_frame_corruption(frames: dict[str, pd.DataFrame], change) -> None:
    kind, table, column, row, value, new_name, retype = change
    frame = frames[table]
    if column not in frame.columns:
        frame[column] = "junk"
    row = row % len(frame) if len(frame) else 0
    if kind == "drop":
        frames[table] = frame.drop(columns=[column])
    elif kind == "rename":
        frames[table] = frame.rename(columns={column: new_name})
    elif kind == "null" and len(frame):
        set_cell(frame, row, column, None)
    elif kind == "set" and len(frame):
        set_cell(frame, row, column, value)
    elif kind == "duplicate_row" and len(frame):
        frames[table] = pd.concat([frame, frame.iloc[[row]]], ignore_index=True)
    elif kind == "unknown_person" and table != "people" and len(frame):
        target = "person_id" if table == "events" else "person_b"
        if target in frame.columns:
            set_cell(frame, row, target, "ghost")
    elif kind == "self_link" and {"person_a", "person_b"} <= set(frame.columns) and len(frame):
        set_cell(frame, row, "person_b", frame["person_a"].iloc[row])
    elif kind == "empty":
        frames[table] = frame.iloc[0:0]
    elif kind == "retype":
        frame[column] = retyped(len(frame), retype, row)
    elif kind == "shuffle":
        frames[table] = frame.sample(frac=1.0, random_state=row).reset_index(drop=True)
    elif kind == "huge_ids":
        for name, spec in TABLES.items():
            for col in set(spec.person_columns) & set(frames[name].columns):
                frames[name][col] = frames[name][col].map(lambda v: f"{v}{'x' * 5000}")


def corrupted_frames(changes) -> dict[str, pd.DataFrame]:
    """The tiny valid tables with ``changes`` applied; impossible changes reject the example."""
    frames = tiny_frames()
    try:
        for change in changes:
            apply_frame_corruption(frames, change)
    except (TypeError, ValueError, KeyError, IndexError):
        reject()
    return frames


def set_cell(frame: pd.DataFrame, row: int, column: str, value) -> None:
    """Put any value in one cell (the column becomes an object column first)."""
    if frame.columns.tolist().count(column) != 1:
        return
    frame[column] = frame[column].astype(object)
    frame.iloc[row, frame.columns.get_loc(column)] = value


def retyped(n: int, kind: str, seed: int) -> pd.Series:
    """A whole column of one (usually wrong) type; Parquet can store every one of them."""
    rng = np.random.default_rng(seed)
    values = {
        "int": lambda: pd.Series(rng.integers(-(2**62), 2**62, n)),
        "float": lambda: pd.Series(rng.normal(0, 1e15, n)),
        "bool": lambda: pd.Series(rng.random(n) < 0.5),
        "datetime": lambda: pd.Series(pd.to_datetime(rng.integers(0, 2**40, n), unit="s")),
        "bytes": lambda: pd.Series([bytes([200 + i % 50, 255]) for i in range(n)], dtype=object),
        "text": lambda: pd.Series([f"t{i}" for i in range(n)]),
        "category": lambda: pd.Series([f"c{i % 2}" for i in range(n)], dtype="category"),
    }
    return values[kind]()


def write_frames(directory: Path, frames: dict[str, pd.DataFrame], fmt: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        if fmt == "csv":
            frame.to_csv(directory / f"{name}.csv", index=False)
            continue
        try:
            frame.to_parquet(directory / f"{name}.parquet", index=False)
        except Exception:  # pyarrow cannot store mixed-type object columns: store them as text
            (directory / f"{name}.parquet").unlink(missing_ok=True)
            fixed = frame.loc[:, ~frame.columns.duplicated()].copy()
            for col in fixed.columns:
                if fixed[col].dtype == object:
                    fixed[col] = fixed[col].map(lambda v: None if v is None else str(v))
            fixed.to_parquet(directory / f"{name}.parquet", index=False)
    (directory / "dataset.json").write_text(json.dumps({"extraction_date": EXTRACTION}))


def apply_file_corruption(directory: Path, change, fmt: str) -> None:
    kind, table, position, payload, garbage = change
    path = directory / ("dataset.json" if table == "dataset" else f"{table}.{fmt}")
    if not path.exists():
        return
    raw = path.read_bytes()
    cut = int(position * len(raw))
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncate":
        path.write_bytes(raw[:cut])
    elif kind == "insert_bytes":
        path.write_bytes(raw[:cut] + payload + raw[cut:])
    elif kind == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + raw)
    elif kind == "crlf":
        path.write_bytes(raw.replace(b"\n", b"\r\n"))
    elif kind == "delete":
        path.unlink()
    elif kind == "both_formats" and table != "dataset":
        other = "parquet" if fmt == "csv" else "csv"
        (directory / f"{table}.{other}").write_bytes(raw)
    elif kind == "pad_header" and fmt == "csv":
        header, _, rest = raw.partition(b"\n")
        padded = b",".join(b"  " + name + b" " for name in header.split(b","))
        path.write_bytes(padded + b"\n" + rest)
    elif kind == "duplicate_header" and fmt == "csv":
        header, _, rest = raw.partition(b"\n")
        names = header.split(b",")
        names[-1] = names[0]
        path.write_bytes(b",".join(names) + b"\n" + rest)
    elif kind == "json_garbage":
        (directory / "dataset.json").write_text(garbage)


def check_contract(ds: Dataset) -> None:
    """What every loaded dataset promises downstream code."""
    people, events, links = ds.people, ds.events, ds.links
    assert len(people) and len(events)  # links may be empty (ties from shared incidents)
    assert people["person_id"].notna().all() and people["person_id"].is_unique
    assert (people["person_idx"].to_numpy() == np.arange(len(people))).all()
    for frame, column, idx in (
        (events, "person_id", "person_idx"),
        (links, "person_a", "idx_a"),
        (links, "person_b", "idx_b"),
    ):
        positions = frame[idx].to_numpy()
        assert ((positions >= 0) & (positions < len(people))).all()
        assert (people["person_id"].to_numpy()[positions] == frame[column].to_numpy()).all()
    for frame, column in (
        (people, "birth_date"),
        (events, "event_date"),
        (links, "link_date"),
    ):
        assert frame[column].dtype == "datetime64[ns]"
        assert frame[column].notna().all()
        assert (frame[column] <= ds.extraction_date).all()
        assert (frame[column] == frame[column].dt.normalize()).all()
    birth = people["birth_date"].to_numpy()[events["person_idx"].to_numpy()]
    assert (events["event_date"].to_numpy() >= birth).all()
    assert (links["idx_a"] != links["idx_b"]).all()
    if "role" in events:
        assert events["role"].dropna().isin(ROLES).all()
    for frame, column in ((events, "severity"), (links, "weight")):
        if column in frame:
            values = frame[column].dropna().to_numpy(dtype=float)
            assert np.isfinite(values).all() and (np.abs(values) <= 1e12).all()
    assert len(ds.fingerprint()) == 64


def load_or_reject(target: str, load) -> Dataset | None:
    try:
        ds = load()
    except DataValidationError as exc:
        assert str(exc).strip()
        TALLY[(target, "rejected")] += 1
        MESSAGES.append(str(exc))
        return None
    check_contract(ds)
    TALLY[(target, "loaded")] += 1
    return ds


def check_cli(directory: Path, loaded: bool) -> None:
    code, out, err = run_cli("validate", str(directory))
    if loaded:
        assert code == 0, err
        assert "valid" in out
    else:
        assert code == 2, (code, err)
        # a deleted dataset.json is said loudly (one warning line) before the error line
        lines = [line for line in err.splitlines() if not line.startswith("warning: ")]
        assert len(lines) == 1 and lines[0].startswith("error: ") and err.endswith("\n"), err
        assert "Traceback" not in err


@FUZZ
@given(
    fmt=st.sampled_from(["csv", "parquet"]),
    frame_changes=st.lists(frame_corruption(), max_size=3),
    file_changes=st.lists(file_corruption(), max_size=2),
)
def test_corrupted_files_load_or_fail_cleanly(fmt, frame_changes, file_changes):
    frames = corrupted_frames(frame_changes)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "data"
        try:  # the corruption itself may be impossible (e.g. Parquet refusing a frame)
            write_frames(directory, frames, fmt)
            for change in file_changes:
                apply_file_corruption(directory, change, fmt)
        except (TypeError, ValueError, KeyError, OSError):
            reject()
        ds = load_or_reject(fmt, lambda: load_dataset(directory))
        check_cli(directory, loaded=ds is not None)


@FUZZ
@given(
    frame_changes=st.lists(frame_corruption(), min_size=1, max_size=4),
    # mostly good extraction dates (one_of would flatten SCALARS' branches and drown them)
    extraction=st.integers(0, 3).flatmap(
        lambda i: SCALARS if i == 0 else st.sampled_from([EXTRACTION, None, "2100-01-01"])
    ),
)
def test_corrupted_frames_build_or_fail_cleanly(frame_changes, extraction):
    frames = corrupted_frames(frame_changes)
    load_or_reject(
        "memory",
        lambda: Dataset.from_frames(
            frames["people"], frames["events"], frames["links"], extraction_date=extraction
        ),
    )
