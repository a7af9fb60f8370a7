"""What an import accepts at most: an untrusted package must not exhaust the host.

A data package comes from another system, or from someone's laptop: it may be a decompression bomb, a
file of one endless line, or a field of a hundred megabytes that every later run would copy. Each
limit has a safe default, well above what a real bank's export holds, and can be set for a home
through the environment (``RMPERF_IMPORT_<NAME>``, e.g. ``RMPERF_IMPORT_TEXT_CHARS=8000``). A breach
is an error naming the file, line and column, and the import stores nothing (docs/import-limits.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from rmperf.contract import ColType, Column

MIB = 1 << 20


@dataclass(frozen=True)
class ImportLimits:
    """The limits of one import. Sizes are bytes, lengths are characters."""

    #: an XLSX file's members uncompressed, all together
    xlsx_bytes: int = 256 * MIB
    #: uncompressed ÷ compressed of one XLSX member larger than ``xlsx_ratio_from`` (XML packs ~10 : 1)
    xlsx_ratio: int = 100
    xlsx_ratio_from: int = 1 * MIB
    #: one line (record) of a CSV file
    line_bytes: int = 1 * MIB
    #: the rows of one file (a month of a large bank's balances is ~300 million)
    rows_per_file: int = 500_000_000
    #: an id, code, enum or currency (account and customer ids, product codes)
    id_chars: int = 64
    #: a name (机构、客户经理 names)
    name_chars: int = 200
    #: free text (a violation's description, an unknown column's values)
    text_chars: int = 4000
    #: a column name of the header
    header_chars: int = 64

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ImportLimits:
        """The defaults, each replaced by ``RMPERF_IMPORT_<NAME>`` when set to a positive whole number."""
        env = os.environ if env is None else env
        values: dict[str, int] = {}
        for f in fields(cls):
            raw = env.get(f"RMPERF_IMPORT_{f.name.upper()}")
            if raw is None or not raw.strip():
                continue
            try:
                value = int(raw.strip().replace("_", ""))
            except ValueError:
                raise ValueError(f"RMPERF_IMPORT_{f.name.upper()} must be a whole number, not {raw!r}") from None
            if value <= 0:
                raise ValueError(f"RMPERF_IMPORT_{f.name.upper()} must be positive, not {value}")
            values[f.name] = value
        return cls(**values)

    def chars(self, column: Column | None) -> int:
        """The longest value a column may hold (``None``: a column the contract does not know)."""
        if column is None:
            return self.text_chars
        if column.type is ColType.TEXT:
            return self.name_chars if column.name == "name" else self.text_chars
        return self.id_chars


#: characters no value may hold: C0 controls (NUL, ESC, BEL …), DEL and C1 controls, as an RE2 class
CONTROL = r"[\x00-\x1F\x7F\x{80}-\x{9F}]"
#: the same, except tab, line feed and carriage return, which names and free text may hold
CONTROL_IN_TEXT = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\x{80}-\x{9F}]"
