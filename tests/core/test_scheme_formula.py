"""Custom-indicator formulas: the allow-list at load time, exact evaluation, division by zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rmperf.core.scheme import SchemeError, load_scheme
from rmperf.core.scheme.errors import format_path
from rmperf.core.scheme.formula import Formula, compile_formula

D = Decimal
NAMES = {"a", "b", "c", "dep", "rate"}


def compiled(source: str) -> Formula:
    formula, issues = compile_formula(source, NAMES.__contains__)
    assert not issues, issues
    assert formula is not None
    return formula


def refused(source: str) -> list[str]:
    formula, issues = compile_formula(source, NAMES.__contains__)
    assert formula is None
    assert issues
    return [i.code for i in issues]


ENV = {"a": D("1250"), "b": D("1000"), "c": D("0"), "dep": D("0.1"), "rate": D("0.2")}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a + b", D("2250")),
        ("a - b * 2", D("-750")),
        ("(a - b) / b", D("0.25")),
        ("-a + 1", D("-1249")),
        ("dep + rate", D("0.3")),  # exact: 0.1 + 0.2 is 0.3, not 0.30000000000000004
        ("a ÷ b × 2 − 1", D("1.5")),  # the seeds' symbols are accepted
        ("min(a, b, 3)", D("3")),
        ("max(a, b)", D("1250")),
        ("abs(b - a)", D("250")),
        ("clip(a / b, 0, 1.2)", D("1.2")),
        ("clip(c - 5, 0, 1)", D("0")),
        ("where(a > b, 1, 0)", D("1")),
        ("where(a > b and c == 0, 10, 20)", D("10")),
        ("where(not a > b or c != 0, 10, 20)", D("20")),
        ("where(0.8 <= a / b <= 1.5, 1, 0)", D("1")),
        ("tiers(a, [[0, 0], [1000, 0.1], [2000, 0.2]])", D("0.1")),
        ("tiers(b, [[0, 0], [1000, 0.1], [2000, 0.2]])", D("0.1")),  # a bound is reached at its value
        ("tiers(c - 1, [[0, 5], [10, 6]])", D("0")),  # below the lowest bound
        ("tiers(a, [[-100, -1], [0, 0]])", D("0")),
        ("coalesce(a, 0) + 1", D("1251")),
        ("1_000 * 2", D("2000")),
    ],
)
def test_formulas_evaluate_exactly(source: str, expected: Decimal) -> None:
    outcome = compiled(source).evaluate(ENV)
    assert outcome.value == expected
    assert not outcome.division_by_zero


def test_division_by_zero_gives_no_value_and_says_so() -> None:
    outcome = compiled("a / c").evaluate(ENV)
    assert outcome.value is None
    assert outcome.division_by_zero
    # also inside a condition and through other functions
    assert compiled("where(a / c > 1, 1, 0)").evaluate(ENV).division_by_zero
    assert compiled("min(a, b / c)").evaluate(ENV).value is None


def test_a_missing_operand_makes_the_result_missing_except_where_asked() -> None:
    env = {**ENV, "b": None}
    assert compiled("a + b").evaluate(env).value is None
    assert compiled("max(a, b)").evaluate(env).value is None
    assert compiled("coalesce(b, 7)").evaluate(env).value == D("7")
    assert compiled("where(a > 0, a, b)").evaluate(env).value == D("1250")  # the branch not taken
    assert not compiled("a + b").evaluate(env).division_by_zero


def test_a_formula_renders_with_its_numbers() -> None:
    formula = compiled("a * (b - c) / 2 - (dep - rate)")
    assert formula.expression() == "a × (b − c) ÷ 2 − (dep − rate)"
    assert formula.render(ENV) == "1250 × (1000 − 0) ÷ 2 − (0.1 − 0.2)"
    assert formula.names == frozenset({"a", "b", "c", "dep", "rate"})


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("__import__('os').system('ls')", "scheme.formula_attribute"),
        ("__import__('os')", "scheme.formula_function"),
        ("open('/etc/passwd')", "scheme.formula_function"),
        ("eval('1')", "scheme.formula_function"),
        ("a.real", "scheme.formula_attribute"),
        ("a.__class__.__mro__", "scheme.formula_attribute"),
        ("(lambda: 1)()", "scheme.formula_call"),
        ("lambda: 1", "scheme.formula_lambda"),
        ("a[0]", "scheme.formula_subscript"),
        ("x + 1", "scheme.formula_unknown_name"),
        ("a ** 2", "scheme.formula_operator"),
        ("a % 2", "scheme.formula_operator"),
        ("a // 2", "scheme.formula_operator"),
        ("'text'", "scheme.formula_constant"),
        ("True + a", "scheme.formula_constant"),
        ("[x for x in a]", "scheme.formula_forbidden"),
        ("[a, b]", "scheme.formula_list"),
        ("{'a': 1}", "scheme.formula_forbidden"),
        ("a if b else c", "scheme.formula_forbidden"),
        ("(a := 1)", "scheme.formula_forbidden"),
        ("f'{a}'", "scheme.formula_forbidden"),
        ("min(a)", "scheme.formula_arity"),
        ("clip(a, 0)", "scheme.formula_arity"),
        ("max(a, b, key=c)", "scheme.formula_call_keywords"),
        ("min(*a)", "scheme.formula_call_keywords"),
        ("where(a, 1, 0)", "scheme.formula_condition"),
        ("(a > b) + 1", "scheme.formula_condition_as_number"),
        ("tiers(a, [[10, 1], [5, 2]])", "scheme.formula_tiers"),
        ("tiers(a, [[0, b]])", "scheme.formula_tiers"),
        ("tiers(a, 5)", "scheme.formula_tiers"),
        ("min + 1", "scheme.formula_function_as_name"),
        ("a +", "scheme.formula_syntax"),
        ("", "scheme.formula_empty"),
    ],
)
def test_anything_outside_the_vocabulary_is_refused(source: str, code: str) -> None:
    assert code in refused(source)


def test_several_problems_in_one_formula_are_all_reported() -> None:
    codes = refused("x + a.b + y ** 2")
    assert codes.count("scheme.formula_unknown_name") == 2
    assert "scheme.formula_attribute" in codes
    assert "scheme.formula_operator" in codes


SCHEME = """
id: f
version: 1
name: 公式
periods: [year]
inputs:
  dep: daily_average:deposit
custom:
{custom}
dimensions:
  - key: d
    name: 维度
    weight: 100
    items:
      - {{key: x, name: x, input: dep, weight: 100, target: 1, method: achievement}}
"""


def test_formula_problems_are_load_errors_with_their_key_path() -> None:
    custom = """  ok: dep * 2
  sneaky: "__import__('os').system('rm -rf /')"
  attr:
    formula: dep.real
  lam:
    formula: "(lambda: dep)()"
  unknown: deposit_typo + 1
"""
    with pytest.raises(SchemeError) as caught:
        load_scheme(SCHEME.format(custom=custom))
    found = {(p.code, format_path(p.path)) for p in caught.value.problems}
    assert found == {
        ("scheme.formula_attribute", "custom.sneaky.formula"),
        ("scheme.formula_attribute", "custom.attr.formula"),
        ("scheme.formula_call", "custom.lam.formula"),
        ("scheme.formula_unknown_name", "custom.unknown.formula"),
    }
    lines = {format_path(p.path): p.line for p in caught.value.problems}
    assert lines["custom.sneaky.formula"] == 10
    assert lines["custom.unknown.formula"] == 15


def test_cycles_between_custom_indicators_are_refused() -> None:
    custom = """  a: b + 1
  b: c * 2
  c: a - dep
  d: d + 1
  e: a + dep
"""
    with pytest.raises(SchemeError) as caught:
        load_scheme(SCHEME.format(custom=custom))
    cycles = [p for p in caught.value.problems if p.code == "scheme.formula_cycle"]
    assert len(cycles) == 2
    texts = sorted(p.render("en") for p in cycles)
    assert any("a → b → c → a" in text for text in texts)
    assert any("d → d" in text for text in texts)


def test_custom_indicators_are_ordered_after_what_they_use() -> None:
    custom = """  total: part_a + part_b
  part_a: dep * 0.5
  part_b: part_a + constant_one
"""
    text = SCHEME.format(custom=custom).replace("custom:", "constants:\n  constant_one: 1\ncustom:")
    scheme = load_scheme(text)
    order = scheme.custom_order
    assert order.index("part_a") < order.index("part_b") < order.index("total")


def test_engine_codes_may_be_used_directly_in_formulas() -> None:
    custom = "  spread: ftp_profit - expenses\n"
    scheme = load_scheme(SCHEME.format(custom=custom))
    assert scheme.inputs["ftp_profit"].indicator == "ftp_profit"
    assert scheme.inputs["ftp_profit"].category == "all"
    assert scheme.inputs["expenses"].indicator == "expenses"
