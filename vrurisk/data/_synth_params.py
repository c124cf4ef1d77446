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

# --- realism knobs (issue 14): defaults of simulate_population's arguments ----------------------
#: Correlation between the trait associates and street groups form on and latent risk: weak.
DEFAULT_RISK_HOMOPHILY = 0.3
#: Half-life of contagion exposure in the generator, in days. Green, Horel and Papachristos
#: (2017) report a median of about 125 days between infector and infectee; with an exponential
#: kernel the median delay is the half-life. Deliberately not the features' default (60 days).
DEFAULT_CONTAGION_HALF_LIFE_DAYS = 125.0
#: Multiplier of the per-agency false-record rates (:data:`FALSE_RECORD_SHARE`); 0 = none.
DEFAULT_FALSE_RECORDS = 1.0
#: Multiplier of the per-agency missed-record rates (:data:`MISSED_RECORD_P`); 0 = none.
DEFAULT_MISSED_RECORDS = 1.0
#: Standard deviation of the log-normal noise on a recorded link's weight around the tie's true
#: strength; 0 records the true strength.
DEFAULT_LINK_NOISE = 0.5
#: Probability that a recorded link carries a wrong link type; 0 = always right.
DEFAULT_LINK_TYPE_ERROR = 0.1
#: Standard deviation of each person's one change in log risk (onset if up, desistance if down)
#: at a uniformly random month; 0 = risk only drifts with the AR(1) state.
DEFAULT_RISK_CHANGE = 0.5
#: Multiplier of the yearly rates of moving away and dying (:data:`MOVE_RATE`, :data:`DEATH_RATE`).
DEFAULT_LEAVING = 1.0
#: Months for which health stops supplying A&E assault attendances (from
#: :data:`SUPPLY_GAP_START_MONTHS` months before the end); 0 = no gap.
DEFAULT_SUPPLY_GAP_MONTHS = 6
#: From :data:`PRACTICE_CHANGE_MONTHS` months before the end, police record ASB with probability
#: multiplied by this (a change of recording practice); 1 = no change.
DEFAULT_RECORDING_CHANGE = 0.5

#: False records: per source, extra records of each adversity kind (as a share of that kind's
#: true recorded count) attributed to people who do not have that adversity.
FALSE_RECORD_SHARE = {"police": 0.05, "education": 0.08, "health": 0.10, "social_care": 0.15}
#: Missed records: per source, probability that an event the agency would have recorded is not.
MISSED_RECORD_P = {"police": 0.03, "education": 0.08, "health": 0.15, "social_care": 0.10}
#: Yearly probability of moving out of the area by age band (under 16, 16-18, 19 and over).
MOVE_RATE = ((16.0, 0.02), (19.0, 0.04), (99.0, 0.06))
#: Yearly probability of dying at average latent risk (times ``exp(latent risk)``).
DEATH_RATE = 0.0005
SUPPLY_GAP_START_MONTHS = 24
PRACTICE_CHANGE_MONTHS = 30
#: Shape of the gamma spread of true tie strength around the link type's weight (mean 1).
TIE_STRENGTH_SHAPE = 2.0

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
#: Mean true strength of a tie of each link type in the contagion exposure; each tie's strength is
#: this times a gamma draw of mean 1 (:data:`TIE_STRENGTH_SHAPE`). The links table records a
#: noisy view of it (``link_noise``, ``link_type_error``).
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
#: Contagion (issue 14 calibration). A person's violence hazards are multiplied by ``1 + contagion *
#: CONTAGION_GAIN * min(exposure, CONTAGION_CAP)``. Exposure gains, each month, the true strength of
#: every active tie (mean 1 for an associate) times the tie's violent involvement that month (1, or
#: 2 if serious), and halves every ``contagion_half_life_days`` (125 by default, Green, Horel and
#: Papachristos 2017's median infector-infectee gap). So at the default ``contagion=1`` an
#: associate's violent incident multiplies one's violence hazards by 4 the next month (7 if it was
#: serious), and the excess halves every 125 days. The knob also scales the other risk the network
#: carries (street groups' peer influence, being drawn into an associate's incident); at 0 the
#: network carries no risk at all. Measured in the generated world (100,000 people,
#: ``risk_homophily=0``, seeds 0-2; ``benchmarks/synth_world.py contagion``): at the default 40%
#: of true violent involvement (52-53% among people in the recorded co-offending network) is
#: attributable to contagion, against 63% of gunshot episodes in Green et al.'s co-offending
#: network; the odds of serious-violence victimisation rise 1.4-1.5x per associate who was a
#: victim of violence in the previous year (adjusted for latent risk and age), against roughly
#: 1.1x per exposure in Papachristos et al. (2015). Half strength: 18-19% / 26% / 1.1-1.6x;
#: double: 63% / 70% / 1.2x. Our networks are sparser than Chicago's, so a world with Green's
#: share needs a per-exposure effect above Papachristos's; the default sits between the two.
#: Knowing each person's true exposure adds only about +0.02 AUC to individual features at the
#: default and at double strength (README "Contagion that can be shown").
CONTAGION_GAIN = 3.0
CONTAGION_CAP = 5.0
CO_OFFEND_P = 0.15
VICTIM_IN_POPULATION_P = 0.5
VICTIM_IS_ASSOCIATE_P = 0.15
SERIOUS_SHARE = 0.11  # share of violent incidents that are serious at average risk
RECORDED_VIOLENCE = 0.65
RECORDED_SERIOUS = 0.92
AE_SERIOUS, AE_VIOLENCE = 0.5, 0.1
CUSTODY_AFTER_CRIME = 0.6
CUSTODY_AFTER_LOW_LEVEL = 0.1
LOW_LEVEL_RECORDED = 0.35
CO_VICTIM_P = 0.08

#: Monthly base rate, age curve (peak, left sd, right sd, min age, max age) and log-risk slope
#: per behaviour. Age curves are asymmetric Gaussians, zero outside [min, max).
BEHAVIOURS = {
    "violence_suspect": (0.0019, (19.0, 3.0, 5.5, 10.0, 99.0), 1.0),
    "violence_victim": (0.0010, (19.0, 4.0, 7.0, 8.0, 99.0), 0.7),
    "knife": (0.0005, (17.0, 2.5, 4.5, 10.0, 99.0), 1.0),
    "supply": (0.0004, (18.0, 2.5, 5.0, 12.0, 99.0), 0.9),
    "possession": (0.0030, (19.0, 3.0, 6.0, 12.0, 99.0), 0.6),
    "asb": (0.0050, (15.0, 2.0, 4.0, 10.0, 99.0), 0.8),
    "stop": (0.0060, (18.0, 2.5, 5.0, 10.0, 99.0), 0.7),
    "missing": (0.0040, (14.5, 1.8, 1.5, 10.0, 18.0), 0.3),
    "exclusion": (0.0030, (14.0, 1.8, 1.5, 8.0, 16.0), 0.4),
    "referral": (0.0020, (9.0, 6.0, 4.0, 0.0, 18.0), 0.2),
}
