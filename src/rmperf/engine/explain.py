"""Explanations (明细): the accounts, and on request the days, behind an indicator value.

The contributions are exact shares of the exact figure, rounded to the fen
by largest remainder, so they add up to the reported value to the fen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from rmperf.core.allocation import largest_remainder
from rmperf.core.money import divide, to_fen
from rmperf.core.periods import Period
from rmperf.engine import attribution as attr
from rmperf.engine.backend import Backend
from rmperf.engine.indicators import (
    CATEGORIES,
    BalanceResult,
    MissingInput,
    OrgTree,
    OwnerKey,
    compute_balance_indicators,
)
from rmperf.engine.params import EngineParams
from rmperf.engine.quality import BORROWERS_SQL


@dataclass(frozen=True)
class Contribution:
    account_id: str
    customer_id: str
    category: str
    value: Decimal  # rounded; the contributions sum to the explained value
    exact: Decimal


@dataclass
class Explanation:
    owner: OwnerKey
    indicator: str
    category: str
    period: Period
    value: Decimal
    accounts: list[Contribution]
    days: list[tuple[str, date, Decimal]] = field(default_factory=list)  # account, day, exact amount
    notes: list[str] = field(default_factory=list)
    #: a ratio's ``numerator`` and ``denominator``, each opened to the rows that add up to it
    parts: dict[str, Explanation] = field(default_factory=dict)


_COLUMNS = {
    # indicator -> (attributed table, column, divisor kind)
    "accumulated_balance": (("p_attr", "jishu", 1),),
    "daily_average": (("p_attr", "jishu", "days"),),
    "ftp_profit": (("p_attr", "spread_jishu", "basis"),),
    "point_balance": (("pt_attr", "balance", 1),),
    "baseline_point": (("bp_attr", "balance", 1),),
    "point_increment": (("pt_attr", "balance", 1), ("bp_attr", "balance", -1)),
    "aum": (("pt_attr", "balance", 1),),
    "aum_increment": (("pt_attr", "balance", 1), ("bp_attr", "balance", -1)),
    # last year's 积数 ÷ its days, or (D18, without a full last year) the baseline point
    "baseline_daily_average": (("lya_attr", "jishu", "last_year_days"),),
    "daily_average_increment": (("p_attr", "jishu", "days"), ("lya_attr", "jishu", "-last_year_days")),
}
#: without a full last year the baseline daily average is the baseline point (D18)
_FALLBACK = {"lya_attr": ("bp_attr", "balance")}


def _unpaid_interest_sql(expr: str) -> str:
    """Rows behind an unpaid-interest indicator: each loan's ``expr`` of ``fl_li_acct``, credited by share."""
    return f"""
        SELECT o.owner_kind, o.owner_id, i.account_id AS item, a.customer_id, 'all' AS category,
               {expr} * o.share AS amount
        FROM fl_li_acct i JOIN fl_li_owners o ON o.account_id = i.account_id
        JOIN accounts a ON a.account_id = i.account_id
        """


def _graded(where: str, key: str) -> str:
    """The join to ``q_grades`` (alias ``g``) when ``where`` reads a grade.

    ``q_grades`` exists only when the store has ``loan_grades``.
    """
    return f"LEFT JOIN q_grades g ON g.account_id = {key}" if re.search(r"\bg\.", where) else ""


def _loan_book_sql(table: str, sign: str, where: str) -> str:
    """Rows behind the loan book: each loan of ``table`` (q_pt_bal / q_bp_bal) meeting ``where``, by share.

    Credited to the period-end owners (D17), as ``quality`` does.
    """
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


def _new_loans_sql(amount: str, where: str) -> str:
    """Rows behind a new-loan amount: each loan opened in the period, by share of its opening day's owners."""
    return f"""
        SELECT o.owner_kind, o.owner_id, n.account_id AS item, n.customer_id, 'all' AS category, {amount} AS amount
        FROM q_new n JOIN q_own o ON o.account_id = n.account_id AND o.as_of = n.as_of
        LEFT JOIN q_pt_bal e ON e.account_id = n.account_id
        {_graded(where, "n.account_id")}
        WHERE {where}
        """


def _new_loan_count_sql(where: str) -> str:
    """Rows behind a new-loan count: each loan opened in the period, for its service owner."""
    return f"""
        SELECT s.owner_kind, s.owner_id, n.account_id AS item, n.customer_id, 'all' AS category, 1 AS amount
        FROM q_new n JOIN q_new_svc s ON s.account_id = n.account_id AND s.as_of = n.as_of WHERE {where}
        """


def _borrowers_sql(where: str) -> str:
    """Rows behind a borrower count: each borrower of the period once (``quality.BORROWERS_SQL``)."""
    return f"""
        SELECT owner_kind, owner_id, customer_id AS item, customer_id, 'all' AS category, 1 AS amount
        FROM ({BORROWERS_SQL}) b WHERE {where}
        """


_AGRI = "coalesce(a.is_agri, c.is_agri, false)"
_INCLUSIVE = "coalesce(a.is_inclusive, c.is_inclusive, false)"


def _violations_sql(amount: str, where: str) -> str:
    """Rows behind a compliance count: the RM's findings of the period (by code and day)."""
    return f"""
        SELECT 'rm' AS owner_kind, rm_id AS owner_id, code || ' ' || CAST(date AS VARCHAR) AS item,
               '' AS customer_id, 'all' AS category, {amount} AS amount
        FROM violations WHERE date BETWEEN {{start}} AND {{end}} {where}
        """


def _checks_sql(where: str) -> str:
    """Rows behind a post-loan check count: the checks due in the period, by loan."""
    return f"""
        SELECT 'rm' AS owner_kind, l.rm_id AS owner_id, l.account_id AS item, coalesce(a.customer_id, '')
               AS customer_id, 'all' AS category, 1 AS amount
        FROM loan_checks l LEFT JOIN accounts a ON a.account_id = l.account_id
        WHERE l.due_on BETWEEN {{start}} AND {{end}} {where}
        """


#: Flow and loan indicators explained by the rows of their working tables:
#: (compute group, SQL giving owner_kind, owner_id, item_id, customer_id, category, exact amount).
_ITEMS: dict[str, tuple[str, str]] = {
    "fee_income": (
        "flows",
        """
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
    ),
    "loan_loss_provision": (
        "flows",
        """
        SELECT o.owner_kind, o.owner_id, p.account_id AS item, a.customer_id, p.grade AS category,
               p.provision * o.share AS amount
        FROM fl_prov_acct p JOIN fl_prov_owners o ON o.account_id = p.account_id
        JOIN accounts a ON a.account_id = p.account_id
        """,
    ),
    **{
        code: ("flows", _unpaid_interest_sql(expr))
        for code, expr in (
            ("unpaid_interest_new", "i.new_unpaid"),
            ("unpaid_interest_recovered", "i.recovered"),
            ("unpaid_interest_net", "(i.new_unpaid - i.recovered)"),
        )
    },
    # cards by their seller, one each (a quality card weighs {weight}); {start} and {end} are the period's days
    **{
        code: (
            "flows",
            f"""
            SELECT 'rm' AS owner_kind, rm_id AS owner_id, card_id AS item, customer_id, kind AS category,
                   {amount} AS amount
            FROM cards WHERE issued_on BETWEEN {{start}} AND {{end}}
            """,
        )
        for code, amount in (
            ("cards_issued", "1"),
            ("cards_issued_weighted", "CASE WHEN quality THEN {weight} ELSE 1 END"),
        )
    },
    # customer counts: each customer counts once, whole, for its service owner (D23)
    **{
        code: (
            "flows",
            f"""
            SELECT o.owner_kind, o.owner_id, s.customer_id AS item, s.customer_id, {category} AS category,
                   1 AS amount
            FROM {table} s JOIN fl_cust_owner o ON o.customer_id = s.customer_id
            JOIN customers c ON c.customer_id = s.customer_id
            """,
        )
        for code, table, category in (
            ("new_customers", "fl_new_customer", "c.kind"),
            ("new_vip_customers", "fl_vip", "s.tier"),
            ("churned_customers", "fl_churned", "c.kind"),
        )
    },
    # newly active cards by their seller; busy ones (the _5plus codes) alone
    **{
        code: (
            "flows",
            f"""
            SELECT 'rm' AS owner_kind, rm_id AS owner_id, card_id AS item, customer_id, kind AS category,
                   1 AS amount
            FROM fl_card_active {where}
            """,
        )
        for code, where in (("active_cards", ""), ("active_cards_5plus", "WHERE busy = 1"))
    },
    # a newly active customer once, for the seller of its earliest newly active card (as flows counts it)
    **{
        code: (
            "flows",
            f"""
            SELECT 'rm' AS owner_kind, rm_id AS owner_id, customer_id AS item, customer_id, 'all' AS category,
                   1 AS amount
            FROM (
                SELECT customer_id, rm_id,
                       max(busy) OVER (PARTITION BY customer_id) AS busy,
                       row_number() OVER (PARTITION BY customer_id ORDER BY issued_on, card_id) AS rn
                FROM fl_card_active
            ) x WHERE rn = 1 {where}
            """,
        )
        for code, where in (("active_customers", ""), ("active_customers_5plus", "AND busy = 1"))
    },
    # visits by whom (the customer, else the village) the RM visited, one each
    "visits": (
        "quality",
        """
        SELECT 'rm' AS owner_kind, rm_id AS owner_id, coalesce(customer_id, 'village:' || village_id) AS item,
               customer_id, 'all' AS category, 1 AS amount
        FROM visits WHERE date BETWEEN {start} AND {end}
        """,
    ),
    # the loan book at the period end less that at the baseline day, loan by loan
    "npl_balance": ("quality", _loan_book_sql("q_pt_bal", "", "g.npl_end = 1")),
    "npl_reduction": (
        "quality",
        _loan_book_sql("q_bp_bal", "", "g.npl_base = 1")
        + " UNION ALL "
        + _loan_book_sql("q_pt_bal", "-", "g.npl_end = 1"),
    ),
    **{
        code: ("quality", _loan_book_sql("q_pt_bal", "", flag) + " UNION ALL " + _loan_book_sql("q_bp_bal", "-", flag))
        for code, flag in (("agri_loan_increment", _AGRI), ("inclusive_loan_increment", _INCLUSIVE))
    },
    # new loans counted for their service owner; 首贷户 once each, for the owner of its first loan
    "new_loan_count": ("quality", _new_loan_count_sql("true")),
    "first_time_borrowers": ("quality", _borrowers_sql("first_on >= {start}")),
    "post_loan_checks_due": ("quality", _checks_sql("")),
    "post_loan_checks_on_time": ("quality", _checks_sql("AND l.done_on IS NOT NULL AND l.done_on <= l.due_on")),
    "violations": ("quality", _violations_sql("1", "")),
    "violation_points": ("quality", _violations_sql("points", "")),
    "veto": ("quality", _violations_sql("1", "AND veto")),
    "unrectified_violations": ("quality", _violations_sql("1", "AND (rectified_on IS NULL OR rectified_on > {end})")),
    # the deposits' point increase gone again within the window, credited to the period-end owners (D17)
    "spike_reversal": (
        "spikes",
        """
        SELECT t.owner_kind, t.owner_id, t.account_id AS item, a.customer_id, 'deposit' AS category, t.jishu AS amount
        FROM spa_attr t JOIN accounts a ON a.account_id = t.account_id
        """,
    ),
    # each expense row, for the RM who bears it or (org units) the unit it is booked to
    "expenses": (
        "flows",
        """
        SELECT CASE WHEN rm_id IS NOT NULL THEN 'rm' ELSE 'org' END AS owner_kind,
               coalesce(rm_id, org_id) AS owner_id,
               coalesce(rm_id, org_id) || ' ' || month || ' ' || kind AS item, '' AS customer_id,
               kind AS category, amount
        FROM expenses WHERE month BETWEEN {first_month} AND {last_month} AND coalesce(rm_id, org_id) IS NOT NULL
        """,
    ),
    "new_loans": ("quality", _new_loans_sql("n.amount * o.share", "true")),
}


#: Risk-adjusted figures, linear in each account's 积数 and spread (003/004; ``quality._risk``).
_RISK = ("expected_loss", "risk_adjusted_profit", "economic_capital", "eva")


def _surveys_sql(amount: str, where: str) -> str:
    """Rows behind a survey part: the RM's call-backs of the period, by customer and day."""
    return f"""
        SELECT 'rm' AS owner_kind, rm_id AS owner_id, customer_id || ' ' || CAST(date AS VARCHAR) AS item,
               customer_id, 'all' AS category, {amount} AS amount
        FROM surveys WHERE date BETWEEN {{start}} AND {{end}} AND {where}
        """


def _monthly_sql(table: str, column: str) -> str:
    """Rows behind attendance or task days: the RM's rows of the period's months."""
    kind = "coalesce(kind, '')" if table == "tasks" else "''"
    return f"""
        SELECT 'rm' AS owner_kind, rm_id AS owner_id, month || ' ' || {kind} AS item, '' AS customer_id,
               'all' AS category, {column} AS amount
        FROM {table} WHERE month BETWEEN {{first_month}} AND {{last_month}}
        """


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

#: Ratios opened by their parts (``quality._SPECS``): decimals of the value, numerator rows, denominator rows.
_RATIOS: dict[str, tuple[int, tuple[str, str], tuple[str, str]]] = {
    "new_loan_npl_ratio": (
        6,
        ("quality", _new_loans_sql("coalesce(e.balance, 0) * o.share", "g.npl_end = 1")),
        ("quality", _new_loans_sql("coalesce(e.balance, 0) * o.share", "true")),
    ),
    "post_loan_check_rate": (6, _ITEMS["post_loan_checks_on_time"], _ITEMS["post_loan_checks_due"]),
    "pricing_compliance_rate": (
        6,
        ("quality", _new_loan_count_sql("n.compliant = 1")),
        ("quality", _new_loan_count_sql("n.guided = 1")),
    ),
    "pricing_compliance_rate_amount": (
        6,
        ("quality", _new_loans_sql("n.amount * o.share", "n.compliant = 1")),
        ("quality", _new_loans_sql("n.amount * o.share", "n.guided = 1")),
    ),
    "first_time_borrower_share": (6, _ITEMS["first_time_borrowers"], ("quality", _borrowers_sql("true"))),
    "agri_loan_share": (
        6,
        ("quality", _loan_book_sql("q_pt_bal", "", _AGRI)),
        ("quality", _loan_book_sql("q_pt_bal", "", "true")),
    ),
    "inclusive_loan_share": (
        6,
        ("quality", _loan_book_sql("q_pt_bal", "", _INCLUSIVE)),
        ("quality", _loan_book_sql("q_pt_bal", "", "true")),
    ),
    "village_coverage": (6, ("quality", _VILLAGES_VISITED), ("quality", _VILLAGES)),
    "satisfaction": (2, ("quality", _surveys_sql("score", "true")), ("quality", _surveys_sql("1", "true"))),
    "response_hours": (
        2,
        ("quality", _surveys_sql("response_hours", "response_hours IS NOT NULL")),
        ("quality", _surveys_sql("1", "response_hours IS NOT NULL")),
    ),
    "resolution_rate": (
        6,
        ("quality", _surveys_sql("1", "resolved")),
        ("quality", _surveys_sql("1", "resolved IS NOT NULL")),
    ),
    "recommendation_rate": (
        6,
        ("quality", _surveys_sql("1", "would_recommend")),
        ("quality", _surveys_sql("1", "would_recommend IS NOT NULL")),
    ),
    "attendance_rate": (
        6,
        ("quality", _monthly_sql("attendance", "present_days")),
        ("quality", _monthly_sql("attendance", "required_days")),
    ),
    "task_completion_rate": (
        6,
        ("quality", _monthly_sql("tasks", "completed")),
        ("quality", _monthly_sql("tasks", "assigned")),
    ),
}


def explainable() -> tuple[str, ...]:
    """Every indicator :func:`explain` can open down to accounts (or fee rows and customers), or by its parts."""
    return (*_COLUMNS, *_ITEMS, *_RISK, *_RATIOS)


def _explain_risk(
    backend: Backend,
    period: Period,
    owner: OwnerKey,
    indicator: str,
    params: EngineParams,
    cache: dict[Any, Any] | None,
) -> Explanation:
    """The accounts behind a risk-adjusted figure: each one's term of the owner's sum (``quality._risk``).

    Per account, from its attributed 积数 j and spread product s of the
    period's months: expected loss = j x loss rate ÷ basis (loans);
    risk-adjusted profit = s ÷ basis − expected loss (deposits and loans);
    economic capital = j x capital factor ÷ days (loans); EVA = profit −
    capital x hurdle x days ÷ basis.
    """
    from rmperf.engine.quality import months_of

    quality = params.quality
    result, _ = _computed(backend, period, "quality", params, None, cache)
    value = result.get(owner, indicator, "all")
    if value is None:
        raise LookupError(f"{owner[0]} {owner[1]} has no {indicator} in {period}")
    owners = _underlying_owners(backend, owner)
    months = " UNION ALL ".join(
        f"SELECT owner_kind, owner_id, account_id, jishu, spread_jishu FROM qm{i}_attr"
        for i in range(len(months_of(period)))
    )
    rows = backend.query(
        f"""
        SELECT t.owner_kind, t.owner_id, t.account_id, a.customer_id, a.category, a.product,
               sum(t.jishu), sum(t.spread_jishu)
        FROM ({months}) t JOIN accounts a ON a.account_id = t.account_id
        WHERE a.category IN ('deposit', 'loan')
        GROUP BY t.owner_kind, t.owner_id, t.account_id, a.customer_id, a.category, a.product
        """
    )
    exact: dict[str, Decimal] = {}
    meta: dict[str, tuple[str, str]] = {}
    income = Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 60
        for kind, owner_id, account_id, customer_id, category, product, jishu, spread in rows:
            if (kind, owner_id) not in owners:
                continue
            j = Decimal(jishu or 0) if category == "loan" else Decimal(0)
            el = j * quality.expected_loss_rate(product) / quality.basis
            ec = j * quality.capital_factor(product) / period.days
            rap = Decimal(spread or 0) / quality.basis - el
            part = {
                "expected_loss": el,
                "risk_adjusted_profit": rap,
                "economic_capital": ec,
                "eva": rap - ec * quality.hurdle_rate * period.days / quality.basis,
            }[indicator]
            exact[account_id] = exact.get(account_id, Decimal(0)) + part
            meta[account_id] = (customer_id, category)
            income += Decimal(spread or 0) / quality.basis
        if indicator in ("risk_adjusted_profit", "eva"):
            # 000: the fee income in, the costs out (their own rows), then the taxes on the income
            for other, sign, tag in (("fee_income", 1, "fee"), ("expenses", -1, "cost")):
                try:
                    opened = explain(backend, period, owner, other, "all", params=params, cache=cache)
                except (LookupError, MissingInput):
                    continue
                for c in opened.accounts:
                    key = f"{tag}:{c.account_id}"
                    exact[key] = exact.get(key, Decimal(0)) + sign * c.exact
                    meta[key] = (c.customer_id, c.category)
                    if tag == "fee":
                        income += c.exact
            taxes = quality.tax_rate * max(income, Decimal(0))
            if taxes:
                exact["tax"] = -taxes
                meta["tax"] = ("", "tax")
    items = _ranked(exact, meta, value)
    return Explanation(owner, indicator, "all", period, value, items, [], list(result.notes))


def _ranked(exact: dict[str, Decimal], meta: dict[str, tuple[str, str]], value: Decimal) -> list[Contribution]:
    """``exact`` per item rounded to ``value`` by largest remainder, largest first."""
    with localcontext() as ctx:
        ctx.prec = 60
        rounded = largest_remainder(exact, value)
    return sorted(
        (Contribution(i, meta[i][0], meta[i][1], rounded[i], exact[i]) for i in exact),
        key=lambda c: (-abs(c.exact), c.account_id),
    )


def _computed(
    backend: Backend,
    period: Period,
    group: str,
    params: EngineParams,
    spike_window: int | None,
    cache: dict[Any, Any] | None = None,
) -> tuple[Any, dict[str, str]]:
    """The indicators of ``group`` for ``period``, and the values of the placeholders its row SQL uses.

    With ``cache`` (one dict per backend, from a caller explaining many
    indicators of one period), a group is computed once: its working tables
    stay in the backend, and no other group writes them.
    """
    key = (group, period.label, repr(params), spike_window)
    if cache is not None and key in cache:
        return cache[key]  # type: ignore[no-any-return]
    fills = {
        "{start}": f"DATE '{period.start}'",
        "{end}": f"DATE '{period.end}'",
        "{first_month}": f"'{period.start:%Y-%m}'",
        "{last_month}": f"'{period.end:%Y-%m}'",
    }
    if group == "spikes":
        from rmperf.engine.spikes import compute_spikes

        if spike_window is None:
            raise ValueError("spike_reversal is measured over a window: give its days (--window)")
        result: Any = compute_spikes(backend, period, spike_window, params.rounding)
        if not result.complete:
            raise LookupError(f"the {spike_window}-day window after {period} is not in the store yet")
    elif group == "flows":
        from rmperf.engine.flows import compute_flow_indicators

        result = compute_flow_indicators(backend, period, params.flows)
        fills["{weight}"] = f"CAST('{Decimal(params.flows.card_quality_weight)}' AS DECIMAL(9,4))"
    else:
        from rmperf.engine.quality import compute_quality_indicators

        result = compute_quality_indicators(backend, period, params.quality)
    if cache is not None:
        cache[key] = (result, fills)
    return result, fills


def _rows(
    backend: Backend, sql: str, fills: dict[str, str], owners: set[tuple[str, str]], category: str
) -> tuple[dict[str, Decimal], dict[str, tuple[str, str]]]:
    """Per item, the exact sum of the amounts ``sql`` gives ``owners`` (of ``category``, unless ``all``)."""
    for placeholder, text in fills.items():
        sql = sql.replace(placeholder, text)
    exact: dict[str, Decimal] = {}
    meta: dict[str, tuple[str, str]] = {}
    with localcontext() as ctx:
        ctx.prec = 60
        for kind, owner_id, item, customer_id, cat, amount in backend.query(sql):
            if (kind, owner_id) not in owners or amount is None or (category != "all" and cat != category):
                continue
            exact[item] = exact.get(item, Decimal(0)) + Decimal(amount)
            meta[item] = (customer_id, cat)
    return exact, meta


def _explain_items(
    backend: Backend,
    period: Period,
    owner: OwnerKey,
    indicator: str,
    category: str,
    params: EngineParams,
    spike_window: int | None = None,
    cache: dict[Any, Any] | None = None,
) -> Explanation:
    """The rows behind a flow or loan indicator (accounts; a fee without an account by its customer)."""
    group, sql = _ITEMS[indicator]
    result, fills = _computed(backend, period, group, params, spike_window, cache)
    if group == "spikes" and category == "all":
        category = "deposit"  # deposits are all it has
    value = result.get(owner, indicator, category)
    if value is None:
        raise LookupError(f"{owner[0]} {owner[1]} has no {indicator} {category} in {period}")
    exact, meta = _rows(backend, sql, fills, _underlying_owners(backend, owner), category)
    return Explanation(owner, indicator, category, period, value, _ranked(exact, meta, value), [], list(result.notes))


def _explain_ratio(
    backend: Backend,
    period: Period,
    owner: OwnerKey,
    indicator: str,
    params: EngineParams,
    cache: dict[Any, Any] | None,
) -> Explanation:
    """A ratio, by its parts: the rows behind the numerator and the denominator, each adding up to its part.

    The ratio itself is not opened (its parts do not add up to it); its
    ``parts`` are, and the numerator's exact total over the denominator's,
    rounded as the indicator is, gives the value.
    """
    places, top, bottom = _RATIOS[indicator]
    result, fills = _computed(backend, period, top[0], params, None, cache)
    rounding = params.rounding
    value = result.get(owner, indicator, "all")
    if value is None:
        raise LookupError(f"{owner[0]} {owner[1]} has no {indicator} in {period}")
    owners = _underlying_owners(backend, owner)
    parts: dict[str, Explanation] = {}
    totals: list[Decimal] = []
    for side, (_, sql) in (("numerator", top), ("denominator", bottom)):
        exact, meta = _rows(backend, sql, fills, owners, "all")
        totals.append(sum(exact.values(), Decimal(0)))
        shown = to_fen(totals[-1], rounding)
        parts[side] = Explanation(owner, f"{indicator}:{side}", "all", period, shown, _ranked(exact, meta, shown))
    notes = list(result.notes)
    if totals[1] == 0 or divide(totals[0], totals[1], places, rounding) != value:
        notes.append("parts_do_not_reproduce_value")
    return Explanation(owner, indicator, "all", period, value, [], [], notes, parts)


def explain(
    backend: Backend,
    period: Period,
    owner: OwnerKey,
    indicator: str,
    category: str = "all",
    *,
    params: EngineParams | None = None,
    with_days: bool = False,
    spike_window: int | None = None,
    cache: dict[Any, Any] | None = None,
) -> Explanation:
    """The accounts behind ``indicator`` of ``owner`` in ``period``, summing to its value.

    Balance indicators open to accounts (and days); fee income, provisions,
    unpaid interest and new loans to the accounts (a fee booked to a customer
    without an account: to the customer) in their working tables; cards
    issued and newly active to the cards; customer counts to the customers;
    visits to the customers (or villages) visited; the NPL balance and its
    reduction, the agricultural and inclusive increments, new loans and
    post-loan checks to the loans; first-time borrowers to the customers;
    compliance counts and points to the findings; expenses to their rows;
    expected loss, risk-adjusted profit, economic capital and EVA to the
    accounts; the spike reversal (over ``spike_window`` days) to the
    deposits. A ratio's rows do not add up to it: it is opened by its
    parts (``Explanation.parts``), the numerator and the denominator.

    ``params`` are the settings the figure was computed with (a run's: its
    scheme's ``parameters``); the seeds' defaults when not given.
    """
    params = params or EngineParams()
    if indicator in _ITEMS:
        return _explain_items(backend, period, owner, indicator, category, params, spike_window, cache)
    if indicator in _RISK:
        return _explain_risk(backend, period, owner, indicator, params, cache)
    if indicator in _RATIOS:
        return _explain_ratio(backend, period, owner, indicator, params, cache)
    basis = params.basis
    if indicator not in _COLUMNS:
        raise ValueError(f"no account-level explanation for {indicator}; use one of {', '.join(explainable())}")
    result: BalanceResult = compute_balance_indicators(backend, period, basis=basis, rounding=params.rounding)
    value = result.get(owner, indicator, category)
    if value is None:
        raise LookupError(f"{owner[0]} {owner[1]} has no {indicator} in {period}")
    owners = _underlying_owners(backend, owner)
    cats: tuple[str, ...] = (
        ("deposit", "wealth") if indicator.startswith("aum") else (CATEGORIES if category == "all" else (category,))
    )
    if indicator == "ftp_profit":
        cats = tuple(c for c in cats if c != "wealth")
    backend.register_rows("ex_owner", [("owner_kind", "VARCHAR"), ("owner_id", "VARCHAR")], sorted(owners))
    cat_list = ", ".join(f"'{c}'" for c in cats)
    exact: dict[str, Decimal] = {}
    meta: dict[str, tuple[str, str]] = {}
    with localcontext() as ctx:
        ctx.prec = 60
        no_last_year = "baseline_daily_average_fallback:no_prior_year" in result.notes
        for table, column, how in _COLUMNS[indicator]:
            if table in _FALLBACK and no_last_year:
                table, column = _FALLBACK[table]
                how = 1 if how == "last_year_days" else -1
            rows = backend.query(
                f"SELECT t.account_id, a.customer_id, a.category, sum(t.{column}) FROM {table} t "
                "JOIN ex_owner o ON o.owner_kind = t.owner_kind AND o.owner_id = t.owner_id "
                f"JOIN accounts a ON a.account_id = t.account_id WHERE a.category IN ({cat_list}) "
                "GROUP BY t.account_id, a.customer_id, a.category"
            )
            for account_id, customer_id, cat, amount in rows:
                if amount is None:
                    continue
                part = Decimal(amount)
                if how == "days":
                    part = part / period.days
                elif how in ("last_year_days", "-last_year_days"):
                    part = part / period.previous_year().days * (1 if how == "last_year_days" else -1)
                elif how == "basis":
                    part = part / basis
                elif how == -1:
                    part = -part
                exact[account_id] = exact.get(account_id, Decimal(0)) + part
                meta[account_id] = (customer_id, cat)
    accounts = _ranked(exact, meta, value)
    days = (
        _days(backend, period, owners, cats)
        if with_days and indicator in ("accumulated_balance", "daily_average")
        else []
    )
    return Explanation(owner, indicator, category, period, value, accounts, days, result.notes)


def _underlying_owners(backend: Backend, owner: OwnerKey) -> set[tuple[str, str]]:
    """The RMs and pools whose figures make up ``owner`` (itself, for an RM or a pool)."""
    if owner[0] in ("rm", "pool"):
        return {owner}
    tree = OrgTree.load(backend)
    candidates = {("rm", r) for r in tree.rm_org} | {("pool", o) for o in tree.parent}
    found = {o for o in candidates if owner in tree.units_of(o)}
    if owner[0] == "org":  # amounts booked to an org unit itself (expenses) count for it and every org above
        found |= {("org", o) for o in tree.parent if owner[1] in tree.ancestors(o)}
    return found


def _days(
    backend: Backend, period: Period, owners: set[tuple[str, str]], cats: tuple[str, ...]
) -> list[tuple[str, date, Decimal]]:
    """Each day's attributed CNY balance of each account, for the explained owners."""
    cat_list = ", ".join(f"'{c}'" for c in cats)
    start, end = f"DATE '{period.start}'", f"DATE '{period.end}'"
    backend.create_table(
        "exd_bal",
        f"""
        SELECT b.account_id, b.date AS as_of, b.balance, a.currency FROM balances b
        JOIN accounts a ON a.account_id = b.account_id
        WHERE b.date BETWEEN {start} AND {end} AND a.category IN ({cat_list})
          AND b.account_id IN (SELECT account_id FROM p_attr t JOIN ex_owner o
                               ON o.owner_kind = t.owner_kind AND o.owner_id = t.owner_id)
        """,
    )
    attr.owners(backend, "exd_bal", "exd_owners")
    rows = backend.query(
        """
        SELECT d.account_id, d.as_of,
               CAST(CASE WHEN d.currency = 'CNY' THEN d.balance
                    ELSE round(CAST(d.balance AS DECIMAL(20,2)) * CAST(
                        (SELECT max_by(r.cny_per_unit, r.date) FROM fx_rates r
                         WHERE r.currency = d.currency AND r.date <= d.as_of) AS DECIMAL(12,8)), 2) END
                    AS DECIMAL(20,2)) * o.share AS amount
        FROM exd_bal d
        JOIN exd_owners o ON o.account_id = d.account_id AND o.as_of = d.as_of
        JOIN ex_owner e ON e.owner_kind = o.owner_kind AND e.owner_id = o.owner_id
        ORDER BY d.account_id, d.as_of
        """
    )
    merged: dict[tuple[str, date], Decimal] = {}
    for account_id, day, amount in rows:
        merged[(account_id, day)] = merged.get((account_id, day), Decimal(0)) + Decimal(amount)
    return [(a, d, v) for (a, d), v in sorted(merged.items())]
