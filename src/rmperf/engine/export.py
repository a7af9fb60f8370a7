"""Writing indicator values to CSV, Parquet or XLSX (for ``rmperf indicators``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rmperf.core import indicators as catalogue
from rmperf.core.indicators import IndicatorDef
from rmperf.engine.indicators import IndicatorValue
from rmperf.tabular import Workbook, write_csv

HEADER = ("period", "owner_kind", "owner_id", "indicator", "indicator_zh", "category", "unit", "value")


def indicator_defs() -> dict[str, IndicatorDef]:
    """Every indicator a scheme may read (the catalogue without its signals)."""
    return {c: d for c, d in catalogue.CATALOGUE.items() if c in catalogue.SCHEME_CODES}


def rows_of(period: str, values: Sequence[IndicatorValue]) -> list[tuple[str, ...]]:
    defs = indicator_defs()
    return [
        (
            period,
            v.owner_kind,
            v.owner_id,
            v.indicator,
            defs[v.indicator].zh,
            v.category,
            defs[v.indicator].unit,
            str(v.value),
        )
        for v in values
    ]


def write(path: Path, period: str, values: Sequence[IndicatorValue]) -> None:
    """Write ``values`` to ``path``; the suffix (.csv, .parquet, .xlsx) picks the format."""
    rows = rows_of(period, values)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_csv(path, HEADER, rows)
    elif suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns = {h: [r[i] for r in rows] for i, h in enumerate(HEADER[:-1])}
        table = pa.table(
            {
                **{h: pa.array(c, pa.string()) for h, c in columns.items()},
                # exact: Decimal → decimal128, never through float
                "value": pa.array([v.value for v in values], pa.decimal128(38, 2)),
            }
        )
        pq.write_table(table, path)
    elif suffix == ".xlsx":
        with Workbook(path) as wb:
            sheet = wb.book.add_worksheet("indicators")
            money = wb.book.add_format({"num_format": "#,##0.00"})
            wb.row(sheet, 0, [*HEADER, "value_text"])
            for i, row in enumerate(rows, start=1):
                wb.row(sheet, i, row[:-1])
                # a spreadsheet has only binary numbers; the value is also kept as exact text in column I
                wb.cell(sheet, i, len(HEADER) - 1, values[i - 1].value, money)
                wb.cell(sheet, i, len(HEADER), row[-1])
    else:
        raise ValueError(f"unsupported export format {suffix!r}: use .csv, .parquet or .xlsx")
