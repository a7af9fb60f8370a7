"""Problems found in a data package, kept as values (code + params + place).

Like beancount's errors, a problem is a value: validation collects every
one of them and the caller decides how to show them, in which language.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from rmperf.i18n import get_language, w
from rmperf.messages import Message


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
            parts.append(shown(self.file))
        elif self.table:
            parts.append(f"{w('table', lang)} {self.table}")
        if self.line is not None:
            if self.row_group is not None:
                parts.append(w("row", lang, n=self.line, g=self.row_group))
            else:
                parts.append(w("line", lang, n=self.line))
        if self.column:
            column = shown(self.column)
            if self.column_letter:
                parts.append(w("column_letter", lang, name=column, letter=self.column_letter))
            elif self.column_pos:
                parts.append(w("column_pos", lang, name=column, pos=self.column_pos))
            else:
                parts.append(w("column", lang, name=column))
        return ", ".join(parts) if (lang or get_language()) == "en" else ",".join(parts)


@dataclass(frozen=True)
class Problem:
    severity: Severity
    code: str
    place: Place = field(default_factory=Place)
    params: dict[str, Any] = field(default_factory=dict)

    def what(self, lang: str | None = None) -> str:
        """The problem without its severity and place."""
        return Message(self.code, self.params).render(lang)

    def render(self, lang: str | None = None) -> str:
        label = w(self.severity.value, lang)
        where = self.place.render(lang)
        sep = ": " if (lang or get_language()) == "en" else ":"
        if not where:
            return f"{label}{sep}{self.what(lang)}"
        return f"{label} {where}{sep}{self.what(lang)}"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        """A problem as the import log keeps it (:meth:`as_dict`), to render in any language."""
        place = {k: v for k, v in (data.get("place") or {}).items() if k in Place.__dataclass_fields__}
        return cls(
            Severity(data.get("severity", "error")), str(data["code"]), Place(**place), dict(data.get("params") or {})
        )


#: the longest text a message quotes from a package
QUOTE_CHARS = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    """Text quoted from a package as a message may show it: control characters as visible escapes
    (``\\x1b``), never raw to a terminal or a log, and at most :data:`QUOTE_CHARS` characters."""
    safe = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return safe if len(safe) <= QUOTE_CHARS else safe[:QUOTE_CHARS] + f"…({len(text):,})"


def _plain(value: Any) -> Any:
    """Message parameters as JSON-safe values (they are stored with the import), safe to show."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, date):
        return value.isoformat()
    return shown(str(value))


def error(code: str, place: Place | None = None, **params: Any) -> Problem:
    return Problem(Severity.ERROR, code, place or Place(), {k: _plain(v) for k, v in params.items()})


def warning(code: str, place: Place | None = None, **params: Any) -> Problem:
    return Problem(Severity.WARNING, code, place or Place(), {k: _plain(v) for k, v in params.items()})
