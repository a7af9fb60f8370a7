"""The seam through which a scheme file's sections that belong to a higher part of the core are checked and
resolved: the ``pay:`` section (``rmperf.core.pay.section``) registers here, so the scheme loader calls it
without importing pay (pay reads the scheme; the scheme does not read pay).
"""

from __future__ import annotations

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


def register(section: Section) -> None:
    _registered[section.name] = section


def get(name: str) -> Section:
    """The section registered as ``name`` (``rmperf.core`` registers every section when it is imported)."""
    return _registered[name]
