"""vrurisk: open, auditable violence-risk scoring and early identification for VRUs."""

from importlib.metadata import PackageNotFoundError, version

from vrurisk._errors import ConfigError, DataValidationError, ModelError, VruriskError

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


def __getattr__(name: str) -> object:
    # the data contract loads pandas: import it on first use, so ``vrurisk --help`` stays fast
    if name in ("Dataset", "load_dataset", "save_dataset"):
        import vrurisk.data

        return getattr(vrurisk.data, name)
    raise AttributeError(f"module 'vrurisk' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(globals()))
