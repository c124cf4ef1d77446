"""The one JSON-safe converter and file digest used by every JSON summary vrurisk writes."""

import hashlib
import json

import numpy as np
import pandas as pd

from vrurisk._serialise import file_sha256, json_safe


def test_json_safe_leaves():
    value = {
        1: (np.int64(2), np.float32(0.5), float("nan"), np.inf, pd.NA, pd.NaT),
        "when": [pd.Timestamp("2024-07-01"), pd.Timestamp("2024-07-01 13:05")],
        "flag": np.bool_(True),
    }
    out = json_safe(value)
    assert out == {
        "1": [2, 0.5, None, None, None, None],
        "when": ["2024-07-01", "2024-07-01T13:05:00"],
        "flag": True,
    }
    json.dumps(out, allow_nan=False)


def test_file_sha256(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc" * 1_000_000)
    assert file_sha256(path) == hashlib.sha256(b"abc" * 1_000_000).hexdigest()
