"""Scoring methods (评分方法): pure functions from indicator values to scores.

Every function takes ``Decimal`` and returns ``Decimal`` (wrapped in :class:`Scored`
or :class:`Ranked` together with the arithmetic written out), never float, and
rounds nothing: the caller rounds a reported score once (``rmperf.core.money``).
Divisions run at 50 significant digits, far beyond any score, so a result is the
exact value whenever it has a finite decimal expansion.

Rules come from the seeds (``shared/seeds``):

- 001: rank score ``(参与考核的客户经理数 − 排名名次 + 1) × 业务品种考核权重`` and the
  composite rank (综合排名) of 贡献度 / 进步率 / 计划达到率 with weights a, b, c
  (table 1-1); 加扣分 (plus-and-minus items); 定性 30 / 定量 70.
- 002: 一票否决 (one-vote veto); deductions per violation.
- 004: 经验调整指标 (±0.2), experience adjustment next to the weights 0.4 / 0.3 / 0.3.
- 000 / 001: team scores (团队绩效) blended into the individual score.

Errors a user can cause carry an i18n message code (:class:`ScoringError`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from typing import Any

from rmperf.i18n import get_language, t

#: Significant digits used for every computation here (a score has a handful).
PRECISION = 50
#: Digits after the point shown in a formula before it is abbreviated with "≈".
FORMULA_PLACES = 10

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
#: 004: 经验调整指标 (±0.2) — the largest adjustment either way.
EXPERIENCE_LIMIT = Decimal("0.2")
TIE_RULES = ("min", "average", "dense")


# --- errors -----------------------------------------------------------------


class ScoringError(ValueError):
    """A scoring or rating rule refused its input: an i18n code, its params, and sub-problems.

    ``details`` lists further problems found at the same time (e.g. every grade of a
    forced distribution that is over or under its quota), so one error reports all.
    """

    def __init__(
        self, code: str, params: Mapping[str, Any] | None = None, details: Sequence[ScoringError] = ()
    ) -> None:
        self.code = code
        self.params: dict[str, Any] = dict(params or {})
        self.details: tuple[ScoringError, ...] = tuple(details)
        super().__init__(code)

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the current language), sub-problems appended."""
        text = t(self.code, self.params, lang)
        if not self.details:
            return text
        english = (lang or get_language()) == "en"
        sep, join = (": ", "; ") if english else (":", ";")
        return text + sep + join.join(d.render(lang) for d in self.details)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.params!r})"


class NotDecimalError(ScoringError, TypeError):
    """A value that is not an exact decimal (a float, a bool, a string) reached a scoring rule."""


# --- values -----------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    """A score and the arithmetic that produced it, with the numbers filled in."""

    value: Decimal
    formula: str


@dataclass(frozen=True)
class Ranked:
    """A rank score of one RM within a group of ``n`` RMs (001).

    ``rank`` is the rank shown (1 = best; RMs tied share it); ``effective_rank`` is
    the rank put into ``(n − rank + 1) × weight`` — equal to ``rank`` except under
    the "average" tie rule, where it may be a half (2.5). ``value`` is what was
    ranked (``None`` for an RM without a value); ``components`` holds the part
    ranks behind a composite rank.
    """

    rank: int
    n: int
    score: Decimal
    formula: str
    value: Decimal | None = None
    effective_rank: Decimal | None = None
    components: tuple[tuple[str, Ranked], ...] = ()


@dataclass(frozen=True)
class Veto:
    """一票否决 (002): when ``vetoed``, the RM's total becomes 0 and ``reason`` is shown."""

    vetoed: bool
    reason: str | None


# --- helpers ----------------------------------------------------------------


@contextmanager
def exact() -> Iterator[Context]:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        ctx.rounding = ROUND_HALF_EVEN
        yield ctx


def as_decimal(value: object, what: str) -> Decimal:
    """``value`` as a finite Decimal; ints are accepted, floats, bools and strings refused."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise NotDecimalError("scoring.not_decimal", {"what": what, "value": value, "type": type(value).__name__})
    result = Decimal(value)
    if not result.is_finite():
        raise ScoringError("scoring.not_finite", {"what": what, "value": value})
    return result


def _opt(value: object, what: str) -> Decimal | None:
    return None if value is None else as_decimal(value, what)


def fmt(value: Decimal) -> str:
    """A number as written in a formula: plain notation, no trailing zeros, ≈ when very long."""
    if value.is_zero():
        return "0"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -FORMULA_PLACES <= exponent <= 0:
        # the common case, with no context to open: a plain number of few places
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    prefix = ""
    with exact():
        if isinstance(exponent, int) and exponent < -FORMULA_PLACES:
            rounded = value.quantize(Decimal(1).scaleb(-FORMULA_PLACES))
            if rounded != value:
                prefix, value = "≈", rounded
        text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return prefix + text


def _p(value: Decimal) -> str:
    """A number as an operand: negatives in parentheses."""
    text = fmt(value)
    return f"({text})" if value < 0 else text


def result_text(value: Decimal) -> str:
    text = fmt(value)
    return f"≈ {text[1:]}" if text.startswith("≈") else f"= {text}"


def _clip_text(inner: str, low: Decimal | None, high: Decimal | None) -> str:
    if low is not None:
        inner = f"max({inner}, {fmt(low)})"
    if high is not None:
        inner = f"min({inner}, {fmt(high)})"
    return inner


def _clip(value: Decimal, low: Decimal | None, high: Decimal | None) -> Decimal:
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    return value


def _check_share(value: Decimal, what: str) -> None:
    if not ZERO <= value <= ONE:
        raise ScoringError("scoring.share_range", {"what": what, "value": fmt(value)})


def _check_ties(ties: str) -> None:
    if ties not in TIE_RULES:
        raise ScoringError("value.enum", {"value": ties, "allowed": ", ".join(TIE_RULES)})


# --- quantitative scoring methods -------------------------------------------


def achievement(
    actual: Decimal,
    target: Decimal,
    full: Decimal,
    *,
    floor: Decimal | None = ZERO,
    cap: Decimal | None = None,
) -> Scored:
    """计划完成率计分: ``full × min(max(actual / target, floor), cap)``.

    001 table 1-1 scores 计划达到率 (plan achievement = actual ÷ target); product
    spec: "achievement against target with floor and cap". ``floor`` and ``cap``
    bound the *ratio* (0 and 1.2 mean "no negative score, at most 120 % of
    ``full``"); ``None`` leaves that side open. ``actual`` and ``target`` share a unit
    (yuan, customers, …); the result is in the unit of ``full`` (points).

    A target of 0 or below is refused (``scoring.target_not_positive``): the ratio
    is undefined at 0 and turns upside down below it (beating a target of −100
    with −50 would give 0.5). Indicators whose target can be ≤ 0, such as an
    increment in a shrinking market, are scored with :func:`linear` or :func:`bands`.
    """
    actual = as_decimal(actual, "actual")
    target = as_decimal(target, "target")
    full = as_decimal(full, "full")
    low, high = _opt(floor, "floor"), _opt(cap, "cap")
    if low is not None and high is not None and low > high:
        raise ScoringError("scoring.floor_above_cap", {"floor": fmt(low), "cap": fmt(high)})
    if target <= 0:
        raise ScoringError("scoring.target_not_positive", {"target": fmt(target), "actual": fmt(actual)})
    with exact():
        ratio = actual / target
        clipped = _clip(ratio, low, high)
        # unclipped: multiply before dividing, so 1/3 of a target on a full of 3 is exactly 1
        value = actual * full / target if clipped == ratio else clipped * full
    text = _clip_text(f"{_p(actual)}/{_p(target)}", low, high)
    return Scored(value, f"{text} × {_p(full)} {result_text(value)}")


def linear(
    value: Decimal,
    *,
    x0: Decimal,
    y0: Decimal,
    x1: Decimal,
    y1: Decimal,
    clamp: bool = True,
) -> Scored:
    """线性计分: the straight line through (x0, y0) and (x1, y1), read at ``value``.

    ``y = y0 + (value − x0) × (y1 − y0) / (x1 − x0)``; with ``clamp`` the value is
    first held within [x0, x1] (either order), so the score stays between y0 and
    y1 (e.g. 60 points at 60 % achievement rising to 100 at 100 %). Product spec
    "Scoring"; the usual way to score an indicator whose target may be ≤ 0.
    """
    v = as_decimal(value, "value")
    x0, y0 = as_decimal(x0, "x0"), as_decimal(y0, "y0")
    x1, y1 = as_decimal(x1, "x1"), as_decimal(y1, "y1")
    if x0 == x1:
        raise ScoringError("scoring.linear_points", {"x": fmt(x0)})
    shown = _p(v)
    if clamp:
        low, high = min(x0, x1), max(x0, x1)
        v = _clip(v, low, high)
        shown = _clip_text(fmt(as_decimal(value, "value")), low, high)
    with exact():
        result = y0 + (v - x0) * (y1 - y0) / (x1 - x0)
    formula = f"{fmt(y0)} + ({shown} − {_p(x0)}) × ({fmt(y1)} − {_p(y0)})/({fmt(x1)} − {_p(x0)}) {result_text(result)}"
    return Scored(result, formula)


def bands(
    value: Decimal,
    bands: Sequence[tuple[Decimal, Decimal]],
    *,
    higher_is_better: bool = True,
) -> Scored:
    """分档计分 (threshold bands): the score of the band ``value`` falls in.

    Each band is ``(bound, score)``. With ``higher_is_better`` the bound is a lower
    bound: the value earns the score of the highest bound it reaches (``value ≥
    bound``). Otherwise the bound is an upper bound: the value earns the score of
    the lowest bound it stays within (``value ≤ bound``; e.g. an NPL ratio ≤ 1 % →
    10, ≤ 3 % → 5, as 002's "new loans' NPL ≤ 3 %"). A value outside every band
    earns 0. Bands may be given in any order; a bound may appear once only.
    """
    v = as_decimal(value, "value")
    table = [(as_decimal(b, "band bound"), as_decimal(s, "band score")) for b, s in bands]
    if not table:
        raise ScoringError("scoring.bands_empty")
    seen: set[Decimal] = set()
    for bound, _ in table:
        if bound in seen:
            raise ScoringError("scoring.bands_duplicate", {"bound": fmt(bound)})
        seen.add(bound)
    if higher_is_better:
        reached = [(b, s) for b, s in table if v >= b]
        if not reached:
            lowest = min(b for b, _ in table)
            return Scored(ZERO, f"{fmt(v)} < {fmt(lowest)} → 0")
        bound, score = max(reached)
        return Scored(score, f"{fmt(v)} ≥ {fmt(bound)} → {fmt(score)}")
    within = [(b, s) for b, s in table if v <= b]
    if not within:
        highest = max(b for b, _ in table)
        return Scored(ZERO, f"{fmt(v)} > {fmt(highest)} → 0")
    bound, score = min(within)
    return Scored(score, f"{fmt(v)} ≤ {fmt(bound)} → {fmt(score)}")


# --- ranks (001) ------------------------------------------------------------


def _rank_positions(
    values: Mapping[str, Decimal | None], higher_is_better: bool, ties: str
) -> dict[str, tuple[int, Decimal]]:
    """rm_id → (rank shown, rank used in the formula), independent of the mapping's order."""
    _check_ties(ties)
    valued = sorted(
        ((as_decimal(v, f"value of {k}"), k) for k, v in values.items() if v is not None),
        key=lambda item: ((-item[0] if higher_is_better else item[0]), item[1]),
    )
    groups: list[list[str]] = []
    last: Decimal | None = None
    for v, k in valued:
        if groups and v == last:
            groups[-1].append(k)
        else:
            groups.append([k])
        last = v
    missing = sorted(k for k, v in values.items() if v is None)
    if missing:
        groups.append(missing)  # no value: after everyone with one, tied among themselves
    out: dict[str, tuple[int, Decimal]] = {}
    position = 1
    for dense, group in enumerate(groups, start=1):
        size = len(group)
        if ties == "min":
            shown, used = position, Decimal(position)
        elif ties == "dense":
            shown, used = dense, Decimal(dense)
        else:  # average of the positions the group occupies
            shown, used = position, Decimal(2 * position + size - 1) / 2
        for k in group:
            out[k] = (shown, used)
        position += size
    return out


def rank_scores(
    values: Mapping[str, Decimal | None],
    weight: Decimal,
    *,
    higher_is_better: bool = True,
    ties: str = "min",
) -> dict[str, Ranked]:
    """排名得分 (001): ``单项得分 = (参与考核的客户经理数 − 排名名次 + 1) × 业务品种考核权重``.

    ``values`` maps rm_id → the indicator value (``None``: no value). N counts every
    RM in ``values``, with or without a value. Rank 1 is the highest value
    (lowest with ``higher_is_better=False``). Tie rule ``ties``:

    - ``"min"`` (default, competition ranking 1, 2, 2, 4): tied RMs share the best
      rank of their group — nobody loses points for a tie, and the next RM's rank
      still counts everyone ahead of them;
    - ``"average"``: tied RMs share the mean of the positions they occupy (2.5);
    - ``"dense"``: 1, 2, 2, 3.

    RMs without a value rank after everyone with one, tied among themselves by
    the same rule. The result is ordered by rank then rm_id and does not depend
    on the order of ``values``.
    """
    w = as_decimal(weight, "weight")
    n = len(values)
    positions = _rank_positions(values, higher_is_better, ties)
    out: dict[str, Ranked] = {}
    for rm_id, (shown, used) in sorted(positions.items(), key=lambda item: (item[1][1], item[0])):
        with exact():
            score = (n - used + 1) * w
        formula = f"({n} − {fmt(used)} + 1) × {_p(w)} {result_text(score)}"
        raw = values[rm_id]
        out[rm_id] = Ranked(shown, n, score, formula, None if raw is None else as_decimal(raw, rm_id), used)
    return out


def composite_rank(
    parts: Mapping[str, Mapping[str, Decimal | None]],
    part_weights: Mapping[str, Decimal],
    weight: Decimal,
    *,
    ties: str = "min",
) -> dict[str, Ranked]:
    """综合排名得分 (001 table 1-1) of one business item (业务品种).

    001: "单项业务品种综合排名按贡献度、进步率、计划达到率三项综合得分计算。
    ∑ = 贡献度得分×相对数考核权重 + 进步率得分×相对数考核权重 + 计划达到率得分×相对数考核权重",
    then "单项得分 = (参与考核的客户经理数 − 排名名次 + 1) × 业务品种考核权重". So:

    1. each part (``"contribution"`` 贡献度, ``"progress"`` 进步率, ``"plan"`` 计划达到率)
       is ranked on its own, higher is better, and scored ``N − rank + 1`` (the
       part's 得分, without the item weight);
    2. the composite ``Σ = a × contribution score + b × progress score + c × plan
       score`` with ``part_weights`` (a, b, c; non-negative, not all 0; only their
       ratios matter);
    3. the RMs are ranked by Σ (higher is better) — the item's 综合排名 — and the
       item scores ``(N − composite rank + 1) × weight``.

    N is every RM that appears in any part; an RM missing from a part (or with
    ``None``) ranks last in that part. ``ties`` applies at both steps. The 001
    operating score (经营指标得分) is the sum of these item scores over the items.
    """
    if set(parts) != set(part_weights) or not parts:
        raise ScoringError(
            "scoring.part_weights_keys", {"parts": ", ".join(sorted(parts)), "weights": ", ".join(sorted(part_weights))}
        )
    weights = {name: as_decimal(wt, f"weight of {name}") for name, wt in part_weights.items()}
    for name, wt in weights.items():
        if wt < 0:
            raise ScoringError("scoring.negative", {"what": name, "value": fmt(wt)})
    if sum(weights.values(), ZERO) == 0:
        raise ScoringError("scoring.weights_zero")
    w = as_decimal(weight, "weight")
    rm_ids = sorted({rm for values in parts.values() for rm in values})
    part_ranks = {
        name: rank_scores({rm: parts[name].get(rm) for rm in rm_ids}, ONE, ties=ties) for name in part_weights
    }
    composite: dict[str, Decimal] = {}
    terms: dict[str, str] = {}
    for rm in rm_ids:
        with exact():
            composite[rm] = sum((weights[p] * part_ranks[p][rm].score for p in part_weights), ZERO)
        terms[rm] = " + ".join(f"{_p(weights[p])} × {fmt(part_ranks[p][rm].score)}" for p in part_weights)
    final = rank_scores(dict(composite), w, ties=ties)
    out: dict[str, Ranked] = {}
    for rm, ranked in final.items():
        formula = f"Σ = {terms[rm]} {result_text(composite[rm])}; {ranked.formula}"
        components = tuple((p, part_ranks[p][rm]) for p in part_weights)
        out[rm] = Ranked(ranked.rank, ranked.n, ranked.score, formula, composite[rm], ranked.effective_rank, components)
    return out


# --- deductions, veto, plus-and-minus ----------------------------------------


def deduction(n: Decimal | int, *, per: Decimal, floor: Decimal, full: Decimal) -> Scored:
    """扣分 per occurrence (002: violations; 001: 工作质量 deductions): ``max(full − per × n, floor)``.

    ``n`` is the number of occurrences (≥ 0), ``per`` the points per occurrence,
    ``floor`` the lowest score the item can reach (usually 0).
    """
    count = as_decimal(n, "n")
    per_ = as_decimal(per, "per")
    low = as_decimal(floor, "floor")
    top = as_decimal(full, "full")
    if count < 0:
        raise ScoringError("scoring.negative", {"what": "n", "value": fmt(count)})
    if low > top:
        raise ScoringError("scoring.floor_above_full", {"floor": fmt(low), "full": fmt(top)})
    with exact():
        value = max(top - per_ * count, low)
    return Scored(value, f"max({fmt(top)} − {_p(per_)} × {fmt(count)}, {fmt(low)}) {result_text(value)}")


def veto(flag: bool, reason: str | None) -> Veto:
    """一票否决 (002: violations with veto): a vetoed RM's total becomes 0, with the reason shown.

    A veto must say why (``scoring.veto_reason``); when not vetoed the reason is dropped.
    """
    if not flag:
        return Veto(False, None)
    if reason is None or not reason.strip():
        raise ScoringError("scoring.veto_reason")
    return Veto(True, reason.strip())


def apply_veto(total: Decimal, verdict: Veto) -> Scored:
    """The total after a one-vote veto (一票否决): 0 when vetoed, else unchanged."""
    total = as_decimal(total, "total")
    if verdict.vetoed:
        return Scored(ZERO, f"{fmt(total)} → 0 (一票否决: {verdict.reason})")
    return Scored(total, fmt(total))


def plus_minus(
    items: Sequence[tuple[str, Decimal]],
    *,
    cap: Decimal | None = None,
    floor: Decimal | None = None,
) -> Scored:
    """加扣分 (001: 加扣分指标考核 — 国际结算量, 不良贷款控制, 贷后管理, …): the sum of signed items.

    Each item is ``(name, points)``, positive for an addition, negative for a
    deduction; the sum is held within [floor, cap] when given (``None``: open).
    """
    low, high = _opt(floor, "floor"), _opt(cap, "cap")
    if low is not None and high is not None and low > high:
        raise ScoringError("scoring.floor_above_cap", {"floor": fmt(low), "cap": fmt(high)})
    parsed = [(name, as_decimal(points, f"points of {name}")) for name, points in items]
    with exact():
        total = sum((p for _, p in parsed), ZERO)
    value = _clip(total, low, high)
    terms = " ".join(f"{'+' if p >= 0 else '−'}{fmt(abs(p))} ({name})" for name, p in parsed) or "0"
    return Scored(value, f"{_clip_text(terms, low, high)} {result_text(value)}")


# --- adjustments and blends ---------------------------------------------------


def experience_adjust(score: Decimal, coefficient: Decimal) -> Scored:
    """经验调整 (004 case one: 利润 0.4 / 业务 0.3 / 管理 0.3, 经验调整指标 ±0.2): ``score × (1 + c)``.

    004 lists the adjustment as a coefficient beside the weights 0.4 / 0.3 / 0.3,
    so it scales the weighted score by at most 20 % either way: 85 with +0.1
    gives 93.5. ``coefficient`` outside [−0.2, +0.2] raises ``ScoringError``
    (a ``ValueError``) with code ``scoring.coefficient_range``.
    """
    s = as_decimal(score, "score")
    c = as_decimal(coefficient, "coefficient")
    if not -EXPERIENCE_LIMIT <= c <= EXPERIENCE_LIMIT:
        raise ScoringError("scoring.coefficient_range", {"coefficient": fmt(c)})
    with exact():
        value = s * (1 + c)
    sign = "+" if c >= 0 else "−"
    return Scored(value, f"{_p(s)} × (1 {sign} {fmt(abs(c))}) {result_text(value)}")


def team_blend(individual: Decimal, team: Decimal, team_share: Decimal) -> Scored:
    """团队绩效 blended into the individual score (000: 以团队为单位展开营销活动, 提高团队绩效; 001: 群体精神).

    ``individual × (1 − team_share) + team × team_share``; both scores on the same
    scale, ``team_share`` a fraction in [0, 1] (0.3 = 30 % from the team).
    """
    i = as_decimal(individual, "individual")
    tm = as_decimal(team, "team")
    share = as_decimal(team_share, "team_share")
    _check_share(share, "team_share")
    with exact():
        value = i * (1 - share) + tm * share
    return Scored(value, f"{_p(i)} × (1 − {fmt(share)}) + {_p(tm)} × {fmt(share)} {result_text(value)}")


def split(qualitative: Decimal, quantitative: Decimal, qualitative_share: Decimal) -> Scored:
    """定性/定量 split (001: 百分制, 定性考核指标分值为30分, 定量考核指标分值为70分).

    Both inputs are scores on a 0–100 scale (each part scored on its own as a
    percentage); the total is ``qualitative × share + quantitative × (1 − share)``,
    again out of 100, so 001's split is ``qualitative_share = 0.3``. A 1–5 rating
    is brought to 0–100 first (``rmperf.core.ratings.to_hundred``).
    """
    ql = as_decimal(qualitative, "qualitative")
    qn = as_decimal(quantitative, "quantitative")
    share = as_decimal(qualitative_share, "qualitative_share")
    _check_share(share, "qualitative_share")
    with exact():
        value = ql * share + qn * (1 - share)
    return Scored(value, f"{_p(ql)} × {fmt(share)} + {_p(qn)} × (1 − {fmt(share)}) {result_text(value)}")


def weighted_sum(parts: Sequence[tuple[str, Decimal, Decimal]]) -> Scored:
    """Σ score × weight over ``(name, score, weight)`` — e.g. 004 case one 利润 0.4 / 业务 0.3 / 管理 0.3.

    Weights are fractions as written in the scheme; nothing is normalised.
    """
    parsed = [(name, as_decimal(s, f"score of {name}"), as_decimal(wt, f"weight of {name}")) for name, s, wt in parts]
    with exact():
        value = sum((s * wt for _, s, wt in parsed), ZERO)
    terms = " + ".join(f"{_p(s)} × {_p(wt)} ({name})" for name, s, wt in parsed) or "0"
    return Scored(value, f"{terms} {result_text(value)}")
