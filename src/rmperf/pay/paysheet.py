"""The pay sheet (薪酬发放表) of a posted run: per RM, per sub-branch and for the bank, reconciled to the ledger.

One row per RM of the run's posting: what the pay lines earned by kind (base
salary, performance pay, rewards, cuts, allowances, the sub-branch's
adjustment and its reason), then what the ledger did with it in this posting
(held back for the risk reserve, deferred — of which year-end spikes —,
released, clawed back from pay) and the net payable. The ledger columns are
the sums of the posting's entries, corrections included, so the sheet's
totals are the ledger's balances of the posting; a row's

    gross − held − deferred + released − clawed back = net payable

is the ledger's identity. Reserve or tranches clawed back (forfeited) do not
change the net payable; they are shown in a column of their own.

XLSX (XlsxWriter, the results workbook's escaping: no text can become a
formula) or CSV (UTF-8 with BOM, exact decimals as text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from rmperf.core.pay.ledger import BALANCE_WORDS, Balance, balances
from rmperf.home import Home
from rmperf.reports.labels import POSTS
from rmperf.reports.xlsx import sheet_title
from rmperf.tabular import Workbook, escape_text
from rmperf.tabular import write_csv as write_table_csv

ZERO = Decimal("0.00")

#: column key → (zh, en); the earned columns, the ledger columns, then the net payable
EARNED = (
    ("base", ("基本工资", "Base salary")),
    ("performance", ("绩效工资", "Performance pay")),
    ("reward", ("奖励", "Rewards")),
    ("cut", ("扣减", "Cuts")),
    ("allowance", ("津贴补贴", "Allowances")),
    ("adjustment", ("支行调整", "Sub-branch adjustment")),
)
LEDGER = tuple((k, BALANCE_WORDS[k]) for k in ("held", "deferred", "deferred_spike", "released", "recovered"))
NUMBERS = (*(k for k, _ in EARNED), "earned", *(k for k, _ in LEDGER), "paid", "forfeited")
HEAD = {
    "no": ("序号", "No."),
    "rm_id": ("客户经理编号", "RM"),
    "name": ("姓名", "Name"),
    "subbranch": ("支行", "Sub-branch"),
    "post": ("岗位", "Post"),
    "earned": BALANCE_WORDS["earned"],
    "adjustment_reason": ("调整理由", "Adjustment reason"),
    "paid": BALANCE_WORDS["paid"],
    "forfeited": BALANCE_WORDS["forfeited"],
    "group_earned": ("应发薪酬", "Earned"),
    "group_ledger": ("薪酬台账", "Pay ledger"),
    "subtotal": ("{name} 小计", "{name} subtotal"),
    "total": ("全行合计", "Bank total"),
    "row_type": ("行类型", "row type"),
    "title": ("薪酬发放表", "Pay sheet"),
    "about": ("说明", "About"),
    "adjustments": ("支行调整记录", "Adjustments"),
}
ADJUSTMENT_HEADS = (
    ("客户经理编号", "记录于批次", "调整金额", "调整比例", "撤回", "调整理由", "调整人", "时间"),
    ("RM", "Recorded on run", "Amount", "Share", "Withdrawn", "Reason", "By", "When"),
)
KIND_COLUMN = {"base": "base", "performance": "performance", "pool": "performance", "reward": "reward"}
KIND_COLUMN |= {"cut": "cut", "allowance": "allowance", "adjustment": "adjustment"}


@dataclass
class Row:
    rm_id: str
    name: str = ""
    subbranch: str | None = None
    branch: str | None = None
    post: str = ""
    amounts: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(NUMBERS, ZERO))
    adjustment_reason: str = ""

    def check(self) -> bool:
        a = self.amounts
        return a["earned"] - a["held"] - a["deferred"] + a["released"] - a["recovered"] == a["paid"]


@dataclass
class PaySheet:
    meta: dict[str, Any]
    rows: list[Row]
    subtotals: list[tuple[str | None, str, dict[str, Decimal]]]
    total: dict[str, Decimal]
    ledger_total: Balance
    adjustments: list[dict[str, str]]
    org_names: dict[str, str]
    #: what was edited behind the application's back (the ledger's chain, the run's results): D164
    tampered: list[Any] = field(default_factory=list)

    def reconciles(self) -> bool:
        """The sheet's bank totals equal the ledger's balances of the posting, every row's identity holds,
        and neither the ledger nor the run was edited behind the application's back."""
        if self.tampered:
            return False
        b = self.ledger_total
        pairs = [
            ("earned", b.earned),
            ("held", b.held),
            ("deferred", b.deferred),
            ("deferred_spike", b.deferred_spike),
            ("released", b.released),
            ("recovered", b.recovered),
            ("paid", b.paid),
            ("forfeited", b.forfeited),
        ]
        return all(self.total[k] == v for k, v in pairs) and all(r.check() for r in self.rows)


def build(
    home: Home,
    run_id: int,
    orgs: Mapping[str, Mapping[str, Any]] | None = None,
    keep: Callable[[str, str | None], bool] | None = None,
) -> PaySheet:
    """The pay sheet of run ``run_id``'s posting (the run must be the latest posted for its scheme and period).

    ``keep(rm_id, subbranch)``: the RMs the sheet shows (a reader's part of the bank); its subtotals and
    total are of those RMs, and so are the ledger's balances it reconciles to."""
    from rmperf.db.models import PayAdjustment, Run
    from rmperf.pay.integrity import ledger_and_run
    from rmperf.pay.service import adjustments_of, history, latest_posting

    posting = latest_posting(home, run_id)
    tampered = ledger_and_run(home, posting.run)
    entries = history(home, posting=posting.posting)
    lines = posting.lines
    if keep is not None:
        where = {data["rm_id"]: data.get("subbranch") for data in lines}
        lines = [data for data in lines if keep(data["rm_id"], data.get("subbranch"))]
        entries = [e for e in entries if keep(e.rm_id, where.get(e.rm_id))]
    sums = balances(entries)
    rows: dict[str, Row] = {}
    for data in lines:
        row = rows[data["rm_id"]] = Row(
            data["rm_id"], data.get("name") or "", data.get("subbranch"), data.get("branch"), data.get("post") or ""
        )
        for c in data["components"]:
            col = KIND_COLUMN.get(c["kind"], "performance")
            row.amounts[col] += Decimal(c["amount"])
    for rm_id, b in sums.per_rm.items():
        row = rows.setdefault(rm_id, Row(rm_id))
        row.amounts["earned"] = b.earned
        for key in ("held", "deferred", "deferred_spike", "released", "recovered", "paid", "forfeited"):
            row.amounts[key] = getattr(b, key)
    reasons: list[dict[str, str]] = []
    for rm_id, adj in adjustments_of(run_id).items():  # those in force, carried over from earlier runs too
        if rm_id in rows:
            rows[rm_id].adjustment_reason = adj.reason
    runs = Run.objects.filter(store=posting.run.store, scheme_id=posting.run.scheme_id, period=posting.run.period)
    for row in PayAdjustment.objects.filter(run__in=runs.filter(id__lte=run_id)).order_by("id"):
        if keep is not None and row.rm_id not in rows:
            continue  # another part of the bank's
        reasons.append(  # the record: every decision of the committee on this scheme and period
            {
                "rm_id": row.rm_id,
                "run": str(row.run_id),
                "amount": row.amount or "",
                "share": row.share or "",
                "withdrawn": "true" if row.withdrawn else "",
                "reason": row.reason,
                "by": row.by,
                "at": row.at.isoformat(timespec="seconds"),
            }
        )
    ordered = sorted(rows.values(), key=lambda r: (r.branch or "\uffff", r.subbranch or "\uffff", r.rm_id))
    subtotals: list[tuple[str | None, str, dict[str, Decimal]]] = []
    total = dict.fromkeys(NUMBERS, ZERO)
    for row in ordered:
        if not subtotals or subtotals[-1][0] != row.subbranch:
            subtotals.append((row.subbranch, row.branch or "", dict.fromkeys(NUMBERS, ZERO)))
        for k in NUMBERS:
            subtotals[-1][2][k] += row.amounts[k]
            total[k] += row.amounts[k]
    run = posting.run
    meta = {
        "run_id": run.pk,
        "scheme_id": run.scheme_id,
        "scheme_version": run.scheme_version,
        "period": run.period,
        "posting": posting.posting,
        "posted_at": posting.posted_at.isoformat(timespec="seconds"),
        "posted_by": posting.posted_by,
        "fingerprint": posting.fingerprint,
        "result_hash": run.result_hash,
    }
    names = {o: str(v.get("name") or o) for o, v in (orgs or {}).items()}
    return PaySheet(meta, ordered, subtotals, total, sums.total, reasons, names, tampered)


def _label(key: str, lang: str) -> str:
    pair = HEAD.get(key) or dict(EARNED + LEDGER)[key]
    return pair[1] if lang == "en" else pair[0]


def columns(lang: str) -> list[tuple[str, str]]:
    """(key, header) of every column, in order."""
    keys = ["no", "rm_id", "name", "subbranch", "post"]
    keys += [k for k, _ in EARNED] + ["adjustment_reason", "earned"] + [k for k, _ in LEDGER] + ["paid", "forfeited"]
    return [(k, _label(k, lang)) for k in keys]


def _post(post: str, lang: str) -> str:
    pair = POSTS.get(post)
    return (pair[1] if lang == "en" else pair[0]) if pair else post


def _org(sheet: PaySheet, org_id: str | None) -> str:
    if not org_id:
        return "—"
    return sheet.org_names.get(org_id, org_id)


def _row_values(
    sheet: PaySheet, kind: str, no: int | None, row: Row | None, label: str, amounts: dict[str, Any], lang: str
) -> dict[str, Any]:
    out: dict[str, Any] = dict(amounts)
    out["no"] = no if no is not None else ""
    out["rm_id"] = row.rm_id if row else label
    out["name"] = row.name if row else ""
    out["subbranch"] = _org(sheet, row.subbranch) if row else ""
    out["post"] = _post(row.post, lang) if row else ""
    out["adjustment_reason"] = row.adjustment_reason if row else ""
    out["row_type"] = kind
    return out


def table(sheet: PaySheet, lang: str) -> list[dict[str, Any]]:
    """Every row of the sheet in order: RMs, a subtotal after each sub-branch, the bank total last."""
    out: list[dict[str, Any]] = []
    i = 0
    no = 0
    for subbranch, _branch, sums in sheet.subtotals:
        while i < len(sheet.rows) and sheet.rows[i].subbranch == subbranch:
            no += 1
            r = sheet.rows[i]
            out.append(_row_values(sheet, "rm", no, r, "", r.amounts, lang))
            i += 1
        name = _org(sheet, subbranch)
        label = HEAD["subtotal"][1 if lang == "en" else 0].format(name=name)
        out.append(_row_values(sheet, "subbranch", None, None, label, sums, lang))
    out.append(_row_values(sheet, "bank", None, None, _label("total", lang), sheet.total, lang))
    return out


# --- writers ------------------------------------------------------------------------------------------------


def write_csv(path: Path, sheet: PaySheet, lang: str = "zh") -> None:
    cols = [*columns(lang), ("row_type", _label("row_type", lang))]
    write_table_csv(path, [h for _, h in cols], ([values.get(k) for k, _ in cols] for values in table(sheet, lang)))


def write_xlsx(path: Path, sheet: PaySheet, lang: str = "zh") -> None:
    taken: set[str] = set()
    with Workbook(path) as wb:
        _pay_sheet(wb.book, sheet, lang, taken)
        _adjustments_sheet(wb.book, sheet, lang, taken)
        _about_sheet(wb.book, sheet, lang, taken)


class _Formats:
    def __init__(self, book: Any) -> None:
        self.header = book.add_format(
            {
                "bold": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#DDEBF7",
            }
        )
        self.text = book.add_format({"border": 1, "valign": "vcenter"})
        self.money = book.add_format({"border": 1, "num_format": "#,##0.00"})
        self.sub_text = book.add_format({"border": 1, "bold": True, "bg_color": "#F2F2F2"})
        self.sub_money = book.add_format({"border": 1, "bold": True, "bg_color": "#F2F2F2", "num_format": "#,##0.00"})
        self.title = book.add_format({"bold": True, "font_size": 14})


def _width(text: str) -> float:
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _pay_sheet(book: Any, sheet: PaySheet, lang: str, taken: set[str]) -> None:
    ws = book.add_worksheet(sheet_title(_label("title", lang), taken))
    f = _Formats(book)
    cols = columns(lang)
    index = {k: i for i, (k, _) in enumerate(cols)}
    m = sheet.meta
    title = f"{m['scheme_id']} v{m['scheme_version']} · {m['period']} · {_label('title', lang)} · run {m['run_id']}"
    ws.write_string(0, 0, escape_text(title), f.title)
    ws.set_row(0, 24)
    top = 1
    widths: dict[int, float] = {}
    # two header rows: the groups over the earned and ledger columns, the rest merged down
    first_earned, last_earned = index[EARNED[0][0]], index["earned"]
    first_ledger, last_ledger = index[LEDGER[0][0]], index[LEDGER[-1][0]]
    ws.merge_range(top, first_earned, top, last_earned, "", f.header)
    ws.write_string(top, first_earned, escape_text(_label("group_earned", lang)), f.header)
    ws.merge_range(top, first_ledger, top, last_ledger, "", f.header)
    ws.write_string(top, first_ledger, escape_text(_label("group_ledger", lang)), f.header)
    for i, (_key, header) in enumerate(cols):
        if first_earned <= i <= last_earned or first_ledger <= i <= last_ledger:
            ws.write_string(top + 1, i, escape_text(header), f.header)
        else:
            ws.merge_range(top, i, top + 1, i, "", f.header)
            ws.write_string(top, i, escape_text(header), f.header)
        widths[i] = _width(header) / 1.6 + 2
    row_no = top + 2
    for values in table(sheet, lang):
        plain = values["row_type"] == "rm"
        for i, (key, _) in enumerate(cols):
            value = values.get(key)
            if isinstance(value, Decimal):
                ws.write_number(row_no, i, float(value), f.money if plain else f.sub_money)
                widths[i] = max(widths.get(i, 0), len(f"{value:,.2f}") + 2)
            elif key == "no" and isinstance(value, int):
                ws.write_number(row_no, i, value, f.text)
            else:
                text = escape_text(value)
                ws.write_string(row_no, i, text, f.text if plain else f.sub_text)
                widths[i] = max(widths.get(i, 0), min(_width(text) + 2, 48))
        row_no += 1
    for i, w in widths.items():
        ws.set_column(i, i, max(w, 6))
    ws.freeze_panes(top + 2, index["name"] + 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(top, top + 1)


def _adjustments_sheet(book: Any, sheet: PaySheet, lang: str, taken: set[str]) -> None:
    ws = book.add_worksheet(sheet_title(_label("adjustments", lang), taken))
    f = _Formats(book)
    keys = ("rm_id", "run", "amount", "share", "withdrawn", "reason", "by", "at")
    names = ADJUSTMENT_HEADS[1] if lang == "en" else ADJUSTMENT_HEADS[0]
    heads = list(zip(keys, names, strict=True))
    for i, (k, h) in enumerate(heads):
        ws.write_string(0, i, escape_text(h), f.header)
        ws.set_column(i, i, 16 if k != "reason" else 40)
    for r, adj in enumerate(sheet.adjustments, 1):
        for i, (k, _) in enumerate(heads):
            ws.write_string(r, i, escape_text(adj.get(k, "")), f.text)


def _about_sheet(book: Any, sheet: PaySheet, lang: str, taken: set[str]) -> None:
    ws = book.add_worksheet(sheet_title(_label("about", lang), taken))
    zh = lang != "en"
    lines: list[tuple[str, str]] = [(k, str(v)) for k, v in sheet.meta.items()]
    lines.append(
        (
            "identity",
            "应发合计 − 风险金计提 − 递延发放 + 释放 − 追回扣款 = 实发金额(每行及合计,与薪酬台账一致)"
            if zh
            else "gross − held back − deferred + released − clawed back = net payable (each row and the totals, "
            "as in the pay ledger)",
        )
    )
    ok = sheet.reconciles()
    lines.append(("reconciles", ("是" if ok else "否") if zh else ("yes" if ok else "NO")))
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 90)
    for r, (k, v) in enumerate(lines):
        ws.write_string(r, 0, escape_text(k))
        ws.write_string(r, 1, escape_text(v))
