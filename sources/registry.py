"""Finds each kind's modules by name: roi.transforms.<kind> (files) and roi.sources.<kind> (API clients)."""
from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from functools import cache
from types import ModuleType

from roi import sources
from roi import transforms


@cache
def file_kinds() -> frozenset[str]:
    """Kinds with a transform module (one declaring TABLE and normalise)."""
    return frozenset(
        m.name for m in pkgutil.iter_modules(transforms.__path__)
        if hasattr(importlib.import_module(f"roi.transforms.{m.name}"), "TABLE")
    )


@cache
def api_kinds() -> frozenset[str]:
    """Kinds with an API client module (one declaring fetch)."""
    return frozenset(
        m.name for m in pkgutil.iter_modules(sources.__path__)
        if hasattr(importlib.import_module(f"roi.sources.{m.name}"), "fetch")
    )


def transform(kind: str) -> ModuleType:
    """The transform module of a file kind; imports that module only (KeyError if kind is not a file kind)."""
    if not kind.isidentifier() or importlib.util.find_spec(f"roi.transforms.{kind}") is None:
        raise KeyError(kind)
    module = importlib.import_module(f"roi.transforms.{kind}")
    if not hasattr(module, "TABLE"):
        raise KeyError(kind)
    return module


def client(kind: str) -> ModuleType:
    if kind not in api_kinds():
        raise KeyError(kind)
    return importlib.import_module(f"roi.sources.{kind}")
