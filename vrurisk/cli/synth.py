"""``vrurisk synth``: simulate a synthetic VRU population with known truth."""

from __future__ import annotations

from pathlib import Path

import typer

from vrurisk.cli._app import app, echo_err

SYNTH_FORMATS = ("parquet", "csv")
BAD_SYNTH_FORMAT = "--format must be one of {allowed}, got {value!r}"
NEEDS_INTERVENTIONS = "{options} only apply with --interventions (add it, or leave them out)"


def _synthesise(
    out: Path,
    *,
    people: int,
    seed: int,
    years: float,
    contagion: float,
    recording_bias: float,
    fmt: str,
    end_date: str | None = None,
    risk_homophily: float | None = None,
    interventions: dict | None = None,
    force: bool = False,
):
    """Simulate a population and write people/events/links/truth + dataset.json atomically."""
    import time

    from vrurisk._errors import ConfigError
    from vrurisk.data import (
        SYNTHETIC_DATASET,
        check_output_directory,
        save_dataset,
        simulate_population,
    )

    if fmt not in SYNTH_FORMATS:
        raise ConfigError(BAD_SYNTH_FORMAT.format(allowed=list(SYNTH_FORMATS), value=fmt))
    check_output_directory(out, SYNTHETIC_DATASET, force=force)  # before any work
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        echo_err(f"  simulated {done} of {total} months ({elapsed:.1f} s)")

    echo_err(f"synth: simulating {people:,} people over {years:g} years (seed {seed})")
    population = simulate_population(
        people,
        seed=seed,
        years=years,
        contagion=contagion,
        recording_bias=recording_bias,
        end_date=end_date,
        progress=progress,
        **({} if risk_homophily is None else {"risk_homophily": risk_homophily}),
        **(interventions or {}),
    )
    save_dataset(
        population.dataset,
        out,
        format=fmt,
        extra_tables={"truth": population.truth},
        output=SYNTHETIC_DATASET,
        force=force,
    )
    elapsed = time.perf_counter() - started
    echo_err(f"synth: wrote {out} ({fmt}, {elapsed:.1f} s)")
    return population


@app.command(
    epilog=(
        "Examples:\n\n"
        "  vrurisk synth --out data/synthetic\n\n"
        "  vrurisk synth --out data/small --people 5000 --seed 3 --format csv\n\n"
        "  vrurisk synth --out data/no-contagion --contagion 0 --recording-bias 0\n\n"
        "  vrurisk synth --out data/with-programme --interventions --intervention-effect 0.3"
    )
)
def synth(
    out: Path = typer.Option(..., "--out", help="Directory to write (replaced atomically)."),
    force: bool = typer.Option(
        False, "--force", help="Replace --out even if it is not a previous output of this command."
    ),
    people: int = typer.Option(20_000, "--people", help="Number of people (aged about 8-30)."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives the same data."),
    years: float = typer.Option(6.0, "--years", help="Years of events to simulate."),
    contagion: float = typer.Option(
        1.0, "--contagion", help="Strength of network contagion of violence (0 turns it off)."
    ),
    recording_bias: float = typer.Option(
        1.0,
        "--recording-bias",
        help="Over-recording of low-level police events for one group (0 turns it off; "
        "1 doubles the recording probability).",
    ),
    risk_homophily: float = typer.Option(
        None,
        "--risk-homophily",
        help="How much associates and street groups form on latent risk, 0-1 (default 0.3, "
        "weak; 0: ties say nothing about one's own risk beyond area, school, age and household).",
    ),
    fmt: str = typer.Option("parquet", "--format", help="Table format: parquet or csv."),
    end_date: str = typer.Option(
        None, "--end-date", help="Last simulated day = extraction date (default 2025-12-31)."
    ),
    interventions: bool = typer.Option(
        False,
        "--interventions",
        help="Also simulate a monthly panel that refers listed people to a programme "
        "('mentoring') with a known effect; writes interventions and lists tables.",
    ),
    intervention_effect: float = typer.Option(
        0.25, "--intervention-effect", help="Hazard reduction while engaged (0-0.95)."
    ),
    intervention_months: int = typer.Option(
        6, "--intervention-months", help="How long the programme lasts (months)."
    ),
    intervention_places: int = typer.Option(
        None, "--intervention-places", help="Referral places a month (default people / 500)."
    ),
    intervention_adherence: float = typer.Option(
        0.8, "--intervention-adherence", help="Share of referred people who engage (0-1)."
    ),
) -> None:
    """Simulate a synthetic VRU population with known truth.

    Writes people, events and links (the data contract) and dataset.json (extraction date).

    Also writes a truth table (latent risk, ACEs, true event counts) for tests and benchmarks.
    """
    knobs = {
        "--intervention-effect": intervention_effect != 0.25,
        "--intervention-months": intervention_months != 6,
        "--intervention-places": intervention_places is not None,
        "--intervention-adherence": intervention_adherence != 0.8,
    }
    given = [name for name, changed in knobs.items() if changed]
    if given and not interventions:
        from vrurisk._errors import ConfigError

        raise ConfigError(NEEDS_INTERVENTIONS.format(options=", ".join(given)))
    _synthesise(
        out,
        people=people,
        seed=seed,
        years=years,
        contagion=contagion,
        recording_bias=recording_bias,
        fmt=fmt,
        end_date=end_date,
        risk_homophily=risk_homophily,
        interventions=(
            {
                "interventions": True,
                "intervention_effect": intervention_effect,
                "intervention_months": intervention_months,
                "intervention_places": intervention_places,
                "intervention_adherence": intervention_adherence,
            }
            if interventions
            else None
        ),
        force=force,
    )
