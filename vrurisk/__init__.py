"""vrurisk: open, auditable violence-risk scoring and early identification for VRUs."""

from importlib.metadata import PackageNotFoundError, version

from vrurisk._errors import ConfigError, DataValidationError, ModelError, VruriskError
from vrurisk.data import Dataset, load_dataset, save_dataset

try:
    __version__ = version("vrurisk")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+source"

__all__ = [
    "ConfigError",
    "DataValidationError",
    "Dataset",
    "ModelError",
    "VruriskError",
    "__version__",
    "load_dataset",
    "save_dataset",
]
