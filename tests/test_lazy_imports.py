"""Package exports are lazy: every public name resolves, and config errors load no ML stack."""

import importlib
import subprocess
import sys

import pytest

PACKAGES = [
    "vrurisk",
    "vrurisk.data",
    "vrurisk.evaluation",
    "vrurisk.linkage",
    "vrurisk.models",
    "vrurisk.reports",
    "vrurisk.scoring",
    "vrurisk.whatworks",
]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_resolves(package):
    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, name
        assert name in dir(module)


@pytest.mark.parametrize("package", PACKAGES)
def test_unknown_names_raise_attribute_error(package):
    module = importlib.import_module(package)
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        module.not_a_name  # noqa: B018


def test_a_bad_config_fails_without_loading_the_ml_stack(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("config_version: 1\nbogus: 1\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from vrurisk import ConfigError\n"
        "from vrurisk.config import load_config\n"
        f"try:\n    load_config({str(bad)!r})\nexcept ConfigError:\n    pass\n"
        "heavy = ('sklearn', 'lightgbm', 'fairlearn', 'shap', 'mlflow', 'matplotlib')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    assert run_python(code) == "[]"


def test_help_does_not_load_pandas():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from vrurisk.cli import app\n"
        "assert CliRunner().invoke(app, ['--help']).exit_code == 0\n"
        "print('pandas' in sys.modules)\n"
    )
    assert run_python(code) == "False"


def run_python(code: str) -> str:
    """What a fresh interpreter prints running ``code`` (imports are counted from zero)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()
