"""A corrected run and the committee's decisions (issue 11 items 1, 2 and 9).

The sub-branch's adjustment of maintenance pay (003 附件5) is a decision about the person and the
period: a corrected run of the same scheme and period pays it too and says so, until the committee
withdraws it; 003's form shows it; and a diff of two runs shows every difference in pay.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from tests.cli.test_cli import rmperf
from tests.cli.test_pay_cli import MINI_PAY, new_run, ok

D = Decimal
RM = "R00002"  # the tiny bank's corporate RM


@pytest.fixture(scope="module")
def bank(cli_bank: Callable[[str], Path]) -> Path:
    return cli_bank("corrections")


def sheet_row(home: Path, run: int, tmp: Path) -> dict[str, str]:
    out = tmp / f"sheet-{run}.csv"
    ok("paysheet", "--run", str(run), "--format", "csv", "--out", str(out), home=home)
    with out.open(encoding="utf-8-sig") as fh:
        return next(r for r in csv.DictReader(fh) if r["客户经理编号"] == RM)


def test_a_corrected_run_keeps_the_adjustment_until_it_is_withdrawn(bank: Path, tmp_path: Path) -> None:
    first = new_run(MINI_PAY, "2025-Q1", bank)
    ok("adjust", "--run", str(first), "--rm", RM, "--share", "-0.2", "--reason", "协作不足", "--by", "李行长",
       home=bank)  # fmt: skip
    ok("pay", "--run", str(first), home=bank)
    before = sheet_row(bank, first, tmp_path)
    assert D(before["支行调整"]) < 0
    assert before["调整理由"] == "协作不足"

    # the office corrects the run (another agricultural-loan target): the adjustment stands, and says so
    targets = tmp_path / "targets.csv"
    targets.write_text(f"rm_id,item,target\n{RM},agri,2000000\n", encoding="utf-8")
    corrected = run_id_of(rmperf("run", "--scheme", MINI_PAY, "--period", "2025-Q1", "--targets", str(targets),
                                 home=bank))  # fmt: skip
    done = rmperf("pay", "--run", str(corrected), home=bank)
    assert done.returncode == 0, done.stderr
    assert f"客户经理 {RM} 的支行调整沿用批次 {first} 的记录" in done.stderr
    after = sheet_row(bank, corrected, tmp_path)
    assert D(after["支行调整"]) < 0  # 20 % of the corrected run's maintenance pay
    assert after["调整理由"] == "协作不足"
    maintenance = D(after["绩效工资"]) - D(before["绩效工资"])  # the unit price part moved with the score
    assert maintenance != 0

    # 003 附件5 as the workbook prints it: the adjustment and the final pay are filled in
    from openpyxl import load_workbook

    book_path = tmp_path / "run.xlsx"
    ok("results", "--run", str(corrected), "--format", "xlsx", "--out", str(book_path), home=bank)
    book = load_workbook(book_path)
    unit = book["支行考评表"]
    header = next(r for r in unit.iter_rows(values_only=True) if r and "支行调整维护绩效(元)" in r)
    rows = [r for r in unit.iter_rows(values_only=True) if r and RM in r]
    assert rows
    line = dict(zip(header, rows[0], strict=False))
    assert D(str(line["支行调整维护绩效(元)"])).quantize(D("0.01")) == D(after["支行调整"])
    assert line["最终实际核发绩效(元)"] is not None
    form_text = " ".join(str(c) for r in book["考核表"].iter_rows(values_only=True) for c in r if c is not None)
    assert "协作不足" in form_text
    assert f"沿用批次 {first} 记录的调整" in form_text

    # withdrawn: the correction reverses it
    ok("adjust", "--run", str(corrected), "--rm", RM, "--withdraw", "--reason", "复核后不再调整", home=bank)
    gone = sheet_row(bank, corrected, tmp_path)
    assert D(gone["支行调整"]) == 0


def run_id_of(done: object) -> int:
    assert done.returncode == 0, done.stderr  # type: ignore[attr-defined]
    return int(done.stdout.strip().splitlines()[-1])  # type: ignore[attr-defined]


def test_a_carried_amount_beyond_the_new_limit_asks_the_committee(bank: Path, tmp_path: Path) -> None:
    first = new_run(MINI_PAY, "2025", bank)
    ok("adjust", "--run", str(first), "--rm", RM, "--share", "0.5", "--reason", "贡献突出", home=bank)
    ok("pay", "--run", str(first), home=bank)
    amount = D(sheet_row(bank, first, tmp_path)["支行调整"])  # exactly 50 % of this run's maintenance pay
    assert amount > 0
    ok("adjust", "--run", str(first), "--rm", RM, "--amount", str(amount), "--reason", "贡献突出(按金额)", home=bank)
    # a corrected run with a far higher deposit target (a corrected memo): less maintenance pay, so the
    # same amount is now beyond ±50 % of it
    text = Path(MINI_PAY).read_text(encoding="utf-8")
    assert "base: 100, factor: 0.5" in text
    fixed = tmp_path / "mini-pay.yaml"
    fixed.write_text(text.replace("base: 100, factor: 0.5", "base: 100000, factor: 0.5"), encoding="utf-8")
    corrected = run_id_of(rmperf("run", "--scheme", str(fixed), "--period", "2025", home=bank))
    done = rmperf("pay", "--run", str(corrected), home=bank)
    assert done.returncode == 1
    assert f"在批次 {first} 记录的支行调整" in done.stderr
    assert "请支行确认该调整是否仍然有效" in done.stderr
    assert "Traceback" not in done.stderr


def test_diff_shows_runs_that_differ_only_in_pay(bank: Path, tmp_path: Path) -> None:
    a = new_run(MINI_PAY, "2025-Q1", bank)
    text = Path(MINI_PAY).read_text(encoding="utf-8")
    other = tmp_path / "mini-pay-60.yaml"
    other.write_text(
        text.replace("unit_price: [{value: 50, ref: 测试银发〔2024〕9号 每分50元}]", "unit_price: 60"), encoding="utf-8"
    )
    b = new_run(str(other), "2025-Q1", bank)
    shown = ok("diff", str(a), str(b), home=bank)
    assert "两次计算结果完全相同" not in shown
    assert "得分与排名相同,但薪酬不同" in shown
    assert "按分计酬(得分 × 单价)" in shown
    same = ok("diff", str(a), str(a), home=bank)
    assert "两次计算结果完全相同" in same
    assert "0 名客户经理的薪酬有变化" in same
