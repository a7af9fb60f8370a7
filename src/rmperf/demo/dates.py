"""Day arithmetic for the demo bank, on integer *epoch days*.

All dates inside the generator are ``int64`` days since 1970-01-01 (the
numpy ``datetime64[D]`` integer), so whole columns are shifted and compared
with vector operations. :data:`NO_DATE` marks an empty (null) date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

#: the null date (an empty cell); far in the past so it never looks "open"
NO_DATE = np.int64(-1_000_000)
#: an open end (no closing date), far in the future
OPEN_END = np.int64(1_000_000)

_EPOCH = dt.date(1970, 1, 1)


def epoch_day(day: dt.date) -> int:
    """Days since 1970-01-01 of a date."""
    return (day - _EPOCH).days


def to_date(day: int) -> dt.date:
    """The date of an epoch day."""
    return _EPOCH + dt.timedelta(days=int(day))


def iso_dates(days: npt.ArrayLike) -> list[str]:
    """ISO ``YYYY-MM-DD`` strings of epoch days; :data:`NO_DATE` becomes ``""``."""
    arr = np.asarray(days, dtype=np.int64)
    text: list[str] = np.datetime_as_string(arr.astype("datetime64[D]")).tolist()
    if (arr == NO_DATE).any():
        for i in np.flatnonzero(arr == NO_DATE).tolist():
            text[i] = ""
    return text


def add_months(days: npt.ArrayLike, months: npt.ArrayLike) -> IntArray:
    """Shift epoch days by whole months, clamping the day of month (31 Jan + 1 = 28/29 Feb)."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    day_of_month = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(months, dtype=np.int64)
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    result = target.astype("datetime64[D]").astype(np.int64) + np.minimum(day_of_month, length - 1)
    return np.asarray(result, dtype=np.int64)


def month_start(days: npt.ArrayLike) -> IntArray:
    """Epoch day of the first of the month of each epoch day."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    return np.asarray(d.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64))


def month_index(days: npt.ArrayLike) -> IntArray:
    """Months since 1970-01 of each epoch day (for month differences)."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    return np.asarray(d.astype("datetime64[M]").astype(np.int64))


def day_of_month(days: npt.ArrayLike) -> IntArray:
    """Day of the month (1–31) of each epoch day."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    return np.asarray((d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1)


@dataclass(frozen=True)
class Horizon:
    """The data period: 1 January of ``year`` to the end of month ``months``."""

    year: int
    months: int

    @property
    def start(self) -> int:
        """Epoch day of 1 January."""
        return epoch_day(dt.date(self.year, 1, 1))

    @property
    def end(self) -> int:
        """Epoch day of the last day of the horizon (inclusive)."""
        return int(self.month_ends[-1])

    @property
    def n_days(self) -> int:
        return self.end - self.start + 1

    @cached_property
    def month_starts(self) -> IntArray:
        """Epoch days of the 1st of each month in the horizon."""
        first = np.datetime64(f"{self.year}-01", "M")
        months = first + np.arange(self.months)
        return np.asarray(months.astype("datetime64[D]").astype(np.int64))

    @cached_property
    def month_ends(self) -> IntArray:
        """Epoch days of the last day of each month in the horizon."""
        first = np.datetime64(f"{self.year}-01", "M")
        months = first + np.arange(1, self.months + 1)
        return np.asarray(months.astype("datetime64[D]").astype(np.int64) - 1)

    @cached_property
    def month_labels(self) -> list[str]:
        """``YYYY-MM`` of each month in the horizon."""
        return [f"{self.year}-{m:02d}" for m in range(1, self.months + 1)]

    def month_of(self, days: npt.ArrayLike) -> IntArray:
        """0-based month number within the year of each epoch day."""
        return month_index(days) - (self.year - 1970) * 12

    def quarter_ends(self) -> list[int]:
        """Epoch days of the quarter ends inside the horizon (31 Mar, 30 Jun, …)."""
        return [int(self.month_ends[m]) for m in range(2, self.months, 3)]
