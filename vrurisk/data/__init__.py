"""The data contract: loading, validation and the synthetic population.

Names are imported on first use (see :mod:`vrurisk._lazy`), so ``vrurisk --help`` does not
load pandas.
"""

from vrurisk._lazy import lazy_exports

__all__ = [
    "Dataset",
    "EVENTS",
    "LINKS",
    "OutputKind",
    "PEOPLE",
    "ROLES",
    "TABLES",
    "SyntheticPopulation",
    "TableSpec",
    "check_output_directory",
    "load_dataset",
    "read_table",
    "save_dataset",
    "simulate_population",
    "write_directory_atomically",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "_dataset": (
            "Dataset",
            "load_dataset",
            "read_table",
            "save_dataset",
        ),
        "_output": ("OutputKind", "check_output_directory", "write_directory_atomically"),
        "_schema": ("EVENTS", "LINKS", "PEOPLE", "ROLES", "TABLES", "TableSpec"),
        "_synth": ("SyntheticPopulation", "simulate_population"),
    },
    __all__,
)
