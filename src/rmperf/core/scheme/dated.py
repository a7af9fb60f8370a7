"""Effective-dated values (生效日期): which entry is in force on a day, and the checks on a list of entries.

An entry is in force from its ``from`` day to its ``to`` day, both inclusive.
Without ``to`` it runs until the day before the next entry's ``from`` (or for
ever). A single entry without ``from`` is always in force. A period is
computed with the values in force on its **last day** (see
``docs/scheme-format.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, TypeVar

from rmperf.core.scheme.errors import Path
from rmperf.core.scheme.model import DatedEntry

T = TypeVar("T")

Issue = tuple[str, dict[str, Any], Path]


def in_force(entries: Sequence[DatedEntry[T]], day: date) -> DatedEntry[T] | None:
    """The entry in force on ``day``, or ``None`` (a gap, or before the first entry)."""
    for i, entry in enumerate(entries):
        start = entry.from_ or date.min
        if day < start:
            continue
        end = entry.to
        if end is None and i + 1 < len(entries):
            following = entries[i + 1].from_
            end = following - timedelta(days=1) if following is not None else None
        if end is None or day <= end:
            return entry
    return None


def check(entries: Sequence[DatedEntry[Any]]) -> list[Issue]:
    """Problems of one dated list: missing ``from``, order, ``to`` before ``from``, overlaps.

    Paths are relative to the list (``(1, "from")``).
    """
    issues: list[Issue] = []
    if len(entries) > 1:
        for i, entry in enumerate(entries):
            if entry.from_ is None:
                issues.append(("scheme.dated_need_from", {}, (i,)))
    for i, entry in enumerate(entries):
        if entry.from_ is not None and entry.to is not None and entry.to < entry.from_:
            issues.append(("scheme.dated_to_before_from", {"to": entry.to, "from_": entry.from_}, (i, "to")))
    for i in range(1, len(entries)):
        prev, cur = entries[i - 1], entries[i]
        if prev.from_ is None or cur.from_ is None:
            continue
        if cur.from_ <= prev.from_:
            issues.append(("scheme.dated_order", {"date": cur.from_, "previous": prev.from_}, (i, "from")))
        elif prev.to is not None and prev.to >= cur.from_:
            issues.append(("scheme.dated_overlap", {"to": prev.to, "date": cur.from_}, (i, "from")))
    return issues


def change_days(lists: Iterable[Sequence[DatedEntry[Any]] | None]) -> list[date]:
    """Every day on which a value of any of ``lists`` may change, ascending, starting with ``date.min``."""
    days = {date.min}
    for entries in lists:
        for entry in entries or ():
            if entry.from_ is not None:
                days.add(entry.from_)
            if entry.to is not None and entry.to < date.max:
                days.add(entry.to + timedelta(days=1))
    return sorted(days)
