"""A starter project whose configs work from there (``vrurisk init DIR``).

The configs ship as package data (``vrurisk/configs``), so a ``pip install``-ed user has them:
``configs/demo.yaml`` (the synthetic demo), ``configs/template.yaml`` (every key, commented)
and ``configs/compas.yaml`` (vrurisk beside COMPAS, once ProPublica's file is downloaded).
Their relative paths (``../data/...``, ``sqlite:///../mlflow.db``) are relative to the config
file, so they mean ``DIR/data`` and ``DIR/mlflow.db`` whatever the working directory.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from vrurisk._errors import OutputError

#: The starter project's files, as they are named in the package and in the project.
STARTER_FILES = ("configs/demo.yaml", "configs/template.yaml", "configs/compas.yaml")
ALREADY_THERE = (
    "{path} already exists; vrurisk init never overwrites a file: choose a new or empty directory"
)
CANNOT_WRITE = "cannot write {path}: {reason}"


def write_starter_project(directory: str | os.PathLike) -> list[Path]:
    """Write the starter configs into ``directory`` (created if needed); return their paths.

    Raises
    ------
    OutputError
        If any of the files already exists (nothing is written) or cannot be written (nothing
        is left behind).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in write_starter_project(Path(tmp) / "vru")]
    ['demo.yaml', 'template.yaml', 'compas.yaml']
    """
    directory = Path(directory)
    targets = [directory / name for name in STARTER_FILES]
    for target in targets:
        if target.exists():
            raise OutputError(ALREADY_THERE.format(path=target))
    package = resources.files("vrurisk")
    texts = [package.joinpath(name).read_text(encoding="utf-8") for name in STARTER_FILES]
    written: list[Path] = []
    try:
        for target, text in zip(targets, texts, strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "x", encoding="utf-8") as handle:
                handle.write(text)
            written.append(target)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        reason = exc.strerror or " ".join(str(exc).split())
        raise OutputError(CANNOT_WRITE.format(path=directory, reason=reason)) from exc
    return targets
