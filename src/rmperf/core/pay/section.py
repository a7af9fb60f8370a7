"""The ``pay:`` section of a scheme file (薪酬规则): its shape, its cross-field checks, and the values in force
for a period, resolved into :class:`rmperf.core.pay.rules.ResolvedPay`.

The scheme loader knows nothing of pay: it hands the section to the one registered under ``pay`` in
:mod:`rmperf.core.sections` (this module registers itself; ``rmperf.core`` imports it), and the
resolver does the same for the period's values. Pay reads the scheme (its dated values, its dimensions and
items); the scheme never reads pay.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from rmperf.core import sections
from rmperf.core.pay.policy import LedgerPolicy, ReserveBand
from rmperf.core.pay.rules import (
    AmountRule,
    AwardRule,
    BandRule,
    BonusRule,
    CommissionRule,
    CutRule,
    CycleShareRule,
    Measure,
    PerformanceRule,
    PoolRule,
    ResolvedPay,
    RewardRule,
    StatusRules,
    Valued,
    WeightedBaseRule,
)
from rmperf.core.periods import Period
from rmperf.core.scheme import dated
from rmperf.core.scheme.errors import Path
from rmperf.core.scheme.load import NAME, ONE, ZERO, dated_fields, keys_of, when_word
from rmperf.core.scheme.model import (
    DatedBands,
    DatedDecimal,
    DatedEntry,
    DatedInt,
    Grade,
    Header,
    Name,
    PeriodKindName,
    Post,
    RoundingMode,
    StrictModel,
    wrap_dated,
)
from rmperf.core.scheme.resolve import window_of

# --- pay (薪酬规则) --------------------------------------------------------------------------------
#
# Every number is dated like the rest of the file. Cross-field rules (references to dimensions and
# items, rate ranges, shares summing to 1, the pay model's parts) are checked by ``load``; the
# values in force for a period are picked by ``resolve`` into ``rmperf.core.pay.rules.ResolvedPay``.

PayPer = Literal["month", "year", "cycle"]
PoolLevel = Literal["bank", "branch", "subbranch"]
PayModelName = Literal["salary", "commission", "base_commission", "base_commission_bonus"]

PAY_MODELS: tuple[str, ...] = ("salary", "commission", "base_commission", "base_commission_bonus")


def _measure(value: Any) -> Any:
    if isinstance(value, str):
        return {"sum": [value]}
    if isinstance(value, list):
        return {"sum": value}
    return value


class PayMeasure(StrictModel):
    """A named figure of an RM's result: the sum of one or more references (``total``, ``points.<dim>`` …)."""

    name: Name | None = None
    sum: tuple[str, ...] = Field(min_length=1)


PayMeasureField = Annotated[PayMeasure, BeforeValidator(_measure)]


class AmountTable(StrictModel):
    """An amount per RM: by grade, else by post, else one ``amount`` for all; ``per`` month, year or cycle."""

    amount: DatedDecimal | None = None
    by_grade: dict[Grade, DatedDecimal] = Field(default_factory=dict)
    by_post: dict[Post, DatedDecimal] = Field(default_factory=dict)
    per: PayPer
    name: Name | None = None


class BandTable(StrictModel):
    """Bands of a figure (lower bound inclusive, ascending) → an amount, ``per`` month, year or cycle."""

    of: str
    unit: Decimal = Decimal(1)
    bands: DatedBands
    per: PayPer
    name: Name | None = None
    #: the bands are of a year's figure (003 附件1 车贴 by the year's simulated profit): a shorter run's
    #: figure is annualised (× 12 ÷ its months) to pick the band
    annual: bool = False


class WeightedBase(StrictModel):
    """000 方案2: ``base × score ÷ full``."""

    base: DatedDecimal
    full: DatedDecimal | None = None


class GradeBands(StrictModel):
    """000 方案3: score bands (lower bound inclusive, ascending) → an amount, or a coefficient × ``base``."""

    bands: DatedBands
    base: DatedDecimal | None = None


class PoolSpec(StrictModel):
    """001: a bonus pool split by points (unit value = pool ÷ Σ points)."""

    amount: DatedDecimal | None = None
    from_table: bool = False
    level: PoolLevel = "bank"
    points: str = "total"


class PerformancePart(StrictModel):
    """003: ``rate × figure`` (绩效工资 = 模拟利润 × 3 %); ``maintenance`` marks the part a sub-branch may adjust."""

    key: str
    name: Name
    of: str
    rate: DatedDecimal
    maintenance: bool = False


class CommissionSpec(StrictModel):
    """004: ``rate × figure``, or a rate by achievement tier (figure ÷ target)."""

    of: str
    rate: DatedDecimal | None = None
    tiers: DatedBands | None = None
    target: str | None = None
    target_amount: DatedDecimal | None = None
    progressive: bool = True
    name: Name | None = None


class BonusSpec(StrictModel):
    """004: a share of the commission by achievement tier (0 / 10 / 20 / 30 %)."""

    tiers: DatedBands
    target: str | None = None
    target_amount: DatedDecimal | None = None
    of: str | None = None
    cycles: tuple[PeriodKindName, ...] | None = None
    name: Name | None = None


class BudgetTable(StrictModel):
    """An annual amount per RM: by grade, else by post, else one ``amount``."""

    amount: DatedDecimal | None = None
    by_grade: dict[Grade, DatedDecimal] = Field(default_factory=dict)
    by_post: dict[Post, DatedDecimal] = Field(default_factory=dict)


def _budget(value: Any) -> Any:
    return value if isinstance(value, dict) else {"amount": value}


class CycleShares(StrictModel):
    """002: an annual performance-pay budget paid 30 % monthly, 40 % quarterly, 30 % yearly."""

    budget: Annotated[BudgetTable, BeforeValidator(_budget)]
    shares: dict[PeriodKindName, DatedDecimal] = Field(min_length=1)


def _cut(value: Any) -> Any:
    return value if isinstance(value, dict) else {"share": value}


class CutSpec(StrictModel):
    """002: a score below ``below`` loses ``share`` of the base performance pay."""

    share: DatedDecimal
    below: DatedDecimal | None = None


class RewardSpec(StrictModel):
    """002: ``rate`` (0.5‰–1‰) of the excess over target of named strategic items."""

    rate: DatedDecimal
    items: tuple[str, ...] = Field(min_length=1)


class AwardSpec(StrictModel):
    """001: a signed money component (得奖数) of the pay line: an award (``plus``), a deduction
    (``minus``) or either (``signed``), ``rate`` yuan per unit of the figure ``of`` — or, with
    ``base: performance``, ``rate`` × the figure as a share of the line's performance pay (002's
    不良率超标绩效倒扣). ``cap``: the most, in yuan, it may add or take."""

    key: str
    name: Name
    of: str
    sign: Literal["plus", "minus", "signed"] = "signed"
    rate: DatedDecimal
    base: Literal["amount", "performance"] = "amount"
    cap: DatedDecimal | None = None


class GraceSpec(StrictModel):
    """003 第二十七条1: 宽限期内执行 ``grade`` (初级一档) 的待遇标准."""

    grade: Grade
    ref: str | None = None


class ProbationSpec(StrictModel):
    """003 第十六条: 试用期内基础工资按非理财客户经理标准 (``base_salary`` a month); 奖金按非理财客户经理奖金标准
    (``bonus`` a month) 与试用期业绩计算的绩效工资孰高."""

    base_salary: DatedDecimal | None = None
    bonus: DatedDecimal | None = None
    #: grades whose probation is paid by their own rules (003 第十六条2: 见习 by HR, bonus = actual performance)
    except_grades: tuple[Grade, ...] = ()


class StatusesSpec(StrictModel):
    """Pay of RMs in a status other than the ordinary one: grace, living allowance, probation (003)."""

    grace: GraceSpec | None = None
    #: yuan a month, paid alone (第二十七条1: 只给予800元基本生活费)
    living_allowance: DatedDecimal | None = None
    probation: ProbationSpec | None = None


class ReserveBandSpec(StrictModel):
    upto: Decimal | None = None
    rate: Decimal | None = None
    flat: Decimal | None = None


DatedReserveBands = Annotated[tuple[DatedEntry[tuple[ReserveBandSpec, ...]], ...], BeforeValidator(wrap_dated)]


class LedgerSpec(StrictModel):
    """The pay ledger's policy (``rmperf.core.pay.policy.LedgerPolicy``)."""

    reserve_rate: DatedDecimal | None = None
    reserve_bands: DatedReserveBands | None = None
    reserve_release_after_months: DatedInt | None = None
    reserve_release_share_per_year: DatedDecimal | None = None
    clawback_instalments: DatedInt | None = None
    deferral_posts: tuple[Post, ...] = ()
    deferral_share: DatedDecimal | None = None
    deferral_years: DatedInt | None = None
    spike_window_days: DatedInt | None = None


class PaySection(StrictModel):
    """The ``pay:`` section of a scheme file (docs/scheme-format.md, "Pay rules")."""

    rounding: RoundingMode = "half_up"
    cycles: tuple[PeriodKindName, ...] | None = None
    #: ``year_to_date`` (needs the scheme's ``window: year_to_date``): a run pays the year so far less what
    #: the year's earlier settlements of the scheme paid (003 第三十八条 绩效工资按季清算)
    settlement: Literal["cycle", "year_to_date"] = "cycle"
    measures: dict[str, PayMeasureField] = Field(default_factory=dict)
    score: str = "total"
    unit_price: DatedDecimal | None = None
    weighted_base: WeightedBase | None = None
    grade_bands: GradeBands | None = None
    cycle_shares: CycleShares | None = None
    pool: PoolSpec | None = None
    performance: tuple[PerformancePart, ...] = ()
    model: PayModelName | None = None
    base_salary: AmountTable | None = None
    car_allowance: BandTable | None = None
    commission: CommissionSpec | None = None
    bonus: BonusSpec | None = None
    below_60_cut: Annotated[CutSpec, BeforeValidator(_cut)] | None = None
    over_target_reward: RewardSpec | None = None
    awards: tuple[AwardSpec, ...] = ()
    statuses: StatusesSpec = StatusesSpec()
    maintenance_adjustment_limit: DatedDecimal | None = None
    ledger: LedgerSpec = LedgerSpec()


def check(checker: Any, raw: Any, doc: Mapping[str, Any], header: Header | None) -> PaySection | None:
    """The ``pay:`` section: each key on its own, then references, ranges and the model's parts."""
    base: Path = ("pay",)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        checker.add("scheme.not_mapping_value", base)
        return None
    if not raw:
        checker.add("scheme.pay_empty", base)
        return None
    fields = PaySection.model_fields
    good: dict[str, Any] = {}
    broken: set[str] = set()
    for key, value in raw.items():
        name = str(key)
        if name not in fields:
            checker.add("scheme.unknown_key", (*base, name), key=name)
            continue
        if checker.validate(PaySection, {name: value}, base) is None:
            broken.add(name)
            continue
        good[name] = value
    pay: PaySection = PaySection.model_validate(good)
    # shorthands (``below_60_cut: 0.2``, ``budget: 60000``) are reported where the file has them
    short: dict[Path, Path] = {}
    if not isinstance(raw.get("below_60_cut"), dict):
        short[(*base, "below_60_cut", "share")] = (*base, "below_60_cut")
    shares = raw.get("cycle_shares")
    if isinstance(shares, dict) and not isinstance(shares.get("budget"), dict):
        short[(*base, "cycle_shares", "budget", "amount")] = (*base, "cycle_shares", "budget")
    for sub, entries in dated_fields(pay, base):
        checker.check_dated(entries, short.get(sub, sub))
    PayCheck(checker, pay, raw, doc, header, broken).run()
    return None if broken else pay


_REF_LABELS = {
    "total": ("总分", "total score"),
    "subtotal": ("小计", "subtotal"),
    "dimension": ("维度得分", "dimension score"),
    "points": ("维度分项合计", "dimension points"),
    "item": ("指标得分", "item score"),
    "value": ("指标实际值", "item value"),
    "target": ("指标目标值", "item target"),
    "input": ("取数", "input"),
}


class PayCheck:
    """The cross-field rules of a ``pay:`` section (its shape is already valid)."""

    def __init__(
        self,
        checker: Any,
        pay: PaySection,
        raw: Mapping[str, Any],
        doc: Mapping[str, Any],
        header: Header | None,
        broken: set[str],
    ) -> None:
        self.c = checker
        self.pay = pay
        self.raw = raw
        self.header = header
        self.broken = broken
        self.dims, self.items, self.targets = keys_of(doc)
        raw_measures = raw.get("measures")
        self.measures = set(map(str, raw_measures)) if isinstance(raw_measures, dict) else set()
        #: inputs and custom indicators (``input.<name>``); None when either section cannot be read
        named = [doc.get("inputs") or {}, doc.get("custom") or {}]
        self.names = set().union(*(map(str, n) for n in named)) if all(isinstance(n, dict) for n in named) else None

    def add(self, msg: str, path: Path, /, **params: Any) -> None:
        self.c.add(msg, path, **params)

    # values ----------------------------------------------------------------------------------------

    @staticmethod
    def entries(entries: Sequence[DatedEntry[Any]] | None, path: Path) -> Iterator[tuple[Any, Path]]:
        for i, entry in enumerate(entries or ()):
            yield entry.value, (path if entry.plain else (*path, i, "value"))

    def range(self, entries: Sequence[DatedEntry[Any]] | None, path: Path, low: Any, high: Any) -> None:
        what = str(path[-1])
        for value, at in self.entries(entries, path):
            if (low is not None and value < low) or (high is not None and value > high):
                if high is None:
                    self.add("scheme.pay_at_least", at, what=what, low=low, value=value)
                else:
                    self.add("scheme.pay_range", at, what=what, low=low, high=high, value=value)

    def not_negative(self, entries: Sequence[DatedEntry[Any]] | None, path: Path) -> None:
        for value, at in self.entries(entries, path):
            if value < 0:
                self.add("scheme.negative", at, what=str(path[-1]), value=value)

    def bands(self, entries: Sequence[DatedEntry[Any]] | None, path: Path, *, shares: bool = False) -> None:
        for value, at in self.entries(entries, path):
            bounds = [b for b, _ in value]
            if not bounds:
                self.add("scheme.too_short", at, min=1)
                continue
            for i in range(1, len(bounds)):
                if bounds[i] <= bounds[i - 1]:
                    self.add("scheme.pay_bands_order", (*at, i, 0), bound=bounds[i])
                    break
            for i, (_, out) in enumerate(value):
                if out < 0 or (shares and out > ONE):
                    if shares:
                        self.add("scheme.pay_range", (*at, i, 1), what=str(path[-1]), low=0, high=1, value=out)
                    else:
                        self.add("scheme.negative", (*at, i, 1), what=str(path[-1]), value=out)

    def ref(self, ref: str | None, path: Path, *, measures: bool = True) -> None:
        if ref is None:
            return
        if measures and ref in self.measures:
            return
        if ref in ("total", "subtotal"):
            return
        form, dot, key = ref.partition(".")
        if dot and form in ("dimension", "points") and (self.dims is None or key in self.dims):
            return
        if dot and form in ("item", "value", "target") and (self.items is None or key in self.items):
            return
        if dot and form == "input" and (self.names is None or key in self.names):
            return
        if "measures" in self.broken and "." not in ref:
            return  # a broken measures section is reported where it is
        self.add("scheme.pay_unknown_ref", path, ref=ref)

    def amount_table(self, table: Any, path: Path, *, shorthand: bool = False) -> None:
        if table.amount is None and not table.by_grade and not table.by_post:
            self.add("scheme.pay_amount_table", path)
        self.not_negative(table.amount, path if shorthand else (*path, "amount"))
        for grade, entries in table.by_grade.items():
            self.not_negative(entries, (*path, "by_grade", grade))
        for post, entries in table.by_post.items():
            self.not_negative(entries, (*path, "by_post", post))

    def target(self, spec: Any, path: Path, *, needed: bool) -> None:
        if spec.target is not None and spec.target_amount is not None:
            self.add("scheme.pay_target_both", (*path, "target_amount"))
        elif needed and spec.target is None and spec.target_amount is None:
            self.add("scheme.pay_target_needed", path)
        self.ref(spec.target, (*path, "target"))
        for value, at in self.entries(spec.target_amount, (*path, "target_amount")):
            if value <= 0:
                self.add("scheme.pay_at_least", at, what="target_amount", low="0.01", value=value)

    def cycles(self, kinds: Sequence[str] | None, path: Path) -> None:
        if kinds is None or self.header is None:
            return
        allowed = self.header.periods
        for i, kind in enumerate(kinds):
            if kind not in allowed:
                self.add("scheme.pay_cycle_kind", (*path, i), kind=kind, allowed=", ".join(allowed))

    # the section -------------------------------------------------------------------------------------

    def run(self) -> None:
        pay, base = self.pay, ("pay",)
        self.cycles(pay.cycles, (*base, "cycles"))
        for name, measure in pay.measures.items():
            at: Path = (*base, "measures", name)
            if not NAME.match(name) or name in ("total", "subtotal"):
                self.add("scheme.pay_measure_name", at, name=name)
            for j, ref in enumerate(measure.sum):
                where = at if isinstance(self.raw["measures"][name], str) else (*at, "sum", j)
                self.ref(ref, where, measures=False)
        self.ref(pay.score, (*base, "score"))
        rules = [k for k in ("unit_price", "weighted_base", "grade_bands", "cycle_shares") if getattr(pay, k)]
        if len(rules) > 1:
            self.add("scheme.pay_one_score_rule", (*base, rules[1]), rules=", ".join(rules))
        self.not_negative(pay.unit_price, (*base, "unit_price"))
        if pay.weighted_base is not None:
            self.not_negative(pay.weighted_base.base, (*base, "weighted_base", "base"))
            self.range(pay.weighted_base.full, (*base, "weighted_base", "full"), Decimal("0.01"), None)
        if pay.grade_bands is not None:
            self.bands(pay.grade_bands.bands, (*base, "grade_bands", "bands"))
            self.not_negative(pay.grade_bands.base, (*base, "grade_bands", "base"))
        if pay.cycle_shares is not None:
            self.cycle_shares(pay.cycle_shares, (*base, "cycle_shares"))
        if pay.pool is not None:
            at = (*base, "pool")
            if (pay.pool.amount is None) == (not pay.pool.from_table):
                self.add("scheme.pay_pool_source", at)
            self.not_negative(pay.pool.amount, (*at, "amount"))
            self.ref(pay.pool.points, (*at, "points"))
        keys: dict[str, Path] = {}
        for i, part in enumerate(pay.performance):
            at = (*base, "performance", i)
            self.c.check_key(part.key, (*at, "key"), "item", keys)
            self.ref(part.of, (*at, "of"))
            self.range(part.rate, (*at, "rate"), 0, 1)
        self.model(pay, base)
        if pay.base_salary is not None:
            self.amount_table(pay.base_salary, (*base, "base_salary"))
        if pay.car_allowance is not None:
            at = (*base, "car_allowance")
            self.ref(pay.car_allowance.of, (*at, "of"))
            if pay.car_allowance.unit <= 0:
                self.add("scheme.pay_at_least", (*at, "unit"), what="unit", low="0.01", value=pay.car_allowance.unit)
            self.bands(pay.car_allowance.bands, (*at, "bands"))
        if pay.commission is not None:
            self.commission(pay, (*base, "commission"))
        if pay.bonus is not None:
            at = (*base, "bonus")
            self.bands(pay.bonus.tiers, (*at, "tiers"), shares=True)
            borrowed = pay.commission is not None and (
                pay.commission.target is not None or pay.commission.target_amount is not None
            )
            self.target(pay.bonus, at, needed=not borrowed)
            self.ref(pay.bonus.of, (*at, "of"))
            self.cycles(pay.bonus.cycles, (*at, "cycles"))
            if pay.commission is None and pay.bonus.of is None and "commission" not in self.broken:
                self.add("scheme.pay_bonus_needs_commission", at)
        if pay.below_60_cut is not None:
            at = (*base, "below_60_cut")
            share_at = at if not isinstance(self.raw.get("below_60_cut"), dict) else (*at, "share")
            self.range(pay.below_60_cut.share, share_at, 0, 1)
            self.range(pay.below_60_cut.below, (*at, "below"), 0, 100)
        if pay.over_target_reward is not None:
            at = (*base, "over_target_reward")
            self.range(pay.over_target_reward.rate, (*at, "rate"), Decimal("0.0005"), Decimal("0.001"))
            for j, key in enumerate(pay.over_target_reward.items):
                if self.items is not None and key not in self.items:
                    self.add("scheme.pay_unknown_item", (*at, "items", j), name=key)
                elif self.targets is not None and key not in self.targets:
                    self.add("scheme.pay_item_no_target", (*at, "items", j), item=key)
        if pay.settlement == "year_to_date" and self.header is not None and self.header.window != "year_to_date":
            self.add("scheme.pay_settlement_window", (*base, "settlement"))
        st = pay.statuses
        self.not_negative(st.living_allowance, (*base, "statuses", "living_allowance"))
        if st.probation is not None:
            self.not_negative(st.probation.base_salary, (*base, "statuses", "probation", "base_salary"))
            self.not_negative(st.probation.bonus, (*base, "statuses", "probation", "bonus"))
        award_keys: dict[str, Path] = {}
        for i, award in enumerate(pay.awards):
            at = (*base, "awards", i)
            self.c.check_key(award.key, (*at, "key"), "item", award_keys)
            self.ref(award.of, (*at, "of"))
            self.not_negative(award.rate, (*at, "rate"))
            self.not_negative(award.cap, (*at, "cap"))
            if award.base == "performance":
                self.range(award.rate, (*at, "rate"), 0, 1)
        if pay.maintenance_adjustment_limit is not None:
            at = (*base, "maintenance_adjustment_limit")
            self.range(pay.maintenance_adjustment_limit, at, 0, 1)
            if not any(p.maintenance for p in pay.performance) and "performance" not in self.broken:
                self.add("scheme.pay_adjust_needs_maintenance", at)
        self.ledger((*base, "ledger"))

    def cycle_shares(self, spec: Any, at: Path) -> None:
        raw = self.raw.get("cycle_shares")
        shorthand = isinstance(raw, dict) and not isinstance(raw.get("budget"), dict)
        self.amount_table(spec.budget, (*at, "budget"), shorthand=shorthand)
        for kind, entries in spec.shares.items():
            self.range(entries, (*at, "shares", kind), 0, 1)
        lists = list(spec.shares.values())
        for day in dated.change_days(lists):
            values = [dated.in_force(e, day) for e in lists]
            if any(v is None for v in values):
                continue
            total = sum((v.value for v in values if v is not None), ZERO)
            if total != ONE:
                when = {} if day == date.min else {"date": day}
                self.add("scheme.pay_shares_sum", (*at, "shares"), total=total, when=when_word(when))
                break

    def model(self, pay: PaySection, base: Path) -> None:
        if pay.model is None:
            return
        parts = {
            "salary": ({"base_salary"}, {"commission", "bonus"}),
            "commission": ({"commission"}, {"base_salary", "bonus"}),
            "base_commission": ({"base_salary", "commission"}, {"bonus"}),
            "base_commission_bonus": ({"base_salary", "commission", "bonus"}, set()),
        }[pay.model]
        needs, forbids = parts
        for part in sorted(needs):
            if getattr(pay, part) is None and part not in self.broken:
                self.add("scheme.pay_model_needs", (*base, "model"), model=pay.model, part=part)
        for part in sorted(forbids):
            if getattr(pay, part) is not None:
                self.add("scheme.pay_model_forbids", (*base, part), model=pay.model, part=part)

    def commission(self, pay: PaySection, at: Path) -> None:
        spec = pay.commission
        assert spec is not None
        self.ref(spec.of, (*at, "of"))
        if (spec.rate is None) == (spec.tiers is None):
            self.add("scheme.pay_commission_rate", at)
        self.range(spec.rate, (*at, "rate"), 0, 1)
        if spec.tiers is not None:
            self.bands(spec.tiers, (*at, "tiers"), shares=True)
            for value, where in self.entries(spec.tiers, (*at, "tiers")):
                if value and value[0][0] != 0:
                    self.add("scheme.pay_tiers_start", (*where, 0, 0), bound=value[0][0])
        self.target(spec, at, needed=spec.tiers is not None)

    def ledger(self, at: Path) -> None:
        spec = self.pay.ledger
        if spec.reserve_rate is not None and spec.reserve_bands is not None:
            self.add("scheme.pay_reserve_both", (*at, "reserve_bands"))
        self.range(spec.reserve_rate, (*at, "reserve_rate"), 0, 1)
        for bands, where in self.entries(spec.reserve_bands, (*at, "reserve_bands")):
            if not bands:
                self.add("scheme.too_short", where, min=1)
            for i, band in enumerate(bands):
                if (band.rate is None) == (band.flat is None):
                    self.add("scheme.pay_reserve_band", (*where, i))
                if band.rate is not None and not ZERO <= band.rate <= ONE:
                    self.add("scheme.pay_range", (*where, i, "rate"), what="rate", low=0, high=1, value=band.rate)
                if band.flat is not None and band.flat < 0:
                    self.add("scheme.negative", (*where, i, "flat"), what="flat", value=band.flat)
            limits = [b.upto for b in bands]
            known = [u for u in limits if u is not None]
            ordered = None not in limits[:-1] and all(a < b for a, b in itertools.pairwise(known))
            if not ordered:
                self.add("scheme.pay_reserve_band_order", where)
        self.range(spec.reserve_release_after_months, (*at, "reserve_release_after_months"), 0, None)
        self.range(spec.reserve_release_share_per_year, (*at, "reserve_release_share_per_year"), Decimal("0.01"), 1)
        self.range(spec.clawback_instalments, (*at, "clawback_instalments"), 1, None)
        self.range(spec.spike_window_days, (*at, "spike_window_days"), 0, None)
        for value, where in self.entries(spec.deferral_share, (*at, "deferral_share")):
            if not Decimal("0.4") <= value <= ONE:
                self.add("scheme.pay_deferral_share", where, value=value)
        for value, where in self.entries(spec.deferral_years, (*at, "deferral_years")):
            if value < 3:
                self.add("scheme.pay_deferral_years", where, value=value)


class PayResolver:
    """The ``pay:`` section with the values in force on the period's last day (``rmperf.core.pay.rules``)."""

    def __init__(self, r: Any, period: Period) -> None:
        self.r = r
        self.period = period
        self.base: Path = ("pay",)
        self.measures: dict[str, Measure] = {}

    def valued(self, entries: Sequence[DatedEntry[Any]] | None, path: Path) -> Valued | None:
        if entries is None:
            return None
        found = self.r.entry(entries, path)
        return None if found is None else Valued(found.value, found.ref)

    def plain(self, entries: Sequence[DatedEntry[Any]] | None, path: Path, default: Any) -> Any:
        if entries is None:
            return default
        value = self.r.value(entries, path)
        return default if value is None else value

    def measure(self, ref: str) -> Measure:
        if ref in self.measures:
            return self.measures[ref]
        form = ref.partition(".")[0]
        zh, en = _REF_LABELS.get(form, (ref, ref))
        return Measure(ref, (ref,), f"{zh} {ref}", f"{en} {ref}")

    def amounts(self, table: AmountTable | BudgetTable, path: Path, zh: str, en: str, per: str) -> AmountRule:
        if isinstance(table, AmountTable) and table.name is not None:
            zh, en = table.name.zh, table.name.en or en
        return AmountRule(
            zh,
            en,
            per,
            self.valued(table.amount, (*path, "amount")),
            {g: v for g, e in table.by_grade.items() if (v := self.valued(e, (*path, "by_grade", g))) is not None},
            {p: v for p, e in table.by_post.items() if (v := self.valued(e, (*path, "by_post", p))) is not None},
        )

    def tiers(
        self, entries: Sequence[DatedEntry[Any]], path: Path
    ) -> tuple[tuple[tuple[Decimal, Decimal], ...], str | None]:
        found = self.r.entry(entries, path)
        if found is None:
            return (), None
        return tuple((Decimal(b), Decimal(v)) for b, v in found.value), found.ref

    def pay(self, spec: PaySection) -> ResolvedPay:
        base = self.base
        kind = str(self.period.kind)
        for name, m in spec.measures.items():
            zh = m.name.zh if m.name else name
            en = (m.name.en if m.name else None) or name
            self.measures[name] = Measure(name, m.sum, zh, en)
        cycles = spec.cycles
        grade_bands = None
        if spec.grade_bands is not None:
            bands, ref = self.tiers(spec.grade_bands.bands, (*base, "grade_bands", "bands"))
            gb_base = self.valued(spec.grade_bands.base, (*base, "grade_bands", "base"))
            grade_bands = BandRule(
                "分档计酬(按得分档次)",
                "Pay by score band",
                self.measure(spec.score),
                bands,
                ref,
                "cycle",
                Decimal(1),
                gb_base,
            )
        weighted = None
        if spec.weighted_base is not None:
            wb_base = self.valued(spec.weighted_base.base, (*base, "weighted_base", "base"))
            full = self.valued(spec.weighted_base.full, (*base, "weighted_base", "full")) or Valued(Decimal(100))
            weighted = WeightedBaseRule(wb_base, full) if wb_base is not None else None
        shares = None
        if spec.cycle_shares is not None:
            cs = spec.cycle_shares
            at = (*base, "cycle_shares")
            in_force: dict[str, Valued | None] = {
                str(k): self.valued(e, (*at, "shares", k)) for k, e in cs.shares.items()
            }
            shares = CycleShareRule(
                self.amounts(cs.budget, (*at, "budget"), "年度绩效预算", "Annual performance budget", "year"),
                in_force.get(kind),
                {k: v.value for k, v in in_force.items() if v is not None},
            )
        pool = None
        if spec.pool is not None:
            pool = PoolRule(
                spec.pool.level,
                self.valued(spec.pool.amount, (*base, "pool", "amount")),
                spec.pool.from_table,
                self.measure(spec.pool.points),
            )
        parts: list[PerformanceRule] = []
        for i, part in enumerate(spec.performance):
            rate = self.valued(part.rate, (*base, "performance", i, "rate"))
            if rate is None:
                continue
            en = part.name.en or part.key
            parts.append(PerformanceRule(part.key, part.name.zh, en, self.measure(part.of), rate, part.maintenance))
        salary = None
        if spec.base_salary is not None:
            salary = self.amounts(
                spec.base_salary, (*base, "base_salary"), "基础工资", "Base salary", spec.base_salary.per
            )
        car = None
        if spec.car_allowance is not None:
            ca = spec.car_allowance
            bands, ref = self.tiers(ca.bands, (*base, "car_allowance", "bands"))
            zh, en = (ca.name.zh, ca.name.en or "Car allowance") if ca.name else ("车贴(交通补贴)", "Car allowance")
            car = BandRule(zh, en, self.measure(ca.of), bands, ref, ca.per, ca.unit, annual=ca.annual)
        commission = None
        if spec.commission is not None:
            c = spec.commission
            at = (*base, "commission")
            tiers, tiers_ref = self.tiers(c.tiers, (*at, "tiers")) if c.tiers is not None else ((), None)
            commission = CommissionRule(
                self.measure(c.of),
                self.valued(c.rate, (*at, "rate")),
                tiers,
                tiers_ref,
                self.measure(c.target) if c.target else None,
                self.valued(c.target_amount, (*at, "target_amount")),
                c.progressive,
                c.name.zh if c.name else "佣金",
                (c.name.en if c.name else None) or "Commission",
            )
        bonus = None
        if spec.bonus is not None:
            b = spec.bonus
            at = (*base, "bonus")
            tiers, tiers_ref = self.tiers(b.tiers, (*at, "tiers"))
            bonus = BonusRule(
                tiers,
                tiers_ref,
                self.measure(b.target) if b.target else None,
                self.valued(b.target_amount, (*at, "target_amount")),
                self.measure(b.of) if b.of else None,
                b.cycles is None or kind in b.cycles,
                b.name.zh if b.name else "奖金",
                (b.name.en if b.name else None) or "Bonus",
            )
        cut = None
        if spec.below_60_cut is not None:
            share = self.valued(spec.below_60_cut.share, (*base, "below_60_cut", "share"))
            below = self.valued(spec.below_60_cut.below, (*base, "below_60_cut", "below")) or Valued(Decimal(60))
            cut = CutRule(share, below) if share is not None else None
        reward = None
        if spec.over_target_reward is not None:
            rate = self.valued(spec.over_target_reward.rate, (*base, "over_target_reward", "rate"))
            reward = RewardRule(rate, spec.over_target_reward.items) if rate is not None else None
        awards: list[AwardRule] = []
        for i, a in enumerate(spec.awards):
            at = (*base, "awards", i)
            rate = self.valued(a.rate, (*at, "rate"))
            if rate is None:
                continue
            awards.append(
                AwardRule(
                    a.key,
                    a.name.zh,
                    a.name.en or a.key,
                    self.measure(a.of),
                    a.sign,
                    rate,
                    a.base,
                    self.valued(a.cap, (*at, "cap")),
                )
            )
        st = spec.statuses
        at = (*base, "statuses")
        statuses = StatusRules(
            grace_grade=st.grace.grade if st.grace else None,
            grace_ref=(st.grace.ref or self.r.memo) if st.grace else None,
            living_allowance=self.valued(st.living_allowance, (*at, "living_allowance")),
            probation_base=self.valued(st.probation.base_salary, (*at, "probation", "base_salary"))
            if st.probation
            else None,
            probation_bonus=self.valued(st.probation.bonus, (*at, "probation", "bonus")) if st.probation else None,
            probation_except=tuple(st.probation.except_grades) if st.probation else (),
        )
        return ResolvedPay(
            scheme_id=self.r.scheme.id,
            cycle=self.period.label,
            kind=kind,
            rounding=spec.rounding,
            pays=cycles is None or kind in cycles,
            paying_kinds=tuple(cycles) if cycles is not None else None,
            score=self.measure(spec.score),
            unit_price=self.valued(spec.unit_price, (*base, "unit_price")),
            weighted_base=weighted,
            grade_bands=grade_bands,
            cycle_shares=shares,
            pool=pool,
            performance=tuple(parts),
            model=spec.model,
            base_salary=salary,
            car_allowance=car,
            commission=commission,
            bonus=bonus,
            below_60_cut=cut,
            over_target_reward=reward,
            awards=tuple(awards),
            statuses=statuses,
            settlement=spec.settlement,
            window_months=self.window_months(),
            maintenance_adjustment_limit=self.valued(
                spec.maintenance_adjustment_limit, (*base, "maintenance_adjustment_limit")
            ),
            ledger=self.ledger(spec, (*base, "ledger")),
        )

    def window_months(self) -> int | None:
        """A year-to-date window's months (January to the period's end month); None for other schemes."""
        window = window_of(self.r.scheme, self.period)
        return window.end.month if window != self.period else None

    def ledger(self, spec: PaySection, at: Path) -> LedgerPolicy:
        ledger = spec.ledger
        default = LedgerPolicy()
        bands: tuple[ReserveBand, ...] = ()
        if ledger.reserve_bands is not None:
            found = self.r.value(ledger.reserve_bands, (*at, "reserve_bands"))
            bands = tuple(ReserveBand(b.upto, b.rate, b.flat) for b in found or ())
        return LedgerPolicy(
            reserve_rate=self.plain(ledger.reserve_rate, (*at, "reserve_rate"), None),
            reserve_bands=bands,
            reserve_release_after_months=self.plain(
                ledger.reserve_release_after_months,
                (*at, "reserve_release_after_months"),
                default.reserve_release_after_months,
            ),
            reserve_release_share_per_year=self.plain(
                ledger.reserve_release_share_per_year,
                (*at, "reserve_release_share_per_year"),
                default.reserve_release_share_per_year,
            ),
            clawback_instalments=self.plain(
                ledger.clawback_instalments, (*at, "clawback_instalments"), default.clawback_instalments
            ),
            deferral_posts=tuple(ledger.deferral_posts),
            deferral_share=self.plain(ledger.deferral_share, (*at, "deferral_share"), default.deferral_share),
            deferral_years=self.plain(ledger.deferral_years, (*at, "deferral_years"), default.deferral_years),
            spike_window_days=self.plain(
                ledger.spike_window_days, (*at, "spike_window_days"), default.spike_window_days
            ),
        )


class PaySectionHandler:
    """The ``pay:`` section as the scheme loader and resolver see it (``rmperf.core.sections``)."""

    name = "pay"

    def check(self, checker: Any, raw: Any, doc: Mapping[str, Any], header: Header | None) -> PaySection | None:
        return check(checker, raw, doc, header)

    def resolve(self, resolver: Any, period: Period, spec: Any) -> ResolvedPay:
        return PayResolver(resolver, period).pay(spec)


sections.register(PaySectionHandler())
