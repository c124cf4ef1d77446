"""The data contract: loading, validation and the synthetic population."""

from vrurisk.data._dataset import (
    Dataset,
    load_dataset,
    read_table,
    save_dataset,
    write_directory_atomically,
)
from vrurisk.data._schema import EVENTS, LINKS, PEOPLE, ROLES, TABLES, TableSpec
from vrurisk.data._synth import SyntheticPopulation, simulate_population

__all__ = [
    "Dataset",
    "EVENTS",
    "LINKS",
    "PEOPLE",
    "ROLES",
    "TABLES",
    "SyntheticPopulation",
    "TableSpec",
    "load_dataset",
    "read_table",
    "save_dataset",
    "simulate_population",
    "write_directory_atomically",
]
