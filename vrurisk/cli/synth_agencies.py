"""``vrurisk synth-agencies``: simulate agencies' person tables."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import app


@app.command(
    "synth-agencies",
    epilog=(
        "Example:\n\n  vrurisk synth-agencies --out extracts --people 5000 --differential-noise 3"
    ),
)
def synth_agencies(
    out: Path = typer.Option(..., "--out", help="Directory to write (replaced atomically)."),
    people: int = typer.Option(10_000, "--people", help="Number of people (aged 8-30)."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives the same data."),
    noise: float = typer.Option(1.0, "--noise", help="Multiplier of every error rate (0: clean)."),
    differential_noise: float = typer.Option(
        0.0,
        "--differential-noise",
        help="Extra identifier errors for Black young people: rates times 1 + this (0: none).",
    ),
) -> None:
    """Simulate police, health, education and social-care person tables with identifier errors.

    Writes one CSV per agency, linkage.yaml (ready for vrurisk link), each agency's events
    under its own record ids (<agency>_events.csv) with mapping.yaml (ready for vrurisk ingest
    after vrurisk link ... --out ../linked) and, kept apart under truth/, the true person of
    every record and the events in contract words.
    """
    from vrurisk.linkage import simulate_agency_extracts

    extracts = simulate_agency_extracts(
        people, seed=seed, noise=noise, differential_noise=differential_noise
    )
    typer.echo(f"Wrote {extracts.write(out)} and {len(extracts.tables)} agency tables")
