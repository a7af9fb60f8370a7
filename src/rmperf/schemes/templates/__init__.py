"""The scheme templates shipped with the product (考核方案模板), one YAML file each.

Each template reproduces one seed document's rules (see ``README.md`` here and
``docs/templates.md``); ``rmperf run --scheme rural-2023`` finds them by name.
"""

from __future__ import annotations

from pathlib import Path

#: the folder holding the template files
TEMPLATES_DIR: Path = Path(__file__).resolve().parent

_SUFFIX = ".yaml"


def names() -> list[str]:
    """The names of the shipped templates (``rural-2023``, …), sorted."""
    return sorted(p.name.removesuffix(_SUFFIX) for p in TEMPLATES_DIR.glob(f"*{_SUFFIX}") if p.is_file())


def template_path(name: str) -> Path:
    """The file of the template called ``name``; ``KeyError`` naming the known ones when there is none."""
    if name not in names():
        raise KeyError(f"no template named {name!r}; known: {', '.join(names())}")
    return TEMPLATES_DIR / f"{name}{_SUFFIX}"


__all__ = ["TEMPLATES_DIR", "names", "template_path"]
