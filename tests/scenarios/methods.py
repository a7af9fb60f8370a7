"""``kind: method`` — one scoring or rating method, its parameters, the given values, the expected scores.

Each method below names the YAML keys it reads. ``given`` is per RM unless
said otherwise; the result is per RM (per grade for forced_distribution) with
the fields ``score`` (the primary one), and where the method has them ``rank``,
``formula``, ``composite``, ``vetoed``, ``reason``, ``count``, ``min``, ``max``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from rmperf.core import ratings, scoring
from rmperf.core.scoring import Ranked, Scored
from tests.scenarios.framework import Kind, Results, merged_params, register_kind

Params = dict[str, Any]


def dec(value: Any) -> Decimal:
    """A YAML number (int or Decimal) or a quoted number as Decimal; floats never reach here."""
    if isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str):
        return Decimal(value)
    raise TypeError(f"not a number: {value!r}")


def opt(value: Any) -> Decimal | None:
    return None if value is None else dec(value)


def scored(result: Scored) -> dict[str, Any]:
    return {"score": result.value, "formula": result.formula}


def ranked(result: Mapping[str, Ranked]) -> Results:
    return {
        rm: {"score": r.score, "rank": r.rank, "formula": r.formula, "composite": r.value} for rm, r in result.items()
    }


def per_rm(given: Mapping[str, Any], score: Callable[[Any], Scored]) -> Results:
    return {str(rm): scored(score(values)) for rm, values in given.items()}


# --- quantitative methods -----------------------------------------------------


def achievement(p: Params, given: Any) -> Results:
    """given: {RM: {actual, target}}; params: full, floor (default 0, null = none), cap (default none)."""
    floor = opt(p["floor"]) if "floor" in p else Decimal(0)
    return per_rm(
        given,
        lambda v: scoring.achievement(
            dec(v["actual"]), dec(v["target"]), dec(p["full"]), floor=floor, cap=opt(p.get("cap"))
        ),
    )


def linear(p: Params, given: Any) -> Results:
    """given: {RM: value}; params: x0, y0, x1, y1, clamp (default true)."""
    points = {k: dec(p[k]) for k in ("x0", "y0", "x1", "y1")}
    return per_rm(given, lambda v: scoring.linear(dec(v), **points, clamp=p.get("clamp", True)))


def bands(p: Params, given: Any) -> Results:
    """given: {RM: value}; params: bands [[bound, score], …], higher_is_better (default true)."""
    table = [(dec(b), dec(s)) for b, s in p["bands"]]
    return per_rm(given, lambda v: scoring.bands(dec(v), table, higher_is_better=p.get("higher_is_better", True)))


def rank_score(p: Params, given: Any) -> Results:
    """given: {RM: value or null}; params: weight, ties (min), higher_is_better (true)."""
    values = {str(rm): opt(v) for rm, v in given.items()}
    result = scoring.rank_scores(
        values, dec(p["weight"]), higher_is_better=p.get("higher_is_better", True), ties=p.get("ties", "min")
    )
    return ranked(result)


def composite_rank(p: Params, given: Any) -> Results:
    """given: {RM: {contribution, progress, plan}}; params: part_weights {part: a}, weight, ties."""
    weights = {part: dec(w) for part, w in p["part_weights"].items()}
    parts = {part: {str(rm): opt(v.get(part)) for rm, v in given.items()} for part in weights}
    return ranked(scoring.composite_rank(parts, weights, dec(p["weight"]), ties=p.get("ties", "min")))


def deduction(p: Params, given: Any) -> Results:
    """given: {RM: occurrences}; params: per, floor, full."""
    return per_rm(
        given, lambda n: scoring.deduction(dec(n), per=dec(p["per"]), floor=dec(p["floor"]), full=dec(p["full"]))
    )


def veto(p: Params, given: Any) -> Results:
    """given: {RM: {total, vetoed, reason}} → score (the total after the veto), vetoed, reason."""
    out: Results = {}
    for rm, v in given.items():
        verdict = scoring.veto(bool(v.get("vetoed", False)), v.get("reason"))
        after = scoring.apply_veto(dec(v["total"]), verdict)
        out[str(rm)] = scored(after) | {"vetoed": verdict.vetoed, "reason": verdict.reason}
    return out


def plus_minus(p: Params, given: Any) -> Results:
    """given: {RM: {item: points, …}} (empty mapping: no items); params: cap, floor."""
    return per_rm(
        given,
        lambda items: scoring.plus_minus(
            [(str(k), dec(v)) for k, v in (items or {}).items()], cap=opt(p.get("cap")), floor=opt(p.get("floor"))
        ),
    )


def experience_adjust(p: Params, given: Any) -> Results:
    """given: {RM: {score, coefficient}}."""
    return per_rm(given, lambda v: scoring.experience_adjust(dec(v["score"]), dec(v["coefficient"])))


def team_blend(p: Params, given: Any) -> Results:
    """given: {RM: {individual, team}}; params: team_share."""
    return per_rm(given, lambda v: scoring.team_blend(dec(v["individual"]), dec(v["team"]), dec(p["team_share"])))


def split(p: Params, given: Any) -> Results:
    """given: {RM: {qualitative, quantitative}}; params: qualitative_share."""
    return per_rm(
        given, lambda v: scoring.split(dec(v["qualitative"]), dec(v["quantitative"]), dec(p["qualitative_share"]))
    )


def weighted_sum(p: Params, given: Any) -> Results:
    """given: {RM: {part: score}}; params: weights {part: weight}."""
    return per_rm(given, lambda v: scoring.weighted_sum([(str(k), dec(v[k]), dec(w)) for k, w in p["weights"].items()]))


# --- qualitative ratings --------------------------------------------------------


def _criteria(p: Params) -> list[tuple[str, Decimal]]:
    return [(str(name), dec(weight)) for name, weight in p["criteria"]]


def _scale(p: Params) -> tuple[Decimal, Decimal]:
    low, high = p.get("scale", [1, 5])
    return dec(low), dec(high)


def rating_scale(p: Params, given: Any) -> Results:
    """given: {RM: {criterion: mark}}; params: criteria [[name, weight %], …], scale [1, 5]."""
    criteria, scale = _criteria(p), _scale(p)
    return per_rm(
        given, lambda marks: ratings.rating_scale(criteria, {str(k): dec(v) for k, v in marks.items()}, scale=scale)
    )


def to_hundred(p: Params, given: Any) -> Results:
    """given: {RM: rating}; params: top (5)."""
    return per_rm(given, lambda v: ratings.to_hundred(dec(v), top=dec(p.get("top", 5))))


def simple_ranking(p: Params, given: Any) -> Results:
    """given: the RMs best first (a list); params: full (100)."""
    return ranked(ratings.simple_ranking([str(x) for x in given], full=dec(p.get("full", 100))))


def paired_comparison(p: Params, given: Any) -> Results:
    """given: {row RM: "marks…"} with params.columns naming the columns; "+" = row better, "-" worse, "0" itself."""
    columns = [str(c) for c in p["columns"]]
    matrix: dict[tuple[str, str], int | str] = {}
    for row, marks in given.items():
        cells = str(marks).split()
        if len(cells) != len(columns):
            raise ValueError(f"row {row}: {len(cells)} marks for {len(columns)} columns")
        for column, mark in zip(columns, cells, strict=True):
            matrix[(str(row), column)] = 0 if mark == "0" else mark
    return ranked(ratings.paired_comparison(matrix))


def forced_distribution(p: Params, given: Any) -> Results:
    """given: {RM: grade}; params: shares, labels → per grade: count (primary), min, max."""
    kwargs: dict[str, Any] = {}
    if "shares" in p:
        kwargs["shares"] = tuple(dec(s) for s in p["shares"])
    if "labels" in p:
        kwargs["labels"] = tuple(str(label) for label in p["labels"])
    result = ratings.forced_distribution({str(rm): str(g) for rm, g in given.items()}, **kwargs)
    return {g: {"count": c, "min": result.allowed[g][0], "max": result.allowed[g][1]} for g, c in result.counts.items()}


def multi_rater(p: Params, given: Any) -> Results:
    """given: {RM: {role: score}}; params: weights {role: %}, missing (refuse | renormalise)."""
    weights = {str(r): dec(w) for r, w in p["weights"].items()}
    return per_rm(
        given,
        lambda scores: ratings.multi_rater(
            {str(r): dec(s) for r, s in scores.items()}, weights, missing=p.get("missing", "refuse")
        ),
    )


def ratings_rows(p: Params, given: Any) -> Results:
    """given: {columns: [...], rows: [[...], …]} as in the ratings table; params: criteria, role_weights, period, …"""
    columns = list(given["columns"])
    rows = [dict(zip(columns, row, strict=True)) for row in given["rows"]]
    result = ratings.from_rows(
        rows,
        criteria=_criteria(p),
        role_weights={str(r): dec(w) for r, w in p["role_weights"].items()},
        period=p.get("period"),
        scale=_scale(p),
        missing=p.get("missing", "refuse"),
    )
    return {rm: scored(s) for rm, s in result.items()}


#: method name → (runner, the field a bare expected number is compared with)
METHODS: dict[str, tuple[Callable[[Params, Any], Results], str]] = {
    "achievement": (achievement, "score"),
    "linear": (linear, "score"),
    "bands": (bands, "score"),
    "rank_score": (rank_score, "score"),
    "composite_rank": (composite_rank, "score"),
    "deduction": (deduction, "score"),
    "veto": (veto, "score"),
    "plus_minus": (plus_minus, "score"),
    "experience_adjust": (experience_adjust, "score"),
    "team_blend": (team_blend, "score"),
    "split": (split, "score"),
    "weighted_sum": (weighted_sum, "score"),
    "rating_scale": (rating_scale, "score"),
    "to_hundred": (to_hundred, "score"),
    "simple_ranking": (simple_ranking, "score"),
    "paired_comparison": (paired_comparison, "score"),
    "forced_distribution": (forced_distribution, "count"),
    "multi_rater": (multi_rater, "score"),
    "ratings_rows": (ratings_rows, "score"),
}


def _check(doc: dict[str, Any]) -> list[str]:
    method = doc.get("method")
    if method not in METHODS:
        return [f"method {method!r} is unknown; known methods: {', '.join(sorted(METHODS))}"]
    return [f"case {c['name']!r} has no given" for c in doc["cases"] if "given" not in c]


def _run(doc: dict[str, Any], case: dict[str, Any]) -> tuple[Results, str]:
    runner, primary = METHODS[doc["method"]]
    return runner(merged_params(doc, case), case["given"]), primary


def _describe(doc: dict[str, Any]) -> str:
    source = f" — {doc['source']}" if doc.get("source") else ""
    return f"method {doc['method']}: {doc.get('title', '')}{source}"


register_kind("method", Kind(check=_check, run=_run, describe=_describe))
