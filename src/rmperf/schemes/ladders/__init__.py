"""Grade ladders shipped with the product (职级升降标准), one YAML file each.

A ladder is not a scheme: it is kept apart from ``rmperf.schemes.templates``
so that ``rmperf run --scheme`` never lists it. Its format and rules live in
``rmperf.core.pay.grades``; this package only finds the files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rmperf.core.pay.grades import Ladder

#: the folder holding the ladder files
LADDERS_DIR: Path = Path(__file__).resolve().parent

_SUFFIX = ".yaml"

#: the ladder used when none is named: seed 003's appendix 1
DEFAULT = "grades-003"


def names() -> list[str]:
    """The names of the shipped ladders (``grades-003``, …), sorted."""
    return sorted(p.name.removesuffix(_SUFFIX) for p in LADDERS_DIR.glob(f"*{_SUFFIX}") if p.is_file())


def ladder_path(ref: str) -> Path:
    """A ladder file: a path to a ``.yaml`` file, or the name of a shipped ladder.

    ``KeyError`` naming the known ladders when ``ref`` is neither.
    """
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    if ref not in names():
        raise KeyError(f"no ladder named {ref!r}; known: {', '.join(names())}")
    return LADDERS_DIR / f"{ref}{_SUFFIX}"


def load(ref: str = DEFAULT) -> Ladder:
    """The ladder ``ref`` (file or name), checked; ``LadderError`` lists every problem of the file."""
    from rmperf.core.pay.grades import load_ladder_file

    return load_ladder_file(ladder_path(ref))


__all__ = ["DEFAULT", "LADDERS_DIR", "ladder_path", "load", "names"]
