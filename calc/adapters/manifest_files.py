"""Reading a manifest (CSV or Parquet) in batches of rows, never the whole file at once.

A CSV may have a header or not (then its columns are width, height, count, …), UTF-8 with or
without a BOM (else Windows-1252), commas, semicolons or tabs, CRLF or LF, blank lines, and
header cells in any case, padded or quoted. Each block of whole lines is parsed by Arrow —
numbers as integers when the block allows it, else every cell as text, so a cell that is not a
number becomes a bad row later (calc.engine.manifest), never an error. A block Arrow cannot map
line for line (a line with more or fewer fields than the header, a quoted line break) is read
again by the csv module, which says where each row starts. Every row keeps its line number.

Paths are opened only if they are regular files: a named pipe, a device or a directory is refused
at once, never read (it could block or never end).
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from calc.engine.errors import CalcError
from calc.engine.manifest import COLUMNS, NA_MARKERS

NUMBERS = ("width", "height", "count")
BLOCK_BYTES = 16 << 20  # bytes of CSV parsed at a time: memory per batch stays about this
MAX_LINE_BYTES = 64 << 20  # one line longer than this is not a manifest's
PARQUET_ROWS = 1 << 20
SEPARATORS = (",", ";", "\t")
_SHOWN_COLUMNS = 8  # column names quoted in a message; the rest are counted


class ManifestError(CalcError):
    """A file that cannot be a manifest at all (no width column, not CSV or Parquet, …)."""


class EmptyManifestError(ManifestError):
    """A manifest with nothing in it: no bytes, or a header and no rows."""


Source = str | Path | bytes | BinaryIO


@dataclass(frozen=True, eq=False)
class Batch:
    """Rows of a manifest: `frame` has those of COLUMNS the file has (int64 where a block is
    clean, else text as typed); `where` each row's line (CSV) or row (Parquet) number;
    `too_wide` the field count of a line with more fields than the header (0 elsewhere), or
    None; `done` how much of the file is read (bytes or rows, of Manifest.size)."""

    frame: pd.DataFrame
    where: np.ndarray
    too_wide: np.ndarray | None
    done: int


def open_regular(path: str | Path) -> BinaryIO:
    """A path opened for reading if it is a regular file; else a ManifestError at once.

    Opened without blocking, then checked on the open descriptor: a named pipe is never waited
    on, a device (/dev/zero) never read, a directory refused.
    """
    name = path_text(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise ManifestError(f"{name}: {error.strerror or error}") from None
    what = not_a_file(os.fstat(fd).st_mode)
    if what:
        os.close(fd)
        raise ManifestError(f"{name} is {what}, not a file: name a CSV, Parquet, image or zip "
                            "file")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def not_a_file(mode: int) -> str | None:
    """What a path is when it is not a regular file (from its st_mode), else None."""
    if stat.S_ISREG(mode):
        return None
    return ("a directory" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket"
            if stat.S_ISSOCK(mode) else "not a regular file")


def path_text(path: str | Path) -> str:
    """A path for a message: control characters escaped, shortened."""
    text = repr(os.fspath(path))[1:-1]  # control characters escaped
    return text if len(text) <= 120 else text[:119] + "…"


class Manifest:
    """An open manifest: what its header says, and its rows in batches (read once).

    Use as a context manager: a file it opened itself is closed on exit.
    """

    def __init__(self, source: Source, name: str = ""):
        self.name = name or (path_text(source) if isinstance(source, (str, Path)) else "the file")
        self._owned = isinstance(source, (str, Path))
        self._file: BinaryIO = (open_regular(source) if self._owned else
                                io.BytesIO(source) if isinstance(source, bytes) else source)
        try:
            self._file.seek(0)
            head = self._file.read(8)
            self._file.seek(0)
            self.kind = "parquet" if head[:4] == b"PAR1" else "csv"
            self.label = "row" if self.kind == "parquet" else "line"
            if self.kind == "parquet":
                self._open_parquet()
            else:
                self._open_csv()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._owned:
            self._file.close()

    @property
    def used(self) -> tuple[str, ...]:
        """The columns read (width, height and those of count, detail, model it has)."""
        return tuple(c for c in COLUMNS if c in self.columns)

    @property
    def unused(self) -> tuple[str, ...]:
        """Columns the header names that are not read (each once)."""
        return tuple(c for c in dict.fromkeys(self.columns) if c not in COLUMNS)

    def batches(self) -> Iterator[Batch]:
        yield from (self._parquet_batches() if self.kind == "parquet" else self._csv_batches())

    # --- Parquet ---------------------------------------------------------------------------------

    def _open_parquet(self) -> None:
        try:
            self._pq = pq.ParquetFile(self._file)
        except (pa.ArrowException, OSError) as error:
            raise ManifestError(f"{self.name}: not a Parquet file that can be read "
                                f"({_short(error)})") from None
        names = self._pq.schema_arrow.names
        self.columns = tuple(clean_name(n) for n in names)
        self.has_header = True
        self.size = self._pq.metadata.num_rows
        self._require_sizes()
        self._pq_names = {c: names[i] for i, c in reversed(list(enumerate(self.columns)))}

    def _parquet_batches(self) -> Iterator[Batch]:
        done = 0
        wanted = [self._pq_names[c] for c in self.used]
        try:
            for batch in self._pq.iter_batches(batch_size=PARQUET_ROWS, columns=wanted):
                frame = pd.DataFrame({c: _values(batch.column(self._pq_names[c]))
                                      for c in self.used}, copy=False)
                n = len(frame)
                yield Batch(frame, np.arange(done + 1, done + n + 1, dtype=np.int64), None,
                            done + n)
                done += n
        except (pa.ArrowException, OSError) as error:
            raise ManifestError(f"{self.name}: the Parquet file cannot be read past row "
                                f"{done:,} ({_short(error)})") from None

    # --- CSV -------------------------------------------------------------------------------------

    def _open_csv(self) -> None:
        f = self._file
        self.size = _size(f)
        start = f.read(4096)
        if start[:4] == b"PK\x03\x04":
            raise ManifestError(f"{self.name} is a zip or a spreadsheet (.xlsx), not a CSV: save "
                                "it as CSV, or give a zip of images")
        if b"\0" in start:
            raise ManifestError(f"{self.name} is binary, not a CSV (text with one line per "
                                "image size) or Parquet")
        f.seek(3 if start[:3] == b"\xef\xbb\xbf" else 0)  # past a BOM
        line_no, first = 0, b""
        while True:  # the first line that is not blank
            first = f.readline(MAX_LINE_BYTES + 1)
            if not first:
                raise EmptyManifestError(f"{self.name} is empty: it needs a width,height header "
                                         "and one line per image size")
            line_no += 1
            if len(first) > MAX_LINE_BYTES:
                raise ManifestError(f"{self.name}: line {line_no:,} is over "
                                    f"{MAX_LINE_BYTES >> 20} MB long; a manifest's lines are short")
            if first.strip():
                break
        text = _decode(first).rstrip("\r\n")
        self.sep = max(SEPARATORS, key=text.count)
        cells = [clean_name(c) for c in next(csv.reader([text], delimiter=self.sep), [""])]
        self.has_header = not _looks_numeric(cells[0])
        if self.has_header:
            self.columns = tuple(cells)
            self._first_line = line_no + 1  # the line number of the first block's first line
            self._pending = b""
        else:
            n = len(cells)
            self.columns = COLUMNS[:n] + tuple(f"column {i + 1}" for i in range(len(COLUMNS), n))
            self._first_line = line_no
            self._pending = first
        self._require_sizes()

    def _csv_batches(self) -> Iterator[Batch]:
        f = self._file
        line = self._first_line
        rest = self._pending
        names = [c if c in COLUMNS and c not in self.columns[:i] else f"_{i}"
                 for i, c in enumerate(self.columns)]
        positions = [names.index(c) for c in self.used]
        while True:
            data = f.read(BLOCK_BYTES)
            last = not data
            block = rest + data if rest else data
            del data  # one copy of the block at a time: memory stays about BLOCK_BYTES
            cut = len(block) if last else block.rfind(b"\n") + 1
            if cut == 0 and not last:  # no line ends in this block yet: read on
                if len(block) > MAX_LINE_BYTES:
                    raise ManifestError(f"{self.name}: line {line:,} is over "
                                        f"{MAX_LINE_BYTES >> 20} MB long; a manifest's lines "
                                        "are short")
                rest = block
                continue
            rest = block[cut:]
            whole = block[:cut] if cut < len(block) else block
            del block
            newlines = whole.count(b"\n")
            frame, where, wide = self._parse(whole, line, newlines, positions, names)
            del whole
            if len(frame):
                yield Batch(frame, where, wide, self.size if last else min(f.tell(), self.size))
            line += newlines
            if last:
                return

    def _parse(self, block: bytes, line: int, newlines: int, positions: list[int],
               names: list[str]):
        """Arrow, when it reads the block line for line; else the csv module."""
        typed = b"0x" not in block and b"0X" not in block  # Arrow reads 0x10 as 16: text here
        for as_numbers in ((True, False) if typed else (False,)):
            invalid: list[int] = []
            try:
                table = pacsv.read_csv(pa.py_buffer(block), **self._arrow_options(
                    names, as_numbers, invalid))
            except (pa.ArrowException, UnicodeDecodeError):
                continue  # a cell that is not an integer, or not UTF-8
            if invalid:
                break
            where = _row_lines(block, line, newlines, table.num_rows)
            if where is None:
                break
            frame = pd.DataFrame({c: _values(table.column(i))
                                  for i, c in enumerate(table.column_names)}, copy=False)
            return frame, where, None
        return self._parse_slowly(block, line, positions)

    def _arrow_options(self, names: list[str], as_numbers: bool, invalid: list[int]) -> dict:
        types = {c: (pa.int64() if as_numbers and c in NUMBERS else pa.string())
                 for c in self.used}
        return dict(
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=self.sep, invalid_row_handler=lambda row: invalid.append(1) or "skip"),
            convert_options=pacsv.ConvertOptions(
                column_types=types, include_columns=list(self.used), null_values=list(NA_MARKERS),
                strings_can_be_null=True, quoted_strings_can_be_null=True))

    def _parse_slowly(self, block: bytes, line: int, positions: list[int]):
        """The csv module: true line numbers, short and long lines kept (as bad rows later)."""
        reader = csv.reader(io.StringIO(_decode(block), newline=""), delimiter=self.sep)
        width = len(self.columns)
        rows: list[list[str]] = []
        where: list[int] = []
        too_wide: list[int] = []
        try:
            for record in reader:
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue  # a blank line (",," is a row of empty cells)
                rows.append([record[i] if i < len(record) else "" for i in positions])
                where.append(line - 1 + reader.line_num)
                too_wide.append(len(record) if len(record) > width else 0)
        except csv.Error as error:
            raise ManifestError(f"{self.name} cannot be read past line "
                                f"{line - 1 + reader.line_num:,}: {error}") from None
        frame = pd.DataFrame(rows, columns=list(self.used), dtype=object)
        na = frame.isin(NA_MARKERS)
        frame = frame.mask(na, None) if na.to_numpy().any() else frame
        return (frame, np.array(where, dtype=np.int64), np.array(too_wide, dtype=np.int64))

    def _require_sizes(self) -> None:
        missing = [c for c in ("width", "height") if c not in self.columns]
        if not missing:
            return
        if not self.has_header:
            raise ManifestError(f"{self.name} has no header and only one column: give width and "
                                "height on each line (e.g. 1920,1080), or start with a header "
                                "line such as width,height,count")
        raise ManifestError(f"{self.name} has no {' or '.join(missing)} column (found: "
                            f"{name_list(self.columns)}); start it with a header line such as "
                            "width,height,count,detail,model")


def clean_name(name: object) -> str:
    """A header cell as a column name: BOM, padding and quotes off, lower case."""
    return str(name).strip().lstrip("\ufeff").strip().strip("\"'").strip().lower()


def name_list(names: tuple[str, ...] | list[str]) -> str:
    """Column names for a message: the first few, each short and quoted; the rest counted."""
    shown = [repr(n if len(n) <= 30 else n[:29] + "…") for n in names[:_SHOWN_COLUMNS]]
    more = len(names) - len(shown)
    return (", ".join(shown) or "none") + (f" and {more:,} more" if more > 0 else "")


def _short(error: Exception) -> str:
    text = repr(str(error))[1:-1]
    return text if len(text) <= 200 else text[:199] + "…"


def _size(f: BinaryIO) -> int:
    pos = f.tell()
    end = f.seek(0, io.SEEK_END)
    f.seek(pos)
    return end


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # a spreadsheet's "CSV" on Windows


_NUMERIC = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _looks_numeric(cell: str) -> bool:
    return _NUMERIC.fullmatch(cell.strip()) is not None


def _row_lines(block: bytes, line: int, newlines: int, rows: int) -> np.ndarray | None:
    """The line number of each row Arrow read: it skips empty lines, so count them back in.
    None when the count of non-empty lines is not the row count (a quoted line break)."""
    if newlines + (not block.endswith(b"\n")) == rows:  # a row on every line
        return np.arange(line, line + rows, dtype=np.int64)
    buf = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    starts, stops = np.r_[0, ends + 1], np.r_[ends, len(buf)]
    length = stops - starts
    length -= (length > 0) & (buf[np.maximum(stops - 1, 0)] == 13)  # CRLF
    lines = np.flatnonzero(length > 0)
    if len(lines) != rows:
        return None
    return lines.astype(np.int64) + line


def _values(column: pa.Array | pa.ChunkedArray) -> np.ndarray | pd.Series:
    """int64 for a clean integer column; float64 (NaN for nulls) for numbers; anything else as
    pandas has it from Arrow (text stays Arrow strings: no Python object per cell)."""
    t = column.type
    if pa.types.is_integer(t):
        if column.null_count:
            return column.to_numpy(zero_copy_only=False).astype(np.float64)  # nulls → NaN
        return column.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    if pa.types.is_floating(t):
        return column.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    if pa.types.is_dictionary(t):
        column = column.cast(t.value_type)
    return column.to_pandas()
