"""``vrurisk init``: write a starter project."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import app


@app.command(epilog="Example:\n\n  vrurisk init vru-project && cd vru-project")
def init(
    directory: Path = typer.Argument(..., help="Project directory (new, or without configs/)."),
) -> None:
    """Write a starter project: configs for the synthetic demo, a template and COMPAS.

    configs/demo.yaml, configs/template.yaml (every key, commented) and configs/compas.yaml;
    their relative paths (data, MLflow store) are relative to the config files, so they work
    from the project directory or any other. Never overwrites a file.
    """
    from vrurisk._starter import write_starter_project

    for path in write_starter_project(directory):
        typer.echo(f"Wrote {path}")
    typer.echo(
        f"Next: cd {directory} && vrurisk synth --out data/synthetic --people 3000 && "
        "vrurisk train configs/demo.yaml"
    )
