"""Money-flow and customer indicators (中间业务收入、扣减项、银行卡、客户类指标).

``compute_flow_indicators(backend, period, params)`` computes, per RM and
public pool, and rolled up (from exact sums) per team and org unit:

- fees: ``fee_income`` 中间业务收入 [yuan], by fee product and ``all``;
- deductions (004 模拟利润减项): ``loan_loss_provision`` 贷款损失准备
  [yuan] by five-tier grade, ``unpaid_interest_new`` 新发生欠息,
  ``unpaid_interest_recovered`` 收回欠息 and ``unpaid_interest_net``
  应收欠息净增 [yuan], ``expenses`` 营销费用/分摊成本 [yuan] by kind;
- cards (003 D 信用卡, F 活跃卡): ``cards_issued`` 发卡量 and
  ``cards_issued_weighted`` 折算发卡量 [count] by card kind, ``active_cards``
  有效动户 and ``active_cards_5plus`` [count] by card kind,
  ``active_customers`` 新增活跃客户 and ``active_customers_5plus`` [count];
- customers: ``new_vip_customers`` 新增贵宾户 [count] by AUM tier (003 A4),
  ``new_customers`` 新增客户 and ``churned_customers`` 流失客户 [count] by
  customer kind.

Definitions, attribution and the decisions behind them are in
``docs/indicators-flows.md``. The SQL follows D19/D20: one DuckDB-dialect
text for both engines, big tables (fees, card activity, interest rows)
reduced per account / card / customer before anything is joined with
assignments, explicit DECIMAL casts with precision ≤ 38 on both engines,
and the one rounding in Python.

An optional input table that is absent from the store is reported as the
note ``missing_table:<name>`` and its indicators are left out: never zeros.
When a table is present, every RM and org unit gets a value for the
``all`` category of its indicators (zero when nothing is credited to it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, localcontext

from rmperf.contract import LOAN_GRADES
from rmperf.core import indicators as catalogue
from rmperf.core.indicators import IndicatorDef
from rmperf.core.money import round_to, to_fen
from rmperf.core.periods import Period
from rmperf.engine import attribution as attr
from rmperf.engine.backend import Backend
from rmperf.engine.indicators import IndicatorValue, MissingInput, OrgTree, OwnerKey
from rmperf.engine.rows import Row, select_rows

Sums = dict[tuple[str, str, str], Decimal]

MONEY = "DECIMAL(20,2)"  # one amount in yuan (fen exact)
ATTRIBUTED = "DECIMAL(28,8)"  # an amount times a share
PROVISION = "DECIMAL(30,8)"  # a balance times a provision rate
ATTRIBUTED_PROVISION = "DECIMAL(38,14)"  # a provision times a share
#: a sum of attributed amounts; every branch of a UNION gets the same type, or DuckDB
#: would unify DECIMAL(38,2) and DECIMAL(38,8) as DOUBLE
TOTAL = "DECIMAL(38,8)"

FLOW_INDICATORS: dict[str, IndicatorDef] = catalogue.of_group("flows")

ACTIVE_CODES = ("active_cards", "active_cards_5plus", "active_customers", "active_customers_5plus")

#: places of the quality-weighted card count (weights such as 1.5 give halves)
WEIGHTED_PLACES = 2


def _default_provision_rates() -> tuple[tuple[str, Decimal], ...]:
    # 《银行贷款损失准备计提指引》: 关注 2 %, 次级 25 %, 可疑 50 %, 损失 100 %;
    # normal loans carry the 1 % general reserve (一般准备) commonly applied.
    return (
        ("normal", Decimal("0.01")),
        ("special_mention", Decimal("0.02")),
        ("substandard", Decimal("0.25")),
        ("doubtful", Decimal("0.50")),
        ("loss", Decimal("1")),
    )


def _default_vip_floors() -> tuple[Decimal, ...]:
    return (Decimal(500000), Decimal(300000), Decimal(100000))  # 003 A4: 50万以上 / 30万-50万 / 10万-30万


@dataclass(frozen=True)
class FlowParams:
    """Scheme-supplied parameters of the flow indicators, with the seeds' defaults.

    - ``provision_rates``: provision rate per five-tier grade (fraction of the
      outstanding balance); defaults 1 / 2 / 25 / 50 / 100 %.
    - ``card_quality_weight``: weight of a quality (优质) card in
      ``cards_issued_weighted`` (003 D: 1.5).
    - ``vip_floors``: AUM floors of the VIP tiers in yuan, highest first; a
      tier runs from its floor (inclusive) to the next higher floor
      (exclusive); default 500000 / 300000 / 100000 (003 A4).
    - ``active_txn_threshold``: monthly average transactions that make an
      active card "busy" (003 F: 5, counted double).
    - ``rounding``: rounding of money figures (half_up).
    """

    provision_rates: tuple[tuple[str, Decimal], ...] = field(default_factory=_default_provision_rates)
    card_quality_weight: Decimal = Decimal("1.5")
    vip_floors: tuple[Decimal, ...] = field(default_factory=_default_vip_floors)
    active_txn_threshold: int = 5
    rounding: str = "half_up"

    def __post_init__(self) -> None:
        grades = [g for g, _ in self.provision_rates]
        if sorted(grades) != sorted(LOAN_GRADES):
            raise ValueError(f"provision_rates needs exactly the grades {', '.join(LOAN_GRADES)}")
        if any(not Decimal(0) <= Decimal(r) <= Decimal(1) for _, r in self.provision_rates):
            raise ValueError("a provision rate is a fraction between 0 and 1")
        if Decimal(self.card_quality_weight) < 0:
            raise ValueError("card_quality_weight must not be negative")
        floors = [Decimal(f) for f in self.vip_floors]
        if not floors or any(f <= 0 for f in floors) or floors != sorted(set(floors), reverse=True):
            raise ValueError("vip_floors are positive, distinct and highest first")
        if self.active_txn_threshold < 1:
            raise ValueError("active_txn_threshold is at least 1")

    def vip_tiers(self) -> list[tuple[str, Decimal, Decimal | None]]:
        """``(category, floor, ceiling)`` per tier, highest first; the top tier has no ceiling."""
        floors = [Decimal(f) for f in self.vip_floors]
        out: list[tuple[str, Decimal, Decimal | None]] = []
        for i, floor in enumerate(floors):
            ceiling = floors[i - 1] if i else None
            name = f"{floor:f}+" if ceiling is None else f"{floor:f}-{ceiling:f}"
            out.append((name, floor, ceiling))
        return out


@dataclass
class FlowResult:
    period: Period
    values: list[IndicatorValue]
    notes: list[str] = field(default_factory=list)

    def get(self, owner: OwnerKey, indicator: str, category: str = "all") -> Decimal | None:
        for v in self.values:
            if (v.owner_kind, v.owner_id, v.indicator, v.category) == (*owner, indicator, category):
                return v.value
        return None


def _d(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_no(expr: str) -> str:
    """SQL: a ``YYYY-MM`` string as a month number (year x 12 + month)."""
    return f"(CAST(substring({expr}, 1, 4) AS BIGINT) * 12 + CAST(substring({expr}, 6, 2) AS BIGINT))"


def _sums(backend: Backend, sql: str) -> Sums:
    """Rows ``(owner_kind, owner_id, category, value)`` as exact sums."""
    out: Sums = {}
    for kind, owner, category, value in backend.query(sql):
        if value is None:
            continue
        if isinstance(value, float):  # never a binary float on a money path
            raise TypeError(f"the engine returned a float for {kind} {owner} {category}")
        key = (str(kind), str(owner), str(category))
        out[key] = out.get(key, Decimal(0)) + Decimal(value)
    return out


def _coded_sums(backend: Backend, sql: str) -> dict[str, Sums]:
    """Rows ``(code, owner_kind, owner_id, category, value)`` as exact sums per indicator code."""
    out: dict[str, Sums] = {}
    for code, kind, owner, category, value in backend.query(sql):
        if value is None:
            continue
        if isinstance(value, float):  # never a binary float on a money path
            raise TypeError(f"the engine returned a float for {code} {kind} {owner} {category}")
        sums = out.setdefault(str(code), {})
        key = (str(kind), str(owner), str(category))
        sums[key] = sums.get(key, Decimal(0)) + Decimal(value)
    return out


# ---- attribution of customer-level things ------------------------------------


def service_owner(backend: Backend, when: str, name: str) -> None:
    """``name(customer_id, as_of, owner_kind, owner_id)``: the one service owner (管户) of a customer.

    The customer-level ``manage`` row valid on ``as_of`` (the largest share
    when there are several, then the smallest rm_id); the public pool of the
    home sub-branch when there is none. Customer counts are credited here,
    whole, never split by share (data-contract: a manage row makes the RM
    the service owner; a share row only splits figures).
    """
    backend.create_table(
        name,
        f"""
        SELECT customer_id, as_of, owner_kind, owner_id FROM (
            SELECT w.customer_id, w.as_of,
                   CASE WHEN s.rm_id IS NULL THEN 'pool' ELSE 'rm' END AS owner_kind,
                   coalesce(s.rm_id, c.org_id) AS owner_id,
                   row_number() OVER (PARTITION BY w.customer_id, w.as_of ORDER BY s.share DESC, s.rm_id) AS rn
            FROM (SELECT DISTINCT customer_id, as_of FROM {when}) w
            JOIN customers c ON c.customer_id = w.customer_id
            LEFT JOIN assignments s
                   ON s.customer_id = w.customer_id AND s.account_id IS NULL
                  AND coalesce(s.kind, 'manage') = 'manage'
                  AND s.valid_from <= w.as_of AND (s.valid_to IS NULL OR s.valid_to > w.as_of)
        ) x WHERE rn = 1
        """,
    )


# ---- 1. fee income ------------------------------------------------------------


def fee_sums(backend: Backend, period: Period, notes: list[str]) -> Sums:
    """``fee_income`` per owner and fee product (exact yuan)."""
    start, end = _d(period.start), _d(period.end)
    backend.create_table(
        "fl_fee_fx",
        f"""
        SELECT d.currency, d.day, max_by(r.cny_per_unit, r.date) AS rate
        FROM (SELECT DISTINCT currency, date AS day FROM fees
              WHERE currency <> 'CNY' AND date BETWEEN {start} AND {end}) d
        JOIN fx_rates r ON r.currency = d.currency AND r.date <= d.day
        GROUP BY d.currency, d.day
        """,
    )
    # each fee converted (折人民币) and rounded to the fen, then reduced per customer/account/day/product
    backend.create_table(
        "fl_fee",
        f"""
        SELECT f.date AS as_of, f.customer_id, f.account_id, f.rm_id, f.product,
               CAST(sum(CASE WHEN f.currency = 'CNY' THEN CAST(f.amount AS {MONEY})
                             ELSE round(CAST(f.amount AS {MONEY}) * CAST(x.rate AS DECIMAL(12,8)), 2)
                        END) AS {MONEY}) AS amount,
               CAST(sum(CASE WHEN f.currency <> 'CNY' AND x.rate IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS missing_fx
        FROM fees f
        LEFT JOIN fl_fee_fx x ON x.currency = f.currency AND x.day = f.date
        WHERE f.date BETWEEN {start} AND {end}
        GROUP BY f.date, f.customer_id, f.account_id, f.rm_id, f.product
        """,
    )
    missing = backend.query("SELECT coalesce(sum(missing_fx), 0) FROM fl_fee")
    if missing and missing[0][0]:
        notes.append(f"missing_fx_rate:fees:{missing[0][0]}")
    backend.create_table(
        "fl_fee_acct_when",
        "SELECT DISTINCT account_id, as_of FROM fl_fee WHERE rm_id IS NULL AND account_id IS NOT NULL",
    )
    attr.owners(backend, "fl_fee_acct_when", "fl_fee_acct_owners")
    backend.create_table(
        "fl_fee_cust_when",
        "SELECT DISTINCT customer_id, as_of FROM fl_fee WHERE rm_id IS NULL AND account_id IS NULL",
    )
    attr.customer_owners(backend, "fl_fee_cust_when", "fl_fee_cust_owners")
    return _sums(
        backend,
        f"""
        SELECT 'rm' AS owner_kind, rm_id AS owner_id, product, CAST(sum(amount) AS {TOTAL}) AS v
        FROM fl_fee WHERE rm_id IS NOT NULL AND amount IS NOT NULL
        GROUP BY rm_id, product
        UNION ALL
        SELECT o.owner_kind, o.owner_id, f.product, CAST(sum(CAST(f.amount * o.share AS {ATTRIBUTED})) AS {TOTAL}) AS v
        FROM fl_fee f JOIN fl_fee_acct_owners o ON o.account_id = f.account_id AND o.as_of = f.as_of
        WHERE f.rm_id IS NULL AND f.account_id IS NOT NULL
        GROUP BY o.owner_kind, o.owner_id, f.product
        UNION ALL
        SELECT o.owner_kind, o.owner_id, f.product, CAST(sum(CAST(f.amount * o.share AS {ATTRIBUTED})) AS {TOTAL}) AS v
        FROM fl_fee f JOIN fl_fee_cust_owners o ON o.customer_id = f.customer_id AND o.as_of = f.as_of
        WHERE f.rm_id IS NULL AND f.account_id IS NULL
        GROUP BY o.owner_kind, o.owner_id, f.product
        """,
    )


# ---- 2. deductions ------------------------------------------------------------


def _provisions(backend: Backend, period: Period, params: FlowParams, notes: list[str]) -> Sums:
    """``loan_loss_provision`` per owner and grade: period-end loan balance x the grade's rate."""
    end = _d(period.end)
    attr.point_balances(backend, period.end, "fl_pb_end")
    backend.register_rows(
        "fl_prov_rate", [("grade", "VARCHAR"), ("rate", "DECIMAL(9,6)")], list(params.provision_rates)
    )
    backend.create_table(
        "fl_prov_acct",
        f"""
        WITH g AS (
            SELECT account_id, max_by(grade, date) AS grade FROM loan_grades
            WHERE date <= {end} GROUP BY account_id
        )
        SELECT b.account_id, coalesce(g.grade, 'normal') AS grade,
               CASE WHEN g.grade IS NULL THEN 1 ELSE 0 END AS ungraded,
               CAST(CAST(b.balance AS {MONEY}) * CAST(r.rate AS DECIMAL(9,6)) AS {PROVISION}) AS provision
        FROM fl_pb_end b
        JOIN accounts a ON a.account_id = b.account_id AND a.category = 'loan'
        LEFT JOIN g ON g.account_id = b.account_id
        JOIN fl_prov_rate r ON r.grade = coalesce(g.grade, 'normal')
        WHERE b.balance <> 0
        """,
    )
    ungraded = backend.query("SELECT coalesce(sum(ungraded), 0) FROM fl_prov_acct")
    if ungraded and ungraded[0][0]:
        notes.append(f"ungraded_loans_as_normal:{ungraded[0][0]}")
    backend.create_table("fl_prov_when", f"SELECT account_id, {end} AS as_of FROM fl_prov_acct")
    attr.owners(backend, "fl_prov_when", "fl_prov_owners")
    return _sums(
        backend,
        f"""
        SELECT o.owner_kind, o.owner_id, p.grade,
               sum(CAST(p.provision * o.share AS {ATTRIBUTED_PROVISION})) AS v
        FROM fl_prov_acct p JOIN fl_prov_owners o ON o.account_id = p.account_id
        GROUP BY o.owner_kind, o.owner_id, p.grade
        """,
    )


def _unpaid_interest(backend: Backend, period: Period, notes: list[str]) -> dict[str, Sums]:
    """``unpaid_interest_new/recovered/net`` per owner (category ``all``).

    Per loan, months in order from its first row in the store, with
    d = due − received converted to CNY at the month-end central parity:
    arrears A_m = max(A_{m−1} + d_m, 0), A before the first row = 0.
    New = Σ max(d_m, 0) over the period's months; recovered = Σ (A_{m−1} +
    max(d_m, 0) − A_m) = Σ min(max(−d_m, 0), A_{m−1}); net = new − recovered
    = arrears at the period end − arrears before it. A_m is computed without
    recursion as S_m − min(0, min_{k≤m} S_k), S being the running sum of d.
    """
    first_month, last_month = _month(period.start), _month(period.end)
    months = [r[0] for r in backend.query(f"SELECT DISTINCT month FROM loan_interest WHERE month <= '{last_month}'")]
    rows = []
    for m in months:
        y, mo = int(m[:4]), int(m[5:7])
        nxt = date(y + (mo == 12), 1 if mo == 12 else mo + 1, 1)
        rows.append((m, nxt - timedelta(days=1)))
    backend.register_rows("fl_li_months", [("month", "VARCHAR"), ("month_end", "DATE")], rows)
    backend.create_table(
        "fl_li_fx",
        """
        SELECT c.currency, m.month, max_by(r.cny_per_unit, r.date) AS rate
        FROM fl_li_months m
        CROSS JOIN (SELECT DISTINCT currency FROM accounts WHERE category = 'loan' AND currency <> 'CNY') c
        JOIN fx_rates r ON r.currency = c.currency AND r.date <= m.month_end
        GROUP BY c.currency, m.month
        """,
    )

    def cny(column: str) -> str:
        return (
            f"CASE WHEN a.currency = 'CNY' THEN CAST(li.{column} AS {MONEY}) "
            f"ELSE round(CAST(li.{column} AS {MONEY}) * CAST(x.rate AS DECIMAL(12,8)), 2) END"
        )

    backend.create_table(
        "fl_li_rows",
        f"""
        SELECT li.account_id, li.month,
               CAST({cny("due")} - {cny("received")} AS {MONEY}) AS diff,
               CASE WHEN a.currency <> 'CNY' AND x.rate IS NULL THEN 1 ELSE 0 END AS missing_fx
        FROM loan_interest li
        JOIN accounts a ON a.account_id = li.account_id
        LEFT JOIN fl_li_fx x ON x.currency = a.currency AND x.month = li.month
        WHERE li.month <= '{last_month}'
        """,
    )
    missing = backend.query("SELECT coalesce(sum(missing_fx), 0) FROM fl_li_rows")
    if missing and missing[0][0]:
        notes.append(f"missing_fx_rate:loan_interest:{missing[0][0]}")
    backend.create_table(
        "fl_li_acct",
        f"""
        WITH run AS (
            SELECT account_id, month, diff,
                   CAST(sum(diff) OVER (PARTITION BY account_id ORDER BY month
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS {MONEY}) AS s
            FROM fl_li_rows WHERE diff IS NOT NULL
        ),
        arrears AS (
            SELECT account_id, month, diff,
                   CAST(s - least(CAST(0 AS {MONEY}), min(s) OVER (PARTITION BY account_id ORDER BY month
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS {MONEY}) AS arrears
            FROM run
        ),
        m AS (
            SELECT account_id, month, diff, arrears,
                   lag(arrears, 1, CAST(0 AS {MONEY})) OVER (PARTITION BY account_id ORDER BY month) AS before
            FROM arrears
        )
        SELECT account_id,
               CAST(sum(CASE WHEN diff > 0 THEN diff ELSE CAST(0 AS {MONEY}) END) AS {MONEY}) AS new_unpaid,
               CAST(sum(before + CASE WHEN diff > 0 THEN diff ELSE CAST(0 AS {MONEY}) END - arrears) AS {MONEY})
                   AS recovered
        FROM m WHERE month BETWEEN '{first_month}' AND '{last_month}'
        GROUP BY account_id
        """,
    )
    backend.create_table(
        "fl_li_when",
        f"SELECT account_id, {_d(period.end)} AS as_of FROM fl_li_acct WHERE new_unpaid <> 0 OR recovered <> 0",
    )
    attr.owners(backend, "fl_li_when", "fl_li_owners")
    parts = []
    for code, expr in (
        ("unpaid_interest_new", "i.new_unpaid"),
        ("unpaid_interest_recovered", "i.recovered"),
        ("unpaid_interest_net", "i.new_unpaid - i.recovered"),
    ):
        parts.append(
            f"""
            SELECT '{code}' AS code, o.owner_kind, o.owner_id, 'all' AS category,
                   CAST(sum(CAST(CAST({expr} AS {MONEY}) * o.share AS {ATTRIBUTED})) AS {TOTAL}) AS v
            FROM fl_li_acct i JOIN fl_li_owners o ON o.account_id = i.account_id
            GROUP BY o.owner_kind, o.owner_id
            """
        )
    out = _coded_sums(backend, " UNION ALL ".join(parts))
    for code in ("unpaid_interest_new", "unpaid_interest_recovered", "unpaid_interest_net"):
        out.setdefault(code, {})
    return out


def expense_sums(backend: Backend, period: Period, notes: list[str]) -> tuple[Sums, Sums]:
    """``expenses`` per kind: (borne by RMs, borne directly by org units)."""
    rows = backend.query(
        f"""
        SELECT CASE WHEN rm_id IS NOT NULL THEN 'rm' WHEN org_id IS NOT NULL THEN 'org' ELSE 'none' END AS owner_kind,
               coalesce(rm_id, org_id, '') AS owner_id, kind, sum(CAST(amount AS {MONEY})) AS v,
               count(*) AS n
        FROM expenses WHERE month BETWEEN '{_month(period.start)}' AND '{_month(period.end)}'
        GROUP BY 1, 2, 3
        """
    )
    by_rm: Sums = {}
    by_org: Sums = {}
    unassigned = 0
    for kind, owner, category, value, n in rows:
        if kind == "none":
            unassigned += int(n)
            continue
        target = by_rm if kind == "rm" else by_org
        target[(kind, owner, category)] = Decimal(value)
    if unassigned:
        notes.append(f"unassigned_expenses:{unassigned}")
    return by_rm, by_org


# ---- 3. cards -----------------------------------------------------------------


def _cards_issued(backend: Backend, period: Period, params: FlowParams) -> tuple[Sums, Sums]:
    """``cards_issued`` and ``cards_issued_weighted`` per seller and card kind."""
    rows = backend.query(
        f"""
        SELECT rm_id, kind, count(*) AS n, sum(CASE WHEN quality THEN 1 ELSE 0 END) AS q
        FROM cards WHERE issued_on BETWEEN {_d(period.start)} AND {_d(period.end)}
        GROUP BY rm_id, kind
        """
    )
    issued: Sums = {}
    weighted: Sums = {}
    for rm, kind, n, q in rows:
        issued[("rm", rm, kind)] = Decimal(n)
        weighted[("rm", rm, kind)] = Decimal(n - q) + Decimal(q) * Decimal(params.card_quality_weight)
    return issued, weighted


def _active_cards(backend: Backend, period: Period, params: FlowParams) -> dict[str, Sums]:
    """Newly active cards and customers (003 F), per seller.

    A card counts in the period when it was issued in the period's year on
    or before the period end and its first month with a transaction (on or
    after its issue month) falls in the period. It is busy (``_5plus``) when
    its transactions over the period's months from its issue month on average
    at least ``active_txn_threshold`` a month.
    """
    first_month, last_month = _month(period.start), _month(period.end)
    end_no = _month_no(f"'{last_month}'")
    start_no = _month_no(f"'{first_month}'")
    backend.create_table(
        "fl_card_active",
        f"""
        WITH c AS (
            SELECT card_id, customer_id, rm_id, kind, issued_on,
                   substring(CAST(issued_on AS VARCHAR), 1, 7) AS issue_month
            FROM cards WHERE issued_on BETWEEN {_d(period.year_start)} AND {_d(period.end)}
        ),
        stat AS (  -- the activity reduced per card before anything else is joined
            SELECT c.card_id, min(a.month) AS first_active,
                   CAST(sum(CASE WHEN a.month >= '{first_month}' THEN CAST(a.txn_count AS BIGINT) ELSE 0 END)
                        AS BIGINT) AS txn
            FROM card_activity a JOIN c ON c.card_id = a.card_id
            WHERE a.month >= c.issue_month AND a.month <= '{last_month}' AND a.txn_count >= 1
            GROUP BY c.card_id
        )
        -- busy: at least threshold x (months of the period on or after the issue month)
        SELECT c.card_id, c.customer_id, c.rm_id, c.kind, c.issued_on,
               CASE WHEN s.txn >= CAST({params.active_txn_threshold} AS BIGINT) * (
                        {end_no} - greatest({_month_no("c.issue_month")}, {start_no}) + 1)
                    THEN 1 ELSE 0 END AS busy
        FROM c JOIN stat s ON s.card_id = c.card_id
        WHERE s.first_active BETWEEN '{first_month}' AND '{last_month}'
        """,
    )
    # a customer counts once: for the seller of its earliest newly active card; busy if any of them is
    out = _coded_sums(
        backend,
        """
        WITH customer AS (
            SELECT customer_id, rm_id, busy FROM (
                SELECT customer_id, rm_id,
                       max(busy) OVER (PARTITION BY customer_id) AS busy,
                       row_number() OVER (PARTITION BY customer_id ORDER BY issued_on, card_id) AS rn
                FROM fl_card_active
            ) x WHERE rn = 1
        )
        SELECT 'active_cards', 'rm', rm_id, kind, count(*) FROM fl_card_active GROUP BY rm_id, kind
        UNION ALL
        SELECT 'active_cards_5plus', 'rm', rm_id, kind, sum(busy) FROM fl_card_active GROUP BY rm_id, kind
        UNION ALL
        SELECT 'active_customers', 'rm', rm_id, 'all', count(*) FROM customer GROUP BY rm_id
        UNION ALL
        SELECT 'active_customers_5plus', 'rm', rm_id, 'all', sum(busy) FROM customer GROUP BY rm_id
        """,
    )
    return {code: out.get(code, {}) for code in ACTIVE_CODES}


# ---- 4. customers -------------------------------------------------------------


def _days_present(backend: Backend, days: list[date]) -> set[date]:
    """Which of ``days`` have balance rows."""
    listed = ", ".join(_d(d) for d in days)
    return {r[0] for r in backend.query(f"SELECT DISTINCT date FROM balances WHERE date IN ({listed})")}


def _customers(backend: Backend, period: Period, params: FlowParams, notes: list[str]) -> dict[str, Sums]:
    """New VIP customers by tier, new and churned customers by kind, credited to the service owner.

    Without balances on the period's last day every customer would look
    churned: VIP and churn counts are then left out with the note
    ``missing_balances_day:<day>``.
    """
    base_day = period.year_start - timedelta(days=1)
    days = _days_present(backend, [period.end, base_day])
    end_known = period.end in days
    if not end_known:
        notes.append(f"missing_balances_day:{period.end.isoformat()}")
    if base_day not in days:  # D18
        notes.append(f"baseline_day_fallback:{base_day.isoformat()}->{period.year_start.isoformat()}")
        base_day = period.year_start
    for name, day in (("fl_aum_end", period.end), ("fl_aum_base", base_day)):
        attr.point_balances(backend, day, f"{name}_bal")
        backend.create_table(
            name,
            f"""
            SELECT a.customer_id, CAST(sum(b.balance) AS {MONEY}) AS aum
            FROM {name}_bal b JOIN accounts a ON a.account_id = b.account_id
            WHERE a.category IN ('deposit', 'wealth')
            GROUP BY a.customer_id
            """,
        )
    backend.register_rows(
        "fl_vip_tier",
        [("tier", "VARCHAR"), ("floor", MONEY), ("ceiling", MONEY)],
        params.vip_tiers(),
    )
    backend.create_table(
        "fl_vip",
        """
        SELECT e.customer_id, t.tier
        FROM fl_aum_end e
        JOIN fl_vip_tier t ON e.aum >= t.floor AND (t.ceiling IS NULL OR e.aum < t.ceiling)
        LEFT JOIN fl_aum_base b ON b.customer_id = e.customer_id
        WHERE coalesce(b.aum, 0) < t.floor
        """,
    )
    backend.create_table(
        "fl_new_customer",
        f"""
        SELECT customer_id FROM accounts GROUP BY customer_id
        HAVING min(opened_on) BETWEEN {_d(period.start)} AND {_d(period.end)}
        """,
    )
    backend.create_table(
        "fl_churned",
        """
        SELECT b.customer_id FROM fl_aum_base b
        LEFT JOIN fl_aum_end e ON e.customer_id = b.customer_id
        WHERE b.aum > 0 AND coalesce(e.aum, 0) <= 0
        """,
    )
    # 普惠金融覆盖率 (002 年度): inclusive customers (is_inclusive) with an account open at the period end,
    # by whether they hold a loan then (category with_loan / without_loan; all = every one of them)
    backend.create_table(
        "fl_inclusive",
        """
        SELECT c.customer_id,
               CASE WHEN max(CASE WHEN a.category = 'loan' AND b.balance > 0 THEN 1 ELSE 0 END) = 1
                    THEN 'with_loan' ELSE 'without_loan' END AS has_loan
        FROM customers c
        JOIN accounts a ON a.customer_id = c.customer_id
        JOIN fl_aum_end_bal b ON b.account_id = a.account_id
        WHERE coalesce(c.is_inclusive, false)
        GROUP BY c.customer_id
        """,
    )
    backend.create_table(
        "fl_cust_when",
        f"""
        SELECT DISTINCT customer_id, {_d(period.end)} AS as_of FROM (
            SELECT customer_id FROM fl_vip UNION ALL SELECT customer_id FROM fl_new_customer
            UNION ALL SELECT customer_id FROM fl_churned UNION ALL SELECT customer_id FROM fl_inclusive
        ) x
        """,
    )
    service_owner(backend, "fl_cust_when", "fl_cust_owner")

    def count(code: str, source: str, category: str, join: str = "") -> str:
        return f"""
            SELECT '{code}', o.owner_kind, o.owner_id, {category}, count(*)
            FROM {source} s JOIN fl_cust_owner o ON o.customer_id = s.customer_id {join}
            GROUP BY o.owner_kind, o.owner_id, {category}
            """

    by_kind = "JOIN customers c ON c.customer_id = s.customer_id"
    codes = ["new_customers"]
    parts = [count("new_customers", "fl_new_customer", "c.kind", by_kind)]
    if end_known:
        codes += ["new_vip_customers", "churned_customers", "inclusive_customers"]
        parts += [
            count("new_vip_customers", "fl_vip", "s.tier"),
            count("churned_customers", "fl_churned", "c.kind", by_kind),
            count("inclusive_customers", "fl_inclusive", "s.has_loan"),
        ]
    out = _coded_sums(backend, " UNION ALL ".join(parts))
    return {code: out.get(code, {}) for code in codes}


# ---- assembly -----------------------------------------------------------------


class _Assembler:
    """Rolls exact sums up the org tree, fills zeros for RMs and orgs, and rounds once."""

    def __init__(self, backend: Backend, rounding: str) -> None:
        self.tree = OrgTree.load(backend)
        self.rms = sorted(r for (r,) in backend.query("SELECT rm_id FROM managers"))
        self.orgs = sorted(self.tree.parent)
        self.rounding = rounding
        self.values: list[IndicatorValue] = []

    def add(self, code: str, sums: Sums, kind: str, direct_org: Sums | None = None) -> None:
        """``kind`` is ``money``, ``count`` or ``weighted``; ``direct_org`` holds amounts borne by org units."""
        with_all: Sums = dict(sums)
        for (k, o, c), v in sums.items():
            if c != "all":
                with_all[(k, o, "all")] = with_all.get((k, o, "all"), Decimal(0)) + v
        rolled = self.tree.roll_up(with_all)
        for (_, org_id, category), v in (direct_org or {}).items():
            for unit in self.tree.ancestors(org_id):
                for cat in {category, "all"}:
                    key = ("org", unit, cat)
                    rolled[key] = rolled.get(key, Decimal(0)) + v
        for rm in self.rms:
            rolled.setdefault(("rm", rm, "all"), Decimal(0))
        for org in self.orgs:
            rolled.setdefault(("org", org, "all"), Decimal(0))
        for team in set(self.tree.rm_team.values()):
            rolled.setdefault(("team", team, "all"), Decimal(0))
        for (k, o, c), v in sorted(rolled.items()):
            self.values.append(IndicatorValue(k, o, code, c, self._round(v, kind)))

    def _round(self, value: Decimal, kind: str) -> Decimal:
        if kind == "money":
            return to_fen(value, self.rounding)
        if kind == "weighted":
            return round_to(value, WEIGHTED_PLACES, self.rounding)
        return Decimal(int(value))


def _present(backend: Backend, tables: Iterable[str], notes: list[str]) -> bool:
    missing = [t for t in tables if not backend.has_rows(t)]
    for t in missing:
        note = f"missing_table:{t}"
        if note not in notes:
            notes.append(note)
    return not missing


def compute_flow_indicators(backend: Backend, period: Period, params: FlowParams | None = None) -> FlowResult:
    """Every money-flow and customer indicator of ``period`` per RM, pool, team and org unit.

    Raises ``MissingInput`` only for the required ``balances``; an absent
    optional table leaves its indicators out with the note
    ``missing_table:<name>``.
    """
    params = params or FlowParams()
    if not backend.has_rows("balances"):
        raise MissingInput("balances")
    notes: list[str] = []
    out = _Assembler(backend, params.rounding)
    with localcontext() as ctx:
        ctx.prec = 60
        if _present(backend, ["fees"], notes):
            out.add("fee_income", fee_sums(backend, period, notes), "money")
        if _present(backend, ["loan_grades"], notes):
            out.add("loan_loss_provision", _provisions(backend, period, params, notes), "money")
        if _present(backend, ["loan_interest"], notes):
            for code, sums in _unpaid_interest(backend, period, notes).items():
                out.add(code, sums, "money")
        if _present(backend, ["expenses"], notes):
            by_rm, by_org = expense_sums(backend, period, notes)
            out.add("expenses", by_rm, "money", direct_org=by_org)
        if _present(backend, ["cards"], notes):
            issued, weighted = _cards_issued(backend, period, params)
            out.add("cards_issued", issued, "count")
            out.add("cards_issued_weighted", weighted, "weighted")
        if _present(backend, ["cards", "card_activity"], notes):
            for code, sums in _active_cards(backend, period, params).items():
                out.add(code, sums, "count")
        for code, sums in _customers(backend, period, params, notes).items():
            out.add(code, sums, "count")
        out.add("wealth_matured_sales", _matured_wealth(backend, period), "money")
    return FlowResult(period, out.values, notes)


def _matured_wealth(backend: Backend, period: Period) -> Sums:
    """``wealth_matured_sales`` per owner and customer kind (003 附件4 三3 含年内到期的理财销售额).

    A wealth product sold (opened) in the period's year on or before its end and matured (closed) by
    then is no longer in the period-end balance, though it was sold this year: its sale amount — the
    first end-of-day balance on or after the opening day, in CNY at that day's central parity — is
    credited to the owners on the opening day (the seller), as a new loan is (``new_loans``).
    """
    start, end = _d(period.year_start), _d(period.end)
    backend.create_table(
        "fl_wm_sold",
        f"""
        WITH n AS (
            SELECT a.account_id, a.customer_id, a.opened_on, a.currency
            FROM accounts a
            WHERE a.category = 'wealth' AND a.opened_on BETWEEN {start} AND {end}
              AND a.closed_on IS NOT NULL AND a.closed_on <= {end}
        ),
        {attr.first_balance_ctes(start, end)}
        SELECT n.account_id, n.customer_id, n.opened_on AS as_of,
               CAST(CASE WHEN n.currency = 'CNY' THEN fd.balance
                         ELSE round(CAST(fd.balance AS DECIMAL(20,2)) * CAST(fx.rate AS DECIMAL(12,8)), 2)
                    END AS {MONEY}) AS amount
        FROM n JOIN fd ON fd.account_id = n.account_id
        LEFT JOIN fx ON fx.account_id = n.account_id
        WHERE n.currency = 'CNY' OR fx.rate IS NOT NULL
        """,
    )
    attr.owners(backend, "fl_wm_sold", "fl_wm_owners")
    return _sums(
        backend,
        f"""
        SELECT o.owner_kind, o.owner_id, c.kind,
               sum(CAST(s.amount * o.share AS {ATTRIBUTED})) AS v
        FROM fl_wm_sold s
        JOIN fl_wm_owners o ON o.account_id = s.account_id AND o.as_of = s.as_of
        JOIN customers c ON c.customer_id = s.customer_id
        GROUP BY o.owner_kind, o.owner_id, c.kind
        """,
    )


# ---- the rows behind an indicator (for ``explain``) ----------------------------


def _unpaid_interest_rows(expr: str) -> str:
    """Rows behind an unpaid-interest indicator: each loan's ``expr`` of ``fl_li_acct``, credited by share."""
    return f"""
        SELECT o.owner_kind, o.owner_id, i.account_id AS item, a.customer_id, 'all' AS category,
               {expr} * o.share AS amount
        FROM fl_li_acct i JOIN fl_li_owners o ON o.account_id = i.account_id
        JOIN accounts a ON a.account_id = i.account_id
        """


#: indicator → the SQL of the rows behind it (``rows.COLUMNS``), over the working tables of
#: :func:`compute_flow_indicators`; ``{start}``/``{end}``, ``{first_month}``/``{last_month}`` are the
#: period's, ``{weight}`` the weight of a quality card.
_ROWS: dict[str, str] = {
    # a fee booked to an RM is theirs; else credited by share to the account's (or customer's) owners
    "fee_income": """
        SELECT 'rm' AS owner_kind, f.rm_id AS owner_id, coalesce(f.account_id, f.customer_id) AS item,
               f.customer_id, f.product AS category, f.amount AS amount
        FROM fl_fee f WHERE f.rm_id IS NOT NULL AND f.amount IS NOT NULL
        UNION ALL
        SELECT o.owner_kind, o.owner_id, f.account_id, f.customer_id, f.product, f.amount * o.share
        FROM fl_fee f JOIN fl_fee_acct_owners o ON o.account_id = f.account_id AND o.as_of = f.as_of
        WHERE f.rm_id IS NULL AND f.account_id IS NOT NULL
        UNION ALL
        SELECT o.owner_kind, o.owner_id, f.customer_id, f.customer_id, f.product, f.amount * o.share
        FROM fl_fee f JOIN fl_fee_cust_owners o ON o.customer_id = f.customer_id AND o.as_of = f.as_of
        WHERE f.rm_id IS NULL AND f.account_id IS NULL
        """,
    "loan_loss_provision": """
        SELECT o.owner_kind, o.owner_id, p.account_id AS item, a.customer_id, p.grade AS category,
               p.provision * o.share AS amount
        FROM fl_prov_acct p JOIN fl_prov_owners o ON o.account_id = p.account_id
        JOIN accounts a ON a.account_id = p.account_id
        """,
    "unpaid_interest_new": _unpaid_interest_rows("i.new_unpaid"),
    "unpaid_interest_recovered": _unpaid_interest_rows("i.recovered"),
    "unpaid_interest_net": _unpaid_interest_rows("(i.new_unpaid - i.recovered)"),
    # cards by their seller, one each (a quality card weighs {weight})
    **{
        code: f"""
            SELECT 'rm' AS owner_kind, rm_id AS owner_id, card_id AS item, customer_id, kind AS category,
                   {amount} AS amount
            FROM cards WHERE issued_on BETWEEN {{start}} AND {{end}}
            """
        for code, amount in (
            ("cards_issued", "1"),
            ("cards_issued_weighted", "CASE WHEN quality THEN {weight} ELSE 1 END"),
        )
    },
    # customer counts: each customer counts once, whole, for its service owner (D23)
    **{
        code: f"""
            SELECT o.owner_kind, o.owner_id, s.customer_id AS item, s.customer_id, {category} AS category,
                   1 AS amount
            FROM {table} s JOIN fl_cust_owner o ON o.customer_id = s.customer_id
            JOIN customers c ON c.customer_id = s.customer_id
            """
        for code, table, category in (
            ("new_customers", "fl_new_customer", "c.kind"),
            ("new_vip_customers", "fl_vip", "s.tier"),
            ("churned_customers", "fl_churned", "c.kind"),
        )
    },
    # newly active cards by their seller; busy ones (the _5plus codes) alone
    **{
        code: f"""
            SELECT 'rm' AS owner_kind, rm_id AS owner_id, card_id AS item, customer_id, kind AS category,
                   1 AS amount
            FROM fl_card_active {where}
            """
        for code, where in (("active_cards", ""), ("active_cards_5plus", "WHERE busy = 1"))
    },
    # a newly active customer once, for the seller of its earliest newly active card (as counted above)
    **{
        code: f"""
            SELECT 'rm' AS owner_kind, rm_id AS owner_id, customer_id AS item, customer_id, 'all' AS category,
                   1 AS amount
            FROM (
                SELECT customer_id, rm_id,
                       max(busy) OVER (PARTITION BY customer_id) AS busy,
                       row_number() OVER (PARTITION BY customer_id ORDER BY issued_on, card_id) AS rn
                FROM fl_card_active
            ) x WHERE rn = 1 {where}
            """
        for code, where in (("active_customers", ""), ("active_customers_5plus", "AND busy = 1"))
    },
    # each wealth product sold this year and matured by the period end, for its seller, by customer kind
    "wealth_matured_sales": f"""
        SELECT o.owner_kind, o.owner_id, s.account_id AS item, s.customer_id, c.kind AS category,
               CAST(s.amount * o.share AS {ATTRIBUTED}) AS amount
        FROM fl_wm_sold s
        JOIN fl_wm_owners o ON o.account_id = s.account_id AND o.as_of = s.as_of
        JOIN customers c ON c.customer_id = s.customer_id
        """,
    # each expense row, for the RM who bears it or (org units) the unit it is booked to
    "expenses": """
        SELECT CASE WHEN rm_id IS NOT NULL THEN 'rm' ELSE 'org' END AS owner_kind,
               coalesce(rm_id, org_id) AS owner_id,
               coalesce(rm_id, org_id) || ' ' || month || ' ' || kind AS item, '' AS customer_id,
               kind AS category, amount
        FROM expenses WHERE month BETWEEN {first_month} AND {last_month} AND coalesce(rm_id, org_id) IS NOT NULL
        """,
}

#: the flow indicators :func:`rows_behind` opens
EXPLAINED: tuple[str, ...] = tuple(_ROWS)


def rows_behind(
    backend: Backend, period: Period, indicator: str, owners: Iterable[tuple[str, str]], params: FlowParams
) -> list[Row]:
    """The rows that add up to ``indicator`` of ``owners`` in ``period`` (fees and provisions by account
    — a fee without an account by its customer —, cards, customers, expense rows), after
    :func:`compute_flow_indicators` of the same period and ``params`` on ``backend``."""
    weight = f"CAST('{Decimal(params.card_quality_weight)}' AS DECIMAL(9,4))"
    return select_rows(backend, _ROWS[indicator], period, owners, {"{weight}": weight})
