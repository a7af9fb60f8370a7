"""Limits on money commands and on schemes, and separation of duties (issue 12, item 5).

An office officer (考核办, login ``考核办王``) enters clawbacks and releases; the risk committee's head
(风控部李主任) approves them. Nothing an officer types — an instalment count, a share, an amount, a
formula or a YAML file — can write thousands of entries, overflow, recurse or run forever: each is
refused with a message, and the ledger is unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from rmperf.core.scheme import SchemeError, load_scheme
from tests.cli.test_cli import rmperf
from tests.cli.test_pay_cli import MINI_PAY, ledger_json, new_run, ok
from tests.core.test_scheme_formula import SCHEME

OFFICER = "考核办王"
APPROVER = "风控部李主任"
SECOND = "行长张"
CORPORATE = "R00002"


RUN: dict[Path, int] = {}


@pytest.fixture(scope="module")
def bank(cli_bank: Callable[[str], Path]) -> Path:
    home = cli_bank("limits")
    RUN[home] = new_run(MINI_PAY, "2025-Q1", home)
    ok("pay", "--run", str(RUN[home]), "--user", OFFICER, home=home)
    return home


def entries(home: Path) -> int:
    return len(ledger_json(home, rm=CORPORATE)["entries"])


def clawback(home: Path, *args: str, approved_by: str = APPROVER, user: str = OFFICER) -> tuple[int, str]:
    done = rmperf(
        "clawback",
        "--reason",
        "数据重述",
        "--approved-by",
        approved_by,
        "--user",
        user,
        "--on",
        "2025-04-10",
        *args,
        home=home,
    )
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("count", ["0", "-1", "37", "100000"])
def test_instalments_are_one_to_thirty_six(bank: Path, count: str) -> None:
    before = entries(bank)
    code, said = clawback(bank, "--rm", CORPORATE, "--amount", "10", "--instalments", count)
    assert code == 1
    assert "分期数须在 1 到 36 之间" in said
    assert entries(bank) == before


def test_thirty_six_instalments_are_taken(bank: Path) -> None:
    code, said = clawback(bank, "--rm", CORPORATE, "--amount", "3.60", "--instalments", "36", "--every", "1")
    assert code == 0, said
    orders = [e for e in ledger_json(bank, rm=CORPORATE)["entries"] if e["kind"] == "clawback"]
    assert len(orders) == 36
    assert orders[-1]["due"] == "2028-03-10"


def test_a_clawback_of_an_rm_that_does_not_exist_is_refused(bank: Path) -> None:
    code, said = clawback(bank, "--rm", "R99999", "--amount", "10")
    assert code == 1
    assert "客户经理 R99999 不在数据中" in said
    assert ledger_json(bank, rm="R99999")["entries"] == []


def test_nobody_approves_their_own_clawback_or_release(bank: Path) -> None:
    before = entries(bank)
    code, said = clawback(bank, "--rm", CORPORATE, "--amount", "10", approved_by=OFFICER)
    assert code == 1
    assert "不能批准自己录入的扣回" in said
    # the same person written with other spacing or case is the same person
    code, said = clawback(bank, "--rm", CORPORATE, "--amount", "10", approved_by=" Wang  Li ", user="wang li")
    assert code == 1
    assert "不能批准自己录入的扣回" in said
    # a second approver is a third person
    code, said = clawback(bank, "--rm", CORPORATE, "--amount", "10", "--override-approved-by", APPROVER)
    assert code == 1
    assert "不能批准自己录入的扣回" in said
    released = rmperf(
        "release", "--rm", CORPORATE, "--reason", "贷款到期收回", "--approved-by", OFFICER, "--user", OFFICER, home=bank
    )
    assert released.returncode == 1
    assert "不能批准自己录入的释放" in released.stderr
    assert entries(bank) == before


def test_a_clawback_against_pay_is_capped_by_what_the_rm_earned(bank: Path) -> None:
    """At most what the RM earned in the last 36 months, less the orders already made, unless a second
    approver (a third person) agrees to more."""
    balances = ledger_json(bank, rm=CORPORATE)
    earned = sum(Decimal(e["amount"]) for e in balances["entries"] if e["kind"] == "earned")
    beyond = format(earned * 3, "f")
    before = entries(bank)
    code, said = clawback(bank, "--rm", CORPORATE, "--amount", beyond)
    assert code == 1
    assert "超过客户经理 R00002 近 36 个月已发放的绩效薪酬" in said
    assert "--override-approved-by" in said
    assert entries(bank) == before
    code, said = clawback(bank, "--rm", CORPORATE, "--amount", beyond, "--override-approved-by", SECOND)
    assert code == 0, said
    orders = [e for e in ledger_json(bank, rm=CORPORATE)["entries"] if e["kind"] == "clawback"]
    assert f"{APPROVER}; {SECOND}" in {e["approval"] for e in orders}
    # the orders now exceed what was earned: even a small clawback needs the second approver
    code, said = clawback(bank, "--rm", CORPORATE, "--amount", "1")
    assert code == 1
    assert "绩效薪酬 0.00 元" in said


@pytest.mark.parametrize("share", ["1e309", "-1e309", "1e-30", "123456789012345"])
def test_huge_and_tiny_numbers_are_refused_with_a_message(bank: Path, share: str) -> None:
    done = rmperf("adjust", "--run", str(RUN[bank]), "--rm", CORPORATE, "--share", share, "--reason", "r", home=bank)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "超出范围" in done.stderr


def test_a_huge_amount_is_refused(bank: Path) -> None:
    code, said = clawback(bank, "--rm", CORPORATE, "--amount", "1e309")
    assert code == 1
    assert "超出范围" in said


def codes(text: str) -> set[str]:
    with pytest.raises(SchemeError) as caught:
        load_scheme(text)
    return {p.code for p in caught.value.problems}


@pytest.mark.parametrize("literal", ["1e999999999", "1e15", "0.1234567890123456789", "99999999999999999999"])
def test_a_formula_literal_out_of_range_is_refused_at_load(literal: str) -> None:
    assert "scheme.number_range" in codes(SCHEME.format(custom=f"  big: dep * {literal}\n"))


def test_a_scheme_number_out_of_range_is_refused_at_load() -> None:
    for number in ("1e999999999", "1.0e+999999999", "'-1e20'", "9" * 5000):
        text = SCHEME.format(custom="  ok: dep * 2\n").replace("target: 1,", f"target: {number},")
        with pytest.raises(SchemeError) as caught:
            load_scheme(text)
        (problem,) = caught.value.problems
        assert problem.code == "scheme.number_range"
        assert problem.line == 16  # the line of the target
        assert "超出范围" in problem.render("zh")


@pytest.mark.parametrize("terms", [20_000, 700])
def test_a_formula_beyond_the_size_limit_is_refused_at_load(terms: int) -> None:
    formula = " + ".join(["dep"] * terms)
    found = codes(SCHEME.format(custom=f"  long: {formula}\n"))
    assert found & {"scheme.formula_too_long", "scheme.formula_too_complex"}


def test_a_deeply_nested_formula_is_refused_not_a_recursion_error() -> None:
    for formula in ("(" * 300 + "dep" + ")" * 300, "abs(" * 250 + "dep" + ")" * 250, "-" * 700 + "dep"):
        assert "scheme.formula_too_complex" in codes(SCHEME.format(custom=f"  deep: {formula}\n")), formula[:10]


def test_a_formula_within_the_limits_loads() -> None:
    formula = " + ".join(["dep * 0.5"] * 60)
    load_scheme(SCHEME.format(custom=f"  fine: {formula}\n"))


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 10) + "]")
    text = SCHEME.format(custom="  ok: dep * 2\n") + "\n".join(lines) + "\n"
    started = time.perf_counter()
    assert "scheme.yaml_aliases" in codes(text)
    assert time.perf_counter() - started < 2
    assert "scheme.yaml_aliases" in codes("id: &x [*x]\n")


def test_a_scheme_file_beyond_a_mebibyte_is_refused() -> None:
    text = SCHEME.format(custom="  ok: dep * 2\n") + "# " + "x" * (1 << 20) + "\n"
    assert codes(text) == {"scheme.file_too_large"}
