"""Writing the data package: CSV tables and value formatting.

Tables are passed as ``{column: list of str}``; the writer checks the
columns against :mod:`rmperf.contract` and writes them in contract order.
Formatting is exact: amounts come in as integer fen, never as floats.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from rmperf import contract

Columns = Mapping[str, Sequence[str]]


def write_csv(out: Path, table_name: str, columns: Columns) -> int:
    """Write ``out/NAME.csv`` (UTF-8, no BOM, ``\\n``) and return the number of rows.

    Raises ValueError when a column is not in the contract, a required
    column is missing or the columns differ in length.
    """
    spec = contract.table(table_name)
    unknown = [name for name in columns if name not in spec.column_index]
    missing = [c.name for c in spec.required_columns if c.name not in columns]
    if unknown or missing:
        raise ValueError(f"{table_name}: unknown columns {unknown}, missing {missing}")
    names = [c.name for c in spec.columns if c.name in columns]
    lengths = {len(columns[name]) for name in names}
    if len(lengths) > 1:
        raise ValueError(f"{table_name}: columns of different lengths {lengths}")
    with (out / f"{table_name}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(zip(*(columns[name] for name in names), strict=False))
    return lengths.pop() if lengths else 0


def fen_text(fen: npt.ArrayLike) -> list[str]:
    """Amounts given in integer fen (分) as yuan text with two decimals, e.g. ``12.05``."""
    values = np.asarray(fen, dtype=np.int64)
    if (values < 0).any():
        raise ValueError("negative amount")
    return [f"{v // 100}.{v % 100:02d}" for v in values.tolist()]


def yuan_to_fen(yuan: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Round amounts in yuan (float) half-even to integer fen."""
    return np.rint(np.asarray(yuan, dtype=np.float64) * 100.0).astype(np.int64)


def decimal_text(values: npt.ArrayLike, digits: int) -> list[str]:
    """Decimals (rates as annual fractions, FX, scores) with ``digits`` fraction digits; NaN → ``""``."""
    arr = np.asarray(values, dtype=np.float64)
    return ["" if v != v else f"{v:.{digits}f}" for v in arr.tolist()]


def int_text(values: npt.ArrayLike, *, blank: int | None = None) -> list[str]:
    """Whole numbers as text; the value ``blank`` (if given) becomes ``""``."""
    return ["" if v == blank else str(v) for v in np.asarray(values, dtype=np.int64).tolist()]


def bool_text(values: npt.ArrayLike) -> list[str]:
    """Booleans as ``true``/``false``."""
    return ["true" if v else "false" for v in np.asarray(values, dtype=bool).tolist()]


def id_text(prefix: str, numbers: npt.ArrayLike, width: int) -> list[str]:
    """Ids such as ``R0007``: a prefix and a zero-padded number."""
    return [f"{prefix}{v:0{width}d}" for v in np.asarray(numbers, dtype=np.int64).tolist()]


def pick(labels: Sequence[str], codes: npt.ArrayLike) -> list[str]:
    """Map integer codes to labels (``-1`` → ``""``)."""
    table = [*labels, ""]
    return [table[c] for c in np.asarray(codes, dtype=np.int64).tolist()]
