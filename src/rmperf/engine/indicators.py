"""Balance indicators (余额类指标) per RM, per public pool and per org unit.

Definitions (units in brackets; every figure rounded once, half-up to the
fen, from exact sums):

- ``accumulated_balance`` 积数 [yuan·days]: Σ over the period's days of the
  owner's share of each account's end-of-day CNY balance.
- ``daily_average`` 日均 [yuan]: 积数 ÷ calendar days in the period.
- ``point_balance`` 时点 [yuan]: the owner's share of the balances at the end
  of the period's last day.
- ``baseline_point`` 年初时点 [yuan] and ``point_increment`` 时点增量 [yuan]:
  the balance at the end of the day before the year began (31 Dec), credited
  to the period-end owners (D17); ``point_balance − baseline_point``.
- ``baseline_daily_average`` 年初日均 [yuan] and ``daily_average_increment``
  日均增量 [yuan]: last year's 积数 ÷ its days, credited to the period-end
  owners; ``daily_average − baseline_daily_average``.
- ``ftp_profit`` 模拟利润(FTP 利差) [yuan]: Σ balance × spread ÷ basis, the
  spread being FTP − rate paid for deposits and rate − FTP for loans, with
  the rates in force each day; basis 365 (or 360, PBOC 日利率 = 年利率 ÷ 360).
- ``aum`` 管理资产 [yuan]: deposits + wealth at the period end, and
  ``aum_increment`` against the same at the baseline day.

Each is given per account category (``deposit``, ``loan``, ``wealth``) and
for ``all``; ``aum`` has category ``all`` only. When the store has no
balances for the baseline day or year, the baseline falls back as D18 says
and the result carries a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, localcontext

from rmperf.core import indicators as catalogue
from rmperf.core.indicators import IndicatorDef
from rmperf.core.money import divide, to_fen
from rmperf.core.periods import Period
from rmperf.engine import attribution as attr
from rmperf.engine.backend import Backend
from rmperf.engine.rows import Row, owners_table

CATEGORIES = ("deposit", "loan", "wealth")
OwnerKey = tuple[str, str]  # (owner_kind, owner_id): ("rm", "R00001"), ("pool", "0101"), ("org", "0100")


INDICATORS: dict[str, IndicatorDef] = catalogue.of_group("balances")


@dataclass(frozen=True)
class IndicatorValue:
    owner_kind: str
    owner_id: str
    indicator: str
    category: str
    value: Decimal


@dataclass
class BalanceResult:
    period: Period
    basis: int
    values: list[IndicatorValue]
    notes: list[str] = field(default_factory=list)
    version: int | None = None

    def get(self, owner: OwnerKey, indicator: str, category: str = "all") -> Decimal | None:
        for v in self.values:
            if (v.owner_kind, v.owner_id, v.indicator, v.category) == (*owner, indicator, category):
                return v.value
        return None


def _sums(
    backend: Backend, table: str, columns: Sequence[str], breakdown: str | None = None
) -> list[dict[tuple[str, str, str], Decimal]]:
    """Σ of each of ``columns`` of an attributed table per (owner_kind, owner_id, category), in one query.

    With a ``breakdown`` the category is ``deposit/product=DEP_TIME`` and the like.
    """
    key = "a.category"
    if breakdown is not None:
        key = f"a.category || '/{breakdown}=' || coalesce(CAST({BREAKDOWNS[breakdown]} AS VARCHAR), '-')"
    totals = ", ".join(f"sum(t.{c})" for c in columns)
    rows = backend.query(
        f"SELECT t.owner_kind, t.owner_id, {key} AS k, {totals} "
        f"FROM {table} t JOIN accounts a ON a.account_id = t.account_id "
        "JOIN customers c ON c.customer_id = a.customer_id "
        f"GROUP BY t.owner_kind, t.owner_id, {key}"
    )
    return [{(r[0], r[1], r[2]): Decimal(r[3 + i]) for r in rows if r[3 + i] is not None} for i in range(len(columns))]


#: Breakdowns of the balance indicators below the account category (``--by``).
BREAKDOWNS = {
    "product": "a.product",
    "currency": "a.currency",
    "customer_kind": "c.kind",
    "agri": "CASE WHEN coalesce(a.is_agri, c.is_agri, false) THEN 'agri' ELSE 'other' END",
    "inclusive": "CASE WHEN coalesce(a.is_inclusive, c.is_inclusive, false) THEN 'inclusive' ELSE 'other' END",
}


def compute_balance_indicators(
    backend: Backend,
    period: Period,
    *,
    basis: int = 365,
    rounding: str = "half_up",
    source: attr.BalanceSource = attr.SCAN,
    breakdown: str | Sequence[str] | None = None,
) -> BalanceResult:
    """Every balance indicator of ``period`` for every RM, pool, team and org unit.

    ``breakdown`` (``product``, ``currency``, ``customer_kind``, ``agri``,
    ``inclusive``) adds the same indicators per category and breakdown value,
    e.g. category ``deposit/product=DEP_TIME``.
    """
    if basis not in (360, 365):
        raise ValueError("the day-count basis is 365 or 360")
    wanted = [breakdown] if isinstance(breakdown, str) else list(breakdown or ())
    for one in wanted:
        if one not in BREAKDOWNS:
            raise ValueError(f"unknown breakdown {one!r}; use one of {', '.join(BREAKDOWNS)}")
    notes: list[str] = []
    if not backend.has_rows("balances"):
        raise MissingInput("balances")
    # the owners on the last day credit the steady accounts, the point balances and the baselines
    attr.owners_on(backend, period.end, "eo")
    attr.attribute_period(backend, period.start, period.end, "p", source, owners_at_end="eo")
    attr.attribute_point(backend, period.end, period.end, "pt", source, owners_table="eo")

    # baselines: the day before the year, and last year (D18)
    base_day = period.year_start - timedelta(days=1)
    last_year = period.previous_year()
    # last year is whole when its last and first days are there (balances come for every day)
    full_last_year = source.has_day(backend, base_day)
    if not full_last_year:
        notes.append(f"baseline_day_fallback:{base_day.isoformat()}->{period.year_start.isoformat()}")
        base_day = period.year_start
    else:
        full_last_year = source.has_day(backend, last_year.start)
    attr.attribute_point(backend, base_day, period.end, "bp", source, owners_table="eo")
    if full_last_year:
        source.reduce(backend, last_year.start, last_year.end, "ly")
        attr.attribute_sums_at(backend, "ly_acct", period.end, "lya", owners_table="eo")
    else:
        notes.append("baseline_daily_average_fallback:no_prior_year")

    def sums(table: str, *columns: str) -> list[Sums]:
        plain = _sums(backend, table, columns)
        for one in wanted:
            plain = [{**p, **b} for p, b in zip(plain, _sums(backend, table, columns, one), strict=True)]
        return plain

    jishu, spread = sums("p_attr", "jishu", "spread_jishu")
    (point,) = sums("pt_attr", "balance")
    (base_point,) = sums("bp_attr", "balance")
    base_jishu = sums("lya_attr", "jishu")[0] if full_last_year else {}
    missing = backend.query("SELECT coalesce(sum(missing_ftp), 0) FROM p_attr")
    if missing and missing[0][0]:
        notes.append(f"missing_ftp_rate:{missing[0][0]}")
    missing = backend.query("SELECT coalesce(sum(missing_fx), 0) FROM p_acct")
    if missing and missing[0][0]:  # foreign rows before their currency's first rate: left out, and said
        notes.append(f"missing_fx_rate:balances:{missing[0][0]}")

    tree = OrgTree.load(backend)
    jishu, spread, point, base_point, base_jishu = (
        tree.roll_up(s) for s in (jishu, spread, point, base_point, base_jishu)
    )
    owners = {(k, o) for k, o, _ in (*jishu, *point, *base_point)}
    values: list[IndicatorValue] = []
    with localcontext() as ctx:
        ctx.prec = 60  # exact quotients and differences before the one rounding
        subkeys: dict[OwnerKey, set[str]] = {}
        for k, o, c in (*jishu, *point, *base_point):
            if "/" in c:
                subkeys.setdefault((k, o), set()).add(c)
        for owner in sorted(owners):
            extra = sorted(subkeys.get(owner, ()))
            keys = (*CATEGORIES, *extra)
            if full_last_year:
                base_daily = {c: _total(base_jishu, owner, (c,)) / last_year.days for c in keys}
            else:  # D18: without last year, the baseline daily average is the baseline point
                base_daily = {c: _total(base_point, owner, (c,)) for c in keys}
            values += _owner_values(owner, period, basis, rounding, jishu, spread, point, base_point, base_daily, extra)
    return BalanceResult(period, basis, values, notes)


Sums = dict[tuple[str, str, str], Decimal]


def _total(source: Sums, owner: OwnerKey, cats: Iterable[str]) -> Decimal:
    return sum((source.get((*owner, c), Decimal(0)) for c in cats), Decimal(0))


def _owner_values(
    owner: OwnerKey,
    period: Period,
    basis: int,
    rounding: str,
    jishu: Sums,
    spread: Sums,
    point: Sums,
    base_point: Sums,
    base_daily: dict[str, Decimal],
    extra: list[str] | None = None,
) -> list[IndicatorValue]:
    """The balance indicators of one owner, per category, for ``all``, and per breakdown key."""
    out: list[IndicatorValue] = []

    def add(code: str, category: str, amount: Decimal) -> None:
        out.append(IndicatorValue(owner[0], owner[1], code, category, amount))

    for category in (*CATEGORIES, "all", *(extra or ())):
        cats = CATEGORIES if category == "all" else (category,)
        j, p, bp = _total(jishu, owner, cats), _total(point, owner, cats), _total(base_point, owner, cats)
        daily = j / period.days
        b_daily = sum((base_daily[c] for c in cats), Decimal(0))
        add("accumulated_balance", category, to_fen(j, rounding))
        add("daily_average", category, divide(j, period.days, 2, rounding))
        add("point_balance", category, to_fen(p, rounding))
        add("baseline_point", category, to_fen(bp, rounding))
        add("point_increment", category, to_fen(p - bp, rounding))
        add("baseline_daily_average", category, to_fen(b_daily, rounding))
        add("daily_average_increment", category, to_fen(daily - b_daily, rounding))
        if not category.startswith("wealth"):
            s = _total(spread, owner, tuple(c for c in cats if not c.startswith("wealth")))
            add("ftp_profit", category, divide(s, basis, 2, rounding))
    asset_cats = ("deposit", "wealth")
    aum, base_aum = _total(point, owner, asset_cats), _total(base_point, owner, asset_cats)
    add("aum", "all", to_fen(aum, rounding))
    add("aum_increment", "all", to_fen(aum - base_aum, rounding))
    return out


@dataclass(frozen=True)
class OrgTree:
    """Who rolls up where: RM → own org and its ancestors; a pool → its org and ancestors."""

    parent: dict[str, str | None]
    rm_org: dict[str, str]
    rm_team: dict[str, str]

    @classmethod
    def load(cls, backend: Backend) -> OrgTree:
        parent = dict(backend.query("SELECT org_id, parent_id FROM orgs"))
        managers = backend.query("SELECT rm_id, org_id, team FROM managers")
        return cls(parent, {r: o for r, o, _ in managers}, {r: t for r, _, t in managers if t})

    def ancestors(self, org_id: str | None) -> list[str]:
        """``org_id`` and every org above it, nearest first."""
        out: list[str] = []
        while org_id is not None and org_id not in out:
            out.append(org_id)
            org_id = self.parent.get(org_id)
        return out

    def units_of(self, owner: OwnerKey) -> list[OwnerKey]:
        """The units an owner's figures also count for: its team and every org above it."""
        kind, owner_id = owner
        if kind == "rm":
            units = [("org", o) for o in self.ancestors(self.rm_org.get(owner_id))]
            team = self.rm_team.get(owner_id)
            return [("team", team), *units] if team else units
        if kind == "pool":
            return [("org", o) for o in self.ancestors(owner_id)]
        return []

    def roll_up(self, sums: Sums) -> Sums:
        """``sums`` plus, for every team and org unit, the exact total of its owners."""
        out: Sums = dict(sums)
        for (kind, owner_id, category), value in sums.items():
            for unit_kind, unit_id in self.units_of((kind, owner_id)):
                key = (unit_kind, unit_id, category)
                out[key] = out.get(key, Decimal(0)) + value
        return out


class MissingInput(LookupError):
    """An indicator's input table is absent from the store: reported, never computed as zero."""

    def __init__(self, table: str) -> None:
        super().__init__(table)
        self.table = table


# ---- the rows behind an indicator (for ``explain``) ----------------------------

#: indicator → the attributed sums it is made of: (working table, column, how it is divided or signed)
_PARTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "accumulated_balance": (("p_attr", "jishu", "1"),),
    "daily_average": (("p_attr", "jishu", "days"),),
    "ftp_profit": (("p_attr", "spread_jishu", "basis"),),
    "point_balance": (("pt_attr", "balance", "1"),),
    "baseline_point": (("bp_attr", "balance", "1"),),
    "point_increment": (("pt_attr", "balance", "1"), ("bp_attr", "balance", "-1")),
    "aum": (("pt_attr", "balance", "1"),),
    "aum_increment": (("pt_attr", "balance", "1"), ("bp_attr", "balance", "-1")),
    # last year's 积数 ÷ its days, or (D18, without a full last year) the baseline point
    "baseline_daily_average": (("lya_attr", "jishu", "last_year_days"),),
    "daily_average_increment": (("p_attr", "jishu", "days"), ("lya_attr", "jishu", "-last_year_days")),
}
#: without a full last year the baseline daily average is the baseline point (D18)
_FALLBACK = {"lya_attr": ("bp_attr", "balance")}
_NO_LAST_YEAR = "baseline_daily_average_fallback:no_prior_year"

#: the balance indicators :func:`rows_behind` opens; :data:`DAILY` ones also to their days
EXPLAINED: tuple[str, ...] = tuple(_PARTS)
DAILY: tuple[str, ...] = ("accumulated_balance", "daily_average")


def _categories_behind(indicator: str, category: str) -> tuple[str, tuple[str, ...]]:
    """The SQL key of an account's category (with its breakdown, ``deposit/customer_kind=personal``,
    when ``category`` has one, as ``compute_balance_indicators`` keys it) and the keys the figure of
    ``category`` reads."""
    base, _, sub = category.partition("/")
    if sub:
        breakdown = sub.partition("=")[0]
        if breakdown not in BREAKDOWNS:
            return "a.category", ()
        key = f"a.category || '/{breakdown}=' || coalesce(CAST({BREAKDOWNS[breakdown]} AS VARCHAR), '-')"
        wealth_only_excluded = indicator == "ftp_profit" and base == "wealth"
        return key, () if wealth_only_excluded else (category,)
    if indicator.startswith("aum"):
        return "a.category", ("deposit", "wealth")
    cats = CATEGORIES if category == "all" else (category,)
    return "a.category", tuple(c for c in cats if c != "wealth") if indicator == "ftp_profit" else cats


def breakdown_of(category: str) -> str | None:
    """The breakdown a category names (``deposit/product=DEP_TIME`` → ``product``), or None."""
    sub = category.partition("/")[2]
    return sub.partition("=")[0] if sub else None


def rows_behind(
    backend: Backend, result: BalanceResult, indicator: str, category: str, owners: Iterable[OwnerKey]
) -> list[Row]:
    """The accounts behind ``indicator`` (of ``category``) of ``owners``, each with its exact term of the
    figure, after :func:`compute_balance_indicators` gave ``result`` on ``backend``."""
    period = result.period
    key, keys = _categories_behind(indicator, category)
    if not keys:
        return []
    cats = ", ".join("'" + c.replace("'", "''") + "'" for c in keys)
    table = owners_table(backend, owners)
    out: list[Row] = []
    with localcontext() as ctx:
        ctx.prec = 60
        for source, column, how in _PARTS[indicator]:
            if source in _FALLBACK and _NO_LAST_YEAR in result.notes:
                source, column = _FALLBACK[source]
                how = "1" if how == "last_year_days" else "-1"
            found = backend.query(
                f"SELECT t.owner_kind, t.owner_id, t.account_id, a.customer_id, {key} AS k, sum(t.{column}) "
                f"FROM {source} t JOIN {table} o ON o.owner_kind = t.owner_kind AND o.owner_id = t.owner_id "
                "JOIN accounts a ON a.account_id = t.account_id "
                "JOIN customers c ON c.customer_id = a.customer_id "
                f"WHERE {key} IN ({cats}) "
                "GROUP BY t.owner_kind, t.owner_id, t.account_id, a.customer_id, k"
            )
            for kind, owner_id, account_id, customer_id, cat, amount in found:
                if amount is None:
                    continue
                part = Decimal(amount)
                if how == "days":
                    part = part / period.days
                elif how in ("last_year_days", "-last_year_days"):
                    part = part / period.previous_year().days * (1 if how == "last_year_days" else -1)
                elif how == "basis":
                    part = part / result.basis
                elif how == "-1":
                    part = -part
                out.append(Row(kind, owner_id, account_id, customer_id, cat, part))
    return out


def days_behind(
    backend: Backend, result: BalanceResult, indicator: str, category: str, owners: Iterable[OwnerKey]
) -> list[tuple[str, date, Decimal]]:
    """Each day's attributed CNY balance of each account behind a :data:`DAILY` indicator of ``owners``,
    after :func:`compute_balance_indicators` gave ``result`` on ``backend``."""
    period = result.period
    key, keys = _categories_behind(indicator, category)
    if not keys:
        return []
    cats = ", ".join("'" + c.replace("'", "''") + "'" for c in keys)
    start, end = f"DATE '{period.start}'", f"DATE '{period.end}'"
    table = owners_table(backend, owners)
    backend.create_table(
        "exd_bal",
        f"""
        SELECT b.account_id, b.date AS as_of, b.balance, a.currency FROM balances b
        JOIN accounts a ON a.account_id = b.account_id
        JOIN customers c ON c.customer_id = a.customer_id
        WHERE b.date BETWEEN {start} AND {end} AND {key} IN ({cats})
          AND b.account_id IN (SELECT account_id FROM p_attr t JOIN {table} o
                               ON o.owner_kind = t.owner_kind AND o.owner_id = t.owner_id)
        """,
    )
    attr.owners(backend, "exd_bal", "exd_owners")
    found = backend.query(
        f"""
        SELECT d.account_id, d.as_of,
               CAST(CASE WHEN d.currency = 'CNY' THEN d.balance
                    ELSE round(CAST(d.balance AS DECIMAL(20,2)) * CAST(
                        (SELECT max_by(r.cny_per_unit, r.date) FROM fx_rates r
                         WHERE r.currency = d.currency AND r.date <= d.as_of) AS DECIMAL(12,8)), 2) END
                    AS DECIMAL(20,2)) * o.share AS amount
        FROM exd_bal d
        JOIN exd_owners o ON o.account_id = d.account_id AND o.as_of = d.as_of
        JOIN {table} e ON e.owner_kind = o.owner_kind AND e.owner_id = o.owner_id
        ORDER BY d.account_id, d.as_of
        """
    )
    merged: dict[tuple[str, date], Decimal] = {}
    for account_id, day, amount in found:
        merged[(account_id, day)] = merged.get((account_id, day), Decimal(0)) + Decimal(amount)
    return [(a, d, v) for (a, d), v in sorted(merged.items())]
