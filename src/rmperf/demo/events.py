"""Event tables: fees, cards and their activity, visits, satisfaction
surveys, violations, attendance, tasks, expenses and qualitative ratings.

Most events are drawn per customer and month and credited to the RM who
manages the customer on the event day (:meth:`Owners.on`), so re-assigned
customers' events move with them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rmperf.demo.accounts import CURRENCIES, WEALTH, Accounts
from rmperf.demo.assignments import Owners
from rmperf.demo.dates import NO_DATE, Horizon, IntArray, iso_dates
from rmperf.demo.reference import (
    AFFLUENT,
    CORPORATE,
    CORPORATE_CUSTOMER,
    INCLUSIVE,
    INTERBANK,
    LARGE,
    MASS,
    PERSONAL,
    PRIVATE,
    RETAIL,
    Customers,
    Managers,
    Orgs,
    Villages,
)
from rmperf.demo.writers import Columns, bool_text, decimal_text, fen_text, int_text, yuan_to_fen

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Bank:
    """Everything the event builders read."""

    hz: Horizon
    orgs: Orgs
    villages: Villages
    managers: Managers
    customers: Customers
    accounts: Accounts
    owners: Owners


def _days_in_months(hz: Horizon, month: IntArray, rng: np.random.Generator) -> IntArray:
    """A uniformly random epoch day inside each given month (0-based) of the horizon."""
    first = hz.month_starts[month]
    length = hz.month_ends[month] - first + 1
    return first + (rng.random(len(month)) * length).astype(np.int64)


def _monthly_draws(bank: Bank, rate: FloatArray, rng: np.random.Generator) -> tuple[IntArray, IntArray]:
    """Poisson events per customer and month at ``rate`` per month:
    (customer index, epoch day) of each event while the customer is with the bank."""
    customers, hz = bank.customers, bank.hz
    who, when = [], []
    for m in range(hz.months):
        counts = rng.poisson(rate)
        c = np.repeat(np.arange(customers.count), counts)
        day = _days_in_months(hz, np.full(len(c), m), rng)
        alive = (day >= customers.join_day[c]) & (day <= customers.leave_day[c])
        who.append(c[alive])
        when.append(day[alive])
    return np.concatenate(who).astype(np.int64), np.concatenate(when).astype(np.int64)


def _first_account(accounts: Accounts, mask: npt.NDArray[np.bool_], n_customers: int) -> IntArray:
    """Per customer, the index of its first account matching ``mask`` (-1 if none)."""
    first = np.full(n_customers, -1, dtype=np.int64)
    rows = np.flatnonzero(mask)[::-1]
    first[accounts.customer[rows]] = rows
    return first


#: fee products: (code, median amount in yuan, log-normal sigma)
FEE_PRODUCTS = {
    "international_settlement": (300.0, 0.9),
    "fx": (200.0, 1.0),
    "acceptance": (2_000.0, 0.8),
    "guarantee": (5_000.0, 0.8),
    "advisory": (20_000.0, 0.7),
    "agency": (20.0, 0.8),
    "wealth_agency": (300.0, 1.0),
}


def fee_columns(bank: Bank, rng: np.random.Generator) -> Columns:
    """``fees``: fee and commission income per customer event, mostly CNY."""
    customers, accounts = bank.customers, bank.accounts
    kind, seg = customers.kind, customers.segment
    corporate, personal = kind == CORPORATE_CUSTOMER, kind == PERSONAL
    fx_account = _first_account(accounts, accounts.currency > 0, customers.count)
    wealth_account = _first_account(accounts, accounts.category == WEALTH, customers.count)
    has_fx, has_wealth = fx_account >= 0, wealth_account >= 0
    rates = {
        "international_settlement": corporate * np.where(has_fx, 0.8, 0.1),
        "fx": np.where(has_fx, np.where(corporate, 0.5, 0.2), 0.0),
        "acceptance": corporate * np.where(seg == LARGE, 0.4, 0.15),
        "guarantee": corporate * 0.05,
        "advisory": corporate * np.where(seg == LARGE, 0.1, 0.02),
        "agency": personal * np.where(seg == MASS, 0.05, 0.15),
        "wealth_agency": personal * has_wealth * 0.3,
    }
    parts: list[tuple[str, IntArray, IntArray]] = []
    for code, rate in rates.items():
        who, when = _monthly_draws(bank, rate.astype(np.float64), rng)
        parts.append((code, who, when))
    product = [code for code, who, _ in parts for _ in range(len(who))]
    who = np.concatenate([p[1] for p in parts])
    when = np.concatenate([p[2] for p in parts])
    median = np.array([FEE_PRODUCTS[c][0] for c in product])
    sigma = np.array([FEE_PRODUCTS[c][1] for c in product])
    fen = np.maximum(yuan_to_fen(median * np.exp(sigma * rng.standard_normal(len(who)))), 100)

    fx_fee = np.array([c in ("international_settlement", "fx") for c in product], dtype=bool)
    in_fx = fx_fee & has_fx[who] & (rng.random(len(who)) < 0.5)
    account = np.where(in_fx, fx_account[who], -1)
    currency = np.where(in_fx, accounts.currency[np.maximum(account, 0)], 0)
    fen = np.where(in_fx, np.maximum(fen // 7, 100), fen)  # the same fee in USD is about a seventh
    wealth_fee = np.array([c == "wealth_agency" for c in product], dtype=bool)
    account = np.where(wealth_fee, wealth_account[who], account)
    direct = rng.random(len(who)) < 0.15
    rm = np.where(direct, bank.owners.responsible(who, when), -1)

    order = np.lexsort((who, when))
    ids = bank.managers.ids
    return {
        "date": iso_dates(when[order]),
        "customer_id": [customers.ids[c] for c in who[order].tolist()],
        "product": [product[i] for i in order.tolist()],
        "amount": fen_text(fen[order]),
        "currency": [CURRENCIES[c] for c in currency[order].tolist()],
        "account_id": ["" if a < 0 else accounts.ids[a] for a in account[order].tolist()],
        "rm_id": ["" if r < 0 else ids[r] for r in rm[order].tolist()],
    }


def card_columns(bank: Bank, rng: np.random.Generator) -> tuple[Columns, Columns]:
    """``cards`` and ``card_activity``: debit and credit cards of personal
    customers, sold by their RM; monthly qualifying transactions (only
    months with at least one), a fifth of the cards with five or more."""
    customers, hz = bank.customers, bank.hz
    personal = customers.kind == PERSONAL
    richer = np.isin(customers.segment, [AFFLUENT, PRIVATE])
    debit = np.flatnonzero(personal & (rng.random(customers.count) < 0.45))
    credit = np.flatnonzero(personal & (rng.random(customers.count) < np.where(richer, 0.3, 0.1)))
    holder = np.concatenate([debit, credit])
    kind = np.concatenate([np.zeros(len(debit), np.int64), np.ones(len(credit), np.int64)])
    order = np.lexsort((kind, holder))
    holder, kind = holder[order], kind[order]
    n = len(holder)
    join, leave = customers.join_day[holder], customers.leave_day[holder]
    new = (rng.random(n) < 0.3) | (join >= hz.start)
    low = np.maximum(join, hz.start)
    issued_new = low + (rng.random(n) * np.maximum(np.minimum(leave, hz.end) - low + 1, 1)).astype(np.int64)
    issued_old = np.maximum(join, hz.start - 3000) + (rng.random(n) * np.maximum(hz.start - join, 1)).astype(np.int64)
    issued = np.where(new, issued_new, np.minimum(issued_old, hz.start - 1))
    seller = bank.owners.responsible(holder, np.maximum(issued, hz.start))
    quality = rng.random(n) < np.where(kind == 1, 0.5, 0.25)
    card_ids = [f"62{i:014d}" for i in (np.arange(n) * 13 + 1000).tolist()]
    cards = {
        "card_id": card_ids,
        "customer_id": [customers.ids[c] for c in holder.tolist()],
        "kind": ["credit" if k else "debit" for k in kind.tolist()],
        "issued_on": iso_dates(issued),
        "rm_id": [bank.managers.ids[r] for r in seller.tolist()],
        "quality": bool_text(quality),
    }
    usage = rng.choice(3, size=n, p=[0.35, 0.45, 0.20])  # dormant, light, heavy
    mean = np.array([0.0, 1.5, 9.0])[usage]
    month_col, card_col, count_col = [], [], []
    for m in range(hz.months):
        live = (issued <= hz.month_ends[m]) & (leave >= hz.month_starts[m])
        txn = rng.poisson(mean) * live
        rows = np.flatnonzero(txn > 0)
        month_col += [hz.month_labels[m]] * len(rows)
        card_col += [card_ids[i] for i in rows.tolist()]
        count_col += int_text(txn[rows])
    activity = {"month": month_col, "card_id": card_col, "txn_count": count_col}
    return cards, activity


def visit_columns(bank: Bank, rng: np.random.Generator) -> Columns:
    """``visits``: customer visits by the managing RM, and village visits by
    inclusive and retail RMs of agri-county sub-branches."""
    customers, managers, hz = bank.customers, bank.managers, bank.hz
    seg = customers.segment
    rate = np.select(
        [customers.kind == CORPORATE_CUSTOMER, customers.kind == INTERBANK, np.isin(seg, [AFFLUENT, PRIVATE])],
        [0.4, 0.3, 0.25],
        0.02,
    )
    who, when = _monthly_draws(bank, rate, rng)
    rm = bank.owners.on(who, when)
    keep = rm >= 0
    who, when, rm = who[keep], when[keep], rm[keep]

    village_rm, village_day, village = [], [], []
    for r in range(managers.count):
        own = bank.villages.of_org(int(managers.org[r]))
        if len(own) == 0 or managers.post[r] not in (INCLUSIVE, RETAIL):
            continue
        for m in range(hz.months):
            count = int(rng.poisson(3.0 if managers.post[r] == INCLUSIVE else 1.0))
            days = _days_in_months(hz, np.full(count, m), rng)
            left = managers.left_on[r]
            days = days[(left == NO_DATE) | (days <= left)]
            village_rm += [r] * len(days)
            village_day += days.tolist()
            village += own[rng.integers(0, len(own), len(days))].tolist()
    all_rm = np.concatenate([rm, np.array(village_rm, dtype=np.int64)])
    all_day = np.concatenate([when, np.array(village_day, dtype=np.int64)])
    all_customer = np.concatenate([who, np.full(len(village_rm), -1, dtype=np.int64)])
    all_village = np.concatenate([np.full(len(who), -1, dtype=np.int64), np.array(village, dtype=np.int64)])
    order = np.lexsort((all_customer, all_rm, all_day))
    return {
        "date": iso_dates(all_day[order]),
        "rm_id": [managers.ids[r] for r in all_rm[order].tolist()],
        "customer_id": ["" if c < 0 else customers.ids[c] for c in all_customer[order].tolist()],
        "village_id": ["" if v < 0 else bank.villages.ids[v] for v in all_village[order].tolist()],
        "kind": ["customer" if c >= 0 else "village" for c in all_customer[order].tolist()],
    }


def survey_columns(bank: Bank, rng: np.random.Generator) -> Columns:
    """``surveys``: satisfaction call-backs (score 0–100, response in hours)."""
    customers, managers = bank.customers, bank.managers
    rate = np.where(customers.kind == PERSONAL, 0.02, 0.08)
    who, when = _monthly_draws(bank, rate, rng)
    rm = bank.owners.on(who, when)
    keep = rm >= 0
    who, when, rm = who[keep], when[keep], rm[keep]
    n = len(who)
    rm_quality = rng.normal(0.0, 5.0, managers.count)
    band = rng.choice(3, size=n, p=[0.85, 0.12, 0.03])
    base = np.select([band == 0, band == 1], [rng.uniform(80, 100, n), rng.uniform(60, 80, n)], rng.uniform(20, 60, n))
    score = np.clip(np.rint(base + rm_quality[rm]), 0, 100)
    hours = np.round(np.exp(np.log(4.0) + 0.8 * rng.standard_normal(n)), 1)
    resolved = rng.random(n) < np.where(score >= 60, 0.93, 0.5)
    recommend = rng.random(n) < np.where(score >= 80, 0.9, 0.3)
    order = np.lexsort((who, when))
    return {
        "date": iso_dates(when[order]),
        "rm_id": [managers.ids[r] for r in rm[order].tolist()],
        "customer_id": [customers.ids[c] for c in who[order].tolist()],
        "score": int_text(score[order]),
        "response_hours": decimal_text(hours[order], 1),
        "resolved": bool_text(resolved[order]),
        "would_recommend": bool_text(recommend[order]),
    }


#: violation codes: (code, description, points deducted)
VIOLATIONS = (
    ("KYC_INCOMPLETE", "客户身份识别资料不全", 2.0),
    ("LOAN_FILE_MISSING", "贷款档案资料缺失", 3.0),
    ("LATE_POST_LOAN_CHECK", "贷后检查不及时", 1.0),
    ("FEE_IRREGULAR", "违规收费", 5.0),
    ("UNAUTHORISED_SALE", "违规代销理财产品", 8.0),
    ("DEPOSIT_SPLIT", "拆分存款、冲时点", 5.0),
)
VETO = ("MISAPPROPRIATION", "挪用客户资金（一票否决）", 20.0)


def violation_columns(bank: Bank, rng: np.random.Generator) -> Columns:
    """``violations``: a few findings; one (tiny) or two vetoes; one deposit-
    splitting finding on a spiker RM; most rectified within 5–40 days."""
    managers, hz = bank.managers, bank.hz
    n = max(3, round(managers.count * 0.03))
    rm = rng.integers(0, managers.count, n)
    code = rng.integers(0, len(VIOLATIONS) - 1, n)
    code[0] = len(VIOLATIONS) - 1
    rm[0] = bank.owners.spikers[0]
    vetoes = 1 if managers.count < 20 else 2
    staying = np.flatnonzero(~managers.leaving & ~np.isin(np.arange(managers.count), bank.owners.spikers))
    rm[1 : 1 + vetoes] = rng.choice(staying, size=vetoes, replace=False)
    day = hz.start + rng.integers(0, hz.n_days - 1, n)
    left = managers.left_on[rm]
    day = np.where((left != NO_DATE) & (day > left), left, day)
    rectified = day + rng.integers(5, 41, n)
    rectified = np.where((rng.random(n) < 0.7) & (rectified <= hz.end), rectified, NO_DATE)
    veto = np.zeros(n, dtype=bool)
    veto[1 : 1 + vetoes] = True
    rows = sorted(range(n), key=lambda i: (int(day[i]), int(rm[i])))
    spec = [VETO if veto[i] else VIOLATIONS[int(code[i])] for i in range(n)]
    return {
        "date": iso_dates(day[rows]),
        "rm_id": [managers.ids[int(rm[i])] for i in rows],
        "code": [spec[i][0] for i in rows],
        "points": decimal_text([spec[i][2] for i in rows], 1),
        "veto": bool_text(veto[rows]),
        "description": [spec[i][1] for i in rows],
        "rectified_on": iso_dates(rectified[rows]),
    }


def working_days(year: int, month: int) -> int:
    """Chinese working days of a month (with make-up days, 调休); weekdays when
    the holiday calendar does not know the year."""
    first = dt.date(year, month, 1)
    days = [first + dt.timedelta(days=k) for k in range(31) if (first + dt.timedelta(days=k)).month == month]
    try:
        import chinese_calendar

        return sum(1 for d in days if chinese_calendar.is_workday(d))
    except (ImportError, NotImplementedError):
        return sum(1 for d in days if d.weekday() < 5)


def _active_rm_months(bank: Bank) -> tuple[IntArray, IntArray]:
    """(rm, month) pairs in which the RM was employed on the 1st."""
    managers, hz = bank.managers, bank.hz
    rm_grid, month_grid = np.meshgrid(np.arange(managers.count), np.arange(hz.months), indexing="ij")
    rm, month = rm_grid.ravel(), month_grid.ravel()
    left = managers.left_on[rm]
    keep = (left == NO_DATE) | (hz.month_starts[month] <= left)
    return rm[keep].astype(np.int64), month[keep].astype(np.int64)


def attendance_columns(bank: Bank, rng: np.random.Generator) -> Columns:
    """``attendance``: required working days and days present per RM and month."""
    rm, month = _active_rm_months(bank)
    required = np.array([working_days(bank.hz.year, m + 1) for m in range(bank.hz.months)])[month]
    absent = np.where(rng.random(len(rm)) < 0.03, rng.poisson(4.0, len(rm)), rng.poisson(0.4, len(rm)))
    present = np.clip(required - absent, 0, None)
    return {
        "month": [bank.hz.month_labels[m] for m in month.tolist()],
        "rm_id": [bank.managers.ids[r] for r in rm.tolist()],
        "required_days": int_text(required),
        "present_days": int_text(present),
    }


TASK_KINDS = {"collaboration": 2.0, "report": 3.0, "survey": 1.0}  # mean tasks per month


def task_columns(bank: Bank, rng: np.random.Generator) -> Columns:
    """``tasks``: collaboration, reporting and survey tasks per RM and month."""
    rm, month = _active_rm_months(bank)
    diligence = rng.beta(8, 1.2, bank.managers.count)  # share of tasks an RM completes
    cols: dict[str, list[str]] = {"month": [], "rm_id": [], "assigned": [], "completed": [], "kind": []}
    for kind, mean in TASK_KINDS.items():
        assigned = rng.poisson(mean, len(rm))
        completed = rng.binomial(assigned, diligence[rm])
        rows = np.flatnonzero(assigned > 0)
        cols["month"] += [bank.hz.month_labels[m] for m in month[rows].tolist()]
        cols["rm_id"] += [bank.managers.ids[r] for r in rm[rows].tolist()]
        cols["assigned"] += int_text(assigned[rows])
        cols["completed"] += int_text(completed[rows])
        cols["kind"] += [kind] * len(rows)
    return cols


def expense_columns(bank: Bank, rng: np.random.Generator) -> Columns:
    """``expenses`` in CNY: marketing expenses per RM and month, and the
    allocated costs of each sub-branch per month."""
    rm, month = _active_rm_months(bank)
    spends = rng.random(len(rm)) < 0.8
    scale = np.where(bank.managers.post[rm] == CORPORATE, 3.0, 1.0)
    marketing = yuan_to_fen(1_500.0 * scale * np.exp(0.7 * rng.standard_normal(len(rm))))
    rows = np.flatnonzero(spends)
    subs = bank.orgs.subbranches
    org_month = np.repeat(np.arange(bank.hz.months), len(subs))
    org = np.tile(subs, bank.hz.months)
    allocated = yuan_to_fen(120_000.0 * np.exp(0.3 * rng.standard_normal(len(org))))
    labels = bank.hz.month_labels
    return {
        "month": [labels[m] for m in month[rows].tolist()] + [labels[m] for m in org_month.tolist()],
        "amount": fen_text(marketing[rows]) + fen_text(allocated),
        "kind": ["marketing"] * len(rows) + ["allocated_cost"] * len(org),
        "rm_id": [bank.managers.ids[r] for r in rm[rows].tolist()] + [""] * len(org),
        "org_id": [""] * len(rows) + [bank.orgs.ids[o] for o in org.tolist()],
    }


#: the qualitative criteria of the shipped scorecard (001 表4-1, the template scorecard-4-1), on 004's 1–5 scale
RATING_CRITERIA = (
    "总结性工作完成状况",
    "市场调研数量",
    "市场调研质量",
    "市场调研状况分析结果质量",
    "反馈、提出可行性意见状况",
    "与上下级沟通频率",
    "协调内部事务状况",
)
#: rater role → (mean, standard deviation) of the score on the 1–5 scale: people rate themselves higher
RATER_BIAS = {"self": (4.2, 0.5), "committee": (3.7, 0.6), "department": (3.6, 0.6)}


def rating_columns(bank: Bank, rng: np.random.Generator) -> Columns:
    """``ratings`` of the fourth quarter and of the year: every RM still employed rated by themselves, their
    sub-branch's committee and the head-office department (001: 自评、网点评价、主管部门测评) on the scorecard's
    criteria, in whole points from 1 to 5 (004 量表法); an RM's own level shifts all three raters alike."""
    managers = bank.managers
    cols: dict[str, list[str]] = {k: [] for k in ("period", "rm_id", "rater_id", "rater_role", "criterion", "score")}
    level = rng.normal(0.0, 0.4, managers.count)
    for period in (f"{bank.hz.year}-Q4", f"{bank.hz.year}"):
        for r in np.flatnonzero(~managers.leaving).tolist():
            org = int(managers.org[r])
            raters = {"self": managers.ids[r], "committee": f"COM{bank.orgs.ids[org]}", "department": "DEPT0000"}
            for role, rater in raters.items():
                mean, sd = RATER_BIAS[role]
                for criterion in RATING_CRITERIA:
                    score = int(np.clip(np.rint(rng.normal(mean + level[r], sd)), 1, 5))
                    cols["period"].append(period)
                    cols["rm_id"].append(managers.ids[r])
                    cols["rater_id"].append(rater)
                    cols["rater_role"].append(role)
                    cols["criterion"].append(criterion)
                    cols["score"].append(str(score))
    return cols
