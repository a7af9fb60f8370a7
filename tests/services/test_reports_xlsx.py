"""The XLSX workbook of a run: merged headers, number formats, ranks, summary, forms, formula injection."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from rmperf.core.scheme import RmContext, build_plan, evaluate, load_scheme, resolve
from rmperf.reports import xlsx
from rmperf.reports.xlsx import escape_text, sheet_title, units_of_scheme, write_results

# 003 附件5 in miniature: a development (发展) and a maintenance (维护) dimension, a variant that adds
# an item (agricultural counties), a veto, and the experience adjustment (004) from a manual input.
SCHEME = """
id: xlsx-test
version: 2
name: {zh: 报表测试方案, en: Report test scheme}
memo: 测试银发〔2025〕1号
periods: [quarter]
rank_group: [post, branch]
rounding: {places: 2, mode: half_up}
inputs:
  dep: daily_average_increment:deposit
  vip: new_vip_customers
  checks: post_loan_check_rate
  violations: violations
  veto_count: veto
  exp_k: {manual: true, name: {zh: 经验调整系数}}
dimensions:
  - key: development
    name: {zh: 发展, en: Development}
    weight: 60
    items:
      - key: deposit
        name: {zh: 日均存款增量, en: Deposit increment}
        input: dep
        weight: 40
        target: 1000000
        method: achievement
        cap: 1
      - key: vip
        name: {zh: 新增贵宾户, en: New VIP customers}
        input: vip
        weight: 20
        target: 10
        method: achievement
        cap: 1
  - key: maintenance
    name: {zh: 维护, en: Maintenance}
    weight: 40
    items:
      - key: checks
        name: {zh: 贷后检查完成率, en: Post-loan check rate}
        input: checks
        weight: 30
        method: linear
        x0: 0.8
        y0: 0
        x1: 1
        y1: 1
      - key: violations
        name: {zh: 违规扣分, en: Violations}
        input: violations
        weight: 10
        method: deduction
        per: 5
      - key: veto
        name: {zh: 一票否决, en: Veto}
        input: veto_count
        method: veto
adjustments:
  experience: {input: exp_k, limit: 0.2}
variants:
  - key: agri
    name: {zh: 农业县}
    when: {region_types: [agri_county]}
    set:
      development.deposit.weight: 20
    add:
      development:
        - key: agri
          name: {zh: 涉农贷款增量, en: Agricultural loan increment}
          input: agri_loan_increment
          weight: 20
          target: 500000
          method: achievement
          cap: 1
"""

HYPERLINK = '=HYPERLINK("http://example.invalid","点我")'
ORGS: dict[str, dict[str, Any]] = {
    "H": {"name": "总行", "level": "head", "parent_id": None},
    "B1": {"name": "第一分行", "level": "branch", "parent_id": "H"},
    "B2": {"name": "第二分行", "level": "branch", "parent_id": "H"},
    "S1": {"name": "东城支行", "level": "subbranch", "parent_id": "B1"},
    "S2": {"name": HYPERLINK, "level": "subbranch", "parent_id": "B1"},
    "S3": {"name": "南城支行", "level": "subbranch", "parent_id": "B2"},
}
META: dict[str, Any] = {
    "run_id": 12,
    "scheme_id": "xlsx-test",
    "scheme_version": 2,
    "scheme_name_zh": "报表测试方案",
    "period": "2025-Q2",
    "created_at": "2025-07-01T08:00:00+00:00",
    "input_hash": "a" * 64,
    "result_hash": "b" * 64,
    "code_version": "0.1.0+0123456789ab",
    "notes": ["no_previous_period:2024-Q2"],
}
VETO_REASON = "=cmd|' /C calc'!A0"

# rm_id: name, org, path, post, region, (deposit increment, new VIPs, check rate, violations, veto, agri increment)
RMS: dict[str, tuple[str, str, tuple[str, ...], str, str | None, tuple[Any, ...]]] = {
    "R01": ("张三", "S1", ("H", "B1", "S1"), "retail", None, (1_000_000, 9, "0.99", 0, 0, None)),
    "R02": ("=1+2", "S1", ("H", "B1", "S1"), "retail", None, (800_000, 8, "0.9", 0, 0, None)),
    "R03": ("+cmd", "S2", ("H", "B1", "S2"), "retail", "agri_county", (500_000, 10, "0.96", 1, 0, 400_000)),
    "R04": ("@SUM(A1)", "S2", ("H", "B1", "S2"), "retail", None, (600_000, 5, "0.85", 0, 1, None)),
    "R05": ("王五", "B1", ("H", "B1"), "retail", None, (1_200_000, 7, "0.92", 0, 0, None)),
    "R06": ("-2", "S3", ("H", "B2", "S3"), "corporate", None, (700_000, 6, "0.88", 0, 0, None)),
}
# by hand: R01 40 + 18 + 28.5 + 10 = 96.5; R02 32 + 16 + 15 + 10 = 73; R03 (agri variant) 10 + 20 + 16 + 24 + 5 = 75;
# R04 24 + 10 + 7.5 + 10 = 51.5, vetoed → 0; R05 40 + 14 + 18 + 10 = 82, × (1 + 0.05) = 86.1; R06 28 + 12 + 12 + 10 = 62
TOTALS = {"R01": "96.5", "R02": "73", "R03": "75", "R04": "0", "R05": "86.1", "R06": "62"}


def _payloads() -> tuple[Any, list[dict[str, Any]]]:
    scheme = load_scheme(SCHEME, source="xlsx-test.yaml")
    plan = build_plan(resolve(scheme, date(2025, 4, 1), date(2025, 6, 30), "quarter"))
    contexts = []
    values: dict[str, dict[tuple[str, str], Decimal | None]] = {}
    for rm_id, (name, org, path, post, region, figures) in RMS.items():
        branch = next(o for o in path if o.startswith("B"))
        sub = next((o for o in path if o.startswith("S")), None)
        contexts.append(RmContext(rm_id, post, org, path, region, branch, sub, "junior", None, name))
        dep, vip, checks, violations, veto, agri = figures
        row: dict[tuple[str, str], Decimal | None] = {
            ("daily_average_increment", "deposit"): Decimal(dep),
            ("new_vip_customers", "all"): Decimal(vip),
            ("post_loan_check_rate", "all"): Decimal(checks),
            ("violations", "all"): Decimal(violations),
            ("veto", "all"): Decimal(veto),
        }
        if agri is not None:
            row[("agri_loan_increment", "all")] = Decimal(agri)
        values[rm_id] = row
    evaluation = evaluate(
        plan, contexts, values, manual={"R05": {"exp_k": Decimal("0.05")}}, veto_reasons={"R04": VETO_REASON}
    )
    return scheme, [r.to_dict() for r in evaluation.results]


@pytest.fixture(scope="module")
def payloads() -> list[dict[str, Any]]:
    return _payloads()[1]


@pytest.fixture(scope="module")
def book_path(tmp_path_factory: pytest.TempPathFactory, payloads: list[dict[str, Any]]) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "run-12.xlsx"
    write_results(path, META, payloads, ORGS)
    return path


@pytest.fixture(scope="module")
def book(book_path: Path) -> Workbook:
    return load_workbook(book_path)


def num(cell: Cell) -> Decimal:
    assert isinstance(cell.value, int | float), f"{cell.coordinate} holds {cell.value!r}, not a number"
    return Decimal(str(cell.value))


def payload(payloads: list[dict[str, Any]], rm_id: str) -> dict[str, Any]:
    return next(p for p in payloads if p["rm_id"] == rm_id)


def item_score(p: dict[str, Any], key: str) -> Decimal:
    return next(Decimal(i["score"]) for d in p["dimensions"] for i in d["items"] if i["key"] == key)


def texts(ws: Worksheet) -> Iterator[Cell]:
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                yield cell


def merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


# --- the evaluation the workbook is written from (so a changed engine shows here, not as a layout bug)


def test_the_sample_totals_are_the_hand_computed_ones(payloads: list[dict[str, Any]]) -> None:
    assert {p["rm_id"]: Decimal(p["total"]) for p in payloads} == {k: Decimal(v) for k, v in TOTALS.items()}
    assert payload(payloads, "R04")["veto"] is True
    assert payload(payloads, "R03")["variant"] == "agri"


# --- sheets ---------------------------------------------------------------------------------------


def test_sheet_names(book: Workbook) -> None:
    assert book.sheetnames == [
        "考核结果",
        "排名-公司客户经理·第二分行",
        "排名-零售客户经理·第一分行",
        "汇总",
        "考核表",
        "支行考评表",
        "说明",
    ]


def test_sheet_titles_are_valid_and_unique() -> None:
    taken: set[str] = set()
    long = sheet_title("排名-" + "很长的机构名称" * 10, taken)
    assert len(long) == 31
    again = sheet_title("排名-" + "很长的机构名称" * 10, taken)
    assert again != long
    assert again.endswith("(2)")
    assert len(again) <= 31
    bad = sheet_title("a[b]:c*d?e/f\\g", taken)
    assert not set(bad) & set("[]:*?/\\")
    assert sheet_title("History", taken) != "History"  # reserved by Excel


# --- 考核结果 -------------------------------------------------------------------------------------


def test_results_have_merged_two_level_headers(book: Workbook) -> None:
    ws = book["考核结果"]
    ranges = merged(ws)
    # fixed columns span the three header rows
    for col in "ABCDEFGH":
        assert f"{col}2:{col}4" in ranges
    assert [ws[f"{c}2"].value for c in "ABCDEFGH"] == [
        "序号",
        "客户经理编号",
        "姓名",
        "机构",
        "支行",
        "分行",
        "岗位",
        "等级",
    ]
    # 发展: its score (I) and three items of three columns each (the variant's 涉农贷款增量 included) → I:R
    assert "I2:R2" in ranges
    assert ws["I2"].value == "发展"
    assert "I3:I4" in ranges
    assert ws["I3"].value == "维度得分"
    assert {"J3:L3", "M3:O3", "P3:R3"} <= ranges
    assert [ws["J3"].value, ws["M3"].value, ws["P3"].value] == ["日均存款增量", "新增贵宾户", "涉农贷款增量"]
    assert [ws["J4"].value, ws["K4"].value, ws["L4"].value] == ["指标值", "目标值", "得分"]
    # 维护: S:AB
    assert "S2:AB2" in ranges
    assert ws["S2"].value == "维护"
    assert {"T3:V3", "W3:Y3", "Z3:AB3"} <= ranges
    tail = ["小计", "调整", "总分", "排名", "组内人数", "排名组", "一票否决", "否决原因"]
    assert [ws.cell(2, 29 + i).value for i in range(len(tail))] == tail
    assert ws.freeze_panes == "D5"
    assert ws.auto_filter.ref == "A4:AJ10"


def test_a_known_rm_has_its_figures_in_the_right_cells(book: Workbook, payloads: list[dict[str, Any]]) -> None:
    ws = book["考核结果"]
    # rows in org order: 东城支行 (R01, R02), S2 (R03, R04), the branch itself (R05), then branch B2 (R06)
    assert [ws[f"B{r}"].value for r in range(5, 11)] == ["R01", "R02", "R03", "R04", "R05", "R06"]
    p = payload(payloads, "R01")
    assert ws["C5"].value == "张三"
    assert [ws["D5"].value, ws["E5"].value, ws["F5"].value] == ["东城支行", "东城支行", "第一分行"]
    assert [ws["G5"].value, ws["H5"].value] == ["零售客户经理", "初级一档"]
    assert num(ws["I5"]) == Decimal(p["dimensions"][0]["score"]) == Decimal(58)
    assert num(ws["J5"]) == Decimal(1_000_000)
    assert num(ws["K5"]) == Decimal(1_000_000)
    assert num(ws["L5"]) == item_score(p, "deposit") == Decimal(40)
    assert num(ws["O5"]) == item_score(p, "vip") == Decimal(18)
    assert num(ws["T5"]) == Decimal("0.99")
    assert num(ws["V5"]) == item_score(p, "checks") == Decimal("28.5")
    assert num(ws["Y5"]) == item_score(p, "violations") == Decimal(10)
    assert num(ws["AC5"]) == Decimal(p["subtotal"])
    assert ws["AD5"].value is None  # no adjustment
    assert num(ws["AE5"]) == Decimal(p["total"]) == Decimal("96.5")
    assert num(ws["AF5"]) == 1
    assert num(ws["AG5"]) == 5
    assert ws["AH5"].value == "岗位=零售客户经理, 分行=第一分行"
    # R01 has no 涉农贷款增量 (only the agri variant has): blank
    assert [ws["P5"].value, ws["Q5"].value, ws["R5"].value] == [None, None, None]
    # R03 (the variant) has it
    assert [num(ws["P7"]), num(ws["Q7"]), num(ws["R7"])] == [Decimal(400_000), Decimal(500_000), Decimal(16)]
    # R05: the experience adjustment, net
    assert num(ws["AD9"]) == Decimal("4.1")
    assert num(ws["AE9"]) == Decimal("86.1")
    assert ws["E9"].value == ""  # an RM of the branch itself has no sub-branch
    # R04: vetoed, the reason shown
    assert num(ws["AE8"]) == 0
    assert num(ws["AC8"]) == Decimal("51.5")
    assert ws["AI8"].value == "是"
    assert ws["AJ8"].value == "'" + VETO_REASON


def test_number_formats_follow_the_units(book: Workbook) -> None:
    ws = book["考核结果"]
    assert ws["J5"].number_format == "#,##0.00"  # daily_average_increment: yuan
    assert ws["K5"].number_format == "#,##0.00"  # its target, in the same unit
    assert ws["T5"].number_format == "0.00%"  # post_loan_check_rate: ratio
    assert ws["M5"].number_format == "#,##0"  # new_vip_customers: count
    for cell in ("I5", "L5", "O5", "V5", "AC5", "AD9", "AE5"):
        assert ws[cell].number_format == "0.00", cell


def test_a_custom_indicator_takes_the_unit_its_scheme_declares(tmp_path: Path) -> None:
    text = """
id: units
version: 1
name: 单位测试
periods: [quarter]
custom:
  share: {formula: agri_loan_increment / new_loans, unit: ratio, name: {zh: 涉农贷款占新放贷款比}}
dimensions:
  - key: d
    name: 维度
    weight: 100
    items:
      - key: share
        name: 涉农占比
        input: share
        weight: 100
        target: 0.5
        method: achievement
        cap: 1
"""
    scheme = load_scheme(text, source="units.yaml")
    assert units_of_scheme(scheme)["share"] == "ratio"
    plan = build_plan(resolve(scheme, date(2025, 4, 1), date(2025, 6, 30), "quarter"))
    values = {"R1": {("agri_loan_increment", "all"): Decimal(300), ("new_loans", "all"): Decimal(1000)}}
    result = evaluate(plan, [RmContext("R1", "retail", "S1", name="甲")], values).results[0].to_dict()
    with_units = tmp_path / "with.xlsx"
    write_results(with_units, META, [result], ORGS, units=units_of_scheme(scheme))
    ws = load_workbook(with_units)["考核结果"]
    assert ws["J3"].value == "涉农占比"
    assert num(ws["J5"]) == Decimal("0.3")
    assert ws["J5"].number_format == "0.00%"
    assert ws["K5"].number_format == "0.00%"
    # without the scheme's units the payload cannot tell: a plain number, never a guess
    without = tmp_path / "without.xlsx"
    write_results(without, META, [result], ORGS)
    assert load_workbook(without)["考核结果"]["J5"].number_format == "#,##0.00"


# --- 排名 ----------------------------------------------------------------------------------------


def test_rank_sheets_are_ordered_by_rank(book: Workbook) -> None:
    ws = book["排名-零售客户经理·第一分行"]
    assert ws["A1"].value == "排名组:岗位=零售客户经理, 分行=第一分行(5 人)"
    assert [ws.cell(2, c).value for c in range(1, 9)] == [
        "排名",
        "客户经理编号",
        "客户经理",
        "机构",
        "总分",
        "发展",
        "维护",
        "一票否决",
    ]
    assert [ws[f"B{r}"].value for r in range(3, 8)] == ["R01", "R05", "R03", "R02", "R04"]
    assert [num(ws[f"A{r}"]) for r in range(3, 8)] == [1, 2, 3, 4, 5]
    assert [num(ws[f"E{r}"]) for r in range(3, 8)] == [Decimal(x) for x in ("96.5", "86.1", "75", "73", "0")]
    assert [num(ws["F3"]), num(ws["G3"])] == [Decimal(58), Decimal("38.5")]
    assert ws["H7"].value == "是"
    other = book["排名-公司客户经理·第二分行"]
    assert other["B3"].value == "R06"
    assert other["C3"].value == "'-2"


def test_many_rank_groups_share_one_sheet_a_block_each(
    tmp_path: Path, payloads: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_RANK_SHEETS", 1)
    path = tmp_path / "blocks.xlsx"
    write_results(path, META, payloads, ORGS)
    wb = load_workbook(path)
    assert "排名" in wb.sheetnames
    assert not any(n.startswith("排名-") for n in wb.sheetnames)
    ws = wb["排名"]
    assert ws["A1"].value == "排名组:岗位=公司客户经理, 分行=第二分行(1 人)"
    assert ws["B3"].value == "R06"
    assert ws["A5"].value == "排名组:岗位=零售客户经理, 分行=第一分行(5 人)"
    assert [ws[f"B{r}"].value for r in range(7, 12)] == ["R01", "R05", "R03", "R02", "R04"]
    assert [b.id for b in ws.row_breaks.brk] == [4]  # each group starts a printed page


# --- 汇总 ----------------------------------------------------------------------------------------


def test_summary_per_subbranch_branch_and_bank(book: Workbook) -> None:
    ws = book["汇总"]
    assert [ws.cell(2, c).value for c in range(1, 9)] == [
        "分行",
        "支行",
        "人数",
        "平均分",
        "最高分",
        "最低分",
        "一票否决人数",
        "分数段分布(人数)",
    ]
    assert "H2:L2" in merged(ws)
    assert [ws.cell(3, c).value for c in range(8, 13)] == [
        "90(含)以上",
        "80(含)–90",
        "70(含)–80",
        "60(含)–70",
        "60以下",
    ]

    def line(r: int) -> tuple[Any, ...]:
        return (ws.cell(r, 1).value, ws.cell(r, 2).value, *(num(ws.cell(r, c)) for c in range(3, 13)))

    d = Decimal
    # (branch, unit, RMs, mean, max, min, vetoed, ≥90, 80–90, 70–80, 60–70, <60)
    assert line(4) == ("第一分行", "东城支行", 2, d("84.75"), d("96.5"), 73, 0, 1, 0, 1, 0, 0)
    assert line(5) == ("第一分行", "'" + HYPERLINK, 2, d("37.5"), 75, 0, 1, 0, 0, 1, 0, 1)
    assert line(6) == ("第一分行", "(分行本部)", 1, d("86.1"), d("86.1"), d("86.1"), 0, 0, 1, 0, 0, 0)
    # (96.5 + 73 + 75 + 0 + 86.1) / 5 = 330.6 / 5 = 66.12
    assert line(7) == ("第一分行", "分行合计", 5, d("66.12"), d("96.5"), 0, 1, 1, 1, 2, 0, 1)
    assert line(8) == ("第二分行", "南城支行", 1, 62, 62, 62, 0, 0, 0, 0, 1, 0)
    assert line(9) == ("第二分行", "分行合计", 1, 62, 62, 62, 0, 0, 0, 0, 1, 0)
    # 392.6 / 6 = 65.4333… → 65.43
    assert line(10) == ("全行合计", "", 6, d("65.43"), d("96.5"), 0, 1, 1, 1, 2, 1, 1)
    assert ws.max_row == 10


# --- 考核表 and 支行考评表 (003 附件5) --------------------------------------------------------------


def test_the_appraisal_form_has_the_adjustment_column_and_sign_off_fields(book: Workbook) -> None:
    ws = book["考核表"]
    values = [c.value for c in texts(ws)]
    assert ws["A1"].value == "客户经理绩效考评表"
    assert [ws.cell(5, c).value for c in range(1, 10)] == [
        "维度",
        "指标",
        "指标值",
        "目标值",
        "权重",
        "得分",
        "计算过程",
        "支行调整",
        "调整理由",
    ]
    for label in ("客户经理签字", "支行负责人签字(盖章)", "复核人签字", "支行调整后总分", "调整理由"):
        assert values.count(label) >= len(RMS), label
    assert values.count("日期") == 3 * len(RMS)
    assert values.count("支行调整") == len(RMS)
    # one form per printed page
    assert len(ws.row_breaks.brk) == len(RMS) - 1
    assert ws.print_area is not None
    assert ws.page_setup.orientation == "landscape"
    # R01's items, with value, target, weight, score and the arithmetic
    assert ws["A6"].value == "发展"
    assert ws["B6"].value == "日均存款增量"
    assert [num(ws["C6"]), num(ws["D6"]), num(ws["E6"]), num(ws["F6"])] == [
        Decimal(1_000_000),
        Decimal(1_000_000),
        Decimal(40),
        Decimal(40),
    ]
    assert ws["G6"].value == "min(max(1000000/1000000, 0), 1) × 40 = 40"
    assert ws["B8"].value == "发展小计"
    assert num(ws["F8"]) == Decimal(58)
    assert "A6:A8" in merged(ws)
    assert ws["A9"].value == "维护"
    assert ws["C9"].number_format == "0.00%"


def test_the_form_shows_adjustments_total_rank_and_veto(book: Workbook) -> None:
    ws = book["考核表"]
    cells = list(texts(ws))

    def row_of(text: str, start: int = 1) -> int:
        return next(c.row for c in cells if c.value == text and c.row >= start)

    r05 = row_of("R05")
    adjust = row_of("调整:经验调整", r05)
    assert num(ws.cell(adjust, 6)) == Decimal("86.1")
    assert ws.cell(adjust, 7).value == "82 × (1 + 0.05) = 86.1"
    total = row_of("总分", r05)
    assert num(ws.cell(total, 6)) == Decimal("86.1")
    rank = row_of("排名", r05)
    assert num(ws.cell(rank, 6)) == 2
    reason = row_of("'" + VETO_REASON)
    assert reason > row_of("R04")
    assert ws.cell(reason, 1).value == "一票否决"


def test_the_subbranch_sheet_follows_003_appendix_5(book: Workbook) -> None:
    ws = book["支行考评表"]
    assert ws["A2"].value == "考核期:2025-Q2    机构:东城支行(第一分行)"
    assert [ws.cell(3, c).value for c in range(1, 10)] == [
        "序号",
        "客户经理编号",
        "姓名",
        "发展",
        "维护",
        "调整",
        "总分",
        "支行调整",
        "最终得分",
    ]
    assert [ws["B4"].value, ws["B5"].value] == ["R01", "R02"]
    assert ws["A6"].value == "合计"
    assert [num(ws["D6"]), num(ws["E6"]), num(ws["G6"])] == [Decimal(106), Decimal("63.5"), Decimal("169.5")]
    values = [c.value for c in texts(ws)]
    assert values.count("支行负责人签字(盖章)") == 4  # 东城, S2, the branch's own RMs, 南城
    assert len(ws.row_breaks.brk) == 3


# --- 说明 ----------------------------------------------------------------------------------------


def test_the_about_sheet_identifies_the_run(book: Workbook) -> None:
    ws = book["说明"]
    facts = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(3, 13)}
    assert facts["运行编号"] == "12"
    assert facts["方案编号"] == "xlsx-test"
    assert facts["方案名称"] == "报表测试方案"
    assert facts["方案版本"] == "2"
    assert facts["考核期"] == "2025-Q2"
    assert facts["计算时间"] == "2025-07-01T08:00:00+00:00"
    assert facts["输入哈希"] == "a" * 64
    assert facts["结果哈希"] == "b" * 64
    assert facts["代码版本"] == "0.1.0+0123456789ab"
    assert facts["客户经理人数"] == "6"
    values = [c.value for c in texts(ws)]
    assert "no_previous_period:2024-Q2" in values
    assert "没有经验调整系数,不作调整" in values  # an RM note, rendered in Chinese
    assert "一票否决:" + VETO_REASON in values


# --- formula injection ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+2", "+cmd", "-2", "@SUM(A1)", "\t=1", "\r=1", "＝1+2"])
def test_escape_text_prefixes_what_a_spreadsheet_would_evaluate(text: str) -> None:
    assert escape_text(text) == "'" + text


@pytest.mark.parametrize("text", ["张三", "R01", "1+2", "a=b", "(−3)", ""])
def test_escape_text_leaves_other_text_alone(text: str) -> None:
    assert escape_text(text) == text


def test_no_text_becomes_a_formula(book: Workbook, book_path: Path) -> None:
    names = {"=1+2", "+cmd", "@SUM(A1)", "-2", HYPERLINK, VETO_REASON}
    found = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
        for cell in texts(ws):
            assert cell.data_type == "s"
            assert cell.value[:1] not in ("=", "+", "-", "@"), f"{ws.title}!{cell.coordinate}: {cell.value!r}"
            if cell.value.startswith("'") and cell.value[1:] in names:
                found.add(cell.value[1:])
    assert found == names
    # and in the file itself: no formula element anywhere, no hyperlink relation
    with zipfile.ZipFile(book_path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode()
                assert "<f>" not in xml, name
                assert "<f " not in xml, name
                assert "<hyperlink" not in xml, name


# --- English, determinism ------------------------------------------------------------------------


def test_english_headers(tmp_path: Path, payloads: list[dict[str, Any]]) -> None:
    path = tmp_path / "en.xlsx"
    write_results(path, META, payloads, ORGS, lang="en")
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Results",
        "Ranking-Corporate RM·第二分行",
        "Ranking-Retail RM·第一分行",
        "Summary",
        "Forms",
        "Sub-branch sheets",
        "About",
    ]
    ws = wb["Results"]
    assert [ws["A2"].value, ws["B2"].value, ws["I2"].value, ws["I3"].value] == [
        "No.",
        "RM ID",
        "Development",
        "Dimension score",
    ]
    assert [ws["J3"].value, ws["J4"].value, ws["K4"].value, ws["L4"].value] == [
        "Deposit increment",
        "Value",
        "Target",
        "Score",
    ]
    assert ws["AE2"].value == "Total"
    values = [c.value for c in texts(wb["Forms"])]
    for label in ("Sub-branch adjustment", "Reason for adjustment", "RM's signature", "Reviewer's signature"):
        assert label in values
    assert wb["Summary"]["A10"].value == "Bank total"


def test_the_same_run_gives_the_same_file(tmp_path: Path, payloads: list[dict[str, Any]], book_path: Path) -> None:
    again = tmp_path / "again.xlsx"
    write_results(again, META, payloads, ORGS)
    assert again.read_bytes() == book_path.read_bytes()


def test_payloads_from_json_text_and_missing_optional_fields(tmp_path: Path) -> None:
    """A minimal payload (no values, no adjustments, an org outside the tree) still writes."""
    p = {
        "rm_id": "X1",
        "name": None,
        "org_id": "ZZ",
        "post": "wealth",
        "grade": None,
        "dimensions": [
            {
                "key": "d",
                "name_zh": "维度",
                "name_en": None,
                "weight": "100",
                "score": "12.34",
                "formula": "12.34",
                "items": [
                    {"key": "i", "name_zh": "指标", "value": None, "target": None, "score": "12.34", "weight": "100"}
                ],
            }
        ],
        "subtotal": "12.34",
        "total": "12.34",
        "veto": False,
        "rank": 1,
        "rank_n": 1,
        "group": "all",
    }
    path = tmp_path / "min.xlsx"
    write_results(path, {}, [p], {})
    wb = load_workbook(path)
    ws = wb["考核结果"]
    assert ws["D5"].value == "ZZ"
    assert ws["C5"].value == ""
    assert [ws["J5"].value, ws["K5"].value] == [None, None]
    assert num(ws["L5"]) == Decimal("12.34")
    assert wb.sheetnames[1] == "排名"
    assert wb["汇总"]["A4"].value == "(总行及其他)"
    assert wb["汇总"]["A5"].value == "全行合计"


def test_a_run_without_rms_and_without_bands_still_writes(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_results(path, META, [], ORGS, bands=None)
    wb = load_workbook(path)
    assert wb.sheetnames == ["考核结果", "汇总", "考核表", "支行考评表", "说明"]
    summary = wb["汇总"]
    assert [summary["A4"].value, summary["C4"].value, summary["D4"].value] == ["全行合计", 0, None]
    assert summary.max_column == 7  # no band columns
