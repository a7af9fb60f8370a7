"""Problems found in a data package, kept as values (code + params + place).

Like beancount's errors, a problem is a value: validation collects every
one of them and the caller decides how to show them, in which language.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from rmperf.i18n import get_language, t, w


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Place:
    """Where a problem is: table, file, line (or Parquet row), column."""

    table: str | None = None
    file: str | None = None
    #: 1-based line of a CSV file (header = line 1), row of an XLSX sheet,
    #: or 1-based row of a Parquet file
    line: int | None = None
    #: Parquet row group of ``line`` (0-based), when the file is Parquet
    row_group: int | None = None
    column: str | None = None
    #: 1-based position of the column in the file's header
    column_pos: int | None = None
    #: spreadsheet column letter (XLSX)
    column_letter: str | None = None

    def render(self, lang: str | None = None) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        elif self.table:
            parts.append(f"{w('table', lang)} {self.table}")
        if self.line is not None:
            if self.row_group is not None:
                parts.append(w("row", lang, n=self.line, g=self.row_group))
            else:
                parts.append(w("line", lang, n=self.line))
        if self.column:
            if self.column_letter:
                parts.append(w("column_letter", lang, name=self.column, letter=self.column_letter))
            elif self.column_pos:
                parts.append(w("column_pos", lang, name=self.column, pos=self.column_pos))
            else:
                parts.append(w("column", lang, name=self.column))
        return ", ".join(parts) if (lang or get_language()) == "en" else ",".join(parts)


@dataclass(frozen=True)
class Problem:
    severity: Severity
    code: str
    place: Place = field(default_factory=Place)
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        return t(self.code, self.params, lang)

    def render(self, lang: str | None = None) -> str:
        label = w(self.severity.value, lang)
        where = self.place.render(lang)
        sep = ": " if (lang or get_language()) == "en" else ":"
        if not where:
            return f"{label}{sep}{self.message(lang)}"
        return f"{label} {where}{sep}{self.message(lang)}"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def _plain(value: Any) -> Any:
    """Message parameters as JSON-safe values (they are stored with the import)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def error(code: str, place: Place | None = None, **params: Any) -> Problem:
    return Problem(Severity.ERROR, code, place or Place(), {k: _plain(v) for k, v in params.items()})


def warning(code: str, place: Place | None = None, **params: Any) -> Problem:
    return Problem(Severity.WARNING, code, place or Place(), {k: _plain(v) for k, v in params.items()})
