"""CLI commands of pay and the pay ledger: ``pay``, ``adjust``, ``clawback``, ``release``, ``ledger``, ``paysheet``.

Each parses its options, calls one service of :mod:`rmperf.services.pay`, and renders what it returns
with the ledger's words (``rmperf.core.pay.ledger``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table as RichTable

from rmperf import i18n
from rmperf.cli.base import app, console, ctx, err_console, print_note, print_scheme_error, zh_en
from rmperf.core.pay.ledger import BALANCE_WORDS, REASON_WORDS, entry_word, word

if TYPE_CHECKING:
    from rmperf.pay.paysheet import PaySheet
    from rmperf.services.pay import Posted


def _w(key: str) -> str:
    return word(BALANCE_WORDS, key, i18n.get_language())


@contextmanager
def _refusals() -> Iterator[None]:
    """Print a refused action's reasons in the user's language and exit 1."""
    from rmperf.core.scheme import SchemeError
    from rmperf.core.scoring import ScoringError
    from rmperf.errors import UserError

    try:
        yield
    except UserError as error:
        err_console.print(error.render(), style="red", highlight=False, markup=False)
        raise typer.Exit(1) from None
    except ScoringError as error:  # PayError from the pay rules
        err_console.print(error.render(), style="red", highlight=False, markup=False)
        raise typer.Exit(1) from None
    except SchemeError as error:
        print_scheme_error(error)
        raise typer.Exit(1) from None


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _totals_table(title: str, b: Any) -> RichTable:
    table = RichTable(title=title, show_header=False)
    for key in ("earned", "held", "deferred", "deferred_spike", "released", "recovered", "paid", "forfeited"):
        table.add_row(_w(key), _money(getattr(b, key)))
    return table


@app.command("pay")
def pay_cmd(
    run: Annotated[int, typer.Option("--run", help="run id")],
    pool: Annotated[
        list[str] | None, typer.Option("--pool", help="a bonus pool: ORG=AMOUNT (or bank=AMOUNT); repeatable")
    ] = None,
    spikes: Annotated[
        str | None,
        typer.Option(
            "--spikes",
            help="year-end spikes: 'auto' (measured by the engine over the scheme's spike window) "
            "or a table rm_id, increase, reversed[, pay] (CSV/XLSX)",
        ),
    ] = None,
    statuses: Annotated[
        Path | None,
        typer.Option(
            "--statuses",
            help="pay statuses the office approved: rm_id, status (grace|living_allowance|probation|normal), "
            "or an approved grades table (rmperf grades --out)",
        ),
    ] = None,
    user: Annotated[str | None, typer.Option("--user")] = None,
) -> None:
    """计算薪酬并记账 / compute a run's pay and post it to the pay ledger (once)."""
    from rmperf.runs.service import Upload
    from rmperf.services import pay

    with _refusals():
        context = ctx(user)
        posted = pay.post(
            context,
            run,
            pools=pay.parse_pools(pool),
            spikes=spikes if spikes in (None, "auto") else Upload.from_path(Path(str(spikes))),
            statuses=Upload.from_path(statuses) if statuses is not None else None,
        )
    print_posted(run, posted)


def print_posted(run: int, posted: Posted) -> None:
    """What a posting did (or that it found the same figures posted), and the cycle's totals."""
    outcome = posted.outcome
    for note in posted.notes:
        print_note(note)
    if outcome.created:
        corrections = sum(1 for e in outcome.entries if e.reason == "correction")
        console.print(
            zh_en(
                f"批次 {run} 的薪酬已记账({outcome.posting}):{len(outcome.lines)} 名客户经理,"
                f"{len(outcome.entries)} 条台账分录(其中更正 {corrections} 条)",
                f"run {run}'s pay posted ({outcome.posting}): {len(outcome.lines)} RMs, "
                f"{len(outcome.entries)} ledger entries ({corrections} corrections)",
            )
        )
    else:
        console.print(
            zh_en(
                f"批次 {run} 的薪酬已按相同数据记账({outcome.posting}),台账未变化",
                f"run {run}'s pay is already posted with the same figures ({outcome.posting}); the ledger is unchanged",
            )
        )
    console.print(
        _totals_table(zh_en(f"{outcome.cycle} 薪酬台账合计", f"{outcome.cycle} ledger totals"), outcome.balances.total)
    )


@app.command("adjust")
def adjust_cmd(
    run: Annotated[int, typer.Option("--run", help="run id")],
    rm: Annotated[str, typer.Option("--rm", help="the RM whose maintenance pay is adjusted")],
    reason: Annotated[str, typer.Option("--reason", help="why (required; shown on the form)")] = "",
    amount: Annotated[str | None, typer.Option("--amount", help="yuan, + or −")] = None,
    share: Annotated[
        str | None, typer.Option("--share", help="a share of the maintenance pay, e.g. 0.2 or -0.1")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="who decided (default: the login name)")] = None,
    withdraw: Annotated[
        bool, typer.Option("--withdraw", help="the adjustment in force (own or carried over) no longer stands")
    ] = False,
) -> None:
    """支行调整维护绩效 / record the sub-branch's adjustment of an RM's maintenance pay (±50 % at most)."""
    from rmperf.pay.service import parse_decimal
    from rmperf.services import pay

    context = ctx(by)
    who = context.actor.user_id
    with _refusals():
        reposted = pay.adjust(
            context,
            run,
            rm,
            amount=parse_decimal(amount, "--amount") if amount is not None else None,
            share=parse_decimal(share, "--share") if share is not None else None,
            reason=reason,
            withdraw=withdraw,
        )
    given = f"{amount}" if amount is not None else f"{share} ×"
    if withdraw:
        console.print(
            zh_en(
                f"已撤回支行调整:批次 {run},客户经理 {rm},理由:{reason.strip()}(撤回人 {who})",
                f"adjustment withdrawn: run {run}, RM {rm}, reason: {reason.strip()} (by {who})",
            ),
            highlight=False,
            markup=False,
        )
    else:
        console.print(
            zh_en(
                f"已记录支行调整:批次 {run},客户经理 {rm},{given},理由:{reason.strip()}(调整人 {who})",
                f"adjustment recorded: run {run}, RM {rm}, {given}, reason: {reason.strip()} (by {who})",
            ),
            highlight=False,
            markup=False,
        )
    if reposted is not None and reposted.created:
        console.print(
            zh_en(
                f"已重新记账:{len(reposted.entries)} 条更正分录",
                f"re-posted: {len(reposted.entries)} correction entries",
            )
        )
    elif reposted is None:
        console.print(
            zh_en("该批次尚未记账;记账时按此调整计算", "the run is not posted yet; posting will use this adjustment"),
            style="dim",
        )


@app.command("clawback")
def clawback_cmd(
    rm: Annotated[str, typer.Option("--rm")],
    reason: Annotated[str, typer.Option("--reason", help="why (required)")] = "",
    approved_by: Annotated[str, typer.Option("--approved-by", help="who approved it (required)")] = "",
    amount: Annotated[
        str | None, typer.Option("--amount", help="yuan; with --from reserve, default: all the reserve")
    ] = None,
    instalments: Annotated[
        int | None, typer.Option("--instalments", help="instalments (default 1; the scheme's for --from reserve)")
    ] = None,
    source: Annotated[
        str,
        typer.Option(
            "--from",
            help="pay (future pay), deferral (unreleased tranches, then pay) or reserve (a non-performing loan)",
        ),
    ] = "pay",
    every: Annotated[int, typer.Option("--every", help="months between instalments")] = 3,
    ref: Annotated[str, typer.Option("--ref", help="a loan, a restated run, a case number")] = "",
    on: Annotated[str | None, typer.Option("--on", help="first instalment due, YYYY-MM-DD (default today)")] = None,
    override_approved_by: Annotated[
        str,
        typer.Option(
            "--override-approved-by",
            help="a second approver (a third person) for a clawback beyond what the RM earned in 36 months",
        ),
    ] = "",
    user: Annotated[str | None, typer.Option("--user", help="who enters it (default: the login name)")] = None,
) -> None:
    """追索扣回 / claw back pay: from future pay, unreleased deferrals, or the risk reserve (in instalments)."""
    from rmperf.pay.service import LedgerError, parse_decimal
    from rmperf.services import pay

    with _refusals():
        when = None
        if on:
            try:
                when = date.fromisoformat(on)
            except ValueError:
                raise LedgerError("ledger.not_date", {"value": on}) from None
        new = pay.clawback(
            ctx(user),
            rm,
            parse_decimal(amount, "--amount") if amount is not None else None,
            reason=reason,
            approved_by=approved_by,
            source=source,
            instalments=instalments,
            every_months=every,
            ref=ref,
            on=when,
            override_approved_by=override_approved_by,
        )
    total = sum((e.amount for e in new), Decimal("0.00"))
    console.print(
        zh_en(
            f"已记录追索:客户经理 {rm},合计 {_money(total)} 元,分 {len(new)} 期,批准人 {approved_by}",
            f"clawback recorded: RM {rm}, {_money(total)} in {len(new)} instalment(s), approved by {approved_by}",
        ),
        highlight=False,
        markup=False,
    )
    for e in new:
        console.print(f"  {e.due} {_money(e.amount)}", highlight=False)


@app.command("release")
def release_cmd(
    rm: Annotated[str, typer.Option("--rm")],
    reason: Annotated[str, typer.Option("--reason", help="why (e.g. the loans matured clean)")] = "",
    approved_by: Annotated[str, typer.Option("--approved-by")] = "",
    pool: Annotated[str, typer.Option("--pool", help="reserve or deferral")] = "reserve",
    user: Annotated[str | None, typer.Option("--user")] = None,
) -> None:
    """提前释放风险金 / release an RM's reserve (or deferral) early, beyond any pending clawback."""
    from rmperf.services import pay

    with _refusals():
        new = pay.release(ctx(user), rm, reason=reason, approved_by=approved_by, pool=pool)
    paid = sum((e.amount for e in new if e.kind == "paid"), Decimal("0.00"))
    console.print(zh_en(f"已释放并发放 {_money(paid)} 元", f"released and paid {_money(paid)}"))


@app.command("ledger")
def ledger_cmd(
    rm: Annotated[str | None, typer.Option("--rm", help="one RM's history and balances")] = None,
    run: Annotated[int | None, typer.Option("--run", help="a posted run's balances, per RM and in total")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """薪酬台账 / an RM's ledger history and balances, or a posted run's balances."""
    from rmperf.pay.service import balance_json
    from rmperf.services import pay

    context = ctx()
    if (rm is None) == (run is None):
        raise typer.BadParameter(zh_en("请指定 --rm 或 --run 之一", "give one of --rm and --run"))
    if run is not None:
        with _refusals():
            sums = pay.posting_balances(context, run)
        if as_json:
            data = {
                "run": run,
                "per_rm": {k: balance_json(b) for k, b in sums.per_rm.items()},
                "total": balance_json(sums.total),
            }
            print(json.dumps(data, ensure_ascii=False, indent=1))
            return
        console.print(_totals_table(zh_en(f"批次 {run} 记账合计", f"run {run}: posting totals"), sums.total))
        return
    assert rm is not None
    entries, balance = pay.rm_ledger(context, rm)
    if as_json:
        data = {"rm_id": rm, "entries": [pay.entry_json(e) for e in entries], "balances": balance_json(balance)}
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return
    if not entries:
        console.print(zh_en(f"客户经理 {rm} 没有台账分录", f"RM {rm} has no ledger entries"))
        return
    table = RichTable(
        zh_en("期间", "cycle"),
        zh_en("类型", "kind"),
        zh_en("金额", "amount"),
        zh_en("记账日", "on"),
        zh_en("到期日", "due"),
        zh_en("事由", "reason"),
        zh_en("关联", "ref"),
        zh_en("批准人", "approved by"),
        title=zh_en(f"客户经理 {rm} 薪酬台账", f"pay ledger of RM {rm}"),
    )
    for e in entries:
        table.add_row(
            e.cycle,
            entry_word(e.kind, e.pool, i18n.get_language()),
            _money(e.amount),
            e.on.isoformat(),
            e.due.isoformat() if e.due else "",
            word(REASON_WORDS, e.reason, i18n.get_language()),
            e.ref,
            e.approval or "",
        )
    console.print(table)
    summary = _totals_table(zh_en("余额", "balances"), balance)
    for key in ("outstanding_reserve", "outstanding_deferral", "pending_clawback"):
        summary.add_row(_w(key), _money(getattr(balance, key)))
    console.print(summary)


@app.command("paysheet")
def paysheet_cmd(
    run: Annotated[int, typer.Option("--run", help="a posted run")],
    fmt: Annotated[str, typer.Option("--format", help="xlsx or csv")] = "xlsx",
    out: Annotated[Path | None, typer.Option("--out", help="file to write (default paysheet-<run>.<format>)")] = None,
) -> None:
    """薪酬发放表 / the pay sheet of a posted run, with sub-branch and bank totals that reconcile to the ledger."""
    from rmperf.services import pay
    from rmperf.tabular import save

    if fmt not in ("xlsx", "csv"):
        raise typer.BadParameter(zh_en("--format 只能是 xlsx 或 csv", "--format is xlsx or csv"))
    context = ctx()
    with _refusals():
        sheet = pay.paysheet(context, run)
    document = pay.paysheet_document(context, sheet, fmt)
    target = out or Path(document.name)
    save(target, document.data)
    if not print_paysheet_written(sheet, target):
        raise typer.Exit(1)


def print_paysheet_written(sheet: PaySheet, target: Path) -> bool:
    """That the pay sheet was written and reconciles to the ledger, or what does not (False)."""
    if not sheet.reconciles():
        for problem in sheet.tampered:
            err_console.print(problem.render(), style="red")
        err_console.print(zh_en("发放表与台账不一致!", "the pay sheet does not reconcile to the ledger!"), style="red")
        return False
    console.print(
        zh_en(
            f"已写出 {len(sheet.rows)} 名客户经理的薪酬发放表到 {target};"
            f"实发合计 {_money(sheet.total['paid'])} 元,与台账一致",
            f"wrote the pay sheet of {len(sheet.rows)} RMs to {target}; net payable {_money(sheet.total['paid'])}, "
            "reconciled to the ledger",
        )
    )
    return True
