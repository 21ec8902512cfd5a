"""Whether the optional extra roi[mmm] (PyMC, the nutpie sampler, numpy) is installed, and the line that says how."""
import importlib.util

from roi.contracts.errors import ConfigError

MODULES = ("numpy", "pymc", "nutpie")
MESSAGE = "needs the MMM extra: pip install 'roi[mmm]' (or `make mmm` in roi's folder)"


def installed() -> bool:
    """True where every module of the extra can be imported (found without importing it: cheap)."""
    return all(importlib.util.find_spec(module) is not None for module in MODULES)


def require(what: str = "roi mmm") -> None:
    """One line when the extra is missing, before any work."""
    if not installed():
        raise ConfigError(f"{what} {MESSAGE}")
