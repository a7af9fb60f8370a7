"""Daily end-of-day balances (日终余额), streamed one day at a time.

The state is one number per account (the log-deviation ``x`` of a
mean-reverting AR(1) process); each day is computed for all accounts with
numpy, the open accounts are selected, and their rows are appended to the
Parquet file of the current month (``balances/month=YYYY-MM/part-0.parquet``)
as row groups of at most one day or ``ROW_GROUP_ROWS`` rows. Memory depends
on the number of accounts, not on the number of days.

A balance in account-currency units is

    base · exp(x + growth · t) · (1 + bump · month_end(d)) · repaid(d)
    + spike · spike_profile(d)

* ``bump``: month-end and quarter-end window dressing of demand deposits;
* ``repaid``: the outstanding share of an amortising loan (monthly
  instalments) or of a spring-ploughing loan being repaid before it closes;
* ``spike``: the period-end inflow planted on the spiker RMs' customers,
  in the last five days of each quarter, reversed within twelve days after
  it (the year-end one reverses after 31 December, outside the data).

Each day's noise comes from its own generator (seed, "balances", day), so
day ``d`` is the same whether 31 or 365 days are generated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from rmperf.demo.accounts import AMORT, DEMAND, FUND, SEASONAL, Accounts, FloatArray
from rmperf.demo.assignments import Owners
from rmperf.demo.dates import Horizon, IntArray, day_of_month, iso_dates, month_index
from rmperf.demo.reference import INTERBANK, PERSONAL, Customers
from rmperf.demo.rng import child_rng

#: largest row group; a large bank's day (1 M rows) is one row group of its own
ROW_GROUP_ROWS = 1 << 18
SCHEMA = pa.schema(
    [
        pa.field("date", pa.date32(), nullable=False),
        pa.field("account_id", pa.string(), nullable=False),
        pa.field("balance", pa.decimal128(18, 2), nullable=False),
    ]
)
#: fixed writer options: the same input gives the same bytes
WRITER_OPTIONS: dict[str, object] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": ["date"],
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
}
SPIKE_RAMP = (0.35, 0.6, 0.85, 1.0, 1.0)  # last five days of the quarter
SPIKE_REVERSAL_DAYS = 12
YEAR_END_SPIKE_SCALE = 1.6
SPIKE_CAP = 10_000_000.0  # yuan per account and quarter end


@dataclass(frozen=True)
class BalanceModel:
    """Per-account parameters of the daily process (arrays over accounts).

    ``base`` and ``spike`` are in account-currency units (yuan for CNY);
    ``growth`` is a continuous annual rate; ``first``/``last`` are day
    numbers from 1 January (inclusive) of the account's open interval.
    """

    behaviour: IntArray
    base: FloatArray
    phi: FloatArray
    sigma: FloatArray
    growth: FloatArray
    bump: FloatArray
    spike: FloatArray
    term: IntArray
    open_month: IntArray
    open_dom: IntArray
    first: IntArray
    last: IntArray
    closes: IntArray  # day number of the closing day, far in the future when open


@dataclass(frozen=True)
class BalanceStats:
    """What was written: rows, the first and last day (epoch days), files."""

    rows: int
    first_day: int
    last_day: int
    files: int


def build_model(
    accounts: Accounts, customers: Customers, owners: Owners, hz: Horizon, rng: np.random.Generator
) -> BalanceModel:
    """Draw the per-account dynamics: volatility, growth, month-end bumps and spikes."""
    n = accounts.count
    behaviour = accounts.behaviour
    personal = customers.kind[accounts.customer] == PERSONAL
    demand, fund = behaviour == DEMAND, behaviour == FUND
    phi = np.where(demand, np.where(personal, 0.97, 0.90), np.where(fund, 1.0, 0.0))
    sigma = np.where(demand, np.where(personal, 0.05, 0.12), np.where(fund, 0.007, 0.0))
    growth = np.where(
        demand,
        np.where(personal, rng.normal(0.0, 0.10, n), rng.normal(0.02, 0.15, n)),
        np.where(fund, rng.normal(0.02, 0.06, n), 0.0),
    )
    interbank = customers.kind[accounts.customer] == INTERBANK
    corporate_bump = np.where(interbank, 0.0, rng.uniform(0.005, 0.04, n))
    bump = np.where(demand, np.where(personal, rng.uniform(0.0, 0.015, n), corporate_bump), 0.0)
    spiking = demand & (accounts.currency == 0) & owners.spike_customer[accounts.customer]
    floor = np.where(personal, 20_000.0, 500_000.0)
    inflow = np.clip(accounts.amount * rng.uniform(1.5, 4.0, n), floor, SPIKE_CAP)
    spike = np.where(spiking, inflow, 0.0)
    first = np.maximum(accounts.opened - hz.start, 0)
    last = np.minimum(accounts.closed, hz.end) - hz.start
    return BalanceModel(
        behaviour=behaviour,
        base=accounts.amount,
        phi=phi,
        sigma=sigma,
        growth=growth,
        bump=bump,
        spike=spike,
        term=np.maximum(accounts.term, 1),
        open_month=month_index(accounts.opened),
        open_dom=day_of_month(accounts.opened),
        first=first.astype(np.int64),
        last=last.astype(np.int64),
        closes=(accounts.closed - hz.start).astype(np.int64),
    )


def month_end_profile(hz: Horizon) -> FloatArray:
    """Per day of the horizon: 1 on a month end, 0.5 the day before, doubled at
    quarter ends (window dressing, 月末/季末冲存款)."""
    profile = np.zeros(hz.n_days)
    for m, end in enumerate(hz.month_ends.tolist()):
        weight = 2.0 if m % 3 == 2 else 1.0
        profile[end - hz.start] = weight
        profile[end - hz.start - 1] = 0.5 * weight
    return profile


def spike_profile(hz: Horizon) -> FloatArray:
    """Per day of the horizon: the share of the planted period-end inflow on the books."""
    profile = np.zeros(hz.n_days)
    for end in hz.quarter_ends():
        scale = YEAR_END_SPIKE_SCALE if to_month(hz, end) == 11 else 1.0
        last = end - hz.start
        for k, share in enumerate(SPIKE_RAMP):
            profile[last - len(SPIKE_RAMP) + 1 + k] = share * scale
        for k in range(1, SPIKE_REVERSAL_DAYS):
            if last + k < hz.n_days:
                profile[last + k] = max(profile[last + k], scale * (1 - k / SPIKE_REVERSAL_DAYS))
    return profile


def to_month(hz: Horizon, day: int) -> int:
    """0-based month of the year of one epoch day."""
    return int(hz.month_of(np.array([day]))[0])


def fen_to_decimal(fen: IntArray) -> pa.Array:
    """Exact ``decimal128(18, 2)`` array from integer fen (no float on the way).

    A decimal128 value is a little-endian 128-bit two's-complement integer
    of the unscaled value, i.e. the fen: low word = fen, high word = sign.
    """
    words = np.empty((len(fen), 2), dtype="<i8")
    words[:, 0] = fen
    words[:, 1] = fen >> 63
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(fen), [None, pa.py_buffer(words)])


class _MonthWriter:
    """Appends days to ``balances/month=YYYY-MM/part-0.parquet``, one file per month."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.month: str | None = None
        self.writer: pq.ParquetWriter | None = None
        self.pending: list[pa.RecordBatch] = []
        self.pending_rows = 0
        self.files = 0

    def add(self, month: str, batch: pa.RecordBatch) -> None:
        if month != self.month:
            self.close()
            folder = self.root / f"month={month}"
            folder.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(folder / "part-0.parquet", SCHEMA, **WRITER_OPTIONS)
            self.month = month
            self.files += 1
        if self.pending_rows and self.pending_rows + batch.num_rows > ROW_GROUP_ROWS:
            self._flush()
        self.pending.append(batch)
        self.pending_rows += batch.num_rows

    def _flush(self) -> None:
        if self.pending and self.writer is not None:
            self.writer.write_table(pa.Table.from_batches(self.pending, SCHEMA), row_group_size=self.pending_rows)
        self.pending, self.pending_rows = [], 0

    def close(self) -> None:
        self._flush()
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def write_balances(
    model: BalanceModel,
    account_ids: list[str],
    hz: Horizon,
    seed: int,
    out: Path,
    *,
    days: int,
    progress: Callable[[str, int, int], None] | None = None,
) -> BalanceStats:
    """Simulate and write ``days`` days from 1 January; return what was written."""
    ids = pa.array(account_ids, pa.string())
    months = iso_dates(hz.start + np.arange(days))
    bumps, spikes = month_end_profile(hz), spike_profile(hz)
    init = child_rng(seed, "balances-init")
    stationary = model.sigma / np.sqrt(np.maximum(1 - model.phi**2, 1e-12))
    x = np.where(model.phi < 1, init.standard_normal(len(model.base)) * stationary, 0.0)
    amortising, seasonal = model.behaviour == AMORT, model.behaviour == SEASONAL
    sink = _MonthWriter(out / "balances")
    rows = 0
    for d in range(days):
        day = hz.start + d
        noise = child_rng(seed, "balances", d).standard_normal(len(x))
        x = model.phi * x + model.sigma * noise
        elapsed = int(month_index(np.array([day]))[0]) - model.open_month
        elapsed = elapsed - (int(day_of_month(np.array([day]))[0]) < model.open_dom)
        repaid = np.where(amortising, np.maximum(model.term - elapsed, 1) / model.term, 1.0)
        repaid = np.where(seasonal, 0.3 + 0.7 * np.clip((model.closes - d) / 45.0, 0.0, 1.0), repaid)
        level = model.base * np.exp(x + model.growth * (d / 365.0)) * (1.0 + model.bump * bumps[d])
        balance = level * repaid + model.spike * spikes[d]
        open_now = np.flatnonzero((model.first <= d) & (model.last >= d))
        fen = np.maximum(np.rint(balance[open_now] * 100.0).astype(np.int64), 1)
        dates = pa.Array.from_buffers(
            pa.date32(), len(open_now), [None, pa.py_buffer(np.full(len(open_now), day, "<i4"))]
        )
        batch = pa.RecordBatch.from_arrays([dates, ids.take(pa.array(open_now)), fen_to_decimal(fen)], schema=SCHEMA)
        sink.add(months[d][:7], batch)
        rows += len(open_now)
        if progress is not None:
            progress("balances", d + 1, days)
    sink.close()
    return BalanceStats(rows, hz.start, hz.start + days - 1, sink.files)
