"""Assignments (认领/分户): which RM manages which customer, from when, what share.

Planted patterns (documented in docs/demo-bank.md):

* every customer gets an RM of a fitting post in its home sub-branch;
* ~4.5 % are re-assigned on the 1st of a month during the year;
* ~3 % are shared 60/40 or 50/50 (``manage`` + ``share`` rows);
* ~1.5 % are only partly assigned (0.7 or 0.8; the rest is the public pool);
* ~1 % are unassigned (public pool only);
* customers of RMs who leave move to a colleague on the next 1st;
* a few wealth accounts carry an account-level ``share`` row for a wealth RM;
* ~4 % of RMs (at least one) are *spikers*: their steadily managed
  customers get the period-end deposit spikes of rmperf.demo.balances.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmperf.demo.accounts import WEALTH, Accounts
from rmperf.demo.dates import NO_DATE, OPEN_END, Horizon, IntArray, iso_dates, month_start
from rmperf.demo.reference import (
    AFFLUENT,
    CORPORATE,
    INCLUSIVE,
    LARGE,
    PERSONAL,
    PRIVATE,
    RETAIL,
    BoolArray,
    Customers,
    Managers,
)
from rmperf.demo.reference import (
    WEALTH as WEALTH_POST,
)
from rmperf.demo.writers import Columns

PLAIN, REASSIGNED, SHARED, PARTIAL, UNASSIGNED = range(5)
CATEGORY_NAMES = ("plain", "reassigned", "shared", "partial", "unassigned")
_CATEGORY_P = (0.90, 0.045, 0.03, 0.015, 0.01)
MANAGE, SHARE = "manage", "share"


@dataclass(frozen=True)
class Owners:
    """The service owner (管户客户经理) of each customer over the year.

    ``first`` until ``switch`` (exclusive), ``second`` from it; -1 in
    ``first`` for customers in the public pool only, whose ``fallback`` is
    an RM of the home sub-branch (who still does their post-loan checks).
    """

    first: IntArray
    second: IntArray
    switch: IntArray
    fallback: IntArray
    category: IntArray
    spikers: IntArray  # RM indices
    spike_customer: BoolArray

    def on(self, customer: IntArray, day: IntArray) -> IntArray:
        """Manage RM (index) of each customer on each epoch day; -1 if none."""
        return np.where(day < self.switch[customer], self.first[customer], self.second[customer])

    def responsible(self, customer: IntArray, day: IntArray) -> IntArray:
        """Like :meth:`on`, but the sub-branch fallback RM instead of -1."""
        rm = self.on(customer, day)
        return np.where(rm < 0, self.fallback[customer], rm)


@dataclass(frozen=True)
class Assignments:
    """Assignment rows; ``share`` is exact decimal text, dates are epoch days."""

    customer: IntArray
    rm: IntArray
    share: list[str]
    kind: list[str]
    valid_from: IntArray
    valid_to: IntArray  # NO_DATE = open
    account: IntArray  # -1 = customer-level row

    def columns(self, customers: Customers, managers: Managers, accounts: Accounts) -> Columns:
        return {
            "customer_id": [customers.ids[c] for c in self.customer.tolist()],
            "rm_id": [managers.ids[r] for r in self.rm.tolist()],
            "share": self.share,
            "valid_from": iso_dates(self.valid_from),
            "valid_to": iso_dates(self.valid_to),
            "account_id": ["" if a < 0 else accounts.ids[a] for a in self.account.tolist()],
            "kind": self.kind,
        }


def _fitting_post(customers: Customers, rng: np.random.Generator) -> IntArray:
    """The post that fits each customer: retail, wealth, inclusive or corporate."""
    n = customers.count
    seg = customers.segment
    personal = customers.kind == PERSONAL
    wealthy = personal & np.isin(seg, [AFFLUENT, PRIVATE]) & (rng.random(n) < 0.6)
    rural = personal & (customers.is_agri | (customers.village >= 0)) & (rng.random(n) < 0.7)
    corporate_post = np.where((seg == LARGE) | ~customers.is_inclusive, CORPORATE, INCLUSIVE)
    post = np.where(personal, np.where(wealthy, WEALTH_POST, np.where(rural, INCLUSIVE, RETAIL)), corporate_post)
    return post.astype(np.int64)


def _pick_rms(customers: Customers, managers: Managers, post: IntArray, rng: np.random.Generator) -> IntArray:
    """An RM of the fitting post in each customer's home sub-branch (any RM there if none)."""
    key = customers.org * 4 + post
    order = np.argsort(key, kind="stable")
    bounds = np.flatnonzero(np.diff(key[order])) + 1
    chosen = np.empty(customers.count, dtype=np.int64)
    for group in np.split(order, bounds):
        org, fit = divmod(int(key[group[0]]), 4)
        pool = np.flatnonzero((managers.org == org) & (managers.post == fit))
        if len(pool) == 0:
            pool = np.flatnonzero(managers.org == org)
        chosen[group] = pool[rng.integers(0, len(pool), len(group))]
    return chosen


def _colleague(managers: Managers, rm: int, avoid: set[int], rng: np.random.Generator) -> int:
    """Another staying RM in the same sub-branch (same post preferred); -1 if none."""
    base = (managers.org == managers.org[rm]) & ~managers.leaving
    for mask in (base & (managers.post == managers.post[rm]), base):
        pool = [r for r in np.flatnonzero(mask).tolist() if r != rm and r not in avoid]
        if pool:
            return int(pool[rng.integers(0, len(pool))])
    return -1


def build_assignments(
    customers: Customers, accounts: Accounts, managers: Managers, hz: Horizon, rng: np.random.Generator
) -> tuple[Assignments, Owners]:
    """Customer- and account-level assignment rows, and each customer's owner timeline."""
    n = customers.count
    rm0 = _pick_rms(customers, managers, _fitting_post(customers, rng), rng)
    category = rng.choice(5, size=n, p=np.array(_CATEGORY_P)).astype(np.int64)
    category[(category == REASSIGNED) & managers.leaving[rm0]] = PLAIN
    three_years_ago = hz.start - 3 * 365
    since = np.maximum(managers.rm_since[rm0], three_years_ago)
    past = month_start(since + (rng.random(n) * np.maximum(hz.start - since, 1)).astype(np.int64))
    valid_from0 = np.where(customers.is_new(hz), month_start(customers.join_day), past)

    rows: list[tuple[int, int, str, str, int, int, int]] = []  # customer, rm, share, kind, from, to, account
    second = rm0.copy()
    switch = np.full(n, OPEN_END, dtype=np.int64)
    later_months = hz.month_starts[1:]
    for c in range(n):
        rm, cat, start = int(rm0[c]), int(category[c]), int(valid_from0[c])
        if cat == UNASSIGNED:
            continue
        if cat == REASSIGNED:
            options = later_months[later_months > start]
            other = _colleague(managers, rm, set(), rng)
            if len(options) and other >= 0:
                day = int(options[rng.integers(0, len(options))])
                rows += [(c, rm, "1", MANAGE, start, day, -1), (c, other, "1", MANAGE, day, int(NO_DATE), -1)]
                second[c], switch[c] = other, day
                continue
            category[c] = PLAIN
        if cat == SHARED:
            other = _colleague(managers, rm, set(), rng)
            if other >= 0:
                main, rest = ("0.6", "0.4") if rng.random() < 0.6 else ("0.5", "0.5")
                rows += [
                    (c, rm, main, MANAGE, start, int(NO_DATE), -1),
                    (c, other, rest, SHARE, start, int(NO_DATE), -1),
                ]
                continue
            category[c] = PLAIN
        share = ("0.7", "0.8")[int(rng.integers(0, 2))] if cat == PARTIAL else "1"
        rows.append((c, rm, share, MANAGE, start, int(NO_DATE), -1))

    rows += _account_rows(customers, accounts, managers, rm0, category, valid_from0, rng)
    rows = _hand_over_leavers(rows, managers, second, switch, rng)
    first = np.where(category == UNASSIGNED, -1, rm0)
    second = np.where(category == UNASSIGNED, -1, second)
    fallback = _fallback_rms(customers, managers)
    spikers = _pick_spikers(managers, rm0, category, rng)
    spike_customer = (category == PLAIN) & np.isin(rm0, spikers)
    owners = Owners(first, second, switch, fallback, category, spikers, spike_customer)

    rows.sort(key=lambda r: (r[0], r[6], r[4], r[1]))
    table = Assignments(
        customer=np.array([r[0] for r in rows], dtype=np.int64),
        rm=np.array([r[1] for r in rows], dtype=np.int64),
        share=[r[2] for r in rows],
        kind=[r[3] for r in rows],
        valid_from=np.array([r[4] for r in rows], dtype=np.int64),
        valid_to=np.array([r[5] for r in rows], dtype=np.int64),
        account=np.array([r[6] for r in rows], dtype=np.int64),
    )
    return table, owners


def _account_rows(
    customers: Customers,
    accounts: Accounts,
    managers: Managers,
    rm0: IntArray,
    category: IntArray,
    valid_from0: IntArray,
    rng: np.random.Generator,
) -> list[tuple[int, int, str, str, int, int, int]]:
    """Account-level ``share`` rows: a (wealth) RM credited with a wealth account they sold."""
    wealth = np.flatnonzero((accounts.category == WEALTH) & (category[accounts.customer] == PLAIN))
    count = max(2, len(wealth) // 50) if len(wealth) else 0
    rows = []
    for a in rng.choice(wealth, size=min(count, len(wealth)), replace=False).tolist():
        c = int(accounts.customer[a])
        staying = (managers.org == customers.org[c]) & ~managers.leaving & (np.arange(managers.count) != rm0[c])
        pool = np.flatnonzero(staying & (managers.post == WEALTH_POST))
        if len(pool) == 0:
            pool = np.flatnonzero(staying)
        if len(pool) == 0:
            continue
        start = max(int(month_start(accounts.opened[a : a + 1])[0]), int(valid_from0[c]))
        rows.append((c, int(pool[rng.integers(0, len(pool))]), "1", SHARE, start, int(NO_DATE), a))
    return rows


def _hand_over_leavers(
    rows: list[tuple[int, int, str, str, int, int, int]],
    managers: Managers,
    second: IntArray,
    switch: IntArray,
    rng: np.random.Generator,
) -> list[tuple[int, int, str, str, int, int, int]]:
    """End the rows of RMs who leave on the 1st after ``left_on`` and hand them to a colleague."""
    by_customer: dict[int, set[int]] = {}
    for row in rows:
        by_customer.setdefault(row[0], set()).add(row[1])
    result = []
    for row in rows:
        c, rm, share, kind, start, end, account = row
        if not managers.leaving[rm]:
            result.append(row)
            continue
        day = int(managers.left_on[rm]) + 1
        heir = _colleague(managers, rm, by_customer[c], rng)
        by_customer[c].add(heir)
        if heir < 0:  # nobody left in the sub-branch: the customer falls to the public pool
            result.append((c, rm, share, kind, start, max(day, start + 1), account))
            if kind == MANAGE and account < 0:
                second[c], switch[c] = -1, max(day, start + 1)
            continue
        if start >= day:
            result.append((c, heir, share, kind, start, end, account))
            continue
        result.append((c, rm, share, kind, start, day, account))
        result.append((c, heir, share, kind, day, int(NO_DATE), account))
        if kind == MANAGE and account < 0:
            second[c], switch[c] = heir, day
    return result


def _fallback_rms(customers: Customers, managers: Managers) -> IntArray:
    """Per customer, a staying RM of the home sub-branch (people leader first)."""
    best: dict[int, int] = {}
    rank = managers.manages_people * 100 + managers.grade - managers.leaving * 1000
    for rm in np.argsort(-rank, kind="stable").tolist():
        best.setdefault(int(managers.org[rm]), rm)
    return np.array([best[o] for o in customers.org.tolist()], dtype=np.int64)


def _pick_spikers(managers: Managers, rm0: IntArray, category: IntArray, rng: np.random.Generator) -> IntArray:
    """~4 % of RMs (at least one) with steadily managed customers: the year-end spikers (冲时点)."""
    steady = np.bincount(rm0[category == PLAIN], minlength=managers.count)
    candidates = np.flatnonzero(~managers.leaving & (steady >= 3))
    count = min(len(candidates), max(1, round(managers.count * 0.04)))
    return np.sort(rng.choice(candidates, size=count, replace=False)).astype(np.int64)
