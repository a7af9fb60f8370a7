"""Appraisal periods (考核期): a year, a half, a quarter or a month.

Labels are ``2025``, ``2025-H1``, ``2025-Q2`` and ``2025-06``. A period runs
from its first to its last calendar day, both inclusive; ``days`` counts
calendar days, weekends and holidays included, as 日均 does.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from rmperf.errors import PeriodError

_LABEL = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$")


class PeriodKind(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    kind: PeriodKind
    label: str

    @classmethod
    def parse(cls, label: str) -> Period:
        """Parse ``2025``, ``2025-H1``, ``2025-Q2`` or ``2025-06``."""
        match = _LABEL.match(label.strip())
        if not match:
            raise PeriodError(label)
        year = int(match.group(1))
        part = match.group(2)
        if part is None:
            return cls(date(year, 1, 1), date(year, 12, 31), PeriodKind.YEAR, f"{year}")
        if part.startswith("H"):
            half = int(part[1])
            first = 1 if half == 1 else 7
            return cls(date(year, first, 1), _month_end(year, first + 5), PeriodKind.HALF, f"{year}-{part}")
        if part.startswith("Q"):
            quarter = int(part[1])
            first = 3 * quarter - 2
            return cls(date(year, first, 1), _month_end(year, first + 2), PeriodKind.QUARTER, f"{year}-{part}")
        month = int(part)
        return cls(date(year, month, 1), _month_end(year, month), PeriodKind.MONTH, f"{year}-{part}")

    @property
    def days(self) -> int:
        """Calendar days in the period (the divisor of 日均)."""
        return (self.end - self.start).days + 1

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def year_start(self) -> date:
        return date(self.start.year, 1, 1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def to_date(self, day: date) -> Period:
        """The part of this period up to and including ``day`` (year-to-date and the like)."""
        if not self.contains(day):
            raise ValueError(f"{day} is not in {self.label}")
        return Period(self.start, day, self.kind, f"{self.label}@{day.isoformat()}")

    def previous_year(self) -> Period:
        return Period.parse(str(self.start.year - 1))

    def previous(self) -> Period:
        """The period of the same kind just before: 2025-Q1 → 2024-Q4, 2025-07 → 2025-06, 2025-H1 → 2024-H2."""
        day = self.start - timedelta(days=1)
        if self.kind is PeriodKind.YEAR:
            return Period.parse(f"{day.year}")
        if self.kind is PeriodKind.HALF:
            return Period.parse(f"{day.year}-H{1 if day.month <= 6 else 2}")
        if self.kind is PeriodKind.QUARTER:
            return Period.parse(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
        return Period.parse(f"{day.year}-{day.month:02d}")

    def __str__(self) -> str:
        return self.label


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def days_between(first: date, last: date) -> list[date]:
    """Every calendar day from ``first`` to ``last``, inclusive."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
