"""No number breaks across lines in any table, at any width; no page scrolls sideways at 1024×768;
and Plan's answers ($ a day, a month, the backlog) are on screen there without scrolling sideways.

Two kinds of table are on the pages. An HTML table (Explore's, Paste a request's, How it's
metered's, a Markdown table) is read as the browser laid it out: every word in a cell that holds
a digit ("1,229", "$0.0019", "768×1536", "2027-01-14", "gpt-5.4-mini") must sit on one line — a
Range over the word has its boxes on one line only. A data grid (st.dataframe: a canvas, Glide
Data Grid) never wraps; it cuts a value off at its column's edge. There the test reads the
columns' widths the grid was laid out with (the props of its canvas's React component, read, never
changed) and measures each value holding a digit in the grid's own font.

At 1024×768 (the sidebar open) and on a 390×844 phone, on Explore and Plan at the Batch tier (their
cells carry the most text there), on Paste a request with its example, on every tab of How it's
metered and on Verify.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SCREENS = {"projector": (1024, 768), "phone": (390, 844)}
# A size mix on Plan, at Batch, with a backlog: its tables carry every figure they have.
PLAN = "plan?source=mix&mix=1024x1024:50,3024x4032:30,7952x5304:20&tier=batch&backlog=250000"
METERED_TABS = ("The rules", "Profiles", "Worked examples", "Measured evidence",
                "Generated images", "Prices", "Lifecycle", "Guide vs billing", "History")

# Every word holding a digit, in every table cell on screen, whose boxes lie on more than one
# line: [the word, the table's first header].
BROKEN_NUMBERS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('td, th')) {
    if (!cell.getClientRects().length) continue;  // hidden, or a data grid's unrendered copy
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
      for (const word of node.data.matchAll(/\\S*\\d\\S*/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
                                .map(r => Math.round(r.top)));
        if (lines.size > 1) {
          const first = cell.closest('table').querySelector('th');
          broken.push([word[0], first ? first.innerText : '']);
        }
      }
    }
  }
  return broken;
}"""

# Every data grid on screen, as laid out: its column titles and widths (px), where it sits, and
# the values holding a digit that are wider than their column: [value, needed px, column px].
GRIDS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .filter(d => d.getClientRects().length && d.querySelector('canvas'))
  .map(d => {
    const canvas = d.querySelector('canvas');
    const key = Object.keys(canvas).find(k => k.startsWith('__reactFiber$'));
    let fiber = key && canvas[key], props = null;
    for (let i = 0; fiber && i < 60 && !props; i++, fiber = fiber.return) {
      const p = fiber.memoizedProps;
      if (p && Array.isArray(p.columns) && p.columns.length
          && typeof p.columns[0].width === 'number' && p.theme) props = p;
    }
    if (!props) return {error: 'no column widths found for a data grid'};
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = `${props.theme.baseFontStyle} ${props.theme.fontFamily}`;
    const padding = 2 * props.theme.cellHorizontalPadding;
    const widths = props.columns.map(c => c.width);
    // the grid's own columns may start with a row marker (a data editor's) that its
    // accessible copy, the table of cells read below, does not count
    const grid = d.querySelector('table[role="grid"]');
    const offset = widths.length - Number(grid.getAttribute('aria-colcount'));
    const cut = [];
    grid.querySelectorAll('td[role="gridcell"]').forEach(td => {
      const column = Number(td.getAttribute('aria-colindex')) - 1 + offset;
      const text = td.textContent;
      const needed = ctx.measureText(text).width + padding;
      if (/\\d/.test(text) && needed > widths[column] + 1)
        cut.push([text, Math.ceil(needed), widths[column]]);
    });
    const box = d.getBoundingClientRect();
    return {titles: props.columns.map(c => c.title), widths, left: box.left,
            right: box.right, cut};
  })"""

SIDEWAYS = "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"

# Where Plan shows each answer outside a data grid: HTML table headers and metric labels that
# name it, with their left and right edges.
ANSWER_PLACES = """(pattern) => {
  const re = new RegExp(pattern, 'i');
  return [...document.querySelectorAll('th, [data-testid="stMetricLabel"]')]
    .filter(e => e.getClientRects().length && re.test(e.innerText))
    .map(e => { const r = e.getBoundingClientRect(); return [e.innerText, r.left, r.right]; });
}"""
ANSWERS = {"a day": r"\bday\b", "a month": r"\bmonth\b", "the backlog": r"\bbacklog\b"}


def open_page(page: Page, url: str, ready: str) -> None:
    page.goto(url)
    page.wait_for_selector(ready, timeout=60_000)
    page.wait_for_timeout(1_500)  # layout and the data grids settle


def assert_no_number_breaks(page: Page, where: str) -> None:
    assert page.evaluate(BROKEN_NUMBERS) == [], where
    for grid in page.evaluate(GRIDS):
        assert "error" not in grid, (where, grid)
        assert grid["cut"] == [], (where, grid["titles"], grid["cut"])


def assert_no_sideways_scroll(page: Page, where: str) -> None:
    width, client = page.evaluate(SIDEWAYS)
    assert width <= client, (where, width, client)


def check(page: Page, screen: str, where: str, artifacts) -> None:
    page.screenshot(path=str(artifacts / f"numbers-{where}-{screen}.png"))
    assert_no_number_breaks(page, where)
    if screen == "projector":
        assert_no_sideways_scroll(page, where)


@pytest.fixture(params=SCREENS)
def screen(request, page: Page) -> str:
    width, height = SCREENS[request.param]
    page.set_viewport_size({"width": width, "height": height})
    return request.param


def test_explore_at_batch(page: Page, app_url: str, screen: str, artifacts):
    open_page(page, f"{app_url}/explore?tier=batch&model=gpt-4o", ".pw-table >> nth=1")
    expect(page.get_by_text("Batch not confirmed for this model (gpt-4o)").first).to_be_attached()
    check(page, screen, "explore", artifacts)
    # a rejection's table rows carry the most text of all
    open_page(page, f"{app_url}/explore?tier=batch&model=gpt-6-sol&w=7952&h=5304",
              ".pw-table >> nth=1")
    check(page, screen, "explore-rejected", artifacts)


def test_plan_with_a_mix_at_batch(page: Page, app_url: str, screen: str, artifacts):
    open_page(page, f"{app_url}/{PLAN}", '[data-testid="stMetric"]')
    page.wait_for_selector('[data-testid="stDataFrame"] canvas', timeout=60_000)
    page.wait_for_timeout(1_500)
    check(page, screen, "plan", artifacts)


def test_plans_answers_are_on_screen_at_1024(page: Page, app_url: str):
    """At 1024×768 with the sidebar open: $ a day, a month and the backlog without scrolling
    sideways (the figures table puts them first, its model column pinned)."""
    page.set_viewport_size({"width": SCREENS["projector"][0], "height": SCREENS["projector"][1]})
    open_page(page, f"{app_url}/{PLAN}", '[data-testid="stMetric"]')
    page.wait_for_selector('[data-testid="stDataFrame"] canvas', timeout=60_000)
    page.wait_for_timeout(1_500)
    for answer, pattern in ANSWERS.items():  # the sidebar open
        places = answer_places(page, pattern)
        assert places, f"Plan shows no {answer}"
        assert any(left >= 0 and right <= edge + 1 for _, left, right, edge in places), (
            f"Plan's {answer} is not on screen without scrolling sideways", places)


def answer_places(page: Page, pattern: str) -> list[tuple[str, float, float, float]]:
    """Where Plan shows an answer: (its title, left, right, the right edge it must keep within
    to be seen without scrolling sideways: the viewport's, or its data grid's visible edge)."""
    viewport = page.viewport_size["width"]
    places = [(text, left, right, viewport)
              for text, left, right in page.evaluate(ANSWER_PLACES, pattern)]
    for grid in page.evaluate(GRIDS):
        x = grid["left"]  # the grid as first drawn: not scrolled sideways
        for title, width in zip(grid["titles"], grid["widths"], strict=True):
            if re.search(pattern, title, re.IGNORECASE):
                places.append((title, x, x + width, min(viewport, grid["right"])))
            x += width
    return places


def test_request_with_its_example(page: Page, app_url: str, screen: str, artifacts):
    open_page(page, f"{app_url}/request", "h1")
    page.get_by_role("button", name="Load an example").click()
    page.wait_for_selector(".pw-table", timeout=60_000)
    page.wait_for_timeout(1_000)
    check(page, screen, "request", artifacts)


def test_every_tab_of_how_its_metered(page: Page, app_url: str, screen: str, artifacts):
    open_page(page, f"{app_url}/metered", ".pw-table")
    for tab in METERED_TABS:
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(800)
        where = f"metered-{tab.lower().replace(' ', '-')}"
        if tab == "The rules":  # the notes in full, their own tables included
            page.get_by_text("docs/metering.md — the rules with their evidence").click()
            page.wait_for_timeout(800)
        check(page, screen, where, artifacts)


def test_verify(page: Page, app_url: str, screen: str, artifacts):
    open_page(page, f"{app_url}/verify", "h1")
    check(page, screen, "verify", artifacts)
