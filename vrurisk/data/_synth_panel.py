"""The synthetic panel: monthly lists, referrals to a programme, and the programme's true effect.

Each month from ``first_month`` on, the panel ranks the people not referred before (aged
10-25 on the list date, with a recorded history) by a simple score from the recorded events
before the list date (:data:`SCORE_WEIGHTS`, halving every :data:`SCORE_HALF_LIFE_DAYS`). The
best ``band * places`` form that month's list (the ``lists`` table). A person the panel did not
refer is not listed again for :data:`RELIST_MONTHS` months, so nobody the panel passed over is
referred by it within the 12 months that follow; a person referred once is never listed again.
The panel refers:

- people ranked within ``places`` (on the list) with probability 0.9 if under 18, else 0.7
  (practitioner judgement, which depends on something recorded: age);
- people ranked below ``places`` (the rest of the band) with probability 0.08;
- and, outside the list, about ``0.1 * places`` people a month who have a recent recorded
  school exclusion or missing episode and were never on a list (``referral_source`` education
  or police).

A referred person starts within two weeks and engages with probability ``adherence``; while
engaged (``months`` months from the referral month) their violence hazards, and their chance of
being drawn into someone else's incident as co-offender or victim, are multiplied by
``1 - effect``. People who do not engage drop out within six weeks, with no effect.

The draws of the panel come from their own random stream, so with ``effect=0`` the population
is exactly the one simulated without interventions. For every referral the truth records the
serious-violence hazard summed over the 12 months from the referral month with and without the
programme (``sv_hazard_12m_treated`` / ``_untreated``): a person's true risk ratio is
``(1 - exp(-treated)) / (1 - exp(-untreated))``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vrurisk.data import _synth_params as P
from vrurisk.data._synth_network import DAYS_PER_YEAR

#: Weight of each recorded event kind in the panel's score (kinds not listed count 0).
SCORE_WEIGHTS = {
    P.SV_SUSPECT: 3.0,
    P.SV_VICTIM: 2.0,
    P.V_SUSPECT: 2.0,
    P.V_VICTIM: 1.0,
    P.KNIFE: 2.0,
    P.SUPPLY: 1.5,
    P.CUSTODY: 0.5,
    P.MISSING: 1.0,
    P.EXCLUSION: 1.0,
    P.ASB: 0.5,
    P.POSSESSION: 0.5,
    P.STOP: 0.25,
}
_WEIGHT = np.zeros(len(P.EVENT_KINDS))
_WEIGHT[list(SCORE_WEIGHTS)] = list(SCORE_WEIGHTS.values())
SCORE_HALF_LIFE_DAYS = 180.0
LIST_AGES = (10.0, 25.0)
P_REFER_ON_LIST_UNDER_18 = 0.9
P_REFER_ON_LIST_ADULT = 0.7
P_REFER_BELOW_LIST = 0.08
OUTSIDE_SHARE = 0.1  # outside referrals a month, as a share of places
OUTSIDE_KINDS = (P.EXCLUSION, P.MISSING)
OUTSIDE_SOURCES = {P.EXCLUSION: "education", P.MISSING: "police"}
OUTSIDE_RECENT_DAYS = 90
TRUTH_MONTHS = 12
RELIST_MONTHS = 12
#: Second seed word of the panel's own random generator.
PANEL_STREAM = 2


@dataclass(frozen=True)
class InterventionSettings:
    """The knobs of the synthetic programme (see :func:`simulate_population`)."""

    programme: str = "mentoring"
    effect: float = 0.25
    months: int = 6
    places: int = 40
    adherence: float = 0.8
    band: int = 3
    first_month: int = 12


class Panel:
    """Monthly lists and referrals; gives the month's hazard multiplier to the simulation."""

    def __init__(self, seed: int, n: int, *, born_day, month_days, settings) -> None:
        self.rng = np.random.default_rng([int(seed), PANEL_STREAM])
        self.n, self.settings = n, settings
        self.born_day = born_day  # day of birth as written to the people table
        self.month_days = month_days
        self.referred = np.zeros(n, dtype=bool)
        self.listed_month = np.full(n, -(10**6))  # month a person was last on a list
        self.mult = np.ones(n)
        self.ref_person: list[np.ndarray] = []
        self.ref_month: list[np.ndarray] = []
        self.ref_day: list[np.ndarray] = []
        self.ref_end: list[np.ndarray] = []
        self.ref_adherent: list[np.ndarray] = []
        self.ref_source: list[np.ndarray] = []
        self.rows: list[pd.DataFrame] = []
        self._seen = 0
        self._events: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._h0: dict[int, float] = {}
        self._h1: dict[int, float] = {}

    # -- what the simulation calls ---------------------------------------------------------
    def start_month(self, month: int, log) -> np.ndarray | None:
        """Refer this month's people (from ``first_month`` on); the month's hazard multiplier."""
        if month < 0:
            return None
        self._read_log(log)
        if month >= self.settings.first_month:
            self._list_and_refer(month)
        self.mult = self._multiplier(month)
        return self.mult

    def accept(self, people: np.ndarray) -> np.ndarray:
        """Whether each person is drawn into someone else's incident (engaged people less so)."""
        return self.rng.random(len(people)) < self.mult[people]

    def record_hazard(self, month: int, hazard_untreated: np.ndarray) -> None:
        """Add this month's serious-violence hazard of each referral within its 12 months."""
        if not self.ref_person:
            return
        person, start = np.concatenate(self.ref_person), np.concatenate(self.ref_month)
        live = (month >= start) & (month < start + TRUTH_MONTHS)
        for p in person[live]:
            h = float(hazard_untreated[p])
            self._h0[p] = self._h0.get(p, 0.0) + h
            self._h1[p] = self._h1.get(p, 0.0) + h * float(self.mult[p])

    # -- internals -------------------------------------------------------------------------
    def _read_log(self, log) -> None:
        """Keep the recorded, scored events logged since the last month (burn-in excluded)."""
        for person, day, kind, recorded in zip(
            log.person[self._seen :],
            log.day[self._seen :],
            log.kind[self._seen :],
            log.recorded[self._seen :],
            strict=True,
        ):
            keep = recorded & (day >= 0) & (_WEIGHT[kind] > 0)
            if keep.any():
                self._events.append((person[keep], np.floor(day[keep]), kind[keep]))
        self._seen = len(log.person)

    def _event_arrays(self):
        if not self._events:
            return np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int8)
        person, day, kind = (np.concatenate(a) for a in zip(*self._events, strict=True))
        self._events = [(person, day, kind)]
        return person, day, kind

    def _score(self, list_day: int) -> np.ndarray:
        person, day, kind = self._event_arrays()
        before = day < list_day
        decay = 0.5 ** ((list_day - day[before]) / SCORE_HALF_LIFE_DAYS)
        return np.bincount(person[before], weights=_WEIGHT[kind[before]] * decay, minlength=self.n)

    def _list_and_refer(self, month: int) -> None:
        s, rng = self.settings, self.rng
        list_day = int(np.floor(month * self.month_days))
        age = (list_day - self.born_day) / DAYS_PER_YEAR
        score = np.round(self._score(list_day), 6)
        eligible = ~self.referred & (month - self.listed_month >= RELIST_MONTHS)
        eligible &= (age >= LIST_AGES[0]) & (age <= LIST_AGES[1]) & (score > 0)
        candidates = np.flatnonzero(eligible)
        order = np.lexsort((rng.random(len(candidates)), -score[candidates]))
        listed = candidates[order[: s.band * s.places]]
        rank = np.arange(1, len(listed) + 1)
        self.listed_month[listed] = month
        self.rows.append(
            pd.DataFrame(
                {"list_day": list_day, "person": listed, "rank": rank, "score": score[listed]}
            )
        )
        on_list = rank <= s.places
        p_on = np.where(age[listed] < 18, P_REFER_ON_LIST_UNDER_18, P_REFER_ON_LIST_ADULT)
        refer = rng.random(len(listed)) < np.where(on_list, p_on, P_REFER_BELOW_LIST)
        self._refer(month, list_day, listed[refer], np.full(refer.sum(), "panel", dtype=object))

        person, day, kind = self._event_arrays()
        recent = (day < list_day) & (day >= list_day - OUTSIDE_RECENT_DAYS)
        recent &= np.isin(kind, OUTSIDE_KINDS)
        pool = np.unique(person[recent])
        pool = pool[eligible[pool] & (self.listed_month[pool] < month)]
        k = min(len(pool), int(rng.poisson(OUTSIDE_SHARE * s.places)))
        if k:
            chosen = rng.choice(pool, size=k, replace=False)
            last_kind = {}
            for p, kd in zip(person[recent], kind[recent], strict=True):
                last_kind[p] = kd
            sources = np.array([OUTSIDE_SOURCES[last_kind[p]] for p in chosen], dtype=object)
            self._refer(month, list_day, chosen, sources)

    def _refer(self, month: int, list_day: int, people: np.ndarray, sources: np.ndarray) -> None:
        s, rng, k = self.settings, self.rng, len(people)
        start = list_day + rng.integers(0, 14, size=k)
        adherent = rng.random(k) < s.adherence
        length = np.where(
            adherent, np.round(s.months * self.month_days), rng.integers(7, 43, size=k)
        )
        self.referred[people] = True
        self.ref_person.append(people)
        self.ref_month.append(np.full(k, month))
        self.ref_day.append(start)
        self.ref_end.append(start + length)
        self.ref_adherent.append(adherent)
        self.ref_source.append(sources)

    def _multiplier(self, month: int) -> np.ndarray:
        mult = np.ones(self.n)
        if self.ref_person:
            person, start = np.concatenate(self.ref_person), np.concatenate(self.ref_month)
            adherent = np.concatenate(self.ref_adherent)
            active = adherent & (month >= start) & (month < start + self.settings.months)
            mult[person[active]] = 1.0 - self.settings.effect
        return mult

    # -- results ---------------------------------------------------------------------------
    def tables(self, ids: np.ndarray, start: pd.Timestamp, last_day: int):
        """``(interventions, lists, truth_columns)`` with person ids and calendar dates.

        A referral in the last fortnight starts no later than ``last_day`` (the extraction
        date); a programme still running then has no ``end_date`` yet.
        """
        s = self.settings
        day0 = np.datetime64(start.date(), "D")

        def dates(days) -> np.ndarray:
            return (day0 + np.asarray(days, dtype="int64").astype("timedelta64[D]")).astype(
                "datetime64[ns]"
            )

        def cat(parts, dtype) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

        person = cat(self.ref_person, np.int64)
        order = np.lexsort((ids[person], cat(self.ref_day, np.int64)))
        person = person[order]
        interventions = pd.DataFrame(
            {
                "person_id": ids[person],
                "programme": s.programme,
                "start_date": dates(np.minimum(cat(self.ref_day, np.int64)[order], last_day)),
                "end_date": dates(cat(self.ref_end, np.int64)[order]),
                "referral_source": cat(self.ref_source, object)[order],
            }
        )
        ongoing = interventions["end_date"] > dates([last_day])[0]
        interventions.loc[ongoing, "end_date"] = pd.NaT
        rows = (
            pd.concat(self.rows, ignore_index=True)
            if self.rows
            else pd.DataFrame({"list_day": [], "person": [], "rank": [], "score": []})
        )
        lists = pd.DataFrame(
            {
                "list_date": dates(rows["list_day"].to_numpy()),
                "person_id": ids[rows["person"].to_numpy(dtype=np.int64)],
                "rank": rows["rank"].to_numpy(dtype=np.int64),
                "score": rows["score"].to_numpy(dtype=np.float64),
                "places": np.int64(s.places),
            }
        )
        truth = {
            "programme": np.full(self.n, None, dtype=object),
            "referral_date": np.full(self.n, np.datetime64("NaT"), dtype="datetime64[ns]"),
            "referral_source": np.full(self.n, None, dtype=object),
            "adherent": np.zeros(self.n, dtype=bool),
            "planted_hazard_reduction": np.zeros(self.n),
            "sv_hazard_12m_untreated": np.full(self.n, np.nan),
            "sv_hazard_12m_treated": np.full(self.n, np.nan),
        }
        adherent = cat(self.ref_adherent, bool)[order]
        truth["programme"][person] = s.programme
        truth["referral_date"][person] = interventions["start_date"].to_numpy()
        truth["referral_source"][person] = interventions["referral_source"].to_numpy()
        truth["adherent"][person] = adherent
        truth["planted_hazard_reduction"][person] = s.effect * adherent
        truth["sv_hazard_12m_untreated"][person] = [self._h0.get(p, 0.0) for p in person]
        truth["sv_hazard_12m_treated"][person] = [self._h1.get(p, 0.0) for p in person]
        return interventions, lists, truth
