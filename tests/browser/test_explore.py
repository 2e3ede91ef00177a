"""Explore in a real browser: upload, switch to a tile model and to a gpt-6 model, count the cells.

Drives Debian's chromium against `streamlit run app.py` on 127.0.0.1 (fixtures in conftest.py).
The cells are counted from the grid the page actually shows (its SVG path), not from the caption;
"Hover and zoom" switches to the Plotly chart, whose hover names a cell's row and column.
"""

from __future__ import annotations

import contextlib
import re

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

# Counts the vertical and horizontal lines of the grid the page shows: the SVG image over the
# picture (calc.views.markup), decoded from its data: URL as the browser decodes it.
COUNT_LINES = """() => {
  const grid = document.querySelector('.pw-overlay img.pw-grid');
  if (!grid || !grid.complete || !grid.naturalWidth) return null;
  const svg = atob(grid.src.split(',')[1]);
  const d = new DOMParser().parseFromString(svg, 'image/svg+xml')
    .querySelector('path').getAttribute('d');
  let vertical = 0, horizontal = 0;
  for (const seg of d.split('M').filter(Boolean)) {
    const [a, b] = seg.split('L').map(p => p.trim().split(' ').map(Number));
    if (Math.abs(a[0] - b[0]) < 0.01) vertical++; else horizontal++;
  }
  return [vertical, horizontal];
}"""


def caption_text(page) -> str:
    return page.locator('[data-testid="stText"]').first.inner_text()


def wait_for_caption(page, text: str) -> str:
    page.wait_for_function(
        "t => [...document.querySelectorAll('[data-testid=\"stText\"]')]"
        ".some(c => c.innerText.replace(/\\s+/g, ' ').includes(t))", arg=text, timeout=30_000)
    return re.sub(r"\s+", " ", caption_text(page))


def drawn_cells(page, expected: tuple[int, int]) -> tuple[int, int]:
    """(columns, rows) drawn, once the figure shows the expected grid (or the time runs out)."""
    lines = expected[0] + 1, expected[1] + 1
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below reports what was drawn
        page.wait_for_function(f"() => JSON.stringify(({COUNT_LINES})()) === "
                               f"JSON.stringify([{lines[0]}, {lines[1]}])", timeout=20_000)
    drawn = page.evaluate(COUNT_LINES)
    assert drawn is not None, "no grid drawn"
    return drawn[0] - 1, drawn[1] - 1


def pick_model(page, name: str) -> None:
    model = page.get_by_role("combobox", name="Model", exact=True)
    model.click()
    model.fill(name)
    # options read "gpt-4o · shuts down 2027-01-14  ·  512 px tiles": match the name exactly
    option = page.get_by_role("option", name=re.compile(rf"^{re.escape(name)}(\s|$)")).first
    option.wait_for(timeout=30_000)
    option.click()


def test_upload_then_tile_then_gpt6_model(page, app_url, artifacts, tmp_path):
    image = tmp_path / "square.png"
    Image.new("RGB", (1024, 1024), (90, 140, 200)).save(image)
    page.set_viewport_size({"width": 1440, "height": 1400})
    page.goto(app_url)
    wait_for_caption(page, "gpt-5.6-sol")  # the first visit: a sample on a current model

    page.locator('[data-testid="stButtonGroup"] button', has_text="Upload").first.click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(image)
    # gpt-5.6-sol, auto = original (65535 fit, no budget): 32 × 32 = 1,024 patches × 1.2 → 1,229
    text = wait_for_caption(page, "1024×1024 → 1024×1024")
    assert "32×32 patches · 1,229 tokens" in text
    assert drawn_cells(page, (32, 32)) == (32, 32)

    pick_model(page, "gpt-4o")
    # gpt-4o, 1024×1024: short side 768 → 768×768 → 2 × 2 tiles → 85 + 4 × 170 = 765
    text = wait_for_caption(page, "1024×1024 → 768×768")
    assert "2×2 tiles · 765 tokens" in text
    assert drawn_cells(page, (2, 2)) == (2, 2)

    pick_model(page, "gpt-6-sol")
    # gpt-6-sol, auto = original: 1,024 patches × 1.2 → 1,229 (inferred profile, metering.md §4)
    text = wait_for_caption(page, "gpt-6-sol")
    assert "1024×1024 → 1024×1024 · 32×32 patches · 1,229 tokens" in text
    cols, rows = drawn_cells(page, (32, 32))
    assert (cols, rows) == (32, 32) and cols * rows == 1024
    assert page.get_by_text("1,229", exact=True).first.is_visible()  # the tokens metric
    assert page.get_by_text("inferred").first.is_visible()  # the inferred profile is said

    # with "Hover and zoom", hovering a cell names its row and column
    page.get_by_text("Hover and zoom", exact=True).click()
    plot = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first
    plot.locator(".nsewdrag").first.wait_for(timeout=30_000)
    box = plot.locator(".nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=10_000)
    hover = plot.locator(".hoverlayer .hovertext").first.text_content()
    assert "row 1 of 32 · column 1 of 32" in hover

    page.set_viewport_size({"width": 1440, "height": 2600})  # the whole page in one picture
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "explore_patch_model.png"), full_page=True)
