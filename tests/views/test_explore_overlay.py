"""calc.views.explore_overlay: grid lines, black padding, preview scale, mapping, hover."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import calc
from calc.engine.estimate import Grid
from calc.views.explore_overlay import (
    PREVIEW_MAX_SIDE,
    Rect,
    grid_lines,
    overlay,
    padding_rects,
    preview_scale,
)


def segments(xs, ys):
    """Split None-separated coordinates into ((x0, y0), (x1, y1)) segments."""
    out, points = [], []
    for x, y in zip(xs, ys, strict=True):
        if x is None:
            assert y is None
            out.append(tuple(points))
            points = []
        else:
            points.append((x, y))
    assert points == []  # the lists end with a separator
    return out


# --- the spec's worked example: gpt-4o, 2048×4096, high → 768×1536, 2×3 tiles, 1,105 tokens ---

def test_tile_example_lines_and_padding():
    ov = overlay(calc.estimate(2048, 4096, "gpt-4o", "high"))
    assert (ov.cols, ov.rows, ov.cell) == (2, 3, 512)
    assert ov.image == (768, 1536)
    assert ov.frame == (1024, 1536)
    segs = segments(ov.xs, ov.ys)
    vertical = sorted(s for s in segs if s[0][0] == s[1][0])
    horizontal = sorted(s for s in segs if s[0][1] == s[1][1])
    assert vertical == [((x, 0), (x, 1536)) for x in (0, 512, 1024)]
    assert horizontal == [((0, y), (1024, y)) for y in (0, 512, 1024, 1536)]
    # 768 px of image in 1024 px of tiles: a 256 px black strip on the right, nothing below
    assert ov.padding == (Rect(768, 0, 1024, 1536),)


def test_patch_padding_on_both_sides():
    # gpt-4.1-mini 100×50: ⌈100/32⌉ × ⌈50/32⌉ = 4 × 2 patches covering 128×64
    ov = overlay(calc.estimate(100, 50, "gpt-4.1-mini", "high"))
    assert (ov.cols, ov.rows, ov.cell, ov.frame) == (4, 2, 32, (128, 64))
    assert ov.padding == (Rect(100, 0, 128, 64), Rect(0, 50, 100, 64))


def test_no_padding_when_the_image_fills_its_cells():
    ov = overlay(calc.estimate(512, 512, "gpt-5-mini", "high"))
    assert (ov.cols, ov.rows, ov.padding) == (16, 16, ())


def test_ten_thousand_patches_are_one_short_list():
    # gpt-5.4 original: budget 10,000; a 6000×6000 square shrinks to 100×100 patches (3200 px)
    ov = overlay(calc.estimate(6000, 6000, "gpt-5.4", "original"))
    assert (ov.cols, ov.rows, ov.cells) == (100, 100, 10_000)
    assert ov.image == (3200, 3200)
    assert len(segments(ov.xs, ov.ys)) == 101 + 101  # lines, not cells
    assert len(ov.xs) == len(ov.ys) == 3 * 202


def test_mapped_onto_the_original():
    est = calc.estimate(2048, 4096, "gpt-4o", "high")  # model sees 768×1536
    ov = overlay(est, mapped=True)
    s = 2048 / 768  # = 4096 / 1536: original pixels per model pixel
    assert ov.scale == pytest.approx((s, s))
    assert ov.image == (2048, 4096)
    assert ov.frame == pytest.approx((1024 * s, 1536 * s))
    xs = sorted({x for x in ov.xs if x is not None})
    assert xs == pytest.approx([0, 512 * s, 1024 * s])
    assert ov.padding[0].x0 == pytest.approx(2048) and ov.padding[0].x1 == pytest.approx(1024 * s)
    assert ov.mapped and not overlay(est).mapped


def test_mapped_with_unequal_scales():
    # gpt-4.1 2049×513 high: fit 2048 rounds 512.75 half up to 513 → model sees 2048×513
    est = calc.estimate(2049, 513, "gpt-4.1", "high")
    assert est.grid.image == (2048, 513)
    ov = overlay(est, mapped=True)
    assert ov.scale == pytest.approx((2049 / 2048, 1.0))


def test_preview_scale_keeps_coordinates():
    # a 24-megapixel photo (6000×4000) mapped: the preview shrinks, the frame does not
    ov = overlay(calc.estimate(6000, 4000, "gpt-4o", "high"), mapped=True)
    assert ov.preview_scale == pytest.approx(PREVIEW_MAX_SIDE / 6000)
    assert ov.preview_size == (1280, 853)  # 4000 × 1280/6000 = 853.3
    assert ov.image == (6000, 4000)
    assert max(x for x in ov.xs if x is not None) == pytest.approx(ov.frame[0])
    small = overlay(calc.estimate(64, 64, "gpt-4o", "high"))
    assert (small.preview_scale, small.preview_size) == (1.0, (64, 64))
    assert preview_scale(2560, 100, max_side=1280) == 0.5
    assert preview_scale(100, 2560, max_side=1280) == 0.5


def test_cell_lookup_and_centres():
    ov = overlay(calc.estimate(2048, 4096, "gpt-4o", "high"))  # 2 columns × 3 rows of 512
    assert ov.cell_at(0, 0) == (1, 1)
    assert ov.cell_at(511.9, 0) == (1, 1)
    assert ov.cell_at(512, 0) == (1, 2)
    assert ov.cell_at(1023, 1535) == (3, 2)
    assert ov.cell_at(900, 100) == (1, 2)  # in the black padding: still a counted cell
    assert ov.cell_at(1024, 0) is None
    assert ov.cell_at(0, 1536) is None
    assert ov.cell_at(-1, 5) is None
    assert ov.cell_centres() == ([256, 768], [256, 768, 1280])
    assert ov.cell_numbers() == ([1, 2, 3], [1, 2])


def test_cell_lookup_when_mapped():
    ov = overlay(calc.estimate(2048, 4096, "gpt-4o", "high"), mapped=True)
    s = 2048 / 768
    assert ov.cell_at(512 * s - 1, 0) == (1, 1)
    assert ov.cell_at(512 * s + 1, 1024 * s + 1) == (3, 2)


@given(w=st.integers(1, 9000), h=st.integers(1, 9000),
       model=st.sampled_from(["gpt-4o", "gpt-4.1-mini", "gpt-5.4", "gpt-image-1"]),
       detail=st.sampled_from(["high", "low", "original"]), mapped=st.booleans())
def test_geometry_invariants(w, h, model, detail, mapped):
    if model == "gpt-image-1" and detail == "low":
        detail = "high"
    est = calc.estimate(w, h, model, detail)
    ov = overlay(est, mapped=mapped)
    sx, sy = ov.scale
    fw, fh = ov.frame
    # lines: one per column edge and one per row edge, all inside the frame
    segs = segments(ov.xs, ov.ys)
    assert len(segs) == (ov.cols + 1) + (ov.rows + 1)
    for (x0, y0), (x1, y1) in segs:
        assert min(x0, x1) >= -1e-9 and max(x0, x1) <= fw + 1e-6
        assert min(y0, y1) >= -1e-9 and max(y0, y1) <= fh + 1e-6
    # padding + image tile the covered grid exactly (no overlap, no gap)
    iw, ih = ov.image
    pad = sum((r.x1 - r.x0) * (r.y1 - r.y0) for r in ov.padding)
    assert pad + iw * ih == pytest.approx(fw * fh, rel=1e-9)
    assert all(r.x1 > r.x0 and r.y1 > r.y0 for r in ov.padding)
    # the frame is the cells, in frame pixels
    assert fw == pytest.approx(ov.cols * ov.cell * sx)
    assert fh == pytest.approx(ov.rows * ov.cell * sy)
    assert max(ov.preview_size) <= PREVIEW_MAX_SIDE


def test_grid_lines_of_a_bare_grid():
    xs, ys = grid_lines(Grid(cell=32, cols=1, rows=1, covered=(32, 32), image=(20, 32)))
    assert xs == (0, 0, None, 32, 32, None, 0, 32, None, 0, 32, None)
    assert ys == (0, 32, None, 0, 32, None, 0, 0, None, 32, 32, None)
    assert padding_rects(Grid(32, 1, 1, (32, 32), (20, 32))) == (Rect(20, 0, 32, 32),)
