"""The dashboard of a run (看板): what the user's part of the bank looks like in one run, as values.

Read through :mod:`rmperf.services.access` only: the distribution, the ranking and the per-unit
figures are of the RMs the actor reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rmperf.core.money import divide
from rmperf.services import access, words
from rmperf.services.context import Context

#: bars of the score distribution
BINS = 10


@dataclass(frozen=True)
class Bin:
    """RMs whose total is in [low, high) (the last bin includes its high)."""

    low: Decimal
    high: Decimal
    count: int


@dataclass(frozen=True)
class UnitFigure:
    """One org unit of the actor's scope: how many RMs it has in the run, and their average total."""

    org_id: str
    name: str
    rms: int
    average: Decimal | None


@dataclass(frozen=True)
class Board:
    run: Any  # services.runs.RunInfo
    rms: int
    bins: tuple[Bin, ...]
    leading: tuple[dict[str, Any], ...]
    units: tuple[UnitFigure, ...]
    runs: tuple[Any, ...]


def _total(record: dict[str, Any]) -> Decimal | None:
    value = record.get("total_score")
    return None if value in (None, "") else Decimal(str(value))


def distribution(totals: list[Decimal], bins: int = BINS) -> tuple[Bin, ...]:
    """``totals`` counted in ``bins`` equal bars from the lowest to the highest (exact decimals)."""
    if not totals:
        return ()
    low, high = min(totals), max(totals)
    if low == high:
        return (Bin(low, high, len(totals)),)
    width = (high - low) / bins
    counts = [0] * bins
    for t in totals:
        counts[min(int((t - low) / width), bins - 1)] += 1
    return tuple(Bin(low + width * i, low + width * (i + 1), counts[i]) for i in range(bins))


def dashboard(ctx: Context, run_id: int | None = None, *, leading: int = 20) -> Board | None:
    """The board of run ``run_id`` (the newest run the actor reads, when None; None when there is none)."""
    runs = access.visible_runs(ctx)
    if run_id is None:
        if not runs:
            return None
        run_id = runs[0].run_id
    info = access.run_info(ctx, run_id)
    records = access.results(ctx, run_id)
    totals = [t for t in (_total(r) for r in records) if t is not None]
    by_unit: dict[str, list[Decimal]] = {}
    counts: dict[str, int] = {}
    for r in records:
        counts[r["org_id"]] = counts.get(r["org_id"], 0) + 1
        t = _total(r)
        if t is not None:
            by_unit.setdefault(r["org_id"], []).append(t)
    units = tuple(
        UnitFigure(
            org,
            access.org_name(ctx, org),
            counts[org],
            divide(sum(by_unit[org], Decimal(0)), len(by_unit[org]), 2) if by_unit.get(org) else None,
        )
        for org in sorted(counts)
    )
    ranked = sorted(records, key=lambda r: (-(_total(r) or Decimal("-1e30")), r["rm_id"]))
    return Board(info, len(records), distribution(totals), tuple(ranked[:leading]), units, tuple(runs))


#: the columns a results table may be sorted by, and the record fields each sorts on
SORTS: dict[str, tuple[str, ...]] = {
    "rank": ("group", "rank"),
    "total": ("total_score",),
    "rm": ("rm_id",),
    "org": ("org_id", "rank"),
}


@dataclass(frozen=True)
class ResultTable:
    run: Any  # services.runs.RunInfo
    records: tuple[dict[str, Any], ...]
    orgs: tuple[tuple[str, str], ...]  # (org_id, name) of the org units in the table
    groups: tuple[str, ...]


def _sortable(value: Any) -> tuple[int, Any]:
    from decimal import InvalidOperation

    if value is None or value == "":
        return (1, "")
    try:
        return (0, Decimal(str(value)))
    except InvalidOperation:
        return (0, str(value))


def result_table(
    ctx: Context, run_id: int, *, org: str = "", group: str = "", sort: str = "rank", descending: bool = False
) -> ResultTable:
    """A run's results of the actor's RMs, of one org unit and rank group when given, sorted."""
    info = access.run_info(ctx, run_id)
    records = access.results(ctx, run_id)
    orgs = tuple(sorted({(r["org_id"], r.get("org_name") or r["org_id"]) for r in records}))
    groups = tuple(sorted({str(r.get("group") or "") for r in records}))
    chosen = [
        r for r in records if (not org or r["org_id"] == org) and (not group or str(r.get("group") or "") == group)
    ]
    keys = SORTS.get(sort, SORTS["rank"])
    chosen.sort(key=lambda r: tuple(_sortable(r.get(k)) for k in keys), reverse=descending)
    return ResultTable(info, tuple(chosen), orgs, groups)


@dataclass(frozen=True)
class Input:
    """One value an RM's result read: its name, kind (engine, manual, constant, formula), the indicator
    behind it, and its value as shown (to the fen; a count whole)."""

    name: str
    kind: str
    indicator: str | None
    category: str | None
    value: str
    opens: bool
    #: what the reader sees for ``kind`` and for the indicator and its category (never the codes)
    kind_name: str = ""
    source: str = ""


@dataclass(frozen=True)
class Scorecard:
    run: Any  # services.runs.RunInfo
    record: dict[str, Any]  # runs.report.record: figures with the places of their units
    dimensions: tuple[dict[str, Any], ...]  # the stored trace's dimensions and items (names, formulas)
    inputs: tuple[Input, ...]


def shown(value: Any) -> str:
    """A stored exact decimal as a user reads it: to the fen, or whole when it is whole."""
    if value in (None, ""):
        return "—"
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return f"{d.quantize(Decimal(1)):f}"
    return f"{d.quantize(Decimal('0.01')):f}"


def _source(indicator: str | None, category: str | None, lang: str) -> str:
    """An engine input as the reader names it: 日均余额 · 存款·个人."""
    if not indicator:
        return ""
    if not category or category == "all":
        return words.indicator(indicator, lang)
    return f"{words.indicator(indicator, lang)} · {words.category(category, lang)}"


def scorecard(ctx: Context, run_id: int, rm_id: str) -> Scorecard:
    """An RM's scorecard in a run: dimensions and items, and each input with whether it opens."""
    info = access.run_info(ctx, run_id)
    record = access.result(ctx, run_id, rm_id)
    payload = access.payload(ctx, run_id, rm_id)
    inputs = tuple(
        Input(
            v["name"],
            v["kind"],
            v.get("indicator"),
            v.get("category"),
            shown(v.get("value")),
            v["kind"] in ("engine", "manual"),
            words.value_kind(v["kind"], ctx.lang),
            _source(v.get("indicator"), v.get("category"), ctx.lang),
        )
        for v in payload.get("values", ())
    )
    dimensions = tuple(
        {
            "key": d["key"],
            "name": d.get("name_en") if ctx.lang == "en" and d.get("name_en") else d.get("name_zh") or d["key"],
            "score": shown(d.get("score")),
            "weight": shown(d.get("weight")),
            "items": [
                {
                    "key": i["key"],
                    "name": i.get("name_en") if ctx.lang == "en" and i.get("name_en") else i.get("name_zh") or i["key"],
                    "method": i.get("method"),
                    "method_name": words.method(i.get("method"), ctx.lang),
                    "input": i.get("input"),
                    "value": shown(i.get("value")),
                    "target": shown(i.get("target")),
                    "weight": shown(i.get("weight")),
                    "score": shown(i.get("score")),
                    "rank": i.get("rank"),
                    "opens": i.get("method") == "rating",
                }
                for i in d.get("items", ())
            ],
        }
        for d in payload.get("dimensions", ())
    )
    return Scorecard(info, record, dimensions, inputs)


@dataclass(frozen=True)
class Cell:
    """One cell of a table a page shows: its text, whether it is an amount, the RM it opens (if any)."""

    text: str
    number: bool = False
    rm: str = ""


@dataclass(frozen=True)
class PaySheetPage:
    """A posted run's pay sheet as a page shows it: the columns' headers, every row (RMs, a subtotal per
    sub-branch, the total of the reader's part of the bank) as text to the fen, and whether it reconciles
    to the ledger."""

    run: Any  # services.runs.RunInfo
    columns: tuple[tuple[str, str], ...]  # (key, header)
    rows: tuple[dict[str, str], ...]  # key → text; "row_type": rm | subbranch | bank
    table: tuple[tuple[str, tuple[Cell, ...]], ...]  # (row type, its cells in column order): the page's
    numbers: frozenset[str]  # the columns of amounts (right-aligned)
    reconciles: bool
    whole_bank: bool
    sheet: Any  # pay.paysheet.PaySheet, for its download


def paysheet_page(ctx: Context, run_id: int) -> PaySheetPage:
    """Run ``run_id``'s pay sheet of the RMs the actor reads."""
    from rmperf.pay import paysheet as sheets

    info = access.run_info(ctx, run_id)
    sheet = access.paysheet(ctx, run_id)
    cols = tuple(sheets.columns(ctx.lang))
    amounts = set(sheets.NUMBERS)
    rows = tuple(
        {k: (shown_money(v) if k in amounts else str(v if v is not None else "")) for k, v in row.items()}
        for row in sheets.table(sheet, ctx.lang)
    )
    table = tuple(
        (
            row["row_type"],
            tuple(
                Cell(row[k], k in amounts, row[k] if k == "rm_id" and row["row_type"] == "rm" else "") for k, _ in cols
            ),
        )
        for row in rows
    )
    scope = access.scope(ctx)
    whole = scope.everything or scope.orgs is None
    return PaySheetPage(info, cols, rows, table, frozenset(amounts), sheet.reconciles(), whole, sheet)


def shown_money(value: Any) -> str:
    """An amount of money as a page shows it: to the fen, thousands grouped (12,345.60)."""
    if value in (None, ""):
        return ""
    return f"{Decimal(str(value)).quantize(Decimal('0.01')):,f}"


@dataclass(frozen=True)
class LedgerLine:
    on: str
    kind: str  # the entry's kind, in words
    pool: str
    amount: str
    cycle: str
    reason: str
    due: str
    ref: str


@dataclass(frozen=True)
class LedgerPage:
    """An RM's pay ledger as a page shows it: balances now, every entry in words, and the course of the
    balances over time for the chart."""

    ledger: Any  # services.access.RmLedger
    balances: tuple[tuple[str, str], ...]  # (word, amount) of the net-pay formula and what is outstanding
    lines: tuple[LedgerLine, ...]
    chart: dict[str, list[str]]  # "dates" and a series per balance, as text (exact decimals)


#: the balances a page shows, in the order of the net-pay formula, then what is still held
_LEDGER_BALANCES = (
    "earned",
    "held",
    "deferred",
    "released",
    "recovered",
    "paid",
    "forfeited",
    "outstanding_reserve",
    "outstanding_deferral",
    "pending_clawback",
)
#: the series of the chart
_LEDGER_SERIES = ("earned", "paid", "outstanding_reserve", "outstanding_deferral", "clawed_back")


def ledger_page(ctx: Context, rm_id: str) -> LedgerPage:
    """RM ``rm_id``'s ledger, if the actor reads that RM's pay."""
    from rmperf.core.pay.ledger import BALANCE_WORDS, KIND_WORDS, POOL_WORDS, REASON_WORDS, word

    found = access.ledger(ctx, rm_id)
    lang = ctx.lang
    balances = tuple((word(BALANCE_WORDS, k, lang), shown_money(getattr(found.balance, k))) for k in _LEDGER_BALANCES)
    lines = tuple(
        LedgerLine(
            e.on.isoformat(),
            word(KIND_WORDS, e.kind, lang),
            word(POOL_WORDS, e.pool, lang) if e.pool else "",
            shown_money(e.amount),
            e.cycle,
            word(REASON_WORDS, e.reason, lang),
            e.due.isoformat() if e.due else "",
            e.ref,
        )
        for e in found.entries
    )
    chart: dict[str, list[str]] = {"dates": [on.isoformat() for on, _ in found.series]}
    for key in _LEDGER_SERIES:
        chart[key] = [f"{getattr(b, key):f}" for _, b in found.series]
    chart["names"] = [word(BALANCE_WORDS, k, lang) for k in _LEDGER_SERIES]
    return LedgerPage(found, balances, lines, chart)
