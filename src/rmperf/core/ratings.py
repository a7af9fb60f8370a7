"""Qualitative ratings (定性考核): rating scale, ranking, paired comparison, forced distribution, multi-rater.

Rules come from the seeds (``shared/seeds``):

- 004 §4.3 绩效考评的方法: 量表法 (rating scale with weighted criteria and a 1–5
  scale; the form for 王双 gives 4.7), 简单排序法 (simple ranking), 一一比较法
  (paired comparison; the worked table of 王 钱 张 赵 李), 强制分配法 (forced
  distribution 最好 10 % / 较好 20 % / 一般 40 % / 较差 20 % / 最差 10 %).
- 001 §2.1: 对私客户经理定性考核采用自评、客户抽样调查、网点评价和主管部门测评等方式相结合
  (self, customer sample, branch, department: a multi-rater blend).

Pure functions, ``Decimal`` only, no rounding (the caller rounds a reported score
once). Refusals raise :class:`RatingError` carrying an i18n code and params.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from rmperf.core.scoring import (
    HUNDRED,
    ONE,
    ZERO,
    Ranked,
    Scored,
    ScoringError,
    as_decimal,
    exact,
    fmt,
    rank_scores,
    result_text,
)

#: Rater roles of the ``ratings`` table (data contract).
ROLES = ("self", "supervisor", "committee", "department", "customer", "peer")
#: 004 强制分配法: 最好 10 % / 较好 20 % / 一般 40 % / 较差 20 % / 最差 10 %.
FORCED_SHARES = (10, 20, 40, 20, 10)
FORCED_LABELS = ("A", "B", "C", "D", "E")
#: 004 量表法: 优秀 5 / 良好 4 / 满意 3 / 尚可 2 / 不满意 1.
SCALE = (Decimal(1), Decimal(5))
MISSING_RULES = ("refuse", "renormalise")

_BETTER = {"+", 1}
_WORSE = {"-", "−", 0, -1}
_DIAGONAL = {0, "0"}


class RatingError(ScoringError):
    """A qualitative rating refused its input (i18n code + params, sub-problems in ``details``)."""


# --- rating scale (量表法) ----------------------------------------------------


def _weights(named: Iterable[tuple[str, object]], code_sum: str, what: str) -> list[tuple[str, Decimal]]:
    out: list[tuple[str, Decimal]] = []
    seen: set[str] = set()
    for name, weight in named:
        if name in seen:
            raise RatingError("ratings.name_duplicate", {"name": name})
        seen.add(name)
        w = as_decimal(weight, f"{what} {name}")
        if w < 0:
            raise RatingError("scoring.negative", {"what": name, "value": fmt(w)})
        out.append((name, w))
    total = sum((w for _, w in out), ZERO)
    if total != HUNDRED:
        raise RatingError(code_sum, {"total": fmt(total)})
    return out


def rating_scale(
    criteria: Sequence[tuple[str, Decimal]],
    scores: Mapping[str, Decimal],
    *,
    scale: tuple[Decimal, Decimal] = SCALE,
) -> Scored:
    """量表法 (004 §4.3, 4.量表法): ``Σ weight % × score`` over the criteria of the form.

    ``criteria`` lists ``(name, weight in %)``; the weights add up to 100. Every
    criterion has exactly one score within ``scale`` (1–5 by default: 优秀 5, 良好 4,
    满意 3, 尚可 2, 不满意 1). The result is on the same scale. 004's form for 王双:
    工作数量 10 × 5, 工作质量 15 × 4, 专业知识水平 15 × 4, 合作精神 20 × 5, 忠诚度 15 × 5,
    创造性 15 × 5, 工作纪律 10 × 5 → 0.5 + 0.6 + 0.6 + 1.0 + 0.75 + 0.75 + 0.5 = 4.7.
    """
    table = _weights(criteria, "ratings.criteria_weights_sum", "weight of")
    low, high = as_decimal(scale[0], "scale low"), as_decimal(scale[1], "scale high")
    names = {name for name, _ in table}
    problems: list[ScoringError] = [
        RatingError("ratings.criterion_unknown", {"criterion": name}) for name in sorted(set(scores) - names)
    ]
    terms: list[str] = []
    total = ZERO
    for name, weight in table:
        if name not in scores:
            problems.append(RatingError("ratings.score_missing", {"criterion": name}))
            continue
        score = as_decimal(scores[name], f"score of {name}")
        if not low <= score <= high:
            problems.append(
                RatingError(
                    "ratings.score_range", {"criterion": name, "score": fmt(score), "low": fmt(low), "high": fmt(high)}
                )
            )
            continue
        with exact():
            total += weight * score / HUNDRED
        terms.append(f"{fmt(weight)}% × {fmt(score)} ({name})")
    if problems:
        if len(problems) == 1:
            raise problems[0]
        raise RatingError("ratings.form_invalid", {"count": len(problems)}, problems)
    return Scored(total, f"{' + '.join(terms)} {result_text(total)}")


def to_hundred(score: Decimal, *, top: Decimal = SCALE[1]) -> Scored:
    """A rating on a 1–``top`` scale as a percentage of the top mark: ``score / top × 100``.

    004's form totals 4.7 out of 5 (94 %); 001's qualitative part is scored out of
    100 (see ``scoring.split``), so a rating passes through here first.
    """
    s = as_decimal(score, "score")
    top_ = as_decimal(top, "top")
    if top_ <= 0:
        raise RatingError("scoring.negative", {"what": "top", "value": fmt(top_)})
    with exact():
        value = s * HUNDRED / top_
    return Scored(value, f"{fmt(s)}/{fmt(top_)} × 100 {result_text(value)}")


# --- simple ranking (简单排序法) -----------------------------------------------


def simple_ranking(order: Sequence[str], *, full: Decimal = HUNDRED) -> dict[str, Ranked]:
    """简单排序法 (004 §4.3, 1简单排序法): RMs listed best first; score ``full × (N − rank + 1) / N``.

    004's example orders 王某 (最好), 钱某 (较好), 张某 (一般), 赵某 (较差), 李某 (最差).
    The score is 001's rank score ``(N − rank + 1) × weight`` with ``weight = full / N``,
    so the first earns ``full`` and the last ``full / N`` (5 RMs, full 100: 100, 80,
    60, 40, 20). The order is strict: a name listed twice is refused.
    """
    f = as_decimal(full, "full")
    seen: set[str] = set()
    for name in order:
        if name in seen:
            raise RatingError("ratings.name_duplicate", {"name": name})
        seen.add(name)
    n = len(order)
    out: dict[str, Ranked] = {}
    for rank, name in enumerate(order, start=1):
        with exact():
            score = f * (n - rank + 1) / n
        formula = f"{fmt(f)} × ({n} − {rank} + 1)/{n} {result_text(score)}"
        out[name] = Ranked(rank, n, score, formula, None, Decimal(rank))
    return out


# --- paired comparison (一一比较法) --------------------------------------------


def _outcome(row: str, column: str, value: object) -> bool:
    """True when ``row`` is better than ``column``."""
    if isinstance(value, bool):
        raise RatingError("ratings.pair_value", {"row": row, "column": column, "value": value})
    if isinstance(value, str):
        value = value.strip()
    if value in _BETTER:
        return True
    if value in _WORSE:
        return False
    raise RatingError("ratings.pair_value", {"row": row, "column": column, "value": value})


def paired_comparison(matrix: Mapping[tuple[str, str], int | str]) -> dict[str, Ranked]:
    """一一比较法 (004 §4.3, 2.一一比较法): each RM is compared with every other; 得分 = number of wins.

    ``matrix[(row, column)]`` is ``"+"`` (or 1) when *row* is better than *column*,
    ``"-"`` (or 0 or −1) when worse; the diagonal ``(a, a)`` may be given as 0.
    Each pair needs an outcome — given once, or both ways if they agree — so every
    pair yields exactly one "+". The score (004's 得分 column) is the count of "+"
    in the RM's row, ranked with competition ranking (1, 2, 2, 4). 004's table: 王 2,
    钱 4, 张 2, 赵 1, 李 1.
    """
    people = list(dict.fromkeys(name for pair in matrix for name in pair))  # as the table lists them
    beats: dict[tuple[str, str], bool] = {}
    problems: list[ScoringError] = []
    unreadable: set[frozenset[str]] = set()  # already reported, not "missing" as well
    for (row, column), value in matrix.items():
        if row == column:
            if isinstance(value, bool) or value not in _DIAGONAL:
                problems.append(RatingError("ratings.pair_diagonal", {"name": row, "value": value}))
            continue
        try:
            beats[(row, column)] = _outcome(row, column, value)
        except RatingError as error:
            problems.append(error)
            unreadable.add(frozenset((row, column)))
    wins: dict[str, list[str]] = {name: [] for name in people}
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            ab, ba = beats.get((a, b)), beats.get((b, a))
            if ab is None and ba is None:
                if frozenset((a, b)) not in unreadable:
                    problems.append(RatingError("ratings.pair_missing", {"a": a, "b": b}))
                continue
            if ab is not None and ba is not None and ab == ba:
                problems.append(RatingError("ratings.pair_inconsistent", {"a": a, "b": b}))
                continue
            a_wins = ab if ab is not None else not ba
            winner, loser = (a, b) if a_wins else (b, a)
            wins[winner].append(loser)
    if problems:
        if len(problems) == 1:
            raise problems[0]
        raise RatingError("ratings.matrix_invalid", {"count": len(problems)}, problems)
    counts = {name: Decimal(len(beaten)) for name, beaten in wins.items()}
    ranked = rank_scores(counts, ONE)
    out: dict[str, Ranked] = {}
    for name, r in ranked.items():
        beaten = sorted(wins[name], key=people.index)
        formula = (", ".join(f"{name} > {other}" for other in beaten) or "—") + f" → {len(beaten)}"
        out[name] = Ranked(r.rank, r.n, counts[name], formula, counts[name], r.effective_rank)
    return out


# --- forced distribution (强制分配法) ------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """An accepted forced distribution: ``n`` RMs, the count per grade and the allowed range per grade."""

    n: int
    counts: dict[str, int]
    allowed: dict[str, tuple[int, int]]


def allowed_counts(
    n: int, *, shares: Sequence[Decimal | int] = FORCED_SHARES, labels: Sequence[str] = FORCED_LABELS
) -> dict[str, tuple[int, int]]:
    """The number of RMs each grade may hold in a group of ``n``: ``(⌊n × share⌋, ⌈n × share⌉)``.

    004's 10/20/40/20/10 is exact for a group of 10, 20, 30, …; for any other size
    ``n × share %`` is a fraction and a grade may hold it rounded down or up — so 7
    RMs (0.7, 1.4, 2.8, 1.4, 0.7) allow A 0–1, B 1–2, C 2–3, D 1–2, E 0–1. Every RM
    holds one grade, so the counts still add up to n. Rounding both ways, rather
    than a largest-remainder quota, needs no tie-break between grades with equal
    remainders (10/20/40/20/10 is symmetric, so B and D always tie) and never
    forces a grade nobody's share reaches.
    """
    if len(shares) != len(labels):
        raise RatingError("ratings.shares_labels", {"shares": len(shares), "labels": len(labels)})
    if len(set(labels)) != len(labels):
        raise RatingError("ratings.name_duplicate", {"name": ", ".join(labels)})
    parsed = [as_decimal(s, f"share of {label}") for s, label in zip(shares, labels, strict=True)]
    if any(s < 0 for s in parsed) or sum(parsed, ZERO) != HUNDRED:
        raise RatingError("ratings.shares_sum", {"total": fmt(sum(parsed, ZERO))})
    out: dict[str, tuple[int, int]] = {}
    for label, share in zip(labels, parsed, strict=True):
        with exact():
            quota = n * share / HUNDRED
        out[label] = (math.floor(quota), math.ceil(quota))
    return out


def forced_distribution(
    grades: Mapping[str, str],
    *,
    shares: Sequence[Decimal | int] = FORCED_SHARES,
    labels: Sequence[str] = FORCED_LABELS,
) -> Distribution:
    """强制分配法 (004 §4.3, 3.强制分配法): check that ``grades`` (rm_id → grade) follow the shares.

    004's grades are 最好 / 较好 / 一般 / 较差 / 最差 at 10 / 20 / 40 / 20 / 10 %
    (``labels`` default to A–E in that order). Each grade must hold between
    ⌊n × share⌋ and ⌈n × share⌉ RMs (:func:`allowed_counts`). A set that breaks
    it is refused with ``ratings.distribution_broken``, whose details name every
    grade with too many (``ratings.grade_too_many``) or too few
    (``ratings.grade_too_few``) RMs and by how many.
    """
    allowed = allowed_counts(len(grades), shares=shares, labels=labels)
    unknown = [
        RatingError("ratings.grade_unknown", {"rm_id": rm, "grade": g, "allowed": ", ".join(labels)})
        for rm, g in sorted(grades.items())
        if g not in allowed
    ]
    if unknown:
        if len(unknown) == 1:
            raise unknown[0]
        raise RatingError("ratings.grades_invalid", {"count": len(unknown)}, unknown)
    counts = dict.fromkeys(labels, 0)
    for g in grades.values():
        counts[g] += 1
    problems: list[ScoringError] = []
    for label in labels:
        low, high = allowed[label]
        if counts[label] > high:
            params = {"grade": label, "count": counts[label], "max": high, "excess": counts[label] - high}
            problems.append(RatingError("ratings.grade_too_many", params))
        elif counts[label] < low:
            params = {"grade": label, "count": counts[label], "min": low, "shortfall": low - counts[label]}
            problems.append(RatingError("ratings.grade_too_few", params))
    if problems:
        shares_text = "/".join(fmt(as_decimal(s, "share")) for s in shares)
        raise RatingError("ratings.distribution_broken", {"shares": shares_text, "n": len(grades)}, problems)
    return Distribution(len(grades), counts, allowed)


# --- multi-rater blends (多方评价) ---------------------------------------------


def _check_missing_rule(missing: str) -> None:
    if missing not in MISSING_RULES:
        raise RatingError("value.enum", {"value": missing, "allowed": ", ".join(MISSING_RULES)})


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise RatingError("ratings.role_unknown", {"role": role, "allowed": ", ".join(ROLES)})


def multi_rater(
    scores_by_role: Mapping[str, Decimal],
    weights: Mapping[str, Decimal],
    *,
    missing: str = "refuse",
) -> Scored:
    """多方评价 (001: 自评、客户抽样调查、网点评价和主管部门测评相结合, 最终由个人金融业务部门综合评分).

    ``Σ weight % × score`` over the roles (self 自评, supervisor 主管, committee 考核小组,
    department 主管部门, customer 客户抽样, peer 同事); ``weights`` are percentages adding
    up to 100, like every weight table of a scheme; scores share one scale and the
    result is on it.

    A role with a positive weight but no score is refused by default
    (``ratings.role_missing``): silently shifting its weight to the others would
    let, say, a self-rating count double when the customer survey did not
    happen. A scheme that accepts this says ``missing="renormalise"``, and the
    present roles' weights are scaled up to 100 % (the formula shows it).
    """
    _check_missing_rule(missing)
    for role in weights:
        _check_role(role)
    table = dict(_weights(weights.items(), "ratings.role_weights_sum", "weight of"))
    for role in scores_by_role:
        _check_role(role)
        if role not in table:
            raise RatingError("ratings.role_unweighted", {"role": role})
    scores = {role: as_decimal(s, f"score of {role}") for role, s in scores_by_role.items()}
    absent = [role for role in ROLES if role in table and table[role] > 0 and role not in scores]
    present = [role for role in ROLES if role in scores]
    if absent and missing == "refuse":
        raise RatingError("ratings.role_missing", {"roles": ", ".join(absent)})
    if not present or sum((table[r] for r in present), ZERO) == 0:
        raise RatingError("ratings.no_roles_present")
    with exact():
        weighted = sum((table[r] * scores[r] for r in present), ZERO)
        if absent:
            base = sum((table[r] for r in present), ZERO)
            value = weighted / base
        else:
            value = weighted / HUNDRED
    if absent:
        numerator = " + ".join(f"{fmt(table[r])} × {fmt(scores[r])} ({r})" for r in present)
        denominator = " + ".join(fmt(table[r]) for r in present)
        return Scored(value, f"({numerator})/({denominator}) {result_text(value)}")
    terms = " + ".join(f"{fmt(table[r])}% × {fmt(scores[r])} ({r})" for r in present)
    return Scored(value, f"{terms} {result_text(value)}")


def _row_decimal(value: object, what: str) -> Decimal:
    if isinstance(value, str):
        try:
            return as_decimal(Decimal(value.strip()), what)
        except InvalidOperation:
            raise RatingError("value.decimal", {"value": value}) from None
    return as_decimal(value, what)


def from_rows(
    rows: Iterable[Mapping[str, Any]],
    *,
    criteria: Sequence[tuple[str, Decimal]],
    role_weights: Mapping[str, Decimal],
    period: str | None = None,
    scale: tuple[Decimal, Decimal] = SCALE,
    missing: str = "refuse",
) -> dict[str, Scored]:
    """Per-RM qualitative scores from ``ratings`` table rows (period, rm_id, rater_id, rater_role, criterion, score).

    For each RM: every rater fills the rating form (:func:`rating_scale` over
    ``criteria``, all criteria scored, on ``scale``); the raters of one role are
    averaged with equal weight (three customers sampled count as one customer
    voice, as 001's 客户抽样 is one source); the roles are blended with
    ``role_weights`` (:func:`multi_rater`, ``missing`` as there). Only rows of
    ``period`` are used; without ``period`` all rows must belong to one period.

    Every problem in the rows (duplicate score, unknown role, a rater using two
    roles, an incomplete form, a missing role) is collected and raised together
    as ``ratings.rows_invalid``. Returns rm_id → score, ordered by rm_id.
    """
    _check_missing_rule(missing)
    problems: list[ScoringError] = []
    all_rows = list(rows)
    if period is None:
        periods = sorted({str(r["period"]) for r in all_rows})
        if len(periods) > 1:
            raise RatingError("ratings.rows_period_mixed", {"periods": ", ".join(periods)})
    else:
        all_rows = [r for r in all_rows if str(r["period"]) == period]
    forms: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))  # rm → rater → scores
    roles_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in all_rows:
        rm, rater, role, criterion = (str(row[k]) for k in ("rm_id", "rater_id", "rater_role", "criterion"))
        if role not in ROLES:
            problems.append(RatingError("ratings.role_unknown", {"role": role, "allowed": ", ".join(ROLES)}))
            continue
        roles_of[(rm, rater)].add(role)
        try:
            score = _row_decimal(row["score"], "score")
        except ScoringError as error:
            problems.append(error)
            continue
        form = forms[rm][rater]
        if criterion in form:
            params = {"rm_id": rm, "rater_id": rater, "criterion": criterion}
            problems.append(RatingError("ratings.row_duplicate", params))
            continue
        form[criterion] = score
    out: dict[str, Scored] = {}
    for rm in sorted(forms):
        by_role: dict[str, list[tuple[str, Scored]]] = defaultdict(list)
        failed = False
        for rater in sorted(forms[rm]):
            roles = roles_of[(rm, rater)]
            if len(roles) > 1:
                params = {"rm_id": rm, "rater_id": rater, "roles": ", ".join(sorted(roles))}
                problems.append(RatingError("ratings.rater_roles", params))
                failed = True
                continue
            try:
                filled = rating_scale(criteria, forms[rm][rater], scale=scale)
            except ScoringError as error:
                problems.append(RatingError("ratings.rater_problem", {"rm_id": rm, "rater_id": rater}, [error]))
                failed = True
                continue
            by_role[next(iter(roles))].append((rater, filled))
        if failed:
            continue  # its raters' problems are reported; a blend of the rest would only add noise
        means: dict[str, Decimal] = {}
        lines: list[str] = []
        for role in ROLES:
            if role not in by_role:
                continue
            forms_of_role = by_role[role]
            with exact():
                means[role] = sum((s.value for _, s in forms_of_role), ZERO) / len(forms_of_role)
            if len(forms_of_role) == 1:
                lines.append(f"{role}: {fmt(means[role])}")
            else:
                parts = " + ".join(fmt(s.value) for _, s in forms_of_role)
                lines.append(f"{role}: ({parts})/{len(forms_of_role)} {result_text(means[role])}")
        try:
            blended = multi_rater(means, role_weights, missing=missing)
        except ScoringError as error:
            problems.append(RatingError("ratings.rm_problem", {"rm_id": rm}, [error]))
            continue
        out[rm] = Scored(blended.value, "; ".join([*lines, blended.formula]))
    if problems:
        raise RatingError("ratings.rows_invalid", {"count": len(problems)}, problems)
    return out


# --- rankings and comparisons from the ratings table (scheme forms ``ranking`` / ``paired``) ------


def _group_raters(
    rows: Iterable[Mapping[str, Any]], problems: list[ScoringError]
) -> dict[str, tuple[str, list[Mapping[str, Any]]]]:
    """rater_id → (role, rows), ordered by rater_id; a rater with an unknown role or several roles is reported."""
    by_rater: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    roles: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        rater, role = str(row["rater_id"]), str(row["rater_role"])
        if role not in ROLES:
            problems.append(RatingError("ratings.role_unknown", {"role": role, "allowed": ", ".join(ROLES)}))
            continue
        roles[rater].add(role)
        by_rater[rater].append(row)
    out: dict[str, tuple[str, list[Mapping[str, Any]]]] = {}
    for rater in sorted(by_rater):
        if len(roles[rater]) > 1:
            params = {"rater_id": rater, "roles": ", ".join(sorted(roles[rater]))}
            problems.append(RatingError("ratings.rater_roles_group", params))
            continue
        out[rater] = (next(iter(roles[rater])), by_rater[rater])
    return out


def _blend_raters(
    members: Sequence[str],
    per_rater: Mapping[str, tuple[str, Mapping[str, Decimal], Mapping[str, str]]],
    role_weights: Mapping[str, Decimal],
    missing: str,
    problems: list[ScoringError],
) -> dict[str, Scored]:
    """Per RM: the raters of one role averaged, the roles blended by ``role_weights`` (:func:`multi_rater`).

    ``per_rater`` maps rater_id → (role, rm_id → number, rm_id → how the rater got it).
    Every rater covers every member, so the roles present are the same for the whole
    group and a blend that is refused (a weighted role without a rater) is reported once.
    """
    out: dict[str, Scored] = {}
    for rm in members:
        by_role: dict[str, list[tuple[str, Decimal, str]]] = defaultdict(list)
        for rater, (role, by_rm, texts) in per_rater.items():
            by_role[role].append((rater, by_rm[rm], texts[rm]))
        means: dict[str, Decimal] = {}
        lines: list[str] = []
        for role in ROLES:
            if role not in by_role:
                continue
            got = by_role[role]
            with exact():
                means[role] = sum((n for _, n, _ in got), ZERO) / len(got)
            if len(got) == 1:
                lines.append(f"{role} {got[0][0]}: {got[0][2]}")
            else:
                parts = ", ".join(f"{rater}: {text}" for rater, _, text in got)
                numbers = " + ".join(fmt(n) for _, n, _ in got)
                lines.append(f"{role} ({parts}): ({numbers})/{len(got)} {result_text(means[role])}")
        try:
            blended = multi_rater(means, role_weights, missing=missing)
        except ScoringError as error:
            problems.append(error)
            return {}
        out[rm] = Scored(blended.value, "; ".join([*lines, blended.formula]))
    return out


def _raise_all(problems: Sequence[ScoringError]) -> None:
    """One problem as it is; several as ``ratings.rows_invalid`` listing them all."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise RatingError("ratings.rows_invalid", {"count": len(problems)}, problems)


def _finish_group(
    members: Sequence[str], blended: Mapping[str, Scored], shares: Mapping[str, Decimal], *, higher_is_better: bool
) -> dict[str, Ranked]:
    values: dict[str, Decimal | None] = {rm: blended[rm].value for rm in members}
    ranks = rank_scores(values, ONE, higher_is_better=higher_is_better)  # ties: "min" (1, 2, 2, 4)
    return {
        rm: Ranked(ranks[rm].rank, len(members), shares[rm], blended[rm].formula, blended[rm].value) for rm in members
    }


def ranking_from_rows(
    rows: Iterable[Mapping[str, Any]],
    members: Sequence[str],
    role_weights: Mapping[str, Decimal],
    *,
    missing: str = "refuse",
) -> dict[str, Ranked]:
    """简单排序法 from ``ratings`` rows: each rater ranks every RM of a group, 1 = best; raters blended.

    ``rows`` are one group's ranking rows (``rm_id``, ``rater_id``, ``rater_role``,
    ``score`` = the position the rater gives the RM). Each rater's ranking must be a
    strict order of all ``members``: whole positions 1 … N, each used once (004 lists
    one RM per place; :func:`simple_ranking` refuses a name twice). The raters of one
    role are averaged and the roles blended by ``role_weights`` (:func:`multi_rater`,
    ``missing`` as there) into a blended position P̄; the share of the weight is
    :func:`simple_ranking`'s rule on it, ``(N − P̄ + 1) ÷ N``. As the rule is linear,
    this is also the blend of each rater's own share. Equal blended positions tie:
    they score alike and share the better rank (1, 2, 2, 4).

    Returns rm_id → :class:`Ranked` (``score`` = the share, ``value`` = P̄, ``rank`` on
    P̄, ``formula`` = each rater's position and the blend). A problem is raised as
    it is, several together as ``ratings.rows_invalid``.
    """
    _check_missing_rule(missing)
    problems: list[ScoringError] = []
    members = list(members)
    n = len(members)
    member_set = set(members)
    per_rater: dict[str, tuple[str, Mapping[str, Decimal], Mapping[str, str]]] = {}
    for rater, (role, rater_rows) in _group_raters(rows, problems).items():
        own: list[ScoringError] = []
        positions: dict[str, Decimal] = {}
        seen: set[str] = set()
        for row in rater_rows:
            rm = str(row["rm_id"])
            if rm not in member_set:
                own.append(RatingError("ratings.rank_not_member", {"rm_id": rm}))
                continue
            if rm in seen:
                own.append(RatingError("ratings.rank_duplicate", {"rm_id": rm}))
                continue
            seen.add(rm)
            try:
                position: Decimal | None = _row_decimal(row["score"], "score")
            except ScoringError:
                position = None
            if position is None or position != position.to_integral_value() or not 1 <= position <= n:
                own.append(RatingError("ratings.rank_value", {"rm_id": rm, "value": row["score"], "n": n}))
                continue
            positions[rm] = position
        at: dict[Decimal, list[str]] = defaultdict(list)
        for rm in members:
            if rm in positions:
                at[positions[rm]].append(rm)
        for position in sorted(at):
            if len(at[position]) > 1:
                params = {"rms": ", ".join(at[position]), "position": fmt(position)}
                own.append(RatingError("ratings.rank_shared", params))
        unranked = [rm for rm in members if rm not in seen]
        if unranked:
            own.append(RatingError("ratings.rank_missing", {"rms": ", ".join(unranked), "n": n}))
        if own:
            problems.append(RatingError("ratings.rater_ranking", {"rater_id": rater, "role": role}, own))
            continue
        order = sorted(members, key=lambda rm: positions[rm])
        ranked = simple_ranking(order, full=ONE)  # the rule of 004's 简单排序法, per rater
        texts = {rm: f"#{ranked[rm].rank}" for rm in members}
        per_rater[rater] = (role, {rm: Decimal(ranked[rm].rank) for rm in members}, texts)
    if not per_rater and not problems:
        problems.append(RatingError("ratings.no_roles_present"))
    blended = _blend_raters(members, per_rater, role_weights, missing, problems) if not problems else {}
    _raise_all(problems)
    shares: dict[str, Decimal] = {}
    for rm in members:
        with exact():
            shares[rm] = (n - blended[rm].value + 1) / n
    return _finish_group(members, blended, shares, higher_is_better=False)


def paired_from_rows(
    rows: Iterable[Mapping[str, Any]],
    members: Sequence[str],
    role_weights: Mapping[str, Decimal],
    *,
    missing: str = "refuse",
) -> dict[str, Ranked]:
    """一一比较法 from ``ratings`` rows: each rater compares every pair of a group; raters blended.

    ``rows`` are one group's comparison rows (``rm_id``, ``rater_id``, ``rater_role``,
    ``other`` = the RM compared with, ``score`` 1 when ``rm_id`` is better than
    ``other`` and 0 when worse — 004's "+" and "−"; there is no draw). Each rater's
    rows form a matrix checked by :func:`paired_comparison`: every pair of
    ``members`` needs an outcome, given once or both ways if they agree; a pair
    judged both better (or both worse), a missing pair, a comparison with an RM
    outside ``members`` is refused, naming the pair. A rater's score for an RM is
    its wins (004's 得分); the raters of one role are averaged and the roles blended
    by ``role_weights`` (:func:`multi_rater`) into W̄; the share of the weight is
    ``W̄ ÷ (N − 1)`` (every comparison won = the whole weight). Equal W̄ tie: they
    score alike and share the better rank (1, 2, 2, 4), as in 004's table.

    Returns rm_id → :class:`Ranked` (``score`` = the share, ``value`` = W̄, ``rank``
    on W̄, ``formula`` = each rater's wins and the blend). A problem is raised as
    it is, several together as ``ratings.rows_invalid``.
    """
    _check_missing_rule(missing)
    members = list(members)
    n = len(members)
    if n < 2:
        raise RatingError("ratings.pair_group_small", {"n": n})
    problems: list[ScoringError] = []
    member_set = set(members)
    per_rater: dict[str, tuple[str, Mapping[str, Decimal], Mapping[str, str]]] = {}
    for rater, (role, rater_rows) in _group_raters(rows, problems).items():
        own: list[ScoringError] = []
        matrix: dict[tuple[str, str], int | str] = {(rm, rm): 0 for rm in members}  # the table's order and size
        reported: set[frozenset[str]] = set()  # pairs already refused: not "missing" as well
        for row in rater_rows:
            rm, other = str(row["rm_id"]), str(row["other"])
            outside = next((name for name in (rm, other) if name not in member_set), None)
            if outside is not None:
                own.append(RatingError("ratings.pair_outside", {"rm_id": rm, "other": other, "name": outside}))
                continue
            if (rm, other) in matrix and rm != other:
                own.append(RatingError("ratings.pair_duplicate", {"rm_id": rm, "other": other}))
                continue
            try:
                score: Decimal | None = _row_decimal(row["score"], "score")
            except ScoringError:
                score = None
            if score is None or score not in (ZERO, ONE):
                own.append(RatingError("ratings.pair_row_value", {"rm_id": rm, "other": other, "value": row["score"]}))
                reported.add(frozenset((rm, other)))
                continue
            matrix[(rm, other)] = int(score)
        wins: dict[str, Ranked] = {}
        try:
            wins = paired_comparison(matrix)
        except RatingError as error:
            found = error.details if error.code == "ratings.matrix_invalid" else (error,)
            own.extend(
                e
                for e in found
                if e.code != "ratings.pair_missing" or frozenset((e.params["a"], e.params["b"])) not in reported
            )
        if own:
            problems.append(RatingError("ratings.rater_matrix", {"rater_id": rater, "role": role}, own))
            continue
        texts = {rm: wins[rm].formula for rm in members}
        per_rater[rater] = (role, {rm: wins[rm].score for rm in members}, texts)
    if not per_rater and not problems:
        problems.append(RatingError("ratings.no_roles_present"))
    blended = _blend_raters(members, per_rater, role_weights, missing, problems) if not problems else {}
    _raise_all(problems)
    shares: dict[str, Decimal] = {}
    for rm in members:
        with exact():
            shares[rm] = blended[rm].value / (n - 1)
    return _finish_group(members, blended, shares, higher_is_better=True)
