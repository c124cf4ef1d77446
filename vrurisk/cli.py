"""The ``vrurisk`` command line: thin commands over the library.

Every user error (a :class:`vrurisk.VruriskError`) becomes one line on stderr and exit code 2,
with no traceback and nothing half-written.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import typer

from vrurisk._errors import VruriskError

app = typer.Typer(
    name="vrurisk",
    help="Open, auditable violence-risk scoring and early identification for VRUs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def echo_err(message: str) -> None:
    typer.echo(message, err=True)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """Open, auditable violence-risk scoring and early identification for VRUs."""
    if version:
        from vrurisk import __version__

        typer.echo(f"vrurisk {__version__}")
        raise typer.Exit()


@app.command(epilog="Example:\n\n  vrurisk init vru-project && cd vru-project")
def init(
    directory: Path = typer.Argument(..., help="Project directory (new, or without configs/)."),
) -> None:
    """Write a starter project: configs for the synthetic demo, a template and COMPAS.

    configs/demo.yaml, configs/template.yaml (every key, commented) and configs/compas.yaml;
    their relative paths (data, MLflow store) are relative to the config files, so they work
    from the project directory or any other. Never overwrites a file.
    """
    from vrurisk._init_command import write_starter_project

    for path in write_starter_project(directory):
        typer.echo(f"Wrote {path}")
    typer.echo(
        f"Next: cd {directory} && vrurisk synth --out data/synthetic --people 3000 && "
        "vrurisk train configs/demo.yaml"
    )


@app.command()
def validate(
    data: Path = typer.Argument(
        ..., help="Directory holding people, events and links (CSV or Parquet)."
    ),
    extraction_date: str = typer.Option(
        None,
        help="Date the extract was taken, YYYY-MM-DD (default: dataset.json, else the last "
        "record date, with a warning).",
    ),
) -> None:
    """Check a data directory against the data contract and print a summary.

    Example: vrurisk validate data/extract-2026-10
    """
    from vrurisk.data import load_dataset
    from vrurisk.data._summary import describe_dataset

    dataset = load_dataset(data, extraction_date=extraction_date)
    typer.echo(f"{data}: valid")
    typer.echo(describe_dataset(dataset))


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
    risk_homophily: float = 1.0,
    interventions: dict | None = None,
    force: bool = False,
):
    """Simulate a population and write people/events/links/truth + dataset.json atomically."""
    import time

    from vrurisk._errors import ConfigError
    from vrurisk.data import check_output_directory, save_dataset, simulate_population
    from vrurisk.data._output import SYNTHETIC_DATASET

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
        risk_homophily=risk_homophily,
        end_date=end_date,
        progress=progress,
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
        1.0,
        "--risk-homophily",
        help="How much associates and street groups form on latent risk, 0-1 (0: ties say "
        "nothing about one's own risk beyond area, school, age and household).",
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


def _demo_data(state: dict) -> None:
    """Demo step: synthesise a population into <out>/data, load it back and summarise it."""
    from vrurisk.data import load_dataset
    from vrurisk.data._summary import describe_dataset

    data_dir = state["out"] / "data"
    _synthesise(
        data_dir,
        people=state["people"],
        seed=state["seed"],
        years=6.0,
        contagion=1.0,
        recording_bias=1.0,
        fmt="parquet",
    )
    state["dataset"] = load_dataset(data_dir)
    typer.echo(f"Synthetic population in {data_dir} (validated):")
    typer.echo(describe_dataset(state["dataset"]))


def _scoring_step(name: str):
    """A demo step from :mod:`vrurisk.scoring._demo`, imported only when the demo runs."""

    def step(state: dict) -> None:
        from vrurisk.scoring import _demo

        getattr(_demo, name)(state)

    return step


#: The demo's steps in order: (title, function of a shared state dict). Append new steps here.
DEMO_STEPS = [
    ("clear the previous demo's own outputs", _scoring_step("demo_reset")),
    ("synthesise and validate the data", _demo_data),
    ("train and compare models (temporal cross-validation, MLflow)", _scoring_step("demo_train")),
    ("score the latest cohort, explain it and audit it for bias", _scoring_step("demo_score")),
]


@app.command(
    epilog=("Examples:\n\n  vrurisk demo\n\n  vrurisk demo --out /tmp/vrurisk-demo --people 5000")
)
def demo(
    out: Path = typer.Option(Path("demo-output"), "--out", help="Directory for all outputs."),
    people: int = typer.Option(20_000, "--people", help="Number of synthetic people."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the synthetic population."),
) -> None:
    """Run the whole pipeline end to end on a synthetic population.

    Steps: synthesise a population into <out>/data and validate it; train and compare models
    with temporal cross-validation (MLflow store <out>/mlflow.db); score the latest cohort with
    the registered champion, explain it and audit it for bias (<out>/bundle: panel.html,
    bias_audit.html, model_card.html). Re-running replaces <out> cleanly.
    """
    state = {"out": out, "people": people, "seed": seed}
    for number, (title, step) in enumerate(DEMO_STEPS, start=1):
        echo_err(f"[{number}/{len(DEMO_STEPS)}] {title}")
        step(state)


@app.command(
    epilog=(
        "Examples:\n\n"
        "  vrurisk audit --data compas-scores-two-years.csv --score-col score_text "
        "--label-col two_year_recid --sensitive race --flag-values Medium,High\n\n"
        "  vrurisk audit --data scores.parquet --score-col score --label-col outcome "
        "--sensitive sex,ethnicity --top-k 200 --reference ethnicity=White --out audit --json"
    )
)
def audit(
    data: Path = typer.Option(..., "--data", help="Table of scores and outcomes (CSV or Parquet)."),
    score_col: str = typer.Option(..., "--score-col", help="Column holding the score."),
    label_col: str = typer.Option(..., "--label-col", help="Column holding the outcome (0/1)."),
    sensitive: str = typer.Option(
        ..., "--sensitive", help="Comma-separated sensitive attribute columns, e.g. sex,ethnicity."
    ),
    flag_values: str = typer.Option(
        None, "--flag-values", help="Flag rows whose score is one of these (e.g. Medium,High)."
    ),
    threshold: float = typer.Option(None, "--threshold", help="Flag rows with score >= T."),
    top_k: int = typer.Option(None, "--top-k", help="Flag the K highest scores."),
    reference: list[str] = typer.Option(
        None, "--reference", help="Reference group as ATTRIBUTE=GROUP (repeatable)."
    ),
    intersections: bool = typer.Option(
        True, "--intersections/--no-intersections", help="Also audit attribute combinations."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the intervals and top-k tie-breaking."),
    out: Path = typer.Option(Path("bias-audit"), "--out", help="Directory to write."),
    force: bool = typer.Option(
        False, "--force", help="Replace --out even if it is not a previous output of this command."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print fairness.json to stdout."),
) -> None:
    """Audit an existing score for bias: rates by group, disparity ratios, verdicts.

    Writes fairness.json and bias_audit.html into --out (replaced atomically).
    """
    from vrurisk._audit_command import run_audit

    summary = run_audit(
        data=data,
        score_col=score_col,
        label_col=label_col,
        sensitive=sensitive,
        flag_values=flag_values,
        threshold=threshold,
        top_k=top_k,
        reference=reference or [],
        intersections=intersections,
        seed=seed,
        out=out,
        force=force,
    )
    if as_json:
        import json

        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    for finding in summary["findings"]:
        typer.echo(f"- {finding}")
    for warning in summary["warnings"]:
        typer.echo(f"! {warning}")
    typer.echo(f"Wrote {out / 'fairness.json'} and {out / 'bias_audit.html'}")


@app.command(epilog="Example:\n\n  vrurisk compare configs/compas.yaml --out compas-comparison")
def compare(
    config: Path = typer.Argument(..., help="A score-comparison config (kind: score_comparison)."),
    out: Path = typer.Option(Path("comparison"), "--out", help="Directory to write."),
    force: bool = typer.Option(
        False, "--force", help="Replace --out even if it is not a previous output of this command."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print comparison.json to stdout."),
) -> None:
    """Train vrurisk's models on a flat table and compare them with an existing score.

    Writes comparison.json and comparison.html (AUC and error-rate disparities side by side)
    and every scorer's bias audit under audits/ into --out (replaced atomically).
    """
    from vrurisk._compare_command import run_compare

    summary = run_compare(config, out, progress=echo_err, force=force)
    if as_json:
        import json

        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    for finding in summary["findings"]:
        typer.echo(f"- {finding}")
    typer.echo(f"Wrote {out / 'comparison.html'}, {out / 'comparison.json'} and {out / 'audits'}")


@app.command(
    epilog=(
        "Examples:\n\n"
        "  vrurisk train configs/demo.yaml\n\n"
        "  vrurisk train configs/demo.yaml --json > results.json\n\n"
        "  vrurisk train configs/demo.yaml --no-tracking"
    )
)
def train(
    config: Path = typer.Argument(..., help="Experiment config (YAML)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object to stdout."),
    no_tracking: bool = typer.Option(
        False, "--no-tracking", help="Do not log to MLflow or register the champion."
    ),
    extraction_date: str = typer.Option(
        None,
        "--extraction-date",
        help="Date the extract was taken, YYYY-MM-DD (default: data.extraction_date, else "
        "dataset.json, else the last record date, with a warning).",
    ),
) -> None:
    """Train and compare the config's models with temporal cross-validation.

    Prints models x metrics with intervals (baseline included) and the registered model URI.

    Progress goes to stderr.
    """
    from vrurisk.config import load_config

    experiment = load_config(config)  # config errors answer before training code is imported
    if extraction_date is not None:
        experiment = experiment.with_extraction_date(extraction_date)
    from vrurisk.models._train import format_comparison, train_experiment

    result = train_experiment(
        experiment, tracking=not no_tracking, progress=lambda m: echo_err(f"train: {m}")
    )
    if as_json:
        import json

        typer.echo(json.dumps(result.to_dict(), sort_keys=True))
        return
    typer.echo(format_comparison(result))
    if result.tracking:
        info = result.tracking
        typer.echo(
            f"Registered model: {info['model_uri']} (version {info['model_version']}, "
            f"tracking {info['tracking_uri']})"
        )


@app.command(
    epilog=(
        "Examples:\n\n"
        "  vrurisk score configs/demo.yaml\n\n"
        "  vrurisk score configs/demo.yaml --model models:/vrurisk-demo/3 --as-of 2025-06-30\n\n"
        "  vrurisk score configs/demo.yaml --out panel-2025-06 --json"
    )
)
def score(
    config: Path = typer.Argument(..., help="Experiment config (YAML)."),
    model: str = typer.Option(
        None, "--model", help="MLflow model URI (default models:/<registered_model>@<alias>)."
    ),
    as_of: str = typer.Option(
        None, "--as-of", help="As-of date YYYY-MM-DD (default: the data's extraction date)."
    ),
    out: Path = typer.Option(
        None, "--out", help="Bundle directory, replaced atomically (default scores/NAME-DATE)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace --out even if it is not a previous output of this command."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object to stdout."),
    reveal_ids: bool = typer.Option(
        False,
        "--reveal-ids",
        help="Also write raw person ids to scores.csv/parquet (audit-logged; never to MLflow).",
    ),
    explain_top: int = typer.Option(
        None,
        "--explain-top",
        min=1,
        help="People explained, best-ranked first (default: scoring.explain_top, 500).",
    ),
    no_tracking: bool = typer.Option(
        False, "--no-tracking", help="Do not log the bundle to MLflow."
    ),
    extraction_date: str = typer.Option(
        None,
        "--extraction-date",
        help="Date the extract was taken, YYYY-MM-DD (default: data.extraction_date, else "
        "dataset.json, else the last record date, with a warning).",
    ),
) -> None:
    """Score the cohort with a registered model and write the bundle.

    The bundle holds scores (pseudonymised keys, calibrated probability, rank, percentile,
    three reasons), explanations, the bias audit, the panel pack and the model card.
    """
    from vrurisk.config import load_config

    experiment = load_config(config)  # config errors answer before scoring code is imported
    if extraction_date is not None:
        experiment = experiment.with_extraction_date(extraction_date)
    from vrurisk._text import plural
    from vrurisk.scoring._run import run_scoring

    summary = run_scoring(
        experiment,
        model_uri=model,
        as_of=as_of,
        out=out,
        reveal_ids=reveal_ids,
        explain_top=explain_top,
        track=not no_tracking,
        progress=lambda m: echo_err(f"score: {m}"),
        force=force,
    )
    if as_json:
        import json

        typer.echo(json.dumps(summary, sort_keys=True))
        return
    typer.echo(
        f"Scored {summary['n_scored']:,} people at {summary['as_of']} with "
        f"{summary['model_uri']} (version {summary['model_version'] or 'n/a'}); "
        f"{plural(summary['n_flagged'], 'disparity', 'disparities')} flagged."
    )
    typer.echo(f"Bundle: {summary['out']}")
    for name in ("panel.html", "bias_audit.html", "model_card.html"):
        typer.echo(f"  {Path(summary['out']) / name}")


#: Where ``vrurisk reidentify`` writes the ids unless --out or --stdout says otherwise.
REIDENTIFIED = "reidentified-ids.csv"


@app.command(epilog="Examples:\n\n  vrurisk keygen\n\n  vrurisk keygen --out /secure/vrurisk.key")
def keygen(
    out: Path = typer.Option(
        Path("vrurisk.key"), "--out", help="Key file to create (never overwritten)."
    ),
) -> None:
    """Make a new pseudonymisation key file, readable by its owner only, and say how to use it.

    Keep the file secret and backed up: keys made with it can be re-identified only with it.
    """
    from vrurisk.privacy import KEY_ENV_VAR, write_key_file

    key = write_key_file(out)
    typer.echo(f"Wrote {out} (owner-only; key id {key.key_id}). Keep it secret and backed up.")
    typer.echo("Use it in this shell, or name it in the config (privacy: {key_file: PATH}):")
    typer.echo(f"  export {KEY_ENV_VAR}_FILE={out.resolve()}")


@app.command(
    epilog=(
        "Examples:\n\n"
        "  vrurisk evaluate configs/demo.yaml --programme mentoring\n\n"
        "  vrurisk evaluate configs/demo.yaml --programme mentoring --json --no-tracking"
    )
)
def evaluate(
    config: Path = typer.Argument(..., help="Experiment config (YAML): data and outcome."),
    programme: str = typer.Option(..., "--programme", help="A programme in interventions."),
    out: Path = typer.Option(
        None, "--out", help="Report directory, replaced atomically (default evaluations/NAME)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object to stdout."),
    no_tracking: bool = typer.Option(False, "--no-tracking", help="Do not log to MLflow."),
) -> None:
    """What works: a programme's effect, by regression discontinuity at the list cut-off,
    doubly robust weighting and the naive comparison (labelled biased), with intervals.

    Writes evaluation.html (for the board) and evaluation.json; logs them to MLflow and the
    audit log.
    """
    from vrurisk.config import load_config

    experiment = load_config(config)
    from vrurisk._evaluate_command import run_evaluation

    summary = run_evaluation(
        experiment,
        programme,
        out=out,
        track=not no_tracking,
        progress=lambda m: echo_err(f"evaluate: {m}"),
    )
    if as_json:
        import json

        typer.echo(json.dumps(summary, sort_keys=True))
        return
    for e in summary["estimates"]:
        typer.echo(
            f"{e['label']}: {100 * e['estimate']:+.1f} points "
            f"(95% interval {100 * e['ci_low']:+.1f} to {100 * e['ci_high']:+.1f}; "
            f"n = {e['n']:,})"
        )
    typer.echo(f"Report: {Path(summary['out']) / 'evaluation.html'}")


@app.command(
    epilog=(
        "Examples:\n\n"
        "  VRURISK_PSEUDONYM_KEY=... vrurisk reidentify --keys shortlist.txt --data extract/\n\n"
        "  vrurisk reidentify --keys scores/demo/scores.csv --data extract/ "
        "--key-file /secure/vrurisk.key --out /secure/panel-ids.csv"
    )
)
def reidentify(
    keys: Path = typer.Option(
        ..., "--keys", help="Keys to reveal: a scores CSV/Parquet (column 'key') or one per line."
    ),
    data: Path = typer.Option(..., "--data", help="The data directory the keys were made from."),
    key_file: Path = typer.Option(
        None, "--key-file", help="File holding the secret (default: $VRURISK_PSEUDONYM_KEY)."
    ),
    out: Path = typer.Option(
        None,
        "--out",
        help=f"CSV of key,person_id to write, owner-only (default {REIDENTIFIED}).",
    ),
    to_stdout: bool = typer.Option(
        False, "--stdout", help="Print key,person_id to the terminal instead of a file."
    ),
    extraction_date: str = typer.Option(
        None,
        help="Date the extract was taken, YYYY-MM-DD (default: dataset.json, else the last "
        "record date, with a warning).",
    ),
) -> None:
    """Map pseudonymised keys back to person ids (authorised key holders only).

    Every use is recorded in the audit log (who, when, which data, how many keys) before any
    id is shown; keys that match nobody are left blank.
    """
    from vrurisk._errors import ConfigError
    from vrurisk._reidentify_command import run_reidentify
    from vrurisk._text import plural

    if to_stdout and out is not None:
        raise ConfigError("give --out or --stdout, not both")
    if not to_stdout and out is None:
        out = Path(REIDENTIFIED)
    table, entry = run_reidentify(
        keys, data, key_file=key_file, out=out, extraction_date=extraction_date
    )
    details = entry["details"]
    echo_err(
        f"reidentify: {details['n_matched']} of {plural(details['n_keys'], 'key')} matched "
        f"(key id {details['key_id']}); recorded in the audit log"
    )
    if out is None:
        typer.echo(table.to_csv(index=False), nl=False)
    else:
        echo_err(f"reidentify: wrote {out} (owner-only)")


log_app = typer.Typer(
    help="The audit log: check that no entry was edited, removed or reordered.",
    no_args_is_help=True,
)
app.add_typer(log_app, name="log")


@log_app.command(
    "verify", epilog="Examples:\n\n  vrurisk log verify\n\n  vrurisk log verify audit.jsonl"
)
def log_verify(
    path: Path = typer.Argument(
        None, help="The log (default: $VRURISK_AUDIT_LOG, else ./vrurisk-audit.jsonl)."
    ),
    head: str = typer.Option(
        None, "--head", help="A head hash printed earlier: fail if entries after it were cut."
    ),
) -> None:
    """Check the audit log's hash chain; name the first edited, removed or reordered entry.

    Exit 0 when the chain is intact, 2 at the first broken entry.
    """
    from vrurisk.audit_log import verify_log

    result = verify_log(path, head=head)
    if not result.ok:
        raise VruriskError(result.message)
    typer.echo(result.message)
    if result.head:
        typer.echo(
            f"head sha256:{result.head} (keep it: 'vrurisk log verify --head' with it later "
            "shows whether entries were cut from the end)"
        )


@app.command(
    epilog=(
        "Examples:\n\n"
        "  vrurisk synth-agencies --out extracts --people 5000\n\n"
        "  vrurisk link extracts/linkage.yaml --out linked"
    )
)
def link(
    config: Path = typer.Argument(..., help="A linkage config (YAML): agencies' person tables."),
    out: Path = typer.Option(..., "--out", help="Directory to write (replaced atomically)."),
) -> None:
    """Link agencies' person tables into one pseudonymous person_id (Splink, DuckDB).

    Writes crosswalk.csv (agency, agency_id -> person_id), people.csv (no names) and the
    linkage report (linkage_report.html and .json, with linkage rates by group) into --out.
    """
    from vrurisk.linkage import link_agencies

    summary = link_agencies(config, out).summary
    typer.echo(summary["headline"])
    for finding in summary["findings"][:-2]:
        typer.echo(f"- {finding}")
    for warning in summary["warnings"]:
        typer.echo(f"! {warning}")
    typer.echo(f"Wrote {out} (crosswalk.csv, people.csv, linkage_report.html, linkage_report.json)")


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

    Writes one CSV per agency, linkage.yaml (ready for vrurisk link) and, kept apart under
    truth/, the true person of every record.
    """
    from vrurisk.linkage import simulate_agency_extracts

    extracts = simulate_agency_extracts(
        people, seed=seed, noise=noise, differential_noise=differential_noise
    )
    typer.echo(f"Wrote {extracts.write(out)} and {len(extracts.tables)} agency tables")


class _WarningLines(logging.Handler):
    """The library's logged data warnings as ``warning: ...`` lines on (the current) stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        echo_err(f"warning: {' '.join(record.getMessage().split())}")


def _say_data_warnings() -> None:
    """E.g. an extraction date inferred from the data, which changes which outcomes count."""
    data_logger = logging.getLogger("vrurisk.data")
    if not any(isinstance(h, _WarningLines) for h in data_logger.handlers):
        data_logger.addHandler(_WarningLines(logging.WARNING))


def main() -> None:
    """Console-script entry point: run the app, turning user errors into exit code 2."""
    _say_data_warnings()
    try:
        # Outside standalone mode typer turns Ctrl-C (and typer.Exit) into a returned exit code.
        code = app(standalone_mode=False)
    except VruriskError as exc:
        echo_err(f"error: {' '.join(str(exc).split())}")
        sys.exit(2)
    except KeyboardInterrupt:
        echo_err("error: interrupted")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:
        # Usage errors from typer's bundled click: bad options, missing arguments.
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            message = " ".join(exc.format_message().split())
            if message:  # bare 'vrurisk' (or a bare group) has printed its usage: no empty error
                echo_err(f"error: {message} (see 'vrurisk --help')")
            sys.exit(2)
        if type(exc).__name__ == "Abort":
            echo_err("error: aborted")
            sys.exit(1)
        raise
    if code == 130:
        echo_err("error: interrupted")
        sys.exit(130)
    if isinstance(code, int) and code:
        sys.exit(code)


if __name__ == "__main__":
    main()
