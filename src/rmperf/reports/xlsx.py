"""The XLSX workbook of a run (考核结果报表): results, ranks, summary, appraisal forms, notes.

``write_results(path, meta, payloads, orgs)`` writes what a performance office
hands around, from a run's per-RM payloads (``RmResult.to_dict()``: decimals as
strings, dates as ISO text), the run's metadata and the org tree:

- 考核结果: one row per RM, a dimension's score and its items' value / target /
  score under merged two-level headers, then subtotal, adjustment, total, rank,
  rank group and the one-vote veto with its reason;
- 排名: one sheet per rank group (one sheet with a block per group when there
  are more than ``MAX_RANK_SHEETS`` groups), ordered by rank;
- 汇总: per sub-branch, per branch and for the bank: RMs, mean / max / min
  total, vetoed, score bands;
- 考核表: the per-RM appraisal form, one per printed page (003 附件5: items,
  the sub-branch's adjustment column and reason, sign-off fields);
- 支行考评表: 003 附件5 as printed there, one table per sub-branch;
- 说明: the run's identity (ids, hashes, code version) and every note.

Every text cell is written with ``write_string`` and, when it starts with a
character a spreadsheet reads as a formula (``= + - @``, tab, CR and their
full-width forms), prefixed with ``'`` (OWASP, CSV/formula injection). The
workbook is also opened with ``strings_to_formulas`` off, so no text can ever
become a formula. Numbers are written as numbers (Excel has no decimal type:
a value is the double nearest to the exact decimal; the JSON export keeps the
exact text). The layout decisions are in ``README.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rmperf.reports import labels
from rmperf.reports.units import item_kind, units_of_scheme
from rmperf.tabular import Workbook, escape_text

__all__ = ["escape_text", "sheet_title", "units_of_scheme", "write_results"]

Payload = Mapping[str, Any]
OrgTree = Mapping[str, Mapping[str, Any]]

#: lower bounds of the score bands of the summary, highest first (≥90, 80–90, 70–80, 60–70, <60)
DEFAULT_BANDS: tuple[Decimal, ...] = (Decimal(90), Decimal(80), Decimal(70), Decimal(60))
#: up to this many rank groups get a sheet each; more share one sheet, a block per group
MAX_RANK_SHEETS = 12
#: forms (or blocks) per sheet: Excel keeps at most 1,026 manual page breaks in a sheet
BLOCKS_PER_SHEET = 1000
SHEET_NAME_MAX = 31

_SHEET_NAME_BAD = frozenset("[]:*?/\\")

_NUM_FORMATS = {
    "money": "#,##0.00",
    "ratio": "0.00%",
    "score": "0.00",
    "count": "#,##0",
    "number": "#,##0.00",
    "int": "0",
}
# --- public helpers -----------------------------------------------------------------------------


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unused Excel sheet name for ``text`` (≤ 31 characters, none of ``[]:*?/\\``); adds it to ``taken``."""
    clean = "".join("_" if ch in _SHEET_NAME_BAD or ord(ch) < 32 else ch for ch in text).strip().strip("'")
    clean = clean or "Sheet"
    name = clean[:SHEET_NAME_MAX]
    n = 2
    while name.casefold() in taken or name.casefold() == "history":
        suffix = f"({n})"
        name = clean[: SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    taken.add(name.casefold())
    return name


# --- values -------------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal | None:
    """A payload number (a Decimal string; ints and Decimals accepted) as a Decimal; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a decimal: {value!r}")
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a decimal: {value!r}") from None


def _cell_kind(kind: str, value: Decimal) -> str:
    """Counts with a fraction (weighted card counts) are shown with two decimals."""
    if kind == "count" and value != value.to_integral_value():
        return "number"
    return kind


def _mean(values: Sequence[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _text_width(text: str) -> float:
    """Approximate display width in Excel character units: CJK and full-width characters count 2."""
    width = 0.0
    for ch in text:
        width += 2 if ord(ch) >= 0x2E80 else 1
    return width


def _num_width(value: Decimal, kind: str) -> float:
    x = float(value)
    if kind == "ratio":
        return len(f"{x * 100:,.2f}%")
    if kind in ("money", "number"):
        return len(f"{x:,.2f}")
    if kind == "count":
        return len(f"{x:,.0f}")
    if kind == "int":
        return len(f"{x:.0f}")
    return len(f"{x:.2f}")


# --- the context of one workbook ----------------------------------------------------------------


class _Orgs:
    """The org tree: names, and the branch and sub-branch on an org's path."""

    def __init__(self, orgs: OrgTree) -> None:
        self.orgs = orgs
        self._paths: dict[str, tuple[str, ...]] = {}

    def name(self, org_id: str | None) -> str:
        if not org_id:
            return ""
        org = self.orgs.get(org_id)
        return str(org.get("name") or org_id) if org is not None else org_id

    def path(self, org_id: str) -> tuple[str, ...]:
        """From ``org_id`` up to the head office (stops at an unknown parent or a cycle)."""
        found = self._paths.get(org_id)
        if found is None:
            out: list[str] = []
            current: str | None = org_id
            while current and current not in out:
                out.append(current)
                org = self.orgs.get(current)
                current = str(org["parent_id"]) if org is not None and org.get("parent_id") else None
            found = tuple(out)
            self._paths[org_id] = found
        return found

    def nearest(self, org_id: str, level: str) -> str | None:
        for o in self.path(org_id):
            org = self.orgs.get(o)
            if org is not None and org.get("level") == level:
                return o
        return None


@dataclass
class _DimCol:
    key: str
    name: str
    items: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Rm:
    """One payload, read once."""

    p: Payload
    rm_id: str
    name: str
    org_id: str
    branch: str | None
    subbranch: str | None
    dims: dict[str, Payload]
    items: dict[tuple[str, str], Payload]
    traces: dict[str, Payload]
    subtotal: Decimal | None
    adjust: Decimal | None
    total: Decimal | None
    veto: bool
    rank: int | None
    rank_n: int | None
    group: str


class _Ctx:
    def __init__(
        self,
        book: Any,
        meta: Mapping[str, Any],
        orgs: OrgTree,
        lang: str,
        units: Mapping[str, str] | None,
        pay: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.book = book
        #: rm_id → the sub-branch's adjustment and the final pay (``rmperf.pay.service.form_figures``)
        self.pay = dict(pay or {})
        self.meta = meta
        self.orgs = _Orgs(orgs)
        self.lang = "en" if lang == "en" else "zh"
        self.units = dict(units or {})
        self.taken: set[str] = set()
        self._formats: dict[tuple[Any, ...], Any] = {}

    # labels

    def label(self, key: str, **params: object) -> str:
        zh, en = labels.LABELS[key]
        text = en if self.lang == "en" else zh
        return text.format(**params) if params else text

    def pick(self, table: Mapping[str, tuple[str, str]], code: str | None) -> str:
        if code is None:
            return ""
        pair = table.get(code)
        if pair is None:
            return code
        return pair[1] if self.lang == "en" else pair[0]

    def named(self, thing: Payload) -> str:
        """The name of a dimension or item in the workbook's language (Chinese when it has no English)."""
        if self.lang == "en" and thing.get("name_en"):
            return str(thing["name_en"])
        return str(thing.get("name_zh") or thing.get("key") or "")

    def scheme_name(self) -> str:
        m = self.meta
        if self.lang == "en" and m.get("scheme_name_en"):
            return str(m["scheme_name_en"])
        return str(m.get("scheme_name_zh") or m.get("scheme_id") or "")

    def title(self, what: str) -> str:
        parts = [self.scheme_name()]
        if self.meta.get("scheme_version") not in (None, ""):
            parts[0] = f"{parts[0]} v{self.meta['scheme_version']}".strip()
        if self.meta.get("period"):
            parts.append(str(self.meta["period"]))
        parts.append(what)
        if self.meta.get("run_id") not in (None, ""):
            parts.append(f"{self.label('form.run')} {self.meta['run_id']}")
        return " · ".join(p for p in parts if p)

    def group_parts(self, group: str) -> list[tuple[str, str]]:
        """A rank group (``post=retail, branch=B01``) as (key label, value label) pairs."""
        if group in ("", "all"):
            return []
        parts: list[tuple[str, str]] = []
        for piece in group.split(", "):
            key, eq, value = piece.partition("=")
            if not eq or key not in labels.GROUP_KEYS:
                if parts:  # a value that itself holds ", "
                    k, v = parts[-1]
                    parts[-1] = (k, f"{v}, {piece}")
                else:
                    parts.append(("", piece))
                continue
            parts.append((self.pick(labels.GROUP_KEYS, key), self._group_value(key, value)))
        return parts

    def _group_value(self, key: str, value: str) -> str:
        if value == "—":
            return value
        if key in ("branch", "subbranch", "org"):
            return self.orgs.name(value)
        if key == "post":
            return self.pick(labels.POSTS, value)
        if key == "grade":
            return self.pick(labels.GRADES, value)
        if key == "region_type":
            return self.pick(labels.REGIONS, value)
        return value

    def group_label(self, group: str) -> str:
        parts = self.group_parts(group)
        if not parts:
            return self.label("group.all")
        return ", ".join(f"{k}={v}" if k else v for k, v in parts)

    def group_short(self, group: str) -> str:
        parts = self.group_parts(group)
        return "·".join(v for _, v in parts) if parts else self.label("group.all")

    def note(self, note: Any) -> str:
        if isinstance(note, Mapping):
            from rmperf.i18n import t

            code = str(note.get("code", ""))
            params = dict(note.get("params") or {})
            try:
                return t(code, params, self.lang)
            except (KeyError, IndexError):
                return f"{code} {params}" if params else code
        return str(note)

    # formats

    def fmt(
        self,
        kind: str = "text",
        *,
        bold: bool = False,
        border: bool = True,
        header: bool = False,
        wrap: bool = False,
        align: str | None = None,
        size: int | None = None,
        bottom: bool = False,
        fill: str | None = None,
    ) -> Any:
        key = (kind, bold, border, header, wrap, align, size, bottom, fill)
        found = self._formats.get(key)
        if found is None:
            props: dict[str, Any] = {"valign": "vcenter"}
            if kind in _NUM_FORMATS:
                props["num_format"] = _NUM_FORMATS[kind]
            if bold or header:
                props["bold"] = True
            if border:
                props["border"] = 1
            if bottom:
                props["bottom"] = 1
            if header:
                props.update({"align": "center", "text_wrap": True, "bg_color": "#DDEBF7"})
            if wrap:
                props["text_wrap"] = True
            if align:
                props["align"] = align
            if size:
                props["font_size"] = size
            if fill:
                props["bg_color"] = fill
            found = self.book.add_format(props)
            self._formats[key] = found
        return found

    def sheet(self, name: str) -> _Sheet:
        """A new sheet whose printed pages carry the scheme and period at the top, page numbers below."""
        ws = self.book.add_worksheet(sheet_title(name, self.taken))
        # "&" starts a code in a page header: a literal one is doubled
        scheme = self.scheme_name()[:100].replace("&", "&&")
        period = str(self.meta.get("period", ""))[:40].replace("&", "&&")
        ws.set_header(f"&L{scheme}&R{period}")
        ws.set_footer("&C&P / &N")
        return _Sheet(ws)

    # payloads

    def item_kind(self, rm: _Rm, item: Payload) -> str:
        """How an item's value and target are shown: from the units passed, else the engine indicator's unit."""
        return item_kind(item, rm.traces, self.units)


class _Sheet:
    """A worksheet that escapes every text, writes numbers as numbers and remembers column widths."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.widths: dict[int, float] = {}

    def _measure(self, col: int, width: float) -> None:
        if width > self.widths.get(col, 0):
            self.widths[col] = width

    def text(self, row: int, col: int, value: object, fmt: Any = None, *, measure: bool = True) -> None:
        text = escape_text(value)
        self.ws.write_string(row, col, text, fmt)
        if measure:
            self._measure(col, max((_text_width(line) for line in text.split("\n")), default=0))

    def num(self, row: int, col: int, value: Decimal | None, kind: str, ctx: _Ctx, **fmt: Any) -> None:
        if value is None:
            self.ws.write_blank(row, col, None, ctx.fmt(kind, **fmt))
            return
        kind = _cell_kind(kind, value)
        self.ws.write_number(row, col, float(value), ctx.fmt(kind, **fmt))
        self._measure(col, _num_width(value, kind))

    def blank(self, row: int, col: int, fmt: Any) -> None:
        self.ws.write_blank(row, col, None, fmt)

    def merge(self, r1: int, c1: int, r2: int, c2: int, value: object, fmt: Any, *, measure: bool = False) -> None:
        """Merge a range and put text in it (written as a string, escaped)."""
        if r1 == r2 and c1 == c2:
            self.text(r1, c1, value, fmt, measure=measure)
            return
        self.ws.merge_range(r1, c1, r2, c2, "", fmt)
        self.text(r1, c1, value, fmt, measure=measure and c1 == c2)

    def fit(self, *, minimum: float = 6, maximum: float = 48, fixed: Mapping[int, float] | None = None) -> None:
        widths = {col: min(max(w + 2, minimum), maximum) for col, w in self.widths.items()}
        widths.update(fixed or {})
        for col in sorted(widths):
            self.ws.set_column(col, col, widths[col])


# --- reading the payloads -----------------------------------------------------------------------


def _read(ctx: _Ctx, payloads: Sequence[Payload]) -> list[_Rm]:
    out: list[_Rm] = []
    for p in payloads:
        org_id = str(p.get("org_id") or "")
        dims: dict[str, Payload] = {}
        items: dict[tuple[str, str], Payload] = {}
        for d in p.get("dimensions") or ():
            dims[str(d["key"])] = d
            for i in d.get("items") or ():
                items[(str(d["key"]), str(i["key"]))] = i
        traces = {str(v["name"]): v for v in p.get("values") or () if v.get("name") is not None}
        steps = [a for a in p.get("adjustments") or () if a.get("kind") != "veto"]
        adjust: Decimal | None = None
        if steps:
            adjust = sum(
                ((_dec(a["after"]) or Decimal(0)) - (_dec(a["before"]) or Decimal(0)) for a in steps), Decimal(0)
            )
        rank = p.get("rank")
        rank_n = p.get("rank_n")
        out.append(
            _Rm(
                p=p,
                rm_id=str(p.get("rm_id", "")),
                name=str(p.get("name") or ""),
                org_id=org_id,
                branch=ctx.orgs.nearest(org_id, "branch") if org_id else None,
                subbranch=ctx.orgs.nearest(org_id, "subbranch") if org_id else None,
                dims=dims,
                items=items,
                traces=traces,
                subtotal=_dec(p.get("subtotal")),
                adjust=adjust,
                total=_dec(p.get("total")),
                veto=bool(p.get("veto")),
                rank=int(rank) if rank is not None else None,
                rank_n=int(rank_n) if rank_n is not None else None,
                group=str(p.get("group") or ""),
            )
        )
    out.sort(key=_org_order)
    return out


def _org_order(rm: _Rm) -> tuple[Any, ...]:
    """Branch, sub-branch, org, then rm_id; RMs outside any branch last."""
    return (rm.branch is None, rm.branch or "", rm.subbranch is None, rm.subbranch or "", rm.org_id, rm.rm_id)


def _layout(ctx: _Ctx, payloads: Sequence[Payload]) -> list[_DimCol]:
    """The union of every RM's dimensions and items, in the order they appear (variants' items in place)."""
    dims: dict[str, _DimCol] = {}
    order: list[str] = []
    for p in payloads:
        prev_dim: str | None = None
        for d in p.get("dimensions") or ():
            key = str(d["key"])
            if key not in dims:
                dims[key] = _DimCol(key, ctx.named(d))
                order.insert(order.index(prev_dim) + 1 if prev_dim is not None else 0, key)
            prev_dim = key
            col = dims[key]
            known = [k for k, _ in col.items]
            prev_item: str | None = None
            for i in d.get("items") or ():
                ik = str(i["key"])
                if ik not in known:
                    at = known.index(prev_item) + 1 if prev_item is not None else 0
                    known.insert(at, ik)
                    col.items.insert(at, (ik, ctx.named(i)))
                prev_item = ik
    return [dims[k] for k in order]


# --- the workbook -------------------------------------------------------------------------------


def write_results(
    path: Path,
    meta: Mapping[str, Any],
    payloads: Sequence[Mapping[str, Any]],
    orgs: Mapping[str, Mapping[str, Any]],
    *,
    lang: str = "zh",
    units: Mapping[str, str] | None = None,
    bands: Sequence[Decimal | int] | None = DEFAULT_BANDS,
    pay: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """Write the run's results workbook to ``path`` (.xlsx).

    - ``meta``: ``run_id, scheme_id, scheme_version, scheme_name_zh, period, created_at,
      input_hash, result_hash, code_version`` (others are listed too; ``notes``: the run's notes);
    - ``payloads``: ``RmResult.to_dict()`` per RM;
    - ``orgs``: org_id → ``{"name", "level" (head|branch|subbranch), "parent_id"}``;
    - ``lang``: ``zh`` (default) or ``en`` for the sheet names, headers and labels;
    - ``units``: input / custom indicator / item key → unit (``yuan``, ``ratio``, ``count`` …)
      for values the payload cannot tell (custom indicators; see :func:`units_of_scheme`);
    - ``bands``: the summary's score bands as lower bounds, highest first; None leaves them out;
    - ``pay``: rm_id → ``adjustment`` (yuan), ``reason``, ``by``, ``carried_from``, ``final`` (the
      performance pay after it) and ``dimensions`` (those the maintenance pay is of), for 003 附件5's
      支行调整 and 最终实际核发绩效 columns (``rmperf.pay.service.form_figures``); without it they are
      left for the sub-branch to fill in.
    """
    with Workbook(path) as wb:
        ctx = _Ctx(wb.book, meta, orgs, lang, units, pay)
        _properties(ctx)
        rms = _read(ctx, payloads)
        layout = _layout(ctx, [rm.p for rm in rms])
        _results_sheet(ctx, rms, layout)
        _rank_sheets(ctx, rms, layout)
        _summary_sheet(ctx, rms, [Decimal(b) for b in bands] if bands else [])
        _form_sheets(ctx, rms)
        _unit_sheets(ctx, rms, layout)
        _about_sheet(ctx, rms)


def _properties(ctx: _Ctx) -> None:
    props: dict[str, Any] = {
        "title": ctx.title(ctx.label("title.results")),
        "subject": str(ctx.meta.get("scheme_id") or ""),
        "author": "rmperf",
        "comments": f"result_hash {ctx.meta.get('result_hash', '')}",
    }
    created = ctx.meta.get("created_at")
    if created:
        try:
            when = created if isinstance(created, datetime) else datetime.fromisoformat(str(created))
        except ValueError:
            when = None
        if when is not None:
            # the run's time, not now: the same run gives the same workbook
            props["created"] = when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
    ctx.book.set_properties(props)


# --- 考核结果 ------------------------------------------------------------------------------------


def _results_sheet(ctx: _Ctx, rms: Sequence[_Rm], layout: Sequence[_DimCol]) -> None:
    s = ctx.sheet(ctx.label("sheet.results"))
    hdr = ctx.fmt(header=True)
    top = 1  # row 0 is the title; header rows 1–3; data from row 4
    first = top + 3
    fixed = ["col.no", "col.rm_id", "col.name", "col.org", "col.subbranch", "col.branch", "col.post", "col.grade"]
    col = 0
    for key in fixed:
        s.merge(top, col, top + 2, col, ctx.label(key), hdr, measure=True)
        col += 1
    dim_col: dict[str, int] = {}
    item_col: dict[tuple[str, str], int] = {}
    for dim in layout:
        span = 1 + 3 * len(dim.items)
        s.merge(top, col, top, col + span - 1, dim.name, hdr)
        s.merge(top + 1, col, top + 2, col, ctx.label("col.dim_score"), hdr, measure=True)
        dim_col[dim.key] = col
        col += 1
        for key, name in dim.items:
            s.merge(top + 1, col, top + 1, col + 2, name, hdr)
            for j, sub in enumerate(("col.value", "col.target", "col.score")):
                s.text(top + 2, col + j, ctx.label(sub), hdr)
            item_col[(dim.key, key)] = col
            col += 3
    tail = ["col.subtotal", "col.adjust", "col.total", "col.rank", "col.rank_n", "col.group", "col.veto"]
    tail_col = {}
    for key in [*tail, "col.veto_reason"]:
        s.merge(top, col, top + 2, col, ctx.label(key), hdr, measure=True)
        tail_col[key] = col
        col += 1
    last_col = col - 1
    s.merge(
        0, 0, 0, min(last_col, 12), ctx.title(ctx.label("title.results")), ctx.fmt(bold=True, border=False, size=14)
    )
    s.ws.set_row(0, 24)
    s.ws.set_row(top + 1, 32)

    text = ctx.fmt()
    row = first
    for n, rm in enumerate(rms, start=1):
        s.num(row, 0, Decimal(n), "int", ctx)
        for c, value in enumerate(
            (
                rm.rm_id,
                rm.name,
                ctx.orgs.name(rm.org_id),
                ctx.orgs.name(rm.subbranch),
                ctx.orgs.name(rm.branch),
                ctx.pick(labels.POSTS, rm.p.get("post")),
                ctx.pick(labels.GRADES, rm.p.get("grade")),
            ),
            start=1,
        ):
            s.text(row, c, value, text)
        for dim in layout:
            d = rm.dims.get(dim.key)
            s.num(row, dim_col[dim.key], _dec(d.get("score")) if d else None, "score", ctx)
            for key, _ in dim.items:
                c = item_col[(dim.key, key)]
                item = rm.items.get((dim.key, key))
                if item is None:
                    for j in range(3):
                        s.blank(row, c + j, text)
                    continue
                kind = ctx.item_kind(rm, item)
                target = item.get("target")
                s.num(row, c, _dec(item.get("value")), kind, ctx)
                s.num(row, c + 1, _dec(target.get("value")) if target else None, kind, ctx)
                s.num(row, c + 2, None if item.get("skipped") else _dec(item.get("score")), "score", ctx)
        s.num(row, tail_col["col.subtotal"], rm.subtotal, "score", ctx)
        s.num(row, tail_col["col.adjust"], rm.adjust, "score", ctx)
        s.num(row, tail_col["col.total"], rm.total, "score", ctx, bold=True)
        s.num(row, tail_col["col.rank"], Decimal(rm.rank) if rm.rank is not None else None, "int", ctx)
        s.num(row, tail_col["col.rank_n"], Decimal(rm.rank_n) if rm.rank_n is not None else None, "int", ctx)
        s.text(row, tail_col["col.group"], ctx.group_label(rm.group), text)
        s.text(row, tail_col["col.veto"], ctx.label("yes") if rm.veto else "", text)
        s.text(row, tail_col["col.veto_reason"], rm.p.get("veto_reason") or "", text)
        row += 1

    s.ws.freeze_panes(first, 3)
    s.ws.autofilter(top + 2, 0, max(row - 1, top + 2), last_col)
    s.fit(minimum=8, maximum=40, fixed={0: 6})
    s.ws.set_landscape()
    s.ws.set_paper(8)  # A3
    s.ws.repeat_rows(top, top + 2)
    s.ws.fit_to_pages(1, 0)


# --- 排名 ----------------------------------------------------------------------------------------


def _rank_sheets(ctx: _Ctx, rms: Sequence[_Rm], layout: Sequence[_DimCol]) -> None:
    groups: dict[str, list[_Rm]] = defaultdict(list)
    for rm in rms:
        groups[rm.group].append(rm)
    ordered = sorted(groups)
    for members in groups.values():
        members.sort(key=lambda r: (r.rank is None, r.rank or 0, r.rm_id))
    base = ctx.label("sheet.ranking")
    if len(ordered) <= MAX_RANK_SHEETS:
        for group in ordered:
            members = groups[group]
            present = [d for d in layout if any(d.key in r.dims for r in members)]
            name = base if len(ordered) == 1 else f"{base}-{ctx.group_short(group)}"
            s = ctx.sheet(name)
            s.merge(0, 0, 0, 4 + len(present) + 1, _rank_title(ctx, group, members), ctx.fmt(bold=True, border=False))
            end = _rank_block(ctx, s, 1, members, present)
            s.ws.freeze_panes(2, 3)
            s.ws.autofilter(1, 0, max(end - 1, 1), 5 + len(present))
            s.ws.repeat_rows(0, 1)
            _rank_print(s)
        return
    for chunk_no, start in enumerate(range(0, len(ordered), BLOCKS_PER_SHEET)):
        chunk = ordered[start : start + BLOCKS_PER_SHEET]
        s = ctx.sheet(base if chunk_no == 0 else f"{base}{chunk_no + 1}")
        row = 0
        breaks: list[int] = []
        for group in chunk:
            members = groups[group]
            if row:
                breaks.append(row)
            s.merge(row, 0, row, 5 + len(layout), _rank_title(ctx, group, members), ctx.fmt(bold=True, border=False))
            row = _rank_block(ctx, s, row + 1, members, layout) + 1
        s.ws.set_h_pagebreaks(breaks)
        _rank_print(s, scale=True)


def _rank_title(ctx: _Ctx, group: str, members: Sequence[_Rm]) -> str:
    what = ctx.label("kv", k=ctx.label("group"), v=ctx.group_label(group))
    return ctx.label("paren", a=what, b=ctx.label("persons", n=len(members)))


def _rank_block(ctx: _Ctx, s: _Sheet, row: int, members: Sequence[_Rm], dims: Sequence[_DimCol]) -> int:
    """A header row and one row per RM from ``row``; returns the row after the block."""
    hdr = ctx.fmt(header=True)
    heads = [
        ctx.label("col.rank"),
        ctx.label("col.rm_id"),
        ctx.label("col.rm"),
        ctx.label("col.org"),
        ctx.label("col.total"),
        *(d.name for d in dims),
        ctx.label("col.veto"),
    ]
    for c, h in enumerate(heads):
        s.text(row, c, h, hdr)
    text = ctx.fmt()
    for rm in members:
        row += 1
        s.num(row, 0, Decimal(rm.rank) if rm.rank is not None else None, "int", ctx)
        s.text(row, 1, rm.rm_id, text)
        s.text(row, 2, rm.name, text)
        s.text(row, 3, ctx.orgs.name(rm.org_id), text)
        s.num(row, 4, rm.total, "score", ctx, bold=True)
        for j, d in enumerate(dims):
            dim = rm.dims.get(d.key)
            s.num(row, 5 + j, _dec(dim.get("score")) if dim else None, "score", ctx)
        s.text(row, 5 + len(dims), ctx.label("yes") if rm.veto else "", text)
    return row + 1


def _rank_print(s: _Sheet, *, scale: bool = False) -> None:
    s.fit(minimum=8, maximum=30, fixed={0: 6})
    s.ws.set_paper(9)  # A4
    if scale:
        s.ws.set_print_scale(_scale_to_width(s, landscape=False))
    else:
        s.ws.fit_to_pages(1, 0)


# --- 汇总 ----------------------------------------------------------------------------------------


@dataclass
class _Stats:
    count: int
    mean: Decimal | None
    high: Decimal | None
    low: Decimal | None
    vetoed: int
    bands: list[int]


def _stats(rms: Sequence[_Rm], bands: Sequence[Decimal]) -> _Stats:
    totals = [rm.total for rm in rms if rm.total is not None]
    counts = [0] * (len(bands) + 1) if bands else []
    for total in totals:
        if bands:
            at = next((i for i, lo in enumerate(bands) if total >= lo), len(bands))
            counts[at] += 1
    return _Stats(
        count=len(rms),
        mean=_mean(totals) if totals else None,
        high=max(totals) if totals else None,
        low=min(totals) if totals else None,
        vetoed=sum(1 for rm in rms if rm.veto),
        bands=counts,
    )


def _band_labels(ctx: _Ctx, bands: Sequence[Decimal]) -> list[str]:
    if not bands:
        return []
    f = [format(b.normalize(), "f") for b in bands]
    out = [ctx.label("band.top", lo=f[0])]
    out += [ctx.label("band.mid", lo=f[i], hi=f[i - 1]) for i in range(1, len(f))]
    out.append(ctx.label("band.low", hi=f[-1]))
    return out


def _summary_sheet(ctx: _Ctx, rms: Sequence[_Rm], bands: Sequence[Decimal]) -> None:
    s = ctx.sheet(ctx.label("sheet.summary"))
    hdr = ctx.fmt(header=True)
    labels = _band_labels(ctx, bands)
    heads = ["col.branch", "col.subbranch", "col.count", "col.mean", "col.max", "col.min", "col.vetoed"]
    last_col = len(heads) + len(labels) - 1
    s.merge(0, 0, 0, last_col, ctx.title(ctx.label("title.summary")), ctx.fmt(bold=True, border=False, size=14))
    for c, key in enumerate(heads):
        s.merge(1, c, 2, c, ctx.label(key), hdr, measure=True)
    if labels:
        s.merge(1, len(heads), 1, last_col, ctx.label("col.bands"), hdr)
        for j, label in enumerate(labels):
            s.text(2, len(heads) + j, label, hdr)

    by_branch: dict[str | None, dict[str | None, list[_Rm]]] = defaultdict(lambda: defaultdict(list))
    for rm in rms:
        by_branch[rm.branch][rm.subbranch].append(rm)
    row = 3

    def line(branch: str, unit: str, members: Sequence[_Rm], *, bold: bool = False, fill: str | None = None) -> None:
        nonlocal row
        st = _stats(members, bands)
        text = ctx.fmt(bold=bold, fill=fill)
        s.text(row, 0, branch, text)
        s.text(row, 1, unit, text)
        s.num(row, 2, Decimal(st.count), "int", ctx, bold=bold, fill=fill)
        s.num(row, 3, st.mean, "score", ctx, bold=bold, fill=fill)
        s.num(row, 4, st.high, "score", ctx, bold=bold, fill=fill)
        s.num(row, 5, st.low, "score", ctx, bold=bold, fill=fill)
        s.num(row, 6, Decimal(st.vetoed), "int", ctx, bold=bold, fill=fill)
        for j, count in enumerate(st.bands):
            s.num(row, 7 + j, Decimal(count), "int", ctx, bold=bold, fill=fill)
        row += 1

    for branch in sorted(by_branch, key=lambda b: (b is None, b or "")):
        units = by_branch[branch]
        members = [rm for group in units.values() for rm in group]
        branch_name = ctx.orgs.name(branch) if branch is not None else ctx.label("sum.no_branch")
        for sub in sorted(units, key=lambda u: (u is None, u or "")):
            unit_name = ctx.orgs.name(sub) if sub is not None else ctx.label("sum.branch_office")
            if branch is None and sub is None:
                unit_name = ""
            line(branch_name, unit_name, units[sub])
        if branch is not None:
            line(branch_name, ctx.label("sum.branch_total"), members, bold=True, fill="#F2F2F2")
    line(ctx.label("sum.bank_total"), "", rms, bold=True, fill="#E2EFDA")

    s.ws.freeze_panes(3, 2)
    s.fit(minimum=8, maximum=30)
    s.ws.repeat_rows(1, 2)
    s.ws.set_landscape()
    s.ws.fit_to_pages(1, 0)


# --- 考核表 (003 附件5, per RM) ------------------------------------------------------------------

#: the form's columns: 维度, 指标, 指标值, 目标值, 权重, 得分, 计算过程, 支行调整, 调整理由
_FORM_WIDTHS = (12.0, 24.0, 15.0, 15.0, 8.0, 10.0, 46.0, 12.0, 22.0)
#: printable width of a landscape A4 page with 0.4-inch margins, in pixels at 96 dpi
_A4_LANDSCAPE_PX = (11.69 - 0.8) * 96
_A4_PORTRAIT_PX = (8.27 - 0.8) * 96


def _scale_to_width(s: _Sheet, *, landscape: bool, widths: Sequence[float] | None = None) -> int:
    """A print scale that fits the sheet's columns on one page's width.

    Excel ignores manual page breaks under "fit to N pages", so sheets with a
    page break per form are scaled instead.
    """
    if widths is None:
        widths = [min(max(w + 2, 8), 30) for w in s.widths.values()]
    pixels = sum(w * 7 + 5 for w in widths)
    page = _A4_LANDSCAPE_PX if landscape else _A4_PORTRAIT_PX
    return max(10, min(100, int(page / pixels * 100))) if pixels else 100


def _page_setup(s: _Sheet, *, last_row: int, last_col: int, breaks: list[int], scale: int) -> None:
    s.ws.set_landscape()
    s.ws.set_paper(9)
    s.ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    s.ws.print_area(0, 0, max(last_row, 0), last_col)
    s.ws.set_h_pagebreaks(breaks)
    s.ws.set_print_scale(scale)


def _form_sheets(ctx: _Ctx, rms: Sequence[_Rm]) -> None:
    base = ctx.label("sheet.forms")
    for chunk_no, start in enumerate(range(0, max(len(rms), 1), BLOCKS_PER_SHEET)):
        chunk = rms[start : start + BLOCKS_PER_SHEET]
        s = ctx.sheet(base if chunk_no == 0 else f"{base}{chunk_no + 1}")
        for c, w in enumerate(_FORM_WIDTHS):
            s.ws.set_column(c, c, w)
        row = 0
        breaks: list[int] = []
        for rm in chunk:
            if row:
                breaks.append(row)
            row = _form(ctx, s, row, rm)
        last = len(_FORM_WIDTHS) - 1
        scale = _scale_to_width(s, landscape=True, widths=_FORM_WIDTHS)
        _page_setup(s, last_row=row - 2, last_col=last, breaks=breaks, scale=scale)


def _form(ctx: _Ctx, s: _Sheet, row: int, rm: _Rm) -> int:
    """One RM's appraisal form from ``row``; returns the first row after it (a blank row included)."""
    last = len(_FORM_WIDTHS) - 1
    text = ctx.fmt()
    wrap = ctx.fmt(wrap=True)
    label = ctx.fmt(bold=True, fill="#F2F2F2")
    hdr = ctx.fmt(header=True)
    m = ctx.meta
    s.merge(row, 0, row, last, ctx.label("title.form"), ctx.fmt(bold=True, border=False, size=16, align="center"))
    s.ws.set_row(row, 28)
    row += 1
    scheme = ctx.scheme_name()
    if m.get("scheme_version") not in (None, ""):
        scheme = ctx.label("paren", a=scheme, b=f"v{m['scheme_version']}")
    facts = [ctx.label("kv", k=ctx.label("form.scheme"), v=scheme)]
    facts.append(ctx.label("kv", k=ctx.label("form.period"), v=m.get("period", "")))
    if m.get("run_id") not in (None, ""):
        facts.append(ctx.label("kv", k=ctx.label("form.run"), v=m["run_id"]))
    info = "    ".join(facts)
    s.merge(row, 0, row, last, info, ctx.fmt(border=False))
    row += 1
    # who: two rows of label / value pairs
    pairs = (
        (
            (ctx.label("col.rm_id"), rm.rm_id),
            (ctx.label("col.name"), rm.name),
            (ctx.label("col.post"), ctx.pick(labels.POSTS, rm.p.get("post"))),
            (ctx.label("col.grade"), ctx.pick(labels.GRADES, rm.p.get("grade"))),
        ),
        (
            (ctx.label("col.org"), ctx.orgs.name(rm.org_id)),
            (ctx.label("col.subbranch"), ctx.orgs.name(rm.subbranch)),
            (ctx.label("col.branch"), ctx.orgs.name(rm.branch)),
            (ctx.label("col.group"), ctx.group_label(rm.group)),
        ),
    )
    spans = ((0, 0, 1, 1), (2, 2, 3, 3), (4, 5, 6, 6), (7, 7, 8, 8))
    for line in pairs:
        for (lab, value), (l1, l2, v1, v2) in zip(line, spans, strict=True):
            s.merge(row, l1, row, l2, lab, label)
            s.merge(row, v1, row, v2, value, text)
        row += 1
    heads = ("col.dimension", "col.item", "col.value", "col.target", "col.weight", "col.score", "col.formula")
    for c, key in enumerate((*heads, "col.sub_adjust", "col.sub_reason")):
        s.text(row, c, ctx.label(key), hdr, measure=False)
    row += 1
    for d in rm.p.get("dimensions") or ():
        items = list(d.get("items") or ())
        first = row
        for item in items:
            kind = ctx.item_kind(rm, item)
            target = item.get("target")
            s.text(row, 1, ctx.named(item), wrap, measure=False)
            s.num(row, 2, _dec(item.get("value")), kind, ctx)
            s.num(row, 3, _dec(target.get("value")) if target else None, kind, ctx)
            s.num(row, 4, _dec(item.get("weight")), "score", ctx)
            skipped = bool(item.get("skipped"))
            s.num(row, 5, None if skipped else _dec(item.get("score")), "score", ctx)
            formula = str(item.get("formula") or "")
            if target and target.get("formula") and target.get("kind") != "absolute":
                formula = f"{ctx.label('col.target')} {target['formula']}; {formula}"
            if skipped:
                formula = f"{ctx.label('form.skipped')} {formula}"
            s.text(row, 6, formula, wrap, measure=False)
            s.blank(row, 7, text)
            s.blank(row, 8, text)
            row += 1
        # the dimension's subtotal: 003 adjusts a dimension (维护绩效) as a whole, so it has its own cells
        bold = ctx.fmt(bold=True)
        s.text(row, 1, ctx.label("form.dim_subtotal", dim=ctx.named(d)), bold, measure=False)
        s.blank(row, 2, text)
        s.blank(row, 3, text)
        s.num(row, 4, _dec(d.get("weight")), "score", ctx, bold=True)
        s.num(row, 5, _dec(d.get("score")), "score", ctx, bold=True)
        s.text(row, 6, str(d.get("formula") or ""), wrap, measure=False)
        figures = ctx.pay.get(rm.rm_id) or {}
        if d.get("key") in (figures.get("dimensions") or ()) and figures.get("adjustment") is not None:
            s.num(row, 7, figures["adjustment"], "money", ctx, bold=True)
            s.text(row, 8, str(figures.get("reason") or ""), wrap, measure=False)
        else:
            s.blank(row, 7, text)
            s.blank(row, 8, text)
        s.merge(first, 0, row, 0, ctx.named(d), ctx.fmt(bold=True, wrap=True, align="center"))
        row += 1

    def summary(key: str, value: Decimal | None, formula: str, kind: str = "score", *, bold: bool = True) -> None:
        nonlocal row
        s.merge(row, 0, row, 4, key, label)
        s.num(row, 5, value, kind, ctx, bold=bold)
        s.text(row, 6, formula, wrap, measure=False)
        s.blank(row, 7, text)
        s.blank(row, 8, text)
        row += 1

    summary(ctx.label("form.subtotal"), rm.subtotal, "")
    for a in rm.p.get("adjustments") or ():
        kind = ctx.pick(labels.ADJUSTMENTS, a.get("kind"))
        summary(ctx.label("form.adjustment", kind=kind), _dec(a.get("after")), str(a.get("formula") or ""), bold=False)
    summary(ctx.label("form.total"), rm.total, "")
    rank_text = ctx.label(
        "form.rank_text", n=rm.rank_n if rm.rank_n is not None else "", group=ctx.group_label(rm.group)
    )
    summary(ctx.label("form.rank"), Decimal(rm.rank) if rm.rank is not None else None, rank_text, "int")
    if rm.veto:
        s.merge(row, 0, row, 4, ctx.label("form.veto"), label)
        s.merge(row, 5, row, last, rm.p.get("veto_reason") or "", wrap)
        row += 1
    # the sub-branch's part: the final pay after its adjustment and the reason (blank: to be filled in)
    figures = ctx.pay.get(rm.rm_id) or {}
    final = figures.get("final")
    s.merge(row, 0, row, 4, ctx.label("form.final_pay" if final is not None else "form.after_adjust"), label)
    s.merge(row, 5, row, last, f"{final:,.2f}" if final is not None else "", text)
    s.ws.set_row(row, 22)
    row += 1
    reason = ""
    if figures.get("adjustment") is not None:
        reason = str(figures.get("reason") or "")
        if figures.get("by"):
            reason = ctx.label("paren", a=reason, b=figures["by"])
        if figures.get("carried_from"):
            reason += "\n" + ctx.label("form.carried", run=figures["carried_from"])
    s.merge(row, 0, row + 1, 0, ctx.label("form.reason"), label)
    s.merge(row, 1, row + 1, last, reason, wrap)
    s.ws.set_row(row, 24)
    s.ws.set_row(row + 1, 24)
    row += 2
    notes = _notes_of(ctx, rm)
    if notes:
        s.merge(row, 0, row, 0, ctx.label("form.notes"), label)
        s.merge(row, 1, row, last, "\n".join(notes), wrap)
        s.ws.set_row(row, min(15 * len(notes) + 4, 200))
        row += 1
    row += 1
    under = ctx.fmt(border=False, bottom=True)
    plain = ctx.fmt(border=False, bold=True)
    for key in ("form.sign_rm", "form.sign_head", "form.sign_reviewer"):
        s.merge(row, 0, row, 1, ctx.label(key), plain)
        s.merge(row, 2, row, 4, "", under)
        s.text(row, 5, ctx.label("form.date"), plain, measure=False)
        s.merge(row, 6, row, 6, ctx.label("form.date_blank"), under)
        s.ws.set_row(row, 26)
        row += 1
    return row + 1


def _notes_of(ctx: _Ctx, rm: _Rm) -> list[str]:
    """The RM's notes and its items' notes, rendered, each once."""
    seen: list[str] = []
    for note in rm.p.get("notes") or ():
        text = ctx.note(note)
        if text not in seen:
            seen.append(text)
    for d in rm.p.get("dimensions") or ():
        for item in d.get("items") or ():
            for note in item.get("notes") or ():
                text = ctx.note(note)
                if text not in seen:
                    seen.append(text)
    return seen


# --- 支行考评表 (003 附件5 as printed: one table per sub-branch) -----------------------------------


def _unit_sheets(ctx: _Ctx, rms: Sequence[_Rm], layout: Sequence[_DimCol]) -> None:
    units: dict[str, list[_Rm]] = defaultdict(list)
    for rm in rms:  # already in org order
        units[rm.subbranch or rm.org_id].append(rm)
    keys = list(units)
    base = ctx.label("sheet.unit_forms")
    ncols = 3 + len(layout) + 4
    for chunk_no, start in enumerate(range(0, max(len(keys), 1), BLOCKS_PER_SHEET)):
        s = ctx.sheet(base if chunk_no == 0 else f"{base}{chunk_no + 1}")
        row = 0
        breaks: list[int] = []
        for unit in keys[start : start + BLOCKS_PER_SHEET]:
            if row:
                breaks.append(row)
            row = _unit_block(ctx, s, row, unit, units[unit], layout)
        s.fit(minimum=8, maximum=24, fixed={0: 6})
        scale = _scale_to_width(s, landscape=True)
        _page_setup(s, last_row=row - 2, last_col=ncols - 1, breaks=breaks, scale=scale)


def _unit_block(ctx: _Ctx, s: _Sheet, row: int, unit: str, members: Sequence[_Rm], layout: Sequence[_DimCol]) -> int:
    last = 3 + len(layout) + 3
    text = ctx.fmt()
    hdr = ctx.fmt(header=True)
    s.merge(row, 0, row, last, ctx.label("title.form"), ctx.fmt(bold=True, border=False, size=16, align="center"))
    s.ws.set_row(row, 28)
    row += 1
    branch = ctx.orgs.nearest(unit, "branch")
    where = ctx.orgs.name(unit)
    if branch and branch != unit:
        where = ctx.label("paren", a=where, b=ctx.orgs.name(branch))
    period = ctx.label("kv", k=ctx.label("form.period"), v=ctx.meta.get("period", ""))
    info = f"{period}    {ctx.label('kv', k=ctx.label('col.org'), v=where)}"
    s.merge(row, 0, row, last, info, ctx.fmt(border=False))
    row += 1
    heads = [
        ctx.label("col.no"),
        ctx.label("col.rm_id"),
        ctx.label("col.name"),
        *(d.name for d in layout),
        ctx.label("col.adjust"),
        ctx.label("col.total"),
        ctx.label("col.sub_adjust_pay" if ctx.pay else "col.sub_adjust"),
        ctx.label("col.final_pay" if ctx.pay else "col.final"),
    ]
    for c, h in enumerate(heads):
        s.text(row, c, h, hdr)
    s.ws.set_row(row, 30)
    row += 1
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for n, rm in enumerate(members, start=1):
        s.num(row, 0, Decimal(n), "int", ctx)
        s.text(row, 1, rm.rm_id, text)
        s.text(row, 2, rm.name, text)
        for j, d in enumerate(layout):
            dim = rm.dims.get(d.key)
            score = _dec(dim.get("score")) if dim else None
            s.num(row, 3 + j, score, "score", ctx)
            if score is not None:
                sums[d.key] += score
        c = 3 + len(layout)
        s.num(row, c, rm.adjust, "score", ctx)
        s.num(row, c + 1, rm.total, "score", ctx, bold=True)
        figures = ctx.pay.get(rm.rm_id) or {}
        sub, final = figures.get("adjustment"), figures.get("final")
        s.num(row, c + 2, sub, "money", ctx) if sub is not None else s.blank(row, c + 2, text)
        s.num(row, c + 3, final, "money", ctx, bold=True) if final is not None else s.blank(row, c + 3, text)
        sums["_adjust"] += rm.adjust or 0
        sums["_total"] += rm.total or 0
        sums["_sub"] += sub or 0
        sums["_final"] += final or 0
        row += 1
    bold = ctx.fmt(bold=True)
    s.merge(row, 0, row, 2, ctx.label("unit.total"), bold)
    for j, d in enumerate(layout):
        s.num(row, 3 + j, sums[d.key], "score", ctx, bold=True)
    c = 3 + len(layout)
    s.num(row, c, sums["_adjust"], "score", ctx, bold=True)
    s.num(row, c + 1, sums["_total"], "score", ctx, bold=True)
    if ctx.pay:
        s.num(row, c + 2, sums["_sub"], "money", ctx, bold=True)
        s.num(row, c + 3, sums["_final"], "money", ctx, bold=True)
    else:
        s.blank(row, c + 2, bold)
        s.blank(row, c + 3, bold)
    row += 1
    s.merge(row, 0, row + 1, last, ctx.label("unit.remark"), ctx.fmt(border=False, wrap=True))
    row += 3
    plain = ctx.fmt(border=False, bold=True)
    under = ctx.fmt(border=False, bottom=True)
    half = max(last // 2, 2)
    s.merge(row, 0, row, 2, ctx.label("form.sign_head"), plain)
    s.merge(row, 3, row, max(half, 3), "", under)
    s.text(row, half + 1, ctx.label("form.date"), plain, measure=False)
    s.merge(row, half + 2, row, max(last, half + 2), ctx.label("form.date_blank"), under)
    s.ws.set_row(row, 26)
    return row + 2


# --- 说明 ----------------------------------------------------------------------------------------


def _about_sheet(ctx: _Ctx, rms: Sequence[_Rm]) -> None:
    s = ctx.sheet(ctx.label("sheet.about"))
    label = ctx.fmt(bold=True, fill="#F2F2F2")
    text = ctx.fmt(wrap=True)
    hdr = ctx.fmt(header=True)
    s.merge(0, 0, 0, 3, ctx.title(ctx.label("title.about")), ctx.fmt(bold=True, border=False, size=14))
    row = 2
    m = ctx.meta
    keys = [k for k in labels.META_LABELS if k in m]
    keys += sorted(
        k for k in m if k not in labels.META_LABELS and k != "notes" and not isinstance(m[k], Mapping | list)
    )
    for key in keys:
        s.text(row, 0, ctx.pick(labels.META_LABELS, key), label)
        value = m[key]
        s.merge(row, 1, row, 3, "" if value is None else str(value), ctx.fmt(align="left"))
        row += 1
    s.text(row, 0, ctx.label("about.rm_count"), label)
    s.merge(row, 1, row, 3, str(len(rms)), ctx.fmt(align="left"))
    row += 2

    s.merge(row, 0, row, 3, ctx.label("about.run_notes"), hdr)
    row += 1
    run_notes = m.get("notes") or []
    if isinstance(run_notes, str):
        run_notes = [run_notes]
    for note in run_notes or [ctx.label("about.none")]:
        s.merge(row, 0, row, 3, ctx.note(note), text)
        row += 1
    row += 1
    s.merge(row, 0, row, 3, ctx.label("about.conventions"), hdr)
    row += 1
    for n, (zh, en) in enumerate(labels.CONVENTIONS, start=1):
        s.merge(row, 0, row, 3, f"{n}. {en if ctx.lang == 'en' else zh}", text)
        s.ws.set_row(row, 30)
        row += 1
    row += 1
    s.merge(row, 0, row, 3, ctx.label("about.rm_notes"), hdr)
    row += 1
    for c, key in enumerate(("col.rm_id", "col.name", "col.item", "col.note")):
        s.text(row, c, ctx.label(key), hdr)
    row += 1
    any_note = False
    for rm in sorted(rms, key=lambda r: r.rm_id):
        for where, note in _notes_with_item(ctx, rm):
            s.text(row, 0, rm.rm_id, ctx.fmt())
            s.text(row, 1, rm.name, ctx.fmt())
            s.text(row, 2, where, ctx.fmt())
            s.text(row, 3, note, text, measure=False)
            row += 1
            any_note = True
    if not any_note:
        s.merge(row, 0, row, 3, ctx.label("about.none"), text)
    s.ws.set_column(0, 0, 16)
    s.ws.set_column(1, 1, 18)
    s.ws.set_column(2, 2, 22)
    s.ws.set_column(3, 3, 80)


def _notes_with_item(ctx: _Ctx, rm: _Rm) -> Iterable[tuple[str, str]]:
    for note in rm.p.get("notes") or ():
        yield "", ctx.note(note)
    for d in rm.p.get("dimensions") or ():
        for item in d.get("items") or ():
            for note in item.get("notes") or ():
                yield ctx.named(item), ctx.note(note)
