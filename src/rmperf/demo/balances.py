"""Daily end-of-day balances (日终余额), streamed one day at a time.

The state is one number per account (the log-deviation ``x`` of a
mean-reverting AR(1) process); each day is computed for all accounts with
numpy, the open accounts are selected, and their rows are appended to the
Parquet file of the current month (``balances/month=YYYY-MM/part-0.parquet``)
as row groups of at most one day or ``ROW_GROUP_ROWS`` rows. Memory depends
on the number of accounts, not on the number of days.

A balance in account-currency units is

    base · exp(x + growth · t) · (1 + trend · t) · (1 + bump · month_end(d)) · repaid(d)
    + spike · spike_profile(d)

* ``base`` and ``trend``: the book of a retail or wealth RM's personal customers is sized from the RM's
  grade (003 附件1's annual simulated-profit standard) and grows over the year by the grade's AUM-increment
  standard, each RM drawn around them (:func:`retail_books`); every other account keeps its drawn size;

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

from rmperf.demo.accounts import AMORT, DEMAND, DEPOSIT, FUND, SEASONAL, WEALTH, Accounts, FloatArray
from rmperf.demo.assignments import Owners
from rmperf.demo.dates import OPEN_END, Horizon, IntArray, day_of_month, iso_dates, month_index
from rmperf.demo.reference import INTERBANK, PERSONAL, RETAIL, BoolArray, Customers, Managers
from rmperf.demo.reference import WEALTH as WEALTH_POST
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
    #: linear growth over the year of a retail book (0 elsewhere): level × (1 + trend × t)
    trend: FloatArray
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


#: 003 附件1, per grade (trainee … principal): 年度模拟利润标准 and 年度管理资产新增标准, in 万元
PROFIT_STANDARD = (70, 100, 140, 180, 230, 280, 350, 450)
AUM_STANDARD = (1000, 1500, 2000, 2500, 3200, 3800, 4500, 5500)


def _deposit_spread(accounts: Accounts) -> FloatArray:
    """The FTP rate less the rate paid of each deposit (annual), averaged over the demo curve's year."""
    from rmperf.demo.accounts import PRODUCTS
    from rmperf.demo.rates import FTP_BASE, FTP_TIME

    ftp = np.zeros(accounts.count)
    for i, code in enumerate(p.code for p in PRODUCTS):
        rows = accounts.product == i
        if code in FTP_BASE:
            ftp[rows] = FTP_BASE[code]
        elif code in ("DEP_TIME", "DEP_CORP_TIME"):
            for term, rate in FTP_TIME.items():
                ftp[rows & (accounts.term == term)] = rate
    # the cuts of 20 May (−10 bp) and 20 October (−5 bp) over the year
    return np.asarray(np.maximum(ftp - 0.00075 - np.nan_to_num(accounts.rate), 0.0), dtype=np.float64)


#: what the formula below misses (new VIPs, cards and active customers add a little; the spread of the
#: deposits that turn over differs from the book's), measured on the demo bank and corrected for
#: (docs/demo-bank.md)
PROFIT_CORRECTION = 0.87
#: a retail book's wealth products, as a share of its deposits (the demo's affluent customers' mix)
WEALTH_SHARE = 0.6
#: a retail book's turnover in the year, as a share of the book held all year (deposits S, wealth W): what
#: matured (open on 1 January, closed in the year), what was sold (opened in the year, open on
#: 31 December) and what was both sold and matured within the year (年内到期的理财, 003 附件4 A3)
TURNOVER = {"matured": 0.10, "sold": 0.10, "within": 0.02}
WEALTH_TURNOVER = {"matured": 0.15, "sold": 0.15, "within": 0.05}


def retail_books(
    accounts: Accounts,
    customers: Customers,
    owners: Owners,
    managers: Managers,
    rng: np.random.Generator,
    hz: Horizon,
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Per account, the size factor, the yearly growth and the membership of the retail and wealth RMs'
    books (003).

    003's standards assume books of several 亿 per RM; the drawn customers are far smaller. Each retail or
    wealth RM gets a performance draw z: their year's simulated profit P is aimed at the grade's standard ×
    e^(0.18 z) and their managed assets grow by A = the AUM standard × e^(0.18 + 0.18 z + 0.08 ε), so
    most RMs hold their grade, the strong ones reach the next and the weak ones fall short.

    The RM's personal customers' CNY deposits held all year are scaled by x to x S, their wealth products
    to WEALTH_SHARE of that, and what turns over in the year to the shares ``TURNOVER`` and
    ``WEALTH_TURNOVER`` of them, so that every book has the same make-up whatever the customers happened
    to draw. The held book grows linearly over the year by what the turnover leaves of A. 003 附件4's terms
    then give P ≈ s (0.5 (x S + C) + (C − M) + 0.8 V + A (2.1 S + 0.8 W) ÷ (S + W)) — A1 half the
    average (C: the turnover's days in it), A2 the average's growth over the 1 January point (M: what
    matured), A3 the point growth and the wealth sold and matured within the year (V), B1 the point
    growth, B2 the managed assets' — solved for x.
    """
    n = accounts.count
    rms = managers.count
    z, eps = rng.standard_normal(rms), rng.standard_normal(rms)
    owner = owners.first[accounts.customer]
    post = np.where(owner >= 0, managers.post[np.maximum(owner, 0)], -1)
    book = (
        (customers.kind[accounts.customer] == PERSONAL)
        & ((post == RETAIL) | (post == WEALTH_POST))
        & ((accounts.category == DEPOSIT) | (accounts.category == WEALTH))
        & (accounts.currency == 0)
        # customers managed by one RM all year (not shared, moved or partly pooled)
        & (owners.category[accounts.customer] == 0)
        & (owners.switch[accounts.customer] >= OPEN_END)
    )
    before, after = accounts.opened < hz.start, accounts.closed > hz.end
    held = book & before & after
    classes = {"matured": book & before & ~after, "sold": book & ~before & after, "within": book & ~before & ~after}

    def per_rm(rows: BoolArray, weights: FloatArray) -> FloatArray:
        return np.asarray(np.bincount(owner[rows], weights=weights[rows], minlength=rms), dtype=np.float64)

    deposit, wealth = accounts.category == DEPOSIT, accounts.category == WEALTH
    spread = _deposit_spread(accounts)
    savings = per_rm(held & deposit, accounts.amount)
    s = np.where(savings > 0, per_rm(held & deposit, accounts.amount * spread) / np.maximum(savings, 1.0), 0.005)
    w = WEALTH_SHARE
    # k: each account's size per unit of x (its scale is x k)
    k = np.ones(n)
    managed = per_rm(held & wealth, accounts.amount)
    k[held & wealth] = (w * savings / np.maximum(managed, 1.0))[owner[held & wealth]]
    for category, base, shares in ((deposit, savings, TURNOVER), (wealth, w * savings, WEALTH_TURNOVER)):
        for name, rows in classes.items():
            rows = rows & category
            drawn = per_rm(rows, accounts.amount)
            k[rows] = (shares[name] * base / np.maximum(drawn, 1.0))[owner[rows]]
    days = np.clip(np.minimum(accounts.closed, hz.end + 1) - np.maximum(accounts.opened, hz.start), 0, 365)
    turning = book & deposit & ~held
    c = per_rm(turning, k * accounts.amount * days / 365.0)
    m = per_rm(classes["matured"] & deposit, k * accounts.amount)
    v = per_rm(classes["within"] & wealth, k * accounts.amount)
    grade = managers.grade
    profit = np.array(PROFIT_STANDARD, dtype=float)[grade] * 1e4 * np.exp(0.18 * z) * PROFIT_CORRECTION
    increment = np.array(AUM_STANDARD, dtype=float)[grade] * 1e4 * np.exp(0.18 + 0.18 * z + 0.08 * eps)
    from_growth = increment * (2.1 + 0.8 * w) / (1 + w)
    per_x = np.maximum(0.5 * (savings + c) + (c - m) + 0.8 * v, 0.5 * savings)
    x = (profit / np.maximum(s, 1e-4) - from_growth) / np.maximum(per_x, 1.0)
    x = np.maximum(x, increment / (0.5 * (1 + w) * np.maximum(savings, 1.0)))  # at most 50 % growth a year
    x = np.where(savings > 0, x, 1.0)
    scale = np.where(book, x[np.maximum(owner, 0)] * k, 1.0)
    # the held book grows by what the turnover leaves of A (the point balances of 1 January and 31 December)
    signed = np.where(classes["sold"], 1.0, np.where(classes["matured"], -1.0, 0.0))
    net = per_rm(book, accounts.amount * scale * signed)
    growth = np.clip((increment - net) / ((1 + w) * np.maximum(x * savings, 1.0)), 0.0, 0.5)
    trend = np.zeros(n)
    trend[held] = np.where(savings > 0, growth, 0.0)[owner[held]]
    return scale, trend, book


def build_model(
    accounts: Accounts,
    customers: Customers,
    owners: Owners,
    hz: Horizon,
    rng: np.random.Generator,
    managers: Managers | None = None,
    books_rng: np.random.Generator | None = None,
) -> BalanceModel:
    """Draw the per-account dynamics: volatility, growth, month-end bumps and spikes."""
    n = accounts.count
    scale, trend, book = np.ones(n), np.zeros(n), np.zeros(n, dtype=bool)
    if managers is not None and books_rng is not None:
        scale, trend, book = retail_books(accounts, customers, owners, managers, books_rng, hz)
    amount = accounts.amount * scale
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
    # a retail book grows by its trend: its demand accounts and funds keep a little day-to-day noise only
    growth = np.where(book, 0.0, growth)
    sigma = np.where(book, sigma * 0.1, sigma)
    interbank = customers.kind[accounts.customer] == INTERBANK
    corporate_bump = np.where(interbank, 0.0, rng.uniform(0.005, 0.04, n))
    bump = np.where(demand, np.where(personal, rng.uniform(0.0, 0.015, n), corporate_bump), 0.0)
    spiking = demand & (accounts.currency == 0) & owners.spike_customer[accounts.customer]
    floor = np.where(personal, 20_000.0, 500_000.0)
    # a planted 冲时点 inflow: 1.5–4 × a small account; on a retail book of several 亿 (scaled), a quarter to three
    # quarters of each demand account, so the book swells by a tenth to a third at a quarter end, not several times
    multiple = rng.uniform(1.5, 4.0, n)
    multiple = np.where(book, 0.25 + (multiple - 1.5) / 5.0, multiple)
    inflow = np.clip(amount * multiple, floor, SPIKE_CAP)
    spike = np.where(spiking, inflow, 0.0)
    first = np.maximum(accounts.opened - hz.start, 0)
    last = np.minimum(accounts.closed, hz.end) - hz.start
    return BalanceModel(
        behaviour=behaviour,
        base=amount,
        phi=phi,
        sigma=sigma,
        growth=growth,
        trend=trend,
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
        level = model.base * np.exp(x + model.growth * (d / 365.0)) * (1.0 + model.trend * (d / 365.0))
        level = level * (1.0 + model.bump * bumps[d])
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
