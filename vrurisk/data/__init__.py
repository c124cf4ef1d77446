"""The data contract: loading, validation and the synthetic population.

Names are imported on first use (see :mod:`vrurisk._lazy`), so ``vrurisk --help`` does not
load pandas.
"""

from typing import TYPE_CHECKING

from vrurisk._lazy import lazy_exports

if TYPE_CHECKING:  # the lazy exports, typed for editors and type checkers
    from vrurisk.data._coverage import check_coverage
    from vrurisk.data._dataset import (
        Dataset,
        load_dataset,
        read_csv_text,
        read_table,
        save_dataset,
        too_many_fields,
    )
    from vrurisk.data._output import (
        SYNTHETIC_DATASET,
        OutputKind,
        check_output_directory,
        write_directory_atomically,
    )
    from vrurisk.data._schema import (
        EVENTS,
        LINKS,
        OPTIONAL_TABLES,
        PEOPLE,
        ROLES,
        TABLES,
        TableSpec,
    )
    from vrurisk.data._scores_table import read_scores_table
    from vrurisk.data._source import DataConfig, data_source
    from vrurisk.data._sql import load_sql_dataset, mask_url
    from vrurisk.data._summary import describe_dataset
    from vrurisk.data._synth import SyntheticPopulation, simulate_population
    from vrurisk.data._validate import format_examples
    from vrurisk.data._vocabulary import (
        CANONICAL_EVENT_TYPES,
        VIOLENCE_EVENT_TYPES,
        VIOLENCE_ROLES,
        VocabularyConfig,
    )

__all__ = [
    "SYNTHETIC_DATASET",
    "describe_dataset",
    "EVENTS",
    "LINKS",
    "PEOPLE",
    "ROLES",
    "OPTIONAL_TABLES",
    "TABLES",
    "DataConfig",
    "Dataset",
    "OutputKind",
    "SyntheticPopulation",
    "TableSpec",
    "check_output_directory",
    "data_source",
    "VocabularyConfig",
    "load_dataset",
    "load_sql_dataset",
    "mask_url",
    "read_csv_text",
    "read_scores_table",
    "read_table",
    "save_dataset",
    "simulate_population",
    "too_many_fields",
    "write_directory_atomically",
    "CANONICAL_EVENT_TYPES",
    "VIOLENCE_EVENT_TYPES",
    "VIOLENCE_ROLES",
    "check_coverage",
    "format_examples",
]

__getattr__, __dir__ = lazy_exports(__name__, __all__)
