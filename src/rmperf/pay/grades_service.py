"""Grade and consequence proposals from stored runs: the I/O around ``rmperf.core.pay.grades`` and ``.consequences``.

**Grades** (``grade_report``): the year's run of a simulated-profit scheme
(by default the latest ``retail-wealth-2007`` run of the period) gives, per
RM, in 万元 (yuan ÷ 10 000, exact):

- the simulated profit (模拟利润) = the sum of the scheme's item scores over
  all its dimensions **before** the dimensions' × 3 % — for 003's scheme
  A1 + A2 + A3 + A4 + B1 + B2 + C1 + C2 + C3 + D + F, each already × its
  调整系数 (the total of the run, M + N, is that sum × 3 %, the pay);
- the AUM increment (管理资产新增): the trace's ``managed_inc`` (003 指标说明
  三4: 管理资产余额比年初储蓄时点的增量), else from the engine the personal
  deposits' and personal wealth's point increments;
- the corporate deposits' daily-average increment (公司存款日均增量, counted
  3 : 1): from the trace when the scheme read it, else from the engine;
- for probation, the AUM balance (personal deposits + wealth at the period
  end) and the corporate deposits' daily average, the same way.

The engine is asked at the run's store version, so the figures are those
of the data the run read. The managers table (same version) gives grade,
rm_since, probation_until, left_on and manages_people; what the data
package does not carry (how an RM was hired, the grace months already used,
an RM's own commitment letter) comes from an optional facts table.

**Consequences** (``consequence_report``): the stored runs of a scheme
(default ``rural-2023``) for every year and quarter up to the period — the
latest run of each period — give the scores; the ``violations`` table's
vetoing findings are the major compliance breaches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rmperf.core.indicators import InputKey
from rmperf.core.pay import consequences as cq
from rmperf.core.pay import grades as gr
from rmperf.core.periods import Period, PeriodKind
from rmperf.engine.backend import Backend
from rmperf.home import Home
from rmperf.i18n import get_language
from rmperf.runs.service import Upload
from rmperf.tabular import write_dicts, write_xlsx

#: the scheme whose runs give the simulated profit by default (003 附件4)
SIMULATED_PROFIT_SCHEME = "retail-wealth-2007"
#: the scheme whose runs give the scores of the consequences by default (002)
CONSEQUENCES_SCHEME = "rural-2023"

#: the custom value of 003's scheme that is its 管理资产增量
AUM_INCREMENT_TRACE = "managed_inc"
PERSONAL_DEPOSIT = "deposit/customer_kind=personal"
PERSONAL_WEALTH = "wealth/customer_kind=personal"
CORPORATE_DEPOSIT = "deposit/customer_kind=corporate"
#: the engine indicators a fallback reads (all balance indicators, with the customer_kind breakdown)
ENGINE_CODES = ("point_increment", "point_balance", "daily_average", "daily_average_increment")


class ProposalInputError(ValueError):
    """A run, period, facts file or ladder that cannot give proposals; the message says why (zh / en)."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh
        self.en = en
        super().__init__(self.render())

    def render(self, lang: str | None = None) -> str:
        return self.en if (lang or get_language()) == "en" else self.zh


@dataclass(frozen=True)
class RmInfo:
    rm_id: str
    name: str
    org_id: str
    subbranch_id: str
    subbranch_name: str


@dataclass(frozen=True)
class RunRef:
    run_id: int
    scheme_id: str
    scheme_version: int
    period: str
    store_version: int | None


@dataclass
class GradeReport:
    run: RunRef
    ladder_source: str
    ladder: str
    on: date
    proposals: list[gr.GradeProposal]
    rms: dict[str, RmInfo]
    #: rm_id → figure → where it came from
    sources: dict[str, dict[str, str]]
    #: grade key → its name on the ladder
    grade_names: dict[str, gr.Bilingual] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class ConsequenceReport:
    scheme_id: str
    period: str
    as_of: date
    #: period label → run id
    runs: dict[str, int]
    proposals: list[cq.Proposal]
    rms: dict[str, RmInfo]
    #: RMs who left on or before the period's end: not proposed for
    left: list[str] = field(default_factory=list)
    #: RMs with a vetoing violation in the period who are not appraised by the scheme (no score in its runs)
    outside: list[str] = field(default_factory=list)


# --- shared ------------------------------------------------------------------------------------


def _setup(home: Home) -> None:
    """The application database (Django) of ``home``; before any model is imported."""
    from rmperf import db

    db.setup(home)


def _backend(home: Home, version: int | None = None) -> Backend:
    from rmperf.engine.backend import DuckDBBackend
    from rmperf.store import FactStore

    _setup(home)
    return DuckDBBackend(FactStore(home), version=version)


def rm_infos(backend: Backend) -> dict[str, RmInfo]:
    """rm_id → name, org and sub-branch (the nearest org at level ``subbranch``, else the RM's own org)."""
    from rmperf.runs.collect import rm_contexts

    names: dict[str, str] = dict(backend.query("SELECT org_id, name FROM orgs"))
    out: dict[str, RmInfo] = {}
    for rm_id, ctx in rm_contexts(backend).items():
        sub = ctx.subbranch or ctx.org_id
        out[rm_id] = RmInfo(rm_id, ctx.name or "", ctx.org_id, sub, names.get(sub, sub))
    return out


def _decimal(text: str, what: str, line: int) -> Decimal:
    try:
        return Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise ProposalInputError(
            f"第 {line} 行:{what} “{text}” 不是数字", f"line {line}: {what} “{text}” is not a number"
        ) from None


# --- grades ------------------------------------------------------------------------------------


def find_run(home: Home, scheme_id: str, period: str) -> int | None:
    """The latest stored run of ``scheme_id`` for ``period`` in this home's store, or ``None``."""
    _setup(home)
    from rmperf.db.models import Run

    run = Run.objects.filter(store=home.store_id(), scheme_id=scheme_id, period=period).order_by("-id").first()
    return run.pk if run is not None else None


def simulated_profit_yuan(payload: Mapping[str, Any]) -> Decimal:
    """Σ of the item scores of every dimension, before the dimension factor (× 3 %), in yuan."""
    total = Decimal(0)
    for dimension in payload["dimensions"]:
        for item in dimension["items"]:
            if not item.get("skipped"):
                total += Decimal(item["score"])
    return total


def _trace(payload: Mapping[str, Any]) -> tuple[dict[str, Decimal | None], dict[tuple[str, str], Decimal | None]]:
    """(name → value, (indicator, category) → value of the engine inputs) of a payload's values trace."""
    by_name: dict[str, Decimal | None] = {}
    by_code: dict[tuple[str, str], Decimal | None] = {}
    for v in payload.get("values", ()):
        value = Decimal(v["value"]) if v.get("value") is not None else None
        by_name[v["name"]] = value
        if v.get("kind") == "engine" and v.get("indicator"):
            by_code[(v["indicator"], v.get("category") or "all")] = value
    return by_name, by_code


def read_facts(path: Path | Upload) -> dict[str, dict[str, Any]]:
    """The optional facts table (CSV or XLSX) of what the data package does not carry.

    Columns: rm_id, hired, months_below_lowest, committed_profit,
    committed_aum_balance. ``hired`` ∈ external, internal, graduate; amounts in 万元. Empty cells
    are left out.
    """
    from rmperf.runs.service import read_table

    out: dict[str, dict[str, Any]] = {}
    for row in read_table(path):
        line = int(str(row.get("_line", 0)))
        rm_id = str(row.get("rm_id") or "").strip()
        if not rm_id:
            raise ProposalInputError(f"第 {line} 行:缺少 rm_id", f"line {line}: no rm_id")
        facts: dict[str, Any] = {}
        hired = str(row.get("hired") or "").strip()
        if hired:
            try:
                facts["hired"] = gr.HireKind(hired)
            except ValueError:
                allowed = ", ".join(k.value for k in gr.HireKind)
                raise ProposalInputError(
                    f"第 {line} 行:hired “{hired}” 应为 {allowed} 之一",
                    f"line {line}: hired “{hired}” is not one of {allowed}",
                ) from None
        months = str(row.get("months_below_lowest") or "").strip()
        if months:
            value = _decimal(months, "months_below_lowest", line)
            if value != value.to_integral_value() or value < 0:
                raise ProposalInputError(
                    f"第 {line} 行:months_below_lowest 应为非负整数",
                    f"line {line}: months_below_lowest is a whole number ≥ 0",
                )
            facts["months_below_lowest"] = int(value)
        for key in ("committed_profit", "committed_aum_balance"):
            text = str(row.get(key) or "").strip()
            if text:
                facts[key] = _decimal(text, key, line)
        out[rm_id] = facts
    return out


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def grade_report(
    home: Home,
    period: str,
    *,
    run_id: int | None = None,
    on: date | None = None,
    facts_file: Path | Upload | None = None,
    ladder_ref: str | None = None,
    scheme_id: str = SIMULATED_PROFIT_SCHEME,
) -> GradeReport:
    """The grade proposals of ``period`` (a year, or a first half) from a stored run."""
    from rmperf.schemes.ladders import DEFAULT, ladder_path

    _setup(home)
    from rmperf.db.models import Run
    from rmperf.runs.service import load_results

    try:
        judged = Period.parse(period)
    except ValueError as error:
        raise ProposalInputError(str(error), str(error)) from None
    try:
        path = ladder_path(ladder_ref or DEFAULT)
    except KeyError as error:
        raise ProposalInputError(str(error), str(error)) from None
    ladder = gr.load_ladder_file(path)
    months = ladder.rules.evaluation_months
    try:
        default_on = gr.evaluation_day(judged, months)
    except ValueError:
        raise ProposalInputError(
            f"职级评定针对年度(1月评定)或上半年(7月评定),不是 {period}",
            f"grades are evaluated for a year (in January) or a first half (in July), not {period}",
        ) from None
    on = on or default_on
    evaluation = gr.evaluation_of(on, months)
    if evaluation.period.label != judged.label:
        raise ProposalInputError(
            f"{on} 评定的是 {evaluation.period.label},不是 {period}",
            f"an evaluation on {on} judges {evaluation.period.label}, not {period}",
        )
    if run_id is None:
        run_id = find_run(home, scheme_id, judged.label)
        if run_id is None:
            raise ProposalInputError(
                f"没有 {scheme_id} 在 {period} 的计算批次;请先运行 rmperf run --scheme {scheme_id} --period {period},"
                "或用 --run 指定批次",
                f"no run of {scheme_id} for {period}; run `rmperf run --scheme {scheme_id} --period {period}` "
                "first, or name a run with --run",
            )
    try:
        the_run, payloads = load_results(run_id)
    except Run.DoesNotExist:
        raise ProposalInputError(f"没有计算批次 {run_id}", f"no run {run_id}") from None
    if the_run.store != home.store_id():
        raise ProposalInputError(f"计算批次 {run_id} 不属于本数据存储", f"run {run_id} belongs to another store")
    if the_run.period != judged.label:
        raise ProposalInputError(
            f"计算批次 {run_id} 的期间是 {the_run.period},不是 {period}",
            f"run {run_id} is for {the_run.period}, not {period}",
        )
    ref = RunRef(the_run.pk, the_run.scheme_id, the_run.scheme_version, the_run.period, the_run.store_version)
    backend = _backend(home, the_run.store_version)
    infos = rm_infos(backend)
    figures, sources = run_figures(backend, judged, payloads, ref)
    extra = read_facts(facts_file) if facts_file is not None else {}
    facts = manager_facts(backend, [p["rm_id"] for p in payloads], extra)
    proposals = gr.propose_grades(ladder, facts, figures, on, source=str(path))
    notes = []
    unknown = sorted(set(extra) - {p["rm_id"] for p in payloads})
    if unknown:
        notes.append(f"facts for RMs not in the run ignored: {', '.join(unknown)}")
    names: dict[str, gr.Bilingual] = {g.grade: gr.Bilingual(g.name.zh, g.name.en or g.name.zh) for g in ladder.grades}
    return GradeReport(ref, str(path), f"{ladder.id} v{ladder.version}", on, proposals, infos, sources, names, notes)


def manager_facts(backend: Backend, rm_ids: Sequence[str], extra: Mapping[str, Mapping[str, Any]]) -> list[gr.RmFacts]:
    """The RMs' facts from ``managers``, completed by the facts table."""
    rows = backend.query(
        "SELECT rm_id, grade, rm_since, probation_until, left_on, coalesce(manages_people, false) FROM managers"
    )
    known = {r[0]: r for r in rows}
    out: list[gr.RmFacts] = []
    for rm_id in rm_ids:
        row = known.get(rm_id)
        more = dict(extra.get(rm_id, {}))
        if row is None:
            out.append(gr.RmFacts(rm_id, None, **more))
            continue
        _, grade, since, probation, left, leads = row
        out.append(
            gr.RmFacts(
                rm_id,
                grade,
                rm_since=_date(since),
                probation_until=_date(probation),
                left_on=_date(left),
                manages_people=bool(leads),
                **more,
            )
        )
    return out


def run_figures(
    backend: Backend, period: Period, payloads: Sequence[Mapping[str, Any]], run: RunRef
) -> tuple[dict[str, gr.GradeFigures], dict[str, dict[str, str]]]:
    """Each RM's figures (万元) from the run's payload, the engine filling what the trace lacks."""
    engine: dict[str, dict[InputKey, Decimal]] | None = None

    def from_engine(rm_id: str, code: str, category: str) -> Decimal:
        nonlocal engine
        if engine is None:
            from rmperf.runs.collect import engine_values

            engine = engine_values(backend, period, ENGINE_CODES, {}, breakdowns=["customer_kind"]).values
        return engine.get(rm_id, {}).get(InputKey(code, category), Decimal(0))

    label = f"engine (store v{run.store_version})"
    figures: dict[str, gr.GradeFigures] = {}
    sources: dict[str, dict[str, str]] = {}
    for payload in payloads:
        rm_id = payload["rm_id"]
        by_name, by_code = _trace(payload)
        src: dict[str, str] = {"simulated_profit": f"run {run.run_id}: Σ items before × 3 %"}
        aum = by_name.get(AUM_INCREMENT_TRACE)
        if aum is not None:
            src["aum_increment"] = f"run {run.run_id}: {AUM_INCREMENT_TRACE}"
        else:
            aum = from_engine(rm_id, "point_increment", PERSONAL_DEPOSIT) + from_engine(
                rm_id, "point_increment", PERSONAL_WEALTH
            )
            src["aum_increment"] = f"{label}: point_increment personal deposit + wealth"
        picked: dict[str, Decimal] = {}
        for key, code, category in (
            ("corporate_deposit_increment", "daily_average_increment", CORPORATE_DEPOSIT),
            ("aum_balance_deposit", "point_balance", PERSONAL_DEPOSIT),
            ("aum_balance_wealth", "point_balance", PERSONAL_WEALTH),
            ("corporate_deposit_balance", "daily_average", CORPORATE_DEPOSIT),
        ):
            value = by_code.get((code, category))
            if value is not None:
                src[key] = f"run {run.run_id}: {code}:{category}"
            else:
                src[key] = f"{label}: {code}:{category}"
                value = from_engine(rm_id, code, category)
            picked[key] = value
        corporate = picked["corporate_deposit_increment"]
        balance = picked["aum_balance_deposit"] + picked["aum_balance_wealth"]
        corporate_balance = picked["corporate_deposit_balance"]
        figures[rm_id] = gr.GradeFigures(
            simulated_profit=gr.to_wan(simulated_profit_yuan(payload)),
            aum_increment=gr.to_wan(aum),
            corporate_deposit_increment=gr.to_wan(corporate),
            aum_balance=gr.to_wan(balance),
            corporate_deposit_balance=gr.to_wan(corporate_balance),
        )
        sources[rm_id] = src
    return figures, sources


def grade_rows(report: GradeReport, lang: str | None = None) -> list[dict[str, str]]:
    """The proposals as flat rows, with name and sub-branch, by sub-branch then rm_id."""
    rows = []
    for p in report.proposals:
        info = report.rms.get(p.rm_id)
        record = gr.proposal_record(p, lang)
        head = {
            "subbranch_id": info.subbranch_id if info else "",
            "subbranch": info.subbranch_name if info else "",
            "rm_id": p.rm_id,
            "name": info.name if info else "",
            "run_id": str(report.run.run_id),
            "scheme": f"{report.run.scheme_id} v{report.run.scheme_version}",
        }
        sources = "; ".join(f"{k}={v}" for k, v in report.sources.get(p.rm_id, {}).items())

        def name(grade: str | None) -> str:
            known = report.grade_names.get(grade or "")
            return known.render(lang) if known else (grade or "")

        names = {"current_grade_name": name(p.current), "proposed_grade_name": name(p.proposed)}
        rows.append({**head, **{k: v for k, v in record.items() if k != "rm_id"}, **names, "sources": sources})
    return sorted(rows, key=lambda r: (r["subbranch_id"], r["rm_id"]))


# --- consequences ---------------------------------------------------------------------------------


def consequence_report(
    home: Home,
    period: str,
    *,
    scheme_id: str = CONSEQUENCES_SCHEME,
    as_of: date | None = None,
) -> ConsequenceReport:
    """The consequences of ``period`` (a year or a quarter) from the stored runs of ``scheme_id``."""
    _setup(home)
    from rmperf.db.models import Run, RunResult

    try:
        judged = Period.parse(period)
    except ValueError as error:
        raise ProposalInputError(str(error), str(error)) from None
    if judged.kind not in (PeriodKind.YEAR, PeriodKind.QUARTER):
        raise ProposalInputError(
            f"考核结果应用按年度或季度进行,{period} 不是年度或季度",
            f"consequences are judged for a year or a quarter; {period} is neither",
        )
    backend = _backend(home)
    runs: dict[str, int] = {}
    for run in Run.objects.filter(store=home.store_id(), scheme_id=scheme_id).order_by("id"):
        try:
            p = Period.parse(run.period)
        except ValueError:
            continue
        if p.kind in (PeriodKind.YEAR, PeriodKind.QUARTER) and p.end <= judged.end:
            runs[p.label] = run.pk  # the latest run of each period wins
    if judged.label not in runs:
        raise ProposalInputError(
            f"没有 {scheme_id} 在 {period} 的计算批次;请先运行 rmperf run --scheme {scheme_id} --period {period}",
            f"no run of {scheme_id} for {period}; run `rmperf run --scheme {scheme_id} --period {period}` first",
        )
    scores: dict[str, dict[str, Decimal]] = {}
    by_run = {run_id: label for label, run_id in runs.items()}
    for run_id, rm_id, total in RunResult.objects.filter(run_id__in=list(by_run)).values_list(
        "run_id", "rm_id", "total"
    ):
        scores.setdefault(rm_id, {})[by_run[run_id]] = Decimal(total)
    violations: list[cq.Violation] = []
    if backend.has_rows("violations"):
        rows = backend.query(
            "SELECT rm_id, date, code, description, coalesce(veto, false) FROM violations "
            "WHERE coalesce(veto, false) ORDER BY date, rm_id, code"
        )
        violations = [cq.Violation(r, d, c, desc, bool(v)) for r, d, c, desc, v in rows]
    left = set()
    for rm_id, left_on in backend.query("SELECT rm_id, left_on FROM managers WHERE left_on IS NOT NULL"):
        day = _date(left_on)
        if day is not None and day <= judged.end:
            left.add(rm_id)
    scores = {rm: s for rm, s in scores.items() if rm not in left}
    # the scheme's own RMs only: an RM it does not appraise is named, not proposed for
    outside = sorted(
        {v.rm_id for v in violations if v.rm_id not in scores and v.rm_id not in left and judged.contains(v.on)}
    )
    violations = [v for v in violations if v.rm_id in scores]
    proposals = cq.propose_consequences(scores, violations, judged.label, as_of=as_of)
    return ConsequenceReport(
        scheme_id,
        judged.label,
        as_of or judged.end + timedelta(days=1),
        runs,
        proposals,
        rm_infos(backend),
        sorted(left),
        outside,
    )


def consequence_rows(report: ConsequenceReport, lang: str | None = None) -> list[dict[str, str]]:
    rows = []
    for p in report.proposals:
        info = report.rms.get(p.rm_id)
        head = {
            "subbranch_id": info.subbranch_id if info else "",
            "subbranch": info.subbranch_name if info else "",
            "rm_id": p.rm_id,
            "name": info.name if info else "",
            "scheme": report.scheme_id,
        }
        record = cq.proposal_record(p, lang)
        rows.append({**head, **{k: v for k, v in record.items() if k != "rm_id"}})
    return sorted(rows, key=lambda r: (r["subbranch_id"], r["rm_id"]))


# --- files ----------------------------------------------------------------------------------------


def write_rows(path: Path, rows: Sequence[Mapping[str, str]], sheet: str = "proposals") -> None:
    """``rows`` to ``.csv`` (UTF-8 with BOM, for Excel) or ``.xlsx`` (one sheet, text cells)."""
    suffix = path.suffix.lower()
    columns = list(rows[0]) if rows else ["rm_id"]
    if suffix == ".csv":
        write_dicts(path, rows, columns)
        return
    if suffix == ".xlsx":
        write_xlsx(path, sheet, columns, ([row.get(c, "") for c in columns] for row in rows))
        return
    raise ProposalInputError(
        f"不支持的文件类型 {path.suffix}:请用 .csv 或 .xlsx", f"unsupported file type {path.suffix}: use .csv or .xlsx"
    )
