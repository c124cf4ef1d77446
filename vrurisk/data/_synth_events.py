"""Month-by-month simulation of what happens to the synthetic people and what gets recorded.

Each month every person has a hazard for each behaviour that depends on their latent risk, a
slowly varying personal state (AR(1)), their age (an age curve per behaviour) and, for violence,
network contagion: exposure rises when an associate is involved in violence as suspect or victim
and decays by a constant factor each month. Exposure is one sparse mat-vec per month over the
ties that are active by then (including co-offending ties created by earlier incidents).

True behaviour and what agencies record are kept apart: violence is recorded with a probability,
and low-level police events (drug possession, ASB, stop and search) are recorded with a
probability that is higher for the over-recorded group when ``recording_bias > 0``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from vrurisk.data import _synth_params as P
from vrurisk.data._synth_network import DAYS_PER_YEAR, Adjacency, Ties, tie_strength
from vrurisk.data._synth_people import People

CURVE_MONTHS = 12 * 40  # age curves are tabulated up to age 40


def age_curve(age: np.ndarray, spec: tuple[float, float, float, float, float]) -> np.ndarray:
    """Asymmetric Gaussian bump in age, zero outside ``[min_age, max_age)``."""
    peak, left, right, min_age, max_age = spec
    sd = np.where(age < peak, left, right)
    curve = np.exp(-0.5 * ((age - peak) / sd) ** 2)
    curve[(age < min_age) | (age >= max_age)] = 0.0
    return curve


@dataclass
class EventLog:
    """Every true event (recorded or not), accumulated month by month."""

    person: list = field(default_factory=list)
    day: list = field(default_factory=list)
    kind: list = field(default_factory=list)
    incident: list = field(default_factory=list)
    recorded: list = field(default_factory=list)

    def add(self, person, day, kind, incident=None, recorded=None) -> None:
        person = np.asarray(person, dtype=np.int64)
        m = len(person)
        if m == 0:
            return
        self.person.append(person)
        self.day.append(np.broadcast_to(np.asarray(day, dtype=np.float64), (m,)))
        self.kind.append(np.broadcast_to(np.asarray(kind, dtype=np.int8), (m,)))
        inc = -1 if incident is None else incident
        self.incident.append(np.broadcast_to(np.asarray(inc, dtype=np.int64), (m,)))
        rec = True if recorded is None else recorded
        self.recorded.append(np.broadcast_to(np.asarray(rec, dtype=bool), (m,)))

    def arrays(self) -> dict[str, np.ndarray]:
        """All events dated on or after the simulation start (burn-in months are dropped)."""
        names = ("person", "day", "kind", "incident", "recorded")
        empty = (np.int64, np.float64, np.int8, np.int64, bool)
        out = {
            name: np.concatenate(getattr(self, name))
            if getattr(self, name)
            else np.zeros(0, dtype=dt)
            for name, dt in zip(names, empty, strict=True)
        }
        keep = out["day"] >= 0
        return {name: values[keep] for name, values in out.items()}


@dataclass
class Lives:
    """Per-person changes over time and the contagion kernel (see ``_synth_realism``)."""

    change_day: np.ndarray  # day of each person's one change of log risk
    shift: np.ndarray  # its size (onset if > 0, desistance if < 0)
    left_day: np.ndarray  # day they moved away or died (inf: stayed)
    half_life_days: float  # of contagion exposure
    strength_rng: np.random.Generator  # true strength of ties formed during the simulation


@dataclass
class SimulationResult:
    log: dict[str, np.ndarray]
    dynamic_ties: Ties
    state_end: np.ndarray
    exposure_end: np.ndarray
    exposure_mean: np.ndarray
    from_contagion: np.ndarray  # expected violent incidents attributable to contagion
    hazard: np.ndarray | None  # (n_months, n) monthly serious-violence hazard, if kept
    boost: np.ndarray | None  # (n_months, n) contagion multiplier of violence hazards, if kept


class MonthlySimulation:
    """Runs the months in order; all per-person work is vectorised over people."""

    def __init__(
        self,
        rng: np.random.Generator,
        people: People,
        adjacency: Adjacency,
        *,
        total_days: float,
        n_months: int,
        calendar_month: np.ndarray,
        burn_in: int,
        contagion: float,
        recording_bias: float,
        over_recorded: np.ndarray,
        keep_hazard: bool,
        lives: Lives,
        panel=None,
    ) -> None:
        self.rng, self.people, self.adj = rng, people, adjacency
        self.panel = panel  # a _synth_panel.Panel when interventions are simulated
        self.mult = None  # this month's hazard multiplier from the panel's programme
        self.n = people.n
        self.total_days, self.n_months = total_days, n_months
        self.month_days = total_days / n_months
        self.calendar_month = calendar_month  # of months -burn_in .. n_months - 1
        self.burn_in = burn_in
        self.contagion = contagion
        # How much of the network's other risk is on: street groups' peer influence on their
        # members and being drawn into associates' incidents (co-offender, victim, co-victim)
        # rather than a local person's. All of it at contagion >= 1, none at 0.
        self.network_share = min(1.0, contagion)
        self.suspect_w = np.zeros(people.n)  # this month's violence hazards, for local picks
        self.decay = 0.5 ** (self.month_days / lives.half_life_days)
        self.lives = lives
        self.p_low = np.minimum(0.95, P.LOW_LEVEL_RECORDED * (1 + recording_bias * over_recorded))
        self.log = EventLog()
        self.incidents = 0
        self.dyn: list[Ties] = []
        self.hazard = np.zeros((n_months, self.n), dtype=np.float32) if keep_hazard else None
        self.boost = np.zeros((n_months, self.n), dtype=np.float32) if keep_hazard else None
        self.state = rng.normal(scale=P.STATE_SD, size=self.n)
        self.exposure = np.zeros(self.n)
        self.exposure_sum = np.zeros(self.n)
        self.from_contagion = np.zeros(self.n)
        ace = people.ace
        self.n_aces = people.ace_count.astype(np.float64)
        self.ace_social = ace["social_care"]
        born_day = total_days - people.age_end * DAYS_PER_YEAR
        self.born_day = born_day
        hh_first = np.r_[0, np.flatnonzero(np.diff(people.household)) + 1]
        self.hh_first = hh_first
        self.hh_ace = {k: ace[k][hh_first] for k in ace if k != "social_care"}
        # Age curves tabulated by whole months of age (times the base rate), for fast lookup;
        # entry 0 is "not born yet" (zero), entry i is age i - 1 months.
        grid = (np.arange(CURVE_MONTHS) - 0.5) / 12
        self.curves = {}
        for name, (base, spec, _) in P.BEHAVIOURS.items():
            self.curves[name] = base * age_curve(grid, spec)
            self.curves[name][0] = 0.0
        self.age_end_months = np.floor(people.age_end * 12).astype(np.int64) + 1

    # -- helpers ---------------------------------------------------------------------------
    def _new_incidents(self, k: int) -> np.ndarray:
        ids = np.arange(self.incidents, self.incidents + k, dtype=np.int64)
        self.incidents += k
        return ids

    def _rate(self, name: str, age_index: np.ndarray, risk: np.ndarray) -> np.ndarray:
        """Monthly hazard: base rate x age curve (looked up by age in months) x exp(slope*risk)."""
        _, _, slope = P.BEHAVIOURS[name]
        return self.curves[name][age_index] * np.exp(slope * risk)

    def _draw(self, hazard: np.ndarray) -> np.ndarray:
        return np.flatnonzero(self.rng.random(self.n) < -np.expm1(-hazard))

    def _days(self, day0: float, k: int) -> np.ndarray:
        return day0 + self.rng.random(k) * self.month_days

    # -- one month -------------------------------------------------------------------------
    def run(self, progress: Callable[[int, int], None] | None = None) -> SimulationResult:
        """Simulate the burn-in months (unrecorded, so the network starts warm), then the rest."""
        for month in range(-self.burn_in, self.n_months):
            if month == 0:
                self.exposure_sum[:] = 0
                self.from_contagion[:] = 0
            self.step(month)
            done = month + 1
            if progress is not None and done > 0 and (done % 12 == 0 or done == self.n_months):
                progress(done, self.n_months)
        dyn = Ties.concat(self.dyn) if self.dyn else Ties.concat([_no_ties()])
        dyn.recorded &= dyn.start >= 0  # burn-in incidents are not in the data
        return SimulationResult(
            log=self.log.arrays(),
            dynamic_ties=dyn,
            state_end=self.state,
            exposure_end=self.exposure,
            exposure_mean=self.exposure_sum / self.n_months,
            from_contagion=self.from_contagion,
            hazard=self.hazard,
            boost=self.boost,
        )

    def step(self, month: int) -> None:
        rng, people, n = self.rng, self.people, self.n
        day0 = month * self.month_days
        day_end = day0 + self.month_days
        mid = day0 + self.month_days / 2
        age = people.age_end - (self.total_days - mid) / DAYS_PER_YEAR
        age_index = np.clip(self.age_end_months - (self.n_months - 1 - month), 0, CURVE_MONTHS - 1)
        rho = P.STATE_RHO
        self.state = rho * self.state + np.sqrt(1 - rho**2) * P.STATE_SD * rng.normal(size=n)
        lives = self.lives
        risk = people.latent + self.state + lives.shift * (lives.change_day <= mid)
        self.present = lives.left_day >= day_end  # absent from the month they leave
        self.adj.present = self.present
        # Gone (moved away or died): no behaviour from this month on (hazards are zero).
        risk = np.where(self.present, risk, -np.inf)
        in_group = people.group >= 0
        if in_group.any():
            in_group &= people.group_formed[np.maximum(people.group, 0)] <= mid
        in_group = in_group * self.network_share  # peer influence in groups is network risk
        boost = 1 + self.contagion * P.CONTAGION_GAIN * np.minimum(self.exposure, P.CONTAGION_CAP)
        self.mult = None if self.panel is None else self.panel.start_month(month, self.log)

        involved = self._violence(month, day0, day_end, age, age_index, risk, in_group, boost)
        self._other_crime(day0, day_end, age, age_index, risk, in_group)
        self._welfare(month, day0, age, age_index, risk)

        # Contagion: exposure decays and takes in this month's violence among associates.
        pushed = self.adj.push(np.flatnonzero(involved), involved[involved > 0], day_end, n)
        if self.dyn:
            dyn = Ties.concat(self.dyn)
            w = dyn.strength * (dyn.end >= day_end)
            pushed += np.bincount(dyn.b, weights=w * involved[dyn.a], minlength=n)
            pushed += np.bincount(dyn.a, weights=w * involved[dyn.b], minlength=n)
        self.exposure = self.decay * self.exposure + pushed
        self.exposure_sum += self.exposure

    def _violence(self, month, day0, day_end, age, age_index, risk, in_group, boost) -> np.ndarray:
        """Violent incidents with suspects, co-offenders and victims; returns involvement."""
        rng, people, n = self.rng, self.people, self.n
        serious_p = np.minimum(0.6, P.SERIOUS_SHARE * np.exp(0.5 * people.latent))
        serious_p = serious_p * (1 + 0.5 * in_group)
        h_suspect = self._rate("violence_suspect", age_index, risk) * boost * (1 + 0.5 * in_group)
        self.suspect_w = h_suspect
        victim_w = self._rate("violence_victim", age_index, risk) * boost
        pick_w, mult = victim_w, self.mult
        if mult is not None:  # a programme lowers its engaged people's violence hazards
            serious_v = np.minimum(0.6, P.SERIOUS_SHARE * np.exp(0.3 * people.latent))
            self.panel.record_hazard(month, h_suspect * serious_p + victim_w * serious_v)
            h_suspect, victim_w = h_suspect * mult, victim_w * mult
        if self.hazard is not None and month >= 0:
            serious_v = np.minimum(0.6, P.SERIOUS_SHARE * np.exp(0.3 * people.latent))
            self.hazard[month] = h_suspect * serious_p + victim_w * serious_v
            self.boost[month] = boost

        # Incidents with a suspect in the population.
        prim = self._draw(h_suspect)
        k = len(prim)
        inc = self._new_incidents(k)
        serious = rng.random(k) < serious_p[prim]
        recorded = rng.random(k) < np.where(serious, P.RECORDED_SERIOUS, P.RECORDED_VIOLENCE)
        days = self._days(day0, k)
        self.from_contagion += np.bincount(prim, weights=1 - 1 / boost[prim], minlength=n)

        co_pick, co = self._co_offenders(prim, in_group, age, day_end, min_age=10)
        if mult is not None:
            keep = self.panel.accept(co)
            co_pick, co = co_pick[keep], co[keep]

        vic_pick = np.flatnonzero(rng.random(k) < P.VICTIM_IN_POPULATION_P)
        victim = self._pick_victims(prim[vic_pick], day_end, age, pick_w)
        ok = victim >= 0
        if mult is not None:
            ok[ok] = self.panel.accept(victim[ok])
        vic_pick, victim = vic_pick[ok], victim[ok]

        suspects = np.concatenate([prim, co])
        s_inc = np.concatenate([np.arange(k), co_pick])
        self._log_violence(suspects, s_inc, inc, days, serious, recorded, suspect=True)
        self._log_violence(victim, vic_pick, inc, days, serious, recorded, suspect=False)
        self._add_ties(prim[co_pick], co, days[co_pick], recorded[co_pick], P.CO_OFFENDING)

        # Victimisation by offenders outside the population.
        outv = self._draw(victim_w)
        m = len(outv)
        o_inc = self._new_incidents(m)
        o_serious = rng.random(m) < np.minimum(
            0.6, P.SERIOUS_SHARE * np.exp(0.3 * people.latent[outv])
        )
        o_rec = rng.random(m) < np.where(o_serious, P.RECORDED_SERIOUS, P.RECORDED_VIOLENCE)
        o_days = self._days(day0, m)
        self.from_contagion += np.bincount(outv, weights=1 - 1 / boost[outv], minlength=n)
        second_pick = np.flatnonzero(rng.random(m) < P.CO_VICTIM_P * self.network_share)
        second = self.adj.sample_neighbour(rng, outv[second_pick], day_end)
        ok = second >= 0
        ok[ok] = (second[ok] != outv[second_pick[ok]]) & (age[second[ok]] >= 8)
        if mult is not None:
            ok[ok] = self.panel.accept(second[ok])
        second_pick, second = second_pick[ok], second[ok]
        victims = np.concatenate([outv, second])
        v_inc = np.concatenate([np.arange(m), second_pick])
        self._log_violence(victims, v_inc, o_inc, o_days, o_serious, o_rec, suspect=False)
        self._add_ties(
            outv[second_pick], second, o_days[second_pick], o_rec[second_pick], P.CO_VICTIM
        )

        weights = np.concatenate(
            [
                1.0 + serious[s_inc],
                1.0 + serious[vic_pick],
                1.0 + o_serious[v_inc],
            ]
        )
        everyone = np.concatenate([suspects, victim, victims])
        return np.bincount(everyone, weights=weights, minlength=n)

    def _pick_victims(self, suspects, day_end, age, victim_w) -> np.ndarray:
        """A victim for each incident: an associate of the suspect, or a local person."""
        rng = self.rng
        victim = np.full(len(suspects), -1, dtype=np.int64)
        assoc = rng.random(len(suspects)) < P.VICTIM_IS_ASSOCIATE_P * self.network_share
        found = self.adj.sample_neighbour(rng, suspects[assoc], day_end)
        ok = found >= 0
        ok[ok] = age[found[ok]] >= 8
        victim[assoc] = np.where(ok, found, -1)
        local = np.flatnonzero(~assoc)
        victim[local] = self._local_pick(suspects[local], victim_w)
        victim[victim == suspects] = -1
        return victim

    def _local_pick(self, others: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """For each of ``others``, a person of their area drawn with probability proportional to
        ``weight`` among six random candidates (-1 if all six weigh 0)."""
        rng, people = self.rng, self.people
        area = people.area[others]
        lo = people.area_start[area]
        size = people.area_start[area + 1] - lo
        cands = lo[:, None] + np.floor(rng.random((len(others), 6)) * size[:, None]).astype(
            np.int64
        )
        w = weight[cands]
        score = np.log(w + 1e-300) - np.log(-np.log(rng.random(w.shape)))
        best = np.argmax(score, axis=1)
        chosen = cands[np.arange(len(others)), best]
        return np.where(w[np.arange(len(others)), best] > 0, chosen, -1)

    def _log_violence(self, people_idx, which, inc, days, serious, recorded, *, suspect) -> None:
        if len(people_idx) == 0:
            return
        ser = serious[which]
        if suspect:
            kind = np.where(ser, P.SV_SUSPECT, P.V_SUSPECT)
        else:
            kind = np.where(ser, P.SV_VICTIM, P.V_VICTIM)
        rec = recorded[which]
        d = days[which]
        self.log.add(people_idx, d, kind, inc[which], rec)
        rng = self.rng
        if suspect:
            custody = rec & (rng.random(len(people_idx)) < P.CUSTODY_AFTER_CRIME)
            self.log.add(people_idx[custody], d[custody], P.CUSTODY)
        else:
            ae = rng.random(len(people_idx)) < np.where(ser, P.AE_SERIOUS, P.AE_VIOLENCE)
            self.log.add(people_idx[ae], d[ae], P.AE)

    def _add_ties(self, a, b, days, recorded, kind) -> None:
        if len(a):
            days = np.asarray(days, dtype=np.float64)
            lasts = self.rng.exponential(P.CO_OFFENDING_YEARS * DAYS_PER_YEAR, size=len(a))
            self.dyn.append(
                Ties(
                    np.minimum(a, b),
                    np.maximum(a, b),
                    days,
                    np.full(len(a), kind, dtype=np.int8),
                    np.asarray(recorded, dtype=bool),
                    days + lasts,
                    tie_strength(self.lives.strength_rng, np.full(len(a), kind, dtype=np.int8)),
                )
            )

    def _co_offenders(self, prim, in_group, age, day_end, *, min_age) -> tuple:
        """For some offences, an active associate offends too: (offence index, co-offender)."""
        rng = self.rng
        pick = np.flatnonzero(rng.random(len(prim)) < P.CO_OFFEND_P * (1 + in_group[prim]))
        co = self.adj.sample_neighbour(rng, prim[pick], day_end)
        # Without network risk, co-offenders are local people drawn by their own hazard.
        local = rng.random(len(pick)) >= self.network_share
        co[local] = self._local_pick(prim[pick[local]], self.suspect_w * (age >= min_age))
        ok = co >= 0
        ok[ok] = (co[ok] != prim[pick[ok]]) & (age[co[ok]] >= min_age)
        return pick[ok], co[ok]

    def _other_crime(self, day0, day_end, age, age_index, risk, in_group) -> None:
        people, rng = self.people, self.rng
        crime = {
            P.KNIFE: self._rate("knife", age_index, risk) * (1 + in_group),
            P.SUPPLY: self._rate("supply", age_index, risk)
            * (1 + 3 * in_group)
            * (1 + 1.5 * people.early_drug),
        }
        for kind, hazard in crime.items():
            prim = self._draw(hazard)
            d = self._days(day0, len(prim))
            inc = self._new_incidents(len(prim))
            if kind == P.SUPPLY:  # drug supply is often done together
                pick, co = self._co_offenders(prim, in_group, age, day_end, min_age=12)
                self._add_ties(prim[pick], co, d[pick], np.ones(len(co), bool), P.CO_OFFENDING)
                who, d = np.concatenate([prim, co]), np.concatenate([d, d[pick]])
                inc = np.concatenate([inc, inc[pick]])
            else:
                who = prim
            self.log.add(who, d, kind, inc)
            custody = rng.random(len(who)) < P.CUSTODY_AFTER_CRIME
            self.log.add(who[custody], d[custody], P.CUSTODY)
        low = {
            P.POSSESSION: self._rate("possession", age_index, risk) * (1 + 2 * people.early_drug),
            P.ASB: self._rate("asb", age_index, risk),
            P.STOP: self._rate("stop", age_index, risk),
        }
        for kind, hazard in low.items():
            who = self._draw(hazard)
            d = self._days(day0, len(who))
            rec = rng.random(len(who)) < self.p_low[who]
            inc = None if kind == P.STOP else self._new_incidents(len(who))
            self.log.add(who, d, kind, inc, rec)
            if kind != P.STOP:
                custody = rec & (rng.random(len(who)) < P.CUSTODY_AFTER_LOW_LEVEL)
                self.log.add(who[custody], d[custody], P.CUSTODY)

    def _welfare(self, month, day0, age, age_index, risk) -> None:
        """Missing episodes, school events, social care and household adversity."""
        people, rng = self.people, self.rng
        welfare = {
            P.MISSING: self._rate("missing", age_index, risk)
            * np.exp(1.8 * people.missing_prone + 0.5 * self.ace_social),
            P.EXCLUSION: self._rate("exclusion", age_index, risk)
            * np.exp(1.8 * people.exclusion_prone + 0.4 * people.sen),
            P.REFERRAL: self._rate("referral", age_index, risk)
            * np.exp(1.5 * self.ace_social + 0.3 * self.n_aces),
        }
        for kind, hazard in welfare.items():
            who = self._draw(hazard)
            self.log.add(who, self._days(day0, len(who)), kind)
        if self.calendar_month[month + self.burn_in] == 9:  # SEN support reviewed each September
            sen = people.sen & (age >= 5) & (age < 16) & (rng.random(self.n) < 0.9)
            sen = np.flatnonzero(sen & self.present)
            self.log.add(sen, self._days(day0, len(sen)), P.SEN)
        child = (age >= 0) & (age < 18)
        household_rates = (
            (P.DA_POLICE, "domestic_abuse", 0.012),
            (P.DA_SOCIAL, "domestic_abuse", 0.006),
            (P.PSM, "parental_substance_misuse", 0.006),
            (P.PI, "parental_imprisonment", 0.003),
        )
        n_hh = len(self.hh_first)
        for kind, ace, rate in household_rates:
            happens = self.hh_ace[ace] & (rng.random(n_hh) < rate)
            if not happens.any():
                continue
            d_hh = self._days(day0, n_hh)
            members = np.flatnonzero(happens[people.household] & child & self.present)
            self.log.add(members, d_hh[people.household[members]], kind)


def _no_ties() -> Ties:
    z = np.zeros(0, dtype=np.int64)
    return Ties(
        z, z, np.zeros(0), np.zeros(0, dtype=np.int8), np.zeros(0, dtype=bool), z * 1.0, z * 1.0
    )
