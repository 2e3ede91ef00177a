"""Drawing an `Overlay` (calc.views.explore_overlay): a Plotly figure for "Hover and zoom", a PNG
for the download (the page's own picture is plain HTML: calc.views.markup).

The grid is ONE line trace whatever the number of cells, the padding at most two rectangles, and
hover comes from one transparent heatmap with a cell per grid cell: 10,000 patches draw as fast as
4 tiles. Every coordinate is in the overlay's frame (the model's pixels unless mapped); only the
preview image underneath is downscaled.
"""

from __future__ import annotations

import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw

from calc.views.explore_overlay import Overlay
from calc.views.markup import GRID_COLOUR, PADDING_COLOUR, PLACEHOLDER_COLOUR

GRID_RGBA = (255, 196, 0, 242)  # GRID_COLOUR for Pillow
_TRANSPARENT = [[0.0, "rgba(0,0,0,0)"], [1.0, "rgba(0,0,0,0)"]]


def preview_webp(image: Image.Image, size: tuple[int, int]) -> bytes:
    """The image shrunk to `size` as a lossy WEBP (alpha kept): small to send."""
    small = image if image.size == size else image.resize(size, Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    small.save(buf, "WEBP", quality=80, method=0)
    return buf.getvalue()


def build_figure(ov: Overlay, image_src: str | None, *, width_hint: int = 360) -> go.Figure:
    """The image (or a placeholder) with its grid, black padding and a row/column hover.

    The height follows the grid's shape for a plot `width_hint` px wide: a phone's width, so
    nothing is left blank under it there; wider screens show it at that height, space beside it.
    Built from plain dicts in one go: Plotly still validates them, at a fifth of the cost of
    update_layout.
    """
    fw, fh = ov.frame
    iw, ih = ov.image
    height = round(min(620, max(160, width_hint * fh / fw + 16)))
    no_line = dict(width=0)
    shapes = [dict(type="rect", x0=r.x0, y0=r.y0, x1=r.x1, y1=r.y1, line=no_line,
                   fillcolor=PADDING_COLOUR, layer="below") for r in ov.padding]
    images = []
    if image_src is None:
        shapes.append(dict(type="rect", x0=0, y0=0, x1=iw, y1=ih, line=no_line,
                           fillcolor=PLACEHOLDER_COLOUR, layer="below"))
    else:
        images.append(dict(source=image_src, xref="x", yref="y", x=0, y=0, sizex=iw, sizey=ih,
                           xanchor="left", yanchor="top", sizing="stretch", layer="below"))
    cx, cy = ov.cell_centres()
    row_numbers, col_numbers = ov.cell_numbers()
    cols, rows = np.meshgrid(col_numbers, row_numbers)
    hover = dict(  # numbers, not 10,000 strings: validating strings costs 30 ms
        type="heatmap", x=cx, y=cy, z=np.zeros((ov.rows, ov.cols)),
        customdata=np.dstack((rows, cols)), zmin=0, zmax=1, colorscale=_TRANSPARENT,
        showscale=False, name="cells",
        hovertemplate=(f"row %{{customdata[0]}} of {ov.rows} · "
                       f"column %{{customdata[1]}} of {ov.cols}<extra></extra>"),
    )
    grid = dict(  # None → NaN: a gap between lines; arrays validate far faster than lists
        type="scatter", x=np.array(ov.xs, dtype=float), y=np.array(ov.ys, dtype=float),
        mode="lines", hoverinfo="skip", name="grid",
        line=dict(color=GRID_COLOUR, width=2 if ov.cell >= 512 else 1),
    )
    axis = dict(showgrid=False, zeroline=False, ticks="outside", constrain="domain")
    layout = dict(
        shapes=shapes, images=images, height=height, showlegend=False,
        margin=dict(l=8, r=8, t=8, b=8), plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)", hoverlabel=dict(bgcolor="#1f2a33"),
        xaxis=dict(axis, range=[0, fw], constraintoward="left"),
        yaxis=dict(axis, range=[fh, 0], scaleanchor="x", scaleratio=1, constraintoward="top"),
    )
    return go.Figure(data=[hover, grid], layout=layout)


def overlay_png(image: Image.Image | None, ov: Overlay) -> bytes:
    """The overlay at full frame size as a PNG: image, black padding, grid lines."""
    fw, fh = max(1, round(ov.frame[0])), max(1, round(ov.frame[1]))
    iw, ih = ov.image
    canvas = Image.new("RGBA", (fw, fh), (0, 0, 0, 255))  # padding is black, as the API pads
    if image is None:
        canvas.paste(Image.new("RGBA", (iw, ih), PLACEHOLDER_COLOUR), (0, 0))
    else:
        shown = image.convert("RGBA")
        if shown.size != (iw, ih):
            shown = shown.resize((iw, ih), Image.Resampling.LANCZOS)
        canvas.alpha_composite(shown)
    draw = ImageDraw.Draw(canvas)
    width = max(1, round(max(fw, fh) / (400 if ov.cell >= 512 else 1200)))
    points: list[tuple[float, float]] = []
    for x, y in zip(ov.xs, ov.ys, strict=True):
        if x is None or y is None:
            # A line at the far edge would fall just outside the canvas: pull it in.
            (x0, y0), (x1, y1) = [(min(px, fw - 1), min(py, fh - 1)) for px, py in points]
            draw.line([(x0, y0), (x1, y1)], fill=GRID_RGBA, width=width)
            points = []
        else:
            points.append((x, y))
    buf = io.BytesIO()
    canvas.convert("RGB").save(buf, "PNG")
    return buf.getvalue()
