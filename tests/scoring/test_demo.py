"""The demo's own steps: it owns a fixed set of names in --out and clears only those."""

from __future__ import annotations

from vrurisk.config import validate_config
from vrurisk.scoring._demo import DEMO_OWNED, demo_config, demo_reset


def test_reset_removes_only_what_the_demo_owns(tmp_path):
    out = tmp_path / "demo"
    (out / "bundle").mkdir(parents=True)
    (out / "bundle" / "panel.html").write_text("old")
    (out / "mlruns" / "1").mkdir(parents=True)
    for name in ("mlflow.db", "demo.yaml", "audit.jsonl", "notes.txt"):
        (out / name).write_text("old")
    (out / "data").mkdir()
    demo_reset({"out": out})
    assert sorted(p.name for p in out.iterdir()) == ["data", "notes.txt"]
    assert set(DEMO_OWNED) == {
        "demo.yaml",
        "mlflow.db",
        "mlflow.db.lock",
        "mlruns",
        "bundle",
        "audit.jsonl",
    }


def test_demo_config_is_valid_and_points_inside_out(tmp_path):
    config = validate_config(demo_config(tmp_path / "demo"))
    assert str(config.data.path).startswith(str((tmp_path / "demo").resolve()))
    assert config.tracking.uri == f"sqlite:///{(tmp_path / 'demo').resolve() / 'mlflow.db'}"
    assert [spec.kind for spec in config.model_specs] == [
        "lightgbm",
        "logistic_regression",
        "baseline",
    ]


def _yaml(path):
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_demo_changes_only_its_data_path_and_tracking_store(tmp_path):
    from importlib import resources

    packaged = _yaml(resources.files("vrurisk").joinpath("configs", "demo.yaml"))
    config = demo_config(tmp_path)
    assert config.pop("data") == {"path": str(tmp_path.resolve() / "data")}
    assert config["tracking"].pop("uri") == f"sqlite:///{tmp_path.resolve() / 'mlflow.db'}"
    del packaged["data"], packaged["tracking"]["uri"]
    assert config == packaged
