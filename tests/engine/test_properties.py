"""Property tests (issue 12, item 8): the attribution conserves every account's balance-days.

Hypothesis draws small banks — customers of two sub-branches, accounts in CNY and USD, balances on
some days and not others, customer-level assignments cut by reassignments on random days, shares
that leave a remainder to the public pool (公共), account-level assignments that override the
customer's for part of the period, FTP rates that change inside it — and the engine's attribution
(``attribute_period``) runs on them in DuckDB. Whatever was drawn:

- every account's attributed balance-days, summed over its owners and the pool, equal the sum of
  its daily balances in CNY, to the fen (no fen created or lost);
- each owner gets exactly Σ (balance of the day × the owner's share that day), the pool the rest.

``RMPERF_PROPERTY_EXAMPLES`` sets the number of examples (1,000 in ``make test``; more in
``make test-deep``).
"""

from __future__ import annotations

import itertools
import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmperf.contract import STORED_TYPE, TABLES
from rmperf.engine.attribution import attribute_period
from rmperf.engine.backend import DuckDBTables, literal_rows

EXAMPLES = int(os.environ.get("RMPERF_PROPERTY_EXAMPLES", "1000"))
START = date(2025, 1, 1)
MILLION = 1_000_000
FEN = Decimal("0.01")
ORGS = ("S1", "S2")
RMS = ("R1", "R2", "R3", "R4")


class MemoryBackend(DuckDBTables):
    """The engine's own DuckDB backend over an in-memory connection holding the drawn tables (every
    contract table, made once, empty unless drawn; the drawn ones refilled for each example)."""

    def __init__(self) -> None:
        self.con = duckdb.connect()
        self.con.execute("SET threads = 1")  # tiny tables: one thread spends less on each statement
        for table in TABLES:
            cols = ", ".join(f"{c.name} {STORED_TYPE[c.type]}" for c in table.columns)
            self.con.execute(f"CREATE TABLE {table.name} ({cols})")

    def insert(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        """``table`` (a contract table, made once) holding exactly ``rows``, cast by its types."""
        self.con.execute(f"DELETE FROM {table}")
        if rows:
            self.con.execute(f"INSERT INTO {table} VALUES {literal_rows(rows)}")

    def has_rows(self, table: str) -> bool:
        return bool(self.query(f"SELECT count(*) FROM {table}")[0][0])


@dataclass(frozen=True)
class Segment:
    """Shares (millionths) of RMs from ``start`` (inclusive) to ``end`` (exclusive; None: open)."""

    start: date
    end: date | None
    shares: tuple[tuple[str, int], ...]


@st.composite
def shares(draw: st.DrawFn) -> tuple[tuple[str, int], ...]:
    """Up to three RMs' shares, summing to at most one (the rest is the pool's)."""
    rms = draw(st.lists(st.sampled_from(RMS), max_size=3, unique=True))
    left = MILLION
    out = []
    for rm in rms:
        share = draw(st.integers(1, left)) if left else 0
        if share:
            out.append((rm, share))
            left -= share
    if out and draw(st.booleans()):  # often the shares sum to exactly one
        rm, share = out[-1]
        out[-1] = (rm, share + left)
    return tuple(out)


@st.composite
def segments(draw: st.DrawFn, days: int, *, from_start: bool) -> list[Segment]:
    """Assignments cut by reassignments on random days; with gaps when ``from_start`` is False."""
    cuts = sorted(set(draw(st.lists(st.integers(1, days - 1), max_size=3)))) if days > 1 else []
    bounds = [0, *cuts, None]
    out = []
    for a, b in itertools.pairwise(bounds):
        if not from_start and draw(st.booleans()):
            continue  # no account-level assignment in this stretch: the customer's apply
        out.append(Segment(START + timedelta(days=a), None if b is None else START + timedelta(days=b), draw(shares())))
    return out


@st.composite
def banks(draw: st.DrawFn) -> dict[str, Any]:
    days = draw(st.integers(1, 45))
    customers = {f"C{i}": draw(st.sampled_from(ORGS)) for i in range(draw(st.integers(1, 3)))}
    accounts = {}
    for i in range(draw(st.integers(1, 4))):
        accounts[f"A{i}"] = (
            draw(st.sampled_from(sorted(customers))),
            draw(st.sampled_from(("deposit", "loan", "wealth"))),
            draw(st.sampled_from(("CNY", "CNY", "USD"))),
        )
    money = st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2)
    balances = {
        (a, d): draw(money)
        for a in accounts
        for d in range(days)
        if draw(st.integers(0, 4))  # some days have none
    }
    rates = {d: draw(st.decimals(min_value=Decimal("6.5"), max_value=Decimal("7.5"), places=4)) for d in range(days)}
    return {
        "days": days,
        "customers": customers,
        "accounts": accounts,
        "balances": balances,
        "usd": rates,
        "by_customer": {c: draw(segments(days, from_start=True)) for c in customers},
        "by_account": {a: draw(segments(days, from_start=False)) for a in accounts if draw(st.booleans())},
        "ftp_changes": sorted(set(draw(st.lists(st.integers(1, max(days - 1, 1)), max_size=2)))),
    }


_BACKEND: list[MemoryBackend] = []


def load(bank: dict[str, Any]) -> MemoryBackend:
    if not _BACKEND:
        _BACKEND.append(MemoryBackend())
    b = _BACKEND[0]
    b.insert("customers", [(c, "personal", org, None, None, None, None, None) for c, org in bank["customers"].items()])
    b.insert(
        "accounts",
        [
            (a, c, cat, f"P-{cat}", cur, START, None, Decimal("0.015"), None, None, None, None)
            for a, (c, cat, cur) in bank["accounts"].items()
        ],
    )
    b.insert("balances", [(START + timedelta(days=d), a, v) for (a, d), v in sorted(bank["balances"].items())])
    b.insert("fx_rates", [(START + timedelta(days=d), "USD", r) for d, r in bank["usd"].items()])
    ftp = [(START, f"P-{cat}", Decimal("0.02"), None) for cat in ("deposit", "loan")]
    ftp += [
        (START + timedelta(days=d), f"P-{cat}", Decimal("0.021"), None)
        for d in bank["ftp_changes"]
        for cat in ("deposit", "loan")
    ]
    b.insert("ftp_rates", ftp)
    rows = []
    for c, segs in bank["by_customer"].items():
        rows += [
            (c, rm, Decimal(s) / MILLION, seg.start, seg.end, None, "manage") for seg in segs for rm, s in seg.shares
        ]
    for a, segs in bank["by_account"].items():
        c = bank["accounts"][a][0]
        rows += [(c, rm, Decimal(s) / MILLION, seg.start, seg.end, a, "manage") for seg in segs for rm, s in seg.shares]
    b.insert("assignments", rows)
    return b


def in_force(segs: list[Segment], day: date) -> Segment | None:
    return next((s for s in segs if s.start <= day and (s.end is None or day < s.end)), None)


def expected(bank: dict[str, Any]) -> dict[tuple[str, str, str], Decimal]:
    """Per (owner kind, owner, account): Σ over days of the CNY balance × the owner's share that day."""
    out: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for (a, d), balance in bank["balances"].items():
        customer, _, currency = bank["accounts"][a]
        day = START + timedelta(days=d)
        cny = balance if currency == "CNY" else (balance * bank["usd"][d]).quantize(FEN, ROUND_HALF_UP)
        # account-level rows override the customer's on the days they are in force
        seg = in_force([s for s in bank["by_account"].get(a, []) if s.shares], day)
        if seg is None:
            seg = in_force(bank["by_customer"][customer], day)
        given_shares = seg.shares if seg is not None else ()
        for rm, s in given_shares:
            out["rm", rm, a] += cny * Decimal(s) / MILLION
        rest = MILLION - sum(s for _, s in given_shares)
        if rest:
            out["pool", bank["customers"][customer], a] += cny * Decimal(rest) / MILLION
    return {k: v for k, v in out.items() if v}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(banks())
def test_attribution_conserves_every_accounts_balance_days(bank: dict[str, Any]) -> None:
    backend = load(bank)
    end = START + timedelta(days=bank["days"] - 1)
    attribute_period(backend, START, end, "p")
    got = {
        (kind, owner, account): jishu
        for kind, owner, account, jishu in backend.query(
            "SELECT owner_kind, owner_id, account_id, sum(jishu) FROM p_attr GROUP BY ALL"
        )
        if jishu
    }
    want = expected(bank)
    per_account: dict[str, Decimal] = defaultdict(Decimal)
    for (_, _, account), value in got.items():
        per_account[account] += value
    for (a, d), balance in bank["balances"].items():
        cny = balance if bank["accounts"][a][2] == "CNY" else (balance * bank["usd"][d]).quantize(FEN, ROUND_HALF_UP)
        per_account[a] -= cny
    assert all(v == 0 for v in per_account.values()), per_account  # not a fen created or lost
    assert got == want
