"""The public API is real: packages import each other's public names, exports are typed.

Between packages, code imports public names (``from vrurisk.models import ModelSpec``), never
``from vrurisk.models._specs import ModelSpec``. Shared top-level helpers (``vrurisk._errors``,
``vrurisk._section``, ...) are private to vrurisk, not to a package, and may be imported
anywhere. The CLI (``vrurisk/cli/``) is held to the same rule: a command calls the library
through its public names.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1] / "vrurisk"
PRIVATE_IMPORT = re.compile(
    r"^\s*(?:from\s+vrurisk\.(?P<from>[\w.]+)\s+import|import\s+vrurisk\.(?P<imp>[\w.]+))", re.M
)
#: Known exceptions, to be removed, never added to.
KNOWN: dict[str, set[str]] = {}
LAZY_PACKAGES = [
    "comparison",
    "data",
    "evaluation",
    "linkage",
    "models",
    "reports",
    "scoring",
    "whatworks",
]


def _package(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 else path.stem


def cross_package_private_imports() -> dict[str, set[str]]:
    """``{file: {private module, ...}}`` of imports of another package's private modules."""
    found: dict[str, set[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for match in PRIVATE_IMPORT.finditer(text):
            target = (match["from"] or match["imp"]).split(".")
            if len(target) < 2 or target[0] == _package(path):
                continue  # a shared top-level module (vrurisk._errors) or the same package
            if any(part.startswith("_") for part in target[1:]):
                name = str(path.relative_to(ROOT.parent))
                found.setdefault(name, set()).add("vrurisk." + ".".join(target))
    return found


def test_no_package_imports_another_packages_private_modules():
    found = cross_package_private_imports()
    new = {f: sorted(m - KNOWN.get(f, set())) for f, m in found.items() if m - KNOWN.get(f, set())}
    assert not new, f"import public names instead of these private modules: {new}"


def test_the_known_exceptions_are_still_needed():
    found = cross_package_private_imports()
    gone = {f: sorted(m - found.get(f, set())) for f, m in KNOWN.items() if m - found.get(f, set())}
    assert not gone, f"remove these from KNOWN, they are fixed: {gone}"


def test_the_checker_sees_a_private_import(tmp_path, monkeypatch):
    package = tmp_path / "vrurisk" / "scoring"
    package.mkdir(parents=True)
    (package / "_x.py").write_text("from vrurisk.models._specs import ModelSpec\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path / "vrurisk")
    assert cross_package_private_imports() == {"vrurisk/scoring/_x.py": {"vrurisk.models._specs"}}


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_lazy_exports_are_typed(package):
    """Every name of a lazy ``__all__`` is imported under ``TYPE_CHECKING`` from where it lives."""
    path = ROOT / package / "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typed = {}
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom):
                    typed.update({alias.name: stmt.module for alias in stmt.names})
    module = importlib.import_module(f"vrurisk.{package}")
    assert set(typed) == set(module.__all__)
    for name, where in typed.items():
        assert getattr(importlib.import_module(where), name) is getattr(module, name), name


@pytest.mark.parametrize("module", ["vrurisk.config", "vrurisk.tracking"])
def test_modules_declare_their_public_names(module):
    loaded = importlib.import_module(module)
    assert loaded.__all__ and all(hasattr(loaded, name) for name in loaded.__all__)
