"""calc.views.plan.workload: image headers, zips (limits, junk, odd names), size mixes, typed
tables. CSV and Parquet files: tests/views/test_manifest.py."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib

import pandas as pd
import pytest
from PIL import Image

from calc.views.plan import workload as wl

ORIENTATION = 0x0112


def encode(fmt: str, size: tuple[int, int], orientation: int | None = None, **params) -> bytes:
    buf = io.BytesIO()
    kwargs = dict(params)
    if orientation is not None:
        exif = Image.Exif()
        exif[ORIENTATION] = orientation
        kwargs["exif"] = exif
    Image.new("RGB", size, "teal").save(buf, fmt, **kwargs)
    return buf.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (8, 8), c) for c in ("red", "blue", "green")]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)
    return buf.getvalue()


def make_zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def sizes_of(workload: wl.Workload) -> dict[str, tuple[int, int]]:
    rows = workload.rows
    return dict(zip(rows["name"], zip(rows["width"], rows["height"], strict=True), strict=True))


# --- presets and mixes ---------------------------------------------------------------------------


def test_presets_are_the_issues_sizes():
    assert [(p.name, p.width, p.height) for p in wl.SIZE_PRESETS] == [
        ("Phone photo", 4032, 3024), ("Screenshot", 1920, 1080), ("Document scan", 2550, 3300),
        ("Product photo", 1024, 1024), ("Thumbnail", 256, 256)]
    assert sum(p.share for p in wl.SIZE_PRESETS) == 100


def test_mix_shares_become_counts_and_zero_shares_drop_out_quietly():
    mix = wl.preset_mix()
    mix.loc[4, "share"] = 0
    w = wl.mix_workload(mix)
    assert w.rows["count"].tolist() == [40, 25, 15, 15]
    assert w.rows["name"].tolist() == ["Phone photo", "Screenshot", "Document scan",
                                       "Product photo"]
    assert len(w.bad_rows) == 0
    assert any("95" in n for n in w.notices)  # shares no longer add up to 100


def test_mix_flags_bad_rows_with_reasons():
    mix = pd.DataFrame({"name": ["ok", "neg", "blank", "junk", "huge"],
                        "width": [100, 100, None, 100, 200_000],
                        "height": [100, 100, 100, 100, 10],
                        "share": [50, -5, 10, "lots", 10]})
    w = wl.mix_workload(mix)
    assert w.rows["name"].tolist() == ["ok"]
    reasons = dict(zip(w.bad_rows["name"], w.bad_rows["reason"], strict=True))
    assert reasons == {"neg": "share is negative", "blank": "width is missing",
                       "junk": "share is not a number", "huge": "width is over 100,000 px"}
    assert w.bad_rows["row"].tolist() == [2, 3, 4, 5]


def test_mix_table_names_presets_and_unknown_sizes():
    table = wl.mix_table([(4032, 3024, 60.0), (800, 600, 40.0)])
    assert table["name"].tolist() == ["Phone photo", "800×600"]
    assert table["share"].tolist() == [60.0, 40.0]


# --- many images ---------------------------------------------------------------------------------


def test_image_sizes_come_from_headers_with_exif_orientation():
    files = [
        ("a.png", encode("PNG", (33, 17))),
        ("b.jpg", encode("JPEG", (40, 30), orientation=6)),  # rotated: the model sees 30×40
        ("c.webp", encode("WEBP", (7, 9))),
        ("d.jpg", encode("JPEG", (40, 30), orientation=3)),  # upside down: same size
    ]
    w = wl.read_images(files)
    assert sizes_of(w) == {"a.png": (33, 17), "b.jpg": (30, 40), "c.webp": (7, 9),
                           "d.jpg": (40, 30)}
    assert w.rows["count"].tolist() == [1, 1, 1, 1]
    assert w.skipped == () and w.refused == ()


def test_uploaded_file_objects_work_like_bytes():
    w = wl.read_images([("a.png", io.BytesIO(encode("PNG", (5, 6))))])
    assert sizes_of(w) == {"a.png": (5, 6)}


def test_non_images_and_animations_are_skipped_and_listed():
    w = wl.read_images([("notes.txt", b"hello"), ("x.bmp", encode("BMP", (3, 3))),
                        ("anim.gif", animated_gif()), ("ok.png", encode("PNG", (2, 2)))])
    reasons = {s.name: s.reason for s in w.skipped}
    assert set(reasons) == {"notes.txt", "x.bmp"}
    assert "not an image" in reasons["notes.txt"]
    assert "BMP" in reasons["x.bmp"] and "convert to PNG or JPEG" in reasons["x.bmp"]
    # an animated GIF is read on its first frame by the API (measured): priced, not skipped
    assert sizes_of(w) == {"ok.png": (2, 2), "anim.gif": (8, 8)}


def png_header(width: int, height: int) -> bytes:
    """A PNG header claiming width×height, without the pixels (only headers are read)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0"))
            + chunk(b"IEND", b""))


def test_an_image_with_an_absurd_side_is_a_bad_row_by_the_rules_every_row_meets():
    w = wl.read_images([("strip.png", png_header(150_000, 2)), ("ok.png", png_header(64, 32))])
    assert sizes_of(w) == {"ok.png": (64, 32)}
    assert w.skipped == ()
    assert w.bad_rows.to_dict("list") == {"name": ["strip.png"], "width": ["150000"],
                                          "height": ["2"], "reason": ["width is over 100,000 px"]}


def test_a_zip_is_read_without_writing_anything(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = make_zip({
        "holiday/2024/photo.jpg": encode("JPEG", (40, 30), orientation=8),
        "../../escape.png": encode("PNG", (10, 20)),
        "/abs/path.png": encode("PNG", (11, 12)),
        "readme.txt": b"not an image",
        "__MACOSX/holiday/._photo.jpg": b"\0\5\26\7junk",
        "inner.zip": make_zip({"x.png": encode("PNG", (1, 1))}),
        "empty-dir/": b"",
    })
    w = wl.read_images([("batch.zip", data)])
    assert sizes_of(w) == {"holiday/2024/photo.jpg": (30, 40), "../../escape.png": (10, 20),
                           "/abs/path.png": (11, 12)}
    reasons = {s.name: s.reason for s in w.skipped}
    assert set(reasons) == {"readme.txt", "__MACOSX/holiday/._photo.jpg", "inner.zip"}
    assert "macOS" in reasons["__MACOSX/holiday/._photo.jpg"]
    assert "zip inside" in reasons["inner.zip"]
    assert os.listdir(tmp_path) == []  # zip-slip names are labels only: nothing was extracted
    assert not (tmp_path.parent.parent / "escape.png").exists()


def test_zip_with_too_many_files_is_refused_from_its_directory():
    data = make_zip({f"{i}.png": encode("PNG", (2, 2)) for i in range(5)})
    w = wl.read_images([("many.zip", data), ("ok.png", encode("PNG", (3, 3)))],
                       wl.ZipLimits(max_files=4))
    assert [r.name for r in w.refused] == ["many.zip"]
    assert "5 files" in w.refused[0].reason and "at most 4" in w.refused[0].reason
    assert sizes_of(w) == {"ok.png": (3, 3)}  # the other upload is still read


def test_zip_expanding_past_the_byte_limit_is_refused_from_its_directory():
    bomb = make_zip({"zeros.png": b"\0" * 2_000_000})  # compresses to a few KB
    assert len(bomb) < 20_000
    w = wl.read_images([("bomb.zip", bomb)], wl.ZipLimits(max_total_bytes=1_000_000))
    assert [r.name for r in w.refused] == ["bomb.zip"]
    assert "expands to 1.9 MiB" in w.refused[0].reason
    assert len(w.rows) == 0


def test_the_byte_limit_is_enforced_while_reading_too():
    """A directory that under-declares a member is caught by the reader, not trusted."""
    budget = wl._Budget("liar.zip", 1_000)
    reader = wl._BoundedReader(io.BytesIO(b"x" * 500), declared=100, budget=budget)
    assert len(reader.read(100)) == 100
    with pytest.raises(wl.ZipRefusedError, match="declared"):
        reader.read(100)
    budget = wl._Budget("big.zip", 150)
    first = wl._BoundedReader(io.BytesIO(b"x" * 100), declared=100, budget=budget)
    first.read()
    first.seek(0)
    first.read()  # re-reading after a seek counts once
    second = wl._BoundedReader(io.BytesIO(b"y" * 100), declared=100, budget=budget)
    with pytest.raises(wl.ZipRefusedError, match="expanded past 150 bytes"):
        second.read()


def test_a_broken_zip_is_refused_with_a_reason():
    w = wl.read_images([("broken.zip", b"PK\x03\x04 this is not really a zip")])
    assert [r.name for r in w.refused] == ["broken.zip"]
    assert "not a zip" in w.refused[0].reason


def test_an_empty_zip_and_files_without_images_are_said_to_be_empty():
    w = wl.read_images([("empty.zip", make_zip({}))])
    assert w.skipped == (wl.Skipped("empty.zip", "a zip with no files in it"),)
    assert wl.nothing_to_plan(w) == "No images to plan — empty.zip: a zip with no files in it."
    w = wl.read_images([("docs.zip", make_zip({f"{i}.txt": b"text" for i in range(5)}))])
    assert wl.nothing_to_plan(w).startswith("No images to plan — 0.txt: the file is not an image")
    assert wl.nothing_to_plan(w).endswith("(and 2 more files).")
    assert wl.nothing_to_plan(wl.read_images([("a.png", encode("PNG", (2, 2)))])) is None


def test_a_typed_table_is_checked_by_the_same_rules():
    table = pd.DataFrame({"width": [1024, None, 5, 20000], "height": [1024, 10, 5, 10000],
                          "count": [2, 1, 0, 1]})
    w = wl.table_workload(table)
    assert w.rows[["row", "width", "height", "count"]].to_numpy().tolist() == [
        [1, 1024, 1024, 2], [4, 20000, 10000, 1]]  # 200 megapixels: a size, the API resizes it
    assert w.bad_rows[["row", "reason"]].to_numpy().tolist() == [
        [2, "width is missing"], [3, "count is zero"]]
