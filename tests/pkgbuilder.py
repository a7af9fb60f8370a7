"""Write small data packages for tests, table by table, in any format."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

Rows = list[dict[str, Any]]


def minimal_tables() -> dict[str, Rows]:
    """A small valid package: 1 head, 1 branch, 2 sub-branches, 3 RMs, a USD account."""
    return {
        "orgs": [
            {"org_id": "H", "parent_id": "", "name": "总行", "level": "head", "region_type": "urban"},
            {"org_id": "B1", "parent_id": "H", "name": "城东分行", "level": "branch", "region_type": "agri_county"},
            {"org_id": "S1", "parent_id": "B1", "name": "一支行", "level": "subbranch", "region_type": ""},
            {"org_id": "S2", "parent_id": "B1", "name": "二支行", "level": "subbranch", "region_type": "urban"},
        ],
        "managers": [
            {
                "rm_id": "0001",
                "name": "张三",
                "org_id": "S1",
                "post": "retail",
                "grade": "mid_1",
                "rm_since": "2019-03-01",
            },
            {
                "rm_id": "0002",
                "name": "李四",
                "org_id": "S1",
                "post": "corporate",
                "grade": "senior_3",
                "rm_since": "2015-07-01",
            },
            {
                "rm_id": "0003",
                "name": "王五",
                "org_id": "S2",
                "post": "wealth",
                "grade": "trainee",
                "rm_since": "2025-01-01",
                "probation_until": "2025-07-01",
            },
        ],
        "customers": [
            {"customer_id": "C1", "kind": "personal", "org_id": "S1"},
            {"customer_id": "C2", "kind": "corporate", "org_id": "S1"},
            {"customer_id": "C3", "kind": "personal", "org_id": "S2"},
        ],
        "accounts": [
            {
                "account_id": "A1",
                "customer_id": "C1",
                "category": "deposit",
                "product": "DEP_DEMAND",
                "currency": "CNY",
                "opened_on": "2024-05-01",
                "rate": "0.0005",
            },
            {
                "account_id": "A2",
                "customer_id": "C2",
                "category": "loan",
                "product": "LOAN_CORP",
                "currency": "CNY",
                "opened_on": "2025-01-01",
                "rate": "0.0435",
                "guide_rate": "0.0420",
                "term_months": "12",
            },
            {
                "account_id": "A3",
                "customer_id": "C3",
                "category": "deposit",
                "product": "DEP_DEMAND",
                "currency": "USD",
                "opened_on": "2024-01-01",
                "closed_on": "2025-01-02",
                "rate": "0.0010",
            },
        ],
        "assignments": [
            {"customer_id": "C1", "rm_id": "0001", "share": "0.6", "valid_from": "2024-01-01"},
            {"customer_id": "C1", "rm_id": "0002", "share": "0.4", "valid_from": "2024-01-01", "kind": "share"},
            {"customer_id": "C2", "rm_id": "0002", "share": "1", "valid_from": "2024-01-01", "valid_to": "2025-01-02"},
            {"customer_id": "C2", "rm_id": "0001", "share": "1", "valid_from": "2025-01-02"},
            {"customer_id": "C3", "rm_id": "0003", "share": "1", "valid_from": "2024-01-01"},
        ],
        "ftp_rates": [
            {"valid_from": "2025-01-01", "product": "DEP_DEMAND", "rate": "0.0180"},
            {"valid_from": "2025-01-01", "product": "LOAN_CORP", "rate": "0.0250", "term_months": "12"},
        ],
        "fx_rates": [
            {"date": "2024-12-31", "currency": "USD", "cny_per_unit": "7.1884"},
            {"date": "2025-01-02", "currency": "USD", "cny_per_unit": "7.1879"},
        ],
        "balances": [
            {"date": "2025-01-01", "account_id": "A1", "balance": "1000.00"},
            {"date": "2025-01-01", "account_id": "A2", "balance": "500000"},
            {"date": "2025-01-01", "account_id": "A3", "balance": "200.5"},
            {"date": "2025-01-02", "account_id": "A1", "balance": "1200.10"},
            {"date": "2025-01-02", "account_id": "A2", "balance": "499000.00"},
            {"date": "2025-01-02", "account_id": "A3", "balance": "0"},
        ],
    }


def header_of(rows: Rows) -> list[str]:
    header: list[str] = []
    for row in rows:
        for key in row:
            if key not in header:
                header.append(key)
    return header


def csv_text(rows: Rows, header: list[str] | None = None) -> str:
    header = header or header_of(rows)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else row.get(h, "") for h in header])
    return buf.getvalue()


def write_package(folder: Path, tables: dict[str, Rows], formats: dict[str, str] | None = None) -> Path:
    """Write ``tables`` to ``folder``; ``formats`` maps a table to csv|gbk|bom|xlsx|parquet."""
    folder.mkdir(parents=True, exist_ok=True)
    formats = formats or {}
    for name, rows in tables.items():
        fmt = formats.get(name, "csv")
        if fmt == "csv":
            (folder / f"{name}.csv").write_text(csv_text(rows), encoding="utf-8")
        elif fmt == "bom":
            (folder / f"{name}.csv").write_text("\ufeff" + csv_text(rows), encoding="utf-8")
        elif fmt == "gbk":
            (folder / f"{name}.csv").write_bytes(csv_text(rows).encode("gbk"))
        elif fmt == "xlsx":
            write_xlsx(folder / f"{name}.xlsx", rows)
        elif fmt == "parquet":
            write_parquet(folder / f"{name}.parquet", rows)
        else:
            raise ValueError(fmt)
    return folder


def write_xlsx(path: Path, rows: Rows) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    header = header_of(rows)
    ws.append(header)
    for row in rows:
        ws.append([row.get(h) if row.get(h) != "" else None for h in header])
    wb.save(path)


def write_parquet(path: Path, rows: Rows) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    header = header_of(rows)
    data = {h: pa.array([None if r.get(h) in (None, "") else str(r[h]) for r in rows], pa.string()) for h in header}
    pq.write_table(pa.table(data), path)
