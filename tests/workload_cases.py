"""Awkward workload files and what Plan's page and `python -m calc plan` must both make of them:
known totals worked out by hand from the spec, so the two are pinned to the same literals.

On gpt-5.4-mini (auto = high: fit to 2048, 2,500 patches, ×1.2) and gpt-6-luna (auto = original:
no budget, rejected past 30,000 patches, ×1.2), metering.md §4 and §5:
- 1024×1024: 32 × 32 = 1,024 patches → ⌈1228.8⌉ = 1,229 tokens on both;
- 10×20: one patch → ⌈1.2⌉ = 2 on both;
- 20000×10000 (200 megapixels): gpt-5.4-mini fits it to 2048×1024 = 64 × 32 = 2,048 patches →
  2,458; gpt-6-luna keeps it, 625 × 313 = 195,625 patches → rejected (counted, not priced);
- 100000×1: gpt-5.4-mini fits it to 2048×1 (the short side never below 1) = 64 patches → 77;
  gpt-6-luna to 65535×1 = 2,048 patches → 2,458.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq
from PIL import Image

MODELS = ("gpt-5.4-mini", "gpt-6-luna")
PRICES = ("0.75", "0.10")  # metering.md §9: input $ per 1M tokens


@dataclass(frozen=True)
class Case:
    id: str
    name: str  # the file's name (on the page, the upload's; for the CLI, the path)
    data: bytes
    rows: int = 0  # rows (or image files) read
    bad: tuple[tuple[str, str], ...] = ()  # (line, row or file; reason) of each bad row
    images: int = 0
    tokens: tuple[int, int] = (0, 0)  # on MODELS
    rejected: tuple[int, int] = (0, 0)
    error: str = ""  # what is said when the file cannot be planned at all

    @property
    def images_source(self) -> bool:
        return self.name.endswith(".zip")


def png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("L", (width, height)).save(buf, "PNG")
    return buf.getvalue()


def zipped(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def parquet(columns: dict[str, list]) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table(columns), buf)
    return buf.getvalue()


THREE_1024_TWO_10X20 = dict(rows=2, images=5, tokens=(3 * 1229 + 2 * 2,) * 2)
WIDE_HEADER = "width,height," + ",".join(f"extra_{i}" for i in range(5000))

CASES = [
    Case("header", "sizes.csv", b"width,height,count\n1024,1024,3\n10,20,2\n",
         **THREE_1024_TWO_10X20),
    Case("no header", "sizes.csv", b"1024,1024,3\n10,20,2\n", **THREE_1024_TWO_10X20),
    Case("no header, two columns", "sizes.csv", b"1024,1024\n10,20\n", rows=2, images=2,
         tokens=(1229 + 2,) * 2),
    Case("BOM, semicolons, CRLF, quoted padded upper-case header", "sizes.csv",
         '\ufeff" WIDTH ";Height ;"Count"\r\n1024;1024;3\r\n\r\n10;20;2\r\n'.encode(),
         **THREE_1024_TWO_10X20),
    Case("tabs, no final line break", "sizes.txt",
         b"width\theight\tcount\n1024\t1024\t3\n10\t20\t2", **THREE_1024_TWO_10X20),
    Case("Windows-1252 text in an unused column", "sizes.csv",
         "width,height,count,note\n1024,1024,3,café\n10,20,2,naïve\n".encode("cp1252"),
         **THREE_1024_TWO_10X20),
    Case("200 MP rows and the side limit", "sizes.csv",
         b"width,height\n20000,10000\n100000,1\n100001,1\n", rows=3,
         bad=(("4", "width is over 100,000 px"),), images=2, tokens=(2458 + 77, 2458),
         rejected=(0, 1)),
    Case("5,000 columns in the header", "sizes.csv", f"{WIDE_HEADER}\n1024,1024\n".encode(),
         rows=1, images=1, tokens=(1229, 1229)),
    Case("a 100,000-character cell and a 5,001-field line", "sizes.csv",
         b"width,height,model\n1024,1024,\n10,20," + b"m" * 100_000 + b"\n"
         + b"1,1" + b"," * 4999 + b"\n", rows=3,
         bad=(("3", f"unknown model '{'m' * 39}…'"), ("4", "has 5,001 fields; the header has 3")),
         images=1, tokens=(1229, 1229)),
    Case("Parquet", "sizes.parquet",
         parquet({"Width": [1024, 10], "height": [1024, 20], "count": [3, 2]}),
         **THREE_1024_TWO_10X20),
    Case("a zip of images", "photos.zip", zipped({"a.png": png(1024, 1024), "b.png": png(10, 20),
                                                  "notes.txt": b"hello"}),
         rows=3, images=2, tokens=(1229 + 2,) * 2,
         bad=(("notes.txt", "the file is not an image that can be read; use PNG, JPEG, WEBP or "
                            "GIF"),)),
    Case("an empty file", "sizes.csv", b"",
         error="sizes.csv is empty: it needs a width,height header and one line per image size"),
    Case("a header and no rows", "sizes.csv", b"width,height,count\r\n\r\n",
         error="sizes.csv has a header but no rows: nothing to plan"),
    Case("an empty zip", "empty.zip", zipped({}),
         error="No images to plan — empty.zip: a zip with no files in it."),
    Case("a zip with no images", "docs.zip", zipped({"notes.txt": b"hello"}),
         error="No images to plan — notes.txt: the file is not an image that can be read; use "
               "PNG, JPEG, WEBP or GIF."),
]
