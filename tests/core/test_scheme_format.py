"""The scheme file format: loading, every error at once with key paths and lines, dated values, variants."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from rmperf import i18n
from rmperf.core.indicators import SCHEME_CODES
from rmperf.core.scheme import SchemeError, build_plan, load_file, load_scheme, resolve
from rmperf.core.scheme.errors import format_path

HERE = Path(__file__).parents[1]
SCHEMES = HERE / "schemes"
DOCS = HERE.parent / "docs" / "scheme-format.md"

MINIMAL = """
id: tiny
version: 1
name: 小方案
periods: [quarter]
dimensions:
  - key: business
    name: 业务
    weight: 100
    items:
      - key: deposit
        name: 存款
        input: daily_average:deposit
        weight: 100
        target: 1000
        method: achievement
"""


def problems_of(text: str) -> list[tuple[str, str]]:
    """(code, key path) of every problem of ``text``."""
    with pytest.raises(SchemeError) as caught:
        load_scheme(text, source="test.yaml")
    return [(p.code, format_path(p.path)) for p in caught.value.problems]


def with_items(items: str, *, header: str = "") -> str:
    """A one-dimension scheme around ``items`` (YAML lines indented for the items list)."""
    return f"""
id: t
version: 1
name: 测试
periods: [quarter, year]
{header}
dimensions:
  - key: d
    name: 维度
    weight: 100
    items:
{items}
"""


def test_the_minimal_scheme_loads() -> None:
    scheme = load_scheme(MINIMAL)
    assert scheme.id == "tiny"
    assert scheme.inputs["daily_average:deposit"].indicator == "daily_average"
    assert scheme.inputs["daily_average:deposit"].category == "deposit"


def test_the_example_in_the_format_reference_loads() -> None:
    """docs/scheme-format.md's complete example must stay a valid scheme."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"## A small complete file\n\n```yaml\n(.*?)```", text, re.S)
    assert match is not None
    scheme = load_scheme(match.group(1), source="docs/scheme-format.md")
    assert [d.key for d in scheme.dimensions] == ["business", "risk"]


def test_the_test_fixture_loads_with_a_variant() -> None:
    scheme = load_file(SCHEMES / "mini-rural.yaml")
    assert [v.key for v in scheme.variants] == ["agri_county"]
    assert scheme.custom_order == ("dep_wan", "base_wan", "fee_ratio")


def test_numbers_are_exact_decimals_never_floats() -> None:
    scheme = load_file(SCHEMES / "mini-rural.yaml")
    resolved = resolve(scheme, date(2024, 1, 1), date(2024, 3, 31), "quarter")
    rate = resolved.parameters["hurdle_rate"]
    assert isinstance(rate, Decimal)
    assert rate == Decimal("0.10")
    assert resolved.parameters["provision_rates"]["special_mention"] == Decimal("0.02")


def test_a_broken_file_reports_every_problem_with_its_key_path_and_line() -> None:
    with pytest.raises(SchemeError) as caught:
        load_file(SCHEMES / "broken.yaml")
    problems = caught.value.problems
    found = {(p.code, format_path(p.path)) for p in problems}
    expected = {
        ("scheme.bad_id", "id"),
        ("scheme.not_allowed", "periods[1]"),
        ("scheme.unknown_indicator", "inputs.dep"),
        ("scheme.unknown_key", "inputs.loans.colour"),
        ("scheme.formula_cycle", "custom.a.formula"),
        ("scheme.formula_attribute", "custom.c.formula"),
        ("scheme.formula_unknown_name", "custom.d.formula"),
        ("scheme.not_number", "dimensions[0].items[0].weight[1].value"),
        ("scheme.unknown_method", "dimensions[0].items[0].method"),
        ("scheme.needs_target", "dimensions[0].items[1].target"),
        ("scheme.floor_cap", "dimensions[0].items[1].floor"),
        ("scheme.item_weights_sum", "dimensions[1].weight"),
        ("scheme.duplicate_id", "dimensions[1].items[0].key"),
        ("scheme.missing", "dimensions[1].items[0].y1"),
        ("scheme.unknown_input", "dimensions[1].items[1].input"),
        ("scheme.duplicate_key", "dimensions[1].items[1]"),
        ("scheme.bands_order", "dimensions[1].items[1].bands"),
        ("scheme.variant_path", 'variants[0].set["business.nope.weight"]'),
    }
    assert expected <= found, expected - found
    assert all(p.source.endswith("broken.yaml") for p in problems)
    by_path = {format_path(p.path): p for p in problems}
    assert by_path["dimensions[0].items[0].weight[1].value"].line == 30
    assert by_path["inputs.dep"].line == 8
    # listed in file order
    lines = [p.line for p in problems if p.line is not None]
    assert lines == sorted(lines)


def test_problems_render_in_chinese_by_default_and_in_english() -> None:
    with pytest.raises(SchemeError) as caught:
        load_file(SCHEMES / "broken.yaml")
    error = caught.value
    assert i18n.get_language() == "zh"
    chinese = error.render()
    assert "处错误" in chinese
    assert "第 8 行" in chinese
    assert "未知的引擎指标代码 “daily_average_incremnt”" in chinese
    english = error.render("en")
    assert "problem(s) in the scheme" in english
    assert "line 8, inputs.dep: unknown engine indicator code “daily_average_incremnt”" in english
    assert "item “loans” is defined twice" in english  # words inside messages follow the language too


def test_a_yaml_syntax_error_names_its_line() -> None:
    text = "id: t\nversion: 1\nname: [unclosed\nperiods: [year]\n"
    with pytest.raises(SchemeError) as caught:
        load_scheme(text, source="bad.yaml")
    (problem,) = caught.value.problems
    assert problem.code == "scheme.yaml_syntax"
    assert problem.line is not None
    assert problem.line >= 3


def test_a_comma_inside_a_flow_mapping_gets_a_hint() -> None:
    text = MINIMAL + "custom:\n  low: {formula: min(daily_average, 0)}\n"
    with pytest.raises(SchemeError) as caught:
        load_scheme(text)
    (problem,) = caught.value.problems
    assert problem.code == "scheme.flow_comma"
    assert "quote" in problem.render("en")


def test_unknown_keys_missing_keys_and_wrong_types() -> None:
    text = with_items(
        """      - key: a
        name: 甲
        input: daily_average
        weigth: 100
        target: 1000
        method: achievement
        cap: lots
""",
        header="total: weighted\nrounding: {places: two}",
    )
    found = problems_of(text)
    assert ("scheme.unknown_key", "dimensions[0].items[0].weigth") in found
    assert ("scheme.weight_required", "dimensions[0].items[0].weight") in found
    assert ("scheme.not_number", "dimensions[0].items[0].cap") in found
    assert ("scheme.not_int", "rounding.places") in found


def test_weights_must_sum_to_100_and_items_to_their_dimension() -> None:
    text = """
id: t
version: 1
name: 测试
periods: [year]
dimensions:
  - key: a
    name: 甲
    weight: 50
    items:
      - {key: x, name: x, input: daily_average, weight: 30, target: 1, method: achievement}
  - key: b
    name: 乙
    weight: 40
    items:
      - {key: y, name: y, input: daily_average, weight: 40, target: 1, method: achievement}
"""
    found = problems_of(text)
    assert ("scheme.item_weights_sum", "dimensions[0].weight") in found
    assert ("scheme.weights_sum", "dimensions") in found


def test_a_weight_change_that_breaks_the_sum_is_reported_with_its_date() -> None:
    text = with_items("""      - key: x
        name: x
        input: daily_average
        target: 1
        method: achievement
        weight:
          - {value: 60, from: 2024-01-01}
          - {value: 70, from: 2025-01-01, ref: 某银发〔2025〕1号}
      - {key: y, name: y, input: point_balance, weight: 40, target: 1, method: achievement}
""")
    with pytest.raises(SchemeError) as caught:
        load_scheme(text)
    (problem,) = [p for p in caught.value.problems if p.code == "scheme.item_weights_sum"]
    assert "2025-01-01" in problem.render("en")
    assert "110" in problem.render("en")


def test_in_total_sum_schemes_weights_are_not_summed() -> None:
    text = """
id: t
version: 1
name: 测试
total: sum
periods: [year]
dimensions:
  - key: a
    name: 甲
    items:
      - {key: x, name: x, input: ftp_profit, method: value, factor: 0.5}
      - {key: y, name: y, input: daily_average, weight: 3, method: rank}
"""
    scheme = load_scheme(text)
    assert scheme.header.total == "sum"


def test_dated_entries_must_be_in_order_without_overlap() -> None:
    text = with_items("""      - key: x
        name: x
        input: daily_average
        target: 1
        method: achievement
        weight:
          - {value: 100, from: 2024-01-01, to: 2024-12-31}
          - {value: 100, from: 2024-06-01}
          - {value: 100, from: 2023-01-01}
          - {value: 100}
          - {value: 100, from: 2026-05-01, to: 2026-01-01}
""")
    found = problems_of(text)
    assert ("scheme.dated_overlap", "dimensions[0].items[0].weight[1].from") in found
    assert ("scheme.dated_order", "dimensions[0].items[0].weight[2].from") in found
    assert ("scheme.dated_need_from", "dimensions[0].items[0].weight[3]") in found
    assert ("scheme.dated_to_before_from", "dimensions[0].items[0].weight[4].to") in found


def test_method_parameters_are_checked() -> None:
    text = with_items("""      - {key: a, name: a, input: daily_average, weight: 20, method: linear,
         x0: 1, y0: 0, x1: 1, y1: 1}
      - {key: b, name: b, input: daily_average, weight: 20, method: bands}
      - {key: c, name: c, input: daily_average, weight: 20, method: rank, ties: random}
      - {key: d, name: d, input: daily_average, weight: 20, method: veto}
      - {key: e, name: e, weight: 20, method: rating, criteria: {work: 60, team: 30}}
      - {key: f, name: f, input: daily_average, method: deduction, per: -1}
      - {key: g, name: g, input: daily_average, weight: 0, method: composite_rank,
         contribution: 0, progress: 0, plan: 0, target: 5}
""")
    found = problems_of(text)
    assert ("scheme.linear_points", "dimensions[0].items[0].x1") in found
    assert ("scheme.missing", "dimensions[0].items[1].bands") in found
    assert ("scheme.not_allowed", "dimensions[0].items[2].ties") in found
    assert ("scheme.weight_not_zero", "dimensions[0].items[3].weight") in found
    assert ("scheme.percent_sum", "dimensions[0].items[4].criteria") in found
    assert ("scheme.missing", "dimensions[0].items[4].raters") in found
    assert ("scheme.weight_required", "dimensions[0].items[5].weight") in found
    assert ("scheme.negative", "dimensions[0].items[5].per") in found
    assert ("scheme.weights_zero", "dimensions[0].items[6].contribution") in found


def test_a_missing_method_lists_the_methods() -> None:
    with pytest.raises(SchemeError) as caught:
        load_scheme(with_items("      - {key: a, name: a, input: daily_average, weight: 100}\n"))
    (problem,) = caught.value.problems
    assert problem.code == "scheme.method_missing"
    assert "composite_rank" in problem.render("en")
    assert format_path(problem.path) == "dimensions[0].items[0].method"


def test_engine_parameters_are_checked() -> None:
    text = (
        MINIMAL
        + """
parameters:
  basis: 364
  provision_rates: {normal: 0.01, loss: 1}
  vip_floors: [100000, 500000]
"""
    )
    found = problems_of(text)
    assert ("scheme.basis_value", "parameters.basis") in found
    assert ("scheme.provision_grades", "parameters.provision_rates") in found
    assert ("scheme.vip_floors", "parameters.vip_floors") in found


def test_names_must_not_clash_or_shadow_functions() -> None:
    text = (
        MINIMAL
        + """
constants:
  rate: 0.1
inputs:
  rate: daily_average
  min: point_balance
custom:
  Bad-Name: rate * 2
"""
    )
    found = problems_of(text)
    assert ("scheme.name_clash", "inputs.rate") in found
    assert ("scheme.name_reserved", "inputs.min") in found
    assert ("scheme.bad_key", 'custom["Bad-Name"]') in found


def test_variant_weights_are_checked_like_the_scheme() -> None:
    text = (SCHEMES / "mini-rural.yaml").read_text(encoding="utf-8")
    broken = text.replace("        - {value: 40, from: 2024-07-01}", "        - {value: 45, from: 2024-07-01}")
    assert broken != text
    with pytest.raises(SchemeError) as caught:
        load_scheme(broken)
    (problem,) = caught.value.problems
    assert problem.code == "scheme.item_weights_sum"
    assert format_path(problem.path) == "variants[0]"
    assert "2024-07-01" in problem.render("en")


def test_variant_problems_are_reported_where_the_variant_says_them() -> None:
    text = (
        (SCHEMES / "mini-rural.yaml").read_text(encoding="utf-8")
        + """
  - key: urban
    when: {region_types: [urban], posts: [teller]}
    set:
      business.fees.x1: abc
      business.fees.key: other
    remove: [business.nothing]
    add:
      risk:
        - {key: checks, name: 重复, input: checks, weight: 0, method: rank}
"""
    )
    found = problems_of(text)
    assert ("scheme.not_allowed", "variants[1].when.posts[0]") in found
    assert ("scheme.not_number", 'variants[1].set["business.fees.x1"]') in found
    assert ("scheme.variant_field", 'variants[1].set["business.fees.key"]') in found
    assert ("scheme.variant_path", "variants[1].remove[0]") in found
    assert ("scheme.duplicate_id", "variants[1].add.risk[0].key") in found
    # the base scheme's own items are not reported again for the variant
    assert not [p for p in found if p[1].startswith("dimensions")]


def test_the_engine_computes_every_indicator_of_the_catalogue_and_no_other() -> None:
    """One catalogue (rmperf.core.indicators): each engine group takes its own part of it, the groups do not
    overlap and together are every code a scheme may name."""
    from rmperf.engine.flows import FLOW_INDICATORS
    from rmperf.engine.indicators import INDICATORS
    from rmperf.engine.quality import INDICATORS as QUALITY

    assert set(INDICATORS) | set(FLOW_INDICATORS) | set(QUALITY) == SCHEME_CODES
    assert len(INDICATORS) + len(FLOW_INDICATORS) + len(QUALITY) == len(SCHEME_CODES)
    assert {"daily_average", "fee_income", "npl_balance"} <= SCHEME_CODES
    assert "spike_reversal" not in SCHEME_CODES


def test_a_caller_may_pass_its_own_indicator_codes() -> None:
    with pytest.raises(SchemeError) as caught:
        load_scheme(MINIMAL, indicators={"point_balance"})
    assert [p.code for p in caught.value.problems] == ["scheme.unknown_input"]


# --- resolving for a period ------------------------------------------------------------------


def test_dated_values_switch_at_the_boundary_by_the_periods_last_day() -> None:
    scheme = load_file(SCHEMES / "mini-rural.yaml")
    q2 = resolve(scheme, date(2024, 4, 1), date(2024, 6, 30), "quarter")
    q3 = resolve(scheme, date(2024, 7, 1), date(2024, 9, 30), "quarter")
    year = resolve(scheme, date(2024, 1, 1), date(2024, 12, 31), "year")

    def weights(r: object) -> dict[str, Decimal]:
        return {i.key: i.weight for d in r.dimensions for i in d.items}  # type: ignore[attr-defined]

    assert weights(q2)["deposit"] == 40
    assert weights(q3)["deposit"] == 30
    assert weights(year)["deposit"] == 30  # the annual appraisal uses what is in force on 31 December
    deposit_q3 = next(i for d in q3.dimensions for i in d.items if i.key == "deposit")
    assert deposit_q3.weight_from == date(2024, 7, 1)
    assert deposit_q3.weight_ref == "测试银发〔2024〕7号"
    fees_q3 = next(i for d in q3.dimensions for i in d.items if i.key == "fees")
    assert fees_q3.weight_ref == "测试银发〔2024〕1号"  # a plain value carries the scheme's memo
    assert q2.parameters["hurdle_rate"] == Decimal("0.10")
    assert q3.parameters["hurdle_rate"] == Decimal("0.12")
    # the variant's dated weights switch too
    agri_q3 = {i.key: i.weight for d in q3.variants[0].dimensions for i in d.items}
    assert agri_q3["agri"] == 40


def test_a_period_kind_the_scheme_does_not_run_for_is_refused() -> None:
    scheme = load_file(SCHEMES / "mini-rural.yaml")
    with pytest.raises(SchemeError) as caught:
        resolve(scheme, date(2024, 1, 1), date(2024, 1, 31), "month")
    (problem,) = caught.value.problems
    assert problem.code == "scheme.period_kind"
    assert "monthly" in problem.render("en")
    assert "月度" in problem.render("zh")


def test_a_period_in_a_gap_of_dated_values_is_refused() -> None:
    text = MINIMAL.replace(
        "        target: 1000\n",
        "        target:\n          - {value: 1000, from: 2024-01-01, to: 2024-06-30}\n"
        "          - {value: 2000, from: 2025-01-01}\n",
    )
    scheme = load_scheme(text)
    assert resolve(scheme, date(2024, 4, 1), date(2024, 6, 30), "quarter").dimensions[0].items[0].target is not None
    with pytest.raises(SchemeError) as caught:
        resolve(scheme, date(2024, 7, 1), date(2024, 9, 30), "quarter")
    (problem,) = caught.value.problems
    assert problem.code == "scheme.no_value_in_force"
    assert format_path(problem.path) == "dimensions[0].items[0].target.value"


def test_the_plan_lists_what_the_run_must_compute() -> None:
    scheme = load_file(SCHEMES / "mini-rural.yaml")
    plan = build_plan(resolve(scheme, date(2024, 7, 1), date(2024, 9, 30), "quarter"))
    assert ("daily_average", "deposit") in plan.engine_inputs
    assert ("baseline_daily_average", "deposit") in plan.engine_inputs
    assert ("veto", "all") in plan.engine_inputs
    assert plan.parameters["basis"] == 360
    assert plan.parameters["rounding"] == "half_up"
    assert plan.table_targets == ("agri",)
    assert plan.needs_previous  # the growth target of fees
    assert not plan.needs_ratings
    assert plan.period_label == "2024-Q3"


#: the header of the small inline schemes below, up to their dimensions
SMALL_HEAD = """
id: t
version: 1
name: 测试
periods: [quarter]
dimensions:"""


def test_a_variant_that_empties_a_dimension_says_so() -> None:
    """A variant cannot drop a dimension; removing all its items is reported, naming both."""
    text = (
        SMALL_HEAD
        + """
  - key: a
    name: A
    weight: 60
    items: [{key: x, name: X, input: daily_average, weight: 60, method: achievement, target: 1}]
  - key: b
    name: B
    weight: 40
    items: [{key: y, name: Y, input: daily_average, weight: 40, method: achievement, target: 1}]
variants:
  - key: v
    name: V
    when: {posts: [retail]}
    remove: [b.y]
    set: {b.weight: 0, a.weight: 100, a.x.weight: 100}
"""
    )
    with pytest.raises(SchemeError) as caught:
        load_scheme(text)
    assert [p.code for p in caught.value.problems] == ["scheme.variant_empty_dimension"]
    assert "维度 b 没有任何指标" in caught.value.render("zh")


def test_an_error_under_a_method_named_like_a_field_points_at_the_field() -> None:
    """``method: bands`` has a ``bands`` key too: an error in ``weight`` is reported at ``weight``, not ``bands``."""
    text = (
        SMALL_HEAD
        + """
  - key: a
    name: A
    weight: 100
    items:
      - key: x
        name: X
        input: daily_average
        weight: [{value: abc, from: 2024-01-01}]
        method: bands
        bands: [[0, 0.5], [1, 1]]
"""
    )
    with pytest.raises(SchemeError) as caught:
        load_scheme(text)
    assert [format_path(p.path) for p in caught.value.problems] == ["dimensions[0].items[0].weight[0].value"]
