"""The importer reads CSV (UTF-8, BOM, GBK), XLSX and Parquet, and says where problems are."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from rmperf.home import Home
from rmperf.ingest.importer import check_package
from rmperf.ingest.problems import Problem, Severity
from tests.pkgbuilder import minimal_tables, write_package


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


def check(tmp_path: Path, pkg: Path) -> list[Problem]:
    return check_package(pkg, Home(tmp_path / "home"))


def test_gbk_csv_is_accepted_with_a_warning(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "pkg", minimal_tables(), {"orgs": "gbk", "managers": "gbk"})
    raw = (pkg / "managers.csv").read_bytes()
    assert "张三".encode("gbk") in raw  # really GBK on disk
    problems = check(tmp_path, pkg)
    assert errors(problems) == []
    gbk = [p for p in problems if p.code == "file.encoding_gbk"]
    assert {p.place.file for p in gbk} == {"orgs.csv", "managers.csv"}
    assert "GBK" in gbk[0].render("zh")


def test_gbk_error_reports_the_right_line(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["managers"][1]["grade"] = "高级"
    pkg = write_package(tmp_path / "pkg", tables, {"managers": "gbk"})
    [problem] = errors(check(tmp_path, pkg))
    assert (problem.code, problem.place.line, problem.place.column) == ("value.enum", 3, "grade")
    assert "高级" in problem.render("zh")


def test_undecodable_file_is_an_error(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "pkg", minimal_tables())
    (pkg / "customers.csv").write_bytes((pkg / "customers.csv").read_bytes() + b"C9,personal,S1\x80\xff\xfe\n")
    codes = {p.code for p in errors(check(tmp_path, pkg))}
    assert "file.encoding_unknown" in codes


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "pkg", minimal_tables(), {"orgs": "bom", "balances": "bom"})
    assert (pkg / "orgs.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert errors(check(tmp_path, pkg)) == []


def test_xlsx_is_read_and_errors_name_the_column_letter(tmp_path: Path) -> None:
    tables = minimal_tables()
    pkg = write_package(tmp_path / "ok", tables, {"managers": "xlsx", "accounts": "xlsx"})
    assert errors(check(tmp_path, pkg)) == []
    tables["accounts"][2]["currency"] = "usd"
    pkg = write_package(tmp_path / "bad", tables, {"accounts": "xlsx"})
    [problem] = errors(check(tmp_path, pkg))
    assert problem.place.file == "accounts.xlsx"
    assert problem.place.line == 4
    assert problem.place.column_letter == "E"
    assert "E 列" in problem.render("zh")


def test_xlsx_numbers_keep_their_decimal_text(tmp_path: Path) -> None:
    """A rate typed as a number in Excel (a double) reads back as its decimal text."""
    from openpyxl import Workbook

    tables = minimal_tables()
    pkg = write_package(tmp_path / "pkg", tables)
    (pkg / "ftp_rates.csv").unlink()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["valid_from", "product", "rate", "term_months"])
    ws.append(["2025-01-01", "DEP_DEMAND", 0.018, None])
    ws.append(["2025-01-01", "LOAN_CORP", 0.00001, 12])
    wb.save(pkg / "ftp_rates.xlsx")
    assert errors(check(tmp_path, pkg)) == []


def test_csv_with_quoted_line_breaks_reports_physical_lines(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "pkg", minimal_tables())
    text = (pkg / "orgs.csv").read_text(encoding="utf-8")
    text = text.replace("一支行", '"一支行\n(老城区)"')
    text += "S3,B1,三支行,subbranch,desert\n"
    (pkg / "orgs.csv").write_text(text, encoding="utf-8")
    [problem] = errors(check(tmp_path, pkg))
    assert (problem.code, problem.place.line, problem.place.column) == ("value.enum", 7, "region_type")


def test_csv_with_a_short_line_names_it(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "pkg", minimal_tables())
    with (pkg / "balances.csv").open("a", encoding="utf-8") as fh:
        fh.write("2025-01-03,A1\n")
    found = errors(check(tmp_path, pkg))
    assert [(p.code, p.place.line) for p in found] == [("csv.columns_count", 8)]
    assert "3" in found[0].render("zh")
    assert "2" in found[0].render("zh")


def test_parquet_folder_with_row_groups(tmp_path: Path) -> None:
    tables = minimal_tables()
    balances = tables.pop("balances")
    pkg = write_package(tmp_path / "pkg", tables)
    folder = pkg / "balances" / "month=2025-01"
    folder.mkdir(parents=True)
    rows = [*balances, {"date": "2025-01-02", "account_id": "A1", "balance": "7.777"}]
    arrow = pa.table(
        {
            "date": pa.array([pa.scalar(r["date"]).cast(pa.date32()) for r in rows], pa.date32()),
            "account_id": [r["account_id"] for r in rows],
            "balance": [r["balance"] for r in rows],
        }
    )
    pq.write_table(arrow, folder / "part-0.parquet", row_group_size=3)
    found = errors(check(tmp_path, pkg))
    codes = sorted((p.code, p.place.line, p.place.row_group) for p in found)
    # row 7 (the added one) duplicates row 5 and has three fraction digits
    assert codes == [("key.duplicate", 7, 2), ("value.amount_scale", 7, 2)]
    assert found[0].place.file == "balances/month=2025-01/part-0.parquet"
    assert "行组 2" in found[0].render("zh")


def test_parquet_typed_decimal_and_dates_are_accepted(tmp_path: Path) -> None:
    from decimal import Decimal

    tables = minimal_tables()
    balances = tables.pop("balances")
    pkg = write_package(tmp_path / "pkg", tables)
    arrow = pa.table(
        {
            "date": pa.array([pa.scalar(r["date"]).cast(pa.date32()) for r in balances], pa.date32()),
            "account_id": [r["account_id"] for r in balances],
            "balance": pa.array([Decimal(r["balance"]) for r in balances], pa.decimal128(20, 4)),
        }
    )
    pq.write_table(arrow, pkg / "balances.parquet")
    assert errors(check(tmp_path, pkg)) == []


def test_parquet_float_money_is_refused(tmp_path: Path) -> None:
    tables = minimal_tables()
    balances = tables.pop("balances")
    pkg = write_package(tmp_path / "pkg", tables)
    arrow = pa.table(
        {
            "date": [r["date"] for r in balances],
            "account_id": [r["account_id"] for r in balances],
            "balance": pa.array([float(r["balance"]) for r in balances], pa.float64()),
        }
    )
    pq.write_table(arrow, pkg / "balances.parquet")
    [problem] = errors(check(tmp_path, pkg))
    assert (problem.code, problem.place.file, problem.place.column) == (
        "parquet.float_money",
        "balances.parquet",
        "balance",
    )


def test_two_sources_for_one_table_is_an_error(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "pkg", minimal_tables())
    write_package(tmp_path / "pkg", {"orgs": minimal_tables()["orgs"]}, {"orgs": "xlsx"})
    assert "table.ambiguous" in {p.code for p in errors(check(tmp_path, pkg))}


def test_unknown_columns_and_files_are_warnings(tmp_path: Path) -> None:
    tables = minimal_tables()
    for row in tables["customers"]:
        row["name_cn"] = "客户"
    pkg = write_package(tmp_path / "pkg", tables)
    (pkg / "readme.txt").write_text("notes")
    problems = check(tmp_path, pkg)
    assert errors(problems) == []
    assert {p.code for p in problems} >= {"header.unknown_column", "table.unknown_file"}


def test_missing_package_is_reported(tmp_path: Path) -> None:
    [problem] = check(tmp_path, tmp_path / "nope")
    assert problem.code == "package.not_found"
