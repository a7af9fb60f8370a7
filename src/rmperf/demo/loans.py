"""Loan events: five-tier grades (五级分类), post-loan checks (贷后检查) and
interest due and received (应收利息 / 欠息).

Planted patterns:

* ~2.5 % of the non-seasonal loans turn non-performing during the year
  (``Accounts.npl_month``): special_mention the month before, substandard
  for three months, doubtful for three, then loss; they stop paying
  interest;
* ~1 % of the loans opened before the year are legacy NPLs (doubtful or
  substandard all year); those that close during the year are recovered,
  with their arrears, in the closing month (NPL reduction);
* ~4 % of other loans are special_mention for one to four months;
* ~3 % of performing loans miss part of one month's interest and pay it
  back one to three months later;
* checks are due every 3 months (corporate, SME, agricultural), 6
  (personal) or 12 (mortgages) from the opening day; ~85 % are done on
  time, ~10 % late and ~5 % not done (more for non-performing loans).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmperf import contract
from rmperf.demo.accounts import AMORT, LOAN, PRODUCT_INDEX, Accounts
from rmperf.demo.assignments import Owners
from rmperf.demo.dates import Horizon, IntArray, add_months, day_of_month, iso_dates, month_index
from rmperf.demo.reference import Managers
from rmperf.demo.writers import Columns, fen_text, pick

NORMAL, SPECIAL_MENTION, SUBSTANDARD, DOUBTFUL, LOSS = range(5)


@dataclass(frozen=True)
class LoanBook:
    """The loans of the horizon as a (loan × month) grid.

    ``open_at_end[i, m]``: loan i is open at the end of month m; ``grade``
    its grade then; ``open_days[i, m]`` the days it was open in month m.
    """

    loans: IntArray  # account indices
    open_at_end: np.ndarray
    open_days: IntArray
    grade: IntArray
    legacy_npl: np.ndarray


def build_loan_book(accounts: Accounts, hz: Horizon, rng: np.random.Generator) -> LoanBook:
    """Grades and open days of every loan in every month of the horizon."""
    loans = np.flatnonzero(accounts.category == LOAN)
    opened, closed = accounts.opened[loans][:, None], accounts.closed[loans][:, None]
    ends, starts = hz.month_ends[None, :], hz.month_starts[None, :]
    open_at_end = (opened <= ends) & (closed > ends)
    open_days = np.clip(np.minimum(closed, ends) - np.maximum(opened, starts) + 1, 0, None)
    months = np.arange(hz.months)[None, :]
    grade = np.zeros(open_at_end.shape, dtype=np.int64)

    npl = accounts.npl_month[loans][:, None]
    turning = npl >= 0
    grade = np.where(turning & (months == npl - 1), SPECIAL_MENTION, grade)
    grade = np.where(turning & (months >= npl), SUBSTANDARD, grade)
    grade = np.where(turning & (months >= npl + 3), DOUBTFUL, grade)
    grade = np.where(turning & (months >= npl + 6), LOSS, grade)

    n = len(loans)
    eligible = (accounts.opened[loans] < hz.start) & (npl[:, 0] < 0)
    legacy = eligible & (rng.random(n) < 0.01)
    if eligible.any() and not legacy.any():  # at least one, even in a tiny bank
        legacy[np.flatnonzero(eligible)[0]] = True
    legacy_grade = np.where(rng.random(n) < 0.6, SUBSTANDARD, DOUBTFUL)
    grade = np.where(legacy[:, None], legacy_grade[:, None], grade)

    watch = ~legacy & (npl[:, 0] < 0) & (rng.random(n) < 0.04)
    watch_from = rng.integers(0, hz.months, n)[:, None]
    watch_to = watch_from + rng.integers(1, 5, n)[:, None]
    grade = np.where(watch[:, None] & (months >= watch_from) & (months < watch_to), SPECIAL_MENTION, grade)
    return LoanBook(loans, open_at_end, open_days.astype(np.int64), grade, legacy)


def grade_columns(book: LoanBook, accounts: Accounts, hz: Horizon) -> Columns:
    """``loan_grades``: one row per loan open at a month end."""
    rows, months = np.nonzero(book.open_at_end)
    return {
        "date": iso_dates(hz.month_ends[months]),
        "account_id": [accounts.ids[a] for a in book.loans[rows].tolist()],
        "grade": pick(contract.LOAN_GRADES, book.grade[rows, months]),
    }


def interest_columns(book: LoanBook, accounts: Accounts, hz: Horizon, rng: np.random.Generator) -> Columns:
    """``loan_interest``: interest due and received per loan and month, in yuan."""
    loans = book.loans
    mid_month = hz.month_starts[None, :] + 14
    elapsed = month_index(mid_month) - month_index(accounts.opened[loans])[:, None]
    elapsed = elapsed - (day_of_month(accounts.opened[loans]) > 15)[:, None]
    term = np.maximum(accounts.term[loans], 1)[:, None]
    amortising = (accounts.behaviour[loans] == AMORT)[:, None]
    outstanding = accounts.amount[loans][:, None] * np.where(amortising, np.maximum(term - elapsed, 1) / term, 1.0)
    rate = accounts.rate[loans][:, None]
    due: IntArray = np.rint(outstanding * rate * book.open_days / 365.0 * 100.0).astype(np.int64)
    received = due.copy()

    non_performing = book.grade >= SUBSTANDARD
    partial = rng.random(due.shape) < 0.3
    received = np.where(non_performing, np.where(partial, due * 3 // 10, 0), received)

    n, months = int(due.shape[0]), int(due.shape[1])
    late = (~book.legacy_npl) & (accounts.npl_month[loans] < 0) & (rng.random(n) < 0.03)
    miss_month = rng.integers(0, months, size=n)
    pay_month = miss_month + rng.integers(1, 4, size=n)
    for i in np.flatnonzero(late).tolist():
        m, p = int(miss_month[i]), int(pay_month[i])
        if due[i, m] == 0:
            continue
        arrears = due[i, m] - due[i, m] * int(rng.integers(0, 50)) // 100
        received[i, m] -= arrears
        if p < months and due[i, p] > 0:
            received[i, p] += arrears

    # legacy NPLs that close in the horizon are recovered with their arrears
    closes = accounts.closed[loans]
    close_month = hz.month_of(np.minimum(closes, hz.end))
    recovered = book.legacy_npl & (closes <= hz.end)
    for i in np.flatnonzero(recovered).tolist():
        m = int(close_month[i])
        arrears = int((due[i, :m] - received[i, :m]).sum()) + int(due[i, m]) * int(rng.integers(3, 10))
        received[i, m] = due[i, m] + arrears

    rows, cols = np.nonzero(book.open_days > 0)
    return {
        "month": [hz.month_labels[m] for m in cols.tolist()],
        "account_id": [accounts.ids[a] for a in loans[rows].tolist()],
        "due": fen_text(due[rows, cols]),
        "received": fen_text(received[rows, cols]),
    }


def _check_interval(accounts: Accounts, loans: IntArray) -> IntArray:
    """Months between post-loan checks of each loan."""
    product = accounts.product[loans]
    return np.where(
        product == PRODUCT_INDEX["LOAN_MORTGAGE"], 12, np.where(product == PRODUCT_INDEX["LOAN_PERSONAL"], 6, 3)
    ).astype(np.int64)


def check_columns(
    book: LoanBook, accounts: Accounts, owners: Owners, managers: Managers, hz: Horizon, rng: np.random.Generator
) -> Columns:
    """``loan_checks``: checks due in the horizon while the loan is open, and when done."""
    loans = book.loans
    opened, closed = accounts.opened[loans], accounts.closed[loans]
    interval = _check_interval(accounts, loans)
    since = np.maximum(month_index(np.full(len(loans), hz.start)) - month_index(opened), 0)
    first_k = np.maximum(since // interval, 1)
    due_list, loan_list = [], []
    for j in range(hz.months // 3 + 2):
        due = add_months(opened, (first_k + j) * interval)
        ok = (due >= hz.start) & (due <= hz.end) & (due < closed)
        due_list.append(due[ok])
        loan_list.append(np.flatnonzero(ok))
    due = np.concatenate(due_list)
    index = np.concatenate(loan_list)
    order = np.lexsort((due, index))
    due, index = due[order], index[order]
    account = loans[index]

    troubled = (accounts.npl_month[account] >= 0) | book.legacy_npl[index]
    draw = rng.random(len(due))
    on_time = draw < np.where(troubled, 0.5, 0.85)
    missed = draw >= np.where(troubled, 0.8, 0.95)
    done = np.where(
        on_time,
        np.maximum(due - rng.integers(0, 15, len(due)), accounts.opened[account]),
        due + rng.integers(1, 31, len(due)),
    )
    done = np.where(missed | (done > hz.end), -1_000_000, done)
    rm = owners.responsible(accounts.customer[account], due)
    return {
        "due_on": iso_dates(due),
        "account_id": [accounts.ids[a] for a in account.tolist()],
        "rm_id": [managers.ids[r] for r in rm.tolist()],
        "done_on": iso_dates(done),
    }
