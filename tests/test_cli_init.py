"""``vrurisk init``: a starter project whose configs work from anywhere (issue 17 tour)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from cli_helpers import run_cli
from config_helpers import tiny_raw_config

from vrurisk.comparison import load_comparison_config
from vrurisk.config import load_config

REPO_CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def test_init_writes_configs_whose_paths_mean_the_project(tmp_path, monkeypatch):
    project = tmp_path / "vru"
    code, out, err = run_cli("init", project)
    assert code == 0, err
    assert sorted(p.name for p in (project / "configs").iterdir()) == [
        "compas.yaml",
        "demo.yaml",
        "template.yaml",
    ]
    monkeypatch.chdir(tmp_path)  # anywhere but the project: paths follow the config file
    demo = load_config(project / "configs" / "demo.yaml")
    assert demo.data.path == (project / "data" / "synthetic").resolve()
    assert demo.tracking.uri == f"sqlite:///{(project / 'mlflow.db').resolve()}"
    template = load_config(project / "configs" / "template.yaml")
    assert template.tracking.uri == f"sqlite:///{(project / 'mlflow.db').resolve()}"
    compas = load_comparison_config(project / "configs" / "compas.yaml")
    assert compas.data.path == (project / "data" / "compas" / "compas-scores-two-years.csv")


def test_init_never_overwrites(tmp_path):
    project = tmp_path / "vru"
    (project / "configs").mkdir(parents=True)
    (project / "configs" / "demo.yaml").write_text("mine")
    code, _, err = run_cli("init", project)
    assert code == 2
    assert err == (
        f"error: {project / 'configs' / 'demo.yaml'} already exists; vrurisk init never "
        "overwrites a file: choose a new or empty directory\n"
    )
    assert (project / "configs" / "demo.yaml").read_text() == "mine"
    assert not (project / "configs" / "template.yaml").exists()


def test_one_set_of_configs_the_packaged_one(tmp_path):
    """vrurisk/configs is the only copy: what init writes, what the demo and the tests read."""
    assert not REPO_CONFIGS.exists(), "configs/ is back: edit vrurisk/configs instead"
    packaged = resources.files("vrurisk").joinpath("configs")
    assert sorted(p.name for p in packaged.iterdir() if p.name.endswith(".yaml")) == [
        "compas.yaml",
        "demo.yaml",
        "template.yaml",
    ]
    compas = yaml.safe_load(packaged.joinpath("compas.yaml").read_text())
    assert compas["data"]["path"] == "../data/compas/compas-scores-two-years.csv"


def test_compare_says_where_the_compas_file_comes_from(tmp_path):
    project = tmp_path / "vru"
    assert run_cli("init", project).code == 0
    config = project / "configs" / "compas.yaml"
    code, out, err = run_cli("compare", config, "--out", tmp_path / "cmp")
    assert code == 2 and out == ""
    missing = project / "data" / "compas" / "compas-scores-two-years.csv"
    assert err.startswith(f"error: {missing}: no such file (data.path in {config}); download ")
    assert "https://github.com/propublica/compas-analysis" in err
    assert err.count("\n") == 1
    assert not (tmp_path / "cmp").exists()


def test_scoring_from_another_directory_finds_the_configs_tracking_store(tmp_path, monkeypatch):
    """A relative sqlite:/// store used to resolve against the working directory."""
    (tmp_path / "conf").mkdir()
    raw = tiny_raw_config(tracking={"uri": "sqlite:///runs/mlflow.db"})
    (tmp_path / "conf" / "x.yaml").write_text(yaml.safe_dump(raw))
    monkeypatch.chdir(tmp_path)
    config = load_config("conf/x.yaml")
    assert config.tracking.uri == f"sqlite:///{(tmp_path / 'conf' / 'runs' / 'mlflow.db')}"
