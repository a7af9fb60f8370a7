"""The planted patterns of a demo bank, as ids, without writing files.

Later features are checked against these: the gaming detector must flag the
spiker RMs, the assignment logic must move the re-assigned customers on the
given day, the NPL indicators must see the loans that turn bad. The values
are computed from the same seed streams as :func:`rmperf.demo.generate`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from rmperf.demo import events, loans
from rmperf.demo.accounts import LOAN, SEASONAL
from rmperf.demo.assignments import PARTIAL, SHARED, UNASSIGNED
from rmperf.demo.dates import NO_DATE, to_date
from rmperf.demo.generate import build_bank
from rmperf.demo.rng import child_rng


@dataclass(frozen=True)
class Reassignment:
    """A customer's manage RM changing on ``on`` (the old row's valid_to)."""

    customer_id: str
    from_rm: str
    to_rm: str
    on: dt.date


@dataclass(frozen=True)
class PlantedPatterns:
    """Ids of everything planted in one demo bank (size, seed, year)."""

    spiker_rms: tuple[str, ...]
    spike_customers: tuple[str, ...]
    reassignments: tuple[Reassignment, ...]
    shared_customers: tuple[str, ...]
    partly_assigned_customers: tuple[str, ...]
    unassigned_customers: tuple[str, ...]
    account_level_accounts: tuple[str, ...]
    leaving_rms: tuple[tuple[str, dt.date], ...]
    turning_npl_loans: tuple[tuple[str, str], ...]  # (account_id, first substandard month YYYY-MM)
    legacy_npl_loans: tuple[str, ...]
    seasonal_agri_loans: tuple[str, ...]
    veto_rms: tuple[str, ...]


def planted_patterns(size: str, seed: int, year: int = 2025) -> PlantedPatterns:
    """Rebuild the demo bank's reference data and list its planted patterns."""
    bank, table = build_bank(size, seed, year)
    customers, managers, accounts, owners = bank.customers, bank.managers, bank.accounts, bank.owners
    cid, rid, aid = customers.ids, managers.ids, accounts.ids

    moves = []
    manage = [i for i, k in enumerate(table.kind) if k == "manage" and table.account[i] < 0]
    starts = {(int(table.customer[i]), int(table.valid_from[i])): int(table.rm[i]) for i in manage}
    for i in manage:
        c, end = int(table.customer[i]), int(table.valid_to[i])
        if end != NO_DATE and (c, end) in starts:
            moves.append(Reassignment(cid[c], rid[int(table.rm[i])], rid[starts[(c, end)]], to_date(end)))

    book = loans.build_loan_book(accounts, bank.hz, child_rng(seed, "loan-grades"))
    violations = events.violation_columns(bank, child_rng(seed, "violations"))
    vetoes = sorted({r for r, v in zip(violations["rm_id"], violations["veto"], strict=True) if v == "true"})
    turning = np.flatnonzero(accounts.npl_month >= 0)
    return PlantedPatterns(
        spiker_rms=tuple(rid[r] for r in owners.spikers.tolist()),
        spike_customers=tuple(cid[c] for c in np.flatnonzero(owners.spike_customer).tolist()),
        reassignments=tuple(moves),
        shared_customers=tuple(cid[c] for c in np.flatnonzero(owners.category == SHARED).tolist()),
        partly_assigned_customers=tuple(cid[c] for c in np.flatnonzero(owners.category == PARTIAL).tolist()),
        unassigned_customers=tuple(cid[c] for c in np.flatnonzero(owners.category == UNASSIGNED).tolist()),
        account_level_accounts=tuple(aid[a] for a in table.account[table.account >= 0].tolist()),
        leaving_rms=tuple((rid[r], to_date(int(managers.left_on[r]))) for r in np.flatnonzero(managers.leaving)),
        turning_npl_loans=tuple((aid[a], bank.hz.month_labels[int(accounts.npl_month[a])]) for a in turning.tolist()),
        legacy_npl_loans=tuple(aid[a] for a in book.loans[book.legacy_npl].tolist()),
        seasonal_agri_loans=tuple(
            aid[a] for a in np.flatnonzero((accounts.category == LOAN) & (accounts.behaviour == SEASONAL)).tolist()
        ),
        veto_rms=tuple(vetoes),
    )
