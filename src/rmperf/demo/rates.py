"""FTP rates (内部资金转移价格) and FX central parity (中间价).

FTP rates are annual fractions per product (time deposits per term
bucket), with a row before the year, one on 1 January and cuts on 20 May
and 20 October, so that a spread computed over the year must pick the rate
in force on each day. FX rates are CNY per unit, four decimals, one row per
weekday from the last weekday on or before 31 December of the previous year.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from rmperf.demo.accounts import TIME_TERMS
from rmperf.demo.dates import Horizon, epoch_day, iso_dates
from rmperf.demo.writers import Columns, decimal_text

#: FTP rate on 1 January (annual fraction), before the in-year cuts
FTP_BASE = {
    "DEP_DEMAND": 0.0120,
    "DEP_CORP_DEMAND": 0.0110,
    "DEP_FX_DEMAND": 0.0050,
    "DEP_IB": 0.0165,
    "LOAN_MORTGAGE": 0.0250,
    "LOAN_PERSONAL": 0.0260,
    "LOAN_AGRI": 0.0240,
    "LOAN_CORP": 0.0240,
    "LOAN_INCL_SME": 0.0250,
}
#: FTP of time deposits by term (months), personal and corporate alike
FTP_TIME = {3: 0.0165, 6: 0.0180, 12: 0.0200, 24: 0.0215, 36: 0.0235, 60: 0.0245}
#: (month, day, change): in-year FTP changes, in annual fraction
FTP_CHANGES = ((5, 20, -0.0010), (10, 20, -0.0005))
PREVIOUS_YEAR_PREMIUM = 0.0020


def ftp_columns(year: int) -> Columns:
    """The FTP table: per product and term, valid from 1 Jan of the previous
    year, 1 Jan of ``year``, 20 May and 20 October."""
    curves: list[tuple[str, int, float]] = [(p, 0, r) for p, r in FTP_BASE.items()]
    for code in ("DEP_TIME", "DEP_CORP_TIME"):
        curves += [(code, term, FTP_TIME[term]) for term in TIME_TERMS]
    starts = [dt.date(year - 1, 1, 1), dt.date(year, 1, 1)] + [dt.date(year, m, d) for m, d, _ in FTP_CHANGES]
    shifts = [PREVIOUS_YEAR_PREMIUM, 0.0]
    for _, _, change in FTP_CHANGES:
        shifts.append(shifts[-1] + change)
    valid_from: list[str] = []
    product: list[str] = []
    rate: list[float] = []
    term: list[str] = []
    for name, months, base in curves:
        for start, shift in zip(starts, shifts, strict=True):
            valid_from.append(start.isoformat())
            product.append(name)
            rate.append(round(base + shift, 4))
            term.append(str(months) if months else "")
    return {"valid_from": valid_from, "product": product, "rate": decimal_text(rate, 4), "term_months": term}


def fx_columns(hz: Horizon, rng: np.random.Generator) -> Columns:
    """Daily central parity of USD, HKD and EUR (CNY per unit), weekdays only."""
    first = epoch_day(dt.date(hz.year - 1, 12, 31))
    days = np.arange(first - 3, hz.end + 1)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday: 0 = Monday
    days = days[weekday < 5]
    days = days[days >= days[days <= first].max()]
    n = len(days)
    usd = _mean_reverting(rng, n, start=7.1879, centre=7.18, daily=0.006, lo=7.10, hi=7.30)
    eur = _mean_reverting(rng, n, start=7.5257, centre=7.95, daily=0.025, lo=7.30, hi=8.40)
    hkd = np.round(usd / 7.80 * (1 + rng.normal(0, 0.0006, n)), 4)
    dates = iso_dates(days)
    return {
        "date": dates * 3,
        "currency": ["USD"] * n + ["HKD"] * n + ["EUR"] * n,
        "cny_per_unit": decimal_text(np.concatenate([usd, hkd, eur]), 4),
    }


def _mean_reverting(
    rng: np.random.Generator, n: int, *, start: float, centre: float, daily: float, lo: float, hi: float
) -> np.ndarray:
    """A slowly mean-reverting daily path in CNY per unit, four decimals."""
    path = np.empty(n)
    value = start
    for i, step in enumerate(rng.normal(0.0, daily, n).tolist()):
        value = min(max(value + 0.01 * (centre - value) + step, lo), hi)
        path[i] = value
    return np.round(path, 4)
