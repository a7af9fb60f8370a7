"""The seam through which a scheme file's sections that belong to a higher part of the core are checked and
resolved: the ``pay:`` section (``rmperf.core.pay.section``) registers here, so the scheme loader calls it
without importing pay (pay reads the scheme; the scheme does not read pay).

``rmperf.core`` declares which module handles each section (:func:`declare`); the module is imported the
first time the section is needed, so importing the core (or pay's ledger) does not load the scheme
format, and a scheme is never checked without its sections' handlers.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, Protocol


class Section(Protocol):
    """A section of a scheme file checked and resolved by another package."""

    name: str

    def check(self, checker: Any, raw: Any, doc: Mapping[str, Any], header: Any) -> Any:
        """The checked section (problems added to ``checker``), or None when it is broken."""
        ...

    def resolve(self, resolver: Any, period: Any, spec: Any) -> Any:
        """The section's values in force for ``period``."""
        ...


_registered: dict[str, Section] = {}
_declared: dict[str, str] = {}


def declare(name: str, module: str) -> None:
    """Section ``name`` is handled by ``module``, which registers it when imported."""
    _declared[name] = module


def register(section: Section) -> None:
    _registered[section.name] = section


def get(name: str) -> Section:
    """The section registered as ``name``, its declared module imported first if need be."""
    if name not in _registered and name in _declared:
        importlib.import_module(_declared[name])
    return _registered[name]
