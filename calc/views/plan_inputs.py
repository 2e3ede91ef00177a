"""Describing a workload, three ways: many images (or a .zip of them), a CSV of sizes, a size mix.

Whatever the way in, the result is a `Workload`: one row per image size with a count (a weight),
plus what was left out and why. Nothing here prices anything; calc.views.plan does.

Only image headers are read (adapters.images.probe, EXIF orientation applied) and nothing is ever
written to disk, so a zip's nested paths or `../` names are only labels.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np
import pandas as pd

from calc.adapters.images import MALFORMED, MAX_PIXELS, AnimatedImageError, check_still, probe
from calc.engine.catalogue import resolve_model
from calc.engine.errors import CalcError, ImageError
from calc.engine.rules import DETAILS
from calc.views.inert import quoted, short

MAX_SIDE_PX = 100_000  # a side beyond this is a typo, not an image
MAX_COUNT = 1_000_000  # images of one size in one row; keeps every total exact in int64/float64
TEMPLATE_CSV = (
    "width,height,count,detail,model\n"
    "4032,3024,400,,\n"
    "1920,1080,250,,\n"
    "2550,3300,150,high,\n"
    "1024,1024,150,low,\n"
    "256,256,50,,gpt-4.1-mini\n"
)
CSV_COLUMNS = ("width", "height", "count", "detail", "model")
# Cells that mean "no value" (as spreadsheets and databases export it), whichever parser reads.
NA_MARKERS = ("", "NA", "N/A", "n/a", "NULL", "null", "None", "#N/A", "<NA>", "nan", "NaN",
              "-nan", "-NaN")


class WorkloadError(CalcError):
    """A file that cannot describe a workload at all (not a CSV, no width column, …)."""


class ZipRefusedError(WorkloadError):
    """A zip with too many files, or one that expands past the byte limit."""


@dataclass(frozen=True)
class Skipped:
    """A file left out of the workload, and why."""

    name: str
    reason: str


@dataclass(frozen=True, eq=False)
class Workload:
    """Image sizes with counts. `rows` has width, height (int64), count (int64, or float shares
    for a size mix), detail and model (str; "" = not given) and a label column: `name` (files,
    mix) or `line` (CSV)."""

    rows: pd.DataFrame
    bad_rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # CSV/mix rows left out
    skipped: tuple[Skipped, ...] = ()  # files left out (not images, animated, …)
    refused: tuple[Skipped, ...] = ()  # whole zips refused (limits)
    notices: tuple[str, ...] = ()

    @property
    def images(self) -> float:
        return float(self.rows["count"].sum()) if len(self.rows) else 0.0

    @property
    def bytes_per_image(self) -> float | None:
        """The mean file size, where the files' sizes are known (uploads); else None."""
        if "bytes" not in self.rows.columns or not len(self.rows):
            return None
        return float(self.rows["bytes"].sum() / self.rows["count"].sum())


# --- size presets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SizePreset:
    name: str
    width: int
    height: int
    share: float  # percent


SIZE_PRESETS = (
    SizePreset("Phone photo", 4032, 3024, 40),
    SizePreset("Screenshot", 1920, 1080, 25),
    SizePreset("Document scan", 2550, 3300, 15),
    SizePreset("Product photo", 1024, 1024, 15),
    SizePreset("Thumbnail", 256, 256, 5),
)


def preset_mix(presets: Iterable[SizePreset] = SIZE_PRESETS) -> pd.DataFrame:
    """The editable mix table: name, width, height, share (%)."""
    return pd.DataFrame(
        [(p.name, p.width, p.height, float(p.share)) for p in presets],
        columns=["name", "width", "height", "share"],
    )


def mix_table(entries: Iterable[tuple[int, int, float]]) -> pd.DataFrame:
    """An editable mix table from (width, height, share) entries, preset names where they fit."""
    return pd.DataFrame([(preset_name(w, h), w, h, float(share)) for w, h, share in entries],
                        columns=["name", "width", "height", "share"])


def preset_name(width: int, height: int) -> str:
    """The preset's name for a size, else "W×H"."""
    for p in SIZE_PRESETS:
        if (p.width, p.height) == (width, height):
            return p.name
    return f"{width}×{height}"


def mix_workload(mix: pd.DataFrame) -> Workload:
    """A size mix as a workload: shares are weights. A zero share leaves a row out quietly."""
    mix = mix.reset_index(drop=True)
    n = len(mix)
    names = _text(mix["name"], n) if "name" in mix else np.full(n, "", dtype=object)
    w, h, reasons = _check_sizes(_column(mix, "width", n), _column(mix, "height", n))
    share, missing, not_number = _numeric(_column(mix, "share", n))
    _flag(reasons, missing, "share is missing")
    _flag(reasons, not_number, "share is not a number")
    _flag(reasons, np.isfinite(share) & (share < 0), "share is negative")
    bad = reasons != ""
    good = ~bad & (np.nan_to_num(share) > 0)
    labels = [label or preset_name(int(a), int(b))
              for label, a, b in zip(names[good], w[good], h[good], strict=True)]
    rows = pd.DataFrame({"name": labels, "width": w[good].astype(np.int64),
                         "height": h[good].astype(np.int64), "count": share[good],
                         "detail": "", "model": ""})
    total = float(share[good].sum())
    notices = []
    if len(rows) and abs(total - 100) > 1e-9:
        notices.append(f"The shares add up to {total:g} %, not 100 %: each counts as its part "
                       f"of {total:g}.")
    if not len(rows):
        notices.append("No size in the mix has a share above zero.")
    bad_rows = _bad_table(mix, np.flatnonzero(bad) + 1, bad, reasons, "row",
                          ("name", "width", "height", "share"))
    return Workload(rows, bad_rows, notices=tuple(notices))


# --- many images, or a zip of them ---------------------------------------------------------------


@dataclass(frozen=True)
class ZipLimits:
    """What a zip may hold: checked from its directory first, enforced again while reading."""

    max_files: int = 10_000
    max_total_bytes: int = 1 << 30  # expanded, all members together (1 GiB)


def is_zip(name: str, head: bytes) -> bool:
    return name.lower().endswith(".zip") or head[:4] == b"PK\x03\x04"


def read_images(files: Iterable[tuple[str, bytes | BinaryIO]],
                limits: ZipLimits = ZipLimits()) -> Workload:
    """Sizes of many images (and of the images inside any .zip among them), headers only."""
    names, widths, heights, sizes = [], [], [], []
    skipped: list[Skipped] = []
    refused: list[Skipped] = []
    for name, source in files:
        data = source if isinstance(source, bytes) else source.read()
        if is_zip(name, data[:4]):
            try:
                entries = list(_zip_entries(name, data, limits))
            except ZipRefusedError as error:
                refused.append(Skipped(name, str(error)))
                continue
        else:
            entries = [(name, _probe_entry(data), len(data))]
        for entry, result, nbytes in entries:
            if isinstance(result, str):
                skipped.append(Skipped(entry, result))
            else:
                names.append(entry)
                widths.append(result[0])
                heights.append(result[1])
                sizes.append(nbytes)
    rows = pd.DataFrame({"name": pd.Series(names, dtype=object),
                         "width": np.array(widths, dtype=np.int64),
                         "height": np.array(heights, dtype=np.int64),
                         "count": np.ones(len(names), dtype=np.int64), "detail": "", "model": "",
                         "bytes": np.array(sizes, dtype=np.int64)})  # for the payload limit
    return Workload(rows, skipped=tuple(skipped), refused=tuple(refused))


def _probe_entry(source: bytes | BinaryIO) -> tuple[int, int] | str:
    """(width, height) after EXIF orientation, or the reason the image is left out."""
    try:
        info = probe(source)
        check_still(info)
    except ZipRefusedError:
        raise
    except AnimatedImageError:
        if info.format != "GIF":  # the API reads an animated GIF's first frame (measured)
            return f"animated ({info.frames} frames): the API takes only still images"
    except ImageError as error:
        return str(error)
    except MALFORMED as error:  # any malformed file is one skipped row, never a crash
        return f"could not be read: {error}"
    if max(info.width, info.height) > MAX_SIDE_PX:
        return f"{info.width}×{info.height}: a side over {MAX_SIDE_PX:,} px is not planned"
    return info.width, info.height


def _zip_entries(name: str, data: bytes, limits: ZipLimits) -> Iterator[tuple[str, object]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ZipRefusedError(f"{name} is not a zip that can be read ({error})") from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > limits.max_files:
            raise ZipRefusedError(
                f"{name} holds {len(members):,} files; at most {limits.max_files:,} are read. "
                "Split it into smaller zips.")
        declared = sum(info.file_size for info in members)
        if declared > limits.max_total_bytes:
            raise ZipRefusedError(
                f"{name} expands to {_bytes(declared)}; at most {_bytes(limits.max_total_bytes)} "
                "are read. Split it into smaller zips.")
        budget = _Budget(name, limits.max_total_bytes)
        for info in members:
            yield info.filename, _zip_member(archive, info, budget), info.file_size


def _zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget):
    base = info.filename.rsplit("/", 1)[-1]
    if info.filename.startswith("__MACOSX/") or base.startswith("._"):
        return "macOS metadata, not an image"
    if info.flag_bits & 0x1:
        return "encrypted: cannot be read"
    if base.lower().endswith(".zip"):
        return "a zip inside the zip is not opened"
    try:
        with archive.open(info) as member:
            return _probe_entry(_BoundedReader(member, info.file_size, budget))
    except ZipRefusedError:
        raise
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError) as error:
        return f"could not be read from the zip: {error}"


class _Budget:
    """Bytes still allowed out of one zip, all members together."""

    def __init__(self, name: str, total: int):
        self.name, self.total, self.left = name, total, total

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise ZipRefusedError(f"{self.name} expanded past {_bytes(self.total)} while being "
                                  "read; it is refused.")


class _BoundedReader(io.RawIOBase):
    """A zip member as a seekable file that counts the bytes it expands to.

    A member may not reach past the size its directory entry declared, nor the zip past its
    budget: a lying directory is caught here, not trusted. Re-reading after a seek (Pillow
    does) counts once.
    """

    def __init__(self, member: BinaryIO, declared: int, budget: _Budget):
        self._member, self._budget, self._declared = member, budget, declared
        self._high = 0  # furthest byte expanded so far

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._member.read(len(buffer))
        n = len(data)
        end = self._member.tell()
        if end > self._declared:
            raise ZipRefusedError(f"{self._budget.name}: a file expanded past the size its "
                                  "directory declared; the zip is refused.")
        if end > self._high:
            self._budget.take(end - self._high)
            self._high = end
        buffer[:n] = data
        return n

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._member.seek(offset, whence)

    def tell(self) -> int:
        return self._member.tell()


def _bytes(n: int) -> str:
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:,.1f} {unit}".replace(".0 ", " ")
    return f"{n:,} bytes"


# --- CSV -----------------------------------------------------------------------------------------


def read_csv(data: bytes) -> Workload:
    """A CSV of width,height[,count,detail,model] as a workload; bad rows flagged, never fatal."""
    text_head = _check_text(data)
    first = next((line for line in text_head.splitlines() if line.strip()), "")
    sep = max((",", ";", "\t"), key=first.count) if first else ","
    first_cells = [c.strip().strip('"').lower().lstrip("\ufeff") for c in first.split(sep)]
    has_header = not _looks_numeric(first_cells[0])
    if has_header:
        columns = first_cells
    else:
        columns = list(CSV_COLUMNS[:len(first_cells)]) + [
            f"extra {i}" for i in range(len(first_cells) - len(CSV_COLUMNS))]
    missing = [c for c in ("width", "height") if c not in columns]
    if missing:
        raise WorkloadError(
            f"the CSV has no {' or '.join(missing)} column (found: {', '.join(columns) or 'none'})."
            " Start it with a header line such as: width,height,count,detail,model")
    frame, lines, too_wide = _parse(data, sep, has_header, columns)
    return _validate_csv(frame, lines, too_wide, columns)


def _check_text(data: bytes) -> str:
    if not data.strip():
        raise WorkloadError("the CSV is empty: it needs a width,height header and one line per "
                            "image size")
    head = data[:65536]
    if head[:4] == b"PK\x03\x04":
        raise WorkloadError("this is a zip or a spreadsheet (.xlsx), not a CSV: save it as CSV, "
                            "or upload a zip of images under “Many images”")
    if b"\0" in head:
        raise WorkloadError("this file is binary, not a CSV (text with one line per image size)")
    return head.decode("utf-8", errors="replace")


def _looks_numeric(cell: str) -> bool:
    return re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", cell.strip()) is not None


def _parse(data: bytes, sep: str, has_header: bool, columns: list[str]):
    """Fast path: pandas (pyarrow engine when installed). Ragged or odd files: the csv module."""
    try:
        text_cols = {c: str for c in ("detail", "model") if c in columns}
        if b"0x" in data or b"0X" in data:  # Arrow would read 0x10 as 16: parse these as text
            text_cols.update({c: str for c in ("width", "height", "count") if c in columns})
        frame = pd.read_csv(io.BytesIO(data), sep=sep, header=0 if has_header else None,
                            names=None if has_header else columns, engine=_ENGINE,
                            dtype=text_cols or None, keep_default_na=False,
                            na_values=list(NA_MARKERS))
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError):
        # e.g. a line with more fields than the header: the slow path says which
        return _parse_slowly(data, sep, has_header, columns)
    frame.columns = [str(c).strip().lower().lstrip("\ufeff") for c in frame.columns]
    frame = frame.loc[:, ~frame.columns.duplicated()]
    lines = _line_numbers(data, has_header, len(frame))
    return frame, lines, np.zeros(len(frame), dtype=np.int64)


def _line_numbers(data: bytes, has_header: bool, n: int) -> np.ndarray:
    """The file line of each data row: the parser skips blank lines, so count them back in."""
    first = 2 if has_header else 1
    if not (b"\n\n" in data or b"\n\r\n" in data or data[:1] in (b"\n", b"\r")):
        return np.arange(first, first + n, dtype=np.int64)
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    starts, stops = np.r_[0, ends + 1], np.r_[ends, len(buf)]
    length = stops - starts
    length -= (length > 0) & (buf[np.maximum(stops - 1, 0)] == 13)  # CRLF
    lines = np.flatnonzero(length > 0) + 1
    lines = lines[1:] if has_header else lines
    if len(lines) != n:  # quoted line breaks: fall back to counting rows
        return np.arange(first, first + n, dtype=np.int64)
    return lines.astype(np.int64)


def _parse_slowly(data: bytes, sep: str, has_header: bool, columns: list[str]):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # a spreadsheet's "CSV" on Windows
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    width = len(columns)
    rows, lines, too_wide = [], [], []
    header_pending = has_header
    try:
        for record in reader:
            if not record or (len(record) == 1 and not record[0].strip()):
                continue  # a blank line (",," is a row of empty cells, as pandas reads it)
            if header_pending:
                header_pending = False
                continue
            rows.append((record + [""] * width)[:width])
            lines.append(reader.line_num)
            too_wide.append(len(record) if len(record) > width else 0)
    except csv.Error as error:
        raise WorkloadError(f"the CSV cannot be read past line {reader.line_num}: "
                            f"{error}") from None
    frame = pd.DataFrame(rows, columns=range(width), dtype=object)
    frame.columns = columns
    frame = frame.loc[:, ~frame.columns.duplicated()]
    return frame, np.array(lines, dtype=np.int64), np.array(too_wide, dtype=np.int64)


def table_workload(frame: pd.DataFrame) -> Workload:
    """A typed table of width, height[, count, detail, model] checked exactly like a CSV."""
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    for name in ("width", "height"):
        if name not in frame.columns:
            frame[name] = None
    n = len(frame)
    return _validate_csv(frame, np.arange(1, n + 1, dtype=np.int64), np.zeros(n, dtype=np.int64),
                         list(frame.columns), label="row")


def _validate_csv(frame: pd.DataFrame, lines: np.ndarray, too_wide: np.ndarray,
                  columns: list[str], label: str = "line") -> Workload:
    n = len(frame)
    w, h, reasons = _check_sizes(frame["width"], frame["height"])
    wide = too_wide > 0
    if wide.any():
        texts = np.array([f"has {k} fields; the header has {len(columns)}" for k in too_wide[wide]],
                         dtype=object)
        reasons[wide] = reasons[wide] + texts + "; "
    count = _check_count(_column(frame, "count", n), reasons)
    detail = _check_choice(frame, "detail", reasons, _detail_problem)
    model = _check_choice(frame, "model", reasons, _model_problem)
    bad = reasons != ""
    good = ~bad
    rows = pd.DataFrame({
        label: lines[good], "width": w[good].astype(np.int64),
        "height": h[good].astype(np.int64), "count": count[good].astype(np.int64),
        "detail": detail[good], "model": model[good],  # Categoricals: cheap at a million
    }, copy=False)
    notices = []
    ignored = [c for c in dict.fromkeys(columns)
               if c not in CSV_COLUMNS and not c.startswith("extra ")]
    if ignored:
        notices.append(f"Columns not used: {', '.join(ignored)}.")
    bad_rows = _bad_table(frame, lines[bad], bad, reasons, label, CSV_COLUMNS)
    return Workload(rows, bad_rows, notices=tuple(notices))


# --- vectorised checks ---------------------------------------------------------------------------


def _column(frame: pd.DataFrame, name: str, n: int) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series([None] * n, dtype=object)


def _text(col: pd.Series, n: int) -> np.ndarray:
    values = col.astype(object).to_numpy()
    missing = pd.isna(values)
    out = np.full(n, "", dtype=object)
    out[~missing] = [str(v).strip() for v in values[~missing]]
    return out


def _numeric(col: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """float64 values, 'missing' mask, 'not a number' mask (text, or ±infinity).

    A cell reading "nan" counts as missing, as pandas' and Arrow's number parsers read it, so a
    number column means the same whichever parser produced it.
    """
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        return values, np.isnan(values), np.isinf(values)
    values, missing = _parse_numbers(col)
    return values, missing, ~missing & ~np.isfinite(values)


_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_INFINITY = r"^[+-]?inf(inity)?$"


def _parse_numbers(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Text to float64 (NaN where not a number) and the missing cells (empty or "nan").

    Arrow's string kernels are about 5× pd.to_numeric on a million cells.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        text = col.astype(str).str.strip()
        missing = (col.isna() | text.isin(NA_MARKERS)
                   | text.str.fullmatch(r"[+-]?nan", case=False))
        values = pd.to_numeric(text.where(text.str.fullmatch(_NUMBER[1:-1] + "|" + _INFINITY[1:-1],
                                                             case=False), None),
                               errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        return values, missing.to_numpy(dtype=bool)
    try:
        arr = pa.array(col, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed objects (e.g. bools, ints and text)
        arr = pa.array([None if pd.isna(v) else str(v) for v in col.to_numpy(dtype=object)],
                       type=pa.string())
    trimmed = pc.utf8_trim_whitespace(arr)
    ok = pc.fill_null(pc.match_substring_regex(trimmed, _NUMBER), False)
    values = pc.cast(pc.if_else(ok, trimmed, pa.scalar(None, pa.string())), pa.float64())
    values = values.to_numpy(zero_copy_only=False).astype(np.float64)
    missing = np.zeros(len(values), dtype=bool)
    rest = np.flatnonzero(~ok.to_numpy(zero_copy_only=False))  # usually few: look closer
    if len(rest):
        other = pc.take(trimmed, pa.array(rest))
        empty = pc.fill_null(pc.or_(pc.is_in(other, value_set=pa.array(NA_MARKERS)),
                                    pc.match_substring_regex(other, r"^[+-]?nan$",
                                                             ignore_case=True)), True)
        missing[rest] = empty.to_numpy(zero_copy_only=False)
        infinite = pc.fill_null(pc.match_substring_regex(other, _INFINITY, ignore_case=True),
                                False).to_numpy(zero_copy_only=False)
        signs = np.where(pc.starts_with(other, "-").to_numpy(zero_copy_only=False), -np.inf,
                         np.inf)
        values[rest[infinite]] = signs[infinite]
    return values, missing


def _flag(reasons: np.ndarray, mask: np.ndarray, text: str) -> None:
    if mask.any():
        reasons[mask] = reasons[mask] + (text + "; ")


def _check_sizes(width: pd.Series, height: pd.Series):
    """Whole positive sizes, at most MAX_SIDE_PX a side and MAX_PIXELS in all; reasons per row."""
    reasons = np.full(len(width), "", dtype=object)
    sides = []
    for name, col in (("width", width), ("height", height)):
        values, missing, not_number = _numeric(col)
        finite = np.isfinite(values)
        _flag(reasons, missing, f"{name} is missing")
        _flag(reasons, not_number, f"{name} is not a number")
        _flag(reasons, finite & (values != np.floor(values)), f"{name} is not a whole number")
        _flag(reasons, finite & (values == 0), f"{name} is zero")
        _flag(reasons, finite & (values < 0), f"{name} is negative")
        _flag(reasons, finite & (values > MAX_SIDE_PX), f"{name} is over {MAX_SIDE_PX:,} px")
        sides.append(values)
    w, h = sides
    with np.errstate(invalid="ignore", over="ignore"):
        huge = (w > 0) & (h > 0) & (w <= MAX_SIDE_PX) & (h <= MAX_SIDE_PX) & (w * h > MAX_PIXELS)
    _flag(reasons, huge, f"over {MAX_PIXELS // 1_000_000} megapixels")
    ok = reasons == ""
    return np.where(ok, w, 0), np.where(ok, h, 0), reasons


def _check_count(col: pd.Series, reasons: np.ndarray) -> np.ndarray:
    values, missing, not_number = _numeric(col)
    finite = np.isfinite(values)
    _flag(reasons, not_number, "count is not a number")
    _flag(reasons, finite & (values != np.floor(values)), "count is not a whole number")
    _flag(reasons, finite & (values == 0), "count is zero")
    _flag(reasons, finite & (values < 0), "count is negative")
    _flag(reasons, finite & (values > MAX_COUNT), f"count is over {MAX_COUNT:,}")
    return np.where(missing | ~finite, 1, values)  # no count: one image


def _check_choice(frame: pd.DataFrame, name: str, reasons: np.ndarray,
                  problem) -> pd.Categorical:
    """Check each distinct value of a text column once; flag the rows that use a bad one.

    Returns the canonical values as a Categorical ("" where not given or bad).
    """
    n = len(reasons)
    if name not in frame.columns:
        return pd.Categorical.from_codes(np.zeros(n, dtype=np.int64), categories=[""])
    codes, uniques = pd.factorize(frame[name], use_na_sentinel=False)
    canonical, messages = [], []
    for value in uniques:
        text = "" if pd.isna(value) else str(value).strip()
        text = "" if text in NA_MARKERS else text
        fixed, message = problem(text) if text else ("", "")
        canonical.append(fixed)
        messages.append(message + "; " if message else "")
    if any(messages):
        row_messages = np.array(messages, dtype=object)[codes]
        flagged = row_messages != ""
        reasons[flagged] = reasons[flagged] + row_messages[flagged]
    merged, categories = pd.factorize(np.array(canonical, dtype=object))  # "HIGH", "high": one
    return pd.Categorical.from_codes(merged[codes], categories=list(categories))


def _detail_problem(text: str) -> tuple[str, str]:
    value = text.lower()
    if value in DETAILS:
        return value, ""
    return "", f"unknown detail {quoted(text)} (use {', '.join(DETAILS)})"


def _model_problem(text: str) -> tuple[str, str]:
    try:
        model = resolve_model(text)
    except CalcError:
        return "", f"unknown model {quoted(text)}"
    if model.family == "image":
        return "", f"{model.name} makes images: cost it under Generate"
    return model.name, ""


def _bad_table(frame: pd.DataFrame, where: np.ndarray, bad: np.ndarray, reasons: np.ndarray,
               label: str, columns: Iterable[str]) -> pd.DataFrame:
    """The flagged rows as text, exactly as given, with the reasons."""
    out = {label: where}
    for name in columns:
        if name in frame.columns:
            col = frame[name].iloc[np.flatnonzero(bad)].to_numpy(dtype=object)
            out[name] = [_as_text(v) for v in col]
    out["reason"] = [r.rstrip("; ") for r in reasons[bad]]
    return pd.DataFrame(out)


def _as_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 1920.0 in a float column was typed as 1920
    return short(str(value))  # shown in a table: a 100,000-character cell is cut


def _engine() -> str:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return "c"
    return "pyarrow"


_ENGINE = _engine()
