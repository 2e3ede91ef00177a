"""calc.views.plan_inputs: image headers, zips (limits, junk, odd names), CSV rows, size mixes."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from calc.engine.errors import CalcError
from calc.views import plan_inputs as wl

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
    assert set(reasons) == {"notes.txt", "x.bmp", "anim.gif"}
    assert "not an image" in reasons["notes.txt"]
    assert "BMP" in reasons["x.bmp"]
    assert "animated" in reasons["anim.gif"]
    assert sizes_of(w) == {"ok.png": (2, 2)}


def png_header(width: int, height: int) -> bytes:
    """A PNG header claiming width×height, without the pixels (only headers are read)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0"))
            + chunk(b"IEND", b""))


def test_an_image_with_an_absurd_side_is_skipped_not_planned():
    w = wl.read_images([("strip.png", png_header(150_000, 2)), ("ok.png", png_header(64, 32))])
    assert sizes_of(w) == {"ok.png": (64, 32)}
    assert [s.name for s in w.skipped] == ["strip.png"]
    assert "over 100,000 px" in w.skipped[0].reason


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


# --- CSV -----------------------------------------------------------------------------------------


def test_template_csv_reads_back_cleanly():
    w = wl.read_csv(wl.TEMPLATE_CSV.encode())
    assert len(w.bad_rows) == 0
    assert w.rows[["width", "height", "count"]].to_numpy().tolist() == [
        [4032, 3024, 400], [1920, 1080, 250], [2550, 3300, 150], [1024, 1024, 150],
        [256, 256, 50]]
    assert list(w.rows["detail"]) == ["", "", "high", "low", ""]
    assert list(w.rows["model"]) == ["", "", "", "", "gpt-4.1-mini"]
    assert w.rows["line"].tolist() == [2, 3, 4, 5, 6]


BAD_ROWS = [
    (",100", "width is missing"),
    ("100,", "height is missing"),
    ("abc,100", "width is not a number"),
    ("100,12px", "height is not a number"),
    ("0,100", "width is zero"),
    ("100,0", "height is zero"),
    ("-4,100", "width is negative"),
    ("100,-4", "height is negative"),
    ("10.5,100", "width is not a whole number"),
    ("100001,100", "width is over 100,000 px"),
    ("100,250000", "height is over 100,000 px"),
    ("20000,5001", "over 100 megapixels"),
    ("100,100,0", "count is zero"),
    ("100,100,-2", "count is negative"),
    ("100,100,many", "count is not a number"),
    ("100,100,1.5", "count is not a whole number"),
    ("100,100,2000000", "count is over 1,000,000"),
    ("100,100,1,ultra", "unknown detail 'ultra' (use low, high, auto, original)"),
    ("100,100,1,,gpt-9", "unknown model 'gpt-9'"),
    ("100,100,1,,gpt-image-1", "gpt-image-1 makes images: cost it under Generate"),
]


@pytest.mark.parametrize(("line", "reason"), BAD_ROWS)
def test_each_kind_of_bad_row_is_flagged_and_left_out(line, reason):
    data = f"width,height,count,detail,model\n100,200,3,,\n{line}\n".encode()
    w = wl.read_csv(data)
    assert w.rows[["width", "height", "count"]].to_numpy().tolist() == [[100, 200, 3]]
    assert w.bad_rows["reason"].tolist() == [reason]
    assert w.bad_rows["line"].tolist() == [3]


def test_all_bad_kinds_in_one_file_and_the_values_shown_as_typed():
    body = "\n".join(line for line, _ in BAD_ROWS)
    w = wl.read_csv(f"width,height,count,detail,model\n{body}\n1,1\n".encode())
    assert w.bad_rows["reason"].tolist() == [reason for _, reason in BAD_ROWS]
    assert w.bad_rows.loc[2, "width"] == "abc"
    assert w.rows[["width", "height", "count"]].to_numpy().tolist() == [[1, 1, 1]]


def test_several_problems_in_one_row_are_all_named():
    w = wl.read_csv(b"width,height,count\n-1,abc,0\n")
    assert w.bad_rows["reason"].tolist() == [
        "width is negative; height is not a number; count is zero"]


def test_a_line_with_too_many_fields_is_flagged_with_its_line_number():
    w = wl.read_csv(b"width,height\n10,20\n30,40,50\n\n60,70\n")
    assert w.rows[["line", "width", "height"]].to_numpy().tolist() == [[2, 10, 20], [5, 60, 70]]
    assert w.bad_rows[["line", "reason"]].to_numpy().tolist() == [
        [3, "has 3 fields; the header has 2"]]


def test_blank_lines_keep_line_numbers_true():
    w = wl.read_csv(b"\nwidth,height\n\n10,20\r\n\r\n30,40\n")
    assert w.rows["line"].tolist() == [4, 6]


def test_models_resolve_and_details_ignore_case():
    w = wl.read_csv(b"width,height,count,detail,model\n8,8,1,HIGH,gpt-4.1-mini-2025-04-14\n"
                    b"8,8,1, low , GPT-4o \n")
    assert list(w.rows["model"]) == ["gpt-4.1-mini", "gpt-4o"]
    assert list(w.rows["detail"]) == ["high", "low"]


def test_header_less_semicolon_and_bom_files():
    bare = wl.read_csv(b"4032,3024,1\n100,50,2\n")  # no header: width,height,count…
    assert bare.rows[["line", "width", "height", "count"]].to_numpy().tolist() == [
        [1, 4032, 3024, 1], [2, 100, 50, 2]]
    semi = wl.read_csv(b"width;height;count\n10;20;3\n")
    assert semi.rows[["width", "height", "count"]].to_numpy().tolist() == [[10, 20, 3]]
    bom = wl.read_csv("\ufeffWidth , Height\n10,20\n".encode())
    assert bom.rows[["width", "height"]].to_numpy().tolist() == [[10, 20]]


def test_unknown_columns_are_named_in_a_notice():
    w = wl.read_csv(b"name,width,height\nreceipt,10,20\n")
    assert w.notices == ("Columns not used: name.",)
    assert len(w.rows) == 1


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"  \n\n", "empty"),
    (b"PK\x03\x04\x14\x00rest-of-an-xlsx", "spreadsheet"),
    (b"\x89PNG\r\n\x1a\n\0\0\0", "binary"),
    (b"height,count\n1,2\n", "no width column"),
    (b"size\n10x20\n", "no width or height column"),
])
def test_files_that_cannot_be_a_workload_say_why(data, message):
    with pytest.raises(wl.WorkloadError, match=message):
        wl.read_csv(data)
    assert issubclass(wl.WorkloadError, CalcError)


def test_table_workload_checks_a_typed_table_like_a_csv():
    table = pd.DataFrame({"width": [1024, None, 5], "height": [1024, 10, 5],
                          "count": [2, 1, 0]})
    w = wl.table_workload(table)
    assert w.rows[["row", "width", "height", "count"]].to_numpy().tolist() == [[1, 1024, 1024, 2]]
    assert w.bad_rows[["row", "reason"]].to_numpy().tolist() == [
        [2, "width is missing"], [3, "count is zero"]]


cells = st.one_of(
    st.integers(min_value=-5, max_value=200_000).map(str),
    st.sampled_from(["", " ", "abc", "1.5", "2.0", "1e3", "nan", "NaN", "-nan", "inf", "-Inf",
                     "Infinity", "1e400", "-0", "+7", " 8 ", "0x10", "１２", "NA", " NA ", "null",
                     "N/A", "true"]),
)


@settings(max_examples=60)
@given(st.lists(st.tuples(cells, cells, cells), min_size=1, max_size=12))
def test_any_cells_split_into_good_and_bad_rows_and_both_parsers_agree(rows):
    """Never a crash; every row is good or bad; the fast parser matches the csv-module one."""
    text = "width,height,count\n" + "\n".join(",".join(r) for r in rows) + "\n"
    data = text.encode()
    fast = wl.read_csv(data)
    frame, lines, wide = wl._parse_slowly(data, ",", True, ["width", "height", "count"])
    slow = wl._validate_csv(frame, lines, wide, ["width", "height", "count"])
    assert len(fast.rows) + len(fast.bad_rows) == len(slow.rows) + len(slow.bad_rows)
    pd.testing.assert_frame_equal(fast.rows.reset_index(drop=True)[["width", "height", "count"]],
                                  slow.rows.reset_index(drop=True)[["width", "height", "count"]])
    assert fast.bad_rows["reason"].tolist() == slow.bad_rows["reason"].tolist()


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(1, 100_000), st.integers(1, 100_000),
                          st.integers(1, 1_000_000)), min_size=1, max_size=40))
def test_valid_rows_come_back_exactly(rows):
    text = "width,height,count\n" + "\n".join(f"{w},{h},{n}" for w, h, n in rows)
    w = wl.read_csv(text.encode())
    expected = [r for r in rows if r[0] * r[1] <= 100_000_000]
    got = w.rows[["width", "height", "count"]].to_numpy().tolist()
    assert got == [list(r) for r in expected]
    assert len(w.bad_rows) == len(rows) - len(expected)
    assert np.all(w.bad_rows["reason"] == "over 100 megapixels")


def test_missing_markers_hex_and_infinity():
    w = wl.read_csv(b"width,height,count,detail,model\n10,20,NA,NULL,None\n10,20,0x10,,\n"
                    b"inf,20,1,,\n")
    assert w.rows[["width", "height", "count"]].to_numpy().tolist() == [[10, 20, 1]]
    assert list(w.rows["detail"]) == [""] and list(w.rows["model"]) == [""]
    assert w.bad_rows["reason"].tolist() == ["count is not a number", "width is not a number"]
