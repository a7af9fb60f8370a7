"""Pay and the pay ledger from the command line (issue 5 item 2): post, adjust, claw back, ledger, pay sheet."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_cli import rmperf
from tests.cli.test_runs import run_id

SCHEMES = Path(__file__).parents[1] / "schemes"
MINI_PAY = str(SCHEMES / "mini-pay.yaml")
D = Decimal
LEDGER_COLUMNS = ("earned", "held", "deferred", "deferred_spike", "released", "recovered", "paid", "forfeited")


@pytest.fixture(scope="module")
def bank(cli_bank: Callable[[str], Path]) -> Path:
    return cli_bank("pay")


def ok(*args: str, home: Path) -> str:
    done = rmperf(*args, home=home)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def new_run(scheme: str, period: str, home: Path) -> int:
    return run_id(ok("run", "--scheme", scheme, "--period", period, home=home))


def ledger_json(home: Path, **what: str) -> dict[str, Any]:
    args = [item for k, v in what.items() for item in (f"--{k}", v)]
    return json.loads(ok("ledger", *args, "--json", home=home))


def dec(value: Any) -> Decimal:
    """A spreadsheet number (a float) back to fen."""
    return D(str(value)).quantize(D("0.01")) if value not in (None, "") else D("0.00")


def read_sheet(path: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The pay sheet's column keys (from the second header row, or the merged first) and its data rows."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    ws = book.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    book.close()
    top, sub = rows[1], rows[2]
    headers = [str(s if s is not None else t) for t, s in zip(top, sub, strict=True)]
    return headers, rows[3:]


ZH = {
    "earned": "应发合计",
    "held": "风险金计提",
    "deferred": "递延发放",
    "deferred_spike": "其中:年末冲高延迟",
    "released": "释放",
    "recovered": "追回扣款",
    "paid": "实发金额",
    "forfeited": "从风险金/递延扣回",
}


def sheet_totals(path: Path) -> tuple[dict[str, Decimal], dict[str, dict[str, Decimal]], list[dict[str, Any]]]:
    """The bank total row, each sub-branch subtotal, and the RM rows of an XLSX pay sheet (Chinese headers)."""
    headers, rows = read_sheet(path)
    col = {h: i for i, h in enumerate(headers)}
    bank: dict[str, Decimal] = {}
    subtotals: dict[str, dict[str, Decimal]] = {}
    rms: list[dict[str, Any]] = []
    for row in rows:
        label = str(row[col["客户经理编号"]])
        values = {k: dec(row[col[h]]) for k, h in ZH.items()}
        if label == "全行合计":
            bank = values
        elif label.endswith(" 小计"):
            subtotals[label] = values
        else:
            rms.append({"rm_id": label, "adjustment_reason": row[col["调整理由"]], **values})
    return bank, subtotals, rms


def check_sheet_against_ledger(path: Path, home: Path, run: int) -> list[dict[str, Any]]:
    bank, subtotals, rms = sheet_totals(path)
    posted = ledger_json(home, run=str(run))
    total = posted["total"]
    # the sheet's bank totals are the ledger's balances of the posting
    for key in LEDGER_COLUMNS:
        assert bank[key] == D(total[key]), key
        assert sum((s[key] for s in subtotals.values()), D(0)) == bank[key], key
        assert sum((r[key] for r in rms), D(0)) == bank[key], key
    # and each RM's row is the ledger's: gross − held − deferred + released − clawed back = net payable
    for r in rms:
        mine = posted["per_rm"][r["rm_id"]]
        for key in LEDGER_COLUMNS:
            assert r[key] == D(mine[key]), (r["rm_id"], key)
        assert r["earned"] - r["held"] - r["deferred"] + r["released"] - r["recovered"] == r["paid"]
    return rms


def audit_actions(home: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(home / "rmperf.sqlite3") as con:
        return con.execute("SELECT action, actor, reason FROM rmperf_auditevent ORDER BY id").fetchall()


def test_retail_wealth_pay_is_posted_once_and_its_sheet_reconciles(bank: Path, tmp_path: Path) -> None:
    run = new_run("retail-wealth-2007", "2025", bank)
    first = ok("pay", "--run", str(run), home=bank)
    assert "薪酬已记账(retail-wealth-2007@2025)" in first
    before = ledger_json(bank, run=str(run))
    again = ok("pay", "--run", str(run), home=bank)
    assert "台账未变化" in again
    assert ledger_json(bank, run=str(run)) == before
    out = tmp_path / "pay.xlsx"
    done = ok("paysheet", "--run", str(run), "--format", "xlsx", "--out", str(out), home=bank)
    assert "与台账一致" in done
    rms = check_sheet_against_ledger(out, bank, run)
    assert rms
    total = before["total"]
    # 003's scheme holds nothing back: everything earned is paid
    assert D(total["earned"]) == D(total["paid"]) > 0
    assert ("pay.post", "", "") not in audit_actions(bank)  # every posting names who did it
    assert sum(1 for a in audit_actions(bank) if a[0] == "pay.post") == 1


def test_post_adjust_claw_back_and_the_sheet(bank: Path, tmp_path: Path) -> None:
    q1 = new_run(MINI_PAY, "2025-Q1", bank)
    posted = ok("pay", "--run", str(q1), "--user", "考核办", home=bank)
    assert "薪酬已记账(mini-pay@2025-Q1)" in posted
    assert "其中更正 0 条" in posted
    balances = ledger_json(bank, run=str(q1))
    total = balances["total"]
    # 15 % of performance pay held back; 40 % deferred for the key risk posts (corporate, inclusive)
    assert D(total["held"]) > 0
    assert D(total["deferred"]) > 0
    for rm, b in balances["per_rm"].items():
        assert D(b["earned"]) == D(b["paid"]) + D(b["held"]) + D(b["deferred"]) - D(b["released"]) + D(b["recovered"])
        for value in b.values():
            assert D(value).as_tuple().exponent == -2, (rm, value)
    corporate = "R00002"  # the tiny bank's corporate RM
    r2 = ledger_json(bank, rm=corporate)
    tranches = [e for e in r2["entries"] if e["kind"] == "deferred"]
    assert [e["due"] for e in tranches] == ["2026-03-31", "2027-03-31", "2028-03-31"]
    assert sum(D(e["amount"]) for e in tranches) == D(r2["balances"]["deferred"])
    reserve = [e for e in r2["entries"] if e["kind"] == "held"]
    assert [e["due"] for e in reserve] == ["2028-03-31", "2029-03-31", "2030-03-31"]

    # the sub-branch's adjustment of maintenance pay: a reason, within ±50 %
    beyond = rmperf("adjust", "--run", str(q1), "--rm", corporate, "--share", "0.6", "--reason", "协作", home=bank)
    assert beyond.returncode == 1
    assert "超出 ±50%" in beyond.stderr
    no_reason = rmperf("adjust", "--run", str(q1), "--rm", corporate, "--share", "0.2", home=bank)
    assert no_reason.returncode == 1
    assert "必须写明理由" in no_reason.stderr
    adjusted = ok(
        "adjust",
        "--run",
        str(q1),
        "--rm",
        corporate,
        "--share",
        "0.5",
        "--reason",
        "团队协作突出",
        "--by",
        "张行长",
        home=bank,
    )
    assert "已记录支行调整" in adjusted
    assert "更正分录" in adjusted  # the run was posted: the re-post is a correction
    after = ledger_json(bank, rm=corporate)
    corrections = [e for e in after["entries"] if e["reason"] == "correction"]
    assert corrections
    assert {e["kind"] for e in corrections} >= {"earned", "paid"}
    raised = D(after["balances"]["earned"]) - D(r2["balances"]["earned"])
    assert raised > 0
    assert sum(D(e["amount"]) for e in corrections if e["kind"] == "earned") == raised
    # the entries written before are untouched: corrections are new entries
    assert after["entries"][: len(r2["entries"])] == r2["entries"]
    # posting again changes nothing
    assert "台账未变化" in ok("pay", "--run", str(q1), home=bank)

    # clawbacks: the reason and who approved are required
    refused = rmperf("clawback", "--rm", corporate, "--amount", "500", "--reason", "重述", home=bank)
    assert refused.returncode == 1
    assert "批准人" in refused.stderr
    ok(
        "clawback",
        "--rm",
        corporate,
        "--amount",
        "500",
        "--reason",
        "一季度存款数据重述",
        "--approved-by",
        "李主任",
        "--on",
        "2025-04-10",
        home=bank,
    )
    inclusive = "R00003"
    npl = ok(
        "clawback",
        "--rm",
        inclusive,
        "--from",
        "reserve",
        "--reason",
        "贷款 L123 不良,认定客户经理责任",
        "--approved-by",
        "风险管理委员会",
        "--ref",
        "L123",
        "--on",
        "2025-04-10",
        home=bank,
    )
    assert "分 3 期" in npl  # the scheme's clawback_instalments
    too_much = rmperf(
        "clawback",
        "--rm",
        inclusive,
        "--from",
        "reserve",
        "--amount",
        "1",
        "--reason",
        "r",
        "--approved-by",
        "a",
        home=bank,
    )
    assert too_much.returncode == 1
    assert "不足" in too_much.stderr
    orders = [e for e in ledger_json(bank, rm=inclusive)["entries"] if e["kind"] == "clawback"]
    assert [e["due"] for e in orders] == ["2025-04-10", "2025-07-10", "2025-10-10"]
    assert {e["approval"] for e in orders} == {"风险管理委员会"}

    # the next quarter's posting meets what fell due
    q2 = new_run(MINI_PAY, "2025-Q2", bank)
    ok("pay", "--run", str(q2), home=bank)
    q2_balances = ledger_json(bank, run=str(q2))
    assert D(q2_balances["per_rm"][corporate]["recovered"]) == D("500.00")
    assert D(q2_balances["per_rm"][inclusive]["forfeited"]) == D(orders[0]["amount"])
    mine = ledger_json(bank, rm=inclusive)["balances"]
    assert D(mine["pending_clawback"]) == sum(D(e["amount"]) for e in orders[1:])
    assert D(mine["outstanding_reserve"]) == D(mine["held"]) - D(mine["forfeited_reserve"])

    # the pay sheets reconcile to the ledger, per RM, per sub-branch and for the bank
    sheet_q2 = tmp_path / "q2.xlsx"
    ok("paysheet", "--run", str(q2), "--out", str(sheet_q2), home=bank)
    check_sheet_against_ledger(sheet_q2, bank, q2)
    sheet_q1 = tmp_path / "q1.xlsx"
    ok("paysheet", "--run", str(q1), "--format", "xlsx", "--out", str(sheet_q1), home=bank)
    rows = check_sheet_against_ledger(sheet_q1, bank, q1)
    assert next(r for r in rows if r["rm_id"] == corporate)["adjustment_reason"] == "团队协作突出"
    # CSV: exact decimals, the same totals
    sheet_csv = tmp_path / "q1.csv"
    ok("paysheet", "--run", str(q1), "--format", "csv", "--out", str(sheet_csv), home=bank)
    with sheet_csv.open(encoding="utf-8-sig") as fh:
        table = list(csv.DictReader(fh))
    bank_row = next(r for r in table if r["行类型"] == "bank")
    q1_total = ledger_json(bank, run=str(q1))["total"]
    for key, header in ZH.items():
        assert bank_row[header] == q1_total[key]

    # the audit trail: who did what and why
    actions = audit_actions(bank)
    assert ("pay.adjust", "张行长", "团队协作突出") in actions
    assert ("pay.clawback", next(a[1] for a in actions if a[0] == "pay.clawback"), "一季度存款数据重述") in actions
    assert sum(1 for a in actions if a[0] == "pay.post") >= 4

    # a corrected run of the same scheme and period posts the differences; the old run's sheet is refused
    q1b = new_run(MINI_PAY, "2025-Q1", bank)
    done = rmperf("pay", "--run", str(q1b), home=bank)
    assert done.returncode == 0, done.stderr
    reposted = done.stdout + done.stderr
    assert "更正" in reposted
    old = rmperf("paysheet", "--run", str(q1), "--out", str(tmp_path / "old.xlsx"), home=bank)
    assert old.returncode == 1
    assert f"--run {q1b}" in old.stderr
    # the committee's adjustment is about the person and the period: it carries over, and says so
    assert "沿用批次" in reposted
    assert corporate in reposted
    assert D(ledger_json(bank, rm=corporate)["balances"]["earned"]) == D(after["balances"]["earned"]) + D(
        q2_balances["per_rm"][corporate]["earned"]
    )
    # taken back explicitly, it is reversed by a correction
    withdrawn = ok(
        "adjust", "--run", str(q1b), "--rm", corporate, "--withdraw", "--reason", "复核后不再调整", home=bank
    )
    assert "已撤回支行调整" in withdrawn
    assert D(ledger_json(bank, rm=corporate)["balances"]["earned"]) == D(r2["balances"]["earned"]) + D(
        q2_balances["per_rm"][corporate]["earned"]
    )
    assert ("pay.adjust_withdraw", "复核后不再调整") in {(a[0], a[2]) for a in audit_actions(bank)}


def test_ledger_history_is_shown_in_chinese(bank: Path) -> None:
    shown = ok("ledger", "--rm", "R00002", home=bank)
    assert "客户经理 R00002 薪酬台账" in shown
    assert "风险金计提" in shown
    assert "风险金余额" in shown
    english = ok("--lang", "en", "ledger", "--rm", "R00002", home=bank)
    assert "pay ledger of RM R00002" in english


def test_the_reserve_is_released_early_when_the_loans_mature_clean(bank: Path) -> None:
    refused = rmperf("release", "--rm", "R00005", "--reason", "贷款到期收回,无不良", home=bank)
    assert refused.returncode == 1
    assert "批准人" in refused.stderr
    before = ledger_json(bank, rm="R00005")["balances"]
    assert D(before["outstanding_reserve"]) > 0
    done = ok("release", "--rm", "R00005", "--reason", "贷款到期收回,无不良", "--approved-by", "风控部", home=bank)
    assert f"已释放并发放 {D(before['outstanding_reserve']):,.2f} 元" in done
    after = ledger_json(bank, rm="R00005")["balances"]
    assert D(after["outstanding_reserve"]) == 0
    assert D(after["paid"]) == D(before["paid"]) + D(before["outstanding_reserve"])
    assert D(after["earned"]) == D(after["paid"]) + D(after["held"]) + D(after["deferred"]) - D(after["released"]) + D(
        after["recovered"]
    )
    assert [r for a, _, r in audit_actions(bank) if a == "pay.release"] == ["贷款到期收回,无不良"]


def test_a_run_not_posted_has_no_sheet(bank: Path, tmp_path: Path) -> None:
    run = new_run(MINI_PAY, "2025-Q3", bank)
    done = rmperf("paysheet", "--run", str(run), "--out", str(tmp_path / "x.xlsx"), home=bank)
    assert done.returncode == 1
    assert f"rmperf pay --run {run}" in done.stderr
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.django_db
def test_ledger_rows_are_append_only() -> None:
    from datetime import UTC, date, datetime

    from rmperf.db.models import LedgerEntry, PayAdjustment, PayPosting

    row = LedgerEntry.objects.create(
        store="s",
        rm_id="R1",
        cycle="2025-Q1",
        kind="earned",
        amount_fen=12345,
        on=date(2025, 3, 31),
        reason="pay",
        posting="x@2025-Q1",
        key="x@2025-Q1|R1|earned",
        created_at=datetime.now(UTC),
        created_by="t",
    )
    row.amount_fen = 1
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    for model in (LedgerEntry, PayPosting, PayAdjustment):
        with pytest.raises(PermissionError):
            model.objects.all().update(id=1)
        with pytest.raises(PermissionError):
            model.objects.all().delete()
    from rmperf.pay.service import entry_of

    assert entry_of(LedgerEntry.objects.get(pk=row.pk)).amount == D("123.45")


def test_a_year_end_spike_is_deferred_and_shown_as_such(bank: Path, tmp_path: Path) -> None:
    run = new_run(MINI_PAY, "2025-Q4", bank)
    bad = tmp_path / "bad.csv"
    bad.write_text("rm_id,increase\nR00001,10\n", encoding="utf-8")
    refused = rmperf("pay", "--run", str(run), "--spikes", str(bad), home=bank)
    assert refused.returncode == 1
    assert "年末冲高表" in refused.stderr
    spikes = tmp_path / "spikes.csv"
    # R00001's period-end point increase of 1,000,000, of which 400,000 ran off within the window
    spikes.write_text("rm_id,increase,reversed\nR00001,1000000,400000\n", encoding="utf-8")
    ok("pay", "--run", str(run), "--spikes", str(spikes), home=bank)
    entries = ledger_json(bank, rm="R00001")["entries"]
    spike = [e for e in entries if e["pool"] == "spike" and e["kind"] == "deferred"]
    assert len(spike) == 1
    assert spike[0]["reason"] == "spike"
    assert spike[0]["due"] == "2026-01-01"  # released by the next cycle's posting
    held = sum(D(e["amount"]) for e in entries if e["kind"] == "held" and e["posting"] == "mini-pay@2025-Q4")
    # 40 % of the performance pay (the reserve is 15 % of it): 0.4 / 0.15 of the reserve, to a few fen
    assert abs(D(spike[0]["amount"]) - held * D("0.4") / D("0.15")) < D("0.10")
    # posting again without the file keeps the spikes it was given
    assert "台账未变化" in ok("pay", "--run", str(run), home=bank)
    out = tmp_path / "q4.xlsx"
    ok("paysheet", "--run", str(run), "--out", str(out), home=bank)
    rows = check_sheet_against_ledger(out, bank, run)
    assert next(r for r in rows if r["rm_id"] == "R00001")["deferred_spike"] == D(spike[0]["amount"])
