"""Lazy package exports (PEP 562), so importing a light module does not pull in heavy ones.

A package's ``__init__`` imports its public names from their private modules under
``if TYPE_CHECKING:`` (so editors and type checkers see them) and lists them in ``__all__``;
:func:`lazy_exports` reads where each name lives from those imports, and the module is imported
on first access of one of its names. ``vrurisk --help`` and
config errors then answer without importing scikit-learn, fairlearn, shap or MLflow.
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

NO_ATTRIBUTE = "module {package!r} has no attribute {name!r}"


def typed_exports(package: str) -> dict[str, tuple[str, ...]]:
    """Private module -> the names it exports, read from the ``if TYPE_CHECKING:`` imports of
    ``package``'s ``__init__.py`` (the one list of where each public name lives)."""
    path = Path(sys.modules[package].__file__)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    exports: dict[str, tuple[str, ...]] = {}
    for node in tree.body:
        if not (isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")):
            continue
        for statement in node.body:
            if isinstance(statement, ast.ImportFrom) and statement.module:
                module = statement.module.removeprefix(f"{package}.")
                names = tuple(alias.asname or alias.name for alias in statement.names)
                exports[module] = exports.get(module, ()) + names
    return exports


def lazy_exports(
    package: str,
    exports: Mapping[str, Sequence[str]] | Sequence[str],
    public: Sequence[str] | None = None,
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """Module-level ``__getattr__`` and ``__dir__`` for ``package``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : sequence of str, or mapping
        The package's ``__all__``: each name is imported, on first use, from the private module
        its ``if TYPE_CHECKING:`` import names (see :func:`typed_exports`). Or a mapping of
        private module name (relative, e.g. ``"_metrics"``) -> the public names it defines,
        with ``__all__`` as ``public``.
    public : sequence of str, optional
        The package's ``__all__`` when ``exports`` is a mapping; it must list exactly the names
        in ``exports``.
    """
    if public is None:
        public, exports = exports, typed_exports(package)
    where = {name: module for module, names in exports.items() for name in names}
    if set(where) != set(public):
        raise ImportError(
            f"{package}: __all__ and the lazy exports differ: "
            f"{sorted(set(where).symmetric_difference(public))}"
        )

    def __getattr__(name: str) -> object:  # noqa: N807 - the PEP 562 hook's name
        module = where.get(name)
        if module is None:
            raise AttributeError(NO_ATTRIBUTE.format(package=package, name=name))
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        # later accesses find the name directly, without calling this hook again
        setattr(importlib.import_module(package), name, value)
        return value

    def __dir__() -> list[str]:  # noqa: N807
        return sorted(set(public) | set(vars(importlib.import_module(package))))

    return __getattr__, __dir__
