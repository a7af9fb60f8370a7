"""Orchestration: build the demo bank and write its data package folder."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from rmperf import contract
from rmperf.demo import events, loans, rates
from rmperf.demo.accounts import build_accounts
from rmperf.demo.assignments import Assignments, build_assignments
from rmperf.demo.balances import build_model, write_balances
from rmperf.demo.config import size_config
from rmperf.demo.dates import Horizon, to_date
from rmperf.demo.reference import build_customers, build_managers, build_orgs, build_villages
from rmperf.demo.rng import child_rng
from rmperf.demo.writers import Columns, write_csv

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class GenerationSummary:
    """What :func:`generate` wrote. ``rows`` maps every table to its row count
    (in contract order); balance dates are the first and last day written."""

    output: Path
    size: str
    seed: int
    year: int
    rows: Mapping[str, int]
    orgs: int
    rms: int
    customers: int
    accounts: int
    first_balance_date: dt.date
    last_balance_date: dt.date
    bytes_on_disk: int


def generate(
    size: str,
    seed: int,
    out: Path,
    *,
    year: int = 2025,
    days: int | None = None,
    progress: Progress | None = None,
) -> GenerationSummary:
    """Generate the demo bank of ``size`` into the data package folder ``out``.

    The same ``size``, ``seed``, ``year`` and ``days`` give byte-identical
    files. ``days`` limits the balances to the first ``days`` days of the
    year (benchmarks); every other table is unchanged. ``out`` may be
    missing, empty, or hold an earlier data package (only contract-table
    CSVs and ``balances/``), which is replaced; anything else there makes it
    raise FileExistsError. ``progress(step, done, total)`` is called per
    reference step, per day of balances and per event table.
    """
    cfg = size_config(size)
    hz = Horizon(year, cfg.months)
    n_days = hz.n_days if days is None else days
    if not 1 <= n_days <= hz.n_days:
        raise ValueError(f"days must be between 1 and {hz.n_days} for size {size!r}")
    _prepare(out)
    report = progress or (lambda _label, _done, _total: None)

    report("reference", 0, 6)
    bank, assignments = build_bank(size, seed, year)
    orgs, villages, managers, customers = bank.orgs, bank.villages, bank.managers, bank.customers
    accounts, owners = bank.accounts, bank.owners
    report("reference", 3, 6)

    rows: dict[str, int] = {}

    def write(name: str, columns: Columns) -> None:
        rows[name] = write_csv(out, name, columns)

    write("orgs", orgs.columns())
    write("villages", villages.columns(orgs))
    write("managers", managers.columns(orgs))
    write("customers", customers.columns(orgs, villages))
    report("reference", 4, 6)
    write("accounts", accounts.columns(customers))
    write("assignments", assignments.columns(customers, managers, accounts))
    write("ftp_rates", rates.ftp_columns(year))
    write("fx_rates", rates.fx_columns(hz, child_rng(seed, "fx")))
    report("reference", 6, 6)

    model = build_model(
        accounts, customers, owners, hz, child_rng(seed, "balance-model"), managers, child_rng(seed, "books")
    )
    stats = write_balances(model, accounts.ids, hz, seed, out, days=n_days, progress=progress)
    rows["balances"] = stats.rows

    steps: list[tuple[str, Callable[[], Columns]]] = [
        ("fees", lambda: events.fee_columns(bank, child_rng(seed, "fees"))),
        ("visits", lambda: events.visit_columns(bank, child_rng(seed, "visits"))),
        ("surveys", lambda: events.survey_columns(bank, child_rng(seed, "surveys"))),
        ("violations", lambda: events.violation_columns(bank, child_rng(seed, "violations"))),
        ("attendance", lambda: events.attendance_columns(bank, child_rng(seed, "attendance"))),
        ("tasks", lambda: events.task_columns(bank, child_rng(seed, "tasks"))),
        ("expenses", lambda: events.expense_columns(bank, child_rng(seed, "expenses"))),
        ("ratings", lambda: events.rating_columns(bank, child_rng(seed, "ratings"))),
    ]
    total = len(steps) + 2
    for done, (name, build) in enumerate(steps):
        report("events", done, total)
        write(name, build())
    cards, activity = events.card_columns(bank, child_rng(seed, "cards"))
    write("cards", cards)
    write("card_activity", activity)
    report("events", total - 1, total)
    book = loans.build_loan_book(accounts, hz, child_rng(seed, "loan-grades"))
    write("loan_grades", loans.grade_columns(book, accounts, hz))
    write("loan_checks", loans.check_columns(book, accounts, owners, managers, hz, child_rng(seed, "loan-checks")))
    write("loan_interest", loans.interest_columns(book, accounts, hz, child_rng(seed, "loan-interest")))
    report("events", total, total)

    ordered = {t.name: rows[t.name] for t in contract.TABLES if t.name in rows}
    return GenerationSummary(
        output=out,
        size=size,
        seed=seed,
        year=year,
        rows=MappingProxyType(ordered),
        orgs=len(orgs.ids),
        rms=managers.count,
        customers=customers.count,
        accounts=accounts.count,
        first_balance_date=to_date(stats.first_day),
        last_balance_date=to_date(stats.last_day),
        bytes_on_disk=sum(f.stat().st_size for f in out.rglob("*") if f.is_file()),
    )


def build_bank(size: str, seed: int, year: int = 2025) -> tuple[events.Bank, Assignments]:
    """The demo bank's reference data in memory (no files): the same for
    :func:`generate` and :func:`rmperf.demo.plants.planted_patterns`."""
    cfg = size_config(size)
    hz = Horizon(year, cfg.months)
    orgs = build_orgs(cfg, child_rng(seed, "orgs"))
    villages = build_villages(cfg, orgs, child_rng(seed, "villages"))
    managers = build_managers(cfg, orgs, hz, child_rng(seed, "managers"))
    customers = build_customers(cfg, orgs, villages, managers, hz, child_rng(seed, "customers"))
    accounts = build_accounts(customers, orgs, hz, child_rng(seed, "accounts"))
    assignments, owners = build_assignments(customers, accounts, managers, hz, child_rng(seed, "assignments"))
    return events.Bank(hz, orgs, villages, managers, customers, accounts, owners), assignments


def _prepare(out: Path) -> None:
    """Create ``out``, or clear an earlier data package from it; refuse other content."""
    package_files = {f"{t.name}.csv" for t in contract.TABLES} | {"balances"}
    if out.exists():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in package_files)
        if foreign:
            raise FileExistsError(f"{out} holds files that are not a data package: {', '.join(foreign[:5])}")
        for table in contract.TABLES:
            (out / f"{table.name}.csv").unlink(missing_ok=True)
        shutil.rmtree(out / "balances", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
