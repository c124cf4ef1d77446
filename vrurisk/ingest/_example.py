"""Synthetic "agency exports" for the worked ingest example: what a VRU analyst receives.

:func:`write_agency_exports` takes the synthetic population and writes it the way agencies
export it: a people register in Excel, police crimes with Home Office offence codes and
Suspect/Victim/Witness involvement (incidents shared through a crime reference, no links
table), A&E assault attendances with dash-separated dates, school exclusions in Excel and
children's social care referrals, all with UK day-first dates, local column names, a few
unusable rows (bad dates, codes nobody mapped) and a ``mapping.yaml`` that maps them onto the
data contract. Nothing here is real data.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

#: Home Office-style offence codes per canonical police event type (illustrative codes).
POLICE_CODES = {
    "serious_violence": ("5/1", "4/4", "8/10"),
    "violence": ("8/1", "105/1"),
    "knife_possession": ("10/1",),
    "drug_supply": ("92/1",),
    "drug_possession": ("92/2",),
    "asb": ("ASB",),
    "stop_search": ("S1",),
    "custody": ("CUS",),
    "missing_episode": ("MIS",),
    "domestic_abuse": ("DA",),
}
ROLE_WORDS = {"suspect": "Suspect", "victim": "Victim", "subject": "Subject", "witness": "Witness"}
SOCIAL_CARE = {
    "social_care_referral": "Child in need referral",
    "domestic_abuse": "Domestic abuse notification",
    "parental_substance_misuse": "Parental substance misuse",
    "parental_imprisonment": "Parental imprisonment",
}
EDUCATION = {"school_exclusion": "Suspension", "sen_support": "SEN support plan"}

MAPPING = """\
# Worked example: agency exports -> the vrurisk data contract.
#   vrurisk ingest mapping.yaml --out data
mapping_version: 1
extraction_date: {extraction}
format: parquet
sources:
  - name: register
    file: people_register.xlsx
    sheet: Register
    table: people
    columns: {{person_id: Person Ref, birth_date: Date of Birth, sex: Gender,
               ethnicity: Ethnicity, area: LSOA}}
    values:
      sex: {{Male: M, Female: F}}
  - name: police
    file: police_crimes.csv
    table: events
    date_format: "%d/%m/%Y"
    columns: {{person_id: Nominal ID, event_date: Offence Date, event_type: HO Offence Code,
               role: Involvement, incident_id: Crime Ref}}
    values:
      event_type: {police_codes}
      role: {{Suspect: suspect, Victim: victim, Witness: witness, Subject: subject}}
  - name: health
    file: ae_assaults.csv
    table: events
    date_format: "%d-%m-%Y"
    columns: {{person_id: Patient Ref, event_date: Attendance Date, event_type: Injury Mechanism}}
    constants: {{role: victim}}
    values:
      event_type: {{Assault: ae_assault}}
  - name: education
    file: school_exclusions.xlsx
    table: events
    columns: {{person_id: Pupil Ref, event_date: Start Date, event_type: Category}}
    constants: {{role: subject}}
    values:
      event_type: {education}
  - name: social_care
    file: social_care_referrals.csv
    table: events
    columns: {{person_id: Child ID, event_date: Referral Date, event_type: Referral Reason}}
    constants: {{role: subject}}
    values:
      event_type: {social_care}
"""


def _flow(mapping: dict) -> str:
    return "{" + ", ".join(f'"{k}": {v}' for k, v in mapping.items()) + "}"


def _uk(dates: pd.Series, fmt: str = "%d/%m/%Y") -> pd.Series:
    return pd.to_datetime(dates).dt.strftime(fmt)


def write_agency_exports(
    directory: str | os.PathLike, *, n_people: int = 2000, seed: int = 0, dataset=None
) -> Path:
    """Write synthetic agency exports and their ``mapping.yaml`` into ``directory``.

    Parameters
    ----------
    directory : path
    n_people : int
        Size of the synthetic population exported (ignored when ``dataset`` is given).
    seed : int
    dataset : Dataset, optional
        Export this dataset instead of simulating one.

    Returns
    -------
    pathlib.Path
        The mapping file.
    """
    from vrurisk.data import simulate_population

    if dataset is None:
        dataset = simulate_population(n_people, seed=seed, years=5).dataset
    rng = np.random.default_rng(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    people, events = dataset.people, dataset.events.copy()
    events["event_type"] = events["event_type"].astype(str)
    events["role"] = events["role"].astype(str) if "role" in events else "subject"

    register = pd.DataFrame(
        {
            "Person Ref": people["person_id"],
            "Date of Birth": _uk(people["birth_date"]),
            "Gender": people["sex"].astype(str).map({"M": "Male", "F": "Female"}),
            "Ethnicity": people["ethnicity"].astype(str),
            "LSOA": people["area"].astype(str),
        }
    )
    register.to_excel(directory / "people_register.xlsx", sheet_name="Register", index=False)

    police = events[
        (events["source"].astype(str) == "police") & events["event_type"].isin(list(POLICE_CODES))
    ]
    codes = police["event_type"].map(
        lambda t: POLICE_CODES[t][int(rng.integers(len(POLICE_CODES[t])))]
    )
    crimes = pd.DataFrame(
        {
            "Nominal ID": police["person_id"],
            "Offence Date": _uk(police["event_date"]),
            "HO Offence Code": codes,
            "Involvement": police["role"].map(ROLE_WORDS),
            "Crime Ref": police["incident_id"].fillna("").map(lambda s: s and f"CR/{s}"),
        }
    )
    # what real exports carry: an impossible date and a code nobody mapped
    crimes.iloc[:2, crimes.columns.get_loc("Offence Date")] = "31/02/2023"
    crimes.iloc[2:5, crimes.columns.get_loc("HO Offence Code")] = "999/9"
    crimes.to_csv(directory / "police_crimes.csv", index=False)

    ae = events[(events["source"].astype(str) == "health") & (events["event_type"] == "ae_assault")]
    pd.DataFrame(
        {
            "Patient Ref": ae["person_id"],
            "Attendance Date": _uk(ae["event_date"], "%d-%m-%Y"),
            "Injury Mechanism": "Assault",
        }
    ).to_csv(directory / "ae_assaults.csv", index=False)

    school = events[
        (events["source"].astype(str) == "education") & events["event_type"].isin(list(EDUCATION))
    ]
    pd.DataFrame(
        {
            "Pupil Ref": school["person_id"],
            "Start Date": _uk(school["event_date"]),
            "Category": school["event_type"].map(EDUCATION),
        }
    ).to_excel(directory / "school_exclusions.xlsx", index=False)

    care = events[
        (events["source"].astype(str) == "social_care")
        & events["event_type"].isin(list(SOCIAL_CARE))
    ]
    pd.DataFrame(
        {
            "Child ID": care["person_id"],
            "Referral Date": _uk(care["event_date"]),
            "Referral Reason": care["event_type"].map(SOCIAL_CARE),
        }
    ).to_csv(directory / "social_care_referrals.csv", index=False)

    police_codes = {code: t for t, group in POLICE_CODES.items() for code in group}
    text = MAPPING.format(
        extraction=dataset.extraction_date.date(),
        police_codes=_flow(police_codes),
        education=_flow({v: k for k, v in EDUCATION.items()}),
        social_care=_flow({v: k for k, v in SOCIAL_CARE.items()}),
    )
    path = directory / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path
