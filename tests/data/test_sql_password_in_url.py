"""A password as analysts type it into a database URL never shows (the outside review's cases)."""

from __future__ import annotations

import pytest
from cli_helpers import run_cli

from vrurisk.data import DataConfig
from vrurisk.data._sql import mask_url, split_password


@pytest.mark.parametrize("password", ["P@ssw0rd", "s3cr@t@2026", "p@ss/w0rd"])
def test_an_unescaped_at_sign_in_the_password_is_still_the_password(password):
    # "P@ssw0rd" written straight into the URL, not as P%40ssw0rd: SQLAlchemy alone reads the
    # password as "P" and the host as "ssw0rd@warehouse", so the rest showed in every message
    url = f"postgresql://ana:{password}@warehouse.vru.local:5432/vru"
    assert split_password(url) == ("postgresql://ana:***@warehouse.vru.local:5432/vru", password)
    assert mask_url(url) == "postgresql://ana:***@warehouse.vru.local:5432/vru"
    data = DataConfig(url=url)
    assert data.source == "postgresql://ana:***@warehouse.vru.local:5432/vru"
    assert "ssw" not in data.model_dump_json() and "@t" not in data.model_dump_json()


def test_cannot_connect_names_the_host_without_any_of_the_password(tmp_path):
    code, out, err = run_cli("validate", "postgresql://ana:P@ssw0rd@127.0.0.1:1/vru")
    assert code == 2
    assert err.startswith("error: postgresql://ana:***@127.0.0.1:1/vru: cannot connect")
    assert "ssw0rd" not in out + err
