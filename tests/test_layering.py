"""The import layering of ``vrurisk``: which room may import which.

Every import in every module counts, including imports inside functions (a lazy import is
still a dependency); only imports under ``if TYPE_CHECKING:`` do not (an annotation such as
``config: ExperimentConfig`` names a type, it does not run the other room's code).

A module belongs to a *unit*: its top-level package or module under ``vrurisk``
(``vrurisk.models._train`` -> ``models``, ``vrurisk.audit_log`` -> ``audit_log``;
``vrurisk/__init__.py`` -> ``vrurisk``). Units sit in the layers of :data:`LAYERS`, lowest
first (ARCHITECTURE.md states the same list, and a test keeps the two equal); a unit may import
its own layer and the layers below it, never above.

Nothing below ``cli`` imports ``cli``, ever (no exception can be listed for it); the units'
import graph has no cycles. The few upward imports that exist today are listed one by one in
``KNOWN_UPWARD`` with the reason; the list may only shrink (an entry that no longer occurs
fails the test, so remove it). A new unit must be given a layer here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "vrurisk"
ARCHITECTURE = PACKAGE.parent / "ARCHITECTURE.md"

LAYERS: list[tuple[str, frozenset[str]]] = [
    (
        "foundation",
        frozenset(
            {
                "vrurisk",
                "_errors",
                "_text",
                "_dates",
                "_serialise",
                "_lazy",
                "_config_errors",
                "_feature_policy",
                "_section",
            }
        ),
    ),
    ("infrastructure", frozenset({"audit_log", "privacy"})),
    ("data", frozenset({"data"})),
    ("features", frozenset({"features"})),
    ("engine", frozenset({"engine"})),
    ("models", frozenset({"models"})),
    ("tracking", frozenset({"tracking"})),
    ("evaluation", frozenset({"evaluation"})),
    ("reports", frozenset({"reports"})),
    ("scoring", frozenset({"scoring"})),
    ("config", frozenset({"config"})),
    (
        "jobs",
        frozenset(
            {
                "whatworks",
                "linkage",
                "ingest",
                "comparison",
                "training",
                "monitor",
                "decisions",
                "_reidentify",
                "_starter",
            }
        ),
    ),
    ("cli", frozenset({"cli"})),
]

#: Upward imports that exist today: (importing module, imported unit) -> why. Shrink only.
KNOWN_UPWARD: dict[tuple[str, str], str] = {
    ("vrurisk", "data"): "the package's lazy re-export of load_dataset, save_dataset, Dataset",
}


def unit_of(module: str) -> str:
    """``vrurisk.models._train`` -> ``models``; ``vrurisk`` -> ``vrurisk``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, module: str, root: Path) -> set[str]:
    """Every ``vrurisk`` module ``path`` imports, at any depth of its code."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    type_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
        for statement in node.body
        for inner in ast.walk(statement)
    }
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            for alias in node.names:  # ``from vrurisk import audit_log`` imports a module
                candidate = root.parent.joinpath(*f"{target}.{alias.name}".split("."))
                if candidate.with_suffix(".py").is_file() or candidate.is_dir():
                    found.add(f"{target}.{alias.name}")
    return {name for name in found if name.split(".")[0] == root.name}


def import_edges(root: Path) -> dict[str, set[str]]:
    """Module -> the units it imports (other than its own unit)."""
    edges = {}
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        targets = {unit_of(name) for name in imported_modules(path, module, root)}
        edges[module] = targets - {unit_of(module)}
    return edges


def layering_problems(
    root: Path, layers=LAYERS, known: dict[tuple[str, str], str] | None = None
) -> list[str]:
    """Every breach of the layering of the package at ``root``, one line each (none: [])."""
    known = KNOWN_UPWARD if known is None else known
    rank = {unit: number for number, (_, units) in enumerate(layers) for unit in units}
    top = len(layers) - 1
    edges = import_edges(root)
    problems = []
    for module in sorted(edges):
        if unit_of(module) not in rank:
            problems.append(f"{module}: unit {unit_of(module)!r} has no layer in LAYERS")
    used_known = set()
    graph: dict[str, set[str]] = {}
    for module, targets in sorted(edges.items()):
        source = unit_of(module)
        for target in sorted(targets):
            if source not in rank or target not in rank:
                continue
            if rank[target] == top and rank[source] < top:
                problems.append(f"{module} imports {target}: the library never imports the CLI")
                continue
            if (module, target) in known:
                used_known.add((module, target))
                continue
            graph.setdefault(source, set()).add(target)
            if rank[target] > rank[source]:
                problems.append(
                    f"{module} ({layers[rank[source]][0]}) imports {target} "
                    f"({layers[rank[target]][0]}), a higher layer"
                )
    for stale in sorted(set(known) - used_known):
        problems.append(f"KNOWN_UPWARD lists {stale} but it no longer occurs: remove it")
    problems.extend(f"import cycle: {' -> '.join(cycle)}" for cycle in _cycles(graph))
    return problems


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each unit that is on a cycle (depth-first search)."""
    cycles, done = [], set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycle = path[path.index(node) :] + [node]
            if not done.intersection(cycle):
                cycles.append(cycle)
                done.update(cycle)
            return
        for target in sorted(graph.get(node, ())):
            visit(target, [*path, node])

    for start in sorted(graph):
        visit(start, [])
    return cycles


def test_vrurisk_keeps_its_layering():
    assert layering_problems(PACKAGE) == []


def documented_layers(text: str) -> list[tuple[str, frozenset[str]]]:
    """The numbered layer list of ARCHITECTURE.md: ``N. name: `unit`, `unit`...``."""
    found = re.findall(r"^(\d+)\. (\w+): (.+)$", text, flags=re.M)
    assert [int(n) for n, _, _ in found] == list(range(len(found))), "layers numbered 0, 1, ..."
    return [(name, frozenset(re.findall(r"`([\w.]+)`", units))) for _, name, units in found]


def test_architecture_md_states_the_layers_this_test_enforces():
    documented = documented_layers(ARCHITECTURE.read_text(encoding="utf-8"))
    assert documented == LAYERS, (
        "ARCHITECTURE.md's 'Direction of dependencies' list and LAYERS differ: a unit is "
        "placed in both, in the same layer"
    )


def test_every_command_module_is_in_the_cli_package():
    assert not (PACKAGE / "cli.py").exists()
    assert not list(PACKAGE.glob("_*_command.py"))


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "vrurisk"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


CLEAN = {
    "__init__.py": "from vrurisk._errors import VruriskError\n",
    "_errors.py": "class VruriskError(Exception): ...\n",
    "data/__init__.py": "from vrurisk._errors import VruriskError\n",
    "models/__init__.py": "from vrurisk.data import read\n",
    "cli/__init__.py": "from vrurisk.models import fit\nfrom vrurisk.cli import _app\n",
    "cli/_app.py": "import typer\n",
}
SMALL_LAYERS = [
    ("foundation", frozenset({"vrurisk", "_errors"})),
    ("data", frozenset({"data"})),
    ("models", frozenset({"models"})),
    ("cli", frozenset({"cli"})),
]


def test_a_clean_synthetic_tree_passes(tmp_path):
    assert layering_problems(_tree(tmp_path, CLEAN), SMALL_LAYERS, {}) == []
    typed = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from vrurisk.models import M\n"
    )
    root = _tree(tmp_path / "typed", {**CLEAN, "data/_typed.py": typed})
    assert layering_problems(root, SMALL_LAYERS, {}) == []


@pytest.mark.parametrize(
    "text",
    [
        "from vrurisk.cli import app\n",
        "def run():\n    from vrurisk.cli._app import echo_err\n",
        "import vrurisk.cli\n",
        "from vrurisk import cli\n",
        "from ..cli import app\n",
    ],
)
def test_a_library_module_importing_the_cli_fails(tmp_path, text):
    root = _tree(tmp_path, {**CLEAN, "models/_fit.py": text})
    problems = layering_problems(root, SMALL_LAYERS, {("vrurisk.models._fit", "cli"): "no"})
    assert problems[0] == "vrurisk.models._fit imports cli: the library never imports the CLI"


def test_an_upward_import_fails_and_a_stale_exception_fails(tmp_path):
    root = _tree(tmp_path, {**CLEAN, "data/_read.py": "def read():\n    import vrurisk.models\n"})
    assert layering_problems(root, SMALL_LAYERS, {}) == [
        "vrurisk.data._read (data) imports models (models), a higher layer",
        "import cycle: models -> data -> models",
    ]
    stale = {("vrurisk.data._gone", "models"): "moved"}
    assert layering_problems(_tree(tmp_path / "b", CLEAN), SMALL_LAYERS, stale) == [
        "KNOWN_UPWARD lists ('vrurisk.data._gone', 'models') but it no longer occurs: remove it"
    ]


def test_a_cycle_inside_one_layer_fails_and_a_unit_without_a_layer_fails(tmp_path):
    layers = [("foundation", frozenset({"vrurisk", "_errors", "a", "b"}))]
    files = {"__init__.py": "", "a.py": "import vrurisk.b\n", "b.py": "from vrurisk import a\n"}
    assert layering_problems(_tree(tmp_path, files), layers, {}) == ["import cycle: a -> b -> a"]
    files = {"__init__.py": "", "c.py": ""}
    assert layering_problems(_tree(tmp_path / "b", files), layers, {}) == [
        "vrurisk.c: unit 'c' has no layer in LAYERS"
    ]
