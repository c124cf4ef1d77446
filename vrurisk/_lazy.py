"""Lazy package exports (PEP 562), so importing a light module does not pull in heavy ones.

A package's ``__init__`` lists its public names in ``__all__`` and says which private module
holds each; the module is imported on first access of one of its names. ``vrurisk --help`` and
config errors then answer without importing scikit-learn, fairlearn, shap or MLflow.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence

NO_ATTRIBUTE = "module {package!r} has no attribute {name!r}"


def lazy_exports(
    package: str, exports: Mapping[str, Sequence[str]], public: Sequence[str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """Module-level ``__getattr__`` and ``__dir__`` for ``package``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : mapping
        Private module name (relative, e.g. ``"_metrics"``) -> the public names it defines.
    public : sequence of str
        The package's ``__all__``; it must list exactly the names in ``exports``.
    """
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
