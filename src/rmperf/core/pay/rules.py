"""Pay rules (薪酬规则): from an RM's appraisal result to pay components, to the fen.

Pure (no Django, no DuckDB). ``compute_pay(pay, results, rms, pools=…, adjustments=…)``
takes the scheme's pay rules in force for a run (:class:`ResolvedPay`, what
``rmperf.core.scheme.resolve`` gives as ``ResolvedScheme.pay``), the run's
results (``RmResult.to_dict()`` payloads: decimals as text) and each RM's
facts, and returns one :class:`PayLine` per RM, ordered by ``rm_id``.

Every amount is a ``Decimal`` rounded **once** to the fen with the scheme's
mode (``half_up`` unless ``pay.rounding`` says ``half_even``), computed from
the figures the line shows (an RM's rounded scores, the rounded components
a cut or a bonus is a share of). A pool's parts are rounded together by
largest remainder so that they add up to the pool exactly. Each component
carries its arithmetic with the numbers (``formula``) and the ``ref`` (memo)
of the rule in force.

The order of a line (docs/scheme-format.md, "Pay rules"):

1. score → pay (one of ``unit_price``, ``weighted_base``, ``grade_bands``,
   ``cycle_shares``), ``performance`` parts (rate × figure), ``commission``:
   kind ``performance``;
2. ``bonus`` (a share of the commission by achievement tier): kind ``reward``;
3. ``base_salary`` (kind ``base``) and ``car_allowance`` (kind ``allowance``);
4. the ``pool`` share (kind ``pool``);
5. ``below_60_cut``: a share of step 1's performance pay, negative (kind ``cut``);
6. ``over_target_reward`` per named item (kind ``reward``);
7. ``awards``: 001's signed 得奖数 (kind ``reward`` when positive, ``cut`` when negative);
8. the sub-branch's adjustment of maintenance pay (kind ``adjustment``).

``gross`` is the sum of the components; ``performance`` (the part the ledger
holds back and defers) is the sum of the variable kinds: performance, pool,
reward, cut and adjustment — not base salary or allowances.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from rmperf.core.allocation import largest_remainder
from rmperf.core.money import to_fen
from rmperf.core.pay.policy import LedgerPolicy
from rmperf.core.scoring import ScoringError, fmt
from rmperf.i18n import t

__all__ = [
    "COMPONENT_KINDS",
    "VARIABLE_KINDS",
    "Adjustment",
    "AmountRule",
    "AwardRule",
    "BandRule",
    "BonusRule",
    "CommissionRule",
    "CutRule",
    "CycleShareRule",
    "Measure",
    "PayComponent",
    "PayError",
    "PayLine",
    "PerformanceRule",
    "PoolRule",
    "ResolvedPay",
    "RewardRule",
    "RmFacts",
    "StatusRules",
    "Valued",
    "WeightedBaseRule",
    "compute_pay",
    "pool_split",
]

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
SIXTY = Decimal(60)
FEN = Decimal("0.01")

COMPONENT_KINDS = ("base", "performance", "allowance", "reward", "cut", "adjustment", "pool")
#: the kinds the ledger holds back and defers (``PayLine.performance``)
VARIABLE_KINDS = frozenset({"performance", "pool", "reward", "cut", "adjustment"})
#: runs of each kind in a year, and months in each
RUNS_PER_YEAR = {"month": 12, "quarter": 4, "half": 2, "year": 1}
MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
#: the figures of a result a measure may name: ``total``, ``subtotal``, or ``<form>.<key>``
REF_FORMS = ("dimension", "points", "item", "value", "target", "input")


# --- the rules in force (ResolvedPay) ------------------------------------------------------------


@dataclass(frozen=True)
class Valued:
    """A number in force and the memo that approved it."""

    value: Decimal
    ref: str | None = None


@dataclass(frozen=True)
class Measure:
    """A figure of an RM's result: the sum of ``refs`` (``total``, ``points.development`` …)."""

    name: str
    refs: tuple[str, ...]
    label_zh: str = ""
    label_en: str = ""

    @classmethod
    def of(cls, ref: str) -> Measure:
        return cls(ref, (ref,), ref, ref)


TOTAL = Measure("total", ("total",), "总分", "total score")


@dataclass(frozen=True)
class AmountRule:
    """An amount per RM: ``by_grade`` first, then ``by_post``, then ``amount``; ``per`` month, year or cycle."""

    label_zh: str
    label_en: str
    per: str
    amount: Valued | None = None
    by_grade: Mapping[str, Valued] = field(default_factory=dict)
    by_post: Mapping[str, Valued] = field(default_factory=dict)

    def lookup(self, facts: RmFacts) -> tuple[Valued | None, str]:
        if facts.grade is not None and facts.grade in self.by_grade:
            return self.by_grade[facts.grade], f"grade={facts.grade}"
        if facts.post in self.by_post:
            return self.by_post[facts.post], f"post={facts.post}"
        return self.amount, ""


@dataclass(frozen=True)
class BandRule:
    """Bands of a figure: ``(lower bound, value)`` ascending, lower bound inclusive; below the first → 0.

    Bounds are in ``unit`` (10000 = 万元). ``value`` is an amount, or a coefficient of ``base``.
    """

    label_zh: str
    label_en: str
    of: Measure
    bands: tuple[tuple[Decimal, Decimal], ...]
    ref: str | None = None
    per: str = "cycle"
    unit: Decimal = ONE
    base: Valued | None = None
    #: the bands are of a year's figure: a shorter run's figure is annualised (× 12 ÷ months) to pick one
    annual: bool = False


@dataclass(frozen=True)
class WeightedBaseRule:
    """000 方案2: ``base × score ÷ full``."""

    base: Valued
    full: Valued = Valued(HUNDRED)


@dataclass(frozen=True)
class CycleShareRule:
    """002: the run's share of an annual budget: ``budget × share ÷ runs a year × score ÷ 100``."""

    budget: AmountRule
    #: the share of this run's kind (None: this kind is paid nothing from the budget)
    share: Valued | None
    shares: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class PoolRule:
    """001: unit value = pool ÷ Σ points; individual = unit value × own points."""

    level: str = "bank"
    amount: Valued | None = None
    from_table: bool = False
    points: Measure = TOTAL


@dataclass(frozen=True)
class PerformanceRule:
    """003: ``rate × figure``; ``maintenance`` marks the part a sub-branch may adjust (维护绩效)."""

    key: str
    label_zh: str
    label_en: str
    of: Measure
    rate: Valued
    maintenance: bool = False


@dataclass(frozen=True)
class CommissionRule:
    """004: a flat ``rate`` of a figure, or a rate by achievement tier (``progressive``: each rate on its slice)."""

    of: Measure
    rate: Valued | None = None
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()
    tiers_ref: str | None = None
    target: Measure | None = None
    target_amount: Valued | None = None
    progressive: bool = True
    label_zh: str = "佣金"
    label_en: str = "Commission"


@dataclass(frozen=True)
class BonusRule:
    """004: a share of the commission (or of ``of``) by achievement tier; paid in the runs ``pays`` says."""

    tiers: tuple[tuple[Decimal, Decimal], ...]
    tiers_ref: str | None = None
    target: Measure | None = None
    target_amount: Valued | None = None
    of: Measure | None = None
    pays: bool = True
    label_zh: str = "奖金"
    label_en: str = "Bonus"


@dataclass(frozen=True)
class CutRule:
    """002: a score below ``below`` loses ``share`` of the base performance pay."""

    share: Valued
    below: Valued = Valued(SIXTY)


@dataclass(frozen=True)
class RewardRule:
    """002: ``rate`` of the excess over target of the named ``items``."""

    rate: Valued
    items: tuple[str, ...]


@dataclass(frozen=True)
class AwardRule:
    """001: a signed money component (得奖数): ``+``, ``−`` or ``±`` rate × a figure, in yuan.

    ``base`` ``performance``: rate × figure is a share of the line's performance pay (a deduction
    never takes more than that pay); ``cap`` bounds the amount either way.
    """

    key: str
    label_zh: str
    label_en: str
    of: Measure
    sign: str  # plus | minus | signed
    rate: Valued
    base: str = "amount"  # amount | performance
    cap: Valued | None = None


@dataclass(frozen=True)
class StatusRules:
    """003's pay of RMs whose status is not the ordinary one (the status in force on the run's last day).

    - ``grace`` (宽限期, 第二十七条1): paid at ``grace_grade``'s standard (初级一档): its base salary;
    - ``living_allowance`` (宽限期结束后仍低于初级一档): only ``living_allowance`` a month (800 yuan);
    - ``probation`` (试用期, 第十六条): base salary at ``probation_base`` a month (the non-RM standard), and
      the bonus is the higher of ``probation_bonus`` a month (the non-RM bonus standard) and the
      performance pay the probation's figures earn.
    """

    grace_grade: str | None = None
    grace_ref: str | None = None
    living_allowance: Valued | None = None
    probation_base: Valued | None = None
    probation_bonus: Valued | None = None
    #: grades whose probation keeps the ordinary rules (003 第十六条2: 见习)
    probation_except: tuple[str, ...] = ()

    def on_probation(self, facts: RmFacts) -> bool:
        return facts.status == "probation" and facts.grade not in self.probation_except


#: the statuses an RM's pay can be in besides the ordinary one
STATUSES = ("grace", "living_allowance", "probation")


@dataclass(frozen=True)
class ResolvedPay:
    """A scheme's pay rules with the values in force for one run (cycle)."""

    scheme_id: str
    #: the run's period label (``2025-Q2``) and kind (month, quarter, half, year)
    cycle: str
    kind: str
    rounding: str = "half_up"
    #: False when the scheme pays nothing in runs of this kind (``pay.cycles``)
    pays: bool = True
    #: the run kinds that pay (``pay.cycles``); None: every kind of the scheme
    paying_kinds: tuple[str, ...] | None = None
    score: Measure = TOTAL
    unit_price: Valued | None = None
    weighted_base: WeightedBaseRule | None = None
    grade_bands: BandRule | None = None
    cycle_shares: CycleShareRule | None = None
    pool: PoolRule | None = None
    performance: tuple[PerformanceRule, ...] = ()
    model: str | None = None
    base_salary: AmountRule | None = None
    car_allowance: BandRule | None = None
    commission: CommissionRule | None = None
    bonus: BonusRule | None = None
    below_60_cut: CutRule | None = None
    over_target_reward: RewardRule | None = None
    awards: tuple[AwardRule, ...] = ()
    maintenance_adjustment_limit: Valued | None = None
    statuses: StatusRules = field(default_factory=StatusRules)
    #: ``cycle``: each run pays its own period; ``year_to_date``: each run pays the year so far less what
    #: the year's earlier settlements paid (003 第三十八条 按季清算)
    settlement: str = "cycle"
    #: the months a year-to-date run's window covers (1 January to the period end); None: the period's
    window_months: int | None = None
    ledger: LedgerPolicy = field(default_factory=LedgerPolicy)

    @property
    def months(self) -> int:
        """Months the run pays for: the period's (1, 3, 6 or 12), or a year-to-date window's."""
        return self.window_months if self.window_months is not None else MONTHS[self.kind]


# --- inputs and outputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RmFacts:
    """What pay needs to know about an RM besides the result: where they sit, their post and grade."""

    rm_id: str
    org_id: str
    post: str
    subbranch: str | None = None
    branch: str | None = None
    grade: str | None = None
    #: ``grace``, ``living_allowance`` or ``probation`` on the run's last day (003); None: ordinary
    status: str | None = None


@dataclass(frozen=True)
class Adjustment:
    """A sub-branch's adjustment of an RM's maintenance pay (003 附件5 支行调整维护绩效).

    Exactly one of ``amount`` (yuan, + or −) and ``share`` (of the maintenance pay, + or −);
    ``reason`` is required; ``by`` names who decided.
    """

    reason: str
    by: str = ""
    amount: Decimal | None = None
    share: Decimal | None = None
    #: the earlier run of the same scheme and period it was recorded on, when it is carried over
    carried_from: int | None = None


@dataclass(frozen=True)
class PayComponent:
    kind: str  # base | performance | allowance | reward | cut | adjustment | pool
    label_zh: str
    label_en: str
    amount: Decimal
    formula: str
    ref: str | None = None


@dataclass(frozen=True)
class PayLine:
    rm_id: str
    cycle: str
    components: tuple[PayComponent, ...]
    gross: Decimal  # Σ components
    performance: Decimal  # the part subject to hold-back and deferral
    notes: tuple[str, ...] = ()

    def component(self, kind: str) -> tuple[PayComponent, ...]:
        return tuple(c for c in self.components if c.kind == kind)


class PayError(ScoringError):
    """Pay refused its inputs: an i18n code and params (``pay.*``), further problems in ``details``."""


# --- helpers -----------------------------------------------------------------------------------------


def _note(code: str, **params: object) -> str:
    """A note in both languages (a pay line is read in either; the text must not depend on the setting).

    A ``kind`` parameter (a period kind) is rendered as the word of each language (月度 / monthly).
    """

    def render(lang: str) -> str:
        words = {k: _word(k, v, lang) for k, v in params.items()}
        return t(code, words, lang)

    zh, en = render("zh"), render("en")
    return zh if zh == en else f"{zh} / {en}"


def _word(key: str, value: object, lang: str) -> object:
    """A note's parameter as its reader says it: a period kind (月度), a grade (初级一档)."""
    if key == "kind":
        return t(f"scheme.kind_{value}", None, lang)
    if key == "grade":
        return t(f"word.grade.{value}", None, lang)
    return value


def _money(amount: Decimal) -> str:
    return format(amount, "f")


def _pct(rate: Decimal) -> str:
    return fmt(rate * HUNDRED) + "%"


def _dec(value: Any, what: str, problems: list[PayError]) -> Decimal | None:
    """A result figure as Decimal (text or Decimal); a float is refused, never converted."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool | float):
        problems.append(PayError("pay.not_decimal", {"what": what, "value": repr(value)}))
        return None
    if isinstance(value, int):
        return Decimal(value)
    try:
        out = Decimal(str(value))
    except InvalidOperation:
        problems.append(PayError("pay.not_decimal", {"what": what, "value": repr(value)}))
        return None
    if not out.is_finite():
        problems.append(PayError("pay.not_decimal", {"what": what, "value": repr(value)}))
        return None
    return out


@dataclass
class _Item:
    score: Decimal | None
    value: Decimal | None
    target: Decimal | None
    name_zh: str


@dataclass
class _Result:
    """The figures of one RM's result payload that pay reads."""

    rm_id: str
    total: Decimal | None
    subtotal: Decimal | None
    veto: bool
    dimensions: dict[str, tuple[Decimal | None, dict[str, _Item]]]
    #: the inputs and custom indicators of the trace (``input.<name>``)
    values: dict[str, Decimal | None] = field(default_factory=dict)

    @classmethod
    def parse(cls, payload: Mapping[str, Any], problems: list[PayError]) -> _Result | None:
        rm_id = payload.get("rm_id")
        if not isinstance(rm_id, str) or not rm_id:
            problems.append(PayError("pay.bad_result", {"rm": "?", "field": "rm_id"}))
            return None
        dims: dict[str, tuple[Decimal | None, dict[str, _Item]]] = {}
        for d in payload.get("dimensions") or ():
            items: dict[str, _Item] = {}
            for i in d.get("items") or ():
                target = i.get("target")
                where = f"{rm_id} {i.get('key')}"
                items[str(i.get("key"))] = _Item(
                    _dec(i.get("score"), where, problems),
                    _dec(i.get("value"), where, problems),
                    _dec(target.get("value"), where, problems) if isinstance(target, Mapping) else None,
                    str(i.get("name_zh") or i.get("key")),
                )
            dims[str(d.get("key"))] = (_dec(d.get("score"), f"{rm_id} {d.get('key')}", problems), items)
        if "total" not in payload:
            problems.append(PayError("pay.bad_result", {"rm": rm_id, "field": "total"}))
            return None
        values = {
            str(v.get("name")): _dec(v.get("value"), f"{rm_id} {v.get('name')}", problems)
            for v in payload.get("values") or ()
            if isinstance(v, Mapping)
        }
        return cls(
            rm_id,
            _dec(payload.get("total"), f"{rm_id} total", problems),
            _dec(payload.get("subtotal"), f"{rm_id} subtotal", problems),
            bool(payload.get("veto")),
            dims,
            values,
        )

    def figure(self, ref: str) -> Decimal | None:
        if ref == "total":
            return self.total
        if ref == "subtotal":
            return self.subtotal
        form, _, key = ref.partition(".")
        if form == "input":
            return self.values.get(key)
        if form in ("dimension", "points"):
            dim = self.dimensions.get(key)
            if dim is None:
                return None
            if form == "dimension":
                return dim[0]
            scores = [i.score for i in dim[1].values()]
            if any(s is None for s in scores):
                return None
            return sum((s for s in scores if s is not None), ZERO)
        for _, items in self.dimensions.values():
            if key in items:
                item = items[key]
                return {"item": item.score, "value": item.value, "target": item.target}.get(form)
        return None

    def item(self, key: str) -> _Item | None:
        for _, items in self.dimensions.values():
            if key in items:
                return items[key]
        return None


class _Line:
    """One RM's pay line while it is being computed."""

    def __init__(self, pay: ResolvedPay, result: _Result, facts: RmFacts) -> None:
        self.pay = pay
        self.result = result
        self.facts = facts
        self.components: list[PayComponent] = []
        self.notes: list[str] = []

    def round(self, exact: Decimal) -> Decimal:
        return to_fen(exact, self.pay.rounding)

    def add(self, kind: str, zh: str, en: str, exact: Decimal, expr: str, ref: str | None) -> PayComponent:
        amount = self.round(exact)
        formula = f"{expr} = {_money(amount)}" if expr else _money(amount)
        component = PayComponent(kind, zh, en, amount, formula, ref)
        self.components.append(component)
        return component

    def measure(self, m: Measure) -> Decimal | None:
        values = [self.result.figure(r) for r in m.refs]
        missing = [r for r, v in zip(m.refs, values, strict=True) if v is None]
        if missing:
            self.notes.append(_note("pay.note.missing_figure", name=m.name, refs=", ".join(missing)))
            return None
        return sum((v for v in values if v is not None), ZERO)

    def prorate(self, amount: Decimal, per: str) -> tuple[Decimal, str]:
        """An amount per month / year / cycle for this run, and the arithmetic."""
        months = self.pay.months
        if per == "month":
            return amount * months, f"{fmt(amount)} × {months}"
        if per == "year":
            if months == 12:
                return amount, fmt(amount)
            return amount * months / 12, f"{fmt(amount)} × {months} ÷ 12"
        return amount, fmt(amount)

    def line(self) -> PayLine:
        gross = sum((c.amount for c in self.components), ZERO)
        variable = sum((c.amount for c in self.components if c.kind in VARIABLE_KINDS), ZERO)
        return PayLine(
            self.facts.rm_id,
            self.pay.cycle,
            tuple(self.components),
            to_fen(gross, self.pay.rounding),  # a sum of fen amounts: exact already
            to_fen(variable, self.pay.rounding),
            tuple(dict.fromkeys(self.notes)),
        )


def _band(value: Decimal, bands: Sequence[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal] | None:
    """The last band whose lower bound ``value`` reaches (bands ascending), or None below the first."""
    found: tuple[Decimal, Decimal] | None = None
    for bound, out in bands:
        if value >= bound:
            found = (bound, out)
    return found


def _achievement(
    line: _Line, figure: Decimal, target: Measure | None, target_amount: Valued | None
) -> tuple[Decimal | None, Decimal | None]:
    """(achievement, target) of ``figure``; (None, None) when there is no positive target."""
    value: Decimal | None = None
    if target_amount is not None:
        value = target_amount.value
    elif target is not None:
        value = line.measure(target)
    if value is None or value <= 0:
        if value is not None or target is None:  # a missing target figure is noted by ``measure``
            line.notes.append(_note("pay.note.no_target"))
        return None, None
    return figure / value, value


# --- the rules ------------------------------------------------------------------------------------------


def _score_rules(line: _Line, score: Decimal) -> None:
    pay = line.pay
    positive = max(score, ZERO)
    if pay.unit_price is not None:
        price = pay.unit_price
        line.add(
            "performance",
            "按分计酬(得分 × 单价)",
            "Pay per point (score × unit price)",
            positive * price.value,
            f"{fmt(positive)} × {fmt(price.value)}",
            price.ref,
        )
    if pay.weighted_base is not None:
        wb = pay.weighted_base
        line.add(
            "performance",
            "基数折算绩效(基数 × 得分 ÷ 满分)",
            "Weighted base (base × score ÷ full marks)",
            wb.base.value * positive / wb.full.value,
            f"{fmt(wb.base.value)} × {fmt(positive)} ÷ {fmt(wb.full.value)}",
            wb.base.ref,
        )
    if pay.grade_bands is not None:
        rule = pay.grade_bands
        band = _band(score / rule.unit, rule.bands)
        if band is None:
            expr = f"{fmt(score)} < {fmt(rule.bands[0][0])} → 0"
            exact = ZERO
        elif rule.base is not None:
            expr = f"{fmt(score)} ≥ {fmt(band[0])}: {fmt(band[1])} × {fmt(rule.base.value)}"
            exact = band[1] * rule.base.value
        else:
            expr = f"{fmt(score)} ≥ {fmt(band[0])}: {fmt(band[1])}"
            exact = band[1]
        line.add("performance", rule.label_zh, rule.label_en, exact, expr, rule.ref)
    if pay.cycle_shares is not None:
        cs = pay.cycle_shares
        if cs.share is None:
            line.notes.append(_note("pay.note.no_cycle_share", kind=pay.kind))
        else:
            budget, _ = cs.budget.lookup(line.facts)
            if budget is None:
                line.notes.append(_note("pay.note.no_amount", what=cs.budget.label_zh))
            else:
                runs = RUNS_PER_YEAR[pay.kind]
                line.add(
                    "performance",
                    "周期绩效(年度预算 × 周期占比 ÷ 期数 × 得分 ÷ 100)",
                    "Cycle pay (annual budget × cycle share ÷ runs × score ÷ 100)",
                    budget.value * cs.share.value / runs * positive / HUNDRED,
                    f"{fmt(budget.value)} × {fmt(cs.share.value)} ÷ {runs} × {fmt(positive)} ÷ 100",
                    cs.share.ref or budget.ref,
                )


def _performance_parts(line: _Line) -> Decimal:
    """Add the rate × figure parts; return the maintenance pay (Σ of the parts marked maintenance)."""
    maintenance = ZERO
    for part in line.pay.performance:
        figure = line.measure(part.of)
        if figure is None:
            continue
        if figure < 0:
            line.notes.append(_note("pay.note.negative_figure", name=part.label_zh, value=fmt(figure)))
        base = max(figure, ZERO)
        c = line.add(
            "performance",
            part.label_zh,
            part.label_en,
            base * part.rate.value,
            f"{fmt(base)} × {fmt(part.rate.value)}",
            part.rate.ref,
        )
        if part.maintenance:
            maintenance += c.amount
    return maintenance


def _commission(line: _Line) -> PayComponent | None:
    rule = line.pay.commission
    if rule is None:
        return None
    figure = line.measure(rule.of)
    if figure is None:
        return None
    if figure < 0:
        line.notes.append(_note("pay.note.negative_figure", name=rule.label_zh, value=fmt(figure)))
        figure = ZERO
    if not rule.tiers:
        assert rule.rate is not None
        return line.add(
            "performance",
            rule.label_zh,
            rule.label_en,
            figure * rule.rate.value,
            f"{fmt(figure)} × {fmt(rule.rate.value)}",
            rule.rate.ref,
        )
    achievement, target = _achievement(line, figure, rule.target, rule.target_amount)
    if achievement is None or target is None:
        rate = rule.tiers[0][1]
        return line.add(
            "performance",
            rule.label_zh,
            rule.label_en,
            figure * rate,
            f"{fmt(figure)} × {fmt(rate)}",
            rule.tiers_ref,
        )
    if not rule.progressive:
        band = _band(achievement, rule.tiers)
        rate = band[1] if band is not None else rule.tiers[0][1]
        expr = f"{fmt(figure)} ÷ {fmt(target)} = {fmt(achievement)} → {fmt(figure)} × {fmt(rate)}"
        return line.add("performance", rule.label_zh, rule.label_en, figure * rate, expr, rule.tiers_ref)
    # progressive: each tier's rate on the slice of the figure between its bound and the next one's
    parts: list[str] = []
    exact = ZERO
    for i, (bound, rate) in enumerate(rule.tiers):
        low = bound * target
        high = rule.tiers[i + 1][0] * target if i + 1 < len(rule.tiers) else None
        if figure <= low and i > 0:
            break
        top = figure if high is None else min(figure, high)
        slice_ = max(top - low, ZERO)
        exact += slice_ * rate
        parts.append(f"{fmt(slice_)} × {fmt(rate)}")
    expr = f"{fmt(figure)} ÷ {fmt(target)} = {fmt(achievement)}: " + " + ".join(parts)
    return line.add("performance", rule.label_zh, rule.label_en, exact, expr, rule.tiers_ref)


def _bonus(line: _Line, commission: PayComponent | None) -> None:
    rule = line.pay.bonus
    if rule is None:
        return
    if not rule.pays:
        line.notes.append(_note("pay.note.bonus_not_this_cycle", kind=line.pay.kind))
        return
    base = commission.amount if commission is not None else None
    if rule.of is not None:
        base = line.measure(rule.of)
    if base is None:
        return
    com = line.pay.commission
    achieved_of = line.measure(com.of) if com is not None else base
    target, target_amount = rule.target, rule.target_amount
    if target is None and target_amount is None and com is not None:
        target, target_amount = com.target, com.target_amount
    if achieved_of is None:
        return
    achievement, _ = _achievement(line, achieved_of, target, target_amount)
    if achievement is None:
        return
    band = _band(achievement, rule.tiers)
    share = band[1] if band is not None else ZERO
    bound = f"≥ {fmt(band[0])}" if band is not None else f"< {fmt(rule.tiers[0][0])}"
    expr = f"{fmt(achievement)} {bound} → {fmt(base)} × {fmt(share)}"
    line.add("reward", rule.label_zh, rule.label_en, base * share, expr, rule.tiers_ref)


def _allowances(line: _Line) -> None:
    pay = line.pay
    if pay.base_salary is not None:
        rule = pay.base_salary
        amount, _ = rule.lookup(line.facts)
        rules, status = pay.statuses, line.facts.status
        if status == "grace" and rules.grace_grade is not None:
            # 003 第二十七条1: 宽限期内执行初级一档理财客户经理待遇标准
            graced = RmFacts(line.facts.rm_id, line.facts.org_id, line.facts.post, grade=rules.grace_grade)
            amount, _ = rule.lookup(graced)
            line.notes.append(_note("pay.note.grace", grade=rules.grace_grade))
        elif rules.on_probation(line.facts) and rules.probation_base is not None:
            amount = rules.probation_base  # 003 第十六条: 试用期内基础工资按非理财客户经理薪酬标准执行
            line.notes.append(_note("pay.note.probation_base"))
        if amount is None:
            line.notes.append(_note("pay.note.no_amount", what=rule.label_zh))
        else:
            exact, expr = line.prorate(amount.value, rule.per)
            line.add("base", rule.label_zh, rule.label_en, exact, expr, amount.ref)
    if pay.car_allowance is not None:
        band_rule = pay.car_allowance
        figure = line.measure(band_rule.of)
        if figure is not None:
            months = pay.months
            yearly = band_rule.annual and months != 12
            scaled = figure / band_rule.unit * (Decimal(12) / months if yearly else ONE)
            band = _band(scaled, band_rule.bands)
            shown = fmt(figure) if band_rule.unit == ONE else f"{fmt(figure)} ÷ {fmt(band_rule.unit)}"
            if yearly:
                shown += f" × 12 ÷ {months}"
            if shown != fmt(figure):
                shown += f" = {fmt(scaled)}"
            if band is None:
                expr = f"{shown} < {fmt(band_rule.bands[0][0])} → 0"
                exact = ZERO
            else:
                exact, per = line.prorate(band[1], band_rule.per)
                expr = f"{shown} ≥ {fmt(band[0])}: {per}"
            line.add("allowance", band_rule.label_zh, band_rule.label_en, exact, expr, band_rule.ref)


def _cut(line: _Line, score: Decimal) -> None:
    rule = line.pay.below_60_cut
    if rule is None or score >= rule.below.value:
        return
    base = sum((c.amount for c in line.components if c.kind == "performance"), ZERO)
    if base <= 0:
        return
    cut = line.round(base * rule.share.value)
    expr = f"{fmt(score)} < {fmt(rule.below.value)}: −({_money(base)} × {fmt(rule.share.value)})"
    line.add("cut", "低于60分扣减基础绩效", "Below-60 cut of base performance pay", -cut, expr, rule.share.ref)


def _rewards(line: _Line) -> None:
    rule = line.pay.over_target_reward
    if rule is None:
        return
    if line.result.veto:
        line.notes.append(_note("pay.note.veto_no_reward"))
        return
    for key in rule.items:
        item = line.result.item(key)
        if item is None or item.value is None or item.target is None:
            line.notes.append(_note("pay.note.no_excess_figure", item=key))
            continue
        excess = item.value - item.target
        if excess <= 0:
            continue
        line.add(
            "reward",
            f"超额奖励:{item.name_zh}",
            f"Over-target reward: {key}",
            excess * rule.rate.value,
            f"({fmt(item.value)} − {fmt(item.target)}) × {fmt(rule.rate.value)}",
            rule.rate.ref,
        )


def _settle(line: _Line, settled: Mapping[str, Decimal], since: str) -> None:
    """A year-to-date settlement: each component less what the year's earlier settlements paid of it.

    Components are matched by label (the scheme's names); one paid before and not due now is reversed.
    The sub-branch's adjustment is a decision about this settlement alone and is never carried forward.
    """
    now = {c.label_zh: i for i, c in enumerate(line.components)}
    for i, c in enumerate(line.components):
        before = settled.get(c.label_zh)
        if before is None or before == 0:
            continue
        amount = c.amount - before
        line.components[i] = PayComponent(
            c.kind,
            c.label_zh,
            c.label_en,
            amount,
            f"{c.formula}; − {_money(before)} = {_money(amount)}",
            c.ref,
        )
    for label, before in sorted(settled.items()):
        if label in now or before == 0:
            continue
        line.components.append(
            PayComponent(
                "cut" if before > 0 else "reward",
                f"冲回本年已结算:{label}",
                f"Reversal of this year's earlier settlement: {label}",
                -before,
                f"− {_money(before)}",
                None,
            )
        )
    line.notes.append(_note("pay.note.settled", since=since))


def _probation_bonus(line: _Line) -> None:
    """003 第十六条: a probationer's bonus is the higher of the non-RM bonus standard and the performance pay."""
    rule = line.pay.statuses.probation_bonus
    if not line.pay.statuses.on_probation(line.facts) or rule is None:
        return
    earned = sum((c.amount for c in line.components if c.kind == "performance"), ZERO)
    standard, expr = line.prorate(rule.value, "month")
    standard = line.round(standard)
    if standard <= earned:
        line.notes.append(_note("pay.note.probation_bonus_kept", earned=_money(earned), standard=_money(standard)))
        return
    line.add(
        "performance",
        "试用期奖金补足(非理财客户经理奖金标准与绩效工资孰高)",
        "Probation bonus top-up (the higher of the non-RM bonus standard and the performance pay)",
        standard - earned,
        f"{expr} = {_money(standard)} > {_money(earned)}: {_money(standard)} − {_money(earned)}",
        rule.ref,
    )


def _living_allowance(line: _Line) -> None:
    """003 第二十七条1: after the grace months, still below 初级一档 — only the living allowance is paid."""
    rule = line.pay.statuses.living_allowance
    assert rule is not None
    exact, expr = line.prorate(rule.value, "month")
    line.add("base", "基本生活费", "Living allowance", exact, expr, rule.ref)
    line.notes.append(_note("pay.note.living_allowance"))


def _awards(line: _Line) -> None:
    """001's 得奖数: each signed component, from its figure, after the performance pay it may be a share of."""
    performance = sum((c.amount for c in line.components if c.kind == "performance"), ZERO)
    for rule in line.pay.awards:
        figure = line.measure(rule.of)
        if figure is None:
            continue
        if rule.sign == "plus":
            units = max(figure, ZERO)
        elif rule.sign == "minus":
            units = -abs(figure)
        else:
            units = figure
        if rule.base == "performance":
            exact = units * rule.rate.value * performance
            expr = f"{fmt(units)} × {fmt(rule.rate.value)} × {_money(performance)}"
            floor = -max(performance, ZERO)  # a deduction takes at most the performance pay
            if exact < floor:
                exact, expr = floor, f"{expr} → {_money(floor)}"
        else:
            exact = units * rule.rate.value
            expr = f"{fmt(units)} × {fmt(rule.rate.value)}"
        if rule.cap is not None and abs(exact) > rule.cap.value:
            bounded = rule.cap.value if exact > 0 else -rule.cap.value
            expr = f"{expr} → ±{fmt(rule.cap.value)}"
            exact = bounded
        if exact > 0 and line.result.veto:
            line.notes.append(_note("pay.note.veto_no_award", name=rule.label_zh))
            continue
        kind = "cut" if exact < 0 else "reward"
        line.add(kind, rule.label_zh, rule.label_en, exact, expr, rule.rate.ref)


def _adjust(line: _Line, maintenance: Decimal, adjustment: Adjustment, problems: list[PayError]) -> None:
    pay = line.pay
    rm = line.facts.rm_id
    limit = pay.maintenance_adjustment_limit
    found: list[PayError] = []
    if limit is None:
        problems.append(PayError("pay.adjustment_not_allowed", {"rm": rm}))
        return
    if not any(p.maintenance for p in pay.performance):
        problems.append(PayError("pay.adjustment_no_maintenance", {"rm": rm}))
        return
    if not adjustment.reason or not adjustment.reason.strip():
        found.append(PayError("pay.adjustment_no_reason", {"rm": rm}))
    if (adjustment.amount is None) == (adjustment.share is None):
        found.append(PayError("pay.adjustment_amount_or_share", {"rm": rm}))
        problems.extend(found)
        return
    given = adjustment.amount if adjustment.amount is not None else adjustment.share
    if not isinstance(given, Decimal) or not given.is_finite():
        found.append(PayError("pay.not_decimal", {"what": f"{rm} adjustment", "value": repr(given)}))
        problems.extend(found)
        return
    most = line.round(maintenance * limit.value)
    if adjustment.share is not None:
        share = adjustment.share
        exact = maintenance * share
        amount = line.round(exact)
        expr = f"{_money(maintenance)} × {fmt(share)}"
        beyond = abs(share) > limit.value
    else:
        assert adjustment.amount is not None
        amount = line.round(adjustment.amount)
        exact = amount
        expr = _money(amount)
        beyond = abs(amount) > most
    if beyond and adjustment.carried_from is not None:
        # the committee decided on another run's figures: it must say whether the decision still stands
        found.append(
            PayError(
                "pay.adjustment_carried_beyond_limit",
                {
                    "rm": rm,
                    "run": adjustment.carried_from,
                    "amount": _money(amount),
                    "limit": _pct(limit.value),
                    "base": _money(maintenance),
                },
            )
        )
    elif beyond:
        found.append(
            PayError(
                "pay.adjustment_beyond_limit",
                {
                    "rm": rm,
                    "amount": _money(amount),
                    "limit": _pct(limit.value),
                    "base": _money(maintenance),
                    "max": _money(most),
                },
            )
        )
    if found:
        problems.extend(found)
        return
    line.add(
        "adjustment",
        "支行调整维护绩效",
        "Sub-branch adjustment of maintenance pay",
        exact,
        expr,
        limit.ref,
    )
    by = f"({adjustment.by})" if adjustment.by else ""
    line.notes.append(_note("pay.note.adjustment", reason=adjustment.reason.strip(), by=by))
    if adjustment.carried_from is not None:
        line.notes.append(_note("pay.note.adjustment_carried", run=adjustment.carried_from))


# --- the pool -----------------------------------------------------------------------------------------


def pool_split(pool: Decimal, points: Mapping[str, Decimal], mode: str = "half_up") -> dict[str, Decimal]:
    """Split ``pool`` (rounded once to the fen) by ``points``: the parts sum to it exactly.

    unit value = pool ÷ Σ points; each part = unit value × own points, rounded by largest
    remainder (ties: the smaller rm_id first). Negative points count as 0. When Σ points
    is 0 (nobody scored, or no RM), every part is 0 and the pool stays undistributed.
    """
    with localcontext() as ctx:
        ctx.prec = 80
        whole = to_fen(pool, mode)
        clean = {k: max(v, ZERO) for k, v in points.items()}
        total = sum(clean.values(), ZERO)
        if total == 0 or whole == 0:
            return {k: ZERO.quantize(FEN) for k in points}
        sign = ONE if whole > 0 else -ONE
        exact = {k: abs(whole) * v / total for k, v in clean.items()}
        parts = largest_remainder(exact, abs(whole), FEN)
        return {k: (sign * v).quantize(FEN) for k, v in parts.items()}


def _pool_key(level: str, facts: RmFacts) -> str | None:
    if level == "bank":
        return "bank"
    return facts.branch if level == "branch" else facts.subbranch


def _pools(
    pay: ResolvedPay,
    lines: Sequence[_Line],
    pools: Mapping[str, Decimal] | None,
    problems: list[PayError],
) -> dict[str, tuple[Decimal, str, str]]:
    """rm_id → (share, formula, org) for the pay's pool."""
    rule = pay.pool
    assert rule is not None
    groups: dict[str, list[_Line]] = {}
    for line in lines:
        key = _pool_key(rule.level, line.facts)
        if not key:
            problems.append(PayError("pay.pool_no_org", {"rm": line.facts.rm_id, "level": rule.level}))
            continue
        groups.setdefault(key, []).append(line)
    out: dict[str, tuple[Decimal, str, str]] = {}
    for key in sorted(groups):
        members = groups[key]
        amount: Decimal | None
        if rule.from_table:
            amount = (pools or {}).get(key)
            if amount is None:
                problems.append(PayError("pay.pool_missing", {"org": key}))
                continue
            if not isinstance(amount, Decimal) or not amount.is_finite():
                problems.append(PayError("pay.not_decimal", {"what": f"pool {key}", "value": repr(amount)}))
                continue
        else:
            assert rule.amount is not None
            amount = rule.amount.value
        if amount < 0:
            problems.append(PayError("pay.pool_negative", {"org": key, "amount": fmt(amount)}))
            continue
        whole = to_fen(amount, pay.rounding)
        points: dict[str, Decimal] = {}
        for line in members:
            value = line.measure(rule.points)
            if value is None:
                value = ZERO
            if line.facts.status == "living_allowance" and pay.statuses.living_allowance is not None:
                value = ZERO  # paid the living allowance only: no share of the pool
            if line.result.veto and value > 0:
                line.notes.append(_note("pay.note.veto_no_pool"))
                value = ZERO  # 一票否决 (002): no share, whatever the points the pool reads
            elif value < 0:
                line.notes.append(_note("pay.note.negative_points", value=fmt(value)))
            points[line.facts.rm_id] = value
        parts = pool_split(whole, points, pay.rounding)
        total = sum((max(v, ZERO) for v in points.values()), ZERO)
        for line in members:
            rm = line.facts.rm_id
            own = max(points[rm], ZERO)
            if total == 0:
                line.notes.append(_note("pay.note.pool_undistributed", org=key, amount=_money(whole)))
                formula = f"{_money(whole)} ÷ 0 → 0"
            else:
                with localcontext() as ctx:
                    ctx.prec = 80
                    exact = whole * own / total
                unit = f"{_money(whole)} ÷ {fmt(total)}"
                formula = f"{unit} × {fmt(own)} = {fmt(exact)} → {_money(parts[rm])}"
                if to_fen(exact, pay.rounding) != parts[rm]:
                    line.notes.append(_note("pay.note.pool_remainder"))
            out[rm] = (parts[rm], formula, key)
    return out


# --- entry point -------------------------------------------------------------------------------------------


def compute_pay(
    pay: ResolvedPay,
    results: Sequence[Mapping[str, Any]],
    rms: Mapping[str, RmFacts],
    *,
    pools: Mapping[str, Decimal] | None = None,
    adjustments: Mapping[str, Adjustment] | None = None,
    settled: Mapping[str, Mapping[str, Decimal]] | None = None,
    settled_since: str = "",
) -> tuple[PayLine, ...]:
    """One pay line per RM of ``results`` (ordered by rm_id), from the rules in force ``pay``.

    ``settled`` (a ``year_to_date`` settlement): rm_id → component label → what the year's earlier
    settlements (``settled_since`` names them) paid of it; this run pays the difference.

    ``pools``: pool amounts by org id (or ``"bank"``) when the scheme's pool is ``from_table``.
    ``adjustments``: the sub-branch's adjustments of maintenance pay per rm_id.
    Raises :class:`PayError` listing every problem (unknown RMs, floats, a missing pool,
    adjustments beyond the limit or without a reason) — nothing is computed partly.
    """
    problems: list[PayError] = []
    parsed: list[_Result] = []
    seen: set[str] = set()
    for payload in results:
        r = _Result.parse(payload, problems)
        if r is None:
            continue
        if r.rm_id in seen:
            problems.append(PayError("pay.duplicate_rm", {"rm": r.rm_id}))
            continue
        seen.add(r.rm_id)
        if r.rm_id not in rms:
            problems.append(PayError("pay.unknown_rm", {"rm": r.rm_id}))
            continue
        parsed.append(r)
    for rm in sorted(adjustments or {}):
        if rm not in seen:
            problems.append(PayError("pay.adjustment_unknown_rm", {"rm": rm}))
    parsed.sort(key=lambda r: r.rm_id)
    with localcontext() as ctx:
        ctx.prec = 80  # every product and quotient exact to far below the fen before its one rounding
        lines = [_Line(pay, r, rms[r.rm_id]) for r in parsed]
        if not pay.pays:
            for line in lines:
                line.notes.append(_note("pay.note.no_pay_this_cycle", kind=pay.kind, cycle=pay.cycle))
            _raise(problems)
            return tuple(line.line() for line in lines)
        shares = _pools(pay, lines, pools, problems) if pay.pool is not None else {}
        for line in lines:
            if line.facts.status == "living_allowance" and pay.statuses.living_allowance is not None:
                _living_allowance(line)
                if (adjustments or {}).get(line.facts.rm_id) is not None:
                    line.notes.append(_note("pay.note.no_adjustment_living_allowance"))
                continue
            score = line.measure(pay.score)
            if score is None:
                score = ZERO
            _score_rules(line, score)
            maintenance = _performance_parts(line)
            commission = _commission(line)
            _bonus(line, commission)
            _probation_bonus(line)
            _allowances(line)
            if line.facts.rm_id in shares:
                share, formula, org = shares[line.facts.rm_id]
                assert pay.pool is not None
                ref = pay.pool.amount.ref if pay.pool.amount is not None else None
                line.components.append(
                    PayComponent("pool", f"奖金池分配({org})", f"Bonus pool share ({org})", share, formula, ref)
                )
            _cut(line, score)
            _rewards(line)
            _awards(line)
            if pay.settlement == "year_to_date" and settled is not None and line.facts.rm_id in settled:
                _settle(line, settled[line.facts.rm_id], settled_since)
                maintenance_labels = {p.label_zh for p in pay.performance if p.maintenance}
                maintenance = sum(
                    (c.amount for c in line.components if c.kind == "performance" and c.label_zh in maintenance_labels),
                    ZERO,
                )
            adjustment = (adjustments or {}).get(line.facts.rm_id)
            if adjustment is not None:
                _adjust(line, maintenance, adjustment, problems)
    _raise(problems)
    return tuple(line.line() for line in lines)


def _raise(problems: Iterable[PayError]) -> None:
    found = list(problems)
    if not found:
        return
    if len(found) == 1:
        raise found[0]
    raise PayError("pay.problems", {"count": len(found)}, found)
