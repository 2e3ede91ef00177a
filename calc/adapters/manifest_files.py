"""Reading a manifest (CSV or Parquet) in chunks of columns, never the whole file at once.

CSV goes through Arrow's streaming reader. Clean files are parsed as integers straight away;
a file with a cell that is not a whole number (text, "1920.0", blanks) is read again with every
column as text, so each such row becomes a bad row in calc.engine.manifest instead of an error.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from calc.engine.errors import CalcError

COLUMNS = ("width", "height", "count", "detail", "model")
NUMBERS = ("width", "height", "count")
CHUNK_ROWS = 1 << 20
BLOCK_BYTES = 16 << 20  # bytes of CSV parsed at a time: memory per chunk stays about this
NA = ["", "NA", "N/A", "n/a", "NULL", "null", "None", "#N/A", "<NA>", "nan", "NaN"]


class ManifestError(CalcError):
    """A file that cannot be a manifest at all (no width column, not CSV or Parquet, …)."""


class NotClean(Exception):
    """The typed CSV pass met a cell that is not an integer: read the file again as text."""


Source = str | Path | bytes | BinaryIO


def chunks(source: Source, name: str = "", typed: bool = True
           ) -> Iterator[dict[str, np.ndarray]]:
    """Chunks of the manifest's columns (width, height and those of count, detail, model it has),
    each with `ragged`: lines left out for a wrong number of fields.

    `typed` CSV numbers are parsed as integers and a cell that is not one raises NotClean
    (possibly after some chunks: start over with typed=False, which reads every cell as text).
    """
    label = name or str(source if isinstance(source, (str, Path)) else "the file")
    head = _head(source)
    if head[:4] == b"PAR1":
        yield from _parquet(source, label)
        return
    if b"\0" in head or head[:4] == b"PK\x03\x04":
        raise ManifestError(f"{label} is neither a CSV nor a Parquet file")
    first = head.decode("utf-8", errors="replace").splitlines()[0] if head.strip() else ""
    sep = max((",", ";", "\t"), key=first.count) if first else ","
    yield from _csv(source, sep, _columns(first.split(sep), label), typed)


def _head(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source[:65536]
    if isinstance(source, (str, Path)):
        try:
            with open(source, "rb") as f:
                return f.read(65536)
        except OSError as error:
            raise ManifestError(f"{source}: {error.strerror or error}") from None
    pos = source.tell()
    data = source.read(65536)
    source.seek(pos)
    return data


def _open(source: Source):
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, (str, Path)):
        return open(source, "rb")
    source.seek(0)
    return source


def _columns(names: list[str], label: str) -> list[str]:
    clean = [n.strip().lstrip("\ufeff").strip().strip('"').strip().lower() for n in names]
    missing = [c for c in ("width", "height") if c not in clean]
    if missing:
        raise ManifestError(f"{label} has no {' or '.join(missing)} column (found: "
                            f"{', '.join(clean[:10]) or 'none'}); the header needs width,height")
    return clean


def _parquet(source: Source, label: str) -> Iterator[dict[str, np.ndarray]]:
    try:
        f = pq.ParquetFile(source if not isinstance(source, bytes) else io.BytesIO(source))
    except (pa.ArrowException, OSError) as error:
        raise ManifestError(f"{label}: not a Parquet file that can be read ({error})") from None
    names = f.schema_arrow.names
    clean = _columns(names, label)
    wanted = [names[i] for i, c in enumerate(clean) if c in COLUMNS]
    for batch in f.iter_batches(batch_size=CHUNK_ROWS, columns=wanted):
        yield {c.strip().lower(): _values(batch.column(i))
               for i, c in enumerate(batch.schema.names)}


def _csv(source: Source, sep: str, clean: list[str], typed: bool):
    """Blocks of whole lines, each parsed by Arrow (threaded): memory is one block's worth,
    whatever the file's size (Arrow's own streaming reader reads ahead ~16 blocks)."""
    names = [c if c in COLUMNS and c not in clean[:i] else f"_{i}" for i, c in enumerate(clean)]
    used = [c for c in names if c in COLUMNS]
    types = {c: (pa.int64() if typed and c in NUMBERS else pa.string()) for c in used}
    ragged = []
    options = dict(
        read_options=pacsv.ReadOptions(column_names=names),
        parse_options=pacsv.ParseOptions(delimiter=sep,
                                         invalid_row_handler=lambda row: ragged.append(1)
                                         or "skip"),
        convert_options=pacsv.ConvertOptions(column_types=types, include_columns=used,
                                             null_values=NA, strings_can_be_null=True,
                                             quoted_strings_can_be_null=True))
    f = _open(source)
    try:
        f.readline()  # the header, read above
        rest = b""
        while True:
            data = f.read(BLOCK_BYTES)
            block = rest + data
            cut = len(block) if not data else block.rfind(b"\n") + 1
            if not block.strip():
                break
            if cut == 0:  # one line longer than a block: read on
                rest = block
                continue
            rest = block[cut:]
            table = pacsv.read_csv(pa.py_buffer(block[:cut]), **options)
            out = {c: _values(table.column(i)) for i, c in enumerate(table.column_names)}
            out["ragged"], ragged[:] = len(ragged), []
            yield out
            if not data:
                break
    except pa.ArrowInvalid as error:
        if typed:
            raise NotClean() from error
        raise ManifestError(f"the CSV cannot be read: {error}") from None
    finally:
        if f is not source:
            f.close()


def _values(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """int64 for a clean integer column; float64 with NaN for nulls; object for text."""
    t = column.type
    if pa.types.is_integer(t):
        if column.null_count:
            return column.to_numpy(zero_copy_only=False).astype(np.float64)  # nulls → NaN
        return column.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    if pa.types.is_floating(t):
        return column.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    if pa.types.is_dictionary(t):
        column = column.cast(t.value_type)
    return column.to_numpy(zero_copy_only=False).astype(object)
