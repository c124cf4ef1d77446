"""Synthetic agency extracts with known truth: :func:`simulate_agency_extracts`.

Each agency (police, health, education, children's social care) holds its own person table with
its own identifiers, column names and date format, and the identifying fields carry the errors
real extracts carry: typing errors, nicknames, given and family names swapped, day and month of
birth transposed, missing and out-of-date postcodes, missing NHS numbers and UPNs, and a few
duplicate records within an agency. The true person behind every record is kept apart, in
:attr:`AgencyExtracts.truth`, so linkage quality can be measured.

``differential_noise`` makes the errors more frequent for one group (by default Black young
people, whose names are more often misspelt or transliterated in UK records), so a linkage audit
can be checked for catching it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import random
import string
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vrurisk._errors import ConfigError
from vrurisk.linkage._names import FAMILY_NAMES, GIVEN_NAMES, familiar_forms

#: Agencies in the extracts: how they name their columns, write dates and sex, and who is on file.
AGENCIES: dict[str, dict] = {
    "police": {
        "coverage": 0.30,
        "columns": {
            "agency_id": "nominal_id",
            "first_name": "forename",
            "last_name": "surname",
            "birth_date": "dob",
            "sex": "gender",
            "postcode": "postcode",
            "ethnicity": "self_defined_ethnicity",
        },
        "date_format": "%d/%m/%Y",
        "sex_words": {"M": "Male", "F": "Female"},
        "id_prefix": "PN",
        "other_ids": {},
    },
    "health": {
        "coverage": 0.60,
        "columns": {
            "agency_id": "patient_id",
            "first_name": "given_name",
            "last_name": "family_name",
            "birth_date": "date_of_birth",
            "sex": "sex",
            "postcode": "postcode",
            "ethnicity": "ethnic_group",
        },
        "date_format": "%Y-%m-%d",
        "sex_words": {"M": "M", "F": "F"},
        "id_prefix": "HP",
        "other_ids": {"nhs_number": "nhs_number"},
    },
    "education": {
        "coverage": 0.55,
        "columns": {
            "agency_id": "pupil_ref",
            "first_name": "first_name",
            "last_name": "last_name",
            "birth_date": "birth_date",
            "sex": "gender",
            "postcode": "home_postcode",
            "ethnicity": "ethnicity",
        },
        "date_format": "%d/%m/%Y",
        "sex_words": {"M": "M", "F": "F"},
        "id_prefix": "ED",
        "other_ids": {"upn": "upn"},
    },
    "social_care": {
        "coverage": 0.15,
        "columns": {
            "agency_id": "case_id",
            "first_name": "first_name",
            "last_name": "surname",
            "birth_date": "dob",
            "sex": "sex",
            "postcode": "postcode",
            "ethnicity": "ethnicity",
        },
        "date_format": "%d-%b-%Y",
        "sex_words": {"M": "Male", "F": "Female"},
        "id_prefix": "SC",
        "other_ids": {"nhs_number": "nhs_no", "upn": "upn"},
    },
}

#: Per-record error probabilities at ``noise=1``.
NOISE_RATES = {
    "first_name_typo": 0.06,
    "last_name_typo": 0.06,
    "nickname": 0.15,
    "swap_names": 0.03,
    "dob_transposed": 0.04,
    "dob_typo": 0.02,
    "dob_missing": 0.01,
    "postcode_missing": 0.10,
    "postcode_moved": 0.12,
    "sex_missing": 0.02,
    "sex_wrong": 0.005,
    "nhs_number_missing": 0.25,
    "upn_missing": 0.40,
}
#: Errors made more frequent for the noisier group by ``differential_noise``.
DIFFERENTIAL = (
    "first_name_typo",
    "last_name_typo",
    "swap_names",
    "dob_transposed",
    "dob_typo",
    "dob_missing",
    "postcode_missing",
    "postcode_moved",
    "nhs_number_missing",
    "upn_missing",
)
ETHNICITY_SHARES = {"White": 0.62, "Asian": 0.18, "Black": 0.10, "Mixed": 0.05, "Other": 0.05}
DISTRICT_LETTERS = ("B", "CV", "WS", "WV", "DY")
PEOPLE_PER_AREA = 400
AREAS_PER_DISTRICT = 6
UNITS_PER_SECTOR = 25

BAD_ARGUMENT = "simulate_agency_extracts: '{name}' must be {rule}, got {value!r}"
MISSING_PEOPLE_COLUMNS = (
    "simulate_agency_extracts: the people table lacks column(s) {missing}; it needs person_id, "
    "birth_date, sex and ethnicity"
)


@dataclass(frozen=True)
class AgencyExtracts:
    """Per-agency person tables and the truth behind them.

    Attributes
    ----------
    tables : dict of str to pandas.DataFrame
        Agency name -> its person table, in the agency's own column names and date format
        (dates are strings, as read from a CSV export).
    truth : pandas.DataFrame
        ``agency``, ``agency_id``, ``person_id``: the true person behind every record.
    people : pandas.DataFrame
        The true people: ``person_id``, ``birth_date``, ``sex``, ``ethnicity``.
    columns : dict
        Agency -> its column mapping, date format and other identifiers (the ``agencies``
        section of a linkage config, without paths).
    parameters : dict
        The arguments the extracts were simulated with.
    """

    tables: dict[str, pd.DataFrame]
    truth: pd.DataFrame
    people: pd.DataFrame
    columns: dict[str, dict]
    parameters: dict = field(default_factory=dict)

    def write(self, directory: str | os.PathLike, *, match_threshold: float | None = None) -> Path:
        """Write ``<agency>.csv``, ``linkage.yaml`` and ``truth/`` (kept apart) to ``directory``.

        Also each agency's events under its own record ids (``<agency>_events.csv``, see
        :func:`~vrurisk.linkage._exports.agency_event_exports`), a ``mapping.yaml`` that ingests
        them through the crosswalk of ``vrurisk link linkage.yaml --out ../linked``, and the
        events in contract words under ``truth/events.csv``.

        The directory is replaced atomically, but only if it is new, empty or an earlier
        output of this function. Returns the path of ``linkage.yaml``, a config ``vrurisk link``
        runs as it is.
        """
        import yaml

        from vrurisk.data import OutputKind, write_directory_atomically
        from vrurisk.linkage._exports import agency_event_exports, event_mapping

        agencies = {
            agency: {"path": f"{agency}.csv", **self.columns[agency]} for agency in self.tables
        }
        config: dict = {"config_version": 1, "agencies": agencies}
        config["audit"] = {"age_on": str(self.parameters["end_date"])}
        if match_threshold is not None:
            config["model"] = {"match_threshold": match_threshold}
        people = self.people.assign(birth_date=self.people["birth_date"].dt.strftime("%Y-%m-%d"))
        end = str(self.parameters["end_date"])
        exports, events = agency_event_exports(
            self.truth, self.columns, seed=self.parameters["seed"], end_date=end
        )

        def write(tmp: Path) -> None:
            for agency, table in self.tables.items():
                table.to_csv(tmp / f"{agency}.csv", index=False)
            (tmp / "truth").mkdir()
            self.truth.to_csv(tmp / "truth" / "truth.csv", index=False)
            people.to_csv(tmp / "truth" / "people.csv", index=False)
            events.to_csv(tmp / "truth" / "events.csv", index=False)
            for agency, export in exports.items():
                export.to_csv(tmp / f"{agency}_events.csv", index=False)
            text = yaml.safe_dump(config, sort_keys=False)
            (tmp / "linkage.yaml").write_text(text, encoding="utf-8")
            (tmp / "mapping.yaml").write_text(event_mapping(self.columns, end), encoding="utf-8")

        kind = OutputKind(
            "simulated agency extracts (vrurisk synth-agencies)",
            "linkage.yaml",
            frozenset(
                {"truth", "mapping.yaml"}
                | {f"{agency}{end}.csv" for agency in AGENCIES for end in ("", "_events")}
            ),
        )
        return write_directory_atomically(directory, write, output=kind) / "linkage.yaml"


def simulate_agency_extracts(
    population: pd.DataFrame | int = 10_000,
    *,
    seed: int = 0,
    noise: float = 1.0,
    differential_noise: float = 0.0,
    noisier_group: tuple[str, str] = ("ethnicity", "Black"),
    duplicate_rate: float = 0.02,
    end_date=None,
    membership: dict[str, object] | None = None,
) -> AgencyExtracts:
    """Per-agency person tables with realistic identifier errors, and the truth behind them.

    Parameters
    ----------
    population : pandas.DataFrame or int
        A people table (``person_id``, ``birth_date``, ``sex``, ``ethnicity``, optionally
        ``area``), e.g. ``simulate_population(...).dataset.people``; or a number of people to
        draw (aged 8-30 on ``end_date``, five ethnic groups, areas of about 400 people).
    seed : int
        Seed of the random generator; the same arguments give identical output.
    noise : float
        Multiplier of every error rate in :data:`NOISE_RATES` (0 gives clean extracts).
    differential_noise : float
        Extra errors for the noisier group: its rates of the errors in :data:`DIFFERENTIAL` are
        multiplied by ``1 + differential_noise`` (capped at 0.9). 0 (default) treats everyone
        alike.
    noisier_group : (str, str)
        The column and value of the noisier group.
    duplicate_rate : float
        Share of records that appear twice in the same agency under two agency ids.
    end_date : date-like, optional
        Extraction date of the extracts (default 2025-12-31).
    membership : dict of str to collection of person ids, optional
        Who is on each agency's file (e.g. the people with an event from that source); agencies
        not named keep a random share of people (police 30%, health 60%, education 55%, social
        care 15%).

    Returns
    -------
    AgencyExtracts

    Examples
    --------
    >>> extracts = simulate_agency_extracts(300, seed=1)
    >>> sorted(extracts.tables)
    ['education', 'health', 'police', 'social_care']
    >>> list(extracts.truth.columns)
    ['agency', 'agency_id', 'person_id']
    """
    _check_number("noise", noise, 0, 20)
    _check_number("differential_noise", differential_noise, 0, 50)
    _check_number("duplicate_rate", duplicate_rate, 0, 0.5)
    end = pd.Timestamp(end_date if end_date is not None else "2025-12-31").normalize()
    rng = np.random.default_rng([seed, 18])
    people = _people(population, rng, end)
    n = len(people)
    identity = _identities(people, rng)
    noisier = (people[noisier_group[0]].astype(str) == noisier_group[1]).to_numpy()
    pyrng = random.Random(int(rng.integers(2**63)))
    forms = familiar_forms()

    tables, truth, columns = {}, [], {}
    for agency, spec in AGENCIES.items():
        drawn = rng.random(n) < spec["coverage"]
        if membership is not None and agency in membership:
            drawn = people["person_id"].isin(set(membership[agency])).to_numpy()
        on_file = np.flatnonzero(drawn)
        dupes = on_file[rng.random(len(on_file)) < duplicate_rate]
        rows = np.sort(np.concatenate([on_file, dupes]))
        ids = _agency_ids(spec["id_prefix"], len(rows), rng)
        rates = _rates(noise, differential_noise, noisier[rows])
        records = _noisy_records(identity, rows, rates, rng, pyrng, forms, spec)
        cols = spec["columns"]
        table = pd.DataFrame({cols["agency_id"]: ids})
        for key in ("first_name", "last_name", "birth_date", "sex", "postcode", "ethnicity"):
            table[cols[key]] = records[key]
        for key, column in spec["other_ids"].items():
            table[column] = records[key]
        order = rng.permutation(len(table))  # extracts are not in person order
        tables[agency] = table.iloc[order].reset_index(drop=True)
        truth.append(
            pd.DataFrame(
                {
                    "agency": agency,
                    "agency_id": ids[order],
                    "person_id": people["person_id"].to_numpy()[rows][order],
                }
            )
        )
        columns[agency] = {
            "columns": dict(cols),
            "other_ids": dict(spec["other_ids"]),
            "date_format": spec["date_format"],
        }
    parameters = {
        "n_people": n,
        "seed": seed,
        "noise": noise,
        "differential_noise": differential_noise,
        "noisier_group": list(noisier_group),
        "duplicate_rate": duplicate_rate,
        "end_date": str(end.date()),
    }
    return AgencyExtracts(
        tables=tables,
        truth=pd.concat(truth, ignore_index=True),
        people=people[["person_id", "birth_date", "sex", "ethnicity"]].reset_index(drop=True),
        columns=columns,
        parameters=parameters,
    )


def _check_number(name: str, value, low: float, high: float) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high
    if not ok:
        rule = f"a number between {low} and {high}"
        raise ConfigError(BAD_ARGUMENT.format(name=name, rule=rule, value=value))


def _people(population, rng: np.random.Generator, end: pd.Timestamp) -> pd.DataFrame:
    if isinstance(population, pd.DataFrame):
        missing = [
            c for c in ("person_id", "birth_date", "sex", "ethnicity") if c not in population
        ]
        if missing:
            raise ConfigError(MISSING_PEOPLE_COLUMNS.format(missing=", ".join(missing)))
        people = population.copy()
        people["birth_date"] = pd.to_datetime(people["birth_date"])
        if "area" in people:
            people["area"] = pd.factorize(people["area"].astype(str))[0]
        else:
            people["area"] = rng.integers(0, max(1, len(people) // PEOPLE_PER_AREA), len(people))
        return people.reset_index(drop=True)
    if isinstance(population, bool) or not isinstance(population, int) or population < 1:
        rule = "a people table or a whole number of people >= 1"
        raise ConfigError(BAD_ARGUMENT.format(name="population", rule=rule, value=population))
    n = population
    age_days = rng.integers(int(8 * 365.25), int(30 * 365.25), n)
    groups = list(ETHNICITY_SHARES)
    return pd.DataFrame(
        {
            "person_id": [f"T{i:07d}" for i in range(n)],
            "birth_date": end - pd.to_timedelta(age_days, unit="D"),
            "sex": rng.choice(["F", "M"], n),
            "ethnicity": rng.choice(groups, n, p=list(ETHNICITY_SHARES.values())),
            "area": rng.integers(0, max(1, n // PEOPLE_PER_AREA), n),
        }
    )


def _identities(people: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """True names, postcodes, NHS numbers and UPNs of every person."""
    n = len(people)
    groups = (
        people["ethnicity"]
        .astype(str)
        .where(people["ethnicity"].astype(str).isin(GIVEN_NAMES), "Other")
    )
    sexes = people["sex"].astype(str).where(people["sex"].astype(str).isin(["F", "M"]), "F")
    first = np.empty(n, dtype=object)
    last = np.empty(n, dtype=object)
    for group in GIVEN_NAMES:
        in_group = (groups == group).to_numpy()
        for sex in ("F", "M"):
            rows = in_group & (sexes == sex).to_numpy()
            first[rows] = _zipf_choice(GIVEN_NAMES[group][sex], rows.sum(), rng)
        last[in_group] = _zipf_choice(FAMILY_NAMES[group], in_group.sum(), rng)
    area = people["area"].to_numpy()
    n_districts = area.max() // AREAS_PER_DISTRICT + 1
    postcodes = _postcode_pool(n_districts)
    district = area // AREAS_PER_DISTRICT
    sector = area % AREAS_PER_DISTRICT
    unit = rng.integers(0, UNITS_PER_SECTOR, n)
    flat = (district * AREAS_PER_DISTRICT + sector) * UNITS_PER_SECTOR + unit
    return {
        "first_name": first,
        "last_name": last,
        "birth_date": people["birth_date"].to_numpy(),
        "sex": sexes.to_numpy(),
        "ethnicity": people["ethnicity"].astype(str).to_numpy(),
        "postcode_index": flat,
        "postcode_pool": postcodes,
        "nhs_number": np.array([f"{x:010d}" for x in rng.choice(10**10, n, replace=False)]),
        "upn": np.array([f"A{x:012d}" for x in rng.choice(10**12, n, replace=False)]),
    }


def _zipf_choice(names: tuple[str, ...], size: int, rng: np.random.Generator) -> np.ndarray:
    """Names drawn with a gently falling popularity (the first is about 4 times the last)."""
    weights = 1.0 / (1.0 + 3.0 * np.arange(len(names)) / len(names))
    return rng.choice(np.array(names, dtype=object), size, p=weights / weights.sum())


def _postcode_pool(n_districts: int) -> np.ndarray:
    """Every postcode unit: ``AREA DISTRICT SECTOR UNIT`` like ``B12 3QX``, grouped by sector."""
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    units = [a + b for a in letters for b in letters][:: len(letters) * len(letters) // 40][
        :UNITS_PER_SECTOR
    ]
    pool = []
    for d in range(n_districts):
        prefix = DISTRICT_LETTERS[d % len(DISTRICT_LETTERS)] + str(d // len(DISTRICT_LETTERS) + 1)
        for sector in range(AREAS_PER_DISTRICT):
            pool += [f"{prefix} {sector + 1}{u}" for u in units]
    return np.array(pool, dtype=object)


def _agency_ids(prefix: str, n: int, rng: np.random.Generator) -> np.ndarray:
    numbers = rng.choice(10**7, n, replace=False)
    return np.array([f"{prefix}{x:07d}" for x in numbers], dtype=object)


def _rates(noise: float, differential: float, noisier: np.ndarray) -> dict[str, np.ndarray]:
    rates = {}
    for name, base in NOISE_RATES.items():
        rate = np.full(len(noisier), min(0.9, base * noise))
        if name in DIFFERENTIAL:
            rate[noisier] = min(0.9, base * noise * (1 + differential))
        rates[name] = rate
    return rates


def _noisy_records(identity, rows, rates, rng, pyrng, forms, spec) -> dict[str, np.ndarray]:
    """Each record's identifying fields with errors drawn at the given rates."""
    m = len(rows)

    def hit(name: str) -> np.ndarray:
        return rng.random(m) < rates[name]

    first = identity["first_name"][rows].copy()
    last = identity["last_name"][rows].copy()
    nick = hit("nickname")
    for i in np.flatnonzero(nick):
        options = forms.get(first[i].lower())
        if options:
            first[i] = pyrng.choice(options).capitalize()
    for i in np.flatnonzero(hit("first_name_typo")):
        first[i] = _typo(first[i], pyrng)
    for i in np.flatnonzero(hit("last_name_typo")):
        last[i] = _typo(last[i], pyrng)
    swap = hit("swap_names")
    first[swap], last[swap] = last[swap], first[swap].copy()
    case = rng.random(m)
    first = np.where(case < 0.2, np.char.upper(first.astype(str)), first)
    last = np.where(case < 0.2, np.char.upper(last.astype(str)), last)

    dob = pd.DatetimeIndex(identity["birth_date"][rows])
    text = _dates_as_text(dob, spec["date_format"], rates, rng, pyrng, m, hit)

    pool = identity["postcode_pool"]
    index = identity["postcode_index"][rows].copy()
    moved = hit("postcode_moved")
    near = rng.random(m) < 0.6
    sector_size = UNITS_PER_SECTOR * AREAS_PER_DISTRICT
    same_district = (index // sector_size) * sector_size + rng.integers(0, sector_size, m)
    anywhere = rng.integers(0, len(pool), m)
    index = np.where(moved, np.where(near, same_district, anywhere), index)
    postcode = pool[index].astype(object)
    spaced = rng.random(m)
    postcode = np.where(spaced < 0.15, [p.replace(" ", "") for p in postcode], postcode)
    postcode = np.where(spaced > 0.9, [p.lower() for p in postcode], postcode)
    postcode[hit("postcode_missing")] = None

    true_sex = identity["sex"][rows]
    recorded = np.where(hit("sex_wrong"), np.where(true_sex == "F", "M", "F"), true_sex)
    sex = np.array([spec["sex_words"][s] for s in recorded], dtype=object)
    sex[hit("sex_missing")] = None
    records = {
        "first_name": first,
        "last_name": last,
        "birth_date": text,
        "sex": sex,
        "postcode": postcode,
        "ethnicity": identity["ethnicity"][rows],
    }
    for key in ("nhs_number", "upn"):
        values = identity[key][rows].astype(object)
        values[hit(f"{key}_missing")] = None
        records[key] = values
    return records


def _dates_as_text(dob, date_format, rates, rng, pyrng, m, hit) -> np.ndarray:
    day, month, year = dob.day.to_numpy(), dob.month.to_numpy(), dob.year.to_numpy()
    swap = hit("dob_transposed") & (day <= 12) & (day != month)
    day, month = np.where(swap, month, day), np.where(swap, day, month)
    typo = hit("dob_typo")
    # a one-digit slip in the day (kept a valid date) or in the last digit of the year
    in_day = rng.random(m) < 0.5
    new_day = np.clip(day + rng.choice([-1, 1, 10, -10], m), 1, 28)
    day = np.where(typo & in_day, new_day, day)
    year = np.where(typo & ~in_day, year + rng.choice([-1, 1], m), year)
    text = np.array(
        [
            dt.date(y, mo, min(d, calendar.monthrange(y, mo)[1])).strftime(date_format)
            for y, mo, d in zip(year.tolist(), month.tolist(), day.tolist(), strict=True)
        ],
        dtype=object,
    )
    text[hit("dob_missing")] = None
    return text


def _typo(name: str, pyrng: random.Random) -> str:
    """One keying error: a letter substituted, dropped, doubled or two letters swapped."""
    if len(name) < 3:
        return name
    i = pyrng.randrange(1, len(name))
    kind = pyrng.randrange(4)
    if kind == 0:
        return name[:i] + pyrng.choice(string.ascii_lowercase) + name[i + 1 :]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    if kind == 2:
        return name[:i] + name[i] + name[i:]
    if i == len(name) - 1:
        i -= 1
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
