"""One failing fixture per rule of the data contract's "What bad input gets".

Each case starts from the valid minimal package, breaks one thing, and
asserts the message names the right table, file, line and column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from rmperf.home import Home
from rmperf.ingest.importer import check_package
from rmperf.ingest.problems import Problem, Severity
from tests.pkgbuilder import Rows, minimal_tables, write_package

Tables = dict[str, Rows]


@dataclass
class Case:
    id: str
    mutate: Callable[[Tables], None]
    code: str
    table: str | None
    file: str | None = None
    line: int | None = None
    column: str | None = None
    text: str = ""  # a fragment the Chinese message must contain


def setv(table: str, index: int, **values: object) -> Callable[[Tables], None]:
    def apply(t: Tables) -> None:
        t[table][index].update(values)

    return apply


def add(table: str, row: dict[str, object]) -> Callable[[Tables], None]:
    def apply(t: Tables) -> None:
        t[table].append(row)

    return apply


def drop_table(table: str) -> Callable[[Tables], None]:
    def apply(t: Tables) -> None:
        del t[table]

    return apply


def drop_column(table: str, column: str) -> Callable[[Tables], None]:
    def apply(t: Tables) -> None:
        for row in t[table]:
            row.pop(column, None)

    return apply


# line numbers: header is line 1, so rows[i] is on line i + 2
CASES = [
    Case("missing-table", drop_table("managers"), "table.missing", "managers", text="managers"),
    Case(
        "missing-column",
        drop_column("balances", "balance"),
        "header.missing_column",
        "balances",
        "balances.csv",
        None,
        "balance",
    ),
    Case(
        "bad-date",
        setv("balances", 3, date="2025/01/02"),
        "value.date",
        "balances",
        "balances.csv",
        5,
        "date",
        "2025/01/02",
    ),
    Case(
        "impossible-date",
        setv("accounts", 1, opened_on="2025-02-30"),
        "value.date",
        "accounts",
        "accounts.csv",
        3,
        "opened_on",
    ),
    Case(
        "bad-amount",
        setv("balances", 4, balance="1,000.00"),
        "value.amount",
        "balances",
        "balances.csv",
        6,
        "balance",
        "1,000.00",
    ),
    Case(
        "amount-3-digits",
        setv("balances", 0, balance="1000.005"),
        "value.amount_scale",
        "balances",
        "balances.csv",
        2,
        "balance",
        "2 位小数",
    ),
    Case("bad-rate", setv("ftp_rates", 1, rate="2.5%"), "value.rate", "ftp_rates", "ftp_rates.csv", 3, "rate"),
    Case(
        "rate-as-percent",
        setv("accounts", 1, rate="4.35"),
        "value.rate_range",
        "accounts",
        "accounts.csv",
        3,
        "rate",
        "百分数",
    ),
    Case("bad-fx", setv("fx_rates", 0, cny_per_unit="-7.1"), "value.fx", "fx_rates", "fx_rates.csv", 2, "cny_per_unit"),
    Case("bad-share", setv("assignments", 4, share="1.5"), "value.share", "assignments", "assignments.csv", 6, "share"),
    Case(
        "unknown-enum",
        setv("managers", 2, post="teller"),
        "value.enum",
        "managers",
        "managers.csv",
        4,
        "post",
        "teller",
    ),
    Case("unknown-grade", setv("managers", 0, grade="mid_3"), "value.enum", "managers", "managers.csv", 2, "grade"),
    Case(
        "bad-bool",
        add("customers", {"customer_id": "C4", "kind": "personal", "org_id": "S1", "is_agri": "maybe"}),
        "value.bool",
        "customers",
        "customers.csv",
        5,
        "is_agri",
    ),
    Case(
        "bad-currency", setv("accounts", 0, currency="rmb"), "value.currency", "accounts", "accounts.csv", 2, "currency"
    ),
    Case("empty-required", setv("customers", 1, kind=""), "value.required", "customers", "customers.csv", 3, "kind"),
    Case(
        "bad-int", setv("ftp_rates", 1, term_months="12.5"), "value.int", "ftp_rates", "ftp_rates.csv", 3, "term_months"
    ),
    Case(
        "duplicate-key",
        add("balances", {"date": "2025-01-01", "account_id": "A2", "balance": "1"}),
        "key.duplicate",
        "balances",
        "balances.csv",
        8,
        "date",
        "第 3 行",
    ),
    Case(
        "duplicate-customer",
        add("customers", {"customer_id": "C2", "kind": "personal", "org_id": "S2"}),
        "key.duplicate",
        "customers",
        "customers.csv",
        5,
        "customer_id",
    ),
    Case(
        "account-customer",
        setv("accounts", 2, customer_id="C9"),
        "ref.dangling",
        "accounts",
        "accounts.csv",
        4,
        "customer_id",
        "C9",
    ),
    Case(
        "assignment-rm",
        setv("assignments", 1, rm_id="9999"),
        "ref.dangling",
        "assignments",
        "assignments.csv",
        3,
        "rm_id",
        "9999",
    ),
    Case(
        "assignment-customer",
        setv("assignments", 4, customer_id="CX"),
        "ref.dangling",
        "assignments",
        "assignments.csv",
        6,
        "customer_id",
    ),
    Case("manager-org", setv("managers", 1, org_id="S9"), "ref.dangling", "managers", "managers.csv", 3, "org_id"),
    Case(
        "balance-account",
        setv("balances", 2, account_id="A7"),
        "ref.dangling",
        "balances",
        "balances.csv",
        4,
        "account_id",
    ),
    Case(
        "shares-over-1",
        setv("assignments", 1, share="0.5"),
        "assignment.share_over",
        "assignments",
        "assignments.csv",
        2,
        "share",
        "1.1",
    ),
    Case(
        "shares-over-1-later",
        add("assignments", {"customer_id": "C3", "rm_id": "0001", "share": "0.2", "valid_from": "2025-01-01"}),
        "assignment.share_over",
        "assignments",
        "assignments.csv",
        7,
        "share",
        "2025-01-01",
    ),
    Case(
        "valid-to-not-after",
        setv("assignments", 2, valid_to="2024-01-01"),
        "assignment.valid_to",
        "assignments",
        "assignments.csv",
        4,
        "valid_to",
    ),
    Case(
        "balance-before-open",
        setv("balances", 1, date="2024-12-31"),
        "balance.outside_open",
        "balances",
        "balances.csv",
        3,
        "date",
        "A2",
    ),
    Case(
        "balance-after-close",
        add("balances", {"date": "2025-01-03", "account_id": "A3", "balance": "0"}),
        "balance.outside_open",
        "balances",
        "balances.csv",
        8,
        "date",
        "A3",
    ),
    Case(
        "closed-before-open",
        setv("accounts", 2, closed_on="2023-12-31"),
        "account.closed_before_open",
        "accounts",
        "accounts.csv",
        4,
        "closed_on",
    ),
    Case(
        "duplicate-fx-rate",
        setv("fx_rates", 0, date="2025-01-02", cny_per_unit="7.2"),
        "key.duplicate",
        "fx_rates",
        "fx_rates.csv",
        3,
        "date",
    ),
    Case("fx-late", lambda t: t["fx_rates"].pop(0), "fx.missing", "balances", "balances.csv", 4, "date", "USD"),
    Case(
        "fx-none",
        lambda t: t.__setitem__("fx_rates", [{"date": "2024-12-31", "currency": "EUR", "cny_per_unit": "7.9"}]),
        "fx.none",
        "balances",
        "balances.csv",
        4,
        "date",
        "USD",
    ),
    Case(
        "two-heads",
        add("orgs", {"org_id": "H2", "parent_id": "", "name": "另一总行", "level": "head"}),
        "org.head_count",
        "orgs",
        "orgs.csv",
        6,
        "level",
        "2",
    ),
    Case(
        "org-cycle",
        lambda t: t["orgs"].extend(
            [
                {"org_id": "X1", "parent_id": "X2", "name": "甲", "level": "branch", "region_type": "urban"},
                {"org_id": "X2", "parent_id": "X1", "name": "乙", "level": "branch", "region_type": "urban"},
            ]
        ),
        "org.cycle",
        "orgs",
        "orgs.csv",
        6,
        "parent_id",
        "X1 → X2 → X1",
    ),
    Case("org-level-order", setv("orgs", 1, parent_id="S2"), "org.level_order", "orgs", "orgs.csv", 3, "level"),
]


def problems_for(tmp_path: Path, tables: Tables) -> list[Problem]:
    pkg = write_package(tmp_path / "pkg", tables)
    return check_package(pkg, Home(tmp_path / "home"))


def test_minimal_package_is_clean(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, minimal_tables())
    assert [p.render() for p in problems if p.severity is Severity.ERROR] == []


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule(tmp_path: Path, case: Case) -> None:
    tables = minimal_tables()
    case.mutate(tables)
    problems = problems_for(tmp_path, tables)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    matching = [p for p in errors if p.code == case.code]
    assert matching, f"expected {case.code}, got {[p.render() for p in errors]}"
    problem = matching[0]
    assert problem.place.table == case.table
    assert problem.place.file == case.file
    assert problem.place.line == case.line
    assert problem.place.column == case.column
    rendered = problem.render("zh")
    assert case.text in rendered
    if case.line is not None:
        assert f"第 {case.line} 行" in rendered
    if case.file is not None:
        assert case.file in rendered
    # the same problem reads in English too
    assert problem.render("en").startswith("error")
