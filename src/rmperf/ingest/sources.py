"""Find a package's tables and load each into DuckDB as text, with its lines.

Every table, whatever its format, becomes one DuckDB relation ``raw_<table>``
with one VARCHAR column per column of the file plus ``_file`` (the file's
name inside the package) and ``_line`` (CSV: the physical line, header =
1; XLSX: the sheet row; Parquet: the 1-based row of the file). Validation
and storage then work on that one shape.

CSV is read by DuckDB directly when it is plain UTF-8; a GBK file is
transcoded to UTF-8 first (DuckDB's own GBK support is an extension we may
not download). When a CSV has quoted line breaks, blank lines or malformed
records, DuckDB's record numbers are not line numbers, so the file is read
again with Python's csv module, which knows each record's line.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import re
import stat
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from rmperf.contract import TABLE_INDEX, ColType, Table
from rmperf.ingest.limits import ImportLimits
from rmperf.ingest.problems import Place, Problem, error, warning

CHUNK = 1 << 20
BATCH_ROWS = 100_000
FORMATS = (".csv", ".parquet", ".xlsx")
MONEY_TYPES = (ColType.AMOUNT, ColType.RATE, ColType.FX, ColType.SHARE, ColType.DECIMAL)


@dataclass
class Source:
    """One table of the package, loaded as text into DuckDB."""

    table: Table
    kind: str  # csv | xlsx | parquet
    path: Path  # the file or folder in the package
    display: str  # its name relative to the package, for messages
    files: list[Path] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: int = 0
    relation: str = ""
    #: per Parquet file (display name): first row of each row group
    row_group_starts: dict[str, list[int]] = field(default_factory=dict)
    #: Parquet columns whose stored type is already the contract's (DATE for
    #: a date, DECIMAL with ≤ 2 fraction digits for an amount, …): they are
    #: kept typed, not checked as text — the big tables come this way
    native: dict[str, str] = field(default_factory=dict)

    @property
    def extra_columns(self) -> list[str]:
        """Columns of the file the contract does not know: kept, not used."""
        return [h for h in self.header if h not in self.table.column_index and not h.startswith("_") and h != "month"]

    def place(self, line: int | None = None, column: str | None = None, file: str | None = None) -> Place:
        """The :class:`Place` of ``line``/``column`` in this source."""
        shown = file or self.display
        row_group = None
        if self.kind == "parquet" and line is not None:
            starts = self.row_group_starts.get(shown, [])
            row_group = max((i for i, s in enumerate(starts) if s <= line - 1), default=0)
        pos = letter = None
        if column is not None and column in self.header:
            pos = self.header.index(column) + 1
            if self.kind == "xlsx":
                from openpyxl.utils import get_column_letter

                letter = get_column_letter(pos)
        return Place(
            table=self.table.name,
            file=shown,
            line=line,
            row_group=row_group,
            column=column,
            column_pos=pos,
            column_letter=letter,
        )


@dataclass
class LoadedPackage:
    sources: dict[str, Source]
    problems: list[Problem]
    content_hash: str
    unknown_files: list[str]


#: formula cells without a value listed per file (the rest are counted)
FORMULA_LIST = 20
#: the signature of an OLE2 compound file: the old .xls format, or an encrypted (password-protected) workbook
OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def entry_kind(path: Path) -> str:
    """``file``, ``dir``, or what else the entry is (``link``, ``fifo``, ``device``, ``socket``), never
    following a link: a package is read only from regular files inside its own folder."""
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


@dataclass
class Discovery:
    """What a package folder holds: each table's candidate entries, and what is not a table."""

    found: dict[str, list[Path]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    #: (entry name, table): an entry named like a table in another case or spelling (``Violations.csv``)
    misnamed: list[tuple[str, str]] = field(default_factory=list)
    #: (entry name, kind): a link, FIFO, device or socket named like a table, refused unopened
    special: list[tuple[str, str]] = field(default_factory=list)


def _table_like(name: str) -> str | None:
    """The table a name resembles (case, spaces and hyphens aside), when it is not exactly its name."""
    folded = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return folded if folded in TABLE_INDEX and folded != name else None


def discover(package: Path) -> Discovery:
    """Each table's candidate entries in ``package``, and the entries that are not tables."""
    out = Discovery()
    for entry in sorted(package.iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        kind = entry_kind(entry)
        suffix = entry.suffix.lower()
        name = entry.name if kind == "dir" else entry.stem if suffix in FORMATS else None
        if kind not in ("file", "dir"):
            stem = entry.stem if suffix in FORMATS else entry.name
            if stem in TABLE_INDEX or _table_like(stem):
                out.special.append((entry.name, kind))
            else:
                out.unknown.append(entry.name)
            continue
        if name is None:
            out.unknown.append(entry.name)
        elif name in TABLE_INDEX:
            out.found.setdefault(name, []).append(entry)
        elif (resembles := _table_like(name)) is not None:
            out.misnamed.append((entry.name, resembles))
        else:
            out.unknown.append(entry.name)
    return out


def walk_files(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The regular files below ``folder`` and every entry that is neither a file nor a folder (links are
    not followed)."""
    files: list[Path] = []
    special: list[tuple[Path, str]] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        for entry in sorted(current.iterdir()):
            kind = entry_kind(entry)
            if kind == "dir":
                stack.append(entry)
            elif kind == "file":
                files.append(entry)
            else:
                special.append((entry, kind))
    return sorted(files), special


def quote_ident(name: str) -> str:
    """Quote a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """Quote a DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


class Loader:
    """Loads every table of one package into a DuckDB connection."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, package: Path, staging: Path, limits: ImportLimits | None = None
    ) -> None:
        self.con = con
        self.package = package
        self.staging = staging
        self.limits = limits or ImportLimits.from_env()
        self.problems: list[Problem] = []
        self.hasher = hashlib.sha256()

    # -- entry point ---------------------------------------------------------
    def load(self) -> LoadedPackage:
        if not self.package.exists():
            return LoadedPackage({}, [error("package.not_found", path=str(self.package))], "", [])
        if not self.package.is_dir():
            return LoadedPackage({}, [error("package.not_dir", path=str(self.package))], "", [])
        discovery = discover(self.package)
        found, unknown = discovery.found, discovery.unknown
        sources: dict[str, Source] = {}
        for name in unknown:
            self.problems.append(warning("table.unknown_file", Place(file=name), file=name))
        for name, resembles in discovery.misnamed:
            self.problems.append(error("table.misnamed", Place(table=resembles, file=name), file=name, table=resembles))
        for name, kind in discovery.special:
            self.problems.append(error(f"file.not_regular_{kind}", Place(file=name), file=name))
        for name, paths in sorted(found.items()):
            table = TABLE_INDEX[name]
            if len(paths) > 1:
                shown = ", ".join(p.name for p in paths)
                self.problems.append(error("table.ambiguous", Place(table=name), table=name, files=shown))
                continue
            path = paths[0]
            kind = "parquet" if path.is_dir() else path.suffix.lower().lstrip(".")
            display = path.name + ("/" if path.is_dir() else "")
            source = Source(table, kind, path, display)
            self.hasher.update(f"\x00{display}\x00".encode())
            try:
                ok = {"csv": self._load_csv, "xlsx": self._load_xlsx, "parquet": self._load_parquet}[kind](source)
            except (OSError, duckdb.Error, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
                self.problems.append(error("file.unreadable", source.place(), detail=_first_line(exc)))
                ok = False
            if ok and source.rows > self.limits.rows_per_file:
                self.problems.append(
                    error("file.too_many_rows", source.place(), rows=source.rows, limit=self.limits.rows_per_file)
                )
                ok = False
            if ok:
                sources[name] = source
        named = {name for _, name in discovery.misnamed} | {
            _table_like(n.rsplit(".", 1)[0]) or n.rsplit(".", 1)[0] for n, _ in discovery.special
        }
        for table in TABLE_INDEX.values():
            if table.required and table.name not in found and table.name not in named:
                self.problems.append(error("table.missing", Place(table=table.name), table=table.name))
        return LoadedPackage(sources, self.problems, self.hasher.hexdigest(), unknown)

    # -- header ----------------------------------------------------------------
    def _check_header(self, source: Source) -> bool:
        ok = True
        seen: set[str] = set()
        for pos, name in enumerate(source.header, start=1):
            if len(name) > self.limits.header_chars or CONTROL_CHARS.search(name):
                # a column name is an identifier of the store: no control characters, no pages of text
                self.problems.append(
                    error("header.bad_name", source.place(), pos=pos, name=name, limit=self.limits.header_chars)
                )
                return False
        for name in source.header:
            if name in seen:
                self.problems.append(error("header.duplicate_column", source.place(column=name), column=name))
                ok = False
            seen.add(name)
        for col in source.table.required_columns:
            if col.name not in seen:
                self.problems.append(error("header.missing_column", source.place(column=col.name), column=col.name))
                ok = False
        for name in source.extra_columns:
            self.problems.append(warning("header.unknown_column", source.place(column=name), column=name))
        return ok

    def _make_view(self, source: Source, base: str, line_expr: str, file_expr: str) -> None:
        """Create ``raw_<table>``: one VARCHAR column per contract column."""
        cols = []
        for col in source.table.columns:
            if col.name in source.native:
                cols.append(quote_ident(col.name))
            elif col.name in source.header:
                cols.append(f"CAST({quote_ident(col.name)} AS VARCHAR) AS {quote_ident(col.name)}")
            else:
                cols.append(f"CAST(NULL AS VARCHAR) AS {quote_ident(col.name)}")
        extras = [f"CAST({quote_ident(h)} AS VARCHAR) AS {quote_ident(h)}" for h in source.extra_columns]
        source.relation = f"raw_{source.table.name}"
        select = ", ".join([*cols, *extras, f"{file_expr} AS _file", f"{line_expr} AS _line"])
        self.con.execute(f"CREATE OR REPLACE VIEW {source.relation} AS SELECT {select} FROM {base}")

    # -- CSV -------------------------------------------------------------------
    def _load_csv(self, source: Source) -> bool:
        path = source.path
        source.files = [path]
        utf8_path, lines, header_text = self._decode(source)
        if utf8_path is None:
            return False
        source.header = next(csv.reader([header_text])) if header_text else []
        source.header = [h.strip().lstrip("\ufeff") for h in source.header]
        if not self._check_header(source):
            return False
        base = f"csv_{source.table.name}"
        fast = True
        try:
            self.con.execute(
                f"CREATE OR REPLACE TABLE {base} AS SELECT * FROM read_csv({quote_literal(str(utf8_path))}, "
                "header=true, all_varchar=true, delim=',', quote='\"', escape='\"', "
                f"strict_mode=true, auto_detect=true, store_rejects=true, max_line_size={self.limits.line_bytes}, "
                f"rejects_table='rej_{source.table.name}', rejects_scan='rejscan_{source.table.name}')"
            )
            rows = self.con.execute(f"SELECT count(*) FROM {base}").fetchone()
            rejected = self.con.execute(f"SELECT count(*) FROM rej_{source.table.name}").fetchone()
            source.rows = int(rows[0]) if rows else 0
            if (rejected and rejected[0]) or lines != source.rows + 1:
                fast = False
        except (duckdb.Error, UnicodeDecodeError):
            # DuckDB's message may quote a line cut inside a character: the slow path says what is wrong
            fast = False
        if fast:
            self._make_view(source, base, "rowid + 2", quote_literal(source.display))
            return True
        return self._load_csv_slow(source, utf8_path, base)

    def _decode(self, source: Source) -> tuple[Path | None, int, str]:
        """Hash the file, check its encoding and count its lines.

        Returns the path of a UTF-8 copy (the file itself when it is UTF-8),
        the number of lines, and the header line.
        """
        path = source.path
        data_hash = hashlib.sha256()
        decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
        newlines = 0
        last = b""
        first_chunk = b""
        offset = 0
        bad_at = 0
        utf8 = True
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                data_hash.update(chunk)
                if not first_chunk:
                    first_chunk = chunk
                newlines += chunk.count(b"\n")
                last = chunk[-1:]
                if utf8:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        utf8 = False
                        bad_at = offset + exc.start
                offset += len(chunk)
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
                bad_at = offset
        self.hasher.update(data_hash.digest())
        lines = newlines + (1 if last not in (b"\n", b"") else 0)
        if utf8:
            header = first_chunk.decode("utf-8-sig", errors="replace").splitlines()[0] if first_chunk else ""
            return path, lines, header
        if first_chunk.startswith(codecs.BOM_UTF8):
            # a UTF-8 byte-order mark, then bytes that are not UTF-8: say so, not "column missing"
            self.problems.append(error("file.bom_not_utf8", source.place(line=_line_of(path, bad_at))))
            return None, 0, ""
        mixed = _mixed_encoding(path)
        if mixed is not None:
            utf8_line, other_line = mixed
            self.problems.append(
                error("file.mixed_encoding", source.place(line=other_line), utf8_line=utf8_line, line=other_line)
            )
            return None, 0, ""
        # Not UTF-8: try GBK (as GB18030, its superset) and transcode.
        out = self.staging / f"{source.table.name}.utf8.csv"
        gbk = codecs.getincrementaldecoder("gb18030")("strict")
        offset = 0
        try:
            with path.open("rb") as fh, out.open("w", encoding="utf-8", newline="") as oh:
                while chunk := fh.read(CHUNK):
                    oh.write(gbk.decode(chunk))
                    offset += len(chunk)
                oh.write(gbk.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            at = min(bad_at, offset + exc.start)
            self.problems.append(error("file.encoding_unknown", source.place(line=_line_of(path, at)), byte=at))
            return None, 0, ""
        self.problems.append(warning("file.encoding_gbk", source.place()))
        header = first_chunk.decode("gb18030", errors="replace").splitlines()[0] if first_chunk else ""
        return out, lines, header

    def _load_csv_slow(self, source: Source, utf8_path: Path, base: str) -> bool:
        """Read a CSV with Python's csv module, which knows every record's line."""
        width = len(source.header)
        names = [*source.header, "_line"]
        typed = ", ".join(f"{quote_ident(n)} VARCHAR" for n in source.header)
        self.con.execute(f"CREATE OR REPLACE TABLE {base} ({typed}, _line BIGINT)")
        ok = True
        rows = 0
        csv.field_size_limit(self.limits.line_bytes)
        with utf8_path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            with contextlib.suppress(StopIteration):
                next(reader)
            batch: list[list[Any]] = []
            start = reader.line_num + 1
            while True:
                try:
                    record = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    if "field larger than field limit" in str(exc):
                        self.problems.append(
                            error("csv.line_too_long", source.place(line=start), limit=self.limits.line_bytes)
                        )
                    else:
                        self.problems.append(error("csv.bad_quote", source.place(line=start), detail=str(exc)))
                    ok = False
                    break
                line = start
                start = reader.line_num + 1
                if not record or (record == [""] * len(record) and len(record) <= 1):
                    continue  # blank line
                if len(record) != width:
                    self.problems.append(
                        error("csv.columns_count", source.place(line=line), expected=width, found=len(record))
                    )
                    ok = False
                    continue
                batch.append([v if v != "" else None for v in record] + [line])
                rows += 1
                if len(batch) >= BATCH_ROWS:
                    self._insert(base, names, batch)
                    batch = []
            if batch:
                self._insert(base, names, batch)
        source.rows = rows
        self._make_view(source, base, "_line", quote_literal(source.display))
        return ok

    def _insert(self, base: str, names: list[str], batch: list[list[Any]]) -> None:
        columns = list(zip(*batch, strict=True))
        arrays = [pa.array(col, type=pa.string()) for col in columns[:-1]]
        arrays.append(pa.array(columns[-1], type=pa.int64()))
        arrow_batch = pa.Table.from_arrays(arrays, names=names)  # noqa: F841 - read by DuckDB below
        self.con.execute(f"INSERT INTO {base} SELECT * FROM arrow_batch")

    # -- XLSX ------------------------------------------------------------------
    def _xlsx_safe(self, source: Source) -> bool:
        """Refuse, before openpyxl parses anything, what is not a workbook or would unpack into too much."""
        path = source.path
        with path.open("rb") as fh:
            head = fh.read(8)
        if not head:
            self.problems.append(error("file.empty", source.place()))
            return False
        if head == OLE2_MAGIC:
            self.problems.append(error("xlsx.ole2", source.place()))
            return False
        if not zipfile.is_zipfile(path):
            self.problems.append(error("xlsx.not_zip", source.place()))
            return False
        limits = self.limits
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
        total = sum(m.file_size for m in members)
        if total > limits.xlsx_bytes:
            self.problems.append(error("xlsx.too_large", source.place(), size=total, limit=limits.xlsx_bytes))
            return False
        for m in members:
            if m.file_size > limits.xlsx_ratio_from and m.file_size > limits.xlsx_ratio * max(m.compress_size, 1):
                self.problems.append(
                    error(
                        "xlsx.bomb",
                        source.place(),
                        member=m.filename,
                        size=m.file_size,
                        packed=m.compress_size,
                        ratio=limits.xlsx_ratio,
                    )
                )
                return False
        return True

    def _load_xlsx(self, source: Source) -> bool:
        from openpyxl import load_workbook
        from openpyxl.utils import get_column_letter

        source.files = [source.path]
        digest = hashlib.sha256(source.path.read_bytes()).digest()
        self.hasher.update(digest)
        if not self._xlsx_safe(source):
            return False
        workbook = load_workbook(source.path, read_only=True, data_only=True)
        # the same sheet as written, to tell a formula from a value (openpyxl gives a formula's cached value,
        # or None when the file has none: a workbook saved by a program that does not calculate)
        formulas = load_workbook(source.path, read_only=True, data_only=False)
        try:
            if not workbook.worksheets:
                self.problems.append(error("xlsx.no_sheet", source.place()))
                return False
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            written = formulas.worksheets[0].iter_rows(values_only=True)
            header_row = next(rows, None) or ()
            next(written, None)
            source.header = [_cell_text(v) or "" for v in header_row]
            while source.header and source.header[-1] == "":
                source.header.pop()
            if not self._check_header(source):
                return False
            width = len(source.header)
            base = f"xlsx_{source.table.name}"
            names = [*source.header, "_line"]
            self.con.execute(
                f"CREATE OR REPLACE TABLE {base} "
                f"({', '.join(f'{quote_ident(n)} VARCHAR' for n in source.header)}, _line BIGINT)"
            )
            batch: list[list[Any]] = []
            count = 0
            cached: list[str] = []
            refused = 0
            ok = True
            for excel_row, values in enumerate(rows, start=2):
                as_written = next(written, ()) or ()
                cells = [_cell_text(v) for v in values[:width]]
                cells += [None] * (width - len(cells))
                for i, raw in enumerate(as_written[:width]):
                    if isinstance(raw, str) and raw.startswith("="):
                        cell = f"{get_column_letter(i + 1)}{excel_row}"
                        if cells[i] is None:
                            # a formula without a value: refused, never read as empty
                            refused += 1
                            ok = False
                            if refused <= FORMULA_LIST:
                                place = source.place(line=excel_row, column=source.header[i])
                                self.problems.append(error("xlsx.formula", place, cell=cell))
                        else:
                            cached.append(cell)
                if all(c is None for c in cells):
                    continue
                batch.append([*cells, excel_row])
                count += 1
                if len(batch) >= BATCH_ROWS:
                    self._insert(base, names, batch)
                    batch = []
            if batch:
                self._insert(base, names, batch)
            source.rows = count
            if refused > FORMULA_LIST:
                self.problems.append(error("value.more", source.place(), count=refused - FORMULA_LIST))
            if cached:
                self.problems.append(warning("xlsx.formula_cached", source.place(), count=len(cached), first=cached[0]))
        finally:
            workbook.close()
            formulas.close()
        self._make_view(source, base, "_line", quote_literal(source.display))
        return ok

    # -- Parquet ---------------------------------------------------------------
    def _load_parquet(self, source: Source) -> bool:
        path = source.path
        if path.is_dir():
            regular, special = walk_files(path)
            if special:
                for entry, kind in special:
                    name = str(entry.relative_to(self.package))
                    self.problems.append(error(f"file.not_regular_{kind}", source.place(file=name), file=name))
                return False
            files = [f for f in regular if f.suffix.lower() == ".parquet"]
        else:
            files = [path]
        if not files:
            self.problems.append(error("table.empty_folder", source.place(), path=source.display))
            return False
        source.files = files
        for f in files:
            file_hash = hashlib.sha256()
            with f.open("rb") as fh:
                while chunk := fh.read(CHUNK):
                    file_hash.update(chunk)
            self.hasher.update(f"\x00{f.relative_to(self.package)}\x00".encode())
            self.hasher.update(file_hash.digest())
            meta = pq.ParquetFile(f).metadata
            starts, acc = [], 0
            for i in range(meta.num_row_groups):
                starts.append(acc)
                acc += meta.row_group(i).num_rows
            source.row_group_starts[str(f.relative_to(self.package))] = starts
            source.rows += acc
        listing = "[" + ", ".join(quote_literal(str(f)) for f in files) + "]"
        scan = (
            f"read_parquet({listing}, file_row_number=true, filename=true, "
            f"hive_partitioning={'true' if path.is_dir() else 'false'}, union_by_name=true)"
        )
        described = self.con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
        types = {row[0]: str(row[1]) for row in described}
        source.header = [n for n in types if n not in ("file_row_number", "filename")]
        if not self._check_header(source):
            return False
        ok = True
        for col in source.table.columns:
            kind = types.get(col.name, "")
            if col.type in MONEY_TYPES and kind in ("FLOAT", "DOUBLE"):
                self.problems.append(
                    error("parquet.float_money", source.place(column=col.name), column=col.name, type=kind)
                )
                ok = False
        if not ok:
            return False
        base = f"pq_{source.table.name}"
        # Typed decimals print with their full scale (1.5000); trim the zeros
        # so that "more than 2 fraction digits" means what it says.
        source.native = {
            c.name: types[c.name] for c in source.table.columns if c.name in types and native_ok(c.type, types[c.name])
        }
        decimal_cols = [n for n, k in types.items() if k.startswith("DECIMAL") and n not in source.native]
        replace = ", ".join(
            f"CASE WHEN contains(CAST({quote_ident(n)} AS VARCHAR), '.') "
            f"THEN rtrim(rtrim(CAST({quote_ident(n)} AS VARCHAR), '0'), '.') "
            f"ELSE CAST({quote_ident(n)} AS VARCHAR) END AS {quote_ident(n)}"
            for n in decimal_cols
        )
        star = f"* REPLACE ({replace})" if replace else "*"
        self.con.execute(f"CREATE OR REPLACE VIEW {base} AS SELECT {star} FROM {scan}")
        prefix = quote_literal(str(self.package) + "/")
        file_expr = f"replace(filename, {prefix}, '')"
        self._make_view(source, base, "file_row_number + 1", file_expr)
        return True


#: the control characters no name or value may hold (Python's view of ``limits.CONTROL``)
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _first_line(exc: BaseException) -> str:
    """An exception's first line, safe to show and store: no control characters, at most 300 characters."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    text = CONTROL_CHARS.sub("?", text)
    return text if len(text) <= 300 else text[:300] + "…"


def _line_of(path: Path, offset: int) -> int:
    """The 1-based line of byte ``offset`` of a file."""
    line = 1
    done = 0
    with path.open("rb") as fh:
        while done < offset and (chunk := fh.read(min(CHUNK, offset - done))):
            line += chunk.count(b"\n")
            done += len(chunk)
    return line


def _mixed_encoding(path: Path) -> tuple[int, int] | None:
    """(a UTF-8 line, a line that is not) when a file that is not UTF-8 as a whole has lines of both.

    A line counts as UTF-8 when it holds a multi-byte UTF-8 character and decodes strictly: Chinese text in
    GBK almost never does, so a file of both was put together from two exports and would be stored as
    mojibake whichever way it is read.
    """
    first_utf8 = first_other = None
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if raw.isascii():
                continue
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                first_other = first_other or number
            else:
                first_utf8 = first_utf8 or number
            if first_utf8 is not None and first_other is not None:
                return first_utf8, first_other
    return None


def locate_corrupt(package: Path, sources: dict[str, Source], exc: BaseException) -> list[Problem]:
    """What a failed scan of the package read: the Parquet file and row group that cannot be decoded
    (each row group read on its own), or, when every one reads, the error itself."""
    found: list[Problem] = []
    for source in sources.values():
        if source.kind != "parquet":
            continue
        for f in source.files:
            shown = str(f.relative_to(package))
            try:
                parquet = pq.ParquetFile(f)
            except (OSError, ValueError) as bad:
                found.append(error("parquet.corrupt", source.place(file=shown), detail=_first_line(bad)))
                continue
            starts = source.row_group_starts.get(shown, [])
            for group in range(parquet.metadata.num_row_groups):
                try:
                    parquet.read_row_group(group)
                except (OSError, ValueError) as bad:
                    line = (starts[group] if group < len(starts) else 0) + 1
                    place = source.place(line=line, file=shown)
                    found.append(error("parquet.corrupt", place, detail=_first_line(bad)))
                    break
    return found or [error("file.unreadable", Place(), detail=_first_line(exc))]


def native_ok(kind: ColType, stored: str) -> bool:
    """Whether a Parquet column of type ``stored`` already holds valid ``kind`` values."""
    if kind is ColType.DATE:
        return stored == "DATE"
    if kind is ColType.BOOL:
        return stored == "BOOLEAN"
    if kind is ColType.AMOUNT:
        match = re.fullmatch(r"DECIMAL\((\d+),(\d+)\)", stored)
        if match is None:
            return False
        precision, scale = int(match.group(1)), int(match.group(2))
        return scale <= 2 and precision - scale <= 16
    return False


def _cell_text(value: object) -> str | None:
    """The text of a spreadsheet cell as a CSV export would show it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Shortest text that reads back as the same double: 1234.56, 0.0215.
        return str(np.format_float_positional(value, trim="-"))
    text = str(value).strip()
    return text or None
