"""calc.views.manifest: one path for a workload file (CSV or Parquet, any size) — the rules every
row meets, the line numbers, the blocks, the collapse to distinct sizes and the pricing per batch.
The same files on Plan's page and the CLI: tests/test_workload_files.py."""

from __future__ import annotations

import io
import os
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc.adapters import manifest_files
from calc.engine.errors import CalcError
from calc.views import manifest as mf
from calc.views.plan.workload import TEMPLATE_CSV


def sizes(workload) -> set[tuple]:
    rows = workload.rows
    return {(int(w), int(h), int(n), str(d), str(m)) for w, h, n, d, m in
            zip(rows["width"], rows["height"], rows["count"], rows["detail"], rows["model"],
                strict=True)}


def bad(workload) -> list[list]:
    return workload.bad_rows[[workload.bad_rows.columns[0], "reason"]].to_numpy().tolist() \
        if workload.bad_count else []


def test_the_template_reads_back_as_its_distinct_sizes():
    w = mf.read_manifest(TEMPLATE_CSV.encode())
    assert w.bad_count == 0
    assert sizes(w) == {(4032, 3024, 400, "", ""), (1920, 1080, 250, "", ""),
                        (2550, 3300, 150, "high", ""), (1024, 1024, 150, "low", ""),
                        (256, 256, 50, "", "gpt-4.1-mini")}
    assert w.notices == ("5 rows read: 5 distinct sizes.",)


def test_rows_of_one_size_collapse_into_one_with_their_counts_summed():
    w = mf.read_manifest(b"width,height,count\n10,20,3\n30,40\n10,20,4\n10,20,1,high\n")
    assert sizes(w) == {(10, 20, 7, "", ""), (30, 40, 1, "", "")}
    assert bad(w) == [[5, "has 4 fields; the header has 3"]]


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
    ("100,100,0", "count is zero"),
    ("100,100,-2", "count is negative"),
    ("100,100,many", "count is not a number"),
    ("100,100,1.5", "count is not a whole number"),
    ("100,100,2000000", "count is over 1,000,000"),
    ("100,100,1,ultra", "unknown detail 'ultra' (use low, high, auto, original)"),
    ("100,100,1,,gpt-9", "unknown model 'gpt-9'"),
    ("100,100,1,,gpt-image-1", "gpt-image-1 makes images: cost it under Generate"),
    ("0x10,100", "width is not a number"),  # Arrow alone would read 16
    ("inf,100", "width is not a number"),
    ("1,2,3,,,6", "has 6 fields; the header has 5"),
]


@pytest.mark.parametrize(("line", "reason"), BAD_ROWS)
def test_each_kind_of_bad_row_is_named_with_its_line(line, reason):
    w = mf.read_manifest(f"width,height,count,detail,model\n100,200,3,,\n{line}\n".encode())
    assert sizes(w) == {(100, 200, 3, "", "")}
    assert bad(w) == [[3, reason]]


def test_all_bad_kinds_in_one_file_and_the_cells_shown_as_typed():
    body = "\n".join(line for line, _ in BAD_ROWS)
    w = mf.read_manifest(f"width,height,count,detail,model\n{body}\n1,1\n".encode())
    assert [r for _, r in bad(w)] == [reason for _, reason in BAD_ROWS]
    assert [n for n, _ in bad(w)] == list(range(2, 2 + len(BAD_ROWS)))
    assert w.bad_rows.loc[2, "width"] == "abc"
    assert sizes(w) == {(1, 1, 1, "", "")}


def test_a_big_size_is_a_size_whatever_its_megapixels():
    w = mf.read_manifest(b"width,height\n20000,10000\n100000,100000\n100000,1\n")
    assert sizes(w) == {(20000, 10000, 1, "", ""), (100000, 100000, 1, "", ""),
                        (100000, 1, 1, "", "")}
    assert w.bad_count == 0


def test_several_problems_in_one_row_are_all_named():
    w = mf.read_manifest(b"width,height,count\n-1,abc,0\n")
    assert bad(w) == [[2, "width is negative; height is not a number; count is zero"]]


def test_blank_lines_and_crlf_keep_line_numbers_true():
    w = mf.read_manifest(b"\nwidth,height\n\n10,20\r\n\r\nabc,40\r\n  \n7,x\n")
    assert bad(w) == [[6, "width is not a number"], [8, "height is not a number"]]
    assert sizes(w) == {(10, 20, 1, "", "")}


def test_models_resolve_and_details_ignore_case_and_markers_mean_not_given():
    w = mf.read_manifest(b"width,height,count,detail,model\n8,8,1,HIGH,gpt-4.1-mini-2025-04-14\n"
                         b"8,8,1, high , GPT-4.1-MINI \n9,9,NA,NULL,None\n")
    assert sizes(w) == {(8, 8, 2, "high", "gpt-4.1-mini"), (9, 9, 1, "", "")}


@pytest.mark.parametrize("data", [
    b"1024,1024,3\n10,20,2\n",  # no header: width, height, count
    b"width,height,count\n1024,1024,3\n10,20,2\n",
    b"WIDTH;Height;COUNT\r\n1024;1024;3\r\n10;20;2\r\n",
    b"width\theight\tcount\n1024\t1024\t3\n10\t20\t2\n",
    '\ufeff" Width ", "height " ,count\n"1024","1024",3\n10,20,2\n'.encode(),
    "\ufeff1024;1024;3\r\n\r\n10;20;2".encode(),  # no header, BOM, no final line break
    "width,height,count,note\n1024,1024,3,café\n10,20,2,x\n".encode("cp1252"),
])
def test_every_spelling_of_the_same_file_reads_the_same(data):
    w = mf.read_manifest(data)
    assert sizes(w) == {(1024, 1024, 3, "", ""), (10, 20, 2, "", "")}
    assert w.bad_count == 0


def test_unused_columns_are_named_briefly_however_many():
    w = mf.read_manifest(b"name,width,height\nreceipt,10,20\n")
    assert w.notices[1] == "Columns not used: 'name'."
    header = "width,height," + ",".join(f"column_{i}_{'x' * 200}" for i in range(5000))
    w = mf.read_manifest(f"{header}\n10,20\n".encode())
    assert sizes(w) == {(10, 20, 1, "", "")}
    assert len(w.notices[1]) < 400 and w.notices[1].endswith("and 4,992 more.")


@pytest.mark.parametrize(("data", "message"), [
    (b"", "is empty"),
    (b"  \n\n", "is empty"),
    (b"width,height\n", "has a header but no rows: nothing to plan"),
    (b"width,height\n\n\n", "has a header but no rows: nothing to plan"),
    (b"PK\x03\x04\x14\x00rest-of-an-xlsx", "spreadsheet"),
    (b"\x89PNG\r\n\x1a\n\0\0\0", "binary"),
    (b"height,count\n1,2\n", "no width column"),
    (b"size\n10x20\n", "no width or height column"),
    (b"1920\n1080\n", "no header and only one column"),
    (b"PAR1 and then no Parquet at all", "not a Parquet file that can be read"),
    (b"a,b," + b",".join(b"c%d" % i for i in range(3000)) + b"\n1,2\n", "and 2,994 more"),
])
def test_files_that_cannot_be_a_workload_say_why_briefly(data, message):
    with pytest.raises(CalcError, match=message) as caught:
        mf.read_manifest(data, "upload.csv")
    assert len(str(caught.value)) < 400


def test_blocks_of_any_size_give_the_same_rows_and_line_numbers(monkeypatch):
    text = ("\ufeffwidth,height,count\r\n" + "".join(
        f"{w},{301 - w},{w % 3 + 1}\r\n" + ("\r\n" if w % 7 == 0 else "")
        + ("oops,1\r\n" if w % 11 == 0 else "") + ("1,2,3,4\r\n" if w % 13 == 0 else "")
        for w in range(1, 200))).encode()
    whole = mf.read_manifest(text)
    for block in (16, 64, 333):
        monkeypatch.setattr(manifest_files, "BLOCK_BYTES", block)
        parts = mf.read_manifest(text)
        assert sizes(parts) == sizes(whole)
        assert bad(parts) == bad(whole)
    assert [n for n, r in bad(whole) if r == "width is not a number"][:2] == [14, 29]
    assert len(bad(whole)) == 18 + 15


def test_progress_is_reported_batch_by_batch(monkeypatch):
    monkeypatch.setattr(manifest_files, "BLOCK_BYTES", 1000)
    data = b"width,height\n" + b"1024,768\n" * 1000
    seen: list[tuple[float, str]] = []
    mf.read_manifest(data, on_progress=lambda share, text: seen.append((share, text)))
    assert len(seen) == 9  # 9,000 bytes of rows after the header, 1,000 at a time
    assert [s for s, _ in seen] == sorted(s for s, _ in seen) and seen[-1][0] == 1.0
    assert seen[-1][1] == "Read 1,000 rows (100%)"


def test_sizes_are_merged_as_batches_come_so_memory_follows_the_distinct_sizes(monkeypatch):
    monkeypatch.setattr(manifest_files, "BLOCK_BYTES", 50)
    data = b"width,height,count\n" + b"".join(b"%d,%d,2\n" % (i % 5 + 1, 7) for i in range(500))
    w = mf.read_manifest(data)
    assert sizes(w) == {(i, 7, 200, "", "") for i in range(1, 6)}


# --- Parquet -------------------------------------------------------------------------------------


def parquet(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf, row_group_size=2)
    return buf.getvalue()


def test_parquet_of_any_column_types_meets_the_same_rules():
    data = parquet(pa.table({
        " Width": pa.array([1920.0, 10.5, None, 1024.0, 20000.0]),
        "HEIGHT": pa.array(["1080", "5", "7", "abc", "10000"]),
        "count": pa.array([2, 1, 1, 1, None], type=pa.int32()),
        "model": pa.array(["", None, "gpt-4o", "", ""]).dictionary_encode(),
    }))
    w = mf.read_manifest(data, "m.parquet")
    assert sizes(w) == {(1920, 1080, 2, "", ""), (20000, 10000, 1, "", "")}
    assert bad(w) == [[2, "width is not a whole number"], [3, "width is missing"],
                      [4, "height is not a number"]]
    with pytest.raises(CalcError, match="m.parquet has no rows: nothing to plan"):
        mf.read_manifest(parquet(pa.table({"width": pa.array([], pa.int64()),
                                           "height": pa.array([], pa.int64())})), "m.parquet")
    with pytest.raises(CalcError, match="has no height column"):
        mf.read_manifest(parquet(pa.table({"width": [1]})), "m.parquet")


# --- any cells at all ----------------------------------------------------------------------------


cells = st.one_of(
    st.integers(min_value=-5, max_value=200_000).map(str),
    st.sampled_from(["", " ", "abc", "1.5", "2.0", "1e3", "nan", "NaN", "-nan", "inf", "-Inf",
                     "Infinity", "1e400", "-0", "+7", " 8 ", "0x10", "１２", "NA", " NA ", "null",
                     "N/A", "true", '"9"', "99999999999999999999"]),
)


@settings(max_examples=60)
@given(st.lists(st.tuples(cells, cells, cells), min_size=1, max_size=12))
def test_any_cells_split_into_good_and_bad_rows_and_arrow_agrees_with_the_csv_module(rows):
    """Never a crash; every row good or bad; a block read by Arrow and the same block read by
    the csv module (a line with too many fields sends it there) say the same of every row."""
    text = "width,height,count\n" + "\n".join(",".join(r) for r in rows) + "\n"
    fast = mf.read_manifest(text.encode())
    slow = mf.read_manifest((text + "1,2,3,4\n").encode())
    assert sum(n for *_, n, _, _ in sizes(fast)) + fast.bad_count >= len(rows)
    assert sizes(fast) == sizes(slow)
    assert bad(fast) + [[len(rows) + 2, "has 4 fields; the header has 3"]] == bad(slow)


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(1, 100_000), st.integers(1, 100_000),
                          st.integers(1, 1_000_000)), min_size=1, max_size=40))
def test_valid_rows_come_back_exactly_whatever_their_megapixels(rows):
    text = "width,height,count\n" + "\n".join(f"{w},{h},{n}" for w, h, n in rows)
    w = mf.read_manifest(text.encode())
    expected: dict[tuple[int, int], int] = {}
    for a, b, n in rows:
        expected[(a, b)] = expected.get((a, b), 0) + n
    assert sizes(w) == {(a, b, n, "", "") for (a, b), n in expected.items()}
    assert w.bad_count == 0


# --- pricing, batch by batch: a pure function of a pandas batch ----------------------------------


def test_price_batch_known_answers():
    """gpt-5.4-mini (auto = high: fit 2048, 2,500 patches, ×1.2) and gpt-6-luna (auto =
    original: no budget, rejected past 30,000 patches), metering.md §4 and §5."""
    batch = pd.DataFrame({"width": ["1024", "20000", "abc", "10"],
                          "height": [1024, 10000, 1, 20], "count": [3, 1, 1, None]})
    out = mf.price_batch(batch, ["gpt-5.4-mini", "gpt-6-luna"])
    assert out.to_numpy().tolist() == [
        ["", 4, 1, 0, 0, 0],
        # 3 × 1229 (1024 patches) + 2458 (fit to 2048×1024: 2048 patches) + 2 (one patch)
        ["gpt-5.4-mini", 0, 0, 5, 3 * 1229 + 2458 + 2, 0],
        # 20000×10000 needs 625 × 313 = 195,625 patches: rejected, not priced
        ["gpt-6-luna", 0, 0, 5, 3 * 1229 + 2, 1],
    ]
    assert list(out.columns) == list(mf.PRICED_COLUMNS)
    pd.testing.assert_frame_equal(out, mf.price_batch(batch, ["gpt-5.4-mini", "gpt-6-luna"]))


def test_batches_priced_apart_sum_to_the_whole():
    rng = np.random.default_rng(3)
    n = 3000
    batch = pd.DataFrame({"width": rng.integers(1, 9000, n), "height": rng.integers(1, 9000, n),
                          "count": rng.integers(1, 5, n),
                          "detail": rng.choice(["", "low", "high"], n),
                          "model": rng.choice(["", "", "gpt-4o", "bogus"], n)})
    models = ["gpt-6-luna", "gpt-5.4-mini"]
    whole = mf.sum_priced(mf.price_batch(batch, models), models)
    parts = mf.sum_priced([mf.price_batch(batch.iloc[i:i + 700], models)
                           for i in range(0, n, 700)], models)
    assert parts == whole
    assert whole.rows == n and whole.bad_rows == int((batch["model"] == "bogus").sum())
    assert [t.model for t in whole.models] == ["gpt-6-luna", "gpt-5.4-mini", "gpt-4o"]


# --- paths that are not files --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_a_path_that_is_not_a_file_is_refused_at_once(tmp_path, kind):
    path = {"fifo": tmp_path / "pipe", "device": "/dev/zero", "directory": tmp_path}[kind]
    if kind == "fifo":
        os.mkfifo(path)
    start = time.monotonic()
    with pytest.raises(CalcError, match=f"is a {'named pipe' if kind == 'fifo' else kind}, "
                                        "not a file"):
        mf.plan_files([path], ["gpt-6-luna"])
    assert time.monotonic() - start < 5
