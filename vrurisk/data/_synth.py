"""A synthetic VRU population with known truth: :func:`simulate_population`.

The generative model (people and ACEs in ``_synth_people``, the social network in
``_synth_network``, the monthly event simulation in ``_synth_events``) is built so that tests can
check the pipeline recovers what was put in: latent risk, network contagion and recording bias
are all known per person in :attr:`SyntheticPopulation.truth`.

The model in brief (rates and strengths in ``_synth_params``):

- People aged 8-30 on the last day live in LSOA-sized areas (about 400 young people each) with a
  deprivation decile; ethnicity (five ONS groups) varies with deprivation and is shared within
  households of one to three siblings. Ethnicity has no effect on behaviour.
- Household adversity (worse in deprived areas) drives domestic abuse, parental substance
  misuse and parental imprisonment; these drive social-care involvement. A person's disposition
  and ACEs drive SEN, proneness to school exclusion and to going missing, and early drug
  involvement. Latent risk (log hazard multiplier) adds all of these, area deprivation, sex and
  noise. The highest-risk 13-27 year olds may join small local street groups.
- Ties: household, school year group, associates (mostly same area, within about 2.5 years of
  age, similar risk unless ``risk_homophily`` is lowered; they start at various times and last
  about four years), street groups; co-offending and co-victim ties form when people offend or
  are victimised together.
- Each month, each behaviour's hazard is base rate x age curve x exp(slope x (latent risk +
  current state)), where the state is a slow AR(1) process. Violence also has a contagion
  multiplier ``1 + contagion x gain x min(exposure, cap)``; exposure gains the weighted number of
  active associates involved in violence (as suspect or victim) each month and decays by a
  quarter each month. Some incidents have a co-offender (an associate) and a victim in the
  population (an associate or a local person); serious incidents are more likely for high-risk
  offenders. Agencies record violence with a probability, serious violence nearly always;
  victims may attend A&E; arrests lead to custody; low-level police events are recorded with a
  probability that is ``1 + recording_bias`` times higher for the over-recorded group.
- Eighteen months are simulated before the start and not recorded, so the network starts warm.

What keeps the world from flattering a model (``_synth_realism``, each a documented argument of
:func:`simulate_population` with a realistic default, each drawing from its own random stream):
ties form only weakly on latent risk; each tie's true strength varies around its type's weight and
the links table records a noisy view of it (and sometimes the wrong type); contagion exposure has
a half-life of 125 days, not the features' 60; each person's risk shifts once (onset or
desistance); people move away or die (``people.left_date`` / ``left_reason``); agencies miss
records and record adversity for people without it; health stops supplying A&E data for six
months and police halve ASB recording after a change of practice.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vrurisk._dates import parse_date
from vrurisk._errors import ConfigError
from vrurisk.data import _synth_params as P
from vrurisk.data import _synth_realism as R
from vrurisk.data._dataset import Dataset
from vrurisk.data._synth_events import Lives, MonthlySimulation, SimulationResult
from vrurisk.data._synth_network import DAYS_PER_YEAR, Adjacency, Ties, make_ties
from vrurisk.data._synth_panel import InterventionSettings, Panel
from vrurisk.data._synth_people import People, make_people

#: Second seed word of the separate generator of the affinity trait (used when risk_homophily < 1).
AFFINITY_STREAM = 1

BAD_PARAMETER = "simulate_population: '{name}' must be {rule}, got {value!r}"


@dataclass(frozen=True)
class SyntheticPopulation:
    """A simulated population: the recorded data and the truth behind it.

    Attributes
    ----------
    dataset : Dataset
        The validated ``people``, ``events`` and ``links`` an analyst would see (only recorded
        events and links); its extraction date is the last simulated day.
    truth : pandas.DataFrame
        One row per person, keyed by ``person_id``: latent risk, ACEs and traits, area
        deprivation, street group, whether the person's low-level events are over-recorded, and
        true event counts including those never recorded (``true_<event_type>_<role>``).
    months : pandas.DatetimeIndex
        First day of each simulated month.
    hazard : numpy.ndarray or None
        ``(n_months, n_people)`` true monthly serious-violence hazard (columns in ``truth`` row
        order), kept only when ``keep_hazard=True``: the state an oracle would know.
    contagion_boost : numpy.ndarray or None
        ``(n_months, n_people)`` the factor by which network contagion multiplied each person's
        violence hazards that month (1 = no exposure), kept only when ``keep_hazard=True``.
    parameters : dict
        The arguments the population was simulated with.

    With ``interventions=True`` the dataset also holds the ``interventions`` and ``lists``
    tables, and ``truth`` gains, per person, the programme they were referred to (if any), when
    and by whom, whether they engaged, the planted hazard reduction and their serious-violence
    hazard summed over the 12 months from referral with and without the programme.
    """

    dataset: Dataset
    truth: pd.DataFrame
    months: pd.DatetimeIndex
    hazard: np.ndarray | None
    contagion_boost: np.ndarray | None
    parameters: dict

    def oracle_hazard(
        self, as_of, *, horizon_days: int = 365, future: bool = False, network: bool = True
    ) -> np.ndarray:
        """An oracle's serious-violence risk per person (``truth`` row order) at ``as_of``.

        With ``future=False`` the true hazard of the month containing ``as_of`` (what someone
        knowing the latent risk and current state would say); with ``future=True`` the sum of the
        true hazards over the following ``horizon_days`` (an upper bound no model can reach).
        With ``network=False`` the contagion multiplier is divided out (an oracle that knows
        everything about the person but nothing about their network).
        """
        if self.hazard is None:
            raise ValueError("simulate the population with keep_hazard=True to use the oracle")
        as_of = pd.Timestamp(as_of)
        month = int(np.searchsorted(self.months, as_of, side="right")) - 1
        month = min(max(month, 0), len(self.months) - 1)
        if not future:
            months = slice(month, month + 1)
        else:
            last = int(np.searchsorted(self.months, as_of + pd.Timedelta(days=horizon_days)))
            months = slice(month + 1, max(last, month + 2))
        hazard = self.hazard[months].astype(np.float64)
        if not network:
            hazard /= self.contagion_boost[months]
        return hazard.sum(axis=0)


def _check(name: str, value, rule: str, ok: Callable[[object], bool]) -> None:
    if isinstance(value, bool) or not ok(value):
        raise ConfigError(BAD_PARAMETER.format(name=name, rule=rule, value=value))


def simulate_population(
    n_people: int = 20_000,
    *,
    seed: int = 0,
    years: float = 6,
    contagion: float = 1.0,
    recording_bias: float = P.DEFAULT_RECORDING_BIAS,
    risk_homophily: float = P.DEFAULT_RISK_HOMOPHILY,
    contagion_half_life_days: float = P.DEFAULT_CONTAGION_HALF_LIFE_DAYS,
    risk_change: float = P.DEFAULT_RISK_CHANGE,
    leaving: float = P.DEFAULT_LEAVING,
    false_records: float = P.DEFAULT_FALSE_RECORDS,
    missed_records: float = P.DEFAULT_MISSED_RECORDS,
    supply_gap_months: int = P.DEFAULT_SUPPLY_GAP_MONTHS,
    recording_change: float = P.DEFAULT_RECORDING_CHANGE,
    link_noise: float = P.DEFAULT_LINK_NOISE,
    link_type_error: float = P.DEFAULT_LINK_TYPE_ERROR,
    end_date=None,
    keep_hazard: bool = False,
    progress: Callable[[int, int], None] | None = None,
    interventions: bool = False,
    intervention_effect: float = 0.25,
    intervention_months: int = 6,
    intervention_places: int | None = None,
    intervention_adherence: float = 0.8,
) -> SyntheticPopulation:
    """Simulate a VRU population month by month and return its recorded data and truth.

    Parameters
    ----------
    n_people : int
        People aged about 8-30 on the last day (at least 200).
    seed : int
        Seed of the random generator; the same arguments give identical output.
    years : float
        Length of the simulation (whole months are simulated).
    contagion : float
        Strength of network contagion of violence (0 turns it off, 1 is the default strength):
        the violence hazard multiplier is ``1 + contagion * 3 * min(exposure, 5)``, where one
        associate's violent incident adds about 1 to exposure, which halves every
        ``contagion_half_life_days``. It also scales street groups' peer influence and being
        drawn into associates' incidents (full from 1, none at 0). At 1, about 40% of violent
        involvement (about 52% in the co-offending network) is attributable to contagion and the
        odds of victimisation rise about 1.4-1.5x per victimised associate; see
        :data:`vrurisk.data._synth_params.CONTAGION_GAIN` for the published figures these are
        set against.
    recording_bias : float
        Over-recording of low-level police events (drug possession, ASB, stop and search) for
        the over-recorded group (Black young people): they are recorded with probability
        ``base * (1 + recording_bias)``. 0 turns it off; true behaviour is unaffected.
    risk_homophily : float
        How much associates and street groups form on latent risk, between 0 and 1: they form on
        an affinity trait whose correlation with latent risk is ``risk_homophily`` (default 0.3,
        weak). At 1 they form on latent risk itself, so an associate's violence says something
        about one's own risk even without contagion; at 0 ties are independent of latent risk
        given area, school, age and household.
    contagion_half_life_days : float
        Half-life of contagion exposure (default 125 days: the median time between infector and
        infectee reported by Green, Horel and Papachristos 2017), deliberately not the features'
        default ``exposure_half_life_days`` of 60.
    risk_change : float
        Standard deviation of each person's one change of log risk, at a uniformly random month
        (onset if up, desistance if down; default 0.5). 0: risk changes only with the slow AR(1)
        state.
    leaving : float
        Multiplier of the yearly rates of moving out of the area (2% under 16, 4% at 16-18, 6%
        from 19) and of dying (0.05% times the latent risk multiplier); default 1, 0 = nobody
        leaves. Leavers have no events from the month they leave; ``people.left_date`` and
        ``left_reason`` (``moved_away`` or ``died``) record it, so they are censored.
    false_records : float
        Multiplier of the per-agency false-record rates (default 1): police, education, health
        and social care record adversity events (domestic abuse, parental substance misuse or
        imprisonment, social-care referrals, SEN, exclusions, missing episodes, A&E assaults)
        for people who do not have that adversity, 5%, 8%, 10% and 15% as many as the true ones
        they record. True behaviour and outcomes are unchanged.
    missed_records : float
        Multiplier of the per-agency probability that an event the agency would have recorded is
        not (police 3%, education 8%, health 15%, social care 10%; default 1).
    supply_gap_months : int
        Health stops supplying A&E assault attendances for this many months, from 24 months
        before the end (default 6; 0 = no gap).
    recording_change : float
        From 30 months before the end, police record ASB with probability multiplied by this
        (a change of recording practice; default 0.5, 1 = no change).
    link_noise : float
        Standard deviation of the log-normal noise between a recorded link's ``weight`` and the
        tie's true strength in the contagion (default 0.5; 0 records the true strength). True
        strengths vary around their link type's weight, so ``weight`` never equals the
        generator's contagion weights.
    link_type_error : float
        Probability that a recorded link's ``link_type`` is wrong (default 0.1).
    end_date : date-like, optional
        Last simulated day and extraction date (default 2025-12-31, so seeds reproduce).
    keep_hazard : bool
        Keep the monthly true serious-violence hazard for :meth:`SyntheticPopulation.oracle_hazard`
        (``4 * n_months * n_people`` bytes).
    progress : callable, optional
        Called as ``progress(months_done, n_months)`` after each simulated year (after an
        unrecorded burn-in of 18 months that warms up the network).
    interventions : bool
        Simulate a monthly panel that lists people by a score from their recorded history and
        refers them to a programme ("mentoring") under a capacity, with a known true effect (see
        :mod:`vrurisk.data._synth_panel`). Off by default: the default output is unchanged.
    intervention_effect : float
        Reduction of an engaged person's violence hazards while the programme lasts (0-0.95).
    intervention_months : int
        How long the programme lasts, in months (1-24).
    intervention_places : int, optional
        Referral places on each monthly list (default ``n_people // 500``).
    intervention_adherence : float
        Share of referred people who engage (0-1); the others drop out with no effect.

    Examples
    --------
    >>> from vrurisk.data import simulate_population
    >>> pop = simulate_population(500, seed=1, years=2)
    >>> pop.dataset.n_people, len(pop.truth)
    (500, 500)
    """
    _check(
        "n_people",
        n_people,
        "an integer >= 200",
        lambda v: isinstance(v, numbers.Integral) and v >= 200,
    )
    _check(
        "seed", seed, "a non-negative integer", lambda v: isinstance(v, numbers.Integral) and v >= 0
    )
    _check(
        "years",
        years,
        "a number between 1 and 30",
        lambda v: isinstance(v, numbers.Real) and 1 <= v <= 30,
    )
    for name, value in (("contagion", contagion), ("recording_bias", recording_bias)):
        _check(
            name,
            value,
            "a number between 0 and 10",
            lambda v: isinstance(v, numbers.Real) and 0 <= v <= 10,
        )
    for name, value, low, high in (
        ("risk_homophily", risk_homophily, 0, 1),
        ("contagion_half_life_days", contagion_half_life_days, 7, 3650),
        ("risk_change", risk_change, 0, 3),
        ("leaving", leaving, 0, 10),
        ("false_records", false_records, 0, 10),
        ("missed_records", missed_records, 0, 10),
        ("recording_change", recording_change, 0, 1),
        ("link_noise", link_noise, 0, 3),
        ("link_type_error", link_type_error, 0, 1),
    ):
        _check(
            name,
            value,
            f"a number between {low} and {high}",
            lambda v, lo=low, hi=high: isinstance(v, numbers.Real) and lo <= v <= hi,
        )
    _check(
        "supply_gap_months",
        supply_gap_months,
        "an integer between 0 and 24",
        lambda v: isinstance(v, numbers.Integral) and 0 <= v <= 24,
    )
    settings = _intervention_settings(
        n_people,
        intervention_effect,
        intervention_months,
        intervention_places,
        intervention_adherence,
    )
    end = parse_date(end_date if end_date is not None else P.DEFAULT_END_DATE, "end_date")

    n_months = max(1, int(round(years * 12)))
    total_days = int(round(n_months * DAYS_PER_YEAR / 12))
    start = end - pd.Timedelta(days=total_days - 1)
    rng = np.random.default_rng(seed)
    people = make_people(
        rng,
        int(n_people),
        float(total_days),
        risk_homophily=float(risk_homophily),
        affinity_rng=np.random.default_rng([int(seed), AFFINITY_STREAM]),
    )
    ties = make_ties(rng, people, float(total_days), R.stream(seed, "strength"))
    adjacency = Adjacency.from_ties(ties, people.n)
    month_days = total_days / n_months
    month_starts = start + pd.to_timedelta(np.floor(np.arange(n_months) * month_days), unit="D")
    burn_in = P.BURN_IN_MONTHS
    change_day, shift = R.risk_changes(
        R.stream(seed, "risk_change"),
        people.n,
        -burn_in * month_days,
        float(total_days),
        float(risk_change),
    )
    left_day, left_reason = R.leaving(
        R.stream(seed, "leaving"),
        people.age_end,
        people.latent,
        float(total_days),
        n_months,
        float(leaving),
    )
    lives = Lives(
        change_day,
        shift,
        left_day,
        float(contagion_half_life_days),
        R.stream(seed, "strength"),
    )
    sim_months = np.arange(-burn_in, n_months)
    mids = start + pd.to_timedelta(np.floor((sim_months + 0.5) * month_days), unit="D")
    over_recorded = P.ETHNICITIES[people.ethnicity] == P.OVER_RECORDED_ETHNICITY
    born = np.round(total_days - 1 - people.age_end * DAYS_PER_YEAR)  # as in the people table
    panel = (
        Panel(seed, people.n, born_day=born, month_days=month_days, settings=settings)
        if interventions
        else None
    )
    sim = MonthlySimulation(
        rng,
        people,
        adjacency,
        total_days=float(total_days),
        n_months=n_months,
        calendar_month=mids.month.to_numpy(),
        burn_in=burn_in,
        contagion=float(contagion),
        recording_bias=float(recording_bias),
        over_recorded=over_recorded,
        keep_hazard=keep_hazard,
        lives=lives,
        panel=panel,
    )
    result = sim.run(progress)
    ids = _person_ids(R.stream(seed, "ids"), people.n)  # the same whatever happens
    order = np.argsort(ids)  # rows of people and truth sorted by person_id
    recording = R.RecordingSettings(
        float(false_records), float(missed_records), int(supply_gap_months), float(recording_change)
    )
    log, false_count = R.recorded_events(
        result.log,
        recording,
        seed,
        has_adversity={**people.ace, "sen": people.sen},
        born_day=born,
        left_day=left_day,
        total_days=float(total_days),
        n_months=n_months,
    )
    all_ties = Ties.concat([ties, result.dynamic_ties])
    weight, link_kind = R.observed_links(
        seed, all_ties.kind, all_ties.strength, float(link_noise), float(link_type_error)
    )
    dataset = _build_dataset(
        people,
        Recorded(log, all_ties, weight, link_kind, left_day, left_reason),
        ids,
        order,
        start,
        end,
        float(total_days),
    )
    truth = _build_truth(people, result, ids, order, over_recorded)
    truth = truth.assign(
        risk_shift=shift[order],
        risk_shift_date=_dates(start, np.clip(change_day[order], 0, None)),
        false_records=false_count[order],
    )
    if panel is not None:
        referrals, lists, columns = panel.tables(ids, start, total_days - 1)
        dataset = dataset.with_tables(interventions=referrals, lists=lists)
        truth = truth.assign(**{name: values[order] for name, values in columns.items()})
    hazard = result.hazard[:, order] if result.hazard is not None else None
    boost = result.boost[:, order] if result.boost is not None else None
    parameters = {
        "n_people": int(n_people),
        "seed": int(seed),
        "years": years,
        "contagion": float(contagion),
        "recording_bias": float(recording_bias),
        "risk_homophily": float(risk_homophily),
        "contagion_half_life_days": float(contagion_half_life_days),
        "risk_change": float(risk_change),
        "leaving": float(leaving),
        "false_records": float(false_records),
        "missed_records": float(missed_records),
        "supply_gap_months": int(supply_gap_months),
        "recording_change": float(recording_change),
        "link_noise": float(link_noise),
        "link_type_error": float(link_type_error),
        "end_date": str(end.date()),
    }
    if panel is not None:
        parameters["interventions"] = {
            "programme": settings.programme,
            "effect": settings.effect,
            "months": settings.months,
            "places": settings.places,
            "adherence": settings.adherence,
        }
    return SyntheticPopulation(
        dataset, truth, pd.DatetimeIndex(month_starts), hazard, boost, parameters
    )


def _intervention_settings(n_people, effect, months, places, adherence) -> InterventionSettings:
    _check(
        "intervention_effect",
        effect,
        "a number between 0 and 0.95",
        lambda v: isinstance(v, numbers.Real) and 0 <= v <= 0.95,
    )
    _check(
        "intervention_months",
        months,
        "an integer between 1 and 24",
        lambda v: isinstance(v, numbers.Integral) and 1 <= v <= 24,
    )
    if places is None:
        places = max(5, int(n_people) // 500) if isinstance(n_people, numbers.Integral) else 5
    _check(
        "intervention_places",
        places,
        "an integer >= 1",
        lambda v: isinstance(v, numbers.Integral) and v >= 1,
    )
    _check(
        "intervention_adherence",
        adherence,
        "a number between 0 and 1",
        lambda v: isinstance(v, numbers.Real) and 0 <= v <= 1,
    )
    return InterventionSettings(
        effect=float(effect), months=int(months), places=int(places), adherence=float(adherence)
    )


def _person_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Opaque identifiers from a random permutation, so id order says nothing about people."""
    width = max(6, len(str(n)))
    numbers_ = rng.permutation(n)
    return ("P" + pd.Series(numbers_).astype(str).str.zfill(width)).to_numpy(dtype=object)


def _dates(start: pd.Timestamp, days: np.ndarray) -> np.ndarray:
    offset = np.floor(days).astype("int64").astype("timedelta64[D]")
    return (np.datetime64(start.date(), "D") + offset).astype("datetime64[ns]")


@dataclass(frozen=True)
class Recorded:
    """What the agencies recorded: the event log with its flags, the ties with their recorded
    weight and type, and who left when and why."""

    log: dict
    ties: Ties
    weight: np.ndarray
    link_kind: np.ndarray
    left_day: np.ndarray
    left_reason: np.ndarray


def _build_dataset(
    people: People,
    recorded: Recorded,
    ids: np.ndarray,
    order: np.ndarray,
    start: pd.Timestamp,
    end: pd.Timestamp,
    total_days: float,
) -> Dataset:
    born = np.round(total_days - 1 - people.age_end * DAYS_PER_YEAR)
    people_df = pd.DataFrame(
        {
            "person_id": ids[order],
            "birth_date": _dates(start, born[order]),
            "sex": pd.Categorical.from_codes(people.male[order].astype(np.int8), P.SEXES),
            "ethnicity": pd.Categorical.from_codes(people.ethnicity[order], P.ETHNICITIES),
            "area": _area_codes(people.area[order]),
            "deprivation_decile": people.decile[order].astype(np.int64),
        }
    )
    left = recorded.left_day[order]
    gone = np.isfinite(left)
    if gone.any():
        people_df["left_date"] = pd.Series(_dates(start, np.where(gone, left, 0))).where(gone)
        reason = np.array(R.LEFT_REASONS, dtype=object)[np.maximum(recorded.left_reason[order], 0)]
        people_df["left_reason"] = pd.Series(reason).where(gone)

    log = recorded.log
    keep = log["recorded"]
    person = log["person"][keep]
    day = np.maximum(log["day"][keep], born[person])  # nothing before birth
    kind = log["kind"][keep]
    incident = log["incident"][keep]
    rank = np.empty(people.n, dtype=np.int64)  # position of each person in person_id order
    rank[order] = np.arange(people.n)
    event_order = np.lexsort((rank[person], np.floor(day)))
    person, day, kind, incident = (a[event_order] for a in (person, day, kind, incident))
    events_df = pd.DataFrame(
        {
            "person_id": ids[person],
            "event_date": _dates(start, day),
            "event_type": _kind_column(kind, 0),
            "role": _kind_column(kind, 1),
            "source": _kind_column(kind, 2),
            "incident_id": _incident_ids(incident),
        }
    )

    all_ties = recorded.ties
    rec = all_ties.recorded & (all_ties.start < recorded.left_day[all_ties.a])
    rec &= all_ties.start < recorded.left_day[all_ties.b]
    a, b, tie_day, tie_kind, weight = (
        all_ties.a[rec],
        all_ties.b[rec],
        all_ties.start[rec],
        recorded.link_kind[rec],
        recorded.weight[rec],
    )
    tie_day = np.maximum(tie_day, np.maximum(born[a], born[b]))
    link_order = np.lexsort((rank[b], rank[a], np.floor(tie_day)))
    a, b, tie_day, tie_kind, weight = (x[link_order] for x in (a, b, tie_day, tie_kind, weight))
    links_df = pd.DataFrame(
        {
            "person_a": ids[a],
            "person_b": ids[b],
            "link_date": _dates(start, tie_day),
            "link_type": pd.Categorical(np.array(P.LINK_TYPES, dtype=object)[tie_kind]),
            "weight": weight,
        }
    )
    return Dataset.from_frames(
        people_df, events_df, links_df, extraction_date=end, source="<synthetic>"
    )


def _kind_column(kind: np.ndarray, field: int) -> pd.Categorical:
    """Event type, role or source of each event code, as a categorical (no per-row strings)."""
    values = [k[field] for k in P.EVENT_KINDS]
    categories = sorted(set(values))
    codes = np.array([categories.index(v) for v in values], dtype=np.int8)
    return pd.Categorical.from_codes(codes[kind], categories)


def _area_codes(area: np.ndarray) -> np.ndarray:
    return ("E01" + pd.Series(area).astype(str).str.zfill(6)).to_numpy(dtype=object)


def _incident_ids(incident: np.ndarray) -> pd.Series:
    text = "I" + pd.Series(incident).astype(str).str.zfill(9)
    return text.where(incident >= 0, None).astype("string")


def _build_truth(
    people: People,
    result: SimulationResult,
    ids: np.ndarray,
    order: np.ndarray,
    over_recorded: np.ndarray,
) -> pd.DataFrame:
    n = people.n
    truth = {
        "person_id": ids,
        "latent_risk": people.latent,
        "risk_multiplier": np.exp(people.latent),
        "state_end": result.state_end,
        "contagion_exposure_end": result.exposure_end,
        "contagion_exposure_mean": result.exposure_mean,
        "violence_from_contagion": result.from_contagion,
    }
    for name, flag in people.ace.items():
        truth[f"ace_{name}"] = flag
    truth["ace_count"] = people.ace_count.astype(np.int64)
    truth.update(
        {
            "sen": people.sen,
            "exclusion_prone": people.exclusion_prone,
            "missing_prone": people.missing_prone,
            "early_drug": people.early_drug,
            "area": _area_codes(people.area),
            "deprivation_decile": people.decile.astype(np.int64),
            "school_id": people.school.astype(np.int64),
            "household_id": people.household.astype(np.int64),
            "group_id": people.group.astype(np.int64),
            "in_group": people.group >= 0,
            "over_recorded": over_recorded,
        }
    )
    log = result.log
    names = [f"true_{t}_{r}" for t, r, _ in P.EVENT_KINDS]
    for column in dict.fromkeys(names):
        codes = [i for i, name in enumerate(names) if name == column]
        mask = np.isin(log["kind"], codes)
        truth[column] = np.bincount(log["person"][mask], minlength=n).astype(np.int64)
    frame = pd.DataFrame(truth).iloc[order].reset_index(drop=True)
    return frame
