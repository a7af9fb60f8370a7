"""The one writer of the CSV and XLSX files rmperf produces (exports, workbooks, the demo's tables).

Every cell of text goes through :func:`escape_text`: a leading character that a spreadsheet reads as
the start of a formula (``= + - @``, tab, CR and their full-width forms) gets a ``'`` before it
(OWASP, CSV/formula injection); in a CSV, text that is a plain decimal number ("-12.50") stays a
number. Workbooks are opened with ``strings_to_formulas``, ``strings_to_urls`` and
``strings_to_numbers`` off, so no text ever becomes a formula, a link or a number. A name such as
``=HYPERLINK("http://…", "点击")`` in the data reaches a branch manager's workbook as text.

Files are written to a temporary name beside the target and renamed into place: a failed export
leaves no half-written file.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

import xlsxwriter

#: first characters that make a spreadsheet read text as a formula (OWASP), and their full-width forms
FORMULA_START = frozenset("=+-@\t\r＝＋－＠")
#: Excel's limit on the text of one cell
MAX_CELL_TEXT = 32767
#: the options every workbook is opened with: text stays text
WORKBOOK_OPTIONS: Mapping[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


def escape_text(value: object) -> str:
    """``value`` as cell text that no spreadsheet reads as a formula (``'`` before ``= + - @``, tab, CR)."""
    text = "" if value is None else str(value)
    if text and text[0] in FORMULA_START:
        text = "'" + text
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "…"
    return text


def csv_cell(value: object) -> str:
    """One CSV cell: numbers as exact text, booleans as ``true``/``false``, dates ISO, text escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = str(value)
    return text if _is_number(text) else escape_text(text)


@contextmanager
def _replacing(path: Path, *, encoding: str | None = None, binary: bool = False) -> Iterator[IO[Any]]:
    """A file at a temporary name beside ``path``, renamed onto it when the block ends without error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(
            fd, "wb" if binary else "w", encoding=None if binary else encoding, newline=None if binary else ""
        ) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(path: Path, data: bytes) -> None:
    """Write a document (a service's bytes) to ``path`` whole or not at all."""
    with _replacing(path, binary=True) as fh:
        fh.write(data)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = True) -> int:
    """Write ``header`` and ``rows`` to ``path`` as CSV; the rows written.

    UTF-8 with a BOM by default, so that Excel opens it as UTF-8 (``bom=False`` for files rmperf
    reads back, such as the demo's inputs).
    """
    count = 0
    with _replacing(path, encoding="utf-8-sig" if bom else "utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([csv_cell(h) for h in header])
        for row in rows:
            writer.writerow([csv_cell(v) for v in row])
            count += 1
    return count


def write_dicts(path: Path, rows: Sequence[Mapping[str, object]], columns: Sequence[str] | None = None) -> int:
    """``rows`` (mappings) as CSV, columns in the order of ``columns`` (default: the first row's)."""
    names = list(columns if columns is not None else (rows[0] if rows else []))
    return write_csv(path, names, ([r.get(c) for c in names] for r in rows))


class Workbook:
    """An XLSX workbook that writes text as text (see the module's docstring), renamed into place on close.

    ``book`` is the xlsxwriter workbook, for formats and sheets; :meth:`cell` and :meth:`row` write
    values by type (text escaped, exact numbers as the nearest double, dates as text).
    """

    def __init__(self, path: Path, options: Mapping[str, Any] | None = None) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
        self._tmp = Path(tmp)
        self.book = xlsxwriter.Workbook(tmp, {**(options or {}), **WORKBOOK_OPTIONS})

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, kind: object, error: object, tb: object) -> None:
        if error is None:
            self.close()
        else:
            self.discard()

    def close(self) -> None:
        self.book.close()
        os.replace(self._tmp, self.path)

    def discard(self) -> None:
        try:
            self.book.close()
        finally:
            self._tmp.unlink(missing_ok=True)

    @staticmethod
    def cell(sheet: Any, row: int, col: int, value: object, fmt: Any = None) -> None:
        if value is None:
            sheet.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value, fmt)
        elif isinstance(value, Decimal):
            if value.is_finite():
                # a spreadsheet has only binary numbers: the nearest double (exports keep exact text beside it)
                sheet.write_number(row, col, float(value), fmt)
            else:
                sheet.write_string(row, col, escape_text(value), fmt)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value, fmt)
        elif isinstance(value, date | datetime):
            sheet.write_string(row, col, value.isoformat(), fmt)
        else:
            text = str(value)
            # a text cell is never evaluated; a plain decimal ("-12.50", the exact text of a figure) stays as it is
            sheet.write_string(row, col, text if _is_number(text) else escape_text(text), fmt)

    def row(self, sheet: Any, row: int, values: Sequence[object], fmt: Any = None, col: int = 0) -> None:
        for i, value in enumerate(values):
            self.cell(sheet, row, col + i, value, fmt)


def write_xlsx(
    path: Path, sheet: str, header: Sequence[str], rows: Iterable[Sequence[object]], *, widths: Sequence[int] = ()
) -> int:
    """One sheet of ``header`` and ``rows``, the header bold and frozen; the rows written."""
    count = 0
    with Workbook(path) as wb:
        ws = wb.book.add_worksheet(sheet[:31])
        bold = wb.book.add_format({"bold": True})
        wb.row(ws, 0, header, bold)
        for i, values in enumerate(rows, start=1):
            wb.row(ws, i, values)
            count += 1
        for i, width in enumerate(widths):
            ws.set_column(i, i, width)
        ws.freeze_panes(1, 0)
    return count
