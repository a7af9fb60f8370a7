"""Grades (行员等级, seed 003): the ladder as data and the proposals of the January and July evaluations.

Pure: values in, values out; no database, engine or spreadsheet library.

**The ladder** (``rmperf/schemes/ladders/grades-003.yaml``) is the bank's
table of grades, lowest first, each with its annual simulated-profit and
AUM-increment standards and its probation (committed) standard, plus the
rule values (the 70 % floor, the 3 : 1 corporate-deposit ratio, the grace
months …). Every value is dated and names its ``ref``; :func:`load_ladder`
checks a file and reports every problem at once (:class:`LadderError`).

**Units.** Every standard and every figure is in **万元** (ten thousand
yuan), as 003's appendix 1 is. A figure is exact: yuan to the fen ÷ 10 000.

**The rules** (003 articles in brackets; docs/grades.md says them in words):

- promotion when both the simulated profit and the AUM increment reach a
  higher grade's standard — to the highest such grade (跨级, 第二十一条),
  but one grade at a time for RMs who lead a unit (承担管理职责, 逐级);
- demotion when the AUM increment misses the current grade's standard or
  the simulated profit is below 70 % of it (附件1 备注3), to the highest
  lower grade the RM would keep (比照附件一); unit leaders one grade
  (第二十三条3);
- corporate deposits' daily-average increment counts toward the AUM figure
  at 3 : 1 (第二十三条1, 第二十七条3);
- probation (6 months external, 3 internal, 3 for graduates; 第十五条) is
  judged at its end against the committed standard (承诺标准), never by the
  annual ladder; no promotion out of probation (第十八条);
- a formal RM below the lowest formal grade (初级一档) gets 3 months' grace
  at that grade's pay, then only the living allowance (第二十七条1); a
  trainee below the trainee standard goes back to HR (第二十七条2);
- the evaluation is in January (the previous year, against the annual
  standards) or July (the first half, against ``half_year_share`` of them).

Every :class:`GradeProposal` is a proposal for a human decision — it names
the figures, the standards compared and the rule, in Chinese and English,
and never changes anything by itself.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from pathlib import Path as FsPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rmperf.contract import GRADES
from rmperf.core.periods import Period, PeriodKind
from rmperf.core.scheme import dated
from rmperf.core.scheme.errors import Path, Problem, Word

# the scheme loader's one mapping of pydantic errors to messages; the ladder's errors read the same
from rmperf.core.scheme.load import translate_error as translate_pydantic_error
from rmperf.core.scheme.model import DatedDecimal, DatedEntry, DatedInt, Grade, Name
from rmperf.core.scheme.source import parse
from rmperf.i18n import get_language, t

ZERO = Decimal(0)
ONE = Decimal(1)
#: a figure in 万元 is exact to the fen at 6 decimals
WAN_PLACES = Decimal("0.000001")
YUAN_PER_WAN = Decimal(10000)


# --- bilingual text ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    """A message rendered in both languages when it is made (``code`` names it in ``rmperf.i18n``)."""

    code: str
    zh: str
    en: str

    def render(self, lang: str | None = None) -> str:
        return self.en if (lang or get_language()) == "en" else self.zh


@dataclass(frozen=True)
class Bilingual:
    """A parameter of a message that reads differently per language (a grade's name)."""

    zh: str
    en: str

    def render(self, lang: str | None = None) -> str:
        return self.en if (lang or get_language()) == "en" else self.zh


def say(code: str, **params: object) -> Said:
    """Message ``code`` with ``params``; decimals shown as written, bilingual parameters per language."""

    def render(lang: str) -> str:
        shown = {k: _param(v, lang) for k, v in params.items()}
        return t(code, shown, lang)

    return Said(code, render("zh"), render("en"))


def _param(value: object, lang: str) -> str:
    if isinstance(value, Said | Bilingual):
        return value.render(lang)
    if isinstance(value, Decimal):
        return show_wan(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def show_wan(value: Decimal) -> str:
    """A figure as shown: exact, at least 2 and at most 6 decimals (``98.5``→``98.50``, ``1.234567``)."""
    q = value.quantize(WAN_PLACES, rounding=ROUND_HALF_UP)
    if q == 0:
        return "0.00"
    whole, _, frac = format(q, "f").partition(".")
    return f"{whole}.{frac.rstrip('0').ljust(2, '0')}"


def show_share(value: Decimal) -> str:
    """``0.7`` → ``70%``."""
    text = format((value * 100).normalize(), "f")
    return f"{text}%"


def to_wan(yuan: Decimal) -> Decimal:
    """Yuan → 万元, exactly (a shift of the decimal point)."""
    return yuan.scaleb(-4)


# --- the ladder file ---------------------------------------------------------------------------

_STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _Raw(BaseModel):
    model_config = _STRICT


class LadderGrade(_Raw):
    """One grade of the ladder: annual standards and the probation (committed) standard, in 万元."""

    grade: Grade
    name: Name
    #: 行员等级 (业务员级, 主办级 …); none for 见习
    rank: Name | None = None
    #: 年度模拟利润标准
    simulated_profit: DatedDecimal
    #: 年度管理资产新增标准
    aum_increment: DatedDecimal
    #: 试用期承诺标准: 模拟利润 and 管理资产余额 (a balance, not an increment)
    committed_profit: DatedDecimal | None = None
    committed_aum_balance: DatedDecimal | None = None


class ProbationMonths(_Raw):
    """Probation length by how the RM was hired (003 第十五条)."""

    #: 社会在职人员及我行非理财客户经理 → 6
    external: DatedInt
    #: 我行公司业务理财客户经理转任零售 → 3
    internal: DatedInt
    #: 应届大学毕业生 (见习) → 3
    graduate: DatedInt


class EvaluationMonths(_Raw):
    """The months of the evaluations (003 第十条: 1月份年度评定, 7月份半年评定)."""

    year: int = Field(default=1, ge=1, le=6)
    half: int = Field(default=7, ge=7, le=12)


class LadderRules(_Raw):
    demotion_profit_share: DatedDecimal
    corporate_deposit_ratio: DatedDecimal
    half_year_share: DatedDecimal
    grace_months: DatedInt
    #: yuan a month
    living_allowance: DatedDecimal
    leader_max_steps: DatedInt
    probation_months: ProbationMonths
    lowest_formal_grade: Grade
    evaluation_months: EvaluationMonths = EvaluationMonths()


class Ladder(_Raw):
    """A grade ladder file, checked (``load_ladder``); ``at(day)`` gives the values in force."""

    id: str
    version: int = 1
    name: Name
    memo: str | None = None
    valid_from: date
    unit: Literal["万元"]
    grades: tuple[LadderGrade, ...] = Field(min_length=1)
    rules: LadderRules

    def at(self, day: date, source: str = "") -> Standards:
        """The standards in force on ``day``; :class:`LadderError` names any value not in force."""
        return _standards(self, day, source)


class LadderError(ValueError):
    """Every problem of a ladder file, raised at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.render())

    def render(self, lang: str | None = None) -> str:
        head = t("grades.ladder_errors", {"n": len(self.problems)}, lang)
        return "\n".join([head, *(f"  - {p.render(lang)}" for p in self.problems)])

    def __str__(self) -> str:
        return self.render()


def load_ladder(text: str, source: str = "") -> Ladder:
    """Parse and check a ladder file; :class:`LadderError` lists every problem (file, key path, line)."""
    doc, problems = parse(text, source)
    if doc is None:
        raise LadderError(problems)
    ladder: Ladder | None = None
    if not isinstance(doc.data, dict):
        problems.append(Problem("scheme.not_mapping", {}, (), source, 1))
    else:
        try:
            ladder = Ladder.model_validate(doc.data)
        except ValidationError as error:
            for e in error.errors():
                code, params, extra = translate_pydantic_error(e)
                path = doc.resolve_path((*e["loc"], *extra))
                problems.append(Problem(code, params, path, source, doc.line_of(path)))
    if ladder is not None:
        for code, params, path in _check(ladder):
            problems.append(Problem(code, params, path, source, doc.line_of(path)))
    if problems:
        raise LadderError(problems)
    assert ladder is not None
    return ladder


def load_ladder_file(path: FsPath) -> Ladder:
    """:func:`load_ladder` on a file (UTF-8, BOM accepted)."""
    return load_ladder(path.read_text(encoding="utf-8-sig"), str(path))


Issue = tuple[str, dict[str, Any], Path]


def _dated_lists(ladder: Ladder) -> list[tuple[Path, tuple[DatedEntry[Any], ...]]]:
    out: list[tuple[Path, tuple[DatedEntry[Any], ...]]] = []
    for i, g in enumerate(ladder.grades):
        for key in ("simulated_profit", "aum_increment", "committed_profit", "committed_aum_balance"):
            entries = getattr(g, key)
            if entries is not None:
                out.append((("grades", i, key), entries))
    rules = ladder.rules
    for key in (
        "demotion_profit_share",
        "corporate_deposit_ratio",
        "half_year_share",
        "grace_months",
        "living_allowance",
        "leader_max_steps",
    ):
        out.append((("rules", key), getattr(rules, key)))
    for key in ("external", "internal", "graduate"):
        out.append((("rules", "probation_months", key), getattr(rules.probation_months, key)))
    return out


def _check(ladder: Ladder) -> list[Issue]:
    """The cross-field rules pydantic does not see: refs, dates, order, ranges, rising standards."""
    issues: list[Issue] = []
    for path, entries in _dated_lists(ladder):
        for i, entry in enumerate(entries):
            where: Path = (*path, i) if not entry.plain else path
            if not (entry.ref or "").strip():
                issues.append(("grades.ref_missing", {}, where))
        if not (len(entries) == 1 and entries[0].plain):
            for code, params, sub in dated.check(entries):
                issues.append((code, params, (*path, *sub)))
    seen: dict[str, int] = {}
    for i, g in enumerate(ladder.grades):
        if g.grade in seen:
            issues.append(("grades.duplicate_grade", {"grade": g.grade}, ("grades", i, "grade")))
            continue
        seen[g.grade] = i
        if i > 0:
            previous = ladder.grades[i - 1].grade
            if previous in GRADES and GRADES.index(g.grade) < GRADES.index(previous):
                issues.append(("grades.order", {"grade": g.grade, "previous": previous}, ("grades", i, "grade")))
    if ladder.rules.lowest_formal_grade not in seen:
        issues.append(
            ("grades.unknown_grade", {"grade": ladder.rules.lowest_formal_grade}, ("rules", "lowest_formal_grade"))
        )
    rules = ladder.rules
    for key in ("demotion_profit_share", "half_year_share"):
        for i, entry in enumerate(getattr(rules, key)):
            if not ZERO < entry.value <= ONE:
                issues.append(("grades.share_range", {"value": entry.value}, ("rules", key, i, "value")))
    for key in ("corporate_deposit_ratio", "leader_max_steps"):
        for i, entry in enumerate(getattr(rules, key)):
            if entry.value <= 0:
                issues.append(("grades.positive", {"value": entry.value}, ("rules", key, i, "value")))
    # no standard, month count or allowance below zero (shares, the ratio and the steps are checked above)
    checked = {"demotion_profit_share", "half_year_share", "corporate_deposit_ratio", "leader_max_steps"}
    for path, entries in _dated_lists(ladder):
        if path[-1] in checked:
            continue
        for i, entry in enumerate(entries):
            if entry.value < 0:
                issues.append(("grades.min_value", {"value": entry.value, "min": 0}, (*path, i, "value")))
    if not issues:
        issues += _check_rising(ladder)
    return issues


def _check_rising(ladder: Ladder) -> list[Issue]:
    """Each grade's standards are higher than the grade below's, on every day a value may change."""
    issues: list[Issue] = []
    keys = ("simulated_profit", "aum_increment", "committed_profit", "committed_aum_balance")
    days = dated.change_days(getattr(g, k) for g in ladder.grades for k in keys)
    reported: set[tuple[int, str]] = set()
    for day in days:
        check_day = max(day, ladder.valid_from)
        for key in keys:
            previous: tuple[int, Decimal] | None = None
            for i, g in enumerate(ladder.grades):
                entries = getattr(g, key)
                entry = dated.in_force(entries, check_day) if entries is not None else None
                if entry is None:
                    continue
                if previous is not None and entry.value <= previous[1] and (i, key) not in reported:
                    reported.add((i, key))
                    issues.append(
                        (
                            "grades.not_increasing",
                            {
                                "grade": g.grade,
                                "measure": Word(f"grades.measure.{key}"),
                                "value": entry.value,
                                "previous": ladder.grades[previous[0]].grade,
                                "previous_value": previous[1],
                                "day": check_day,
                            },
                            ("grades", i, key),
                        )
                    )
                previous = (i, entry.value)
    return issues


# --- the ladder in force on a day ----------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """A rule value in force, with where it comes from."""

    value: Decimal
    ref: str


@dataclass(frozen=True)
class GradeStandard:
    """One grade's standards in force (万元)."""

    grade: str
    name: Bilingual
    simulated_profit: Value
    aum_increment: Value
    committed_profit: Value | None
    committed_aum_balance: Value | None


class HireKind(StrEnum):
    """How an RM came to the post, which sets the probation length (003 第十五条)."""

    EXTERNAL = "external"  # 社会在职人员, 我行非理财客户经理: 6 months
    INTERNAL = "internal"  # 我行公司业务理财客户经理转任零售: 3 months
    GRADUATE = "graduate"  # 应届大学毕业生 → 见习: 3 months


@dataclass(frozen=True)
class Standards:
    """The ladder as in force on ``day``: grades lowest first and the rule values."""

    ladder_id: str
    version: int
    day: date
    grades: tuple[GradeStandard, ...]
    demotion_profit_share: Value
    corporate_deposit_ratio: Value
    half_year_share: Value
    grace_months: int
    grace_ref: str
    living_allowance: Value
    leader_max_steps: int
    leader_ref: str
    probation_months: Mapping[HireKind, tuple[int, str]]
    lowest_formal_grade: str
    evaluation_months: EvaluationMonths

    def index(self, grade: str | None) -> int | None:
        """The position of ``grade`` on the ladder (0 = lowest), ``None`` when it is not on it."""
        for i, g in enumerate(self.grades):
            if g.grade == grade:
                return i
        return None

    @property
    def lowest_formal(self) -> int:
        i = self.index(self.lowest_formal_grade)
        assert i is not None  # checked when the ladder was loaded
        return i


def _standards(ladder: Ladder, day: date, source: str) -> Standards:
    problems: list[Problem] = []
    if day < ladder.valid_from:
        problems.append(
            Problem("grades.before_valid_from", {"day": day, "valid_from": ladder.valid_from}, ("valid_from",), source)
        )

    def pick(entries: Sequence[DatedEntry[Any]], path: Path) -> DatedEntry[Any] | None:
        entry = dated.in_force(entries, day)
        if entry is None:
            problems.append(Problem("grades.not_in_force", {"day": day}, path, source))
        return entry

    def value(entries: Sequence[DatedEntry[Any]], path: Path) -> Value:
        entry = pick(entries, path)
        return Value(Decimal(entry.value), entry.ref or "") if entry is not None else Value(ZERO, "")

    def optional(entries: Sequence[DatedEntry[Any]] | None, path: Path) -> Value | None:
        if entries is None:
            return None
        entry = dated.in_force(entries, day)
        return Value(Decimal(entry.value), entry.ref or "") if entry is not None else None

    grades = tuple(
        GradeStandard(
            g.grade,
            Bilingual(g.name.zh, g.name.en or g.name.zh),
            value(g.simulated_profit, ("grades", i, "simulated_profit")),
            value(g.aum_increment, ("grades", i, "aum_increment")),
            optional(g.committed_profit, ("grades", i, "committed_profit")),
            optional(g.committed_aum_balance, ("grades", i, "committed_aum_balance")),
        )
        for i, g in enumerate(ladder.grades)
    )
    rules = ladder.rules
    grace = value(rules.grace_months, ("rules", "grace_months"))
    leader = value(rules.leader_max_steps, ("rules", "leader_max_steps"))
    probation: dict[HireKind, tuple[int, str]] = {}
    for kind in HireKind:
        v = value(getattr(rules.probation_months, kind.value), ("rules", "probation_months", kind.value))
        probation[kind] = (int(v.value), v.ref)
    standards = Standards(
        ladder.id,
        ladder.version,
        day,
        grades,
        value(rules.demotion_profit_share, ("rules", "demotion_profit_share")),
        value(rules.corporate_deposit_ratio, ("rules", "corporate_deposit_ratio")),
        value(rules.half_year_share, ("rules", "half_year_share")),
        int(grace.value),
        grace.ref,
        value(rules.living_allowance, ("rules", "living_allowance")),
        int(leader.value),
        leader.ref,
        probation,
        rules.lowest_formal_grade,
        rules.evaluation_months,
    )
    if problems:
        raise LadderError(problems)
    return standards


# --- the evaluation ------------------------------------------------------------------------------


class EvaluationKind(StrEnum):
    ANNUAL = "annual"  # 年度评定, in January, of the previous year
    HALF_YEAR = "half_year"  # 半年评定, in July, of the first half


@dataclass(frozen=True)
class GradeEvaluation:
    """Which evaluation a day is: its kind, the period judged and the previous evaluation's day."""

    kind: EvaluationKind
    on: date
    period: Period
    previous_on: date


class NotAnEvaluationMonth(ValueError):
    """The day given is in neither evaluation month."""

    def __init__(self, on: date, months: EvaluationMonths) -> None:
        self.on = on
        self.months = months
        super().__init__(self.render())

    def render(self, lang: str | None = None) -> str:
        return t(
            "grades.not_evaluation_month", {"day": self.on, "year": self.months.year, "half": self.months.half}, lang
        )


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (the last day of a shorter month when needed)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def evaluation_of(on: date, months: EvaluationMonths | None = None) -> GradeEvaluation:
    """January → the annual evaluation of the previous year; July → the half-year one of H1 (003 第十条)."""
    months = months or EvaluationMonths()
    if on.month == months.year:
        kind, period = EvaluationKind.ANNUAL, Period.parse(str(on.year - 1))
    elif on.month == months.half:
        kind, period = EvaluationKind.HALF_YEAR, Period.parse(f"{on.year}-H1")
    else:
        raise NotAnEvaluationMonth(on, months)
    return GradeEvaluation(kind, on, period, add_months(on, -6))


def evaluation_day(period: Period, months: EvaluationMonths | None = None) -> date:
    """The first day of the month in which ``period`` (a year or a first half) is evaluated."""
    months = months or EvaluationMonths()
    if period.kind is PeriodKind.YEAR:
        return date(period.year + 1, months.year, 1)
    if period.kind is PeriodKind.HALF and period.start.month == 1:
        return date(period.year, months.half, 1)
    raise ValueError(f"grades are evaluated for a year or its first half, not {period.label}")


# --- inputs and outputs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RmFacts:
    """What the rules need to know about one RM besides the figures.

    ``months_below_lowest``: months already spent below the lowest formal
    grade (the grace months used). ``committed_*``: the RM's own 业绩承诺书
    in 万元, when it differs from the ladder's committed standard of the
    grade. ``hired`` sets the probation length when ``probation_until`` is
    not recorded.
    """

    rm_id: str
    grade: str | None
    rm_since: date | None = None
    probation_until: date | None = None
    hired: HireKind | None = None
    manages_people: bool = False
    months_below_lowest: int = 0
    committed_profit: Decimal | None = None
    committed_aum_balance: Decimal | None = None
    left_on: date | None = None


@dataclass(frozen=True)
class GradeFigures:
    """One RM's figures for the period judged, all in 万元.

    - ``simulated_profit``: 模拟利润 of the period;
    - ``aum_increment``: 管理资产新增 (personal AUM against the year start);
    - ``corporate_deposit_increment``: the daily-average increment of the
      RM's corporate deposits, counted at 3 : 1 toward the AUM figure;
    - ``aum_balance`` and ``corporate_deposit_balance`` (its daily average):
      for the probation standard, which is a balance (管理资产余额).
    """

    simulated_profit: Decimal
    aum_increment: Decimal
    corporate_deposit_increment: Decimal = ZERO
    aum_balance: Decimal | None = None
    corporate_deposit_balance: Decimal | None = None


@dataclass(frozen=True)
class Counted:
    """The figures as the rules count them: corporate deposits converted at ``ratio`` : 1 (万元)."""

    ratio: Decimal
    corporate_increment_counted: Decimal
    aum_increment: Decimal
    corporate_balance_counted: Decimal | None
    aum_balance: Decimal | None


class GradeAction(StrEnum):
    PROMOTE = "promote"  # 晋级
    KEEP = "keep"  # 维持
    DEMOTE = "demote"  # 降级
    GRACE = "grace"  # 宽限期
    LIVING_ALLOWANCE = "living_allowance"  # 基本生活费
    RETURN_TO_HR = "return_to_hr"  # 见习退回人力资源部
    ON_PROBATION = "on_probation"  # 试用期中
    EARLY_CONFIRMATION = "early_confirmation"  # 提前转正
    CONFIRM = "confirm"  # 试用期满转正
    PROBATION_DEMOTE = "probation_demote"  # 试用期满降级
    PROBATION_EXIT = "probation_exit"  # 解聘或转岗
    REVIEW = "review"  # 人工审核


#: actions that propose a change of grade or status (``keep`` and ``on_probation`` do not)
CHANGES = frozenset(GradeAction) - {GradeAction.KEEP, GradeAction.ON_PROBATION}


@dataclass(frozen=True)
class Check:
    """One comparison behind a proposal: ``figure ≥ standard`` for ``grade``'s ``measure`` (万元)."""

    grade: str
    grade_name: Bilingual
    measure: str
    figure: Decimal
    standard: Decimal
    met: bool
    ref: str

    def render(self, lang: str | None = None) -> str:
        measure = t(f"grades.measure.{self.measure}", None, lang)
        sign = "≥" if self.met else "<"
        mark = "✓" if self.met else "✗"
        figures = f"{show_wan(self.figure)} {sign} {show_wan(self.standard)} {mark}"
        return f"{self.grade_name.render(lang)} {measure} {figures}"


@dataclass(frozen=True)
class GradeProposal:
    """A proposed grade decision for one RM, with the figures and the rule behind it.

    It is a proposal: 003 第二十条 has the branch approve every change, and
    the RM is entitled to a human decision (``decision_note``).
    """

    rm_id: str
    period: str
    kind: EvaluationKind
    on: date
    action: GradeAction
    current: str | None
    proposed: str | None
    #: grades moved: +2 is two grades up, −1 one down
    steps: int
    figures: GradeFigures | None
    counted: Counted | None
    #: the share of the annual standards applied (1, or ``half_year_share`` in July)
    standard_share: Decimal
    checks: tuple[Check, ...]
    rule: Said
    notes: tuple[Said, ...]
    refs: tuple[str, ...]
    ladder: str
    decision_note: Said = field(default_factory=lambda: say("grades.decision"))

    @property
    def is_change(self) -> bool:
        return self.action in CHANGES

    @property
    def rule_zh(self) -> str:
        return self.rule.zh

    @property
    def rule_en(self) -> str:
        return self.rule.en

    def rule_text(self, lang: str | None = None) -> str:
        return self.rule.render(lang)


# --- the rules ----------------------------------------------------------------------------------


def _q(value: Decimal) -> Decimal:
    return value.quantize(WAN_PLACES, rounding=ROUND_HALF_UP)


def count(standards: Standards, figures: GradeFigures) -> Counted:
    """Corporate deposits at ``ratio`` : 1 added to the AUM figures (each converted amount to the fen)."""
    ratio = standards.corporate_deposit_ratio.value
    corp = _q(figures.corporate_deposit_increment / ratio)
    corp_balance = None
    balance = figures.aum_balance
    if figures.corporate_deposit_balance is not None:
        corp_balance = _q(figures.corporate_deposit_balance / ratio)
        if balance is not None:
            balance = balance + corp_balance
    return Counted(ratio, corp, figures.aum_increment + corp, corp_balance, balance)


def probation_end(standards: Standards, facts: RmFacts) -> date | None:
    """``probation_until`` when recorded, else ``rm_since`` + the months for how the RM was hired."""
    if facts.probation_until is not None:
        return facts.probation_until
    if facts.rm_since is not None and facts.hired is not None:
        months, _ = standards.probation_months[facts.hired]
        return add_months(facts.rm_since, months) - timedelta(days=1)
    return None


@dataclass
class _Case:
    """One RM being judged: the inputs, and the proposal's parts as they are found."""

    std: Standards
    ev: GradeEvaluation
    share: Decimal
    facts: RmFacts
    figures: GradeFigures
    counted: Counted
    checks: list[Check] = field(default_factory=list)
    notes: list[Said] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)

    # standards (scaled to the period) ------------------------------------------------------

    def g(self, i: int) -> GradeStandard:
        return self.std.grades[i]

    def name(self, i: int) -> Bilingual:
        return self.g(i).name

    def profit_std(self, i: int) -> Decimal:
        return self.g(i).simulated_profit.value * self.share

    def aum_std(self, i: int) -> Decimal:
        return self.g(i).aum_increment.value * self.share

    def floor(self, i: int) -> Decimal:
        return self.profit_std(i) * self.std.demotion_profit_share.value

    def meets(self, i: int) -> bool:
        """Both standards of grade ``i`` reached (附件1 备注2 晋级)."""
        return self.figures.simulated_profit >= self.profit_std(i) and self.counted.aum_increment >= self.aum_std(i)

    def keeps(self, i: int) -> bool:
        """Not demoted from grade ``i``: AUM at its standard and profit at least 70 % of it (备注3)."""
        return self.counted.aum_increment >= self.aum_std(i) and self.figures.simulated_profit >= self.floor(i)

    # checks -----------------------------------------------------------------------------------

    def _ref(self, ref: str) -> str:
        if self.share != ONE:
            ref = f"{ref} × {show_share(self.share)}"
        return ref

    def _check(self, i: int, field: str, value: Decimal, standard: Decimal, ref: str) -> None:
        """Record one comparison of a figure with a standard of grade ``i`` (reached when ≥)."""
        g = self.g(i)
        self.checks.append(Check(g.grade, g.name, field, value, standard, value >= standard, ref))

    def check_meets(self, i: int) -> None:
        g = self.g(i)
        p, a = self.figures.simulated_profit, self.counted.aum_increment
        self._check(i, "simulated_profit", p, self.profit_std(i), self._ref(g.simulated_profit.ref))
        self._check(i, "aum_increment", a, self.aum_std(i), self._ref(g.aum_increment.ref))

    def check_keeps(self, i: int) -> None:
        g = self.g(i)
        p, a = self.figures.simulated_profit, self.counted.aum_increment
        self._check(i, "aum_increment", a, self.aum_std(i), self._ref(g.aum_increment.ref))
        share = self.std.demotion_profit_share
        floor_ref = f"{self._ref(g.simulated_profit.ref)} × {show_share(share.value)}"
        self._check(i, "simulated_profit_floor", p, self.floor(i), floor_ref)

    def why_not_kept(self, i: int) -> Said:
        """The reasons grade ``i`` is not kept, joined."""
        parts: list[Said] = []
        if self.counted.aum_increment < self.aum_std(i):
            parts.append(
                say(
                    "grades.why.aum_short", aum=self.counted.aum_increment, grade=self.name(i), standard=self.aum_std(i)
                )
            )
        if self.figures.simulated_profit < self.floor(i):
            parts.append(
                say(
                    "grades.why.profit_floor",
                    profit=self.figures.simulated_profit,
                    grade=self.name(i),
                    standard=self.profit_std(i),
                    share=show_share(self.std.demotion_profit_share.value),
                    floor=self.floor(i),
                )
            )
        return Said("grades.why", ";".join(p.zh for p in parts), "; ".join(p.en for p in parts))

    # committed (probation) standard -------------------------------------------------------------

    def committed(self, i: int, own: bool) -> tuple[Value | None, Value | None]:
        g = self.g(i)
        profit, balance = g.committed_profit, g.committed_aum_balance
        if own and self.facts.committed_profit is not None:
            profit = Value(self.facts.committed_profit, "业绩承诺书 / the RM's own commitment")
        if own and self.facts.committed_aum_balance is not None:
            balance = Value(self.facts.committed_aum_balance, "业绩承诺书 / the RM's own commitment")
        return profit, balance

    def meets_committed(self, i: int, own: bool, record: bool) -> bool | None:
        """``None`` when grade ``i`` has no committed standard (见习)."""
        profit, balance = self.committed(i, own)
        if profit is None and balance is None:
            return None
        g = self.g(i)
        ok = True
        if profit is not None:
            met = self.figures.simulated_profit >= profit.value
            ok = ok and met
            if record:
                self.checks.append(
                    Check(
                        g.grade,
                        g.name,
                        "committed_profit",
                        self.figures.simulated_profit,
                        profit.value,
                        met,
                        profit.ref,
                    )
                )
        if balance is not None:
            if self.counted.aum_balance is None:
                if record:
                    self.notes.append(say("grades.note.balance_unknown"))
            else:
                met = self.counted.aum_balance >= balance.value
                ok = ok and met
                if record:
                    self.checks.append(
                        Check(
                            g.grade,
                            g.name,
                            "committed_aum_balance",
                            self.counted.aum_balance,
                            balance.value,
                            met,
                            balance.ref,
                        )
                    )
        return ok


def propose_grades(
    ladder: Ladder,
    rms: Sequence[RmFacts],
    figures: Mapping[str, GradeFigures],
    on: date,
    *,
    source: str = "",
) -> list[GradeProposal]:
    """One proposal per RM (by rm_id) for the evaluation held on ``on`` (a day in January or July).

    ``figures`` are those of the period judged (the previous year in
    January, the first half in July), in 万元. RMs who left on or before
    ``on`` get no proposal. Raises :class:`NotAnEvaluationMonth` for a day
    in another month and :class:`LadderError` when a ladder value is not in
    force on the period's last day.
    """
    ev = evaluation_of(on, ladder.rules.evaluation_months)
    std = ladder.at(ev.period.end, source)
    share = ONE if ev.kind is EvaluationKind.ANNUAL else std.half_year_share.value
    out: list[GradeProposal] = []
    for facts in sorted(rms, key=lambda f: f.rm_id):
        if facts.left_on is not None and facts.left_on <= on:
            continue
        out.append(_propose(std, ev, share, facts, figures.get(facts.rm_id)))
    return out


def _propose(
    std: Standards, ev: GradeEvaluation, share: Decimal, facts: RmFacts, figures: GradeFigures | None
) -> GradeProposal:
    ladder_name = f"{std.ladder_id} v{std.version}"

    def bare(rule: Said) -> GradeProposal:
        return GradeProposal(
            facts.rm_id, ev.period.label, ev.kind, ev.on, GradeAction.REVIEW, facts.grade, facts.grade, 0,
            figures, None, share, (), rule, (), (), ladder_name,
        )  # fmt: skip

    if figures is None:
        return bare(say("grades.rule.no_figures"))
    case = _Case(std, ev, share, facts, figures, count(std, figures))
    if figures.corporate_deposit_increment != ZERO:
        case.notes.append(
            say(
                "grades.note.corporate",
                corporate=figures.corporate_deposit_increment,
                ratio=show_plain(std.corporate_deposit_ratio.value),
                counted=case.counted.corporate_increment_counted,
            )
        )
        case.refs.append(std.corporate_deposit_ratio.ref)
    if ev.kind is EvaluationKind.HALF_YEAR:
        case.notes.append(say("grades.note.half_year", share=show_share(share)))
        case.refs.append(std.half_year_share.ref)
    if facts.rm_since is not None and facts.rm_since > ev.period.start:
        case.notes.append(say("grades.note.part_period", since=facts.rm_since))
    end = probation_end(std, facts)
    if end is None and facts.rm_since is not None and facts.hired is None:
        longest = max(m for m, _ in std.probation_months.values())
        if add_months(facts.rm_since, longest) > ev.on:
            case.notes.append(say("grades.note.probation_unknown", months=longest))
    cur = std.index(facts.grade)
    if end is not None and end >= ev.on:
        action, proposed, rule = _on_probation(case, cur, end)
    elif end is not None and ev.previous_on <= end < ev.on:
        action, proposed, rule = _probation_ended(case, cur, end)
    elif cur is None:
        action, proposed, rule = _no_grade(case)
    else:
        action, proposed, rule = _formal(case, cur)
    steps = 0
    new = std.index(proposed)
    if cur is not None and new is not None:
        steps = new - cur
    return GradeProposal(
        facts.rm_id, ev.period.label, ev.kind, ev.on, action, facts.grade, proposed, steps,
        figures, case.counted, share, tuple(case.checks), rule, tuple(case.notes),
        tuple(dict.fromkeys(r for r in case.refs if r)), ladder_name,
    )  # fmt: skip


def show_plain(value: Decimal) -> str:
    """A rule value as written (``3``, ``0.5``)."""
    text = format(value.normalize(), "f")
    return text


Outcome = tuple[GradeAction, str | None, Said]


def _on_probation(case: _Case, cur: int | None, end: date) -> Outcome:
    """Still on probation on the evaluation day: no grade change; early confirmation when the commitment is met."""
    grade = case.facts.grade
    if cur is None:
        return GradeAction.ON_PROBATION, grade, say("grades.rule.on_probation", end=end)
    met = case.meets_committed(cur, own=True, record=True)
    case.refs.append("003 第十四条、第十五条、第十七条")
    if met:
        case.notes.append(say("grades.note.probation_window", period=case.ev.period.label))
        return (
            GradeAction.EARLY_CONFIRMATION,
            grade,
            say("grades.rule.early_confirmation", end=end, current=case.name(cur)),
        )
    return GradeAction.ON_PROBATION, grade, say("grades.rule.on_probation", end=end)


def _probation_ended(case: _Case, cur: int | None, end: date) -> Outcome:
    """Probation ended since the last evaluation: judged against the committed standard (承诺标准)."""
    grade = case.facts.grade
    lowest = case.std.lowest_formal
    if cur is None:
        return _no_grade(case)
    case.notes.append(say("grades.note.probation_window", period=case.ev.period.label))
    own = case.facts.committed_profit is not None or case.facts.committed_aum_balance is not None
    if own:
        case.notes.append(
            say(
                "grades.note.own_commitment",
                profit=case.facts.committed_profit if case.facts.committed_profit is not None else "—",
                aum=case.facts.committed_aum_balance if case.facts.committed_aum_balance is not None else "—",
            )
        )
    met = case.meets_committed(cur, own=True, record=True)
    if met is None:  # 见习: the retail department's 考评, not a figure rule
        case.refs.append("003 第十七条")
        return GradeAction.REVIEW, grade, say("grades.rule.trainee_probation", end=end)
    if met:
        case.refs.append("003 第十七条、第十八条")
        return GradeAction.CONFIRM, grade, say("grades.rule.confirm", end=end, current=case.name(cur))
    case.refs.append("003 第二十三条2(1)")
    # 比照附件一: the highest lower grade whose committed standard the figures meet
    target = next(
        (i for i in range(cur - 1, lowest - 1, -1) if case.meets_committed(i, own=False, record=False)),
        None,
    )
    if target is None:
        case.refs.append("003 第十七条")
        return GradeAction.PROBATION_EXIT, None, say("grades.rule.probation_exit", end=end, lowest=case.name(lowest))
    case.meets_committed(target, own=False, record=True)
    return (
        GradeAction.PROBATION_DEMOTE,
        case.g(target).grade,
        say("grades.rule.probation_demote", end=end, to=case.name(target)),
    )


def _no_grade(case: _Case) -> Outcome:
    reach = max((i for i in range(len(case.std.grades)) if case.meets(i)), default=None)
    if reach is None:
        return GradeAction.REVIEW, None, say("grades.rule.no_grade_none")
    case.check_meets(reach)
    return GradeAction.REVIEW, None, say("grades.rule.no_grade", reach=case.name(reach))


def _formal(case: _Case, cur: int) -> Outcome:
    """A formal RM: promotion, keep, demotion, or the steps below the lowest grade."""
    std = case.std
    n = len(std.grades)
    leader = case.facts.manages_people
    max_steps = std.leader_max_steps if leader else n
    basis = say("grades.basis.annual") if case.share == ONE else say("grades.basis.half", share=show_share(case.share))
    if leader:
        case.notes.append(say("grades.note.leader_unit"))
    reach = max((i for i in range(n) if case.meets(i)), default=None)
    if reach is not None and reach > cur:
        to = min(reach, cur + max_steps)
        case.check_meets(to)
        if to + 1 < n:
            case.check_meets(to + 1)  # why not higher
        case.refs += [
            case.g(to).simulated_profit.ref,
            case.g(to).aum_increment.ref,
            "003 附件1 备注2;第十九条至第二十二条",
        ]
        case.notes.append(say("grades.note.promotion_conditions"))
        if leader:
            case.refs.append(std.leader_ref)
        rule = say("grades.rule.promote", steps=to - cur, to=case.name(to), basis=basis)
        if reach > to:
            rule = _joined(rule, say("grades.why.leader_up", reach=case.name(reach)))
        return GradeAction.PROMOTE, case.g(to).grade, rule
    if case.keeps(cur):
        case.check_keeps(cur)
        if cur + 1 < n:
            case.check_meets(cur + 1)
        if case.facts.months_below_lowest > 0:
            case.notes.append(
                say("grades.note.recovered", lowest=case.name(std.lowest_formal), months=case.facts.months_below_lowest)
            )
        share = show_share(std.demotion_profit_share.value)
        return (
            GradeAction.KEEP,
            case.g(cur).grade,
            say("grades.rule.keep", current=case.name(cur), floor=share, basis=basis),
        )
    # not kept: demotion, or the steps below the lowest formal grade
    case.check_keeps(cur)
    why = case.why_not_kept(cur)
    case.refs += [case.g(cur).aum_increment.ref, std.demotion_profit_share.ref]
    lowest = std.lowest_formal
    if cur < lowest:  # 见习 below the trainee standard
        case.refs.append("003 第二十七条2")
        return GradeAction.RETURN_TO_HR, None, say("grades.rule.return_to_hr", why=why)
    free = next((i for i in range(cur - 1, lowest - 1, -1) if case.keeps(i)), None)
    target = (cur - max_steps if cur - max_steps >= lowest else None) if leader else free
    if leader and target is not None and free is not None and free > target:
        target = free  # never lower than the figures say
    if target is None:
        return _below_lowest(case, cur, why)
    case.check_keeps(target)
    if target + 1 < cur:
        case.check_keeps(target + 1)  # why not a smaller step
    if leader:
        case.refs.append(std.leader_ref)
        reached = say("grades.why.below_lowest") if free is None else case.name(free)
        rule = say("grades.rule.demote_leader", to=case.name(target), why=why, basis=basis)
        if free != target:
            rule = _joined(rule, say("grades.why.leader_down", reach=reached))
        return GradeAction.DEMOTE, case.g(target).grade, rule
    case.refs.append("003 第二十三条2(2)、3")
    return (
        GradeAction.DEMOTE,
        case.g(target).grade,
        say("grades.rule.demote", to=case.name(target), steps=cur - target, why=why, basis=basis),
    )


def _below_lowest(case: _Case, cur: int, why: Said) -> Outcome:
    """Below the lowest formal grade: grace months at its pay, then the living allowance (第二十七条1)."""
    std = case.std
    lowest = std.lowest_formal
    if cur != lowest:
        case.check_keeps(lowest)
        why = case.why_not_kept(lowest)
    case.refs += [std.grace_ref, std.living_allowance.ref]
    used = case.facts.months_below_lowest
    if used < std.grace_months:
        return (
            GradeAction.GRACE,
            std.grades[lowest].grade,
            say(
                "grades.rule.grace",
                lowest=case.name(lowest),
                why=why,
                months=std.grace_months,
                left=std.grace_months - used,
            ),
        )
    return (
        GradeAction.LIVING_ALLOWANCE,
        std.grades[lowest].grade if cur == lowest else case.facts.grade,
        say(
            "grades.rule.living_allowance",
            lowest=case.name(lowest),
            why=why,
            months=std.grace_months,
            allowance=show_plain(std.living_allowance.value),
        ),
    )


def _joined(first: Said, second: Said) -> Said:
    return Said(first.code, f"{first.zh};{second.zh}", f"{first.en}; {second.en}")


# --- plain data ---------------------------------------------------------------------------------


def proposal_record(p: GradeProposal, lang: str | None = None) -> dict[str, str]:
    """One flat row for CSV/XLSX: the figures (万元, exact), the decision proposed and why."""
    f, c = p.figures, p.counted

    def num(value: Decimal | None) -> str:
        return "" if value is None else show_wan(value)

    return {
        "rm_id": p.rm_id,
        "period": p.period,
        "evaluation": p.kind.value,
        "evaluated_on": p.on.isoformat(),
        "current_grade": p.current or "",
        "action": p.action.value,
        "action_text": t(f"grades.action.{p.action.value}", None, lang),
        "proposed_grade": p.proposed or "",
        "steps": str(p.steps),
        "simulated_profit_wan": num(f.simulated_profit if f else None),
        "aum_increment_wan": num(f.aum_increment if f else None),
        "corporate_deposit_increment_wan": num(f.corporate_deposit_increment if f else None),
        "corporate_counted_wan": num(c.corporate_increment_counted if c else None),
        "aum_increment_counted_wan": num(c.aum_increment if c else None),
        "aum_balance_counted_wan": num(c.aum_balance if c else None),
        "standard_share": show_plain(p.standard_share),
        "checks": "; ".join(ch.render(lang) for ch in p.checks),
        "rule_zh": p.rule.zh,
        "rule_en": p.rule.en,
        "notes": "; ".join(n.render(lang) for n in p.notes),
        "refs": "; ".join(p.refs),
        "ladder": p.ladder,
        "decision": p.decision_note.render(lang),
    }


__all__ = [
    "CHANGES",
    "Bilingual",
    "Check",
    "Counted",
    "EvaluationKind",
    "EvaluationMonths",
    "GradeAction",
    "GradeEvaluation",
    "GradeFigures",
    "GradeProposal",
    "HireKind",
    "Ladder",
    "LadderError",
    "NotAnEvaluationMonth",
    "RmFacts",
    "Said",
    "Standards",
    "add_months",
    "count",
    "evaluation_day",
    "evaluation_of",
    "load_ladder",
    "load_ladder_file",
    "probation_end",
    "proposal_record",
    "propose_grades",
    "say",
    "show_wan",
    "to_wan",
]
