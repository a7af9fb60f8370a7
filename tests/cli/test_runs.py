"""Runs from the command line: compute, store, reproduce, export, explain, diff (issue 4 item 5)."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_cli import rmperf, targets_csv, tiny_rms

SCHEMES = Path(__file__).parents[1] / "schemes"


@pytest.fixture(scope="module")
def bank(cli_bank: Callable[[str], Path]) -> Path:
    """The tiny demo bank imported into a home of its own (through the CLI, as a user would)."""
    return cli_bank("runs")


def run_id(output: str) -> int:
    return int(output.strip().splitlines()[-1])


def test_a_run_is_numbered_stored_and_reproducible(bank: Path, tmp_path: Path) -> None:
    first = rmperf("run", "--scheme", str(SCHEMES / "mini-rural.yaml"), "--period", "2025-Q1", home=bank)
    assert first.returncode == 0, first.stderr
    again = rmperf("run", "--scheme", str(SCHEMES / "mini-rural.yaml"), "--period", "2025-Q1", home=bank)
    assert again.returncode == 0, again.stderr
    a, b = run_id(first.stdout), run_id(again.stdout)
    assert b == a + 1
    hashes = re.findall(r"result hash ([0-9a-f]{16})", first.stdout + again.stdout)
    assert len(hashes) == 2
    assert hashes[0] == hashes[1]
    same = rmperf("diff", str(a), str(b), home=bank)
    assert same.returncode == 0, same.stderr
    assert "结果完全相同" in same.stdout
    assert "0 名客户经理的结果有变化" in same.stdout

    # JSON: the record the issue lists, decimals as strings
    out = tmp_path / "r.json"
    done = rmperf("results", "--run", str(a), "--format", "json", "--out", str(out), home=bank)
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["run"]["run_id"] == a
    assert data["run"]["scheme_id"] == "mini-rural"
    assert data["run"]["input_hash"]
    assert data["run"]["code_version"].startswith("0.")
    results = data["results"]
    assert results
    first_rm = results[0]
    for key in ("rm_id", "name", "org_id", "post", "grade", "total_score", "rank", "group", "veto", "dimensions"):
        assert key in first_rm
    assert isinstance(first_rm["total_score"], str)
    assert set(first_rm["dimensions"]) == {"business", "risk"}
    deposit = first_rm["indicators"]["deposit"]
    assert {"value", "target", "score"} <= set(deposit)
    # the dimension scores add up to the total (no adjustments in this scheme), to the cent
    from decimal import Decimal

    for r in results:
        if not r["veto"]:
            assert sum(Decimal(s) for s in r["dimensions"].values()) == Decimal(r["total_score"])
        else:
            assert Decimal(r["total_score"]) == 0
    # ranks count from 1 within each group
    groups: dict[str, list[int]] = {}
    for r in results:
        groups.setdefault(r["group"], []).append(r["rank"])
    assert all(min(ranks) == 1 for ranks in groups.values())

    # CSV: one row per RM, with the same totals
    out_csv = tmp_path / "r.csv"
    assert rmperf("results", "--run", str(a), "--format", "csv", "--out", str(out_csv), home=bank).returncode == 0
    with out_csv.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["total_score"] for r in rows] == [r["total_score"] for r in results]
    assert "deposit:score" in rows[0]


def test_explain_prints_the_whole_trace_of_one_rm(bank: Path) -> None:
    done = rmperf("run", "--scheme", str(SCHEMES / "mini-rural.yaml"), "--period", "2025-Q1", home=bank)
    assert done.returncode == 0, done.stderr
    rid = run_id(done.stdout)
    data = json.loads(rmperf("results", "--run", str(rid), home=bank).stdout)
    rm = data["results"][0]
    shown = rmperf("explain", "--run", str(rid), "--rm", rm["rm_id"], "--accounts", "3", home=bank)
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    assert f"客户经理 {rm['rm_id']}" in text
    # each item with its target, rule and arithmetic, the dimension sums and the total
    assert "存款日均(万元)" in text
    assert "differential" in text
    assert "achievement" in text
    assert "min(max(" in text
    assert f"总分 {rm['total_score']}" in text
    # the accounts behind the deposit daily average
    assert "的账户明细" in text
    assert "checks:本期没有此值" in text  # a wealth RM has no post-loan checks
    # an RM with checks due sees the check rate by its parts
    lender = next(r for r in data["results"] if r["post"] in ("corporate", "inclusive"))
    text = rmperf("explain", "--run", str(rid), "--rm", lender["rm_id"], "--accounts", "3", home=bank).stdout
    assert "分子 = " in text
    assert "分母 = " in text


def test_a_scheme_change_shows_in_the_diff(bank: Path, tmp_path: Path) -> None:
    base = rmperf("run", "--scheme", str(SCHEMES / "mini-rural.yaml"), "--period", "2025-Q1", home=bank)
    text = (SCHEMES / "mini-rural.yaml").read_text(encoding="utf-8")
    changed = text.replace("version: 3", "version: 4").replace("bands: [[0.8, 0.5], [0.95, 1]]", "bands: [[0.5, 1]]")
    assert changed != text
    (tmp_path / "mini-rural.yaml").write_text(changed, encoding="utf-8")
    new = rmperf("run", "--scheme", str(tmp_path / "mini-rural.yaml"), "--period", "2025-Q1", home=bank)
    assert new.returncode == 0, new.stderr
    diff = rmperf("diff", str(run_id(base.stdout)), str(run_id(new.stdout)), "--json", home=bank)
    data = json.loads(diff.stdout)
    assert data["why"]["scheme"]["version"] == [3, 4]
    assert any("bands" in line for line in data["why"]["scheme"]["diff"])
    assert "inputs" not in data["why"]
    assert "code" not in data["why"]
    assert any("checks" in c.get("items", {}) for c in data["changed_rms"])


def test_a_broken_scheme_reports_every_problem_and_stores_nothing(bank: Path) -> None:
    before = rmperf("runs", home=bank).stdout
    bad = rmperf("run", "--scheme", str(SCHEMES / "broken.yaml"), "--period", "2025-Q1", home=bank)
    assert bad.returncode == 1
    assert "处错误:" in bad.stderr
    # several distinct problems, each with its key path
    for path in ("periods[1]", "inputs.dep", "custom.c.formula", "dimensions[0].items[0].weight[1].value"):
        assert path in bad.stderr, path
    assert rmperf("runs", home=bank).stdout == before


def test_the_xlsx_export_opens_with_the_run_figures(bank: Path, tmp_path: Path, tiny_package: Path) -> None:
    from openpyxl import load_workbook

    targets = targets_csv(tmp_path / "t.csv", tiny_rms(tiny_package))
    done = rmperf("run", "--scheme", "rural-2023", "--period", "2025-Q1", "--targets", str(targets), home=bank)
    assert done.returncode == 0, done.stderr
    rid = run_id(done.stdout)
    data = json.loads(rmperf("results", "--run", str(rid), home=bank).stdout)
    out = tmp_path / "r.xlsx"
    written = rmperf("results", "--run", str(rid), "--format", "xlsx", "--out", str(out), home=bank)
    assert written.returncode == 0, written.stderr
    book = load_workbook(out)
    assert {"考核结果", "汇总", "考核表", "说明"} <= set(book.sheetnames)
    sheet = book["考核结果"]
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    first = data["results"][0]
    assert first["rm_id"] in cells
    totals = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, int | float)}
    from decimal import Decimal

    assert any(Decimal(str(t)) == Decimal(first["total_score"]) for t in totals)
