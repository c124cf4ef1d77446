"""The README's quick tour runs as written, from an installed (not editable) vrurisk.

The wheel is built from this checkout and installed without dependencies into a fresh virtual
environment whose other packages come from the running one (a ``.pth`` line), so the test is
quick and offline apart from pip fetching the build backend; the tour block is taken verbatim
from README.md and run by bash in an empty directory.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def tour_block() -> str:
    """The first fenced block after '## Quick tour' in README.md."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Quick tour") :]
    match = re.search(r"```(?:bash)?\n(.*?)```", section, flags=re.S)
    assert match is not None, "README.md: no code block under '## Quick tour'"
    return match.group(1)


def run(args, **kwargs) -> subprocess.CompletedProcess:
    """``args`` without this test run's PYTHONPATH (which points at the checkout)."""
    kwargs.setdefault("env", {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")})
    return subprocess.run(args, capture_output=True, text=True, timeout=900, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with vrurisk installed from a wheel built from this checkout."""
    root = tmp_path_factory.mktemp("install")
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", root, REPO])
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = root.glob("vrurisk-*.whl")
    venv = root / "venv"
    made = run([sys.executable, "-m", "venv", "--without-pip", venv])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel]
    done = run(pip)  # before the dependencies are visible: nothing is "already installed"
    assert done.returncode == 0, done.stderr[-2000:]
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    # dependencies from the running environment (a plain path line: its .pth files, such as an
    # editable vrurisk, are not processed, and the venv's own site-packages comes first)
    Path(purelib.stdout.strip(), "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def clean_env(venv: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VRURISK_", "PYTHON"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["MPLBACKEND"] = "Agg"
    return env


@pytest.mark.slow
def test_the_installed_package_is_not_this_checkout(installed, tmp_path):
    where = run(
        [installed / "bin" / "python", "-c", "import vrurisk; print(vrurisk.__file__)"],
        cwd=tmp_path,
        env=clean_env(installed),
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.strip().startswith(str(installed)), where.stdout


@pytest.mark.slow
def test_the_readme_quick_tour_runs_as_written(installed, tmp_path):
    block = tour_block()
    assert block.startswith("vrurisk init ")  # the tour starts from nothing
    done = run(["bash", "-euo", "pipefail", "-c", block], cwd=tmp_path, env=clean_env(installed))
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    project = tmp_path / "vru-project"
    for name in ("panel.html", "bias_audit.html", "model_card.html", "audit_table.csv"):
        assert (project / "out" / "list" / name).is_file(), name
    assert (project / "out" / "audit" / "fairness.json").is_file()
    assert (project / "vrurisk.key").stat().st_mode & 0o777 == 0o600
    assert (project / "out" / "ids.csv").stat().st_mode & 0o777 == 0o600
    assert (project / "mlflow.db").is_file() and not (project / "configs" / "mlflow.db").exists()
    assert "Traceback" not in done.stderr
