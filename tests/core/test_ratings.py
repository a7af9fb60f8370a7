"""Qualitative ratings (rmperf.core.ratings): 004's worked examples and the refusals, computed by hand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest

from rmperf.core.ratings import (
    Distribution,
    RatingError,
    allowed_counts,
    forced_distribution,
    from_rows,
    multi_rater,
    paired_comparison,
    rating_scale,
    simple_ranking,
    to_hundred,
)
from rmperf.core.scoring import ScoringError

D = Decimal


@contextmanager
def refused(code: str, details: int | None = None) -> Iterator[pytest.ExceptionInfo[ScoringError]]:
    """Expect a ScoringError with ``code`` (and ``details`` sub-problems) that renders in both languages."""
    with pytest.raises(ScoringError) as info:
        yield info
    assert info.value.code == code, info.value.code
    if details is not None:
        assert len(info.value.details) == details, [d.code for d in info.value.details]
    for lang in ("zh", "en"):
        assert "{" not in info.value.render(lang)


# --- 量表法 (rating scale) ------------------------------------------------------------

#: 004's form for 王双: weights 10/15/15/20/15/15/10
FORM_004 = [
    ("工作数量", D(10)),
    ("工作质量", D(15)),
    ("专业知识水平", D(15)),
    ("合作精神", D(20)),
    ("忠诚度", D(15)),
    ("创造性", D(15)),
    ("工作纪律", D(10)),
]
#: the marks that give 004's row of 得分 0.5, 0.6, 0.6, 1.0, 0.75, 0.75, 0.5
WANG_SHUANG = {
    "工作数量": D(5),
    "工作质量": D(4),
    "专业知识水平": D(4),
    "合作精神": D(5),
    "忠诚度": D(5),
    "创造性": D(5),
    "工作纪律": D(5),
}


def test_rating_scale_reproduces_004_form() -> None:
    # 0.10×5 + 0.15×4 + 0.15×4 + 0.20×5 + 0.15×5 + 0.15×5 + 0.10×5 = 0.5+0.6+0.6+1.0+0.75+0.75+0.5 = 4.7
    result = rating_scale(FORM_004, WANG_SHUANG)
    assert result.value == D("4.7")
    assert result.formula.startswith("10% × 5 (工作数量) + 15% × 4 (工作质量)")
    assert result.formula.endswith("= 4.7")
    assert to_hundred(result.value).value == D(94)  # 4.7 / 5 × 100


def test_rating_scale_on_another_scale() -> None:
    # 0–100 customer survey: 0.6 × 90 + 0.4 × 75 = 54 + 30 = 84
    result = rating_scale([("服务", D(60)), ("专业", D(40))], {"服务": D(90), "专业": D(75)}, scale=(D(0), D(100)))
    assert result.value == D(84)


def test_rating_scale_refusals() -> None:
    with refused("ratings.criteria_weights_sum"):
        rating_scale([("a", D(50)), ("b", D(40))], {"a": D(3), "b": D(3)})
    with refused("ratings.name_duplicate"):
        rating_scale([("a", D(50)), ("a", D(50))], {"a": D(3)})
    with refused("ratings.score_missing"):
        rating_scale(FORM_004, {k: v for k, v in WANG_SHUANG.items() if k != "忠诚度"})
    with refused("ratings.criterion_unknown"):
        rating_scale(FORM_004, WANG_SHUANG | {"颜值": D(5)})
    with refused("ratings.score_range"):
        rating_scale(FORM_004, WANG_SHUANG | {"创造性": D(6)})
    # several problems are reported at once
    with refused("ratings.form_invalid", details=3):
        rating_scale(FORM_004, {k: v for k, v in WANG_SHUANG.items() if k != "忠诚度"} | {"创造性": D(0), "x": D(1)})


# --- 简单排序法 (simple ranking) ---------------------------------------------------------


def test_simple_ranking_004() -> None:
    # 004: 王某 最好, 钱某 较好, 张某 一般, 赵某 较差, 李某 最差; 100 × (5 − r + 1)/5 = 100, 80, 60, 40, 20
    result = simple_ranking(["王某", "钱某", "张某", "赵某", "李某"])
    assert {k: (r.rank, r.score) for k, r in result.items()} == {
        "王某": (1, D(100)),
        "钱某": (2, D(80)),
        "张某": (3, D(60)),
        "赵某": (4, D(40)),
        "李某": (5, D(20)),
    }
    assert result["钱某"].formula == "100 × (5 − 2 + 1)/5 = 80"


def test_simple_ranking_full_marks_and_refusal() -> None:
    # 4 RMs, full 10: 10, 7.5, 5, 2.5
    result = simple_ranking(["a", "b", "c", "d"], full=D(10))
    assert [r.score for r in result.values()] == [D(10), D("7.5"), D(5), D("2.5")]
    assert simple_ranking([]) == {}
    with refused("ratings.name_duplicate"):
        simple_ranking(["a", "b", "a"])


# --- 一一比较法 (paired comparison) ------------------------------------------------------

NAMES = ["王", "钱", "张", "赵", "李"]
#: 004's table, row vs column ("+" = the row is better); the OCR lost the "−" cells,
#: which follow from each pair having exactly one "+" (see docs/decisions.md, D59).
TABLE_004 = {
    "王": ["0", "-", "-", "+", "+"],
    "钱": ["+", "0", "+", "+", "+"],
    "张": ["+", "-", "0", "-", "+"],
    "赵": ["-", "-", "+", "0", "-"],
    "李": ["-", "-", "-", "+", "0"],
}


def _matrix(table: dict[str, list[str]]) -> dict[tuple[str, str], int | str]:
    return {
        (row, col): (0 if mark == "0" else mark)
        for row, marks in table.items()
        for col, mark in zip(NAMES, marks, strict=True)
    }


def test_paired_comparison_reproduces_004_table() -> None:
    result = paired_comparison(_matrix(TABLE_004))
    # 得分 = number of "+" in the row: 王 2, 钱 4, 张 2, 赵 1, 李 1
    assert {k: r.score for k, r in result.items()} == {"钱": D(4), "王": D(2), "张": D(2), "赵": D(1), "李": D(1)}
    assert {k: r.rank for k, r in result.items()} == {"钱": 1, "王": 2, "张": 2, "赵": 4, "李": 4}
    assert result["王"].formula == "王 > 赵, 王 > 李 → 2"
    assert list(result) == ["钱", "张", "王", "李", "赵"]  # by rank, then name


def test_paired_comparison_upper_triangle_with_ones_and_zeros() -> None:
    # a beats b and c, b beats c: a 2, b 1, c 0
    result = paired_comparison({("a", "b"): 1, ("a", "c"): 1, ("b", "c"): 1})
    assert {k: r.score for k, r in result.items()} == {"a": D(2), "b": D(1), "c": D(0)}
    # b beats a, c beats a, c beats b: c 2, b 1, a 0
    result = paired_comparison({("a", "b"): 0, ("a", "c"): "-", ("c", "b"): "+"})
    assert {k: r.score for k, r in result.items()} == {"c": D(2), "b": D(1), "a": D(0)}


def test_paired_comparison_refusals() -> None:
    with refused("ratings.pair_missing"):
        paired_comparison({("a", "b"): "+", ("a", "c"): "+"})  # b vs c never compared
    with refused("ratings.pair_inconsistent"):
        paired_comparison({("a", "b"): "+", ("b", "a"): "+"})
    with refused("ratings.pair_value"):
        paired_comparison({("a", "b"): "?"})
    with refused("ratings.pair_diagonal"):
        paired_comparison({("a", "a"): "+", ("a", "b"): "+"})
    with refused("ratings.matrix_invalid", details=2):
        paired_comparison({("a", "b"): "x", ("a", "c"): "+"})  # a–b unreadable, b–c never compared


# --- 强制分配法 (forced distribution) -----------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (10, {"A": (1, 1), "B": (2, 2), "C": (4, 4), "D": (2, 2), "E": (1, 1)}),
        (20, {"A": (2, 2), "B": (4, 4), "C": (8, 8), "D": (4, 4), "E": (2, 2)}),
        # 7 × 10/20/40/20/10 % = 0.7, 1.4, 2.8, 1.4, 0.7 → rounded down or up
        (7, {"A": (0, 1), "B": (1, 2), "C": (2, 3), "D": (1, 2), "E": (0, 1)}),
        # 8 → 0.8, 1.6, 3.2, 1.6, 0.8
        (8, {"A": (0, 1), "B": (1, 2), "C": (3, 4), "D": (1, 2), "E": (0, 1)}),
        # 15 → 1.5, 3, 6, 3, 1.5
        (15, {"A": (1, 2), "B": (3, 3), "C": (6, 6), "D": (3, 3), "E": (1, 2)}),
        (0, {"A": (0, 0), "B": (0, 0), "C": (0, 0), "D": (0, 0), "E": (0, 0)}),
    ],
)
def test_allowed_counts_round_down_or_up(n: int, expected: dict[str, tuple[int, int]]) -> None:
    assert allowed_counts(n) == expected


def _grades(spec: str) -> dict[str, str]:
    """'AABCC' → {'RM01': 'A', 'RM02': 'A', …}"""
    return {f"RM{i:02d}": g for i, g in enumerate(spec, start=1)}


def test_forced_distribution_accepts_the_004_shares() -> None:
    result = forced_distribution(_grades("ABBCCCCDDE"))
    assert result == Distribution(
        10,
        {"A": 1, "B": 2, "C": 4, "D": 2, "E": 1},
        {"A": (1, 1), "B": (2, 2), "C": (4, 4), "D": (2, 2), "E": (1, 1)},
    )


@pytest.mark.parametrize("spec", ["ABCCCDE", "BBCCCDD", "ABBCCDE", "BCCCDDE"])
def test_forced_distribution_seven_rms_accepted(spec: str) -> None:
    assert forced_distribution(_grades(spec)).n == 7


def test_forced_distribution_refuses_and_says_how() -> None:
    # 10 RMs: two A (1 allowed) and one B (2 needed)
    with refused("ratings.distribution_broken", details=2) as info:
        forced_distribution(_grades("AABCCCCDDE"))
    assert info.value.render("zh") == (
        "等级分布不符合强制分配比例 10/20/40/20/10(共 10 人):"
        "等级 A 有 2 人,最多 1 人(多 1 人);等级 B 有 1 人,至少 2 人(少 1 人)"
    )
    assert info.value.render("en") == (
        "the grades break the forced distribution 10/20/40/20/10 (10 people): "
        "grade A has 2, at most 1 allowed (1 too many); grade B has 1, at least 2 needed (1 too few)"
    )
    assert [d.params for d in info.value.details] == [
        {"grade": "A", "count": 2, "max": 1, "excess": 1},
        {"grade": "B", "count": 1, "min": 2, "shortfall": 1},
    ]


def test_forced_distribution_seven_rms_refused() -> None:
    # 7 RMs: C may hold 2–3, here 5; B and D need at least 1, here 0 each
    with refused("ratings.distribution_broken", details=3) as info:
        forced_distribution(_grades("ACCCCCE"))
    assert [(d.code, d.params["grade"]) for d in info.value.details] == [
        ("ratings.grade_too_few", "B"),
        ("ratings.grade_too_many", "C"),
        ("ratings.grade_too_few", "D"),
    ]


def test_forced_distribution_with_004_labels_and_refusals() -> None:
    labels = ("最好", "较好", "一般", "较差", "最差")
    grades = dict(
        zip("abcdefghij", ["最好", "较好", "较好", "一般", "一般", "一般", "一般", "较差", "较差", "最差"], strict=True)
    )
    assert forced_distribution(grades, labels=labels).counts["一般"] == 4
    with refused("ratings.grade_unknown"):
        forced_distribution({"a": "优秀"}, labels=labels)
    with refused("ratings.shares_sum"):
        forced_distribution({}, shares=(10, 20, 40, 20, 20))
    with refused("ratings.shares_labels"):
        forced_distribution({}, shares=(50, 50))


# --- multi-rater ------------------------------------------------------------------------

WEIGHTS = {"self": D(10), "supervisor": D(40), "department": D(20), "customer": D(30)}


def test_multi_rater_blend() -> None:
    # 0.1×90 + 0.4×80 + 0.2×85 + 0.3×70 = 9 + 32 + 17 + 21 = 79
    scores = {"self": D(90), "supervisor": D(80), "department": D(85), "customer": D(70)}
    result = multi_rater(scores, WEIGHTS)
    assert result.value == D(79)
    assert (
        result.formula == "10% × 90 (self) + 40% × 80 (supervisor) + 20% × 85 (department) + 30% × 70 (customer) = 79"
    )


def test_multi_rater_missing_role_refused_or_renormalised() -> None:
    weights = {"self": D(10), "supervisor": D(40), "customer": D(50)}
    scores = {"self": D(90), "supervisor": D(80)}
    with refused("ratings.role_missing") as info:
        multi_rater(scores, weights)
    assert info.value.params == {"roles": "customer"}
    # (10×90 + 40×80)/(10 + 40) = 4100/50 = 82
    result = multi_rater(scores, weights, missing="renormalise")
    assert result.value == D(82)
    assert result.formula == "(10 × 90 (self) + 40 × 80 (supervisor))/(10 + 40) = 82"
    # a role weighted 0 may be absent without ado
    assert multi_rater({"self": D(60)}, {"self": D(100), "peer": D(0)}).value == D(60)


def test_multi_rater_refusals() -> None:
    with refused("ratings.role_unknown"):
        multi_rater({"boss": D(1)}, WEIGHTS)
    with refused("ratings.role_unknown"):
        multi_rater({}, {"boss": D(100)})
    with refused("ratings.role_unweighted"):
        multi_rater({"peer": D(80)}, WEIGHTS)
    with refused("ratings.role_weights_sum"):
        multi_rater({"self": D(80)}, {"self": D("0.3"), "supervisor": D("0.7")})  # fractions, not percentages
    with refused("value.enum"):
        multi_rater({"self": D(80)}, {"self": D(100)}, missing="ignore")
    with refused("ratings.no_roles_present"):
        multi_rater({}, WEIGHTS, missing="renormalise")


# --- rows of the ratings table ---------------------------------------------------------

CRITERIA = [("业绩", D(60)), ("态度", D(40))]
ROLE_WEIGHTS = {"self": D(20), "supervisor": D(50), "customer": D(30)}


def _rows(*specs: tuple[str, str, str, str, Any, Any]) -> list[dict[str, Any]]:
    rows = []
    for rm, rater, role, period, s1, s2 in specs:
        for criterion, score in (("业绩", s1), ("态度", s2)):
            if score is not None:
                rows.append(
                    {"period": period, "rm_id": rm, "rater_id": rater, "rater_role": role, "criterion": criterion}
                    | {"score": score}
                )
    return rows


ROWS = _rows(
    ("RM1", "RM1", "self", "2025-Q2", D(5), D(5)),  # 5
    ("RM1", "P1", "supervisor", "2025-Q2", D(4), D(3)),  # 2.4 + 1.2 = 3.6
    ("RM1", "C1", "customer", "2025-Q2", D(4), D(4)),  # 4
    ("RM1", "C2", "customer", "2025-Q2", "3", "5"),  # 1.8 + 2.0 = 3.8 (text from a CSV)
    ("RM2", "RM2", "self", "2025-Q2", 3, 3),  # 3
    ("RM2", "P1", "supervisor", "2025-Q2", 5, 5),  # 5
    ("RM2", "C3", "customer", "2025-Q2", 2, 2),  # 2
)


def test_from_rows_averages_raters_of_a_role_then_blends_roles() -> None:
    result = from_rows(ROWS, criteria=CRITERIA, role_weights=ROLE_WEIGHTS)
    # RM1: customers (4 + 3.8)/2 = 3.9; 0.2×5 + 0.5×3.6 + 0.3×3.9 = 1 + 1.8 + 1.17 = 3.97
    # RM2: 0.2×3 + 0.5×5 + 0.3×2 = 0.6 + 2.5 + 0.6 = 3.7
    assert {rm: s.value for rm, s in result.items()} == {"RM1": D("3.97"), "RM2": D("3.7")}
    assert "customer: (4 + 3.8)/2 = 3.9" in result["RM1"].formula


def test_from_rows_keeps_to_the_period() -> None:
    other = _rows(("RM1", "P1", "supervisor", "2025-Q1", 1, 1))
    with refused("ratings.rows_period_mixed"):
        from_rows(ROWS + other, criteria=CRITERIA, role_weights=ROLE_WEIGHTS)
    result = from_rows(ROWS + other, criteria=CRITERIA, role_weights=ROLE_WEIGHTS, period="2025-Q2")
    assert result["RM1"].value == D("3.97")


def test_from_rows_reports_every_problem_at_once() -> None:
    bad = _rows(
        ("RM1", "RM1", "self", "2025-Q2", 5, 5),
        ("RM1", "RM1", "self", "2025-Q2", 4, None),  # duplicate 业绩
        ("RM1", "P1", "supervisor", "2025-Q2", 4, None),  # incomplete form: 态度 missing
        ("RM2", "X", "boss", "2025-Q2", 4, 4),  # unknown role (two rows)
        ("RM3", "P1", "supervisor", "2025-Q2", 4, 4),  # no customer, no self → role missing
        ("RM4", "Z", "peer", "2025-Q2", 4, 4),
        ("RM4", "Z", "customer", "2025-Q2", 4, 4),  # one rater, two roles
    )
    with refused("ratings.rows_invalid") as info:
        from_rows(bad, criteria=CRITERIA, role_weights=ROLE_WEIGHTS)
    codes = [d.code for d in info.value.details]
    assert codes.count("ratings.role_unknown") == 2
    assert "ratings.row_duplicate" in codes
    assert "ratings.rater_problem" in codes
    assert "ratings.rm_problem" in codes
    assert "ratings.rater_roles" in codes
    assert info.value.params["count"] == len(codes)


def test_from_rows_refuses_float_scores() -> None:
    rows = _rows(("RM1", "RM1", "self", "2025-Q2", 4.5, 4))
    with refused("ratings.rows_invalid") as info:
        from_rows(rows, criteria=CRITERIA, role_weights={"self": D(100)})
    assert info.value.details[0].code == "scoring.not_decimal"


def test_rating_results_are_decimals() -> None:
    values: list[object] = [
        rating_scale(FORM_004, WANG_SHUANG).value,
        to_hundred(D("4.7")).value,
        *(r.score for r in simple_ranking(["a", "b", "c"]).values()),
        *(r.score for r in paired_comparison(_matrix(TABLE_004)).values()),
        multi_rater({"self": D(3)}, {"self": D(100)}).value,
        *(s.value for s in from_rows(ROWS, criteria=CRITERIA, role_weights=ROLE_WEIGHTS).values()),
    ]
    assert all(type(v) is Decimal for v in values)


def test_rating_error_is_a_scoring_error() -> None:
    assert issubclass(RatingError, ScoringError)
    assert issubclass(RatingError, ValueError)
