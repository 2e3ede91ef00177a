"""The geometry of the grid drawn over an image: lines, black padding, preview scale, hover cells.

All numbers, no drawing library: a page turns an `Overlay` into a figure. Grid lines come as two
flat coordinate lists with None between lines, so ONE line trace draws any number of cells
(10,000 patches cost as little to draw as 4 tiles).

Two frames of reference:
- the model's view (default): coordinates are the model's pixels, the image is the resized image;
- `mapped=True`: the same grid stretched onto the original image, in the original's pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

from calc.engine.estimate import Estimate, Grid

# Previews are drawn at most this many pixels on their long side; coordinates never change.
PREVIEW_MAX_SIDE = 1280


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Overlay:
    """Everything needed to draw one grid over one image, in one frame of reference."""

    frame: tuple[float, float]  # width, height of the covered grid: the drawing's extent
    image: tuple[int, int]  # the image drawn underneath, in frame pixels, at (0, 0)
    scale: tuple[float, float]  # frame pixels per model pixel (1, 1 unless mapped)
    cell: int  # cell side in model pixels (32 or 512)
    cols: int
    rows: int
    xs: tuple[float | None, ...]  # grid lines: x of every point, None between lines
    ys: tuple[float | None, ...]
    padding: tuple[Rect, ...]  # the covered grid beyond the image: black, as the API treats it
    preview_scale: float  # preview pixels per frame pixel (≤ 1)
    preview_size: tuple[int, int]  # the preview image's own size in pixels
    mapped: bool

    @property
    def cells(self) -> int:
        return self.cols * self.rows

    def cell_centres(self) -> tuple[list[float], list[float]]:
        """x of every column's centre and y of every row's centre, in frame pixels."""
        sx, sy = self.scale
        return ([(c + 0.5) * self.cell * sx for c in range(self.cols)],
                [(r + 0.5) * self.cell * sy for r in range(self.rows)])

    def cell_numbers(self) -> tuple[list[int], list[int]]:
        """Row numbers (top to bottom) and column numbers (left to right), counted from 1.

        With `cell_centres` they give every cell's hover text: row r of `rows`, column c of `cols`.
        """
        return list(range(1, self.rows + 1)), list(range(1, self.cols + 1))

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(row, column), counted from 1, of the cell under frame point (x, y); None outside."""
        sx, sy = self.scale
        col, row = int(x // (self.cell * sx)), int(y // (self.cell * sy))
        if x < 0 or y < 0 or col >= self.cols or row >= self.rows:
            return None
        return row + 1, col + 1


def grid_lines(grid: Grid, sx: float = 1.0, sy: float = 1.0
               ) -> tuple[tuple[float | None, ...], tuple[float | None, ...]]:
    """Every vertical then every horizontal grid line as x and y lists with None separators."""
    width, height = grid.cols * grid.cell * sx, grid.rows * grid.cell * sy
    xs: list[float | None] = []
    ys: list[float | None] = []
    for c in range(grid.cols + 1):
        x = c * grid.cell * sx
        xs += [x, x, None]
        ys += [0.0, height, None]
    for r in range(grid.rows + 1):
        y = r * grid.cell * sy
        xs += [0.0, width, None]
        ys += [y, y, None]
    return tuple(xs), tuple(ys)


def padding_rects(grid: Grid, sx: float = 1.0, sy: float = 1.0) -> tuple[Rect, ...]:
    """The covered grid beyond the image: a strip on the right (full height), one below."""
    (w, h), (cw, ch) = grid.image, grid.covered
    rects = []
    if cw > w:
        rects.append(Rect(w * sx, 0.0, cw * sx, ch * sy))
    if ch > h:
        rects.append(Rect(0.0, h * sy, w * sx, ch * sy))
    return tuple(rects)


def preview_scale(width: float, height: float, max_side: int = PREVIEW_MAX_SIDE) -> float:
    """How much to shrink a preview so its long side fits `max_side` (never enlarged)."""
    return min(1.0, max_side / max(width, height))


def overlay(est: Estimate, mapped: bool = False, max_side: int = PREVIEW_MAX_SIDE) -> Overlay:
    """The grid of an estimate, over the image as the model sees it or mapped onto the original."""
    grid = est.grid
    w, h = grid.image
    if mapped:
        image = est.original_size
        sx, sy = image[0] / w, image[1] / h
    else:
        image, sx, sy = (w, h), 1.0, 1.0
    xs, ys = grid_lines(grid, sx, sy)
    s = preview_scale(*image, max_side)
    return Overlay(
        frame=(grid.covered[0] * sx, grid.covered[1] * sy), image=image, scale=(sx, sy),
        cell=grid.cell, cols=grid.cols, rows=grid.rows, xs=xs, ys=ys,
        padding=padding_rects(grid, sx, sy), preview_scale=s,
        preview_size=(max(1, round(image[0] * s)), max(1, round(image[1] * s))), mapped=mapped,
    )
