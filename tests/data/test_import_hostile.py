"""Packages an attacker or a careless exporter would send (issue 12, items 1 and 2).

Each case starts from the valid minimal package and does one thing a bank's IT security review would
try: a link out of the package, a pipe, a decompression bomb, a file that is not what its name says,
data that would change pay if it got in. Every one must be refused (or, where the contract allows,
warned about) with a message naming the file and, where there is one, the line and column — never a
traceback, never a hang, never a raw control character in the message.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rmperf.home import Home
from rmperf.ingest.importer import check_package
from rmperf.ingest.limits import ImportLimits
from rmperf.ingest.problems import Problem, Severity
from tests.pkgbuilder import Rows, csv_text, minimal_tables, write_package, write_parquet, write_xlsx

Post = Callable[[Path], None]
Tables = dict[str, Rows]
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def check(tmp_path: Path, post: Post | None = None, tables: Tables | None = None) -> list[Problem]:
    pkg = write_package(tmp_path / "pkg", tables or minimal_tables())
    if post is not None:
        post(pkg)
    problems = check_package(pkg, Home(tmp_path / "home"))
    for p in problems:  # nothing from the package reaches a message raw
        assert not RAW_CONTROL.search(p.render("zh")), p.render("zh")
        assert not RAW_CONTROL.search(p.render("en")), p.render("en")
    return problems


def errors(problems: list[Problem], code: str) -> list[Problem]:
    found = [p for p in problems if p.severity is Severity.ERROR and p.code == code]
    assert found, f"expected {code}, got {[p.render() for p in problems]}"
    return found


def replace(pkg: Path, name: str) -> Path:
    for old in pkg.glob(f"{name}.*"):
        old.unlink()
    return pkg / name


# --- 1. nothing outside the package, nothing that hangs or exhausts the host ---------------------------


def test_a_link_to_a_file_outside_the_package_is_refused_unopened(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("date,currency,cny_per_unit\nroot:x:0:0,USD,1\n", encoding="utf-8")

    def link(pkg: Path) -> None:
        replace(pkg, "fx_rates")
        os.symlink(secret, pkg / "fx_rates.csv")

    problems = check(tmp_path, link)
    [refused] = errors(problems, "file.not_regular_link")
    assert refused.place.file == "fx_rates.csv"
    assert "符号链接" in refused.render("zh")
    assert not any("root:x" in p.render() for p in problems)  # its content is never read, echoed or stored


def test_a_link_inside_a_parquet_folder_is_refused(tmp_path: Path) -> None:
    def folder(pkg: Path) -> None:
        replace(pkg, "balances")
        (pkg / "balances").mkdir()
        write_parquet(pkg / "balances" / "a.parquet", minimal_tables()["balances"])
        os.symlink("/etc/hostname", pkg / "balances" / "b.parquet")

    [refused] = errors(check(tmp_path, folder), "file.not_regular_link")
    assert refused.place.file == "balances/b.parquet"


def test_a_pipe_or_a_device_is_refused_by_name_without_hanging(tmp_path: Path) -> None:
    def pipe(pkg: Path) -> None:
        replace(pkg, "fx_rates")
        os.mkfifo(pkg / "fx_rates.csv")
        replace(pkg, "loan_checks")
        os.symlink("/dev/zero", pkg / "loan_checks.csv")

    problems = check(tmp_path, pipe)
    assert errors(problems, "file.not_regular_fifo")[0].place.file == "fx_rates.csv"
    assert errors(problems, "file.not_regular_link")[0].place.file == "loan_checks.csv"


def test_a_decompression_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    def bomb(pkg: Path) -> None:
        replace(pkg, "fx_rates")
        with zipfile.ZipFile(pkg / "fx_rates.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("xl/sharedStrings.xml", "<sst>" + "总" * (4 << 20) + "</sst>")

    [refused] = errors(check(tmp_path, bomb), "xlsx.bomb")
    assert refused.place.file == "fx_rates.xlsx"
    assert "xl/sharedStrings.xml" in refused.render("zh")


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RMPERF_IMPORT_XLSX_BYTES", "2000")

    def workbook(pkg: Path) -> None:
        replace(pkg, "fx_rates")
        write_xlsx(pkg / "fx_rates.xlsx", minimal_tables()["fx_rates"])

    [refused] = errors(check(tmp_path, workbook), "xlsx.too_large")
    assert refused.params["limit"] == 2000


def test_a_file_with_more_rows_than_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RMPERF_IMPORT_ROWS_PER_FILE", "5")
    [refused] = errors(check(tmp_path), "file.too_many_rows")
    assert refused.place.file == "balances.csv"
    assert refused.params == {"rows": 6, "limit": 5}


def test_limits_come_from_the_environment_and_must_be_positive_numbers() -> None:
    assert ImportLimits.from_env({}) == ImportLimits()
    assert ImportLimits.from_env({"RMPERF_IMPORT_TEXT_CHARS": "8_000"}).text_chars == 8000
    for bad in ("0", "-1", "many"):
        with pytest.raises(ValueError, match="RMPERF_IMPORT_NAME_CHARS"):
            ImportLimits.from_env({"RMPERF_IMPORT_NAME_CHARS": bad})


def test_a_field_beyond_its_columns_limit_is_refused_with_its_place(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["managers"][1]["name"] = "张" * 201  # a name: 200 characters at most
    tables["customers"][2]["customer_id"] = "C" * 65  # an id: 64
    problems = check(tmp_path, tables=tables)
    too_long = {(p.place.file, p.place.line, p.place.column) for p in errors(problems, "value.too_long")}
    assert ("managers.csv", 3, "name") in too_long
    assert ("customers.csv", 4, "customer_id") in too_long


def test_a_huge_cell_is_named_as_too_long_not_as_an_encoding_error(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["orgs"][0]["name"] = "总" * 2_000_000  # 6 MB of valid UTF-8
    problems = check(tmp_path, tables=tables)
    [refused] = errors(problems, "csv.line_too_long")
    assert (refused.place.file, refused.place.line) == ("orgs.csv", 2)
    assert not [p for p in problems if p.code.startswith("file.encoding")]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "file.empty"),
        (b"PK but not a zip at all", "xlsx.not_zip"),
        (bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504, "xlsx.ole2"),
    ],
    ids=["empty", "not-a-zip", "encrypted-or-xls"],
)
def test_a_workbook_that_is_not_one_is_named(tmp_path: Path, content: bytes, code: str) -> None:
    def workbook(pkg: Path) -> None:
        replace(pkg, "fx_rates")
        (pkg / "fx_rates.xlsx").write_bytes(content)

    [refused] = errors(check(tmp_path, workbook), code)
    assert refused.place.file == "fx_rates.xlsx"


def _balances_parquet(path: Path, rows: int = 4000) -> None:
    base = minimal_tables()["balances"]
    table = pa.table(
        {
            "date": [r["date"] for r in base] * rows,
            "account_id": [r["account_id"] for r in base] * rows,
            "balance": [str(r["balance"]) for r in base] * rows,
        }
    )
    pq.write_table(table, path, compression="zstd", row_group_size=len(base) * rows // 3)


def test_a_parquet_file_with_a_corrupt_page_names_the_file_and_row_group(tmp_path: Path) -> None:
    def corrupt(pkg: Path) -> None:
        replace(pkg, "balances")
        path = pkg / "balances.parquet"
        _balances_parquet(path)
        chunk = pq.ParquetFile(path).metadata.row_group(1).column(1)
        data = bytearray(path.read_bytes())
        middle = chunk.data_page_offset + chunk.total_compressed_size // 2
        for i in range(middle, middle + 16):
            data[i] ^= 0x5A
        path.write_bytes(bytes(data))

    problems = check(tmp_path, corrupt)
    [refused] = errors(problems, "parquet.corrupt")
    assert (refused.place.file, refused.place.row_group) == ("balances.parquet", 1)


# --- 2. bad data that would change pay does not get in -------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet-typed"])
def test_a_negative_balance_is_refused_whatever_the_format(tmp_path: Path, fmt: str) -> None:
    tables = minimal_tables()
    tables["balances"][1]["balance"] = "-500.00"  # the loan A2

    def typed(pkg: Path) -> None:
        if fmt != "parquet-typed":
            return
        replace(pkg, "balances")
        rows = tables["balances"]
        pq.write_table(
            pa.table(
                {
                    "date": pa.array([date.fromisoformat(r["date"]) for r in rows], pa.date32()),
                    "account_id": [r["account_id"] for r in rows],
                    "balance": pa.array([Decimal(r["balance"]) for r in rows], pa.decimal128(18, 2)),
                }
            ),
            pkg / "balances.parquet",
        )

    [refused] = errors(check(tmp_path, typed, tables), "value.negative")
    # a CSV's line counts its header; a Parquet file's row does not
    assert (refused.place.line, refused.place.column) == ((3 if fmt == "csv" else 2), "balance")
    assert refused.place.file == ("balances.csv" if fmt == "csv" else "balances.parquet")


def test_negative_interest_is_refused(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["loan_interest"] = [{"month": "2025-01", "account_id": "A2", "due": "100.00", "received": "-1.00"}]
    [refused] = errors(check(tmp_path, tables=tables), "value.negative")
    assert (refused.place.file, refused.place.column) == ("loan_interest.csv", "received")


@pytest.mark.parametrize("fmt", ["csv", "parquet-typed"])
def test_a_date_outside_1900_to_2099_is_refused(tmp_path: Path, fmt: str) -> None:
    tables = minimal_tables()
    tables["balances"][0]["date"] = "0000-01-01"

    def typed(pkg: Path) -> None:
        if fmt != "parquet-typed":
            return
        replace(pkg, "balances")
        rows = tables["balances"]
        days = [date(1, 1, 1) if r["date"] == "0000-01-01" else date.fromisoformat(r["date"]) for r in rows]
        pq.write_table(
            pa.table(
                {
                    "date": pa.array(days, pa.date32()),
                    "account_id": [r["account_id"] for r in rows],
                    "balance": pa.array([Decimal(str(r["balance"])) for r in rows], pa.decimal128(18, 2)),
                }
            ),
            pkg / "balances.parquet",
        )

    [refused] = errors(check(tmp_path, typed, tables), "value.date_range")
    assert (refused.place.line, refused.place.column) == ((2 if fmt == "csv" else 1), "date")


def test_a_file_named_like_a_table_in_another_case_is_refused_not_ignored(tmp_path: Path) -> None:
    def misnamed(pkg: Path) -> None:
        (pkg / "Violations.csv").write_text(
            "rm_id,date,code,points,veto\n0001,2025-01-01,MISAPPROPRIATION,8,true\n", encoding="utf-8"
        )

    [refused] = errors(check(tmp_path, misnamed), "table.misnamed")
    assert refused.place.file == "Violations.csv"
    assert refused.params["table"] == "violations"


def test_a_formula_without_a_value_is_refused_with_its_cell(tmp_path: Path) -> None:
    def formula(pkg: Path) -> None:
        from openpyxl import Workbook

        replace(pkg, "fx_rates")
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["date", "currency", "cny_per_unit"])
        sheet.append(["2024-12-31", "USD", "=7+0.1884"])  # openpyxl writes no cached value
        sheet.append(["2025-01-02", "USD", 7.1879])
        book.save(pkg / "fx_rates.xlsx")

    problems = check(tmp_path, formula)
    [refused] = errors(problems, "xlsx.formula")
    assert (refused.place.file, refused.place.line, refused.place.column) == ("fx_rates.xlsx", 2, "cny_per_unit")
    assert "C2" in refused.render("zh")
    assert not [p for p in problems if p.code == "value.required"]  # never reported as merely empty


def test_a_formula_with_its_saved_value_is_read_and_warned_about(tmp_path: Path) -> None:
    def formula(pkg: Path) -> None:
        replace(pkg, "fx_rates")
        write_xlsx(pkg / "fx_rates.xlsx", minimal_tables()["fx_rates"])
        path = pkg / "fx_rates.xlsx"
        with zipfile.ZipFile(path) as z:
            members = {i.filename: z.read(i.filename) for i in z.infolist()}
        sheet = members["xl/worksheets/sheet1.xml"].decode("utf-8")
        value = re.search(r'<c r="C2"[^>]*>(.*?)</c>', sheet)
        assert value is not None
        sheet = sheet.replace(value.group(0), '<c r="C2"><f>7+0.1884</f><v>7.1884</v></c>')
        members["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members.items():
                z.writestr(name, data)

    problems = check(tmp_path, formula)
    assert not [p for p in problems if p.severity is Severity.ERROR]
    [warned] = [p for p in problems if p.code == "xlsx.formula_cached"]
    assert warned.params == {"count": 1, "first": "C2"}


def test_mixed_utf8_and_gbk_lines_are_refused_with_the_line(tmp_path: Path) -> None:
    def mixed(pkg: Path) -> None:
        lines = csv_text(minimal_tables()["orgs"]).splitlines(keepends=True)
        data = b"".join(line.encode("gbk" if i == 3 else "utf-8") for i, line in enumerate(lines))
        (pkg / "orgs.csv").write_bytes(data)

    [refused] = errors(check(tmp_path, mixed), "file.mixed_encoding")
    assert (refused.place.file, refused.place.line) == ("orgs.csv", 4)
    assert refused.params["utf8_line"] == 2


def test_a_bom_followed_by_gbk_is_named_as_such_not_as_a_missing_column(tmp_path: Path) -> None:
    def bom(pkg: Path) -> None:
        (pkg / "orgs.csv").write_bytes(b"\xef\xbb\xbf" + csv_text(minimal_tables()["orgs"]).encode("gbk"))

    problems = check(tmp_path, bom)
    [refused] = errors(problems, "file.bom_not_utf8")
    assert refused.place.file == "orgs.csv"
    assert not [p for p in problems if p.code == "header.missing_column"]


@pytest.mark.parametrize(
    ("table", "index", "column", "value"),
    [
        ("customers", 0, "customer_id", "C1\x1b[31m"),
        ("accounts", 0, "product", "DEP\x00DEMAND"),
        ("managers", 0, "name", "张\x07三"),
        ("orgs", 2, "name", "一支行\x1b]0;pwned\x07"),
    ],
    ids=["esc-in-id", "nul-in-code", "bell-in-name", "osc-in-name"],
)
def test_control_characters_are_refused_and_never_shown_raw(
    tmp_path: Path, table: str, index: int, column: str, value: str
) -> None:
    tables = minimal_tables()
    tables[table][index][column] = value
    [refused] = [p for p in errors(check(tmp_path, tables=tables), "value.control") if p.place.column == column]
    assert refused.place.file == f"{table}.csv"
    assert "\\x" in refused.render("zh")  # shown as a visible escape


def test_a_duplicate_key_across_two_parquet_files_names_both_files(tmp_path: Path) -> None:
    def two_files(pkg: Path) -> None:
        rows = minimal_tables()["balances"]
        replace(pkg, "balances")
        (pkg / "balances").mkdir()
        write_parquet(pkg / "balances" / "a.parquet", rows[:3])
        write_parquet(pkg / "balances" / "b.parquet", rows[:1] + rows[3:])

    [duplicate] = errors(check(tmp_path, two_files), "key.duplicate_file")
    assert (duplicate.place.file, duplicate.place.line) == ("balances/b.parquet", 1)
    assert duplicate.params["first_file"] == "balances/a.parquet"
    assert "balances/a.parquet" in duplicate.render("zh")


def test_a_malformed_key_value_is_not_also_reported_as_a_duplicate(tmp_path: Path) -> None:
    tables = minimal_tables()
    for term in ("x", "y"):
        tables["ftp_rates"].append(
            {"valid_from": "2025-01-01", "product": "LOAN_X", "rate": "0.0250", "term_months": term}
        )
    problems = check(tmp_path, tables=tables)
    assert len(errors(problems, "value.int")) == 2
    assert not [p for p in problems if p.code.startswith("key.duplicate")]
