"""Scoring methods (rmperf.core.scoring): every expected value below is computed by hand in the comment beside it."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmperf.core import ratings, scoring
from rmperf.core.scoring import (
    NotDecimalError,
    Ranked,
    Scored,
    ScoringError,
    achievement,
    apply_veto,
    bands,
    composite_rank,
    deduction,
    experience_adjust,
    linear,
    plus_minus,
    rank_scores,
    split,
    team_blend,
    veto,
    weighted_sum,
)
from rmperf.i18n import MESSAGES

D = Decimal


@contextmanager
def refused(code: str) -> Iterator[None]:
    """Expect a ScoringError with ``code`` whose message renders in both languages."""
    with pytest.raises(ScoringError) as info:
        yield
    assert info.value.code == code, info.value.code
    assert info.value.render("zh")
    assert info.value.render("en")
    assert "{" not in info.value.render("zh")
    assert "{" not in info.value.render("en")


# --- achievement (计划完成率) ----------------------------------------------------


def test_achievement_matches_the_documented_formula() -> None:
    # 1250 / 1000 = 1.25, capped at 1.2; 1.2 × 20 = 24
    result = achievement(D(1250), D(1000), D(20), cap=D("1.2"))
    assert result == Scored(D(24), "min(max(1250/1000, 0), 1.2) × 20 = 24")


@pytest.mark.parametrize(
    ("actual", "target", "full", "floor", "cap", "expected"),
    [
        (D(800), D(1000), D(20), D(0), D("1.2"), D(16)),  # 0.8 × 20
        (D(1500), D(1000), D(20), D(0), None, D(30)),  # no cap: 1.5 × 20
        (D(2000), D(1000), D(20), D(0), D("1.2"), D(24)),  # cap hit: 1.2 × 20
        (D(-100), D(1000), D(20), D(0), D("1.2"), D(0)),  # floor hit: max(−0.1, 0) = 0
        (D(-100), D(1000), D(20), None, None, D(-2)),  # no floor: −0.1 × 20
        (D(300), D(1000), D(20), D("0.5"), D(1), D(10)),  # floor 0.5: 0.5 × 20
        (D(1), D(3), D(3), D(0), None, D(1)),  # 1/3 × 3 is exactly 1, not 0.999…
        (D(1000), D(1000), D(20), D(0), D(1), D(20)),  # exactly on the cap
    ],
)
def test_achievement_floor_and_cap(
    actual: Decimal, target: Decimal, full: Decimal, floor: Decimal | None, cap: Decimal | None, expected: Decimal
) -> None:
    assert achievement(actual, target, full, floor=floor, cap=cap).value == expected


@pytest.mark.parametrize("target", [D(0), D(-500)])
def test_achievement_refuses_a_target_that_is_not_positive(target: Decimal) -> None:
    with refused("scoring.target_not_positive"):
        achievement(D(100), target, D(20))


def test_achievement_refuses_a_floor_above_the_cap() -> None:
    with refused("scoring.floor_above_cap"):
        achievement(D(100), D(100), D(20), floor=D(2), cap=D(1))


# --- linear ---------------------------------------------------------------------


def test_linear_reads_the_line_between_two_points() -> None:
    # 60 + (0.85 − 0.6) × (100 − 60) / (1 − 0.6) = 60 + 0.25 × 100 = 85
    result = linear(D("0.85"), x0=D("0.6"), y0=D(60), x1=D(1), y1=D(100))
    assert result.value == D(85)
    assert result.formula == "60 + (min(max(0.85, 0.6), 1) − 0.6) × (100 − 60)/(1 − 0.6) = 85"


@pytest.mark.parametrize(
    ("value", "clamp", "expected"),
    [
        (D("0.5"), True, D(60)),  # below x0: held at 0.6 → 60
        (D("1.3"), True, D(100)),  # above x1: held at 1 → 100
        (D("1.3"), False, D(130)),  # 60 + 0.7 × 100
        (D("0.4"), False, D(40)),  # 60 − 0.2 × 100
    ],
)
def test_linear_clamps_to_the_two_points(value: Decimal, clamp: bool, expected: Decimal) -> None:
    assert linear(value, x0=D("0.6"), y0=D(60), x1=D(1), y1=D(100), clamp=clamp).value == expected


def test_linear_falling_line_for_a_ratio_where_lower_is_better() -> None:
    # NPL 1 % → 10 points, 3 % → 0: at 2 %, 10 + (0.02 − 0.01) × (0 − 10)/(0.03 − 0.01) = 5; at 4 %, held at 0
    assert linear(D("0.02"), x0=D("0.01"), y0=D(10), x1=D("0.03"), y1=D(0)).value == D(5)
    assert linear(D("0.04"), x0=D("0.01"), y0=D(10), x1=D("0.03"), y1=D(0)).value == D(0)
    assert linear(D("0.04"), x0=D("0.03"), y0=D(0), x1=D("0.01"), y1=D(10)).value == D(0)  # points in either order


def test_linear_refuses_two_points_on_one_vertical() -> None:
    with refused("scoring.linear_points"):
        linear(D(1), x0=D(1), y0=D(0), x1=D(1), y1=D(10))


# --- bands ----------------------------------------------------------------------

ACHIEVEMENT_BANDS = [(D("0.6"), D(60)), (D("0.8"), D(80)), (D(1), D(100))]
NPL_BANDS = [(D("0.01"), D(10)), (D("0.02"), D(6)), (D("0.03"), D(3))]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("0.8"), D(80)), (D("0.79"), D(60)), (D("0.6"), D(60)), (D("0.5"), D(0)), (D("1.5"), D(100))],
)
def test_bands_lower_bounds_are_inclusive(value: Decimal, expected: Decimal) -> None:
    assert bands(value, ACHIEVEMENT_BANDS).value == expected
    assert bands(value, list(reversed(ACHIEVEMENT_BANDS))).value == expected  # any order


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("0.005"), D(10)), (D("0.01"), D(10)), (D("0.025"), D(3)), (D("0.03"), D(3)), (D("0.04"), D(0))],
)
def test_bands_upper_bounds_when_lower_is_better(value: Decimal, expected: Decimal) -> None:
    assert bands(value, NPL_BANDS, higher_is_better=False).value == expected


def test_bands_formula_names_the_band() -> None:
    assert bands(D("0.92"), ACHIEVEMENT_BANDS).formula == "0.92 ≥ 0.8 → 80"
    assert bands(D("0.5"), ACHIEVEMENT_BANDS).formula == "0.5 < 0.6 → 0"
    assert bands(D("0.015"), NPL_BANDS, higher_is_better=False).formula == "0.015 ≤ 0.02 → 6"


def test_bands_refuse_empty_or_duplicate_bounds() -> None:
    with refused("scoring.bands_empty"):
        bands(D(1), [])
    with refused("scoring.bands_duplicate"):
        bands(D(1), [(D(1), D(10)), (D("1.0"), D(20))])


# --- rank score (001) -----------------------------------------------------------

DEPOSITS = {"RM01": D(500), "RM02": D(300), "RM03": D(300), "RM04": D(100), "RM05": None}


def _scores(result: dict[str, Ranked]) -> dict[str, tuple[int, Decimal]]:
    return {rm: (r.rank, r.score) for rm, r in result.items()}


def test_rank_score_min_ties_share_the_best_rank() -> None:
    # N = 5, weight 2: (5 − 1 + 1) × 2 = 10; tied RM02/RM03 rank 2 → 8; RM04 rank 4 → 4; no value rank 5 → 2
    result = rank_scores(DEPOSITS, D(2))
    assert _scores(result) == {
        "RM01": (1, D(10)),
        "RM02": (2, D(8)),
        "RM03": (2, D(8)),
        "RM04": (4, D(4)),
        "RM05": (5, D(2)),
    }
    assert result["RM02"].formula == "(5 − 2 + 1) × 2 = 8"
    assert result["RM05"].value is None
    assert result["RM01"].value == D(500)


def test_rank_score_average_ties() -> None:
    # RM02/RM03 occupy positions 2 and 3 → 2.5: (5 − 2.5 + 1) × 2 = 7
    result = rank_scores(DEPOSITS, D(2), ties="average")
    assert result["RM02"].score == result["RM03"].score == D(7)
    assert result["RM02"].effective_rank == D("2.5")
    assert result["RM02"].rank == 2
    assert result["RM04"].score == D(4)  # position 4: (5 − 4 + 1) × 2


def test_rank_score_dense_ties() -> None:
    # dense ranks 1, 2, 2, 3, 4: scores (5 − r + 1) × 2 = 10, 8, 8, 6, 4
    assert _scores(rank_scores(DEPOSITS, D(2), ties="dense")) == {
        "RM01": (1, D(10)),
        "RM02": (2, D(8)),
        "RM03": (2, D(8)),
        "RM04": (3, D(6)),
        "RM05": (4, D(4)),
    }


def test_rank_score_several_without_value_tie_last() -> None:
    # N = 4: A rank 1 → 4 × 1.5 = 6; B and C have no value: rank 2 under "min" → (4 − 2 + 1) × 1.5 = 4.5
    result = rank_scores({"A": D(1), "B": None, "C": None, "D": D(0)}, D("1.5"))
    assert _scores(result) == {"A": (1, D(6)), "D": (2, D("4.5")), "B": (3, D(3)), "C": (3, D(3))}


def test_rank_score_lower_is_better() -> None:
    # NPL ratios: the lowest ranks first
    result = rank_scores({"A": D("0.02"), "B": D("0.01"), "C": D("0.03")}, D(1), higher_is_better=False)
    assert _scores(result) == {"B": (1, D(3)), "A": (2, D(2)), "C": (3, D(1))}


def test_rank_score_does_not_depend_on_dict_order() -> None:
    values = {f"RM{i:02d}": D(i % 4) for i in range(12)} | {"RMX": None, "RMY": None}
    expected = rank_scores(values, D(3))
    items = list(values.items())
    rng = random.Random(7)
    for _ in range(5):
        rng.shuffle(items)
        shuffled = rank_scores(dict(items), D(3))
        assert shuffled == expected
        assert list(shuffled) == list(expected)  # the same order too


def test_rank_score_edge_groups() -> None:
    assert rank_scores({}, D(1)) == {}
    only = rank_scores({"A": None, "B": None}, D(1))
    assert _scores(only) == {"A": (1, D(2)), "B": (1, D(2))}  # all tied at rank 1 of 2
    with refused("value.enum"):
        rank_scores({"A": D(1)}, D(1), ties="olympic")


# --- composite rank (001 table 1-1) -------------------------------------------------


def test_composite_rank_combines_part_rank_scores_then_ranks_again() -> None:
    parts = {
        # part scores N − rank + 1 with N = 4
        "contribution": {"R1": D(100), "R2": D(80), "R3": D(60), "R4": D(40)},  # R1 4, R2 3, R3 2, R4 1
        "progress": {"R1": D("0.1"), "R2": D("0.3"), "R3": D("0.2"), "R4": D("0.05")},  # R2 4, R3 3, R1 2, R4 1
        "plan": {"R1": D("0.9"), "R2": D("1.1"), "R3": D("1.2"), "R4": None},  # R3 4, R2 3, R1 2, R4 1
    }
    weights = {"contribution": D("0.5"), "progress": D("0.3"), "plan": D("0.2")}
    result = composite_rank(parts, weights, D(2))
    # Σ R1 = 0.5×4 + 0.3×2 + 0.2×2 = 3.0; R2 = 1.5 + 1.2 + 0.6 = 3.3; R3 = 1.0 + 0.9 + 0.8 = 2.7; R4 = 1.0
    assert {rm: r.value for rm, r in result.items()} == {"R1": D(3), "R2": D("3.3"), "R3": D("2.7"), "R4": D(1)}
    # composite ranks R2 1, R1 2, R3 3, R4 4 → (4 − r + 1) × 2 = 8, 6, 4, 2
    assert _scores(result) == {"R2": (1, D(8)), "R1": (2, D(6)), "R3": (3, D(4)), "R4": (4, D(2))}
    assert result["R1"].formula == "Σ = 0.5 × 4 + 0.3 × 2 + 0.2 × 2 = 3; (4 − 2 + 1) × 2 = 6"
    assert dict(result["R1"].components)["progress"].rank == 3


def test_composite_rank_ties_and_missing_rms() -> None:
    # A first on contribution, second on progress; B the reverse; C last on both and absent from progress.
    parts = {
        "contribution": {"A": D(9), "B": D(5), "C": D(1)},  # A 3, B 2, C 1
        "progress": {"A": D(2), "B": D(7)},  # B 3, A 2, C (missing) 1
        "plan": {"A": D(1), "B": D(1), "C": D(1)},  # all tied at rank 1: 3 each, weighted 0
    }
    weights = {"contribution": D(1), "progress": D(1), "plan": D(0)}
    result = composite_rank(parts, weights, D(10))
    # Σ A = 3 + 2 = 5, B = 2 + 3 = 5, C = 1 + 1 = 2 → A and B tie at rank 1: (3 − 1 + 1) × 10 = 30; C: 10
    assert _scores(result) == {"A": (1, D(30)), "B": (1, D(30)), "C": (3, D(10))}


def test_composite_rank_refuses_bad_weights() -> None:
    parts: dict[str, dict[str, Decimal | None]] = {"contribution": {"A": D(1)}, "plan": {"A": D(1)}}
    with refused("scoring.part_weights_keys"):
        composite_rank(parts, {"contribution": D(1), "progress": D(1)}, D(1))
    with refused("scoring.weights_zero"):
        composite_rank(parts, {"contribution": D(0), "plan": D(0)}, D(1))
    with refused("scoring.negative"):
        composite_rank(parts, {"contribution": D(-1), "plan": D(2)}, D(1))


# --- deduction, veto, plus-and-minus ------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, D(10)), (3, D(4)), (5, D(0)), (9, D(0))],  # 10 − 2 × n, never below 0
)
def test_deduction_per_occurrence_with_floor(n: int, expected: Decimal) -> None:
    assert deduction(n, per=D(2), floor=D(0), full=D(10)).value == expected


def test_deduction_formula_and_refusals() -> None:
    assert deduction(3, per=D("1.5"), floor=D(2), full=D(10)).formula == "max(10 − 1.5 × 3, 2) = 5.5"
    with refused("scoring.negative"):
        deduction(-1, per=D(2), floor=D(0), full=D(10))
    with refused("scoring.floor_above_full"):
        deduction(1, per=D(2), floor=D(20), full=D(10))


def test_veto_zeroes_the_total_and_shows_the_reason() -> None:
    verdict = veto(True, " 违规发放贷款 ")
    assert verdict == scoring.Veto(True, "违规发放贷款")
    result = apply_veto(D("87.5"), verdict)
    assert result.value == D(0)
    assert "违规发放贷款" in result.formula
    assert apply_veto(D("87.5"), veto(False, "ignored")) == Scored(D("87.5"), "87.5")
    assert veto(False, "ignored").reason is None
    with refused("scoring.veto_reason"):
        veto(True, "  ")
    with refused("scoring.veto_reason"):
        veto(True, None)


def test_plus_minus_sums_signed_items_within_bounds() -> None:
    items = [("国际结算量", D(2)), ("贷后管理", D(-1)), ("不良贷款清收", D(3))]
    assert plus_minus(items).value == D(4)  # 2 − 1 + 3
    assert plus_minus(items, cap=D(3)).value == D(3)  # cap hit
    assert plus_minus([("案件防控", D(-5))], floor=D(-2)).value == D(-2)  # floor hit
    assert plus_minus([]).value == D(0)
    assert plus_minus(items[:2], cap=D(5), floor=D(-5)).formula == "min(max(+2 (国际结算量) −1 (贷后管理), -5), 5) = 1"
    with refused("scoring.floor_above_cap"):
        plus_minus(items, cap=D(-1), floor=D(1))


# --- adjustments and blends -----------------------------------------------------------


def test_experience_adjustment_scales_by_one_plus_the_coefficient() -> None:
    assert experience_adjust(D(85), D("0.1")) == Scored(D("93.5"), "85 × (1 + 0.1) = 93.5")
    assert experience_adjust(D(85), D("-0.2")).value == D(68)  # 85 × 0.8
    assert experience_adjust(D(85), D("0.2")).value == D(102)  # 85 × 1.2, the limit itself is allowed


@pytest.mark.parametrize("coefficient", [D("0.21"), D("-0.25"), D(1)])
def test_experience_adjustment_outside_the_band_is_a_value_error(coefficient: Decimal) -> None:
    with pytest.raises(ValueError, match=r"0\.2"):
        experience_adjust(D(85), coefficient)
    with refused("scoring.coefficient_range"):
        experience_adjust(D(85), coefficient)


def test_004_case_one_weighted_then_adjusted() -> None:
    # 004 case one: profit 0.4 / business 0.3 / management 0.3: 90×0.4 + 80×0.3 + 70×0.3 = 36 + 24 + 21 = 81
    total = weighted_sum([("利润指标", D(90), D("0.4")), ("业务指标", D(80), D("0.3")), ("管理指标", D(70), D("0.3"))])
    assert total.value == D(81)
    assert experience_adjust(total.value, D("0.1")).value == D("89.1")  # 81 × 1.1


def test_team_blend() -> None:
    assert team_blend(D(80), D(90), D("0.3")) == Scored(D(83), "80 × (1 − 0.3) + 90 × 0.3 = 83")
    assert team_blend(D(80), D(90), D(0)).value == D(80)
    with refused("scoring.share_range"):
        team_blend(D(80), D(90), D("1.5"))


def test_split_qualitative_30_quantitative_70() -> None:
    # 001: 80 × 0.3 + 90 × 0.7 = 24 + 63 = 87
    assert split(D(80), D(90), D("0.3")) == Scored(D(87), "80 × 0.3 + 90 × (1 − 0.3) = 87")
    with refused("scoring.share_range"):
        split(D(80), D(90), D("-0.1"))


# --- Decimal only -------------------------------------------------------------------


def test_floats_and_bools_are_refused() -> None:
    with pytest.raises(NotDecimalError):
        achievement(cast(Any, 1250.0), D(1000), D(20))
    with pytest.raises(TypeError):
        rank_scores(cast(Any, {"A": 0.5}), D(1))
    with pytest.raises(TypeError):
        experience_adjust(D(80), cast(Any, True))
    with refused("scoring.not_finite"):
        achievement(D("NaN"), D(1000), D(20))


def test_long_fractions_are_kept_exact_and_abbreviated_in_the_formula() -> None:
    result = achievement(D(1), D(3), D(1))
    assert result.value == D("0." + "3" * 50)  # 50 significant digits, nothing rounded to a few places
    assert result.formula == "max(1/3, 0) × 1 ≈ 0.3333333333"


decimals = st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, allow_infinity=False, places=4)
positive = st.decimals(min_value=D("0.0001"), max_value=10**6, allow_nan=False, allow_infinity=False, places=4)
coefficients = st.decimals(min_value=D("-0.2"), max_value=D("0.2"), places=3)
shares = st.decimals(min_value=0, max_value=1, places=3)


@settings(max_examples=60, deadline=None)
@given(a=decimals, b=positive, c=decimals, k=coefficients, s=shares, n=st.integers(0, 50))
def test_every_result_is_a_decimal(a: Decimal, b: Decimal, c: Decimal, k: Decimal, s: Decimal, n: int) -> None:
    results: list[Scored] = [
        achievement(a, b, c, cap=D("1.2")),
        linear(a, x0=D(0), y0=D(60), x1=b, y1=D(100)),
        bands(a, [(D(0), D(60)), (b, D(100))]),
        deduction(n, per=b, floor=D(0), full=b * 10),
        plus_minus([("x", a), ("y", c)], cap=D(10)),
        experience_adjust(a, k),
        team_blend(a, c, s),
        split(a, c, s),
        apply_veto(a, veto(n % 2 == 0, "违规")),
        weighted_sum([("x", a, s), ("y", c, 1 - s)]),
        ratings.to_hundred(a),
    ]
    for result in results:
        assert type(result.value) is Decimal
    ranked = rank_scores({"A": a, "B": c, "C": None, "D": b}, s, ties="average")
    composite = composite_rank({"p": {"A": a, "B": c}, "q": {"A": c, "B": b}}, {"p": s, "q": 1 - s + abs(k)}, b)
    for r in [*ranked.values(), *composite.values()]:
        assert type(r.score) is Decimal
    # team_blend stays between the two scores, split between its parts
    assert min(a, c) <= team_blend(a, c, s).value <= max(a, c)


# --- messages -------------------------------------------------------------------------

SOURCES = [Path(scoring.__file__), Path(ratings.__file__)]


def test_every_error_code_has_both_languages() -> None:
    codes = {
        code for path in SOURCES for code in re.findall(r'"((?:scoring|ratings|value)\.[a-z_]+)"', path.read_text())
    }
    assert "scoring.target_not_positive" in codes
    assert "ratings.distribution_broken" in codes
    missing = sorted(codes - set(MESSAGES))
    assert not missing, missing
    for code in codes:
        zh, en = MESSAGES[code]
        assert set(re.findall(r"\{(\w+)\}", zh)) == set(re.findall(r"\{(\w+)\}", en)), code


def test_error_renders_in_the_current_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from rmperf import i18n

    with pytest.raises(ScoringError) as info:
        achievement(D(5), D(0), D(20))
    monkeypatch.setattr(i18n, "_language", "en")
    assert str(info.value).startswith("target 0 is not above 0 (actual 5)")
    monkeypatch.setattr(i18n, "_language", "zh")
    assert str(info.value).startswith("目标值 0 不大于 0(实际值 5)")
