"""Describing a workload, three ways: many images (or a .zip of them), a file of sizes (CSV or
Parquet, read by calc.views.manifest), a size mix.

Whatever the way in, the result is a `Workload`: image sizes with a count (a weight), plus what
was left out and why. Every row goes through the same rules (calc.engine.manifest.check_batch):
a row is left out only when it is not a size. Nothing here prices anything; calc.views.plan.totals
does.

Only image headers are read (adapters.images.probe, EXIF orientation applied) and nothing is ever
written to disk, so a zip's nested paths or `../` names are only labels.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np
import pandas as pd

from calc.adapters.images import MALFORMED, AnimatedImageError, check_still, probe
from calc.adapters.manifest_files import ManifestError as WorkloadError
from calc.engine.errors import ImageError
from calc.engine.manifest import Problems, check_batch, check_sizes, numbers
from calc.views.inert import short

TEMPLATE_CSV = (
    "width,height,count,detail,model\n"
    "4032,3024,400,,\n"
    "1920,1080,250,,\n"
    "2550,3300,150,high,\n"
    "1024,1024,150,low,\n"
    "256,256,50,,gpt-4.1-mini\n"
)
EMPTY_ZIP = "a zip with no files in it"


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
    for a size mix), detail and model ("" = not given) and, where rows are not collapsed, a
    label column: `name` (files, mix) or `row` (a typed table). A file's rows are its distinct
    sizes (calc.views.manifest)."""

    rows: pd.DataFrame
    bad_rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # the first rows left out
    skipped: tuple[Skipped, ...] = ()  # files left out (not images, animated, …)
    refused: tuple[Skipped, ...] = ()  # whole zips refused (limits)
    notices: tuple[str, ...] = ()
    bad_total: int | None = None  # rows left out, when more than `bad_rows` lists

    @property
    def bad_count(self) -> int:
        return len(self.bad_rows) if self.bad_total is None else self.bad_total

    @property
    def images(self) -> float:
        return float(self.rows["count"].sum()) if len(self.rows) else 0.0

    @property
    def bytes_per_image(self) -> float | None:
        """The mean file size, where the files' sizes are known (uploads); else None."""
        if "bytes" not in self.rows.columns or not len(self.rows):
            return None
        return float(self.rows["bytes"].sum() / self.rows["count"].sum())


def nothing_to_plan(workload: Workload) -> str | None:
    """Why a set of files holds no image to plan (every file left out, an empty zip), or None."""
    if len(workload.rows) or workload.bad_count:
        return None
    left = [*workload.refused, *workload.skipped]
    if not left:
        return "No images among the files: nothing to plan."
    why = "; ".join(f"{short(s.name)}: {s.reason}" for s in left[:3])
    more = f" (and {len(left) - 3:,} more files)" if len(left) > 3 else ""
    return f"No images to plan — {why}{more}."


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
    problems = Problems(n)
    w, h = check_sizes(_column(mix, "width", n), _column(mix, "height", n), problems)
    share, missing, not_number = numbers(_column(mix, "share", n))
    problems.flag(missing, "share is missing")
    problems.flag(not_number, "share is not a number")
    problems.flag(np.isfinite(share) & (share < 0), "share is negative")
    bad = problems.bad
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
    table = {"row": np.flatnonzero(bad) + 1}
    table.update({c: mix[c].to_numpy(dtype=object)[bad]
                  for c in ("name", "width", "height", "share") if c in mix.columns})
    table["reason"] = problems.reasons(np.flatnonzero(bad))
    return Workload(rows, shown_bad_rows(pd.DataFrame(table)), notices=tuple(notices))


def _column(frame: pd.DataFrame, name: str, n: int) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series([None] * n, dtype=object)


def _text(col: pd.Series, n: int) -> np.ndarray:
    values = col.astype(object).to_numpy()
    missing = pd.isna(values)
    out = np.full(n, "", dtype=object)
    out[~missing] = [str(v).strip() for v in values[~missing]]
    return out


# --- many images, or a zip of them ---------------------------------------------------------------


@dataclass(frozen=True)
class ZipLimits:
    """What a zip may hold: checked from its directory first, enforced again while reading."""

    max_files: int = 10_000
    max_total_bytes: int = 1 << 30  # expanded, all members together (1 GiB)


def is_zip(name: str, head: bytes) -> bool:
    return name.lower().endswith(".zip") or head[:4] == b"PK\x03\x04"


def is_image_data(head: bytes) -> bool:
    """Bytes that start like an image (or any binary file), not like text: read as an image."""
    return head.startswith(_IMAGE_MAGIC) or b"\0" in head[:4096]


_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8", b"GIF8", b"RIFF", b"BM", b"II*\0", b"MM\0*")


def read_images(files: Iterable[tuple[str, bytes | BinaryIO]],
                limits: ZipLimits = ZipLimits()) -> Workload:
    """Sizes of many images (and of the images inside any .zip among them), headers only; each
    size checked by the rules every workload row meets."""
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
            if not entries:
                skipped.append(Skipped(name, EMPTY_ZIP))
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
    read = pd.DataFrame({"width": np.array(widths, dtype=np.int64),
                         "height": np.array(heights, dtype=np.int64)})
    checked = check_batch(read, np.array(names, dtype=object), label="name")
    rows = checked.good.assign(bytes=np.array(sizes, dtype=np.int64)[checked.ok])  # payload
    return Workload(rows, shown_bad_rows(checked.bad), skipped=tuple(skipped),
                    refused=tuple(refused))


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


# --- typed tables, and bad rows as shown ----------------------------------------------------------


def table_workload(frame: pd.DataFrame) -> Workload:
    """A typed table of width, height[, count, detail, model] checked exactly like a file."""
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    checked = check_batch(frame, label="row")
    return Workload(checked.good, shown_bad_rows(checked.bad))


def shown_bad_rows(bad: pd.DataFrame) -> pd.DataFrame:
    """Bad rows as text to show: cells exactly as given (a 1920.0 typed as a number shows as
    1920), each shortened."""
    out = bad.copy()
    for name in out.columns[1:-1]:
        out[name] = [_as_text(v) for v in out[name].to_numpy(dtype=object)]
    return out


def _as_text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 1920.0 in a float column was typed as 1920
    return short(str(value))  # shown in a table: a 100,000-character cell is cut
