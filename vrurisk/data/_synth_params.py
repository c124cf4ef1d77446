"""Vocabulary and calibrated rates of the synthetic population.

Everything the generator emits is named here, so the shared vocabulary (event types, roles,
sources, link types) lives in one place. Rates are monthly expected counts for a person at the
peak of the relevant age curve with average latent risk; they were tuned so that a typical cohort
(aged 10-25, any event in the previous two years) has a 12-month serious-violence base rate of
a few per cent and an oracle that knows the latent risk reaches an AUC in the low-to-mid 0.8s.
"""

from __future__ import annotations

import numpy as np

#: Default last day of the simulation (its extraction date); fixed so a seed reproduces exactly.
DEFAULT_END_DATE = "2025-12-31"

#: Default over-recording of the biased group's low-level police events: recorded with
#: probability ``base * (1 + recording_bias)``, so 1.0 doubles it.
DEFAULT_RECORDING_BIAS = 1.0

#: The group whose low-level police events are over-recorded when ``recording_bias > 0``.
OVER_RECORDED_ETHNICITY = "Black"

SEXES = np.array(["F", "M"])
ETHNICITIES = np.array(["White", "Black", "Asian", "Mixed", "Other"])
#: Population shares in a typical English VRU area (most and least deprived areas differ).
ETHNICITY_SHARES_AFFLUENT = np.array([0.76, 0.05, 0.10, 0.05, 0.04])
ETHNICITY_SHARES_DEPRIVED = np.array([0.52, 0.16, 0.18, 0.08, 0.06])

#: (event_type, role, source) of every kind of event, in code order.
EVENT_KINDS: tuple[tuple[str, str, str], ...] = (
    ("serious_violence", "suspect", "police"),  # 0
    ("serious_violence", "victim", "police"),  # 1
    ("violence", "suspect", "police"),  # 2
    ("violence", "victim", "police"),  # 3
    ("knife_possession", "suspect", "police"),  # 4
    ("drug_supply", "suspect", "police"),  # 5
    ("drug_possession", "suspect", "police"),  # 6
    ("asb", "suspect", "police"),  # 7
    ("stop_search", "subject", "police"),  # 8
    ("custody", "subject", "police"),  # 9
    ("missing_episode", "subject", "police"),  # 10
    ("school_exclusion", "subject", "education"),  # 11
    ("sen_support", "subject", "education"),  # 12
    ("ae_assault", "victim", "health"),  # 13
    ("social_care_referral", "subject", "social_care"),  # 14
    ("domestic_abuse", "subject", "police"),  # 15
    ("domestic_abuse", "subject", "social_care"),  # 16
    ("parental_substance_misuse", "subject", "social_care"),  # 17
    ("parental_imprisonment", "subject", "social_care"),  # 18
)
KIND = {f"{t}/{r}/{s}": code for code, (t, r, s) in enumerate(EVENT_KINDS)}
SV_SUSPECT, SV_VICTIM, V_SUSPECT, V_VICTIM = 0, 1, 2, 3
KNIFE, SUPPLY, POSSESSION, ASB, STOP = 4, 5, 6, 7, 8
CUSTODY, MISSING, EXCLUSION, SEN, AE = 9, 10, 11, 12, 13
REFERRAL, DA_POLICE, DA_SOCIAL, PSM, PI = 14, 15, 16, 17, 18
#: Low-level police events whose recording can be biased.
LOW_LEVEL = (POSSESSION, ASB, STOP)

LINK_TYPES = ("household", "school", "associate", "group", "co_offending", "co_victim")
HOUSEHOLD, SCHOOL, ASSOCIATE, GROUP, CO_OFFENDING, CO_VICTIM = range(6)
#: Weight of each link type in the contagion exposure (and the links table's ``weight``).
LINK_WEIGHTS = np.array([0.6, 0.25, 1.0, 1.0, 1.5, 1.0])
#: Share of true ties of each type that appear in the recorded links table.
LINK_RECORDED = np.array([0.85, 1.0, 0.6, 0.7, 1.0, 1.0])

# --- people -------------------------------------------------------------------------------
PEOPLE_PER_AREA = 400  # young people aged 8-30 in an LSOA-sized area
AREAS_PER_SCHOOL = 5
AGE_MIN, AGE_MAX = 8.0, 31.0  # ages at the end of the simulation
HOUSEHOLD_SIZES = np.array([1, 2, 3])
HOUSEHOLD_SIZE_P = np.array([0.45, 0.35, 0.20])
LATENT_NOISE_SD = 0.55

# --- network ------------------------------------------------------------------------------
ASSOCIATES_PER_PERSON = 3.5  # mean ties started per person over about 16 years
ASSOCIATE_YEARS = 4.0  # mean length of an association
CO_OFFENDING_YEARS = 1.5  # mean time a co-offending or co-victim tie carries contagion
ASSOCIATE_OTHER_AREA = 0.25  # share of associate ties outside the person's area
ASSOCIATE_AGE_WINDOW = 2.5  # years either side
SCHOOL_TIES_PER_PERSON = 1.5
GROUP_CANDIDATE_SHARE = 0.06  # highest-risk share of 13-27 year olds who may join a group
GROUP_JOIN_P = 0.5
GROUP_SIZE = 8

# --- monthly dynamics ---------------------------------------------------------------------
BURN_IN_MONTHS = 18  # simulated before the start but not recorded, so exposure starts warm
STATE_RHO = 0.92  # month-to-month persistence of the time-varying state
STATE_SD = 0.55  # its stationary standard deviation
CONTAGION_DECAY = 0.75  # exposure kept from one month to the next
CONTAGION_GAIN = 0.6  # hazard multiplier is 1 + contagion * gain * min(exposure, cap)
CONTAGION_CAP = 3.0
CO_OFFEND_P = 0.3
VICTIM_IN_POPULATION_P = 0.5
VICTIM_IS_ASSOCIATE_P = 0.3
SERIOUS_SHARE = 0.11  # share of violent incidents that are serious at average risk
RECORDED_VIOLENCE = 0.65
RECORDED_SERIOUS = 0.92
AE_SERIOUS, AE_VIOLENCE = 0.5, 0.1
CUSTODY_AFTER_CRIME = 0.6
CUSTODY_AFTER_LOW_LEVEL = 0.1
LOW_LEVEL_RECORDED = 0.35
CO_VICTIM_P = 0.15

#: Monthly base rate, age curve (peak, left sd, right sd, min age, max age) and log-risk slope
#: per behaviour. Age curves are asymmetric Gaussians, zero outside [min, max).
BEHAVIOURS = {
    "violence_suspect": (0.0024, (19.0, 3.0, 5.5, 10.0, 99.0), 1.0),
    "violence_victim": (0.0013, (19.0, 4.0, 7.0, 8.0, 99.0), 0.7),
    "knife": (0.0005, (17.0, 2.5, 4.5, 10.0, 99.0), 1.0),
    "supply": (0.0004, (18.0, 2.5, 5.0, 12.0, 99.0), 0.9),
    "possession": (0.0030, (19.0, 3.0, 6.0, 12.0, 99.0), 0.6),
    "asb": (0.0050, (15.0, 2.0, 4.0, 10.0, 99.0), 0.8),
    "stop": (0.0060, (18.0, 2.5, 5.0, 10.0, 99.0), 0.7),
    "missing": (0.0040, (14.5, 1.8, 1.5, 10.0, 18.0), 0.3),
    "exclusion": (0.0030, (14.0, 1.8, 1.5, 8.0, 16.0), 0.4),
    "referral": (0.0020, (9.0, 6.0, 4.0, 0.0, 18.0), 0.2),
}
