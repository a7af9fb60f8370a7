"""Loan-quality, service, compliance and risk-adjusted indicators (质量、服务、合规与风险调整类指标).

Per RM, per public pool, per team and per org unit. Teams and orgs are
rolled up from the **exact numerators and denominators** of their members
(a ratio of an org is Σ numerators ÷ Σ denominators, never an average of
ratios) and rounded once. Units and rounding (all half-up by default):

- money [yuan]: to the fen; counts [count]: whole numbers;
- ratios [ratio]: 6 decimals; averages of scores and hours: 2 decimals;
  violation points [points]: 2 decimals.

A ratio whose denominator is 0 has no value (not applicable, never 0).
An indicator whose optional input table is absent from the store is
skipped with the note ``missing_table:<name>`` and ``QualityResult.get``
raises ``MissingInput`` for it; it is never computed as zero.

Loans (002):

- ``new_loans`` 新发放贷款 [yuan]: Σ over loan accounts opened in the period
  of their first end-of-day balance (the balance on the opening day, or on
  the first later day in the period with a row; 0 when none), converted to
  CNY at that day's central parity, credited to the owners **on the opening
  day** by share (the originator). ``new_loan_count`` [count]: those loans,
  counted for the service owner on the opening day.
- ``new_loan_npl_ratio`` 新发放贷款不良率 [ratio]: period-end balance of the
  loans opened in the period whose latest grade on or before the period end
  is substandard, doubtful or loss ÷ period-end balance of the loans opened
  in the period (both credited to the originators by share).
- ``npl_balance`` 不良贷款余额 [yuan] and ``npl_reduction`` 不良贷款压降 [yuan]:
  NPL balance at the baseline day (31 Dec of the previous year; 1 Jan when
  the store lacks it, D18) − NPL balance at the period end, both credited to
  the period-end owners (D17).
- ``post_loan_check_rate`` 贷后检查完成率 [ratio]: checks due in the period
  done on or before their due day ÷ checks due in the period, credited to
  ``loan_checks.rm_id``; with ``post_loan_checks_due`` and
  ``post_loan_checks_on_time`` [count].
- ``pricing_compliance_rate`` 定价偏离合规率 [ratio]: loans opened in the period
  whose deviation ``rate ÷ guide_rate − 1`` lies within ±tolerance (bounds
  included) ÷ loans opened in the period that have a guide rate, **by count**
  (service owner on the opening day); ``pricing_compliance_rate_amount``
  [ratio] the same weighted by the new-loan amount (owners by share).
- ``first_time_borrower_share`` 首贷户占比 [ratio]: customers whose first-ever
  loan (earliest ``opened_on`` of any of their loan accounts) was opened in
  the period ÷ customers with a loan opened in the period, each customer
  counted once, for the service owner of their first loan in the period on
  its opening day; with ``first_time_borrowers`` [count].
- ``agri_loan_share`` 涉农贷款占比 / ``inclusive_loan_share`` 普惠小微贷款占比
  [ratio]: flagged period-end loan balance ÷ period-end loan balance (flag:
  the account's ``is_agri``/``is_inclusive``, else the customer's);
  ``agri_loan_increment`` / ``inclusive_loan_increment`` [yuan]: flagged
  balance at the period end − at the baseline day (period-end owners, D17).

Deposits (002): ``deposit_stickiness`` 存款稳定性(月日均存款波动系数) [ratio]:
population standard deviation ÷ mean of the owner's monthly daily-average
deposits (each month's 积数 ÷ its days, rounded to the fen as reported).

Service (002): ``visits`` 走访次数 [count]; ``village_coverage`` 行政村覆盖率
[ratio] = distinct villages of the RM's own org visited in the period (the
visit's village, else the visited customer's) ÷ villages of that org;
``satisfaction`` 满意度 [score 0–100, 2 decimals] = mean survey score;
``response_hours`` 平均响应时长 [hours, 2 decimals]; ``resolution_rate`` 问题解决率
and ``recommendation_rate`` 推荐率 [ratio] among surveys that answer them.

Compliance and work: ``violations`` 违规次数 [count], ``violation_points`` 扣分
[points], ``veto`` 一票否决 [count], ``unrectified_violations`` 未整改 [count:
findings of the period not rectified by its end], ``attendance_rate`` 出勤率
and ``task_completion_rate`` 任务完成率 [ratio]. ``veto_findings`` gives the
veto findings with their descriptions.

Risk-adjusted (000, 001): ``expected_loss`` 预期损失 [yuan] = Σ loan 积数 ×
expected-loss rate of the product ÷ basis (the period's share of the annual
rate); ``risk_adjusted_profit`` 风险调整后利润 [yuan] = FTP spread profit
(deposits and loans, as ``ftp_profit`` ``all``) − expected loss;
``economic_capital`` 经济资本 [yuan] = Σ loan daily average × capital factor of
the product; ``raroc`` 经济资本回报率 [ratio] = risk-adjusted profit ÷ economic
capital (for the period, not annualised); ``eva`` 经济增加值 [yuan] =
risk-adjusted profit − economic capital × hurdle rate × days ÷ basis.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import Any

from rmperf.contract import NON_PERFORMING_GRADES
from rmperf.core import indicators as catalogue
from rmperf.core.indicators import IndicatorDef
from rmperf.core.money import divide, round_to, to_fen
from rmperf.core.periods import Period
from rmperf.engine import attribution as attr
from rmperf.engine.backend import Backend
from rmperf.engine.indicators import IndicatorValue, MissingInput, OrgTree, OwnerKey
from rmperf.engine.quality_derived import coefficient_of_variation, peer_groups
from rmperf.engine.rows import Row, owners_table, select_rows

ATTRIBUTED = attr.ATTRIBUTED
ZERO = Decimal(0)
_NPL = ", ".join(f"'{g}'" for g in NON_PERFORMING_GRADES)


@dataclass(frozen=True)
class QualityParams:
    """Settings of the quality indicators; a scheme supplies its own.

    - ``pricing_tolerance`` 0.05: a loan's pricing is compliant when
      ``|rate ÷ guide_rate − 1| ≤ 0.05`` (002: 偏离度≤±5%).
    - ``expected_loss_rates`` / ``default_expected_loss_rate`` 0.01: annual
      expected-loss rate (PD × LGD) per loan product, and for products not listed.
    - ``capital_factors`` / ``default_capital_factor`` 0.08: economic capital
      per yuan of loan daily average per product (8 % = the minimum capital
      ratio at a 100 % risk weight), and for products not listed.
    - ``hurdle_rate`` 0.10: annual cost of economic capital for EVA.
    - ``basis`` 365: day count of FTP profit, expected loss and the capital
      charge (360 where a bank follows 日利率 = 年利率 ÷ 360).
    - ``tax_rate`` 0: 税费 as a share of the period's income (000: 风险调整后利润 deducts 税费).
    - ``rounding`` half_up (or half_even).
    """

    pricing_tolerance: Decimal = Decimal("0.05")
    expected_loss_rates: Mapping[str, Decimal] = field(default_factory=dict)
    default_expected_loss_rate: Decimal = Decimal("0.01")
    capital_factors: Mapping[str, Decimal] = field(default_factory=dict)
    default_capital_factor: Decimal = Decimal("0.08")
    hurdle_rate: Decimal = Decimal("0.10")
    basis: int = 365
    rounding: str = "half_up"
    #: taxes (税费) as a share of the period's income (spread profit + fee income) when it is positive (000)
    tax_rate: Decimal = Decimal(0)

    def expected_loss_rate(self, product: str) -> Decimal:
        return Decimal(self.expected_loss_rates.get(product, self.default_expected_loss_rate))

    def capital_factor(self, product: str) -> Decimal:
        return Decimal(self.capital_factors.get(product, self.default_capital_factor))


INDICATORS: dict[str, IndicatorDef] = catalogue.of_group("quality")


@dataclass(frozen=True)
class VetoFinding:
    """A violation with ``veto`` true (一票否决): who, when, what, and why."""

    rm_id: str
    day: date
    code: str
    points: Decimal
    description: str


@dataclass
class QualityResult:
    period: Period
    params: QualityParams
    values: list[IndicatorValue]
    notes: list[str] = field(default_factory=list)
    vetoes: list[VetoFinding] = field(default_factory=list)
    #: indicator → the absent table it needs
    missing: dict[str, str] = field(default_factory=dict)

    def get(self, owner: OwnerKey, indicator: str, category: str = "all") -> Decimal | None:
        """The value, ``None`` when not applicable; ``MissingInput`` when its table is absent."""
        if indicator in self.missing:
            raise MissingInput(self.missing[indicator])
        for v in self.values:
            if (v.owner_kind, v.owner_id, v.indicator, v.category) == (*owner, indicator, category):
                return v.value
        return None


Sums = dict[tuple[str, str, str], Decimal]

#: the one type of every component value: exact, and wide enough for the spread products' 16 places
VALUE = "DECIMAL(38,16)"
META = "meta"  # owner kind of counters that are notes, not indicators


def _d(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def _month(day: date) -> str:
    return f"'{day.year:04d}-{day.month:02d}'"


class Parts:
    """Component queries, one small query per group of components.

    Each part gives ``owner_kind, owner_id, v0, v1, …`` with ``names`` naming
    the value columns; the result is (owner_kind, owner_id, component) → exact
    sum. (They once ran as one UNION ALL, one Spark job; on the large bank
    DuckDB 1.4 hung on it after spilling, so they run apart.)
    """

    def __init__(self) -> None:
        self.selects: list[str] = []

    def add(self, sql: str, *names: str) -> None:
        """Unpivot the value columns (at most 10) with a cross join on a small index table."""
        label = " ".join(f"WHEN {i} THEN '{n}'" for i, n in enumerate(names))
        value = " ".join(f"WHEN {i} THEN CAST(x.v{i} AS {VALUE})" for i in range(len(names)))
        self.selects.append(
            f"SELECT x.owner_kind, x.owner_id, CASE u.i {label} END AS component, CASE u.i {value} END AS value "
            f"FROM ({sql}) x CROSS JOIN q_unpivot u WHERE u.i < {len(names)}"
        )

    def run(self, backend: Backend, sums: Sums) -> None:
        if not self.selects:
            return
        backend.register_rows("q_unpivot", [("i", "BIGINT")], [(i,) for i in range(10)])
        # one query per group: each result is small, and on the large bank a single UNION ALL
        # of all of them left DuckDB 1.4 waiting forever once it had spilled to disk
        for select in self.selects:
            for kind, owner, component, value in backend.query(select):
                _add(sums, kind, owner, component, value)


def _add(sums: Sums, kind: str, owner: str, component: str, value: Any) -> None:
    if value is not None:
        key = (kind, owner, component)
        sums[key] = sums.get(key, ZERO) + Decimal(value)


# --------------------------------------------------------------------------- SQL building blocks


def _grades(backend: Backend, end: date, base: date) -> None:
    """``q_grades(account_id, npl_end, npl_base)``: 1 when the latest grade on or before the day is NPL."""
    latest = "CASE WHEN max_by(grade, date) IN ({npl}) THEN 1 ELSE 0 END"
    backend.create_table(
        "q_grades",
        f"""
        SELECT coalesce(e.account_id, b.account_id) AS account_id,
               coalesce(e.npl, 0) AS npl_end, coalesce(b.npl, 0) AS npl_base
        FROM (SELECT account_id, {latest.format(npl=_NPL)} AS npl FROM loan_grades
              WHERE date <= {_d(end)} GROUP BY account_id) e
        FULL OUTER JOIN (SELECT account_id, {latest.format(npl=_NPL)} AS npl FROM loan_grades
              WHERE date <= {_d(base)} GROUP BY account_id) b ON b.account_id = e.account_id
        """,
    )


def _service_owners(backend: Backend, when: str, owners_table: str, name: str) -> None:
    """``name(account_id, as_of, owner_kind, owner_id)``: one service owner (管户) per account and day.

    The ``manage`` row with the largest share (ties: the smallest RM id);
    without any, the public pool of the customer's home sub-branch.
    """
    backend.create_table(
        name,
        f"""
        SELECT w.account_id, w.as_of,
               CASE WHEN m.owner_id IS NULL THEN 'pool' ELSE 'rm' END AS owner_kind,
               coalesce(m.owner_id, c.org_id) AS owner_id
        FROM (SELECT DISTINCT account_id, as_of FROM {when}) w
        JOIN accounts a ON a.account_id = w.account_id
        JOIN customers c ON c.customer_id = a.customer_id
        LEFT JOIN (
            SELECT account_id, as_of, owner_id FROM (
                SELECT account_id, as_of, owner_id,
                       row_number() OVER (PARTITION BY account_id, as_of ORDER BY share DESC, owner_id) AS rn
                FROM {owners_table}
                WHERE owner_kind = 'rm' AND coalesce(kind, 'manage') = 'manage'
            ) x WHERE rn = 1
        ) m ON m.account_id = w.account_id AND m.as_of = w.as_of
        """,
    )


def _new_loans(backend: Backend, period: Period, params: QualityParams) -> None:
    """``q_new``: loans opened in the period (``as_of`` = opening day), CNY amount, pricing flags.

    The amount is the first end-of-day balance on or after the opening day
    within the period (0 without one), at that day's central parity.
    """
    start, end = _d(period.start), _d(period.end)
    tol = f"CAST('{params.pricing_tolerance}' AS DECIMAL(12,8))"
    backend.create_table(
        "q_new",
        f"""
        WITH n AS (
            SELECT account_id, customer_id, opened_on, currency,
                   CASE WHEN guide_rate > 0 AND rate IS NOT NULL THEN 1 ELSE 0 END AS guided,
                   CASE WHEN guide_rate > 0 AND rate IS NOT NULL
                             AND abs(rate - guide_rate) <= {tol} * guide_rate THEN 1 ELSE 0 END AS compliant
            FROM accounts
            WHERE category = 'loan' AND opened_on BETWEEN {start} AND {end}
        ),
        {attr.first_balance_ctes(start, end)}
        SELECT n.account_id, n.customer_id, n.opened_on, n.opened_on AS as_of, n.guided, n.compliant,
               CAST(CASE WHEN b.balance IS NULL THEN 0
                         WHEN n.currency = 'CNY' THEN b.balance
                         ELSE round(CAST(b.balance AS DECIMAL(20,2)) * CAST(fx.rate AS DECIMAL(12,8)), 2)
                    END AS DECIMAL(20,2)) AS amount,
               CASE WHEN b.balance IS NOT NULL AND n.currency <> 'CNY' AND fx.rate IS NULL THEN 1 ELSE 0 END
                   AS missing_fx
        FROM n
        LEFT JOIN fd b ON b.account_id = n.account_id
        LEFT JOIN fx ON fx.account_id = n.account_id
        """,
    )


def _loan_owners(backend: Backend, period: Period) -> None:
    """``q_own``: ONE ``attribution.owners`` call for every (loan, day) the loan indicators need.

    The period-end and baseline loan books (``q_pt_bal``, ``q_bp_bal``) with
    the period-end owners (D17), and each new loan with its opening day's
    owners; ``q_new_svc`` their service owners.
    """
    end = _d(period.end)
    backend.create_table(
        "q_when",
        f"""
        SELECT b.account_id, {end} AS as_of FROM q_pt_bal b
        JOIN accounts a ON a.account_id = b.account_id WHERE a.category = 'loan'
        UNION
        SELECT b.account_id, {end} AS as_of FROM q_bp_bal b
        JOIN accounts a ON a.account_id = b.account_id WHERE a.category = 'loan'
        UNION
        SELECT account_id, as_of FROM q_new
        """,
    )
    attr.owners(backend, "q_when", "q_own")
    _service_owners(backend, "q_new", "q_own", "q_new_svc")


# --------------------------------------------------------------------------- groups of components


def _loan_parts(parts: Parts, period: Period, grades: bool) -> None:
    """Components of the loan indicators (q_new, q_new_svc, q_own, q_pt_bal, q_bp_bal and q_grades must exist)."""
    zero = f"CAST(0 AS {ATTRIBUTED})"
    end_share = f"CAST(coalesce(e.balance, 0) * o.share AS {ATTRIBUTED})"
    amount = f"CAST(n.amount * o.share AS {ATTRIBUTED})"
    npl_new = f"sum(CASE WHEN g.npl_end = 1 THEN {end_share} ELSE {zero} END)" if grades else zero
    grade_join = "LEFT JOIN q_grades g ON g.account_id = n.account_id" if grades else ""
    parts.add(
        f"""
        SELECT o.owner_kind, o.owner_id, sum({amount}) AS v0, sum({end_share}) AS v1, {npl_new} AS v2,
               sum(CASE WHEN n.guided = 1 THEN {amount} ELSE {zero} END) AS v3,
               sum(CASE WHEN n.compliant = 1 THEN {amount} ELSE {zero} END) AS v4
        FROM q_new n
        JOIN q_own o ON o.account_id = n.account_id AND o.as_of = n.as_of
        LEFT JOIN q_pt_bal e ON e.account_id = n.account_id
        {grade_join}
        GROUP BY o.owner_kind, o.owner_id
        """,
        "new_amount",
        "new_end",
        "new_npl_end",
        "priced_amount",
        "compliant_amount",
    )
    parts.add(
        """
        SELECT s.owner_kind, s.owner_id, count(*) AS v0, sum(n.guided) AS v1, sum(n.compliant) AS v2,
               sum(n.missing_fx) AS v3
        FROM q_new n JOIN q_new_svc s ON s.account_id = n.account_id AND s.as_of = n.as_of
        GROUP BY s.owner_kind, s.owner_id
        """,
        "new_count",
        "priced_count",
        "compliant_count",
        "new_missing_fx",
    )
    # 首贷户: each customer once, for the service owner of its first loan of the period
    parts.add(
        f"""
        SELECT owner_kind, owner_id, count(*) AS v0,
               sum(CASE WHEN first_on >= {_d(period.start)} THEN 1 ELSE 0 END) AS v1
        FROM ({BORROWERS_SQL}) b
        GROUP BY owner_kind, owner_id
        """,
        "borrowers",
        "first_borrowers",
    )
    # the period-end and baseline loan book, credited to the period-end owners (D17)
    bal = f"CAST(b.balance * o.share AS {ATTRIBUTED})"
    for table, suffix in (("q_pt_bal", "end"), ("q_bp_bal", "base")):
        npl = f"sum(CASE WHEN g.npl_{suffix} = 1 THEN {bal} ELSE {zero} END)" if grades else zero
        join = "LEFT JOIN q_grades g ON g.account_id = b.account_id" if grades else ""
        parts.add(
            f"""
            SELECT o.owner_kind, o.owner_id, sum({bal}) AS v0, {npl} AS v1,
                   sum(CASE WHEN coalesce(a.is_agri, c.is_agri, false) THEN {bal} ELSE {zero} END) AS v2,
                   sum(CASE WHEN coalesce(a.is_inclusive, c.is_inclusive, false) THEN {bal} ELSE {zero} END)
                       AS v3
            FROM {table} b
            JOIN accounts a ON a.account_id = b.account_id
            JOIN customers c ON c.customer_id = a.customer_id
            JOIN q_own o ON o.account_id = b.account_id AND o.as_of = {_d(period.end)}
            {join}
            WHERE a.category = 'loan'
            GROUP BY o.owner_kind, o.owner_id
            """,
            f"loan_{suffix}",
            f"npl_{suffix}",
            f"agri_{suffix}",
            f"incl_{suffix}",
        )


#: Each borrower of the period once (customer_id, owner_kind, owner_id, first_on): the service owner
#: of its first new loan of the period, and the day it first ever borrowed (from ``q_new``).
BORROWERS_SQL = """
    SELECT f.customer_id, s.owner_kind, s.owner_id, e.first_on
    FROM (
        SELECT customer_id, account_id, as_of FROM (
            SELECT customer_id, account_id, as_of,
                   row_number() OVER (PARTITION BY customer_id ORDER BY as_of, account_id) AS rn
            FROM q_new
        ) y WHERE rn = 1
    ) f
    JOIN q_new_svc s ON s.account_id = f.account_id AND s.as_of = f.as_of
    JOIN (SELECT customer_id, min(opened_on) AS first_on FROM accounts
          WHERE category = 'loan' GROUP BY customer_id) e ON e.customer_id = f.customer_id
"""


def months_of(period: Period) -> list[tuple[date, date]]:
    """The calendar months of ``period``, clipped to it."""
    out: list[tuple[date, date]] = []
    first = period.start
    while first <= period.end:
        nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        out.append((first, min(nxt - timedelta(days=1), period.end)))
        first = nxt
    return out


def _monthly_components(backend: Backend, period: Period, sums: Sums) -> list[int]:
    """Deposit 积数 per month (``dep_m<i>``), FTP spread (``spread``) and loan 积数 per product (``loan:<p>``).

    Each month is attributed with ``attribution.attribute_period``; the months'
    积数 and spread products add up exactly to the whole period's, so the
    spread here is the balance indicators' ``ftp_profit`` numerator.
    """
    days: list[int] = []
    for i, (first, last) in enumerate(months_of(period)):
        attr.attribute_period(backend, first, last, f"qm{i}")
        days.append((last - first).days + 1)
        for kind, owner, category, product, jishu, spread, missing in backend.query(
            f"""
            SELECT t.owner_kind, t.owner_id, a.category, a.product,
                   sum(t.jishu), sum(t.spread_jishu), sum(t.missing_ftp)
            FROM qm{i}_attr t JOIN accounts a ON a.account_id = t.account_id
            GROUP BY t.owner_kind, t.owner_id, a.category, a.product
            """
        ):
            _add(sums, META, "", "missing_ftp", missing)
            if category == "deposit":
                _add(sums, kind, owner, f"dep_m{i}", jishu)
            if category == "loan":
                _add(sums, kind, owner, f"loan:{product}", jishu)
            if category in ("deposit", "loan"):
                _add(sums, kind, owner, "spread", spread)
    return days


def _event_parts(parts: Parts, period: Period, present: Callable[[str], bool]) -> None:
    """Components of the RM-level service, compliance and work indicators."""
    start, end = _d(period.start), _d(period.end)
    m0, m1 = _month(period.start), _month(period.end)
    rm = "'rm' AS owner_kind, rm_id AS owner_id"
    if present("loan_checks"):
        parts.add(
            f"""
            SELECT {rm}, count(*) AS v0,
                   sum(CASE WHEN done_on IS NOT NULL AND done_on <= due_on THEN 1 ELSE 0 END) AS v1
            FROM loan_checks WHERE due_on BETWEEN {start} AND {end} GROUP BY rm_id
            """,
            "checks_due",
            "checks_on_time",
        )
    if present("visits"):
        parts.add(
            f"SELECT {rm}, count(*) AS v0 FROM visits WHERE date BETWEEN {start} AND {end} GROUP BY rm_id",
            "visits",
        )
    if present("visits") and present("villages"):
        parts.add(
            f"""
            SELECT 'rm' AS owner_kind, v.rm_id AS owner_id, count(DISTINCT vl.village_id) AS v0
            FROM visits v
            JOIN managers m ON m.rm_id = v.rm_id
            LEFT JOIN customers c ON c.customer_id = v.customer_id
            JOIN villages vl ON vl.village_id = coalesce(v.village_id, c.village_id) AND vl.org_id = m.org_id
            WHERE v.date BETWEEN {start} AND {end}
            GROUP BY v.rm_id
            """,
            "villages_visited",
        )
        parts.add(
            "SELECT 'rm' AS owner_kind, m.rm_id AS owner_id, count(*) AS v0 "
            "FROM managers m JOIN villages vl ON vl.org_id = m.org_id GROUP BY m.rm_id",
            "villages",
        )
    if present("surveys"):
        parts.add(
            f"""
            SELECT {rm}, count(*) AS v0, sum(score) AS v1, count(response_hours) AS v2, sum(response_hours) AS v3,
                   count(resolved) AS v4, sum(CASE WHEN resolved THEN 1 ELSE 0 END) AS v5,
                   count(would_recommend) AS v6, sum(CASE WHEN would_recommend THEN 1 ELSE 0 END) AS v7
            FROM surveys WHERE date BETWEEN {start} AND {end} GROUP BY rm_id
            """,
            *("surveys", "score", "timed", "hours", "answered_resolved", "resolved", "answered_rec", "recommend"),
        )
    if present("violations"):
        parts.add(
            f"""
            SELECT {rm}, count(*) AS v0, sum(points) AS v1, sum(CASE WHEN veto THEN 1 ELSE 0 END) AS v2,
                   sum(CASE WHEN rectified_on IS NULL OR rectified_on > {end} THEN 1 ELSE 0 END) AS v3
            FROM violations WHERE date BETWEEN {start} AND {end} GROUP BY rm_id
            """,
            *("violations", "points", "veto", "unrectified"),
        )
    if present("attendance"):
        parts.add(
            f"SELECT {rm}, sum(required_days) AS v0, sum(present_days) AS v1 FROM attendance "
            f"WHERE month BETWEEN {m0} AND {m1} GROUP BY rm_id",
            "required_days",
            "present_days",
        )
    if present("tasks"):
        parts.add(
            f"SELECT {rm}, sum(assigned) AS v0, sum(completed) AS v1 FROM tasks "
            f"WHERE month BETWEEN {m0} AND {m1} GROUP BY rm_id",
            "assigned",
            "completed",
        )


def veto_findings(backend: Backend, period: Period) -> list[VetoFinding]:
    """The veto findings (一票否决) of ``period``, with their descriptions, by day and RM.

    Raises ``MissingInput`` when the store has no ``violations``.
    """
    if not backend.has_rows("violations"):
        raise MissingInput("violations")
    rows = backend.query(
        f"""
        SELECT rm_id, date, code, points, description FROM violations
        WHERE veto AND date BETWEEN {_d(period.start)} AND {_d(period.end)}
        ORDER BY date, rm_id, code
        """
    )
    return [VetoFinding(r, d, c, Decimal(p), desc or "") for r, d, c, p, desc in rows]


# --------------------------------------------------------------------------- the one entry point

#: the optional table each indicator needs (beyond the required reference tables and balances)
NEEDS: dict[str, tuple[str, ...]] = {
    "new_loan_npl_ratio": ("loan_grades",),
    "npl_balance": ("loan_grades",),
    "npl_reduction": ("loan_grades",),
    "post_loan_check_rate": ("loan_checks",),
    "post_loan_checks_due": ("loan_checks",),
    "post_loan_checks_on_time": ("loan_checks",),
    "visits": ("visits",),
    "village_coverage": ("visits", "villages"),
    "satisfaction": ("surveys",),
    "response_hours": ("surveys",),
    "resolution_rate": ("surveys",),
    "recommendation_rate": ("surveys",),
    "violations": ("violations",),
    "violation_points": ("violations",),
    "veto": ("violations",),
    "unrectified_violations": ("violations",),
    "attendance_rate": ("attendance",),
    "task_completion_rate": ("tasks",),
}

# code -> (kind, numerator component(s), denominator component); kind: money, count, points,
# ratio (6 places), mean2 (2 places); a money numerator "a-b" is a difference of two components
_SPECS: tuple[tuple[str, str, str, str | None], ...] = (
    ("new_loans", "money", "new_amount", None),
    ("new_loan_count", "count", "new_count", None),
    ("new_loan_npl_ratio", "ratio", "new_npl_end", "new_end"),
    ("npl_balance", "money", "npl_end", None),
    ("npl_reduction", "money", "npl_base-npl_end", None),
    ("post_loan_check_rate", "ratio", "checks_on_time", "checks_due"),
    ("post_loan_checks_due", "count", "checks_due", None),
    ("post_loan_checks_on_time", "count", "checks_on_time", None),
    ("pricing_compliance_rate", "ratio", "compliant_count", "priced_count"),
    ("pricing_compliance_rate_amount", "ratio", "compliant_amount", "priced_amount"),
    ("first_time_borrowers", "count", "first_borrowers", None),
    ("first_time_borrower_share", "ratio", "first_borrowers", "borrowers"),
    ("agri_loan_share", "ratio", "agri_end", "loan_end"),
    ("inclusive_loan_share", "ratio", "incl_end", "loan_end"),
    ("agri_loan_increment", "money", "agri_end-agri_base", None),
    ("inclusive_loan_increment", "money", "incl_end-incl_base", None),
    ("visits", "count", "visits", None),
    ("village_coverage", "ratio", "villages_visited", "villages"),
    ("satisfaction", "mean2", "score", "surveys"),
    ("response_hours", "mean2", "hours", "timed"),
    ("resolution_rate", "ratio", "resolved", "answered_resolved"),
    ("recommendation_rate", "ratio", "recommend", "answered_rec"),
    ("violations", "count", "violations", None),
    ("violation_points", "points", "points", None),
    ("veto", "count", "veto", None),
    ("unrectified_violations", "count", "unrectified", None),
    ("attendance_rate", "ratio", "present_days", "required_days"),
    ("task_completion_rate", "ratio", "completed", "assigned"),
)

#: components that are a true 0 for an employed RM without rows (when their table is present)
_ZERO_FILLED = {
    "loans": (
        "new_amount",
        "new_count",
        "first_borrowers",
        "loan_end",
        "agri_end",
        "incl_end",
        "agri_base",
        "incl_base",
    ),
    "loan_grades": ("npl_end", "npl_base"),
    "loan_checks": ("checks_due", "checks_on_time"),
    "visits": ("visits",),
    "villages": ("villages_visited",),
    "violations": ("violations", "points", "veto", "unrectified"),
}


def compute_quality_indicators(backend: Backend, period: Period, params: QualityParams | None = None) -> QualityResult:
    """Every quality, service, compliance and risk-adjusted indicator of ``period``, rolled up."""
    params = params or QualityParams()
    if params.basis not in (360, 365):
        raise ValueError("the day-count basis is 365 or 360")
    if not backend.has_rows("balances"):
        raise MissingInput("balances")
    notes: list[str] = []
    missing: dict[str, str] = {}
    absent = sorted({t for tables in NEEDS.values() for t in tables if not backend.has_rows(t)})
    notes += [f"missing_table:{table}" for table in absent]
    for code, tables in NEEDS.items():
        for table in tables:
            if table in absent and code not in missing:
                missing[code] = table
    present = backend.has_rows
    grades = present("loan_grades")

    # the loan book at the period end and at the baseline day (D18)
    base_day = period.year_start - timedelta(days=1)
    if not backend.query(f"SELECT count(*) FROM balances WHERE date = {_d(base_day)}")[0][0]:
        notes.append(f"baseline_day_fallback:{base_day.isoformat()}->{period.year_start.isoformat()}")
        base_day = period.year_start
    attr.point_balances(backend, period.end, "q_pt_bal")
    attr.point_balances(backend, base_day, "q_bp_bal")
    if grades:
        first, before = backend.query(
            f"SELECT min(date), max(CASE WHEN date <= {_d(base_day)} THEN date END) FROM loan_grades"
        )[0]
        grade_base = base_day
        if before is None:  # no classification by the baseline day: the first one stands in
            notes.append(f"npl_baseline_grade_fallback:{base_day.isoformat()}->{first.isoformat()}")
            grade_base = first
        _grades(backend, period.end, grade_base)
    _new_loans(backend, period, params)
    _loan_owners(backend, period)
    parts = Parts()
    _loan_parts(parts, period, grades)
    _event_parts(parts, period, present)
    sums: Sums = {}
    parts.run(backend, sums)
    # 000's 风险调整后利润: income (spread profit + fee income) less costs (the expenses table), risk, taxes
    direct_costs: Sums = {}
    if present("fees"):
        from rmperf.engine.flows import fee_sums

        for (kind, owner, _), value in fee_sums(backend, period, notes).items():
            _add(sums, kind, owner, "fees", value)
    if present("expenses"):
        from rmperf.engine.flows import expense_sums

        by_rm, direct_costs = expense_sums(backend, period, notes)
        for (kind, owner, _), value in by_rm.items():
            _add(sums, kind, owner, "costs", value)
    days = _monthly_components(backend, period, sums)
    missing_fx = sum((v for (_, _, c), v in sums.items() if c == "new_missing_fx"), ZERO)
    if missing_fx:
        notes.append(f"new_loans_missing_fx_rate:{int(missing_fx)}")
    missing_ftp = sums.pop((META, "", "missing_ftp"), ZERO)
    if missing_ftp:
        notes.append(f"missing_ftp_rate:{int(missing_ftp)}")

    # who is employed in the period (their counts are true zeros), and the roll-up tree (as OrgTree.load)
    managers = backend.query("SELECT rm_id, org_id, team, rm_since, left_on FROM managers")
    employed = [
        r for r, _, _, since, left in managers if since <= period.end and (left is None or left >= period.start)
    ]
    for table, components in _ZERO_FILLED.items():
        if table == "loans" or (present(table) and (table != "villages" or present("visits"))):
            for rm in employed:
                for c in components:
                    sums.setdefault(("rm", rm, c), ZERO)
    for rm in employed:
        sums.setdefault(("rm", rm, "spread"), ZERO)

    parent = dict(backend.query("SELECT org_id, parent_id FROM orgs"))
    tree = OrgTree(parent, {r: o for r, o, *_ in managers}, {r: t for r, _, t, *_ in managers if t})
    rolled = tree.roll_up(sums)
    for (_, org_id, _), value in direct_costs.items():  # costs an org unit bears itself (allocated costs)
        for unit in tree.ancestors(org_id):
            _add(rolled, "org", unit, "costs", value)
    values = _values(rolled, params, period, days, missing)
    vetoes = veto_findings(backend, period) if present("violations") else []
    return QualityResult(period, params, values, notes, vetoes, missing)


def _values(
    sums: Sums, params: QualityParams, period: Period, month_days: list[int], missing: Mapping[str, str]
) -> list[IndicatorValue]:
    by_owner: dict[OwnerKey, dict[str, Decimal]] = {}
    for (kind, owner_id, name), value in sums.items():
        by_owner.setdefault((kind, owner_id), {})[name] = value
    mode = params.rounding
    out: list[IndicatorValue] = []

    def add(owner: OwnerKey, code: str, value: Decimal) -> None:
        out.append(IndicatorValue(owner[0], owner[1], code, "all", value))

    with localcontext() as ctx:
        ctx.prec = 60  # exact sums, differences and products before the one rounding
        for owner in sorted(by_owner):
            comp = by_owner[owner]

            for code, kind, num, den in _SPECS:
                if code in missing:
                    continue
                parts = num.split("-")
                if not any(p in comp for p in parts):
                    continue  # a difference needs one side; the other side absent is a true 0
                n = comp.get(parts[0], ZERO) - sum((comp.get(p, ZERO) for p in parts[1:]), ZERO)
                if kind == "money":
                    add(owner, code, to_fen(n, mode))
                elif kind == "count":
                    add(owner, code, Decimal(int(n)))
                elif kind == "points":
                    add(owner, code, round_to(n, 2, mode))
                else:
                    d = comp.get(den or "", ZERO)
                    if d != 0:
                        add(owner, code, divide(n, d, 6 if kind == "ratio" else 2, mode))
            monthly = [comp.get(f"dep_m{i}") for i in range(len(month_days))]
            if any(m is not None for m in monthly):
                averages = [to_fen((m or ZERO) / d, mode) for m, d in zip(monthly, month_days, strict=True)]
                cv = coefficient_of_variation(averages, 6, mode)
                if cv is not None:
                    add(owner, "deposit_stickiness", cv)
            if "spread" in comp:
                out += [IndicatorValue(owner[0], owner[1], c, "all", v) for c, v in _risk(comp, params, period)]
    return out


def _risk(comp: Mapping[str, Decimal], params: QualityParams, period: Period) -> list[tuple[str, Decimal]]:
    """Expected loss, risk-adjusted profit, economic capital, RAROC and EVA of one owner (exact, then rounded)."""
    mode = params.rounding
    loans = {name[5:]: v for name, v in comp.items() if name.startswith("loan:")}
    el = sum((j * params.expected_loss_rate(p) for p, j in loans.items()), ZERO) / params.basis
    income = comp["spread"] / params.basis + comp.get("fees", ZERO)
    taxes = params.tax_rate * max(income, ZERO)
    rap = income - comp.get("costs", ZERO) - el - taxes
    ec = sum((j * params.capital_factor(p) for p, j in loans.items()), ZERO) / period.days
    eva = rap - ec * params.hurdle_rate * period.days / params.basis
    out = [
        ("expected_loss", to_fen(el, mode)),
        ("risk_adjusted_profit", to_fen(rap, mode)),
        ("economic_capital", to_fen(ec, mode)),
        ("eva", to_fen(eva, mode)),
    ]
    if ec != 0:
        out.append(("raroc", divide(rap, ec, 6, mode)))
    return out


def peer_groups_of(backend: Backend) -> Callable[[OwnerKey], str | None]:
    """``quality_derived.peer_groups`` from the store: RMs of the same post within the same branch."""
    managers = [(r, o, p) for r, o, p in backend.query("SELECT rm_id, org_id, post FROM managers")]
    orgs = backend.query("SELECT org_id, parent_id, level FROM orgs")
    return peer_groups(managers, {o: p for o, p, _ in orgs}, {o: lv for o, _, lv in orgs})


# ---- the rows behind an indicator (for ``explain``) ----------------------------


def _graded(where: str, key: str) -> str:
    """The join to ``q_grades`` (alias ``g``) when ``where`` reads a grade (it exists only with ``loan_grades``)."""
    return f"LEFT JOIN q_grades g ON g.account_id = {key}" if re.search(r"\bg\.", where) else ""


def _loan_book_rows(table: str, sign: str, where: str) -> str:
    """Each loan of ``table`` (q_pt_bal / q_bp_bal) meeting ``where``, by share of the period-end owners (D17)."""
    return f"""
        SELECT o.owner_kind, o.owner_id, b.account_id AS item, a.customer_id, 'all' AS category,
               {sign}b.balance * o.share AS amount
        FROM {table} b
        JOIN accounts a ON a.account_id = b.account_id
        JOIN customers c ON c.customer_id = a.customer_id
        JOIN q_own o ON o.account_id = b.account_id AND o.as_of = {{end}}
        {_graded(where, "b.account_id")}
        WHERE a.category = 'loan' AND {where}
        """


def _new_loan_rows(amount: str, where: str) -> str:
    """Each loan opened in the period, by share of its opening day's owners."""
    return f"""
        SELECT o.owner_kind, o.owner_id, n.account_id AS item, n.customer_id, 'all' AS category, {amount} AS amount
        FROM q_new n JOIN q_own o ON o.account_id = n.account_id AND o.as_of = n.as_of
        LEFT JOIN q_pt_bal e ON e.account_id = n.account_id
        {_graded(where, "n.account_id")}
        WHERE {where}
        """


def _new_loan_count_rows(where: str) -> str:
    """Each loan opened in the period, once, for its service owner."""
    return f"""
        SELECT s.owner_kind, s.owner_id, n.account_id AS item, n.customer_id, 'all' AS category, 1 AS amount
        FROM q_new n JOIN q_new_svc s ON s.account_id = n.account_id AND s.as_of = n.as_of WHERE {where}
        """


def _borrower_rows(where: str) -> str:
    """Each borrower of the period once (:data:`BORROWERS_SQL`)."""
    return f"""
        SELECT owner_kind, owner_id, customer_id AS item, customer_id, 'all' AS category, 1 AS amount
        FROM ({BORROWERS_SQL}) b WHERE {where}
        """


def _violation_rows(amount: str, where: str) -> str:
    """The RM's compliance findings of the period, by code and day."""
    return f"""
        SELECT 'rm' AS owner_kind, rm_id AS owner_id, code || ' ' || CAST(date AS VARCHAR) AS item,
               '' AS customer_id, 'all' AS category, {amount} AS amount
        FROM violations WHERE date BETWEEN {{start}} AND {{end}} {where}
        """


def _check_rows(where: str) -> str:
    """The post-loan checks due in the period, by loan."""
    return f"""
        SELECT 'rm' AS owner_kind, l.rm_id AS owner_id, l.account_id AS item, coalesce(a.customer_id, '')
               AS customer_id, 'all' AS category, 1 AS amount
        FROM loan_checks l LEFT JOIN accounts a ON a.account_id = l.account_id
        WHERE l.due_on BETWEEN {{start}} AND {{end}} {where}
        """


def _survey_rows(amount: str, where: str) -> str:
    """The RM's call-backs of the period, by customer and day."""
    return f"""
        SELECT 'rm' AS owner_kind, rm_id AS owner_id, customer_id || ' ' || CAST(date AS VARCHAR) AS item,
               customer_id, 'all' AS category, {amount} AS amount
        FROM surveys WHERE date BETWEEN {{start}} AND {{end}} AND {where}
        """


def _monthly_rows(table: str, column: str) -> str:
    """The RM's attendance or task rows of the period's months."""
    kind = "coalesce(kind, '')" if table == "tasks" else "''"
    return f"""
        SELECT 'rm' AS owner_kind, rm_id AS owner_id, month || ' ' || {kind} AS item, '' AS customer_id,
               'all' AS category, {column} AS amount
        FROM {table} WHERE month BETWEEN {{first_month}} AND {{last_month}}
        """


_AGRI = "coalesce(a.is_agri, c.is_agri, false)"
_INCLUSIVE = "coalesce(a.is_inclusive, c.is_inclusive, false)"

#: indicator → the SQL of the rows behind it (``rows.COLUMNS``), over the working tables of
#: :func:`compute_quality_indicators` and the period's input rows
_ROWS: dict[str, str] = {
    # visits by whom (the customer, else the village) the RM visited, one each
    "visits": """
        SELECT 'rm' AS owner_kind, rm_id AS owner_id, coalesce(customer_id, 'village:' || village_id) AS item,
               customer_id, 'all' AS category, 1 AS amount
        FROM visits WHERE date BETWEEN {start} AND {end}
        """,
    # the loan book at the period end less that at the baseline day, loan by loan
    "npl_balance": _loan_book_rows("q_pt_bal", "", "g.npl_end = 1"),
    "npl_reduction": _loan_book_rows("q_bp_bal", "", "g.npl_base = 1")
    + " UNION ALL "
    + _loan_book_rows("q_pt_bal", "-", "g.npl_end = 1"),
    **{
        code: _loan_book_rows("q_pt_bal", "", flag) + " UNION ALL " + _loan_book_rows("q_bp_bal", "-", flag)
        for code, flag in (("agri_loan_increment", _AGRI), ("inclusive_loan_increment", _INCLUSIVE))
    },
    # new loans counted for their service owner; 首贷户 once each, for the owner of its first loan
    "new_loans": _new_loan_rows("n.amount * o.share", "true"),
    "new_loan_count": _new_loan_count_rows("true"),
    "first_time_borrowers": _borrower_rows("first_on >= {start}"),
    "post_loan_checks_due": _check_rows(""),
    "post_loan_checks_on_time": _check_rows("AND l.done_on IS NOT NULL AND l.done_on <= l.due_on"),
    "violations": _violation_rows("1", ""),
    "violation_points": _violation_rows("points", ""),
    "veto": _violation_rows("1", "AND veto"),
    "unrectified_violations": _violation_rows("1", "AND (rectified_on IS NULL OR rectified_on > {end})"),
}

_VILLAGES_VISITED = """
    SELECT DISTINCT 'rm' AS owner_kind, v.rm_id AS owner_id, vl.village_id AS item, '' AS customer_id,
           'all' AS category, 1 AS amount
    FROM visits v
    JOIN managers m ON m.rm_id = v.rm_id
    LEFT JOIN customers c ON c.customer_id = v.customer_id
    JOIN villages vl ON vl.village_id = coalesce(v.village_id, c.village_id) AND vl.org_id = m.org_id
    WHERE v.date BETWEEN {start} AND {end}
"""
_VILLAGES = """
    SELECT 'rm' AS owner_kind, m.rm_id AS owner_id, vl.village_id AS item, '' AS customer_id, 'all' AS category,
           1 AS amount
    FROM managers m JOIN villages vl ON vl.org_id = m.org_id
"""

#: ratios opened by their parts (:data:`_SPECS`): decimals of the value, numerator rows, denominator rows
_PARTS: dict[str, tuple[int, str, str]] = {
    "new_loan_npl_ratio": (
        6,
        _new_loan_rows("coalesce(e.balance, 0) * o.share", "g.npl_end = 1"),
        _new_loan_rows("coalesce(e.balance, 0) * o.share", "true"),
    ),
    "post_loan_check_rate": (6, _ROWS["post_loan_checks_on_time"], _ROWS["post_loan_checks_due"]),
    "pricing_compliance_rate": (6, _new_loan_count_rows("n.compliant = 1"), _new_loan_count_rows("n.guided = 1")),
    "pricing_compliance_rate_amount": (
        6,
        _new_loan_rows("n.amount * o.share", "n.compliant = 1"),
        _new_loan_rows("n.amount * o.share", "n.guided = 1"),
    ),
    "first_time_borrower_share": (6, _ROWS["first_time_borrowers"], _borrower_rows("true")),
    "agri_loan_share": (6, _loan_book_rows("q_pt_bal", "", _AGRI), _loan_book_rows("q_pt_bal", "", "true")),
    "inclusive_loan_share": (
        6,
        _loan_book_rows("q_pt_bal", "", _INCLUSIVE),
        _loan_book_rows("q_pt_bal", "", "true"),
    ),
    "village_coverage": (6, _VILLAGES_VISITED, _VILLAGES),
    "satisfaction": (2, _survey_rows("score", "true"), _survey_rows("1", "true")),
    "response_hours": (
        2,
        _survey_rows("response_hours", "response_hours IS NOT NULL"),
        _survey_rows("1", "response_hours IS NOT NULL"),
    ),
    "resolution_rate": (6, _survey_rows("1", "resolved"), _survey_rows("1", "resolved IS NOT NULL")),
    "recommendation_rate": (6, _survey_rows("1", "would_recommend"), _survey_rows("1", "would_recommend IS NOT NULL")),
    "attendance_rate": (6, _monthly_rows("attendance", "present_days"), _monthly_rows("attendance", "required_days")),
    "task_completion_rate": (6, _monthly_rows("tasks", "completed"), _monthly_rows("tasks", "assigned")),
}

#: risk-adjusted figures, linear in each account's 积数 and spread (003/004; :func:`_risk`)
RISK: tuple[str, ...] = ("expected_loss", "risk_adjusted_profit", "economic_capital", "eva")

#: the quality indicators :func:`rows_behind` opens (the ratios are opened by :func:`parts_behind`)
EXPLAINED: tuple[str, ...] = (*_ROWS, *RISK)
#: the ratios :func:`parts_behind` opens
RATIOS: tuple[str, ...] = tuple(_PARTS)


def rows_behind(
    backend: Backend, period: Period, indicator: str, owners: Iterable[tuple[str, str]], params: QualityParams
) -> list[Row]:
    """The rows that add up to ``indicator`` of ``owners`` in ``period`` (loans, borrowers, checks,
    findings, visits; a risk-adjusted figure by account, with its fees, costs and taxes), after
    :func:`compute_quality_indicators` of the same period and ``params`` on ``backend``."""
    owners = set(owners)
    if indicator in RISK:
        return _risk_rows(backend, period, indicator, owners, params)
    return select_rows(backend, _ROWS[indicator], period, owners)


def parts_behind(
    backend: Backend, period: Period, indicator: str, owners: Iterable[tuple[str, str]]
) -> tuple[int, list[Row], list[Row]]:
    """A ratio's decimals and the rows of its numerator and of its denominator, for ``owners``, after
    :func:`compute_quality_indicators` of the same period on ``backend``."""
    owners = set(owners)
    places, top, bottom = _PARTS[indicator]
    return places, select_rows(backend, top, period, owners), select_rows(backend, bottom, period, owners)


def _risk_rows(
    backend: Backend, period: Period, indicator: str, owners: set[tuple[str, str]], params: QualityParams
) -> list[Row]:
    """Each account's term of a risk-adjusted figure (:func:`_risk`), then its fees, costs and taxes.

    Per account, from its attributed 积数 j and spread product s of the period's months: expected
    loss = j x loss rate ÷ basis (loans); risk-adjusted profit = s ÷ basis − expected loss (deposits
    and loans); economic capital = j x capital factor ÷ days (loans); EVA = profit − capital x hurdle
    x days ÷ basis. Risk-adjusted profit and EVA take in the fee income (``fee:`` rows), less the
    costs (``cost:`` rows) and the taxes on the owners' income together (one ``tax`` row), as 000 says.
    """
    from rmperf.engine.flows import FlowParams
    from rmperf.engine.flows import rows_behind as flow_rows

    months = " UNION ALL ".join(
        f"SELECT owner_kind, owner_id, account_id, jishu, spread_jishu FROM qm{i}_attr"
        for i in range(len(months_of(period)))
    )
    table = owners_table(backend, owners)
    found = backend.query(
        f"""
        SELECT t.owner_kind, t.owner_id, t.account_id, a.customer_id, a.category, a.product,
               sum(t.jishu), sum(t.spread_jishu)
        FROM ({months}) t JOIN accounts a ON a.account_id = t.account_id
        JOIN {table} o ON o.owner_kind = t.owner_kind AND o.owner_id = t.owner_id
        WHERE a.category IN ('deposit', 'loan')
        GROUP BY t.owner_kind, t.owner_id, t.account_id, a.customer_id, a.category, a.product
        """
    )
    out: list[Row] = []
    income: dict[tuple[str, str], Decimal] = {}
    with localcontext() as ctx:
        ctx.prec = 60
        for kind, owner_id, account_id, customer_id, category, product, jishu, spread in found:
            j = Decimal(jishu or 0) if category == "loan" else ZERO
            el = j * params.expected_loss_rate(product) / params.basis
            ec = j * params.capital_factor(product) / period.days
            rap = Decimal(spread or 0) / params.basis - el
            part = {
                "expected_loss": el,
                "risk_adjusted_profit": rap,
                "economic_capital": ec,
                "eva": rap - ec * params.hurdle_rate * period.days / params.basis,
            }[indicator]
            out.append(Row(kind, owner_id, account_id, customer_id, category, part))
            income[(kind, owner_id)] = income.get((kind, owner_id), ZERO) + Decimal(spread or 0) / params.basis
        if indicator in ("risk_adjusted_profit", "eva"):
            for source, sign, tag in (("fees", 1, "fee"), ("expenses", -1, "cost")):
                if not backend.has_rows(source):
                    continue
                code = "fee_income" if source == "fees" else "expenses"
                for r in flow_rows(backend, period, code, owners, FlowParams()):
                    out.append(r._replace(item=f"{tag}:{r.item}", amount=sign * r.amount))
                    if tag == "fee":
                        income[(r.owner_kind, r.owner_id)] = income.get((r.owner_kind, r.owner_id), ZERO) + r.amount
            # taxed as one figure, as ``_risk`` taxes the rolled-up income: one row, on the owners' income
            taxes = params.tax_rate * max(sum(income.values(), ZERO), ZERO)
            if taxes and owners:
                kind, owner_id = min(owners)
                out.append(Row(kind, owner_id, "tax", "", "tax", -taxes))
    return out
